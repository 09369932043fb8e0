/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Policies (policy.c): the keys, 6.1's values and the proposals' values,
 * the machine's current choice of each.
 */
#ifndef SMEMCG_POLICY_H
#define SMEMCG_POLICY_H

#include <stdbool.h>

struct machine;

/* Select every key's default value. */
void policy_init(struct machine *m);
/* Is key's current value value? */
bool policy_is(const struct machine *m, const char *key, const char *value);
/* key's current value ("" for an unknown key). */
const char *policy_value(const struct machine *m, const char *key);

#endif
