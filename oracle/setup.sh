#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Prepares the real-kernel oracle: host tools (qemu, a static busybox, cpio, xz,
# zstd) and a stock Debian kernel (vmlinuz plus the few modules the guest
# loads), cached under ${SMEMCG_ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smemcg-oracle}.
#
# usage: oracle/setup.sh [--kernel BASELINE]
#
# BASELINE (6.1 by default, or 6.12) names a line of oracle/kernels, which
# gives the exact package and version. SMEMCG_ORACLE_KERNEL=PACKAGE[=VERSION]
# (e.g. linux-image-6.1.0-56-amd64) boots another package instead.
#
# Idempotent: once everything is in place a run only checks and prints "ready".
# Progress goes to stderr; on success the last line on stdout is the kernel
# directory that oracle/run.sh uses.
set -eu

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
baseline=6.1
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) [ $# -ge 2 ] || { echo "oracle/setup: error: --kernel needs a baseline" >&2; exit 1; }
		baseline=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -eu$/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
	*) echo "oracle/setup: error: unknown argument '$1'" >&2; exit 1 ;;
	esac
done
cache=${SMEMCG_ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smemcg-oracle}
# Modules the guest needs, besides what their depends= fields pull in:
#   zram (swap on a compressed RAM block device; lzo-rle is built in),
#   brd (a RAM disk for a disk filesystem), ext4 (that filesystem),
#   crc32c_generic (ext4 asks the crypto API for "crc32c" at mount time;
#   without modprobe in the guest it must already be loaded).
root_modules="crc32c_generic zram brd ext4"

say() { echo "oracle/setup: $*" >&2; }
die() { echo "oracle/setup: error: $*" >&2; exit 1; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root to run '$*' (not root and no sudo); install the packages by hand"
	fi
}

apt_updated=0
apt_update() {
	[ "$apt_updated" -eq 1 ] && return 0
	say "apt-get update"
	as_root apt-get update -qq >&2 || die "apt-get update failed"
	apt_updated=1
}

installed() { # PACKAGE
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

# --- 1. host tools ----------------------------------------------------------
need=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || need="$need qemu-system-x86"
# The initramfs needs the static busybox (the dynamic one would need a libc).
installed busybox-static || need="$need busybox-static"
command -v cpio >/dev/null 2>&1 || need="$need cpio"
command -v xz >/dev/null 2>&1 || need="$need xz-utils"
command -v gzip >/dev/null 2>&1 || need="$need gzip"
# 6.12's bzImage payload is zstd (6.1's is xz).
command -v zstd >/dev/null 2>&1 || need="$need zstd"
if [ -n "$need" ]; then
	command -v apt-get >/dev/null 2>&1 || die "missing:$need, and no apt-get to install them"
	apt_update
	say "installing$need"
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >&2 \
		|| die "apt-get install$need failed"
fi
command -v qemu-system-x86_64 >/dev/null 2>&1 || die "qemu-system-x86_64 still missing"
[ -x /bin/busybox ] || die "/bin/busybox missing although busybox-static is installed"

# --- 2. kernel ---------------------------------------------------------------
# The package and version of the baseline, from oracle/kernels.
line=$(sed -n "s/^$(echo "$baseline" | sed 's/\./\\./g')[[:space:]]\{1,\}//p" "$here/kernels" | head -n 1)
[ -n "$line" ] || die "no kernel '$baseline' in oracle/kernels (baselines: $(sed -n 's/^\([0-9][^[:space:]]*\).*/\1/p' "$here/kernels" | tr '\n' ' '))"
read -r pkg ver <<<"$line"
want=${SMEMCG_ORACLE_KERNEL:-}
case $want in
"") ;;
linux-image-*) pkg=${want%%=*}; ver=""; case $want in *=*) ver=${want#*=} ;; esac ;;
*) die "SMEMCG_ORACLE_KERNEL='$want': want a package name like linux-image-6.1.0-56-amd64[=VERSION]" ;;
esac

# The kernel directory of a package: kernel-RELEASE, RELEASE being the part
# of the package name after linux-image- (6.1.0-57-amd64, 6.12.117+deb12-amd64).
kdir=$cache/kernel-${pkg#linux-image-}
if [ -f "$kdir/vmlinuz" ] && [ -f "$kdir/modules/load-order" ] && [ -f "$kdir/version" ]; then
	read -r have_pkg have_ver _ <"$kdir/version"
	if [ "$have_pkg" = "$pkg" ] && { [ -z "$ver" ] || [ "$have_ver" = "$ver" ]; }; then
		say "ready: $(cat "$kdir/version")"
		echo "$kdir"
		exit 0
	fi
	say "cached $(cat "$kdir/version") is not $pkg $ver: fetching it"
fi

mkdir -p "$cache" || die "cannot create the cache directory $cache"
say "kernel package: $pkg${ver:+ $ver}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/smemcg-setup.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

debdir=$cache/debs
mkdir -p "$debdir"
deb=$(ls "$debdir/${pkg}_"*.deb 2>/dev/null | head -n 1 || true)
if [ -z "$deb" ]; then
	say "downloading $pkg${ver:+=$ver} (70-110 MB)"
	# apt-get download writes into the current directory. As root, apt would
	# warn that its _apt user cannot write there: let root fetch it.
	sandbox=()
	[ "$(id -u)" -eq 0 ] && sandbox=(-o APT::Sandbox::User=root)
	(cd "$debdir" && apt-get download -q "${sandbox[@]}" "$pkg${ver:+=$ver}" >&2) || {
		apt_update
		(cd "$debdir" && apt-get download -q "${sandbox[@]}" "$pkg${ver:+=$ver}" >&2)
	} || die "apt-get download $pkg failed"
	deb=$(ls "$debdir/${pkg}_"*.deb 2>/dev/null | head -n 1 || true)
	[ -n "$deb" ] || die "apt-get download $pkg left no .deb in $debdir"
fi

say "unpacking $(basename "$deb")"
dpkg -x "$deb" "$tmp/x" || die "dpkg -x $deb failed"
vmlinuz=$(ls "$tmp"/x/boot/vmlinuz-* 2>/dev/null | head -n 1 || true)
[ -n "$vmlinuz" ] || die "$deb has no boot/vmlinuz-*"
kver=${vmlinuz##*/vmlinuz-}
moddir=$tmp/x/lib/modules/$kver
[ -d "$moddir" ] || die "$deb has no lib/modules/$kver"

# Module names use '_' and '-' interchangeably; files may be .ko, .ko.xz,
# .ko.zst or .ko.gz.
find_module() { # NAME -> path of its file
	local pat
	pat=${1//[-_]/[-_]}
	find "$moddir" -type f \( -name "$pat.ko" -o -name "$pat.ko.xz" -o -name "$pat.ko.zst" -o -name "$pat.ko.gz" \) | head -n 1
}

kdir_new=$tmp/kernel-$kver
mkdir -p "$kdir_new/modules"
: >"$kdir_new/modules/load-order"

# depends= of an uncompressed .ko: the modinfo strings are NUL-separated.
ko_field() { # FILE FIELD
	tr '\0' '\n' <"$1" | sed -n "s/^$2=//p" | head -n 1
}

add_module() { # NAME: copies NAME and its dependencies, dependencies first
	local name=$1 file ko dep
	name=$(echo "$name" | tr '-' '_')
	[ -f "$kdir_new/modules/$name.ko" ] && return 0
	if grep -qx "$name" "$kdir_new/modules/visiting" 2>/dev/null; then
		die "module dependency cycle at $name"
	fi
	echo "$name" >>"$kdir_new/modules/visiting"
	file=$(find_module "$name")
	if [ -z "$file" ]; then
		if grep -q "/$name.ko" "$moddir/modules.builtin" 2>/dev/null ||
			grep -q "/$(echo "$name" | tr '_' '-').ko" "$moddir/modules.builtin" 2>/dev/null; then
			say "  $name is built in"
			return 0
		fi
		die "module $name not found in $pkg"
	fi
	ko=$kdir_new/modules/$name.ko
	case $file in
	*.ko) cp "$file" "$ko" ;;
	*.ko.xz) xz -dc "$file" >"$ko" ;;
	*.ko.zst) command -v zstd >/dev/null 2>&1 || die "$file is zstd-compressed and zstd is missing"
		zstd -qdc "$file" >"$ko" ;;
	*.ko.gz) gzip -dc "$file" >"$ko" ;;
	esac || die "cannot extract $file"
	for dep in $(ko_field "$ko" depends | tr ',' ' '); do
		add_module "$dep"
	done
	echo "$name" >>"$kdir_new/modules/load-order"
	say "  module $name$(d=$(ko_field "$ko" depends); [ -n "$d" ] && echo " (depends: $d)")"
}

for m in $root_modules; do
	add_module "$m"
done
rm -f "$kdir_new/modules/visiting"
cp "$vmlinuz" "$kdir_new/vmlinuz"

# The uncompressed kernel boots about 3 s faster: under software emulation
# the bzImage spends that long decompressing itself. QEMU boots an ELF
# vmlinux through its PVH entry point (Xen ELF note type 0x12, present when
# the kernel has CONFIG_PVH). The bzImage payload is an xz stream (Debian's
# CONFIG_KERNEL_XZ); other cases keep vmlinuz only.
extract_vmlinux() {
	local off
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" 2>/dev/null | head -n 1 | cut -d: -f1)
	if [ -n "$off" ]; then
		tail -c +$((off + 1)) "$vmlinuz" | xz -dc --single-stream >"$kdir_new/vmlinux" 2>/dev/null || return 1
	else
		# zstd (6.12): the frame is followed by the bzImage's trailer, which
		# zstd reports as an error after writing the whole kernel; the PVH
		# note below tells whether the output is a complete kernel.
		off=$(LC_ALL=C grep -obUaP '\x28\xb5\x2f\xfd' "$vmlinuz" 2>/dev/null | head -n 1 | cut -d: -f1)
		[ -n "$off" ] || return 1
		tail -c +$((off + 1)) "$vmlinuz" | zstd -qdc >"$kdir_new/vmlinux" 2>/dev/null
		[ -s "$kdir_new/vmlinux" ] || return 1
	fi
	command -v readelf >/dev/null 2>&1 || return 1
	readelf -n "$kdir_new/vmlinux" 2>/dev/null | grep -q 'Xen.*(0x00000012)' || return 1
}
if grep -q '^CONFIG_PVH=y' "$tmp/x/boot/config-$kver" 2>/dev/null && extract_vmlinux; then
	say "  vmlinux extracted (PVH boot)"
else
	rm -f "$kdir_new/vmlinux"
	say "  no bootable vmlinux could be extracted: booting the slower vmlinuz"
fi
cp "$tmp/x/boot/config-$kver" "$kdir_new/config" 2>/dev/null || true
echo "$pkg $(dpkg-deb -f "$deb" Version 2>/dev/null || echo "${ver:-?}") ($kver)" >"$kdir_new/version"

rm -rf "$kdir"
mv "$kdir_new" "$kdir"
# The .deb is no longer needed: vmlinuz and the modules are cached.
rm -f "$deb"
say "ready: $(cat "$kdir/version"), $(du -sh "$kdir" | cut -f1) in $kdir"
echo "$kdir"
