// SPDX-License-Identifier: GPL-2.0-only
/*
 * The real-kernel backend: each scenario statement becomes real system
 * calls inside the oracle's QEMU guest (Debian's Linux 6.1, cgroup v2 at
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
 * Harness memory. A worker is a copy of the main program: its stack, data
 * and heap are the main program's pages, shared copy-on-write. Writing to
 * them in a scenario cgroup would charge that cgroup with pages the
 * scenario never asked for. So a new worker, while still in the root
 * cgroup, grows its stack and writes to every private writable page of its
 * address space (prefault_harness) before it is moved into its cgroup;
 * afterwards its own pages are private and writing them charges nothing.
 * `fork` is done the same way with a small assembly routine
 * (kb_quiet_fork): right after clone() parent and child write nothing but
 * a shared (MAP_SHARED) page until the main program has moved the child to
 * the root cgroup, let it prefault its copies there, and moved it back
 * into the parent's cgroup. The child's kernel stack, task_struct and page
 * tables are still charged where the kernel charges them (the parent's
 * cgroup); only the harness's own user pages are kept out.
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
#include "kernel_backend.h"

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
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "smemcg.h"

#define CGROOT "/sys/fs/cgroup"
#define HARNESS_CG "smemcg-oracle"	/* the drainers' cgroup, hidden from /cgroup.stat */
#define PAGE 4096UL
#define NAME_MAX_LEN 64
#define PATH_LEN 1200
#define DRAIN_PAGES 128
#define STMT_TIMEOUT_S 120	/* one statement of a worker */

/* ---- protocol between the main program and the workers ---- */

enum kc_op {
	KC_NOP,
	KC_EXIT,
	KC_FORK,
	KC_CLONE_VM,
	KC_MMAP_ANON,
	KC_MMAP_FILE,
	KC_TOUCH,
	KC_MUNMAP,
	KC_MLOCK,
	KC_MUNLOCK,
	KC_WRITE,
	KC_READ,
	KC_TRUNCATE,
	KC_UNLINK,
	KC_MOUNT,
	KC_REMOUNT,
	KC_UMOUNT,
	KC_MKDIR,
	KC_DRAIN,
	KC_FREE_STACKS,		/* how many clone-vm stacks are free */
	KC_GROW_STACKS,		/* map and write one more chunk of them */
};

struct kcmd {
	int op;
	unsigned flags;		/* SMC_F_* */
	uint64_t size, off, len, offset;
	char name[NAME_MAX_LEN];
	char path[PATH_LEN];
	char opts[256];
};

struct kreply {
	int rc;			/* 0 or -errno */
	int pad;
	int64_t val;		/* a child's pid */
	char msg[240];
};

/* ---- worker state (private to a process, shared by clone-vm siblings) ---- */

#define MAX_MAPS 512
#define STACK_SIZE (32UL << 10)		/* of a clone-vm child */
#define STACKS_PER_CHUNK 64
#define STACK_CHUNKS 256		/* at most 16384 clone-vm children per mm */

struct wmap {
	char name[NAME_MAX_LEN];
	char *addr;
	size_t len;
};

static struct wmap w_maps[MAX_MAPS];
static char w_iobuf[64 << 10] __attribute__((aligned(4096)));
static char w_mapsbuf[256 << 10] __attribute__((aligned(4096)));
static char *w_shared;		/* MAP_SHARED page: kb_quiet_fork's mailbox */
/*
 * Stacks for clone-vm children, shared by the processes of one address
 * space. A chunk is mapped and written while every process of the address
 * space is in the root cgroup (KC_GROW_STACKS), so it charges no scenario
 * cgroup.
 */
static char *w_stack_chunk[STACK_CHUNKS];
static int w_nchunks;
static unsigned char w_stack_used[STACK_CHUNKS * STACKS_PER_CHUNK];

/*
 * long kb_quiet_fork(unsigned long flags, int psock, int csock, char *shared)
 *
 * clone(flags) that writes no private memory afterwards until told to go:
 * the parent stores the child's pid in shared[0..7], sends it on psock and
 * waits for 8 bytes on psock; the child waits for 8 bytes on csock.
 * Returns the child's pid in the parent, 0 in the child, -errno.
 * Pushes happen before clone(); pops and ret only read the stack.
 */
long kb_quiet_fork(unsigned long flags, int psock, int csock, char *shared);
__asm__(".pushsection .text\n"
	".globl kb_quiet_fork\n"
	".type kb_quiet_fork,@function\n"
	"kb_quiet_fork:\n"
	"	push %rbx\n"
	"	push %r12\n"
	"	push %r13\n"
	"	push %r14\n"
	"	mov %esi, %r12d\n"
	"	mov %edx, %r13d\n"
	"	mov %rcx, %r14\n"
	"	mov $56, %eax\n"	/* SYS_clone(flags, 0, 0, 0, 0) */
	"	xor %esi, %esi\n"
	"	xor %edx, %edx\n"
	"	xor %r10d, %r10d\n"
	"	xor %r8d, %r8d\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	js 3f\n"
	"	jz 2f\n"
	"	mov %rax, %rbx\n"
	"	mov %rax, (%r14)\n"
	"	mov $1, %eax\n"		/* write(psock, shared, 8) */
	"	mov %r12d, %edi\n"
	"	mov %r14, %rsi\n"
	"	mov $8, %edx\n"
	"	syscall\n"
	"1:	xor %eax, %eax\n"	/* read(psock, shared + 8, 8) */
	"	mov %r12d, %edi\n"
	"	lea 8(%r14), %rsi\n"
	"	mov $8, %edx\n"
	"	syscall\n"
	"	cmp $-4, %rax\n"	/* EINTR */
	"	je 1b\n"
	"	mov %rbx, %rax\n"
	"	jmp 3f\n"
	"2:	xor %eax, %eax\n"	/* child: read(csock, shared + 16, 8) */
	"	mov %r13d, %edi\n"
	"	lea 16(%r14), %rsi\n"
	"	mov $8, %edx\n"
	"	syscall\n"
	"	cmp $-4, %rax\n"
	"	je 2b\n"
	"	xor %eax, %eax\n"
	"3:	pop %r14\n"
	"	pop %r13\n"
	"	pop %r12\n"
	"	pop %rbx\n"
	"	ret\n"
	".size kb_quiet_fork, .-kb_quiet_fork\n"
	".popsection\n");

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
 * Worker side: code that runs in the scenario processes.
 * ====================================================================== */

static void grow_stack(void)
{
	volatile char a[256 << 10];
	size_t i;

	for (i = 0; i < sizeof(a); i += PAGE)
		a[i] = 0;
}

static bool in_scenario_mapping(unsigned long addr)
{
	int i;

	for (i = 0; i < MAX_MAPS; i++) {
		unsigned long s = (unsigned long)w_maps[i].addr;

		if (w_maps[i].addr && addr >= s && addr < s + w_maps[i].len)
			return true;
	}
	return false;
}

/*
 * Write every page of every private writable mapping that is not a
 * scenario mapping: COW copies and zero-fill pages are charged now, while
 * the process is in the root cgroup.
 */
static void prefault_harness(void)
{
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;
	char *line, *next;

	if (fd < 0)
		return;
	while (len < sizeof(w_mapsbuf) - 1 &&
	       (n = read(fd, w_mapsbuf + len, sizeof(w_mapsbuf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	w_mapsbuf[len] = '\0';
	for (line = w_mapsbuf; line && *line; line = next) {
		unsigned long start, end, a;
		char perms[8];

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3)
			continue;
		if (perms[0] != 'r' || perms[1] != 'w' || perms[3] != 'p')
			continue;
		if (strstr(line, "[vvar]") || strstr(line, "[vsyscall]") || strstr(line, "[vdso]"))
			continue;
		for (a = start; a < end; a += PAGE) {
			volatile char *q = (volatile char *)a;

			if (in_scenario_mapping(a))
				continue;
			*q = *q;
		}
	}
}

/* What a new worker does before it is moved to its cgroup. */
void worker_prepare(void)
{
	grow_stack();
	w_shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w_shared == MAP_FAILED)
		_exit(120);
	memset(w_shared, 0, PAGE);
	memset(w_stack_chunk, 0, sizeof(w_stack_chunk));
	w_nchunks = 0;
	memset(w_stack_used, 0, sizeof(w_stack_used));
	memset(w_maps, 0, sizeof(w_maps));
	prefault_harness();
}

static struct wmap *wmap_find(const char *name)
{
	int i;

	for (i = 0; i < MAX_MAPS; i++)
		if (w_maps[i].addr && !strcmp(w_maps[i].name, name))
			return &w_maps[i];
	return NULL;
}

static struct wmap *wmap_new(const char *name, struct kreply *r)
{
	int i;

	if (wmap_find(name)) {
		r->rc = -EEXIST;
		snprintf(r->msg, sizeof(r->msg), "a mapping named %s exists", name);
		return NULL;
	}
	for (i = 0; i < MAX_MAPS; i++)
		if (!w_maps[i].addr)
			return &w_maps[i];
	r->rc = -ENOMEM;
	snprintf(r->msg, sizeof(r->msg), "more than %d mappings", MAX_MAPS);
	return NULL;
}

static int fail(struct kreply *r, int err, const char *what)
{
	r->rc = -err;
	snprintf(r->msg, sizeof(r->msg), "%s: %s", what, strerror(err));
	return 0;
}

void worker_loop(int sock) __attribute__((noreturn));

static int clone_vm_child(void *arg)
{
	uintptr_t v = (uintptr_t)arg;
	int cfd = (int)(v & 0xffffffff), psock = (int)(v >> 32);
	struct kreply r;

	close(psock);
	memset(&r, 0, sizeof(r));
	send_msg(cfd, &r, sizeof(r), -1);
	worker_loop(cfd);
}

static void do_touch(char *start, char *end, bool ro)
{
	char *p;

	for (p = (char *)((unsigned long)start & ~(PAGE - 1)); p < end; p += PAGE) {
		if (ro)
			(void)*(volatile char *)p;
		else
			*(volatile char *)p = 1;
	}
}

static int file_io(const struct kcmd *c, struct kreply *r, bool wr)
{
	int fd = open(c->path, wr ? O_WRONLY | O_CREAT | O_CLOEXEC : O_RDONLY | O_CLOEXEC, 0644);
	uint64_t done = 0;

	if (fd < 0)
		return fail(r, errno, "open");
	if (wr)
		memset(w_iobuf, 0x5a, sizeof(w_iobuf));
	while (done < c->len) {
		size_t chunk = (size_t)MIN((uint64_t)sizeof(w_iobuf), c->len - done);
		ssize_t n = wr ? pwrite(fd, w_iobuf, chunk, (off_t)(c->off + done))
			       : pread(fd, w_iobuf, chunk, (off_t)(c->off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail(r, errno, wr ? "write" : "read");
			break;
		}
		if (n == 0)	/* end of file */
			break;
		done += (uint64_t)n;
	}
	r->val = (int64_t)done;
	close(fd);
	return 0;
}

/* Runs one command; returns 1 when the reply was sent already (fork child). */
static int worker_exec(int *sockp, const struct kcmd *c, int pfd, struct kreply *r)
{
	struct wmap *m = NULL;

	switch (c->op) {
	case KC_NOP:
		return 0;
	case KC_EXIT:
		syscall(SYS_exit_group, 0);
		return 0;
	case KC_DRAIN: {
		char *p = mmap(NULL, DRAIN_PAGES * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return fail(r, errno, "mmap");
		do_touch(p, p + DRAIN_PAGES * PAGE, false);
		munmap(p, DRAIN_PAGES * PAGE);
		return 0;
	}
	case KC_FORK: {
		long pid = kb_quiet_fork(CLONE_PARENT | SIGCHLD, *sockp, pfd, w_shared);

		if (pid < 0) {
			close(pfd);
			return fail(r, (int)-pid, "clone");
		}
		if (pid == 0) {
			/* the child, now in the root cgroup */
			close(*sockp);
			*sockp = pfd;
			prefault_harness();
			send_msg(*sockp, r, sizeof(*r), -1);
			return 1;
		}
		close(pfd);
		r->val = pid;
		return 0;
	}
	case KC_FREE_STACKS: {
		int slot;

		for (slot = 0; slot < w_nchunks * STACKS_PER_CHUNK; slot++)
			r->val += !w_stack_used[slot];
		return 0;
	}
	case KC_GROW_STACKS: {
		char *p;

		if (w_nchunks == STACK_CHUNKS) {
			r->rc = -EAGAIN;
			snprintf(r->msg, sizeof(r->msg), "more than %d clone-vm children",
				 STACK_CHUNKS * STACKS_PER_CHUNK);
			return 0;
		}
		p = mmap(NULL, STACKS_PER_CHUNK * STACK_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return fail(r, errno, "mmap");
		do_touch(p, p + STACKS_PER_CHUNK * STACK_SIZE, false);
		w_stack_chunk[w_nchunks++] = p;
		return 0;
	}
	case KC_CLONE_VM: {
		int slot;
		long pid;
		char *top;

		for (slot = 0; slot < w_nchunks * STACKS_PER_CHUNK; slot++)
			if (!w_stack_used[slot])
				break;
		if (slot == w_nchunks * STACKS_PER_CHUNK) {
			close(pfd);
			r->rc = -EAGAIN;
			snprintf(r->msg, sizeof(r->msg), "no stack for a clone-vm child");
			return 0;
		}
		w_stack_used[slot] = 1;
		top = w_stack_chunk[slot / STACKS_PER_CHUNK] +
		      (size_t)(slot % STACKS_PER_CHUNK + 1) * STACK_SIZE - 64;
		pid = clone(clone_vm_child, top,
			    CLONE_VM | CLONE_PARENT | SIGCHLD,
			    (void *)((uintptr_t)(unsigned)pfd | ((uintptr_t)(unsigned)*sockp << 32)));
		if (pid < 0) {
			w_stack_used[slot] = 0;
			close(pfd);
			return fail(r, errno, "clone");
		}
		close(pfd);
		r->val = pid;
		return 0;
	}
	case KC_MMAP_ANON: {
		void *p;

		m = wmap_new(c->name, r);
		if (!m)
			return 0;
		p = mmap(NULL, c->size, PROT_READ | PROT_WRITE,
			 ((c->flags & SMC_F_SHARED) ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS,
			 -1, 0);
		if (p == MAP_FAILED)
			return fail(r, errno, "mmap");
		copy_str(m->name, sizeof(m->name), c->name);
		m->addr = p;
		m->len = c->size;
		return 0;
	}
	case KC_MMAP_FILE: {
		struct stat sb;
		void *p;
		int fd;

		m = wmap_new(c->name, r);
		if (!m)
			return 0;
		fd = open(c->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return fail(r, errno, "open");
		if (fstat(fd, &sb) == 0 && (uint64_t)sb.st_size < c->offset + c->size &&
		    ftruncate(fd, (off_t)(c->offset + c->size))) {
			fail(r, errno, "ftruncate");
			close(fd);
			return 0;
		}
		p = mmap(NULL, c->size, PROT_READ | PROT_WRITE,
			 (c->flags & SMC_F_SHARED) ? MAP_SHARED : MAP_PRIVATE, fd,
			 (off_t)c->offset);
		if (p == MAP_FAILED) {
			fail(r, errno, "mmap");
			close(fd);
			return 0;
		}
		close(fd);
		copy_str(m->name, sizeof(m->name), c->name);
		m->addr = p;
		m->len = c->size;
		return 0;
	}
	case KC_TOUCH:
	case KC_MUNMAP:
	case KC_MLOCK:
	case KC_MUNLOCK: {
		char *s, *e;

		m = wmap_find(c->name);
		if (!m) {
			r->rc = -ENOENT;
			snprintf(r->msg, sizeof(r->msg), "no mapping named %s", c->name);
			return 0;
		}
		s = m->addr;
		e = m->addr + m->len;
		if (c->flags & SMC_F_RANGE) {
			if (c->off > m->len || c->len > m->len - c->off) {
				r->rc = -EINVAL;
				snprintf(r->msg, sizeof(r->msg), "range %llu+%llu is outside %s (%zu bytes)",
					 (unsigned long long)c->off, (unsigned long long)c->len,
					 c->name, m->len);
				return 0;
			}
			s = m->addr + c->off;
			e = s + c->len;
		}
		if (c->op == KC_TOUCH) {
			do_touch(s, e, c->flags & SMC_F_RO);
		} else if (c->op == KC_MUNMAP) {
			if (munmap(m->addr, m->len))
				return fail(r, errno, "munmap");
			memset(m, 0, sizeof(*m));
		} else if (c->op == KC_MLOCK) {
			if (mlock(m->addr, m->len))
				return fail(r, errno, "mlock");
		} else if (munlock(m->addr, m->len)) {
			return fail(r, errno, "munlock");
		}
		return 0;
	}
	case KC_WRITE:
		return file_io(c, r, true);
	case KC_READ:
		return file_io(c, r, false);
	case KC_TRUNCATE: {
		int fd = open(c->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0)
			return fail(r, errno, "open");
		if (ftruncate(fd, (off_t)c->size))
			fail(r, errno, "ftruncate");
		close(fd);
		return 0;
	}
	case KC_UNLINK:
		if (unlink(c->path))
			return fail(r, errno, "unlink");
		return 0;
	case KC_MOUNT:
		if (mount("tmpfs", c->path, "tmpfs", 0, c->opts[0] ? c->opts : NULL))
			return fail(r, errno, "mount");
		return 0;
	case KC_REMOUNT:
		if (mount(NULL, c->path, NULL, MS_REMOUNT, c->opts[0] ? c->opts : NULL))
			return fail(r, errno, "remount");
		return 0;
	case KC_UMOUNT:
		if (umount(c->path))
			return fail(r, errno, "umount");
		return 0;
	case KC_MKDIR:
		if (mkdir(c->path, 0755))
			return fail(r, errno, "mkdir");
		return 0;
	}
	r->rc = -ENOSYS;
	return 0;
}

void worker_loop(int sock)
{
	for (;;) {
		struct kcmd c;
		struct kreply r;
		int pfd;
		ssize_t n = recv_msg(sock, &c, sizeof(c), &pfd);

		if (n <= 0)
			syscall(SYS_exit_group, 0);	/* the main program is gone */
		memset(&r, 0, sizeof(r));
		if (worker_exec(&sock, &c, pfd, &r))
			continue;
		if (send_msg(sock, &r, sizeof(r), -1))
			syscall(SYS_exit_group, 0);
	}
}

/* ======================================================================
 * Main-program side.
 * ====================================================================== */

struct kproc {
	char name[NAME_MAX_LEN];
	pid_t pid;
	pid_t mm;		/* the processes of one address space share this */
	int sock;
	int cpu;
	enum smc_proc_state state;
	int sig;
};

struct kernel_backend {
	int index;
	char root[256];			/* file root of the scenario */
	struct kproc *procs;
	int nprocs;
	int rr;				/* round-robin CPU */
	long base_desc, base_dying;	/* the root's cgroup.stat when the scenario began */
	bool root_made;
};

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
		send_msg(sv[1], &r, sizeof(r), -1);
		worker_loop(sv[1]);
	}
	close(sv[1]);
	if (recv_msg(sv[0], &r, sizeof(r), NULL) != (ssize_t)sizeof(r)) {
		close(sv[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -EIO;
	}
	*sock = sv[0];
	return pid;
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
		/*
		 * Warm the disk's metadata while in the root cgroup: the group's
		 * bitmaps and inode table (the first MiBs of the block device)
		 * and mballoc's buddy cache (by allocating and freeing blocks).
		 * Otherwise the first scenario to create a file would be
		 * charged for them.
		 */
		int fd = open("/dev/ram0", O_RDONLY | O_CLOEXEC);
		static char buf[1 << 16];
		ssize_t n;
		long total = 0;

		if (fd >= 0) {
			while (total < (8L << 20) && (n = read(fd, buf, sizeof(buf))) > 0)
				total += n;
			close(fd);
		}
		snprintf(path, sizeof(path), "%s/smc", g_disk);
		mkdir(path, 0755);
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
	kb->base_desc = read_key(CGROOT "/cgroup.stat", "nr_descendants");
	kb->base_dying = read_key(CGROOT "/cgroup.stat", "nr_dying_descendants");
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

/* Is the worker still there? A ping: a dying worker closes its socket. */
void proc_ping(struct kproc *p)
{
	struct kcmd c;
	struct kreply r;
	struct strbuf msg;

	if (p->state != SMC_ALIVE)
		return;
	memset(&c, 0, sizeof(c));
	c.op = KC_NOP;
	sb_init(&msg);
	proc_call(p, &c, -1, &r, &msg);
	sb_free(&msg);
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

static int own_cgroup(pid_t pid, char *out, size_t size)
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

static int check_policy(const struct smc_stmt *st, struct strbuf *msg)
{
	int i;
	size_t k;

	for (i = 0; i < st->nkv; i++) {
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
	default:
		return -ENOSYS;
	}
	p = alive_proc(kb, st->proc, msg, &rc);
	if (!p)
		return rc;
	if (st->path && st->op != SMC_TOUCH) {
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
		return check_policy(st, msg);
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
		if (cg_path(path, sizeof(path), st->path, NULL))
			return -ENAMETOOLONG;
		return write_file(path, st->text);
	case SMC_SPAWN:
		return do_spawn(kb, st, msg);
	case SMC_FORK:
		return do_fork(kb, st, false, msg);
	case SMC_CLONE_VM:
		return do_fork(kb, st, true, msg);
	case SMC_MOVE:
		p = alive_proc(kb, st->proc, msg, &rc);
		return p ? enter_cgroup(p->pid, st->path) : rc;
	case SMC_EXIT: {
		struct kcmd c;

		p = alive_proc(kb, st->proc, msg, &rc);
		if (!p)
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
	case SMC_UMOUNT: case SMC_FS_MKDIR:
		return proc_stmt(kb, st, msg);
	case SMC_SLEEP:
		sleep_ns(st->ns);
		return 0;
	case SMC_KMALLOC: case SMC_KFREE:
		sb_puts(msg, "kmalloc/kfree are model-only (the kernel has no such system call)");
		return SMC_SKIP;
	case SMC_OPEN: case SMC_PIN: case SMC_UNPIN: case SMC_CLOSE: case SMC_RELEASE:
		sb_puts(msg, "pin devices and the pins controller are model-only");
		return SMC_SKIP;
	case SMC_SETRLIMIT: case SMC_CAP:
		sb_puts(msg, "setrlimit/cap belong to the pins model (model-only)");
		return SMC_SKIP;
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

static bool stock_file(const char *base)
{
	return !strcmp(base, "memory.current") || !strcmp(base, "memory.stat") ||
	       !strcmp(base, "memory.peak") || !strcmp(base, "memory.numa_stat");
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
		rc = drain_stocks(msg);
		if (rc)
			return rc;
		if (base != path + 1) {
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
	if (cg_path(full, sizeof(full), path, NULL))
		return -ENAMETOOLONG;
	rc = read_file(full, out);
	if (rc)
		return rc;
	if (!strcmp(path, "/cgroup.stat")) {
		/* hide the harness cgroup and what earlier scenarios left dying */
		const char *p = strstr(out->buf, "nr_descendants ");
		long desc = p ? atol(p + 15) : 0, dying;

		p = strstr(out->buf, "nr_dying_descendants ");
		dying = p ? atol(p + 21) : 0;
		desc -= kb->base_desc;
		dying -= kb->base_dying;
		sb_reset(out);
		sb_printf(out, "nr_descendants %ld\nnr_dying_descendants %ld\n",
			  desc < 0 ? 0 : desc, dying < 0 ? 0 : dying);
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
	proc_ping(p);
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

	/* removed cgroups are freed asynchronously; give them a moment */
	t0 = now_s();
	while ((dying = read_key(CGROOT "/cgroup.stat", "nr_dying_descendants")) > g_boot_dying &&
	       now_s() - t0 < 2.0)
		sleep_ns(20000000);
	if (dying > g_boot_dying) {
		fprintf(stderr, "smemcg-guest: scenario %d left %ld dying cgroups\n", kb->index,
			dying - g_boot_dying);
	}
	free(kb->procs);
	free(kb);
}
