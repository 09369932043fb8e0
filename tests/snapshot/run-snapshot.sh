#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# smemcg snapshot (TAP): unit tests of the procfs parsers on fixtures and a
# synthetic snapshot run on the model (every machine), the command line's
# errors and exit statuses, then the real thing: helper processes this
# script starts (tests/snapshot/snap_helper.c: anonymous memory, a shared
# regular file, a memfd shared with a forked child) are snapshotted and
# the scenario is run on the model, whose memory.stat must match what the
# kernel charged within 5%. The round trip with owners needs a readable
# /proc/kpagecgroup (root): without it that point is a SKIP. Nothing here
# touches other processes or creates cgroups on the host.
#   SMEMCG  the smemcg binary (default build/smemcg)
#   BUILD   the build directory (default build): snapshot/test_snapshot, snapshot/snap_helper
#   VG      a command prefix such as valgrind (optional)
set -u
. "$(dirname "$0")/../lib/tap.sh"
here=$(cd "$(dirname "$0")" && pwd)
# on the build's filesystem, not /tmp: the shared file must be a disk file, not tmpfs
tmp=$(mktemp -d "$BUILD/snapshot-test.XXXXXX")
helper_pids=""
cleanup() {
	exec 3>&- 2>/dev/null
	for p in $helper_pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# ---- unit tests on fixtures, and a synthetic snapshot ----
if [ -x "$BUILD/snapshot/test_snapshot" ]; then
	$VG "$BUILD/snapshot/test_snapshot" "$here/fixtures" "$tmp/synthetic.smc" >"$tmp/unit.out" 2>&1
	urc=$?
	# renumber the unit test's points into this script's
	tap_merge "unit: " "$tmp/unit.out"
	check "unit: test_snapshot exits 0" [ "$urc" -eq 0 ]
	check "the synthetic snapshot runs on the model, every expect passing" all_pass "$tmp/synthetic.smc" 15 --check
else
	fail "unit: $BUILD/snapshot/test_snapshot is built (make snapshot-tests)"
fi

# ---- the command line ----
sm snapshot --help
check "snapshot --help exits 0" rc_is 0
check "snapshot --help names --no-owners" out_has "--no-owners"
check "snapshot --help gives the exit statuses" out_has "77"
sm snapshot
check "snapshot without --pid exits 2" rc_is 2
check "... and says a process is needed" err_has "no --pid given"
sm snapshot --pid abc
check "snapshot --pid abc exits 2" rc_is 2
sm snapshot --pid 12 --frobnicate
check "snapshot with an unknown option exits 2" rc_is 2
sm snapshot stray
check "snapshot with a stray argument exits 2" rc_is 2
nopid=4194301
while [ -d "/proc/$nopid" ]; do nopid=$((nopid - 1)); done
sm snapshot --pid "$nopid"
check "snapshot of a process that does not exist exits 2" rc_is 2
check "... and names it" err_has "no such process: $nopid"
sm snapshot --pid "$$" -o
check "snapshot -o without a file exits 2" rc_is 2

# ---- helper processes on this machine ----
helper=$BUILD/snapshot/snap_helper
if [ "$(uname -s)" != Linux ] || [ ! -r /proc/self/pagemap ]; then
	skip "snapshot of live processes" "not Linux, or no /proc/PID/pagemap"
	echo "1..$n"
	exit 0
fi
if [ ! -x "$helper" ]; then
	fail "the helper $helper is built (make snapshot-tests)"
	echo "1..$n"
	exit 1
fi

# start_helper DIR [PREFIX]: the helper, its stdin held open on fd 3; pids in
# $pids (empty when it failed). The helper prints both pids on one line once
# both processes are ready; that line is read from a fifo, which blocks until
# the line is complete or the helper exits (EOF): no polling, no timeout to
# outlast on a busy machine.
start_helper() {
	mkfifo "$1/in" "$1/pids"
	# read-write: opening does not wait for the reader; closing fd 3 ends the helpers
	exec 3<>"$1/in"
	${2:-} "$helper" "$1" 4096 2048 3072 <"$1/in" >"$1/pids" 2>"$1/helper.err" 3>&- &
	helper_job=$!
	pids=""
	read -r pids <"$1/pids" || pids=""
	case $pids in *[!0-9\ ]*) pids="" ;; esac
	set -- $pids
	[ $# -eq 2 ] || pids=""
	helper_pids="$helper_pids $pids"
}
# closing fd 3 gives the helper EOF on stdin: it ends its child and exits
stop_helper() {
	exec 3>&-
	wait "$helper_job" 2>/dev/null
}

start_helper "$tmp"
if [ -z "$pids" ]; then
	fail "the helper processes started" "$(cat "$tmp/helper.err")"
	echo "1..$n"
	exit 1
fi
set -- $pids
parent=$1 child=$2
pass "helper processes $parent and $child started"
release=$(uname -r)

# ---- with owners (root) ----
kpc_readable=no
if head -c 8 /proc/kpagecgroup >/dev/null 2>&1; then
	kpc_readable=yes
fi
sm snapshot --quiet --pid "$parent" "$child" -o "$tmp/owners.smc"
if [ "$kpc_readable" = yes ] && [ "$rc" -eq 77 ] && err_has "no memory cgroup hierarchy is mounted"; then
	# a chroot or container with /proc but no cgroup filesystem: the owners
	# cannot be named, and snapshot says so
	skip "the round trip with owners" "no memory cgroup hierarchy is mounted here"
	check "snapshot without a cgroup filesystem exits 77 and says why" rc_is 77
elif [ "$kpc_readable" = yes ]; then
	check "snapshot with owners exits 0" rc_is 0
	check "the header lists the source pids" file_has "$tmp/owners.smc" "^# smemcg snapshot of pids $parent (snap_helper) $child (snap_helper)"
	check "the header gives the kernel release" file_has "$tmp/owners.smc" "on Linux $release "
	check "the header says the owners come from /proc/kpagecgroup" file_has "$tmp/owners.smc" "^# page owners: /proc/kpagecgroup"
	check "the machine has the host's MemTotal" file_has "$tmp/owners.smc" "^machine memory=[0-9]*[MG] "
	check "the scenario has expect lines" file_has "$tmp/owners.smc" "^expect .*/memory.stat anon ~ [0-9]* 5%"
	# the helpers' cgroup: the kernel charged at least what they touched
	cg=$(sed -n "s/^spawn p$parent .* host cgroup \(.*\)$/\1/p" "$tmp/owners.smc")
	row=$(grep "^#   $cg " "$tmp/owners.smc" | head -n 1)
	set -- $row
	anon=${3:-0} file=${4:-0} shmem=${5:-0}
	echo "# the kernel charged $cg: anon $anon, file $file (shmem $shmem) for these pages"
	check "the helpers' anonymous memory (4M + 2M) is charged to their cgroup" [ "$anon" -ge 6291456 ]
	check "the shared file and the memfd (2M + 3M) are charged to it" [ "$file" -ge 5242880 ]
	check "the memfd (3M) is shmem" [ "$shmem" -ge 3145728 ]
	check "the round trip: the model charges each cgroup what the kernel did (5%)" all_pass "$tmp/owners.smc" 3
	grep '^ok ' "$tmp/run.out" | sed 's/^ok [0-9]* - expect /# model vs kernel: /'
else
	skip "the round trip with owners" "/proc/kpagecgroup is not readable (not root, or no CONFIG_MEMCG)"
	check "snapshot without a readable /proc/kpagecgroup exits 77" rc_is 77
	check "... and says why" err_has "kpagecgroup is not readable"
fi

# ---- without owners (any user) ----
sm snapshot --quiet --no-owners --pid "$parent" "$child" -o "$tmp/no-owners.smc"
check "snapshot --no-owners exits 0" rc_is 0
check "its header says the owners were not read" file_has "$tmp/no-owners.smc" "^# page owners: NOT READ (--no-owners)"
check "the --no-owners scenario runs on the model, every expect passing" all_pass "$tmp/no-owners.smc" 3

# ---- as an unprivileged user, when we are root ----
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	# nobody must reach the binary, the helper and its directory: not so in
	# a checkout under a private (700) directory, where this part is a SKIP
	udir=$tmp/nobody
	mkdir "$udir" && chown 65534:65534 "$udir" && chmod 755 "$tmp"
	if ! $nobody true 2>/dev/null; then
		skip "unprivileged snapshot" "setpriv cannot switch to user nobody here"
	elif ! $nobody sh -c 'test -x "$1" && test -x "$2" && test -w "$3"' sh "$SMEMCG" "$helper" "$udir" 2>/dev/null; then
		skip "unprivileged snapshot" "user nobody cannot reach $SMEMCG, the helper or $udir (a private parent directory)"
	else
		sm_nobody() {
			$nobody $VG "$SMEMCG" "$@" >"$tmp/out" 2>"$tmp/err"
			rc=$?
		}
		stop_helper
		start_helper "$udir" "$nobody"
		if [ -z "$pids" ]; then
			fail "unprivileged: the helper processes started" "$(cat "$udir/helper.err")"
			echo "1..$n"
			exit 1
		fi
		set -- $pids
		sm_nobody snapshot --quiet --pid "$1" "$2"
		check "unprivileged: snapshot exits 77 (/proc/kpagecgroup is root's)" rc_is 77
		sm_nobody snapshot --quiet --no-owners --pid "$1" "$2" -o "$udir/u.smc"
		check "unprivileged: snapshot --no-owners of its own processes exits 0" rc_is 0
		check "unprivileged: no page frames, said in the header" file_has "$udir/u.smc" "^# page frames: not readable"
		check "unprivileged: the scenario runs on the model" all_pass "$udir/u.smc" 3
		sm_nobody snapshot --quiet --no-owners --pid 1
		check "unprivileged: snapshot of another user's process exits 2" rc_is 2
	fi
fi
stop_helper
echo "1..$n"
