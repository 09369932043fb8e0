#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The language documented from one table (issue 17 points 2, 8 and the
# policy registry): the shell's `help` lists every form of every statement
# the parser takes, each with a description; docs/scenario.md's statement
# list is the same set of forms; `help STATEMENT` shows a statement's
# forms; every example scenario in docs/scenario.md runs; every policy
# value the registry accepts (the values the model itself lists in its
# error for an unknown value) appears in `smemcg run --help`, in
# `smemcg compare --help` and in docs/policies.md, and each is accepted. (TAP)
#   SMEMCG  the smemcg binary (default build/smemcg)
#   VG      a command prefix such as valgrind (optional)
set -u
. "$(dirname "$0")/../lib/tap.sh"
here=$(cd "$(dirname "$0")" && pwd)
docs=$here/../../docs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- help: the statements ----
printf 'help\n' | $VG "$SMEMCG" shell >"$tmp/help" 2>&1
# a statement's line: two blanks, its form, two or more blanks, its description
sed -n 's/^  \([^ ].*\)$/\1/p' "$tmp/help" | sed 's/   *.*//' | sort >"$tmp/forms.help"
sed -n '/^## Statements/,/^## /p' "$docs/scenario.md" | sed -n 's/^    \([^ ].*\)$/\1/p' |
	sed 's/   *#.*//; s/ *$//' | sort >"$tmp/forms.docs"
check "help lists the statements (50 forms or more)" test "$(wc -l <"$tmp/forms.help")" -ge 50
if diff "$tmp/forms.help" "$tmp/forms.docs" >"$tmp/diff"; then
	pass "docs/scenario.md lists exactly the forms of the parser's table"
else
	fail "docs/scenario.md lists exactly the forms of the parser's table" \
		"< help (the parser's table), > docs/scenario.md:" "$(cat "$tmp/diff")"
fi
nodesc=$(sed -n 's/^  \([^ ].*\)$/\1/p' "$tmp/help" | grep -vc '   *[^ ]')
# a form too long for the column has its description on the next line
long=$(grep -c '^                                              *[^ ]' "$tmp/help")
is "every form has a description" "$nodesc" "$long"
for w in "P mmap M anon SIZE" "expect P alive" "explain CG|@NAME" "smemcg destroy NAME" \
	"expect-error ERRNO STATEMENT"; do
	check "help lists: $w" grep -qF "  $w" "$tmp/help"
done

printf 'help mmap\nhelp expect\nhelp mkdri\nhelp\n' | $VG "$SMEMCG" shell >"$tmp/out" 2>&1
check "help mmap: both forms of P mmap" \
	sh -c 'grep -q "^P mmap M anon SIZE \[shared\]$" "$1" && grep -q "^P mmap M file PATH" "$1"' sh "$tmp/out"
check "help expect: the file and the process forms" \
	sh -c 'grep -q "^expect FILE \[KEY \[FIELD\]\] OP VALUE" "$1" && grep -q "^expect P alive" "$1"' sh "$tmp/out"
check "help mkdri: did you mean mkdir" grep -q 'no statement "mkdri" (did you mean "mkdir"?' "$tmp/out"
check "help does not count as a statement: no test point" grep -q '^0 passed, 0 failed$' "$tmp/out"

# ---- the examples of docs/scenario.md run ----
awk -v d="$tmp" '/^```smc$/ { n++; f = d "/example" n ".smc"; next }
	/^```$/ { f = ""; next } f { print > f }' "$docs/scenario.md"
k=0
for f in "$tmp"/example*.smc; do
	[ -f "$f" ] || continue
	k=$((k + 1))
	$VG "$SMEMCG" run --check --quiet "$f" >"$tmp/out" 2>&1
	check "docs/scenario.md example $k runs, every expect passes" test $? -eq 0
	grep -q 'not ok' "$tmp/out" && sed 's/^/#   /' "$tmp/out"
done
check "docs/scenario.md has the smemcg attach example" test "$k" -ge 1
if [ "$k" -ge 1 ]; then
	$VG "$SMEMCG" run --quiet "$tmp/example1.smc" >"$tmp/out" 2>&1
	check "explain @vol names the attached cgroups" grep -q '^#       /web: borrows 8388608 bytes' "$tmp/out"
fi

# ---- the policy values: the registry, the help, the docs ----
"$SMEMCG" run --help >"$tmp/run-help"
"$SMEMCG" compare --help >"$tmp/compare-help"
printf 'echo x\n' >"$tmp/x.smc"
for key in shared smemcg recharge owner kmem stock kernel; do
	# the model's error for an unknown value lists the registry's values
	printf 'policy %s=no-such-value\n' "$key" >"$tmp/bad.smc"
	"$SMEMCG" run --quiet "$tmp/bad.smc" >/dev/null 2>"$tmp/err"
	vals=$(sed -n 's/.*unknown value "no-such-value" (known: \(.*\))$/\1/p' "$tmp/err" | tr -d ,)
	check "policy $key: the model lists its values" test -n "$vals"
	for v in $vals; do
		"$SMEMCG" run --quiet --policy "$key=$v" "$tmp/x.smc" >/dev/null 2>&1
		check "policy $key=$v is accepted" test $? -eq 0
		check "policy $key=$v is in run --help" grep -qE "^ *$key=([a-z0-9.-]*\|)*$v(\||$)" "$tmp/run-help"
		check "policy $key=$v is in compare --help" \
			grep -qE "^ *$key=([a-z0-9.-]*\|)*$v(\||$)" "$tmp/compare-help"
		check "policy $key=$v is in docs/policies.md" \
			grep -qE "^\| $key \| ([a-z0-9.-]*, )*$v(,| \|)" "$docs/policies.md"
	done
done

echo "1..$n"
[ "$failed" -eq 0 ]
