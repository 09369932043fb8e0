#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# smemcg record (TAP): the replay on synthetic samples (every machine), the
# command line's errors and exit statuses, then a real recording: the test
# makes cgroups a and b (later c) under a fresh cgroup of its own, starts
# the workload (tests/record/rec_workload.c: anonymous memory that grows
# and shrinks, a tmpfs file and a disk file shared across cgroups, a fork,
# an exit, b removed while its page cache stays), records it phase by
# phase (each phase is sampled before the next starts: the recorder's
# progress lines pace the workload, no sleeps), and checks the recording:
# what it says happened, that every expect passes on the model (the
# replay under the default policy gives each cgroup the charges the
# kernel made, within 5%), that those charges agree with the host's own
# memory.stat of the workload's cgroups within 5%, and that compare and
# report take the recording as it is. Without root, a readable
# /proc/kpagecgroup or a cgroup filesystem this test can write, the
# recording points are a SKIP, never a pass.
#   SMEMCG  the smemcg binary (default build/smemcg)
#   BUILD   the build directory: record/test_record, record/rec_workload
#   VG      a command prefix such as valgrind (optional)
set -u
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/cgroup.sh"
# on the build's filesystem, not /tmp: the shared disk file must not be tmpfs
tmp=$(mktemp -d "$BUILD/record-test.XXXXXX")
cgparent="" shmdir="" work_job="" rec_job="" pid_job="" gone_job=""
cleanup() {
	exec 3>&- 4<&- 5<&- 6<&- 2>/dev/null
	for j in $work_job $rec_job $pid_job $gone_job; do kill "$j" 2>/dev/null; done
	for j in $work_job $rec_job $pid_job $gone_job; do wait "$j" 2>/dev/null; done
	if [ -n "$cgparent" ]; then
		for d in "$cgparent"/*/; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
		rmdir "$cgparent" 2>/dev/null
	fi
	[ -n "$shmdir" ] && rm -rf "$shmdir"
	[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- the replay on synthetic samples ----
if [ -x "$BUILD/record/test_record" ]; then
	$VG "$BUILD/record/test_record" "$tmp/synthetic.smc" >"$tmp/unit.out" 2>&1
	urc=$?
	tap_merge "unit: " "$tmp/unit.out"
	check "unit: test_record exits 0" [ "$urc" -eq 0 ]
	check "the synthetic recording replays on the model, every expect passing" \
		all_pass "$tmp/synthetic.smc" 60 --check
else
	fail "unit: $BUILD/record/test_record is built (make record-tests)"
fi

# ---- the command line ----
sm record --help
check "record --help exits 0" rc_is 0
check "record --help gives the exit statuses" grep -q "77" "$tmp/out"
sm record
check "record without --pid or --cgroup exits 2" rc_is 2
check "... and says what is missing" err_has "nothing to record"
sm record --pid abc
check "record --pid abc exits 2" rc_is 2
sm record --pid 1 --frobnicate
check "record with an unknown option exits 2" rc_is 2
sm record stray
check "record with a stray argument exits 2" rc_is 2
sm record --pid 1 --interval 5ms
check "record --interval 5ms (below 10ms) exits 2" rc_is 2
check "... and says why" err_has "10ms or more"
sm record --pid 1 --interval 1s --interval 2s
check "record with --interval twice exits 2" rc_is 2
sm record --pid 1 --interval 1x
check "record --interval 1x exits 2" rc_is 2
sm record --pid 1 --duration soon
check "record --duration soon exits 2" rc_is 2
# without a memory cgroup hierarchy (a chroot) record stops before any
# process is looked at (exit 77): what follows cannot run here
sm record --pid $$ --duration 0s -o "$tmp/probe.smc"
if [ "$rc" -eq 77 ] && err_has "no memory cgroup hierarchy is mounted"; then
	skip "recording processes" "$(head -n 1 "$tmp/err")"
	echo "1..$n"
	exit 0
fi
nopid=4194301
while [ -d "/proc/$nopid" ]; do nopid=$((nopid - 1)); done
sm record --pid "$nopid" --duration 0s
check "record of a process that does not exist exits 2" rc_is 2
check "... and names it" err_has "no such process: $nopid"

if [ "$(uname -s)" != Linux ] || [ ! -r /proc/self/pagemap ]; then
	skip "recording live processes" "not Linux, or no /proc/PID/pagemap"
	echo "1..$n"
	exit 0
fi
if ! head -c 8 /proc/kpagecgroup >/dev/null 2>&1; then
	skip "recording live processes" "/proc/kpagecgroup is not readable (not root, or no CONFIG_MEMCG)"
	sm record --pid $$ --duration 0s
	check "record without a readable /proc/kpagecgroup exits 77" rc_is 77
	check "... and says it needs root" err_has "kpagecgroup is not readable.*root"
	echo "1..$n"
	exit 0
fi

sm record --pid $$ --duration 0s -o /dev/full
check "record to a full disk (/dev/full) exits 3" rc_is 3
check "... and says so" err_has "write error"
sm record --pid $$ --duration 0s -o "$tmp/no/such/dir/x.smc"
check "record to a file that cannot be created exits 3" rc_is 3
sm record --quiet --pid $$ --duration 0s -o "$tmp/self.smc"
check "record --duration 0s takes one sample and exits 0" rc_is 0
check "... whose scenario replays on the model" all_pass "$tmp/self.smc" 3

# ---- a cgroup of our own to make the workload's cgroups in ----
make_cgroup_parent smemcg-record
if [ -n "$why" ]; then
	skip "recording the test workload" "no usable cgroup filesystem: $why"
	echo "1..$n"
	exit 0
fi
rel=${cgparent#"$mnt"}
pass "a cgroup for the workload: $rel ($version hierarchy at $mnt)"
if [ ! -x "$BUILD/record/rec_workload" ]; then
	fail "the workload $BUILD/record/rec_workload is built (make record-tests)"
	echo "1..$n"
	exit 1
fi
mkdir "$cgparent/a" "$cgparent/b"

# the tmpfs file: /dev/shm when it is a tmpfs, else a memfd
shmfile=-
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && shmdir=$(mktemp -d /dev/shm/smemcg-record.XXXXXX 2>/dev/null); then
	shmfile=$shmdir/shared
fi
diskfile=$tmp/shared.dat
disk_is_tmpfs=no
[ "$(stat -f -c %T "$tmp")" = tmpfs ] && disk_is_tmpfs=yes

# ---- the workload, one phase at a time ----
mkfifo "$tmp/work.in" "$tmp/work.out" "$tmp/rec.err" "$tmp/pid.err"
exec 3<>"$tmp/work.in"
"$BUILD/record/rec_workload" "$cgparent/a" "$cgparent/b" "$cgparent/c" "$shmfile" "$diskfile" \
	<"$tmp/work.in" >"$tmp/work.out" 2>"$tmp/work.err" 3>&- &
work_job=$!
exec 5<"$tmp/work.out"
# phase NAME: run it; the workload says "done NAME" when every worker has
phase() {
	echo "$1" >&3
	read -r line <&5 || line=""
	[ "$line" = "done $1" ]
}
# settle: after a phase, a sample of each recorder that started after the
# phase was done. The recorders write a progress line once a sample is
# complete, into a fifo the test reads when it wants to: lines of samples
# taken long before may wait there. A marker the test writes into the
# fifo comes after every line written before it; of the sample lines
# after it, the first may be of a sample begun before, the second is not.
# The --pid recorder first: a process that exits while a recorder reads
# its pages (pagemap holds the process's mm) is torn down, and its memory
# uncharged, when that read ends; so the sample of the --cgroup recorder
# that counts begins once the --pid recorder's sample under way is over.
# The number of that sample goes to $tmp/settled.
marks=0
# after_mark FIFO FD N: a marker into FIFO, read from FD, then N sample lines
after_mark() {
	marks=$((marks + 1))
	# opened for the marker only: a recorder that died leaves EOF, not a hang
	echo "# mark $marks" >"$1" || return 1
	while read -r line <&"$2"; do
		[ "$line" = "# mark $marks" ] && break
		echo "$line" >>"$tmp/progress.$2"
	done
	[ "$line" = "# mark $marks" ] || return 1
	k=$3
	while [ "$k" -gt 0 ]; do
		read -r line <&"$2" || return 1
		echo "$line" >>"$tmp/progress.$2"
		case $line in "smemcg record: sample "*) k=$((k - 1)) ;; esac
	done
}
settle() {
	after_mark "$tmp/pid.err" 6 1 && after_mark "$tmp/rec.err" 4 2 || return 1
	set -- $line
	echo "$4" >>"$tmp/settled"
}

check "the workload starts: b, then a, in their cgroups" phase start
# (without the test's fds: the workload's stdin must close when fd 3 does)
$VG "$SMEMCG" record --cgroup "$rel" --interval 50ms -o "$tmp/rec.smc" 2>"$tmp/rec.err" 3>&- 5<&- &
rec_job=$!
exec 4<"$tmp/rec.err"
$VG "$SMEMCG" record --pid "$work_job" --interval 50ms -o "$tmp/pid.smc" 2>"$tmp/pid.err" 3>&- 4<&- 5<&- &
pid_job=$!
exec 6<"$tmp/pid.err"
# each phase: settled, a sample of it taken after it was done
ok=yes
settle || ok=no
mkdir "$cgparent/c"
# a limit set during the recording (v1's limit_in_bytes is v2's memory.max)
if [ "$version" = v1 ]; then
	echo 64M >"$cgparent/a/memory.limit_in_bytes"
else
	echo 64M >"$cgparent/a/memory.max"
fi
for ph in grow shrink fork; do
	[ $ok = yes ] && phase $ph && settle || ok=no
done
if [ $ok = yes ] && phase exit-b && rmdir "$cgparent/b" && settle && phase quit; then
	pass "every phase ran and was sampled"
else
	fail "every phase ran and was sampled" "$(cat "$tmp/work.err" "$tmp/progress.4" 2>/dev/null | tail -5)"
	# the recorders would wait for processes that never come
	kill -TERM $rec_job $pid_job 2>/dev/null
fi
# the recorder stops at the first sample without processes
while read -r line <&4; do echo "$line" >>"$tmp/progress.4"; done
wait $rec_job
rc=$?
rec_job=""
check "record --cgroup exits 0 once every process has exited" rc_is 0
exec 3>&-
wait $work_job
work_job=""
# the --pid recorder stops at the first sample after the coordinator's exit
while read -r line <&6; do echo "$line" >>"$tmp/progress.6"; done
wait $pid_job
prc=$?
pid_job=""
sed 's/^/# /' "$tmp/progress.4" | tail -n 3
# the host at the end, once the workload and both recorders are gone: the
# recording's last sample may be taken while a process that was seen to
# exit is still being torn down (by a recorder whose read held its mm)
if [ "$version" = v1 ]; then keys="total_rss total_cache total_shmem"; else keys="anon file shmem"; fi
for cg in "$rel" "$rel/a" "$rel/c"; do
	awk -v cg="$cg" -v keys="$keys" 'BEGIN { split(keys, k, " ") }
		$1 == k[1] { v[1] = $2 } $1 == k[2] { v[2] = $2 } $1 == k[3] { v[3] = $2 }
		END { print cg, v[1] + 0, v[2] + 0, v[3] + 0 }' "$mnt$cg/memory.stat"
done >"$tmp/host-end"

r=$tmp/rec.smc
a=$rel/a b=$rel/b c=$rel/c
check "the header names the cgroup recorded" file_has "$r" "^# smemcg recording of the processes of cgroup $rel, and their descendants"
check "the header says where the owners come from" file_has "$r" "^# page owners: /proc/kpagecgroup"
check "samples are apart by sleep" file_has "$r" "^sleep [0-9]*ms$"
check "a's and b's processes are spawned in their cgroups" sh -c \
	"grep -q '^spawn p[0-9]* $a ' '$r' && grep -q '^spawn p[0-9]* $b ' '$r'"
check "c is made during the recording, after sample 0" sh -c \
	"sed -n '/^# ---- sample 1 /,\$p' '$r' | grep -q '^mkdir $c\$'"
check "a's limit, set during the recording, is written" file_has "$r" "^write $a/memory.max 67108864\$"
check "a's shrinking is replayed: a mapping unmapped, another replaced without its lost pages" sh -c \
	"grep -q '^p[0-9]* munmap m' '$r' && grep -q 'again, without the pages it lost' '$r'"
check "a's fork is a new process in a" sh -c "grep -c '^spawn p[0-9]* $a ' '$r' | grep -qx 2"
check "b's process exits" sh -c "grep -q '^exit p' '$r'"
check "b is removed while its page cache stays: a dying memcg" file_has "$r" "^rmdir $b   # its pages stay charged to it: a dying memcg"
check "the recording ends when every process has exited" file_has "$r" "end of the recording: every process followed has exited"
# b wrote the first half of the disk file; its faults also read ahead into
# the second half, which a then wrote: the kernel charged those to b as well
bp=$(sed -n "s|^spawn \(p[0-9]*\) $b .*|\1|p" "$r" | head -n 1)
bsize=$(awk -v p="$bp" '$1 == p && $2 == "write" && $3 ~ /shared\.dat$/ && $4 == "0" {
	v = $5; m = 1; u = substr(v, length(v))
	if (u == "K") m = 1024; else if (u == "M") m = 1048576
	if (m > 1) v = substr(v, 1, length(v) - 1)
	print v * m; exit }' "$r")
check "b's process brings in the disk file's first half, which b wrote" [ "${bsize:-0}" -ge 2097152 ]
check "the recording replays on the model, every expect passing" all_pass "$r" 100
grep -c '^ok ' "$tmp/run.out" | sed 's/^/# expects passed: /'

# the recorded charges against the host's own memory.stat, at every sample
# taken after a phase was done (rows "#   CGROUP ANON FILE SHMEM", then the
# expects of that sample), and at the end (the last expects against the
# host read by the test afterwards)
awk -v a="$a" -v c="$c" -v p="$rel" -v settled="$(tr '\n' ' ' <"$tmp/settled")" '
	# a sample without change keeps the values of the last one written
	function flush() { if (s >= 0) for (k in rec) { split(k, f, SUBSEP); if ((f[1], f[2]) in host) print s, f[1], f[2], host[f[1], f[2]], rec[k] } }
	BEGIN { n = split(settled, l, " "); for (i = 1; i <= n; i++) ok[l[i]] = 1; s = -1 }
	/^# ---- / { flush(); s = ok[$4] ? $4 : -1 }
	/^#   \// && ($2 == a || $2 == c || $2 == p) { host[$2, "anon"] = $3; host[$2, "file"] = $4; host[$2, "shmem"] = $5 }
	/^expect .*memory.stat/ { cg = $2; sub(/\/memory.stat$/, "", cg); if (cg == a || cg == c || cg == p) rec[cg, $3] = $5 }
	END { flush() }
' "$r" >"$tmp/vs-host"
awk -v a="$a" -v c="$c" -v p="$rel" '
	FNR == NR { host[$1, "anon"] = $2; host[$1, "file"] = $3; host[$1, "shmem"] = $4; next }
	/^expect .*memory.stat/ { cg = $2; sub(/\/memory.stat$/, "", cg); if (cg == a || cg == c || cg == p) rec[cg, $3] = $5 }
	END { for (k in rec) { split(k, f, SUBSEP); print "end", f[1], f[2], host[k], rec[k] } }
' "$tmp/host-end" "$r" >>"$tmp/vs-host"
# values_close(a, b, 5) of the kernel selftests; memory.stat may lag behind
# by the updates the kernel batches before it flushes the statistics
# (memcg_vmstats_needs_flush: MEMCG_CHARGE_BATCH, 64 pages, per online CPU)
lag=$((64 * 4096 * $(getconf _NPROCESSORS_ONLN)))
awk -v lag="$lag" 'function abs(x) { return x < 0 ? -x : x }
	{ d = abs($4 - $5); if (d > ($4 + $5) * 5 / 100 && d > lag) { print "#   sample " $1 " " $2 " " $3 ": host " $4 ", recorded " $5; bad++ } }
	END { exit bad > 0 }' "$tmp/vs-host" >"$tmp/vs-host.bad"
vrc=$?
nvs=$(wc -l <"$tmp/vs-host")
if [ "$vrc" -eq 0 ] && [ "$nvs" -ge 51 ]; then
	pass "the recorded charges of a, c and their parent agree with the host's memory.stat within 5% ($nvs values)"
else
	fail "the recorded charges of a, c and their parent agree with the host's memory.stat within 5% ($nvs values)" "$(head -5 "$tmp/vs-host.bad")"
fi
grep "^end " "$tmp/vs-host" | awk '{ print "# at the end: " $2 " " $3 ": host " $4 ", recorded and replayed " $5 }'
if [ "$disk_is_tmpfs" = no ]; then
	pfile=$(awk -v p="$rel" '$1 == "end" && $2 == p && $3 == "file" { print $5 }' "$tmp/vs-host")
	check "at the end the cache stays: 8 MiB of the two files, 4 of them b's, charged below $rel" \
		[ "${pfile:-0}" -ge 8388608 ]
fi

check "record --pid of the workload's coordinator exits 0 when it exits" [ "$prc" -eq 0 ]
check "... followed its descendants in the cgroups" sh -c "grep -q '^spawn p[0-9]* $a ' '$tmp/pid.smc'"
check "... and replays on the model" all_pass "$tmp/pid.smc" 20

# the expects are the default policy's charges: a policy that charges
# otherwise fails some (exit 1, the comparison itself); every run completes
sm compare "$r" --policy recharge=none,reparent,evict --only outcome
check "compare takes the recording as it is (recharge none, reparent, evict)" [ "$rc" -le 1 ]
check "... every run completes" grep -q "^   status  *completed  *completed  *completed\$" "$tmp/out"
check "... and recharge=none, the default, passes every expect" \
	grep -q "failed points  *none " "$tmp/out"
sm compare "$r" --policy recharge=none,reparent
check "... and shows the workload's cgroups" grep -q "$a" "$tmp/out"
sm report "$r" --policy shared=owner,common-ancestor -o "$tmp/report"
check "report takes the recording as it is" [ "$rc" -le 1 ]
check "... and writes its page" [ -s "$tmp/report/index.html" ]

# ---- a cgroup removed before any process came: nothing can come now ----
mkdir "$cgparent/gone"
mkfifo "$tmp/gone.err"
# (a recorder that would not stop is a failure, not a hang: timeout)
timeout 600 $VG "$SMEMCG" record --cgroup "$rel/gone" --interval 50ms -o "$tmp/gone.smc" 2>"$tmp/gone.err" &
gone_job=$!
exec 7<"$tmp/gone.err"
# the first sample found it (else: exit 2, "no such cgroup"); then it goes
read -r line <&7 && rmdir "$cgparent/gone"
while read -r line <&7; do echo "$line" >>"$tmp/gone.progress"; done
exec 7<&-
wait $gone_job
rc=$?
gone_job=""
check "record --cgroup of a cgroup removed with no process ever in it exits 0" rc_is 0
check "... and says why it ended" \
	grep -q "end of the recording: every cgroup given has been removed" "$tmp/gone.smc"

# ---- as an unprivileged user ----
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	if ! $nobody sh -c 'test -x "$1"' sh "$SMEMCG" 2>/dev/null; then
		skip "unprivileged record" "user nobody cannot reach $SMEMCG (a private parent directory)"
	else
		$nobody $VG "$SMEMCG" record --pid $$ --duration 0s >"$tmp/out" 2>"$tmp/err"
		rc=$?
		check "unprivileged: record exits 77 (/proc/kpagecgroup is root's)" rc_is 77
		check "unprivileged: ... and says it needs root" err_has "it needs root"
	fi
fi
echo "1..$n"
