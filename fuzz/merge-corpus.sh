#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Minimizes each target's working corpus (build/fuzz/corpus/TARGET plus the
# committed one) into fuzz/corpus/TARGET with libFuzzer's -merge=1: the
# smallest set of inputs that keeps the coverage. Run after `make fuzz`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
for t in ${*:-fuzz_parser fuzz_ops}; do
	new=build/fuzz/merged/$t
	rm -rf "$new"
	mkdir -p "$new" "build/fuzz/corpus/$t" "fuzz/corpus/$t"
	extra=""
	[ "$t" = fuzz_parser ] && extra="-max_len=4096"
	[ "$t" = fuzz_ops ] && extra="-max_len=1024"
	# shellcheck disable=SC2086
	"build/fuzz/$t" -merge=1 $extra "$new" "fuzz/corpus/$t" "build/fuzz/corpus/$t" \
		>"build/fuzz/$t.merge.log" 2>&1
	rm -f "fuzz/corpus/$t"/*
	cp "$new"/* "fuzz/corpus/$t"/ 2>/dev/null || true
	echo "fuzz: $t corpus: $(ls "fuzz/corpus/$t" | wc -l) inputs, $(du -sk --apparent-size "fuzz/corpus/$t" | cut -f1) KiB"
done
