/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tests/kernel-diff: Linux 6.1's own code and the model's, fed the same
 * inputs, function family by function family (docs/kernel-diff.md).
 *
 * This header is all that the driver, the kernel's side (k_*.c, compiled
 * against shim/) and the model's side (m_*.c, compiled against src/) share:
 * each family's input as plain numbers, decoded once by the driver from a
 * case, and the trace in which a side writes every output and side effect
 * it saw, in order. Neither side's types cross it.
 */
#ifndef KDIFF_H
#define KDIFF_H

#include <stdbool.h>
#include <stdint.h>

/* ---- traces -------------------------------------------------------------- */

struct kd_item {
	const char *what;	/* a string literal: what was observed */
	int index;		/* of which op, counter, level, ...; -1 when none */
	int64_t val;
};

#define KD_MAX_TRACE 8192

struct kd_trace {
	int n;
	bool truncated;
	struct kd_item it[KD_MAX_TRACE];
};

/* Append one observation (both sides must observe in the same order). */
void kd_put(struct kd_trace *t, const char *what, int index, int64_t val);

/* Linux 6.1 on x86_64 */
#define KD_PAGE_SIZE 4096UL
#define KD_PAGE_COUNTER_MAX (INT64_MAX / 4096)

/* Is node i in the subtree of node root? (parent[] as in the inputs below) */
static inline bool kd_in_subtree(const int *parent, int i, int root)
{
	for (; i >= 0; i = parent[i])
		if (i == root)
			return true;
	return false;
}

/* ---- page_counter: charge, uncharge, try_charge, limits, propagation ---- */

#define KD_PC_MAX 6		/* counters in a tree; 0 is the root */
#define KD_PC_MAX_OPS 40

enum kd_pc_kind {
	KD_PC_CHARGE,
	KD_PC_TRY_CHARGE,
	KD_PC_UNCHARGE,
	KD_PC_CANCEL,
	KD_PC_SET_MIN,
	KD_PC_SET_LOW,
	KD_PC_SET_MAX,
	KD_PC_SET_HIGH,
	KD_PC_RESET_WATERMARK,
	KD_PC_NR_KINDS,
};

struct kd_pc_op {
	int kind;
	int idx;
	uint64_t nr;		/* pages, at most PAGE_COUNTER_MAX */
};

struct kd_pc_input {
	int n;
	int parent[KD_PC_MAX];	/* parent[0] = -1, parent[i] < i */
	int nops;
	struct kd_pc_op op[KD_PC_MAX_OPS];
};

int kern_page_counter(const struct kd_pc_input *in, struct kd_trace *t);
int model_page_counter(const struct kd_pc_input *in, struct kd_trace *t);

/* A page_counter's every field, as both sides dump it after each op. */
enum {
	KD_PCF_USAGE, KD_PCF_EMIN, KD_PCF_MIN_USAGE, KD_PCF_CHILDREN_MIN_USAGE,
	KD_PCF_ELOW, KD_PCF_LOW_USAGE, KD_PCF_CHILDREN_LOW_USAGE,
	KD_PCF_WATERMARK, KD_PCF_FAILCNT, KD_PCF_MIN, KD_PCF_LOW, KD_PCF_HIGH,
	KD_PCF_MAX, KD_PC_NR_FIELDS,
};

void kd_put_counter(struct kd_trace *t, int idx, const int64_t f[KD_PC_NR_FIELDS]);

/* ---- effective_protection() --------------------------------------------- */

struct kd_ep_input {
	uint64_t usage, parent_usage, setting, parent_effective, siblings_protected;
	bool recursive;		/* memory_recursiveprot */
};

int kern_effective_protection(const struct kd_ep_input *in, struct kd_trace *t);
int model_effective_protection(const struct kd_ep_input *in, struct kd_trace *t);

/* ---- mem_cgroup_calculate_protection() in reclaim's top-down walk -------- */

enum kd_prot_kind {
	KD_PROT_CHARGE,
	KD_PROT_UNCHARGE,
	KD_PROT_SET_MIN,
	KD_PROT_SET_LOW,
	KD_PROT_WALK,		/* idx: the reclaim target; nr odd on 0: target NULL */
	KD_PROT_NR_KINDS,
};

struct kd_prot_input {
	int n;
	int parent[KD_PC_MAX];
	int preorder[KD_PC_MAX];	/* mem_cgroup_iter()'s order over the tree */
	bool recursive;
	bool free_uncharges;	/* uncharges not clamped to what was charged */
	int nops;
	struct kd_pc_op op[KD_PC_MAX_OPS];
};

int kern_calculate_protection(const struct kd_prot_input *in, struct kd_trace *t);
int model_calculate_protection(const struct kd_prot_input *in, struct kd_trace *t);

/* ---- calculate_overage(), calculate_high_delay() ------------------------ */

struct kd_overage_input {
	uint64_t usage, high;	/* pages */
	uint64_t max_overage;	/* a given overage (fixed point, 20 bits) */
	uint32_t nr_pages;	/* current->memcg_nr_pages_over_high */
};

int kern_overage(const struct kd_overage_input *in, struct kd_trace *t);
int model_overage(const struct kd_overage_input *in, struct kd_trace *t);

/* ---- mem_find_max_overage(), swap_find_max_overage() on a memcg chain ---- */

#define KD_HIGH_MAX 6		/* levels; 0 is the root memcg, depth-1 the leaf */

struct kd_high_level {
	uint64_t mem_usage, mem_high, swap_usage, swap_high;
};

struct kd_high_input {
	int depth;
	struct kd_high_level lvl[KD_HIGH_MAX];
	uint32_t nr_pages;
	bool local_events;	/* memory_localevents */
};

int kern_high_penalty(const struct kd_high_input *in, struct kd_trace *t);
int model_high_penalty(const struct kd_high_input *in, struct kd_trace *t);

/* ---- oom_badness() ------------------------------------------------------ */

struct kd_oom_input {
	bool has_mm;		/* false: exited, its mm gone */
	uint64_t file, anon, shmem, swapents;	/* rss counters, pages */
	uint64_t pgtables;	/* page-table pages */
	int adj;		/* oom_score_adj, -1000..1000 */
	uint64_t totalpages;
};

int kern_oom_badness(const struct kd_oom_input *in, struct kd_trace *t);
int model_oom_badness(const struct kd_oom_input *in, struct kd_trace *t);

/* ---- memparse(), page_counter_memparse() -------------------------------- */

#define KD_MEMPARSE_LEN 24

struct kd_memparse_input {
	char buf[KD_MEMPARSE_LEN + 1];
};

int kern_memparse(const struct kd_memparse_input *in, struct kd_trace *t);
int model_memparse(const struct kd_memparse_input *in, struct kd_trace *t);

/* ---- the per-CPU stock: consume_stock, refill_stock, drain_stock -------- */

#define KD_STOCK_MEMCGS 5	/* 0 is the root memcg */
#define KD_STOCK_CPUS 4
#define KD_STOCK_MAX_OPS 40

enum kd_stock_kind {
	KD_STOCK_CONSUME,
	KD_STOCK_REFILL,
	KD_STOCK_DRAIN,
	KD_STOCK_NR_KINDS,
};

struct kd_stock_op {
	int kind;
	int cpu;
	int memcg;		/* never the root: the kernel never stocks it */
	uint32_t nr;
};

struct kd_stock_input {
	int nmemcg;
	int parent[KD_STOCK_MEMCGS];
	uint64_t usage[KD_STOCK_MEMCGS];	/* charged before the ops */
	int ncpus;
	int nops;
	struct kd_stock_op op[KD_STOCK_MAX_OPS];
};

int kern_stock(const struct kd_stock_input *in, struct kd_trace *t);
int model_stock(const struct kd_stock_input *in, struct kd_trace *t);

/* ---- try_charge's batching through the stock (non-blocking charges) ---- */

/*
 * Charges that may not block never reach reclaim or the OOM killer, so
 * try_charge_memcg runs whole: the stock, the batch of 64 and its retry
 * with the exact size, the failing counter, MEMCG_MAX, forcing for
 * __GFP_HIGH and __GFP_NOFAIL, the surplus refilled, and the pages over
 * memory.high added to the task's memcg_nr_pages_over_high. Uncharges:
 * a folio's (straight to the counters, uncharge_batch) and kernel
 * memory's (through the stock, obj_cgroup_uncharge_pages).
 */
#define KD_CHARGE_MEMCGS 5	/* 0 is the root memcg */
#define KD_CHARGE_CPUS 3
#define KD_CHARGE_MAX_OPS 40

enum kd_charge_kind {
	KD_CHARGE_TRY,
	KD_CHARGE_UNCHARGE,
	KD_CHARGE_UNCHARGE_KMEM,
	KD_CHARGE_DRAIN,
	KD_CHARGE_SET_MAX,	/* memory.max: the value is stored, nothing else */
	KD_CHARGE_SET_HIGH,
	KD_CHARGE_NR_KINDS,
};

enum kd_gfp {
	KD_GFP_NOWAIT,
	KD_GFP_ATOMIC,		/* __GFP_HIGH: forced over the limit */
	KD_GFP_NOWAIT_NOFAIL,
	KD_GFP_NR,
};

struct kd_charge_op {
	int kind;
	int cpu;
	int memcg;		/* uncharges: never the root */
	int gfp;
	uint64_t nr;		/* pages; a limit for SET_MAX, SET_HIGH */
};

struct kd_charge_input {
	int nmemcg;
	int parent[KD_CHARGE_MEMCGS];
	int ncpus;
	bool local_events;
	int nops;
	struct kd_charge_op op[KD_CHARGE_MAX_OPS];
};

int kern_charge(const struct kd_charge_input *in, struct kd_trace *t);
int model_charge(const struct kd_charge_input *in, struct kd_trace *t);

/* ---- workingset_refault(): the refault distance test --------------------- */

/*
 * A folio evicted from the lruvec of memcg `evicted_in` (a level of a chain
 * root..leaf) when that lruvec's nonresident_age was `eviction`, refaulting
 * now into the memcg at level `refault_in`. Before the refault the eviction
 * lruvec's age is `refault` and it holds the LRU sizes given. The shadow
 * entry is the one workingset_eviction() packs (eviction >> bucket_order),
 * so the distance is taken modulo EVICTION_MASK at that granularity.
 *
 * The trace: whether the folio is activated, whether it is marked
 * workingset, the WORKINGSET_REFAULT/ACTIVATE/RESTORE counts added to the
 * refaulting lruvec (anon or file), every level's nonresident_age after,
 * and whether the refault's cost was noted (lru_note_cost_folio).
 */
#define KD_WS_LEVELS 3

struct kd_refault_input {
	bool file;		/* folio_is_file_lru() */
	bool workingset;	/* the folio was active when evicted */
	bool memcg_gone;	/* the eviction memcg's id no longer resolves */
	int nr;			/* pages in the folio: 1, the model has no large folios */
	int depth;		/* levels of the chain, 1..KD_WS_LEVELS (0 the root) */
	int evicted_in, refault_in;
	unsigned int bucket_order;
	uint64_t eviction;	/* the eviction lruvec's nonresident_age at eviction */
	uint64_t refault;	/* ... and now */
	uint64_t age[KD_WS_LEVELS];	/* the other levels' nonresident_age */
	uint64_t active_file, inactive_file, active_anon, inactive_anon; /* eviction lruvec */
	int64_t nr_swap_pages;	/* get_nr_swap_pages() */
	uint64_t swap_max[KD_WS_LEVELS], swap_usage[KD_WS_LEVELS];
};

int kern_refault(const struct kd_refault_input *in, struct kd_trace *t);
int model_refault(const struct kd_refault_input *in, struct kd_trace *t);

/* ---- get_scan_count(): the anon/file split ------------------------------ */

#define KD_SCAN_LEVELS 3

enum kd_scan_target {
	KD_SCAN_GLOBAL,		/* kswapd or direct reclaim: no target memcg */
	KD_SCAN_LEVEL,		/* memcg reclaim of level target_level */
};

struct kd_scan_input {
	int depth;		/* levels root..memcg, 1..KD_SCAN_LEVELS */
	int target;		/* enum kd_scan_target */
	int target_level;	/* an ancestor-or-self of the memcg */
	int swappiness;		/* vm.swappiness, 0..200 */
	int priority;		/* 0..12 */
	bool may_swap, cache_trim_mode, memcg_low_reclaim, online;
	uint64_t anon_cost, file_cost;
	uint64_t lru[4];	/* inactive anon, active anon, inactive file, active file */
	uint64_t usage, emin, elow;	/* of the memcg scanned (the leaf) */
	int64_t nr_swap_pages;	/* free swap space */
	uint64_t swap_max[KD_SCAN_LEVELS], swap_usage[KD_SCAN_LEVELS];
};

int kern_scan_count(const struct kd_scan_input *in, struct kd_trace *t);
int model_scan_count(const struct kd_scan_input *in, struct kd_trace *t);

#endif
