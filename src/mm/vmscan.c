// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reclaim, after mm/vmscan.c of Linux 6.1 with the classic active/inactive
 * LRU lists: do_try_to_free_pages' priority loop (12 down to 0) and its
 * retries, shrink_node_memcgs' walk of the target's subtree with min/low
 * protection, get_scan_count's anon/file balance and proportional
 * protection, shrink_lruvec's SWAP_CLUSTER_MAX batches, and the per-page
 * decisions of shrink_folio_list.
 *
 * Reclaim does not write dirty page cache: it activates the page with
 * PG_reclaim and, when a whole batch was dirty, wakes the flusher, whose
 * writeback (instant in the model, as swap I/O is) puts the page back at
 * the inactive tail (docs/semantics.md).
 */
#include "vmscan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memcontrol/charge.h"
#include "../event_log.h"
#include "../machine.h"
#include "filemap.h"
#include "lru.h"
#include "memobj.h"
#include "mm_state.h"
#include "task.h"
#include "memcontrol/page_memcg.h"
#include "swap.h"
#include "vma.h"
#include "workingset.h"
#include "writeback.h"

/* MGLRU's batch of folios (BITS_PER_LONG), and its swap headroom for anon */
#define MIN_LRU_BATCH 64

#define DEACTIVATE_ANON 1
#define DEACTIVATE_FILE 2

enum scan_balance { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE };

struct scan_control {
	long nr_to_reclaim;
	long nr_reclaimed;
	long nr_scanned;
	struct mem_cgroup *target;
	int priority;
	bool cgroup_reclaim;
	bool kswapd;
	bool may_swap;
	bool may_unmap;
	bool proactive;
	bool memcg_low_reclaim;
	bool memcg_low_skipped;
	bool skipped_deactivate;
	bool force_deactivate;
	bool cache_trim_mode;
	bool file_is_tiny;
	unsigned may_deactivate;
	long anon_cost, file_cost;
	/* memory.reclaim's swappiness= (6.12), NULL: vm.swappiness */
	const int *swappiness;
	/* only the pages this accepts are taken (ext_reclaim_more); NULL: all */
	ext_reclaim_filter_fn filter;
	void *filter_arg;
};


static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, b = 1UL << (sizeof(long) * 8 - 2);

	while (b > x)
		b >>= 2;
	while (b) {
		if (x >= r + b) {
			x -= r + b;
			r = (r >> 1) + b;
		} else {
			r >>= 1;
		}
		b >>= 2;
	}
	return r;
}

static bool inactive_is_low(const long sizes[NR_LRU_LISTS], int inactive_lru)
{
	long inactive = sizes[inactive_lru], active = sizes[inactive_lru + 1];
	unsigned long gb = (unsigned long)(inactive + active) >> (30 - PAGE_SHIFT);
	unsigned long ratio = gb ? int_sqrt(10 * gb) : 1;

	return (unsigned long)inactive * ratio < (unsigned long)active;
}

static bool can_reclaim_anon_pages(struct machine *m, struct mem_cgroup *memcg,
				   struct scan_control *sc)
{
	if (sc->cgroup_reclaim || memcg != m->root_mem_cgroup)
		return mem_cgroup_get_nr_swap_pages(m, memcg) > 0;
	return m->mm->swap.total - m->mm->swap.used > 0;
}

void lru_note_cost(struct machine *m, struct mem_cgroup *memcg, bool file, long nr_pages)
{
	(void)m;
	for (; memcg; memcg = memcg->parent) {
		/* lruvec_page_state(): the subtree's lists */
		long lrusize = memcg->lru_hier[LRU_INACTIVE_ANON] +
			       memcg->lru_hier[LRU_ACTIVE_ANON] +
			       memcg->lru_hier[LRU_INACTIVE_FILE] +
			       memcg->lru_hier[LRU_ACTIVE_FILE];

		if (file)
			memcg->file_cost += nr_pages;
		else
			memcg->anon_cost += nr_pages;
		if (memcg->file_cost + memcg->anon_cost > lrusize / 4) {
			memcg->file_cost /= 2;
			memcg->anon_cost /= 2;
		}
	}
}

/*
 * Take up to n pages off the tail of a list. Under a filter, pages it
 * refuses are passed over and put back at the head once the walk is done
 * (as isolate_lru_folios does with folios it skips), and do not count.
 */
static int isolate(struct machine *m, struct mem_cgroup *memcg, int lru, long n,
		   pgh_t *out, const struct scan_control *sc)
{
	long walk = memcg->lruvec.lists[lru].nr;
	pgh_t *skipped = NULL;
	size_t nr_skipped = 0, cap = 0;
	int k = 0;

	while (k < n && walk-- > 0) {
		pgh_t h = lru_tail(memcg, lru);

		if (h == PAGE_NIL)
			break;
		lru_del(m, memcg, h);
		if (sc->filter && !sc->filter(m, h, sc->filter_arg)) {
			ALLOC_GROW(skipped, nr_skipped + 1, cap);
			skipped[nr_skipped++] = h;
			continue;
		}
		out[k++] = h;
	}
	while (nr_skipped)
		lru_add(m, memcg, skipped[--nr_skipped], lru, false);
	free(skipped);
	return k;
}

/* move_folios_to_lru: an active folio put back ages the lruvec */
static void putback(struct machine *m, struct mem_cgroup *memcg, struct memobj *obj,
		    pgh_t h, int lru)
{
	if (*page_flags(&m->pages, h) & PF_MLOCKED)
		lru = LRU_UNEVICTABLE;
	(void)obj;
	lru_add(m, memcg, h, lru, false);
	if (is_active_lru(lru))
		workingset_age_nonresident(memcg, 1);
}

/*
 * MGLRU ages a whole generation at once (inc_max_seq): the folios of the
 * second youngest, which the statistics counted active, become the
 * oldest young-but-inactive ones; pages whose mapping the target
 * referenced are promoted instead (the page-table walk's look-around).
 * No pgrefill or pgdeactivate: those are the classic lists' counters.
 */
static void lru_gen_age(struct machine *m, struct mem_cgroup *memcg, int lru,
			struct scan_control *sc)
{
	long n = memcg->lruvec.lists[lru].nr;

	while (n-- > 0) {
		pgh_t h = lru_tail(memcg, lru);

		if (h == PAGE_NIL)
			break;
		lru_del(m, memcg, h);
		if (!(*page_flags(&m->pages, h) & PF_MLOCKED) &&
		    page_referenced(m, h, sc->cgroup_reclaim ? sc->target : NULL)) {
			lru_add(m, memcg, h, lru, false);
			continue;
		}
		lru_add(m, memcg, h, lru - 1, false);
	}
}

static long shrink_active_list(struct machine *m, struct mem_cgroup *memcg,
			       long nr_to_scan, int lru, struct scan_control *sc)
{
	pgh_t batch[SWAP_CLUSTER_MAX];
	long nr_deactivate = 0;
	int n, i;

	if (unlikely(m->lru_gen)) {
		lru_gen_age(m, memcg, lru, sc);
		return 0;
	}
	n = isolate(m, memcg, lru, MIN(nr_to_scan, SWAP_CLUSTER_MAX), batch, sc);
	memcg->stat[MEMCG_PGREFILL] += n;
	for (i = 0; i < n; i++) {
		pgh_t h = batch[i];
		struct memobj *obj = memobj_of_id(m, page_object(&m->pages, h));

		if (*page_flags(&m->pages, h) & PF_MLOCKED) {
			putback(m, memcg, obj, h, LRU_UNEVICTABLE);
			continue;
		}
		/*
		 * referenced or not, it is deactivated (no VM_EXEC in the
		 * model); the young bits of the target's mappings are cleared
		 */
		page_referenced(m, h, sc->cgroup_reclaim ? sc->target : NULL);
		*page_flags(&m->pages, h) |= PF_WORKINGSET;
		lru_add(m, memcg, h, lru - 1, false);
		nr_deactivate++;
	}
	memcg->stat[MEMCG_PGDEACTIVATE] += nr_deactivate;
	return 0;
}

enum folioref { REF_RECLAIM, REF_RECLAIM_CLEAN, REF_KEEP, REF_ACTIVATE };

/* folio_check_references() */
static enum folioref check_references(struct machine *m, pgh_t h, bool file_lru,
				      struct scan_control *sc)
{
	uint16_t *f = page_flags(&m->pages, h);
	int referenced_ptes = page_referenced(m, h, sc->cgroup_reclaim ? sc->target : NULL);
	bool referenced_page = *f & PF_REFERENCED;

	*f &= (uint16_t)~PF_REFERENCED;
	if (referenced_ptes) {
		/* look twice at mapped pages: keep once, activate when used again */
		*f |= PF_REFERENCED;
		if (referenced_page || referenced_ptes > 1)
			return REF_ACTIVATE;
		return REF_KEEP;
	}
	if (referenced_page && file_lru)
		return REF_RECLAIM_CLEAN;
	return REF_RECLAIM;
}

static long shrink_inactive_list(struct machine *m, struct mem_cgroup *memcg,
				 long nr_to_scan, int lru, struct scan_control *sc)
{
	pgh_t batch[SWAP_CLUSTER_MAX];
	int n = isolate(m, memcg, lru, MIN(nr_to_scan, SWAP_CLUSTER_MAX), batch, sc), i;
	long nr_reclaimed = 0, nr_pageout = 0, nr_unqueued_dirty = 0;
	bool file = is_file_lru(lru);

	sc->nr_scanned += n;
	memcg->stat[sc->kswapd ? MEMCG_PGSCAN_KSWAPD : MEMCG_PGSCAN_DIRECT] += n;
	for (i = 0; i < n; i++) {
		pgh_t h = batch[i];
		struct memobj *obj = memobj_of_id(m, page_object(&m->pages, h));
		uint64_t idx = page_index(&m->pages, h);
		uint16_t f = *page_flags(&m->pages, h);
		bool mapped = page_mapcount(&m->pages, h) > 0;
		enum folioref ref;
		uint64_t shadow;

		if (f & PF_MLOCKED) {
			putback(m, memcg, obj, h, LRU_UNEVICTABLE);
			continue;
		}
		if (f & PF_PINNED) {
			/* elevated refcount: __remove_mapping would fail */
			putback(m, memcg, obj, h, lru);
			continue;
		}
		if (!sc->may_unmap && mapped) {
			putback(m, memcg, obj, h, lru);
			continue;
		}
		/* folio_check_dirty_writeback: the flusher has not written it */
		if (obj->type == OBJ_FILE && (f & PF_DIRTY))
			nr_unqueued_dirty++;
		ref = check_references(m, h, file, sc);
		if (ref == REF_ACTIVATE) {
			putback(m, memcg, obj, h, lru + 1);
			/* MGLRU promotes it to the youngest generation (sort_folio): pgrefill */
			memcg->stat[unlikely(m->lru_gen) ? MEMCG_PGREFILL : MEMCG_PGACTIVATE]++;
			continue;
		}
		if (ref == REF_KEEP) {
			putback(m, memcg, obj, h, lru);
			continue;
		}
		if (obj->type == OBJ_ANON && file) {
			/* MADV_FREE'd (not swap-backed): dropped, unless written since */
			if (f & PF_DIRTY) {
				*page_flags(&m->pages, h) &= (uint16_t)~PF_DIRTY;
				putback(m, memcg, obj, h, LRU_ACTIVE_ANON);
				memcg->stat[MEMCG_PGACTIVATE]++;
				continue;
			}
			memcg->stat[MEMCG_PGLAZYFREED]++;
			anon_discard_page(m, obj, h);
			nr_reclaimed++;
			continue;
		}
		if (obj->type == OBJ_FILE) {
			if (mapped)
				rmap_unmap(m, obj, idx, h, false);
			if (f & PF_DIRTY) {
				/*
				 * Reclaim leaves writing to the flusher: the page
				 * is flagged for immediate reclaim once written
				 * (PG_reclaim) and activated meanwhile.
				 */
				folio_set_reclaim(m, h);
				putback(m, memcg, obj, h, lru + 1);
				memcg->stat[MEMCG_PGACTIVATE]++;
				continue;
			}
			filemap_evict_page(m, obj, h, workingset_eviction(m, h, sc->target));
			nr_reclaimed++;
			continue;
		}
		/* swap-backed: anon or shmem */
		if (!sc->may_swap) {
			putback(m, memcg, obj, h, lru);
			continue;
		}
		if (obj->type == OBJ_SHMEM && mapped)
			rmap_unmap(m, obj, idx, h, false);
		if (swap_out_page(m, obj, h)) {
			/* no slot or swap.max: activate_locked */
			putback(m, memcg, obj, h, lru + 1);
			memcg->stat[MEMCG_PGACTIVATE]++;
			continue;
		}
		/* __remove_mapping: the shadow goes in the swap cache */
		shadow = workingset_eviction_of(m, f & PF_WORKINGSET, sc->target);
		workingset_store_swap_shadow(m, h, shadow);
		if (obj->type == OBJ_ANON && mapped)
			rmap_unmap(m, obj, idx, h, true);
		nr_pageout++;
		nr_reclaimed++;
	}
	memcg->stat[sc->kswapd ? MEMCG_PGSTEAL_KSWAPD : MEMCG_PGSTEAL_DIRECT] += nr_reclaimed;
	lru_note_cost(m, memcg, file, nr_pageout);
	/* a batch of nothing but dirty pages: nudge the flushers */
	if (n && nr_unqueued_dirty == n)
		wakeup_flusher_threads_reclaim(m);
	return nr_reclaimed;
}

static long shrink_list(struct machine *m, struct mem_cgroup *memcg, int lru,
			long nr_to_scan, struct scan_control *sc)
{
	if (is_active_lru(lru)) {
		if (sc->may_deactivate & (is_file_lru(lru) ? DEACTIVATE_FILE : DEACTIVATE_ANON))
			shrink_active_list(m, memcg, nr_to_scan, lru, sc);
		else
			sc->skipped_deactivate = true;
		return 0;
	}
	return shrink_inactive_list(m, memcg, nr_to_scan, lru, sc);
}

static void get_scan_count(struct machine *m, struct mem_cgroup *memcg,
			   struct scan_control *sc, long nr[NR_LRU_LISTS])
{
	int swappiness = sc->swappiness ? *sc->swappiness : m->mm->vm_swappiness;
	enum scan_balance balance;
	unsigned long fraction[2] = { 0, 0 }, denominator = 0;
	int lru;

	/*
	 * MGLRU's get_swappiness: no anon scan with less than a batch of swap
	 * left to the memcg (swap.max), so reclaim never fails a swap charge
	 */
	if (!sc->may_swap || !can_reclaim_anon_pages(m, memcg, sc) ||
	    (unlikely(m->lru_gen) && mem_cgroup_get_nr_swap_pages(m, memcg) < MIN_LRU_BATCH)) {
		balance = SCAN_FILE;
	} else if (sc->cgroup_reclaim && !swappiness) {
		balance = SCAN_FILE;
	} else if (!sc->priority && swappiness) {
		balance = SCAN_EQUAL;
	} else if (sc->file_is_tiny) {
		balance = SCAN_ANON;
	} else if (sc->cache_trim_mode) {
		balance = SCAN_FILE;
	} else {
		unsigned long total = (unsigned long)(sc->anon_cost + sc->file_cost);
		unsigned long anon_cost = total + (unsigned long)sc->anon_cost;
		unsigned long file_cost = total + (unsigned long)sc->file_cost;
		unsigned long ap, fp;

		total = anon_cost + file_cost;
		ap = (unsigned long)swappiness * (total + 1) / (anon_cost + 1);
		fp = (unsigned long)(200 - swappiness) * (total + 1) / (file_cost + 1);
		fraction[0] = ap;
		fraction[1] = fp;
		denominator = ap + fp;
		balance = SCAN_FRACT;
	}

	for (lru = 0; lru < LRU_UNEVICTABLE; lru++) {
		int file = is_file_lru(lru);
		unsigned long size = (unsigned long)memcg->lruvec.lists[lru].nr;
		unsigned long min = 0, low = 0;
		unsigned long scan;

		if (memcg != sc->target) {
			min = memcg->memory.emin;
			low = memcg->memory.elow;
		}
		if (min || low) {
			unsigned long cgroup_size = (unsigned long)page_counter_read(&memcg->memory);
			unsigned long protection;

			if (!sc->memcg_low_reclaim && low > min) {
				protection = low;
				sc->memcg_low_skipped = true;
			} else {
				protection = min;
			}
			cgroup_size = MAX(cgroup_size, protection);
			scan = size - size * protection / (cgroup_size + 1);
			scan = MAX(scan, (unsigned long)SWAP_CLUSTER_MAX);
		} else {
			scan = size;
		}
		scan >>= sc->priority;
		/* a deleted cgroup: scrape out what is left */
		if (!scan && !mem_cgroup_online(memcg))
			scan = (unsigned long)MIN(size, SWAP_CLUSTER_MAX);
		switch (balance) {
		case SCAN_EQUAL:
			break;
		case SCAN_FRACT:
			if (mem_cgroup_online(memcg))
				scan = scan * fraction[file] / denominator;
			else
				scan = (scan * fraction[file] + denominator - 1) / denominator;
			break;
		case SCAN_FILE:
		case SCAN_ANON:
			if ((balance == SCAN_FILE) != file)
				scan = 0;
			break;
		}
		nr[lru] = (long)scan;
	}
	nr[LRU_UNEVICTABLE] = 0;
}

/*
 * MGLRU's eviction (try_to_shrink_lruvec, evict_folios; 6.12): batches of
 * up to MIN_LRU_BATCH folios from the oldest generation of one type -
 * page cache first, as get_type_to_scan starts while no refaults weigh
 * against it, then anon - until this priority's budget (get_scan_count's
 * share of the lruvec, as get_nr_to_scan's size >> priority) is spent;
 * get_scan_count also says which types may be taken at all (swappiness,
 * swap space). A type whose old generations are gone ages first
 * (lru_gen_age). do_try_to_free_pages checks the target between
 * priorities: a reclaim lands on a multiple of 64 pages, as measured.
 * Refault tiers and the choice of type by them are not modelled.
 */
static void lru_gen_shrink_lruvec(struct machine *m, struct mem_cgroup *memcg,
				  struct scan_control *sc)
{
	long nr[NR_LRU_LISTS], budget, scanned = 0;
	bool eligible[2], aged[2] = { false, false };
	int type;

	get_scan_count(m, memcg, sc, nr);
	eligible[0] = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON] > 0;
	eligible[1] = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE] > 0;
	budget = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON] + nr[LRU_INACTIVE_FILE] +
		 nr[LRU_ACTIVE_FILE];
	while (scanned < budget && (eligible[0] || eligible[1])) {
		long before = sc->nr_scanned, k;
		int lru;

		type = eligible[1] ? 1 : 0;
		lru = type ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
		if (!memcg->lruvec.lists[lru].nr && !aged[type]) {
			lru_gen_age(m, memcg, lru + 1, sc);
			aged[type] = true;
		}
		for (k = 0; k < MIN_LRU_BATCH / SWAP_CLUSTER_MAX; k++)
			sc->nr_reclaimed += shrink_inactive_list(m, memcg, SWAP_CLUSTER_MAX, lru, sc);
		if (sc->nr_scanned == before) {
			/* nothing old it may take (a filter refused the rest): age once */
			if (!aged[type] && memcg->lruvec.lists[lru + 1].nr) {
				lru_gen_age(m, memcg, lru + 1, sc);
				aged[type] = true;
				continue;
			}
			eligible[type] = false;
			continue;
		}
		scanned += sc->nr_scanned - before;
	}
}

static void shrink_lruvec(struct machine *m, struct mem_cgroup *memcg,
			  struct scan_control *sc)
{
	long nr[NR_LRU_LISTS], targets[NR_LRU_LISTS];
	long nr_to_reclaim = sc->nr_to_reclaim, nr_reclaimed = 0;
	bool proportional = !sc->cgroup_reclaim && !sc->kswapd &&
			    sc->priority == DEF_PRIORITY;
	int lru;

	if (unlikely(m->lru_gen)) {
		lru_gen_shrink_lruvec(m, memcg, sc);
		return;
	}
	get_scan_count(m, memcg, sc, nr);
	memcpy(targets, nr, sizeof(nr));
	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
		long nr_anon, nr_file, percentage, scanned;

		for (lru = 0; lru < LRU_UNEVICTABLE; lru++) {
			if (nr[lru]) {
				long n = MIN(nr[lru], SWAP_CLUSTER_MAX);

				nr[lru] -= n;
				nr_reclaimed += shrink_list(m, memcg, lru, n, sc);
			}
		}
		if (nr_reclaimed < nr_to_reclaim || proportional)
			continue;
		/* enough: stop the smaller type, scale the other to its target */
		nr_file = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
		nr_anon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
		if (!nr_file || !nr_anon)
			break;
		if (nr_file > nr_anon) {
			long t = targets[LRU_INACTIVE_ANON] + targets[LRU_ACTIVE_ANON] + 1;

			lru = LRU_INACTIVE_ANON;
			percentage = nr_anon * 100 / t;
		} else {
			long t = targets[LRU_INACTIVE_FILE] + targets[LRU_ACTIVE_FILE] + 1;

			lru = LRU_INACTIVE_FILE;
			percentage = nr_file * 100 / t;
		}
		nr[lru] = 0;
		nr[lru + 1] = 0;
		lru = lru == LRU_INACTIVE_FILE ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
		scanned = targets[lru] - nr[lru];
		nr[lru] = targets[lru] * (100 - percentage) / 100;
		nr[lru] -= MIN(nr[lru], scanned);
		lru++;
		scanned = targets[lru] - nr[lru];
		nr[lru] = targets[lru] * (100 - percentage) / 100;
		nr[lru] -= MIN(nr[lru], scanned);
	}
	sc->nr_reclaimed += nr_reclaimed;
	/* keep the anon lists balanced when swap makes aging worthwhile */
	if (m->mm->swap.total && inactive_is_low(memcg->lru_hier, LRU_INACTIVE_ANON))
		shrink_active_list(m, memcg, SWAP_CLUSTER_MAX, LRU_ACTIVE_ANON, sc);
}

static void prepare_scan_count(struct machine *m, struct scan_control *sc)
{
	struct mem_cgroup *target = sc->target;
	const long *sizes = target->lru_hier;

	sc->anon_cost = target->anon_cost;
	sc->file_cost = target->file_cost;
	if (!sc->force_deactivate) {
		/*
		 * Refaults since the last reclaim mean a new workingset is
		 * being established: deactivate the stale active pages.
		 */
		sc->may_deactivate = 0;
		if (target->ws_activate_hier[0] != target->refaults[0] ||
		    inactive_is_low(sizes, LRU_INACTIVE_ANON))
			sc->may_deactivate |= DEACTIVATE_ANON;
		if (target->ws_activate_hier[1] != target->refaults[1] ||
		    inactive_is_low(sizes, LRU_INACTIVE_FILE))
			sc->may_deactivate |= DEACTIVATE_FILE;
	} else {
		sc->may_deactivate = DEACTIVATE_ANON | DEACTIVATE_FILE;
	}
	sc->cache_trim_mode = (sizes[LRU_INACTIVE_FILE] >> sc->priority) &&
			      !(sc->may_deactivate & DEACTIVATE_FILE);
	/* global reclaim: a file LRU almost gone makes anon the target */
	if (!sc->cgroup_reclaim) {
		long file = sizes[LRU_ACTIVE_FILE] + sizes[LRU_INACTIVE_FILE];

		sc->file_is_tiny = file + m->mm->zone.free <= m->mm->zone.wmark_high &&
				   !(sc->may_deactivate & DEACTIVATE_ANON) &&
				   (sizes[LRU_INACTIVE_ANON] >> sc->priority);
	}
}

/* snapshot_refaults: what the next reclaim compares with */
static void snapshot_refaults(struct mem_cgroup *target)
{
	target->refaults[0] = target->ws_activate_hier[0];
	target->refaults[1] = target->ws_activate_hier[1];
}

static void shrink_node_memcgs(struct machine *m, struct scan_control *sc)
{
	bool recursive = !!(m->cfg.options & SMEMCG_OPT_RECURSIVEPROT);
	struct mem_cgroup *memcg = NULL, *held = NULL;

	while ((memcg = memcg_iter_next(sc->target, memcg))) {
		/*
		 * mem_cgroup_iter() holds a css reference on the position until
		 * it steps on: reclaiming the last page of a dying memcg must not
		 * free it under the walk. The previous position is let go once
		 * the next one is found; it is never an ancestor of the next.
		 */
		memcg_hold(memcg, MEMCG_HELD_BY_WALK, 1);
		if (held)
			memcg_put_ref(m, held, &held->refs_held[MEMCG_HELD_BY_WALK], 1);
		held = memcg;
		page_counter_calculate_protection(&sc->target->memory, &memcg->memory,
						  recursive);
		if (!mem_cgroup_is_root(memcg) && page_counter_below_min(&memcg->memory))
			continue;
		if (!mem_cgroup_is_root(memcg) && page_counter_below_low(&memcg->memory)) {
			if (!sc->memcg_low_reclaim) {
				sc->memcg_low_skipped = true;
				continue;
			}
			memcg_memory_event(m, memcg, MEMCG_LOW);
		}
		shrink_lruvec(m, memcg, sc);
		/* shrink_slab: the model's one shrinker is the shadow nodes' */
		workingset_shrink(m, memcg, sc->priority);
	}
	if (held)
		memcg_put_ref(m, held, &held->refs_held[MEMCG_HELD_BY_WALK], 1);
}

/* Memory a memcg sees outside its subtree (ext_reclaim_more) is reclaimed for it too. */
static void shrink_seen_memcg(struct machine *m, struct mem_cgroup *s,
			      ext_reclaim_filter_fn filter, void *filter_arg, void *arg)
{
	struct scan_control *sc = arg;

	sc->filter = filter;
	sc->filter_arg = filter_arg;
	shrink_lruvec(m, s, sc);
	sc->filter = NULL;
}

static long do_try_to_free_pages(struct machine *m, struct scan_control *sc)
{
	int initial_priority = sc->priority;

retry:
	do {
		sc->nr_scanned = 0;
		prepare_scan_count(m, sc);
		shrink_node_memcgs(m, sc);
		if (sc->cgroup_reclaim && unlikely(m->ext_keys.reclaim_more))
			ext_reclaim_more(m, sc->target, shrink_seen_memcg, sc);
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			break;
	} while (--sc->priority >= 0);
	snapshot_refaults(sc->target);

	if (sc->nr_reclaimed)
		return sc->nr_reclaimed;
	if (sc->skipped_deactivate) {
		sc->priority = initial_priority;
		sc->force_deactivate = true;
		sc->skipped_deactivate = false;
		goto retry;
	}
	/* untapped cgroup reserves: retry, this time reclaiming below low */
	if (sc->memcg_low_skipped) {
		sc->priority = initial_priority;
		sc->force_deactivate = false;
		sc->memcg_low_reclaim = true;
		sc->memcg_low_skipped = false;
		goto retry;
	}
	return 0;
}

long try_to_free_mem_cgroup_pages(struct machine *m, struct mem_cgroup *memcg,
				  long nr_pages, unsigned gfp,
				  unsigned reclaim_options, const int *swappiness)
{
	struct scan_control sc;

	flusher_progress(m);
	memset(&sc, 0, sizeof(sc));
	sc.nr_to_reclaim = MAX(nr_pages, (long)SWAP_CLUSTER_MAX);
	sc.target = memcg;
	sc.priority = DEF_PRIORITY;
	sc.cgroup_reclaim = true;
	sc.may_unmap = true;
	sc.may_swap = !!(reclaim_options & MEMCG_RECLAIM_MAY_SWAP) && !(gfp & GFP_NOSWAP);
	sc.proactive = !!(reclaim_options & MEMCG_RECLAIM_PROACTIVE);
	sc.swappiness = swappiness;
	if (!do_try_to_free_pages(m, &sc)) {
		event_emit(m, SMEMCG_EV_RECLAIM_NOTHING, current_pid(m), 0, 0,
			   memcg, NULL, nr_pages, "reclaim of %ld page%s freed nothing",
			   nr_pages, nr_pages > 1 ? "s" : "");
		return 0;
	}
	return sc.nr_reclaimed;
}

int evict_page(struct machine *m, struct memobj *obj, pgh_t h, struct mem_cgroup *target,
	       bool write_dirty)
{
	uint64_t idx = page_index(&m->pages, h);
	bool mapped = page_mapcount(&m->pages, h) > 0, workingset;
	uint64_t shadow;

	if (!target)
		target = m->root_mem_cgroup;
	if (obj->type == OBJ_FILE) {
		if (mapped)
			rmap_unmap(m, obj, idx, h, false);
		if (*page_flags(&m->pages, h) & PF_DIRTY) {
			if (!write_dirty)
				return -EAGAIN;
			filemap_writeback_page(m, obj, h);
		}
		filemap_evict_page(m, obj, h, workingset_eviction(m, h, target));
		return 0;
	}
	if (obj->type == OBJ_SHMEM && mapped)
		rmap_unmap(m, obj, idx, h, false);
	/* the shadow is taken once the page is in swap (add_to_swap can fail) */
	workingset = *page_flags(&m->pages, h) & PF_WORKINGSET;
	if (swap_out_page(m, obj, h))
		return -EAGAIN;
	shadow = workingset_eviction_of(m, workingset, target);
	workingset_store_swap_shadow(m, h, shadow);
	if (obj->type == OBJ_ANON && mapped)
		rmap_unmap(m, obj, idx, h, true);
	return 0;
}

/* Reclaim from the whole machine: direct reclaim, or kswapd's. */
static long reclaim_machine(struct machine *m, long nr_pages, bool kswapd, bool may_swap)
{
	struct scan_control sc;

	flusher_progress(m);
	memset(&sc, 0, sizeof(sc));
	sc.nr_to_reclaim = MAX(nr_pages, (long)SWAP_CLUSTER_MAX);
	sc.target = m->root_mem_cgroup;
	sc.priority = DEF_PRIORITY;
	sc.kswapd = kswapd;
	sc.may_unmap = true;
	sc.may_swap = may_swap;
	return do_try_to_free_pages(m, &sc);
}

long try_to_free_pages(struct machine *m, long nr_pages, unsigned gfp)
{
	return reclaim_machine(m, nr_pages, false, !(gfp & GFP_NOSWAP));
}

long kswapd_reclaim(struct machine *m, long nr_pages)
{
	return reclaim_machine(m, nr_pages, true, true);
}
