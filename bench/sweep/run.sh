#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The time of a 1,000-run sweep on this machine's CPUs (make sweep-bench;
# not part of make test): 4 scenarios x 5 recharge policies x 2 stock
# settings x 25 values of N, run with `smemcg sweep --jobs JOBS` (default
# 2), then merged; prints the wall-clock and CPU time, the size of the
# results with and without the report's samples, and merge's time.
# examples/ci_farm.smc does not use N: its 25 runs per policy set are the
# same run, kept as the heaviest of the four.
#   SMEMCG  the smemcg binary (default build/smemcg)   JOBS  runs at once
set -eu
SMEMCG=${SMEMCG:-build/smemcg}
JOBS=${JOBS:-2}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
N=$(seq -s, 1 25)
set -- --policy recharge=none,reparent,evict,auto,objcg --policy stock=on,off --define "N=$N" \
	tests/sweep/churn.smc tests/sweep/stock.smc tests/sweep/tmpfs.smc examples/ci_farm.smc

timed() { # LABEL OUTPUT COMMAND...: run with stdout to OUTPUT, print its times
	label=$1
	out=$2
	shift 2
	/usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" >"$out" 2>"$tmp/err" || true
	read -r wall user sys <"$tmp/time"
	printf '%-34s %8s s wall, %8s s user, %6s s sys\n' "$label" "$wall" "$user" "$sys"
}

echo "smemcg sweep: $("$SMEMCG" sweep --emit "$@" | wc -l) runs, --jobs $JOBS, $(nproc) CPUs online"
timed "sweep (with samples)" "$tmp/r.jsonl" "$SMEMCG" sweep --quiet --jobs "$JOBS" "$@"
timed "sweep --no-samples" "$tmp/n.jsonl" "$SMEMCG" sweep --quiet --no-samples --jobs "$JOBS" "$@"
timed "merge (table)" "$tmp/table" "$SMEMCG" merge "$tmp/r.jsonl"
timed "merge --format csv" "$tmp/csv" "$SMEMCG" merge --format csv "$tmp/r.jsonl"
for f in r n; do
	printf '%-34s %8d lines, %10d bytes (%d bytes a run, %d gzip -6)\n' \
		"results$([ $f = n ] && echo ' --no-samples' || true)" \
		"$(wc -l <"$tmp/$f.jsonl")" "$(wc -c <"$tmp/$f.jsonl")" \
		"$(($(wc -c <"$tmp/$f.jsonl") / $(wc -l <"$tmp/$f.jsonl")))" \
		"$(gzip -6 <"$tmp/$f.jsonl" | wc -c)"
done
printf '%-34s %10d bytes\n' "merge's csv" "$(wc -c <"$tmp/csv")"
