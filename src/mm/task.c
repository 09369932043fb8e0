// SPDX-License-Identifier: GPL-2.0-only
/*
 * Process lifecycle: spawn (fork from a shell in the root cgroup, then a
 * write to cgroup.procs), fork and CLONE_VM, exit with the mm->owner
 * hand-off, signals. A killed task's memory is freed at once, as the OOM
 * reaper would; if it is the task whose operation is running, the exit
 * happens when that operation unwinds.
 */
#include "task.h"
#include "../base/intmap.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gup.h"
#include "kmem.h"

#include "memcontrol/charge.h"
#include "memcontrol/memcg.h"
#include "../event_log.h"
#include "../machine.h"
#include "mm.h"
#include "mm_state.h"
#include "vma.h"

struct task *task_lookup(struct machine *m, int pid)
{
	return intmap_get(&m->mm->task_by_pid, (uint64_t)(uint32_t)pid);
}

const struct task_rec *task_record(const struct machine *m, int pid)
{
	const struct mm_state *ms = m->mm;

	if (pid < TASK_FIRST_PID || (uint32_t)(pid - TASK_FIRST_PID) >= ms->nr_pids)
		return NULL;
	return &ms->recs[pid - TASK_FIRST_PID];
}

const char *task_rec_str(const struct machine *m, uint32_t id)
{
	return m->mm->strs[id];
}

static uint32_t intern(struct mm_state *ms, const char *s)
{
	int64_t id;

	if (strmap_get(&ms->str_ids, s, &id))
		return (uint32_t)id;
	ALLOC_GROW(ms->strs, ms->nr_strs + 1, ms->strs_cap);
	ms->strs[ms->nr_strs] = xstrdup(s);
	strmap_set(&ms->str_ids, s, ms->nr_strs);
	return ms->nr_strs++;
}

const char *task_death(const struct machine *m, int pid, uint64_t *ns)
{
	struct task *t = intmap_get(&m->mm->task_by_pid, (uint32_t)pid);
	const struct task_death *d;

	*ns = 0;
	if (t) {
		if (!t->death)
			return NULL;
		*ns = t->death_ns;
		return t->death;
	}
	d = intmap_get(&m->mm->deaths, (uint32_t)pid);
	if (!d)
		return NULL;
	*ns = d->ns;
	return task_rec_str(m, d->why);
}

static void task_free(struct task *t)
{
	free(t->comm);
	free(t->death);
	free(t);
}

void tasks_reap(struct machine *m)
{
	struct mm_state *ms = m->mm;

	while (!list_empty(&ms->dead)) {
		struct task *t = container_of(ms->dead.next, struct task, tasks_node);

		list_del(&t->tasks_node);
		intmap_del(&ms->task_by_pid, (uint32_t)t->pid);
		if (t->death) {
			struct task_death *d = xmalloc(sizeof(*d));

			d->ns = t->death_ns;
			d->why = intern(ms, t->death);
			intmap_set(&ms->deaths, (uint32_t)t->pid, d);
		}
		task_free(t);
	}
}

void tasks_init(struct machine *m)
{
	struct mm_state *ms = m->mm;

	list_init(&ms->tasks);
	list_init(&ms->dead);
	intmap_init(&ms->task_by_pid);
	intmap_init(&ms->deaths);
	strmap_init(&ms->str_ids);
	intern(ms, "");		/* id 0: no cgroup at exit yet */
}

void tasks_free_all(struct machine *m)
{
	struct mm_state *ms = m->mm;
	size_t i;

	tasks_reap(m);
	intmap_free(&ms->task_by_pid);
	for (i = 0; i < ms->deaths.cap; i++) {
		free(ms->deaths.e[i].val);
	}
	intmap_free(&ms->deaths);
	free(ms->recs);
	for (i = 0; i < ms->nr_strs; i++)
		free(ms->strs[i]);
	free(ms->strs);
	strmap_free(&ms->str_ids);
}

struct mem_cgroup *task_memcg(const struct task *t)
{
	return cgroup_effective_memcg(t->cgroup);
}

struct mem_cgroup *get_mem_cgroup_from_task_mm(struct machine *m,
					       struct task *t)
{
	return t->mm ? get_mem_cgroup_from_mm_struct(m, t->mm) : NULL;
}

struct mem_cgroup *get_mem_cgroup_from_mm_struct(struct machine *m,
						 struct mm_struct *mm)
{
	if (unlikely(m->ext_keys.mm_memcg))
		return ext_mm_memcg(m, mm);
	if (!mm->owner)
		return m->root_mem_cgroup;
	return task_memcg(mm->owner);
}

/* alloc_pid(): EAGAIN past the model's limits of processes (task.h). */
static int task_alloc(struct machine *m, struct task **out, const char *comm,
		      struct cgroup *cg, int cpu)
{
	struct mm_state *ms = m->mm;
	struct task_rec *rec;
	struct task *t;

	if (ms->nr_alive >= MODEL_MAX_TASKS)
		return machine_error(m, -EAGAIN,
				     "more than the model's limit of %d processes at once",
				     MODEL_MAX_TASKS);
	if (ms->nr_pids >= MODEL_MAX_PIDS)
		return machine_error(m, -EAGAIN,
				     "more than the model's limit of %d processes in a machine's life (pids are not reused)",
				     MODEL_MAX_PIDS);
	t = xcalloc(1, sizeof(*t));
	ALLOC_GROW(ms->recs, ms->nr_pids + 1, ms->recs_cap);
	t->pid = TASK_FIRST_PID + (int)ms->nr_pids;
	rec = &ms->recs[ms->nr_pids++];
	t->comm = xstrdup(comm ? comm : "task");
	rec->comm = intern(ms, t->comm);
	rec->exit_cgroup = 0;
	rec->state = SMEMCG_TASK_ALIVE;
	rec->exit_signal = 0;
	intmap_set(&ms->task_by_pid, (uint32_t)t->pid, t);
	list_add_tail(&t->tasks_node, &ms->tasks);
	t->cpu = cpu >= 0 ? cpu % m->nr_cpus : (ms->next_cpu++ % m->nr_cpus);
	t->state = SMEMCG_TASK_ALIVE;
	t->rlimit_memlock = 8ULL << 20;	/* Debian's default RLIMIT_MEMLOCK */
	t->rlimit_nofile = RLIMIT_NOFILE_DEFAULT;
	list_init(&t->children);
	list_init(&t->sibling);
	t->cgroup = cg;
	list_add_tail(&t->cg_node, &cg->tasks);
	cg->nr_populated_tasks++;
	ms->nr_alive++;
	*out = t;
	return 0;
}

int task_spawn(struct machine *m, struct task **out, const char *comm,
	       struct cgroup *cg, int cpu)
{
	struct task *t;
	int err;

	if (cpu >= m->nr_cpus)
		return machine_error(m, -EINVAL, "cpu=%d: the machine has %d CPUs",
				     cpu, m->nr_cpus);
	/* Forked by a shell in the root cgroup, then moved. */
	err = task_alloc(m, &t, comm, m->root_cgroup, cpu);
	if (err)
		return err;
	t->mm = mm_alloc(m, t);
	task_fork_charge(m, t, NULL);
	err = cgroup_attach_task(m, cg, t);
	if (err) {
		/* The move failed: the shell's child exits. */
		task_do_exit(m, t, 0);
		return err;
	}
	*out = t;
	return 0;
}

int task_fork(struct machine *m, struct task **out, struct task *parent,
	      const char *comm, int cpu, bool clone_vm)
{
	struct task *t;
	int err;

	if (cpu >= m->nr_cpus)
		return machine_error(m, -EINVAL, "cpu=%d: the machine has %d CPUs",
				     cpu, m->nr_cpus);
	/* dup_mmap(): the child's mappings count against the model's limit */
	err = clone_vm ? 0 : vma_may_map(m, parent->mm->total_vm);
	if (!err)
		err = task_alloc(m, &t, comm, parent->cgroup, cpu);
	if (err)
		return err;
	t->real_parent = parent;
	list_add_tail(&t->sibling, &parent->children);
	t->oom_score_adj = parent->oom_score_adj;
	t->cap_ipc_lock = parent->cap_ipc_lock;
	t->rlimit_memlock = parent->rlimit_memlock;
	t->rlimit_nofile = parent->rlimit_nofile;
	/* Kernel stack and task_struct are charged as the forking task. */
	err = task_fork_charge(m, t, parent);
	if (err) {
		task_do_exit(m, t, 0);
		return err;
	}
	if (clone_vm) {
		t->mm = parent->mm;
		t->mm->users++;
	} else {
		t->mm = mm_dup(m, parent->mm, t);
	}
	pins_task_fork(m, parent, t);
	ext_call_task_fork(m, parent, t);
	*out = t;
	return 0;
}

void task_do_exit(struct machine *m, struct task *t, int sig)
{
	struct list_node *pos, *tmp;
	struct task *saved = m->current;
	int saved_cpu = m->current_cpu;

	if (t->state != SMEMCG_TASK_ALIVE)
		return;
	m->current = t;
	m->current_cpu = t->cpu;
	t->state = sig ? SMEMCG_TASK_KILLED : SMEMCG_TASK_EXITED;
	t->exit_signal = sig;
	t->dying = true;
	task_exit_files(m, t);
	if (t->mm) {
		struct mm_struct *mm = t->mm;

		mm_update_next_owner(m, mm, t);
		t->mm = NULL;
		mmput(m, mm);
	}
	task_exit_free_stack(m, t);
	/* Children are reparented to init: they no longer list t. */
	list_for_each_safe(pos, tmp, &t->children) {
		struct task *c = container_of(pos, struct task, sibling);

		list_del(&c->sibling);
		c->real_parent = NULL;
	}
	list_del(&t->sibling);
	list_del(&t->cg_node);
	{
		struct task_rec *rec = &m->mm->recs[t->pid - TASK_FIRST_PID];
		char path[4096];

		cgroup_path(t->cgroup, path, sizeof(path));
		rec->exit_cgroup = intern(m->mm, path);
		rec->state = (uint8_t)t->state;
		rec->exit_signal = (uint8_t)sig;
	}
	/* reaped (freed) after the operation, which may still look at it */
	list_del(&t->tasks_node);
	list_add_tail(&t->tasks_node, &m->mm->dead);
	t->cgroup->nr_populated_tasks--;
	m->mm->nr_alive--;
	m->current = saved == t ? NULL : saved;
	m->current_cpu = saved == t ? 0 : saved_cpu;
}

enum sig_action { SIG_TERM, SIG_IGNORE, SIG_STOP, SIG_CONT };

/* The default action of sig (kernel/signal.c's sig_kernel_*_mask). */
static enum sig_action sig_default_action(int sig)
{
	switch (sig) {
	case 17: case 23: case 28:	/* SIGCHLD, SIGURG, SIGWINCH */
		return SIG_IGNORE;
	case 19: case 20: case 21: case 22:	/* SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU */
		return SIG_STOP;
	case 18:			/* SIGCONT */
		return SIG_CONT;
	default:			/* terminate, with or without a core */
		return SIG_TERM;
	}
}

void task_kill(struct machine *m, struct task *t, int sig)
{
	if (t->state != SMEMCG_TASK_ALIVE)
		return;
	switch (sig_default_action(sig)) {
	case SIG_IGNORE:
		return;
	case SIG_STOP:
		t->stopped = true;
		return;
	case SIG_CONT:
		if (!t->stopped)
			return;
		t->stopped = false;
		/* a fatal signal that came while it was stopped is delivered now */
		if (t->pending_signal && !t->dying)
			task_kill_why(m, t, t->pending_signal, SMEMCG_EV_KILL,
				      "signal %d, sent while it was stopped, delivered by SIGCONT",
				      t->pending_signal);
		return;
	case SIG_TERM:
		break;
	}
	if (t->stopped && sig != SIGKILL_NR) {
		if (!t->pending_signal)
			t->pending_signal = sig;
		return;
	}
	if (t == m->current) {
		/* Dies when its current operation returns (task_leave). */
		t->dying = true;
		if (!t->pending_signal || sig == SIGKILL_NR)
			t->pending_signal = sig;
		return;
	}
	task_do_exit(m, t, sig);
}

void task_kill_why(struct machine *m, struct task *t, int sig, enum smemcg_event_type ev,
		   const char *fmt, ...)
{
	char why[900];
	va_list ap;

	/*
	 * A signal that stops, continues or is ignored kills nothing, and a
	 * fatal one other than SIGKILL waits while the task is stopped: its
	 * reason is given when SIGCONT delivers it.
	 */
	if (sig_default_action(sig) != SIG_TERM || (t->stopped && sig != SIGKILL_NR)) {
		task_kill(m, t, sig);
		return;
	}
	if (t->state != SMEMCG_TASK_ALIVE || t->death)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	t->death = xstrdup(why);
	t->death_ns = m->now_ns;
	event_emit(m, ev, t->pid, sig, 0, task_memcg(t), NULL, 1, "%s (pid %d): %s", t->comm,
		   t->pid, why);
	task_kill(m, t, sig);
}

int task_may_run(struct machine *m, struct task *t)
{
	if (!t->stopped)
		return 0;
	return machine_error(m, -EAGAIN,
			     "process %s (pid %d) is stopped: it runs nothing until SIGCONT",
			     t->comm, t->pid);
}

void task_cgroup_changed(struct machine *m, struct task *t,
			 struct cgroup *from, struct cgroup *to)
{
	mm_task_moved(m, t, cgroup_effective_memcg(from), cgroup_effective_memcg(to));
}

void task_enter(struct machine *m, struct task *t)
{
	m->current = t;
	m->current_cpu = t->cpu;
}

void task_leave(struct machine *m, struct task *t)
{
	/* Return to user space: memory.high work, then a pending fatal signal. */
	if (t->state == SMEMCG_TASK_ALIVE && !t->dying)
		mem_cgroup_handle_over_high(m, t);
	m->current = NULL;
	m->current_cpu = 0;
	if (t->state == SMEMCG_TASK_ALIVE && t->dying)
		task_do_exit(m, t, t->pending_signal ? t->pending_signal : SIGKILL_NR);
}

void task_exit_files(struct machine *m, struct task *t)
{
	ext_call_task_exit(m, t);
	pins_task_exit(m, t);
}
