// SPDX-License-Identifier: GPL-2.0-only
/* String -> int64 map. Entries are never removed: names are reused by
 * overwriting, which is all the scenario layer needs. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

#include "base.h"

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_free(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static size_t slot(const struct strmap *m, const char *key)
{
	size_t i = (size_t)fnv1a(key) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & (m->cap - 1);
	return i;
}

bool strmap_get(const struct strmap *m, const char *key, int64_t *val)
{
	size_t i;

	if (!m->cap)
		return false;
	i = slot(m, key);
	if (!m->keys[i])
		return false;
	*val = m->vals[i];
	return true;
}

void strmap_set(struct strmap *m, const char *key, int64_t val)
{
	size_t i;

	if ((m->used + 1) * 2 > m->cap) {
		struct strmap n;
		size_t j;

		n.cap = m->cap ? m->cap * 2 : 8;
		n.used = m->used;
		n.keys = xcalloc(n.cap, sizeof(char *));
		n.vals = xcalloc(n.cap, sizeof(int64_t));
		for (j = 0; j < m->cap; j++) {
			if (m->keys[j]) {
				size_t s = slot(&n, m->keys[j]);

				n.keys[s] = m->keys[j];
				n.vals[s] = m->vals[j];
			}
		}
		free(m->keys);
		free(m->vals);
		*m = n;
	}
	i = slot(m, key);
	if (!m->keys[i]) {
		m->keys[i] = xstrdup(key);
		m->used++;
	}
	m->vals[i] = val;
}
