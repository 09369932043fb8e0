/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory objects: what pages belong to. An anon layer (an anon_vma of
 * private memory, stacked copy-on-write at fork), a file's page cache or a
 * shmem object (address_space), a dma_buf. Each indexes its pages by
 * offset through a directory of 64-page leaves.
 *
 * Anonymous memory after fork: the parent's top layer becomes a shared
 * base and parent and child each get a new empty top layer over it, like
 * qcow snapshots. A page is visible to a vma in the first layer of its
 * chain that has a slot at that offset. Top layers have exactly one vma and
 * no children, so a vma's own pages are always in its top layer.
 */
#ifndef SMEMCG_MEMOBJ_H
#define SMEMCG_MEMOBJ_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/list.h"
#include "page.h"

struct machine;
struct inode;
struct mem_cgroup;

enum memobj_type {
	OBJ_ANON,	/* private anonymous memory (and COW copies of file pages) */
	OBJ_FILE,	/* page cache of a disk file */
	OBJ_SHMEM,	/* tmpfs file or shared anonymous mapping */
	OBJ_DMABUF,	/* a dma_buf's pages */
};

struct memobj {
	uint32_t id;
	uint8_t type;
	uint32_t *dir;		/* leaf per 64 pages, PAGE_NIL when none */
	uint64_t dir_len;
	long nrpages;		/* resident pages */
	long nrswapped;		/* slots holding swap entries */

	/* anon layers */
	struct memobj *parent;
	struct list_node children;	/* layers stacked on this one */
	struct list_node child_node;	/* in parent->children */
	struct list_node vmas;		/* vmas whose top layer this is */
	int nr_children;

	/* file, shmem, dmabuf */
	struct inode *inode;
	struct list_node i_mmap;	/* vmas mapping it (rmap of shared pages) */
	long nr_pinned;			/* pinned pages: they keep the object alive */
	bool orphan;			/* freed by its owner, waiting for unpins */
	void **ext;			/* the modules' state (src/ext/hooks.h) */
};

/* An empty object (anon, file, shmem...) with an id; never NULL. */
struct memobj *memobj_new(struct machine *m, enum memobj_type type);
/*
 * Free the object and its leaves. An object that still holds pinned pages
 * becomes an orphan instead, freed when the last pin goes.
 */
void memobj_free(struct machine *m, struct memobj *obj);
/* Free unconditionally (machine teardown). */
void memobj_destroy(struct machine *m, struct memobj *obj);
/* The object of an id a page stores; the id must be live. */
struct memobj *memobj_of_id(const struct machine *m, uint32_t id);
/* The object in table slot i, or NULL when the slot is on the free list. */
struct memobj *memobj_at(const struct machine *m, uint32_t i);

/* The handle of the slot at idx, or PAGE_NIL when there is no leaf. */
static inline pgh_t memobj_lookup(const struct machine *m, const struct memobj *obj,
				  uint64_t idx);
/* The slot at idx, creating its leaf. The slot may be in state NONE. */
pgh_t memobj_slot(struct machine *m, struct memobj *obj, uint64_t idx);
/* Note a slot leaving state NONE / returning to it (frees empty leaves). */
void memobj_slot_fill(struct machine *m, pgh_t h);
void memobj_slot_clear(struct machine *m, struct memobj *obj, pgh_t h);
/*
 * The same for the slot of a page of memcg that was freed: a page-cache
 * leaf left with only shadow entries goes on memcg's shadow-node list.
 */
void memobj_slot_clear_memcg(struct machine *m, struct memobj *obj, pgh_t h,
			     struct mem_cgroup *memcg);

/* Visit every used slot with index in [from, to). */
typedef void (*memobj_visit_fn)(struct machine *m, struct memobj *obj, uint64_t idx,
				pgh_t h, void *arg);
void memobj_for_each(struct machine *m, struct memobj *obj, uint64_t from,
		     uint64_t to, memobj_visit_fn fn, void *arg);


#include "../machine.h"

static inline pgh_t memobj_lookup(const struct machine *m, const struct memobj *obj,
				  uint64_t idx)
{
	uint64_t d = idx >> LEAF_SHIFT;

	(void)m;
	if (d >= obj->dir_len || obj->dir[d] == PAGE_NIL)
		return PAGE_NIL;
	return (obj->dir[d] << LEAF_SHIFT) | (uint32_t)(idx & LEAF_MASK);
}

#endif
