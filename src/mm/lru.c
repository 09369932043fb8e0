// SPDX-License-Identifier: GPL-2.0-only
/*
 * LRU list maintenance. The list stats (inactive_anon, ...) of memory.stat
 * move with every add and delete, so they are always exact; the kernel's
 * per-CPU lru_add batches make its counters lag a little (docs/semantics.md).
 * Each memcg also counts the pages on its subtree's lists (lru_hier), what
 * the kernel's lruvec_page_state() reads after an rstat flush: reclaim and
 * refault decisions look at them for every batch.
 */
#include "lru.h"

#include "../machine.h"

static uint32_t *next_of(struct page_store *ps, pgh_t h)
{
	return &leaf_of(ps, h)->next[h & LEAF_MASK];
}

static uint32_t *prev_of(struct page_store *ps, pgh_t h)
{
	return &leaf_of(ps, h)->prev[h & LEAF_MASK];
}

void lru_add(struct machine *m, struct mem_cgroup *memcg, pgh_t h, int lru,
	     bool tail)
{
	struct page_store *ps = &m->pages;
	struct lru_head *l = &memcg->lruvec.lists[lru];
	uint16_t *f = page_flags(ps, h);

	if (tail) {
		*next_of(ps, h) = PAGE_NIL;
		*prev_of(ps, h) = l->tail;
		if (l->tail != PAGE_NIL)
			*next_of(ps, l->tail) = h;
		else
			l->head = h;
		l->tail = h;
	} else {
		*prev_of(ps, h) = PAGE_NIL;
		*next_of(ps, h) = l->head;
		if (l->head != PAGE_NIL)
			*prev_of(ps, l->head) = h;
		else
			l->tail = h;
		l->head = h;
	}
	l->nr++;
	*f = (uint16_t)((*f & ~PF_LRU_MASK) | ((lru + 1) << PF_LRU_SHIFT));
	memcg->stat[MEMCG_INACTIVE_ANON + lru]++;
	for (; memcg; memcg = memcg->parent)
		memcg->lru_hier[lru]++;
}

void lru_del(struct machine *m, struct mem_cgroup *memcg, pgh_t h)
{
	struct page_store *ps = &m->pages;
	int lru = page_lru(ps, h);
	struct lru_head *l;
	uint32_t n, p;
	uint16_t *f = page_flags(ps, h);

	if (lru < 0)
		return;
	l = &memcg->lruvec.lists[lru];
	n = *next_of(ps, h);
	p = *prev_of(ps, h);
	if (p != PAGE_NIL)
		*next_of(ps, p) = n;
	else
		l->head = n;
	if (n != PAGE_NIL)
		*prev_of(ps, n) = p;
	else
		l->tail = p;
	l->nr--;
	*f = (uint16_t)(*f & ~PF_LRU_MASK);
	memcg->stat[MEMCG_INACTIVE_ANON + lru]--;
	for (; memcg; memcg = memcg->parent)
		memcg->lru_hier[lru]--;
}
