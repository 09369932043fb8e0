#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Determinism (issue 9 part 6), TAP:
#  1. every tests/scenarios/*.smc, examples/*.smc and tests/determinism/*.smc
#     run twice gives byte-identical stdout;
#  2. stock=on and stock=off agree where the kernel's semantics make them
#     agree: with the per-CPU stocks drained before each read of a memory.*
#     file, every value a scenario looks at is the same, up to the first
#     statement whose result may depend on the batching (a finite limit or
#     protection, memory.reclaim). See docs/semantics.md "Determinism" and
#     tests/determinism/stock_drained.c.
#   BUILD   build directory (default build): $BUILD/determinism/stock_drained
#   SMEMCG  the smemcg binary (default $BUILD/smemcg)
#   VG      a command prefix such as valgrind (optional)
set -u
. "$(dirname "$0")/../lib/tap.sh"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
sd=$BUILD/determinism/stock_drained
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# notok DESCRIPTION FILE...: a failure showing how each FILE and FILE.2 differ
notok() {
	fail "$1"
	shift
	for f in "$@"; do
		diff "$f" "$f.2" 2>/dev/null | head -10 | sed 's/^/#   /'
	done
}

cd "$top" || exit 1
# Under valgrind (make valgrind) the runs twice are left out: valgrind does
# not change what a run prints, and the scenario suite has run every file
# under it already; what is new here is the stock_drained harness, run in
# the first of its two modes. (.ci/run's time: this suite was a third of
# the valgrind job.)
modes="kmem all"
if [ -n "${VG:-}" ]; then
	skip "every scenario twice, byte-identical" "under valgrind (make test runs it)"
	modes=kmem
	set --
else
	set -- tests/scenarios/*.smc examples/*.smc tests/determinism/*.smc
fi
for s in "$@"; do
	[ -f "$s" ] || continue
	$VG "$SMEMCG" run --quiet "$s" >"$tmp/a" 2>/dev/null
	rc1=$?
	$VG "$SMEMCG" run --quiet "$s" >"$tmp/a.2" 2>/dev/null
	rc2=$?
	# 0 or 1 (a failed expect) are results; 99 is valgrind's error, >128 a crash
	if [ "$rc1" -gt 1 ] || [ "$rc2" -gt 1 ]; then
		fail "twice: $s: exit status $rc1/$rc2"
	elif cmp -s "$tmp/a" "$tmp/a.2"; then
		pass "twice, byte-identical: $s"
	else
		notok "twice, byte-identical: $s" "$tmp/a"
	fi
done

if [ ! -x "$sd" ]; then
	fail "$sd is missing (make $BUILD/determinism/stock_drained)"
else
	# the scenario's own policies, without the values of kernel memory;
	# then kmem=off, every value
	for mode in $modes; do
		if [ "$mode" = all ]; then
			opt="--all --policy kmem=off"
			what="kmem=off, every value"
		else
			opt=""
			what="no kernel-memory values"
		fi
		for s in tests/scenarios/*.smc examples/*.smc tests/determinism/*.smc; do
			[ -f "$s" ] || continue
			# shellcheck disable=SC2086
			$VG "$sd" $opt --policy stock=on "$s" >"$tmp/s" 2>&1
			rc1=$?
			# shellcheck disable=SC2086
			$VG "$sd" $opt --policy stock=off "$s" >"$tmp/s.2" 2>&1
			rc2=$?
			vals=$(grep -vc '^#' "$tmp/s")
			if [ "$rc1" -ne 0 ] || [ "$rc2" -ne 0 ]; then
				fail "stock on/off ($what): $s: exit status $rc1/$rc2"
				sed 's/^/#   /' "$tmp/s" | tail -5
			elif cmp -s "$tmp/s" "$tmp/s.2"; then
				pass "stock on/off ($what), drained, agree on $vals values: $s"
			else
				notok "stock on/off ($what), drained, agree: $s" "$tmp/s"
			fi
		done
	done
fi
echo "1..$n"
