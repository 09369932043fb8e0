/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tasks: the model's processes (task_struct with its signal state). Each
 * runs on one simulated CPU, belongs to one cgroup and uses one mm, which
 * CLONE_VM children share.
 */
#ifndef SMEMCG_TASK_H
#define SMEMCG_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/base.h"
#include "../base/list.h"
#include "../../include/smemcg.h"

struct cgroup;
struct mem_cgroup;
struct mm_struct;
struct machine;

#define OOM_SCORE_ADJ_MIN (-1000)
#define OOM_SCORE_ADJ_MAX 1000

struct task {
	int pid;
	char *comm;
	struct cgroup *cgroup;
	char *exit_cgroup;		/* path of cgroup at exit: it may be removed since */
	char *death;			/* why it was killed, set by the first kill */
	uint64_t death_ns;		/* and when */
	struct list_node cg_node;	/* in cgroup->tasks */
	struct mm_struct *mm;
	int cpu;
	enum smemcg_task_state state;
	int exit_signal;		/* signal that killed it */
	bool dying;			/* fatal signal pending (task_is_dying) */
	bool in_user_fault;		/* faulting for itself, not through get_user_pages */
	int pending_signal;
	bool oom_victim;
	int oom_score_adj;
	bool cap_ipc_lock;
	uint64_t rlimit_memlock;	/* bytes */
	uint64_t rlimit_nofile;		/* fds: an open gets a number below it */

	struct task *real_parent;
	struct list_node children;	/* its children */
	struct list_node sibling;	/* in real_parent->children */

	/* memory.high: pages charged over high, handled on return to user */
	unsigned long memcg_nr_pages_over_high;
	uint64_t throttled_ns;		/* time slept in memory.high throttling */

	bool has_stack;
	uint32_t stack_objcg;		/* objcg id + 1 its kernel stack is charged to */
	uint32_t task_struct_objcg;
	void *ext;			/* kernel objects it allocated (kmem) */
	void *fds;			/* driver fds (pins) */
};

#define SIGKILL_NR 9
#define SIGBUS_NR 7
#define SIGTERM_NR 15

#define TASK_FIRST_PID 100
/* RLIMIT_NOFILE: Debian's soft limit, and fs.nr_open, above which prlimit() is EPERM */
#define RLIMIT_NOFILE_DEFAULT 1024
#define NR_OPEN_DEFAULT 1048576

/* The task of pid, alive or dead, or NULL for a pid never used. */
struct task *task_lookup(struct machine *m, int pid);
int task_spawn(struct machine *m, struct task **out, const char *comm,
	       struct cgroup *cg, int cpu);
int task_fork(struct machine *m, struct task **out, struct task *parent,
	      const char *comm, int cpu, bool clone_vm);
void task_do_exit(struct machine *m, struct task *t, int sig);
/* Run an operation as t (current = t, on t's CPU) and return to user. */
void task_enter(struct machine *m, struct task *t);
void task_leave(struct machine *m, struct task *t);

/* Close the task's driver fds and files (pins may outlive it). */
void task_exit_files(struct machine *m, struct task *t);
/* Deliver a signal; SIGKILL/SIGTERM/SIGBUS are fatal (default action). */
void task_kill(struct machine *m, struct task *t, int sig);
/*
 * Kill t with sig for the reason fmt says: the first reason is kept for
 * error messages about t (task->death), and the event log reports it.
 */
void task_kill_why(struct machine *m, struct task *t, int sig, enum smemcg_event_type ev,
		   const char *fmt, ...) PRINTF_LIKE(5, 6);
/* After a move between cgroups (cgroup_attach_task). */
void task_cgroup_changed(struct machine *m, struct task *t,
			 struct cgroup *from, struct cgroup *to);
/* The memcg user pages of t's mm are charged to (get_mem_cgroup_from_mm). */
struct mem_cgroup *get_mem_cgroup_from_task_mm(struct machine *m,
					       struct task *t);
struct mm_struct;
/* The memcg an mm's user pages are charged to (owner's or mm->memcg). */
struct mem_cgroup *get_mem_cgroup_from_mm_struct(struct machine *m,
						 struct mm_struct *mm);
/* The memcg kernel objects of t are charged to (current's objcg). */
struct mem_cgroup *task_memcg(const struct task *t);

#endif
