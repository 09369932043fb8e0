/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Swap: one swap device of `machine swap=` slots. Swap-out charges the
 * nearest online ancestor's swap counter (memory.swap.max) and records it
 * in the entry, which holds that memcg's id; swap-in charges the recorded
 * memcg when it is online, else the faulting mm's (mm/memcontrol.c 6.1).
 */
#ifndef SMEMCG_SWAP_H
#define SMEMCG_SWAP_H

#include <stdbool.h>

#include "memcontrol/memcg.h"
#include "memobj.h"

struct machine;

/* Pages of swap a memcg may still use (mem_cgroup_get_nr_swap_pages). */
long mem_cgroup_get_nr_swap_pages(struct machine *m, struct mem_cgroup *memcg);
bool mem_cgroup_swap_full(struct machine *m, struct mem_cgroup *memcg);

/*
 * Move a resident, unmapped-or-mapped anon/shmem page to swap: the page's
 * memory charge goes, a swap charge comes. 0, or -ENOMEM (no slot, or
 * swap.max) with the swap events raised.
 */
int swap_out_page(struct machine *m, struct memobj *obj, pgh_t h);
/*
 * Bring a swapped slot back (a fault, or a tmpfs read/write): `fault` is
 * the memcg of the faulting context. keep_slot: leave it in the swap cache.
 */
int swap_in_page(struct machine *m, struct memobj *obj, pgh_t h,
		 struct mem_cgroup *fault, bool keep_slot);
/* Drop a swap entry nobody references any more. */
void swap_free_entry(struct machine *m, struct memobj *obj, pgh_t h);
/* A resident page gives up its swap-cache slot. */
void swap_free_cache(struct machine *m, struct memobj *obj, pgh_t h);
/*
 * swapoff(2): every swapped page comes back (charged as a swap-in: to the
 * memcg its entry names when online, else the caller's, the root), then
 * the machine has no swap. 0, -EINVAL without swap, -ENOMEM when a page
 * could not be brought back (the swap stays on).
 */
int swap_off(struct machine *m);

#endif
