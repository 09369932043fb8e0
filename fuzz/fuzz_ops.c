// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the input bytes are decoded into a small machine, a
 * policy set (every value of every key is reachable), a random cgroup
 * hierarchy and a sequence of public-API operations. smemcg_check() runs
 * after every operation; a broken invariant (-EUCLEAN) aborts, which the
 * fuzzer reports as a crash. Failures of the operations themselves (ENOMEM,
 * ESRCH, EBUSY, ...) are expected: the input is arbitrary.
 *
 * Sizes stay small (a machine of 8-32 MiB, mappings of at most 1 MiB) so
 * that an input runs in milliseconds and still reaches reclaim, swap, OOM
 * kills and limits.
 *
 * Set SMEMCG_FUZZ_TRACE=1 to print each operation on stderr (for turning a
 * crash input into a scenario by hand).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smemcg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAGE 4096u
#define MAX_OPS 160
#define MAX_CG 12
#define MAX_PROCS 16
#define MAX_BUFS 8
#define MAX_FDS 8

struct in {
	const uint8_t *p;
	size_t n;
};

static unsigned byte(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static unsigned pick(struct in *in, unsigned n)
{
	return n ? byte(in) % n : 0;
}

static unsigned u16(struct in *in)
{
	unsigned lo = byte(in);

	return lo | byte(in) << 8;
}

struct fz {
	smemcg_machine *m;
	char cg[MAX_CG][64];
	int ncg;
	int pid[MAX_PROCS];
	int npid;
	int buf[MAX_BUFS];
	int nbuf;
	int fd[MAX_FDS], fdpid[MAX_FDS], file[MAX_FDS];
	int nfd;
	bool trace;
};

static void trace(struct fz *f, const char *fmt, ...)
{
	va_list ap;

	if (!f->trace)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *const policies[][7] = {
	{ "shared", "owner", "common-ancestor", NULL },
	{ "smemcg", "borrow", "full", NULL },
	{ "recharge", "none", "reparent", "evict", "mapper", "deferred", "auto" },
	{ "owner", "mm-owner", "mm-memcg", NULL },
	{ "kmem", "on", "off", NULL },
	{ "stock", "on", "off", NULL },
};

static const char *const smemcg_names[] = { "s0", "s1", "s2" };
static const char *const files[] = {
	"/data/f0", "/data/f1", "/data/d/f2", "/t0/f0", "/t0/f1", "/t1/f0",
};
static const char *const dirs[] = { "/data/d", "/t0/d", "/t1/d" };
static const char *const mounts[] = { "/t0", "/t1" };
static const char *const caches[] = {
	"dentry", "inode", "task_struct", "sock", "pipe", "bytes:100", "bytes:9000",
	"bytes:70000",
};
static const char *const devices[] = { "/dev/vfio", "/dev/rdma", "/dev/iouring", "/dev/none" };
static const char *const cg_files[] = {
	"memory.max", "memory.high", "memory.low", "memory.min", "memory.swap.max",
	"memory.oom.group", "memory.reclaim", "memory.swap.high", "memory.kmem.max",
	"pins.max", "cgroup.subtree_control", "memory.move_charge_at_immigrate",
	"memory.smemcg", "cgroup.kill", "cgroup.max.descendants", "cgroup.max.depth",
	"memory.zswap.max", "cgroup.procs",
};
static const char *const read_files[] = {
	"memory.current", "memory.stat", "memory.events", "memory.events.local",
	"memory.numa_stat", "memory.peak", "memory.swap.current", "memory.swap.events",
	"cgroup.procs", "cgroup.stat", "cgroup.events", "pins.current", "pins.events",
	"memory.kmem.current", "memory.smemcg", "memory.max", "cgroup.controllers",
};
static const char *const sm_files[] = {
	"memory.current", "memory.max", "memory.stat", "memory.events", "attached",
	"borrow.max",
};

static uint64_t small_size(struct in *in)
{
	unsigned b = byte(in);

	/* mostly a few pages, sometimes up to 1 MiB, sometimes unaligned */
	if (b < 160)
		return (uint64_t)(b % 32 + 1) * PAGE;
	if (b < 240)
		return (uint64_t)(b % 256 + 1) * PAGE;
	return (uint64_t)u16(in) * 16 + 1;
}

static const char *cgroup(struct fz *f, struct in *in)
{
	return f->cg[pick(in, (unsigned)f->ncg)];
}

static int proc(struct fz *f, struct in *in)
{
	if (!f->npid)
		return 100;
	unsigned b = byte(in), i, k;

	/* now and then a pid that does not exist, or one that is dead */
	if (b == 255)
		return 99;
	k = b % (unsigned)f->npid;
	if (b >= 240)
		return f->pid[k];
	/* otherwise the first live one from there */
	for (i = 0; i < (unsigned)f->npid; i++) {
		enum smemcg_task_state st;
		int sig, pid = f->pid[(k + i) % (unsigned)f->npid];

		if (!smemcg_task_state(&st, &sig, f->m, pid) && st == SMEMCG_TASK_ALIVE)
			return pid;
	}
	return f->pid[k];
}

static void limit_value(char *v, size_t len, struct fz *f, struct in *in, const char *file)
{
	unsigned b = byte(in);

	if (!strcmp(file, "cgroup.subtree_control")) {
		static const char *const sc[] = { "+memory", "-memory", "+memory +pins",
						  "-pins", "+pins", "+cpu", "" };
		snprintf(v, len, "%s", sc[b % 7]);
	} else if (!strcmp(file, "memory.smemcg")) {
		snprintf(v, len, "%c%s", b & 1 ? '-' : '+', smemcg_names[(b >> 1) % 3]);
	} else if (!strcmp(file, "memory.oom.group") || !strcmp(file, "cgroup.kill") ||
		   !strcmp(file, "memory.move_charge_at_immigrate")) {
		snprintf(v, len, "%u", b % 4);
	} else if (!strcmp(file, "cgroup.max.descendants") || !strcmp(file, "cgroup.max.depth")) {
		if (b < 40)
			snprintf(v, len, "max");
		else
			snprintf(v, len, "%u", b % 5);
	} else if (!strcmp(file, "cgroup.procs")) {
		snprintf(v, len, "%d", proc(f, in));
	} else if (b < 48) {
		snprintf(v, len, "max");
	} else if (b < 52) {
		snprintf(v, len, "junk%u", b);
	} else {
		snprintf(v, len, "%llu", (unsigned long long)small_size(in) * (b % 4 + 1));
	}
}

/* mkdir a child of a known cgroup, enabling memory in the parent first */
static int mkdir_cg(struct fz *f, struct in *in)
{
	static const char *const names[] = { "a", "b", "c", "d" };
	const char *parent = cgroup(f, in);
	const char *sep = strcmp(parent, "/") ? "/" : "";
	unsigned b = byte(in);
	char path[160];
	int rc;

	if (b & 0x10) {
		snprintf(path, sizeof(path), "%s%scgroup.subtree_control", parent, sep);
		trace(f, "write %s %s", path, b & 0x20 ? "+memory +pins" : "+memory");
		rc = smemcg_file_write(f->m, path, b & 0x20 ? "+memory +pins" : "+memory");
		if (rc && f->trace)
			fprintf(stderr, "  -> %d %s\n", rc, smemcg_last_error(f->m));
	}
	snprintf(path, sizeof(path), "%s%s%s", parent, sep, names[b % 4]);
	trace(f, "mkdir %s", path);
	rc = smemcg_cgroup_mkdir(f->m, path);
	if (!rc && f->ncg < MAX_CG && strlen(path) < sizeof(f->cg[0]))
		memcpy(f->cg[f->ncg++], path, strlen(path) + 1);
	return rc;
}

static int spawn(struct fz *f, struct in *in)
{
	const char *cg = cgroup(f, in);
	int cpu = (int)pick(in, 6) - 1, pid, rc;

	if (f->npid == MAX_PROCS)
		return 0;
	trace(f, "spawn p%d %s cpu=%d", f->npid, cg, cpu);
	rc = smemcg_spawn(&pid, f->m, "fuzz", cg, cpu);
	if (!rc)
		f->pid[f->npid++] = pid;
	return rc;
}

enum op {
	OP_MKDIR, OP_RMDIR, OP_WRITE, OP_READ, OP_SPAWN, OP_FORK, OP_MOVE, OP_EXIT,
	OP_KILL, OP_OOM_ADJ, OP_MMAP_ANON, OP_MMAP_FILE, OP_TOUCH, OP_MUNMAP, OP_MLOCK,
	OP_PWRITE, OP_PREAD, OP_TRUNCATE, OP_UNLINK, OP_FS_MKDIR, OP_MOUNT, OP_REMOUNT,
	OP_UMOUNT, OP_KMALLOC, OP_KFREE, OP_SM_CREATE, OP_SM_DESTROY, OP_SM_WRITE,
	OP_SM_READ, OP_DMABUF, OP_IMPORT, OP_OPEN, OP_PIN, OP_UNPIN, OP_CLOSE,
	OP_RELEASE, OP_RLIMIT, OP_CAP, OP_SLEEP, OP_LIST, OP_EXPLAIN, OP_TOUCH_ALL,
	NR_OPS
};

static void step(struct fz *f, struct in *in)
{
	smemcg_machine *m = f->m;
	unsigned op = pick(in, NR_OPS);
	char path[160], val[96];
	char *out = NULL;
	int rc = 0, pid, x;
	uint64_t a, b;

	switch (op) {
	case OP_MKDIR:
		rc = mkdir_cg(f, in);
		break;
	case OP_RMDIR:
		snprintf(path, sizeof(path), "%s", cgroup(f, in));
		trace(f, "rmdir %s", path);
		rc = smemcg_cgroup_rmdir(m, path);
		break;
	case OP_WRITE: {
		const char *file = cg_files[pick(in, sizeof(cg_files) / sizeof(cg_files[0]))];
		const char *cg = cgroup(f, in);

		snprintf(path, sizeof(path), "%s%s%s", cg, strcmp(cg, "/") ? "/" : "", file);
		limit_value(val, sizeof(val), f, in, file);
		trace(f, "write %s %s", path, val);
		rc = smemcg_file_write(m, path, val);
		break;
	}
	case OP_READ: {
		const char *cg = cgroup(f, in);
		unsigned w = pick(in, sizeof(read_files) / sizeof(read_files[0]) + 2);

		if (w == sizeof(read_files) / sizeof(read_files[0]))
			snprintf(path, sizeof(path), "/proc/mounts");
		else if (w > sizeof(read_files) / sizeof(read_files[0]))
			snprintf(path, sizeof(path), "/proc/zombies");
		else
			snprintf(path, sizeof(path), "%s%s%s", cg, strcmp(cg, "/") ? "/" : "",
				 read_files[w]);
		trace(f, "read %s", path);
		rc = smemcg_file_read(&out, m, path);
		break;
	}
	case OP_SPAWN:
		rc = spawn(f, in);
		break;
	case OP_FORK: {
		bool vm = byte(in) & 1;

		if (f->npid == MAX_PROCS)
			break;
		pid = proc(f, in);
		trace(f, "%s %d -> p%d", vm ? "clone-vm" : "fork", pid, f->npid);
		rc = smemcg_fork(&x, m, pid, "child", -1, vm);
		if (!rc)
			f->pid[f->npid++] = x;
		break;
	}
	case OP_MOVE:
		pid = proc(f, in);
		snprintf(path, sizeof(path), "%s", cgroup(f, in));
		trace(f, "move %d %s", pid, path);
		rc = smemcg_move(m, pid, path);
		break;
	case OP_EXIT:
		pid = proc(f, in);
		trace(f, "exit %d", pid);
		rc = smemcg_exit(m, pid);
		break;
	case OP_KILL: {
		static const int sigs[] = { 9, 15, 2, 0, 65 };

		pid = proc(f, in);
		x = sigs[pick(in, 5)];
		trace(f, "kill %d %d", pid, x);
		rc = smemcg_kill(m, pid, x);
		break;
	}
	case OP_OOM_ADJ:
		pid = proc(f, in);
		x = (int)pick(in, 5) * 500 - 1000;
		trace(f, "%d oom_score_adj %d", pid, x);
		rc = smemcg_set_oom_score_adj(m, pid, x);
		break;
	case OP_MMAP_ANON: {
		bool shared = byte(in) & 1;

		pid = proc(f, in);
		a = small_size(in);
		trace(f, "%d mmap anon %llu%s", pid, (unsigned long long)a, shared ? " shared" : "");
		rc = smemcg_mmap_anon(&x, m, pid, a, shared);
		break;
	}
	case OP_MMAP_FILE: {
		unsigned fl = byte(in);
		const char *file = files[fl % 6];

		pid = proc(f, in);
		a = small_size(in);
		b = (fl & 0x80) ? (uint64_t)pick(in, 8) * PAGE : 0;
		trace(f, "%d mmap file %s %llu%s offset=%llu", pid, file, (unsigned long long)a,
		      fl & 0x40 ? " shared" : "", (unsigned long long)b);
		rc = smemcg_mmap_file(&x, m, pid, file, a, fl & 0x40, b);
		break;
	}
	case OP_TOUCH:
	case OP_TOUCH_ALL: {
		bool write = byte(in) & 1;

		pid = proc(f, in);
		x = (int)pick(in, 8) + 1;
		if (op == OP_TOUCH_ALL) {
			a = 0;
			b = UINT64_MAX;
		} else {
			a = (uint64_t)pick(in, 64) * PAGE;
			b = small_size(in);
		}
		trace(f, "%d touch %d %llu %llu%s", pid, x, (unsigned long long)a,
		      (unsigned long long)b, write ? "" : " ro");
		rc = smemcg_touch(m, pid, x, a, b, write);
		break;
	}
	case OP_MUNMAP:
		pid = proc(f, in);
		x = (int)pick(in, 8) + 1;
		trace(f, "%d munmap %d", pid, x);
		rc = smemcg_munmap(m, pid, x);
		break;
	case OP_MLOCK: {
		bool lock = byte(in) & 1;

		pid = proc(f, in);
		x = (int)pick(in, 8) + 1;
		trace(f, "%d %s %d", pid, lock ? "mlock" : "munlock", x);
		rc = smemcg_mlock(m, pid, x, lock);
		break;
	}
	case OP_PWRITE:
	case OP_PREAD: {
		const char *file = files[pick(in, 6)];

		pid = proc(f, in);
		a = (uint64_t)pick(in, 64) * PAGE + (byte(in) & 1 ? 100 : 0);
		b = small_size(in);
		trace(f, "%d %s %s %llu %llu", pid, op == OP_PWRITE ? "write" : "read", file,
		      (unsigned long long)a, (unsigned long long)b);
		rc = op == OP_PWRITE ? smemcg_pwrite(m, pid, file, a, b)
				     : smemcg_pread(m, pid, file, a, b);
		break;
	}
	case OP_TRUNCATE: {
		const char *file = files[pick(in, 6)];

		pid = proc(f, in);
		a = (uint64_t)pick(in, 64) * PAGE + (byte(in) & 1 ? 7 : 0);
		trace(f, "%d truncate %s %llu", pid, file, (unsigned long long)a);
		rc = smemcg_truncate(m, pid, file, a);
		break;
	}
	case OP_UNLINK: {
		unsigned w = pick(in, 9);
		const char *file = w < 6 ? files[w] : dirs[w - 6];

		pid = proc(f, in);
		trace(f, "%d unlink %s", pid, file);
		rc = smemcg_unlink(m, pid, file);
		break;
	}
	case OP_FS_MKDIR: {
		const char *dir = dirs[pick(in, 3)];

		pid = proc(f, in);
		trace(f, "%d mkdir %s", pid, dir);
		rc = smemcg_fs_mkdir(m, pid, dir);
		break;
	}
	case OP_MOUNT:
	case OP_REMOUNT: {
		const char *dir = mounts[pick(in, 2)];
		unsigned o = byte(in);
		int n = 0;

		val[0] = '\0';
		if (o & 1)
			n += snprintf(val + n, sizeof(val) - (size_t)n, "size=%uK,",
				      (o >> 4) * 64 + 64);
		if (o & 2)
			n += snprintf(val + n, sizeof(val) - (size_t)n, "memcg=%s,",
				      cgroup(f, in));
		if (o & 4)
			n += snprintf(val + n, sizeof(val) - (size_t)n, "smemcg=%s,",
				      smemcg_names[pick(in, 3)]);
		if (o & 8)
			n += snprintf(val + n, sizeof(val) - (size_t)n, "bogus,");
		if (n > 0 && (size_t)n < sizeof(val))
			val[n - 1] = '\0';
		pid = proc(f, in);
		trace(f, "%d %s %s %s", pid, op == OP_MOUNT ? "mount tmpfs" : "remount", dir, val);
		rc = op == OP_MOUNT ? smemcg_mount_tmpfs(m, pid, dir, val)
				    : smemcg_remount(m, pid, dir, val);
		break;
	}
	case OP_UMOUNT: {
		const char *dir = mounts[pick(in, 2)];

		pid = proc(f, in);
		trace(f, "%d umount %s", pid, dir);
		rc = smemcg_umount(m, pid, dir);
		break;
	}
	case OP_KMALLOC:
	case OP_KFREE: {
		const char *c = caches[pick(in, 8)];
		long n = (long)pick(in, 64) + 1;

		pid = proc(f, in);
		trace(f, "%d %s %s %ld", pid, op == OP_KMALLOC ? "kmalloc" : "kfree", c, n);
		rc = op == OP_KMALLOC ? smemcg_kmalloc(m, pid, c, n) : smemcg_kfree(m, pid, c, n);
		break;
	}
	case OP_SM_CREATE: {
		const char *name = smemcg_names[pick(in, 3)];

		a = byte(in) < 128 ? UINT64_MAX : small_size(in) * 4;
		trace(f, "smemcg create %s %llu", name, (unsigned long long)a);
		rc = smemcg_smemcg_create(m, name, a);
		break;
	}
	case OP_SM_DESTROY: {
		const char *name = smemcg_names[pick(in, 3)];

		trace(f, "smemcg destroy %s", name);
		rc = smemcg_smemcg_destroy(m, name);
		break;
	}
	case OP_SM_WRITE: {
		const char *name = smemcg_names[pick(in, 3)];
		bool borrow = byte(in) & 1;

		if (borrow) {
			snprintf(path, sizeof(path), "@%s/borrow.max", name);
			snprintf(val, sizeof(val), "%s %s", cgroup(f, in),
				 byte(in) < 64 ? "max" : "65536");
		} else {
			snprintf(path, sizeof(path), "@%s/memory.max", name);
			limit_value(val, sizeof(val), f, in, "memory.max");
		}
		trace(f, "write %s %s", path, val);
		rc = smemcg_file_write(m, path, val);
		break;
	}
	case OP_SM_READ:
		snprintf(path, sizeof(path), "@%s/%s", smemcg_names[pick(in, 3)],
			 sm_files[pick(in, 6)]);
		trace(f, "read %s", path);
		rc = smemcg_file_read(&out, m, path);
		break;
	case OP_DMABUF: {
		unsigned w = pick(in, 4);

		if (f->nbuf == MAX_BUFS)
			break;
		pid = proc(f, in);
		a = small_size(in);
		trace(f, "%d dmabuf %llu smemcg=%s", pid, (unsigned long long)a,
		      w < 3 ? smemcg_names[w] : "-");
		rc = smemcg_dmabuf(&x, m, pid, a, w < 3 ? smemcg_names[w] : NULL);
		if (!rc)
			f->buf[f->nbuf++] = x;
		break;
	}
	case OP_IMPORT:
		pid = proc(f, in);
		x = f->nbuf ? f->buf[pick(in, (unsigned)f->nbuf)] : 1;
		trace(f, "%d import %d", pid, x);
		rc = smemcg_import(&x, m, pid, x);
		break;
	case OP_OPEN: {
		const char *dev = devices[pick(in, 4)];
		bool keep = byte(in) & 1;
		int fd, file;

		if (f->nfd == MAX_FDS)
			break;
		pid = proc(f, in);
		trace(f, "%d open %s%s", pid, dev, keep ? " keep-pins" : "");
		rc = smemcg_open(&fd, &file, m, pid, dev, keep);
		if (!rc) {
			f->fd[f->nfd] = fd;
			f->fdpid[f->nfd] = pid;
			f->file[f->nfd++] = file;
		}
		break;
	}
	case OP_PIN:
	case OP_UNPIN: {
		unsigned w = pick(in, (unsigned)f->nfd + 1);
		int fd = w < (unsigned)f->nfd ? f->fd[w] : 3;

		pid = w < (unsigned)f->nfd && byte(in) < 200 ? f->fdpid[w] : proc(f, in);
		x = (int)pick(in, 8) + 1;
		a = (uint64_t)pick(in, 16) * PAGE;
		b = byte(in) < 64 ? UINT64_MAX : small_size(in);
		trace(f, "%d %s %d %d %llu %llu", pid, op == OP_PIN ? "pin" : "unpin", fd, x,
		      (unsigned long long)a, (unsigned long long)b);
		rc = op == OP_PIN ? smemcg_pin(m, pid, fd, x, a, b) : smemcg_unpin(m, pid, fd, x, a, b);
		break;
	}
	case OP_CLOSE: {
		unsigned w = pick(in, (unsigned)f->nfd + 1);

		if (w < (unsigned)f->nfd) {
			trace(f, "%d close %d", f->fdpid[w], f->fd[w]);
			rc = smemcg_close(m, f->fdpid[w], f->fd[w]);
		} else {
			pid = proc(f, in);
			trace(f, "%d close 3", pid);
			rc = smemcg_close(m, pid, 3);
		}
		break;
	}
	case OP_RELEASE: {
		unsigned w = pick(in, (unsigned)f->nfd + 1);

		pid = proc(f, in);
		x = w < (unsigned)f->nfd ? f->file[w] : 12345;
		trace(f, "%d release file %d", pid, x);
		rc = smemcg_release(m, pid, x);
		break;
	}
	case OP_RLIMIT:
		pid = proc(f, in);
		a = byte(in) < 32 ? UINT64_MAX : small_size(in);
		trace(f, "%d setrlimit memlock %llu", pid, (unsigned long long)a);
		rc = smemcg_setrlimit_memlock(m, pid, a);
		break;
	case OP_CAP:
		pid = proc(f, in);
		trace(f, "%d cap ipc_lock", pid);
		rc = smemcg_cap_ipc_lock(m, pid);
		break;
	case OP_SLEEP: {
		static const uint64_t ns[] = { 1000, 10000000ull, 1000000000ull,
					       31000000000ull, 120000000000ull };

		a = ns[pick(in, 5)];
		trace(f, "sleep %lluns", (unsigned long long)a);
		rc = smemcg_sleep(m, a);
		break;
	}
	case OP_LIST: {
		unsigned w = pick(in, 3);

		trace(f, "list %u", w);
		rc = w == 0 ? smemcg_list_cgroups(&out, m)
		     : w == 1 ? smemcg_list_smemcgs(&out, m) : smemcg_list_tasks(&out, m);
		break;
	}
	case OP_EXPLAIN:
		snprintf(path, sizeof(path), "%s", cgroup(f, in));
		trace(f, "explain %s", path);
		rc = smemcg_explain(&out, m, path);
		break;
	default:
		break;
	}
	if (f->trace && rc)
		fprintf(stderr, "  -> %d %s\n", rc, smemcg_last_error(m));
	free(out);
	rc = smemcg_check(m);
	if (rc == -EUCLEAN) {
		fprintf(stderr, "smemcg_check after op %u: %s\n", op, smemcg_last_error(m));
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t mem[] = { 8u << 20, 16u << 20, 32u << 20, 12u << 20 };
	static const uint64_t swap[] = { 0, 0, 4u << 20, 16u << 20 };
	struct in in = { data, size };
	struct smemcg_config cfg;
	struct fz f;
	unsigned b, i;
	int n;

	memset(&f, 0, sizeof(f));
	f.trace = getenv("SMEMCG_FUZZ_TRACE") != NULL;
	smemcg_config_init(&cfg);
	b = byte(&in);
	cfg.memory_bytes = mem[b & 3];
	cfg.swap_bytes = swap[(b >> 2) & 3];
	cfg.cpus = (int)((b >> 4) & 3) + 1;
	cfg.nodes = (b >> 6 & 1) + 1;
	b = byte(&in);
	cfg.options = b & 3;
	if (smemcg_machine_new(&f.m, &cfg))
		return 0;
	trace(&f, "machine memory=%llu swap=%llu cpus=%d nodes=%d options=%u",
	      (unsigned long long)cfg.memory_bytes, (unsigned long long)cfg.swap_bytes, cfg.cpus,
	      cfg.nodes, cfg.options);
	for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		unsigned nv = 0;

		while (nv < 6 && policies[i][nv + 1])
			nv++;
		b = pick(&in, nv);
		trace(&f, "policy %s=%s", policies[i][0], policies[i][b + 1]);
		if (smemcg_policy_set(f.m, policies[i][0], policies[i][b + 1]))
			abort();
	}
	snprintf(f.cg[0], sizeof(f.cg[0]), "/");
	f.ncg = 1;
	/* the hierarchy: memory (and sometimes pins) enabled at the root */
	b = byte(&in);
	trace(&f, "write /cgroup.subtree_control %s", b & 1 ? "+memory +pins" : "+memory");
	smemcg_file_write(f.m, "/cgroup.subtree_control", b & 1 ? "+memory +pins" : "+memory");
	/* a prelude: a few cgroups, a limit or two, processes in them */
	b = byte(&in);
	for (i = 0; i < (b & 7); i++)
		mkdir_cg(&f, &in);
	for (i = 0; i < (b >> 3 & 3); i++) {
		char path[96], val[64];
		const char *cg = cgroup(&f, &in);

		snprintf(path, sizeof(path), "%s%smemory.max", cg, strcmp(cg, "/") ? "/" : "");
		limit_value(val, sizeof(val), &f, &in, "memory.max");
		trace(&f, "write %s %s", path, val);
		smemcg_file_write(f.m, path, val);
	}
	for (i = 0; i < (b >> 5) + 1; i++)
		spawn(&f, &in);
	for (n = 0; in.n && n < MAX_OPS; n++)
		step(&f, &in);
	smemcg_machine_free(f.m);
	return 0;
}
