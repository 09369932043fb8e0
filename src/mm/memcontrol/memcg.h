/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory cgroups (cgroup v2): struct mem_cgroup is a cgroup's memory
 * controller state (the memory css), present only when the parent enables
 * +memory. When its cgroup is removed the memcg goes offline and stays
 * until nothing references it (pages, swap entries, a per-CPU stock, what
 * an extension holds): that is a zombie. The memcg is released then, and
 * its cgroup freed.
 *
 * Follows mm/memcontrol.c (css_alloc/online/offline/released, 16-bit ids,
 * memory events, the hierarchy walk). The cgroup tree is src/cgroup/cgroup.h.
 */
#ifndef SMEMCG_MEMCG_H
#define SMEMCG_MEMCG_H

#include <stdbool.h>
#include <stdint.h>

#include "../../base/list.h"
#include "../../counter/memcg_stat.h"
#include "../../counter/page_counter.h"
#include "../../cgroup/cgroup.h"

struct machine;
struct task;
struct obj_cgroup;
struct bdi_writeback;
struct peak_of;

#define MEM_CGROUP_ID_MAX 65535
#define MEMCG_CHARGE_BATCH 64
#define MAX_RECLAIM_RETRIES 16
#define PAGE_ALLOC_COSTLY_ORDER 3
#define SWAP_CLUSTER_MAX 32

enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE,
	NR_LRU_LISTS,
};

struct lru_head {
	uint32_t head, tail;	/* page handles; PAGE_NIL when empty */
	long nr;
};

struct lruvec {
	struct lru_head lists[NR_LRU_LISTS];
};

/*
 * What keeps a memcg from being released, besides its pages, swap entries
 * and per-CPU stocks (what a zombie is "held by": /proc/zombies, explain).
 */
enum memcg_holder {
	MEMCG_HELD_BY_MOUNT,	/* a superblock naming it (memcg=) */
	MEMCG_HELD_BY_MM,	/* an mm's memcg */
	MEMCG_HELD_BY_PIN,	/* pins or mlocks accounted to it (vm_account) */
	MEMCG_HELD_BY_BORROW,	/* pages of shared memory borrowed for it */
	MEMCG_HELD_BY_WB,	/* a writeback context of a dirtied inode */
	MEMCG_HELD_BY_WORK,	/* deferred work queued for it */
	MEMCG_HELD_BY_WALK,	/* an operation under way (offline, a reclaim walk) */
	NR_MEMCG_HOLDERS,
};

enum memcg_state {
	MEMCG_ONLINE,
	MEMCG_OFFLINE,		/* removed, kept by references: a zombie */
	MEMCG_RELEASED,
};

struct mem_cgroup {
	struct page_counter memory;
	struct page_counter swap;

	/* the css tree: includes offline children until they are released */
	struct mem_cgroup *parent;
	struct mem_cgroup *first_child, *last_child;
	struct mem_cgroup *next_sibling, *prev_sibling;
	struct cgroup *cgroup;

	uint32_t slot;		/* index in machine->memcgs, stable for life */
	uint16_t id;		/* the kernel's 16-bit id; 0 once freed */
	uint8_t state;		/* enum memcg_state */
	bool oom_group;
	bool is_root;
	uint8_t ext_flags;	/* MEMCG_EXT_*: work routed to extensions (src/ext/hooks.h) */

	/* What keeps an offline memcg from being released. */
	long refs_pages;	/* charged folios (one css ref each) */
	long refs_swap;		/* swap entries recording this memcg's id */
	long refs_stock;	/* CPUs whose stock caches this memcg */
	long refs_held[NR_MEMCG_HOLDERS];	/* what else holds it, by kind */

	/*
	 * Net pages charged to memory with this memcg as the first level;
	 * memory.usage is the sum of it over the subtree (checked).
	 */
	long direct;

	long stat[MEMCG_NR_STATS];
	unsigned long events[MEMCG_NR_MEMORY_EVENTS];
	unsigned long events_local[MEMCG_NR_MEMORY_EVENTS];

	long swap_high;		/* memory.swap.high, pages */
	long zswap_max;		/* memory.zswap.max, pages */
	bool zswap_writeback_off;	/* memory.zswap.writeback 0 (6.12) */
	/* the open files of memory.peak and memory.swap.peak that were written (6.12) */
	struct peak_of *peak_ofs;
	long move_charge_at_immigrate;

	struct lruvec lruvec;
	long lru_hier[NR_LRU_LISTS];	/* pages on the subtree's lists (lruvec_page_state) */
	long dirty_hier;		/* the subtree's file_dirty, in pages */
	struct bdi_writeback *cgwb;	/* its writeback context on the disk, if any */
	long anon_cost, file_cost;	/* reclaim cost balance (lru_note_cost) */
	/*
	 * mm/workingset.c: the lruvec's nonresident_age, and its list of
	 * page-cache leaves holding only shadow entries (the shadow_nodes
	 * list_lru of this memcg) with the shrinker's deferred count.
	 */
	unsigned long nonresident_age;
	unsigned long ws_activate_hier[2];	/* WORKINGSET_ACTIVATE_ANON/FILE of the subtree */
	unsigned long refaults[2];		/* ... when reclaim last snapshot them */
	uint32_t shadow_head, shadow_tail;
	long nr_shadow_nodes;
	long shadow_nr_deferred;

	struct obj_cgroup *objcg;	/* kernel memory goes through it */
	uint32_t percpu_objcg;		/* objcg id + 1 its per-CPU stats are charged to */
	struct list_node objcg_list;	/* own and inherited objcgs */

	uint64_t offline_ns;	/* when it went offline */
	void **ext;		/* the modules' state (src/ext/hooks.h) */
};

/* The root memcg: never charged, never limited. */
static inline bool mem_cgroup_is_root(const struct mem_cgroup *memcg)
{
	return memcg->is_root;
}

/* A memcg outside the cgroup tree (memcg_css_alloc_detached). */
static inline bool mem_cgroup_is_detached(const struct mem_cgroup *memcg)
{
	return !memcg->parent && !memcg->is_root;
}

/* Not yet offlined: its cgroup was not removed. */
static inline bool mem_cgroup_online(const struct mem_cgroup *memcg)
{
	return memcg->state == MEMCG_ONLINE;
}

/* The references that keep memcg from being freed (zero: it may go). */
static inline long memcg_refs(const struct mem_cgroup *memcg)
{
	long n = memcg->refs_pages + memcg->refs_swap + memcg->refs_stock;
	int k;

	for (k = 0; k < NR_MEMCG_HOLDERS; k++)
		n += memcg->refs_held[k];
	return n;
}

/* A reference of kind k on memcg; memcg_put_ref(m, memcg, &memcg->refs_held[k], n) drops it. */
static inline void memcg_hold(struct mem_cgroup *memcg, enum memcg_holder k, long n)
{
	memcg->refs_held[k] += n;
}

/* memcg lifecycle */
/* A memcg outside the tree (the accounting of an smemcg): no id, no parent. */
struct mem_cgroup *memcg_css_alloc_detached(struct machine *m, int *err);
void memcg_free_detached(struct machine *m, struct mem_cgroup *memcg);
struct mem_cgroup *memcg_css_alloc(struct machine *m, struct cgroup *cg,
				   struct mem_cgroup *parent, int *err);
/* The memcg in a slot in use. */
struct mem_cgroup *memcg_of_slot(const struct machine *m, uint32_t slot);
/* The memcg in slot, NULL for a free one (any slot below memcg_slots.nr). */
struct mem_cgroup *memcg_in_slot(const struct machine *m, uint32_t slot);
/* The css callbacks: 6.1's objcg and per-CPU memory, then the extensions'. */
void memcg_css_online(struct machine *m, struct mem_cgroup *memcg);
void memcg_css_offline(struct machine *m, struct mem_cgroup *memcg);
void memcg_css_released(struct machine *m, struct mem_cgroup *memcg);
/* Free the struct: the modules' state first (css_free). */
void memcg_css_free(struct machine *m, struct mem_cgroup *memcg);
void memcg_offline(struct machine *m, struct mem_cgroup *memcg);
/* Release the memcg if it is offline and nothing references it. */
void memcg_try_release(struct machine *m, struct mem_cgroup *memcg);
static inline void memcg_put_ref(struct machine *m, struct mem_cgroup *memcg,
				 long *which, long n)
{
	*which -= n;
	if (memcg->state == MEMCG_OFFLINE && *which == 0)
		memcg_try_release(m, memcg);
}

/* The memcg holding a 16-bit id, NULL when none holds it. */
struct mem_cgroup *mem_cgroup_from_id(const struct machine *m, unsigned id);

/* Nearest online ancestor-or-self (mem_cgroup_id_get_online). */
struct mem_cgroup *memcg_online_ancestor(struct mem_cgroup *memcg);
bool mem_cgroup_is_descendant(const struct mem_cgroup *memcg,
			      const struct mem_cgroup *root);

/*
 * Pre-order walk of the css subtree under root, root first, offline
 * members included (mem_cgroup_iter).
 */
struct mem_cgroup *memcg_iter_next(struct mem_cgroup *root,
				   struct mem_cgroup *pos);

/*
 * What holds memcg, as "pages=N swap=N stock=N(cpu 3,7) mount=N ...",
 * nonzero kinds only, in a fixed order; returns true when the per-CPU
 * stocks are all that hold it (a zombie that waits for those CPUs to
 * charge for another memcg, not a leak).
 */
struct strbuf;
bool memcg_holders_format(const struct machine *m, const struct mem_cgroup *memcg,
			  struct strbuf *out);

/* The modelled memory a dying memcg costs (struct, per node, per CPU). */
long zombie_bytes_per_memcg(const struct machine *m);

/* Events (memcg_memory_event) */
void memcg_memory_event(struct machine *m, struct mem_cgroup *memcg,
			enum memcg_memory_event ev);

/* Stats: local update and subtree read */
static inline void memcg_stat_mod(struct mem_cgroup *memcg,
				  enum memcg_stat_item item, long delta)
{
	memcg->stat[item] += delta;
}
void memcg_stat_subtree(const struct mem_cgroup *memcg,
			long out[MEMCG_NR_STATS]);

#endif
