#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# smemcg shell for people (issue 17 point 6), driven through a
# pseudo-terminal as a person types: the Up arrow recalls a line, Tab
# completes a statement, a process name, a cgroup path and a control
# file, the history is written to $HOME/.smemcg_history and read back by
# the next session, a history that cannot be written is said once and
# does not fail the session, and input from a pipe is read as before (no
# banner, no prompt, no history). SKIPs as a whole (1..0, never a pass)
# when smemcg was built without libedit or python3 is missing. (TAP)
#   SMEMCG  the smemcg binary (default build/smemcg)
#   VG      a command prefix such as valgrind (optional)
set -u
here=$(cd "$(dirname "$0")" && pwd)
SMEMCG=${SMEMCG:-build/smemcg}
case $SMEMCG in /*) ;; *) SMEMCG=$(pwd)/$SMEMCG ;; esac
VG=${VG:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 is missing (scripts/setup-test-tools.sh python3 installs it)"
	exit 0
fi
# the banner on a terminal says whether the build has line editing
printf 'wait smemcg> \nsend quit\n' >"$tmp/probe"
HOME=$tmp python3 "$here/pty_drive.py" "$tmp/probe" -- "$SMEMCG" shell >"$tmp/banner" 2>&1
if [ $? -eq 77 ]; then
	echo "1..0 # SKIP no pseudo-terminal here (a chroot without /dev/pts)"
	exit 0
fi
if ! grep -q "Tab completes" "$tmp/banner"; then
	echo "1..0 # SKIP smemcg was built without libedit (scripts/setup-build-deps.sh installs libedit-dev)"
	exit 0
fi
rm -f "$tmp/.smemcg_history"
. "$here/../lib/tap.sh"

out_has() { grep -q -e "$1" "$tmp/out"; }
# drive NAME HOME: run the script $tmp/NAME in a shell on a pseudo-terminal
drive() {
	HOME=$2 python3 "$here/pty_drive.py" "$tmp/$1" -- $VG "$SMEMCG" shell >"$tmp/pty" 2>&1
	rc=$?
	tr -d '\r\007' <"$tmp/pty" >"$tmp/out"
}

mkdir "$tmp/home"
# each line typed after the prompt that asks for it; \t is Tab, \x1b[A the Up arrow
cat >"$tmp/s1" <<'DRIVE'
wait smemcg> 
send echo recall-me
wait smemcg> 
sendraw \x1b[A\r
wait smemcg> 
send spawn webserver /
wait smemcg> 
sendraw expect webs\talive\r
wait smemcg> 
sendraw spa\tother /\r
wait smemcg> 
send write /cgroup.subtree_control +memory
wait smemcg> 
send mkdir /pod
wait smemcg> 
sendraw write /po\tmemory.ma\t1M\r
wait smemcg> 
send read /pod/memory.max
wait smemcg> 
send help spawn
wait smemcg> 
send echo from-session-1
wait smemcg> 
send quit
DRIVE
drive s1 "$tmp/home"
check "session 1: the driver ran to the end (every prompt came)" test "$rc" -eq 0
check "the banner says Tab completes and where the history is" \
	out_has "Tab completes.*history in $tmp/home/.smemcg_history"
is "Up and Enter ran echo recall-me again" "$(grep -c '^# recall-me$' "$tmp/out")" 2
check "Tab completed the process name webs to webserver" \
	out_has "^ok 1 - expect webserver alive (line [0-9]*; got alive)"
check "Tab completed the statement spa to spawn" out_has "spawn other /"
check "Tab completed /po to the cgroup /pod/ and memory.ma to the control file memory.max" \
	out_has "^#   1048576$"
check "help STATEMENT shows its form from the parser's table" out_has "^spawn P CG \[cpu=N\]$"
check "the history file was written" test -s "$tmp/home/.smemcg_history"
check "it holds the lines typed" grep -q 'echo.040from-session-1\|echo from-session-1' \
	"$tmp/home/.smemcg_history"
check "and the completed ones" grep -q 'write.040/pod/memory.max\|write /pod/memory.max' \
	"$tmp/home/.smemcg_history"
[ "$failed" -eq 0 ] || sed 's/^/#   /' "$tmp/out"

# ---- the next session reads it back ----
cat >"$tmp/s2" <<'DRIVE'
wait smemcg> 
sendraw \x1b[A\x1b[A\r
wait smemcg> 
send quit
DRIVE
drive s2 "$tmp/home"
check "session 2: Up twice (past quit) recalls the last line of session 1" \
	out_has "^# from-session-1$"

# ---- a history that cannot be written: said once, the session goes on ----
cat >"$tmp/s3" <<'DRIVE'
wait smemcg> 
send echo still-works
wait smemcg> 
send quit
DRIVE
drive s3 "$tmp/no/such/home"
check "an unwritable history: the session runs to quit" test "$rc" -eq 0
check "and runs the statements" out_has "^# still-works$"
is "it says once that the history cannot be written" \
	"$(grep -c "cannot write the history to $tmp/no/such/home/.smemcg_history" "$tmp/out")" 1

# ---- not a terminal: as before ----
mkdir "$tmp/pipe"
printf 'echo piped\nquit\n' | HOME=$tmp/pipe $VG "$SMEMCG" shell >"$tmp/out" 2>&1
check "from a pipe: no banner, no prompt" sh -c '! grep -q "smemcg>\|Tab completes" "$1"' sh "$tmp/out"
check "from a pipe: the statements run" out_has "^# piped$"
check "from a pipe: no history file" test ! -e "$tmp/pipe/.smemcg_history"

echo "1..$n"
[ "$failed" -eq 0 ]
