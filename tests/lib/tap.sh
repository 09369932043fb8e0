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
# rc_is N, err_has RE, out_has RE, file_has FILE RE: the last sm() and files
rc_is() { [ "$rc" -eq "$1" ]; }
err_has() { grep -q -e "$1" "$tmp/err"; }
out_has() { grep -q -e "$1" "$tmp/out"; }
file_has() { grep -q -e "$2" "$1"; }
# all_pass FILE N [RUN-OPTION]: a scenario run on the model, every point
# passing, at least N of them (--check: the model's invariants after every
# statement, slow on a machine the size of the host's); the failures as
# diagnostics otherwise. Output in $tmp/run.out.
all_pass() {
	$VG "$SMEMCG" run ${3:-} --quiet "$1" >"$tmp/run.out" 2>&1
	last=$(tail -n 1 "$tmp/run.out")
	p=${last%% passed*}
	case $last in
	*" passed, 0 failed") [ "$p" -ge "$2" ] ;;
	*) sed -n '/^not ok/,+3p' "$tmp/run.out" | head -20 | sed 's/^/#   /'; return 1 ;;
	esac
}
# tap_merge PREFIX FILE: a unit test's TAP points as this script's, renumbered
tap_merge() {
	while IFS= read -r line; do
		case $line in
		"ok "*) pass "$1${line#ok * - }" ;;
		"not ok "*) fail "$1${line#not ok * - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$2"
}
