#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Cuts the kernel code that tests/kernel-diff compiles out of a Linux source
# tree, by name, as cuts.list says: whole files (compiled unchanged) and
# single functions, structs, enums and macros of the files the model mirrors.
# A function must be found exactly once (or as the N-th of several #ifdef
# alternatives, NAME@N) and its signature must be the one cuts.list records:
# anything else stops here with the two side by side, so that a kernel whose
# code moved is noticed before any comparison runs.
#
#   tests/kernel-diff/cut-kernel.sh KERNEL-TREE OUTDIR [LIST]
#
# Each output file (OUTDIR/PATH, PATH the first column of the list) gets the
# pieces in the list's order, each behind a #line naming its kernel file, so
# that compiler errors point into the kernel's source.
set -eu
tree=${1:?usage: cut-kernel.sh KERNEL-TREE OUTDIR [LIST]}
out=${2:?usage: cut-kernel.sh KERNEL-TREE OUTDIR [LIST]}
list=${3:-$(dirname "$0")/cuts.list}
[ -f "$tree/.version" ] || { echo "cut-kernel: $tree is not a fetched kernel tree (no .version)" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "$(dirname "$out")/.cut.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0
# One line of the list at a time: OUTPUT SOURCE NAME [SIGNATURE...].
# "#" starts a comment; a SIGNATURE is required for functions.
grep -v '^[[:space:]]*\(#\|$\)' "$list" >"$tmp/list"
while read -r output source name sig; do
	src=$tree/$source
	[ -f "$src" ] || { echo "cut-kernel: $source: no such file in $tree" >&2; status=1; continue; }
	dst=$tmp/out/$output
	mkdir -p "$(dirname "$dst")"
	if [ "$name" = "*" ]; then
		cp "$src" "$dst"
		continue
	fi
	if [ ! -f "$dst" ]; then
		printf '/* Cut from Linux %s by tests/kernel-diff/cut-kernel.sh: never commit. */\n' \
			"$(cat "$tree/.version")" >"$dst"
	fi
	awk -v name="$name" -v want="$sig" -v file="$source" -f "$(dirname "$0")/cut-kernel.awk" \
		"$src" >>"$dst" || status=1
done <"$tmp/list"
[ "$status" -eq 0 ] || { echo "cut-kernel: the kernel source does not match $list (see above)" >&2; exit 1; }
# the whole output at once: a failed cut leaves the last good one
rm -rf "$out"
mv "$tmp/out" "$out"
