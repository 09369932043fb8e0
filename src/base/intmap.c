// SPDX-License-Identifier: GPL-2.0-only
/* 64-bit key -> pointer map: intmap.h. */
#include "intmap.h"

#include <stdlib.h>
#include <string.h>

#include "base.h"

void intmap_init(struct intmap *m)
{
	memset(m, 0, sizeof(*m));
}

void intmap_free(struct intmap *m)
{
	free(m->e);
	intmap_init(m);
}

static size_t home(const struct intmap *m, uint64_t key)
{
	return (size_t)hash64(key) & (m->cap - 1);
}

/* The slot of key, or the empty slot where it would go. */
static size_t find(const struct intmap *m, uint64_t key)
{
	size_t i = home(m, key);

	while (m->e[i].val && m->e[i].key != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *intmap_get(const struct intmap *m, uint64_t key)
{
	return m->cap ? m->e[find(m, key)].val : NULL;
}

static void grow(struct intmap *m)
{
	struct intmap_entry *old = m->e;
	size_t oc = m->cap, i;

	m->cap = oc ? oc * 2 : 16;
	m->e = xcalloc(m->cap, sizeof(*m->e));
	for (i = 0; i < oc; i++)
		if (old[i].val)
			m->e[find(m, old[i].key)] = old[i];
	free(old);
}

void intmap_set(struct intmap *m, uint64_t key, void *val)
{
	size_t i;

	if ((m->used + 1) * 2 > m->cap)
		grow(m);
	i = find(m, key);
	if (!m->e[i].val)
		m->used++;
	m->e[i].key = key;
	m->e[i].val = val;
}

void *intmap_del(struct intmap *m, uint64_t key)
{
	size_t i, j;
	void *val;

	if (!m->cap)
		return NULL;
	i = find(m, key);
	val = m->e[i].val;
	if (!val)
		return NULL;
	m->used--;
	/*
	 * Close the gap: move back each later entry of the run whose home
	 * is not cyclically in (i, j], so that every probe still finds it.
	 */
	for (j = i;;) {
		size_t h;

		m->e[i].val = NULL;
		do {
			j = (j + 1) & (m->cap - 1);
			if (!m->e[j].val)
				return val;
			h = home(m, m->e[j].key);
		} while (i <= j ? (i < h && h <= j) : (i < h || h <= j));
		m->e[i] = m->e[j];
		i = j;
	}
}
