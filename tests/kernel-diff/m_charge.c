// SPDX-License-Identifier: GPL-2.0-only
/*
 * The model's side of the overage, high_penalty, stock and charge families:
 * src/mm/memcontrol/charge.c, included here (KD_MODEL_SRC names a mutated
 * copy in the mutant builds) for its static mem_find_max_overage and
 * swap_find_max_overage. The machine is a bare one: the CPUs' stocks,
 * the policy and the mount options these functions read, nothing else.
 */
#ifndef KD_MODEL_SRC
#define KD_MODEL_SRC "mm/memcontrol/charge.c"
#endif
#include KD_MODEL_SRC

#include <string.h>

#include "kdiff.h"
#include "m_side.h"

/* memcgs 0..n-1 under parent[], 0 the root memcg, all online */
static void make_tree(struct mem_cgroup *mc, int n, const int *parent)
{
	int i;

	for (i = 0; i < n; i++)
		kd_model_memcg_init(&mc[i], parent[i] >= 0 ? &mc[parent[i]] : NULL);
}

/* Each CPU's stock: the memcg it caches (index in mc, -1) and its pages. */
static void put_stocks(struct kd_trace *t, const struct cpu *cpus, int ncpus,
		       const struct mem_cgroup *mc)
{
	int i;

	for (i = 0; i < ncpus; i++) {
		const struct memcg_stock *stock = &cpus[i].stock;

		kd_put(t, "stock memcg", i, stock->cached ? stock->cached - mc : -1);
		kd_put(t, "stock nr_pages", i, stock->nr_pages);
	}
}

int model_overage(const struct kd_overage_input *in, struct kd_trace *t)
{
	unsigned long overage = calculate_overage(in->usage, in->high);

	kd_put(t, "calculate_overage", -1, (int64_t)overage);
	kd_put(t, "calculate_high_delay", 0,
	       (int64_t)calculate_high_delay(NULL, in->nr_pages, in->max_overage));
	kd_put(t, "calculate_high_delay", 1,
	       (int64_t)calculate_high_delay(NULL, in->nr_pages, overage));
	return 0;
}

int model_high_penalty(const struct kd_high_input *in, struct kd_trace *t)
{
	static struct mem_cgroup mc[KD_HIGH_MAX];
	int parent[KD_HIGH_MAX], i;
	struct mem_cgroup *leaf;
	unsigned long mem, swap;
	struct machine m;

	memset(&m, 0, sizeof(m));
	m.cfg.options = in->local_events ? SMEMCG_OPT_LOCALEVENTS : 0;
	for (i = 0; i < in->depth; i++)
		parent[i] = i - 1;
	make_tree(mc, in->depth, parent);
	for (i = 0; i < in->depth; i++) {
		mc[i].memory.usage = (long)in->lvl[i].mem_usage;
		page_counter_set_high(&mc[i].memory, (long)in->lvl[i].mem_high);
		mc[i].swap.usage = (long)in->lvl[i].swap_usage;
		page_counter_set_high(&mc[i].swap, (long)in->lvl[i].swap_high);
	}
	leaf = &mc[in->depth - 1];
	/* mem_cgroup_handle_over_high()'s order */
	mem = mem_find_max_overage(leaf);
	kd_put(t, "mem_find_max_overage", -1, (int64_t)mem);
	kd_put(t, "memory penalty", -1, (int64_t)calculate_high_delay(leaf, in->nr_pages, mem));
	swap = swap_find_max_overage(&m, leaf);
	kd_put(t, "swap_find_max_overage", -1, (int64_t)swap);
	kd_put(t, "swap penalty", -1, (int64_t)calculate_high_delay(leaf, in->nr_pages, swap));
	for (i = 0; i < in->depth; i++) {
		kd_put(t, "swap_high events", i, (int64_t)mc[i].events[MEMCG_SWAP_HIGH]);
		kd_put(t, "swap_high events.local", i, (int64_t)mc[i].events_local[MEMCG_SWAP_HIGH]);
	}
	return 0;
}

int model_stock(const struct kd_stock_input *in, struct kd_trace *t)
{
	static struct mem_cgroup mc[KD_STOCK_MEMCGS];
	struct cpu cpus[KD_STOCK_CPUS];
	struct machine m;
	int i, k;

	memset(&m, 0, sizeof(m));
	memset(cpus, 0, sizeof(cpus));
	m.cpus = cpus;
	m.nr_cpus = in->ncpus;
	m.policy.stock = true;
	make_tree(mc, in->nmemcg, in->parent);
	m.root_mem_cgroup = &mc[0];
	for (i = 1; i < in->nmemcg; i++)
		page_counter_charge(&mc[i].memory, (long)in->usage[i]);
	for (k = 0; k < in->nops; k++) {
		const struct kd_stock_op *op = &in->op[k];
		long underflows = m.page_counter_underflows;

		m.current_cpu = op->cpu;
		switch (op->kind) {
		case KD_STOCK_CONSUME:
			kd_put(t, "consume_stock", k, consume_stock(&m, &mc[op->memcg], op->nr));
			break;
		case KD_STOCK_REFILL:
			refill_stock(&m, &mc[op->memcg], op->nr);
			break;
		case KD_STOCK_DRAIN:
			drain_stock(&m, op->cpu);
			break;
		}
		kd_put(t, "underflow warnings", k, m.page_counter_underflows - underflows);
		put_stocks(t, cpus, in->ncpus, mc);
		for (i = 0; i < in->nmemcg; i++) {
			kd_put(t, "memory usage", i, page_counter_read(&mc[i].memory));
			kd_put(t, "css references of stocks", i, mc[i].refs_stock);
		}
	}
	return 0;
}

int model_charge(const struct kd_charge_input *in, struct kd_trace *t)
{
	static const unsigned gfp[KD_GFP_NR] = {
		GFP_NOWAIT, GFP_NOWAIT | GFP_HIGH, GFP_NOWAIT | GFP_NOFAIL,
	};
	static struct mem_cgroup mc[KD_CHARGE_MEMCGS];
	struct cpu cpus[KD_CHARGE_CPUS];
	struct machine m;
	struct task task;
	int i, k;

	memset(&m, 0, sizeof(m));
	memset(cpus, 0, sizeof(cpus));
	memset(&task, 0, sizeof(task));
	m.cpus = cpus;
	m.nr_cpus = in->ncpus;
	m.policy.stock = true;
	m.cfg.options = in->local_events ? SMEMCG_OPT_LOCALEVENTS : 0;
	make_tree(mc, in->nmemcg, in->parent);
	m.root_mem_cgroup = &mc[0];
	task.pid = 100;
	task.state = SMEMCG_TASK_ALIVE;
	m.current = &task;
	for (k = 0; k < in->nops; k++) {
		const struct kd_charge_op *op = &in->op[k];
		struct mem_cgroup *memcg = &mc[op->memcg];
		long underflows = m.page_counter_underflows;

		m.current_cpu = op->cpu;
		task.cpu = op->cpu;
		switch (op->kind) {
		case KD_CHARGE_TRY:
			kd_put(t, "try_charge", k, try_charge(&m, memcg, gfp[op->gfp], (long)op->nr));
			break;
		case KD_CHARGE_UNCHARGE:
			memcg_uncharge(&m, memcg, (long)op->nr);
			break;
		case KD_CHARGE_UNCHARGE_KMEM:
			memcg_uncharge_to_stock(&m, memcg, (long)op->nr);
			break;
		case KD_CHARGE_DRAIN:
			drain_stock(&m, op->cpu);
			break;
		case KD_CHARGE_SET_MAX:
			memcg->memory.max = (long)op->nr;
			break;
		case KD_CHARGE_SET_HIGH:
			page_counter_set_high(&memcg->memory, (long)op->nr);
			break;
		}
		kd_put(t, "underflow warnings", k, m.page_counter_underflows - underflows);
		kd_put(t, "memcg_nr_pages_over_high", k, (int64_t)task.memcg_nr_pages_over_high);
		put_stocks(t, cpus, in->ncpus, mc);
		for (i = 0; i < in->nmemcg; i++) {
			kd_put(t, "memory usage", i, page_counter_read(&mc[i].memory));
			kd_put(t, "watermark", i, mc[i].memory.watermark);
			kd_put(t, "failcnt", i, (int64_t)mc[i].memory.failcnt);
			kd_put(t, "max events", i, (int64_t)mc[i].events[MEMCG_MAX]);
			kd_put(t, "max events.local", i, (int64_t)mc[i].events_local[MEMCG_MAX]);
			kd_put(t, "css references of stocks", i, mc[i].refs_stock);
		}
	}
	return 0;
}
