/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A map from 64-bit keys to pointers (open addressing, linear probing,
 * deletion by backward shift): the lookups by number that the model does
 * per statement (a mapping by its id, a driver file by its id, a PMD page
 * by its region) in O(1) instead of a walk of a list. Iteration order is
 * the table's, which depends only on the keys inserted: deterministic.
 */
#ifndef SMEMCG_INTMAP_H
#define SMEMCG_INTMAP_H

#include <stddef.h>
#include <stdint.h>

struct intmap_entry {
	uint64_t key;
	void *val;		/* NULL: the slot is empty */
};

struct intmap {
	struct intmap_entry *e;
	size_t cap, used;
};

void intmap_init(struct intmap *m);
void intmap_free(struct intmap *m);
/* The pointer stored under key, or NULL. */
void *intmap_get(const struct intmap *m, uint64_t key);
/* Store val (not NULL) under key, replacing what was there. */
void intmap_set(struct intmap *m, uint64_t key, void *val);
/* Remove key; returns what was stored, or NULL. */
void *intmap_del(struct intmap *m, uint64_t key);

#endif
