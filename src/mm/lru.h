/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-memcg LRU lists (the lruvec of one node): inactive/active anon,
 * inactive/active file, unevictable, as doubly-linked lists threaded
 * through the pages' handles. Adding goes to the head; reclaim takes from
 * the tail, as list_add/lru_to_folio do.
 */
#ifndef SMEMCG_LRU_H
#define SMEMCG_LRU_H

#include <stdbool.h>

#include "memcontrol/memcg.h"
#include "page.h"

struct machine;

/* The LRU list h is on, or -1 when it is on none (isolated, not present). */
static inline int page_lru(const struct page_store *ps, pgh_t h)
{
	return ((*page_flags(ps, h) & PF_LRU_MASK) >> PF_LRU_SHIFT) - 1;
}

static inline bool is_file_lru(int lru)
{
	return lru == LRU_INACTIVE_FILE || lru == LRU_ACTIVE_FILE;
}

static inline bool is_active_lru(int lru)
{
	return lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE;
}

/*
 * Put h on memcg's list lru (at its tail: the oldest end, else its head)
 * and count it in the lruvec sizes; lru_del takes it off. The page must
 * be on no list before lru_add.
 */
void lru_add(struct machine *m, struct mem_cgroup *memcg, pgh_t h, int lru,
	     bool tail);
void lru_del(struct machine *m, struct mem_cgroup *memcg, pgh_t h);
/* The page at the tail of a list, PAGE_NIL when empty. */
static inline pgh_t lru_tail(const struct mem_cgroup *memcg, int lru)
{
	return memcg->lruvec.lists[lru].tail;
}
/* The page before h (towards the head). */
static inline pgh_t lru_prev(const struct page_store *ps, pgh_t h)
{
	return leaf_of(ps, h)->prev[h & LEAF_MASK];
}

#endif
