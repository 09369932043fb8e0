// SPDX-License-Identifier: GPL-2.0-only
/*
 * Control files through the public API (include/smemcg.h): the exact
 * content of every memory and cgroup core file, which files exist on the
 * root, the errnos of bad writes and reads, subtree_control's rules,
 * mkdir/rmdir errors, cgroup.stat, and the 16-bit memcg id space.
 * Expected contents come from MEMCG_FACTS.md sections 1, 2 and 4 and the
 * kernel's show functions (mm/memcontrol.c, kernel/cgroup/cgroup.c, 6.1).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smemcg.h"
#include "machine.h"
#include "mm/memcontrol/memcg.h"
#include "tap.h"
#include "test_machine.h"

/* The file's content, or "<errno N>" when the read fails. */
static char *rd(smemcg_machine *sm, const char *path)
{
	char *buf = NULL;
	int rc = smemcg_file_read(&buf, sm, path);

	if (rc) {
		buf = malloc(32);
		snprintf(buf, 32, "<errno %d>", -rc);
	}
	return buf;
}

static void file_is(smemcg_machine *sm, const char *path, const char *want)
{
	char *got = rd(sm, path);

	is_str(got, want, "%s", path);
	free(got);
}

/* value with a newline shown as \n, for one-line TAP descriptions */
static const char *shown(const char *value)
{
	static char buf[128];
	size_t n = 0;

	for (; *value && n < sizeof(buf) - 3; value++) {
		if (*value == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else {
			buf[n++] = *value;
		}
	}
	buf[n] = '\0';
	return buf;
}

static void write_is(smemcg_machine *sm, const char *path, const char *value, int err)
{
	int rc = smemcg_file_write(sm, path, value);

	if (err)
		is(rc, -err, "write \"%s\" to %s fails with errno %d", shown(value), path, err);
	else
		is(rc, 0, "write \"%s\" to %s succeeds", shown(value), path);
}

/* write VALUE, then the file reads WANT */
static void roundtrip(smemcg_machine *sm, const char *path, const char *value,
		      const char *want)
{
	write_is(sm, path, value, 0);
	file_is(sm, path, want);
}

static void read_err(smemcg_machine *sm, const char *path, int err)
{
	char *buf = NULL;
	int rc = smemcg_file_read(&buf, sm, path);

	is(rc, -err, "read %s fails with errno %d", path, err);
	if (!rc)
		free(buf);
}

static void read_ok(smemcg_machine *sm, const char *path)
{
	char *buf = NULL;
	int rc = smemcg_file_read(&buf, sm, path);

	is(rc, 0, "%s exists", path);
	if (!rc)
		free(buf);
}

/* memory.stat keys of 6.1 in order (MEMCG_FACTS.md 2.8, Debian config) */
static const char *const stat_keys[] = {
	"anon", "file", "kernel", "kernel_stack", "pagetables", "sec_pagetables",
	"percpu", "sock", "vmalloc", "shmem", "zswap", "zswapped", "file_mapped",
	"file_dirty", "file_writeback", "swapcached", "anon_thp", "file_thp",
	"shmem_thp", "inactive_anon", "active_anon", "inactive_file", "active_file",
	"unevictable", "slab_reclaimable", "slab_unreclaimable", "slab",
	"workingset_refault_anon", "workingset_refault_file",
	"workingset_activate_anon", "workingset_activate_file",
	"workingset_restore_anon", "workingset_restore_file",
	"workingset_nodereclaim", "pgscan", "pgsteal", "pgscan_kswapd",
	"pgscan_direct", "pgsteal_kswapd", "pgsteal_direct", "pgfault", "pgmajfault",
	"pgrefill", "pgactivate", "pgdeactivate", "pglazyfree", "pglazyfreed",
	"zswpin", "zswpout", "thp_fault_alloc", "thp_collapse_alloc",
};

/*
 * memory.numa_stat: the memory_stats[] entries that are node stats
 * (idx < NR_VM_NODE_STAT_ITEMS), in the same order: no kernel, percpu,
 * sock, vmalloc, zswap, zswapped (memcg-only items), no synthesised slab,
 * no events. One node: " N0=value".
 */
static const char *const numa_keys[] = {
	"anon", "file", "kernel_stack", "pagetables", "sec_pagetables", "shmem",
	"file_mapped", "file_dirty", "file_writeback", "swapcached", "anon_thp",
	"file_thp", "shmem_thp", "inactive_anon", "active_anon", "inactive_file",
	"active_file", "unevictable", "slab_reclaimable", "slab_unreclaimable",
	"workingset_refault_anon", "workingset_refault_file",
	"workingset_activate_anon", "workingset_activate_file",
	"workingset_restore_anon", "workingset_restore_file",
	"workingset_nodereclaim",
};

#define ZERO_EVENTS "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n"

static void test_memory_formats(void)
{
	smemcg_machine *sm = new_machine(0, 0);
	char want[4096];
	size_t i, n = 0;
	char *got;

	must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
	must(smemcg_cgroup_mkdir(sm, "/a"), sm, "mkdir /a");

	file_is(sm, "/a/memory.current", "0\n");
	file_is(sm, "/a/memory.min", "0\n");
	file_is(sm, "/a/memory.low", "0\n");
	file_is(sm, "/a/memory.high", "max\n");
	file_is(sm, "/a/memory.max", "max\n");
	file_is(sm, "/a/memory.peak", "0\n");
	file_is(sm, "/a/memory.events", ZERO_EVENTS);
	file_is(sm, "/a/memory.events.local", ZERO_EVENTS);
	file_is(sm, "/a/memory.oom.group", "0\n");
	file_is(sm, "/a/memory.swap.current", "0\n");
	file_is(sm, "/a/memory.swap.high", "max\n");
	file_is(sm, "/a/memory.swap.max", "max\n");
	file_is(sm, "/a/memory.swap.events", "high 0\nmax 0\nfail 0\n");
	file_is(sm, "/a/memory.zswap.current", "0\n");
	file_is(sm, "/a/memory.zswap.max", "max\n");

	for (i = 0; i < sizeof(stat_keys) / sizeof(stat_keys[0]); i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%s 0\n", stat_keys[i]);
	is(sizeof(stat_keys) / sizeof(stat_keys[0]), 51, "51 memory.stat keys in 6.1 (Debian config)");
	file_is(sm, "/a/memory.stat", want);

	n = 0;
	for (i = 0; i < sizeof(numa_keys) / sizeof(numa_keys[0]); i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%s N0=0\n", numa_keys[i]);
	file_is(sm, "/a/memory.numa_stat", want);

	/* the root's memory.stat has the same keys in the same order */
	got = rd(sm, "/memory.stat");
	{
		const char *p = got;
		bool in_order = true;

		for (i = 0; i < sizeof(stat_keys) / sizeof(stat_keys[0]) && in_order; i++) {
			size_t k = strlen(stat_keys[i]);

			if (strncmp(p, stat_keys[i], k) || p[k] != ' ')
				in_order = false;
			else
				p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p);
		}
		ok(in_order && !*p, "/memory.stat: the 51 keys in order, nothing else");
	}
	free(got);

	/* sizes: bytes, rounded down to pages; "max" for PAGE_COUNTER_MAX */
	roundtrip(sm, "/a/memory.max", "1M", "1048576\n");
	roundtrip(sm, "/a/memory.max", "4097", "4096\n");	/* 1 page + 1 byte -> 1 page */
	roundtrip(sm, "/a/memory.max", "1000", "0\n");		/* < 1 page -> 0 */
	roundtrip(sm, "/a/memory.max", "  2m\n", "2097152\n");	/* strstrip, lower-case suffix */
	roundtrip(sm, "/a/memory.max", "0x100000", "1048576\n");	/* base 0 */
	roundtrip(sm, "/a/memory.max", "1G", "1073741824\n");
	roundtrip(sm, "/a/memory.max", "8E", "max\n");		/* 2^51 pages, clamped to MAX */
	roundtrip(sm, "/a/memory.max", "9223372036854775807", "max\n");	/* LONG_MAX bytes = MAX */
	/* 7E = 7 * 2^48 pages = 1970324836974592 pages = 8070450532247928832 bytes */
	roundtrip(sm, "/a/memory.max", "7E", "8070450532247928832\n");
	roundtrip(sm, "/a/memory.max", "max", "max\n");
	roundtrip(sm, "/a/memory.max", "", "0\n");		/* memparse of "" is 0 */
	roundtrip(sm, "/a/memory.max", "max\n", "max\n");

	roundtrip(sm, "/a/memory.min", "1G", "1073741824\n");
	roundtrip(sm, "/a/memory.min", "max", "max\n");
	roundtrip(sm, "/a/memory.min", "0", "0\n");
	roundtrip(sm, "/a/memory.low", "512K", "524288\n");
	roundtrip(sm, "/a/memory.low", "max", "max\n");
	roundtrip(sm, "/a/memory.high", "3M", "3145728\n");
	roundtrip(sm, "/a/memory.high", "max", "max\n");
	roundtrip(sm, "/a/memory.swap.max", "0", "0\n");
	roundtrip(sm, "/a/memory.swap.max", "64K", "65536\n");
	roundtrip(sm, "/a/memory.swap.max", "max", "max\n");
	roundtrip(sm, "/a/memory.swap.high", "1M", "1048576\n");
	roundtrip(sm, "/a/memory.swap.high", "max", "max\n");
	roundtrip(sm, "/a/memory.zswap.max", "8K", "8192\n");
	roundtrip(sm, "/a/memory.zswap.max", "max", "max\n");

	/* memory.oom.group: kstrtoint, then only 0 or 1 */
	roundtrip(sm, "/a/memory.oom.group", "1", "1\n");
	roundtrip(sm, "/a/memory.oom.group", "0", "0\n");
	roundtrip(sm, "/a/memory.oom.group", " 1\n", "1\n");
	roundtrip(sm, "/a/memory.oom.group", "0x1", "1\n");	/* base 0 */
	write_is(sm, "/a/memory.oom.group", "2", EINVAL);
	write_is(sm, "/a/memory.oom.group", "-1", EINVAL);
	write_is(sm, "/a/memory.oom.group", "abc", EINVAL);
	write_is(sm, "/a/memory.oom.group", "", EINVAL);
	write_is(sm, "/a/memory.oom.group", "1 1", EINVAL);
	write_is(sm, "/a/memory.oom.group", "99999999999", ERANGE);	/* kstrtoint overflow */
	file_is(sm, "/a/memory.oom.group", "1\n");

	/* junk values: EINVAL, the setting unchanged */
	write_is(sm, "/a/memory.max", "1.5G", EINVAL);
	write_is(sm, "/a/memory.max", "-1", EINVAL);
	write_is(sm, "/a/memory.max", "10X", EINVAL);
	write_is(sm, "/a/memory.max", "1 M", EINVAL);
	write_is(sm, "/a/memory.max", "MAX", EINVAL);
	file_is(sm, "/a/memory.max", "max\n");
	write_is(sm, "/a/memory.min", "junk", EINVAL);
	write_is(sm, "/a/memory.low", "1..", EINVAL);
	write_is(sm, "/a/memory.high", "x", EINVAL);
	write_is(sm, "/a/memory.swap.max", "y", EINVAL);
	write_is(sm, "/a/memory.swap.high", "-5", EINVAL);
	write_is(sm, "/a/memory.zswap.max", "1KB", EINVAL);
	write_is(sm, "/a/memory.reclaim", "max", EINVAL);	/* maxstr is "" for reclaim */
	write_is(sm, "/a/memory.reclaim", "junk", EINVAL);
	file_is(sm, "/a/memory.min", "0\n");
	file_is(sm, "/a/memory.high", "max\n");

	/* memory.reclaim: nothing to reclaim in an empty cgroup */
	write_is(sm, "/a/memory.reclaim", "0", 0);
	write_is(sm, "/a/memory.reclaim", "4095", 0);		/* 0 pages: nothing to do */
	write_is(sm, "/a/memory.reclaim", "1M", EAGAIN);	/* 16 fruitless attempts */
	write_is(sm, "/a/memory.reclaim", "", EAGAIN);		/* "" = PAGE_COUNTER_MAX */
	write_is(sm, "/memory.reclaim", "0", 0);		/* exists on the root */

	/* EINVAL (root's open succeeds): writing read-only files, reading write-only ones */
	write_is(sm, "/a/memory.current", "0", EINVAL);
	write_is(sm, "/a/memory.peak", "0", EINVAL);
	write_is(sm, "/a/memory.events", "0", EINVAL);
	write_is(sm, "/a/memory.events.local", "0", EINVAL);
	write_is(sm, "/a/memory.stat", "0", EINVAL);
	write_is(sm, "/a/memory.numa_stat", "0", EINVAL);
	write_is(sm, "/a/memory.swap.current", "0", EINVAL);
	write_is(sm, "/a/memory.swap.events", "0", EINVAL);
	write_is(sm, "/a/memory.zswap.current", "0", EINVAL);
	write_is(sm, "/memory.stat", "0", EINVAL);
	read_err(sm, "/a/memory.reclaim", EINVAL);
	read_err(sm, "/memory.reclaim", EINVAL);
	write_is(sm, "/a/cgroup.controllers", "memory", EINVAL);
	write_is(sm, "/a/cgroup.stat", "0", EINVAL);
	write_is(sm, "/a/cgroup.events", "0", EINVAL);
	read_err(sm, "/a/cgroup.kill", EINVAL);

	/* unknown files and cgroups: ENOENT */
	read_err(sm, "/a/memory.bogus", ENOENT);
	read_err(sm, "/nope/memory.current", ENOENT);
	write_is(sm, "/nope/memory.max", "1M", ENOENT);
	read_err(sm, "/a/memory.swap.peak", ENOENT);	/* not in 6.1 */
	smemcg_machine_free(sm);
}

static void test_root_files(void)
{
	smemcg_machine *sm = new_machine(0, 0);
	static const char *const on_root[] = {
		"cgroup.procs", "cgroup.threads", "cgroup.controllers",
		"cgroup.subtree_control", "cgroup.max.descendants", "cgroup.max.depth",
		"cgroup.stat", "memory.stat", "memory.numa_stat",
	};
	static const char *const not_on_root[] = {
		"cgroup.type", "cgroup.events", "memory.current", "memory.peak",
		"memory.min", "memory.low", "memory.high", "memory.max", "memory.events",
		"memory.events.local", "memory.oom.group", "memory.swap.current",
		"memory.swap.high", "memory.swap.max", "memory.swap.events",
		"memory.zswap.current", "memory.zswap.max",
	};
	char path[64];
	size_t i;

	for (i = 0; i < sizeof(on_root) / sizeof(on_root[0]); i++) {
		snprintf(path, sizeof(path), "/%s", on_root[i]);
		read_ok(sm, path);
	}
	write_is(sm, "/memory.reclaim", "0", 0);
	for (i = 0; i < sizeof(not_on_root) / sizeof(not_on_root[0]); i++) {
		snprintf(path, sizeof(path), "/%s", not_on_root[i]);
		read_err(sm, path, ENOENT);
	}
	write_is(sm, "/memory.max", "1M", ENOENT);
	write_is(sm, "/memory.oom.group", "1", ENOENT);
	write_is(sm, "/cgroup.kill", "1", ENOENT);

	/* a cgroup whose parent does not enable memory has no memory files */
	must(smemcg_cgroup_mkdir(sm, "/nomem"), sm, "mkdir /nomem");
	read_err(sm, "/nomem/memory.current", ENOENT);
	read_err(sm, "/nomem/memory.stat", ENOENT);
	write_is(sm, "/nomem/memory.reclaim", "0", ENOENT);
	read_ok(sm, "/nomem/cgroup.procs");
	read_ok(sm, "/nomem/cgroup.type");
	read_ok(sm, "/nomem/cgroup.events");
	smemcg_machine_free(sm);
}

static void test_cgroup_formats(void)
{
	smemcg_machine *sm = new_machine(0, 0);
	int p1, p2;
	char buf[64];

	/* print_ss_mask prints a newline only after at least one name */
	file_is(sm, "/cgroup.controllers", "memory pins\n");
	{
		char *got = rd(sm, "/cgroup.subtree_control");

		ok(!strcmp(got, ""),
			"/cgroup.subtree_control of a fresh root is empty (got \"%s\")",
			!strcmp(got, "\n") ? "\\n" : got);
		free(got);
	}
	file_is(sm, "/cgroup.procs", "");
	file_is(sm, "/cgroup.stat", "nr_descendants 0\nnr_dying_descendants 0\n");
	file_is(sm, "/cgroup.max.descendants", "max\n");
	file_is(sm, "/cgroup.max.depth", "max\n");

	must(smemcg_cgroup_mkdir(sm, "/a"), sm, "mkdir /a");
	{
		char *got = rd(sm, "/a/cgroup.controllers");

		ok(!strcmp(got, ""),
			"/a/cgroup.controllers is empty when the root enables nothing (got \"%s\")",
			!strcmp(got, "\n") ? "\\n" : got);
		free(got);
	}
	file_is(sm, "/a/cgroup.type", "domain\n");
	{
		/* cgroup_type_write: anything but "threaded" is EINVAL */
		int rc = smemcg_file_write(sm, "/a/cgroup.type", "domain");

		ok(rc == -EINVAL,
			"write \"domain\" to cgroup.type: EINVAL (got %d)", rc);
	}
	file_is(sm, "/a/cgroup.events", "populated 0\nfrozen 0\n");
	file_is(sm, "/a/cgroup.procs", "");
	file_is(sm, "/a/cgroup.stat", "nr_descendants 0\nnr_dying_descendants 0\n");

	roundtrip(sm, "/cgroup.subtree_control", "+memory", "memory\n");
	file_is(sm, "/a/cgroup.controllers", "memory\n");
	roundtrip(sm, "/cgroup.subtree_control", "+pins", "memory pins\n");
	file_is(sm, "/a/cgroup.controllers", "memory pins\n");
	roundtrip(sm, "/cgroup.subtree_control", "-pins", "memory\n");
	roundtrip(sm, "/cgroup.subtree_control", "+memory -memory +memory", "memory\n");
	roundtrip(sm, "/cgroup.subtree_control", "", "memory\n");	/* no tokens: nothing to do */

	must(smemcg_spawn(&p1, sm, "p1", "/a", -1), sm, "spawn p1");
	must(smemcg_spawn(&p2, sm, "p2", "/a", -1), sm, "spawn p2");
	is(p1, 100, "the first pid is 100");
	snprintf(buf, sizeof(buf), "%d\n%d\n", p1, p2);
	file_is(sm, "/a/cgroup.procs", buf);
	file_is(sm, "/a/cgroup.events", "populated 1\nfrozen 0\n");
	file_is(sm, "/cgroup.procs", "");

	/* cgroup.procs writes move processes */
	must(smemcg_cgroup_mkdir(sm, "/b"), sm, "mkdir /b");
	snprintf(buf, sizeof(buf), "%d", p2);
	write_is(sm, "/b/cgroup.procs", buf, 0);
	snprintf(buf, sizeof(buf), "%d\n", p2);
	file_is(sm, "/b/cgroup.procs", buf);
	snprintf(buf, sizeof(buf), "%d\n", p1);
	file_is(sm, "/a/cgroup.procs", buf);
	write_is(sm, "/b/cgroup.procs", "abc", EINVAL);
	write_is(sm, "/b/cgroup.procs", "99999", ESRCH);
	{
		int rc = smemcg_file_write(sm, "/b/cgroup.procs", "-1");

		/* cgroup_procs_write_start: kstrtoint(...) || pid < 0 -> -EINVAL */
		ok(rc == -EINVAL,
			"write \"-1\" to cgroup.procs: EINVAL (got %d)", rc);
		rc = smemcg_file_write(sm, "/b/cgroup.procs", "99999999999");
		ok(rc == -EINVAL,
			"write \"99999999999\" to cgroup.procs: EINVAL (got %d)", rc);
	}

	/* cgroup.max.descendants / cgroup.max.depth */
	roundtrip(sm, "/a/cgroup.max.descendants", "1", "1\n");
	must(smemcg_cgroup_mkdir(sm, "/a/x"), sm, "mkdir /a/x");
	is(smemcg_cgroup_mkdir(sm, "/a/y"), -EAGAIN, "mkdir beyond cgroup.max.descendants: EAGAIN");
	roundtrip(sm, "/a/cgroup.max.descendants", "max", "max\n");
	write_is(sm, "/a/cgroup.max.descendants", "-1", ERANGE);
	write_is(sm, "/a/cgroup.max.descendants", "x", EINVAL);
	{
		char *got;

		/* the kernel keeps INT_MAX as "no limit" and shows it as max */
		write_is(sm, "/a/cgroup.max.descendants", "2147483647", 0);
		got = rd(sm, "/a/cgroup.max.descendants");
		ok(!strcmp(got, "max\n"),
			"cgroup.max.descendants 2147483647 reads back max (got %s)", shown(got));
		free(got);
	}
	roundtrip(sm, "/a/cgroup.max.depth", "1", "1\n");
	must(smemcg_cgroup_mkdir(sm, "/a/z"), sm, "mkdir /a/z (depth 1 below /a)");
	is(smemcg_cgroup_mkdir(sm, "/a/x/deeper"), -EAGAIN, "mkdir beyond cgroup.max.depth: EAGAIN");
	roundtrip(sm, "/a/cgroup.max.depth", "max", "max\n");

	/* cgroup.kill: only 1 */
	write_is(sm, "/b/cgroup.kill", "2", ERANGE);
	write_is(sm, "/b/cgroup.kill", "x", EINVAL);
	write_is(sm, "/b/cgroup.kill", "1", 0);
	{
		enum smemcg_task_state st;
		int sig = 0;

		must(smemcg_task_state(&st, &sig, sm, p2), sm, "task state");
		ok(st == SMEMCG_TASK_KILLED && sig == 9, "cgroup.kill SIGKILLs the processes");
	}
	file_is(sm, "/b/cgroup.procs", "");
	file_is(sm, "/b/cgroup.events", "populated 0\nfrozen 0\n");
	smemcg_machine_free(sm);
}

static void test_subtree_control(void)
{
	smemcg_machine *sm = new_machine(0, 0);
	int p;

	must(smemcg_cgroup_mkdir(sm, "/a"), sm, "mkdir /a");
	/* the root hands nothing down yet */
	write_is(sm, "/a/cgroup.subtree_control", "+memory", ENOENT);
	write_is(sm, "/a/cgroup.subtree_control", "+pins", ENOENT);
	write_is(sm, "/cgroup.subtree_control", "memory", EINVAL);	/* no sign */
	write_is(sm, "/cgroup.subtree_control", "+cpu", EINVAL);	/* not a controller here */
	write_is(sm, "/cgroup.subtree_control", "+", EINVAL);
	write_is(sm, "/cgroup.subtree_control", "+memory junk", EINVAL);
	write_is(sm, "/cgroup.subtree_control", "+Memory", EINVAL);
	read_err(sm, "/a/memory.current", ENOENT);	/* nothing was enabled */
	write_is(sm, "/cgroup.subtree_control", "-memory", 0);	/* disabling what is off: no-op */

	/* the root may have processes and still enable controllers */
	must(smemcg_spawn(&p, sm, "p", "/", -1), sm, "spawn p in /");
	write_is(sm, "/cgroup.subtree_control", "+memory", 0);
	read_ok(sm, "/a/memory.current");

	/* no internal processes: a populated non-root cgroup cannot enable */
	must(smemcg_move(sm, p, "/a"), sm, "move p /a");
	write_is(sm, "/a/cgroup.subtree_control", "+memory", EBUSY);
	{
		char *got = rd(sm, "/a/cgroup.subtree_control");

		ok(!strstr(got, "memory"), "after EBUSY /a/cgroup.subtree_control still enables nothing");
		free(got);
	}
	must(smemcg_move(sm, p, "/"), sm, "move p /");
	write_is(sm, "/a/cgroup.subtree_control", "+memory", 0);
	/* ... and a cgroup that enables controllers cannot take processes */
	is(smemcg_move(sm, p, "/a"), -EBUSY, "moving a process into /a (subtree_control +memory): EBUSY");
	{
		char pid[16];

		snprintf(pid, sizeof(pid), "%d", p);
		write_is(sm, "/a/cgroup.procs", pid, EBUSY);
	}
	{
		int q = 0;

		is(smemcg_spawn(&q, sm, "q", "/a", -1), -EBUSY, "spawn into /a: EBUSY");
	}
	file_is(sm, "/a/cgroup.procs", "");

	/* a child that enables memory keeps its parent from disabling it */
	must(smemcg_cgroup_mkdir(sm, "/a/b"), sm, "mkdir /a/b");
	write_is(sm, "/a/b/cgroup.subtree_control", "+memory", 0);
	write_is(sm, "/a/cgroup.subtree_control", "-memory", EBUSY);
	write_is(sm, "/cgroup.subtree_control", "-memory", EBUSY);
	file_is(sm, "/cgroup.subtree_control", "memory\n");
	write_is(sm, "/a/b/cgroup.subtree_control", "-memory", 0);
	write_is(sm, "/a/cgroup.subtree_control", "-memory", 0);
	read_err(sm, "/a/b/memory.current", ENOENT);	/* its memory css is gone */
	read_ok(sm, "/a/memory.current");
	/* re-enabling brings a fresh memory css */
	write_is(sm, "/a/cgroup.subtree_control", "+memory", 0);
	file_is(sm, "/a/b/memory.max", "max\n");
	smemcg_machine_free(sm);
}

static void test_mkdir_rmdir(void)
{
	smemcg_machine *sm = new_machine(0, 0);
	int p, m;

	must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
	is(smemcg_cgroup_mkdir(sm, "/a"), 0, "mkdir /a");
	is(smemcg_cgroup_mkdir(sm, "/a"), -EEXIST, "mkdir /a again: EEXIST");
	is(smemcg_cgroup_mkdir(sm, "/memory.max"), -EEXIST, "mkdir with a control file's name: EEXIST");
	is(smemcg_cgroup_mkdir(sm, "/cgroup.procs"), -EEXIST, "mkdir /cgroup.procs: EEXIST");
	is(smemcg_cgroup_mkdir(sm, "/nope/b"), -ENOENT, "mkdir under a missing parent: ENOENT");
	is(smemcg_cgroup_rmdir(sm, "/nope"), -ENOENT, "rmdir of a missing cgroup: ENOENT");
	is(smemcg_cgroup_rmdir(sm, "/"), -EBUSY, "rmdir of the root: EBUSY");
	{
		char name[300];
		int rc;

		/* NAME_MAX is 255: kernfs/VFS refuse longer names */
		memset(name, 'n', sizeof(name));
		name[0] = '/';
		name[256] = '\0';
		is(smemcg_cgroup_mkdir(sm, name), 0, "mkdir with a 255-byte name");
		is(smemcg_cgroup_rmdir(sm, name), 0, "rmdir it");
		name[256] = 'n';
		name[257] = '\0';
		is(smemcg_cgroup_mkdir(sm, name), -ENAMETOOLONG, "mkdir with a 256-byte name: ENAMETOOLONG");
		/* mkdir(2) of an existing directory is EEXIST, a trailing slash is fine */
		rc = smemcg_cgroup_mkdir(sm, "/");
		ok(rc == -EEXIST,
			"mkdir / (exists): EEXIST (got %d)", rc);
		rc = smemcg_cgroup_mkdir(sm, "/t/");
		ok(rc == 0,
			"mkdir /t/ (trailing slash) succeeds (got %d)", rc);
		if (!rc)
			smemcg_cgroup_rmdir(sm, "/t");
	}
	must(smemcg_file_write(sm, "/a/cgroup.subtree_control", "+memory"), sm, "/a +memory");
	is(smemcg_cgroup_mkdir(sm, "/a/b"), 0, "mkdir /a/b");
	is(smemcg_cgroup_mkdir(sm, "/c"), 0, "mkdir /c");
	file_is(sm, "/cgroup.stat", "nr_descendants 3\nnr_dying_descendants 0\n");
	file_is(sm, "/a/cgroup.stat", "nr_descendants 1\nnr_dying_descendants 0\n");
	is(smemcg_cgroup_rmdir(sm, "/a"), -EBUSY, "rmdir /a with a child: EBUSY");
	is(smemcg_cgroup_rmdir(sm, "/c"), 0, "rmdir an empty /c");
	/* /c had no charges: released at once, not dying */
	file_is(sm, "/cgroup.stat", "nr_descendants 2\nnr_dying_descendants 0\n");
	read_err(sm, "/c/cgroup.procs", ENOENT);
	is(smemcg_cgroup_mkdir(sm, "/c"), 0, "the name can be used again");

	/* a cgroup with a process cannot go */
	must(smemcg_spawn(&p, sm, "p", "/a/b", 0), sm, "spawn p in /a/b");
	is(smemcg_cgroup_rmdir(sm, "/a/b"), -EBUSY, "rmdir /a/b with a process: EBUSY");
	is(smemcg_cgroup_rmdir(sm, "/a"), -EBUSY, "rmdir /a with a populated child: EBUSY");

	/* charged pages keep a removed memcg as a zombie (dying) */
	must(smemcg_mmap_anon(&m, sm, p, 4 * 4096, false), sm, "mmap");
	must(smemcg_touch(sm, p, m, 0, 4 * 4096, true), sm, "touch 4 pages");
	must(smemcg_move(sm, p, "/"), sm, "move p to /");
	is(smemcg_cgroup_rmdir(sm, "/a/b"), 0, "rmdir /a/b after its process left");
	file_is(sm, "/a/cgroup.stat", "nr_descendants 0\nnr_dying_descendants 1\n");
	file_is(sm, "/cgroup.stat", "nr_descendants 2\nnr_dying_descendants 1\n");
	read_err(sm, "/a/b/memory.current", ENOENT);
	/* only online children block rmdir: /a may go with a dying child */
	is(smemcg_cgroup_rmdir(sm, "/a"), 0, "rmdir /a with only a dying child");
	file_is(sm, "/cgroup.stat", "nr_descendants 1\nnr_dying_descendants 2\n");
	is(smemcg_cgroup_mkdir(sm, "/a"), 0, "a new /a while the old one is dying");
	file_is(sm, "/a/cgroup.stat", "nr_descendants 0\nnr_dying_descendants 0\n");
	file_is(sm, "/cgroup.stat", "nr_descendants 2\nnr_dying_descendants 2\n");
	/* the pages go with the process: both zombies are released */
	must(smemcg_exit(sm, p), sm, "exit p");
	file_is(sm, "/cgroup.stat", "nr_descendants 2\nnr_dying_descendants 0\n");
	smemcg_machine_free(sm);
}

/*
 * memory.max below usage: v2 swaps the limit in and never returns EBUSY;
 * it drains, reclaims, then OOM-kills (memory_max_write, facts 2.5).
 * kmem=off keeps kernel memory out of the numbers.
 */
static void test_max_below_usage(void)
{
	smemcg_machine *sm = new_machine(0, 0);
	enum smemcg_task_state st;
	int p, m, sig = 0;

	must(smemcg_policy_set(sm, "kmem", "off"), sm, "kmem=off");
	must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
	must(smemcg_cgroup_mkdir(sm, "/a"), sm, "mkdir /a");
	must(smemcg_spawn(&p, sm, "p", "/a", 0), sm, "spawn p");
	must(smemcg_mmap_anon(&m, sm, p, 100 * 4096, false), sm, "mmap 100 pages");
	must(smemcg_touch(sm, p, m, 0, 100 * 4096, true), sm, "touch 100 pages");
	/*
	 * page 1 charges a batch (64, 63 stocked), pages 2..64 use the stock,
	 * page 65 charges a second batch (128), pages 66..100 use 35 of its
	 * 63: usage 128 pages, 28 stocked.
	 */
	file_is(sm, "/a/memory.current", "524288\n");
	file_is(sm, "/a/memory.peak", "524288\n");
	/*
	 * max 0: drain (128 - 28 = 100), 16 reclaim attempts free nothing
	 * (anon, no swap), then one oom event and a kill; the 100 pages go
	 * with the process and the loop ends at usage 0.
	 */
	write_is(sm, "/a/memory.max", "0", 0);
	file_is(sm, "/a/memory.max", "0\n");
	must(smemcg_task_state(&st, &sig, sm, p), sm, "task state");
	ok(st == SMEMCG_TASK_KILLED && sig == 9, "the process was OOM-killed (SIGKILL)");
	file_is(sm, "/a/memory.current", "0\n");
	file_is(sm, "/a/memory.events", "low 0\nhigh 0\nmax 0\noom 1\noom_kill 1\noom_group_kill 0\n");
	file_is(sm, "/a/memory.peak", "524288\n");	/* the watermark stays */
	smemcg_machine_free(sm);
}

/*
 * 16-bit memcg ids: idr range [1, 65535]; the root has id 1, so 65534
 * mkdirs can create memcgs and the 65535th fails with ENOSPC. Two levels
 * (256 parents of up to 255 children) keep lookups short.
 */
static void test_ids(void)
{
	smemcg_machine *sm = new_machine(0, 0);
	struct machine *mm = to_machine(sm);
	char path[64];
	int i, j, created = 0, rc = 0, first_err = 0;

	is(mm->root_mem_cgroup->id, 1, "the root memcg has id 1");
	must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
	for (i = 0; i < 256 && !first_err; i++) {
		snprintf(path, sizeof(path), "/d%d", i);
		rc = smemcg_cgroup_mkdir(sm, path);
		if (rc) {
			first_err = rc;
			break;
		}
		created++;
		snprintf(path, sizeof(path), "/d%d/cgroup.subtree_control", i);
		must(smemcg_file_write(sm, path, "+memory"), sm, "+memory");
		for (j = 0; j < 255; j++) {
			snprintf(path, sizeof(path), "/d%d/c%d", i, j);
			rc = smemcg_cgroup_mkdir(sm, path);
			if (rc) {
				first_err = rc;
				break;
			}
			created++;
		}
	}
	is(created, 65534, "65534 memcgs created besides the root (ids 2..65535)");
	is(first_err, -ENOSPC, "the 65535th memcg: mkdir fails with ENOSPC");
	ok(cgroup_lookup(mm, path) == NULL, "the failed mkdir left no cgroup behind (%s)", path);
	/* /d0 = 2, /d0/c0 = 3, ..., /d0/c254 = 257, /d1 = 258 */
	is(cgroup_lookup(mm, "/d0/c0")->memcg->id, 3, "ids are handed out lowest first: /d0/c0 = 3");
	is(cgroup_lookup(mm, "/d1")->memcg->id, 258, "/d1 = 2 + 256 = 258");
	/* /d255 = 2 + 255 * 256 = 65282; c0..c252 take 65283..65535 */
	is(cgroup_lookup(mm, "/d255/c252")->memcg->id, 65535, "/d255/c252 has the last id, 65535");
	is_str(path, "/d255/c253", "the mkdir that failed is /d255/c253");
	/* a cgroup without a memory css needs no id */
	is(smemcg_cgroup_mkdir(sm, "/d0/c0/nomem"), 0, "mkdir without +memory in the parent works when ids are exhausted");
	/* freeing an id makes room again, and the lowest free id is reused */
	{
		uint16_t freed = cgroup_lookup(mm, "/d3/c7")->memcg->id;

		/* /d3 = 2 + 3 * 256 = 770, c0 = 771, c7 = 778 */
		is(freed, 778, "/d3/c7 has id 778");
		is(smemcg_cgroup_rmdir(sm, "/d3/c7"), 0, "rmdir /d3/c7");
		is(smemcg_cgroup_mkdir(sm, "/d3/again"), 0, "mkdir succeeds after an id was freed");
		is(cgroup_lookup(mm, "/d3/again")->memcg->id, freed, "the freed id is reused (lowest free)");
		is(smemcg_cgroup_mkdir(sm, "/d3/more"), -ENOSPC, "and the space is full again: ENOSPC");
	}
	smemcg_machine_free(sm);
}

/*
 * A wide directory: lookups, EEXIST and ENOENT must not depend on how the
 * children are indexed (a list for a few, a hash for many), through
 * growth, removal of every other child and re-creation.
 */
static void test_wide_directory(void)
{
	smemcg_machine *sm = new_machine(0, 0);
	char path[64];
	int i, bad_mkdir = 0, bad_exist = 0, bad_gone = 0, bad_again = 0;

	must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
	must(smemcg_cgroup_mkdir(sm, "/w"), sm, "mkdir /w");
	must(smemcg_file_write(sm, "/w/cgroup.subtree_control", "+memory"), sm, "+memory");
	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "/w/c%d", i);
		bad_mkdir += smemcg_cgroup_mkdir(sm, path) != 0;
		/* every earlier child is still found after each growth */
		snprintf(path, sizeof(path), "/w/c%d", i / 2);
		bad_exist += smemcg_cgroup_mkdir(sm, path) != -EEXIST;
	}
	ok(!bad_mkdir && !bad_exist, "300 siblings created, each findable as the table grows");
	file_is(sm, "/w/cgroup.stat", "nr_descendants 300\nnr_dying_descendants 0\n");
	for (i = 0; i < 300; i += 2) {
		snprintf(path, sizeof(path), "/w/c%d", i);
		bad_gone += smemcg_cgroup_rmdir(sm, path) != 0;
	}
	for (i = 0; i < 300; i++) {
		char *v = NULL;
		int rc;

		snprintf(path, sizeof(path), "/w/c%d/memory.max", i);
		rc = smemcg_file_read(&v, sm, path);
		free(v);
		bad_gone += (i % 2) ? rc != 0 : rc != -ENOENT;
	}
	ok(!bad_gone, "after removing the even siblings, odd ones read, even ones ENOENT");
	for (i = 0; i < 300; i += 2) {
		snprintf(path, sizeof(path), "/w/c%d", i);
		bad_again += smemcg_cgroup_mkdir(sm, path) != 0;
	}
	ok(!bad_again, "removed names can be created again");
	file_is(sm, "/w/cgroup.stat", "nr_descendants 300\nnr_dying_descendants 0\n");
	smemcg_machine_free(sm);
}

/*
 * The kernel baseline (policy kernel=, docs/kernels.md): chosen before the
 * first cgroup; 6.12's files and their modes, by name and on a machine.
 */
static void test_kernel_baseline(void)
{
	smemcg_machine *sm = new_machine(2, 0);

	is(smemcg_policy_set(sm, "kernel", "6.12"), 0, "kernel=6.12 before any cgroup");
	must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
	must(smemcg_cgroup_mkdir(sm, "/a"), sm, "mkdir /a");
	is(smemcg_policy_set(sm, "kernel", "6.1"), -EBUSY, "kernel=6.1 once a cgroup exists: EBUSY");
	is(smemcg_policy_set(sm, "kernel", "6.12"), 0, "the same baseline again: fine");
	is_str(smemcg_policy_get(sm, "kernel"), "6.12", "the machine still runs 6.12");
	file_is(sm, "/a/memory.swap.peak", "0\n");
	file_is(sm, "/a/memory.zswap.writeback", "1\n");
	file_is(sm, "/memory.zswap.writeback", "1\n");
	is(smemcg_file_write(sm, "/a/memory.zswap.writeback", "2"), -EINVAL,
	   "zswap.writeback takes 0 or 1");
	must(smemcg_file_write(sm, "/a/memory.zswap.writeback", "0"), sm, "zswap.writeback 0");
	file_is(sm, "/a/memory.zswap.writeback", "0\n");
	is(smemcg_file_write(sm, "/a/memory.peak", "reset"), 0, "memory.peak is writable on 6.12");
	smemcg_machine_free(sm);

	sm = new_machine(2, 0);
	must(smemcg_file_write(sm, "/cgroup.subtree_control", "+memory"), sm, "+memory");
	must(smemcg_cgroup_mkdir(sm, "/a"), sm, "mkdir /a");
	file_is(sm, "/a/memory.swap.peak", "<errno 2>");
	file_is(sm, "/a/memory.zswap.writeback", "<errno 2>");
	is(smemcg_file_write(sm, "/a/memory.peak", "reset"), -EINVAL,
	   "memory.peak is read-only on 6.1");
	smemcg_machine_free(sm);

	is(smemcg_file_mode_on("/a/memory.swap.peak", "6.1"), 0, "no memory.swap.peak on 6.1");
	is(smemcg_file_mode_on("/a/memory.peak", "6.1"), SMEMCG_FILE_READ | SMEMCG_FILE_PER_OPEN,
	   "memory.peak on 6.1: read only");
	is(smemcg_file_mode_on("/a/memory.peak:w", "6.12"),
	   SMEMCG_FILE_READ | SMEMCG_FILE_WRITE | SMEMCG_FILE_PER_OPEN,
	   "an open file of memory.peak on 6.12: read and write");
	is(smemcg_file_mode("/a/memory.swap.peak"), SMEMCG_FILE_READ | SMEMCG_FILE_WRITE |
	   SMEMCG_FILE_PER_OPEN, "by name alone: what some baseline allows");
	is(smemcg_file_mode_on("/a/memory.max:w", "6.12"), 0, "memory.max has no open files");
	is(smemcg_file_mode_on("/a/memory.max", "7.0"), 0, "an unknown baseline has no files");
}

/*
 * smemcg_list_files: a directory's file names, one a line. An smemcg's are
 * its module's table (seed 000: memory.current ... borrow.max); a name
 * nothing owns is ENOENT.
 */
static void test_list_files(void)
{
	smemcg_machine *sm = new_machine(0, 0);
	char *list = NULL;

	must(smemcg_smemcg_create(sm, "s", 10 << 20), sm, "smemcg create s");
	ok(!smemcg_list_files(&list, sm, "@s"), "list_files @s succeeds");
	is_str(list ? list : "", "memory.current\nmemory.max\nmemory.stat\nmemory.events\nattached\nborrow.max\n",
	       "list_files @s: the smemcg's six files, in the module's order");
	free(list);
	list = NULL;
	ok(smemcg_list_files(&list, sm, "@nope") == -ENOENT && !list, "list_files @nope: ENOENT, nothing handed over");
	ok(smemcg_list_files(&list, sm, "@s/x") == -ENOENT && !list, "list_files @s/x: ENOENT");
	ok(smemcg_list_files(&list, sm, "/nope") == -ENOENT && !list, "list_files /nope: ENOENT");
	ok(!smemcg_list_files(&list, sm, "/proc"), "list_files /proc succeeds");
	is_str(list ? list : "", "mounts\nzombies\nzombie_holders\n", "list_files /proc: the model's proc files");
	free(list);
	list = NULL;
	ok(!smemcg_list_files(&list, sm, "/") && list && strstr(list, "cgroup.procs\n") &&
	   !strstr(list, "memory.max\n"),
	   "list_files /: the root has cgroup.procs and no memory.max");
	free(list);
	smemcg_machine_free(sm);
}

int main(void)
{
	tap_start();
	test_wide_directory();
	test_memory_formats();
	test_root_files();
	test_cgroup_formats();
	test_subtree_control();
	test_mkdir_rmdir();
	test_max_below_usage();
	test_ids();
	test_kernel_baseline();
	test_list_files();
	return done_testing();
}
