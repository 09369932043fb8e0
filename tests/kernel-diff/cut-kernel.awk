# SPDX-License-Identifier: GPL-2.0-only
# Cuts one named piece out of a kernel C file (tests/kernel-diff/cut-kernel.sh):
#   name=FUNC[@N]          a function definition (kernel style: the closing
#                          brace at column 0, or all of it on one line)
#   name=struct:X, enum:X  a type definition, up to its "};" at column 0
#   name=define:X          a macro with its continuation lines
# A function's signature (what comes before its brace, whitespace collapsed)
# must equal want. Prints the piece behind a #line; exits 1 with a message
# otherwise.

function norm(s) {
	gsub(/[ \t]+/, " ", s)
	gsub(/\( /, "(", s)
	gsub(/ \)/, ")", s)
	sub(/^ /, "", s)
	sub(/ $/, "", s)
	return s
}

function fail(msg) {
	printf "cut-kernel: %s: %s\n", file, msg > "/dev/stderr"
	failed = 1
	exit 1
}

{ line[NR] = $0 }

END {
	if (failed)
		exit 1
	kind = "func"
	id = name
	if (index(name, ":")) {
		kind = substr(name, 1, index(name, ":") - 1)
		id = substr(name, index(name, ":") + 1)
	}
	occ = 0
	if (match(id, /@[0-9]+$/)) {
		occ = substr(id, RSTART + 1) + 0
		id = substr(id, 1, RSTART - 1)
	}
	n = 0
	for (i = 1; i <= NR; i++) {
		if (kind == "func") {
			if (line[i] !~ /^[A-Za-z_]/ || line[i] !~ ("(^|[^A-Za-z0-9_])" id "\\("))
				continue
			# the body opens on a line of its own, at the end of the
			# signature's last line, or holds the whole one-line body
			b = 0
			for (j = i; j <= NR && j < i + 20; j++) {
				if (line[j] ~ /^\{[ \t]*$/ || line[j] ~ /\)[ \t]*\{[ \t]*$/ ||
				    line[j] ~ /\)[ \t]*\{.*\}[ \t]*$/) { b = j; break }
				if (line[j] ~ /[;}][ \t]*$/) break
			}
			if (!b)
				continue	# a prototype or a call
			s = i
			while (s > 1 && line[s - 1] ~ /^[A-Za-z_][A-Za-z0-9_ \t*]*$/)
				s--
			if (line[b] ~ /\}[ \t]*$/)
				e = b
			else
				for (e = b + 1; e <= NR && line[e] !~ /^\}[ \t]*$/; e++)
					;
		} else if (kind == "struct" || kind == "enum") {
			if (line[i] !~ ("^" kind " " id " \\{"))
				continue
			s = i
			b = 0
			for (e = i + 1; e <= NR && line[e] !~ /^\};/; e++)
				;
		} else if (kind == "define") {
			if (line[i] !~ ("^#define[ \t]+" id "([ \t(]|$)"))
				continue
			s = i
			b = 0
			for (e = i; e < NR && line[e] ~ /\\$/; e++)
				;
		} else {
			fail("unknown kind '" kind "' in '" name "'")
		}
		if (e > NR)
			fail(name " at line " i " has no end")
		n++
		S[n] = s; B[n] = b; E[n] = e
	}
	if (n == 0)
		fail(name ": not found")
	if (!occ && n > 1)
		fail(name ": defined " n " times (lines " S[1] ", " S[2] ", ...); say which as " name "@N")
	if (occ > n)
		fail(name ": wanted definition " occ ", there are " n)
	k = occ ? occ : 1
	if (kind == "func") {
		got = ""
		for (j = S[k]; j <= B[k]; j++)
			got = got " " line[j]
		sub(/\{.*$/, "", got)
		got = norm(got)
		if (got != norm(want))
			fail(name ": the signature changed\n  cuts.list: " norm(want) "\n  kernel:    " got)
	}
	printf "#line %d \"%s\"\n", S[k], file
	for (j = S[k]; j <= E[k]; j++)
		print line[j]
}
