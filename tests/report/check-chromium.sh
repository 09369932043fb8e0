#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The report in a real browser (TAP): `smemcg report` of two scenarios
# (tests/report/ci_jobs.smc, tests/report/smemcg_story.smc) under six
# policy sets each (smemcg=borrow,full,borrow-fail x recharge=none,reparent:
# 12 columns), opened from file:// in headless Chromium at 1280 and 1920
# pixels wide. At each width:
#   - Chromium logs no console message, script error or failed load (the
#     page has no script and nothing external);
#   - nothing overflows horizontally. The page has no script, so a copy of
#     it gets one at the end of its body (the test's only change) that
#     writes document.documentElement.scrollWidth, innerWidth and the
#     number of elements whose right edge passes innerWidth into a <pre>;
#     Chromium's --dump-dom prints it after layout. It must read
#     scrollWidth <= innerWidth and 0 such elements. The same measure of a
#     copy with a 3000 px wide element must find the overflow (the check
#     can fail);
#   - a screenshot, kept in SCREENS (report-1280.png, report-1920.png).
# Then: the DOM holds one chart per column in every row, the event marks
# with their text, the zombie layer; the 1280 px screenshot is not blank
# (tests/report/png_check.py, a PNG decoder on Python's standard library).
# Installs nothing: tests/report/setup.sh does (make report-check runs both).
#   SMEMCG    the smemcg binary (default build/smemcg)
#   CHROMIUM  the browser (default: chromium or chromium-browser on PATH)
#   SCREENS   where to keep the screenshots (default build/report-screens)
#   KEEP      a directory to keep the page, the DOMs and the logs in
set -u
SMEMCG=${SMEMCG:-build/smemcg}
case $SMEMCG in /*) ;; *) SMEMCG=$(pwd)/$SMEMCG ;; esac
SCREENS=${SCREENS:-build/report-screens}
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
mkdir -p "$SCREENS" || { fail "cannot create $SCREENS"; finish; }

"$SMEMCG" report "$here/ci_jobs.smc" "$here/smemcg_story.smc" \
	--policy smemcg=borrow,full,borrow-fail --policy recharge=none,reparent \
	-o "$tmp/report" -q 2>"$tmp/report.err"
check "smemcg report writes the page of 2 scenarios x 6 policy sets" \
	test $? -eq 0 -a -s "$tmp/report/index.html"
page="$tmp/report/index.html"
url="file://$page"
flags="--headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars"

# measure FILE WIDTH: the line the injected script wrote, from the DOM
measure() {
	$to "$CHROMIUM" $flags --user-data-dir="$tmp/profile-m$2" --window-size="$2,1000" \
		--dump-dom "file://$1" 2>"$tmp/measure-$2.err" >"$tmp/measure-$2.html"
	sed -n 's/.*<pre id="smemcg-measure">\([^<]*\)<.*/\1/p' "$tmp/measure-$2.html"
}
# a copy of the page with the measuring script at the end of its body
inject() {
	sed 's|</body>|<script>var d=document.documentElement,o=[];document.querySelectorAll("body *").forEach(function(e){if(e.getBoundingClientRect().right>innerWidth+0.5)o.push(e.tagName.toLowerCase()+(e.className\&\&e.className.baseVal===undefined?"."+e.className:""))});var p=document.createElement("pre");p.id="smemcg-measure";p.textContent="scrollWidth "+d.scrollWidth+" innerWidth "+innerWidth+" overflowing "+o.length+" "+o.slice(0,5).join(" ");document.body.appendChild(p);</script></body>|' "$1"
}
# fits LINE: scrollWidth <= innerWidth and no element past the right edge
fits() {
	set -- $1
	[ "$#" -ge 6 ] && [ "$2" -le "$4" ] && [ "$6" -eq 0 ]
}

inject "$page" >"$tmp/measured.html"
sed 's|<body>|<body><div style="width:3000px">wide</div>|' "$page" | inject /dev/stdin \
	>"$tmp/wide.html"
for w in 1280 1920; do
	$to "$CHROMIUM" $flags --user-data-dir="$tmp/profile-s$w" --enable-logging=stderr --v=0 \
		--screenshot="$tmp/shot-$w.png" --window-size="$w,1600" "$url" \
		>"$tmp/shot-$w.out" 2>"$tmp/shot-$w.err"
	rc=$?
	check "$w px: chromium takes a screenshot (exit $rc)" test "$rc" -eq 0 -a -s "$tmp/shot-$w.png"
	[ -s "$tmp/shot-$w.png" ] && cp "$tmp/shot-$w.png" "$SCREENS/report-$w.png"
	# console messages are logged as CONSOLE(...); failed loads as net::ERR_...
	grep -E 'CONSOLE|Uncaught|SyntaxError|net::ERR_|Failed to load|Not allowed to load' \
		"$tmp/shot-$w.err" >"$tmp/console-$w" || true
	check "$w px: no console message, script error or failed load" test ! -s "$tmp/console-$w"
	[ -s "$tmp/console-$w" ] && sed 's/^/#   /' "$tmp/console-$w" | head -20
	m=$(measure "$tmp/measured.html" "$w")
	echo "# $w px: $m"
	if fits "$m"; then
		pass "$w px: no horizontal overflow (scrollWidth <= innerWidth, no element past it)"
	else
		fail "$w px: no horizontal overflow" "measured: ${m:-nothing (the script did not run?)}"
	fi
done
m=$(measure "$tmp/wide.html" 1280)
echo "# a 3000 px element at 1280 px: $m"
if [ -n "$m" ] && ! fits "$m"; then
	pass "the overflow check finds a 3000 px wide element (it can fail)"
else
	fail "the overflow check finds a 3000 px wide element" "measured: ${m:-nothing}"
fi

# the DOM Chromium built from the page
$to "$CHROMIUM" $flags --user-data-dir="$tmp/profile-d" --dump-dom "$url" \
	>"$tmp/dom.html" 2>"$tmp/dom.err"
rc=$?
check "chromium dumps the DOM (exit $rc)" test "$rc" -eq 0 -a -s "$tmp/dom.html"
count() { grep -o -- "$1" "$2" | wc -l | tr -d ' '; }
cells=$(count '<div class="cell" data-set=' "$tmp/dom.html")
c1=$(count '<div class="cell" data-set="1">' "$tmp/dom.html")
c7=$(count '<div class="cell" data-set="7">' "$tmp/dom.html")
c12=$(count '<div class="cell" data-set="12">' "$tmp/dom.html")
check "12 columns, one chart each in the rows of both scenarios ($cells cells: $c1, $c7, $c12)" \
	test "$c1" -ge 5 -a "$c7" -ge 5 -a "$c12" -eq "$c7" -a "$(count '<svg ' "$tmp/dom.html")" -eq "$cells"
check "the columns are named by scenario and policy set" \
	grep -q '12: smemcg_story.smc · smemcg=borrow-fail recharge=reparent' "$tmp/dom.html"
# the DOM serializes the tooltip's &#10; as newlines: one line each
check "kills are marks on the time axis with the event log's text, one line each" \
	sh -c 'grep -A3 "<g class=\"event\"><title>statement [0-9]* (line 25)\$" "$1" |
	       grep -q "^oom_kill in /ci/job1: big (pid 104) OOM-killed: the largest task in /ci/job1"' \
	sh "$tmp/dom.html"
check "memory held by dying memcgs is a layer of its own" \
	grep -q 'class="area" fill="#8e6bb8" fill-opacity="0.9" stroke="none" data-series="zombies"' "$tmp/dom.html"
check "no script element in the DOM" test -z "$(grep -i '<script' "$tmp/dom.html")"

# the screenshot is not blank: the anon fill (#4e79a7 at opacity 0.9 over
# white is #5f86b0) and ink in the region of the first charts
if [ -s "$tmp/shot-1280.png" ]; then
	python3 "$here/png_check.py" "$tmp/shot-1280.png" '#5f86b0' >"$tmp/png" 2>&1
	rc=$?
	sed 's/^/# /' "$tmp/png"
	check "the 1280 px screenshot shows the charts (not blank, anon areas drawn)" test "$rc" -eq 0
else
	fail "the screenshot shows the charts" "no screenshot"
fi
echo "# screenshots: $SCREENS/report-1280.png $SCREENS/report-1920.png"
finish
