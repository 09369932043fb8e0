// SPDX-License-Identifier: GPL-2.0-only
/*
 * The invariant checker (smemcg_check, `smemcg run --check`): recounts the
 * whole machine from its pages and compares with every counter.
 *
 * - every resident page is owned by a memcg that exists, counted once in
 *   its refs, its stats (anon/file/shmem/file_mapped/file_dirty/swapcached)
 *   and on exactly the LRU list its flags name;
 * - each memcg's direct memory charge equals its pages + its stock + its
 *   kernel pages, and memory.usage is the sum of direct charges over the
 *   subtree (so parents >= children, nothing counted twice);
 * - swap entries are counted by their memcg's id references and swap
 *   counters, and by the swap device;
 * - no counter is negative; stocks are referenced; every offline memcg is
 *   held by something; ids are unique; physical memory adds up.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mm/gup.h"
#include "mm/memcontrol/memcg.h"
#include "machine.h"
#include "mm/filemap.h"
#include "mm/lru.h"
#include "mm/memobj.h"
#include "mm/mm_state.h"
#include "mm/mount.h"

struct tally {
	long owned, anon, file, shmem, mapped, dirty, swapcached, dmabuf;
	long swapref;
};

#define FAIL(...) return machine_error(m, -EUCLEAN, __VA_ARGS__)

static int check_lists(struct machine *m, struct mem_cgroup *memcg)
{
	int l;

	for (l = 0; l < NR_LRU_LISTS; l++) {
		struct lru_head *lh = &memcg->lruvec.lists[l];
		pgh_t h = lh->head, prev = PAGE_NIL;
		long n = 0;

		while (h != PAGE_NIL) {
			if (*page_owner(&m->pages, h) != memcg->slot)
				FAIL("memcg %u: page %u on its LRU %d is owned by %u", memcg->id,
				     h, l, *page_owner(&m->pages, h));
			if (page_lru(&m->pages, h) != l)
				FAIL("memcg %u: page %u on LRU %d says it is on %d", memcg->id, h,
				     l, page_lru(&m->pages, h));
			if (leaf_of(&m->pages, h)->prev[h & LEAF_MASK] != prev)
				FAIL("memcg %u: LRU %d broken back link at page %u", memcg->id, l, h);
			prev = h;
			h = leaf_of(&m->pages, h)->next[h & LEAF_MASK];
			if (++n > lh->nr)
				FAIL("memcg %u: LRU %d longer than its count %ld", memcg->id, l,
				     lh->nr);
		}
		if (n != lh->nr || prev != lh->tail)
			FAIL("memcg %u: LRU %d has %ld pages, count says %ld", memcg->id, l, n,
			     lh->nr);
		if (memcg->stat[MEMCG_INACTIVE_ANON + l] != lh->nr)
			FAIL("memcg %u: LRU %d stat %ld, list %ld", memcg->id, l,
			     memcg->stat[MEMCG_INACTIVE_ANON + l], lh->nr);
	}
	return 0;
}

/* The stats of kernel memory charged through an obj_cgroup. */
static bool stat_via_objcg(int k)
{
	switch (k) {
	case MEMCG_KERNEL:
	case MEMCG_KERNEL_STACK:
	case MEMCG_PAGETABLES:
	case MEMCG_PERCPU:
	case MEMCG_SOCK:
	case MEMCG_SLAB_RECLAIMABLE:
	case MEMCG_SLAB_UNRECLAIMABLE:
	case MEMCG_SLAB:
		return true;
	default:
		return false;
	}
}

int smemcg_check(smemcg_machine *sm)
{
	struct machine *m = to_machine(sm);
	struct mm_state *ms = m->mm;
	struct tally *t = xcalloc(m->memcg_slots.nr + 1, sizeof(*t));
	long resident = 0, swapped = 0, pinned = 0, *mnt_pages = NULL;
	uint32_t i, s;
	int c, err = 0;

	mnt_pages = xcalloc((size_t)ms->nr_mounts + 1, sizeof(long));
	for (i = 0; i < ms->objs.nr; i++) {
		struct memobj *obj = memobj_at(m, i);
		uint64_t d;

		if (!obj)
			continue;
		for (d = 0; d < obj->dir_len; d++) {
			uint32_t leaf = obj->dir[d];

			if (leaf == PAGE_NIL)
				continue;
			for (s = 0; s < LEAF_PAGES; s++) {
				pgh_t h = (leaf << LEAF_SHIFT) | s;
				uint16_t f = *page_flags(&m->pages, h);
				uint32_t o = *page_owner(&m->pages, h);
				enum page_state st = (enum page_state)(f & PF_STATE_MASK);
				struct tally *tt;

				if (st == PS_NONE || st == PS_ZERO)
					continue;
				if (f & PF_PINNED)
					pinned++;
				if (o & OWNER_SMEMCG)
					continue;
				if (o >= m->memcg_slots.nr || !memcg_in_slot(m, o)) {
					err = machine_error(m, -EUCLEAN,
							    "page %u of object %u is owned by memcg slot %u, which does not exist",
							    h, obj->id, o);
					goto out;
				}
				tt = &t[o];
				if (obj->inode && obj->inode->mnt && !pins_page_is_orphan(m, h)) {
					int k;

					for (k = 0; k < ms->nr_mounts; k++)
						if (ms->mounts[k] == obj->inode->mnt)
							mnt_pages[k]++;
				}
				if (st == PS_SWAPPED) {
					tt->swapref++;
					swapped++;
					continue;
				}
				resident++;
				tt->owned++;
				if (obj->type == OBJ_ANON)
					tt->anon++;
				else if (obj->type == OBJ_FILE)
					tt->file++;
				else if (obj->type == OBJ_SHMEM)
					tt->shmem++;
				else
					tt->dmabuf++;
				if ((f & PF_MAP_MASK) && (obj->type == OBJ_FILE || obj->type == OBJ_SHMEM))
					tt->mapped++;
				if ((f & PF_DIRTY) && obj->type == OBJ_FILE)
					tt->dirty++;
				if (f & PF_SWAPCACHE) {
					tt->swapcached++;
					tt->swapref++;
					swapped++;
				}
				if ((f & PF_LRU_MASK) && obj->type == OBJ_DMABUF) {
					err = machine_error(m, -EUCLEAN, "dma_buf page %u is on an LRU", h);
					goto out;
				}
				if (!(f & PF_LRU_MASK) && obj->type != OBJ_DMABUF) {
					err = machine_error(m, -EUCLEAN,
							    "resident page %u of object %u is on no LRU",
							    h, obj->id);
					goto out;
				}
			}
		}
	}

	for (s = 0; s < m->memcg_slots.nr; s++) {
		struct mem_cgroup *memcg, *pos = NULL;
		struct tally *tt = &t[s];
		long stock = 0, stock_refs = 0, sum_direct = 0, swap_sum = 0;
		int k;

		if (!(memcg = memcg_in_slot(m, s)))
			continue;
#define EXPECT_EQ(a, b, what)                                                        \
	do {                                                                         \
		if ((long)(a) != (long)(b)) {                                        \
			err = machine_error(m, -EUCLEAN, "memcg %s (id %u): %s is %ld, recounted %ld", \
					    memcg->cgroup ? memcg->cgroup->name : "(detached)", \
					    memcg->id, what, (long)(a), (long)(b));  \
			goto out;                                                    \
		}                                                                    \
	} while (0)
		EXPECT_EQ(memcg->refs_pages, tt->owned, "refs_pages");
		EXPECT_EQ(memcg->stat[MEMCG_ANON], tt->anon, "anon");
		EXPECT_EQ(memcg->stat[MEMCG_FILE], tt->file + tt->shmem, "file");
		EXPECT_EQ(memcg->stat[MEMCG_SHMEM], tt->shmem, "shmem");
		EXPECT_EQ(memcg->stat[MEMCG_FILE_MAPPED], tt->mapped, "file_mapped");
		EXPECT_EQ(memcg->stat[MEMCG_FILE_DIRTY], tt->dirty, "file_dirty");
		EXPECT_EQ(memcg->stat[MEMCG_SWAPCACHED], tt->swapcached, "swapcached");
		EXPECT_EQ(memcg->refs_swap, tt->swapref, "refs_swap (swap entries)");
		for (c = 0; c < m->nr_cpus; c++) {
			if (m->cpus[c].stock.cached == memcg) {
				stock += m->cpus[c].stock.nr_pages;
				stock_refs++;
			}
		}
		EXPECT_EQ(memcg->refs_stock, stock_refs, "refs_stock");
		if (!mem_cgroup_is_root(memcg))
			EXPECT_EQ(memcg->direct,
				  tt->owned + stock + memcg->stat[MEMCG_KERNEL] - tt->dmabuf,
				  "direct charge (pages + stock + kernel)");
		while ((pos = memcg_iter_next(memcg, pos))) {
			sum_direct += pos->direct;
			if (!mem_cgroup_is_root(pos))
				swap_sum += t[pos->slot].swapref;
		}
		EXPECT_EQ(page_counter_read(&memcg->memory), sum_direct + ext_local_usage(m, memcg),
			  "memory.usage (vs the subtree's direct charges and what extensions add)");
		if (!mem_cgroup_is_root(memcg) || memcg->first_child)
			EXPECT_EQ(page_counter_read(&memcg->swap), swap_sum,
				  "swap.usage (vs the subtree's swap entries)");
		for (k = 0; k < MEMCG_NR_STATS; k++) {
			long sum = 0;

			if (memcg_stat_desc[k].is_event || memcg->stat[k] >= 0)
				continue;
			if (!stat_via_objcg(k)) {
				EXPECT_EQ(memcg->stat[k], 0, memcg_stat_desc[k].name);
				continue;
			}
			/*
			 * Kernel memory is counted on its objcg's memcg at charge and
			 * at uncharge; an objcg reparented in between leaves a
			 * negative local count on the new memcg and the positive one
			 * on the dying memcg below it, as in the kernel. What
			 * memory.stat shows, the subtree's sum, is never negative.
			 */
			pos = NULL;
			while ((pos = memcg_iter_next(memcg, pos)))
				sum += pos->stat[k];
			if (sum < 0)
				EXPECT_EQ(sum, 0, memcg_stat_desc[k].name);
		}
		if (page_counter_read(&memcg->memory) < 0 || page_counter_read(&memcg->swap) < 0)
			EXPECT_EQ(page_counter_read(&memcg->memory), 0, "a negative counter");
		if (memcg->state == MEMCG_OFFLINE && !memcg_refs(memcg) && !memcg->first_child)
			EXPECT_EQ(memcg_refs(memcg), 1, "references of an offline memcg");
		if (!mem_cgroup_is_detached(memcg) && (memcg->state == MEMCG_ONLINE || memcg->refs_swap)) {
			if (!memcg->id || !(m->id_bitmap[memcg->id / 64] & (1ULL << (memcg->id % 64))))
				EXPECT_EQ(memcg->id, -1, "id (not allocated)");
		}
		err = check_lists(m, memcg);
		if (err)
			goto out;
	}
	if (ms->swap.used != swapped) {
		err = machine_error(m, -EUCLEAN, "swap device: %ld slots used, %ld entries found",
				    ms->swap.used, swapped);
		goto out;
	}
	if (ms->zone.free + resident + ms->kernel_pages != ms->zone.managed) {
		err = machine_error(m, -EUCLEAN,
				    "memory: %ld free + %ld resident + %ld kernel != %ld pages",
				    ms->zone.free, resident, ms->kernel_pages, ms->zone.managed);
		goto out;
	}
	for (c = 0; c < ms->nr_mounts; c++) {
		if (ms->mounts[c]->used_pages != mnt_pages[c]) {
			err = machine_error(m, -EUCLEAN, "tmpfs %s: %ld pages accounted, %ld found",
					    ms->mounts[c]->dir, ms->mounts[c]->used_pages,
					    mnt_pages[c]);
			goto out;
		}
	}
	err = pins_check(m, pinned);
	if (err)
		goto out;
	if (m->page_counter_underflows) {
		err = machine_error(m, -EUCLEAN, "page_counter underflow (%ld times)",
				    m->page_counter_underflows);
		goto out;
	}
out:
	free(t);
	free(mnt_pages);
	return err;
}
