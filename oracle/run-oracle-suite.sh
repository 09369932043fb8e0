#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The oracle stage (for .ci/run and `make oracle`): every upstream scenario
# of tests/oracle/ on the model and on Debian's Linux 6.1 in QEMU, compared
# value by value with `smemcg diff` (docs/oracle.md). Exit status non-zero
# on any disagreement, on a scenario failing on the kernel, or when the
# oracle cannot run.
#
#   SMEMCG          the smemcg binary (default ./smemcg, built when missing)
#   ORACLE_VERBOSE  1: print every compared value, not only disagreements
#   ORACLE_DIFF_OPTS  more options for smemcg diff (e.g. --allow-missing)
set -eu
cd "$(dirname "$0")/.."
SMEMCG=${SMEMCG:-./smemcg}
if [ ! -x "$SMEMCG" ]; then
	make -s
fi
oracle/setup.sh >/dev/null
brief=--brief
[ "${ORACLE_VERBOSE:-0}" = 1 ] && brief=
start=$(date +%s)
set +e
# shellcheck disable=SC2086
"$SMEMCG" diff $brief ${ORACLE_DIFF_OPTS:-} tests/oracle/*.smc
rc=$?
set -e
echo "oracle: $(ls tests/oracle/*.smc | wc -l) scenarios in $(($(date +%s) - start)) s (exit status $rc)"
exit $rc
