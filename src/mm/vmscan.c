/*
 * Reclaim (mm/vmscan.c). Placeholder until the memory model lands: there
 * is nothing on any LRU yet, so nothing can be reclaimed.
 */
#include "vmscan.h"

long try_to_free_mem_cgroup_pages(struct machine *m, struct mem_cgroup *memcg,
				  long nr_pages, unsigned gfp,
				  unsigned reclaim_options)
{
	(void)m;
	(void)memcg;
	(void)nr_pages;
	(void)gfp;
	(void)reclaim_options;
	return 0;
}
