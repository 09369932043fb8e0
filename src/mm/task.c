// SPDX-License-Identifier: GPL-2.0-only
/*
 * Process lifecycle: spawn (fork from a shell in the root cgroup, then a
 * write to cgroup.procs), fork and CLONE_VM, exit with the mm->owner
 * hand-off, signals. A killed task's memory is freed at once, as the OOM
 * reaper would; if it is the task whose operation is running, the exit
 * happens when that operation unwinds.
 */
#include "task.h"

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

struct task *task_lookup(struct machine *m, int pid)
{
	struct mm_state *ms = m->mm;

	if (pid < TASK_FIRST_PID || pid >= TASK_FIRST_PID + ms->nr_tasks)
		return NULL;
	return ms->tasks[pid - TASK_FIRST_PID];
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

static struct task *task_alloc(struct machine *m, const char *comm,
			       struct cgroup *cg, int cpu)
{
	struct mm_state *ms = m->mm;
	struct task *t = xcalloc(1, sizeof(*t));

	ALLOC_GROW(ms->tasks, ms->nr_tasks + 1, ms->tasks_cap);
	t->pid = TASK_FIRST_PID + ms->nr_tasks;
	ms->tasks[ms->nr_tasks++] = t;
	t->comm = xstrdup(comm ? comm : "task");
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
	return t;
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
	t = task_alloc(m, comm, m->root_cgroup, cpu);
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
	t = task_alloc(m, comm, parent->cgroup, cpu);
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
		char path[4096];

		cgroup_path(t->cgroup, path, sizeof(path));
		t->exit_cgroup = xstrdup(path);
	}
	t->cgroup->nr_populated_tasks--;
	m->mm->nr_alive--;
	m->current = saved == t ? NULL : saved;
	m->current_cpu = saved == t ? 0 : saved_cpu;
}

void task_kill(struct machine *m, struct task *t, int sig)
{
	if (t->state != SMEMCG_TASK_ALIVE)
		return;
	if (t == m->current) {
		/* Dies when its current operation returns (task_leave). */
		t->dying = true;
		if (!t->pending_signal)
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
