#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make core-only (TAP): the model built without src/ext/ (every hook a
# stub) must pass every scenario that needs no proposal: tests/oracle/
# (upstream behaviour, checked on real kernels) and each tests/scenarios/
# file that uses none of the proposals' statements, policies, files or
# mount options. A scenario that does is a SKIP here, and must fail
# cleanly (exit 1 or 2, a message), never crash: what a core-only build
# says about a proposal it does not have.
#   SMEMCG  the core-only binary (default build/core-only/smemcg)
set -u
SMEMCG=${SMEMCG:-build/core-only/smemcg}
. "$(dirname "$0")/../lib/tap.sh"
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# What only a proposal gives (src/ext/): policy values other than 6.1's,
# the statements smemcg/dmabuf/import, the files of the kmem limit, the
# pins controller, smemcg and move_charge, and the memcg=/smemcg= options.
proposal='policy .*(shared=common-ancestor|smemcg=|recharge=[a-mo-z]|owner=mm-memcg|kmem=limited)'
proposal="$proposal|^[[:space:]]*smemcg |^[[:space:]]*[A-Za-z_][A-Za-z0-9_.-]* (dmabuf|import) "
proposal="$proposal|memory\\.kmem\\.|pins\\.(current|max|events)|memory\\.smemcg|move_charge_at_immigrate"
proposal="$proposal|@[A-Za-z0-9_.-]+/|[ ,](s?memcg)=|\\+pins"

uses_proposal() {
	grep -v '^[[:space:]]*#' "$1" | grep -Eq "$proposal"
}

for s in "$here"/oracle/*.smc "$here"/scenarios/*.smc; do
	name=${s#"$here"/}
	if [ "${s#"$here"/oracle/}" != "$s" ]; then
		# the oracle's scenarios are upstream behaviour by definition
		"$SMEMCG" run --check --quiet "$s" >"$tmp/out" 2>&1
		check "core-only: $name" [ $? -eq 0 ]
	elif uses_proposal "$s"; then
		"$SMEMCG" run --quiet "$s" >"$tmp/out" 2>&1
		rc=$?
		if [ $rc -ge 3 ]; then
			fail "core-only: $name (uses a proposal) ends cleanly" "exit status $rc" "$(tail -n 3 "$tmp/out")"
		else
			skip "core-only: $name" "uses a proposal"
		fi
	else
		"$SMEMCG" run --check --quiet "$s" >"$tmp/out" 2>&1
		if [ $? -eq 0 ]; then
			pass "core-only: $name"
		else
			fail "core-only: $name" "$(grep -m 3 -A2 '^not ok' "$tmp/out")"
		fi
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
