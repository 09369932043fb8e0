// SPDX-License-Identifier: GPL-2.0-only
/*
 * Swap slots and their memcg charges. The swap device is synchronous
 * (zram-like): a page written out is freed in the same reclaim pass.
 */
#include "swap.h"

#include <errno.h>

#include "memcontrol/charge.h"
#include "../machine.h"
#include "lru.h"
#include "mm_state.h"
#include "page_alloc.h"
#include "memcontrol/page_memcg.h"
#include "vma.h"
#include "workingset.h"

long mem_cgroup_get_nr_swap_pages(struct machine *m, struct mem_cgroup *memcg)
{
	struct swap_device *sd = &m->mm->swap;
	long nr = sd->total - sd->used;

	for (; memcg && !mem_cgroup_is_root(memcg); memcg = memcg->parent)
		nr = MIN(nr, memcg->swap.max - page_counter_read(&memcg->swap));
	return nr;
}

static bool vm_swap_full(struct machine *m)
{
	struct swap_device *sd = &m->mm->swap;

	return (sd->total - sd->used) * 2 < sd->total;
}

bool mem_cgroup_swap_full(struct machine *m, struct mem_cgroup *memcg)
{
	if (vm_swap_full(m))
		return true;
	for (; memcg && !mem_cgroup_is_root(memcg); memcg = memcg->parent) {
		long usage = page_counter_read(&memcg->swap);

		if (usage * 2 >= memcg->swap.high || usage * 2 >= memcg->swap.max)
			return true;
	}
	return false;
}

static void swap_uncharge(struct machine *m, struct mem_cgroup *memcg)
{
	m->mm->swap.used--;
	if (!mem_cgroup_is_root(memcg))
		m->page_counter_underflows += page_counter_uncharge(&memcg->swap, 1);
	/* the entry held an id reference, which pins the css */
	memcg_put_ref(m, memcg, &memcg->refs_swap, 1);
}

int swap_out_page(struct machine *m, struct memobj *obj, pgh_t h)
{
	struct mem_cgroup *memcg = page_memcg(m, h), *swap_memcg;
	uint16_t *f = page_flags(&m->pages, h);
	struct page_counter *fail;

	if (!memcg)
		return -ENOMEM;
	if (!(*f & PF_SWAPCACHE)) {
		if (m->mm->swap.used >= m->mm->swap.total) {
			/* no slot: entry.val == 0 */
			memcg_memory_event(m, memcg, MEMCG_SWAP_FAIL);
			return -ENOMEM;
		}
		swap_memcg = memcg_online_ancestor(memcg);
		if (!mem_cgroup_is_root(swap_memcg) &&
		    !page_counter_try_charge(&swap_memcg->swap, 1, &fail)) {
			memcg_memory_event(m, swap_memcg, MEMCG_SWAP_MAX);
			memcg_memory_event(m, swap_memcg, MEMCG_SWAP_FAIL);
			return -ENOMEM;
		}
		swap_memcg->refs_swap++;
		m->mm->swap.used++;
	} else {
		/* clean swap cache: the slot is already there and charged */
		swap_memcg = memcg;
		page_stat_account(m, obj, h, memcg, -1);
		*f &= (uint16_t)~PF_SWAPCACHE;
		page_stat_account(m, obj, h, memcg, +1);
	}
	/* mem_cgroup_swapout: the memory charge goes with the page */
	lru_del(m, memcg, h);
	page_stat_account(m, obj, h, memcg, -1);
	memcg_uncharge(m, memcg, 1);
	*f = (uint16_t)((*f & ~(PF_STATE_MASK | PF_DIRTY | PF_REFERENCED | PF_WORKINGSET)) |
			PS_SWAPPED);
	*page_owner(&m->pages, h) = swap_memcg->slot;
	memcg_put_ref(m, memcg, &memcg->refs_pages, 1);
	obj->nrpages--;
	obj->nrswapped++;
	free_pages(m, 1);
	return 0;
}

int swap_in_page(struct machine *m, struct memobj *obj, pgh_t h,
		 struct mem_cgroup *fault, bool keep_slot)
{
	struct mem_cgroup *entry = memcg_of_slot(m, *page_owner(&m->pages, h));
	struct mem_cgroup *target = mem_cgroup_online(entry) ? entry : fault;
	uint16_t *f = page_flags(&m->pages, h);
	int err = page_alloc_charge(m, target, 0);
	uint64_t shadow;

	if (err)
		return err;
	shadow = workingset_take_shadow(m, obj, h);
	/*
	 * The swap cache keeps the slot; the model keeps it only while the
	 * page and its slot belong to one memcg (docs/semantics.md).
	 */
	if (target != entry || obj->type != OBJ_ANON)
		keep_slot = false;
	obj->nrswapped--;
	*f = (uint16_t)((*f & ~PF_STATE_MASK) | PS_PRESENT);
	if (keep_slot)
		*f |= PF_SWAPCACHE;
	*page_owner(&m->pages, h) = target->slot;
	target->refs_pages++;
	obj->nrpages++;
	page_stat_account(m, obj, h, target, +1);
	lru_add(m, target, h, page_lru_for(m, obj, h), false);
	/*
	 * __read_swap_cache_async, or do_swap_page skipping the swap cache:
	 * the slot is still allocated and charged when the refault asks
	 * whether the reader may swap; swap_free (do_swap_page) or
	 * delete_from_swap_cache (shmem_swapin_folio) free it after.
	 */
	if (shadow)
		workingset_refault(m, obj, h, shadow);
	if (!keep_slot)
		swap_uncharge(m, entry);
	return 0;
}

void swap_free_entry(struct machine *m, struct memobj *obj, pgh_t h)
{
	struct mem_cgroup *memcg = memcg_of_slot(m, *page_owner(&m->pages, h));

	obj->nrswapped--;
	page_set_mapcount(&m->pages, h, 0);
	memobj_slot_clear(m, obj, h);
	swap_uncharge(m, memcg);
}

void swap_free_cache(struct machine *m, struct memobj *obj, pgh_t h)
{
	struct mem_cgroup *memcg = page_memcg(m, h);
	uint16_t *f = page_flags(&m->pages, h);

	if (!(*f & PF_SWAPCACHE) || !memcg)
		return;
	page_stat_account(m, obj, h, memcg, -1);
	*f &= (uint16_t)~PF_SWAPCACHE;
	page_stat_account(m, obj, h, memcg, +1);
	swap_uncharge(m, memcg);
}

struct unuse_arg {
	int err;
};

/* unuse_pte / shmem_unuse: the page comes back, charged as a swap-in */
static void unuse_slot(struct machine *m, struct memobj *obj, uint64_t idx, pgh_t h,
		       void *arg)
{
	struct unuse_arg *a = arg;

	if (a->err)
		return;
	if (page_state(&m->pages, h) == PS_PRESENT) {
		swap_free_cache(m, obj, h);
		return;
	}
	if (page_state(&m->pages, h) != PS_SWAPPED)
		return;
	/* a dead memcg's entry: the caller's, which is the root */
	a->err = swap_in_page(m, obj, h, m->root_mem_cgroup, false);
	if (!a->err && obj->type == OBJ_ANON)
		anon_rmap_swapin(m, obj, idx);
}

int swap_off(struct machine *m)
{
	struct swap_device *sd = &m->mm->swap;
	struct unuse_arg a = { 0 };
	long total = sd->total;
	uint32_t i;

	if (!total)
		return machine_error(m, -EINVAL, "swapoff: the machine has no swap");
	/* no new slots meanwhile (SWP_WRITEOK cleared) */
	sd->total = sd->used;
	for (i = 0; i < m->mm->objs.nr && !a.err; i++) {
		struct memobj *obj = memobj_at(m, i);

		if (obj && (obj->nrswapped || obj->type != OBJ_FILE))
			memobj_for_each(m, obj, 0, UINT64_MAX, unuse_slot, &a);
	}
	if (a.err) {
		sd->total = total;	/* reinsert_swap_info */
		return machine_error(m, a.err, "swapoff: a swapped page could not be brought back");
	}
	sd->total = 0;
	return 0;
}
