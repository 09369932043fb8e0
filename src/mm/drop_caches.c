// SPDX-License-Identifier: GPL-2.0-only
/*
 * echo 1|2|3 > /proc/sys/vm/drop_caches (fs/drop_caches.c of Linux 6.1).
 *
 * 1: every disk file's clean page cache that nothing maps or pins is
 * invalidated (invalidate_mapping_pages: no shadow entries are left); the
 * pages it cannot drop are deactivated (deactivate_file_folio): a dirty
 * one goes to the inactive head flagged PG_reclaim, a mapped one stays.
 * tmpfs pages are not touched (the model's are all written).
 * 2: drop_slab(): the shrinkers of every memcg at priority 0 until they
 * free little: the shadow nodes beyond count_shadow_nodes' allowance, the
 * dentries of the files nothing holds (no mapping), then the inodes of
 * those left clean, empty and without shadow entries; their writeback
 * context goes with them. A later lookup allocates them again, charged to
 * whoever looks (the model does not prune directories).
 * 3: both, in that order.
 */
#include "drop_caches.h"

#include "../machine.h"
#include "filemap.h"
#include "kmem.h"
#include "lru.h"
#include "memcontrol/page_memcg.h"
#include "memobj.h"
#include "mm_state.h"
#include "workingset.h"
#include "writeback.h"

/* lru_deactivate_file_fn */
static void deactivate_file_page(struct machine *m, pgh_t h)
{
	struct mem_cgroup *memcg = page_memcg(m, h);
	int lru = page_lru(&m->pages, h);
	uint16_t *f = page_flags(&m->pages, h);

	if (!memcg || lru < 0 || lru == LRU_UNEVICTABLE || page_mapcount(&m->pages, h))
		return;
	lru_del(m, memcg, h);
	*f &= (uint16_t)~PF_REFERENCED;
	if (*f & PF_DIRTY) {
		lru_add(m, memcg, h, LRU_INACTIVE_FILE, false);
		folio_set_reclaim(m, h);
	} else {
		lru_add(m, memcg, h, LRU_INACTIVE_FILE, true);
	}
	if (is_active_lru(lru))
		memcg->stat[MEMCG_PGDEACTIVATE]++;
}

static void invalidate_page(struct machine *m, struct memobj *obj, uint64_t idx, pgh_t h,
			    void *arg)
{
	uint16_t f = *page_flags(&m->pages, h);

	(void)idx;
	(void)arg;
	if (page_state(&m->pages, h) != PS_PRESENT)
		return;
	if ((f & (PF_DIRTY | PF_PINNED)) || page_mapcount(&m->pages, h)) {
		deactivate_file_page(m, h);
		return;
	}
	filemap_remove_page(m, obj, h);
}

static void drop_pagecache(struct machine *m)
{
	uint32_t i;

	for (i = 0; i < m->mm->nr_inodes; i++) {
		struct inode *inode = m->mm->inodes[i];

		if (inode && inode->obj && inode->obj->type == OBJ_FILE && inode->obj->nrpages)
			memobj_for_each(m, inode->obj, 0, UINT64_MAX, invalidate_page, NULL);
	}
}

static bool has_shadows(const struct machine *m, const struct memobj *obj)
{
	uint64_t d;

	for (d = 0; d < obj->dir_len; d++)
		if (obj->dir[d] != PAGE_NIL && leaf_header(&m->pages, obj->dir[d])->nr_shadow)
			return true;
	return false;
}

/* prune_dcache_sb, then prune_icache_sb: what one pass of the shrinkers frees */
static unsigned long prune_inodes(struct machine *m)
{
	unsigned long freed = 0;
	uint32_t i;

	for (i = 0; i < m->mm->nr_inodes; i++) {
		struct inode *inode = m->mm->inodes[i];

		if (!inode || inode->shmem || inode->is_dir || inode->unlinked || inode->refs ||
		    !inode->obj)
			continue;
		if (inode->has_dentry) {
			kmem_uncharge_dentry(m, inode->dentry_objcg);
			inode->has_dentry = false;
			freed++;
			continue;	/* the inode is put on the LRU, freed next pass */
		}
		if (!inode->has_kmem || inode->nr_dirty || inode->dirty_meta ||
		    inode->obj->nrpages || has_shadows(m, inode->obj))
			continue;
		/* evict: the writeback context goes with the inode */
		writeback_inode_gone(m, inode);
		kmem_uncharge_inode_obj(m, inode->shmem, inode->kmem_objcg);
		inode->has_kmem = false;
		freed++;
	}
	return freed;
}

static void drop_slab(struct machine *m)
{
	unsigned long freed;
	int shift = 0;

	do {
		struct mem_cgroup *memcg = NULL;

		freed = 0;
		while ((memcg = memcg_iter_next(m->root_mem_cgroup, memcg)))
			freed += workingset_shrink(m, memcg, 0);
		freed += prune_inodes(m);
	} while ((freed >> shift++) > 1);
}

int drop_caches(struct machine *m, int what)
{
	if (what & 1)
		drop_pagecache(m);
	if (what & 2)
		drop_slab(m);
	return 0;
}
