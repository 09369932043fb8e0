/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel-diff shim for the functions cut out of mm/memcontrol.c,
 * mm/vmscan.c, mm/workingset.c and mm/oom_kill.c (cuts.list): the few
 * fields of struct mem_cgroup, lruvec, folio, task_struct and mm_struct
 * that they touch, and the helpers they call that are not cut themselves.
 * Written for this project; the layouts are not the kernel's, only the
 * names and meanings. One NUMA node, one CPU at a time (the driver picks
 * which), cgroup v2 mounted (cgroup_subsys_on_dfl), memory controller on.
 *
 * What the helpers return is the input the driver chose (an LRU size, the
 * free swap space, a memcg by id); what they do is recorded where the
 * driver reads it (a css reference, an lruvec statistic, a noted cost).
 */
#ifndef KDIFF_KERNEL_H
#define KDIFF_KERNEL_H

#include "kdiff_base.h"
#include <linux/page_counter.h>

/* ---- cgroups ---- */

struct cgroup_subsys_state {
	struct cgroup_subsys_state *parent;
	unsigned int flags;
	long refcnt;		/* css_get/css_put */
};
#define CSS_ONLINE (1 << 1)

static inline void css_get(struct cgroup_subsys_state *css) { css->refcnt++; }
static inline void css_put(struct cgroup_subsys_state *css) { css->refcnt--; }

struct cgroup_file { int unused; };
struct work_struct { int unused; };
static inline void cgroup_file_notify(struct cgroup_file *cfile) { (void)cfile; }

/* cgroup v2 only: the subsystem argument is never evaluated */
#define cgroup_subsys_on_dfl(ss) true

struct cgroup_root { unsigned int flags; };
extern struct cgroup_root cgrp_dfl_root;
#define CGRP_ROOT_MEMORY_LOCAL_EVENTS (1 << 5)
#define CGRP_ROOT_MEMORY_RECURSIVE_PROT (1 << 6)

/* ---- memory cgroups ---- */

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

#define MEMCG_CHARGE_BATCH 64U
#define MEMCG_DELAY_PRECISION_SHIFT 20
#define MEMCG_DELAY_SCALING_SHIFT 14
#define MEM_CGROUP_ID_SHIFT 16

enum node_stat_item {
	NR_INACTIVE_ANON,
	NR_ACTIVE_ANON,
	NR_INACTIVE_FILE,
	NR_ACTIVE_FILE,
	WORKINGSET_REFAULT_BASE,
	WORKINGSET_REFAULT_ANON = WORKINGSET_REFAULT_BASE,
	WORKINGSET_REFAULT_FILE,
	WORKINGSET_ACTIVATE_BASE,
	WORKINGSET_ACTIVATE_ANON = WORKINGSET_ACTIVATE_BASE,
	WORKINGSET_ACTIVATE_FILE,
	WORKINGSET_RESTORE_BASE,
	WORKINGSET_RESTORE_ANON = WORKINGSET_RESTORE_BASE,
	WORKINGSET_RESTORE_FILE,
	NR_VM_NODE_STAT_ITEMS,
};

struct pglist_data;

struct lruvec {
	atomic_long_t nonresident_age;
	struct pglist_data *pgdat;
	unsigned long lru_size[5];	/* by enum lru_list (cut from mmzone.h) */
	long state[NR_VM_NODE_STAT_ITEMS];
};

typedef struct pglist_data {
	int node_id;
	struct lruvec __lruvec;	/* !CONFIG_MEMCG's, never used here */
} pg_data_t;

extern struct pglist_data kd_node0;
#define NODE_DATA(nid) ((void)(nid), &kd_node0)

struct mem_cgroup_per_node {
	struct lruvec lruvec;
	struct mem_cgroup *memcg;
};

struct mem_cgroup {
	struct cgroup_subsys_state css;
	unsigned short id;
	struct page_counter memory;
	struct page_counter swap;
	struct page_counter memsw;
	atomic_long_t memory_events[MEMCG_NR_MEMORY_EVENTS];
	atomic_long_t memory_events_local[MEMCG_NR_MEMORY_EVENTS];
	struct cgroup_file events_file, events_local_file, swap_events_file;
	int swappiness;		/* cgroup v1 only */
	struct mem_cgroup_per_node *nodeinfo[1];
	struct mem_cgroup_per_node node0;
	struct work_struct high_work;
};

extern struct mem_cgroup *root_mem_cgroup;

static inline bool mem_cgroup_disabled(void) { return false; }
static inline unsigned short mem_cgroup_id(struct mem_cgroup *memcg) { return memcg->id; }
/* the memcg an id names, or NULL once it is gone (the driver decides) */
struct mem_cgroup *kd_mem_cgroup_from_id(int id);
#define mem_cgroup_from_id(id) kd_mem_cgroup_from_id(id)
static inline void mem_cgroup_flush_stats_delayed(void) { }
/* cut from mm/memcontrol.c, declared as include/linux/memcontrol.h does */
long mem_cgroup_get_nr_swap_pages(struct mem_cgroup *memcg);
unsigned long mem_cgroup_size(struct mem_cgroup *memcg);

/* A memcg with its css, counters and lruvec wired up, parent or none. */
void kd_memcg_init(struct mem_cgroup *memcg, struct mem_cgroup *parent, unsigned short id);

static inline unsigned long lruvec_page_state(struct lruvec *lruvec, enum node_stat_item idx)
{
	return (unsigned long)lruvec->state[idx];
}

static inline void mod_lruvec_state(struct lruvec *lruvec, enum node_stat_item idx, int val)
{
	lruvec->state[idx] += val;
}

/* ---- the per-CPU stock ---- */

typedef struct { int unused; } local_lock_t;
static inline bool schedule_work(struct work_struct *work) { (void)work; return true; }
struct obj_cgroup;
struct memcg_stock_pcp;
/* DEFINE_PER_CPU(struct memcg_stock_pcp, memcg_stock): this CPU's is the driver's pick */
extern struct memcg_stock_pcp *kd_this_cpu_stock;
#define memcg_stock (*kd_this_cpu_stock)
#define this_cpu_ptr(ptr) (ptr)

/* ---- the charge path ---- */

/* include/linux/gfp_types.h: which bit is which does not matter here */
#define __GFP_HIGH 0x20u
#define __GFP_ATOMIC 0x200u
#define __GFP_DIRECT_RECLAIM 0x400u
#define __GFP_KSWAPD_RECLAIM 0x800u
#define __GFP_RETRY_MAYFAIL 0x4000u
#define __GFP_NOFAIL 0x8000u
#define __GFP_NORETRY 0x10000u
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM)
#define GFP_ATOMIC (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)

static inline int get_order(unsigned long size)
{
	int order = 0;

	for (size = (size - 1) >> PAGE_SHIFT; size; size >>= 1)
		order++;
	return order;
}

/* What a charge that may block would reach: never run by these cases. */
void kd_unreachable(const char *what) __attribute__((__noreturn__));

/* ---- swap and reclaim ---- */

extern atomic_long_t nr_swap_pages;
static inline long get_nr_swap_pages(void) { return atomic_long_read(&nr_swap_pages); }
extern int vm_swappiness;
extern bool numa_demotion_enabled;	/* /sys/kernel/mm/numa/demotion_enabled, false by default */
#define NUMA_NO_NODE (-1)
static inline int next_demotion_node(int node) { (void)node; return NUMA_NO_NODE; }

typedef struct { unsigned long bits[1]; } nodemask_t;
struct reclaim_state { unsigned long reclaimed_slab; };

/* one zone: every zone index sees the whole list */
#define lruvec_lru_size(lruvec, lru, zone_idx) ((lruvec)->lru_size[(lru)])

/* ---- folios and shadow entries ---- */

#define BITS_PER_XA_VALUE (BITS_PER_LONG - 1)
static inline void *xa_mk_value(unsigned long v) { return (void *)((v << 1) | 1); }
static inline unsigned long xa_to_value(const void *entry) { return (unsigned long)entry >> 1; }

enum { PG_active, PG_workingset, PG_swapbacked };

struct folio {
	unsigned long flags;
	struct mem_cgroup *memcg;
	long nr_pages;
};

static inline long folio_nr_pages(struct folio *folio) { return folio->nr_pages; }
static inline struct mem_cgroup *folio_memcg(struct folio *folio) { return folio->memcg; }
static inline bool folio_test_swapbacked(struct folio *folio) { return folio->flags & (1UL << PG_swapbacked); }
static inline void folio_set_active(struct folio *folio) { folio->flags |= 1UL << PG_active; }
static inline void folio_set_workingset(struct folio *folio) { folio->flags |= 1UL << PG_workingset; }
extern long kd_lru_note_cost_calls;
static inline void lru_note_cost_folio(struct folio *folio) { (void)folio; kd_lru_note_cost_calls++; }
/* CONFIG_LRU_GEN=y but not enabled (Debian): the classic LRU's path */
static inline bool lru_gen_enabled(void) { return false; }
static inline void lru_gen_refault(struct folio *folio, void *shadow)
{
	(void)folio;
	(void)shadow;
	BUG();
}

/* ---- tasks ---- */

#define PF_KTHREAD 0x00200000
#define OOM_SCORE_ADJ_MIN (-1000)
#define MMF_OOM_SKIP 21

enum { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES, NR_MM_COUNTERS };

struct mm_rss_stat { atomic_long_t count[NR_MM_COUNTERS]; };

struct mm_struct {
	unsigned long flags;
	struct mm_rss_stat rss_stat;
	atomic_long_t pgtables_bytes;
};

struct signal_struct { short oom_score_adj; };

struct task_struct {
	int tgid;
	unsigned int flags;
	unsigned int memcg_nr_pages_over_high;
	unsigned int memcg_in_oom:1;
	struct mm_struct *mm;
	struct signal_struct *signal;
	struct task_struct *real_parent;
	void *vfork_done;
	struct task_struct *kd_next_thread;	/* the thread group, NULL-terminated */
};

static inline int task_tgid_nr(struct task_struct *tsk) { return tsk->tgid; }
extern struct task_struct *kd_current;
#define current kd_current
#define PF_MEMALLOC 0x00000800
static inline bool in_task(void) { return true; }
static inline void set_notify_resume(struct task_struct *task) { (void)task; }
#define for_each_thread(p, t) for ((t) = (p); (t); (t) = (t)->kd_next_thread)
static inline void task_lock(struct task_struct *p) { (void)p; }
static inline void task_unlock(struct task_struct *p) { (void)p; }
static inline int test_bit(long nr, const unsigned long *addr) { return (*addr >> nr) & 1; }

#endif
