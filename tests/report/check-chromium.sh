#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The report in a real browser (TAP): `smemcg report` of
# examples/pod_shared_tmpfs.smc under shared=owner and
# shared=common-ancestor, opened from file:// in headless Chromium. Checks
# that Chromium logs no console message or failed load (the page has no
# script and nothing external), that the DOM it parsed holds the SVG charts
# of both policy sets, and that the screenshot is not blank: many colors,
# ink in the first chart's region, the shmem fill of the stacked areas
# (tests/report/png_check.py decodes the PNG with the standard library).
# Installs nothing: tests/report/setup.sh does (make report-check runs both).
#   SMEMCG    the smemcg binary (default build/smemcg)
#   CHROMIUM  the browser (default: chromium or chromium-browser on PATH)
#   KEEP      a directory to keep the page, the screenshot and the logs in
set -u
SMEMCG=${SMEMCG:-build/smemcg}
case $SMEMCG in /*) ;; *) SMEMCG=$(pwd)/$SMEMCG ;; esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
to=""
command -v timeout >/dev/null 2>&1 && to="timeout 180"

n=0
failed=0
echo "TAP version 13"
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift
	for l in "$@"; do echo "#   $l"; done
}
check() {
	desc=$1; shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}
finish() {
	if [ -n "${KEEP:-}" ]; then
		mkdir -p "$KEEP" && cp -r "$tmp"/. "$KEEP"/
		echo "# kept in $KEEP"
	fi
	echo "1..$n"
	[ "$failed" -eq 0 ]
	exit $?
}

if [ -z "$CHROMIUM" ]; then
	fail "chromium is installed" "run tests/report/setup.sh as root (make report-check does)"
	finish
fi
if ! command -v python3 >/dev/null 2>&1; then
	fail "python3 is installed" "run tests/report/setup.sh as root"
	finish
fi
echo "# $("$CHROMIUM" --version 2>/dev/null)"

"$SMEMCG" report "$top/examples/pod_shared_tmpfs.smc" --policy shared=owner,common-ancestor \
	-o "$tmp/report" -q 2>"$tmp/report.err"
check "smemcg report writes the page" test $? -eq 0 -a -s "$tmp/report/index.html"
url="file://$tmp/report/index.html"
flags="--headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars"

# 1. the screenshot, with Chromium's log on stderr
$to "$CHROMIUM" $flags --user-data-dir="$tmp/profile1" --enable-logging=stderr --v=0 \
	--screenshot="$tmp/shot.png" --window-size=1200,1600 "$url" \
	>"$tmp/shot.out" 2>"$tmp/shot.err"
rc=$?
check "chromium takes a screenshot of the page (exit $rc)" \
	test "$rc" -eq 0 -a -s "$tmp/shot.png"
# console messages are logged as CONSOLE(...); failed loads as net::ERR_...
grep -E 'CONSOLE|Uncaught|SyntaxError|net::ERR_|Failed to load|Not allowed to load' \
	"$tmp/shot.err" >"$tmp/console" || true
check "no console message, script error or failed load" test ! -s "$tmp/console"
[ -s "$tmp/console" ] && sed 's/^/#   /' "$tmp/console" | head -20

# 2. the DOM Chromium built from the page
$to "$CHROMIUM" $flags --user-data-dir="$tmp/profile2" --dump-dom "$url" \
	>"$tmp/dom.html" 2>"$tmp/dom.err"
rc=$?
check "chromium dumps the DOM (exit $rc)" test "$rc" -eq 0 -a -s "$tmp/dom.html"
count() { grep -o -- "$1" "$2" | wc -l | tr -d ' '; }
svgs=$(count '<svg ' "$tmp/dom.html")
s1=$(count '<div class="cell" data-set="1">' "$tmp/dom.html")
s2=$(count '<div class="cell" data-set="2">' "$tmp/dom.html")
check "the DOM holds the svg charts ($svgs), as many for each policy set ($s1, $s2)" \
	test "$svgs" -ge 8 -a "$s1" -eq "$s2" -a "$svgs" -eq $((s1 + s2))
check "the DOM holds stacked areas and axis labels" \
	test "$(count 'class="area"' "$tmp/dom.html")" -ge 10 -a \
	"$(count '>100 MiB<' "$tmp/dom.html")" -ge 2
check "both policy sets head their columns" \
	grep -q 'set 2: shared=common-ancestor' "$tmp/dom.html"
check "no script element in the DOM" test -z "$(grep -i '<script' "$tmp/dom.html")"

# 3. the screenshot is not blank: the shmem fill (#59a14f at opacity 0.9
# over white is #6aaa61) and ink in the region of the first chart
if [ -s "$tmp/shot.png" ]; then
	python3 "$here/png_check.py" "$tmp/shot.png" '#6aaa61' >"$tmp/png" 2>&1
	rc=$?
	sed 's/^/# /' "$tmp/png"
	check "the screenshot shows the charts (not blank, shmem areas drawn)" test "$rc" -eq 0
else
	fail "the screenshot shows the charts" "no screenshot"
fi
finish
