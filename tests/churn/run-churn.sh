#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# examples/churn.smc (seed 002's container-restart churn) under the seven
# recharge policies (seed 002's six and upstream's objcg), as TAP, with the
# table of the issue: zombies left, pages moved, pages evicted, OOMs caused,
# and the memory the dying memcgs cost on the example's 96-CPU, 2-node
# machine.
#
# The expected numbers are worked out from the example and each policy's
# rule, not taken from a run. Pages are 4 KiB:
#   L = 2048  the 8M library, read by every container, mapped by the sidecar
#   G =  512  each container's 2M log (disk page cache)
#   S =  256  each container's 1M tmpfs file (shmem)
#   N =   40  restarts after the first container, c0, which reads L only
# A zombie costs 4096 + 1152 x nodes + cpus x (1280 + 752 x nodes) bytes
# (facts section 9) = 273664 on 96 CPUs and 2 nodes. Under every policy but
# none and mapper two memcgs stay dying, whatever became of their pages:
# c0, cached with zero pages by the stock of the CPU its first fault ran on
# (6.1's drain_all_stock skips empty stocks), and the last container: its
# log was still dirty when it was removed, so its writeback context (cgroup
# writeback) could not hand its inode to the pod's then, and only another
# memcg's offline runs that cleanup again (cleanup_offline_cgwbs_workfn).
# The earlier containers' logs were written back (a new writeback context
# is flushed 5 s after it dirties) by the next container's rmdir.
# Refaults (workingset_refault_file, /pod's): evict drops the library with
# each zombie, leaving shadow entries of the pod (the nearest online
# ancestor it evicts for), so every later container's read of it is N x L
# refaults; every other policy keeps the library resident: none.
set -u
. "$(dirname "$0")/../lib/tap.sh"
here=$(dirname "$0")
example=$here/../../examples/churn.smc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

L=2048 G=512 S=256 N=40
zombie_bytes=$((4096 + 1152 * 2 + 96 * (1280 + 752 * 2)))

# value SECTION KEY FILE: KEY's value in the block a `read SECTION` printed
# (KEY "" for a one-value file)
value() {
	awk -v sec="# $1:" -v key="$2" '
		$0 == sec { in_sec = 1; next }
		in_sec && /^# [^ ]/ { in_sec = 0 }
		in_sec && key == "" { print $2; exit }
		in_sec && $2 == key { print $3; exit }' "$3"
}

# policy, zombies, pages moved, pages evicted, does the sidecar pay for L.
# evict drops the library with each zombie, so every restart reads it again;
# deferred moves it to each new reader and back to the pod at its rmdir;
# mapper and auto give it to the sidecar, the process that maps it.
# objcg (upstream's LRU reparenting) moves what reparent moves here: the
# churn has no swap entries, pins or pages off the LRU, which it would leave.
expect_table() {
	cat <<TABLE
none $((N + 1)) 0 0 no 0
reparent 2 $((L + N * (G + S))) 0 no 0
evict 2 0 $(((N + 1) * L + N * (G + S))) no $((N * L))
mapper $((N + 1)) $L 0 yes 0
mapper-mayfail $((N + 1)) $L 0 yes 0
deferred 2 $((L + N * (G + S) + N * L + N * L)) 0 no 0
auto 2 $((L + N * S)) $((N * G)) yes 0
objcg 2 $((L + N * (G + S))) 0 no 0
TABLE
}

printf '# %-9s %8s %12s %12s %5s %16s %9s\n' policy zombies "pages moved" "pages evicted" OOMs "wasted bytes" refaults
expect_table >"$tmp/table"
while read -r pol zombies moved evicted sidecar_pays refaults; do
	out=$tmp/$pol.out
	$VG "$SMEMCG" run --quiet --policy recharge="$pol" "$example" >"$out" 2>&1
	is "churn under recharge=$pol runs" "$?" 0
	z=$(value /proc/zombies dying_memcgs "$out")
	mv=$(value /pod/memory.stat recharge_pgs_moved "$out")
	ev=$(value /pod/memory.stat recharge_pgs_evicted "$out")
	oom=$(value /pod/memory.events oom "$out")
	oom2=$(value /pod/sidecar/memory.events oom "$out")
	waste=$(value /proc/zombies wasted_bytes "$out")
	[ "$pol" = none ] && { mv=${mv:-0}; ev=${ev:-0}; }
	is "$pol: zombies left" "$z" "$zombies"
	is "$pol: nr_dying_descendants agrees" "$(value /cgroup.stat nr_dying_descendants "$out")" "$zombies"
	is "$pol: pages moved" "$mv" "$moved"
	is "$pol: pages evicted" "$ev" "$evicted"
	is "$pol: no OOM in the pod or the sidecar" "$oom/$oom2" "0/0"
	is "$pol: wasted bytes = zombies x $zombie_bytes" "$waste" "$((zombies * zombie_bytes))"
	is "$pol: nothing recharged to the root" "$(value /memory.stat recharged_to_root "$out")" \
		"$([ "$pol" = none ] || echo 0)"
	sc=$(value /pod/sidecar/memory.current "" "$out")
	pays=no
	[ "${sc:-0}" -ge $((L * 4096)) ] && pays=yes
	is "$pol: the sidecar pays for the library: $sidecar_pays" "$pays" "$sidecar_pays"
	rf=$(value /pod/memory.stat workingset_refault_file "$out")
	is "$pol: refaults (re-reads of evicted pages)" "$rf" "$refaults"
	printf '# %-9s %8s %12s %12s %5s %16s %9s\n' "$pol" "$z" "${mv:-0}" "${ev:-0}" "$((oom + oom2))" "$waste" "$rf"
done <"$tmp/table"
echo "1..$n"
