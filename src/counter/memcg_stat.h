/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The statistics and events of a memory cgroup: memory.stat items in the
 * order Linux 6.1 prints them, with the unit each is kept in, and the
 * memory.events / memory.swap.events counters.
 *
 * Each memcg keeps local values; a memory.stat read sums the subtree, which
 * is what the kernel's rstat flush produces. Event counters (pgfault...) of
 * a released memcg are folded into its parent so that totals never shrink.
 */
#ifndef SMEMCG_MEMCG_STAT_H
#define SMEMCG_MEMCG_STAT_H

#include <stdbool.h>

enum stat_unit {
	UNIT_PAGES,	/* kept in pages, shown x PAGE_SIZE */
	UNIT_BYTES,	/* kept and shown in bytes */
	UNIT_KB,	/* kept in KiB, shown x 1024 (kernel_stack) */
	UNIT_COUNT,	/* an event count */
};

/* memory.stat items, in 6.1 output order ("slab" is synthesised). */
enum memcg_stat_item {
	MEMCG_ANON,
	MEMCG_FILE,
	MEMCG_KERNEL,
	MEMCG_KERNEL_STACK,
	MEMCG_PAGETABLES,
	MEMCG_SEC_PAGETABLES,
	MEMCG_PERCPU,
	MEMCG_SOCK,
	MEMCG_VMALLOC,
	MEMCG_SHMEM,
	MEMCG_ZSWAP,
	MEMCG_ZSWAPPED,
	MEMCG_FILE_MAPPED,
	MEMCG_FILE_DIRTY,
	MEMCG_FILE_WRITEBACK,
	MEMCG_SWAPCACHED,
	MEMCG_ANON_THP,
	MEMCG_FILE_THP,
	MEMCG_SHMEM_THP,
	MEMCG_INACTIVE_ANON,
	MEMCG_ACTIVE_ANON,
	MEMCG_INACTIVE_FILE,
	MEMCG_ACTIVE_FILE,
	MEMCG_UNEVICTABLE,
	MEMCG_SLAB_RECLAIMABLE,
	MEMCG_SLAB_UNRECLAIMABLE,
	MEMCG_SLAB,		/* printed as the sum of the two above */
	MEMCG_WORKINGSET_REFAULT_ANON,
	MEMCG_WORKINGSET_REFAULT_FILE,
	MEMCG_WORKINGSET_ACTIVATE_ANON,
	MEMCG_WORKINGSET_ACTIVATE_FILE,
	MEMCG_WORKINGSET_RESTORE_ANON,
	MEMCG_WORKINGSET_RESTORE_FILE,
	MEMCG_WORKINGSET_NODERECLAIM,
	MEMCG_PGSCAN,		/* printed as kswapd + direct */
	MEMCG_PGSTEAL,		/* printed as kswapd + direct */
	MEMCG_PGSCAN_KSWAPD,
	MEMCG_PGSCAN_DIRECT,
	MEMCG_PGSTEAL_KSWAPD,
	MEMCG_PGSTEAL_DIRECT,
	MEMCG_PGFAULT,
	MEMCG_PGMAJFAULT,
	MEMCG_PGREFILL,
	MEMCG_PGACTIVATE,
	MEMCG_PGDEACTIVATE,
	MEMCG_PGLAZYFREE,
	MEMCG_PGLAZYFREED,
	MEMCG_ZSWPIN,
	MEMCG_ZSWPOUT,
	MEMCG_THP_FAULT_ALLOC,
	MEMCG_THP_COLLAPSE_ALLOC,
	MEMCG_NR_KERNEL_STATS,	/* end of the keys Linux 6.1 prints */

	/* seed 002: recharge counters, shown when its module says (ext_stat_visible) */
	MEMCG_RECHARGE_PGS_SCANNED = MEMCG_NR_KERNEL_STATS,
	MEMCG_RECHARGE_PGS_MOVED,
	MEMCG_RECHARGE_PGS_CANCELLED,
	MEMCG_RECHARGE_PGS_EVICTED,
	MEMCG_RECHARGED_TO_ROOT,
	MEMCG_NR_STATS,
};

struct memcg_stat_desc {
	const char *name;
	enum stat_unit unit;
	bool is_event;		/* survives release: folded into the parent */
};

extern const struct memcg_stat_desc memcg_stat_desc[MEMCG_NR_STATS];

/* The value a memory.stat line shows, from the stored value. */
static inline unsigned long long memcg_stat_show_value(enum memcg_stat_item i,
						       long v)
{
	if (v < 0)
		v = 0;
	switch (memcg_stat_desc[i].unit) {
	case UNIT_PAGES:
		return (unsigned long long)v * 4096ULL;
	case UNIT_KB:
		return (unsigned long long)v * 1024ULL;
	default:
		return (unsigned long long)v;
	}
}

/* memory.events order (enum memcg_memory_event). */
enum memcg_memory_event {
	MEMCG_LOW,
	MEMCG_HIGH,
	MEMCG_MAX,
	MEMCG_OOM,
	MEMCG_OOM_KILL,
	MEMCG_OOM_GROUP_KILL,
	MEMCG_SWAP_HIGH,
	MEMCG_SWAP_MAX,
	MEMCG_SWAP_FAIL,
	MEMCG_NR_MEMORY_EVENTS,
};

extern const char *const memcg_event_names[MEMCG_NR_MEMORY_EVENTS];

#endif
