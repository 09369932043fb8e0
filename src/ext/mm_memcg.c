// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seed 003 (Eric Biederman, 2018: "memcg: Replace mm->owner with
 * mm->memcg"): the mm holds its memcg. It is set when the mm is created,
 * to the memcg of the task that forks (current), and by the cgroup
 * "attach" and "fork" methods of the patch for every task using the mm,
 * the last one winning; charges move with a task only when its memcg was
 * the mm's. Policy owner=mm-memcg makes the memory controller find an
 * mm's memcg here instead of through 6.1's mm->owner (ext_mm_memcg behind
 * the static key mm_memcg).
 */
#include <stdlib.h>
#include <string.h>

#include "../machine.h"
#include "../mm/memcontrol/memcg.h"
#include "../mm/mm.h"
#include "../mm/task.h"
#include "hooks.h"

static const struct ext_policy mm_memcg_policies[] = {
	{ "owner", "mm-memcg" }, { NULL, NULL },
};

static void mm_memcg_policy(struct machine *m, const char *key, const char *value)
{
	(void)key;
	m->ext_keys.mm_memcg = !strcmp(value, "mm-memcg");
}

static struct mem_cgroup *mm_memcg_of(const struct mm_struct *mm)
{
	return ext_data(mm->ext, EXT_mm_memcg);
}

/* mm->memcg holds a reference on its memcg. */
static void mm_set_memcg(struct machine *m, struct mm_struct *mm, struct mem_cgroup *memcg)
{
	struct mem_cgroup *old = mm_memcg_of(mm);

	if (old == memcg)
		return;
	if (memcg)
		memcg_hold(memcg, MEMCG_HELD_BY_MM, 1);
	ext_data_set(&mm->ext, EXT_mm_memcg, memcg);
	if (old)
		memcg_put_ref(m, old, &old->refs_held[MEMCG_HELD_BY_MM], 1);
}

struct mem_cgroup *ext_mm_memcg(const struct machine *m, const struct mm_struct *mm)
{
	struct mem_cgroup *memcg = mm_memcg_of(mm);

	return memcg ? memcg : m->root_mem_cgroup;
}

void ext_mm_init(struct machine *m, struct mm_struct *mm, struct task *owner)
{
	/* the memcg of the task that forks (current) */
	mm_set_memcg(m, mm, m->current ? task_memcg(m->current) : task_memcg(owner));
}

void ext_mm_exit(struct machine *m, struct mm_struct *mm)
{
	mm_set_memcg(m, mm, NULL);
}

bool ext_mm_task_moved(struct machine *m, struct task *t, struct mem_cgroup *from,
		       struct mem_cgroup *to)
{
	/* the charges go along when the task's memcg was the mm's */
	bool carries = mm_memcg_of(t->mm) == from;

	/* mem_cgroup_attach: task_update_memcg for every task attached */
	mm_set_memcg(m, t->mm, to);
	return carries;
}

/* the patch's fork method: a CLONE_VM child updates the mm it shares */
static void mm_memcg_task_fork(struct machine *m, struct task *parent, struct task *child)
{
	if (m->ext_keys.mm_memcg && child->mm && child->mm == parent->mm)
		mm_set_memcg(m, child->mm, task_memcg(child));
}

const struct ext_ops mm_memcg_ext_ops = {
	.name = "seed 003: mm->memcg",
	.policies = mm_memcg_policies,
	.policy = mm_memcg_policy,
	.task_fork = mm_memcg_task_fork,
};
