// SPDX-License-Identifier: GPL-2.0-only
/*
 * Charging, statistics and LRU placement of user pages.
 *
 * Stats by page kind (6.1): anon pages count in "anon"; page cache in
 * "file", shmem pages in "file" and "shmem"; page-cache pages mapped by at
 * least one page table in "file_mapped"; dirty disk page cache in
 * "file_dirty" (shmem never counts dirty). shmem is swap-backed and lives
 * on the anon LRU lists.
 */
#include "../gup.h"
#include "page_memcg.h"

#include <errno.h>

#include "charge.h"
#include "../../machine.h"
#include "../lru.h"
#include "../mm_state.h"
#include "../page_alloc.h"
#include "../swap.h"
#include "../workingset.h"
#include "../writeback.h"

struct mem_cgroup *page_memcg(const struct machine *m, pgh_t h)
{
	uint32_t owner = *page_owner(&m->pages, h);

	if (owner == OWNER_NONE || (owner & OWNER_SMEMCG))
		return NULL;
	return id_table_get(&m->memcg_slots, owner);
}

int page_alloc_charge(struct machine *m, struct mem_cgroup *memcg, unsigned gfp)
{
	int err = alloc_pages(m, 1, gfp);

	if (err)
		return err;
	err = try_charge(m, memcg, gfp, 1);
	if (err)
		free_pages(m, 1);
	return err;
}

void page_alloc_cancel(struct machine *m, struct mem_cgroup *memcg)
{
	memcg_uncharge(m, memcg, 1);
	free_pages(m, 1);
}

void page_stat_account(struct machine *m, const struct memobj *obj, pgh_t h,
		       struct mem_cgroup *memcg, int sign)
{
	uint16_t f = *page_flags(&m->pages, h);
	bool mapped = ((f & PF_MAP_MASK) != 0);

	switch (obj->type) {
	case OBJ_ANON:
		memcg->stat[MEMCG_ANON] += sign;
		break;
	case OBJ_FILE:
		memcg->stat[MEMCG_FILE] += sign;
		if (f & PF_DIRTY) {
			struct mem_cgroup *pos;

			memcg->stat[MEMCG_FILE_DIRTY] += sign;
			for (pos = memcg; pos; pos = pos->parent)
				pos->dirty_hier += sign;
		}
		if (mapped)
			memcg->stat[MEMCG_FILE_MAPPED] += sign;
		break;
	case OBJ_SHMEM:
		memcg->stat[MEMCG_FILE] += sign;
		memcg->stat[MEMCG_SHMEM] += sign;
		if (mapped)
			memcg->stat[MEMCG_FILE_MAPPED] += sign;
		break;
	case OBJ_DMABUF:
		memcg->stat[MEMCG_KERNEL] += sign;
		break;
	}
	if (f & PF_SWAPCACHE)
		memcg->stat[MEMCG_SWAPCACHED] += sign;
}

int page_lru_for(const struct machine *m, const struct memobj *obj, pgh_t h)
{
	uint16_t f = *page_flags(&m->pages, h);
	int cur = ((f & PF_LRU_MASK) >> PF_LRU_SHIFT) - 1;
	bool active = cur == LRU_ACTIVE_ANON || cur == LRU_ACTIVE_FILE;

	if (f & PF_MLOCKED)
		return LRU_UNEVICTABLE;
	/* MGLRU (folio_add_lru): a page added in a page fault is hot, the youngest */
	if (unlikely(m->lru_gen) && cur < 0 && m->mm->in_fault)
		active = true;
	/* file pages, and anon pages MADV_FREE made not swap-backed */
	if (obj->type == OBJ_FILE || (obj->type == OBJ_ANON && cur >= 0 && is_file_lru(cur)))
		return active ? LRU_ACTIVE_FILE : LRU_INACTIVE_FILE;
	/*
	 * MGLRU (lru_gen_add_folio): a swap-backed folio outside the swap
	 * cache joins the second youngest generation, which the statistics
	 * count as active (lru_gen_is_active) - new anon and shmem, a swap-in
	 * that skipped the swap cache, a munlocked page.
	 */
	if (unlikely(m->lru_gen) && (cur < 0 || cur == LRU_UNEVICTABLE) && !(f & PF_SWAPCACHE))
		return LRU_ACTIVE_ANON;
	return active ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON;
}

void page_install(struct machine *m, struct memobj *obj, pgh_t h,
		  struct mem_cgroup *memcg, bool unevictable)
{
	uint16_t *f = page_flags(&m->pages, h);

	if (page_state(&m->pages, h) == PS_NONE) {
		struct leaf_header *hdr = leaf_header(&m->pages, h >> LEAF_SHIFT);

		if (unlikely(*f & PF_SHADOW))
			workingset_take_shadow(m, obj, h);
		memobj_slot_fill(m, h);
		/* a page in a shadow node: it is no longer one */
		if (unlikely(hdr->shadow_memcg != PAGE_NIL))
			workingset_leaf_free(m, h >> LEAF_SHIFT);
	}
	*f = (uint16_t)((*f & ~(PF_STATE_MASK | PF_LRU_MASK)) | PS_PRESENT);
	if (unevictable)
		*f |= PF_MLOCKED;
	*page_owner(&m->pages, h) = memcg->slot;
	memcg->refs_pages++;
	obj->nrpages++;
	page_stat_account(m, obj, h, memcg, +1);
	if (obj->type != OBJ_DMABUF)
		lru_add(m, memcg, h, page_lru_for(m, obj, h), false);
}

void page_free_shadow(struct machine *m, struct memobj *obj, pgh_t h, uint64_t shadow)
{
	struct mem_cgroup *memcg = page_memcg(m, h);

	/* a pinned page lives on, charged, until it is unpinned */
	if (unlikely(*page_flags(&m->pages, h) & PF_PINNED)) {
		pins_page_orphaned(m, obj, h);
		return;
	}
	if (unlikely(m->mm->wb->reclaim_used))
		folio_clear_reclaim(m, h);
	if (*page_flags(&m->pages, h) & PF_SWAPCACHE)
		swap_free_cache(m, obj, h);
	if (memcg) {
		lru_del(m, memcg, h);
		page_stat_account(m, obj, h, memcg, -1);
		memcg_uncharge(m, memcg, 1);
	}
	obj->nrpages--;
	free_pages(m, 1);
	page_set_mapcount(&m->pages, h, 0);
	if (shadow)
		workingset_store_file_shadow(m, obj, h, shadow, memcg);
	else
		memobj_slot_clear_memcg(m, obj, h, memcg);
	/* the last reference may free the memcg: after its last use */
	if (memcg)
		memcg_put_ref(m, memcg, &memcg->refs_pages, 1);
}

void page_free(struct machine *m, struct memobj *obj, pgh_t h)
{
	page_free_shadow(m, obj, h, 0);
}

void page_set_dirty(struct machine *m, struct memobj *obj, pgh_t h, bool dirty)
{
	uint16_t *f = page_flags(&m->pages, h);
	struct mem_cgroup *memcg;

	if (!!(*f & PF_DIRTY) == dirty)
		return;
	memcg = page_memcg(m, h);
	if (memcg)
		page_stat_account(m, obj, h, memcg, -1);
	*f = (uint16_t)(dirty ? (*f | PF_DIRTY) : (*f & ~PF_DIRTY));
	if (memcg)
		page_stat_account(m, obj, h, memcg, +1);
}

void page_mapcount_inc(struct machine *m, struct memobj *obj, pgh_t h)
{
	uint32_t c = page_mapcount(&m->pages, h);
	struct mem_cgroup *memcg = c == 0 ? page_memcg(m, h) : NULL;

	if (memcg)
		page_stat_account(m, obj, h, memcg, -1);
	page_set_mapcount(&m->pages, h, c + 1);
	if (memcg)
		page_stat_account(m, obj, h, memcg, +1);
}

uint32_t page_mapcount_dec(struct machine *m, struct memobj *obj, pgh_t h)
{
	uint32_t c = page_mapcount(&m->pages, h);
	struct mem_cgroup *memcg = c == 1 ? page_memcg(m, h) : NULL;

	if (!c)
		return 0;
	if (memcg)
		page_stat_account(m, obj, h, memcg, -1);
	page_set_mapcount(&m->pages, h, c - 1);
	if (memcg)
		page_stat_account(m, obj, h, memcg, +1);
	return c - 1;
}

void page_lru_refile(struct machine *m, struct memobj *obj, pgh_t h)
{
	struct mem_cgroup *memcg = page_memcg(m, h);
	int lru;

	if (!memcg || page_state(&m->pages, h) != PS_PRESENT || obj->type == OBJ_DMABUF)
		return;
	lru = page_lru_for(m, obj, h);
	if (lru == page_lru(&m->pages, h))
		return;
	lru_del(m, memcg, h);
	lru_add(m, memcg, h, lru, false);
}

void mark_page_accessed(struct machine *m, struct memobj *obj, pgh_t h)
{
	uint16_t *f = page_flags(&m->pages, h);
	struct mem_cgroup *memcg = page_memcg(m, h);
	int lru = page_lru(&m->pages, h);

	/* MGLRU: folio_mark_accessed only counts a reference (lru_gen_inc_refs) */
	if (lru == LRU_UNEVICTABLE || lru < 0 || unlikely(m->lru_gen)) {
		*f |= PF_REFERENCED;
		return;
	}
	if (!is_active_lru(lru) && (*f & PF_REFERENCED)) {
		/* second access while inactive: activate */
		*f &= (uint16_t)~PF_REFERENCED;
		if (memcg) {
			lru_del(m, memcg, h);
			lru_add(m, memcg, h, lru + 1, false);
			memcg->stat[MEMCG_PGACTIVATE]++;
			workingset_activation(m, h);
		}
		(void)obj;
	} else if (!(*f & PF_REFERENCED)) {
		*f |= PF_REFERENCED;
	}
}

/*
 * The model keeps a page's swap slot (swap cache) only while page and slot
 * belong to one memcg, as swap_in_page() does: the slot's charge and its
 * reference on the memcg (refs_swap) go with the slot. A page that changes
 * memcg therefore gives its slot up first; the page itself is unchanged.
 */
static void swap_cache_leave_memcg(struct machine *m, struct memobj *obj, pgh_t h)
{
	if (*page_flags(&m->pages, h) & PF_SWAPCACHE)
		swap_free_cache(m, obj, h);
}

int page_move_charge(struct machine *m, struct memobj *obj, pgh_t h,
		     struct mem_cgroup *to, unsigned gfp)
{
	struct mem_cgroup *from = page_memcg(m, h);
	int err, lru;

	if (from == to)
		return 0;
	err = try_charge(m, to, gfp, 1);
	if (err)
		return err;
	swap_cache_leave_memcg(m, obj, h);
	lru = page_lru(&m->pages, h);
	if (from) {
		if (lru >= 0)
			lru_del(m, from, h);
		page_stat_account(m, obj, h, from, -1);
	}
	*page_owner(&m->pages, h) = to->slot;
	to->refs_pages++;
	page_stat_account(m, obj, h, to, +1);
	if (lru >= 0)
		lru_add(m, to, h, lru, false);
	if (from) {
		memcg_uncharge(m, from, 1);
		memcg_put_ref(m, from, &from->refs_pages, 1);
	}
	return 0;
}

void page_move_charge_up(struct machine *m, struct memobj *obj, pgh_t h,
			 struct mem_cgroup *ancestor)
{
	struct mem_cgroup *from = page_memcg(m, h), *c;
	int lru = page_lru(&m->pages, h);

	if (!from || from == ancestor)
		return;
	swap_cache_leave_memcg(m, obj, h);
	if (lru >= 0)
		lru_del(m, from, h);
	page_stat_account(m, obj, h, from, -1);
	/* cancel the charge on the levels below the ancestor */
	for (c = from; c != ancestor; c = c->parent)
		m->page_counter_underflows += page_counter_cancel(&c->memory, 1);
	from->direct--;
	if (mem_cgroup_is_root(ancestor)) {
		/* the root is never charged: its usage is its children's */
		m->page_counter_underflows += page_counter_cancel(&ancestor->memory, 1);
	} else {
		ancestor->direct++;
	}
	*page_owner(&m->pages, h) = ancestor->slot;
	ancestor->refs_pages++;
	page_stat_account(m, obj, h, ancestor, +1);
	if (lru >= 0)
		lru_add(m, ancestor, h, lru, false);
	memcg_put_ref(m, from, &from->refs_pages, 1);
}
