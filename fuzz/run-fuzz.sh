#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Runs one libFuzzer target for SECONDS: fuzz/run-fuzz.sh TARGET SECONDS
# The working corpus is build/fuzz/corpus/TARGET (new inputs go there),
# seeded from the committed fuzz/corpus/TARGET (and, for the parser, every
# scenario of the repository). Crashes go to build/fuzz/artifacts/TARGET/.
# Prints one summary line: runs, execs/s, coverage (edges) and features;
# exits non-zero when the target crashed, leaked or timed out.
set -u
t=$1
secs=$2
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bin=build/fuzz/$t
work=build/fuzz/corpus/$t
art=build/fuzz/artifacts/$t
log=build/fuzz/$t.log
mkdir -p "$work" "$art" "fuzz/corpus/$t"
seeds="fuzz/corpus/$t"
opts="-timeout=20 -rss_limit_mb=2048 -print_final_stats=1"
case $t in
fuzz_parser)
	seeds="$seeds tests/scenarios examples tests/bad tests/oracle"
	opts="$opts -max_len=4096 -dict=fuzz/smc.dict"
	;;
fuzz_ops)
	opts="$opts -max_len=1024"
	;;
esac
echo "fuzz: $t for ${secs}s (log $log)"
# shellcheck disable=SC2086
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	"$bin" $opts -max_total_time="$secs" -artifact_prefix="$art/" "$work" $seeds \
	>"$log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
last=$(grep -E '^#[0-9]+' "$log" | tail -1)
cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
echo "fuzz: $t ${secs}s: runs=${runs:-?} exec/s=${eps:-?} cov=${cov:-?} ft=${ft:-?} corpus=${corp:-?} status=$rc"
if [ "$rc" -ne 0 ]; then
	echo "fuzz: $t FAILED; the end of $log:" >&2
	tail -40 "$log" >&2
	ls "$art" >&2
fi
exit "$rc"
