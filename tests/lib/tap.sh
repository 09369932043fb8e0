# SPDX-License-Identifier: GPL-2.0-only
# What the shell test suites share; each sources it after `set -u`:
#   . "$(dirname "$0")/../lib/tap.sh"
# SMEMCG and BUILD become absolute paths (suites may cd), VG is the optional
# command prefix (valgrind), and TAP points are numbered in $n with the
# failures counted in $failed. sm() needs the suite's $tmp.
BUILD=${BUILD:-build}
SMEMCG=${SMEMCG:-$BUILD/smemcg}
VG=${VG:-}
case $SMEMCG in /*) ;; *) SMEMCG=$(pwd)/$SMEMCG ;; esac
case $BUILD in /*) ;; *) BUILD=$(pwd)/$BUILD ;; esac
n=0
failed=0
echo "TAP version 13"

pass() {
	n=$((n + 1))
	echo "ok $n - $1"
}
# fail DESCRIPTION [DIAGNOSTIC LINE...]
fail() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	for l in "$@"; do echo "#   $l"; done
}
# skip DESCRIPTION REASON
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
# check DESCRIPTION COMMAND...: a point that passes when COMMAND succeeds
check() {
	desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}
# is DESCRIPTION ACTUAL EXPECTED
is() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', expected '$3'"; fi
}
# sm ARGS...: run smemcg; stdout in $tmp/out, stderr in $tmp/err, status in $rc
sm() {
	$VG "$SMEMCG" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
