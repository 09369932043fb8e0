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
check "one column head per policy set in each grid (4 grids x 2)" \
	test "$(count '<div class="colhead">' "$page")" -eq 8
check "the heads name the policy values" \
	test "$(count 'set 2: shared=common-ancestor' "$page")" -eq 4
c1=$(count 'data-set="1"' "$page")
c2=$(count 'data-set="2"' "$page")
check "each policy set has the same charts ($c1 and $c2 cells)" test "$c1" -eq "$c2" -a "$c1" -ge 4
check "one svg chart per cell" \
	test "$(count '<svg ' "$page")" -eq $((c1 + c2))
check "a memory chart for /pod, /pod/app and /pod/sidecar in each set" \
	test "$(count '<title>/pod</title>' "$page")" -eq 2 -a \
	"$(count '<title>/pod/app</title>' "$page")" -eq 2 -a \
	"$(count '<title>/pod/sidecar</title>' "$page")" -eq 2
check "stacked areas of shmem (the shared tmpfs) are drawn" \
	test "$(count 'class="area" fill="#59a14f"' "$page")" -ge 6
check "zombies and recharges have a chart per set" \
	test "$(count '<title>dying memcgs</title>' "$page")" -eq 2 -a \
	"$(count '<title>recharge counters (pages)</title>' "$page")" -eq 2
check "recharge=none says why its chart is empty" grep -q 'recharge=none: memory.stat has no recharge_' "$page"
check "no URL (http:, https:, file:, //host)" \
	test -z "$(grep -Ei 'https?:|file:|="//' "$page")"
check "no script, no external resource (src=, href=, <link, url(, @import)" \
	test -z "$(grep -Ei '<script|src=|href=|<link|url\(|@import' "$page")"
sm report "$top/examples/pod_shared_tmpfs.smc" --policy shared=owner,common-ancestor -o "$tmp/r1b" -q
check "the same report twice is byte-identical" cmp -s "$page" "$tmp/r1b/index.html"
sm report "$top/examples/pod_shared_tmpfs.smc" --policy shared=owner,common-ancestor -o "$out"
check "progress on stderr without --quiet" \
	test "$rc" -eq 0 -a -n "$(grep 'set 2/2: shared=common-ancestor' "$tmp/err")" -a \
	-n "$(grep 'wrote .*index.html' "$tmp/err")"
check "an existing page is replaced" cmp -s "$page" "$tmp/r1b/index.html"

# ---- cross product, stdin, escaping, long runs ----
sm report "$top/examples/pod_shared_tmpfs.smc" -q -o "$tmp/r2" \
	--policy shared=owner,common-ancestor --policy=recharge=none,reparent
check "two lists of two values: four policy sets" \
	test "$rc" -eq 0 -a "$(count '<div class="colhead">' "$tmp/r2/index.html")" -eq 16
check "the last key varies fastest" \
	grep -q 'set 2: shared=owner recharge=reparent' "$tmp/r2/index.html"
sm report "$top/examples/pod_shared_tmpfs.smc" -q -o "$tmp/r3" --policy shared=owner --policy shared=common-ancestor
check "a key given twice: its values add up (two sets)" \
	test "$rc" -eq 0 -a "$(count '<div class="colhead">' "$tmp/r3/index.html")" -eq 8
sm report "$top/examples/pod_shared_tmpfs.smc" -q -o "$tmp/r4"
check "no --policy: one set with the scenario's policies" \
	test "$rc" -eq 0 -a "$(count '<div class="colhead">' "$tmp/r4/index.html")" -eq 4

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

echo "1..$n"
