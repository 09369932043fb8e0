#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs every test: unit test binaries (TAP), scenario tests (tests/scenarios/*.smc
# through `smemcg run`), the bad-input catalog (tests/bad/), and CLI checks.
# Prints each suite's result and ends with `tests: N passed, M failed`.
#   BUILD    build directory (default build)
#   SMEMCG   the smemcg binary (default $BUILD/smemcg)
#   VALGRIND run everything under valgrind when set
set -u
BUILD=${BUILD:-build}
SMEMCG=${SMEMCG:-$BUILD/smemcg}
here=$(dirname "$0")
pass=0
fail=0
failed_names=""
vg=""
if [ -n "${VALGRIND:-}" ]; then
	vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Count TAP points of one output file; a crash or a non-zero exit without a
# `not ok` line counts as one failure.
count() {
	name=$1 out=$2 rc=$3
	p=$(grep -c '^ok ' "$out")
	f=$(grep '^not ok ' "$out" | grep -vc '# TODO')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$out"
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name printed no test points" >>"$out"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		failed_names="$failed_names $name"
		echo "FAIL $name ($p passed, $f failed)"
		grep -A4 '^not ok' "$out" | head -40 | sed 's/^/    /'
	else
		echo "ok   $name ($p)"
	fi
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	$vg "$t" >"$tmp/$n.out" 2>&1
	count "unit/$n" "$tmp/$n.out" $?
done

# A scenario whose first lines say `# policy-matrix: KEY=V1,V2,...` runs
# once per value (--policy overrides its own policy line).
for s in "$here"/scenarios/*.smc; do
	[ -f "$s" ] || continue
	n=$(basename "$s" .smc)
	matrix=$(sed -n '1,5s/^# policy-matrix: //p' "$s")
	if [ -z "$matrix" ]; then
		$vg "$SMEMCG" run --check --quiet "$s" >"$tmp/$n.out" 2>&1
		count "scenario/$n" "$tmp/$n.out" $?
		continue
	fi
	for v in $(echo "${matrix#*=}" | tr ',' ' '); do
		$vg "$SMEMCG" run --check --quiet --policy "${matrix%%=*}=$v" "$s" \
			>"$tmp/$n-$v.out" 2>&1
		count "scenario/$n[${matrix%%=*}=$v]" "$tmp/$n-$v.out" $?
	done
done

# The oracle's upstream scenarios (tests/oracle/) hold on a real 6.1 kernel,
# where the oracle reads memory.current with the stocks drained: on the
# model they must pass as well, with exact charging (stock=off).
for s in "$here"/oracle/*.smc; do
	[ -f "$s" ] || continue
	n=$(basename "$s" .smc)
	$vg "$SMEMCG" run --check --quiet --policy stock=off "$s" >"$tmp/oracle-$n.out" 2>&1
	count "oracle-model/$n" "$tmp/oracle-$n.out" $?
done

# Those that hold on the real 6.12 as well (no `# oracle-kernels:` line
# leaving 6.12 out) pass on the model at the 6.12 baseline.
for s in "$here"/oracle/*.smc; do
	[ -f "$s" ] || continue
	n=$(basename "$s" .smc)
	only=$(sed -n 's/^# oracle-kernels:[[:space:]]*\([0-9. ]*\).*/\1/p' "$s" | head -n 1)
	if [ -n "$only" ] && ! echo " $only " | grep -q " 6.12 "; then
		continue
	fi
	grep -q '^machine .*kernel=6.12' "$s" && continue	# run above already
	$vg "$SMEMCG" run --check --quiet --policy stock=off --policy kernel=6.12 "$s" \
		>"$tmp/oracle612-$n.out" 2>&1
	count "oracle-model-6.12/$n" "$tmp/oracle612-$n.out" $?
done

if [ -d "$here/bad" ]; then
	SMEMCG="$SMEMCG" VG="$vg" sh "$here/bad/run-bad.sh" >"$tmp/bad.out" 2>&1
	count "bad-input" "$tmp/bad.out" $?
fi

for c in "$here"/cli/run-*.sh; do
	[ -f "$c" ] || continue
	n=$(basename "$c" .sh)
	SMEMCG="$SMEMCG" VG="$vg" sh "$c" >"$tmp/$n.out" 2>&1
	rc=$?
	# a suite that cannot run here says so (1..0 # SKIP why): neither a pass nor a failure
	if grep -q '^1\.\.0 # SKIP' "$tmp/$n.out"; then
		echo "SKIP cli/${n#run-}: $(sed -n 's/^1\.\.0 # SKIP //p' "$tmp/$n.out")"
		continue
	fi
	count "cli/${n#run-}" "$tmp/$n.out" $rc
done

if [ -f "$here/snapshot/run-snapshot.sh" ]; then
	BUILD="$BUILD" SMEMCG="$SMEMCG" VG="$vg" sh "$here/snapshot/run-snapshot.sh" >"$tmp/snapshot.out" 2>&1
	count "snapshot" "$tmp/snapshot.out" $?
fi

if [ -f "$here/record/run-record.sh" ]; then
	BUILD="$BUILD" SMEMCG="$SMEMCG" VG="$vg" sh "$here/record/run-record.sh" >"$tmp/record.out" 2>&1
	count "record" "$tmp/record.out" $?
fi

if [ -f "$here/compare/run-compare.sh" ]; then
	SMEMCG="$SMEMCG" VG="$vg" sh "$here/compare/run-compare.sh" >"$tmp/compare.out" 2>&1
	count "compare" "$tmp/compare.out" $?
fi

if [ -f "$here/sweep/run-sweep.sh" ]; then
	SMEMCG="$SMEMCG" VG="$vg" sh "$here/sweep/run-sweep.sh" >"$tmp/sweep.out" 2>&1
	count "sweep" "$tmp/sweep.out" $?
fi

if [ -f "$here/recharge/run-recharge.sh" ]; then
	SMEMCG="$SMEMCG" VG="$vg" sh "$here/recharge/run-recharge.sh" >"$tmp/recharge.out" 2>&1
	count "recharge" "$tmp/recharge.out" $?
fi

if [ -f "$here/churn/run-churn.sh" ]; then
	SMEMCG="$SMEMCG" VG="$vg" sh "$here/churn/run-churn.sh" >"$tmp/churn.out" 2>&1
	count "churn" "$tmp/churn.out" $?
fi

# Linux 6.1's own functions against the model's (tests/kernel-diff/): a
# short run when `make kernel-diff` has fetched the kernel's source.
if [ -f "$here/kernel-diff/run-kernel-diff.sh" ]; then
	BUILD="$BUILD" sh "$here/kernel-diff/run-kernel-diff.sh" >"$tmp/kernel-diff.out" 2>&1
	rc=$?
	if grep -q '^1\.\.0 # SKIP' "$tmp/kernel-diff.out"; then
		echo "SKIP kernel-diff: $(sed -n 's/^1\.\.0 # SKIP //p' "$tmp/kernel-diff.out")"
	else
		count "kernel-diff" "$tmp/kernel-diff.out" $rc
	fi
fi

# Fuzz inputs (fuzz/): the committed corpus and every input that once broke
# the model (tests/fuzz/regress/TARGET/), replayed through each target's
# entry point built with a plain main (make fuzz-replay; no libFuzzer).
for t in fuzz_parser fuzz_ops; do
	r="$BUILD/fuzz-replay/$t"
	[ -x "$r" ] || continue
	set --
	for d in "$here/fuzz/regress/$t" "$here/../fuzz/corpus/$t"; do
		[ -d "$d" ] && set -- "$@" "$d"
	done
	[ $# -gt 0 ] || continue
	$vg "$r" "$@" >"$tmp/$t.out" 2>&1
	count "fuzz/$t" "$tmp/$t.out" $?
done

# Generated scenarios (fuzz/gen_scenarios.py): two of each policy set of the
# pairwise covering set, with the invariant checker; a fixed seed, so the
# same scenarios every time (make gen-scenarios runs new ones for a while).
# One per set of three under valgrind, whose runs are slow.
if command -v python3 >/dev/null 2>&1; then
	gen_count=2
	gen_sets=pairwise
	[ -n "$vg" ] && gen_count=1 gen_sets=default
	python3 "$here/../fuzz/gen_scenarios.py" --tap --smemcg "$SMEMCG" --seed 1 \
		--count $gen_count --sets $gen_sets --length 80 --out "$tmp/gen" --wrap "$vg" \
		>"$tmp/gen.out" 2>&1
	count "gen-scenarios" "$tmp/gen.out" $?
else
	echo "SKIP gen-scenarios: python3 not found (scripts/setup-test-tools.sh python3)"
fi

if [ -f "$here/determinism/run-determinism.sh" ]; then
	BUILD="$BUILD" SMEMCG="$SMEMCG" VG="$vg" sh "$here/determinism/run-determinism.sh" \
		>"$tmp/determinism.out" 2>&1
	count "determinism" "$tmp/determinism.out" $?
fi

if [ -f "$here/report/run-report.sh" ]; then
	BUILD="$BUILD" SMEMCG="$SMEMCG" VG="$vg" sh "$here/report/run-report.sh" >"$tmp/report.out" 2>&1
	count "report" "$tmp/report.out" $?
fi

echo "tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
