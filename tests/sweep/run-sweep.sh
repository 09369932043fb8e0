#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# smemcg sweep and smemcg merge (issue 18, point 4), TAP: 3 scenarios x 6
# recharge policies x 2 values of N (36 runs) run here with --jobs 2 and
# through GNU parallel on this host (-S :, no ssh); merge of both results
# gives byte-identical tables, CSV and JSON, the same as compare of the
# same runs; a missing run is named with the label the numbering rule
# gives it; the Slurm script is valid sh and runs the run its task number
# says; bad lines, retries, version mixes and emitted commands. GNU
# parallel comes from scripts/setup-test-tools.sh; where it cannot be
# installed, its points are SKIPs, never passes.
#   SMEMCG  the smemcg binary (default build/smemcg)
#   VG      a command prefix such as valgrind (optional)
set -u
. "$(dirname "$0")/../lib/tap.sh"
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# GNU parallel keeps its state under $HOME: the test's own
export HOME="$tmp/home"
mkdir -p "$HOME"

cd "$top"
S="tests/sweep/churn.smc tests/sweep/stock.smc tests/sweep/tmpfs.smc"
P="recharge=none,reparent,evict,mapper,deferred,auto"
# shellcheck disable=SC2086
sweep() { $VG "$SMEMCG" sweep --quiet --policy "$P" --define N=2,4 "$@" $S; }

# ---- locally, two at a time ----
sweep --jobs 2 >"$tmp/local.jsonl" 2>"$tmp/err"
check "sweep --jobs 2: exit 0" [ $? -eq 0 ]
is "3 scenarios x 2 values x 6 policies: 36 lines" "$(wc -l <"$tmp/local.jsonl" | tr -d ' ')" 36
if python3 - "$tmp/local.jsonl" "$("$SMEMCG" --version | cut -d' ' -f2)" >"$tmp/py.out" 2>&1 <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
# the runs in order, the scenario slowest, then N, then the policy
pol = ["none", "reparent", "evict", "mapper", "deferred", "auto"]
for k, d in enumerate(lines):
    assert d["run"] == k and d["runs"] == 36, (k, d["run"])
    assert d["smemcg"] == sys.argv[2], d["smemcg"]
    assert d["scenario"] == ["tests/sweep/churn.smc", "tests/sweep/stock.smc",
                             "tests/sweep/tmpfs.smc"][k // 12], d["scenario"]
    assert d["parameters"] == {"N": ["2", "4"][k // 6 % 2]}, d["parameters"]
    assert d["policies"] == {"recharge": pol[k % 6]}, d["policies"]
    for key in ("outcome", "kills", "counters", "rows", "samples", "label"):
        assert key in d, key
# tmpfs.smc, N=4: b's touch past 3M (768 pages) of /pod/vol gets SIGBUS
k = 2 * 12 + 6
kills = lines[k]["kills"]
assert [(x["how"], x["process"], x["line"]) for x in kills] == [("sigbus", "b", 18)], kills
assert lines[k - 6]["kills"] == [], lines[k - 6]["kills"]
# every counter: memory.stat and memory.events of every cgroup
c = lines[k]["counters"]["/pod/vol"]
assert c["memory.stat"]["shmem"] == 3 * 1024 * 1024, c["memory.stat"]["shmem"]
assert "pgscan" in c["memory.stat"] and "low" in c["memory.events"], sorted(c)
# stock.smc, N=2, none: 2 x 64 pages on CPU 1 leave its stock empty but
# holding /a: a zombie held only by that stock
z = [r for r in lines[12]["rows"] if r[0] == "zombies" and r[2] == "dying memcgs, held by"]
assert z == [["zombies", "/proc/zombies", "dying memcgs, held by", "text",
              "1 dying: 1 only per-CPU stock"]], z
EOF
then
	pass "every line: version, run, scenario, parameters, policies, kills, counters"
else
	fail "every line: version, run, scenario, parameters, policies, kills, counters" \
		"$(tail -5 "$tmp/py.out")"
fi

merge_all() { # NAME FILE: merge FILE as a table, csv and json into $tmp/NAME.*
	$VG "$SMEMCG" merge "$2" >"$tmp/$1.table" 2>"$tmp/$1.err"
	$VG "$SMEMCG" merge --format csv "$2" >"$tmp/$1.csv" 2>/dev/null
	$VG "$SMEMCG" merge --format json "$2" >"$tmp/$1.json" 2>/dev/null
}
merge_all local "$tmp/local.jsonl"
check "merge: the table has 36 columns" grep -q 'merge tests/sweep/churn.smc tests/sweep/stock.smc tests/sweep/tmpfs.smc: 36 runs' "$tmp/local.table"
# shellcheck disable=SC2086
$VG "$SMEMCG" compare --quiet --format csv --policy "$P" --define N=2,4 $S >"$tmp/compare.csv" 2>/dev/null
check "merge's csv is compare's csv of the same runs, byte for byte" cmp -s "$tmp/compare.csv" "$tmp/local.csv"
awk 'NR % 2' "$tmp/local.jsonl" >"$tmp/odd"
awk '!(NR % 2)' "$tmp/local.jsonl" >"$tmp/even"
$VG "$SMEMCG" merge "$tmp/even" "$tmp/odd" >"$tmp/split.table" 2>/dev/null
check "merge of the lines split over two files, in another order: the same table" \
	cmp -s "$tmp/split.table" "$tmp/local.table"

# ---- GNU parallel on this host ----
if ! parallel --version 2>/dev/null | grep -q '^GNU parallel'; then
	sh "$top/scripts/setup-test-tools.sh" parallel >"$tmp/setup.out" 2>&1
fi
if parallel --version 2>/dev/null | grep -q '^GNU parallel'; then
	sweep --emit >"$tmp/cmds"
	is "--emit: one command a run" "$(wc -l <"$tmp/cmds" | tr -d ' ')" 36
	# -S : is GNU parallel's name for this host, reached without ssh
	parallel -S : --will-cite -j 2 <"$tmp/cmds" >"$tmp/par.jsonl" 2>"$tmp/par.err"
	check "parallel -S : runs the 36 commands (exit 0)" [ $? -eq 0 ]
	merge_all par "$tmp/par.jsonl"
	check "merge of parallel's results: the same table as of the local ones" \
		cmp -s "$tmp/par.table" "$tmp/local.table"
	check "the same csv" cmp -s "$tmp/par.csv" "$tmp/local.csv"
	check "the same json" cmp -s "$tmp/par.json" "$tmp/local.json"
	sort "$tmp/par.jsonl" >"$tmp/par.sorted"
	sort "$tmp/local.jsonl" >"$tmp/local.sorted"
	check "the same lines, byte for byte (in parallel's order of completion)" \
		cmp -s "$tmp/par.sorted" "$tmp/local.sorted"
else
	for d in "--emit: one command a run" "parallel -S : runs the 36 commands" \
		"merge of parallel's results: the same table" "the same csv" "the same json" \
		"the same lines"; do
		skip "$d" "GNU parallel cannot be installed here ($(tail -1 "$tmp/setup.out"))"
	done
fi

# ---- missing, failed, repeated, foreign lines ----
# run 17: 17 / 12 = scenario 1 (stock.smc), 17 / 6 % 2 = N's value 0 (N=2),
# 17 % 6 = policy 5 (auto)
grep -v '"run":17,' "$tmp/local.jsonl" >"$tmp/missing.jsonl"
$VG "$SMEMCG" merge "$tmp/missing.jsonl" >"$tmp/out" 2>"$tmp/err"
check "a missing run: exit 1" [ $? -eq 1 ]
check "named with its number and label" \
	grep -qx 'smemcg merge: missing: run 17 of 36 (stock.smc N=2 recharge=auto)' "$tmp/err"
check "its column says so" grep -q 'missing: no result' "$tmp/out"
cat "$tmp/local.jsonl" "$tmp/local.jsonl" >"$tmp/twice.jsonl"
$VG "$SMEMCG" merge "$tmp/twice.jsonl" >"$tmp/out" 2>"$tmp/err"
check "every line given twice (retries): the same table, exit 0" \
	sh -c "[ $? -eq 0 ] && cmp -s '$tmp/out' '$tmp/local.table'"
{ head -3 "$tmp/local.jsonl"; echo '{"half a line'; tail -n +4 "$tmp/local.jsonl"; } >"$tmp/bad.jsonl"
$VG "$SMEMCG" merge "$tmp/bad.jsonl" >/dev/null 2>"$tmp/err"
check "a line that is not a result: exit 1" [ $? -eq 1 ]
check "named by file and line" grep -q 'bad.jsonl:4: not a result line' "$tmp/err"
sed '1s/"smemcg":"[^"]*"/"smemcg":"0.0-other"/' "$tmp/local.jsonl" >"$tmp/ver.jsonl"
$VG "$SMEMCG" merge "$tmp/ver.jsonl" >/dev/null 2>"$tmp/err"
check "results of two versions of the model: exit 1, said" \
	sh -c "[ $? -eq 1 ] && grep -q 'different versions of the model' '$tmp/err'"
# a run that failed an expect is named as failed
printf 'expect /memory.stat anon == 1\n' >"$tmp/fails.smc"
$VG "$SMEMCG" sweep --quiet --no-samples "$tmp/fails.smc" >"$tmp/f.jsonl"
check "sweep: a run whose expect fails still writes its line (exit 0)" [ $? -eq 0 ]
$VG "$SMEMCG" merge "$tmp/f.jsonl" >/dev/null 2>"$tmp/err"
check "merge: that run is named as failed, exit 1" \
	sh -c "[ $? -eq 1 ] && grep -q 'failed: run 0 of 1 (scenario.s policies): 1 expect failed' '$tmp/err'"

# ---- the report ----
$VG "$SMEMCG" merge -o "$tmp/rep" "$tmp/local.jsonl" >/dev/null 2>"$tmp/err"
check "merge -o DIR: the report of the 36 runs is written" \
	sh -c "[ -s '$tmp/rep/index.html' ] && grep -q 'wrote .*36 runs' '$tmp/err'"
check "the report names a run by its label" grep -q 'stock.smc N=4 recharge=deferred' "$tmp/rep/index.html"
$VG "$SMEMCG" merge -o "$tmp/rep2" "$tmp/f.jsonl" >/dev/null 2>"$tmp/err"
check "merge -o of runs swept with --no-samples: exit 2, said" \
	sh -c "[ $? -eq 2 ] && grep -q 'no run has samples' '$tmp/err'"

# ---- the Slurm job array, without Slurm ----
sweep --emit-slurm >"$tmp/job.sh"
check "--emit-slurm: a valid sh script" sh -n "$tmp/job.sh"
check "an array of tasks 0 to 35" grep -qx '#SBATCH --array=0-35' "$tmp/job.sh"
SLURM_ARRAY_TASK_ID=17 sh "$tmp/job.sh" >"$tmp/t17" 2>/dev/null
grep -F '"run":17,' "$tmp/local.jsonl" >"$tmp/l17"
check "task 17 prints run 17's line, the same as the local sweep's" cmp -s "$tmp/t17" "$tmp/l17"
sh "$tmp/job.sh" >/dev/null 2>&1
check "without SLURM_ARRAY_TASK_ID: an error, not a run" [ $? -ne 0 ]
SLURM_ARRAY_TASK_ID=36 sh "$tmp/job.sh" >/dev/null 2>&1
check "a task number past the array: exit 2" [ $? -eq 2 ]

# ---- arguments ----
$VG "$SMEMCG" sweep --emit --policy "$P" --define N=2,4 'tests/sweep/*.smc' >"$tmp/glob.cmds"
sweep --emit >"$tmp/cmds2"
check "a quoted glob expands to the same sorted files" cmp -s "$tmp/glob.cmds" "$tmp/cmds2"
sweep --run 3/35 >/dev/null 2>"$tmp/err"
check "--run 3/35 on a sweep of 36 runs: exit 2" \
	sh -c "[ $? -eq 2 ] && grep -q 'make 36 runs' '$tmp/err'"
$VG "$SMEMCG" sweep --emit 'tests/sweep/nothing-*.smc' >/dev/null 2>"$tmp/err"
check "a glob that matches nothing: exit 2" sh -c "[ $? -eq 2 ] && grep -q 'no file matches' '$tmp/err'"
sweep --jobs 2 --emit >/dev/null 2>&1
check "--jobs and --emit together: exit 2" [ $? -eq 2 ]
$VG "$SMEMCG" sweep --quiet --define N=2 tests/sweep/tmpfs.smc tests/compare/kills.smc >/dev/null 2>"$tmp/err"
check "a parameter one scenario does not use: no error (the other does)" [ $? -eq 0 ]
$VG "$SMEMCG" sweep --emit tests/sweep/tmpfs.smc >/dev/null 2>"$tmp/err"
check "a scenario that does not load (\$N undefined): exit 2 before anything runs" \
	sh -c "[ $? -eq 2 ] && grep -q 'undefined parameter \$N' '$tmp/err'"

echo "1..$n"
[ "$failed" -eq 0 ]
