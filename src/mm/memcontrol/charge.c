// SPDX-License-Identifier: GPL-2.0-only
/*
 * try_charge, the per-CPU stock and memory.high enforcement, after
 * mm/memcontrol.c of Linux 6.1.
 */
#include "charge.h"

#include <errno.h>

#include "../../event_log.h"
#include "../../machine.h"
#include "../oom_kill.h"
#include "../task.h"
#include "../vmscan.h"
#include "objcg.h"

long mem_cgroup_margin(const struct mem_cgroup *memcg)
{
	long count = page_counter_read(&memcg->memory);
	long limit = memcg->memory.max;

	return count < limit ? limit - count : 0;
}

/* Give nr_pages back to memcg's counter chain (an underflow is recorded). */
static void uncharge_counters(struct machine *m, struct mem_cgroup *memcg, long nr_pages)
{
	m->page_counter_underflows += page_counter_uncharge(&memcg->memory, nr_pages);
	memcg->direct -= nr_pages;
}

static struct memcg_stock *this_stock(struct machine *m)
{
	return &m->cpus[m->current_cpu].stock;
}

bool consume_stock(struct machine *m, struct mem_cgroup *memcg, long nr_pages)
{
	struct memcg_stock *stock;

	if (nr_pages > MEMCG_CHARGE_BATCH || !m->policy.stock)
		return false;
	stock = this_stock(m);
	if (stock->cached == memcg && stock->nr_pages >= nr_pages) {
		stock->nr_pages -= nr_pages;
		return true;
	}
	return false;
}

static void drain_one(struct machine *m, struct memcg_stock *stock)
{
	struct mem_cgroup *old = stock->cached;
	long nr_pages = stock->nr_pages;

	if (!old)
		return;
	/* emptied first: what follows may refill it (refill_stock) */
	stock->nr_pages = 0;
	stock->cached = NULL;
	if (nr_pages)
		uncharge_counters(m, old, nr_pages);
	/* The stock held a css reference: dropping it may free a zombie. */
	memcg_put_ref(m, old, &old->refs_stock, 1);
}

void drain_stock(struct machine *m, int cpu)
{
	drain_one(m, &m->cpus[cpu].stock);
}

void refill_stock(struct machine *m, struct mem_cgroup *memcg, long nr_pages)
{
	struct memcg_stock *stock = this_stock(m);

	if (!m->policy.stock) {
		uncharge_counters(m, memcg, nr_pages);
		return;
	}
	/*
	 * Dropping the old memcg may free it, and the model frees at once
	 * (the kernel's css release is a work item): its per-CPU memory is
	 * uncharged from its parent, through this CPU's stock. So the stock
	 * is looked at again after each drain, until it caches memcg.
	 */
	while (stock->cached != memcg) {
		if (stock->cached) {
			drain_one(m, stock);
			continue;
		}
		memcg->refs_stock++;
		stock->cached = memcg;
	}
	stock->nr_pages += nr_pages;
	if (stock->nr_pages > MEMCG_CHARGE_BATCH)
		drain_one(m, stock);
}

void drain_all_stock(struct machine *m, struct mem_cgroup *root)
{
	int cpu;

	/*
	 * Only CPUs whose page stock holds pages of the subtree, or whose
	 * obj stock caches one of its objcgs, are flushed (6.1): a stock
	 * that caches a memcg with zero pages keeps its reference until that
	 * CPU charges something else.
	 */
	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct memcg_stock *stock = &m->cpus[cpu].stock;
		bool flush = (stock->cached && stock->nr_pages &&
			      mem_cgroup_is_descendant(stock->cached, root)) ||
			     (stock->cached_objcg &&
			      mem_cgroup_is_descendant(stock->cached_objcg->memcg, root));

		/*
		 * drain_local_stock empties both halves of the CPU's stock, on
		 * that CPU: the obj stock's whole pages go back through that
		 * CPU's page stock, which is emptied next (not through the
		 * page stock of the CPU that asked for the drain).
		 */
		if (flush) {
			int cur = m->current_cpu;

			m->current_cpu = cpu;
			drain_obj_stock(m, cpu);
			drain_one(m, stock);
			m->current_cpu = cur;
		}
	}
}

void memcg_uncharge(struct machine *m, struct mem_cgroup *memcg, long nr_pages)
{
	if (mem_cgroup_is_root(memcg))
		return;
	uncharge_counters(m, memcg, nr_pages);
	if (unlikely(memcg->ext_flags & MEMCG_EXT_CHARGE))
		ext_memcg_charged(m, memcg, -nr_pages);
}

void memcg_uncharge_to_stock_slow(struct machine *m, struct mem_cgroup *memcg,
				  long nr_pages)
{
	if (mem_cgroup_is_root(memcg))
		return;
	refill_stock(m, memcg, nr_pages);
}

static struct mem_cgroup *memcg_of_counter(struct page_counter *c)
{
	return container_of(c, struct mem_cgroup, memory);
}

static int order_of(long nr_pages)
{
	int order = 0;

	while ((1L << order) < nr_pages)
		order++;
	return order;
}

static bool task_is_dying(const struct machine *m)
{
	return m->current && m->current->dying;
}

static int try_charge_memcg(struct machine *m, struct mem_cgroup *memcg,
			    unsigned gfp, long nr_pages)
{
	long batch = MAX(MEMCG_CHARGE_BATCH, nr_pages);
	int nr_retries = MAX_RECLAIM_RETRIES;
	struct mem_cgroup *mem_over_limit;
	struct page_counter *counter;
	bool passed_oom = false;
	bool drained = false;
	bool raised_max_event = false;
	long nr_reclaimed;

	if (!m->policy.stock || (gfp & (GFP_NOBATCH | GFP_LOCAL)))
		batch = nr_pages;
retry:
	if (!(gfp & (GFP_NOBATCH | GFP_LOCAL)) && consume_stock(m, memcg, nr_pages))
		return 0;

	if (gfp & GFP_LOCAL) {
		if (page_counter_try_charge_local(&memcg->memory, batch, &counter))
			return 0;
	} else if (page_counter_try_charge(&memcg->memory, batch, &counter)) {
		memcg->direct += batch;
		goto done_restock;
	}
	mem_over_limit = memcg_of_counter(counter);

	if (batch > nr_pages) {
		batch = nr_pages;
		goto retry;
	}

	if (!gfpflags_allow_blocking(gfp))
		goto nomem;

	memcg_memory_event(m, mem_over_limit, MEMCG_MAX);
	raised_max_event = true;

	nr_reclaimed = try_to_free_mem_cgroup_pages(m, mem_over_limit, nr_pages, gfp,
						    (gfp & GFP_NOSWAP) ? 0 : MEMCG_RECLAIM_MAY_SWAP,
						    NULL);

	if (mem_cgroup_margin(mem_over_limit) >= nr_pages)
		goto retry;

	if (!drained) {
		drain_all_stock(m, mem_over_limit);
		drained = true;
		goto retry;
	}

	if (gfp & GFP_NORETRY)
		goto nomem;
	/*
	 * Small charges that made any progress keep trying: reclaim may
	 * have raced with others taking the freed pages.
	 */
	if (nr_reclaimed && nr_pages <= (1L << PAGE_ALLOC_COSTLY_ORDER))
		goto retry;

	if (nr_retries--)
		goto retry;

	if (gfp & GFP_RETRY_MAYFAIL)
		goto nomem;

	if (passed_oom && task_is_dying(m))
		goto nomem;

	/* mem_cgroup_oom(): costly orders never invoke the OOM killer. */
	if (order_of(nr_pages) <= PAGE_ALLOC_COSTLY_ORDER) {
		memcg_memory_event(m, mem_over_limit, MEMCG_OOM);
		if (mem_cgroup_out_of_memory(m, mem_over_limit, gfp,
					     order_of(nr_pages))) {
			passed_oom = true;
			nr_retries = MAX_RECLAIM_RETRIES;
			goto retry;
		}
	}
nomem:
	if (!(gfp & (GFP_NOFAIL | GFP_HIGH))) {
		event_emit(m, SMEMCG_EV_CHARGE_FAILED, current_pid(m), 0,
			   -ENOMEM, memcg, NULL, nr_pages,
			   "a charge of %ld page%s failed: memory.max reached at %ld of %ld pages",
			   nr_pages, nr_pages > 1 ? "s" : "",
			   page_counter_read(&mem_over_limit->memory), mem_over_limit->memory.max);
		return -ENOMEM;
	}
	/* force: usage may exceed max; the failed limit still sees "max" */
	if (!raised_max_event)
		memcg_memory_event(m, mem_over_limit, MEMCG_MAX);
	if (gfp & GFP_LOCAL) {
		page_counter_add_local(&memcg->memory, nr_pages);
		return 0;
	}
	page_counter_charge(&memcg->memory, nr_pages);
	memcg->direct += nr_pages;
	return 0;

done_restock:
	if (batch > nr_pages)
		refill_stock(m, memcg, batch - nr_pages);

	/*
	 * Over memory.high somewhere up the tree: the task pays on its way
	 * back to user space (TIF_NOTIFY_RESUME), in proportion to batch.
	 * A task-less context (a control-file write) records nothing.
	 */
	if (m->current) {
		struct mem_cgroup *mc = memcg;

		do {
			bool mem_high = page_counter_read(&mc->memory) > mc->memory.high;
			bool swap_high = page_counter_read(&mc->swap) > mc->swap.high;

			if (mem_high || swap_high) {
				m->current->memcg_nr_pages_over_high += (unsigned long)batch;
				break;
			}
		} while ((mc = mc->parent));

		if (m->current->memcg_nr_pages_over_high > MEMCG_CHARGE_BATCH &&
		    gfpflags_allow_blocking(gfp))
			mem_cgroup_handle_over_high(m, m->current);
	}
	return 0;
}

int try_charge_slow(struct machine *m, struct mem_cgroup *memcg, unsigned gfp,
		    long nr_pages)
{
	int err;

	if (mem_cgroup_is_root(memcg))
		return 0;
	if (likely(!(memcg->ext_flags & MEMCG_EXT_CHARGE)))
		return try_charge_memcg(m, memcg, gfp, nr_pages);
	/* an extension sees these charges: exact, then reported */
	err = try_charge_memcg(m, memcg, gfp | GFP_NOBATCH, nr_pages);
	if (!err && ext_memcg_charged(m, memcg, nr_pages)) {
		/* the extension refused: undo this memcg's own charge only */
		uncharge_counters(m, memcg, nr_pages);
		err = -ENOMEM;
	}
	return err;
}

int try_charge_local(struct machine *m, struct mem_cgroup *memcg, unsigned gfp,
		     long nr_pages)
{
	if (mem_cgroup_is_root(memcg))
		return 0;
	return try_charge_memcg(m, memcg, gfp | GFP_LOCAL, nr_pages);
}

void mem_cgroup_shrink_to_max(struct machine *m, struct mem_cgroup *memcg)
{
	int nr_reclaims = MAX_RECLAIM_RETRIES;
	bool drained = false;

	for (;;) {
		long nr_pages = page_counter_read(&memcg->memory);
		long max = memcg->memory.max;

		if (nr_pages <= max)
			break;
		if (!drained) {
			drain_all_stock(m, memcg);
			drained = true;
			continue;
		}
		if (nr_reclaims) {
			if (!try_to_free_mem_cgroup_pages(m, memcg, nr_pages - max, GFP_KERNEL,
							  MEMCG_RECLAIM_MAY_SWAP, NULL))
				nr_reclaims--;
			continue;
		}
		memcg_memory_event(m, memcg, MEMCG_OOM);
		if (!mem_cgroup_out_of_memory(m, memcg, GFP_KERNEL, 0))
			break;
	}
}

unsigned long calculate_overage(unsigned long usage, unsigned long high)
{
	unsigned long overage;

	if (usage <= high)
		return 0;
	/* A threshold of 0 acts as 1 page, to keep the division defined. */
	high = MAX(high, 1UL);
	overage = (usage - high) << MEMCG_DELAY_PRECISION_SHIFT;
	return overage / high;
}

static unsigned long mem_find_max_overage(struct mem_cgroup *memcg)
{
	unsigned long overage, max_overage = 0;

	do {
		overage = calculate_overage((unsigned long)page_counter_read(&memcg->memory),
					    (unsigned long)memcg->memory.high);
		max_overage = MAX(overage, max_overage);
	} while ((memcg = memcg->parent) && !mem_cgroup_is_root(memcg));
	return max_overage;
}

static unsigned long swap_find_max_overage(struct machine *m,
					   struct mem_cgroup *memcg)
{
	unsigned long overage, max_overage = 0;

	do {
		overage = calculate_overage((unsigned long)page_counter_read(&memcg->swap),
					    (unsigned long)memcg->swap.high);
		if (overage)
			memcg_memory_event(m, memcg, MEMCG_SWAP_HIGH);
		max_overage = MAX(overage, max_overage);
	} while ((memcg = memcg->parent) && !mem_cgroup_is_root(memcg));
	return max_overage;
}

unsigned long calculate_high_delay(struct mem_cgroup *memcg,
				   unsigned long nr_pages,
				   unsigned long max_overage)
{
	unsigned long penalty_jiffies;

	(void)memcg;
	if (!max_overage)
		return 0;
	/*
	 * Quadratic in the overage so that a little over high costs little
	 * and a lot costs a lot; scaled to the batch that was charged.
	 */
	penalty_jiffies = max_overage * max_overage * HZ;
	penalty_jiffies >>= MEMCG_DELAY_PRECISION_SHIFT;
	penalty_jiffies >>= MEMCG_DELAY_SCALING_SHIFT;
	return penalty_jiffies * nr_pages / MEMCG_CHARGE_BATCH;
}

static long reclaim_high(struct machine *m, struct mem_cgroup *memcg,
			 long nr_pages)
{
	long nr_reclaimed = 0;

	do {
		if (page_counter_read(&memcg->memory) <= memcg->memory.high)
			continue;
		memcg_memory_event(m, memcg, MEMCG_HIGH);
		nr_reclaimed += try_to_free_mem_cgroup_pages(m, memcg, nr_pages,
							     GFP_KERNEL,
							     MEMCG_RECLAIM_MAY_SWAP, NULL);
	} while ((memcg = memcg->parent) && !mem_cgroup_is_root(memcg));
	return nr_reclaimed;
}

void mem_cgroup_handle_over_high(struct machine *m, struct task *t)
{
	unsigned long nr_pages = t->memcg_nr_pages_over_high;
	int nr_retries = MAX_RECLAIM_RETRIES;
	unsigned long penalty_jiffies;
	struct mem_cgroup *memcg;
	bool in_retry = false;
	long nr_reclaimed;

	if (!nr_pages)
		return;
	memcg = get_mem_cgroup_from_task_mm(m, t);
	t->memcg_nr_pages_over_high = 0;
	if (!memcg)
		return;
retry_reclaim:
	nr_reclaimed = reclaim_high(m, memcg,
				    in_retry ? SWAP_CLUSTER_MAX : (long)nr_pages);
	penalty_jiffies = calculate_high_delay(memcg, nr_pages,
					       mem_find_max_overage(memcg));
	penalty_jiffies += calculate_high_delay(memcg, nr_pages,
						swap_find_max_overage(m, memcg));
	penalty_jiffies = MIN(penalty_jiffies, MEMCG_MAX_HIGH_DELAY_JIFFIES);

	/* Too small to be worth a sleep. */
	if (penalty_jiffies <= HZ / 100)
		return;
	/* Progress, or retries left: reclaim instead of sleeping. */
	if (nr_reclaimed || nr_retries--) {
		in_retry = true;
		goto retry_reclaim;
	}
	t->throttled_ns += penalty_jiffies * NSEC_PER_JIFFY;
	m->now_ns += penalty_jiffies * NSEC_PER_JIFFY;
	/* psi_memstall_enter around the sleep: the task's cgroups stall */
	cgroup_psi_memstall(t->cgroup, penalty_jiffies * NSEC_PER_JIFFY);
}
