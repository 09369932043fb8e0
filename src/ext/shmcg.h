/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared memory cgroups (seed 000, Chris Li): a charge counter with the
 * lifetime of the shared object it accounts (a tmpfs mount, dma_bufs),
 * attached to memcgs, with one borrow counter per <smemcg, memcg>.
 *
 * An smemcg's pages are owned by a hidden memcg of its own (not in the
 * cgroup tree, no processes, its own limit and LRU), so charging,
 * reclaim, stats and swap work as for any memcg, and nobody is ever
 * OOM-killed for it. A page is charged once, to its smemcg. A memcg X
 * borrows a page while a process of X's subtree maps it: the borrow
 * counter <S, X> counts each page once, however many processes map it,
 * at every level of the hierarchy. What a memcg's memory.current and
 * memory.max see of S depends on policy smemcg=: borrow (its borrow
 * counter) or full (S's whole charge), for the memcgs S is attached to
 * and their ancestors.
 *
 * The scenario language and the files keep the seed's name, smemcg; the
 * module's functions are shmcg_*, since smemcg_* is the public API's.
 */
#ifndef SMEMCG_EXT_SHMCG_H
#define SMEMCG_EXT_SHMCG_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/list.h"
#include "../mm/page.h"

struct machine;
struct mem_cgroup;
struct mount;
struct task;

struct shmcg;

/* The shared memory cgroup called name, or NULL. */
struct shmcg *shmcg_find(struct machine *m, const char *name);
/* explicit: `smemcg create`; else created for a mount or a dma_buf */
int shmcg_get(struct machine *m, const char *name, bool create_explicit,
	       uint64_t max_bytes, struct shmcg **out);
void shmcg_put(struct machine *m, struct shmcg *s);
/* Another reference (an orphaned object whose pinned pages it charges). */
void shmcg_hold(struct shmcg *s);
struct mem_cgroup *shmcg_memcg(struct shmcg *s);

/*
 * Memcg x0's mapping (pin: its pin) takes (delta +1) or drops (-1) page h
 * of an smemcg: the borrow counters of every level, and what they see.
 * Taking may fail with -ENOMEM (a limit or borrow.max).
 */
int shmcg_page_map(struct machine *m, pgh_t h, struct mem_cgroup *x0, int delta, bool pin);
/* The smemcg's charge changed by nr pages (policy full sees it). */
int shmcg_charged(struct machine *m, struct shmcg *s, long nr);
struct strbuf;
/* Bytes of the exact borrow table: seed 000's per-page metadata (bench/). */
size_t shmcg_metadata_bytes(struct machine *m);
/* obj's pages are charged to s (a dma_buf made in it). */
struct memobj;
void shmcg_set_obj(struct memobj *obj, struct shmcg *s);
/* Borrowed pages of s by memcg x (for pins, checks). */
long shmcg_borrow(struct shmcg *s, struct mem_cgroup *x);

#endif
