#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The oracle stage (for .ci/run and `make oracle`): every upstream scenario
# of tests/oracle/ on a real kernel in QEMU (docs/oracle.md). Exit status
# non-zero on any disagreement, on a scenario failing on the kernel, or when
# the oracle cannot run.
#
#   KERNEL          6.1 (default), 6.12, or "all" for one after the other
#   SMEMCG          the smemcg binary (default ./smemcg, built when missing)
#   ORACLE_VERBOSE  1: print every compared value, not only disagreements
#   ORACLE_DIFF_OPTS  more options for smemcg diff (e.g. --allow-missing)
#   ORACLE_RECORD_DIR  where each kernel's guest output is saved
#                   (default build/oracle; SMEMCG_ORACLE_RECORD, oracle_host.c)
#
# On 6.1 the scenarios go through `smemcg diff`: model and kernel value by
# value. The model is Linux 6.1's; until it has a 6.12 baseline, 6.12 runs
# them through `smemcg kernel`: every expect must hold on the kernel itself,
# and docs/kernels.md lists the values that differ from 6.1.
# A scenario whose header has a line `# oracle-kernels: K...` runs only on
# those kernels (its expects hold on one kernel only; docs/kernels.md).
set -eu
cd "$(dirname "$0")/.."
SMEMCG=${SMEMCG:-./smemcg}
if [ ! -x "$SMEMCG" ]; then
	make -s
fi
kernels=${KERNEL:-6.1}
[ "$kernels" = all ] && kernels="6.1 6.12"
record_dir=${ORACLE_RECORD_DIR:-build/oracle}
mkdir -p "$record_dir"
brief=--brief
[ "${ORACLE_VERBOSE:-0}" = 1 ] && brief=
status=0
for k in $kernels; do
	oracle/setup.sh --kernel "$k" >/dev/null
	files=""
	skipped=""
	for f in tests/oracle/*.smc; do
		only=$(sed -n 's/^# oracle-kernels:[[:space:]]*\([0-9. ]*\).*/\1/p' "$f" | head -n 1)
		if [ -n "$only" ] && ! echo " $only " | grep -q " $k "; then
			skipped="$skipped $(basename "$f")"
			continue
		fi
		files="$files $f"
	done
	start=$(date +%s)
	set +e
	if [ "$k" = 6.1 ]; then
		# shellcheck disable=SC2086
		SMEMCG_ORACLE_RECORD=$record_dir/$k.rec "$SMEMCG" diff --kernel "$k" $brief \
			${ORACLE_DIFF_OPTS:-} $files
	else
		# shellcheck disable=SC2086
		SMEMCG_ORACLE_RECORD=$record_dir/$k.rec "$SMEMCG" kernel --kernel "$k" $files \
			>"$record_dir/$k.tap"
		rc=$?
		grep -E '^(not ok|# tests/)' "$record_dir/$k.tap" | grep -B1 '^not ok' | grep -v '^--' || true
		tail -n 1 "$record_dir/$k.tap"
		(exit $rc)
	fi
	rc=$?
	set -e
	[ $rc -ne 0 ] && status=$rc
	n=$(echo $files | wc -w)
	echo "oracle $k: $n scenarios in $(($(date +%s) - start)) s (exit status $rc)${skipped:+; not on $k:$skipped}"
done
exit $status
