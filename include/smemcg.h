/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * smemcg: a deterministic userspace model of the Linux 6.1 memory cgroup
 * controller (cgroup v2), with the unmerged proposals for shared memory
 * built in and switchable by policy.
 *
 * Conventions (libgit2-like): opaque handles; functions that can fail
 * return 0 or a negative errno, out-parameters first. After a failure,
 * smemcg_last_error() explains it in one line. Processes, mappings and
 * driver fds are small integers, as in the kernel (pids, fds).
 *
 * Sizes are in bytes. Control files are read and written as text, through
 * the same code paths a scenario uses, with the kernel's formats and errnos.
 */
#ifndef SMEMCG_H
#define SMEMCG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The model's version. Results of sweeps carry it and `smemcg merge` says
 * when it merges results of different versions: raise it when what the
 * model computes changes.
 */
#define SMEMCG_VERSION "0.1"

typedef struct smemcg_machine smemcg_machine;

#define SMEMCG_OPT_RECURSIVEPROT 0x1	/* cgroup2 mount option memory_recursiveprot */
#define SMEMCG_OPT_LOCALEVENTS   0x2	/* cgroup2 mount option memory_localevents */

/*
 * Limits that protect the host (docs/scenario.md): simulated memory and
 * swap together (the model keeps about 14 bytes per page of either), and
 * the address space mapped by all processes together and the size of a
 * file (whose pages a statement may walk one by one).
 * smemcg_machine_new() refuses a config beyond the first with -EINVAL.
 */
#define SMEMCG_MAX_MEMORY (1ULL << 40)		/* 1 TiB: memory + swap */
#define SMEMCG_MAX_MAPPED (1ULL << 40)		/* 1 TiB mapped in all */
#define SMEMCG_MAX_FILE_SIZE (1ULL << 40)	/* 1 TiB: larger is EFBIG */

struct smemcg_config {
	uint64_t memory_bytes;	/* physical memory; default 4 GiB */
	uint64_t swap_bytes;	/* swap device size; default 0 */
	int cpus;		/* simulated CPUs, each with a charge stock; default 2 */
	int nodes;		/* NUMA nodes, for the cost of a memcg; default 1 */
	unsigned options;	/* SMEMCG_OPT_* */
};

/* Fill *cfg with the defaults of `machine` in the scenario language. */
void smemcg_config_init(struct smemcg_config *cfg);

int smemcg_machine_new(smemcg_machine **out, const struct smemcg_config *cfg);
void smemcg_machine_free(smemcg_machine *m);

/* One line describing the last failure, or "" */
const char *smemcg_last_error(const smemcg_machine *m);

/* Policies (DESIGN.md): key=value; unknown key or value: -EINVAL. */
int smemcg_policy_set(smemcg_machine *m, const char *key, const char *value);
/* Validate key=value without a machine: 0, or -EINVAL with msg filled. */
int smemcg_policy_check(char *msg, size_t len, const char *key, const char *value);
/* Current value of a policy key, or NULL for an unknown key. */
const char *smemcg_policy_get(const smemcg_machine *m, const char *key);
/* Every policy key, one a line (*out malloc'd). */
int smemcg_policy_keys(char **out);
/*
 * The values key takes in this build, one a line, Linux 6.1's (the
 * default) first, then the proposals' (*out malloc'd; -EINVAL for an
 * unknown key).
 */
int smemcg_policy_values(char **out, const char *key);

/* The cgroup tree. Paths start with '/', relative to the cgroup root. */
int smemcg_cgroup_mkdir(smemcg_machine *m, const char *path);
int smemcg_cgroup_rmdir(smemcg_machine *m, const char *path);

/*
 * Control files: "/a/b/memory.max", "/memory.stat", "@NAME/memory.current"
 * (shared memory cgroups), "/proc/mounts". A write is `echo VALUE > FILE`.
 * *out is malloc'd; the caller frees it.
 */
int smemcg_file_write(smemcg_machine *m, const char *path, const char *value);

#define SMEMCG_FILE_READ 0x1
#define SMEMCG_FILE_WRITE 0x2
#define SMEMCG_FILE_PER_OPEN 0x4	/* keeps state per open file: FILE:NAME is one */
/*
 * What a control file allows, judged by its name alone: 0 when no cgroup,
 * smemcg or proc file has that name. smemcg_file_mode answers for any
 * kernel baseline (a file of 6.12 is a file), smemcg_file_mode_on for
 * one ("6.1", "6.12"; 0 for another name). "/a/memory.peak:NAME" is the
 * open file NAME of memory.peak, whose writes reset the peak it shows.
 */
unsigned smemcg_file_mode(const char *path);
unsigned smemcg_file_mode_on(const char *path, const char *kernel);
int smemcg_file_read(char **out, smemcg_machine *m, const char *path);

/* Processes. */
enum smemcg_task_state {
	SMEMCG_TASK_ALIVE,
	SMEMCG_TASK_EXITED,
	SMEMCG_TASK_KILLED,
};

/* comm names the process in messages; cpu < 0: round-robin. */
int smemcg_spawn(int *pid, smemcg_machine *m, const char *comm,
		 const char *cgroup, int cpu);
/* clone_vm: the child is a separate process sharing the parent's mm. */
int smemcg_fork(int *child, smemcg_machine *m, int pid, const char *comm,
		int cpu, bool clone_vm);
int smemcg_move(smemcg_machine *m, int pid, const char *cgroup);
int smemcg_exit(smemcg_machine *m, int pid);
int smemcg_kill(smemcg_machine *m, int pid, int sig);
int smemcg_set_oom_score_adj(smemcg_machine *m, int pid, int adj);
int smemcg_task_state(enum smemcg_task_state *state, int *sig,
		      const smemcg_machine *m, int pid);
/* Why and when pid died ("" and 0 while it lives, or for an exit). */
const char *smemcg_task_death(uint64_t *when_ns, const smemcg_machine *m, int pid);

/*
 * The event log: what the model did that a person wants to know at the
 * statement that caused it. The handler is called as events happen, from
 * inside the model; the event and its strings live until it returns.
 */
enum smemcg_event_type {
	SMEMCG_EV_OOM_KILL,	/* killed by the OOM killer (an oom.group member too) */
	SMEMCG_EV_SIGBUS,	/* killed by SIGBUS: a fault that could not be served */
	SMEMCG_EV_KILL,		/* killed by cgroup.kill or a kill statement */
	SMEMCG_EV_CHARGE_FAILED,	/* a charge failed: the errno and the limit hit */
	SMEMCG_EV_MEMCG_EVENT,	/* a memory.events counter went up (what: its key) */
	SMEMCG_EV_RECLAIM_NOTHING,	/* reclaim for a memcg freed no page */
	SMEMCG_EV_RECHARGE,	/* a recharge policy moved or evicted a zombie's pages */
	SMEMCG_EV_ZOMBIE_RELEASED,	/* a dying memcg was freed */
	SMEMCG_NR_EVENT_TYPES,
};

struct smemcg_event {
	enum smemcg_event_type type;
	uint64_t now_ns;	/* simulated time */
	int pid;		/* the process concerned, 0 when none */
	int sig;		/* the signal of a kill */
	int err;		/* the negative errno of a failed charge */
	const char *cgroup;	/* the cgroup concerned, "" when none */
	const char *what;	/* MEMCG_EVENT: its key ("max", "oom", ...); RECHARGE: "moved" or "evicted" */
	long count;		/* pages of a charge or a recharge; 1 for a counter */
	const char *text;	/* one line for a person, with the cause */
};

/* Event types as bits of a mask. */
#define SMEMCG_EV_BIT(type)	(1u << (type))
#define SMEMCG_EV_MASK_KILLS                                                           \
	(SMEMCG_EV_BIT(SMEMCG_EV_OOM_KILL) | SMEMCG_EV_BIT(SMEMCG_EV_SIGBUS) |         \
	 SMEMCG_EV_BIT(SMEMCG_EV_KILL))
#define SMEMCG_EV_MASK_ALL	(SMEMCG_EV_BIT(SMEMCG_NR_EVENT_TYPES) - 1)

typedef void (*smemcg_event_fn)(void *arg, const struct smemcg_event *ev);
/*
 * Call fn for every event whose bit is in mask from now on; a mask of 0
 * or a NULL fn stops. Events nobody asked for cost one untaken branch.
 */
void smemcg_set_event_handler(smemcg_machine *m, unsigned mask, smemcg_event_fn fn,
			      void *arg);
/* The name of an event type ("oom_kill", "sigbus", ...). */
const char *smemcg_event_type_name(enum smemcg_event_type type);

/*
 * Memory, as process pid. Mappings are small integers unique within an
 * address space; fork copies them under the same numbers.
 */
int smemcg_mmap_anon(int *map, smemcg_machine *m, int pid, uint64_t size,
		     bool shared);
/* The file is created and extended to offset + size when shorter. */
int smemcg_mmap_file(int *map, smemcg_machine *m, int pid, const char *path,
		     uint64_t size, bool shared, uint64_t offset);
/* Fault in [off, off+len) (len UINT64_MAX: to the end); write or read access. */
int smemcg_touch(smemcg_machine *m, int pid, int map, uint64_t off, uint64_t len,
		 bool write);
int smemcg_munmap(smemcg_machine *m, int pid, int map);
/*
 * Name mapping map of pid (fork copies the name) or the driver file
 * behind fd (its fds share it) as the caller calls it, for the model's
 * messages and events ("SIGBUS on a fault of page 3 of mapping heap");
 * NULL or "" removes the name. 0, -ESRCH, -EINVAL (no such mapping),
 * -EBADF (no such fd), -ENAMETOOLONG (over 255 bytes).
 */
int smemcg_mapping_set_name(smemcg_machine *m, int pid, int map, const char *name);
int smemcg_fd_set_name(smemcg_machine *m, int pid, int fd, const char *name);
int smemcg_mlock(smemcg_machine *m, int pid, int map, bool lock);
/* madvise(2) of [off, off+len) of a mapping (len UINT64_MAX: to the end). */
#define SMEMCG_MADV_DONTNEED 0
#define SMEMCG_MADV_FREE 1
#define SMEMCG_MADV_PAGEOUT 2
#define SMEMCG_MADV_COLD 3
int smemcg_madvise(smemcg_machine *m, int pid, int map, uint64_t off, uint64_t len,
		   int advice);

/* Files: paths under a tmpfs mount are shmem, others on a disk filesystem. */
int smemcg_pwrite(smemcg_machine *m, int pid, const char *path, uint64_t off,
		  uint64_t len);
int smemcg_pread(smemcg_machine *m, int pid, const char *path, uint64_t off,
		 uint64_t len);
int smemcg_truncate(smemcg_machine *m, int pid, const char *path, uint64_t size);
int smemcg_unlink(smemcg_machine *m, int pid, const char *path);
int smemcg_fs_mkdir(smemcg_machine *m, int pid, const char *path);
/* fsync(2) of a file by pid; sync(2). */
int smemcg_fsync(smemcg_machine *m, int pid, const char *path);
int smemcg_sync(smemcg_machine *m);
/* echo what > /proc/sys/vm/drop_caches (1 page cache, 2 slab, 3 both). */
int smemcg_drop_caches(smemcg_machine *m, int what);
/* sysctl NAME=VALUE: vm.swappiness (0..200) only. */
int smemcg_sysctl(smemcg_machine *m, const char *name, long value);
/* swapoff(2) of the machine's swap device. */
int smemcg_swapoff(smemcg_machine *m);
/* opts as mount(8) -o: size=SIZE,memcg=CG,smemcg=NAME */
/*
 * Mount a filesystem of type "tmpfs" or "ext4" (a disk filesystem: page
 * cache, not shmem) at dir with options "a=b,c=d"; -ENODEV for another type.
 */
int smemcg_mount(smemcg_machine *m, int pid, const char *type, const char *dir,
		 const char *opts);
int smemcg_mount_tmpfs(smemcg_machine *m, int pid, const char *dir,
		       const char *opts);
int smemcg_remount(smemcg_machine *m, int pid, const char *dir, const char *opts);
int smemcg_umount(smemcg_machine *m, int pid, const char *dir);

/*
 * Kernel objects charged to pid's cgroup: cache is dentry, inode,
 * task_struct, sock, pipe, or bytes:SIZE (a kmalloc of SIZE).
 */
int smemcg_kmalloc(smemcg_machine *m, int pid, const char *cache, long count);
int smemcg_kfree(smemcg_machine *m, int pid, const char *cache, long count);

/*
 * Shared memory cgroups (seed 000). max_bytes UINT64_MAX: no limit. A
 * created smemcg lives until destroyed and its objects are gone.
 */
int smemcg_smemcg_create(smemcg_machine *m, const char *name, uint64_t max_bytes);
int smemcg_smemcg_destroy(smemcg_machine *m, const char *name);
/* A dma_buf of size bytes, charged to smemcg (NULL: the allocator's memcg). */
int smemcg_dmabuf(int *buf, smemcg_machine *m, int pid, uint64_t size,
		  const char *smemcg);
/* Map the whole dma_buf into pid. */
int smemcg_import(int *map, smemcg_machine *m, int pid, int buf);

/*
 * Pinning drivers (seed 000): device is /dev/vfio, /dev/rdma or
 * /dev/iouring. keep_pins: the pins outlive the fd and the process until
 * released. *file identifies the driver file machine-wide (for release).
 */
int smemcg_open(int *fd, int *file, smemcg_machine *m, int pid, const char *device,
		bool keep_pins);
int smemcg_pin(smemcg_machine *m, int pid, int fd, int map, uint64_t off, uint64_t len);
int smemcg_unpin(smemcg_machine *m, int pid, int fd, int map, uint64_t off,
		 uint64_t len);
int smemcg_close(smemcg_machine *m, int pid, int fd);
/* Drop every pin of a driver file, whoever holds it (a device reset). */
int smemcg_release(smemcg_machine *m, int pid, int file);
int smemcg_setrlimit_memlock(smemcg_machine *m, int pid, uint64_t bytes);
/* RLIMIT_NOFILE (default 1024): an open fails with -EMFILE when no fd below it is free. */
int smemcg_setrlimit_nofile(smemcg_machine *m, int pid, uint64_t nr);
int smemcg_cap_ipc_lock(smemcg_machine *m, int pid);

/*
 * Listings for reports, one item per line (*out malloc'd):
 * cgroups: the path of every live cgroup, pre-order, "/" first;
 * smemcgs: the name of every shared memory cgroup;
 * tasks: "PID COMM CGROUP STATE[ SIGNAL]" with STATE alive, exited or
 * killed (CGROUP is where it was last).
 */
int smemcg_list_cgroups(char **out, smemcg_machine *m);
int smemcg_list_smemcgs(char **out, smemcg_machine *m);
int smemcg_list_tasks(char **out, smemcg_machine *m);
/*
 * Memory held by dying memcgs (removed cgroups whose memcg is still
 * referenced: zombies), one line per dying memcg whose parent is online:
 * "PATH CURRENT ANON FILE SHMEM KERNEL", its memory.current and the
 * memory.stat items of those names, in bytes. The counters are
 * hierarchical: a dying memcg under another dying one is in the outer
 * one's line. PATH is where the cgroup was (a new cgroup may have the same
 * path); the memory is part of every online ancestor's memory.current.
 */
int smemcg_list_zombies(char **out, smemcg_machine *m);
/*
 * The control files of dir, one name a line, as `ls` of its directory
 * shows them now: a cgroup ("/", "/a": with the files of the controllers
 * its parent enabled), an smemcg ("@NAME") or "/proc". -ENOENT when dir
 * does not exist.
 */
int smemcg_list_files(char **out, smemcg_machine *m, const char *dir);
/* Every control file name the model knows (any cgroup's, smemcg's, /proc's), one a line. */
int smemcg_file_names(char **out);

/*
 * Why a cgroup is charged what it is: its memory.current broken down by
 * object (mappings, files, mounts, kernel memory, borrowed shared memory,
 * pages of dead children, stocks), in bytes and percent, with the rule or
 * policy that put each charge there. *out is malloc'd text.
 */
int smemcg_explain(char **out, smemcg_machine *m, const char *cgroup);

/* Advance simulated time; runs deferred work. */
int smemcg_sleep(smemcg_machine *m, uint64_t ns);
uint64_t smemcg_now_ns(const smemcg_machine *m);

/*
 * Check every invariant of the model (counters, ownership, references).
 * Returns 0, or -EUCLEAN with smemcg_last_error() naming the first one broken.
 */
int smemcg_check(smemcg_machine *m);

#ifdef __cplusplus
}
#endif
#endif
