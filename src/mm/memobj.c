// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory objects and their page directories.
 */
#include "memobj.h"

#include <stdlib.h>
#include <string.h>

#include "mm_state.h"
#include "workingset.h"
#include "../machine.h"

struct memobj *memobj_new(struct machine *m, enum memobj_type type)
{
	struct memobj *obj = xcalloc(1, sizeof(*obj));

	obj->id = id_table_alloc(&m->mm->objs, obj);
	obj->type = (uint8_t)type;
	list_init(&obj->children);
	list_init(&obj->child_node);
	list_init(&obj->vmas);
	list_init(&obj->i_mmap);
	return obj;
}

void memobj_free(struct machine *m, struct memobj *obj)
{
	if (obj->nr_pinned) {
		obj->orphan = true;
		obj->inode = NULL;
		if (obj->ext)
			ext_call_memobj_orphaned(m, obj);
		return;
	}
	memobj_destroy(m, obj);
}

void memobj_destroy(struct machine *m, struct memobj *obj)
{
	uint64_t d;

	for (d = 0; d < obj->dir_len; d++) {
		if (obj->dir[d] == PAGE_NIL)
			continue;
		workingset_leaf_free(m, obj->dir[d]);
		leaf_free(&m->pages, obj->dir[d]);
	}
	id_table_remove(&m->mm->objs, obj->id);
	if (obj->ext) {
		ext_call_memobj_free(m, obj);
		free(obj->ext);
	}
	free(obj->dir);
	free(obj);
}

struct memobj *memobj_of_id(const struct machine *m, uint32_t id)
{
	return id_table_get(&m->mm->objs, id);
}

struct memobj *memobj_at(const struct machine *m, uint32_t i)
{
	return id_table_at(&m->mm->objs, i);
}

pgh_t memobj_slot(struct machine *m, struct memobj *obj, uint64_t idx)
{
	uint64_t d = idx >> LEAF_SHIFT;

	if (d >= obj->dir_len) {
		uint64_t n = obj->dir_len ? obj->dir_len : 4;

		while (n <= d)
			n *= 2;
		obj->dir = xrealloc(obj->dir, n * sizeof(*obj->dir));
		memset(obj->dir + obj->dir_len, 0xff, (n - obj->dir_len) * sizeof(*obj->dir));
		obj->dir_len = n;
	}
	if (obj->dir[d] == PAGE_NIL)
		obj->dir[d] = leaf_alloc(&m->pages, obj->id, (uint32_t)d);
	return (obj->dir[d] << LEAF_SHIFT) | (uint32_t)(idx & LEAF_MASK);
}

void memobj_slot_fill(struct machine *m, pgh_t h)
{
	leaf_slot_used(&m->pages, h);
}

void memobj_slot_clear_memcg(struct machine *m, struct memobj *obj, pgh_t h,
			     struct mem_cgroup *memcg)
{
	uint32_t leaf = h >> LEAF_SHIFT;
	struct leaf_header *hdr = leaf_header(&m->pages, leaf);
	uint16_t f = *page_flags(&m->pages, h);

	*page_flags(&m->pages, h) = 0;
	*page_owner(&m->pages, h) = OWNER_NONE;
	if ((f & PF_SHADOW) && (f & PF_STATE_MASK) == PS_NONE)
		hdr->nr_shadow--;
	if (leaf_slot_unused(&m->pages, h)) {
		workingset_leaf_free(m, leaf);
		obj->dir[hdr->index] = PAGE_NIL;
		leaf_free(&m->pages, leaf);
	} else if (unlikely(hdr->nr_shadow)) {
		/* what is left may be shadows only: a shadow node */
		workingset_update_node(m, obj, leaf, memcg);
	}
}

void memobj_slot_clear(struct machine *m, struct memobj *obj, pgh_t h)
{
	memobj_slot_clear_memcg(m, obj, h, NULL);
}

void memobj_for_each(struct machine *m, struct memobj *obj, uint64_t from,
		     uint64_t to, memobj_visit_fn fn, void *arg)
{
	uint64_t d, dfirst = from >> LEAF_SHIFT, dlast;

	if (to <= from || !obj->dir_len)
		return;
	dlast = (to - 1) >> LEAF_SHIFT;
	if (dlast >= obj->dir_len)
		dlast = obj->dir_len - 1;
	for (d = dfirst; d <= dlast; d++) {
		uint32_t leaf = obj->dir[d], s;

		if (leaf == PAGE_NIL)
			continue;
		for (s = 0; s < LEAF_PAGES; s++) {
			uint64_t idx = (d << LEAF_SHIFT) | s;
			pgh_t h = (leaf << LEAF_SHIFT) | s;

			if (idx < from || idx >= to)
				continue;
			if (page_state(&m->pages, h) == PS_NONE)
				continue;
			fn(m, obj, idx, h, arg);
			/* fn may have freed the leaf */
			leaf = obj->dir_len > d ? obj->dir[d] : PAGE_NIL;
			if (leaf == PAGE_NIL)
				break;
		}
	}
}
