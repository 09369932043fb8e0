// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel side of the families cut from mm/memcontrol.c (and the
 * helpers of include/linux/memcontrol.h it uses): effective protection,
 * the memory.high and swap.high penalty, the per-CPU stock.
 */
#include "kdiff_kernel.h"
#include "include/memcontrol_h.c"

/*
 * What try_charge_memcg calls once a charge may block: reclaim, the OOM
 * killer, draining every CPU's stock. The cases never block.
 */
static inline void psi_memstall_enter(unsigned long *flags) { (void)flags; kd_unreachable("psi_memstall_enter"); }
static inline void psi_memstall_leave(unsigned long *flags) { (void)flags; }
static inline unsigned long try_to_free_mem_cgroup_pages(struct mem_cgroup *memcg, unsigned long nr,
							 gfp_t gfp, unsigned int options)
{
	(void)memcg, (void)nr, (void)gfp, (void)options;
	kd_unreachable("try_to_free_mem_cgroup_pages");
}
static unsigned long mem_cgroup_margin(struct mem_cgroup *memcg) { (void)memcg; kd_unreachable("mem_cgroup_margin"); }
static void drain_all_stock(struct mem_cgroup *root) { (void)root; kd_unreachable("drain_all_stock"); }
static bool mem_cgroup_wait_acct_move(struct mem_cgroup *memcg) { (void)memcg; kd_unreachable("mem_cgroup_wait_acct_move"); }
static inline bool task_is_dying(void) { kd_unreachable("task_is_dying"); }
static bool mem_cgroup_oom(struct mem_cgroup *memcg, gfp_t mask, int order)
{
	(void)memcg, (void)mask, (void)order;
	kd_unreachable("mem_cgroup_oom");
}
static void mem_cgroup_handle_over_high(gfp_t gfp) { (void)gfp; kd_unreachable("mem_cgroup_handle_over_high"); }

#include "mm/memcontrol.c"
#include "kdiff.h"

/* a cgroup2 mount option: CGRP_ROOT_MEMORY_RECURSIVE_PROT, _LOCAL_EVENTS */
static void set_mount_option(unsigned int flag, bool on)
{
	if (on)
		cgrp_dfl_root.flags |= flag;
	else
		cgrp_dfl_root.flags &= ~flag;
}

/* Each CPU's stock: the memcg it caches (index in mc, -1) and its pages. */
static void put_stocks(struct kd_trace *t, const struct memcg_stock_pcp *stock, int ncpus,
		       const struct mem_cgroup *mc)
{
	int i;

	for (i = 0; i < ncpus; i++) {
		kd_put(t, "stock memcg", i, stock[i].cached ? stock[i].cached - mc : -1);
		kd_put(t, "stock nr_pages", i, stock[i].nr_pages);
	}
}

/* memcgs 0..n-1 under parent[], 0 the root memcg, ids 1..n */
static void make_tree(struct mem_cgroup *mc, int n, const int *parent)
{
	int i;

	for (i = 0; i < n; i++)
		kd_memcg_init(&mc[i], parent[i] >= 0 ? &mc[parent[i]] : NULL,
			      (unsigned short)(i + 1));
	root_mem_cgroup = &mc[0];
}

int kern_effective_protection(const struct kd_ep_input *in, struct kd_trace *t)
{
	set_mount_option(CGRP_ROOT_MEMORY_RECURSIVE_PROT, in->recursive);
	kd_put(t, "effective_protection", -1,
	       (int64_t)effective_protection(in->usage, in->parent_usage, in->setting,
					     in->parent_effective, in->siblings_protected));
	return 0;
}

int kern_calculate_protection(const struct kd_prot_input *in, struct kd_trace *t)
{
	static struct mem_cgroup mc[KD_PC_MAX];
	int i, k;

	make_tree(mc, in->n, in->parent);
	set_mount_option(CGRP_ROOT_MEMORY_RECURSIVE_PROT, in->recursive);
	for (k = 0; k < in->nops; k++) {
		const struct kd_pc_op *op = &in->op[k];
		struct page_counter *pc = &mc[op->idx].memory;

		switch (op->kind) {
		case KD_PROT_CHARGE:
			page_counter_charge(pc, op->nr);
			break;
		case KD_PROT_UNCHARGE:
			page_counter_uncharge(pc, op->nr);
			break;
		case KD_PROT_SET_MIN:
			page_counter_set_min(pc, op->nr);
			break;
		case KD_PROT_SET_LOW:
			page_counter_set_low(pc, op->nr);
			break;
		case KD_PROT_WALK: {
			/* shrink_node_memcgs(): mem_cgroup_iter() from the target */
			struct mem_cgroup *target = op->idx == 0 && op->nr % 2 ? NULL : &mc[op->idx];

			for (i = 0; i < in->n; i++) {
				int m = in->preorder[i];

				if (!kd_in_subtree(in->parent, m, op->idx))
					continue;
				mem_cgroup_calculate_protection(target, &mc[m]);
				kd_put(t, "below_min", m, mem_cgroup_below_min(&mc[m]));
				kd_put(t, "below_low", m, mem_cgroup_below_low(&mc[m]));
			}
			break;
		}
		}
		for (i = 0; i < in->n; i++) {
			kd_put(t, "usage", i, (int64_t)page_counter_read(&mc[i].memory));
			kd_put(t, "emin", i, (int64_t)mc[i].memory.emin);
			kd_put(t, "elow", i, (int64_t)mc[i].memory.elow);
		}
	}
	return 0;
}

int kern_overage(const struct kd_overage_input *in, struct kd_trace *t)
{
	u64 overage = calculate_overage(in->usage, in->high);

	kd_put(t, "calculate_overage", -1, (int64_t)overage);
	kd_put(t, "calculate_high_delay", 0,
	       (int64_t)calculate_high_delay(NULL, in->nr_pages, in->max_overage));
	kd_put(t, "calculate_high_delay", 1,
	       (int64_t)calculate_high_delay(NULL, in->nr_pages, overage));
	return 0;
}

int kern_high_penalty(const struct kd_high_input *in, struct kd_trace *t)
{
	static struct mem_cgroup mc[KD_HIGH_MAX];
	int parent[KD_HIGH_MAX], i;
	struct mem_cgroup *leaf;
	u64 mem, swap;

	for (i = 0; i < in->depth; i++)
		parent[i] = i - 1;
	make_tree(mc, in->depth, parent);
	set_mount_option(CGRP_ROOT_MEMORY_LOCAL_EVENTS, in->local_events);
	for (i = 0; i < in->depth; i++) {
		atomic_long_set(&mc[i].memory.usage, (long)in->lvl[i].mem_usage);
		page_counter_set_high(&mc[i].memory, in->lvl[i].mem_high);
		atomic_long_set(&mc[i].swap.usage, (long)in->lvl[i].swap_usage);
		page_counter_set_high(&mc[i].swap, in->lvl[i].swap_high);
	}
	leaf = &mc[in->depth - 1];
	/* mem_cgroup_handle_over_high()'s order */
	mem = mem_find_max_overage(leaf);
	kd_put(t, "mem_find_max_overage", -1, (int64_t)mem);
	kd_put(t, "memory penalty", -1, (int64_t)calculate_high_delay(leaf, in->nr_pages, mem));
	swap = swap_find_max_overage(leaf);
	kd_put(t, "swap_find_max_overage", -1, (int64_t)swap);
	kd_put(t, "swap penalty", -1, (int64_t)calculate_high_delay(leaf, in->nr_pages, swap));
	for (i = 0; i < in->depth; i++) {
		kd_put(t, "swap_high events", i, atomic_long_read(&mc[i].memory_events[MEMCG_SWAP_HIGH]));
		kd_put(t, "swap_high events.local", i,
		       atomic_long_read(&mc[i].memory_events_local[MEMCG_SWAP_HIGH]));
	}
	return 0;
}

int kern_stock(const struct kd_stock_input *in, struct kd_trace *t)
{
	static struct memcg_stock_pcp stock[KD_STOCK_CPUS];
	static struct mem_cgroup mc[KD_STOCK_MEMCGS];
	int i, k;

	memset(stock, 0, sizeof(stock));
	make_tree(mc, in->nmemcg, in->parent);
	for (i = 1; i < in->nmemcg; i++)
		page_counter_charge(&mc[i].memory, in->usage[i]);
	for (k = 0; k < in->nops; k++) {
		const struct kd_stock_op *op = &in->op[k];

		kd_kernel_warnings = 0;
		kd_this_cpu_stock = &stock[op->cpu];
		switch (op->kind) {
		case KD_STOCK_CONSUME:
			kd_put(t, "consume_stock", k, consume_stock(&mc[op->memcg], op->nr));
			break;
		case KD_STOCK_REFILL:
			refill_stock(&mc[op->memcg], op->nr);
			break;
		case KD_STOCK_DRAIN:
			drain_stock(&stock[op->cpu]);
			break;
		}
		kd_put(t, "underflow warnings", k, kd_kernel_warnings);
		put_stocks(t, stock, in->ncpus, mc);
		for (i = 0; i < in->nmemcg; i++) {
			kd_put(t, "memory usage", i, atomic_long_read(&mc[i].memory.usage));
			kd_put(t, "css references of stocks", i, mc[i].css.refcnt);
		}
	}
	return 0;
}

int kern_charge(const struct kd_charge_input *in, struct kd_trace *t)
{
	static const gfp_t gfp[KD_GFP_NR] = { GFP_NOWAIT, GFP_ATOMIC, GFP_NOWAIT | __GFP_NOFAIL };
	static struct memcg_stock_pcp stock[KD_CHARGE_CPUS];
	static struct mem_cgroup mc[KD_CHARGE_MEMCGS];
	struct task_struct task = { .tgid = 100 };
	int i, k;

	memset(stock, 0, sizeof(stock));
	make_tree(mc, in->nmemcg, in->parent);
	set_mount_option(CGRP_ROOT_MEMORY_LOCAL_EVENTS, in->local_events);
	current = &task;
	for (k = 0; k < in->nops; k++) {
		const struct kd_charge_op *op = &in->op[k];
		struct mem_cgroup *memcg = &mc[op->memcg];

		kd_kernel_warnings = 0;
		kd_this_cpu_stock = &stock[op->cpu];
		switch (op->kind) {
		case KD_CHARGE_TRY:
			kd_put(t, "try_charge", k, try_charge(memcg, gfp[op->gfp], (unsigned int)op->nr));
			break;
		case KD_CHARGE_UNCHARGE:
			/* uncharge_batch() */
			page_counter_uncharge(&memcg->memory, op->nr);
			break;
		case KD_CHARGE_UNCHARGE_KMEM:
			/* obj_cgroup_uncharge_pages() */
			refill_stock(memcg, (unsigned int)op->nr);
			break;
		case KD_CHARGE_DRAIN:
			drain_stock(&stock[op->cpu]);
			break;
		case KD_CHARGE_SET_MAX:
			xchg(&memcg->memory.max, op->nr);
			break;
		case KD_CHARGE_SET_HIGH:
			page_counter_set_high(&memcg->memory, op->nr);
			break;
		}
		kd_put(t, "underflow warnings", k, kd_kernel_warnings);
		kd_put(t, "memcg_nr_pages_over_high", k, current->memcg_nr_pages_over_high);
		put_stocks(t, stock, in->ncpus, mc);
		for (i = 0; i < in->nmemcg; i++) {
			kd_put(t, "memory usage", i, atomic_long_read(&mc[i].memory.usage));
			kd_put(t, "watermark", i, (int64_t)mc[i].memory.watermark);
			kd_put(t, "failcnt", i, (int64_t)mc[i].memory.failcnt);
			kd_put(t, "max events", i, atomic_long_read(&mc[i].memory_events[MEMCG_MAX]));
			kd_put(t, "max events.local", i,
			       atomic_long_read(&mc[i].memory_events_local[MEMCG_MAX]));
			kd_put(t, "css references of stocks", i, mc[i].css.refcnt);
		}
	}
	current = NULL;
	return 0;
}
