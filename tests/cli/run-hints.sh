#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Errors that help (issue 17 point 8 and its follow-ups): a control file
# missing for want of a controller names the subtree_control files to
# write, from the top down; a failed point says FILE:LINE:COL; the model's
# messages and events name mappings and fds as the scenario does. (TAP)
#   SMEMCG  the smemcg binary (default build/smemcg)
#   VG      a command prefix such as valgrind (optional)
set -u
. "$(dirname "$0")/../lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/nomem.smc" <<'SMC'
mkdir /a
write /a/memory.max 1M
SMC
sm run --quiet "$tmp/nomem.smc"
check "memory not enabled: exit 1" rc_is 1
check "the error names the file, the cgroup and what to write where, at FILE:LINE:COL" \
	out_has "^not ok 1 - write /a/memory.max 1M ($tmp/nomem.smc:2:1; failed with ENOENT: no such file: /a/memory.max (the memory controller is not enabled for /a: write +memory to /cgroup.subtree_control))$"

cat >"$tmp/deep.smc" <<'SMC'
mkdir /a
mkdir /a/b
read /a/b/memory.current
SMC
sm run --quiet "$tmp/deep.smc"
check "two levels: each subtree_control from the top down" \
	out_has "(the memory controller is not enabled for /a/b: write +memory to /cgroup.subtree_control, then to /a/cgroup.subtree_control))$"

cat >"$tmp/pins.smc" <<'SMC'
write /cgroup.subtree_control +memory
mkdir /a
read /a/pins.max
SMC
sm run --quiet "$tmp/pins.smc"
check "a module's controller: +pins" \
	out_has "(the pins controller is not enabled for /a: write +pins to /cgroup.subtree_control))$"

printf 'write /memory.max 1M\n' >"$tmp/root.smc"
sm run --quiet "$tmp/root.smc"
check "a file not on the root says so" out_has "no such file: /memory.max (memory.max is not on the root cgroup"

# ---- names, not numbers ----
cat >"$tmp/names.smc" <<'SMC'
write /cgroup.subtree_control +memory +pins
mkdir /pod
spawn adm /
adm mount tmpfs /mnt/v size=1M
spawn p /pod
p mmap heap anon 16M
p open gpu /dev/vfio
p setrlimit memlock 4K
expect-error ENOMEM p pin gpu heap
p pin gpu heap 0 32M
SMC
sm run --quiet "$tmp/names.smc"
check "a pin beyond the mapping names it" \
	out_has "failed with EINVAL: pin range 0+33554432 is beyond mapping heap)$"
sed -i '$d' "$tmp/names.smc"
echo "p pin gpu heap 0 8K" >>"$tmp/names.smc"
sm run --quiet "$tmp/names.smc"
check "RLIMIT_MEMLOCK names the fd and its device" \
	out_has "failed with ENOMEM: fd gpu of /dev/vfio: RLIMIT_MEMLOCK (4096 bytes) exceeded)$"
cat >"$tmp/bus.smc" <<'SMC'
write /cgroup.subtree_control +memory
mkdir /pod
spawn adm /
adm mount tmpfs /mnt/v size=1M
spawn sidecar /pod
sidecar mmap vol file /mnt/v/f 2M shared
fork sidecar child
child touch vol
SMC
sm run --quiet --events-json "$tmp/ev.json" "$tmp/bus.smc"
check "SIGBUS names the mapping as the scenario does, in a forked child too" \
	out_has "SIGBUS on a fault of page 256 of mapping vol: tmpfs /mnt/v is full"
check "and so does the JSON event" grep -q '"text":"child (pid [0-9]*): SIGBUS on a fault of page 256 of mapping vol' "$tmp/ev.json"

echo "1..$n"
[ "$failed" -eq 0 ]
