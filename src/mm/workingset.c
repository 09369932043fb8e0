// SPDX-License-Identifier: GPL-2.0-only
/*
 * Workingset detection, after mm/workingset.c of Linux 6.1 with the classic
 * LRU (MGLRU is built into Debian's kernel but off).
 *
 * Each lruvec (memcg) has a nonresident_age that counts evictions and
 * activations; reclaiming a memcg ages its ancestors too, whose LRU order
 * is made of their children's. Eviction stores the age of the reclaim
 * target's lruvec with the target's 16-bit id. A refault reads the age of
 * that lruvec now: if the pages evicted and activated since (the refault
 * distance) are no more than the pages the folio competes with in that
 * lruvec (its workingset size), the folio comes back active. The refault
 * is counted for the memcg that reads the page (the folio's memcg), which
 * need not be the one that evicted it; a shadow whose memcg id was freed
 * (the memcg went offline without swap entries) is ignored.
 *
 * The model's 64-slot leaves are the kernel's xa_nodes: a leaf of page
 * cache holding only shadows is a shadow node, on the list of a memcg
 * (the kernel's list_lru of the memcg that allocated the node; here the
 * memcg of the last page freed from the leaf, which wrote the page in the
 * common case). count_shadow_nodes allows a memcg one node per 8 pages on
 * its own LRU lists and slab; the shrinker, run for each memcg that
 * reclaim visits, frees the oldest nodes beyond that, as do_shrink_slab
 * paces it, and counts workingset_nodereclaim.
 */
#include "workingset.h"

#include "../machine.h"
#include "lru.h"
#include "memcontrol/memcg.h"
#include "memcontrol/page_memcg.h"
#include "memobj.h"
#include "mm_state.h"
#include "swap.h"
#include "vmscan.h"

#define SHRINK_BATCH 128	/* shrinker->batch 0: SHRINK_BATCH */
#define XA_CHUNK_SHIFT 6

bool workingset_refault_activates(unsigned long eviction, unsigned long refault,
				  unsigned long workingset_size)
{
	unsigned long refault_distance = (refault - eviction) & EVICTION_MASK;

	return refault_distance <= workingset_size;
}

unsigned int workingset_bucket_order(unsigned long totalram_pages)
{
	unsigned int timestamp_bits = 64 - EVICTION_SHIFT;
	unsigned int max_order = totalram_pages > 1 ?
		64 - (unsigned int)__builtin_clzl(totalram_pages - 1) : 0;

	return max_order > timestamp_bits ? max_order - timestamp_bits : 0;
}

void workingset_age_nonresident(struct mem_cgroup *memcg, unsigned long nr_pages)
{
	for (; memcg; memcg = memcg->parent)
		memcg->nonresident_age += nr_pages;
}

void workingset_activation(struct machine *m, pgh_t h)
{
	struct mem_cgroup *memcg = page_memcg(m, h);

	if (memcg)
		workingset_age_nonresident(memcg, 1);
}

static uint64_t pack_shadow(unsigned memcgid, unsigned long eviction, bool workingset)
{
	uint64_t v = eviction & EVICTION_MASK;

	v = (v << WS_MEMCG_ID_SHIFT) | memcgid;
	v = (v << WS_NODES_SHIFT) | 0;	/* one node */
	v = (v << WORKINGSET_SHIFT) | workingset;
	return (v << 1) | 1;		/* xa_mk_value: never 0 */
}

static void unpack_shadow(uint64_t shadow, unsigned *memcgid, unsigned long *eviction,
			  bool *workingset)
{
	uint64_t v = shadow >> 1;

	*workingset = v & 1;
	v >>= WORKINGSET_SHIFT + WS_NODES_SHIFT;
	*memcgid = (unsigned)(v & ((1u << WS_MEMCG_ID_SHIFT) - 1));
	*eviction = (unsigned long)(v >> WS_MEMCG_ID_SHIFT);
}

uint64_t workingset_eviction_of(struct machine *m, bool workingset, struct mem_cgroup *target)
{
	struct mem_cgroup *lruvec = target ? target : m->root_mem_cgroup;
	unsigned long eviction = lruvec->nonresident_age >> m->mm->ws_bucket_order;

	workingset_age_nonresident(lruvec, 1);
	return pack_shadow(lruvec->id, eviction, workingset);
}

uint64_t workingset_eviction(struct machine *m, pgh_t h, struct mem_cgroup *target)
{
	return workingset_eviction_of(m, *page_flags(&m->pages, h) & PF_WORKINGSET, target);
}

/*
 * MGLRU's refault (lru_gen_refault, 6.12): counted only when the page
 * comes back to the memcg it was evicted from; recent when evicted from
 * the oldest generation still there, which the model, without
 * generations, takes every refault to be; its references restored (a
 * stall) when it refaults in a page fault. The page stays where
 * lru_gen_add_folio puts it: no activation, no nonresident aging.
 */
static void lru_gen_refault(struct machine *m, struct mem_cgroup *memcg,
			    struct mem_cgroup *eviction_memcg, pgh_t h, bool file)
{
	struct mem_cgroup *pos;

	if (memcg != eviction_memcg)
		return;
	memcg->stat[MEMCG_WORKINGSET_REFAULT_ANON + file]++;
	memcg->stat[MEMCG_WORKINGSET_ACTIVATE_ANON + file]++;
	for (pos = memcg; pos; pos = pos->parent)
		pos->ws_activate_hier[file]++;
	if (m->mm->in_fault) {
		*page_flags(&m->pages, h) |= PF_WORKINGSET;
		memcg->stat[MEMCG_WORKINGSET_RESTORE_ANON + file]++;
	}
}

void workingset_refault(struct machine *m, struct memobj *obj, pgh_t h, uint64_t shadow)
{
	bool file = obj->type == OBJ_FILE, workingset;
	struct mem_cgroup *eviction_memcg, *memcg;
	unsigned long eviction, refault, size;
	unsigned memcgid;
	int lru;

	unpack_shadow(shadow, &memcgid, &eviction, &workingset);
	eviction <<= m->mm->ws_bucket_order;
	eviction_memcg = mem_cgroup_from_id(m, memcgid);
	memcg = page_memcg(m, h);
	if (!eviction_memcg || !memcg)
		return;
	refault = eviction_memcg->nonresident_age;
	if (unlikely(m->lru_gen)) {
		lru_gen_refault(m, memcg, eviction_memcg, h, file);
		return;
	}

	/* decided where it was evicted, counted where it is read */
	memcg->stat[MEMCG_WORKINGSET_REFAULT_ANON + file]++;
	size = (unsigned long)eviction_memcg->lru_hier[LRU_ACTIVE_FILE];
	if (!file)
		size += (unsigned long)eviction_memcg->lru_hier[LRU_INACTIVE_FILE];
	if (mem_cgroup_get_nr_swap_pages(m, memcg) > 0) {
		size += (unsigned long)eviction_memcg->lru_hier[LRU_ACTIVE_ANON];
		if (file)
			size += (unsigned long)eviction_memcg->lru_hier[LRU_INACTIVE_ANON];
	}
	if (!workingset_refault_activates(eviction, refault, size))
		return;

	/* folio_set_active before folio_add_lru: onto the active list, no pgactivate */
	lru = page_lru(&m->pages, h);
	if (lru == LRU_INACTIVE_ANON || lru == LRU_INACTIVE_FILE) {
		lru_del(m, memcg, h);
		lru_add(m, memcg, h, lru + 1, false);
	}
	workingset_age_nonresident(memcg, 1);
	memcg->stat[MEMCG_WORKINGSET_ACTIVATE_ANON + file]++;
	for (struct mem_cgroup *pos = memcg; pos; pos = pos->parent)
		pos->ws_activate_hier[file]++;
	if (workingset) {
		*page_flags(&m->pages, h) |= PF_WORKINGSET;
		lru_note_cost(m, memcg, file, 1);
		memcg->stat[MEMCG_WORKINGSET_RESTORE_ANON + file]++;
	}
}

/* ---- shadow storage ---- */

static void node_unlink(struct machine *m, uint32_t leaf);

static uint32_t *slot_next(struct machine *m, pgh_t h)
{
	return &leaf_of(&m->pages, h)->next[h & LEAF_MASK];
}

static uint32_t *slot_prev(struct machine *m, pgh_t h)
{
	return &leaf_of(&m->pages, h)->prev[h & LEAF_MASK];
}

static void slot_set_shadow(struct machine *m, pgh_t h, uint64_t shadow)
{
	*slot_next(m, h) = (uint32_t)shadow;
	*slot_prev(m, h) = (uint32_t)(shadow >> 32);
	*page_flags(&m->pages, h) |= PF_SHADOW;
}

void workingset_store_file_shadow(struct machine *m, struct memobj *obj, pgh_t h,
				  uint64_t shadow, struct mem_cgroup *memcg)
{
	uint32_t leaf = h >> LEAF_SHIFT;

	*page_flags(&m->pages, h) = 0;
	*page_owner(&m->pages, h) = OWNER_NONE;
	slot_set_shadow(m, h, shadow);
	leaf_header(&m->pages, leaf)->nr_shadow++;
	workingset_update_node(m, obj, leaf, memcg);
}

void workingset_store_swap_shadow(struct machine *m, pgh_t h, uint64_t shadow)
{
	slot_set_shadow(m, h, shadow);
}

uint64_t workingset_take_shadow(struct machine *m, struct memobj *obj, pgh_t h)
{
	uint16_t *f = page_flags(&m->pages, h);
	uint64_t shadow;

	if (!(*f & PF_SHADOW) || (*f & PF_STATE_MASK) == PS_PRESENT)
		return 0;
	shadow = (uint64_t)*slot_next(m, h) | ((uint64_t)*slot_prev(m, h) << 32);
	*f &= (uint16_t)~PF_SHADOW;
	if ((*f & PF_STATE_MASK) == PS_NONE) {
		struct leaf_header *hdr = leaf_header(&m->pages, h >> LEAF_SHIFT);

		/* the page that replaces it fills the slot again */
		hdr->nr_shadow--;
		hdr->nr_used--;
		if (hdr->shadow_memcg != PAGE_NIL)
			node_unlink(m, h >> LEAF_SHIFT);
	}
	(void)obj;
	return shadow;
}

void workingset_clear_shadows(struct machine *m, struct memobj *obj, uint64_t from,
			      uint64_t to)
{
	uint64_t d, dlast;

	if (obj->type != OBJ_FILE || to <= from || !obj->dir_len)
		return;
	dlast = (to - 1) >> LEAF_SHIFT;
	if (dlast >= obj->dir_len)
		dlast = obj->dir_len - 1;
	for (d = from >> LEAF_SHIFT; d <= dlast; d++) {
		uint32_t leaf = obj->dir[d], s;

		if (leaf == PAGE_NIL || !leaf_header(&m->pages, leaf)->nr_shadow)
			continue;
		for (s = 0; s < LEAF_PAGES; s++) {
			uint64_t idx = (d << LEAF_SHIFT) | s;
			pgh_t h = (leaf << LEAF_SHIFT) | s;
			uint16_t f = *page_flags(&m->pages, h);

			if (idx < from || idx >= to || !(f & PF_SHADOW) ||
			    (f & PF_STATE_MASK) != PS_NONE)
				continue;
			memobj_slot_clear(m, obj, h);
			if (obj->dir[d] == PAGE_NIL)
				break;	/* the leaf went with its last slot */
		}
	}
}

/* ---- shadow nodes (the shadow_nodes list_lru) ---- */

static struct leaf_header *hdr_of(struct machine *m, uint32_t leaf)
{
	return leaf_header(&m->pages, leaf);
}

static void node_unlink(struct machine *m, uint32_t leaf)
{
	struct leaf_header *hdr = hdr_of(m, leaf);
	struct mem_cgroup *memcg = memcg_of_slot(m, hdr->shadow_memcg);

	if (hdr->shadow_prev != PAGE_NIL)
		hdr_of(m, hdr->shadow_prev)->shadow_next = hdr->shadow_next;
	else
		memcg->shadow_head = hdr->shadow_next;
	if (hdr->shadow_next != PAGE_NIL)
		hdr_of(m, hdr->shadow_next)->shadow_prev = hdr->shadow_prev;
	else
		memcg->shadow_tail = hdr->shadow_prev;
	memcg->nr_shadow_nodes--;
	hdr->shadow_memcg = PAGE_NIL;
}

/* list_lru_add: at the tail, the newest */
static void node_link_tail(struct machine *m, uint32_t leaf, struct mem_cgroup *memcg)
{
	struct leaf_header *hdr = hdr_of(m, leaf);

	hdr->shadow_memcg = memcg->slot;
	hdr->shadow_next = PAGE_NIL;
	hdr->shadow_prev = memcg->shadow_tail;
	if (memcg->shadow_tail != PAGE_NIL)
		hdr_of(m, memcg->shadow_tail)->shadow_next = leaf;
	else
		memcg->shadow_head = leaf;
	memcg->shadow_tail = leaf;
	memcg->nr_shadow_nodes++;
}

/* The memcg whose list a new shadow node goes on. */
static struct mem_cgroup *node_memcg(struct machine *m, struct mem_cgroup *memcg)
{
	/* without kmem accounting the nodes are nobody's: the root's list */
	if (!memcg || !m->policy.kmem || mem_cgroup_is_detached(memcg))
		return m->root_mem_cgroup;
	return memcg_online_ancestor(memcg);
}

void workingset_update_node(struct machine *m, struct memobj *obj, uint32_t leaf,
			    struct mem_cgroup *memcg)
{
	struct leaf_header *hdr = hdr_of(m, leaf);
	bool shadow_only = hdr->nr_used && hdr->nr_used == hdr->nr_shadow;

	if (obj->type != OBJ_FILE)
		return;
	if (shadow_only && hdr->shadow_memcg == PAGE_NIL)
		node_link_tail(m, leaf, node_memcg(m, memcg));
	else if (!shadow_only && hdr->shadow_memcg != PAGE_NIL)
		node_unlink(m, leaf);
}

void workingset_leaf_free(struct machine *m, uint32_t leaf)
{
	if (hdr_of(m, leaf)->shadow_memcg != PAGE_NIL)
		node_unlink(m, leaf);
}

/* shadow_lru_isolate: xa_delete_node, every shadow of the node with it */
static void shadow_node_free(struct machine *m, uint32_t leaf, struct mem_cgroup *memcg)
{
	struct leaf_header *hdr = hdr_of(m, leaf);
	struct memobj *obj = memobj_of_id(m, hdr->object);
	uint32_t s;

	node_unlink(m, leaf);
	memcg->stat[MEMCG_WORKINGSET_NODERECLAIM]++;
	for (s = 0; s < LEAF_PAGES; s++) {
		pgh_t h = (leaf << LEAF_SHIFT) | s;

		*page_flags(&m->pages, h) = 0;
		*page_owner(&m->pages, h) = OWNER_NONE;
	}
	obj->dir[hdr->index] = PAGE_NIL;
	leaf_free(&m->pages, leaf);
}

/* count_shadow_nodes */
static long count_shadow_nodes(struct machine *m, struct mem_cgroup *memcg)
{
	long pages = 0, max_nodes;
	int i;

	if (!memcg->nr_shadow_nodes)
		return -1;	/* SHRINK_EMPTY */
	for (i = 0; i < NR_LRU_LISTS; i++)
		pages += memcg->lruvec.lists[i].nr;
	pages += memcg->stat[MEMCG_SLAB_RECLAIMABLE] / PAGE_SIZE;
	pages += memcg->stat[MEMCG_SLAB_UNRECLAIMABLE] / PAGE_SIZE;
	(void)m;
	max_nodes = pages >> (XA_CHUNK_SHIFT - 3);
	return memcg->nr_shadow_nodes <= max_nodes ? 0 : memcg->nr_shadow_nodes - max_nodes;
}

/* list_lru_shrink_walk from the oldest node: nr_to_scan nodes */
static unsigned long scan_shadow_nodes(struct machine *m, struct mem_cgroup *memcg,
				       long nr_to_scan)
{
	unsigned long freed = 0;

	while (nr_to_scan-- > 0 && memcg->shadow_head != PAGE_NIL) {
		shadow_node_free(m, memcg->shadow_head, memcg);
		freed++;
	}
	return freed;
}

unsigned long workingset_shrink(struct machine *m, struct mem_cgroup *memcg, int priority)
{
	long freeable, nr, delta, total_scan, scanned = 0, next_deferred;
	unsigned long freed = 0;

	/* shrink_slab_memcg: an offline memcg's nodes went to its parent */
	if (!mem_cgroup_is_root(memcg) && (!mem_cgroup_online(memcg) || !m->policy.kmem))
		return 0;
	freeable = count_shadow_nodes(m, memcg);
	if (freeable <= 0)
		return 0;
	nr = memcg->shadow_nr_deferred;
	memcg->shadow_nr_deferred = 0;
	/* seeks 0: the nodes cost no I/O to recreate, trim them hard */
	delta = freeable / 2;
	total_scan = (nr >> priority) + delta;
	total_scan = MIN(total_scan, 2 * freeable);
	while (total_scan >= SHRINK_BATCH || total_scan >= freeable) {
		long nr_to_scan = MIN((long)SHRINK_BATCH, total_scan);

		freed += scan_shadow_nodes(m, memcg, nr_to_scan);
		total_scan -= nr_to_scan;
		scanned += nr_to_scan;
	}
	next_deferred = MAX(nr + delta - scanned, 0);
	next_deferred = MIN(next_deferred, 2 * freeable);
	memcg->shadow_nr_deferred += next_deferred;
	return freed;
}

void workingset_memcg_offline(struct machine *m, struct mem_cgroup *memcg)
{
	struct mem_cgroup *parent = memcg->parent;
	uint32_t leaf;

	if (!parent)
		return;
	/* reparent_shrinker_deferred */
	parent->shadow_nr_deferred += memcg->shadow_nr_deferred;
	memcg->shadow_nr_deferred = 0;
	if (memcg->shadow_head == PAGE_NIL)
		return;
	/* memcg_reparent_list_lrus: list_splice_init puts them at the head */
	for (leaf = memcg->shadow_head; leaf != PAGE_NIL; leaf = hdr_of(m, leaf)->shadow_next)
		hdr_of(m, leaf)->shadow_memcg = parent->slot;
	hdr_of(m, memcg->shadow_tail)->shadow_next = parent->shadow_head;
	if (parent->shadow_head != PAGE_NIL)
		hdr_of(m, parent->shadow_head)->shadow_prev = memcg->shadow_tail;
	else
		parent->shadow_tail = memcg->shadow_tail;
	parent->shadow_head = memcg->shadow_head;
	parent->nr_shadow_nodes += memcg->nr_shadow_nodes;
	memcg->shadow_head = memcg->shadow_tail = PAGE_NIL;
	memcg->nr_shadow_nodes = 0;
}

void workingset_memcg_free(struct machine *m, struct mem_cgroup *memcg)
{
	while (memcg->shadow_head != PAGE_NIL)
		shadow_node_free(m, memcg->shadow_head, memcg);
}
