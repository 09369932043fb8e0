/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Simulated page frames: the model's struct page.
 *
 * Pages live in 64-page leaves that belong to one memory object (an anon
 * layer, a file's or shmem object's page cache, a dma_buf), indexed by page
 * offset, like a radix-tree node of the page cache. A page handle is
 * leaf * 64 + slot. The leaf header names the object and the leaf's index in
 * it: that is the model's page->mapping/page->index, kept once per 64 pages.
 *
 * Per page: LRU links (two handles), the owner (memcg_data) and 16 bits of
 * flags including a small mapcount: 14 bytes. Mapcounts above 14 overflow
 * into a side table. No per-page allocation ever happens.
 */
#ifndef SMEMCG_PAGE_H
#define SMEMCG_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#define PAGE_NIL 0xffffffffu
#define LEAF_SHIFT 6
#define LEAF_PAGES (1u << LEAF_SHIFT)
#define LEAF_MASK (LEAF_PAGES - 1)
#define LEAVES_PER_CHUNK_SHIFT 12
#define LEAVES_PER_CHUNK (1u << LEAVES_PER_CHUNK_SHIFT)

typedef uint32_t pgh_t;

struct page_leaf {
	uint32_t next[LEAF_PAGES];
	uint32_t prev[LEAF_PAGES];
	uint32_t owner[LEAF_PAGES];
	uint16_t flags[LEAF_PAGES];
};

struct leaf_header {
	uint32_t object;	/* owning memory object id; next free leaf when free */
	uint32_t index;		/* leaf index within the object */
	uint16_t nr_used;	/* slots in a state other than NONE, or holding a shadow */
	uint16_t nr_shadow;	/* slots holding a shadow entry (workingset.c) */
	uint16_t nr_dirty;	/* dirty pages: writeback skips a leaf without */
	/*
	 * A page-cache leaf that holds only shadow entries is on its memcg's
	 * list of shadow nodes (the kernel's shadow_nodes list_lru): the
	 * memcg's slot, or PAGE_NIL when on no list, and the links.
	 */
	uint32_t shadow_memcg;
	uint32_t shadow_prev, shadow_next;
};

/*
 * Page state (2 bits): a slot of an object is empty, holds a resident page,
 * holds a swap entry (the page is on swap), or maps the shared zero page.
 */
enum page_state {
	PS_NONE = 0,
	PS_PRESENT = 1,
	PS_SWAPPED = 2,
	PS_ZERO = 3,
};

#define PF_STATE_MASK	0x0003
#define PF_LRU_SHIFT	2		/* 3 bits: lru list + 1, 0 = not on an LRU */
#define PF_LRU_MASK	0x001c
#define PF_DIRTY	0x0020
#define PF_REFERENCED	0x0040
#define PF_MLOCKED	0x0080
#define PF_PINNED	0x0100		/* count in the pin table */
#define PF_EXT_ACCESS	0x0200		/* an extension wants its next access (ext_page_marked_access) */
#define PF_WORKINGSET	0x0400		/* PG_workingset: was active before (workingset.c) */
#define PF_SWAPCACHE	0x0800		/* resident and still holding its swap slot */
#define PF_MAP_SHIFT	12		/* 4 bits of mapcount; 15 = in side table */
#define PF_MAP_MASK	0xf000
#define PF_MAP_OVERFLOW	15

/*
 * A slot without a resident page may hold a shadow entry (mm/workingset.c):
 * a PS_NONE slot of a file's page cache, or a PS_SWAPPED slot (the shadow
 * the kernel keeps in the swap cache). The flag reuses PF_DIRTY's bit,
 * which only a resident page has; the packed shadow is in the slot's LRU
 * links (next: low 32 bits, prev: high 32 bits), unused without a page.
 */
#define PF_SHADOW	PF_DIRTY

/* Owner encoding in page_leaf.owner: memcg slot, or an smemcg. */
#define OWNER_NONE	0xffffffffu
#define OWNER_SMEMCG	0x80000000u

struct page_store {
	struct page_leaf **chunks;
	struct leaf_header **hchunks;
	uint32_t nr_chunks;
	uint32_t nr_leaves;	/* leaves ever created */
	uint32_t free_leaf;	/* head of the free leaf list, or PAGE_NIL */
	uint64_t leaves_in_use;

	/* mapcounts >= 15: open-addressing table handle -> count */
	uint32_t *ovf_key;
	uint32_t *ovf_val;
	uint32_t ovf_cap;
	uint32_t ovf_used;
};

/* The machine's page metadata: leaves of LEAF_PAGES slots, allocated by the chunk. */
void page_store_init(struct page_store *ps);
void page_store_free(struct page_store *ps);

/* A leaf for slots index*LEAF_PAGES.. of object; leaf_free gives it back. */
uint32_t leaf_alloc(struct page_store *ps, uint32_t object, uint32_t index);
void leaf_free(struct page_store *ps, uint32_t leaf);

/* Accessors of a slot's metadata by its handle; h must be a live slot. */
static inline struct page_leaf *leaf_of(const struct page_store *ps, pgh_t h)
{
	uint32_t leaf = h >> LEAF_SHIFT;

	return &ps->chunks[leaf >> LEAVES_PER_CHUNK_SHIFT][leaf & (LEAVES_PER_CHUNK - 1)];
}

static inline struct leaf_header *leaf_header(const struct page_store *ps,
					      uint32_t leaf)
{
	return &ps->hchunks[leaf >> LEAVES_PER_CHUNK_SHIFT][leaf & (LEAVES_PER_CHUNK - 1)];
}

static inline uint16_t *page_flags(const struct page_store *ps, pgh_t h)
{
	return &leaf_of(ps, h)->flags[h & LEAF_MASK];
}

static inline uint32_t *page_owner(const struct page_store *ps, pgh_t h)
{
	return &leaf_of(ps, h)->owner[h & LEAF_MASK];
}

static inline enum page_state page_state(const struct page_store *ps, pgh_t h)
{
	return (enum page_state)(*page_flags(ps, h) & PF_STATE_MASK);
}

static inline void page_set_state(struct page_store *ps, pgh_t h,
				  enum page_state st)
{
	uint16_t *f = page_flags(ps, h);

	*f = (uint16_t)((*f & ~PF_STATE_MASK) | st);
}

static inline uint32_t page_object(const struct page_store *ps, pgh_t h)
{
	return leaf_header(ps, h >> LEAF_SHIFT)->object;
}

static inline uint64_t page_index(const struct page_store *ps, pgh_t h)
{
	return ((uint64_t)leaf_header(ps, h >> LEAF_SHIFT)->index << LEAF_SHIFT) |
	       (h & LEAF_MASK);
}

uint32_t page_mapcount(const struct page_store *ps, pgh_t h);
void page_set_mapcount(struct page_store *ps, pgh_t h, uint32_t count);

/* Bookkeeping of used slots per leaf so that empty leaves can be freed. */
static inline void leaf_slot_used(struct page_store *ps, pgh_t h)
{
	leaf_header(ps, h >> LEAF_SHIFT)->nr_used++;
}

/* Returns true when the leaf became empty. */
static inline bool leaf_slot_unused(struct page_store *ps, pgh_t h)
{
	return --leaf_header(ps, h >> LEAF_SHIFT)->nr_used == 0;
}

#endif
