/*
 * The OOM killer (mm/oom_kill.c). Placeholder until the memory model
 * lands: with no task memory there is no victim, as when every task is
 * unkillable, so the charge fails.
 */
#include "oom_kill.h"

bool mem_cgroup_out_of_memory(struct machine *m, struct mem_cgroup *memcg,
			      unsigned gfp, int order)
{
	(void)m;
	(void)memcg;
	(void)gfp;
	(void)order;
	return false;
}
