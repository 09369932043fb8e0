// SPDX-License-Identifier: GPL-2.0-only
/*
 * The leaf pool that holds every simulated page, and the mapcount overflow
 * table. Leaves are allocated in chunks of 4096 (about 3.5 MiB) so that
 * handles stay stable while the pool grows.
 */
#include "page.h"

#include <stdlib.h>
#include <string.h>

#include "../base/base.h"

void page_store_init(struct page_store *ps)
{
	memset(ps, 0, sizeof(*ps));
	ps->free_leaf = PAGE_NIL;
}

void page_store_free(struct page_store *ps)
{
	uint32_t i;

	for (i = 0; i < ps->nr_chunks; i++) {
		free(ps->chunks[i]);
		free(ps->hchunks[i]);
	}
	free(ps->chunks);
	free(ps->hchunks);
	free(ps->ovf_key);
	free(ps->ovf_val);
	memset(ps, 0, sizeof(*ps));
}

uint32_t leaf_alloc(struct page_store *ps, uint32_t object, uint32_t index)
{
	uint32_t leaf;
	struct leaf_header *hdr;
	struct page_leaf *pl;

	if (ps->free_leaf != PAGE_NIL) {
		leaf = ps->free_leaf;
		ps->free_leaf = leaf_header(ps, leaf)->object;
	} else {
		if (ps->nr_leaves >= (PAGE_NIL >> LEAF_SHIFT))
			die("simulated page pool exhausted");
		leaf = ps->nr_leaves++;
		if ((leaf >> LEAVES_PER_CHUNK_SHIFT) >= ps->nr_chunks) {
			uint32_t n = ps->nr_chunks + 1;

			ps->chunks = xrealloc(ps->chunks, n * sizeof(*ps->chunks));
			ps->hchunks = xrealloc(ps->hchunks, n * sizeof(*ps->hchunks));
			/*
			 * malloc, not calloc-and-touch: a leaf's memory is
			 * written when it is handed out, so untouched chunk
			 * tails cost no resident memory.
			 */
			ps->chunks[ps->nr_chunks] =
				xmalloc(LEAVES_PER_CHUNK * sizeof(struct page_leaf));
			ps->hchunks[ps->nr_chunks] =
				xmalloc(LEAVES_PER_CHUNK * sizeof(struct leaf_header));
			ps->nr_chunks = n;
		}
	}
	hdr = leaf_header(ps, leaf);
	hdr->object = object;
	hdr->index = index;
	hdr->nr_used = 0;
	hdr->nr_shadow = 0;
	hdr->nr_dirty = 0;
	hdr->shadow_memcg = PAGE_NIL;
	pl = &ps->chunks[leaf >> LEAVES_PER_CHUNK_SHIFT][leaf & (LEAVES_PER_CHUNK - 1)];
	memset(pl->flags, 0, sizeof(pl->flags));
	memset(pl->owner, 0xff, sizeof(pl->owner));
	ps->leaves_in_use++;
	return leaf;
}

void leaf_free(struct page_store *ps, uint32_t leaf)
{
	struct leaf_header *hdr = leaf_header(ps, leaf);

	hdr->object = ps->free_leaf;
	hdr->index = PAGE_NIL;
	ps->free_leaf = leaf;
	ps->leaves_in_use--;
}

static uint32_t ovf_slot(const struct page_store *ps, pgh_t h)
{
	uint32_t mask = ps->ovf_cap - 1;
	uint32_t i = (uint32_t)hash64(h) & mask;

	while (ps->ovf_key[i] != PAGE_NIL && ps->ovf_key[i] != h)
		i = (i + 1) & mask;
	return i;
}

#define OVF_DELETED (PAGE_NIL - 1)

static void ovf_rehash(struct page_store *ps, uint32_t new_cap)
{
	uint32_t old_cap = ps->ovf_cap, i;
	uint32_t *old_key = ps->ovf_key, *old_val = ps->ovf_val;

	ps->ovf_cap = new_cap;
	ps->ovf_key = xmalloc(new_cap * sizeof(uint32_t));
	ps->ovf_val = xmalloc(new_cap * sizeof(uint32_t));
	memset(ps->ovf_key, 0xff, new_cap * sizeof(uint32_t));
	ps->ovf_used = 0;
	for (i = 0; i < old_cap; i++) {
		if (old_key[i] != PAGE_NIL && old_key[i] != OVF_DELETED) {
			uint32_t s = ovf_slot(ps, old_key[i]);

			ps->ovf_key[s] = old_key[i];
			ps->ovf_val[s] = old_val[i];
			ps->ovf_used++;
		}
	}
	free(old_key);
	free(old_val);
}

uint32_t page_mapcount(const struct page_store *ps, pgh_t h)
{
	uint32_t m = (*page_flags(ps, h) & PF_MAP_MASK) >> PF_MAP_SHIFT;

	if (m != PF_MAP_OVERFLOW)
		return m;
	return ps->ovf_val[ovf_slot(ps, h)];
}

/*
 * Deleting from an open-addressing table needs tombstones or a rehash; the
 * table is small and overflow is rare, so deletions just rehash it.
 */
static void ovf_delete(struct page_store *ps, pgh_t h)
{
	uint32_t s = ovf_slot(ps, h);

	if (ps->ovf_key[s] != h)
		return;
	ps->ovf_key[s] = OVF_DELETED;	/* dropped by the rehash below */
	ovf_rehash(ps, ps->ovf_cap);
}

void page_set_mapcount(struct page_store *ps, pgh_t h, uint32_t count)
{
	uint16_t *f = page_flags(ps, h);
	uint32_t old = (*f & PF_MAP_MASK) >> PF_MAP_SHIFT;

	if (count < PF_MAP_OVERFLOW) {
		if (old == PF_MAP_OVERFLOW)
			ovf_delete(ps, h);
		*f = (uint16_t)((*f & ~PF_MAP_MASK) | (count << PF_MAP_SHIFT));
		return;
	}
	if (old != PF_MAP_OVERFLOW) {
		if ((ps->ovf_used + 1) * 2 > ps->ovf_cap)
			ovf_rehash(ps, ps->ovf_cap ? ps->ovf_cap * 2 : 64);
		ps->ovf_used++;
		*f = (uint16_t)(*f | PF_MAP_MASK);
	}
	{
		uint32_t s = ovf_slot(ps, h);

		ps->ovf_key[s] = h;
		ps->ovf_val[s] = count;
	}
}
