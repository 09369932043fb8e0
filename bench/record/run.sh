#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The memory of a long recording (`make record-bench`; not part of make
# test: it takes a minute). Runs bench/record/churn.c (three workers in
# cgroups a, b, c churning anonymous memory, a tmpfs file and a disk file,
# forking children; b exits at two thirds and its cgroup is removed) for
# SECONDS, records it with a sample every 500 ms under /usr/bin/time -v,
# and prints the recorder's peak resident set size, which must stay under
# 50 MiB, then checks the recording with run, compare and report.
# Needs root and a cgroup filesystem it can write (else exit 77).
#   usage: bench/record/run.sh [SECONDS]       (default 60)
#   SMEMCG, BUILD as for the tests; KEEP=DIR keeps the recording in DIR
set -u
secs=${1:-60}
BUILD=${BUILD:-build}
SMEMCG=${SMEMCG:-$BUILD/smemcg}
here=$(cd "$(dirname "$0")" && pwd)
churn=$BUILD/bench/record/churn
limit_kib=$((50 * 1024))
. "$here/../../tests/record/cgroup.sh"

if ! head -c 8 /proc/kpagecgroup >/dev/null 2>&1; then
	echo "record-bench: /proc/kpagecgroup is not readable: run as root" >&2
	exit 77
fi
[ -x /usr/bin/time ] || { echo "record-bench: /usr/bin/time is missing (Debian package time)" >&2; exit 77; }
make_cgroup_parent smemcg-record-bench
[ -n "$cgparent" ] || { echo "record-bench: no usable cgroup filesystem: $why" >&2; exit 77; }
tmp=$(mktemp -d "$BUILD/record-bench.XXXXXX")
shmdir=$(mktemp -d /dev/shm/smemcg-record-bench.XXXXXX)
churn_job=""
cleanup() {
	[ -n "$churn_job" ] && kill "$churn_job" 2>/dev/null && wait "$churn_job"
	for d in "$cgparent"/*/; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
	rmdir "$cgparent" 2>/dev/null
	rm -rf "$shmdir"
	if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$tmp"/rec.smc "$tmp"/*.out "$KEEP"/ 2>/dev/null; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
mkdir "$cgparent/a" "$cgparent/b" "$cgparent/c"
rel=${cgparent#"$mnt"}

"$churn" "$secs" "$cgparent/a" "$cgparent/b" "$cgparent/c" "$shmdir/shared" "$tmp/shared.dat" &
churn_job=$!
# b exits at two thirds of the time: remove its cgroup then, its cache stays
(
	sleep $((secs * 2 / 3))
	until rmdir "$cgparent/b" 2>/dev/null; do sleep 0.2; done
) &
rmdir_job=$!
${PERF:-} /usr/bin/time -v -o "$tmp/time.out" "$SMEMCG" record --cgroup "$rel" --interval 500ms \
	--duration "${secs}s" -o "$tmp/rec.smc" 2>"$tmp/record.out"
rc=$?
wait "$churn_job"
churn_job=""
wait "$rmdir_job"
[ "$rc" -eq 0 ] || { echo "record-bench: smemcg record exited $rc"; tail -3 "$tmp/record.out"; exit 1; }

rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.out")
wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$tmp/time.out")
cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' "$tmp/time.out")
size=$(wc -c <"$tmp/rec.smc")
echo "record-bench: $secs s of churn in 3 cgroups, a sample every 500 ms ($(uname -r), $(nproc) CPUs)"
tail -n 2 "$tmp/record.out" | sed 's/^/  /'
grep '^# pages:' -A3 "$tmp/rec.smc" | sed 's/^# /  /'
echo "  recording: $size bytes, $(grep -c '^expect' "$tmp/rec.smc") expects, wall $wall, CPU $cpu s"
echo "  peak resident set size of smemcg record: $rss KiB (limit $limit_kib KiB)"

status=0
if [ "$rss" -lt "$limit_kib" ]; then echo "  PASS memory"; else echo "  FAIL memory"; status=1; fi
start=$(date +%s.%N)
"$SMEMCG" run --quiet "$tmp/rec.smc" >"$tmp/run.out" 2>&1
r=$?
end=$(date +%s.%N)
echo "  smemcg run: $(tail -n 1 "$tmp/run.out"), $(echo "$end - $start" | bc) s"
[ "$r" -eq 0 ] && echo "  PASS run" || { echo "  FAIL run"; grep -m 5 -A3 '^not ok' "$tmp/run.out"; status=1; }
# the expects are the default policy's charges: another policy may fail
# some (exit 1, what the comparison shows); the runs must complete
"$SMEMCG" compare "$tmp/rec.smc" --policy recharge=none,reparent,evict --only outcome >"$tmp/compare.out" 2>&1
r=$?
[ "$r" -le 1 ] && grep -q "status  *completed  *completed  *completed$" "$tmp/compare.out" &&
	echo "  PASS compare (recharge=none,reparent,evict: every run completed)" ||
	{ echo "  FAIL compare ($r)"; status=1; }
"$SMEMCG" report "$tmp/rec.smc" --policy shared=owner,common-ancestor -o "$tmp/report" >"$tmp/report.out" 2>&1
r=$?
[ "$r" -le 1 ] && [ -s "$tmp/report/index.html" ] &&
	echo "  PASS report ($(wc -c <"$tmp/report/index.html") bytes)" || { echo "  FAIL report ($r)"; status=1; }
exit $status
