#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The shell and `run -` read the language the same way, through one reader
# (issue 22): for each case, the same first line on stderr, the same exit
# status and, where the input is valid, the same test points. The cases:
# end\r, end<TAB># comment, a byte order mark, a NUL byte, a line over
# 64 KiB, a late machine or policy line, a policy key set twice, a repeat
# left open, an end without a repeat, syntax errors. Then the shell on a
# terminal (script(1)): prompts, a block spanning lines. (TAP)
#   SMEMCG  the smemcg binary (default build/smemcg)
#   VG      a command prefix such as valgrind (optional)
set -u
. "$(dirname "$0")/../lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# both NAME: run the input $tmp/NAME.in through `run -` and `shell`
both() {
	$VG "$SMEMCG" run --quiet - <"$tmp/$1.in" >"$tmp/run.out" 2>"$tmp/run.err"
	run_rc=$?
	$VG "$SMEMCG" shell <"$tmp/$1.in" >"$tmp/shell.out" 2>"$tmp/shell.err"
	shell_rc=$?
}
# points FILE: the test points of a TAP output
points() { grep -e '^ok ' -e '^not ok ' "$1"; }

# same_error NAME DESCRIPTION EXPECTED-STDERR-LINE: an input that does not load
same_error() {
	both "$1"
	is "$2: run - says" "$(head -n 1 "$tmp/run.err")" "$3"
	is "$2: the shell says the same" "$(head -n 1 "$tmp/shell.err")" "$3"
	is "$2: run - exits 2" "$run_rc" 2
	is "$2: the shell exits 2" "$shell_rc" 2
	check "$2: both report it as a not ok point" \
		sh -c 'grep -q "^not ok [0-9]* - <stdin>:" "$1" && grep -q "^not ok [0-9]* - <stdin>:" "$2"' \
		sh "$tmp/run.out" "$tmp/shell.out"
}

# same_points NAME DESCRIPTION NPOINTS: a valid input
same_points() {
	both "$1"
	is "$2: run - exits 0" "$run_rc" 0
	is "$2: the shell exits 0" "$shell_rc" 0
	is "$2: run - has $3 points" "$(points "$tmp/run.out" | grep -c '^ok ')" "$3"
	check "$2: the shell has the same points" \
		sh -c 'grep -e "^ok " -e "^not ok " "$1" >"$3.a"; grep -e "^ok " -e "^not ok " "$2" >"$3.b"; cmp -s "$3.a" "$3.b"' \
		sh "$tmp/run.out" "$tmp/shell.out" "$tmp/pts"
	check "$2: nothing on stderr" test ! -s "$tmp/run.err" -a ! -s "$tmp/shell.err"
}

printf 'repeat 2\r\nmkdir /a$i\r\nend\r\nexpect /cgroup.stat nr_descendants == 2\r\n' >"$tmp/cr.in"
same_points cr 'end\r (CRLF lines)' 1
printf 'repeat 2\nmkdir /a$i\nend\t# two of them\nexpect /cgroup.stat nr_descendants == 2\n' >"$tmp/tab.in"
same_points tab 'end<TAB># comment' 1
printf '\357\273\277mkdir /a\nexpect /a/cgroup.procs == ""\n' >"$tmp/bom.in"
same_points bom 'a UTF-8 byte order mark' 1
printf 'mkdir /a\nmk\000dir /b\n' >"$tmp/nul.in"
same_error nul 'a NUL byte' '<stdin>:2:3: error: NUL byte in the script'
{ printf 'mkdir /a\necho '; head -c 70000 /dev/zero | tr '\000' x; printf '\nmkdir /b\n'; } >"$tmp/long.in"
same_error long 'a line over 64 KiB' '<stdin>:2:1: error: line longer than 65536 bytes'
printf 'mkdir /a\nmachine memory=1G\n' >"$tmp/machine.in"
same_error machine 'a late machine line' '<stdin>:2:1: error: "machine" must come before any other statement'
printf 'mkdir /a\npolicy stock=off\n' >"$tmp/policy.in"
same_error policy 'a late policy line' '<stdin>:2:1: error: "policy" must come before any other statement'
printf 'policy stock=off\npolicy stock=on\n' >"$tmp/twice.in"
same_error twice 'a policy key set twice' \
	'<stdin>:2:8: error: policy stock is set on line 1 and again on line 2: set each key once (--policy on the command line overrides the scenario)'
printf 'mkdir /a\nrepeat 2\nmkdir /a/c$i\n' >"$tmp/open.in"
same_error open 'a repeat left open' '<stdin>:2:1: error: unterminated repeat: no matching `end`'
printf 'mkdir /a\nend\n' >"$tmp/end.in"
same_error end 'an end without a repeat' '<stdin>:2:1: error: `end` without a `repeat` to close'
printf 'mkdir /a\nexpect /a/memory.max == 1X\n' >"$tmp/syntax.in"
same_error syntax 'a syntax error' \
	'<stdin>:2:25: error: expected a value (an integer, a size like 10M, max, or a "quoted string"), found "1X"'
printf 'mkdir /a\nwrite /a/memory.max "10M\n' >"$tmp/quote.in"
same_error quote 'an unterminated string' "<stdin>:2:21: error: unterminated string: no closing '\"'"

# what the shell does after an error, which `run -` cannot: the session goes
# on, and a block with an error in it is dropped whole, not run in part
printf 'mkdir /a\nrepeat 2\nmkdir "/a/x\nmkdir /a/c$i\nend\nexpect /a/cgroup.stat nr_descendants == 0\n' \
	>"$tmp/block.in"
both block
check "shell: an error inside a block drops the block" \
	grep -q '^ok 2 - expect /a/cgroup.stat nr_descendants == 0' "$tmp/shell.out"
is "shell: and reports the error once" "$(grep -c 'error:' "$tmp/shell.err")" 1
is "shell: exit 2" "$shell_rc" 2

# ---- the shell on a terminal ----
case "$SMEMCG${VG:-}" in
*asan*|*valgrind*) no_pty="under a sanitizer" ;;
*) no_pty="" ;;
esac
script -qec true /dev/null >/dev/null 2>&1 || no_pty="script(1) cannot open a terminal here"
if [ -n "$no_pty" ]; then
	skip "shell on a terminal" "$no_pty"
else
	printf 'repeat 2\nmkdir /a$i\nend\nexpect /cgroup.stat nr_descendants == 2\nquit\n' >"$tmp/tty.in"
	script -qec "'$SMEMCG' shell" /dev/null <"$tmp/tty.in" >"$tmp/tty.out" 2>&1
	rc=$?
	tr -d '\r' <"$tmp/tty.out" >"$tmp/tty.txt"
	is "shell on a terminal: exit 0" "$rc" 0
	check "shell on a terminal: the prompt" grep -q 'smemcg> ' "$tmp/tty.txt"
	check "shell on a terminal: the continuation prompt inside a block" grep -q '\.\.\.> ' "$tmp/tty.txt"
	check "shell on a terminal: the block ran" grep -q 'ok 1 - expect /cgroup.stat nr_descendants == 2' "$tmp/tty.txt"
	printf 'mkdir /a\nexpect /a/memory.max == 1X\nquit\n' >"$tmp/tty2.in"
	script -qec "'$SMEMCG' shell" /dev/null <"$tmp/tty2.in" >"$tmp/tty2.out" 2>&1
	rc=$?
	is "shell on a terminal: a syntax error makes the status 2" "$rc" 2
	check "shell on a terminal: the error names the line and column" grep -q '<stdin>:2:25: error:' "$tmp/tty2.out"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
