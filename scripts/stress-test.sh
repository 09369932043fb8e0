#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make stress-test: the test suite under the conditions that make flaky tests
# fail. It clones the committed tree into a private (mode 700) directory, as
# `mktemp -d` makes, and runs `make test` there RUNS times in a row (default
# 20) while, beside it, a second clone runs `make test` in a loop and a
# shell loop keeps one CPU busy. Every run must pass.
#   RUNS=N   how many runs (default 20)
# Prints one line per run and ends with `stress-test: P of N runs passed`;
# exit status 0 only when all passed. Logs of failed runs are kept and named.
set -u
RUNS=${RUNS:-20}
case $RUNS in '' | *[!0-9]*) echo "stress-test: RUNS=$RUNS: want a number" >&2; exit 2 ;; esac
top=$(git rev-parse --show-toplevel 2>/dev/null) || {
	echo "stress-test: run me inside the project's checkout" >&2
	exit 2
}
d=$(mktemp -d) || exit 3
chmod 700 "$d"
logs=$top/build/stress-test
mkdir -p "$logs"
hog="" side=""
cleanup() {
	[ -n "$hog" ] && kill "$hog" 2>/dev/null
	[ -n "$side" ] && kill "$side" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$d"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

git clone -q "$top" "$d/main" && git clone -q "$top" "$d/side" || exit 2
echo "stress-test: $(git -C "$top" log -1 --format='%h %s')" >&2
echo "stress-test: building two clones in $d (mode 700)" >&2
make -C "$d/main" -j2 >/dev/null 2>&1 && make -C "$d/side" -j2 >/dev/null 2>&1 || {
	echo "stress-test: the build failed" >&2
	exit 2
}
# the neighbours: a CPU hog and another test suite, for the whole run
(while :; do :; done) &
hog=$!
(while :; do make -C "$d/side" test >/dev/null 2>&1; done) &
side=$!

passed=0
i=1
while [ "$i" -le "$RUNS" ]; do
	log=$d/run-$i.log
	if make --no-print-directory -C "$d/main" test >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "run $i: $(tail -n 1 "$log")"
	else
		cp "$log" "$logs/run-$i.log"
		echo "run $i: FAILED ($(tail -n 1 "$log")); log in $logs/run-$i.log"
		grep -E '^(FAIL|    not ok)' "$log" | head -10 | sed 's/^/    /'
	fi
	i=$((i + 1))
done
echo "stress-test: $passed of $RUNS runs passed"
[ "$passed" -eq "$RUNS" ]
