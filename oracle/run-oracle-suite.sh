#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The oracle stage (for .ci/run and `make oracle`): every upstream scenario
# of tests/oracle/ on a real kernel in QEMU (docs/oracle.md). Exit status
# non-zero on any disagreement, on a scenario failing on the kernel, or when
# the oracle cannot run.
#
#   KERNEL          all (default: 6.1, then 6.12), 6.1 or 6.12
#   SMEMCG          the smemcg binary (default ./smemcg, built when missing)
#   ORACLE_VERBOSE  1: print every compared value, not only disagreements
#   ORACLE_DIFF_OPTS  more options for smemcg diff (e.g. --allow-missing)
#   ORACLE_RECORD_DIR  where each kernel's guest output is saved
#                   (default build/oracle; SMEMCG_ORACLE_RECORD, oracle_host.c)
#
# On each kernel the scenarios go through `smemcg diff --kernel K`: model
# and kernel value by value, the model at the same baseline (policy
# kernel=K). A scenario whose header has a line `# oracle-kernels: K...`
# runs only on those kernels (it tests what one kernel alone does;
# docs/kernels.md says why for each). Ends with one line per kernel:
# its scenarios, values agreeing and not, and the time it took.
set -eu
cd "$(dirname "$0")/.."
SMEMCG=${SMEMCG:-./smemcg}
if [ ! -x "$SMEMCG" ]; then
	make -s
fi
kernels=${KERNEL:-all}
[ "$kernels" = all ] && kernels="6.1 6.12"
record_dir=${ORACLE_RECORD_DIR:-build/oracle}
mkdir -p "$record_dir"
brief=--brief
[ "${ORACLE_VERBOSE:-0}" = 1 ] && brief=
status=0
summary=
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
	# shellcheck disable=SC2086
	SMEMCG_ORACLE_RECORD=$record_dir/$k.rec "$SMEMCG" diff --kernel "$k" $brief \
		${ORACLE_DIFF_OPTS:-} $files >"$record_dir/$k.diff"
	rc=$?
	cat "$record_dir/$k.diff"
	set -e
	[ $rc -ne 0 ] && status=$rc
	n=$(echo $files | wc -w)
	totals=$(sed -n 's/^values: \([^;]*\);.*/\1/p' "$record_dir/$k.diff")
	summary="$summary
oracle $k: $n scenarios, $totals, in $(($(date +%s) - start)) s (exit status $rc)${skipped:+; not on $k:$skipped}"
done
echo "$summary" | sed '/^$/d'
exit $status
