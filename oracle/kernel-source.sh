#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Fetches the source of a baseline's kernel for reading, never for the
# repository: Debian's linux-source-BASELINE at the version oracle/kernels
# gives, unpacked into build/kernel-src/BASELINE/ (only the memory
# controller's parts: mm/, include/linux/, the cgroup v2 documentation,
# kernel/cgroup/, the writeback and page-cache parts of fs/, and lib/'s
# number parsing, memparse() and what it calls, for tests/kernel-diff/).
#
#   oracle/kernel-source.sh 6.1|6.12
#
# docs/kernels.md cites these files for each difference between 6.1 and 6.12.
set -eu
cd "$(dirname "$0")/.."
b=${1:?usage: oracle/kernel-source.sh BASELINE}
ver=$(awk -v b="$b" '$1 == b { print $3 }' oracle/kernels)
[ -n "$ver" ] || { echo "oracle/kernel-source: no baseline '$b' in oracle/kernels" >&2; exit 1; }
dest=build/kernel-src/$b
# a tree fetched before lib/ was part of it is fetched again
if [ -f "$dest/.version" ] && [ "$(cat "$dest/.version")" = "$ver" ] && [ -f "$dest/lib/kstrtox.c" ]; then
	echo "$dest"
	exit 0
fi
mkdir -p build/kernel-src
tmp=$(mktemp -d "$PWD/build/kernel-src/tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
sandbox=""
[ "$(id -u)" -eq 0 ] && sandbox="-o APT::Sandbox::User=root"
download() {
	# shellcheck disable=SC2086
	(cd "$tmp" && apt-get download -q $sandbox "linux-source-$b=$ver" >&2)
}
# package lists older than the version: update them once (as root) and retry
download || { [ "$(id -u)" -eq 0 ] && apt-get update -q >&2 && download; } || {
	echo "oracle/kernel-source: apt-get download linux-source-$b=$ver failed (apt-get update?)" >&2
	exit 1
}
dpkg -x "$tmp"/linux-source-*.deb "$tmp/x"
tarball=$(ls "$tmp"/x/usr/src/linux-source-*.tar.* | head -n 1)
top=linux-source-$b
libs="$top/lib/cmdline.c $top/lib/vsprintf.c $top/lib/kstrtox.c $top/lib/kstrtox.h"
rm -rf "$dest"
mkdir -p "$dest"
# shellcheck disable=SC2086
tar -xf "$tarball" -C "$tmp" "$top/mm" "$top/include/linux" "$top/Documentation/admin-guide/cgroup-v2.rst" \
	"$top/kernel/cgroup" "$top/fs/fs-writeback.c" "$top/fs/drop_caches.c" "$top/fs/inode.c" \
	"$top/fs/dcache.c" "$top/fs/buffer.c" "$top/fs/sync.c" "$top/fs/super.c" $libs 2>/dev/null ||
	tar -xf "$tarball" -C "$tmp" --wildcards "*/mm/*" "*/include/linux/*" "*/lib/cmdline.c" "*/lib/vsprintf.c" "*/lib/kstrtox.*"
mv "$tmp/$top"/* "$dest/"
echo "$ver" >"$dest/.version"
echo "$dest"
