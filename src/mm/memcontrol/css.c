// SPDX-License-Identifier: GPL-2.0-only
/*
 * css callbacks of the memory controller (memory_cgrp_subsys's
 * css_online/css_offline/css_released/css_free): 6.1's own work (objcg,
 * per-CPU memory) and then each extension's, through the table of
 * src/ext/hooks.h.
 */
#include "memcg.h"

#include <stdlib.h>

#include "../../machine.h"
#include "objcg.h"
#include "../kmem.h"

void memcg_css_online(struct machine *m, struct mem_cgroup *memcg)
{
	kmem_charge_percpu(m, memcg);
	memcg_online_kmem(m, memcg);
	ext_call_css_online(m, memcg);
}

void memcg_css_offline(struct machine *m, struct mem_cgroup *memcg)
{
	memcg_offline_kmem(m, memcg);
	ext_call_css_offline(m, memcg);
}

void memcg_css_released(struct machine *m, struct mem_cgroup *memcg)
{
	kmem_uncharge_percpu(m, memcg);
	ext_call_css_released(m, memcg);
}

void memcg_css_free(struct machine *m, struct mem_cgroup *memcg)
{
	ext_call_css_free(m, memcg);
	free(memcg->ext);
	free(memcg);
}
