#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The event log (issue 17 point 1): a kill is reported under the statement
# that caused it, in run (TAP comments) and in shell (before the next
# prompt, driven through a pseudo-terminal); an error about a dead process
# says at which line and why it died; --events chooses what is shown;
# --events-json writes every event as JSON lines a JSON parser reads. The
# numbers come from the scenario: memory.max 1M is 256 pages of 4 KiB, a
# tmpfs of size=1M holds pages 0..255, so the fault of page 256 fails. (TAP)
#   SMEMCG  the smemcg binary (default build/smemcg)
#   VG      a command prefix such as valgrind (optional)
set -u
. "$(dirname "$0")/../lib/tap.sh"
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out_has() { grep -q -e "$1" "$tmp/out"; }
out_lacks() { ! grep -q -e "$1" "$tmp/out"; }
# line_of PATTERN: the number of the first output line matching it
line_of() { grep -n -e "$1" "$tmp/out" | head -n 1 | cut -d: -f1; }

cat >"$tmp/oom.smc" <<'SMC'
write /cgroup.subtree_control +memory
mkdir /a
write /a/memory.max 1M
spawn p /a
p mmap m anon 4M
p touch m
expect p killed
p touch m
SMC
cat >"$tmp/sigbus.smc" <<'SMC'
write /cgroup.subtree_control +memory
mkdir /pod
spawn adm /
adm mount tmpfs /mnt/v size=1M
spawn sidecar /pod
echo before
sidecar mmap m file /mnt/v/f 2M shared
sidecar touch m
echo after
expect sidecar killed SIGBUS
SMC

# ---- run: the OOM kill under line 6 ----
sm run --quiet "$tmp/oom.smc"
check "oom: exit 1 (line 8 fails)" test "$rc" -eq 1
check "oom: the kill is a comment naming FILE:6" \
	out_has "^# $tmp/oom.smc:6 at 0\.000 s: oom_kill in /a: p (pid [0-9]*) OOM-killed: "
check "oom: it names the limit hit, 256 of 256 pages, and the charge" \
	out_has "the largest task in /a, at its memory.max (256 of 256 pages), on a charge of 1 page by p"
a=$(line_of ":6 at .*oom_kill"); b=$(line_of "^ok 1 - expect p killed")
check "oom: the kill comes before line 7's point" test "${a:-99}" -lt "${b:-0}"
check "oom: line 8's error says p died at line 6, and why" \
	out_has "^not ok 2 - p touch m ($tmp/oom.smc:8:1; failed with ESRCH: process p (pid [0-9]*) died at line 6 (0\.000 s): the largest task in /a"
check "oom: kills only by default: no memory.events lines" out_lacks "memory_event"

sm run --quiet --events=none "$tmp/oom.smc"
check "--events=none: no event line" out_lacks "oom_kill"
check "--events=none: the error still says where p died" out_has "died at line 6"

sm run --quiet --events=all "$tmp/oom.smc"
check "--events=all: the max event burst of line 6" \
	out_has ":6 at 0\.000 s: memory_event in /a: memory.events max"
check "--events=all: the oom event" out_has ":6 at 0\.000 s: memory_event in /a: memory.events oom$"
check "--events=all: reclaim that freed nothing" out_has ":6 at .*reclaim_nothing in /a: "

sm run --quiet --events=oom_kill,charge_failed "$tmp/oom.smc"
check "--events=LIST: the kill shown" out_has "oom_kill in /a"
check "--events=LIST: memory_event not shown" out_lacks "memory_event"

# smemcg=full-fail: A's write fails because B, which sees the smemcg, has
# no room; B's memory.max of 20M is 5120 pages, all in use (10M of its own
# heap, and under full the 10M of shm written so far counted in B too)
sm run --quiet --policy smemcg=full-fail --events=kills,charge_failed "$here/../report/smemcg_story.smc"
check "full-fail: the write's failure is a charge_failed event in /B, not /A" \
	out_has "smemcg_story.smc:23 at [0-9.]* s: charge_failed in /B: a charge of 1 page failed: memory.max reached at 5120 of 5120 pages"
check "full-fail: its ENOMEM does not blame the smemcg alone" \
	out_has "failed with ENOMEM: the smemcg of this filesystem, or under smemcg=full a cgroup that sees it"

sm run --quiet --events=bogus "$tmp/oom.smc"
check "--events=bogus: exit 2" test "$rc" -eq 2
check "--events=bogus: the types are listed" grep -q 'oom_kill, sigbus, kill' "$tmp/err"

# ---- run: SIGBUS under line 8 ----
sm run --quiet "$tmp/sigbus.smc"
check "sigbus: exit 0" test "$rc" -eq 0
check "sigbus: the kill names FILE:8, the fault and the full tmpfs" \
	out_has "^# $tmp/sigbus.smc:8 at 0\.000 s: sigbus in /pod: sidecar (pid [0-9]*): SIGBUS on a fault of page 256 .*tmpfs /mnt/v is full"
a=$(line_of "^# before"); b=$(line_of ":8 at .*sigbus"); c=$(line_of "^# after")
check "sigbus: between the echoes around line 8" \
	test "${a:-99}" -lt "${b:-0}" -a "${b:-99}" -lt "${c:-0}"

# ---- --events-json ----
sm run --quiet --events-json "$tmp/ev.json" "$tmp/oom.smc" "$tmp/sigbus.smc"
check "json: run exit 1" test "$rc" -eq 1
if command -v python3 >/dev/null 2>&1; then
	python3 - "$tmp/ev.json" "$tmp" >"$tmp/py" 2>&1 <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
tmp = sys.argv[2]
kills = [e for e in evs if e["type"] == "oom_kill"]
assert len(kills) == 1, kills
k = kills[0]
assert k["file"] == tmp + "/oom.smc" and k["line"] == 6, k
assert k["cgroup"] == "/a" and k["signal"] == "SIGKILL", k
bus = [e for e in evs if e["type"] == "sigbus"]
assert len(bus) == 1 and bus[0]["line"] == 8 and bus[0]["cgroup"] == "/pod", bus
assert bus[0]["file"] == tmp + "/sigbus.smc", bus
# every event, not only the kills --events shows
assert any(e["type"] == "memory_event" and e["key"] == "max" for e in evs), evs
for e in evs:
    assert set(e) >= {"file", "line", "time_ns", "type", "pid", "cgroup", "key",
                      "count", "repeats", "text"}, e
print("ok")
PY
	check "json: every line parses, the kills carry file, line, cgroup, signal" \
		grep -qx ok "$tmp/py"
	[ "$(cat "$tmp/py")" = ok ] || sed 's/^/#   /' "$tmp/py"
else
	skip "json: every line parses" "python3 is not installed"
fi
sm run --quiet --events-json "$tmp/no/such/dir/ev.json" "$tmp/oom.smc"
check "json: a file that cannot be created: exit 3" test "$rc" -eq 3

# ---- shell, through a pseudo-terminal (77: none can be opened here) ----
rc=0
if command -v python3 >/dev/null 2>&1; then
	# one line at a time, each after the prompt that asks for it
	{
		echo "wait smemcg> "
		sed -n '1,6p' "$tmp/oom.smc" | sed 's/^/send /; a\
wait smemcg> '
		echo "send echo next"
		echo "wait smemcg> "
		echo "send quit"
	} >"$tmp/drive"
	python3 "$here/pty_drive.py" "$tmp/drive" -- $VG "$SMEMCG" shell >"$tmp/pty" 2>&1
	rc=$?
fi
if [ "$rc" -eq 77 ]; then
	for t in "the driver ran to the end" "the OOM kill appears as soon as its statement ran" \
		"at the next prompt, not later"; do
		skip "shell: $t" "no pseudo-terminal here (a chroot without /dev/pts)"
	done
elif command -v python3 >/dev/null 2>&1; then
	check "shell: the driver ran to the end" test "$rc" -eq 0
	tr -d '\r' <"$tmp/pty" >"$tmp/out"
	# the kill is printed after `p touch m` was typed and before the next prompt
	a=$(line_of "p touch m$"); b=$(line_of "<stdin>:6 at 0\.000 s: oom_kill in /a: p (pid")
	c=$(grep -n "smemcg> " "$tmp/out" | cut -d: -f1 | awk -v b="${b:-0}" '$1 > b' | head -n 1)
	check "shell: the OOM kill appears as soon as its statement ran" \
		test "${a:-99}" -lt "${b:-0}" -a "${b:-99}" -lt "${c:-0}"
	check "shell: at the next prompt, not later" out_has "^smemcg> echo next"
	[ -n "${b:-}" ] || sed 's/^/#   /' "$tmp/out"
else
	skip "shell: the driver ran to the end" "python3 is not installed"
	skip "shell: the OOM kill appears as soon as its statement ran" "python3 is not installed"
	skip "shell: at the next prompt, not later" "python3 is not installed"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
