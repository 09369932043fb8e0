/*
 * Reclaim entry points the memcg layer calls (mm/vmscan.c).
 */
#ifndef SMEMCG_VMSCAN_H
#define SMEMCG_VMSCAN_H

#include <stdbool.h>

struct machine;
struct mem_cgroup;

#define MEMCG_RECLAIM_MAY_SWAP	0x1
#define MEMCG_RECLAIM_PROACTIVE	0x2

/* Reclaim at least nr_pages (32 at least) from memcg's subtree. */
long try_to_free_mem_cgroup_pages(struct machine *m, struct mem_cgroup *memcg,
				  long nr_pages, unsigned gfp,
				  unsigned reclaim_options);

#endif
