// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers of the model's sides of tests/kernel-diff (m_side.h).
 */
#include "m_side.h"

#include <string.h>

#include "mm/memcontrol/memcg.h"

void kd_model_memcg_init(struct mem_cgroup *memcg, struct mem_cgroup *parent)
{
	memset(memcg, 0, sizeof(*memcg));
	page_counter_init(&memcg->memory, parent ? &parent->memory : NULL);
	page_counter_init(&memcg->swap, parent ? &parent->swap : NULL);
	memcg->parent = parent;
	memcg->is_root = !parent;
	memcg->state = MEMCG_ONLINE;
}
