#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs a static guest program once on a stock Debian kernel (6.1 or 6.12,
# oracle/kernels) under QEMU (software emulation) and prints what the program
# printed.
#
# usage: oracle/run.sh GUEST_BINARY [options] [-- FILES...]
#   --kernel B      the kernel: a baseline of oracle/kernels (6.1, 6.12;
#                   default 6.1)
#   --memory SIZE   guest RAM, QEMU syntax (512M, 1G, 4G; default 1G)
#   --cpus N        guest CPUs (default 2, the model's default machine)
#   --swap SIZE     swap on zram of SIZE (default 0: no swap)
#   --disk SIZE     brd RAM disk with ext2 (ext4 driver) at /mnt/disk
#                   (default 256M; 0: none)
#   --cgopts LIST   cgroup2 mount options, comma-separated
#                   (memory_recursiveprot,memory_localevents)
#   --timeout SEC   wall-clock limit for the whole VM (default 600)
#   --arg ARG       an argument for the program, before the files (repeatable)
#   --dmesg FILE    save the guest's kernel log to FILE
#   --console FILE  save the whole serial console to FILE
#   --debug         let the guest's init tell what it does (on stderr)
#   --timing        print boot and run times on stderr
# FILES are copied to /scenarios/BASENAME in the guest and passed to the
# program, after the --arg arguments, as /scenarios/BASENAME.
#
# stdout: the program's stdout. stderr: its stderr, and run.sh's messages
# (lines starting with "oracle/run:").
# Environment: SMEMCG_ORACLE_CACHE, SMEMCG_ORACLE_KERNEL (see setup.sh).
# Exit status: the program's; 124 when the VM hit --timeout; 125 when the
# guest did not boot, could not be prepared, or died before the program
# ended; 2 for a usage or host set-up error.
set -eu

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=oracle/run

die() { echo "$prog: error: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -eu$/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2; exit 2; }

[ $# -ge 1 ] || usage
case $1 in -h | --help) usage ;; esac
guest=$1
shift
baseline=6.1 memory=1G cpus=2 swap=0 disk=256M cgopts="" timeout=600
dmesg_file="" console_file="" debug=0 timing=0
guest_args=()
need_value() { [ $# -ge 2 ] || die "$1 needs a value"; }
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) need_value "$@"; baseline=$2; shift 2 ;;
	--memory) need_value "$@"; memory=$2; shift 2 ;;
	--cpus) need_value "$@"; cpus=$2; shift 2 ;;
	--swap) need_value "$@"; swap=$2; shift 2 ;;
	--disk) need_value "$@"; disk=$2; shift 2 ;;
	--cgopts) need_value "$@"; cgopts=$2; shift 2 ;;
	--timeout) need_value "$@"; timeout=$2; shift 2 ;;
	--arg) need_value "$@"; guest_args+=("$2"); shift 2 ;;
	--dmesg) need_value "$@"; dmesg_file=$2; shift 2 ;;
	--console) need_value "$@"; console_file=$2; shift 2 ;;
	--debug) debug=1; shift ;;
	--timing) timing=1; shift ;;
	--) shift; break ;;
	-h | --help) usage ;;
	*) die "unknown option '$1' (files go after --)" ;;
	esac
done
files=("$@")

size_re='^[0-9]+[KkMmGgTt]?$'
[[ $memory =~ ^[0-9]+[MmGg]?$ ]] || die "--memory '$memory': want a size like 512M or 4G"
[[ $cpus =~ ^[1-9][0-9]*$ ]] || die "--cpus '$cpus': want a positive integer"
[[ $swap =~ $size_re ]] || die "--swap '$swap': want a size like 0, 256M or 1G"
[[ $disk =~ $size_re ]] || die "--disk '$disk': want a size like 0, 256M or 1G"
[[ $cgopts =~ ^[A-Za-z0-9_,]*$ ]] || die "--cgopts '$cgopts': want comma-separated option names"
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout '$timeout': want seconds"
{ [ -f "$guest" ] && [ -x "$guest" ]; } || die "guest program '$guest' is not an executable file"
if command -v readelf >/dev/null 2>&1 && readelf -l "$guest" 2>/dev/null | grep -q 'program interpreter'; then
	die "guest program '$guest' is dynamically linked: build it with gcc -static"
fi
declare -A seen=()
for f in "${files[@]}"; do
	[ -f "$f" ] || die "file '$f' does not exist"
	b=$(basename "$f")
	[ -z "${seen[$b]:-}" ] || die "two files are named '$b'"
	seen[$b]=1
done
for a in "${guest_args[@]}" "${files[@]}"; do
	[[ $a != *$'\n'* ]] || die "arguments and file names must not contain newlines"
done

# The kernel and its modules: oracle/setup.sh fetches them once and
# afterwards only checks its cache (~15 ms); it also knows which package and
# version the baseline is (oracle/kernels).
setup_err=$(mktemp "${TMPDIR:-/tmp}/smemcg-setup-err.XXXXXX")
if ! kdir=$("$here/setup.sh" --kernel "$baseline" 2>"$setup_err"); then
	cat "$setup_err" >&2
	rm -f "$setup_err"
	die "oracle/setup.sh --kernel $baseline failed"
fi
# Say so when it had to fetch something: the first line is then not "ready".
head -n 1 "$setup_err" | grep -q 'ready:' || cat "$setup_err" >&2
rm -f "$setup_err"
kdir=${kdir##*$'\n'}
[ -x /bin/busybox ] || die "/bin/busybox is missing: run oracle/setup.sh"

now() { date +%s.%N; }
t_start=$(now)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/smemcg-oracle.XXXXXX")
vm_pid=""
cleanup() {
	[ -n "$vm_pid" ] && kill "$vm_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo "$prog: interrupted" >&2; exit 130' INT TERM HUP

# --- initramfs ---------------------------------------------------------------
root=$tmp/root
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,mnt,scenarios,lib/modules}
cp /bin/busybox "$root/bin/busybox"
# The applets /init uses; it installs links for all the others itself (one
# ln per applet here would cost a third of a second).
for applet in sh mount umount cat mkdir rm insmod mke2fs mkswap swapon mkfifo \
	usleep sleep sync poweroff dmesg grep cut tail kill; do
	ln -s busybox "$root/bin/$applet"
done
cp "$here/guest-init.sh" "$root/init"
chmod 755 "$root/init"
cp "$kdir"/modules/*.ko "$kdir/modules/load-order" "$root/lib/modules/"
cp "$guest" "$root/smemcg-guest"
chmod 755 "$root/smemcg-guest"
: >"$root/smemcg-args"
for a in "${guest_args[@]}"; do
	printf '%s\n' "$a" >>"$root/smemcg-args"
done
for f in "${files[@]}"; do
	cp "$f" "$root/scenarios/"
	printf '/scenarios/%s\n' "$(basename "$f")" >>"$root/smemcg-args"
done
# -R 0:0: every file owned by root without being root. No /dev/console in
# the archive: the init opens it once devtmpfs is mounted.
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet >"$tmp/initramfs.cpio") &&
	gzip -1 "$tmp/initramfs.cpio" || die "building the initramfs failed"

# --- boot -------------------------------------------------------------------
append="console=ttyS0 quiet panic=-1 transparent_hugepage=never"
append+=" smemcg.swap=$swap smemcg.disk=$disk"
[ -n "$cgopts" ] && append+=" smemcg.cgopts=$cgopts"
[ -n "$dmesg_file" ] && append+=" smemcg.dmesg=1"
[ "$debug" = 1 ] && append+=" smemcg.debug=1"

# Boot the uncompressed vmlinux (PVH entry) when setup.sh could extract it:
# under emulation the bzImage takes ~3 s to decompress itself.
kernel=$kdir/vmlinuz
[ -f "$kdir/vmlinux" ] && kernel=$kdir/vmlinux

t_boot=$(now)
mkfifo "$tmp/console"
# stdin from /dev/null: nothing can reach the QEMU monitor. timeout(1) stops
# QEMU with SIGTERM, then SIGKILL 5 s later.
# -cpu qemu64,+rdrand: QEMU's default CPU plus RDRAND, which the kernel
# trusts to seed its random generator at once (CONFIG_RANDOM_TRUST_CPU);
# otherwise the first reader of /dev/urandom (mke2fs) waits ~1 s for entropy.
timeout -k 5 "$timeout" qemu-system-x86_64 -accel tcg -cpu qemu64,+rdrand \
	-m "$memory" -smp "$cpus" -nographic -no-reboot -nic none \
	-kernel "$kernel" -initrd "$tmp/initramfs.cpio.gz" -append "$append" \
	</dev/null >"$tmp/console" 2>"$tmp/qemu.err" &
vm_pid=$!

# Reads the serial console: the program's stdout goes to stdout as it comes,
# its tagged stderr to stderr, init's own lines to stderr with --debug.
# state: boot -> run (after BEGIN) -> ended (after END); dmesg inside the
# kernel-log section that may follow
state=boot rc="" init_error="" t_begin="" t_end=""
: >"$tmp/console.log"
while IFS= read -r line || [ -n "$line" ]; do
	line=${line%$'\r'}
	printf '%s\n' "$line" >>"$tmp/console.log"
	# Markers may follow other text on their line: the firmware's output
	# before BEGIN, the program's last line if it lacks a newline before END.
	case $state:$line in
	boot:*@@SMEMCG-BEGIN@@) state=run; t_begin=$(now) ;;
	*:*@@SMEMCG-INIT-ERROR@@*) init_error=${line#*@@SMEMCG-INIT-ERROR@@ } ;;
	run:*@@SMEMCG-END\ rc=*@@)
		state=ended t_end=$(now)
		printf '%s' "${line%@@SMEMCG-END rc=*}"
		rc=${line##*@@SMEMCG-END rc=}; rc=${rc%@@} ;;
	run:*@@SMEMCG-ERR@@\ *)
		# After a partial stdout line, if the program wrote one.
		printf '%s' "${line%%@@SMEMCG-ERR@@ *}"
		printf '%s\n' "${line#*@@SMEMCG-ERR@@ }" >&2 ;;
	run:*) printf '%s\n' "$line" ;;
	*:@@SMEMCG-DMESG-BEGIN@@) state=dmesg ;;
	dmesg:@@SMEMCG-DMESG-END@@) state=ended ;;
	dmesg:*) [ -n "$dmesg_file" ] && printf '%s\n' "$line" >>"$tmp/dmesg" ;;
	*:*smemcg-init:*) [ "$debug" = 1 ] && printf 'smemcg-init:%s\n' "${line#*smemcg-init:}" >&2 ;;
	esac
done <"$tmp/console"
set +e
wait "$vm_pid"
vm_rc=$?
set -e
vm_pid=""
t_done=$(now)

[ -n "$console_file" ] && cp "$tmp/console.log" "$console_file"
[ -n "$dmesg_file" ] && [ -f "$tmp/dmesg" ] && cp "$tmp/dmesg" "$dmesg_file"

if [ "$timing" = 1 ]; then
	echo "$prog: kernel: $(cat "$kdir/version" 2>/dev/null)" >&2
	awk -v s="$t_start" -v b="$t_boot" -v g="${t_begin:-0}" -v e="${t_end:-0}" -v d="$t_done" 'BEGIN {
		printf "oracle/run: timing: initramfs %.2fs", b - s
		if (g > 0) printf ", boot to program %.2fs", g - b
		if (e > 0) printf ", program %.2fs, poweroff %.2fs", e - g, d - e
		printf ", total %.2fs\n", d - s }' >&2
fi

tail_console() {
	echo "$prog: last lines of the console:" >&2
	# Without the firmware's terminal escapes.
	tail -n 25 "$tmp/console.log" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g; s/^/    /' >&2
	[ -s "$tmp/qemu.err" ] && { echo "$prog: qemu said:" >&2; sed 's/^/    /' "$tmp/qemu.err" >&2; }
	return 0
}
if [ -n "$rc" ]; then
	exit "$rc"
fi
if [ "$vm_rc" = 124 ] || [ "$vm_rc" = 137 ]; then
	echo "$prog: error: timeout: the VM ran for more than ${timeout}s ($( [ $state = boot ] && echo "still booting" || echo "the program did not finish"))" >&2
	tail_console
	exit 124
fi
if [ -n "$init_error" ]; then
	echo "$prog: error: the guest's init failed: $init_error" >&2
else
	case $state in
	boot) echo "$prog: error: the guest did not boot to the program (qemu exit status $vm_rc)" >&2 ;;
	*) echo "$prog: error: the guest stopped before the program ended (kernel panic?) (qemu exit status $vm_rc)" >&2 ;;
	esac
fi
tail_console
exit 125
