#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# What each recharge policy does with a zombie's mlocked and pinned pages,
# and whether recharging to the mapper can OOM-kill (seed 002; issues 17.7
# and 21.8). One story, run under every policy value:
#   /p/z's task writes two 4M files, f and g, and exits; q in /q maps both:
#   f mlocked, g pinned through /dev/vfio; /p/z is removed.
# Seed 002's RFC: "(c) Direct recharge to the mapper ... can be done for
# any mapped page", and pinned pages "would benefit from recharging". So:
#   reparent, deferred, objcg: every page to /p (8M), no zombie
#   mapper, mapper-mayfail, auto: both files are mapped: to q's /q
#   evict: neither can be evicted (pinned, mlocked): the zombie stays
#   none: the zombie stays with its 8M
# Expected numbers are from these rules (4M = 1024 pages), not from a run.
set -u
. "$(dirname "$0")/../lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

story() {
	cat <<SMC
policy recharge=$1 stock=off
machine memory=1G swap=1G
write /cgroup.subtree_control +memory
mkdir /p
write /p/cgroup.subtree_control +memory
mkdir /p/z
mkdir /q
spawn init /
init truncate /data/f 4M
init truncate /data/g 4M
spawn w /p/z
w write /data/f 0 4M
w write /data/g 0 4M
spawn q /q
q cap ipc_lock
q mmap f file /data/f 4M shared
q touch f ro
q mlock f
q mmap g file /data/g 4M shared
q touch g ro
q open fd /dev/vfio
q pin fd g
exit w
rmdir /p/z
sleep 1s
read /cgroup.stat
read /p/memory.stat
read /q/memory.stat
SMC
}

# value SECTION KEY FILE: KEY's value in the block `read SECTION` printed
value() {
	awk -v sec="# $1:" -v key="$2" '
		$0 == sec { in_sec = 1; next }
		in_sec && /^# [^ ]/ { in_sec = 0 }
		in_sec && $2 == key { print $3; exit }' "$3"
}

M4=$((4 * 1024 * 1024))
# policy, zombies left, /p's file bytes, /q's file bytes
while read -r pol zombies pfile qfile; do
	story "$pol" >"$tmp/$pol.smc"
	$VG "$SMEMCG" run --check --quiet "$tmp/$pol.smc" >"$tmp/$pol.out" 2>&1
	is "recharge=$pol: runs, every invariant holds" "$?" 0
	is "recharge=$pol: zombies left" "$(value /cgroup.stat nr_dying_descendants "$tmp/$pol.out")" "$zombies"
	is "recharge=$pol: /p's page cache" "$(value /p/memory.stat file "$tmp/$pol.out")" "$pfile"
	is "recharge=$pol: /q's page cache (the mapper's)" "$(value /q/memory.stat file "$tmp/$pol.out")" "$qfile"
done <<TABLE
none 1 $((2 * M4)) 0
reparent 0 $((2 * M4)) 0
evict 1 $((2 * M4)) 0
mapper 0 0 $((2 * M4))
mapper-mayfail 0 0 $((2 * M4))
deferred 0 $((2 * M4)) 0
auto 0 0 $((2 * M4))
objcg 0 $((2 * M4)) 0
TABLE

# Recharging to the mapper can OOM-kill in the mapper's memcg (seed 002:
# "the rightful user's memcg might run into an OOM situation"): /q is
# limited to 6M, its 8M of mapped pages cannot all fit there, nothing of
# /q can be reclaimed (no swap, mlocked and pinned pages): the OOM killer
# kills q under mapper; under mapper-mayfail nobody is killed and the
# pages that do not fit stay with the zombie.
for pol in mapper mapper-mayfail; do
	story "$pol" | sed -e 's/^mkdir \/q$/mkdir \/q\nwrite \/q\/memory.max 6M/' \
		-e 's/^machine memory=1G swap=1G$/machine memory=1G/' >"$tmp/oom-$pol.smc"
	printf 'read /q/memory.events\nexpect /q/memory.current <= 6M\n' >>"$tmp/oom-$pol.smc"
	$VG "$SMEMCG" run --check --quiet "$tmp/oom-$pol.smc" >"$tmp/oom-$pol.out" 2>&1
	is "recharge=$pol under /q's 6M: runs, every invariant holds" "$?" 0
	kills=$(value /q/memory.events oom_kill "$tmp/oom-$pol.out")
	if [ "$pol" = mapper ]; then
		check "recharge=mapper under /q's 6M: the OOM killer runs in /q" [ "${kills:-0}" -ge 1 ]
	else
		is "recharge=mapper-mayfail under /q's 6M: no OOM kill" "$kills" 0
		is "recharge=mapper-mayfail under /q's 6M: the zombie keeps what does not fit" \
			"$(value /cgroup.stat nr_dying_descendants "$tmp/oom-$pol.out")" 1
	fi
done
echo "1..$n"
