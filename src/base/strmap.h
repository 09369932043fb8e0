/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A string -> int64 map (open addressing, FNV-1a), for the names a
 * scenario gives to processes, mappings and fds.
 */
#ifndef SMEMCG_STRMAP_H
#define SMEMCG_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap {
	char **keys;
	int64_t *vals;
	size_t cap, used;
};

/* A string -> int64 hash map; keys are copied, strmap_free frees them. */
void strmap_init(struct strmap *m);
void strmap_free(struct strmap *m);
bool strmap_get(const struct strmap *m, const char *key, int64_t *val);
void strmap_set(struct strmap *m, const char *key, int64_t val);

#endif
