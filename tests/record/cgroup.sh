# SPDX-License-Identifier: GPL-2.0-only
# A fresh cgroup with the memory controller for a workload to make its
# cgroups in, for tests/record/run-record.sh and bench/record/run.sh.
# make_cgroup_parent PREFIX sets:
#   version  v1 or v2: the memory hierarchy as smemcg finds it (v1's memory
#            mount, else the cgroup2 mount)
#   mnt      its mount point
#   cgparent the new cgroup's directory, empty when none could be made,
#            and then why says why (no hierarchy, read-only, not delegated)

make_cgroup_parent() {
	prefix=$1
	hier=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break;
		fs = $(i + 1); opts = $(i + 3)
		if (fs == "cgroup" && ("," opts ",") ~ /,memory,/) { print "v1 " $5 " " $4; found = 1; exit }
		if (fs == "cgroup2" && !v2) v2 = "v2 " $5 " " $4 }
		END { if (v2 && !found) print v2 }' /proc/self/mountinfo 2>/dev/null | head -n 1)
	set -- $hier
	version=${1:-} mnt=${2:-} cgparent="" why=""
	mroot=${3:-/}
	if [ -z "$version" ]; then
		why="no memory cgroup hierarchy is mounted (a chroot, or a container without cgroups)"
		return
	fi
	if [ "$version" = v1 ]; then
		ours=$(sed -n 's/^[0-9]*:\([^:]*,\)\{0,1\}memory\(,[^:]*\)\{0,1\}:\(.*\)$/\3/p' /proc/self/cgroup)
	else
		ours=$(sed -n 's/^0:://p' /proc/self/cgroup)
	fi
	[ "$mroot" != / ] && ours=${ours#"$mroot"}
	[ -z "$ours" ] && ours=/
	# v2: our own cgroup holds processes (us), so only a cgroup whose parent
	# already gives its children the memory controller will do
	for base in "$mnt${ours%/}" "$mnt"; do
		d=$(mktemp -d "$base/$prefix.XXXXXX" 2>/dev/null) || continue
		if [ "$version" = v2 ] && { ! grep -qw memory "$d/cgroup.controllers" ||
			! echo +memory >"$d/cgroup.subtree_control"; } 2>/dev/null; then
			rmdir "$d"
			continue
		fi
		cgparent=$d
		return
	done
	why="no cgroup can be made with the memory controller under $mnt (read-only, or not delegated)"
}
