#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The kernel-diff suite (docs/kernel-diff.md), TAP: every family of kdiff
# for KDIFF_CASES cases from seed KDIFF_SEED, then each mutant of
# mutants.list, whose family must find the difference it makes. When
# linux-source-6.1 at the oracle's version is not in build/kernel-src/6.1
# the whole suite is skipped ("1..0 # SKIP"): `make kernel-diff` fetches it.
# Exits 1 when a point failed.
#   BUILD        build directory (default build)
#   KDIFF_CASES  cases per family (default 20000: about a second)
#   KDIFF_SEED   the seed (default 1)
#   KDIFF_RATE   set: print each family's cases per second
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
kd=$BUILD/kernel-diff
cases=${KDIFF_CASES:-20000}
seed=${KDIFF_SEED:-1}
want=$(awk '$1 == "6.1" { print $3 }' oracle/kernels)
have=$(cat build/kernel-src/6.1/.version 2>/dev/null || true)
if [ "$have" != "$want" ]; then
	echo "1..0 # SKIP linux-source-6.1 $want not fetched (make kernel-diff fetches it)"
	exit 0
fi
if [ ! -x "$kd/kdiff" ]; then
	echo "1..0 # SKIP $kd/kdiff not built (make kernel-diff-bins)"
	exit 0
fi
rate=""
[ -n "${KDIFF_RATE:-}" ] && rate=--rate
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the whole run into one file: its "not ok" lines decide the exit status
{
	nfam=$("$kd/kdiff" --list | wc -l)
	nmut=$(grep -c '^[a-z]' tests/kernel-diff/mutants.list)
	echo "1..$((nfam + nmut))"
	# the families: kdiff's own points, renumbered after nothing
	"$kd/kdiff" --cases "$cases" --seed "$seed" $rate >"$tmp/families" 2>&1
	status=$?
	grep -v '^1\.\.' "$tmp/families"
	# a crash or a sanitizer's report ends kdiff before its last point
	points=$(grep -c '^\(not \)\{0,1\}ok ' "$tmp/families")
	if [ "$points" -ne "$nfam" ]; then
		echo "not ok - kdiff stopped after $points of $nfam families (exit status $status)"
	elif [ "$status" -ne 0 ] && ! grep -q '^not ok' "$tmp/families"; then
		echo "not ok - kdiff exited with status $status"
	fi

	# the mutants: each family must tell its broken copy from the kernel
	n=$nfam
	grep '^[a-z]' tests/kernel-diff/mutants.list | while read -r name family file rest; do
		n=$((n + 1))
		bin=$kd/mutants/$name/kdiff
		if [ -f "$kd/mutants/$name/error" ]; then
			echo "not ok $n - mutant $name: $(cat "$kd/mutants/$name/error")"
			continue
		elif [ ! -x "$bin" ]; then
			echo "not ok $n - mutant $name: $bin not built (make kernel-diff-bins)"
			continue
		fi
		"$bin" --family "$family" --cases "$cases" --seed "$seed" >"$tmp/$name" 2>&1
		rc=$?
		if [ "$rc" -eq 1 ] && grep -q '^not ok' "$tmp/$name"; then
			echo "ok $n - mutant $name of src/$file is caught by $family"
			sed -n 's/^not ok [0-9]* - /#   /p; /the traces part/,/model/p' "$tmp/$name" | head -8
		else
			echo "not ok $n - mutant $name of src/$file ($rest) passes $family: the family does not see it"
			sed 's/^/#   /' "$tmp/$name" | head -20
		fi
	done
} >"$tmp/out"
cat "$tmp/out"
! grep -q '^not ok' "$tmp/out"
