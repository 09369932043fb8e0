// SPDX-License-Identifier: GPL-2.0-only
/*
 * The model's side of the refault family: src/mm/workingset.c's
 * workingset_eviction_of and workingset_refault, reached by including the
 * file (KD_MODEL_SRC names a mutated copy in the mutant builds), on a bare
 * machine: a chain of memcgs with their ids, the swap device, the bucket
 * order and one page, nothing else.
 *
 * The page is where the model has it when workingset_refault runs: charged
 * to the refaulting memcg and on its inactive list, so that it counts in
 * the LRU sizes of that memcg and its ancestors. The kernel's folio is on
 * no list yet (folio_add_lru comes after workingset_refault); the kernel's
 * LRU sizes of the case are the model's without the page.
 */
#ifndef KD_MODEL_SRC
#define KD_MODEL_SRC "mm/workingset.c"
#endif
/* count the model's calls, as the shim counts lru_note_cost_folio's */
#define lru_note_cost kd_model_lru_note_cost
#include KD_MODEL_SRC
#undef lru_note_cost

#include <string.h>

#include "kdiff.h"
#include "m_side.h"

/* vmscan.h's, declared above under the other name */
void lru_note_cost(struct machine *m, struct mem_cgroup *memcg, bool file, long nr_pages);

static long lru_note_cost_calls;

void kd_model_lru_note_cost(struct machine *m, struct mem_cgroup *memcg, bool file,
			    long nr_pages)
{
	lru_note_cost_calls++;
	lru_note_cost(m, memcg, file, nr_pages);
}

int model_refault(const struct kd_refault_input *in, struct kd_trace *t)
{
	static struct mem_cgroup mc[KD_WS_LEVELS];
	static struct mem_cgroup *ids[KD_WS_LEVELS + 1];
	static void *slots[KD_WS_LEVELS];
	/* a page store of one leaf: leaf 0 of chunk 0 */
	static struct page_leaf leaf;
	static struct leaf_header header;
	static struct page_leaf *chunk = &leaf;
	static struct leaf_header *hchunk = &header;
	struct mem_cgroup *ev, *memcg;
	struct memobj obj;
	struct mm_state mms;
	struct machine m;
	const pgh_t h = 0;
	uint64_t shadow;
	int i, lru;

	memset(&m, 0, sizeof(m));
	memset(&mms, 0, sizeof(mms));
	m.mm = &mms;
	mms.ws_bucket_order = in->bucket_order;
	mms.swap.total = in->nr_swap_pages;
	memset(ids, 0, sizeof(ids));
	for (i = 0; i < in->depth; i++) {
		kd_model_memcg_init(&mc[i], i ? &mc[i - 1] : NULL);
		mc[i].slot = (uint32_t)i;
		mc[i].id = (uint16_t)(i + 1);
		mc[i].swap.max = (long)in->swap_max[i];
		mc[i].swap.usage = (long)in->swap_usage[i];
		slots[i] = &mc[i];
		ids[i + 1] = &mc[i];
	}
	m.root_mem_cgroup = &mc[0];
	m.memcg_slots.v = slots;
	m.memcg_slots.nr = (uint32_t)in->depth;
	m.id_memcg = ids;
	m.id_memcg_cap = (size_t)in->depth + 1;
	page_store_init(&m.pages);
	m.pages.chunks = &chunk;
	m.pages.hchunks = &hchunk;
	m.pages.nr_chunks = 1;
	m.pages.nr_leaves = 1;

	/* the shadow the model's reclaim of level evicted_in left at that age */
	ev = &mc[in->evicted_in];
	ev->nonresident_age = (unsigned long)in->eviction;
	shadow = workingset_eviction_of(&m, in->workingset, ev);
	for (i = 0; i < in->depth; i++)
		mc[i].nonresident_age = (unsigned long)in->age[i];
	ev->nonresident_age = (unsigned long)in->refault;
	ev->lru_hier[LRU_ACTIVE_FILE] = (long)in->active_file;
	ev->lru_hier[LRU_INACTIVE_FILE] = (long)in->inactive_file;
	ev->lru_hier[LRU_ACTIVE_ANON] = (long)in->active_anon;
	ev->lru_hier[LRU_INACTIVE_ANON] = (long)in->inactive_anon;
	if (in->memcg_gone)
		ids[ev->id] = NULL;

	/* the page read back: charged, on the inactive list (filemap.c, swap.c) */
	memset(&obj, 0, sizeof(obj));
	obj.type = in->file ? OBJ_FILE : OBJ_ANON;
	memset(&leaf, 0, sizeof(leaf));
	memcg = &mc[in->refault_in];
	*page_flags(&m.pages, h) = PS_PRESENT;
	*page_owner(&m.pages, h) = memcg->slot;
	lru_add(&m, memcg, h, in->file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON, false);
	lru_note_cost_calls = 0;
	workingset_refault(&m, &obj, h, shadow);

	lru = page_lru(&m.pages, h);
	kd_put(t, "activated", -1, lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE);
	kd_put(t, "workingset", -1, !!(*page_flags(&m.pages, h) & PF_WORKINGSET));
	kd_put(t, "workingset_refault", -1, memcg->stat[MEMCG_WORKINGSET_REFAULT_ANON + in->file]);
	kd_put(t, "workingset_activate", -1,
	       memcg->stat[MEMCG_WORKINGSET_ACTIVATE_ANON + in->file]);
	kd_put(t, "workingset_restore", -1, memcg->stat[MEMCG_WORKINGSET_RESTORE_ANON + in->file]);
	for (i = 0; i < in->depth; i++)
		kd_put(t, "nonresident_age", i, (int64_t)mc[i].nonresident_age);
	kd_put(t, "lru_note_cost", -1, lru_note_cost_calls);
	return 0;
}
