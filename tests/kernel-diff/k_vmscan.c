// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel side of the scan_count family: mm/vmscan.c's get_scan_count
 * on the lruvec of a memcg at the bottom of a chain, with the scan_control
 * of a global or a memcg reclaim. Its trace: the four scan targets and
 * whether memory.low was skipped.
 */
#include "kdiff_kernel.h"
#include "include/memcontrol_h.c"
#include "mm/vmscan.c"
#include "kdiff.h"

int kern_scan_count(const struct kd_scan_input *in, struct kd_trace *t)
{
	static struct mem_cgroup mc[KD_SCAN_LEVELS];
	unsigned long nr[NR_LRU_LISTS] = { 0 };
	struct scan_control sc;
	struct mem_cgroup *memcg;
	struct lruvec *lruvec;
	int i;

	for (i = 0; i < in->depth; i++) {
		kd_memcg_init(&mc[i], i ? &mc[i - 1] : NULL, (unsigned short)(i + 1));
		mc[i].swap.max = in->swap_max[i];
		atomic_long_set(&mc[i].swap.usage, (long)in->swap_usage[i]);
	}
	root_mem_cgroup = &mc[0];
	memcg = &mc[in->depth - 1];
	atomic_long_set(&memcg->memory.usage, (long)in->usage);
	memcg->memory.emin = in->emin;
	memcg->memory.elow = in->elow;
	if (!in->online)
		memcg->css.flags &= ~CSS_ONLINE;
	vm_swappiness = in->swappiness;
	atomic_long_set(&nr_swap_pages, in->nr_swap_pages);
	lruvec = mem_cgroup_lruvec(memcg, &kd_node0);
	for (i = 0; i < 4; i++)
		lruvec->lru_size[i] = in->lru[i];

	memset(&sc, 0, sizeof(sc));
	sc.target_mem_cgroup = in->target == KD_SCAN_GLOBAL ? NULL : &mc[in->target_level];
	sc.may_swap = in->may_swap;
	sc.cache_trim_mode = in->cache_trim_mode;
	sc.memcg_low_reclaim = in->memcg_low_reclaim;
	sc.priority = (s8)in->priority;
	sc.anon_cost = in->anon_cost;
	sc.file_cost = in->file_cost;
	get_scan_count(lruvec, &sc, nr);
	for (i = 0; i < 4; i++)
		kd_put(t, "nr", i, (int64_t)nr[i]);
	kd_put(t, "memcg_low_skipped", -1, sc.memcg_low_skipped);
	return 0;
}
