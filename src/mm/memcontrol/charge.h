/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The memcg charge path: try_charge with the per-CPU stock and the retry
 * loop (reclaim, drain, OOM), uncharge, and memory.high enforcement on
 * return to user space. After mm/memcontrol.c (6.1): try_charge_memcg,
 * consume_stock/refill_stock/drain_all_stock, mem_cgroup_handle_over_high.
 */
#ifndef SMEMCG_CHARGE_H
#define SMEMCG_CHARGE_H

#include <stdbool.h>

#include "../../machine.h"
#include "memcg.h"

struct task;

/* The gfp bits the charge path looks at. */
#define GFP_KERNEL		0x0000
#define GFP_NOWAIT		0x0001	/* may not block: no reclaim */
#define GFP_NORETRY		0x0002
#define GFP_RETRY_MAYFAIL	0x0004
#define GFP_NOFAIL		0x0008
#define GFP_HIGH		0x0010
#define GFP_NOSWAP		0x0020	/* reclaim without swap */
#define GFP_REMOTE		0x0040	/* to a memcg the task is not in: no OOM victim is no error */
#define GFP_NOBATCH		0x0080	/* charge exactly: no stock */
#define GFP_LOCAL		0x0100	/* this level alone (try_charge_local) */

static inline bool gfpflags_allow_blocking(unsigned gfp)
{
	return !(gfp & GFP_NOWAIT);
}

/*
 * Charge nr_pages to memcg as the current task on the current CPU.
 * Returns 0 (maybe forced over the limit) or -ENOMEM; the root is never
 * charged. Reclaim and OOM run inside as the kernel's loop does.
 */
int try_charge_slow(struct machine *m, struct mem_cgroup *memcg, unsigned gfp,
		    long nr_pages);
/*
 * Charge nr_pages to memcg's own level, not its ancestors (usage a level
 * counts by its own rule: page_counter_add_local), with the whole retry
 * loop of a charge: reclaim, drain, OOM in memcg. Returns 0 or -ENOMEM.
 * No stock, no memory.high work for the current task.
 */
int try_charge_local(struct machine *m, struct mem_cgroup *memcg, unsigned gfp,
		     long nr_pages);
/*
 * Bring memcg down to its memory.max as a write of memory.max does:
 * drain, reclaim, then OOM-kill until it fits or nothing is left to kill.
 */
void mem_cgroup_shrink_to_max(struct machine *m, struct mem_cgroup *memcg);
/* Give pages back through the stock (obj_cgroup_uncharge_pages). */
void memcg_uncharge_to_stock_slow(struct machine *m, struct mem_cgroup *memcg,
				  long nr_pages);

/*
 * The stock hit is most charges (every fault of a task whose CPU holds a
 * batch of its memcg): kept inline so that it costs a few loads and a
 * store, with no call. The result is the same as the slow path's first
 * consume_stock(): a hit returns before any memory.high check, as in 6.1.
 */
static inline int try_charge(struct machine *m, struct mem_cgroup *memcg,
			     unsigned gfp, long nr_pages)
{
	struct memcg_stock *stock = &m->cpus[m->current_cpu].stock;

	if (stock->cached == memcg && stock->nr_pages >= nr_pages &&
	    nr_pages <= MEMCG_CHARGE_BATCH && m->policy.stock &&
	    !(gfp & GFP_NOBATCH) && !memcg->ext_flags && !mem_cgroup_is_root(memcg)) {
		stock->nr_pages -= nr_pages;
		return 0;
	}
	return try_charge_slow(m, memcg, gfp, nr_pages);
}

/*
 * Give nr_pages back through the current CPU's stock (refill_stock): they
 * stay charged while the stock holds them, as in 6.1.
 */
static inline void memcg_uncharge_to_stock(struct machine *m,
					   struct mem_cgroup *memcg,
					   long nr_pages)
{
	struct memcg_stock *stock = &m->cpus[m->current_cpu].stock;

	/* refill_stock without a drain: the cached memcg gets its pages back */
	if (stock->cached == memcg && m->policy.stock &&
	    stock->nr_pages + nr_pages <= MEMCG_CHARGE_BATCH &&
	    !mem_cgroup_is_root(memcg)) {
		stock->nr_pages += nr_pages;
		return;
	}
	memcg_uncharge_to_stock_slow(m, memcg, nr_pages);
}

/* Uncharge pages of user folios: straight to the counters, as 6.1 does. */
void memcg_uncharge(struct machine *m, struct mem_cgroup *memcg, long nr_pages);

/* Pages memcg may still charge before its own memory.max; 0 at or above it. */
long mem_cgroup_margin(const struct mem_cgroup *memcg);

/* Per-CPU stock */
bool consume_stock(struct machine *m, struct mem_cgroup *memcg, long nr_pages);
void refill_stock(struct machine *m, struct mem_cgroup *memcg, long nr_pages);
void drain_stock(struct machine *m, int cpu);
void drain_all_stock(struct machine *m, struct mem_cgroup *root);

/* Return-to-user work of a task that went over memory.high. */
void mem_cgroup_handle_over_high(struct machine *m, struct task *t);
/* The throttling delay (jiffies) for nr_pages over high, before clamping. */
unsigned long calculate_high_delay(struct mem_cgroup *memcg,
				   unsigned long nr_pages,
				   unsigned long max_overage);
unsigned long calculate_overage(unsigned long usage, unsigned long high);

#define MEMCG_MAX_HIGH_DELAY_JIFFIES (2UL * 250)
#define MEMCG_DELAY_PRECISION_SHIFT 20
#define MEMCG_DELAY_SCALING_SHIFT 14

#endif
