/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A table of small integer ids for pointers (the kernel's IDR, reduced to
 * what the model needs): memcg slots, memory objects and objcgs. A freed
 * id goes on a free list threaded through its own slot (the next free id,
 * shifted and tagged with bit 0, never a valid pointer) and is handed out
 * again before a new one, the most recently freed first: the ids, and so
 * every walk in id order, are the same from run to run.
 */
#ifndef SMEMCG_IDTABLE_H
#define SMEMCG_IDTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct id_table {
	void **v;
	uint32_t nr;		/* ids ever handed out are below it */
	uint32_t cap;
	uint32_t free_head;	/* UINT32_MAX: no free id */
};

/* An empty table; id_table_free releases its arrays, not the objects. */
void id_table_init(struct id_table *t);
void id_table_free(struct id_table *t);
/* An id for p: the last freed one, else a new one. */
uint32_t id_table_alloc(struct id_table *t, void *p);
/* id goes back on the free list; its pointer is forgotten. */
void id_table_remove(struct id_table *t, uint32_t id);

/* The pointer of an id in use (no check). */
static inline void *id_table_get(const struct id_table *t, uint32_t id)
{
	return t->v[id];
}

/* The pointer of id, or NULL when id is free (any id below t->nr). */
static inline void *id_table_at(const struct id_table *t, uint32_t id)
{
	void *p = t->v[id];

	return ((uintptr_t)p & 1) ? NULL : p;
}

#endif
