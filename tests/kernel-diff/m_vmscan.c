// SPDX-License-Identifier: GPL-2.0-only
/*
 * The model's side of the scan_count family: src/mm/vmscan.c's static
 * get_scan_count, reached by including the file (KD_MODEL_SRC names a
 * mutated copy in the mutant builds), on a bare machine: the swap device,
 * vm.swappiness and a chain of memcgs, nothing else.
 */
#ifndef KD_MODEL_SRC
#define KD_MODEL_SRC "mm/vmscan.c"
#endif
#include KD_MODEL_SRC

#include "kdiff.h"
#include "m_side.h"

int model_scan_count(const struct kd_scan_input *in, struct kd_trace *t)
{
	static struct mem_cgroup mc[KD_SCAN_LEVELS];
	struct mem_cgroup *memcg;
	struct scan_control sc;
	struct mm_state mms;
	struct machine m;
	long nr[NR_LRU_LISTS];
	int i;

	memset(&m, 0, sizeof(m));
	memset(&mms, 0, sizeof(mms));
	m.mm = &mms;
	mms.vm_swappiness = in->swappiness;
	mms.swap.total = in->nr_swap_pages;
	for (i = 0; i < in->depth; i++) {
		kd_model_memcg_init(&mc[i], i ? &mc[i - 1] : NULL);
		mc[i].swap.max = (long)in->swap_max[i];
		mc[i].swap.usage = (long)in->swap_usage[i];
	}
	m.root_mem_cgroup = &mc[0];
	memcg = &mc[in->depth - 1];
	memcg->memory.usage = (long)in->usage;
	memcg->memory.emin = (long)in->emin;
	memcg->memory.elow = (long)in->elow;
	if (!in->online)
		memcg->state = MEMCG_OFFLINE;
	for (i = 0; i < 4; i++)
		memcg->lruvec.lists[i].nr = (long)in->lru[i];

	memset(&sc, 0, sizeof(sc));
	sc.cgroup_reclaim = in->target != KD_SCAN_GLOBAL;
	sc.target = sc.cgroup_reclaim ? &mc[in->target_level] : m.root_mem_cgroup;
	sc.may_swap = in->may_swap;
	sc.cache_trim_mode = in->cache_trim_mode;
	sc.memcg_low_reclaim = in->memcg_low_reclaim;
	sc.priority = in->priority;
	sc.anon_cost = (long)in->anon_cost;
	sc.file_cost = (long)in->file_cost;
	get_scan_count(&m, memcg, &sc, nr);
	for (i = 0; i < 4; i++)
		kd_put(t, "nr", i, nr[i]);
	kd_put(t, "memcg_low_skipped", -1, sc.memcg_low_skipped);
	return 0;
}
