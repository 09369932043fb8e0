// SPDX-License-Identifier: GPL-2.0-only
/* Small integer ids for pointers, with LIFO reuse of freed ids: idtable.h. */
#include "idtable.h"

#include <stdlib.h>

#include "base.h"

void id_table_init(struct id_table *t)
{
	t->v = NULL;
	t->nr = t->cap = 0;
	t->free_head = UINT32_MAX;
}

void id_table_free(struct id_table *t)
{
	free(t->v);
	id_table_init(t);
}

uint32_t id_table_alloc(struct id_table *t, void *p)
{
	uint32_t id;

	if (t->free_head != UINT32_MAX) {
		id = t->free_head;
		t->free_head = (uint32_t)((uintptr_t)t->v[id] >> 1);
	} else {
		ALLOC_GROW(t->v, t->nr + 1, t->cap);
		id = t->nr++;
	}
	t->v[id] = p;
	return id;
}

void id_table_remove(struct id_table *t, uint32_t id)
{
	t->v[id] = (void *)(((uintptr_t)t->free_head << 1) | 1);
	t->free_head = id;
}
