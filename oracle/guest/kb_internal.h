/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the oracle guest's harness.c, worker.c and translate.c share:
 * the protocol between the main program and the workers, the process
 * table, and the helpers each uses from another.
 */
#ifndef SMEMCG_KB_INTERNAL_H
#define SMEMCG_KB_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "kernel_backend.h"

#define CGROOT "/sys/fs/cgroup"
#define HARNESS_CG "smemcg-oracle"	/* the drainers' cgroup, hidden from /cgroup.stat */
#define PAGE 4096UL
#define NAME_MAX_LEN 64
#define PATH_LEN 1200
#define DRAIN_PAGES 128
/*
 * Scenario processes run as this user, not root, with Debian's default
 * RLIMIT_MEMLOCK, as the model assumes (src/mm/task.c): mlock is then
 * limited as for any user until `P cap ipc_lock` or `P setrlimit`.
 */
#define WORKER_UID 1000
#define WORKER_GID 1000
#define WORKER_MEMLOCK (8UL << 20)
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
	KC_CAP_IPC_LOCK,	/* raise CAP_IPC_LOCK (kept permitted, not effective) */
	KC_MADVISE,		/* madvise(2); the advice (SMC_MADV_*) in offset */
	KC_FSYNC,		/* open + fsync(2) + close */
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
	struct strbuf cgstat_base;	/* the root's cgroup.stat when the scenario began */
	/* the open files FILE:NAME of the scenario, kept open until its end */
	struct kof {
		char *path;		/* as the scenario wrote it, with :NAME */
		int fd;
	} *ofs;
	int nofs;
	bool root_made;
	bool drain_reads;		/* `policy stock=off`: drain before reads */
	bool swapped_off;		/* `swapoff` ran: swapon again after the scenario */
	bool sysctl_set;		/* `sysctl` ran: vm.swappiness back to 60 after it */
	struct strbuf root_base;	/* the root's memory.stat when it began */
};

/* the zram swap device guest-init.sh sets up (smemcg.swap=) */
#define SWAP_DEVICE "/dev/zram0"

extern int g_ncpus;
extern const char *g_disk;

/* harness.c */
void sleep_ns(uint64_t ns);
void warm_disk(void);
double now_s(void);
int write_file(const char *path, const char *value);
int read_file(const char *path, struct strbuf *out);
long read_key(const char *path, const char *key);
int mkdir_parents(const char *path);
void copy_str(char *dst, size_t size, const char *src);
int send_msg(int sock, const void *buf, size_t len, int fd);
ssize_t recv_msg(int sock, void *buf, size_t len, int *fd);
int cg_path(char *out, size_t size, const char *cg, const char *file);
int enter_cgroup(pid_t pid, const char *cg);
int drain_stocks(struct strbuf *msg);
struct kproc *proc_find(struct kernel_backend *kb, const char *name);
void proc_wait(struct kproc *p);
void reap(struct kernel_backend *kb);
struct kproc *alive_proc(struct kernel_backend *kb, const char *name,
			 struct strbuf *msg, int *rc);
int proc_call(struct kproc *p, const struct kcmd *c, int fd, struct kreply *r,
	      struct strbuf *msg);
void proc_settle(struct kproc *p);
int do_spawn(struct kernel_backend *kb, const struct smc_stmt *st, struct strbuf *msg);
/* The cgroup of pid (from /proc/PID/cgroup, "/a/b"); 0 or -errno. */
int own_cgroup(pid_t pid, char *out, size_t size);
int do_fork(struct kernel_backend *kb, const struct smc_stmt *st, bool clone_vm,
	    struct strbuf *msg);
int do_kill(struct kernel_backend *kb, const struct smc_stmt *st, struct strbuf *msg);

/* worker.c */
void worker_prepare(void);
void worker_loop(int sock) __attribute__((noreturn));
/* RLIMIT_MEMLOCK and user of a scenario process; 0 or -errno. */
int worker_drop_privileges(void);

/* quiet_fork.c */
long kb_quiet_fork(unsigned long flags, int psock, int csock, char *shared);

#endif
