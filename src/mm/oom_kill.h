/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The OOM killer (mm/oom_kill.c): victim selection by badness, memcg and
 * global OOM, memory.oom.group.
 */
#ifndef SMEMCG_OOM_KILL_H
#define SMEMCG_OOM_KILL_H

#include <stdbool.h>

struct machine;
struct mem_cgroup;
struct task;

/*
 * mem_cgroup_out_of_memory: true when the charge may be retried (margin
 * appeared, a victim was killed, or the current task is dying).
 */
bool mem_cgroup_out_of_memory(struct machine *m, struct mem_cgroup *memcg,
			      unsigned gfp, int order);
/* The global OOM killer; false when nothing could be killed. */
bool out_of_memory_global(struct machine *m, unsigned gfp);
/* oom_badness(): LONG_MIN for an unkillable task. */
long oom_badness(struct machine *m, struct task *t, long totalpages);

#endif
