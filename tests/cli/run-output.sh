#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Output that cannot lie (issue 22): `run a b` is one TAP document that
# Perl's prove accepts, a scenario that does not load being a `not ok` in
# it; nothing a scenario writes starts a TAP line or a directive (a quoted
# "\nok 99", "1..99", "# SKIP"); a failed expect of a multi-line value
# shows the value as `#` lines; compare's JSON and report's HTML stay
# valid UTF-8 whatever bytes a name holds; messages name mappings by the
# scenario's names. (TAP)
#   SMEMCG  the smemcg binary (default build/smemcg)
#   VG      a command prefix such as valgrind (optional)
set -u
. "$(dirname "$0")/../lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rc_is() { [ "$rc" -eq "$1" ]; }
out_has() { grep -q -e "$1" "$tmp/out"; }
# count PATTERN: lines of the output that match
count() { grep -c -e "$1" "$tmp/out"; }

cat >"$tmp/a.smc" <<'EOF'
write /cgroup.subtree_control +memory
mkdir /a
expect /a/memory.current == 0
expect /a/memory.max == max
EOF
cat >"$tmp/b.smc" <<'EOF'
mkdir /b
expect /b/cgroup.procs == ""
EOF
printf 'mkdir /c\nexpect /c/memory.max == 1X\n' >"$tmp/c.smc"

# ---- one document ----
sm run --quiet "$tmp/a.smc" "$tmp/b.smc"
cp "$tmp/out" "$tmp/ab.tap"
check "run a b: exit 0" rc_is 0
is "run a b: one TAP header" "$(count '^TAP version')" 1
is "run a b: one plan, at the end of the points" "$(grep -n '^1\.\.' "$tmp/out")" "$(($(wc -l <"$tmp/out") - 1)):1..3"
check "run a b: points numbered across the files" out_has '^ok 3 - expect /b/cgroup.procs == ""'
check "run a b: each file introduced by a comment" \
	sh -c 'grep -q "^# .*/a.smc$" "$1" && grep -q "^# .*/b.smc$" "$1"' sh "$tmp/out"
if command -v prove >/dev/null 2>&1; then
	prove -e cat "$tmp/ab.tap" >"$tmp/prove" 2>&1
	check "prove accepts run a b (exit 0)" test $? -eq 0
	check "prove counts 3 tests" grep -q 'Tests=3' "$tmp/prove"
else
	skip "prove accepts run a b" "prove (perl) is not installed"
	skip "prove counts 3 tests" "prove (perl) is not installed"
fi

sm run --quiet "$tmp/a.smc" "$tmp/c.smc" "$tmp/b.smc"
cp "$tmp/out" "$tmp/acb.tap"
check "run a c b, c does not load: exit 2" rc_is 2
check "c is a not ok point naming FILE:LINE:COL" out_has '^not ok 3 - .*/c.smc:2:25: expected a value'
check "the error is on stderr too" grep -q 'c.smc:2:25: error: ' "$tmp/err"
check "b still runs, numbered after it" out_has '^ok 4 - expect /b/cgroup.procs == ""'
check "the plan counts it: 1..4" out_has '^1\.\.4$'
check "the summary counts it as failed" test "$(tail -n 1 "$tmp/out")" = "3 passed, 1 failed"
if command -v prove >/dev/null 2>&1; then
	prove -e cat "$tmp/acb.tap" >"$tmp/prove" 2>&1
	check "prove reads run a c b without a parse error" sh -c '! grep -q "Parse errors" "$1"' sh "$tmp/prove"
	check "prove finds the one failure: test 3" grep -q 'Failed test: *3' "$tmp/prove"
else
	skip "prove reads run a c b" "prove (perl) is not installed"
	skip "prove finds the one failure" "prove (perl) is not installed"
fi
sm run --quiet "$tmp/a.smc" "$tmp/nonexistent.smc"
check "a file that cannot be read: a not ok point" out_has '^not ok 3 - .*/nonexistent.smc: cannot open: No such file'

# ---- nothing a scenario writes starts a line ----
cat >"$tmp/inject.smc" <<'EOF'
write /cgroup.subtree_control +memory
mkdir /a
echo "a\nok 99 - injected\n1..99"
expect /a/memory.max == "x\nok 98 - injected # SKIP"
expect /a/memory.max != "y # TODO not a directive"
write /a/memory.max "1\nok 97 - injected"
EOF
sm run --quiet "$tmp/inject.smc"
check "injection attempts: exit 1 (the expect and the write fail)" rc_is 1
is "no injected point: only points 1 to 3" "$(grep -c '^\(not \)\?ok ' "$tmp/out")" 3
is "no injected plan" "$(grep -c '^1\.\.' "$tmp/out")" 1
check "echo over lines is # lines" out_has '^# ok 99 - injected$'
check "a quoted newline in a point is written as an escape, the # escaped" \
	grep -qF 'not ok 1 - expect /a/memory.max == "x\nok 98 - injected \# SKIP" ('"$tmp/inject.smc:4:1;" "$tmp/out"
check "a # in a point is escaped (no SKIP, no TODO directive)" \
	sh -c '! grep -q "^ok [0-9]* - [^\\\\]*# \(SKIP\|TODO\)" "$1" && ! grep -q "^not ok [0-9]* - [^\\\\]*# \(SKIP\|TODO\)" "$1"' sh "$tmp/out"
if command -v prove >/dev/null 2>&1; then
	cp "$tmp/out" "$tmp/inject.tap"
	prove -e cat "$tmp/inject.tap" >"$tmp/prove" 2>&1
	check "prove: 3 tests, 2 failed, none skipped, no parse error" \
		sh -c 'grep -q "Tests: 3 Failed: 2" "$1" && ! grep -q -e "Parse errors" -e skipped "$1"' sh "$tmp/prove"
else
	skip "prove: the injection attempts" "prove (perl) is not installed"
fi

# ---- a failed expect of a multi-line value ----
cat >"$tmp/multi.smc" <<'EOF'
write /cgroup.subtree_control +memory
mkdir /a
expect /a/memory.events == 0
expect /a/memory.events == "nothing"
EOF
sm run --quiet "$tmp/multi.smc"
check "multi-line values: both expects fail" rc_is 1
check "the not ok line says so without the value" \
	out_has "^not ok 1 - expect /a/memory.events == 0 ($tmp/multi.smc:3:1; got a multi-line value; a value over several lines is not a number)\$"
check "the value follows as # lines" out_has '^#   low 0$'
is "every line of the output is TAP: a point, a comment, the header, the plan or the summary" \
	"$(grep -vc -e '^ok ' -e '^not ok ' -e '^#' -e '^TAP version 13$' -e '^1\.\.[0-9]*$' -e ' passed, ' "$tmp/out")" 0

# ---- JSON and HTML stay UTF-8 ----
printf 'write /cgroup.subtree_control +memory\nmkdir /caf\351\nmkdir /ok-\303\251\n' >"$tmp/latin1.smc"
sm compare --quiet --format json "$tmp/latin1.smc"
check "compare json of a name in Latin-1: exit 0" rc_is 0
if command -v python3 >/dev/null 2>&1; then
	check "the JSON is valid UTF-8 and valid JSON" \
		python3 -c 'import json, sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))' "$tmp/out"
	check "the bad byte is U+FFFD, the good e-acute kept" \
		python3 -c 'import sys; s = open(sys.argv[1], "rb").read().decode("utf-8")
assert "/caf\\ufffd" in s and "/ok-\u00e9" in s, s[:400]' "$tmp/out"
	sm report --quiet "$tmp/latin1.smc" -o "$tmp/page"
	check "the report page is valid UTF-8" \
		python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$tmp/page/index.html"
	check "with the bad byte as &#xFFFD;" grep -q '/caf&#xFFFD;' "$tmp/page/index.html"
else
	skip "JSON and HTML are valid UTF-8" "python3 is not installed"
fi

# ---- names, not numbers ----
cat >"$tmp/names.smc" <<'EOF'
spawn p /
p mmap m anon 4K
p munmap m
p touch m
EOF
sm run --quiet "$tmp/names.smc"
check "a mapping used after munmap is named as the scenario names it" \
	out_has "^not ok 1 - p touch m ($tmp/names.smc:4:1; failed with EINVAL: process p has no mapping named m)\$"

echo "1..$n"
[ "$failed" -eq 0 ]
