/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Who pays for a page of the page cache, and what an access by another
 * cgroup does to its charge. 6.1: the memcg of the mm that brings it in.
 * Seed 001: the filesystem's memcg= target. Policy shared=common-ancestor
 * (Johannes Weiner): an access from another cgroup moves the page to the
 * first common ancestor. Seed 000: pages of an smemcg-backed object.
 */
#ifndef SMEMCG_REMOTE_H
#define SMEMCG_REMOTE_H

#include <stdbool.h>

#include "memcontrol/memcg.h"
#include "memobj.h"

struct machine;
struct task;

/*
 * The memcg a new page of obj is charged to when t brings it in; *remote
 * is set when that memcg is a memcg= target t is not inside of.
 */
struct mem_cgroup *pagecache_memcg(struct machine *m, struct task *t,
				   struct memobj *obj, bool *remote);
/*
 * An access to a resident page by a task whose mm is charged to memcg.
 * Returns 0, or an errno when the policy could not move the charge.
 */
int page_remote_access(struct machine *m, struct memobj *obj, pgh_t h,
		       struct mem_cgroup *memcg);



/* memcg= of a mount: resolve and check permission; 0, -EINVAL or -EPERM. */
int remote_memcg_resolve(struct machine *m, struct task *t, const char *path,
			 uint32_t *slot);
/* The superblock holds a css reference on its target. */
void remote_memcg_hold(struct machine *m, uint32_t slot);
void remote_memcg_release(struct machine *m, uint32_t slot);
#endif
