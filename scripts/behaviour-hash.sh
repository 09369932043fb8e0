#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# One line per check of "did a refactoring change behaviour?": the hash of
#  - build/bench/speedtest --size 20 --verify (its per-test state hashes),
#  - smemcg compare of each example under every policy value (one key at a
#    time, so each run is short) in CSV, and
#  - smemcg run of every scenario in tests/scenarios and tests/oracle.
# Run it before and after a change and diff the two outputs:
#   sh scripts/behaviour-hash.sh > before.txt; ...; sh scripts/behaviour-hash.sh > after.txt
#   SMEMCG   the binary (default ./smemcg); BUILD (default build)
set -u
SMEMCG=${SMEMCG:-./smemcg}
BUILD=${BUILD:-build}
h() { sha256sum | cut -c1-16; }
make -s "$BUILD/bench/speedtest" >/dev/null || exit 2
echo "speedtest $("$BUILD/bench/speedtest" --size 20 --verify | grep '^  verify' | h)"
for f in examples/*.smc; do
	for p in recharge=none,reparent,evict,mapper,deferred,auto shared=owner,common-ancestor \
		smemcg=borrow,full owner=mm-owner,mm-memcg kmem=on,off stock=on,off; do
		echo "compare $f $p $("$SMEMCG" compare --quiet --all --format csv --policy "$p" "$f" 2>&1 | h)"
	done
	echo "compare-table $f $("$SMEMCG" compare --quiet --policy recharge=none,reparent "$f" 2>&1 | h)"
done
echo "demo $("$SMEMCG" demo 2>&1 | h)"
for f in tests/scenarios/*.smc tests/oracle/*.smc; do
	echo "run $f $("$SMEMCG" run "$f" 2>&1 | h)"
done
