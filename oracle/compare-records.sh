#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Compares the values two kernels showed for the same scenarios: the guest
# output that `smemcg diff`/`smemcg kernel` saved with SMEMCG_ORACLE_RECORD
# (make oracle KERNEL=all leaves build/oracle/6.1.rec and 6.12.rec).
#
#   oracle/compare-records.sh A.rec B.rec [--all]
#
# Prints one line per value that differs: scenario, line, file and key, the
# value in A, the value in B. Reads of flat-keyed files (memory.stat, ...)
# give one value per key; a key only one side has shows "-" on the other.
# Values that differ between any two runs (pids in cgroup.procs, /proc
# files, cpu.stat, *.pressure) are left out unless --all.
set -eu
[ $# -ge 2 ] || { sed -n '2,/^set -eu$/{/^#/s/^# \{0,1\}//p}' "$0" >&2; exit 2; }
all=0
[ "${3:-}" = --all ] && all=1
flatten() { # REC -> "scenario|line|what|key|occurrence<TAB>value" lines
	awk -v all="$all" '
	function unesc(s,   r) { r = s; gsub(/\\n/, "\n", r); gsub(/\\t/, "\t", r); gsub(/\\\\/, "\\", r); return r }
	function emit(k, v) { n[k]++; printf "%s|%d\t%s\n", k, n[k], v }
	/^##smemcg-begin / { boot_idx = $2; want_label = 1; next }
	want_label && /^# / { label[boot_idx] = substr($0, 3); want_label = 0; next }
	/^##smemcg-boot-end / { delete label; next }
	/^##smemcg-obs / {
		i = $2; line = $3; op = $4; what = $5; key = $6; kind = $7
		val = $0; sub(/^##smemcg-obs [^ ]+ [^ ]+ [^ ]+ [^ ]+ [^ ]+ [^ ]+ /, "", val)
		if (!all && (what ~ /^\/proc\// || what ~ /cgroup\.(procs|threads)$/ || what ~ /cpu\.stat$/ || what ~ /pressure$/)) next
		sc = label[i]; sub(/.*\//, "", sc); sub(/\.smc$/, "", sc)
		if (kind != "v") { emit(sc "|" line "|" what "|" key, "(" val ")"); next }
		v = unesc(val)
		if (op == "r" && v ~ /^[a-z_]+ -?[0-9]+\n/) {
			m = split(v, ls, "\n")
			for (j = 1; j <= m; j++) if (ls[j] != "") { split(ls[j], kv, " "); emit(sc "|" line "|" what "|" kv[1], kv[2]) }
		} else {
			gsub(/\n/, ",", v); emit(sc "|" line "|" what "|" key, v)
		}
	}' "$1" | sort
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/smemcg-cmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
flatten "$1" >"$tmp/a"
flatten "$2" >"$tmp/b"
join -t '	' -a 1 -a 2 -e - -o 0,1.2,2.2 "$tmp/a" "$tmp/b" |
	awk -F '\t' '$2 != $3 { split($1, k, "|"); key = (k[4] == "-" ? "" : " " k[4]);
		printf "%-36s %4s  %-34s %16s %16s\n", k[1], k[2], k[3] key, $2, $3 }'
