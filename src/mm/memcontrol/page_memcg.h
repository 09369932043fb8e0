/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The memcg side of user pages (folios): charging a new page, committing
 * the charge, the statistics each page contributes to its memcg, freeing,
 * and moving a page's charge to another memcg. After mm/memcontrol.c
 * (mem_cgroup_charge, uncharge_folio, mem_cgroup_move_account).
 */
#ifndef SMEMCG_PAGE_MEMCG_H
#define SMEMCG_PAGE_MEMCG_H

#include <stdbool.h>

#include "memcg.h"
#include "../memobj.h"

struct machine;

/* The memcg owning a page, or NULL (not charged, or owned by an smemcg). */
struct mem_cgroup *page_memcg(const struct machine *m, pgh_t h);

/*
 * Allocate and charge one page for memcg (global allocation first, as
 * alloc_pages then mem_cgroup_charge). 0, -ENOMEM, or -ENOSPC (remote).
 */
int page_alloc_charge(struct machine *m, struct mem_cgroup *memcg, unsigned gfp);
/* Undo page_alloc_charge when the page was not installed after all. */
void page_alloc_cancel(struct machine *m, struct mem_cgroup *memcg);

/* Put a charged page at slot h: owner, stats, LRU. */
void page_install(struct machine *m, struct memobj *obj, pgh_t h,
		  struct mem_cgroup *memcg, bool unevictable);
/* Free a resident page: off the LRU, stats, uncharge, slot emptied. */
void page_free(struct machine *m, struct memobj *obj, pgh_t h);
/* The same, leaving a page-cache shadow entry in the slot (reclaim). */
void page_free_shadow(struct machine *m, struct memobj *obj, pgh_t h, uint64_t shadow);

/* Add (sign +1) or remove (-1) a page's contribution to memcg's stats. */
void page_stat_account(struct machine *m, const struct memobj *obj, pgh_t h,
		       struct mem_cgroup *memcg, int sign);
/* Change flags that carry stats (dirty, mapcount) through these. */
void page_set_dirty(struct machine *m, struct memobj *obj, pgh_t h, bool dirty);
void page_mapcount_inc(struct machine *m, struct memobj *obj, pgh_t h);
/* Returns the new mapcount. */
uint32_t page_mapcount_dec(struct machine *m, struct memobj *obj, pgh_t h);

/* The LRU a page belongs on now. */
int page_lru_for(const struct machine *m, const struct memobj *obj, pgh_t h);
/* mark_page_accessed(): referenced, then active on the second access. */
void mark_page_accessed(struct machine *m, struct memobj *obj, pgh_t h);
/* Re-file a page on the LRU after its evictability changed. */
void page_lru_refile(struct machine *m, struct memobj *obj, pgh_t h);

/*
 * Move a resident page's charge to `to` (mem_cgroup_move_account):
 * try_charge(to) with gfp, uncharge the old owner, move stats and LRU.
 */
int page_move_charge(struct machine *m, struct memobj *obj, pgh_t h,
		     struct mem_cgroup *to, unsigned gfp);

/*
 * Move a page's charge up to an ancestor of its owner: the levels in
 * between are uncharged, the ancestor's count does not change (it already
 * counted the page), so no limit can refuse it.
 */
void page_move_charge_up(struct machine *m, struct memobj *obj, pgh_t h,
			 struct mem_cgroup *ancestor);

#endif
