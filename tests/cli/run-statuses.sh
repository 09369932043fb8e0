#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Exit statuses with one meaning each, the same in every command (issue 22,
# docs/cli.md): 0 success, 1 a test failed, 2 bad usage or an input that
# does not load, 3 out of host resources or output that cannot be written,
# 77 skipped; every --help lists those it returns. Options parsed one way
# (--jobs, --policy, a value given twice). Output lost to /dev/full or a
# closed stdout is exit 3, never a silent 0. (TAP)
#   SMEMCG  the smemcg binary (default build/smemcg)
#   VG      a command prefix such as valgrind (optional)
set -u
. "$(dirname "$0")/../lib/tap.sh"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rc_is() { [ "$rc" -eq "$1" ]; }
err_has() { grep -q -e "$1" "$tmp/err"; }
out_has() { grep -q -e "$1" "$tmp/out"; }
# sm_in INPUT ARGS...: smemcg with INPUT on stdin
sm_in() {
	input=$1
	shift
	$VG "$SMEMCG" "$@" <"$input" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
# full ARGS...: smemcg with stdout on /dev/full
full() {
	$VG "$SMEMCG" "$@" >/dev/full 2>"$tmp/err"
	rc=$?
}
# closed ARGS...: smemcg with stdout closed
closed() {
	$VG "$SMEMCG" "$@" >&- 2>"$tmp/err"
	rc=$?
}

cat >"$tmp/pass.smc" <<'EOF'
write /cgroup.subtree_control +memory
mkdir /a
expect /a/memory.current == 0
EOF
cat >"$tmp/fail.smc" <<'EOF'
write /cgroup.subtree_control +memory
mkdir /a
expect /a/memory.current == 1
EOF
printf 'mkdir /a\nexpect /a/memory.max == 1X\n' >"$tmp/bad.smc"

# ---- --help: the statuses each command returns ----
for c in run shell demo compare report kernel diff snapshot; do
	sm "$c" --help
	check "$c --help has an Exit status section" out_has '^Exit status:$'
	for s in 0 2 3; do
		check "$c --help explains status $s" out_has "^ *$s  "
	done
done
for c in run shell demo compare report kernel diff; do
	sm "$c" --help
	check "$c --help explains status 1" out_has '^ *1  a test failed'
done
for c in kernel diff snapshot; do
	sm "$c" --help
	check "$c --help explains status 77" out_has '^ *77  skipped'
done
sm run --help
check "the meaning of 2 is worded the same in every help" \
	sh -c 'for c in run shell demo compare report kernel diff snapshot; do
		"$1" "$c" --help | grep -q "^ *2  bad usage, or an input that cannot be loaded" || exit 1
	done' sh "$SMEMCG"

# ---- run ----
sm run --quiet "$tmp/pass.smc"
check "run: every expect passed: 0" rc_is 0
sm run --quiet "$tmp/fail.smc"
check "run: an expect failed: 1" rc_is 1
sm run --quiet "$tmp/bad.smc"
check "run: a scenario that does not load: 2" rc_is 2
sm run --quiet "$tmp/fail.smc" "$tmp/bad.smc" "$tmp/pass.smc"
check "run: a failed expect and a scenario that does not load: 2" rc_is 2
sm run --quiet "$tmp/missing.smc"
check "run: a file that cannot be read: 2" rc_is 2
sm run --quiet --frobnicate "$tmp/pass.smc"
check "run: an unknown option: 2" rc_is 2
full run --quiet "$tmp/pass.smc"
check "run >/dev/full: 3" rc_is 3
check "run >/dev/full: says standard output could not be written" \
	err_has 'smemcg run: error writing standard output: No space left on device'
closed run --quiet "$tmp/pass.smc"
check "run with stdout closed: 3" rc_is 3
check "run with stdout closed: says so" err_has 'error writing standard output'
full run --help
check "run --help >/dev/full: 3" rc_is 3

# ---- shell ----
sm_in "$tmp/pass.smc" shell
check "shell: every expect passed: 0" rc_is 0
sm_in "$tmp/fail.smc" shell
check "shell: an expect failed: 1" rc_is 1
sm_in "$tmp/bad.smc" shell
check "shell: a syntax error: 2" rc_is 2
$VG "$SMEMCG" shell <"$tmp/pass.smc" >/dev/full 2>"$tmp/err"
rc=$?
check "shell >/dev/full: 3" rc_is 3

# ---- compare ----
sm compare --quiet --policy stock=on,off "$tmp/pass.smc"
check "compare: every run passed: 0" rc_is 0
sm compare --quiet --policy stock=on,off "$tmp/fail.smc"
check "compare: an expect failed in a run: 1" rc_is 1
sm compare --quiet --policy stock=on,off "$tmp/bad.smc"
check "compare: a scenario that does not load: 2" rc_is 2
sm compare --quiet --format csv --format json "$tmp/pass.smc"
check "compare: --format given twice: 2" rc_is 2
check "compare: --format given twice: says so" err_has '\-\-format is given twice'
full compare --quiet --policy stock=on,off "$tmp/pass.smc"
check "compare >/dev/full: 3" rc_is 3
closed compare --quiet "$tmp/pass.smc"
check "compare with stdout closed: 3" rc_is 3
sm compare --quiet --format csv --policy shared=owner --policy shared=common-ancestor \
	"$tmp/pass.smc"
check "compare: a key given again adds its values (two columns)" \
	test "$rc" -eq 0 -a "$(head -1 "$tmp/out" | tr -d '\r')" = \
	"section,object,metric,unit,shared=owner,shared=common-ancestor"
sm compare --quiet --policy shared=owner,owner "$tmp/pass.smc"
check "compare: a value listed twice: 2" rc_is 2

# ---- report ----
sm report --quiet "$tmp/pass.smc" -o "$tmp/r0"
check "report: the page, every expect passed: 0" test "$rc" -eq 0 -a -s "$tmp/r0/index.html"
sm report --quiet "$tmp/fail.smc" -o "$tmp/r1"
check "report: the page, an expect failed: 1" test "$rc" -eq 1 -a -s "$tmp/r1/index.html"
sm report --quiet "$tmp/bad.smc" -o "$tmp/r2"
check "report: a scenario that does not load: 2" rc_is 2
# a page the host will not take: RLIMIT_FSIZE, with SIGXFSZ ignored (EFBIG)
if [ -n "$VG" ]; then
	skip "report: a page that cannot be written" "the file size limit would hold valgrind too"
else
	(trap '' XFSZ; ulimit -f 1 && exec "$SMEMCG" report --quiet "$tmp/pass.smc" -o "$tmp/r3") \
		>"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "report: a page that cannot be written (EFBIG): 3" rc_is 3
	check "report: no page and no temporary file left" \
		test ! -e "$tmp/r3/index.html" -a ! -e "$tmp/r3/index.html.tmp"
fi

# ---- demo and --jobs, parsed one way ----
full demo --quiet
check "demo >/dev/full: 3" rc_is 3
closed demo --quiet --print
check "demo --print with stdout closed: 3" rc_is 3
for j in 0 2x -1 4097 "" " 2"; do
	sm demo --quiet --jobs "$j"
	check "demo --jobs '$j': 2" rc_is 2
	check "demo --jobs '$j': the message names the range and the value" \
		err_has "smemcg demo: --jobs takes a number of runs at once from 1 to 4096, not \"$j\""
	sed 's/smemcg demo:/smemcg X:/' "$tmp/err" | head -1 >"$tmp/demo.err"
	sm compare --quiet --jobs "$j" "$tmp/pass.smc"
	check "compare --jobs '$j': 2" rc_is 2
	sed 's/smemcg compare:/smemcg X:/' "$tmp/err" | head -1 >"$tmp/compare.err"
	check "compare --jobs '$j': the same message as demo's" cmp -s "$tmp/demo.err" "$tmp/compare.err"
done
sm demo --quiet --jobs=0
check "demo --jobs=0: 2" rc_is 2
sm compare --quiet -j 0 "$tmp/pass.smc"
check "compare -j 0: 2" rc_is 2
sm compare --quiet -j3 --only outcome "$tmp/pass.smc"
check "compare -j3 (value glued to the short option): 0" rc_is 0
sm demo --quiet --jobs
check "demo --jobs without its value: 2, says what it needs" \
	test "$rc" -eq 2 -a -n "$(grep -e '--jobs needs N' "$tmp/err")"

# ---- kernel and diff: usage, and a skip when the oracle cannot run ----
for c in kernel diff; do
	sm "$c"
	check "$c without a FILE: 2" rc_is 2
	sm "$c" --timeout 0 "$tmp/pass.smc"
	check "$c --timeout 0: 2" rc_is 2
	SMEMCG_ROOT=$tmp/nowhere $VG "$SMEMCG" "$c" "$tmp/pass.smc" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "$c where the oracle cannot run: 77 (skipped)" rc_is 77
done

# ---- snapshot ----
sm snapshot
check "snapshot without --pid: 2" rc_is 2
sm snapshot --pid 0
check "snapshot --pid 0: 2" rc_is 2
full snapshot --pid $$ --no-owners --quiet
check "snapshot >/dev/full: 3" rc_is 3
check "snapshot >/dev/full: one message" test "$(wc -l <"$tmp/err")" -eq 1

# ---- --policy KEY=VALUE: each key once; the command line overrides the file ----
sm run --quiet --policy stock=off --policy stock=on "$tmp/pass.smc"
check "run --policy twice for one key: 2" rc_is 2
check "run --policy twice: names both values" err_has 'stock is given twice (off, then on)'
cat >"$tmp/stock.smc" <<'EOF'
policy stock=on kmem=off
write /cgroup.subtree_control +memory
mkdir /a
spawn p /a cpu=0
p mmap m anon 100K
p touch m
# exact only without the per-CPU stock (64 pages charged ahead on a hit)
expect /a/memory.current == 100K
EOF
sm run --quiet "$tmp/stock.smc"
check "the file's policy stock=on: the stock charges ahead (1)" rc_is 1
sm run --quiet --policy stock=off "$tmp/stock.smc"
check "--policy stock=off overrides the file's line (0)" rc_is 0

echo "1..$n"
[ "$failed" -eq 0 ]
