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
	char *death;			/* why it was killed, set by the first kill */
	uint64_t death_ns;		/* and when */
	struct list_node cg_node;	/* in cgroup->tasks */
	struct list_node tasks_node;	/* in the machine's live (or dead) tasks */
	struct mm_struct *mm;
	int cpu;
	enum smemcg_task_state state;
	int exit_signal;		/* signal that killed it */
	bool dying;			/* fatal signal pending (task_is_dying) */
	bool in_user_fault;		/* faulting for itself, not through get_user_pages */
	int pending_signal;
	bool stopped;			/* SIGSTOP and friends: runs nothing until SIGCONT */
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

/*
 * What stays of every process, dead or alive: its state, the signal that
 * killed it, its name and, once it is dead, the path of its cgroup at exit
 * (which may be removed since): interned strings, by index.
 */
struct task_rec {
	uint32_t comm;
	uint32_t exit_cgroup;
	uint8_t state;			/* enum smemcg_task_state */
	uint8_t exit_signal;
};

#define TASK_FIRST_PID 100
/*
 * Host memory: at most this many processes at once (the kernel's
 * PID_MAX_LIMIT: fork is EAGAIN when no pid is free), and pids are never
 * reused, so at most MODEL_MAX_PIDS in a machine's life (12 bytes each).
 */
#define MODEL_MAX_TASKS 4194304
#define MODEL_MAX_PIDS 100000000
/* RLIMIT_NOFILE: Debian's soft limit, and fs.nr_open, above which prlimit() is EPERM */
#define RLIMIT_NOFILE_DEFAULT 1024
#define NR_OPEN_DEFAULT 1048576

/* What stays of a killed task once reaped: why it was killed, and when. */
struct task_death {
	uint64_t ns;
	uint32_t why;			/* interned, as names are: reasons repeat */
};

/* The live task with that pid (or one that died in this operation), or NULL. */
struct task *task_lookup(struct machine *m, int pid);
/* The record of any pid the machine handed out, or NULL. */
const struct task_rec *task_record(const struct machine *m, int pid);
const char *task_rec_str(const struct machine *m, uint32_t id);
/* Why and when (*ns) pid was killed, NULL when it was not (or lives). */
const char *task_death(const struct machine *m, int pid, uint64_t *ns);
/* Free the struct task of every process that died (after an operation). */
void tasks_reap(struct machine *m);
void tasks_init(struct machine *m);
void tasks_free_all(struct machine *m);
#define for_each_task(pos, m) list_for_each(pos, &(m)->mm->tasks)
#define task_of_node(pos) container_of(pos, struct task, tasks_node)
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
/*
 * Deliver a signal with its default action (signal(7)): most signals
 * terminate; SIGCHLD, SIGURG and SIGWINCH are ignored; SIGSTOP, SIGTSTP,
 * SIGTTIN and SIGTTOU stop the task, SIGCONT continues it. A stopped task
 * gets SIGKILL at once; another fatal signal waits for SIGCONT.
 */
void task_kill(struct machine *m, struct task *t, int sig);
/*
 * Kill t with sig for the reason fmt says: the first reason is kept for
 * error messages about t (task->death), and the event log reports it.
 */
void task_kill_why(struct machine *m, struct task *t, int sig, enum smemcg_event_type ev,
		   const char *fmt, ...) PRINTF_LIKE(5, 6);
/* Can t run an operation (alive, not stopped)? 0, or -EAGAIN with a message. */
int task_may_run(struct machine *m, struct task *t);
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
