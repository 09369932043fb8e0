#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Builds the kdiff of one line of mutants.list: the model file with the
# line's sed script applied, included by its model-side file (m_*.c, the
# one whose KD_MODEL_SRC names that file) in place of the original, and
# linked with everything else of the normal kdiff.
#
#   build-mutant.sh NAME KD-BUILD-DIR OBJECTS...
#   CC, CPPFLAGS, CFLAGS (the model's), LDFLAGS, LIBS from the environment
#
# A line that no longer applies to the model's code leaves no binary but
# KD-BUILD-DIR/mutants/NAME/error, which the suite reports as a failure,
# so that the rest of the build and the other tests still run.
set -eu
name=${1:?usage: build-mutant.sh NAME KD-BUILD-DIR OBJECTS...}
kd=${2:?usage: build-mutant.sh NAME KD-BUILD-DIR OBJECTS...}
shift 2
here=$(dirname "$0")
line=$(awk -v n="$name" '$1 == n { print; exit }' "$here/mutants.list")
[ -n "$line" ] || { echo "build-mutant: no mutant '$name' in mutants.list" >&2; exit 1; }
file=$(echo "$line" | awk '{ print $3 }')
script=$(echo "$line" | sed 's/^[^[:space:]]*[[:space:]]*[^[:space:]]*[[:space:]]*[^[:space:]]*[[:space:]]*//')
adapter=$(grep -l "^#define KD_MODEL_SRC \"$file\"" "$here"/m_*.c | head -n 1)
[ -n "$adapter" ] || { echo "build-mutant: no m_*.c includes $file" >&2; exit 1; }
dir=$kd/mutants/$name
mkdir -p "$dir"
rm -f "$dir/kdiff" "$dir/error"
sed -e "$script" "src/$file" >"$dir/mutated.c"
if cmp -s "src/$file" "$dir/mutated.c"; then
	echo "'$script' no longer changes src/$file: bring tests/kernel-diff/mutants.list up to date" |
		tee "$dir/error" >&2
	exit 0
fi
base=$(basename "$adapter" .c)
# shellcheck disable=SC2086
${CC:-cc} $CPPFLAGS $CFLAGS -DKD_MODEL_SRC="\"$dir/mutated.c\"" -iquote . \
	-iquote "src/$(dirname "$file")" -c "$adapter" -o "$dir/$base.o"
objs=""
for o in "$@"; do
	[ "$(basename "$o")" = "$base.o" ] && o=$dir/$base.o
	objs="$objs $o"
done
# shellcheck disable=SC2086
${CC:-cc} $CFLAGS -o "$dir/kdiff" $objs ${LDFLAGS:-} ${LIBS:-}
