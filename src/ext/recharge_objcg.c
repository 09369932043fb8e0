// SPDX-License-Identifier: GPL-2.0-only
/*
 * recharge=objcg: the upstream answer to seed 002's zombies, Muchun Song
 * and Qi Zheng's series "mm: memcontrol: eliminate the problem of dying
 * memory cgroup for LRU folios" (v2, December 2025). LRU folios point to
 * an obj_cgroup instead of a memcg, as kernel memory has since 5.9; at
 * offline the objcg is reparented and the child's LRU lists are spliced
 * onto the parent's, so that no LRU folio keeps the dying memcg.
 *
 * What moves: every page on the zombie's LRU lists, to the nearest online
 * ancestor, keeping its list and its order, spliced at the tail of the
 * ancestor's list of the same kind: the zombie's pages become the
 * ancestor's oldest, the first that reclaim takes. What stays: swap
 * entries (they record the memcg's id, which keeps it), pages on no LRU,
 * pins accounted to it, a per-CPU stock's reference: any of them keeps
 * the memcg a zombie, as upstream.
 *
 * The kernel's cost is one list splice per LRU list and a reparented
 * objcg, no per-page work; the model moves the pages one by one and counts
 * them in recharge_pgs_moved, so that compare sets it beside seed 002's
 * policies.
 */
#include <stdlib.h>
#include <string.h>

#include "../event_log.h"
#include "../machine.h"
#include "../mm/lru.h"
#include "../mm/memcontrol/memcg.h"
#include "../mm/memcontrol/page_memcg.h"
#include "../mm/memobj.h"
#include "hooks.h"

static const struct ext_policy objcg_policies[] = {
	{ "recharge", "objcg" }, { NULL, NULL },
};

/* m->ext[EXT_recharge_objcg] is non-NULL while recharge=objcg */
static bool objcg_on(const struct machine *m)
{
	return m->ext[EXT_recharge_objcg] != NULL;
}

static void objcg_policy(struct machine *m, const char *key, const char *value)
{
	(void)key;
	m->ext[EXT_recharge_objcg] = strcmp(value, "objcg") ? NULL : (void *)objcg_policies;
}

static void objcg_css_offline(struct machine *m, struct mem_cgroup *memcg)
{
	struct mem_cgroup *to = memcg_online_ancestor(memcg->parent);
	int lru;

	/* memcg_offline() holds the zombie while its last pages go */
	long moved = 0;

	if (!objcg_on(m))
		return;
	for (lru = 0; lru < NR_LRU_LISTS; lru++) {
		pgh_t h;

		/* from the newest to the oldest, each appended: the order is kept */
		while ((h = memcg->lruvec.lists[lru].head) != PAGE_NIL) {
			struct memobj *obj = memobj_of_id(m, page_object(&m->pages, h));

			page_move_charge_up(m, obj, h, to);
			lru_del(m, to, h);
			lru_add(m, to, h, lru, true);
			memcg->stat[MEMCG_RECHARGE_PGS_MOVED]++;
			moved++;
			if (mem_cgroup_is_root(to))
				m->root_mem_cgroup->stat[MEMCG_RECHARGED_TO_ROOT]++;
		}
	}
	if (moved)
		event_emit(m, SMEMCG_EV_RECHARGE, current_pid(m), 0, 0, memcg, "moved", moved,
			   "recharge=objcg at rmdir: %ld page%s reparented through the objcg",
			   moved, moved == 1 ? "" : "s");
}

static bool objcg_stat_visible(const struct machine *m, int item)
{
	return item >= MEMCG_NR_KERNEL_STATS && objcg_on(m);
}

const struct ext_ops recharge_objcg_ext_ops = {
	.name = "upstream: reparenting LRU folios through their objcg",
	.policies = objcg_policies,
	.policy = objcg_policy,
	.css_offline = objcg_css_offline,
	.stat_visible = objcg_stat_visible,
};
