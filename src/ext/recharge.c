// SPDX-License-Identifier: GPL-2.0-only
/*
 * What becomes of a memcg's pages when it goes offline (seed 002).
 *
 * 6.1 (recharge=none): nothing; the pages keep the memcg alive as a zombie.
 * reparent: every page and swap entry moves to the nearest online ancestor
 * at offline (the direction upstream took with LRU reparenting).
 * evict: file pages are written back and dropped, swap-backed pages
 * swapped out (their swap is charged to the ancestor).
 * mapper: mapped pages are recharged to the memcg of the first process
 * mapping them (rmap walk), without OOM: a charge that fails leaves the
 * page where it is and counts as cancelled.
 * deferred: pages are reparented at offline and marked; the next access
 * by a task recharges them to that task's memcg.
 * auto: seed 002's split by page type: unmapped file pages are evicted,
 * mapped pages (file or swap-backed) go to their mapper, unmapped
 * swap-backed pages are deferred; swap entries are reparented.
 *
 * evict, mapper and auto run as deferred work when simulated time passes,
 * retrying up to MAX_RECLAIM_RETRIES times with delays of 1 << retries
 * jiffies, as the RFC's worker does.
 */
#include "../mm/gup.h"

#include <stdlib.h>
#include <string.h>

#include "../mm/memcontrol/charge.h"
#include "../mm/memcontrol/memcg.h"
#include "../event_log.h"
#include "../machine.h"
#include "../mm/filemap.h"
#include "../mm/lru.h"
#include "../mm/memobj.h"
#include "../mm/mm.h"
#include "../mm/mm_state.h"
#include "../mm/oom_kill.h"
#include "../mm/memcontrol/page_memcg.h"
#include "../mm/swap.h"
#include "../mm/task.h"
#include "../mm/vma.h"
#include "../mm/vmscan.h"
#include "hooks.h"

struct recharge_item {
	uint32_t slot;
	int retries;
	uint64_t next_ns;
};

enum recharge_mode {
	RECHARGE_NONE, RECHARGE_REPARENT, RECHARGE_EVICT, RECHARGE_MAPPER,
	RECHARGE_DEFERRED, RECHARGE_AUTO, RECHARGE_MAPPER_MAYFAIL,
};

/* The policy values, in enum recharge_mode order after "none" (the core's). */
static const struct ext_policy recharge_policies[] = {
	{ "recharge", "reparent" }, { "recharge", "evict" }, { "recharge", "mapper" },
	{ "recharge", "deferred" }, { "recharge", "auto" },
	{ "recharge", "mapper-mayfail" }, { NULL, NULL },
};

struct recharge_state {
	enum recharge_mode mode;
	struct recharge_item *v;
	int n, cap;
};

static struct recharge_state *rs(const struct machine *m)
{
	return m->ext[EXT_recharge];
}

static void recharge_init(struct machine *m)
{
	m->ext[EXT_recharge] = xcalloc(1, sizeof(struct recharge_state));
}

static void recharge_policy(struct machine *m, const char *key, const char *value)
{
	const struct ext_policy *p;

	(void)key;
	rs(m)->mode = RECHARGE_NONE;
	for (p = recharge_policies; p->key; p++)
		if (!strcmp(p->value, value))
			rs(m)->mode = (enum recharge_mode)(p - recharge_policies + 1);
}

static bool recharge_stat_visible(const struct machine *m, int item)
{
	return item >= MEMCG_NR_KERNEL_STATS && rs(m)->mode != RECHARGE_NONE;
}

static void recharge_free(struct machine *m)
{
	if (!rs(m))
		return;
	free(rs(m)->v);
	free(rs(m));
	m->ext[EXT_recharge] = NULL;
}

static void count(struct mem_cgroup *memcg, enum memcg_stat_item item)
{
	memcg->stat[item]++;
}

/* The event log: what a pass, an offline or an access did to memcg's pages. */
struct recharge_tally {
	long moved, evicted, cancelled;
};

static void tally_start(struct recharge_tally *t, const struct mem_cgroup *memcg)
{
	t->moved = memcg->stat[MEMCG_RECHARGE_PGS_MOVED];
	t->evicted = memcg->stat[MEMCG_RECHARGE_PGS_EVICTED];
	t->cancelled = memcg->stat[MEMCG_RECHARGE_PGS_CANCELLED];
}

static void tally_report(struct machine *m, const struct recharge_tally *t,
			 const struct mem_cgroup *memcg, const char *when)
{
	long moved = memcg->stat[MEMCG_RECHARGE_PGS_MOVED] - t->moved;
	long evicted = memcg->stat[MEMCG_RECHARGE_PGS_EVICTED] - t->evicted;
	long cancelled = memcg->stat[MEMCG_RECHARGE_PGS_CANCELLED] - t->cancelled;
	const char *mode = recharge_policies[rs(m)->mode - 1].value;

	if (moved)
		event_emit(m, SMEMCG_EV_RECHARGE, current_pid(m), 0, 0, memcg, "moved", moved,
			   "recharge=%s %s: %ld page%s moved out", mode, when, moved,
			   moved == 1 ? "" : "s");
	if (evicted)
		event_emit(m, SMEMCG_EV_RECHARGE, current_pid(m), 0, 0, memcg, "evicted",
			   evicted, "recharge=%s %s: %ld page%s evicted", mode, when, evicted,
			   evicted == 1 ? "" : "s");
	if (cancelled)
		event_emit(m, SMEMCG_EV_RECHARGE, current_pid(m), 0, 0, memcg, "cancelled",
			   cancelled, "recharge=%s %s: %ld page%s could not move and stay", mode,
			   when, cancelled, cancelled == 1 ? "" : "s");
}

static struct mem_cgroup *online_parent(struct mem_cgroup *memcg)
{
	return memcg_online_ancestor(memcg->parent);
}

static void moved_up(struct machine *m, struct mem_cgroup *from, struct mem_cgroup *to)
{
	count(from, MEMCG_RECHARGE_PGS_MOVED);
	if (mem_cgroup_is_root(to))
		count(m->root_mem_cgroup, MEMCG_RECHARGED_TO_ROOT);
}

static void reparent_page(struct machine *m, struct memobj *obj, pgh_t h,
			  struct mem_cgroup *from, struct mem_cgroup *to, bool mark)
{
	count(from, MEMCG_RECHARGE_PGS_SCANNED);
	page_move_charge_up(m, obj, h, to);
	if (mark)
		*page_flags(&m->pages, h) |= PF_EXT_ACCESS;
	moved_up(m, from, to);
}

/* A swap entry of from now belongs to its ancestor to. */
static void reparent_swap(struct machine *m, pgh_t h, struct mem_cgroup *from,
			  struct mem_cgroup *to)
{
	struct mem_cgroup *c;

	for (c = from; c != to; c = c->parent)
		m->page_counter_underflows += page_counter_cancel(&c->swap, 1);
	if (mem_cgroup_is_root(to))
		m->page_counter_underflows += page_counter_cancel(&to->swap, 1);
	*page_owner(&m->pages, h) = to->slot;
	to->refs_swap++;
	count(from, MEMCG_RECHARGE_PGS_MOVED);
	memcg_put_ref(m, from, &from->refs_swap, 1);
}

/* Pages and swap entries of memcg that are on no LRU: a full scan. */
static void scan_unlisted(struct machine *m, struct mem_cgroup *memcg,
			  struct mem_cgroup *to, bool move_pages)
{
	struct mm_state *ms = m->mm;
	uint32_t i, s;

	for (i = 0; i < ms->objs.nr && (memcg->refs_swap || move_pages); i++) {
		struct memobj *obj = memobj_at(m, i);
		uint64_t d;

		if (!obj)
			continue;
		for (d = 0; d < obj->dir_len; d++) {
			if (obj->dir[d] == PAGE_NIL)
				continue;
			for (s = 0; s < LEAF_PAGES; s++) {
				pgh_t h = (obj->dir[d] << LEAF_SHIFT) | s;
				enum page_state st = page_state(&m->pages, h);

				if (*page_owner(&m->pages, h) != memcg->slot)
					continue;
				if (st == PS_SWAPPED)
					reparent_swap(m, h, memcg, to);
				else if (st == PS_PRESENT && move_pages)
					reparent_page(m, obj, h, memcg, to, false);
				if (obj->dir[d] == PAGE_NIL)
					break;
			}
		}
	}
}

static void reparent_all(struct machine *m, struct mem_cgroup *memcg, bool mark)
{
	struct mem_cgroup *to = online_parent(memcg);
	int l;

	for (l = 0; l < NR_LRU_LISTS; l++) {
		pgh_t h;

		while ((h = memcg->lruvec.lists[l].head) != PAGE_NIL) {
			struct memobj *obj = memobj_of_id(m, page_object(&m->pages, h));

			reparent_page(m, obj, h, memcg, to, mark);
		}
	}
	if (memcg->refs_pages || memcg->refs_swap)
		scan_unlisted(m, memcg, to, memcg->refs_pages > 0);
	pins_reparent(m, memcg, to);
}

static void first_mapper(struct machine *m, struct vm_area *v, uint64_t vidx, void *arg)
{
	struct vm_area **out = arg;

	(void)m;
	(void)vidx;
	if (!*out)
		*out = v;
}

static struct mem_cgroup *mapper_memcg(struct machine *m, struct memobj *obj, pgh_t h)
{
	struct vm_area *v = NULL;

	rmap_walk(m, obj, page_index(&m->pages, h), first_mapper, &v);
	if (!v)
		return NULL;
	return get_mem_cgroup_from_mm_struct(m, v->mm);
}

enum action { ACT_NONE, ACT_EVICT, ACT_MAPPER, ACT_DEFER };

/*
 * A charge to the mapper is a charge like any (seed 002: "the rightful
 * user's memcg might run into an OOM situation"): reclaim, then OOM in it.
 * The page is charged with __GFP_RETRY_MAYFAIL (reclaim, no OOM) while
 * the pass walks the zombie's lists; when that fails, the OOM killer runs
 * in the mapper's memcg and the pass stops (a victim's exit may free the
 * pages it walks), to be retried by the worker. mapper-mayfail is the
 * variant without the OOM: the page stays where it was.
 */
static bool mapper_may_oom(const struct machine *m)
{
	return rs(m)->mode == RECHARGE_MAPPER || rs(m)->mode == RECHARGE_AUTO;
}

static enum action action_for(struct machine *m, struct memobj *obj, pgh_t h)
{
	bool mapped = page_mapcount(&m->pages, h) > 0;
	bool file = obj->type == OBJ_FILE;

	switch (rs(m)->mode) {
	case RECHARGE_EVICT:
		return ACT_EVICT;
	case RECHARGE_MAPPER:
	case RECHARGE_MAPPER_MAYFAIL:
		return mapped ? ACT_MAPPER : ACT_NONE;
	case RECHARGE_AUTO:
		if (mapped)
			return ACT_MAPPER;
		return file ? ACT_EVICT : ACT_DEFER;
	default:
		return ACT_NONE;
	}
}

/* One pass over a zombie's pages. Returns the pages it had to leave. */
static long recharge_pass(struct machine *m, struct mem_cgroup *memcg)
{
	long left = 0;
	int l;

	for (l = 0; l < NR_LRU_LISTS; l++) {
		pgh_t h = memcg->lruvec.lists[l].tail;

		while (h != PAGE_NIL) {
			pgh_t prev = lru_prev(&m->pages, h);
			struct memobj *obj = memobj_of_id(m, page_object(&m->pages, h));
			uint16_t f = *page_flags(&m->pages, h);
			struct mem_cgroup *to;

			enum action act = action_for(m, obj, h);

			count(memcg, MEMCG_RECHARGE_PGS_SCANNED);
			/* what is pinned or mlocked cannot be evicted: it stays */
			if (act == ACT_EVICT && (f & (PF_PINNED | PF_MLOCKED))) {
				left++;
				h = prev;
				continue;
			}
			switch (act) {
			case ACT_EVICT:
				/*
				 * As reclaim of the nearest online ancestor
				 * would: the shadow names it, so the next read
				 * counts as a refault of the reader
				 */
				if (evict_page(m, obj, h, online_parent(memcg), true)) {
					count(memcg, MEMCG_RECHARGE_PGS_CANCELLED);
					left++;
				} else {
					count(memcg, MEMCG_RECHARGE_PGS_EVICTED);
				}
				break;
			case ACT_MAPPER:
				to = mapper_memcg(m, obj, h);
				if (!to || to == memcg) {
					count(memcg, MEMCG_RECHARGE_PGS_CANCELLED);
					left++;
				} else if (page_move_charge(m, obj, h, to, GFP_RETRY_MAYFAIL)) {
					count(memcg, MEMCG_RECHARGE_PGS_CANCELLED);
					if (mapper_may_oom(m)) {
						memcg_memory_event(m, to, MEMCG_OOM);
						mem_cgroup_out_of_memory(m, to, GFP_KERNEL, 0);
						return left + 1;
					}
					left++;
				} else {
					count(memcg, MEMCG_RECHARGE_PGS_MOVED);
				}
				break;
			case ACT_DEFER:
				to = online_parent(memcg);
				page_move_charge_up(m, obj, h, to);
				*page_flags(&m->pages, h) |= PF_EXT_ACCESS;
				moved_up(m, memcg, to);
				break;
			case ACT_NONE:
				break;
			}
			h = prev;
		}
	}
	return left;
}

static void recharge_memcg_offline(struct machine *m, struct mem_cgroup *memcg)
{
	struct recharge_state *r;
	struct recharge_tally t;

	if (rs(m)->mode == RECHARGE_NONE)
		return;
	tally_start(&t, memcg);
	switch (rs(m)->mode) {
	case RECHARGE_REPARENT:
		reparent_all(m, memcg, false);
		tally_report(m, &t, memcg, "at rmdir");
		return;
	case RECHARGE_DEFERRED:
		reparent_all(m, memcg, true);
		tally_report(m, &t, memcg, "at rmdir");
		return;
	default:
		break;
	}
	/* the worker; auto reparents swap entries at once */
	if (rs(m)->mode == RECHARGE_AUTO && memcg->refs_swap)
		scan_unlisted(m, memcg, online_parent(memcg), false);
	if (rs(m)->mode == RECHARGE_AUTO)
		pins_reparent(m, memcg, online_parent(memcg));
	tally_report(m, &t, memcg, "at rmdir");
	r = rs(m);
	ALLOC_GROW(r->v, r->n + 1, r->cap);
	r->v[r->n].slot = memcg->slot;
	r->v[r->n].retries = 0;
	r->v[r->n].next_ns = m->now_ns;
	r->n++;
	/* the queue holds a reference so the slot stays this memcg */
	memcg_hold(memcg, MEMCG_HELD_BY_WORK, 1);
}

static void recharge_work(struct machine *m)
{
	struct recharge_state *r = rs(m);
	int i;

	if (!r)
		return;
	for (i = 0; i < r->n;) {
		struct recharge_item *it = &r->v[i];
		struct mem_cgroup *memcg = memcg_of_slot(m, it->slot);
		struct recharge_tally t;
		long left;

		if (it->next_ns > m->now_ns) {
			i++;
			continue;
		}
		tally_start(&t, memcg);
		left = recharge_pass(m, memcg);
		tally_report(m, &t, memcg, "worker pass");
		if (left && ++it->retries < MAX_RECLAIM_RETRIES) {
			it->next_ns = m->now_ns + ((uint64_t)1 << it->retries) * NSEC_PER_JIFFY;
			i++;
			continue;
		}
		*it = r->v[--r->n];
		memcg_put_ref(m, memcg, &memcg->refs_held[MEMCG_HELD_BY_WORK], 1);
	}
}

void ext_page_marked_access(struct machine *m, struct memobj *obj, pgh_t h,
			    struct mem_cgroup *accessor)
{
	struct mem_cgroup *owner = page_memcg(m, h);
	struct recharge_tally t;

	if (!owner || !accessor)
		return;
	tally_start(&t, owner);
	if (owner != accessor && page_move_charge(m, obj, h, accessor, GFP_RETRY_MAYFAIL)) {
		count(owner, MEMCG_RECHARGE_PGS_CANCELLED);
	} else {
		*page_flags(&m->pages, h) &= (uint16_t)~PF_EXT_ACCESS;
		if (owner != accessor)
			count(owner, MEMCG_RECHARGE_PGS_MOVED);
	}
	tally_report(m, &t, owner, "at an access");
}

static uint64_t recharge_next_due(const struct machine *m)
{
	const struct recharge_state *r = rs(m);
	uint64_t due = UINT64_MAX;
	int i;

	for (i = 0; r && i < r->n; i++)
		if (r->v[i].next_ns < due)
			due = r->v[i].next_ns;
	return due;
}

const struct ext_ops recharge_ext_ops = {
	.name = "seed 002: recharging zombie memcgs",
	.policies = recharge_policies,
	.policy = recharge_policy,
	.stat_visible = recharge_stat_visible,
	.init = recharge_init,
	.free = recharge_free,
	.css_offline = recharge_memcg_offline,
	.next_due = recharge_next_due,
	.work = recharge_work,
};
