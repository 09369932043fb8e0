// SPDX-License-Identifier: GPL-2.0-only
/*
 * The OOM killer, after mm/oom_kill.c and mm_memcontrol.c of Linux 6.1.
 *
 * Badness is rss + swap entries + page-table pages of the victim's mm,
 * plus oom_score_adj * totalpages / 1000 (totalpages divided first); -1000
 * is never chosen. Candidates are visited memcg by memcg in pre-order and
 * task by task in the order they joined; an equal score replaces the
 * previous choice, as oom_evaluate_task's "points < chosen_points" does.
 *
 * Killing: the victim and every other process sharing its mm get SIGKILL;
 * oom_kill counts on the memcg of the mm's owner. With memory.oom.group,
 * the highest ancestor of the victim (up to the OOM domain) that has it
 * set is killed whole, the victim included again (so it counts twice),
 * tasks with oom_score_adj -1000 spared. The memory of the killed is freed
 * after the whole kill, as the OOM reaper would.
 */
#include "oom_kill.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "memcontrol/charge.h"
#include "../event_log.h"
#include "../machine.h"
#include "mm.h"
#include "mm_state.h"
#include "task.h"

long oom_badness(struct machine *m, struct task *t, long totalpages)
{
	long points, adj;

	(void)m;
	if (!t->mm || t->state != SMEMCG_TASK_ALIVE)
		return LONG_MIN;
	adj = t->oom_score_adj;
	if (adj == OOM_SCORE_ADJ_MIN)
		return LONG_MIN;
	points = mm_rss(t->mm) + t->mm->rss[MM_SWAPENTS] + t->mm->pgtables;
	adj *= totalpages / 1000;
	return points + adj;
}

struct oom_control {
	struct mem_cgroup *memcg;	/* NULL: global */
	unsigned gfp;
	int order;
	char why[1024];			/* the victim's death, for the event log */
	long totalpages;
	struct task *chosen;
	long chosen_points;
	bool abort;
	struct task **killed;		/* reaped after the kill */
	int nr_killed, cap_killed;
};

static void evaluate_task(struct machine *m, struct oom_control *oc, struct task *t)
{
	long points;

	if (t->state != SMEMCG_TASK_ALIVE)
		return;
	/* a victim still exiting: wait for it rather than kill another */
	if (t->oom_victim && t->dying) {
		oc->abort = true;
		return;
	}
	points = oom_badness(m, t, oc->totalpages);
	if (points == LONG_MIN || points < oc->chosen_points)
		return;
	oc->chosen = t;
	oc->chosen_points = points;
}

/* The tasks charged to memcg: its cgroup and descendants without a css. */
static void scan_cgroup_tasks(struct machine *m, struct cgroup *cg,
			      void (*fn)(struct machine *, struct oom_control *, struct task *),
			      struct oom_control *oc, bool top)
{
	struct list_node *pos, *tmp;
	struct cgroup *c;

	if (!top && cg->memcg)
		return;
	list_for_each_safe(pos, tmp, &cg->tasks)
		fn(m, oc, container_of(pos, struct task, cg_node));
	for (c = cg->first_child; c; c = c->next_sibling)
		scan_cgroup_tasks(m, c, fn, oc, false);
}

static void mem_cgroup_scan_tasks(struct machine *m, struct mem_cgroup *root,
				  void (*fn)(struct machine *, struct oom_control *,
					     struct task *),
				  struct oom_control *oc)
{
	struct mem_cgroup *pos = NULL;

	while ((pos = memcg_iter_next(root, pos)) && !oc->abort)
		if (pos->cgroup && mem_cgroup_online(pos))
			scan_cgroup_tasks(m, pos->cgroup, fn, oc, true);
}


static void note_killed(struct oom_control *oc, struct task *t)
{
	int i;

	for (i = 0; i < oc->nr_killed; i++)
		if (oc->killed[i] == t)
			return;
	ALLOC_GROW(oc->killed, oc->nr_killed + 1, oc->cap_killed);
	oc->killed[oc->nr_killed++] = t;
}

/* The victim's death: kept for messages about it, and reported. */
static void oom_record_death(struct machine *m, struct oom_control *oc, struct task *t,
			     const char *why)
{
	if (t->death)
		return;
	t->death = xstrdup(why);
	t->death_ns = m->now_ns;
	event_emit(m, SMEMCG_EV_OOM_KILL, t->pid, SIGKILL_NR, 0, oc->memcg, NULL, 1,
		   "%s (pid %d) OOM-killed: %s", t->comm, t->pid, why);
}

static void __oom_kill_process(struct machine *m, struct oom_control *oc,
			       struct task *victim)
{
	struct mm_struct *mm = victim->mm;
	struct list_node *pos, *tmp;
	struct mem_cgroup *memcg;

	if (!mm || victim->state != SMEMCG_TASK_ALIVE)
		return;
	memcg = get_mem_cgroup_from_mm_struct(m, mm);
	memcg_memory_event(m, memcg, MEMCG_OOM_KILL);
	oom_record_death(m, oc, victim, oc->why);
	victim->dying = true;
	victim->oom_victim = true;
	if (!victim->pending_signal)
		victim->pending_signal = SIGKILL_NR;
	note_killed(oc, victim);
	/* every process sharing the mm dies with it (not counted) */
	list_for_each_safe(pos, tmp, &m->mm->tasks) {
		struct task *p = task_of_node(pos);

		if (p != victim && p->mm == mm && p->state == SMEMCG_TASK_ALIVE) {
			char why[128];

			snprintf(why, sizeof(why), "shares the mm of OOM victim %s (pid %d)",
				 victim->comm, victim->pid);
			oom_record_death(m, oc, p, why);
			p->dying = true;
			if (!p->pending_signal)
				p->pending_signal = SIGKILL_NR;
			note_killed(oc, p);
		}
	}
}

static struct mem_cgroup *mem_cgroup_get_oom_group(struct machine *m,
						   struct task *victim,
						   struct mem_cgroup *domain)
{
	struct mem_cgroup *memcg = task_memcg(victim), *group = NULL;

	if (!domain)
		domain = m->root_mem_cgroup;
	if (mem_cgroup_is_root(memcg) || !mem_cgroup_is_descendant(memcg, domain))
		return NULL;
	for (; memcg; memcg = memcg->parent) {
		if (memcg->oom_group)
			group = memcg;
		if (memcg == domain)
			break;
	}
	return group;
}

static void kill_group_member(struct machine *m, struct oom_control *oc,
			      struct task *t)
{
	if (t->oom_score_adj != OOM_SCORE_ADJ_MIN) {
		char path[512];

		/* the victim is killed (and counted) again, as the kernel does */
		if (!t->death) {
			memcg_describe(m, task_memcg(t), path, sizeof(path));
			snprintf(oc->why, sizeof(oc->why), "a member of memory.oom.group %s",
				 path);
		}
		__oom_kill_process(m, oc, t);
	}
}

/* The reaper: tear down every task killed by this OOM. */
static void reap(struct machine *m, struct oom_control *oc)
{
	int i;

	for (i = 0; i < oc->nr_killed; i++) {
		struct task *t = oc->killed[i];

		/* the current task dies when its operation unwinds */
		if (t != m->current)
			task_do_exit(m, t, t->pending_signal ? t->pending_signal : SIGKILL_NR);
	}
	free(oc->killed);
	oc->killed = NULL;
}

static void oom_kill_process(struct machine *m, struct oom_control *oc)
{
	struct task *victim = oc->chosen;
	struct mem_cgroup *group = mem_cgroup_get_oom_group(m, victim, oc->memcg);

	__oom_kill_process(m, oc, victim);
	if (group) {
		memcg_memory_event(m, group, MEMCG_OOM_GROUP_KILL);
		mem_cgroup_scan_tasks(m, group, kill_group_member, oc);
	}
	reap(m, oc);
}

/* Why the victim dies: which limit, and the charge that hit it. */
static void oom_explain(struct machine *m, struct oom_control *oc)
{
	struct task *cur = m->current;
	char dom[512], by[128] = "";

	if (cur)
		snprintf(by, sizeof(by), " by %s (pid %d)", cur->comm, cur->pid);
	if (oc->memcg) {
		memcg_describe(m, oc->memcg, dom, sizeof(dom));
		snprintf(oc->why, sizeof(oc->why),
			 "the largest task in %s, at its memory.max (%ld of %ld pages), on a charge of %d page%s%s",
			 dom, page_counter_read(&oc->memcg->memory), oc->memcg->memory.max,
			 1 << oc->order, oc->order ? "s" : "", by);
	} else {
		snprintf(oc->why, sizeof(oc->why),
			 "the largest task of the machine, out of memory on an allocation of %d page%s%s",
			 1 << oc->order, oc->order ? "s" : "", by);
	}
}

static bool out_of_memory(struct machine *m, struct oom_control *oc)
{
	struct task *cur = m->current;

	/* current is already dying: let it exit and free its memory */
	if (cur && cur->state == SMEMCG_TASK_ALIVE && cur->dying)
		return true;
	oc->chosen_points = LONG_MIN;
	if (oc->memcg) {
		mem_cgroup_scan_tasks(m, oc->memcg, evaluate_task, oc);
	} else {
		struct list_node *pos;

		for_each_task(pos, m) {
			if (oc->abort)
				break;
			evaluate_task(m, oc, task_of_node(pos));
		}
	}
	if (oc->abort)
		return true;
	if (!oc->chosen) {
		/*
		 * "Out of memory and no killable processes...", except for a
		 * remote charge (GFP_REMOTE: seed 001), which fails quietly.
		 */
		if (!(oc->gfp & GFP_REMOTE))
			m->oom_no_victim++;
		return false;
	}
	oom_explain(m, oc);
	oom_kill_process(m, oc);
	return true;
}

static long mem_cgroup_get_max(struct machine *m, struct mem_cgroup *memcg)
{
	long max = memcg->memory.max;
	long swap = MIN(memcg->swap.max, m->mm->swap.total);

	/* swappiness is non-zero: swap adds capacity */
	if (max > PAGE_COUNTER_MAX - swap)
		return PAGE_COUNTER_MAX;
	return max + swap;
}

bool mem_cgroup_out_of_memory(struct machine *m, struct mem_cgroup *memcg,
			      unsigned gfp, int order)
{
	struct oom_control oc = { 0 };

	oc.gfp = gfp;
	oc.order = order;
	if (mem_cgroup_margin(memcg) >= (1L << order))
		return true;
	if (m->current && m->current->dying)
		return true;
	oc.memcg = memcg;
	oc.totalpages = MAX(mem_cgroup_get_max(m, memcg), 1);
	return out_of_memory(m, &oc);
}

bool out_of_memory_global(struct machine *m, unsigned gfp)
{
	struct oom_control oc = { 0 };

	oc.gfp = gfp;
	oc.totalpages = m->mm->zone.managed + m->mm->swap.total;
	return out_of_memory(m, &oc);
}
