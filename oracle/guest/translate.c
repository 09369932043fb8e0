// SPDX-License-Identifier: GPL-2.0-only
/*
 * The oracle guest's statement translation: scenario statements and reads
 * become system calls and control-file accesses.
 *
 * Files. A scenario path /x/y is /mnt/disk/smc/N/x/y on the guest's disk
 * (ext2 on a RAM disk, driven by the ext4 module), N being the scenario's
 * number in this boot; `mount tmpfs DIR` mounts on /mnt/disk/smc/N/DIR, so
 * the kernel's mount table decides which filesystem a path is on. Parent
 * directories are created by the main program (root cgroup) so that
 * directory blocks are not charged to the scenario.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "kb_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "smemcg.h"

/* ---- model-only statements and files ---- */

static const char *const model_only_files[] = {
	"memory.smemcg", "memory.move_charge_at_immigrate",
};

static const char *model_only_file(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t i;

	if (path[0] == '@')
		return "shared memory cgroups (@NAME files) are model-only";
	base = base ? base + 1 : path;
	for (i = 0; i < ARRAY_SIZE(model_only_files); i++)
		if (!strcmp(base, model_only_files[i]))
			return "a model-only control file";
	if (!strncmp(base, "pins.", 5))
		return "the pins controller is model-only";
	if (!strncmp(base, "memory.kmem.", 12))
		return "the kmem limit (seed 004) is model-only";
	return NULL;
}

/* The first value of each policy key (DESIGN.md) is Linux 6.1's behaviour. */
static const char *const policy_defaults[][2] = {
	{ "shared", "owner" }, { "smemcg", "borrow" }, { "recharge", "none" },
	{ "owner", "mm-owner" }, { "kmem", "on" }, { "stock", "on" },
};

/*
 * stock=off is what the oracle can give: the kernel keeps its per-CPU
 * stocks, but they are drained before every read that shows them, so
 * what the scenario reads has no stock in it (docs/oracle.md). A scenario
 * without it reads the kernel's files as they are, stocks included, as
 * the model then has its stocks too.
 */
static int check_policy(struct kernel_backend *kb, const struct smc_stmt *st,
			struct strbuf *msg)
{
	int i;
	size_t k;

	for (i = 0; i < st->nkv; i++) {
		if (!strcmp(st->kv[i].key, "stock") && !strcmp(st->kv[i].value, "off")) {
			kb->drain_reads = true;
			continue;
		}
		/* the host booted the kernel the scenario (or its command line) chose */
		if (!strcmp(st->kv[i].key, "kernel"))
			continue;
		for (k = 0; k < ARRAY_SIZE(policy_defaults); k++)
			if (!strcmp(st->kv[i].key, policy_defaults[k][0]))
				break;
		if (k == ARRAY_SIZE(policy_defaults) ||
		    strcmp(st->kv[i].value, policy_defaults[k][1])) {
			sb_printf(msg, "policy %s=%s is model-only (Linux 6.1 is %s=%s)",
				  st->kv[i].key, st->kv[i].value,
				  k < ARRAY_SIZE(policy_defaults) ? policy_defaults[k][0] : st->kv[i].key,
				  k < ARRAY_SIZE(policy_defaults) ? policy_defaults[k][1] : "?");
			return SMC_SKIP;
		}
	}
	return 0;
}

static long swap_total_kib(void)
{
	struct strbuf sb;
	const char *p;
	long total = 0;

	sb_init(&sb);
	if (!read_file("/proc/swaps", &sb)) {
		p = strchr(sb.buf, '\n');	/* header */
		while (p && p[1]) {
			char dev[256], type[32];
			long size;

			if (sscanf(p + 1, "%255s %31s %ld", dev, type, &size) == 3)
				total += size;
			p = strchr(p + 1, '\n');
		}
	}
	sb_free(&sb);
	return total;
}

/* machine and cgroup-options are applied by the host when it boots the
 * guest; here we only check that it did. */
static int check_machine(const struct smc_stmt *st, struct strbuf *msg)
{
	if ((st->flags & SMC_F_CPUS) && st->num != g_ncpus) {
		sb_printf(msg, "the guest has %d CPUs, the scenario wants %lld (boot it with --cpus)",
			  g_ncpus, (long long)st->num);
		return -EINVAL;
	}
	if ((st->flags & SMC_F_SWAP) && (st->swap > 0) != (swap_total_kib() > 0)) {
		sb_printf(msg, "the guest has %ld KiB of swap, the scenario wants %llu bytes",
			  swap_total_kib(), (unsigned long long)st->swap);
		return -EINVAL;
	}
	return 0;
}

static int check_cgopts(const struct smc_stmt *st, struct strbuf *msg)
{
	struct strbuf sb;
	const char *line;
	int rc = 0;

	sb_init(&sb);
	read_file("/proc/mounts", &sb);
	line = strstr(sb.buf ? sb.buf : "", " " CGROOT " cgroup2 ");
	if (!line) {
		sb_printf(msg, "no cgroup2 mount at " CGROOT);
		rc = -EINVAL;
	} else {
		const char *e = strchr(line, '\n');
		size_t n = e ? (size_t)(e - line) : strlen(line);
		char *l = xstrndup(line, n);

		if ((st->cgopts & SMEMCG_OPT_RECURSIVEPROT) && !strstr(l, "memory_recursiveprot")) {
			sb_printf(msg, "cgroup2 is mounted without memory_recursiveprot");
			rc = -EINVAL;
		}
		if ((st->cgopts & SMEMCG_OPT_LOCALEVENTS) && !strstr(l, "memory_localevents")) {
			sb_printf(msg, "cgroup2 is mounted without memory_localevents");
			rc = -EINVAL;
		}
		free(l);
	}
	sb_free(&sb);
	return rc;
}

/* ---- statements ---- */

static int fs_path(struct kernel_backend *kb, char *out, size_t size, const char *path)
{
	if (!kb->root_made) {
		char p[300];

		snprintf(p, sizeof(p), "%s/", kb->root);
		mkdir_parents(p);
		kb->root_made = true;
	}
	if ((size_t)snprintf(out, size, "%s%s", kb->root, path) >= size)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * A process whose cgroup is frozen runs nothing until thawed: the model
 * fails its statements with EAGAIN; here it would not answer, so the
 * guest asks cgroup.events first and says the same.
 */
static int frozen_check(struct kproc *p, struct strbuf *msg)
{
	char cg[PATH_LEN], path[PATH_LEN];

	if (own_cgroup(p->pid, cg, sizeof(cg)) || cg_path(path, sizeof(path), cg, "cgroup.events"))
		return 0;
	if (read_key(path, "frozen") != 1)
		return 0;
	sb_printf(msg, "process %s is frozen (cgroup.freeze): it runs nothing until thawed", p->name);
	return -EAGAIN;
}

static int proc_stmt(struct kernel_backend *kb, const struct smc_stmt *st, struct strbuf *msg)
{
	struct kcmd c;
	struct kreply r;
	struct kproc *p;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	c.flags = st->flags;
	c.size = st->size;
	c.off = st->off;
	c.len = st->len;
	c.offset = st->offset;
	copy_str(c.name, sizeof(c.name), st->name);
	switch (st->op) {
	case SMC_MMAP_ANON: c.op = KC_MMAP_ANON; break;
	case SMC_MMAP_FILE: c.op = KC_MMAP_FILE; break;
	case SMC_TOUCH: c.op = KC_TOUCH; break;
	case SMC_MUNMAP: c.op = KC_MUNMAP; break;
	case SMC_MLOCK: c.op = KC_MLOCK; break;
	case SMC_MUNLOCK: c.op = KC_MUNLOCK; break;
	case SMC_FILE_WRITE: c.op = KC_WRITE; break;
	case SMC_FILE_READ: c.op = KC_READ; break;
	case SMC_TRUNCATE: c.op = KC_TRUNCATE; break;
	case SMC_UNLINK: c.op = KC_UNLINK; break;
	case SMC_MOUNT:
		if (st->flags & SMC_F_DISK) {
			sb_printf(msg, "mount ext4 needs a block device the guest does not have");
			return SMC_SKIP;
		}
		if (st->memcg || st->smemcg) {
			sb_printf(msg, "mount option %s is model-only",
				  st->memcg ? "memcg=" : "smemcg=");
			return SMC_SKIP;
		}
		c.op = KC_MOUNT;
		if (st->flags & SMC_F_SIZE)
			snprintf(c.opts, sizeof(c.opts), "size=%llu", (unsigned long long)st->size);
		break;
	case SMC_REMOUNT:
		if (st->memcg) {
			sb_printf(msg, "mount option memcg= is model-only");
			return SMC_SKIP;
		}
		c.op = KC_REMOUNT;
		break;
	case SMC_UMOUNT: c.op = KC_UMOUNT; break;
	case SMC_FS_MKDIR: c.op = KC_MKDIR; break;
	case SMC_MADVISE:
		c.op = KC_MADVISE;
		c.offset = (uint64_t)st->num;
		break;
	case SMC_FSYNC: c.op = KC_FSYNC; break;
	default:
		return -ENOSYS;
	}
	p = alive_proc(kb, st->proc, msg, &rc);
	if (!p)
		return rc;
	rc = frozen_check(p, msg);
	if (rc)
		return rc;
	if (st->path && st->op != SMC_TOUCH && st->op != SMC_MADVISE) {
		rc = fs_path(kb, c.path, sizeof(c.path), st->path);
		if (rc)
			return rc;
		if (st->op == SMC_MOUNT)
			rc = mkdir_parents(c.path), mkdir(c.path, 0755);
		else
			rc = mkdir_parents(c.path);
		(void)rc;
	}
	return proc_call(p, &c, -1, &r, msg);
}

/*
 * Read every directory under dir (their blocks, their dentries) without
 * looking up the files in them: the files' dentries and inodes are the
 * scenario's to bring back, as in the model.
 */
static void read_dirs(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[PATH_LEN];

		if (e->d_type != DT_DIR || e->d_name[0] == '.' || depth > 32)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < sizeof(path))
			read_dirs(path, depth + 1);
	}
	closedir(d);
}

/*
 * CG/FILE:NAME, an open file of FILE (memory.peak's reset is per open
 * file): opened at its first use, kept open until the scenario ends.
 */
static int of_fd(struct kernel_backend *kb, const char *path, int *fd)
{
	char full[PATH_LEN], *file;
	int i;

	for (i = 0; i < kb->nofs; i++)
		if (!strcmp(kb->ofs[i].path, path)) {
			*fd = kb->ofs[i].fd;
			return 0;
		}
	file = xstrndup(path, (size_t)(strrchr(path, ':') - path));
	i = cg_path(full, sizeof(full), file, NULL);
	free(file);
	if (i)
		return -ENAMETOOLONG;
	*fd = open(full, O_RDWR | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	kb->ofs = xrealloc(kb->ofs, (size_t)(kb->nofs + 1) * sizeof(*kb->ofs));
	kb->ofs[kb->nofs].path = xstrdup(path);
	kb->ofs[kb->nofs++].fd = *fd;
	return 0;
}

/* echo VALUE > the open file: one write(2) of VALUE"\n" */
static int of_write(struct kernel_backend *kb, const char *path, const char *value)
{
	struct strbuf sb;
	int fd, rc = of_fd(kb, path, &fd);

	if (rc)
		return rc;
	sb_init(&sb);
	sb_printf(&sb, "%s\n", value);
	if (write(fd, sb.buf, sb.len) < 0)
		rc = -errno;
	sb_free(&sb);
	return rc;
}

/* The whole open file, read again from its start. */
static int of_read(struct kernel_backend *kb, const char *path, struct strbuf *out)
{
	char buf[8192];
	ssize_t n;
	off_t off = 0;
	int fd, rc = of_fd(kb, path, &fd);

	if (rc)
		return rc;
	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		sb_add(out, buf, (size_t)n);
		off += n;
	}
	if (n < 0)
		return -errno;
	if (!out->buf)
		sb_puts(out, "");
	return 0;
}

static int kb_exec(void *ctx, const struct smc_stmt *st, struct strbuf *msg)
{
	struct kernel_backend *kb = ctx;
	char path[PATH_LEN];
	struct kproc *p;
	int rc = 0;
	const char *why;

	switch (st->op) {
	case SMC_MACHINE:
		return check_machine(st, msg);
	case SMC_CGROUP_OPTIONS:
		return check_cgopts(st, msg);
	case SMC_POLICY:
		return check_policy(kb, st, msg);
	case SMC_MKDIR:
	case SMC_RMDIR:
		if (cg_path(path, sizeof(path), st->path, NULL))
			return -ENAMETOOLONG;
		if (st->op == SMC_MKDIR ? mkdir(path, 0755) : rmdir(path))
			return -errno;
		return 0;
	case SMC_WRITE:
		why = model_only_file(st->path);
		if (why) {
			sb_printf(msg, "%s: %s", st->path, why);
			return SMC_SKIP;
		}
		if (strchr(strrchr(st->path, '/'), ':'))
			return of_write(kb, st->path, st->text);
		if (cg_path(path, sizeof(path), st->path, NULL))
			return -ENAMETOOLONG;
		return write_file(path, st->text);
	case SMC_SPAWN:
		return do_spawn(kb, st, msg);
	case SMC_FORK:
	case SMC_CLONE_VM:
		p = alive_proc(kb, st->proc, msg, &rc);
		if (!p)
			return rc;
		rc = frozen_check(p, msg);
		return rc ? rc : do_fork(kb, st, st->op == SMC_CLONE_VM, msg);
	case SMC_MOVE:
		p = alive_proc(kb, st->proc, msg, &rc);
		return p ? enter_cgroup(p->pid, st->path) : rc;
	case SMC_EXIT: {
		struct kcmd c;

		p = alive_proc(kb, st->proc, msg, &rc);
		if (!p)
			return rc;
		rc = frozen_check(p, msg);
		if (rc)
			return rc;
		memset(&c, 0, sizeof(c));
		c.op = KC_EXIT;
		send_msg(p->sock, &c, sizeof(c), -1);
		proc_wait(p);
		return 0;
	}
	case SMC_KILL:
		return do_kill(kb, st, msg);
	case SMC_OOM_SCORE_ADJ: {
		char v[32];

		p = alive_proc(kb, st->proc, msg, &rc);
		if (!p)
			return rc;
		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)p->pid);
		snprintf(v, sizeof(v), "%lld", (long long)st->num);
		return write_file(path, v);
	}
	case SMC_MMAP_ANON: case SMC_MMAP_FILE: case SMC_TOUCH: case SMC_MUNMAP:
	case SMC_MLOCK: case SMC_MUNLOCK: case SMC_FILE_WRITE: case SMC_FILE_READ:
	case SMC_TRUNCATE: case SMC_UNLINK: case SMC_MOUNT: case SMC_REMOUNT:
	case SMC_UMOUNT: case SMC_FS_MKDIR: case SMC_MADVISE: case SMC_FSYNC:
		return proc_stmt(kb, st, msg);
	case SMC_SYNC:
		sync();
		return 0;
	case SMC_DROP_CACHES: {
		char v[8];

		snprintf(v, sizeof(v), "%d", (int)st->num);
		rc = write_file("/proc/sys/vm/drop_caches", v);
		/*
		 * The disk's metadata and the scenario's directories (blocks,
		 * dentries) are the harness's again, as before the scenario:
		 * the model has none, and a worker's lookup would be charged.
		 */
		warm_disk();
		read_dirs(kb->root, 0);
		return rc;
	}
	case SMC_SYSCTL: {
		char v[24];

		snprintf(v, sizeof(v), "%lld", (long long)st->num);
		kb->sysctl_set = true;
		return write_file("/proc/sys/vm/swappiness", v);
	}
	case SMC_SWAPOFF:
		if (swapoff(SWAP_DEVICE))
			return -errno;
		kb->swapped_off = true;
		return 0;
	case SMC_SLEEP:
		sleep_ns(st->ns);
		return 0;
	case SMC_KMALLOC: case SMC_KFREE:
		sb_puts(msg, "kmalloc/kfree are model-only (the kernel has no such system call)");
		return SMC_SKIP;
	case SMC_OPEN: case SMC_PIN: case SMC_UNPIN: case SMC_CLOSE: case SMC_RELEASE:
		sb_puts(msg, "pin devices and the pins controller are model-only");
		return SMC_SKIP;
	case SMC_SETRLIMIT: {
		/* prlimit from the supervisor (root may raise the hard limit too,
		 * as the model's setrlimit does); nothing runs in P */
		struct rlimit rl;

		p = alive_proc(kb, st->proc, msg, &rc);
		if (!p)
			return rc;
		rl.rlim_cur = rl.rlim_max = st->size == UINT64_MAX ? RLIM_INFINITY : st->size;
		return prlimit(p->pid, strcmp(st->name, "nofile") ? RLIMIT_MEMLOCK : RLIMIT_NOFILE,
			       &rl, NULL) ? -errno : 0;
	}
	case SMC_CAP: {
		struct kcmd c;
		struct kreply r;

		p = alive_proc(kb, st->proc, msg, &rc);
		if (!p)
			return rc;
		rc = frozen_check(p, msg);
		if (rc)
			return rc;
		memset(&c, 0, sizeof(c));
		c.op = KC_CAP_IPC_LOCK;
		return proc_call(p, &c, -1, &r, msg);
	}
	case SMC_SMEMCG_CREATE: case SMC_SMEMCG_DESTROY: case SMC_DMABUF: case SMC_IMPORT:
		sb_puts(msg, "shared memory cgroups and dma_bufs are model-only");
		return SMC_SKIP;
	case SMC_EXPLAIN:
		sb_puts(msg, "explain is model-only");
		return SMC_SKIP;
	default:
		sb_printf(msg, "%s", smc_op_name(st->op));
		return SMC_NOTSUP;
	}
}

/* /proc/mounts as the scenario sees it: cgroup2 and its own mounts. */
static int read_mounts(struct kernel_backend *kb, struct strbuf *out)
{
	struct strbuf sb;
	char *line, *next;
	size_t rlen = strlen(kb->root);
	int rc;

	sb_init(&sb);
	rc = read_file("/proc/mounts", &sb);
	if (rc) {
		sb_free(&sb);
		return rc;
	}
	for (line = sb.buf; line && *line; line = next) {
		char *mp;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		mp = strchr(line, ' ');
		if (!mp)
			continue;
		mp++;
		if (!strncmp(mp, CGROOT " cgroup2 ", strlen(CGROOT) + 9)) {
			sb_printf(out, "%s\n", line);
		} else if (!strncmp(mp, kb->root, rlen) && mp[rlen] == '/') {
			sb_add(out, line, (size_t)(mp - line));
			sb_printf(out, "%s\n", mp + rlen);
		}
	}
	sb_free(&sb);
	return 0;
}

/*
 * The root's memory.stat counts the whole machine: init, the guest's main
 * program, the drainers. A scenario sees it as the change since the
 * scenario began (kernel_backend_new took the base), each key's value
 * minus its value then; a key the base lacks counts from 0.
 */
static void stat_delta(struct strbuf *out, const char *now, const char *base)
{
	const char *p = now;

	while (p && *p) {
		const char *e = strchr(p, '\n'), *sp = strchr(p, ' ');
		size_t klen;
		const char *b;
		long long v, bv = 0;

		if (!sp || (e && sp > e))
			break;
		klen = (size_t)(sp - p);
		v = atoll(sp + 1);
		for (b = base; b && *b; b = strchr(b, '\n'), b = b ? b + 1 : NULL) {
			if (!strncmp(b, p, klen) && b[klen] == ' ') {
				bv = atoll(b + klen + 1);
				break;
			}
		}
		sb_printf(out, "%.*s %lld\n", (int)klen, p, v - bv);
		p = e ? e + 1 : NULL;
	}
	if (!out->buf)
		sb_puts(out, "");
}

static bool stock_file(const char *base)
{
	return !strcmp(base, "memory.current") || !strcmp(base, "memory.stat") ||
	       !strncmp(base, "memory.peak", 11) || !strcmp(base, "memory.numa_stat");
}

/*
 * The root's cgroup.stat as a scenario alone would see it: each count
 * less what the boot had when the scenario began (the harness cgroup,
 * what earlier scenarios left dying), never below 0; 6.12's live css
 * counts keep the root's own css (1).
 */
static void cgroup_stat_delta(struct strbuf *out, const char *now, const char *base)
{
	struct strbuf d;
	const char *p;

	sb_init(&d);
	stat_delta(&d, now, base);
	for (p = d.buf; p && *p;) {
		const char *e = strchr(p, '\n'), *sp = strchr(p, ' ');
		long long v;

		if (!sp || (e && sp > e))
			break;
		v = atoll(sp + 1);
		if (v < 0)
			v = 0;
		if (!strncmp(p, "nr_subsys_", 10))
			v++;
		sb_printf(out, "%.*s %lld\n", (int)(sp - p), p, v);
		p = e ? e + 1 : NULL;
	}
	sb_free(&d);
	if (!out->buf)
		sb_puts(out, "");
}

static int kb_read(void *ctx, const char *path, struct strbuf *out, struct strbuf *msg)
{
	struct kernel_backend *kb = ctx;
	const char *why = model_only_file(path), *base = strrchr(path, '/');
	char full[PATH_LEN];
	int rc;

	if (why) {
		sb_printf(msg, "%s: %s", path, why);
		return SMC_SKIP;
	}
	if (!strncmp(path, "/proc/", 6)) {
		if (!strcmp(path, "/proc/mounts"))
			return read_mounts(kb, out);
		if ((size_t)snprintf(full, sizeof(full), "%s", path) >= sizeof(full))
			return -ENAMETOOLONG;
		return read_file(full, out);
	}
	base = base ? base + 1 : path;
	if (stock_file(base)) {
		if (kb->drain_reads || base == path + 1) {
			rc = drain_stocks(msg);
			if (rc)
				return rc;
		}
		{
			/* CG/cpu.stat flushes the statistics of CG's subtree */
			struct strbuf sink;
			char cg[PATH_LEN];

			snprintf(cg, sizeof(cg), "%.*s", (int)(base - path - 1), path);
			if (!cg_path(full, sizeof(full), cg, "cpu.stat")) {
				sb_init(&sink);
				read_file(full, &sink);
				sb_free(&sink);
			}
		}
	}
	if (strchr(base, ':'))
		return of_read(kb, path, out);
	if (cg_path(full, sizeof(full), path, NULL))
		return -ENAMETOOLONG;
	rc = read_file(full, out);
	if (rc)
		return rc;
	if (!strcmp(path, "/memory.stat") && kb->root_base.buf) {
		char *now = sb_detach(out);

		sb_init(out);
		stat_delta(out, now, kb->root_base.buf);
		free(now);
	} else if (!strcmp(path, "/cgroup.stat")) {
		/* hide the harness cgroup and what earlier scenarios left dying */
		char *now = sb_detach(out);

		sb_init(out);
		cgroup_stat_delta(out, now, kb->cgstat_base.buf ? kb->cgstat_base.buf : "");
		free(now);
	}
	return 0;
}

static int kb_proc_state(void *ctx, const char *proc, enum smc_proc_state *state,
			 int *sig, struct strbuf *msg)
{
	struct kernel_backend *kb = ctx;
	struct kproc *p = proc_find(kb, proc);

	if (!p) {
		sb_printf(msg, "no process named %s", proc);
		return -ESRCH;
	}
	reap(kb);
	proc_settle(p);
	*state = p->state;
	*sig = p->sig;
	return 0;
}

void kernel_backend_ops(struct smc_backend *be, struct kernel_backend *kb)
{
	be->ctx = kb;
	be->exec = kb_exec;
	be->read = kb_read;
	be->proc_state = kb_proc_state;
	be->start = NULL;
}
