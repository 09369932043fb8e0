#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The smemcg command line, as a user meets it (TAP): help texts, exit
# statuses (0 pass, 1 failure, 2 bad usage), the summary line, `run -`,
# `smemcg shell` fed from a pipe, and determinism (the same scenario twice
# gives byte-identical output; stock on/off agree where the kernel's
# semantics make them agree).
#   SMEMCG  the smemcg binary (default build/smemcg)
#   VG      a command prefix such as valgrind (optional)
set -u
. "$(dirname "$0")/../lib/tap.sh"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sm_in() {
	input=$1
	shift
	$VG "$SMEMCG" "$@" <"$input" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
rc_is() { [ "$rc" -eq "$1" ]; }
out_has() { grep -q -e "$1" "$tmp/out"; }
err_has() { grep -q -e "$1" "$tmp/err"; }
last_is() { [ "$(tail -n 1 "$tmp/out")" = "$1" ]; }
no_sanitizer() { ! grep -q -e 'AddressSanitizer' -e 'runtime error:' -e 'LeakSanitizer' "$tmp/err"; }

# ---- help ----
sm --help
check "smemcg --help exits 0" rc_is 0
for c in run shell demo kernel diff; do
	check "smemcg --help lists the $c command" out_has "^  $c "
done
check "smemcg --help names the --help of commands" out_has "COMMAND --help"
cp "$tmp/out" "$tmp/help"
# every command the help lists has a working --help of its own
for c in $(sed -n '/^commands:/,/^$/p' "$tmp/help" | awk 'NF > 1 { print $1 }'); do
	sm "$c" --help
	check "smemcg $c --help exits 0" rc_is 0
	check "smemcg $c --help prints a usage line" out_has "^usage: smemcg $c"
done
# documents the help points to exist
for d in $(grep -o 'docs/[A-Za-z0-9_-]*\.md' "$tmp/help" | sort -u); do
	check "smemcg --help refers to $d, which exists" test -f "$top/$d"
done
sm -h
check "smemcg -h exits 0" rc_is 0
check "smemcg -h prints the usage" out_has "^usage: smemcg COMMAND"
sm help
check "smemcg help exits 0" rc_is 0

sm run --help
check "smemcg run --help exits 0" rc_is 0
for o in --policy --check --quiet; do
	check "smemcg run --help explains $o" out_has "^  \(-[a-z], \)\?$o"
done
for k in shared=owner shared= smemcg= recharge= owner= kmem= stock=; do
	check "smemcg run --help lists the policy $k" out_has "$k"
done
for v in common-ancestor borrow full reparent evict mapper deferred auto mm-owner mm-memcg; do
	check "smemcg run --help lists the policy value $v" out_has "$v"
done
check "smemcg run --help documents the summary line" out_has "N passed, N failed"
sm shell --help
check "smemcg shell --help exits 0" rc_is 0
check "smemcg shell --help explains --policy" out_has "--policy"

# ---- bad usage: exit 2 ----
sm
check "smemcg without a command exits 2" rc_is 2
check "smemcg without a command prints the usage on stderr" err_has "^usage: smemcg"
sm frobnicate
check "unknown command exits 2" rc_is 2
check "unknown command is named on stderr" err_has 'unknown command "frobnicate"'
sm run
check "smemcg run without a file exits 2" rc_is 2
check "smemcg run without a file prints its usage on stderr" err_has "^usage: smemcg run"
sm run --frobnicate x.smc
check "smemcg run with an unknown option exits 2" rc_is 2
check "the unknown option is named" err_has "unknown option --frobnicate"
sm run --policy stock=sometimes x.smc
check "smemcg run --policy with a bad value exits 2" rc_is 2
check "the bad policy value is explained" err_has 'unknown value "sometimes"'
sm run --policy nokey x.smc
check "smemcg run --policy without = exits 2" rc_is 2
check "smemcg run --policy without = says KEY=VALUE" err_has "takes KEY=VALUE"
sm run x.smc --policy
check "smemcg run ending in --policy exits 2" rc_is 2
check "smemcg run ending in --policy says the value is missing, not that --policy is unknown" \
	sh -c '! grep -q "unknown option --policy" "$1"' sh "$tmp/err"
sm shell --frobnicate
check "smemcg shell with an unknown argument exits 2" rc_is 2

# ---- run: exit status and summary ----
cat >"$tmp/pass.smc" <<'EOF'
machine memory=1G cpus=2
write /cgroup.subtree_control +memory
mkdir /a
write /a/memory.max 10M
expect /a/memory.max == 10M
expect /a/memory.current == 0
expect /a/cgroup.procs == ""
read /a/memory.events
echo done
EOF
sm run --quiet "$tmp/pass.smc"
check "a passing scenario exits 0" rc_is 0
check "a passing scenario ends with \"3 passed, 0 failed\"" last_is "3 passed, 0 failed"
check "TAP version line" out_has "^TAP version 13"
check "TAP plan 1..3" out_has "^1\.\.3$"
check "read prints the file as TAP comments" out_has "^#   max 0$"
check "echo prints a TAP comment" out_has "^# done$"
check "nothing on stderr for a passing run" test ! -s "$tmp/err"

cat >"$tmp/fail.smc" <<'EOF'
write /cgroup.subtree_control +memory
mkdir /a
expect /a/memory.max == max
expect /a/memory.max == 1M
expect /a/memory.current == 0
EOF
sm run --quiet "$tmp/fail.smc"
check "a failing scenario exits 1" rc_is 1
check "a failing scenario ends with \"2 passed, 1 failed\"" last_is "2 passed, 1 failed"
check "the failing point is not ok 2" out_has "^not ok 2 - expect /a/memory.max == 1M ($tmp/fail.smc:4:1; got "

cat >"$tmp/stops.smc" <<'EOF'
mkdir /a
rmdir /nope
expect /a/cgroup.procs == ""
EOF
sm run --quiet "$tmp/stops.smc"
check "an unexpected failure exits 1" rc_is 1
check "an unexpected failure is a not ok point naming the errno" out_has "^not ok 1 - rmdir /nope ($tmp/stops.smc:2:1; failed with ENOENT"
check "and stops the scenario: \"0 passed, 1 failed\"" last_is "0 passed, 1 failed"

sm run --quiet "$tmp/pass.smc" "$tmp/fail.smc"
check "two files: exit 1 when one fails" rc_is 1
check "two files: totals summed (5 passed, 1 failed)" last_is "5 passed, 1 failed"

sm run --quiet "$tmp/does-not-exist.smc"
check "a missing file: non-zero exit" test "$rc" -ne 0
check "a missing file is named on stderr" err_has "does-not-exist.smc"

sm_in "$tmp/pass.smc" run --quiet -
check "run - reads the scenario from stdin" rc_is 0
check "run - prints the summary" last_is "3 passed, 0 failed"

sm run --quiet --check "$tmp/pass.smc"
check "run --check on a passing scenario exits 0" rc_is 0
sm run --quiet --policy stock=off "$tmp/pass.smc"
check "run --policy stock=off works" rc_is 0
sm run --quiet --policy=kmem=off "$tmp/pass.smc"
check "run --policy=KEY=VALUE works" rc_is 0

printf 'mkdir /a\nexpect /a/memory.max == 1X\n' >"$tmp/syntax.smc"
sm run --quiet "$tmp/syntax.smc"
check "a syntax error exits 2 (a scenario that does not load)" rc_is 2
# "expect " is 7 columns, "/a/memory.max" 13, " == " 4: "1X" starts at column 25
check "a syntax error is reported as FILE:LINE:COL: error:" err_has "syntax.smc:2:25: error: "
check "a syntax error runs nothing" test ! -s "$tmp/out" -o "$(grep -c '^ok' "$tmp/out")" -eq 0

# ---- shell ----
cat >"$tmp/shell.in" <<'EOF'
write /cgroup.subtree_control +memory
mkdir /a
expect /a/memory.current == 0
repeat 2
mkdir /a/c$i
end
expect /a/cgroup.stat nr_descendants == 2
rmdir /nope
expect /a/cgroup.stat nr_descendants == 2
help
quit
expect /a/memory.current == 1
EOF
sm_in "$tmp/shell.in" shell
check "shell: exit 1 when a statement failed" rc_is 1
check "shell: expect after mkdir is ok 1" out_has "^ok 1 - expect /a/memory.current == 0"
check "shell: a repeat block spanning lines runs" out_has "^ok 2 - expect /a/cgroup.stat nr_descendants == 2"
check "shell: a failed statement is reported" out_has "^not ok 3 - rmdir /nope"
check "shell: the session goes on after a failure" out_has "^ok 4 - expect /a/cgroup.stat nr_descendants == 2"
check "shell: help prints the language summary" out_has "expect-error ERRNO STATEMENT"
check "shell: quit ends the session (nothing after it runs)" test "$(grep -c 'memory.current == 1' "$tmp/out")" -eq 0
check "shell: summary \"3 passed, 1 failed\"" last_is "3 passed, 1 failed"
check "shell: no prompt when stdin is not a terminal" test "$(grep -c 'smemcg>' "$tmp/out")" -eq 0

printf 'mkdir /a\nexpect /a/cgroup.procs == ""\n' | $VG "$SMEMCG" shell >"$tmp/out" 2>"$tmp/err"
rc=$?
check "echo statements | smemcg shell: exit 0" rc_is 0
check "echo statements | smemcg shell: \"1 passed, 0 failed\"" last_is "1 passed, 0 failed"

printf 'mkdir /a\nexpect /a/memory.max == 1X\nmkdir /b\nexpect /b/cgroup.procs == ""\n' |
	$VG "$SMEMCG" shell >"$tmp/out" 2>"$tmp/err"
rc=$?
check "shell: a syntax error on input line 2 is reported as <stdin>:2:25: error:" err_has "^<stdin>:2:25: error: "
check "shell: the syntax error is a not ok point" out_has '^not ok 1 - <stdin>:2:25: '
check "shell: the session goes on after a syntax error" out_has '^ok 2 - expect /b/cgroup.procs == ""'
check "shell: a syntax error makes the exit status 2" rc_is 2

# ---- determinism ----
cat >"$tmp/busy.smc" <<'EOF'
machine memory=256M swap=64M cpus=3
write /cgroup.subtree_control +memory
mkdir /a
mkdir /b
write /a/memory.max 8M
write /b/memory.high 4M
spawn p /a cpu=0
spawn q /b cpu=1
spawn r /b cpu=2
p mmap m anon 6M
p touch m
p write /data/f 0 6M
q mmap n anon 6M
q touch n
r read /data/f 0 6M
fork q q2
q2 touch n
p mmap big anon 20M
p touch big
read /a/memory.stat
read /b/memory.stat
read /a/memory.events
read /b/memory.events
read /memory.stat
# 26M of anon in 8M: at least 18M went to swap, nobody was killed
expect p alive
expect /a/memory.current <= 8M
expect /a/memory.swap.current >= 18M
EOF
sm run --quiet "$tmp/busy.smc"
cp "$tmp/out" "$tmp/busy1"
cp "$tmp/err" "$tmp/busy1.err"
sm run --quiet "$tmp/busy.smc"
check "the same scenario twice: byte-identical stdout" cmp -s "$tmp/out" "$tmp/busy1"
check "the same scenario twice: byte-identical stderr" cmp -s "$tmp/err" "$tmp/busy1.err"
check "the busy scenario itself passes" rc_is 0
for s in "$top"/examples/*.smc "$top"/tests/scenarios/max_oom_anon_and_pagecache.smc; do
	[ -f "$s" ] || continue
	sm run --quiet "$s"
	cp "$tmp/out" "$tmp/d1"
	sm run --quiet "$s"
	check "deterministic: $(basename "$s") twice gives the same bytes" cmp -s "$tmp/out" "$tmp/d1"
done
# every example runs to its end, every expect passing, under the default
# policies (issue 2: `./smemcg run examples/*.smc` passes)
for s in "$top"/examples/*.smc; do
	sm run --quiet --check "$s"
	check "example $(basename "$s") passes under --check" rc_is 0
done
sm demo
cp "$tmp/out" "$tmp/demo1"
sm demo
check "smemcg demo exits 0" rc_is 0
check "smemcg demo twice gives the same bytes" cmp -s "$tmp/out" "$tmp/demo1"
check "no sanitizer report in any of it" no_sanitizer

# Stock on or off must not change what does not depend on batching: the
# pages themselves (memory.stat) and, after a memory.max below the usage
# drained every stock (128 pages charged, 28 used, max 30), memory.current.
cat >"$tmp/stock.smc" <<'EOF'
policy kmem=off
write /cgroup.subtree_control +memory
mkdir /a
spawn p /a cpu=0
spawn q /a cpu=1
p mmap m anon 100K
p touch m
q mmap n anon 12K
q touch n
expect /a/memory.stat anon == 112K
write /a/memory.max 120K
expect /a/memory.current == 112K
EOF
sm run --quiet --policy stock=on "$tmp/stock.smc"
cp "$tmp/out" "$tmp/on"
check "stock=on: anon exact and memory.current exact after the drain" rc_is 0
sm run --quiet --policy stock=off "$tmp/stock.smc"
check "stock=off: the same" rc_is 0
check "stock on and off give byte-identical output here" cmp -s "$tmp/out" "$tmp/on"

# The progress line of `run` (a terminal, over a second): statements done,
# simulated time, wall time; cleared at the end; none under --quiet.
long=$here/../compare/long.smc
case "$SMEMCG${VG:-}" in
*asan*|*valgrind*) no_pty="under a sanitizer" ;;
*) no_pty="" ;;
esac
script -qc true /dev/null >/dev/null 2>&1 || no_pty="script(1) cannot open a terminal here"
if [ -n "$no_pty" ]; then
	skip "run progress line" "$no_pty"
else
	script -qc "'$SMEMCG' run '$long' >/dev/null" "$tmp/pty.log" >/dev/null 2>&1
	if grep -q "statements, simulated [0-9.]* s, [0-9.]* s" "$tmp/pty.log"; then
		check "run progress line on a terminal: statements, simulated and wall time" true
		check "run progress line cleared at the end" grep -q "$(printf '\033')\\[K" "$tmp/pty.log"
	else
		# a fast machine may finish in under a second: then no line is due
		skip "run progress line" "the run took under a second"
	fi
	script -qc "'$SMEMCG' run --quiet '$long' >/dev/null" "$tmp/pty2.log" >/dev/null 2>&1
	check "run --quiet: no progress line" sh -c '! grep -q statements "$1"' sh "$tmp/pty2.log"
fi

# ---- smemcg diff's comparison rules, fed a hand-written guest output ----
# SMEMCG_ORACLE_REPLAY (src/cli/oracle_host.c) replaces the QEMU boot, so the
# host side is tested without a kernel. The kernel's numbers below are the
# model's plus what the kernel's rules allow (or do not).
# replay FILE SCENARIO OBS...: a one-boot recording of SCENARIO, each OBS
# being "LINE OP WHAT KEY v VALUE" (oracle/guest/guest_main.c)
replay() {
	out=$1
	label=$2
	shift 2
	{
		echo "##smemcg-begin 0"
		echo "TAP version 13"
		echo "# $label"
		# printf, not echo: dash's echo would expand the \n of the values
		for o in "$@"; do printf '##smemcg-obs 0 %s\n' "$o"; done
		echo "1..0"
		echo "##smemcg-result 0 0 0 0 0"
		echo "##smemcg-boot-end 0"
	} >"$out"
}
model_value() { # SCENARIO FILE: the value `smemcg run` prints for a read of FILE
	"$SMEMCG" run "$1" | awk -v f="# $2:" '$0 == f { getline; print $2; exit }'
}
cat >"$tmp/swap.smc" <<'SMC'
machine memory=1G cpus=2 swap=256M
policy stock=off
write /cgroup.subtree_control +memory
mkdir /a
spawn p /a
p mmap m anon 4M
p touch m
read /a/memory.swap.current
read /a/memory.current
SMC
cur=$(model_value "$tmp/swap.smc" /a/memory.current)
# Freed swap entries wait in per-CPU slot caches, 64 per CPU: 2 CPUs may
# hold 128 pages more than the model, on top of 64 pages of reclaim slack.
replay "$tmp/rec1" "$tmp/swap.smc" "8 r /a/memory.swap.current - v $((192 * 4096))" \
	"9 r /a/memory.current - v $cur"
SMEMCG_ORACLE_REPLAY=$tmp/rec1 sm diff "$tmp/swap.smc"
check "diff: swap.current 192 pages over the model on 2 CPUs agrees (slot caches)" \
	out_has '/a/memory.swap.current .*swap .*agree~'
check "diff: its exit status is 0" rc_is 0
replay "$tmp/rec2" "$tmp/swap.smc" "8 r /a/memory.swap.current - v $((193 * 4096))" \
	"9 r /a/memory.current - v $cur"
SMEMCG_ORACLE_REPLAY=$tmp/rec2 sm diff "$tmp/swap.smc"
check "diff: 193 pages over does not (64 of reclaim + 64 per CPU)" \
	out_has '/a/memory.swap.current .*swap .*DISAGREE'
check "diff: a disagreement exits 1" rc_is 1
# policy stock=off: the kernel's reads are drained, 2 pages of slack
replay "$tmp/rec3" "$tmp/swap.smc" "8 r /a/memory.swap.current - v 0" \
	"9 r /a/memory.current - v $((cur + 3 * 4096))"
SMEMCG_ORACLE_REPLAY=$tmp/rec3 sm diff "$tmp/swap.smc"
check "diff: drained memory.current 3 pages off disagrees" \
	out_has '/a/memory.current .*current .*DISAGREE'
check "diff: the model's value is the one smemcg run prints" out_has "/a/memory.current .* $cur "
# without it both sides have their stocks: 64 pages per CPU more
grep -v '^policy' "$tmp/swap.smc" >"$tmp/stocked.smc"
cur=$(model_value "$tmp/stocked.smc" /a/memory.current)
replay "$tmp/rec4" "$tmp/stocked.smc" "7 r /a/memory.swap.current - v 0" \
	"8 r /a/memory.current - v $((cur + 130 * 4096))"
SMEMCG_ORACLE_REPLAY=$tmp/rec4 sm diff --brief "$tmp/stocked.smc"
check "diff: with stocks, memory.current 130 pages off agrees (2 + 64 per CPU)" \
	out_has 'stocked.smc: 2 agree'
replay "$tmp/rec5" "$tmp/stocked.smc" "7 r /a/memory.swap.current - v 0" \
	"8 r /a/memory.current - v $((cur + 131 * 4096))"
SMEMCG_ORACLE_REPLAY=$tmp/rec5 sm diff "$tmp/stocked.smc"
check "diff: with stocks, 131 pages off disagrees" out_has '/a/memory.current .*stocked .*DISAGREE'
# the root's memory.stat: the guest shows the change since the scenario
# began; the harness's own anon and kernel memory are in it
cat >"$tmp/root.smc" <<'SMC'
machine memory=1G cpus=2
policy stock=off
write /cgroup.subtree_control +memory
spawn p /
p write /data/f 0 1M
read /memory.stat
SMC
replay "$tmp/rec6" "$tmp/root.smc" \
	'6 r /memory.stat - v anon 999424\nfile 1052672\nkernel 123456\nfile_dirty 1048576\npgfault 4242'
SMEMCG_ORACLE_REPLAY=$tmp/rec6 sm diff "$tmp/root.smc"
check "diff: the root's anon (the harness's pages) is shown, not compared" \
	out_has '/memory.stat anon .*info .* -$'
check "diff: the root's kernel memory is shown, not compared" out_has '/memory.stat kernel .*info'
check "diff: the root's page cache is compared (a directory block off)" \
	out_has '/memory.stat file .*tolerant .*agree$'
check "diff: the root's page faults are shown, not compared" out_has '/memory.stat pgfault .*info'
SMEMCG_ORACLE_REPLAY=$tmp/nonexistent sm diff "$tmp/root.smc"
check "diff: a missing recording is an error (exit 2)" rc_is 2

echo "1..$n"
[ "$failed" -eq 0 ]
