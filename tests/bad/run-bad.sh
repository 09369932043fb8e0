#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The bad-input catalog (issue 9): every NAME.smc here is a scenario that
# `smemcg run` must reject. One TAP point per case: the exit status is
# non-zero, the run did not crash, hang or trip a sanitizer/valgrind, and
# the first line of stderr is exactly NAME.expected
# (`FILE:LINE:COL: error: MESSAGE`, FILE as given on the command line).
#
# Cases named in TODO (NAME<TAB>reason) are known bugs of the model: their
# expected line says what a user should see; their points carry the TAP
# TODO directive, and they get a short time limit in case they hang.
#   SMEMCG  the smemcg binary (default build/smemcg)
#   VG      a command prefix such as valgrind (optional)
set -u
SMEMCG=${SMEMCG:-build/smemcg}
VG=${VG:-}
case $SMEMCG in
/*) ;;
*) SMEMCG=$(pwd)/$SMEMCG ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$here" || exit 2

n=0
failed=0
echo "TAP version 13"
for f in *.smc; do
	name=${f%.smc}
	n=$((n + 1))
	todo=$(awk -F '\t' -v n="$name" '$1 == n { print $2 }' TODO 2>/dev/null)
	# known bugs may hang: a short limit, longer under valgrind
	limit=60
	if [ -n "$todo" ]; then
		limit=1
		[ -n "$VG" ] && limit=10
	fi
	# a fresh timeout per case; --kill-after in case SIGTERM is ignored
	timeout -k 1 "$limit" $VG "$SMEMCG" run --quiet "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	why=""
	if [ ! -f "$name.expected" ]; then
		why="no $name.expected"
	elif [ "$rc" -eq 0 ]; then
		why="exit status 0"
	elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="no answer within ${limit}s (exit $rc)"
	elif [ "$rc" -ge 128 ]; then
		why="killed by signal $((rc - 128))"
	elif [ "$rc" -eq 99 ] && [ -n "$VG" ]; then
		why="valgrind reported errors"
	elif grep -q -e 'AddressSanitizer' -e 'LeakSanitizer' -e 'runtime error:' \
		-e '^==[0-9]*==' "$tmp/err"; then
		why="sanitizer or valgrind report on stderr"
	else
		got=$(head -n 1 "$tmp/err")
		want=$(head -n 1 "$name.expected")
		[ "$got" = "$want" ] || why="stderr does not match"
	fi
	directive=""
	[ -n "$todo" ] && directive=" # TODO bug: $todo"
	if [ -z "$why" ]; then
		echo "ok $n - $name$directive"
	else
		echo "not ok $n - $name: $why$directive"
		echo "#   exit status: $rc"
		echo "#   want: $(head -n 1 "$name.expected" 2>/dev/null)"
		echo "#   got:  $(head -n 1 "$tmp/err" | cut -c 1-400)"
		[ -n "$todo" ] || failed=$((failed + 1))
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
