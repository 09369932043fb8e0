/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reclaim (mm/vmscan.c, 6.1, the classic two-list LRU; MGLRU is built into
 * Debian's kernel but off by default).
 */
#ifndef SMEMCG_VMSCAN_H
#define SMEMCG_VMSCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "page.h"

struct machine;
struct mem_cgroup;
struct memobj;

#define MEMCG_RECLAIM_MAY_SWAP	0x1
#define MEMCG_RECLAIM_PROACTIVE	0x2
#define DEF_PRIORITY 12

/*
 * lru_note_cost (mm/swap.c of 6.1): reclaim cost of nr_pages of one type,
 * noted on memcg's lruvec and its ancestors', decayed against their LRU size.
 */
void lru_note_cost(struct machine *m, struct mem_cgroup *memcg, bool file, long nr_pages);

/*
 * Reclaim at least nr_pages (32 at least) from memcg's subtree; swappiness
 * (6.12's memory.reclaim swappiness=) instead of vm.swappiness when not NULL.
 */
long try_to_free_mem_cgroup_pages(struct machine *m, struct mem_cgroup *memcg,
				  long nr_pages, unsigned gfp,
				  unsigned reclaim_options, const int *swappiness);
/*
 * Evict one resident page now, as reclaim for target would (the root for
 * NULL): unmapped, a shadow entry left for target; a page-cache page is
 * dropped (a dirty one written first when write_dirty, else it stays), a
 * swap-backed one swapped out. 0, or -EAGAIN when it stays.
 */
int evict_page(struct machine *m, struct memobj *obj, pgh_t h, struct mem_cgroup *target,
	       bool write_dirty);
/* Direct reclaim of the whole machine (the page allocator's slow path). */
long try_to_free_pages(struct machine *m, long nr_pages, unsigned gfp);
/* kswapd: background reclaim of the whole machine. */
long kswapd_reclaim(struct machine *m, long nr_pages);

#endif
