#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Instructions per speedtest figure of two builds, side by side: the check
# that a refactoring "costs nothing measurable" (issue 15: figures within
# 3%). Counting instructions under callgrind instead of timing makes the
# comparison independent of how busy the machine is.
#
#   sh bench/ir-compare.sh OLD_SPEEDTEST NEW_SPEEDTEST [SPEEDTEST ARGS...]
#
# e.g. build the speedtest of an older commit in a worktree, then
#   sh bench/ir-compare.sh /tmp/old/build/bench/speedtest build/bench/speedtest
# The default arguments are --size 5 --repeat 1 (a few minutes per build
# under callgrind). A figure is the inclusive count of its run_* function;
# tests one build lacks are left out.
set -eu
if [ $# -lt 2 ]; then
	sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
fi
old=$1 new=$2
shift 2
[ $# -gt 0 ] || set -- --size 5 --repeat 1
command -v valgrind >/dev/null || { echo "ir-compare: valgrind is not installed (scripts/install-deps.sh)" >&2; exit 2; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/ir-compare.XXXXXX")
trap 'rm -rf "$dir"' EXIT
for side in old new; do
	eval bin=\$$side
	echo "ir-compare: $side: $bin $*" >&2
	valgrind --tool=callgrind --callgrind-out-file="$dir/$side.out" \
		"$bin" "$@" --no-fork >"$dir/$side.txt" 2>"$dir/$side.err" ||
		{ cat "$dir/$side.err" >&2; exit 1; }
	callgrind_annotate --inclusive=yes --threshold=100 --auto=no "$dir/$side.out" |
		sed 's/,//g' |
		awk '/speedtest\.c:run_[a-z_]+ \[/ { f = $0; sub(/.*speedtest\.c:run_/, "", f);
			sub(/ .*/, "", f); if (f != "unit") print f, $1 }' |
		sort >"$dir/$side.ir"
done
printf '%-12s %16s %16s %8s\n' test old_Ir new_Ir change
join "$dir/old.ir" "$dir/new.ir" |
	awk '{ printf "%-12s %16.0f %16.0f %+7.2f%%\n", $1, $2, $3, ($3 - $2) * 100 / $2 }'
