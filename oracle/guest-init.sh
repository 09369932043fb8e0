#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# /init of the oracle's guest (busybox sh, pid 1, built into the initramfs by
# oracle/run.sh). Prepares a machine for cgroup v2 memory scenarios, runs
# /smemcg-guest once and powers off.
#
# Kernel command-line parameters it reads from /proc/cmdline (the kernel keeps
# dotted parameters away from init's argv/environment, so they are read here):
#   smemcg.cgopts=A,B   cgroup2 mount options (memory_recursiveprot, ...)
#   smemcg.swap=SIZE    swap on zram of SIZE (K/M/G suffix); 0 or absent: none
#   smemcg.disk=SIZE    size of the brd RAM disk at /mnt/disk (default 256M);
#                       0: no disk
#   smemcg.dmesg=1      after the program, print the kernel log between
#                       @@SMEMCG-DMESG-BEGIN@@ and @@SMEMCG-DMESG-END@@
#   smemcg.debug=1      print what init does (lines start with "smemcg-init:")
#
# The program's arguments are the lines of /smemcg-args. Its stdout is printed
# between "@@SMEMCG-BEGIN@@" and "@@SMEMCG-END rc=N@@"; each line it writes to
# stderr is printed as "@@SMEMCG-ERR@@ line". A failure to prepare the machine
# prints "@@SMEMCG-INIT-ERROR@@ reason" instead of running the program.

export PATH=/bin:/sbin
export HOME=/

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# The cpio has no /dev/console (creating it needs root): the kernel started
# us without stdio, so open it now that devtmpfs is mounted.
exec </dev/console >/dev/console 2>&1

# run.sh links only the applets used here: give the program all of them.
/bin/busybox --install -s /bin 2>/dev/null

# Keep kernel messages (OOM reports, ...) off the console: they would land in
# the middle of the program's output. smemcg.dmesg=1 prints them afterwards.
echo 1 >/proc/sys/kernel/printk

cgopts=""
swap=0
disk=256M
dmesg=0
debug=0
for arg in $(cat /proc/cmdline); do
	case $arg in
	smemcg.cgopts=*) cgopts=${arg#*=} ;;
	smemcg.swap=*) swap=${arg#*=} ;;
	smemcg.disk=*) disk=${arg#*=} ;;
	smemcg.dmesg=*) dmesg=${arg#*=} ;;
	smemcg.debug=*) debug=${arg#*=} ;;
	esac
done

log() { [ "$debug" = 1 ] && echo "smemcg-init: $*"; return 0; }

fail() {
	echo "@@SMEMCG-INIT-ERROR@@ $*"
	[ "$dmesg" = 1 ] && { echo "@@SMEMCG-DMESG-BEGIN@@"; dmesg; echo "@@SMEMCG-DMESG-END@@"; }
	sync
	poweroff -f
	sleep 10 # poweroff -f does not return; never fall off the end of init
	exit 1
}

# SIZE (bytes, or with a K/M/G/T suffix) -> KiB, for brd's rd_size.
kib() {
	case $1 in
	*[kK]) echo $((${1%?})) ;;
	*[mM]) echo $((${1%?} * 1024)) ;;
	*[gG]) echo $((${1%?} * 1024 * 1024)) ;;
	*[tT]) echo $((${1%?} * 1024 * 1024 * 1024)) ;;
	*) echo $(($1 / 1024)) ;;
	esac
}

log "kernel $(uname -r), cmdline: $(cat /proc/cmdline)"

# cgroup v2 with the memory controller enabled for the root's children.
mount -t cgroup2 ${cgopts:+-o "$cgopts"} cgroup2 /sys/fs/cgroup ||
	fail "cannot mount cgroup2 at /sys/fs/cgroup with options '${cgopts}'"
echo +memory >/sys/fs/cgroup/cgroup.subtree_control ||
	fail "cannot enable +memory in the root cgroup.subtree_control"
log "cgroup2 mounted ($(grep cgroup2 /proc/mounts | cut -d' ' -f4)), controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"

# Transparent huge pages off: khugepaged would otherwise collapse mappings
# into huge pages behind the program's back (run.sh also passes
# transparent_hugepage=never).
if [ -w /sys/kernel/mm/transparent_hugepage/enabled ]; then
	echo never >/sys/kernel/mm/transparent_hugepage/enabled || fail "cannot disable THP"
fi

# Modules, dependencies first (run.sh copies oracle/setup.sh's load order).
disk_kib=$(kib "$disk") || fail "bad smemcg.disk=$disk"
while read -r mod; do
	[ -n "$mod" ] || continue
	params=""
	case $mod in
	# brd: one RAM disk of the asked size, no partitions. Its pages are
	# allocated on first write and are not charged to any cgroup.
	brd) [ "$disk_kib" -gt 0 ] || continue
		params="rd_nr=1 rd_size=$disk_kib max_part=0" ;;
	zram) params="num_devices=1" ;;
	esac
	# shellcheck disable=SC2086
	insmod "/lib/modules/$mod.ko" $params || fail "insmod $mod failed"
	log "insmod $mod $params"
done </lib/modules/load-order

wait_dev() { # DEVICE: devtmpfs creates nodes asynchronously
	i=0
	while [ ! -b "$1" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		usleep 10000
	done
}

swap_kib=$(kib "$swap") || fail "bad smemcg.swap=$swap"
if [ "$swap_kib" -gt 0 ]; then
	wait_dev /dev/zram0 || fail "no /dev/zram0 after insmod zram"
	echo "$swap" >/sys/block/zram0/disksize || fail "cannot set the zram disksize to $swap"
	mkswap /dev/zram0 >/dev/null || fail "mkswap /dev/zram0 failed"
	swapon /dev/zram0 || fail "swapon /dev/zram0 failed"
	log "swap on zram: $(tail -n 1 /proc/swaps)"
fi

if [ "$disk_kib" -gt 0 ]; then
	wait_dev /dev/ram0 || fail "no /dev/ram0 after insmod brd"
	# ext2 layout (no journal), driven by the ext4 module; 4K blocks, one
	# inode per 16K.
	mke2fs -b 4096 -m 0 -i 16384 /dev/ram0 >/dev/null || fail "mke2fs /dev/ram0 failed"
	mkdir -p /mnt/disk
	mount -t ext4 /dev/ram0 /mnt/disk || fail "cannot mount /dev/ram0 (ext4 driver) at /mnt/disk"
	export SMEMCG_DISK=/mnt/disk
	log "disk: $(grep /mnt/disk /proc/mounts)"
fi

mkdir -p /tmp
mount -t tmpfs -o mode=1777 tmpfs /tmp

[ -x /smemcg-guest ] || fail "/smemcg-guest is missing or not executable"
set --
if [ -f /smemcg-args ]; then
	while IFS= read -r a; do
		set -- "$@" "$a"
	done </smemcg-args
fi
log "running /smemcg-guest $*"

# stderr lines are tagged so that the host can tell them from stdout.
mkfifo /tmp/.smemcg-err
(
	while IFS= read -r line || [ -n "$line" ]; do
		echo "@@SMEMCG-ERR@@ $line"
	done </tmp/.smemcg-err
	: >/tmp/.smemcg-err-done
) &
errpid=$!
sync
echo "@@SMEMCG-BEGIN@@"
cd /
/smemcg-guest "$@" </dev/null 2>/tmp/.smemcg-err
rc=$?
# The tagger ends when every writer of the fifo is gone; a leftover child of
# the program could keep it open, so give it one second at most.
i=0
while [ ! -e /tmp/.smemcg-err-done ] && [ $i -lt 100 ]; do
	usleep 10000
	i=$((i + 1))
done
kill "$errpid" 2>/dev/null
echo "@@SMEMCG-END rc=$rc@@"

if [ "$dmesg" = 1 ]; then
	echo "@@SMEMCG-DMESG-BEGIN@@"
	dmesg
	echo "@@SMEMCG-DMESG-END@@"
fi
poweroff -f
sleep 10
