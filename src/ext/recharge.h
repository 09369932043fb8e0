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

/* An access to a page marked by the deferred policy. */
void recharge_deferred_access(struct machine *m, struct memobj *obj, pgh_t h,
			      struct mem_cgroup *accessor);
/* The modelled memory a dying memcg costs (struct, per node, per CPU). */
long zombie_bytes_per_memcg(const struct machine *m);

#endif
