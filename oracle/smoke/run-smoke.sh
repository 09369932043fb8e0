#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Smoke test of the real-kernel oracle: builds guest-smoke.c (static), runs it
# once through oracle/run.sh, prints what the kernel showed and checks that
# the numbers are plausible. Extra arguments go to run.sh (e.g. --cpus 1).
# Exit status 0 when every check passes.
set -eu

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "oracle/smoke: error: $*" >&2; exit 2; }

command -v gcc >/dev/null 2>&1 || die "gcc is missing (install build-essential)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smemcg-smoke.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

gcc -static -O2 -Wall -Wextra -std=c11 -o "$tmp/guest-smoke" "$here/guest-smoke.c" ||
	die "cannot build guest-smoke.c with gcc -static (is libc6-dev installed?)"

t0=$(date +%s.%N)
set +e
"$here/../run.sh" "$tmp/guest-smoke" --memory 1G --timeout 300 --timing "$@" >"$tmp/out"
rc=$?
set -e
t1=$(date +%s.%N)
cat "$tmp/out"
[ "$rc" = 0 ] || die "the guest program failed (exit status $rc)"

# val STEP KEY: the value of KEY on the line that starts with STEP.
val() {
	awk -v step="$1" -v key="$2" '$1 == step {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == key) { print kv[2]; found = 1 } }
	} END { if (!found) print "missing" }' "$tmp/out"
}

MiB=$((1024 * 1024))
fails=0
# check DESCRIPTION STEP KEY MIN MAX: MIN <= value <= MAX
check() {
	local v
	v=$(val "$2" "$3")
	if [ "$v" != missing ] && [ "$v" -ge "$4" ] && [ "$v" -le "$5" ]; then
		echo "ok - $1 ($2 $3=$v)"
	else
		echo "not ok - $1 ($2 $3=$v, want $4..$5)"
		fails=$((fails + 1))
	fi
}
# close DESCRIPTION STEP: memory.current after draining the per-CPU stocks
# equals anon + file + kernel, give or take the statistics flush lag.
close() {
	local cur sum
	cur=$(val "$2" current_drained)
	sum=$(($(val "$2" anon) + $(val "$2" file) + $(val "$2" kernel)))
	if [ $((cur - sum)) -le $MiB ] && [ $((sum - cur)) -le $MiB ]; then
		echo "ok - $1 ($2 current_drained=$cur, anon+file+kernel=$sum)"
	else
		echo "not ok - $1 ($2 current_drained=$cur, anon+file+kernel=$sum)"
		fails=$((fails + 1))
	fi
}

for c in child child2; do
	check "$c: a new cgroup starts empty" $c-empty current_drained 0 0
	check "$c: touching 50 MiB charges 50 MiB of anon" $c-anon50M anon $((50 * MiB)) $((51 * MiB))
	check "$c: usage follows" $c-anon50M current_drained $((50 * MiB)) $((52 * MiB))
	close "$c: usage is the sum of the stats" $c-anon50M
	check "$c: 10 MiB to a tmpfs is 10 MiB of shmem" $c-tmpfs10M shmem $((10 * MiB)) $((10 * MiB))
	check "$c: anon is freed at exit" $c-exited anon 0 $((1 * MiB))
	check "$c: shmem stays charged after exit" $c-exited shmem $((10 * MiB)) $((10 * MiB))
	check "$c: unlinking the tmpfs file uncharges it" $c-tmpfs-unlinked shmem 0 0
	check "$c: mkdir charges percpu to the parent" $c-percpu parent_after_mkdir \
		$(($(val $c-percpu parent_before_mkdir) + 1)) $(($(val $c-percpu parent_before_mkdir) + 1 * MiB))
	check "$c: the child itself has no percpu" $c-percpu child 0 0
	check "$c: the removed cgroup is dying right after rmdir" $c-dying after_rmdir \
		$(($(val $c-dying before_rmdir) + 1)) $(($(val $c-dying before_rmdir) + 1))
done
check "child: 10 MiB to the disk is 10 MiB of page cache" child-disk10M file $((10 * MiB)) $((11 * MiB))
check "child: and it is dirty" child-disk10M file_dirty $((10 * MiB)) $((11 * MiB))
check "child: fsync cleans it" child-disk-fsync file_dirty 0 $((1 * MiB))
check "child: file = disk + tmpfs" child-tmpfs10M file $((20 * MiB)) $((21 * MiB))
close "child: usage is the sum of the stats" child-tmpfs10M
check "child: unlinking the disk file frees its page cache" child-disk-unlinked file 0 $((1 * MiB))
# child2 had no disk file: nothing pins it once it is removed.
check "child2: freed within 200 ms of rmdir" child2-dying after_200ms \
	0 $(($(val child2-dying after_rmdir) - 1))

awk -v a="$t0" -v b="$t1" 'BEGIN { printf "# smoke: run.sh took %.2fs\n", b - a }'
if [ "$fails" -gt 0 ]; then
	echo "oracle/smoke: FAILED: $fails check(s)" >&2
	exit 1
fi
echo "oracle/smoke: OK"
