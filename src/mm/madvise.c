// SPDX-License-Identifier: GPL-2.0-only
/*
 * madvise(2) on a range of a mapping, after mm/madvise.c of Linux 6.1:
 *
 * MADV_DONTNEED zaps the PTEs: private pages go with their last mapping,
 * swap entries are freed, file pages stay in the page cache (a young one
 * is marked accessed, as zap_pte_range does).
 * MADV_FREE (private anonymous mappings only) makes the pages this mapping
 * alone maps lazily freeable: off the anon LRU onto the inactive file list
 * (no longer swap-backed), pglazyfree; reclaim then drops them without
 * swap (pglazyfreed) unless they were written again meanwhile. Their swap
 * entries are freed.
 * MADV_COLD deactivates the pages this mapping alone maps (pgdeactivate)
 * and forgets their references; MADV_PAGEOUT reclaims them at once, as
 * reclaim_pages() does: ignoring references, a dirty file page activated
 * for the flusher instead, an anonymous page swapped out or, without swap,
 * activated. Pages mapped elsewhere too are left alone by both.
 */
#include "madvise.h"

#include <errno.h>

#include "../machine.h"
#include "lru.h"
#include "memcontrol/page_memcg.h"
#include "memobj.h"
#include "swap.h"
#include "vma.h"
#include "vmscan.h"
#include "writeback.h"

/* The page a mapping alone maps at i (madvise_cold_or_pageout's mapcount 1). */
static pgh_t exclusive_page(struct machine *m, struct vm_area *v, uint64_t i,
			    struct memobj **obj)
{
	pgh_t h = vma_anon_page(m, v, i, obj);

	if (h == PAGE_NIL && vma_pte_mapped(v, i)) {
		*obj = v->obj;
		h = memobj_lookup(m, v->obj, v->pgoff + i);
	}
	if (h == PAGE_NIL || page_state(&m->pages, h) != PS_PRESENT ||
	    page_mapcount(&m->pages, h) != 1)
		return PAGE_NIL;
	return h;
}

/*
 * lru_deactivate_fn: an active page to the inactive head. Under MGLRU
 * (6.12) every evictable page is re-added as not active, and counted: a
 * file page goes to an old generation, a swap-backed one outside the swap
 * cache to the second youngest, still counted active (page_lru_for).
 */
static void deactivate_page(struct machine *m, struct memobj *obj, pgh_t h)
{
	struct mem_cgroup *memcg = page_memcg(m, h);
	int lru = page_lru(&m->pages, h);

	if (unlikely(m->lru_gen) && memcg && lru >= 0 && lru != LRU_UNEVICTABLE) {
		lru_del(m, memcg, h);
		lru_add(m, memcg, h, is_file_lru(lru) ? LRU_INACTIVE_FILE : page_lru_for(m, obj, h),
			false);
		memcg->stat[MEMCG_PGDEACTIVATE]++;
		return;
	}
	if (!memcg || !is_active_lru(lru))
		return;
	lru_del(m, memcg, h);
	lru_add(m, memcg, h, lru - 1, false);
	memcg->stat[MEMCG_PGDEACTIVATE]++;
}

/* shrink_folio_list(ignore_references) on one page: reclaim_pages() */
static void pageout_page(struct machine *m, struct memobj *obj, pgh_t h)
{
	struct mem_cgroup *memcg = page_memcg(m, h);
	int lru = page_lru(&m->pages, h);

	if (!memcg || lru < 0 || lru == LRU_UNEVICTABLE ||
	    (*page_flags(&m->pages, h) & PF_PINNED))
		return;
	if (!evict_page(m, obj, h, NULL, false))
		return;
	/* activate_locked: dirty (the flusher's), or no swap for it */
	if (obj->type == OBJ_FILE && (*page_flags(&m->pages, h) & PF_DIRTY))
		folio_set_reclaim(m, h);
	if (!is_active_lru(lru)) {
		lru_del(m, memcg, h);
		lru_add(m, memcg, h, lru + 1, false);
	}
	memcg->stat[MEMCG_PGACTIVATE]++;
}

/* madvise_free_pte_range for one page of the mapping's own layer */
static void free_page(struct machine *m, struct vm_area *v, uint64_t i)
{
	struct memobj *layer;
	pgh_t h = vma_anon_page(m, v, i, &layer);
	struct mem_cgroup *memcg;
	int lru;

	if (h == PAGE_NIL || layer != v->anon)
		return;		/* nothing there, or shared with a parent or child */
	if (page_state(&m->pages, h) == PS_SWAPPED) {
		vma_zap_page(m, v, i);	/* free_swap_and_cache, the PTE cleared */
		return;
	}
	if (page_state(&m->pages, h) != PS_PRESENT || page_mapcount(&m->pages, h) != 1)
		return;
	memcg = page_memcg(m, h);
	lru = page_lru(&m->pages, h);
	if (*page_flags(&m->pages, h) & PF_SWAPCACHE)
		swap_free_cache(m, layer, h);
	vma_test_clear_young(v, i);
	*page_flags(&m->pages, h) &= (uint16_t)~(PF_REFERENCED | PF_DIRTY);
	/* lru_lazyfree_fn: not swap-backed any more, onto the inactive file list */
	if (!memcg || (lru != LRU_INACTIVE_ANON && lru != LRU_ACTIVE_ANON))
		return;
	lru_del(m, memcg, h);
	lru_add(m, memcg, h, LRU_INACTIVE_FILE, false);
	memcg->stat[MEMCG_PGLAZYFREE]++;
}

int vma_madvise(struct machine *m, struct vm_area *v, uint64_t off, uint64_t len,
		int advice)
{
	uint64_t i, first, end;

	if (off % PAGE_SIZE)
		return machine_error(m, -EINVAL, "madvise: the offset must be a multiple of 4096");
	if (off + len < off || off + len > v->npages * PAGE_SIZE)
		return machine_error(m, -ENOMEM, "madvise: %llu+%llu is beyond the %llu-byte mapping",
				     (unsigned long long)off, (unsigned long long)len,
				     (unsigned long long)(v->npages * PAGE_SIZE));
	if (advice == MADVISE_FREE && v->kind != VMA_ANON)
		return machine_error(m, -EINVAL, "MADV_FREE works on private anonymous mappings only");
	if ((advice == MADVISE_DONTNEED || advice == MADVISE_FREE) && v->locked)
		return machine_error(m, -EINVAL, "madvise: the mapping is locked (VM_LOCKED)");
	first = off / PAGE_SIZE;
	end = (off + len + PAGE_SIZE - 1) / PAGE_SIZE;
	for (i = first; i < end; i++) {
		struct memobj *obj;
		pgh_t h;

		switch (advice) {
		case MADVISE_DONTNEED:
			vma_zap_page(m, v, i);
			break;
		case MADVISE_FREE:
			free_page(m, v, i);
			break;
		case MADVISE_COLD:
		case MADVISE_PAGEOUT:
			h = exclusive_page(m, v, i, &obj);
			if (h == PAGE_NIL)
				break;
			vma_test_clear_young(v, i);
			*page_flags(&m->pages, h) &= (uint16_t)~PF_REFERENCED;
			if (advice == MADVISE_COLD)
				deactivate_page(m, obj, h);
			else
				pageout_page(m, obj, h);
			break;
		}
	}
	return 0;
}
