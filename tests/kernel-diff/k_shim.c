// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel side's globals and the shim's few out-of-line helpers
 * (shim/kdiff_kernel.h): what the cut kernel functions read as the
 * machine's state is set here by the k_*.c drivers before each call.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kdiff_kernel.h"

long kd_kernel_warnings;
long kd_lru_note_cost_calls;
struct cgroup_root cgrp_dfl_root;
struct mem_cgroup *root_mem_cgroup;
struct pglist_data kd_node0;
struct memcg_stock_pcp *kd_this_cpu_stock;
atomic_long_t nr_swap_pages;
int vm_swappiness = 60;
bool numa_demotion_enabled;

/* mem_cgroup_from_id(): the memcgs of the case, by id; NULL past the end */
struct mem_cgroup **kd_memcg_ids;
int kd_nr_memcg_ids;

struct mem_cgroup *kd_mem_cgroup_from_id(int id)
{
	return id > 0 && id <= kd_nr_memcg_ids ? kd_memcg_ids[id - 1] : NULL;
}

void kd_memcg_init(struct mem_cgroup *memcg, struct mem_cgroup *parent, unsigned short id)
{
	memset(memcg, 0, sizeof(*memcg));
	memcg->id = id;
	memcg->css.parent = parent ? &parent->css : NULL;
	memcg->css.flags = CSS_ONLINE;
	/* mem_cgroup_css_alloc(): counters under the parent's, high at max */
	page_counter_init(&memcg->memory, parent ? &parent->memory : NULL);
	page_counter_set_high(&memcg->memory, PAGE_COUNTER_MAX);
	page_counter_init(&memcg->swap, parent ? &parent->swap : NULL);
	page_counter_set_high(&memcg->swap, PAGE_COUNTER_MAX);
	page_counter_init(&memcg->memsw, parent ? &parent->memsw : NULL);
	memcg->swappiness = vm_swappiness;
	memcg->nodeinfo[0] = &memcg->node0;
	memcg->node0.memcg = memcg;
	memcg->node0.lruvec.pgdat = &kd_node0;
}

struct task_struct *kd_current;

void kd_unreachable(const char *what)
{
	fprintf(stderr, "kdiff: the kernel's side reached %s, which the shim does not have\n", what);
	abort();
}
