/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Workingset detection (mm/workingset.c of Linux 6.1, classic LRU): a page
 * evicted by reclaim leaves a shadow entry in its slot, the nonresident
 * age of the reclaim target's lruvec at that moment. When the page comes
 * back (a refault), the distance since its eviction is compared with the
 * workingset size of the lruvec that evicted it; a page that would have
 * stayed resident with that much more memory is activated at once.
 *
 * Shadows of page cache sit in the file's slots; shadows of swapped anon
 * and shmem pages in their swap slots (the kernel keeps those in the swap
 * cache). The page-cache leaves that hold nothing but shadows are on a
 * list per memcg, which the shadow shrinker (count_shadow_nodes) trims
 * during reclaim.
 */
#ifndef SMEMCG_WORKINGSET_H
#define SMEMCG_WORKINGSET_H

#include <stdbool.h>
#include <stdint.h>

#include "page.h"

struct machine;
struct memobj;
struct mem_cgroup;

/*
 * The shadow entry's layout on x86_64 (BITS_PER_XA_VALUE 63, Debian's
 * NODES_SHIFT 10, MEM_CGROUP_ID_SHIFT 16): the eviction timestamp keeps
 * the 36 bits that are left.
 */
#define WORKINGSET_SHIFT	1
#define WS_NODES_SHIFT		10
#define WS_MEMCG_ID_SHIFT	16
#define EVICTION_SHIFT		(1 + WORKINGSET_SHIFT + WS_NODES_SHIFT + WS_MEMCG_ID_SHIFT)
#define EVICTION_MASK		(~0UL >> EVICTION_SHIFT)

/*
 * The refault distance test of workingset_refault(), a pure function for
 * differential tests (tests/kernel-diff compares it with the kernel's).
 * eviction: the evicting lruvec's nonresident_age stored in the shadow,
 * already shifted back by bucket_order (eviction << bucket_order);
 * refault: that lruvec's nonresident_age now; workingset_size: the pages
 * the refaulting folio competes with (active file, plus inactive file for
 * anon, plus the anon lists when swap is available). Returns true when
 * the folio is activated: (refault - eviction) & EVICTION_MASK is at most
 * workingset_size.
 */
bool workingset_refault_activates(unsigned long eviction, unsigned long refault,
				  unsigned long workingset_size);

/* workingset_init(): the bucket order for a machine of totalram_pages. */
unsigned int workingset_bucket_order(unsigned long totalram_pages);

/* Age memcg's lruvec and its ancestors' by nr_pages (workingset_age_nonresident). */
void workingset_age_nonresident(struct mem_cgroup *memcg, unsigned long nr_pages);
/* A resident page h was activated (workingset_activation). */
void workingset_activation(struct machine *m, pgh_t h);
/*
 * A page about to be evicted by reclaim for target (the root for global
 * reclaim): the shadow entry to leave behind, never 0 (workingset_eviction).
 * Ages target's lruvec.
 */
uint64_t workingset_eviction(struct machine *m, pgh_t h, struct mem_cgroup *target);
/* The same for a page already gone whose PG_workingset was workingset. */
uint64_t workingset_eviction_of(struct machine *m, bool workingset, struct mem_cgroup *target);
/*
 * Page h (just installed, charged and on the inactive LRU) replaces a
 * shadow: count the refault for its memcg and activate it when the
 * distance test passes (workingset_refault).
 */
void workingset_refault(struct machine *m, struct memobj *obj, pgh_t h, uint64_t shadow);

/*
 * Shadow storage. A page-cache slot whose page reclaim freed keeps its
 * leaf slot (counted in nr_used and nr_shadow); a swapped slot keeps its
 * swap entry and gets the shadow beside it.
 */
void workingset_store_file_shadow(struct machine *m, struct memobj *obj, pgh_t h,
				  uint64_t shadow, struct mem_cgroup *memcg);
void workingset_store_swap_shadow(struct machine *m, pgh_t h, uint64_t shadow);
/*
 * The shadow of slot h (0 if none), removed from the slot. A page-cache
 * slot becomes an empty slot that is not counted as used: the caller
 * installs a page in it at once.
 */
uint64_t workingset_take_shadow(struct machine *m, struct memobj *obj, pgh_t h);
/* Drop the page-cache shadows of indices [from, to) (truncate, eviction). */
void workingset_clear_shadows(struct machine *m, struct memobj *obj, uint64_t from,
			      uint64_t to);
/*
 * A page-cache leaf's counts changed: put it on the shadow-node list of
 * memcg's nearest online ancestor when it holds only shadows now, take it
 * off when it does not (workingset_update_node).
 */
void workingset_update_node(struct machine *m, struct memobj *obj, uint32_t leaf,
			    struct mem_cgroup *memcg);
/* The leaf is about to be freed: off its list. */
void workingset_leaf_free(struct machine *m, uint32_t leaf);

/*
 * The shadow shrinker for one memcg at a reclaim priority (do_shrink_slab
 * with count_shadow_nodes and scan_shadow_nodes): returns the leaves freed.
 */
unsigned long workingset_shrink(struct machine *m, struct mem_cgroup *memcg, int priority);
/* At offline the memcg's shadow nodes and deferred count go to its parent. */
void workingset_memcg_offline(struct machine *m, struct mem_cgroup *memcg);
/* A memcg outside the tree is freed: its shadow nodes are dropped. */
void workingset_memcg_free(struct machine *m, struct mem_cgroup *memcg);

#endif
