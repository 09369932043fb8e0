#!/bin/sh
# Determinism (issue 9, part 6). Prints TAP 13; exits 1 when a point failed.
#   SMEMCG  the smemcg binary (default build/smemcg)
#   VG      a command prefix such as valgrind (optional)
#
# 1. Reruns are byte-identical: every tests/scenarios/*.smc runs twice
#    (`smemcg run --quiet`) and both outputs (stdout and stderr) must be the
#    same bytes. One point per scenario.
#
# 2. stock=on and stock=off agree where the kernel's semantics say the
#    per-CPU charge stock cannot matter. What a stock changes in 6.1: the
#    pages it holds are charged (memory.current and memory.peak of the memcg
#    and its ancestors are up to 64 pages per CPU higher), so limits are hit
#    earlier and reclaim, OOM kills, memory.events and everything that
#    follows from them can differ; the object stock also batches slab
#    statistics (kernel, slab*, sock) and the charged bytes of kernel
#    objects; a stock holds a reference on its memcg (nr_dying_descendants,
#    zombies). What it does not change is the state of pages: which pages
#    exist, what they are and which list they are on.
#
#    2a. Page statistics while nothing hit a limit: every tests/scenarios/
#        *.smc runs with --policy stock=on and stock=off, with reads appended
#        at its end: /memory.stat, and memory.events and memory.stat of every
#        top-level cgroup the scenario makes (`mkdir /NAME`), and memory.events
#        of a top-level cgroup before each `rmdir /NAME`. When in both runs
#        the scenario ran to its end, the root's pgscan is 0 (no page was
#        scanned by any reclaim, kswapd or direct, in any memcg, dead ones
#        included) and every top-level memory.events read has high, max, oom
#        and oom_kill 0 (events count up the hierarchy), nothing the stock could
#        change has happened, and these memory.stat keys must be equal in every
#        value the scenario looked at (each expect and each read) and in the
#        appended reads:
#          anon file shmem file_mapped file_dirty file_writeback swapcached
#          inactive_anon active_anon inactive_file active_file unevictable
#          kernel_stack pagetables
#        except file_dirty and file_writeback when the scenario writes a
#        memory.max or memory.high: a memcg's dirty limit (mem_cgroup_wb_stats)
#        is 10% of its file pages plus its headroom, min(max, high) - usage,
#        and usage counts the stocked pages, so background writeback starts
#        at a different point.
#        Not compared: memory.current, memory.peak (stock pages are
#        charged), kernel, slab*, sock, percpu, zswap (object stock batches),
#        events, and anything else. A scenario where something hit a limit,
#        or that uses memory_localevents (its events would not count up),
#        or that stopped early, is a SKIP point.
#
#    2b. Values after a drain: probe scenarios (below) in which a write of
#        memory.max or memory.high below a cgroup's usage drains every stock
#        holding pages of its subtree (drain_all_stock) before it reclaims,
#        and an rmdir drains the stock of the memcg going offline. From the
#        line `echo compare: drained` to `echo compare: end` every value read
#        or expected must be equal (memory.current of the drained subtree,
#        every memory.stat key): from the drain on, both runs start from the
#        same pages and the same charges. Before the drain memory.current
#        differs, and the probes check that it does (so a probe that no longer
#        holds pages in a stock fails instead of passing for nothing).
set -u
SMEMCG=${SMEMCG:-build/smemcg}
VG=${VG:-}
case $SMEMCG in
/*) ;;
*) SMEMCG=$(pwd)/$SMEMCG ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
echo "TAP version 13"

pass() {
	n=$((n + 1))
	echo "ok $n - $1"
}

fail() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -f "${2:-}" ] && head -20 "$2" | sed 's/^/#   /'
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# One line per value a run looked at, numbered in order:
#   E N PATH KEY VALUE   an expect (KEY - for a whole file; VALUE what it got)
#   R N PATH KEY VALUE   a key of a flat-keyed file that was read
#   R N PATH = LINE      a line of any other file that was read
#   M TEXT               an `echo compare: TEXT` marker
values() {
	awk '
	/^(not )?ok [0-9]+ - expect [\/@]/ {
		line = $0
		sub(/^(not )?ok [0-9]+ - expect /, "", line)
		split(line, w, " ")
		got = "?"
		if (match($0, /; got [^;)]*/))
			got = substr($0, RSTART + 6, RLENGTH - 6)
		key = "-"
		if (w[2] !~ /^(==|!=|<|<=|>|>=|~)$/)
			key = w[2]
		print "E", ++ne, w[1], key, got
		inread = 0
		next
	}
	/^# compare: / { print "M", substr($0, 12); inread = 0; next }
	/^# [\/@][^ ]*:$/ { rd++; rpath = substr($0, 3, length($0) - 3); inread = 1; next }
	inread && /^#   / {
		l = substr($0, 5)
		if (split(l, kv, " ") == 2 && kv[2] ~ /^-?[0-9]+$/)
			print "R", rd, rpath, kv[1], kv[2]
		else
			print "R", rd, rpath, "=", l
		next
	}
	{ inread = 0 }
	' "$1"
}

# ---- 1. reruns are byte-identical ------------------------------------------
for s in "$top"/tests/scenarios/*.smc; do
	name=$(basename "$s" .smc)
	$VG "$SMEMCG" run --quiet "$s" >"$tmp/a" 2>&1
	$VG "$SMEMCG" run --quiet "$s" >"$tmp/b" 2>&1
	if cmp -s "$tmp/a" "$tmp/b"; then
		pass "rerun $name: byte-identical ($(wc -c <"$tmp/a") bytes)"
	else
		diff "$tmp/a" "$tmp/b" >"$tmp/d"
		fail "rerun $name: the two outputs differ" "$tmp/d"
	fi
done

# ---- 2a. stock on/off: page statistics while nothing hit a limit -------------
stat_keys=" anon file shmem file_mapped file_dirty file_writeback swapcached inactive_anon active_anon inactive_file active_file unevictable kernel_stack pagetables "

for s in "$top"/tests/scenarios/*.smc; do
	name=$(basename "$s" .smc)
	inst=$tmp/$name.smc
	cgs=$(awk '$1 == "mkdir" && $2 ~ /^\/[A-Za-z0-9_.-]+$/ && NF == 2 { print $2 }' "$s" |
		sort -u)
	gone=$(awk '$1 == "rmdir" { print $2 }' "$s" | sort -u)
	{
		# a top-level cgroup's events are read before it goes too
		awk '$1 == "rmdir" && $2 ~ /^\/[A-Za-z0-9_.-]+$/ && NF == 2 {
			print "read " $2 "/memory.events"
		}
		{ print }' "$s"
		echo
		echo "echo compare: final"
		echo "read /memory.stat"
		for c in $cgs; do
			echo "$gone" | grep -qx "$c" && continue
			echo "read $c/memory.events"
			echo "read $c/memory.stat"
		done
		echo "echo compare: done"
	} >"$inst"
	for p in on off; do
		(cd "$tmp" && $VG "$SMEMCG" run --quiet --policy stock=$p "$name.smc") \
			>"$tmp/$name.$p.tap" 2>&1
		values "$tmp/$name.$p.tap" >"$tmp/$name.$p"
	done
	why=""
	if grep -q '^ *cgroup-options.*memory_localevents' "$s"; then
		why="memory_localevents: events do not count up the hierarchy"
	fi
	for p in on off; do
		[ -n "$why" ] && break
		if ! grep -qx 'M done' "$tmp/$name.$p"; then
			why="stock=$p: the scenario stopped before its end"
			break
		fi
		busy=$(awk '$1 == "M" && $2 == "final" { f = 1 }
			f && $1 == "R" && $3 == "/memory.stat" && $4 == "pgscan" && $5 != 0 { print "pgscan " $5 }
			$1 == "R" && $3 ~ /^\/[^\/]*\/memory.events$/ && ($4 == "high" || $4 == "max" || $4 == "oom" || $4 == "oom_kill") && $5 != 0 { print $3 " " $4 " " $5 }' \
			"$tmp/$name.$p" | head -3 | tr '\n' ' ')
		if [ -n "$busy" ]; then
			why="stock=$p: a limit was hit ($busy)"
			break
		fi
	done
	if [ -n "$why" ]; then
		skip "stock on/off $name: page statistics" "$why"
		continue
	fi
	# a memcg's dirty limit is 10% of its file pages plus its headroom,
	# min(max, high) - usage, and usage counts stocked pages
	keys=$stat_keys
	note=""
	if grep -Eq '^[[:space:]]*write[[:space:]]+[^[:space:]]*/memory\.(max|high)[[:space:]]+[0-9]' "$s"; then
		keys=$(echo "$stat_keys" | sed 's/ file_dirty / /; s/ file_writeback / /')
		note=" (file_dirty, file_writeback not compared: a memory.max or memory.high is set)"
	fi
	for p in on off; do
		awk -v keys="$keys" '($1 == "E" || $1 == "R") && $3 ~ /memory\.stat$/ &&
			index(keys, " " $4 " ") { print }' "$tmp/$name.$p" >"$tmp/$name.$p.cmp"
	done
	k=$(wc -l <"$tmp/$name.on.cmp")
	if cmp -s "$tmp/$name.on.cmp" "$tmp/$name.off.cmp"; then
		pass "stock on/off $name: $k page statistics equal$note"
	else
		diff "$tmp/$name.on.cmp" "$tmp/$name.off.cmp" >"$tmp/d"
		fail "stock on/off $name: page statistics differ (< stock=on, > stock=off)" "$tmp/d"
	fi
done

# ---- 2b. stock on/off: values after a drain ----------------------------------
mkdir "$tmp/probes"
cat >"$tmp/probes/drain_max.smc" <<'EOF'
# Stocks of three CPUs hold pages of /a/b, /a/c and /a/d (small charges
# leave most of each 64-page batch in the stock); a memory.max write below
# /a's usage drains them all before it reclaims.
machine memory=1G cpus=4
write /cgroup.subtree_control +memory
mkdir /a
write /a/cgroup.subtree_control +memory
mkdir /a/b
mkdir /a/c
mkdir /a/d
spawn p /a/b cpu=0
spawn q /a/c cpu=1
spawn r /a/d cpu=2
repeat 7
p mmap x$i anon 20K
p touch x$i
q mmap y$i anon 12K
q touch y$i
r write /data/f$i 0 28K
end
p kmalloc dentry 50
q kmalloc bytes:100 33
echo compare: before
read /a/memory.current
echo compare: drained
write /a/memory.max 400K
read /a/memory.current
read /a/b/memory.current
read /a/c/memory.current
read /a/d/memory.current
read /a/memory.stat
read /a/b/memory.stat
read /a/memory.events
echo compare: end
EOF
cat >"$tmp/probes/drain_high.smc" <<'EOF'
# memory.high below usage: drain, then reclaim down to high (swap too).
machine memory=1G swap=64M cpus=2
write /cgroup.subtree_control +memory
mkdir /a
write /a/cgroup.subtree_control +memory
mkdir /a/b
spawn p /a/b cpu=0
spawn q /a/b cpu=1
repeat 5
p mmap x$i anon 36K
p touch x$i
q mount tmpfs /t$i
q write /t$i/f 0 20K
end
echo compare: before
read /a/b/memory.current
echo compare: drained
write /a/b/memory.high 200K
read /a/b/memory.current
read /a/memory.current
read /a/b/memory.swap.current
read /a/b/memory.stat
echo compare: end
EOF
cat >"$tmp/probes/drain_rmdir.smc" <<'EOF'
# rmdir: the memcg going offline has its stocks drained (css_offline), so
# its parent's usage is the pages the zombie still has.
machine memory=1G cpus=2
write /cgroup.subtree_control +memory
mkdir /a
write /a/cgroup.subtree_control +memory
mkdir /a/b
spawn p /a/b cpu=0
p write /data/f 0 44K
p mmap m file /data/g 28K shared
p touch m
move p /
echo compare: before
read /a/memory.current
echo compare: drained
rmdir /a/b
read /a/memory.current
read /a/memory.stat
echo compare: end
EOF
for probe in "$tmp"/probes/*.smc; do
	name=$(basename "$probe" .smc)
	for p in on off; do
		(cd "$tmp/probes" && $VG "$SMEMCG" run --quiet --policy stock=$p "$name.smc") \
			>"$tmp/$name.$p.tap" 2>&1
		values "$tmp/$name.$p.tap" >"$tmp/$name.$p"
		awk '$1 == "M" { sect = $2; next } sect == "drained" { print }' \
			"$tmp/$name.$p" >"$tmp/$name.$p.cmp"
		awk '$1 == "M" { sect = $2; next } sect == "before" { print }' \
			"$tmp/$name.$p" >"$tmp/$name.$p.before"
	done
	k=$(wc -l <"$tmp/$name.on.cmp")
	if grep -q '^not ok' "$tmp/$name.on.tap" "$tmp/$name.off.tap"; then
		grep -h '^not ok' "$tmp/$name.on.tap" "$tmp/$name.off.tap" >"$tmp/d"
		fail "stock on/off probe $name: a statement failed" "$tmp/d"
	elif [ "$k" -eq 0 ]; then
		fail "stock on/off probe $name: no values after the drain" "$tmp/$name.on.tap"
	elif cmp -s "$tmp/$name.on.before" "$tmp/$name.off.before"; then
		fail "stock on/off probe $name: memory.current is the same before the drain (no stock held pages: the probe tests nothing)" "$tmp/$name.on.before"
	elif cmp -s "$tmp/$name.on.cmp" "$tmp/$name.off.cmp"; then
		pass "stock on/off probe $name: $k values after the drain equal"
	else
		diff "$tmp/$name.on.cmp" "$tmp/$name.off.cmp" >"$tmp/d"
		fail "stock on/off probe $name: values after the drain differ (< stock=on, > stock=off)" "$tmp/d"
	fi
done

echo "1..$n"
[ "$failed" -eq 0 ]
