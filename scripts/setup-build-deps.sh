#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# What the build of ./smemcg can use and may lack on a fresh machine:
# libedit's readline API (Debian's libedit-dev, BSD-licensed, so a
# GPL-2.0-only program may link it) for the line editing, history and
# completion of `smemcg shell`. Called by the Makefile once per build tree:
#   scripts/setup-build-deps.sh CC STAMP
# Probes with a compile and link (pkg-config alone would not prove the
# header and the library work with CC); when that fails and this is root
# with apt-get, installs libedit-dev and probes again. Writes STAMP, a
# makefile fragment with LINEEDIT_CFLAGS and LINEEDIT_LIBS, empty when
# line editing cannot be had, and then says so once. Never fails the build.
set -u
cc=${1:-cc}
stamp=${2:-build/lineedit.mk}
mkdir -p "$(dirname "$stamp")"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

cat >"$dir/probe.c" <<'C'
#include <stdio.h>
#include <editline/readline.h>
static char *gen(const char *text, int state) { (void)text; (void)state; return NULL; }
int main(void)
{
	rl_completion_entry_function = gen;
	using_history();
	add_history("x");
	return rl_completion_matches("x", gen) != NULL && write_history(NULL) == 12345;
}
C

probe() {
	$cc -o "$dir/probe" "$dir/probe.c" -ledit >"$dir/log" 2>&1
}

if ! probe && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "setup-build-deps: installing libedit-dev for the shell's line editing" >&2
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libedit-dev; } \
		>"$dir/apt.log" 2>&1 || sed 's/^/  apt-get: /' "$dir/apt.log" | tail -n 3 >&2
fi
if probe; then
	printf 'LINEEDIT_CFLAGS = -DSMEMCG_LINEEDIT\nLINEEDIT_LIBS = -ledit\n' >"$stamp.tmp"
else
	echo "setup-build-deps: libedit-dev is missing (install it as root: apt-get install libedit-dev): smemcg shell is built without line editing, history and completion" >&2
	printf 'LINEEDIT_CFLAGS =\nLINEEDIT_LIBS =\n' >"$stamp.tmp"
fi
mv "$stamp.tmp" "$stamp"
