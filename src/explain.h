/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * smemcg_explain: the lines of a cgroup's charge, each a part of
 * memory.current with the rule or policy that put it there. Extensions
 * add their own parts through ext_ops.explain (src/ext/hooks.h).
 */
#ifndef SMEMCG_EXPLAIN_H
#define SMEMCG_EXPLAIN_H

#include "base/base.h"

struct machine;
struct explain_items;

/* A part of the charge: pages of it, what they are and why they are here. */
void explain_add(struct explain_items *it, const char *what, const char *why, long pages);
/* The explanation of the cgroup at path; 0 or -ENOENT. */
int explain_cgroup(struct machine *m, const char *path, struct strbuf *out);
/* The same for memcg x, named path in the first line: always 0. */
struct mem_cgroup;
int explain_memcg(struct machine *m, const char *path, struct mem_cgroup *x,
		  struct strbuf *out);

#endif
