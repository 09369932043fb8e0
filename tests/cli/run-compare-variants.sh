#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# smemcg compare across scenario variants and parameters (issue 17, point
# 2): two files that tell one story with different mount lines side by
# side, a --define list crossed with policies, the event log's kills in the
# outcome, the cost section, every counter in csv/json, and the zombies
# with what holds them. Every expected number is worked out from the
# kernel's rules in the comment next to it (a page is 4096 bytes).
set -u
. "$(dirname "$0")/../lib/tap.sh"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cmp=$top/tests/compare
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# cell CSV SECTION OBJECT METRIC COLUMN: a value of a compare csv (column 1
# is the first run), through a real CSV reader (values may hold commas)
cell() {
	python3 - "$@" <<'EOF'
import csv, sys
path, sec, obj, metric, col = sys.argv[1:6]
for row in csv.reader(open(path, newline="")):
    if row[:3] == [sec, obj, metric]:
        print(row[3 + int(col)])
        break
EOF
}
# header CSV COLUMN: a column's label
header() {
	python3 -c 'import csv,sys; print(next(csv.reader(open(sys.argv[1], newline="")))[3 + int(sys.argv[2])])' "$1" "$2"
}
# line FILE REGEX: the line number of the first line matching
line() { grep -n -e "$2" "$1" | head -n 1 | cut -d: -f1; }

# ---- two variants of one story, each with its own mount line ----
# memcg/pod.smc mounts the volume with memcg=/pod/vol (seed 001),
# smemcg/pod.smc puts it in an smemcg both containers attach (seed 000).
# Same base name: the labels take as much path as tells them apart.
sm compare --quiet --format csv -D VOL=6M,16M "$cmp/variants/memcg/pod.smc" \
	"$cmp/variants/smemcg/pod.smc"
cp "$tmp/out" "$tmp/v.csv"
# exit 1: the smemcg variant at 6M stops at its failed touch (below)
check "compare of two variant files and a --define list runs them all (exit 1)" rc_is 1
is "4 columns: file slowest, then the parameter" \
	"$(header "$tmp/v.csv" 1)|$(header "$tmp/v.csv" 2)|$(header "$tmp/v.csv" 3)|$(header "$tmp/v.csv" 4)" \
	"memcg/pod.smc VOL=6M|memcg/pod.smc VOL=16M|smemcg/pod.smc VOL=6M|smemcg/pod.smc VOL=16M"
# b maps 8M and touches every page; 4M (1024 pages) are in the page cache.
# memcg=: pages past 6M (1536 pages) cannot be charged to /pod/vol (tmpfs,
# no swap: nothing to reclaim): b's fault gets SIGBUS at `b touch d`.
tl=$(line "$cmp/variants/memcg/pod.smc" '^b touch d')
is "memcg= VOL=6M: b killed by SIGBUS at the touch (line $tl)" \
	"$(cell "$tmp/v.csv" outcome '' SIGBUS 1)" "b at line $tl"
is "memcg= VOL=6M: /pod/vol holds 6M = 1536 pages" \
	"$(cell "$tmp/v.csv" cgroup /pod/vol memory.current 1)" $((1536 * 4096))
is "memcg= VOL=16M: all 8M (2048 pages) charged to /pod/vol, nobody killed" \
	"$(cell "$tmp/v.csv" cgroup /pod/vol memory.current 2) $(cell "$tmp/v.csv" outcome '' SIGBUS 2)" \
	"$((2048 * 4096)) none"
# smemcg: the smemcg holds what the volume holds; b, which mapped it all,
# borrows every page it mapped (smemcg=borrow); at 6M the smemcg cannot
# grow and nobody in it can be killed: the charge fails, the touch with it.
tl=$(line "$cmp/variants/smemcg/pod.smc" '^b touch d')
is "smemcg VOL=6M: @vol holds 6M, b borrows them, the touch fails ENOMEM" \
	"$(cell "$tmp/v.csv" smemcg @vol memory.current 3) $(cell "$tmp/v.csv" cgroup /pod/B 'memory.smemcg vol (borrowed)' 3) $(cell "$tmp/v.csv" errno "line $tl: b touch d" result 3)" \
	"$((1536 * 4096)) $((1536 * 4096)) ENOMEM (stopped the run)"
is "smemcg VOL=16M: @vol holds all 8M, b borrows 8M" \
	"$(cell "$tmp/v.csv" smemcg @vol memory.current 4) $(cell "$tmp/v.csv" cgroup /pod/B 'memory.smemcg vol (borrowed)' 4)" \
	"$((2048 * 4096)) $((2048 * 4096))"
is "a cgroup one variant does not have: no value (empty cell) in the other" \
	"$(cell "$tmp/v.csv" cgroup /pod/vol memory.current 3)" ""
sm compare --quiet -D VOL=6M,16M "$cmp/variants/memcg/pod.smc" "$cmp/variants/smemcg/pod.smc"
check "the table heads its columns with the labels" \
	grep -q 'memcg/pod.smc VOL=6M.*smemcg/pod.smc VOL=16M' "$tmp/out"

# JSON: every column says its file and parameters; a real JSON parser
sm compare --quiet --format json -D VOL=6M,16M "$cmp/variants/memcg/pod.smc" \
	"$cmp/variants/smemcg/pod.smc"
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = d["columns"]
assert [x["parameters"]["VOL"] for x in c] == ["6M", "16M", "6M", "16M"], c
assert c[2]["scenario"].endswith("smemcg/pod.smc"), c[2]
' "$tmp/out" 2>"$tmp/py.err"; then
	pass "json: each column's scenario and parameters"
else
	fail "json: each column's scenario and parameters" "$(cat "$tmp/py.err")"
fi

# ---- parameters: errors and warnings ----
sm compare --quiet "$cmp/variants/memcg/pod.smc"
vl=$(line "$cmp/variants/memcg/pod.smc" 'memory.max \$VOL')
check "an undefined \$VOL: exit 2" rc_is 2
# "write /pod/vol/memory.max " is 26 columns: the $ is at 27
check "the error is at the \$ in the file (line $vl, column 27) and names it" \
	err_has "pod.smc:$vl:27: error: undefined parameter \$VOL"
sm compare --quiet -D VOL=6M -D NOPE=1 "$cmp/variants/memcg/pod.smc"
check "a parameter no scenario uses: a warning naming it" err_has 'NOPE: no scenario uses'
sm compare --quiet -D i=1 "$cmp/variants/memcg/pod.smc"
check "--define i=...: refused (\$i is the repeat block's)" rc_is 2
sm compare --quiet -D 'VOL=6M x' "$cmp/variants/memcg/pod.smc"
check "a value of two words: refused" rc_is 2
sm compare --quiet "$cmp/variants/memcg/pod.smc" "$cmp/variants/memcg/pod.smc"
check "the same file twice: exit 2" rc_is 2
sm run --quiet -D VOL=16M "$cmp/variants/memcg/pod.smc"
check "run --define VOL=16M: the variant runs" rc_is 0
sm run --quiet -D VOL=16M -D VOL=6M "$cmp/variants/memcg/pod.smc"
check "run: a parameter given twice is refused" rc_is 2
printf 'machine memory=$MEM\nwrite /cgroup.subtree_control +memory\nmkdir /a\nwrite /a/memory.max ${MAX:-2M}\nexpect /a/memory.max == 2M\nread /memory.stat\n' >"$tmp/d.smc"
sm run --quiet -D MEM=1G "$tmp/d.smc"
check "\${MAX:-2M}: the default when MAX is not given" rc_is 0
printf 'machine memory=$MEM\n' | $VG "$SMEMCG" shell -D MEM=1G >"$tmp/out" 2>"$tmp/err"
check "shell --define MEM=1G: the line loads" rc_is 0
printf 'write /cgroup.subtree_control +memory\nrepeat 2\n  mkdir /c${i}x\nend\nexpect /c1x/memory.current == 0\n' >"$tmp/r.smc"
sm run --quiet "$tmp/r.smc"
check "\${i} inside a word of a repeat block is the iteration number" rc_is 0

# ---- the kills of the event log, with their lines ----
sm compare --quiet --format csv "$cmp/kills.smc"
cp "$tmp/out" "$tmp/k.csv"
# w's 2M (512 pages) against /a's 1M (256 pages), no swap: OOM, w is the
# largest task of /a; v got SIGTERM; x and y died by /b's cgroup.kill.
is "OOM-killed: w at its touch, in /a" "$(cell "$tmp/k.csv" outcome '' OOM-killed 1)" \
	"w at line $(line "$cmp/kills.smc" '^w touch h') (/a)"
is "cgroup.kill: x and y at the write" "$(cell "$tmp/k.csv" outcome '' cgroup.kill 1)" \
	"x, y at line $(line "$cmp/kills.smc" 'cgroup.kill 1')"
is "the kill statement: v SIGTERM" "$(cell "$tmp/k.csv" outcome '' 'killed by a kill statement' 1)" \
	"v SIGTERM at line $(line "$cmp/kills.smc" '^kill v')"
is "no SIGBUS" "$(cell "$tmp/k.csv" outcome '' SIGBUS 1)" "none"

# ---- cost: recharging and reclaim ----
sm compare --quiet --format csv --policy recharge=none,reparent,evict "$cmp/cost.smc"
cp "$tmp/out" "$tmp/c.csv"
# /pod/a's 1M of page cache is 256 pages: reparent moves them, evict drops them
is "reparent: 256 pages scanned and moved to /pod" \
	"$(cell "$tmp/c.csv" cost /pod 'memory.stat recharge_pgs_scanned' 2) $(cell "$tmp/c.csv" cost /pod 'memory.stat recharge_pgs_moved' 2) $(cell "$tmp/c.csv" cost /pod 'memory.stat recharge_pgs_evicted' 2)" \
	"256 256 0"
is "evict: 256 pages scanned and evicted" \
	"$(cell "$tmp/c.csv" cost / 'memory.stat recharge_pgs_evicted' 3) $(cell "$tmp/c.csv" cost / 'memory.stat recharge_pgs_moved' 3)" \
	"256 0"
is "none: the recharge counters are not in memory.stat (empty cells)" \
	"$(cell "$tmp/c.csv" cost /pod 'memory.stat recharge_pgs_moved' 1)" ""
# /pod/b read 512 + 256 = 768 pages of clean page cache under a 256-page
# limit: every page not resident at the end was reclaimed once
for col in 1 2 3; do
	steal=$(cell "$tmp/c.csv" cost /pod/b 'memory.stat pgsteal' $col)
	scan=$(cell "$tmp/c.csv" cost /pod/b 'memory.stat pgscan' $col)
	file=$(cell "$tmp/c.csv" cgroup /pod/b 'memory.stat file' $col)
	if [ "$steal" -eq $((768 - file / 4096)) ] && [ "$scan" -ge "$steal" ] &&
		[ "$file" -le $((256 * 4096)) ]; then
		pass "column $col: pgsteal = 768 - resident pages ($steal), pgscan >= pgsteal"
	else
		fail "column $col: pgsteal = 768 - resident pages" "pgsteal $steal pgscan $scan file $file"
	fi
done
# the 256 pages of the first 1M were evicted by the 2M read, each leaving a
# shadow entry (4 xarray leaves, under the shadow shrinker's 256 / 8 limit):
# the second read refaults every one; none is activated (no active file
# pages, no swap: the workingset size is 0)
is "refaults are in the cost section (the second read refaults its 256 pages)" \
	"$(cell "$tmp/c.csv" cost /pod/b 'memory.stat workingset_refault_file' 1)" 256
is "no refault of the second read is activated (workingset size 0)" \
	"$(cell "$tmp/c.csv" counters /pod/b 'memory.stat workingset_activate_file' 1)" 0
# every counter of memory.stat and memory.events is in the csv
n_stat=$(printf 'read /memory.stat\n' | $VG "$SMEMCG" run - | grep -c '^#   ')
n_csv=$(grep -c '^[a-z]*,/pod/b,memory.stat ' "$tmp/c.csv")
is "csv: every memory.stat key of /pod/b ($n_stat keys under recharge=none... and the recharge ones)" \
	"$n_csv" "$((n_stat + 5))"
check "csv: memory.events low (not in the table) is in the counters section" \
	grep -q '^counters,/pod/b,memory.events low,count,' "$tmp/c.csv"
sm compare --quiet --policy recharge=none,reparent "$cmp/cost.smc"
check "the table has the cost section" grep -q '^cost: ' "$tmp/out"
check "the table leaves the counters section out" eval '! grep -q "^every other counter" "$tmp/out"'
sm compare --quiet --only counters "$cmp/cost.smc"
check "--only counters shows it" grep -q 'memory.stat pgscan_direct' "$tmp/out"

# ---- zombies and what holds them ----
is "none: /pod/a dying, held by its 256 pages" \
	"$(cell "$tmp/c.csv" zombies /proc/zombie_holders /pod/a 1) / $(cell "$tmp/c.csv" zombies /proc/zombies 'dying memcgs, held by' 1)" \
	"pages=256 / 1 dying: 1 pages"
is "reparent: no zombie" "$(cell "$tmp/c.csv" zombies /proc/zombies 'dying memcgs, held by' 2)" "none"
sm compare --quiet --format csv -D SIZE=256K,252K --policy stock=on,off "$cmp/zombie_stock.smc"
cp "$tmp/out" "$tmp/z.csv"
# 64 pages (256K) empty CPU 1's batch of 64: the stock caches /a with no
# page; 6.1's drain_all_stock skips it at rmdir
is "256K, stock on: /a held only by CPU 1's stock" \
	"$(cell "$tmp/z.csv" zombies /proc/zombie_holders /a 1) / $(cell "$tmp/z.csv" zombies /proc/zombies 'dying memcgs, held by' 1)" \
	"stock=1(cpu 1) / 1 dying: 1 only per-CPU stock"
is "stock off, or 252K (a page left, drained at rmdir): no zombie" \
	"$(cell "$tmp/z.csv" zombies /proc/zombies 'dying memcgs, held by' 2) $(cell "$tmp/z.csv" zombies /proc/zombies 'dying memcgs, held by' 3) $(cell "$tmp/z.csv" zombies /proc/zombies 'dying memcgs, held by' 4)" \
	"none none none"
# churn (docs/policies.md): a path made again gets #2
sm compare --quiet --format csv --only zombies "$top/examples/churn.smc"
check "churn: the first /pod/c0 and the loop's /pod/c0 are two rows" \
	grep -q '^zombies,/proc/zombie_holders,/pod/c0#2,' "$tmp/out"

echo "1..$n"
[ "$failed" -eq 0 ]
