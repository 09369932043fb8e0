/*
 * Address spaces: creation, fork, teardown, and the mm->owner hand-off of
 * 6.1's kernel/exit.c.
 */
#include "mm.h"

#include <stdlib.h>

#include "../machine.h"
#include "mm_state.h"
#include "task.h"

struct mm_struct *mm_alloc(struct machine *m, struct task *owner)
{
	struct mm_struct *mm = xcalloc(1, sizeof(*mm));

	(void)m;
	mm->users = 1;
	mm->owner = owner;
	list_init(&mm->vmas);
	return mm;
}

struct mm_struct *mm_dup(struct machine *m, struct mm_struct *old,
			 struct task *child)
{
	struct mm_struct *mm = mm_alloc(m, child);

	(void)old;
	return mm;
}

void mmput(struct machine *m, struct mm_struct *mm)
{
	(void)m;
	if (--mm->users > 0)
		return;
	free(mm);
}

static struct task *first_user_in(struct list_node *head, struct mm_struct *mm,
				  bool children)
{
	struct list_node *pos;

	list_for_each(pos, head) {
		struct task *c = children ? container_of(pos, struct task, sibling)
					  : container_of(pos, struct task, sibling);

		if (c->mm == mm && c->state == SMEMCG_TASK_ALIVE)
			return c;
	}
	return NULL;
}

void mm_update_next_owner(struct machine *m, struct mm_struct *mm,
			  struct task *exiting)
{
	struct task *c = NULL;
	int i;

	if (mm->owner != exiting)
		return;
	if (mm->users <= 1) {
		mm->owner = NULL;
		return;
	}
	c = first_user_in(&exiting->children, mm, true);
	if (!c && exiting->real_parent)
		c = first_user_in(&exiting->real_parent->children, mm, false);
	for (i = 0; !c && i < m->mm->nr_tasks; i++) {
		struct task *g = m->mm->tasks[i];

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
	(void)m;
	(void)t;
	(void)from;
	(void)to;
}
