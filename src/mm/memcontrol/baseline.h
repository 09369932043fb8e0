/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel baseline a machine models: Linux 6.1 (the default) or 6.12
 * (`machine kernel=6.12`, `policy kernel=6.12`; docs/kernels.md). The
 * two differ in what the memory controller shows and in a few rules, not
 * in its structure: each difference is a field of struct kernel_baseline
 * (data: which memory.stat keys, the per-CPU statistics' size) or a small
 * function keyed by it, and the rest of the model reads the machine's
 * cached m->kernel. Every proposal (src/ext/) runs on either.
 */
#ifndef SMEMCG_BASELINE_H
#define SMEMCG_BASELINE_H

#include <stdbool.h>
#include <stddef.h>

enum kernel_id {
	KERNEL_6_1,
	KERNEL_6_12,
	NR_KERNELS,
};

/*
 * A line of memory.stat or memory.numa_stat: a statistic the model keeps
 * (item, enum memcg_stat_item), or a key the model never counts (item
 * STAT_ZERO, name given: NUMA balancing, memory tiering, khugepaged
 * reclaim, zswap writeback, zero-filled swap, THP swap-out; always 0).
 */
#define STAT_ZERO (-1)
struct baseline_stat {
	int item;
	const char *name;	/* STAT_ZERO only; otherwise memcg_stat_desc's */
};

struct kernel_baseline {
	enum kernel_id id;
	const char *name;		/* "6.1", the policy value */
	/* memory.stat and memory.numa_stat, in the kernel's order */
	const struct baseline_stat *memory_stat;
	size_t nr_memory_stat;
	const struct baseline_stat *numa_stat;
	size_t nr_numa_stat;
	/*
	 * mkdir of a memcg: the per-CPU statistics it allocates, charged to
	 * the parent (set_active_memcg) as percpu, and the statistics it
	 * kmallocs (GFP_KERNEL_ACCOUNT, 6.12), charged as slab.
	 */
	long percpu_bytes;		/* per possible CPU */
	long percpu_bytes_per_node;	/* per possible CPU and node */
	long stats_kmalloc;		/* struct memcg_vmstats: its kmalloc size */
	long stats_kmalloc_per_node;	/* struct lruvec_stats, per node */
	/* the multi-generational LRU, on by default (Debian's 6.12 config) */
	bool mglru;
	/* memory.reclaim: a quarter of what is left per round, swappiness= */
	bool reclaim_batches;
	/* cgroup.stat's nr_subsys_<controller> and nr_dying_subsys_<controller> */
	bool cgroup_stat_subsys;
};

extern const struct kernel_baseline kernel_baselines[NR_KERNELS];

/* The baseline called name ("6.1", "6.12"), or NULL. */
const struct kernel_baseline *kernel_baseline_find(const char *name);

#endif
