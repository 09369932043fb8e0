// SPDX-License-Identifier: GPL-2.0-only
/*
 * Address spaces: creation, fork, teardown, and the mm->owner hand-off of
 * 6.1's kernel/exit.c. Who carries an mm's charges when a task moves is
 * the owner's business (6.1), or an extension's (ext_mm_task_moved).
 */
#include "mm.h"

#include <stdlib.h>

#include "kmem.h"
#include "../machine.h"
#include "mm_state.h"
#include "task.h"
#include "vma.h"

struct mm_struct *mm_alloc(struct machine *m, struct task *owner)
{
	struct mm_struct *mm = xcalloc(1, sizeof(*mm));

	mm->users = 1;
	mm->count = 1;
	mm->owner = owner;
	list_init(&mm->vmas);
	if (unlikely(m->ext_keys.mm_memcg))
		ext_mm_init(m, mm, owner);
	return mm;
}

struct mm_struct *mm_dup(struct machine *m, struct mm_struct *old,
			 struct task *child)
{
	struct mm_struct *mm = mm_alloc(m, child);
	struct list_node *pos;

	/* the mm_struct is charged as the forking task (current) */
	if (!kmem_charge_mm(m, &mm->kmem_cookie))
		mm->has_kmem = true;
	mm->next_va = old->next_va;
	list_for_each(pos, &old->vmas)
		vma_dup(m, container_of(pos, struct vm_area, node), mm);
	return mm;
}

void mmput(struct machine *m, struct mm_struct *mm)
{
	if (--mm->users > 0)
		return;
	while (!list_empty(&mm->vmas))
		vma_munmap(m, container_of(mm->vmas.next, struct vm_area, node));
	if (unlikely(m->ext_keys.mm_memcg))
		ext_mm_exit(m, mm);
	if (mm->has_kmem)
		kmem_uncharge_mm(m, mm->kmem_cookie);
	mmdrop(mm);
}

void mmdrop(struct mm_struct *mm)
{
	if (--mm->count > 0)
		return;
	intmap_free(&mm->upper);
	intmap_free(&mm->vma_ids);
	free(mm->ext);
	free(mm);
}

static struct task *first_user_in(struct list_node *head, struct mm_struct *mm,
				  struct task *exiting)
{
	struct list_node *pos;

	list_for_each(pos, head) {
		struct task *c = container_of(pos, struct task, sibling);

		if (c != exiting && c->mm == mm && c->state == SMEMCG_TASK_ALIVE)
			return c;
	}
	return NULL;
}

void mm_update_next_owner(struct machine *m, struct mm_struct *mm,
			  struct task *exiting)
{
	struct task *c = NULL;
	struct list_node *pos;

	if (mm->owner != exiting)
		return;
	if (mm->users <= 1) {
		mm->owner = NULL;
		return;
	}
	/* children, then siblings, then every process */
	c = first_user_in(&exiting->children, mm, exiting);
	if (!c && exiting->real_parent)
		c = first_user_in(&exiting->real_parent->children, mm, exiting);
	for_each_task(pos, m) {
		struct task *g = task_of_node(pos);

		if (c)
			break;
		if (g != exiting && g->mm == mm && g->state == SMEMCG_TASK_ALIVE)
			c = g;
	}
	mm->owner = c;
}

long mm_rss(const struct mm_struct *mm)
{
	return mm->rss[MM_FILEPAGES] + mm->rss[MM_ANONPAGES] + mm->rss[MM_SHMEMPAGES];
}

void mm_task_moved(struct machine *m, struct task *t,
		   struct mem_cgroup *from, struct mem_cgroup *to)
{
	bool carries;

	if (!t->mm)
		return;
	/* who carries the mm's charges along: its owner (6.1), or an extension's rule */
	if (unlikely(m->ext_keys.mm_memcg))
		carries = ext_mm_task_moved(m, t, from, to);
	else
		carries = t->mm->owner == t;
	if (carries && unlikely(m->ext_keys.attach))
		ext_call_attach(m, t, from, to);
}
