// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel baselines: what Linux 6.1 and 6.12 show differently in the
 * memory controller, as data (docs/kernels.md has the measurements and
 * the kernel change behind each field). 6.1 is Debian's 6.1.192, 6.12
 * Debian's 6.12.117, both as Debian configures them.
 */
#include "baseline.h"

#include <string.h>

#include "../../base/base.h"
#include "../../counter/memcg_stat.h"

#define KEY(item) { item, NULL }
#define ZERO(name) { STAT_ZERO, name }

/* memory_stats[] up to the workingset events, as both print them (slab after its parts) */
#define STAT_STATE \
	KEY(MEMCG_ANON), KEY(MEMCG_FILE), KEY(MEMCG_KERNEL), KEY(MEMCG_KERNEL_STACK), \
	KEY(MEMCG_PAGETABLES), KEY(MEMCG_SEC_PAGETABLES), KEY(MEMCG_PERCPU), KEY(MEMCG_SOCK), \
	KEY(MEMCG_VMALLOC), KEY(MEMCG_SHMEM), KEY(MEMCG_ZSWAP), KEY(MEMCG_ZSWAPPED), \
	KEY(MEMCG_FILE_MAPPED), KEY(MEMCG_FILE_DIRTY), KEY(MEMCG_FILE_WRITEBACK), \
	KEY(MEMCG_SWAPCACHED), KEY(MEMCG_ANON_THP), KEY(MEMCG_FILE_THP), KEY(MEMCG_SHMEM_THP), \
	KEY(MEMCG_INACTIVE_ANON), KEY(MEMCG_ACTIVE_ANON), KEY(MEMCG_INACTIVE_FILE), \
	KEY(MEMCG_ACTIVE_FILE), KEY(MEMCG_UNEVICTABLE), KEY(MEMCG_SLAB_RECLAIMABLE), \
	KEY(MEMCG_SLAB_UNRECLAIMABLE)
#define STAT_WORKINGSET \
	KEY(MEMCG_WORKINGSET_REFAULT_ANON), KEY(MEMCG_WORKINGSET_REFAULT_FILE), \
	KEY(MEMCG_WORKINGSET_ACTIVATE_ANON), KEY(MEMCG_WORKINGSET_ACTIVATE_FILE), \
	KEY(MEMCG_WORKINGSET_RESTORE_ANON), KEY(MEMCG_WORKINGSET_RESTORE_FILE), \
	KEY(MEMCG_WORKINGSET_NODERECLAIM)
/* the node statistics among them: memory.numa_stat */
#define NUMA_STATE \
	KEY(MEMCG_ANON), KEY(MEMCG_FILE), KEY(MEMCG_KERNEL_STACK), KEY(MEMCG_PAGETABLES), \
	KEY(MEMCG_SEC_PAGETABLES), KEY(MEMCG_SHMEM), KEY(MEMCG_FILE_MAPPED), \
	KEY(MEMCG_FILE_DIRTY), KEY(MEMCG_FILE_WRITEBACK), KEY(MEMCG_SWAPCACHED), \
	KEY(MEMCG_ANON_THP), KEY(MEMCG_FILE_THP), KEY(MEMCG_SHMEM_THP), \
	KEY(MEMCG_INACTIVE_ANON), KEY(MEMCG_ACTIVE_ANON), KEY(MEMCG_INACTIVE_FILE), \
	KEY(MEMCG_ACTIVE_FILE), KEY(MEMCG_UNEVICTABLE), KEY(MEMCG_SLAB_RECLAIMABLE), \
	KEY(MEMCG_SLAB_UNRECLAIMABLE)
/* the events of memcg_vm_event_stat[] both have, from pgfault on */
#define STAT_FAULT_EVENTS \
	KEY(MEMCG_PGFAULT), KEY(MEMCG_PGMAJFAULT), KEY(MEMCG_PGREFILL), KEY(MEMCG_PGACTIVATE), \
	KEY(MEMCG_PGDEACTIVATE), KEY(MEMCG_PGLAZYFREE), KEY(MEMCG_PGLAZYFREED)

/* mm/memcontrol.c of 6.1: memory_stats[], then the events */
static const struct baseline_stat memory_stat_6_1[] = {
	STAT_STATE, KEY(MEMCG_SLAB), STAT_WORKINGSET,
	KEY(MEMCG_PGSCAN), KEY(MEMCG_PGSTEAL), KEY(MEMCG_PGSCAN_KSWAPD), KEY(MEMCG_PGSCAN_DIRECT),
	KEY(MEMCG_PGSTEAL_KSWAPD), KEY(MEMCG_PGSTEAL_DIRECT), STAT_FAULT_EVENTS,
	KEY(MEMCG_ZSWPIN), KEY(MEMCG_ZSWPOUT), KEY(MEMCG_THP_FAULT_ALLOC), KEY(MEMCG_THP_COLLAPSE_ALLOC),
};

/*
 * 6.12 (65 lines, as read on the guest): 6.1's keys in 6.1's order, and
 * the node statistics of memory tiering and NUMA balancing after the
 * workingset ones, khugepaged's reclaim after the direct reclaim
 * counters, zero-filled swap pages, zswap writeback, THP swap-out and
 * NUMA balancing's events (memory_stats[], memcg_vm_event_stat[]). The
 * model has no tiering, khugepaged, zswap, THP or NUMA balancing: 0.
 */
#define STAT_TIERING \
	ZERO("pgdemote_kswapd"), ZERO("pgdemote_direct"), ZERO("pgdemote_khugepaged"), \
	ZERO("pgpromote_success")

static const struct baseline_stat memory_stat_6_12[] = {
	STAT_STATE, KEY(MEMCG_SLAB), STAT_WORKINGSET, STAT_TIERING,
	KEY(MEMCG_PGSCAN), KEY(MEMCG_PGSTEAL), KEY(MEMCG_PGSCAN_KSWAPD), KEY(MEMCG_PGSCAN_DIRECT),
	ZERO("pgscan_khugepaged"), KEY(MEMCG_PGSTEAL_KSWAPD), KEY(MEMCG_PGSTEAL_DIRECT),
	ZERO("pgsteal_khugepaged"), STAT_FAULT_EVENTS, ZERO("swpin_zero"), ZERO("swpout_zero"),
	KEY(MEMCG_ZSWPIN), KEY(MEMCG_ZSWPOUT), ZERO("zswpwb"),
	KEY(MEMCG_THP_FAULT_ALLOC), KEY(MEMCG_THP_COLLAPSE_ALLOC), ZERO("thp_swpout"),
	ZERO("thp_swpout_fallback"), ZERO("numa_pages_migrated"), ZERO("numa_pte_updates"),
	ZERO("numa_hint_faults"),
};

static const struct baseline_stat numa_stat_6_1[] = { NUMA_STATE, STAT_WORKINGSET };

/* 6.12 made demotion and promotion node statistics: they follow */
static const struct baseline_stat numa_stat_6_12[] = { NUMA_STATE, STAT_WORKINGSET, STAT_TIERING };

const struct kernel_baseline kernel_baselines[NR_KERNELS] = {
	[KERNEL_6_1] = {
		.id = KERNEL_6_1,
		.name = "6.1",
		.memory_stat = memory_stat_6_1,
		.nr_memory_stat = ARRAY_SIZE(memory_stat_6_1),
		.numa_stat = numa_stat_6_1,
		.nr_numa_stat = ARRAY_SIZE(numa_stat_6_1),
		/*
		 * Measured on Debian's 6.1 under QEMU: 5352, 7136 and 10704
		 * bytes at 1, 2 and 4 possible CPUs, i.e. 1784 x (CPUs + 2):
		 * pcpu_obj_full_size() charges size x CPUs plus an objcg
		 * pointer per 4 bytes (2 x size). Nodes are not split out.
		 */
		.percpu_bytes = 1784,
	},
	[KERNEL_6_12] = {
		.id = KERNEL_6_12,
		.name = "6.12",
		.memory_stat = memory_stat_6_12,
		.nr_memory_stat = ARRAY_SIZE(memory_stat_6_12),
		.numa_stat = numa_stat_6_12,
		.nr_numa_stat = ARRAY_SIZE(numa_stat_6_12),
		/*
		 * 6.12's per-CPU statistics index only what a memcg keeps
		 * (memcg_node_stat_items[], 31 with Debian's config, and
		 * memcg_stat_items[], 7) and 25 events, and lost cgroup v1's
		 * event counters (CONFIG_MEMCG_V1 is off): struct
		 * memcg_vmstats_percpu is 24 bytes of cached pointers, then
		 * state, events and their prev copies, (38 + 25) x 2 x 8,
		 * 1032 bytes cacheline-aligned to 1088; struct
		 * lruvec_stats_percpu, per node, is 31 x 2 x 8 = 496. At 2
		 * CPUs (1088 + 496) x 4 = 6336, what the guest shows.
		 */
		.percpu_bytes = 1088,
		.percpu_bytes_per_node = 496,
		/*
		 * The aggregated statistics left struct mem_cgroup for
		 * kzalloc(GFP_KERNEL_ACCOUNT): struct memcg_vmstats
		 * ((38 + 25) x 3 x 8 + 8 = 1520 bytes, kmalloc-2k) and, per
		 * node, struct lruvec_stats (31 x 3 x 8 = 744, kmalloc-1k).
		 * With the per-CPU part, 9424 bytes charged to the parent:
		 * its memory.current grows by 3 pages (6.1: 2).
		 */
		.stats_kmalloc = 2048,
		.stats_kmalloc_per_node = 1024,
		.mglru = true,
		.reclaim_batches = true,
		.cgroup_stat_subsys = true,
	},
};

const struct kernel_baseline *kernel_baseline_find(const char *name)
{
	int k;

	for (k = 0; k < NR_KERNELS; k++)
		if (!strcmp(kernel_baselines[k].name, name))
			return &kernel_baselines[k];
	return NULL;
}
