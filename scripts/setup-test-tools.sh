#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Installs the tools of the optional test suites from Debian's packages:
#   clang     libFuzzer and the sanitizers for `make fuzz` / `make fuzz-smoke`
#   valgrind  for `make valgrind`
#   parallel  GNU parallel, for tests/sweep (smemcg sweep --emit | parallel)
#   python3   for `make test`: the pseudo-terminal driver of the shell's
#             tests, the JSON checks (tests/cli/) and fuzz/gen_scenarios.py
#             (`make gen-scenarios`, a suite of `make test`)
# Usage: scripts/setup-test-tools.sh [clang] [valgrind] [parallel] [python3]
#   (default: clang, valgrind and python3; tests/sweep asks for parallel itself,
#   make test for python3)
# Does nothing for a tool that already works; needs root (or sudo) and
# apt-get otherwise. Exits non-zero when a tool is still missing.
set -eu
tools=${*:-clang valgrind python3}

fuzzer_works() {
	command -v clang >/dev/null 2>&1 || return 1
	d=$(mktemp -d)
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
		>"$d/t.c"
	ok=1
	clang -fsanitize=fuzzer,address,undefined -o "$d/t" "$d/t.c" >/dev/null 2>&1 && ok=0
	rm -rf "$d"
	return $ok
}

works() {
	case $1 in
	clang) fuzzer_works ;;
	valgrind) command -v valgrind >/dev/null 2>&1 ;;
	# moreutils has a parallel of its own, with other options
	parallel) parallel --version 2>/dev/null | grep -q '^GNU parallel' ;;
	python3) python3 -c "import json, pty, select" >/dev/null 2>&1 ;;
	*) echo "setup-test-tools: unknown tool $1" >&2; exit 2 ;;
	esac
}

packages() {
	case $1 in
	# libFuzzer's runtime is in libclang-rt-*-dev on Debian 12
	clang) echo "clang $(apt-cache search --names-only '^libclang-rt-[0-9]+-dev$' 2>/dev/null | sort -V | tail -1 | cut -d' ' -f1)" ;;
	valgrind) echo valgrind ;;
	parallel) echo parallel ;;
	python3) echo python3 ;;
	esac
}

need=""
for t in $tools; do
	works "$t" || need="$need $t"
done
[ -z "$need" ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo=sudo
if ! command -v apt-get >/dev/null 2>&1; then
	echo "setup-test-tools: missing:$need, and no apt-get to install them" >&2
	exit 1
fi
$sudo apt-get update -qq
pk=""
for t in $need; do
	pk="$pk $(packages "$t")"
done
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $pk >/dev/null
bad=0
for t in $need; do
	if ! works "$t"; then
		echo "setup-test-tools: $t still does not work" >&2
		bad=1
	fi
done
exit $bad
