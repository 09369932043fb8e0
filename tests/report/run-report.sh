#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `smemcg report` without a browser (TAP): help and exit statuses (missing
# -o, a directory that cannot be written, bad policies: 2; a scenario that
# cannot be loaded: 1), the page for examples/pod_shared_tmpfs.smc under two
# policy sets: well-formed (tests/unit/test_svg --xml), one chart column per
# policy set, nothing external (no URL, no script, no src=), the same bytes
# twice; the cross product of two --policy lists; escaping of cgroup names;
# sampling of a long run kept to REPORT_MAX_SAMPLES.
#   SMEMCG  the smemcg binary (default build/smemcg)
#   BUILD   the build directory, for build/tests/test_svg (default build)
#   VG      a command prefix such as valgrind (optional)
set -u
. "$(dirname "$0")/../lib/tap.sh"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
XML="$BUILD/tests/test_svg"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

count() { grep -o -- "$1" "$2" | wc -l | tr -d ' '; }

# ---- usage and errors ----
sm report --help
check "report --help exits 0 and explains -o" \
	test "$rc" -eq 0 -a -n "$(grep -- '-o, --output DIR' "$tmp/out")"
sm --help
check "smemcg --help lists report" grep -q '^  report ' "$tmp/out"
sm report "$top/examples/pod_shared_tmpfs.smc"
check "no -o: exit 2 with a message" \
	test "$rc" -eq 2 -a -n "$(grep 'give -o DIR' "$tmp/err")"
sm report -o "$tmp/x"
check "no scenario: exit 2" test "$rc" -eq 2
sm report "$top/examples/pod_shared_tmpfs.smc" -o "$tmp/bad" --policy shared=bogus
check "bad policy value: exit 2, names the value" \
	test "$rc" -eq 2 -a -n "$(grep 'bogus' "$tmp/err")"
sm report "$top/examples/pod_shared_tmpfs.smc" -o "$tmp/bad" --policy nosuch=on
check "unknown policy key: exit 2" test "$rc" -eq 2
sm report "$top/examples/pod_shared_tmpfs.smc" -o "$tmp/bad" --policy shared=owner,
check "empty value in a list: exit 2" test "$rc" -eq 2
sm report "$top/examples/pod_shared_tmpfs.smc" -o "$tmp/bad" --policy
check "--policy without its value: exit 2" test "$rc" -eq 2
check "no directory is created on bad usage" test ! -e "$tmp/bad"
: >"$tmp/file"
sm report "$top/examples/pod_shared_tmpfs.smc" -o "$tmp/file"
check "-o naming a file: exit 2, not a directory" \
	test "$rc" -eq 2 -a -n "$(grep 'not a directory' "$tmp/err")"
sm report "$top/examples/pod_shared_tmpfs.smc" -o "$tmp/file/sub"
check "-o under a file (cannot be created): exit 2" \
	test "$rc" -eq 2 -a -n "$(grep 'cannot create' "$tmp/err")"
sm report "$tmp/missing.smc" -o "$tmp/miss"
check "a missing scenario: exit 2, no page, no temporary file" \
	test "$rc" -eq 2 -a ! -e "$tmp/miss/index.html" -a ! -e "$tmp/miss/index.html.tmp"
printf 'mkdir /a\nfrobnicate\n' >"$tmp/broken.smc"
sm report "$tmp/broken.smc" -o "$tmp/broken"
check "a scenario with a syntax error: exit 2 with file:line" \
	test "$rc" -eq 2 -a -n "$(grep 'broken.smc:2:' "$tmp/err")"
sm report "$top/examples/pod_shared_tmpfs.smc" -o "$tmp/many" --policy shared=owner,common-ancestor \
	--policy recharge=none,reparent,evict,mapper,deferred,auto --policy smemcg=borrow,full \
	--policy kmem=on,off --policy stock=on,off
check "more than 64 policy sets: exit 2" test "$rc" -eq 2

# ---- the page ----
out="$tmp/r1"
sm report "$top/examples/pod_shared_tmpfs.smc" --policy shared=owner,common-ancestor -o "$out" -q
check "report of pod_shared_tmpfs under two policies: exit 0" test "$rc" -eq 0
check "--quiet: nothing on stderr" test ! -s "$tmp/err"
check "index.html written, no temporary file left" \
	test -s "$out/index.html" -a ! -e "$out/index.html.tmp"
page="$out/index.html"
if [ -x "$XML" ]; then
	"$XML" --xml "$page" >"$tmp/xml" 2>&1
	check "the page is well-formed XML" test $? -eq 0
else
	fail "the page is well-formed XML" "no $XML (make unit-tests)"
fi
check "it starts with the HTML5 doctype and ends with </html>" \
	test "$(head -1 "$page")" = "<!DOCTYPE html>" -a "$(tail -1 "$page")" = "</html>"
c1=$(count 'data-set="1"' "$page")
c2=$(count 'data-set="2"' "$page")
check "each small chart is titled by its column's policy values" \
	test "$(count 'class="ctitle">2: shared=common-ancestor</text>' "$page")" -eq "$c2" -a \
	"$(count 'class="ctitle">1: shared=owner</text>' "$page")" -eq "$c1"
check "each policy set has the same charts ($c1 and $c2 cells)" test "$c1" -eq "$c2" -a "$c1" -ge 4
check "one svg chart per cell" \
	test "$(count '<svg ' "$page")" -eq $((c1 + c2))
check "a memory chart for /pod, /pod/app and /pod/sidecar in each set" \
	test "$(count '<title>/pod: ' "$page")" -eq 2 -a \
	"$(count '<title>/pod/app: ' "$page")" -eq 2 -a \
	"$(count '<title>/pod/sidecar: ' "$page")" -eq 2
check "stacked areas of shmem (the shared tmpfs) are drawn" \
	test "$(count 'class="area" fill="#59a14f"' "$page")" -ge 6
check "zombies (bytes and count) and recharges have a chart per set" \
	test "$(count '<title>dying memcgs: ' "$page")" -eq 2 -a \
	"$(count '<title>memory held by dying memcgs: ' "$page")" -eq 2 -a \
	"$(count '<title>recharge counters: ' "$page")" -eq 2
check "recharge=none says why its chart is empty" grep -q 'recharge=none: no recharge_\* counters' "$page"
check "one legend per section, not one per chart" \
	test "$(count '<div class="legend">' "$page")" -eq 4 -a "$(count 'class="legend"' "$page")" -eq 4
check "no URL (http:, https:, file:, //host)" \
	test -z "$(grep -Ei 'https?:|file:|="//' "$page")"
check "no script, no external resource (src=, href=, <link, url(, @import)" \
	test -z "$(grep -Ei '<script|src=|href=|<link|url\(|@import' "$page")"
sm report "$top/examples/pod_shared_tmpfs.smc" --policy shared=owner,common-ancestor -o "$tmp/r1b" -q
check "the same report twice is byte-identical" cmp -s "$page" "$tmp/r1b/index.html"
sm report "$top/examples/pod_shared_tmpfs.smc" --policy shared=owner,common-ancestor -o "$out"
check "progress on stderr without --quiet" \
	test "$rc" -eq 0 -a -n "$(grep 'column 2/2: .*pod_shared_tmpfs.smc shared=common-ancestor' "$tmp/err")" -a \
	-n "$(grep 'wrote .*index.html' "$tmp/err")"
check "an existing page is replaced" cmp -s "$page" "$tmp/r1b/index.html"

# ---- cross product, stdin, escaping, long runs ----
sm report "$top/examples/pod_shared_tmpfs.smc" -q -o "$tmp/r2" \
	--policy shared=owner,common-ancestor --policy=recharge=none,reparent
ncols() { grep -o 'data-set="[0-9]*"' "$1" | sort -u | wc -l | tr -d ' '; }
check "two lists of two values: four policy sets" \
	test "$rc" -eq 0 -a "$(ncols "$tmp/r2/index.html")" -eq 4
check "the last key varies fastest" \
	grep -q '>2: shared=owner recharge=reparent<' "$tmp/r2/index.html"
sm report "$top/examples/pod_shared_tmpfs.smc" -q -o "$tmp/r3" --policy shared=owner --policy shared=common-ancestor
check "a key given twice: its values add up (two sets)" \
	test "$rc" -eq 0 -a "$(ncols "$tmp/r3/index.html")" -eq 2
sm report "$top/examples/pod_shared_tmpfs.smc" -q -o "$tmp/r4"
check "no --policy: one set with the scenario's policies" \
	test "$rc" -eq 0 -a "$(ncols "$tmp/r4/index.html")" -eq 1 -a \
	-n "$(grep '>1: the scenario&#39;s policies<' "$tmp/r4/index.html")"

cat >"$tmp/esc.smc" <<'SMC'
write /cgroup.subtree_control +memory
mkdir /a&b<c>"d"
spawn p /a&b<c>"d"
p mmap m anon 8M
p touch m
expect /a&b<c>"d"/memory.current == 0
SMC
sm report - -q -o "$tmp/r5" <"$tmp/esc.smc"
# its expect fails (8M were touched): the page is written, the status says so
check "a scenario from standard input: the page, exit 1 (an expect failed)" \
	test "$rc" -eq 1 -a -s "$tmp/r5/index.html"
if [ -x "$XML" ]; then
	"$XML" --xml "$tmp/r5/index.html" >"$tmp/xml" 2>&1
	check "a cgroup named a&b<c>\"d\" is escaped (well-formed)" test $? -eq 0
fi
check "the name appears escaped" grep -q '/a&amp;b&lt;c&gt;&quot;d&quot;' "$tmp/r5/index.html"
check "a failed expect is listed in the page" grep -q 'Failed test points' "$tmp/r5/index.html"

cat >"$tmp/long.smc" <<'SMC'
write /cgroup.subtree_control +memory
mkdir /g
write /g/memory.max 64M
spawn p /g
repeat 3000
p mmap m$i anon 64K
p touch m$i
p munmap m$i
end
sleep 1s
SMC
sm report "$tmp/long.smc" -q -o "$tmp/r6"
check "a run of 9005 statements: exit 0" test "$rc" -eq 0
check "samples kept to at most 1024 + 1, every 16th statement" \
	grep -q '<td>9005</td><td>1 s</td><td>564 (every 16)</td>' "$tmp/r6/index.html"

# ---- several scenarios, rows by peak, zombies, the event log, steps ----
ci="$here/ci_jobs.smc"
story="$here/smemcg_story.smc"
sm report "$ci" "$story" --policy recharge=none,reparent -q -o "$tmp/m"
mp="$tmp/m/index.html"
check "two scenarios x two policy sets: four columns" test "$rc" -eq 0 -a "$(ncols "$mp")" -eq 4
check "the columns name their scenario when there are several" \
	sh -c 'grep -q ">3: smemcg_story.smc · recharge=none<" "$1" && grep -q ">2: ci_jobs.smc · recharge=reparent<" "$1"' sh "$mp"
check "a cgroup of one scenario has charts in its columns only" \
	sh -c 'grep -q "<h3>/ci <span class=\"peak\">peak 42.56 MiB, in 2 of 4 columns</span>" "$1" &&
	       test "$(grep -c "<title>/ci: " "$1")" -eq 2' sh "$mp"
# rows by peak memory.current, largest first: /ci (3 jobs: 6M cache + 8M
# heap each, the 20M heap that got job1 OOM-killed), the jobs (14.25M:
# 6M + 8M + their kernel memory), /B (20M limit), ... /system (2M log)
grep -o '<h3>[^<]*' "$mp" | sed 's/<h3>//; s/ $//' >"$tmp/rows"
check "memory rows by peak usage, largest first" \
	test "$(head -1 "$tmp/rows")" = "/ci" -a "$(sed -n 2p "$tmp/rows")" = "/B" -a \
	"$(grep -n '^/system$' "$tmp/rows" | cut -d: -f1)" -gt "$(grep -n '^/ci/job2$' "$tmp/rows" | cut -d: -f1)"
printf 'write /cgroup.subtree_control +memory\nmkdir /aaa-empty\nmkdir /zzz\nspawn p /zzz\np write /f 0 1M\n' >"$tmp/empty.smc"
sm report "$tmp/empty.smc" -q -o "$tmp/e"
check "a cgroup that never charged anything has no row, and is named" \
	sh -c '! grep -q "<h3>/aaa-empty" "$1" && grep -q "1 cgroups never charged anything (not drawn): <code>/aaa-empty</code>" "$1" &&
	       grep -q "<h3>/zzz " "$1"' sh "$tmp/e/index.html"
# the zombie layer: under recharge=none the page cache job0 and job1 wrote
# (6M each) stays charged to their dying memcgs, inside /ci's
# memory.current; under reparent it is /ci's own page cache. So in /ci's
# chart the zombies' area under none is the file area that reparent adds.
area() { python3 "$here/svg_area.py" "$mp" "$1" "$2"; }
zn=$(area "/ci: 1: " zombies); zr=$(area "/ci: 2: " zombies)
fn=$(area "/ci: 1: " file); fr=$(area "/ci: 2: " file)
echo "# /ci areas: zombies $zn (none) $zr (reparent), file $fn (none) $fr (reparent)"
check "memory held by dying memcgs is a layer: some under recharge=none, none under reparent" \
	awk -v a="$zn" -v b="$zr" 'BEGIN { exit !(a > 100 && b == 0) }'
check "the zombies' layer under none is the page cache reparent gives /ci (within 2 px^2)" \
	awk -v z="$zn" -v a="$fn" -v b="$fr" 'BEGIN { d = a + z - b; exit !(d < 2 && d > -2) }'
check "the zombie chart of the machine shows their page cache under none only" \
	sh -c 'test "$(python3 "$2/svg_area.py" "$1" "memory held by dying memcgs: 1: " file)" != 0.0 &&
	       test "$(python3 "$2/svg_area.py" "$1" "memory held by dying memcgs: 2: " file)" = 0.0' sh "$mp" "$here"
# the event log: job1's OOM kill at line 25 and job2's cgroup.kill at line
# 31 mark /ci, each only its own job's row, and the events row all of them
check "an OOM kill is a mark with the event log's text (line 25, in /ci/job1)" \
	grep -q '<g class="event"><title>statement [0-9]* (line 25)&#10;oom in /ci/job1: the OOM killer ran (memory.events oom)&#10;oom_kill in /ci/job1: big (pid 104) OOM-killed' "$mp"
check "kill marks are red, cgroup.kill marks dark" \
	sh -c 'grep -q "stroke=\"#d62728\" stroke-width=\"1.2\"" "$1" && grep -q "stroke=\"#222222\" stroke-width=\"1.2\"" "$1"' sh "$mp"
marks_in() { awk -v t="<title>$1" 'index($0, t) { on = 1 } on && /<g class="event">/ { k++ } on && /^<\/svg>/ { on = 0 } END { print k + 0 }' "$mp"; }
check "each row marks the events of its subtree: /ci 2, /ci/job1 1, /ci/job0 0, events 2" \
	test "$(marks_in '/ci: 1: ')" -eq 2 -a "$(marks_in '/ci/job1: 1: ')" -eq 1 -a \
	"$(marks_in '/ci/job0: 1: ')" -eq 0 -a "$(marks_in 'memory.events: 1: ')" -eq 2
check "the kills are listed per column, and counted in the table" \
	sh -c 'grep -q "statement [0-9]* (line 31): kill in /ci/job2: j2 (pid 103): killed by cgroup.kill of /ci/job2" "$1" &&
	       grep -q "<td>0 passed, 0 failed</td><td>2</td>" "$1"' sh "$mp"
# steps: every segment of a memory.max line or an area is level or upright
python3 - "$mp" >"$tmp/steps" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
bad = total = 0
for d in re.findall(r'class="(?:area|line)"[^>]* d="([^"]*)"', text):
    for run in re.split(r"M", d):
        pts = [tuple(map(float, p.split(","))) for p in re.findall(r"[-0-9.]+,[-0-9.]+", run)]
        for (x1, y1), (x2, y2) in zip(pts, pts[1:]):
            total += 1
            if abs(x1 - x2) > 0.05 and abs(y1 - y2) > 0.05:
                bad += 1
print(total, bad)
PY
read segs slanted <"$tmp/steps"
check "samples are drawn as steps: no slanted segment ($segs segments, $slanted slanted)" \
	test "$segs" -gt 1000 -a "$slanted" -eq 0
sm report - - -q -o "$tmp/twice" <"$ci"
check "standard input named twice: exit 2" test "$rc" -eq 2
sm report "$ci" "$ci" "$ci" "$ci" "$ci" -q -o "$tmp/many2" --policy shared=owner,common-ancestor \
	--policy recharge=none,reparent,evict,mapper --policy stock=on,off
check "more than 64 columns (5 scenarios x 16 sets): exit 2" \
	test "$rc" -eq 2 -a -n "$(grep 'more than 64 columns' "$tmp/err")"

echo "1..$n"
