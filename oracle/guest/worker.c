// SPDX-License-Identifier: GPL-2.0-only
/*
 * The oracle guest's workers: the code that runs in the scenario processes,
 * one command of the main program (harness.c) at a time.
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
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>

#include "smemcg.h"

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
 * the process is in the root cgroup. Read the read-only ones.
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
		if (perms[0] != 'r' || perms[3] != 'p')
			continue;
		if (strstr(line, "[vvar]") || strstr(line, "[vsyscall]") || strstr(line, "[vdso]"))
			continue;
		/*
		 * Read-only private mappings (the program's text and
		 * constants) are read too: fork does not copy their PTEs, and
		 * the first run of some code in the scenario's cgroup would
		 * count a page fault there.
		 */
		for (a = start; a < end; a += PAGE) {
			volatile char *q = (volatile char *)a;

			if (in_scenario_mapping(a))
				continue;
			if (perms[1] == 'w')
				*q = *q;
			else
				(void)*q;
		}
	}
}

/*
 * mmap at a 2 MiB boundary, where the model puts every mapping: page-table
 * pages and fault-around's 64 KiB windows fall where the model's do. A
 * PROT_NONE reservation 2 MiB longer is mapped over and trimmed.
 */
#define MAP_ALIGN (2UL << 20)
static void *mmap_aligned(size_t len, int flags, int fd, off_t off)
{
	size_t span = len + MAP_ALIGN, rlen = (len + PAGE - 1) & ~(size_t)(PAGE - 1);
	char *res = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			 -1, 0), *a, *p;

	if (res == MAP_FAILED)
		return MAP_FAILED;
	a = (char *)(((uintptr_t)res + MAP_ALIGN - 1) & ~(uintptr_t)(MAP_ALIGN - 1));
	p = mmap(a, len, PROT_READ | PROT_WRITE, flags | MAP_FIXED, fd, off);
	if (p == MAP_FAILED) {
		munmap(res, span);
		return MAP_FAILED;
	}
	if (a > res)
		munmap(res, (size_t)(a - res));
	if (res + span > a + rlen)
		munmap(a + rlen, (size_t)(res + span - (a + rlen)));
	return p;
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

#define CAP_BIT(c) (1ULL << (c))
/*
 * What a scenario process keeps of root's powers: mounting its tmpfs
 * (CAP_SYS_ADMIN) and creating files under the harness's root-owned
 * directories (CAP_DAC_OVERRIDE, CAP_FOWNER). None of them changes what
 * memory is charged where, or the mlock limit. CAP_IPC_LOCK stays
 * permitted but not effective, for `P cap ipc_lock`.
 */
#define WORKER_CAPS (CAP_BIT(CAP_SYS_ADMIN) | CAP_BIT(CAP_DAC_OVERRIDE) | CAP_BIT(CAP_FOWNER))

static int set_caps(uint64_t effective, uint64_t permitted)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	d[0].effective = (uint32_t)effective;
	d[1].effective = (uint32_t)(effective >> 32);
	d[0].permitted = (uint32_t)permitted;
	d[1].permitted = (uint32_t)(permitted >> 32);
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/* Runs in the root cgroup, before the worker is placed: the new
 * credentials it allocates are charged there. */
int worker_drop_privileges(void)
{
	struct rlimit rl = { WORKER_MEMLOCK, WORKER_MEMLOCK };

	if (setrlimit(RLIMIT_MEMLOCK, &rl) || prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) ||
	    setgroups(0, NULL) || setresgid(WORKER_GID, WORKER_GID, WORKER_GID) ||
	    setresuid(WORKER_UID, WORKER_UID, WORKER_UID))
		return -errno;
	return set_caps(WORKER_CAPS, WORKER_CAPS | CAP_BIT(CAP_IPC_LOCK));
}

static struct wmap *wmap_find(const char *name)
{
	int i;

	for (i = 0; i < MAX_MAPS; i++)
		if (w_maps[i].addr && !strcmp(w_maps[i].name, name))
			return &w_maps[i];
	return NULL;
}

/* The mapping a statement names, or NULL with ENOENT in r. */
static struct wmap *wmap_named(const char *name, struct kreply *r)
{
	struct wmap *m = wmap_find(name);

	if (!m) {
		r->rc = -ENOENT;
		snprintf(r->msg, sizeof(r->msg), "no mapping named %s", name);
	}
	return m;
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
	case KC_CAP_IPC_LOCK: {
		/* a new cred, charged to this process's cgroup as the kernel does */
		int rc = set_caps(WORKER_CAPS | CAP_BIT(CAP_IPC_LOCK),
				  WORKER_CAPS | CAP_BIT(CAP_IPC_LOCK));

		return rc ? fail(r, -rc, "capset") : 0;
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
		p = mmap_aligned(c->size, ((c->flags & SMC_F_SHARED) ? MAP_SHARED : MAP_PRIVATE) |
					  MAP_ANONYMOUS, -1, 0);
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
		p = mmap_aligned(c->size, (c->flags & SMC_F_SHARED) ? MAP_SHARED : MAP_PRIVATE, fd,
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

		m = wmap_named(c->name, r);
		if (!m)
			return 0;
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
	case KC_MADVISE: {
		/* the kernel's values: glibc may lack the newer names */
		static const int advice[] = { 4 /* DONTNEED */, 8 /* FREE */,
					      21 /* PAGEOUT */, 20 /* COLD */ };
		char *s;
		size_t len;

		m = wmap_named(c->name, r);
		if (!m)
			return 0;
		s = m->addr;
		len = m->len;
		if (c->flags & SMC_F_RANGE) {
			if (c->off > m->len || c->len > m->len - c->off) {
				r->rc = -ENOMEM;
				snprintf(r->msg, sizeof(r->msg), "range %llu+%llu is outside %s",
					 (unsigned long long)c->off, (unsigned long long)c->len, c->name);
				return 0;
			}
			s += c->off;
			len = c->len;
		}
		if (c->offset >= sizeof(advice) / sizeof(advice[0]))
			return fail(r, EINVAL, "madvise advice");
		if (madvise(s, len, advice[c->offset]))
			return fail(r, errno, "madvise");
		return 0;
	}
	case KC_FSYNC: {
		int fd = open(c->path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return fail(r, errno, "open");
		if (fsync(fd))
			fail(r, errno, "fsync");
		close(fd);
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
