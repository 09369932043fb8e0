// SPDX-License-Identifier: GPL-2.0-only
/*
 * css callbacks of the memory controller: where the layers above hook into
 * a memcg's lifecycle (objcg for kernel memory, extensions, recharging),
 * as memory_cgrp_subsys's css_online/css_offline/css_released do.
 */
#include "memcg.h"

#include "../../machine.h"
#include "objcg.h"
#include "../kmem.h"
#include "../../ext/smemcg.h"
#include "../../ext/recharge.h"

void memcg_css_online(struct machine *m, struct mem_cgroup *memcg)
{
	kmem_charge_percpu(m, memcg);
	memcg_online_kmem(m, memcg);
}

void memcg_css_offline(struct machine *m, struct mem_cgroup *memcg)
{
	memcg_offline_kmem(m, memcg);
	smemcg_memcg_offline(m, memcg);
	recharge_memcg_offline(m, memcg);
}

void memcg_css_released(struct machine *m, struct mem_cgroup *memcg)
{
	kmem_uncharge_percpu(m, memcg);
}
