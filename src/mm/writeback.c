// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writeback, after fs/fs-writeback.c, mm/page-writeback.c and
 * mm/backing-dev.c of Linux 6.1, on the model's one disk.
 *
 * Dirty inodes are kept on one list in the order they were dirtied (the
 * kernel keeps one per writeback context, each ordered by dirtied_when);
 * the flusher takes the oldest first. An inode is written from its
 * writeback_index on, as write_cache_pages does with range_cyclic: a
 * sequential writer's pages are written in the order they were dirtied,
 * and each page is visited once, so writing a file of any size costs time
 * in proportion to its dirty pages. Leaves with no dirty page are skipped
 * by their count.
 *
 * Cgroup writeback: the first time a page of an inode is dirtied, the
 * inode attaches to the writeback context of that page's memcg (created
 * then, holding a reference on the memcg), or to the disk's own when the
 * memcg is the root or already offline (__inode_attach_wb, cgwb_create).
 * The inode holds its wb until it is evicted. When the memcg goes offline
 * its wb is killed and the offline wbs are cleaned up: one with no dirty
 * inode has its clean inodes switched to the nearest online ancestor's wb
 * and goes, releasing the memcg; one with dirty inodes is skipped and
 * waits for the next memcg to go offline (cleanup_offline_cgwbs_workfn
 * runs only then), or for its inodes to be evicted. So a memcg that
 * dirtied a file and was removed before the file was written back stays
 * dying, after its pages are gone, while the file exists.
 */
#include "writeback.h"

#include <stdlib.h>
#include <string.h>

#include "../machine.h"
#include "filemap.h"
#include "lru.h"
#include "memcontrol/memcg.h"
#include "memcontrol/page_memcg.h"
#include "memobj.h"
#include "mm_state.h"
#include "task.h"

#define DIRTY_EXPIRE_NS (30ULL * NSEC_PER_SEC)
#define DIRTY_WRITEBACK_NS (5ULL * NSEC_PER_SEC)
/* writeback_chunk_size's least: 4 MiB of one inode before the next */
#define MIN_WRITEBACK_PAGES 1024

static struct writeback_state *wbs(const struct machine *m)
{
	return m->mm->wb;
}

void writeback_init(struct machine *m)
{
	struct writeback_state *w = xcalloc(1, sizeof(*w));

	m->mm->wb = w;
	list_init(&w->wb_list);
	list_init(&w->offline_cgwbs);
	list_init(&w->dirty_wbs);
	list_init(&w->root.b_dirty);
	list_init(&w->root.b_attached);
	list_init(&w->root.dirty_node);
	list_init(&w->root.offline_node);
	list_add_tail(&w->root.wb_node, &w->wb_list);
	w->root.refcnt = 1;
}

void writeback_free(struct machine *m)
{
	struct writeback_state *w = wbs(m);
	struct list_node *pos, *tmp;

	if (!w)
		return;
	list_for_each_safe(pos, tmp, &w->wb_list) {
		struct bdi_writeback *wb = container_of(pos, struct bdi_writeback, wb_node);

		if (wb != &w->root)
			free(wb);
	}
	free(w->reclaim_key);
	free(w);
	m->mm->wb = NULL;
}

/* ---- writeback contexts ---- */

static bool inode_is_dirty(const struct inode *inode)
{
	return inode->nr_dirty || inode->dirty_meta;
}

static struct bdi_writeback *cgwb_create(struct machine *m, struct mem_cgroup *memcg)
{
	struct bdi_writeback *wb = xcalloc(1, sizeof(*wb));

	wb->memcg = memcg;
	list_init(&wb->b_dirty);
	list_init(&wb->b_attached);
	list_init(&wb->dirty_node);
	list_init(&wb->offline_node);
	list_add_tail(&wb->wb_node, &wbs(m)->wb_list);
	wb->refcnt = 1;		/* the memcg's, until it is killed */
	memcg->cgwb = wb;
	memcg_hold(memcg, MEMCG_HELD_BY_WB, 1);	/* css_get(memcg_css) */
	return wb;
}

/* wb_get_create: NULL when the memcg cannot have one (offline) */
static struct bdi_writeback *wb_get_create(struct machine *m, struct mem_cgroup *memcg)
{
	if (!memcg || mem_cgroup_is_root(memcg) || mem_cgroup_is_detached(memcg))
		return &wbs(m)->root;
	if (!mem_cgroup_online(memcg))
		return NULL;
	if (!memcg->cgwb)
		cgwb_create(m, memcg);
	memcg->cgwb->refcnt++;
	return memcg->cgwb;
}

/* cgwb_release_workfn: the last reference went */
static void wb_put(struct machine *m, struct bdi_writeback *wb)
{
	struct mem_cgroup *memcg = wb->memcg;

	if (wb == &wbs(m)->root || --wb->refcnt)
		return;
	list_del(&wb->wb_node);
	list_del(&wb->offline_node);
	if (memcg->cgwb == wb)
		memcg->cgwb = NULL;
	free(wb);
	memcg_put_ref(m, memcg, &memcg->refs_held[MEMCG_HELD_BY_WB], 1);
}

static void inode_attach_wb(struct machine *m, struct inode *inode, struct mem_cgroup *memcg)
{
	struct bdi_writeback *wb;

	if (inode->i_wb)
		return;
	wb = wb_get_create(m, memcg);
	inode->i_wb = wb ? wb : &wbs(m)->root;
	list_init(&inode->i_io_list);
}

/* wb_io_lists_depopulated: its last dirty inode went */
static void wb_dirty_dec(struct bdi_writeback *wb)
{
	if (--wb->nr_dirty_inodes)
		return;
	list_del(&wb->dirty_node);
	list_init(&wb->dirty_node);
	wb->flush_ns = 0;
}

/* The inode is clean now: onto its cgwb's b_attached, or off every list. */
static void inode_io_list_clean(struct machine *m, struct inode *inode)
{
	struct bdi_writeback *wb = inode->i_wb;

	list_del(&inode->i_io_list);
	wb_dirty_dec(wb);
	if (wb != &wbs(m)->root)
		list_add_tail(&inode->i_io_list, &wb->b_attached);
	else
		list_init(&inode->i_io_list);
}

/* inode_switch_wbs: a clean attached inode moves to new_wb */
static void inode_switch_wb(struct machine *m, struct inode *inode, struct bdi_writeback *new_wb)
{
	struct bdi_writeback *old = inode->i_wb;

	list_del(&inode->i_io_list);
	if (new_wb != &wbs(m)->root)
		list_add_tail(&inode->i_io_list, &new_wb->b_attached);
	else
		list_init(&inode->i_io_list);
	inode->i_wb = new_wb;
	wb_put(m, old);
}

/* cleanup_offline_cgwb: switch the clean inodes to a living ancestor's wb */
static void cleanup_offline_cgwb(struct machine *m, struct bdi_writeback *wb)
{
	struct mem_cgroup *pos;
	struct bdi_writeback *new_wb = NULL;

	/* the caller's reference (wb_tryget) keeps wb while its inodes move */
	wb->refcnt++;
	for (pos = wb->memcg->parent; pos && !new_wb; pos = pos->parent)
		new_wb = wb_get_create(m, pos);
	if (!new_wb)
		new_wb = &wbs(m)->root;
	while (!list_empty(&wb->b_attached)) {
		struct inode *inode = container_of(wb->b_attached.next, struct inode, i_io_list);

		if (new_wb != &wbs(m)->root)
			new_wb->refcnt++;
		inode_switch_wb(m, inode, new_wb);
	}
	wb_put(m, new_wb);
	wb_put(m, wb);
}

/* cleanup_offline_cgwbs_workfn: only the wbs without dirty inodes */
static void cleanup_offline_cgwbs(struct machine *m)
{
	struct list_node done, *pos;

	list_init(&done);
	while (!list_empty(&wbs(m)->offline_cgwbs)) {
		struct bdi_writeback *wb;

		pos = wbs(m)->offline_cgwbs.next;
		wb = container_of(pos, struct bdi_writeback, offline_node);
		list_del(pos);
		list_add_tail(pos, &done);
		if (wb->nr_dirty_inodes)
			continue;	/* postponed: it will be dirty-free next time */
		cleanup_offline_cgwb(m, wb);
	}
	/* what was not released stays, in order */
	while (!list_empty(&done)) {
		pos = done.next;
		list_del(pos);
		list_add_tail(pos, &wbs(m)->offline_cgwbs);
	}
}

void wb_memcg_offline(struct machine *m, struct mem_cgroup *memcg)
{
	struct bdi_writeback *wb = memcg->cgwb;

	if (wb) {
		/* cgwb_kill: no new inodes; its base reference goes */
		memcg->cgwb = NULL;
		wb->dying = true;
		list_add_tail(&wb->offline_node, &wbs(m)->offline_cgwbs);
		wb_put(m, wb);
	}
	cleanup_offline_cgwbs(m);
}

void wb_explain_holders(struct machine *m, struct mem_cgroup *memcg, struct strbuf *out)
{
	uint32_t i;

	for (i = 0; i < m->mm->nr_inodes; i++) {
		struct inode *inode = m->mm->inodes[i];

		if (inode && inode->i_wb && inode->i_wb->memcg == memcg)
			sb_printf(out, "%s%s%s", out->len ? ", " : "",
				  inode->path ? inode->path : "(deleted file)",
				  inode_is_dirty(inode) ? " (dirty)" : "");
	}
}

/* ---- dirty pages ---- */

/* __mark_inode_dirty of a clean inode: onto the dirty list, dirtied_when = now */
static void inode_becomes_dirty(struct machine *m, struct inode *inode)
{
	struct bdi_writeback *wb = inode->i_wb;

	inode->dirtied_ns = m->now_ns;
	list_del(&inode->i_io_list);
	list_add_tail(&inode->i_io_list, &wb->b_dirty);
	/* the wb's first dirty inode: wb_wakeup_delayed, dirty_writeback_interval */
	if (!wb->nr_dirty_inodes++) {
		list_add_tail(&wb->dirty_node, &wbs(m)->dirty_wbs);
		wb->flush_ns = m->now_ns + DIRTY_WRITEBACK_NS;
	}
}

void writeback_mark_inode_dirty(struct machine *m, struct inode *inode, struct task *t)
{
	bool was_dirty = inode_is_dirty(inode);

	if (inode->obj->type != OBJ_FILE)
		return;		/* tmpfs inodes are never written back */
	/* inode_attach_wb(inode, NULL): the current task's memcg */
	inode_attach_wb(m, inode, t ? task_memcg(t) : NULL);
	inode->dirty_meta = true;
	if (!was_dirty)
		inode_becomes_dirty(m, inode);
}

void writeback_touch_atime(struct machine *m, struct inode *inode, struct task *t)
{
	uint64_t now = m->now_ns / NSEC_PER_JIFFY;

	/* relatime_need_update, in jiffies (current_time() is that coarse) */
	if (inode->mtime < inode->atime && inode->ctime < inode->atime &&
	    now - inode->atime < 24ULL * 3600 * HZ)
		return;
	if (inode->atime == now)
		return;
	inode->atime = now;
	writeback_mark_inode_dirty(m, inode, t);
}

void writeback_update_time(struct machine *m, struct inode *inode, struct task *t)
{
	uint64_t now = m->now_ns / NSEC_PER_JIFFY;

	if (inode->mtime == now && inode->ctime == now && inode->dirty_meta)
		return;
	inode->mtime = inode->ctime = now;
	writeback_mark_inode_dirty(m, inode, t);
}

void writeback_dirty_page(struct machine *m, struct inode *inode, pgh_t h)
{
	bool was_dirty = inode_is_dirty(inode);

	/* folio_account_dirtied: inode_attach_wb(inode, page) */
	inode_attach_wb(m, inode, page_memcg(m, h));
	leaf_header(&m->pages, h >> LEAF_SHIFT)->nr_dirty++;
	inode->nr_dirty++;
	if (!was_dirty)
		inode_becomes_dirty(m, inode);
	wbs(m)->nr_dirty++;
}

/* ---- PG_reclaim: a small set of page handles ---- */

static uint32_t reclaim_slot(const struct writeback_state *w, pgh_t h)
{
	uint32_t mask = w->reclaim_cap - 1, i = (uint32_t)hash64(h) & mask;

	while (w->reclaim_key[i] != PAGE_NIL && w->reclaim_key[i] != h)
		i = (i + 1) & mask;
	return i;
}

static void reclaim_grow(struct writeback_state *w)
{
	uint32_t old_cap = w->reclaim_cap, i, *old = w->reclaim_key;

	w->reclaim_cap = old_cap ? old_cap * 2 : 64;
	w->reclaim_key = xmalloc(w->reclaim_cap * sizeof(uint32_t));
	memset(w->reclaim_key, 0xff, w->reclaim_cap * sizeof(uint32_t));
	for (i = 0; i < old_cap; i++)
		if (old[i] != PAGE_NIL)
			w->reclaim_key[reclaim_slot(w, old[i])] = old[i];
	free(old);
}

void folio_set_reclaim(struct machine *m, pgh_t h)
{
	struct writeback_state *w = wbs(m);
	uint32_t s;

	if ((w->reclaim_used + 1) * 2 > w->reclaim_cap)
		reclaim_grow(w);
	s = reclaim_slot(w, h);
	if (w->reclaim_key[s] == PAGE_NIL) {
		w->reclaim_key[s] = h;
		w->reclaim_used++;
	}
}

/* Deletion with backward shift: the probe chains stay whole. */
static bool reclaim_test_clear(struct writeback_state *w, pgh_t h)
{
	uint32_t mask, i, j;

	if (!w->reclaim_used)
		return false;
	mask = w->reclaim_cap - 1;
	i = reclaim_slot(w, h);
	if (w->reclaim_key[i] != h)
		return false;
	w->reclaim_key[i] = PAGE_NIL;
	w->reclaim_used--;
	for (j = (i + 1) & mask; w->reclaim_key[j] != PAGE_NIL; j = (j + 1) & mask) {
		uint32_t k = w->reclaim_key[j], home = (uint32_t)hash64(k) & mask;

		/* move k back into the hole when its home is not between the two */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			w->reclaim_key[i] = k;
			w->reclaim_key[j] = PAGE_NIL;
			i = j;
		}
	}
	return true;
}

void folio_clear_reclaim(struct machine *m, pgh_t h)
{
	reclaim_test_clear(wbs(m), h);
}

/* folio_end_writeback -> folio_rotate_reclaimable: to the inactive tail */
static void rotate_reclaimable(struct machine *m, pgh_t h)
{
	struct mem_cgroup *memcg = page_memcg(m, h);
	int lru = page_lru(&m->pages, h);

	if (!memcg || lru < 0 || lru == LRU_UNEVICTABLE)
		return;
	lru_del(m, memcg, h);
	lru_add(m, memcg, h, is_file_lru(lru) ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON, true);
}

void writeback_clean_page(struct machine *m, struct memobj *obj, pgh_t h)
{
	struct inode *inode = obj->inode;

	page_set_dirty(m, obj, h, false);
	leaf_header(&m->pages, h >> LEAF_SHIFT)->nr_dirty--;
	wbs(m)->nr_dirty--;
	if (inode && !--inode->nr_dirty && !inode->dirty_meta)
		inode_io_list_clean(m, inode);
	if (unlikely(wbs(m)->reclaim_used) && reclaim_test_clear(wbs(m), h) &&
	    page_state(&m->pages, h) == PS_PRESENT)
		rotate_reclaimable(m, h);
}

void writeback_inode_gone(struct machine *m, struct inode *inode)
{
	if (!inode->i_wb)
		return;
	list_del(&inode->i_io_list);
	if (inode_is_dirty(inode))
		wb_dirty_dec(inode->i_wb);
	wb_put(m, inode->i_wb);
	inode->i_wb = NULL;
}

/* ---- writing inodes ---- */

/*
 * write_cache_pages with range_cyclic, as many passes as it takes: from
 * writeback_index to the end, then from the start. At most nr pages
 * (nr < 0: all). Returns the pages written.
 */
static long write_inode_pages(struct machine *m, struct inode *inode, long nr)
{
	struct memobj *obj = inode->obj;
	long written = 0;
	int pass;

	/* __writeback_single_inode: write_inode() for dirty metadata */
	if (inode->dirty_meta) {
		inode->dirty_meta = false;
		written++;
		if (!inode->nr_dirty) {
			inode_io_list_clean(m, inode);
			return written;
		}
	}

	for (pass = 0; pass < 2 && inode->nr_dirty && nr; pass++) {
		uint64_t d, start = pass ? 0 : inode->writeback_index;

		for (d = start >> LEAF_SHIFT; d < obj->dir_len && inode->nr_dirty && nr; d++) {
			uint32_t leaf = obj->dir[d], s;

			if (leaf == PAGE_NIL || !leaf_header(&m->pages, leaf)->nr_dirty)
				continue;
			for (s = 0; s < LEAF_PAGES && nr; s++) {
				uint64_t idx = (d << LEAF_SHIFT) | s;
				pgh_t h = (leaf << LEAF_SHIFT) | s;

				if (idx < start || page_state(&m->pages, h) != PS_PRESENT ||
				    !(*page_flags(&m->pages, h) & PF_DIRTY))
					continue;
				writeback_clean_page(m, obj, h);
				written++;
				inode->writeback_index = idx;
				if (nr > 0)
					nr--;
			}
		}
		/* the end was reached: the next writeback starts over */
		if (nr)
			inode->writeback_index = 0;
	}
	return written;
}

static struct inode *oldest_of(struct bdi_writeback *wb)
{
	return list_empty(&wb->b_dirty) ? NULL :
	       container_of(wb->b_dirty.next, struct inode, i_io_list);
}

/* The inode dirtied first, of all wbs with dirty inodes. */
static struct inode *oldest_dirty(struct machine *m)
{
	struct inode *best = NULL;
	struct list_node *pos;

	list_for_each(pos, &wbs(m)->dirty_wbs) {
		struct inode *i = oldest_of(container_of(pos, struct bdi_writeback, dirty_node));

		if (i && (!best || i->dirtied_ns < best->dirtied_ns))
			best = i;
	}
	return best;
}

/* Every dirty inode of wb, oldest first, or those dirtied by `before` */
static void write_wb(struct machine *m, struct bdi_writeback *wb, uint64_t before)
{
	struct inode *inode;

	while ((inode = oldest_of(wb)) && inode->dirtied_ns <= before)
		if (!write_inode_pages(m, inode, -1))
			break;
}

/* For each wb with dirty inodes; fn may leave it clean (off the list). */
static void for_each_dirty_wb(struct machine *m,
			      void (*fn)(struct machine *, struct bdi_writeback *))
{
	struct list_node *pos, *tmp;

	list_for_each_safe(pos, tmp, &wbs(m)->dirty_wbs)
		fn(m, container_of(pos, struct bdi_writeback, dirty_node));
}

static void write_all(struct machine *m, struct bdi_writeback *wb)
{
	write_wb(m, wb, UINT64_MAX);
}

void wakeup_flusher_threads(struct machine *m)
{
	for_each_dirty_wb(m, write_all);
}

void wakeup_flusher_threads_reclaim(struct machine *m)
{
	wbs(m)->flush_pending = true;
}

void flusher_progress(struct machine *m)
{
	struct writeback_state *w = wbs(m);
	long left = MIN_WRITEBACK_PAGES;
	struct inode *inode;

	if (!w->flush_pending)
		return;
	while (left > 0 && (inode = oldest_dirty(m))) {
		long n = write_inode_pages(m, inode, left);

		if (!n)
			break;
		left -= n;
	}
	if (!oldest_dirty(m))
		w->flush_pending = false;
}

/*
 * wb_workfn of the cgwbs whose delayed wakeup is due: wb_check_background_flush
 * finds a cgwb over its background threshold as soon as it has dirty pages,
 * its share of the thresholds being its share of recent writeback
 * completions (wb_calc_thresh), none for a new one: its inodes are written.
 */
static void wb_workfn(struct machine *m, struct bdi_writeback *wb)
{
	if (!wb->flush_ns || wb->flush_ns > m->now_ns)
		return;
	if (wb->memcg)
		write_all(m, wb);	/* background: over its (empty) share */
	else if (m->now_ns >= DIRTY_EXPIRE_NS)
		write_wb(m, wb, m->now_ns - DIRTY_EXPIRE_NS);	/* kupdate */
	/* still dirty: again after dirty_writeback_interval */
	if (wb->nr_dirty_inodes)
		wb->flush_ns = m->now_ns + DIRTY_WRITEBACK_NS;
}

void writeback_expired(struct machine *m)
{
	if (wbs(m)->flush_pending) {
		wbs(m)->flush_pending = false;
		wakeup_flusher_threads(m);
	}
	for_each_dirty_wb(m, wb_workfn);
}

void writeback_sync(struct machine *m)
{
	wakeup_flusher_threads(m);
}

void writeback_fsync(struct machine *m, struct task *t, struct inode *inode)
{
	/* wbc_attach_fdatawrite_inode: a clean inode joins the caller's wb */
	if (!inode->i_wb && inode->obj->type == OBJ_FILE)
		inode_attach_wb(m, inode, t ? get_mem_cgroup_from_task_mm(m, t) : NULL);
	write_inode_pages(m, inode, -1);
}

/* The memcg whose limit makes a dirty domain (mdtc) for h's pages. */
static struct mem_cgroup *dirty_domain_memcg(struct mem_cgroup *memcg)
{
	for (; memcg && !mem_cgroup_is_root(memcg); memcg = memcg->parent)
		if (memcg->memory.max != PAGE_COUNTER_MAX)
			return memcg;
	return NULL;
}

/*
 * balance_dirty_pages, reduced to its background-writeback effect: above
 * 10% of the dirtyable memory (free + file LRU) of the machine, or of the
 * nearest memcg with a memory.max (its file pages + its headroom), the
 * oldest inodes are written until below.
 */
void balance_dirty_pages(struct machine *m, struct inode *inode)
{
	struct mem_cgroup *root = m->root_mem_cgroup, *domain = NULL;
	long dirtyable, thresh;
	struct inode *old;

	dirtyable = m->mm->zone.free + root->lru_hier[LRU_INACTIVE_FILE] +
		    root->lru_hier[LRU_ACTIVE_FILE];
	thresh = dirtyable * m->mm->dirty_background_ratio / 100;
	while (wbs(m)->nr_dirty > thresh && (old = oldest_dirty(m)))
		if (!write_inode_pages(m, old, wbs(m)->nr_dirty - thresh))
			break;
	if (inode->i_wb && inode->i_wb->memcg)
		domain = dirty_domain_memcg(inode->i_wb->memcg);
	if (domain) {
		long headroom = MAX(0, domain->memory.max - page_counter_read(&domain->memory));
		long file = domain->lru_hier[LRU_INACTIVE_FILE] + domain->lru_hier[LRU_ACTIVE_FILE];

		dirtyable = file + MIN(headroom, m->mm->zone.free);
		thresh = dirtyable * m->mm->dirty_background_ratio / 100;
		while (domain->dirty_hier > thresh && (old = oldest_dirty(m)))
			if (!write_inode_pages(m, old, domain->dirty_hier - thresh))
				break;
	}
}
