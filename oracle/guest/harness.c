// SPDX-License-Identifier: GPL-2.0-only
/*
 * The real-kernel backend's harness: each scenario statement becomes real system
 * calls inside the oracle's QEMU guest (Debian's Linux 6.1 or 6.12, cgroup v2 at
 * /sys/fs/cgroup). See docs/oracle.md for the mapping and its caveats.
 *
 * Processes. Every scenario process is a real process (a "worker") that
 * waits for commands from the guest's main program on a SOCK_SEQPACKET
 * socketpair and answers each with a struct kreply. All workers are
 * children of the main program (spawn forks it; fork and clone-vm use
 * CLONE_PARENT), so the main program learns with waitpid() how each one
 * ended. A worker that dies while it runs a command closes its socket: the
 * statement is then done, and `expect P killed SIG` tells how it died.
 *
 * Stocks. Before memory.current, memory.peak or memory.stat is read, one
 * "drainer" process per CPU, pinned to it and living in the harness cgroup
 * /smemcg-oracle, maps, touches and unmaps 128 pages: its charge on that
 * CPU flushes the per-CPU charge stock (and the kmem object stock) of
 * whatever memcg it cached, and its ~500 statistics updates per CPU push
 * the rstat flush threshold over its limit so that the next memory.stat
 * read flushes the statistics of the whole tree. Reading CG/cpu.stat then
 * flushes CG's subtree explicitly.
 *
 * The backend is four files: harness.c (this one: the main program's side,
 * the helpers, the cleanup between scenarios), worker.c (the scenario
 * processes), translate.c (statements and reads to system calls) and
 * quiet_fork.c (fork without a write, in assembly on x86_64).
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

/* ---- small helpers ---- */

void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ULL), (long)(ns % 1000000000ULL) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* echo VALUE > FILE: one write(2) of VALUE"\n"; 0 or -errno. */
int write_file(const char *path, const char *value)
{
	size_t n = strlen(value);
	char *buf = xmalloc(n + 2);
	int fd, rc = 0;
	ssize_t w;

	memcpy(buf, value, n);
	buf[n] = '\n';
	buf[n + 1] = '\0';
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
	} else {
		w = write(fd, buf, n + 1);
		if (w < 0)
			rc = -errno;
		close(fd);
	}
	free(buf);
	return rc;
}

/* The whole file; 0 or -errno. */
int read_file(const char *path, struct strbuf *out)
{
	char buf[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_add(out, buf, (size_t)n);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	if (!out->buf)
		sb_puts(out, "");
	return 0;
}

long read_key(const char *path, const char *key)
{
	struct strbuf sb;
	size_t klen = strlen(key);
	long v = -1;
	const char *p;

	sb_init(&sb);
	if (!read_file(path, &sb)) {
		for (p = sb.buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
			if (!strncmp(p, key, klen) && p[klen] == ' ') {
				v = atol(p + klen + 1);
				break;
			}
		}
	}
	sb_free(&sb);
	return v;
}

/* mkdir -p of every directory above path (not path itself). */
int mkdir_parents(const char *path)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST) {
			rc = -errno;
			*s = '/';
			break;
		}
		*s = '/';
	}
	free(p);
	return rc;
}

void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* ---- messaging ---- */

int send_msg(int sock, const void *buf, size_t len, int fd)
{
	struct iovec iov = { (void *)buf, len };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd >= 0) {
		struct cmsghdr *cm;

		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/* Returns the message length, 0 on EOF, -errno; *fd gets a passed fd or -1. */
ssize_t recv_msg(int sock, void *buf, size_t len, int *fd)
{
	struct iovec iov = { buf, len };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh;
	struct cmsghdr *cm;
	ssize_t n;

	if (fd)
		*fd = -1;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int f;

			memcpy(&f, CMSG_DATA(cm), sizeof(int));
			if (fd && *fd < 0)
				*fd = f;
			else
				close(f);
		}
	}
	return n;
}

/* ======================================================================
 * Main-program side.
 * ====================================================================== */

int g_ncpus;
static pid_t *g_drain_pid;
static int *g_drain_sock;
const char *g_disk;		/* "/mnt/disk" or NULL */
static long g_boot_dying;

static void set_cpu(pid_t pid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(pid, sizeof(set), &set);
}

int cg_path(char *out, size_t size, const char *cg, const char *file)
{
	int n;

	if (!strcmp(cg, "/"))
		cg = "";
	n = snprintf(out, size, CGROOT "%s%s%s", cg, file ? "/" : "", file ? file : "");
	return n >= (int)size ? -ENAMETOOLONG : 0;
}

int enter_cgroup(pid_t pid, const char *cg)
{
	char path[PATH_LEN], v[32];

	if (cg_path(path, sizeof(path), cg, "cgroup.procs"))
		return -ENAMETOOLONG;
	snprintf(v, sizeof(v), "%d", (int)pid);
	return write_file(path, v);
}

/* A forked child of the main program: close everything but stdio and keep. */
static void close_fds_except(int keep)
{
	if (keep > 3)
		syscall(SYS_close_range, 3U, (unsigned)keep - 1, 0U);
	syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0U);
	if (keep != 3)
		close(3);
}

/*
 * Starts a worker forked from the main program (root cgroup), prepared and
 * pinned to cpu. Returns its pid, *sock the main program's end; -errno.
 */
static pid_t start_worker(int cpu, int *sock, bool drainer)
{
	int sv[2];
	pid_t pid;
	struct kreply r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		return -errno;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		pid = -errno;
		close(sv[0]);
		close(sv[1]);
		return pid;
	}
	if (pid == 0) {
		close_fds_except(sv[1]);
		if (!drainer)
			write_file("/proc/self/oom_score_adj", "0");
		set_cpu(0, cpu);
		worker_prepare();
		memset(&r, 0, sizeof(r));
		r.rc = worker_drop_privileges();
		send_msg(sv[1], &r, sizeof(r), -1);
		worker_loop(sv[1]);
	}
	close(sv[1]);
	if (recv_msg(sv[0], &r, sizeof(r), NULL) != (ssize_t)sizeof(r) || r.rc) {
		close(sv[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return r.rc ? r.rc : -EIO;
	}
	*sock = sv[0];
	return pid;
}

/*
 * Warm the disk's metadata while in the root cgroup: the group's bitmaps
 * and inode table (the first MiBs of the block device) and mballoc's buddy
 * cache (by allocating and freeing blocks). Otherwise the first scenario to
 * create a file would be charged for them. At start, and again after a
 * scenario's drop_caches dropped them.
 */
void warm_disk(void)
{
	int fd = open("/dev/ram0", O_RDONLY | O_CLOEXEC);
	static char buf[1 << 16];
	char path[PATH_LEN];
	ssize_t n;
	long total = 0;

	if (!g_disk)
		return;
	if (fd >= 0) {
		while (total < (8L << 20) && (n = read(fd, buf, sizeof(buf))) > 0)
			total += n;
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/smc/.warm", g_disk);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		memset(buf, 1, sizeof(buf));
		for (int i = 0; i < 16; i++)
			if (write(fd, buf, sizeof(buf)) < 0)
				break;
		fsync(fd);
		close(fd);
		unlink(path);
		sync();
	}
}

int kb_harness_init(struct strbuf *msg)
{
	struct strbuf sb;
	char path[PATH_LEN];
	int cpu, rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	{
		/* one socket per scenario process */
		struct rlimit rl = { 1 << 16, 1 << 16 };

		setrlimit(RLIMIT_NOFILE, &rl);
	}
	write_file("/proc/self/oom_score_adj", "-1000");
	sb_init(&sb);
	if (read_file(CGROOT "/cgroup.subtree_control", &sb) || !strstr(sb.buf, "memory")) {
		sb_printf(msg, "no cgroup2 with the memory controller at " CGROOT);
		sb_free(&sb);
		return -1;
	}
	sb_free(&sb);
	g_ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (g_ncpus < 1)
		g_ncpus = 1;

	g_disk = getenv("SMEMCG_DISK");
	if (g_disk && *g_disk) {
		snprintf(path, sizeof(path), "%s/smc", g_disk);
		mkdir(path, 0755);
		warm_disk();
	} else {
		g_disk = NULL;
		mkdir("/tmp/smc", 0755);
	}

	if (mkdir(CGROOT "/" HARNESS_CG, 0755) && errno != EEXIST) {
		sb_printf(msg, "mkdir " CGROOT "/" HARNESS_CG ": %s", strerror(errno));
		return -1;
	}
	g_drain_pid = xcalloc((size_t)g_ncpus, sizeof(*g_drain_pid));
	g_drain_sock = xcalloc((size_t)g_ncpus, sizeof(*g_drain_sock));
	for (cpu = 0; cpu < g_ncpus; cpu++) {
		pid_t pid = start_worker(cpu, &g_drain_sock[cpu], true);

		if (pid < 0) {
			sb_printf(msg, "cannot start the stock drainer for CPU %d: %s", cpu,
				  strerror((int)-pid));
			return -1;
		}
		g_drain_pid[cpu] = pid;
		rc = enter_cgroup(pid, "/" HARNESS_CG);
		if (rc) {
			sb_printf(msg, "cannot move the drainer to /" HARNESS_CG ": %s",
				  strerror(-rc));
			return -1;
		}
	}
	g_boot_dying = read_key(CGROOT "/cgroup.stat", "nr_dying_descendants");
	return 0;
}

int drain_stocks(struct strbuf *msg)
{
	int cpu;

	for (cpu = 0; cpu < g_ncpus; cpu++) {
		struct kcmd c;
		struct kreply r;

		memset(&c, 0, sizeof(c));
		c.op = KC_DRAIN;
		if (send_msg(g_drain_sock[cpu], &c, sizeof(c), -1) ||
		    recv_msg(g_drain_sock[cpu], &r, sizeof(r), NULL) != (ssize_t)sizeof(r)) {
			sb_printf(msg, "the stock drainer of CPU %d is gone", cpu);
			return -EIO;
		}
	}
	return 0;
}

struct kernel_backend *kernel_backend_new(int index)
{
	struct kernel_backend *kb = xcalloc(1, sizeof(*kb));

	kb->index = index;
	snprintf(kb->root, sizeof(kb->root), "%s/smc/%d", g_disk ? g_disk : "/tmp", index);
	sb_init(&kb->cgstat_base);
	read_file(CGROOT "/cgroup.stat", &kb->cgstat_base);
	/* drained and flushed (the root's cpu.stat flushes the whole tree) */
	sb_init(&kb->root_base);
	if (!drain_stocks(&kb->root_base)) {
		sb_reset(&kb->root_base);
		read_file(CGROOT "/cpu.stat", &kb->root_base);
		sb_reset(&kb->root_base);
		if (read_file(CGROOT "/memory.stat", &kb->root_base))
			sb_free(&kb->root_base);
	} else {
		sb_free(&kb->root_base);
	}
	return kb;
}

/* ---- process table ---- */

struct kproc *proc_find(struct kernel_backend *kb, const char *name)
{
	int i;

	for (i = kb->nprocs - 1; i >= 0; i--)
		if (!strcmp(kb->procs[i].name, name))
			return &kb->procs[i];
	return NULL;
}

static struct kproc *proc_add(struct kernel_backend *kb, const char *name, pid_t pid,
			      int sock, int cpu)
{
	struct kproc *p;

	kb->procs = xrealloc(kb->procs, (size_t)(kb->nprocs + 1) * sizeof(*kb->procs));
	p = &kb->procs[kb->nprocs++];
	memset(p, 0, sizeof(*p));
	copy_str(p->name, sizeof(p->name), name);
	p->pid = pid;
	p->mm = pid;
	p->sock = sock;
	p->cpu = cpu;
	p->state = SMC_ALIVE;
	return p;
}

static void proc_ended(struct kproc *p, int status)
{
	if (WIFSIGNALED(status)) {
		p->state = SMC_KILLED;
		p->sig = WTERMSIG(status);
	} else {
		p->state = SMC_EXITED;
		p->sig = 0;
	}
	if (p->sock >= 0)
		close(p->sock);
	p->sock = -1;
}

void proc_wait(struct kproc *p)
{
	int status;

	if (p->state != SMC_ALIVE)
		return;
	while (waitpid(p->pid, &status, __WALL) < 0) {
		if (errno != EINTR) {
			p->state = SMC_EXITED;
			return;
		}
	}
	proc_ended(p, status);
}

/* Collect every worker that has ended. */
void reap(struct kernel_backend *kb)
{
	int i, status;

	for (i = 0; i < kb->nprocs; i++) {
		struct kproc *p = &kb->procs[i];

		if (p->state == SMC_ALIVE && waitpid(p->pid, &status, WNOHANG | __WALL) == p->pid)
			proc_ended(p, status);
	}
}

struct kproc *alive_proc(struct kernel_backend *kb, const char *name,
				struct strbuf *msg, int *rc)
{
	struct kproc *p = proc_find(kb, name);

	reap(kb);
	if (!p) {
		sb_printf(msg, "no process named %s", name);
		*rc = -ESRCH;
		return NULL;
	}
	if (p->state != SMC_ALIVE) {
		sb_printf(msg, "process %s (pid %d) is no longer alive", name, (int)p->pid);
		*rc = -ESRCH;
		return NULL;
	}
	return p;
}

/*
 * Sends a command and waits for the answer. A worker that dies meanwhile
 * has run the statement: 0, and its state tells how it died.
 */
int proc_call(struct kproc *p, const struct kcmd *c, int fd, struct kreply *r,
		     struct strbuf *msg)
{
	ssize_t n;

	memset(r, 0, sizeof(*r));
	if (send_msg(p->sock, c, sizeof(*c), fd)) {
		proc_wait(p);
		return 0;
	}
	for (;;) {
		struct pollfd pfd = { p->sock, POLLIN, 0 };
		int k = poll(&pfd, 1, STMT_TIMEOUT_S * 1000);

		if (k > 0 || (k < 0 && errno != EINTR))
			break;
		if (k == 0) {
			/* e.g. a fault the memcg can neither charge nor OOM-kill for:
			 * the kernel retries it for ever */
			kill(p->pid, SIGKILL);
			proc_wait(p);
			sb_printf(msg, "the kernel did not finish the statement in %d s; the oracle "
				  "killed the process", STMT_TIMEOUT_S);
			return -ETIMEDOUT;
		}
	}
	n = recv_msg(p->sock, r, sizeof(*r), NULL);
	if (n <= 0) {
		proc_wait(p);
		memset(r, 0, sizeof(*r));
		return 0;
	}
	if (r->rc && r->msg[0])
		sb_puts(msg, r->msg);
	return r->rc;
}

/*
 * "sys" of /proc/PID/syscall's first field: the number of the system call
 * the task is blocked in, or -1 when it runs (or is gone).
 */
static long blocked_syscall(pid_t pid)
{
	char path[64];
	struct strbuf sb;
	long nr = -1;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	sb_init(&sb);
	if (!read_file(path, &sb) && sb.buf[0] >= '0' && sb.buf[0] <= '9')
		nr = atol(sb.buf);
	sb_free(&sb);
	return nr;
}

/* SIGKILL queued for the task or its thread group (SigPnd, ShdPnd). */
static bool kill_pending(pid_t pid)
{
	char path[64];
	struct strbuf sb;
	const char *keys[] = { "SigPnd:", "ShdPnd:" };
	bool pending = false;
	size_t i;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	sb_init(&sb);
	if (!read_file(path, &sb)) {
		for (i = 0; i < ARRAY_SIZE(keys); i++) {
			const char *p = strstr(sb.buf, keys[i]);

			if (p && (strtoull(p + strlen(keys[i]), NULL, 16) & (1ULL << (SIGKILL - 1))))
				pending = true;
		}
	}
	sb_free(&sb);
	return pending;
}

/* State T or t in /proc/PID/stat (SIGSTOP, ptrace). */
static bool proc_stopped(pid_t pid)
{
	char path[64];
	struct strbuf sb;
	const char *p;
	bool stopped = false;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	sb_init(&sb);
	if (!read_file(path, &sb) && (p = strrchr(sb.buf, ')')))
		stopped = p[1] == ' ' && (p[2] == 'T' || p[2] == 't');
	sb_free(&sb);
	return stopped;
}

/*
 * Settles whether p is alive, from the supervisor's side only: waitpid()
 * and /proc, never a message to p, so that the check allocates nothing in
 * p's cgroup (a reply would wake p up and have it send a message from
 * there). Between statements a worker is always blocked in recvmsg()
 * waiting for its next command; a worker that a statement of another
 * process killed (an OOM victim) has SIGKILL pending or is running its
 * exit, and is waited for. A stopped worker counts as alive.
 */
void proc_settle(struct kproc *p)
{
	double t0 = now_s();
	int status;

	while (p->state == SMC_ALIVE) {
		if (waitpid(p->pid, &status, WNOHANG | __WALL) == p->pid) {
			proc_ended(p, status);
			return;
		}
		if (!kill_pending(p->pid) && blocked_syscall(p->pid) == SYS_recvmsg)
			return;
		if (proc_stopped(p->pid))
			return;
		if (now_s() - t0 > STMT_TIMEOUT_S) {
			fprintf(stderr, "smemcg-guest: %s (pid %d) neither waits for a command nor "
					"ends\n", p->name, (int)p->pid);
			return;
		}
		sleep_ns(1000000);
	}
}

static int next_cpu(struct kernel_backend *kb, int cpu, struct strbuf *msg, int *out)
{
	if (cpu >= 0) {
		if (cpu >= g_ncpus) {
			sb_printf(msg, "cpu=%d: the machine has %d CPUs", cpu, g_ncpus);
			return -EINVAL;
		}
		*out = cpu;
		return 0;
	}
	*out = kb->rr++ % g_ncpus;
	return 0;
}

int own_cgroup(pid_t pid, char *out, size_t size)
{
	char path[64];
	struct strbuf sb;
	const char *p;
	int rc;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	sb_init(&sb);
	rc = read_file(path, &sb);
	if (!rc) {
		p = strstr(sb.buf, "0::");
		if (!p) {
			rc = -ENOENT;
		} else {
			copy_str(out, size, p + 3);
			out[strcspn(out, "\n")] = '\0';
		}
	}
	sb_free(&sb);
	return rc;
}

int do_spawn(struct kernel_backend *kb, const struct smc_stmt *st, struct strbuf *msg)
{
	struct kproc *old = proc_find(kb, st->proc);
	int cpu, sock, rc;
	pid_t pid;

	reap(kb);
	if (old && old->state == SMC_ALIVE) {
		sb_printf(msg, "a process named %s is already running", st->proc);
		return -EEXIST;
	}
	rc = next_cpu(kb, st->cpu, msg, &cpu);
	if (rc)
		return rc;
	pid = start_worker(cpu, &sock, false);
	if (pid < 0) {
		sb_printf(msg, "cannot start a process: %s", strerror((int)-pid));
		return (int)pid;
	}
	rc = enter_cgroup(pid, st->path);
	if (rc) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		close(sock);
		sb_printf(msg, "writing the pid to %s/cgroup.procs: %s", st->path, strerror(-rc));
		return rc;
	}
	proc_add(kb, st->proc, pid, sock, cpu);
	return 0;
}

static int simple_call(struct kproc *p, int op, struct kreply *r, struct strbuf *msg)
{
	struct kcmd c;

	memset(&c, 0, sizeof(c));
	c.op = op;
	return proc_call(p, &c, -1, r, msg);
}

/*
 * A free stack for a clone-vm child of p: when there is none, every process
 * of p's address space goes to the root cgroup while p maps and writes 64
 * more (mm->owner, whose memcg pays for user pages, is one of them).
 */
static int ensure_stack(struct kernel_backend *kb, struct kproc *p, struct strbuf *msg)
{
	struct kreply r;
	char (*saved)[PATH_LEN];
	int rc = simple_call(p, KC_FREE_STACKS, &r, msg), i;

	if (rc || p->state != SMC_ALIVE || r.val > 0)
		return rc;
	saved = xcalloc((size_t)kb->nprocs, sizeof(*saved));
	for (i = 0; i < kb->nprocs; i++) {
		struct kproc *q = &kb->procs[i];

		if (q->state != SMC_ALIVE || q->mm != p->mm ||
		    own_cgroup(q->pid, saved[i], sizeof(saved[i])))
			saved[i][0] = '\0';
		else
			enter_cgroup(q->pid, "/");
	}
	rc = simple_call(p, KC_GROW_STACKS, &r, msg);
	for (i = 0; i < kb->nprocs; i++)
		if (saved[i][0] && kb->procs[i].state == SMC_ALIVE)
			enter_cgroup(kb->procs[i].pid, saved[i]);
	free(saved);
	return rc;
}

int do_fork(struct kernel_backend *kb, const struct smc_stmt *st, bool clone_vm,
		   struct strbuf *msg)
{
	struct kproc *parent, *old;
	struct kcmd c;
	struct kreply r;
	int sv[2], cpu, rc = 0;
	char cg[PATH_LEN];
	union {
		struct kreply r;
		int64_t pid;
	} u;
	int64_t go = 0;
	ssize_t n;
	pid_t pid;

	parent = alive_proc(kb, st->proc, msg, &rc);
	if (!parent)
		return rc;
	old = proc_find(kb, st->name);
	if (old && old->state == SMC_ALIVE) {
		sb_printf(msg, "a process named %s is already running", st->name);
		return -EEXIST;
	}
	rc = next_cpu(kb, st->cpu, msg, &cpu);
	if (rc)
		return rc;
	rc = own_cgroup(parent->pid, cg, sizeof(cg));
	if (rc) {
		sb_printf(msg, "cannot read the cgroup of %s", st->proc);
		return rc;
	}
	if (clone_vm) {
		rc = ensure_stack(kb, parent, msg);
		if (rc || parent->state != SMC_ALIVE)
			return rc;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	memset(&c, 0, sizeof(c));
	c.op = clone_vm ? KC_CLONE_VM : KC_FORK;
	rc = send_msg(parent->sock, &c, sizeof(c), sv[1]);
	close(sv[1]);
	if (rc) {
		close(sv[0]);
		proc_wait(parent);
		return 0;
	}
	/* fork: 8 bytes (the child's pid, from kb_quiet_fork) or a kreply
	 * (clone failed); clone-vm: a kreply */
	memset(&u, 0, sizeof(u));
	n = recv_msg(parent->sock, &u, sizeof(u), NULL);
	if (n <= 0) {
		close(sv[0]);
		proc_wait(parent);
		return 0;
	}
	if (n != 8) {
		if (u.r.rc || u.r.val <= 0) {
			close(sv[0]);
			if (u.r.msg[0])
				sb_puts(msg, u.r.msg);
			return u.r.rc ? u.r.rc : -EIO;
		}
		/* clone-vm: the child shares the parent's pages, nothing to hide */
		pid = (pid_t)u.r.val;
		set_cpu(pid, cpu);
		if (recv_msg(sv[0], &r, sizeof(r), NULL) != (ssize_t)sizeof(r)) {
			close(sv[0]);
			sb_printf(msg, "the clone-vm child did not start");
			return -EIO;
		}
		proc_add(kb, st->name, pid, sv[0], cpu)->mm = parent->mm;
		return 0;
	}
	pid = (pid_t)u.pid;
	set_cpu(pid, cpu);
	/* the child writes its copies of the harness pages in the root cgroup */
	rc = enter_cgroup(pid, "/");
	if (!rc)
		rc = send_msg(sv[0], &go, 8, -1);
	if (!rc && recv_msg(sv[0], &r, sizeof(r), NULL) != (ssize_t)sizeof(r))
		rc = -EIO;
	if (!rc)
		rc = enter_cgroup(pid, cg);
	/* let the parent go on and answer the command */
	send_msg(parent->sock, &go, 8, -1);
	if (recv_msg(parent->sock, &r, sizeof(r), NULL) != (ssize_t)sizeof(r))
		proc_wait(parent);
	if (rc) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		close(sv[0]);
		sb_printf(msg, "the oracle could not place the child: %s", strerror(-rc));
		return rc;
	}
	proc_add(kb, st->name, pid, sv[0], cpu);
	return 0;
}

int do_kill(struct kernel_backend *kb, const struct smc_stmt *st, struct strbuf *msg)
{
	int rc = 0, status;
	struct kproc *p = alive_proc(kb, st->proc, msg, &rc);
	double t0;

	if (!p)
		return rc;
	if (kill(p->pid, st->signal))
		return -errno;
	/* a fatal signal ends the process within a moment */
	t0 = now_s();
	while (now_s() - t0 < 2.0) {
		if (waitpid(p->pid, &status, WNOHANG | __WALL) == p->pid) {
			proc_ended(p, status);
			break;
		}
		sleep_ns(1000000);
	}
	return 0;
}

/* ---- cleanup between scenarios ---- */

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void collect_cgroups(const char *dir, char ***list, int *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[PATH_LEN];

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if (!strcmp(dir, CGROOT) && !strcmp(e->d_name, HARNESS_CG))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		collect_cgroups(path, list, n);	/* children first */
		*list = xrealloc(*list, (size_t)(*n + 1) * sizeof(**list));
		(*list)[(*n)++] = xstrdup(path);
	}
	closedir(d);
}

static int cmp_len_desc(const void *a, const void *b)
{
	return (int)strlen(*(char *const *)b) - (int)strlen(*(char *const *)a);
}

void kernel_backend_finish(struct kernel_backend *kb)
{
	struct strbuf sb;
	char **list = NULL;
	int i, n = 0, tries;
	double t0;
	long dying;

	/* open files (FILE:NAME), which would keep removed cgroups busy */
	for (i = 0; i < kb->nofs; i++) {
		close(kb->ofs[i].fd);
		free(kb->ofs[i].path);
	}
	free(kb->ofs);
	kb->ofs = NULL;
	kb->nofs = 0;

	/* processes */
	for (i = 0; i < kb->nprocs; i++)
		if (kb->procs[i].state == SMC_ALIVE)
			kill(kb->procs[i].pid, SIGKILL);
	for (i = 0; i < kb->nprocs; i++)
		proc_wait(&kb->procs[i]);

	/* mounts under the scenario's root, deepest first */
	sb_init(&sb);
	read_file("/proc/mounts", &sb);
	{
		char *line, *next;
		size_t rlen = strlen(kb->root);

		for (line = sb.buf; line && *line; line = next) {
			char mp[PATH_LEN];

			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			if (sscanf(line, "%*s %1199s", mp) == 1 && !strncmp(mp, kb->root, rlen) &&
			    mp[rlen] == '/') {
				list = xrealloc(list, (size_t)(n + 1) * sizeof(*list));
				list[n++] = xstrdup(mp);
			}
		}
	}
	sb_free(&sb);
	qsort(list, (size_t)n, sizeof(*list), cmp_len_desc);
	for (i = 0; i < n; i++) {
		if (umount2(list[i], MNT_DETACH))
			fprintf(stderr, "smemcg-guest: umount %s: %s\n", list[i], strerror(errno));
		free(list[i]);
	}
	free(list);
	list = NULL;
	n = 0;

	/* files */
	nftw(kb->root, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);

	/* cgroups, children before parents */
	collect_cgroups(CGROOT, &list, &n);
	for (i = 0; i < n; i++) {
		for (tries = 0; rmdir(list[i]) && errno == EBUSY && tries < 200; tries++)
			sleep_ns(5000000);
		if (access(list[i], F_OK) == 0)
			fprintf(stderr, "smemcg-guest: cannot remove cgroup %s: %s\n", list[i],
				strerror(errno));
		free(list[i]);
	}
	free(list);
	write_file(CGROOT "/cgroup.subtree_control", "+memory");
	/* what the scenario changed of the machine */
	if (kb->swapped_off && swapon(SWAP_DEVICE, 0))
		fprintf(stderr, "smemcg-guest: swapon " SWAP_DEVICE ": %s\n", strerror(errno));
	if (kb->sysctl_set)
		write_file("/proc/sys/vm/swappiness", "60");

	/* removed cgroups are freed asynchronously; give them a moment */
	t0 = now_s();
	while ((dying = read_key(CGROOT "/cgroup.stat", "nr_dying_descendants")) > g_boot_dying &&
	       now_s() - t0 < 2.0)
		sleep_ns(20000000);
	if (dying > g_boot_dying) {
		fprintf(stderr, "smemcg-guest: scenario %d left %ld dying cgroups\n", kb->index,
			dying - g_boot_dying);
	}
	sb_free(&kb->root_base);
	sb_free(&kb->cgstat_base);
	free(kb->procs);
	free(kb);
}
