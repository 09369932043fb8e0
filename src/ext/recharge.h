/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Zombie memcgs and the recharge toolkit (seed 002: T.J. Mercier, Yosry
 * Ahmed, Chris Li, LSF/MM/BPF 2023; Yosry Ahmed's "memory recharging for
 * offline memcgs" RFC).
 */
#ifndef SMEMCG_RECHARGE_H
#define SMEMCG_RECHARGE_H

#include <stdbool.h>
#include <stdint.h>

#include "../mm/page.h"

struct machine;
struct mem_cgroup;
struct memobj;

/* A memcg went offline: reparent now, or queue the recharge work. */
void recharge_memcg_offline(struct machine *m, struct mem_cgroup *memcg);
/* The deferred work, run when simulated time passes. */
void recharge_work(struct machine *m);
/* An access to a page marked by the deferred policy. */
void recharge_deferred_access(struct machine *m, struct memobj *obj, pgh_t h,
			      struct mem_cgroup *accessor);
void recharge_free(struct machine *m);
/* When the deferred work next has something to do (UINT64_MAX: never). */
uint64_t recharge_next_due(const struct machine *m);
/* The modelled memory a dying memcg costs (struct, per node, per CPU). */
long zombie_bytes_per_memcg(const struct machine *m);

#endif
