// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mappings and page faults (mm/memory.c, mm/mmap.c, mm/mlock.c, 6.1).
 *
 * Who pays: anonymous pages and page-table pages are charged as they are
 * faulted; anon pages to the memcg of the mm (mm->owner's, or mm->memcg),
 * page tables to the faulting task's memcg (__GFP_ACCOUNT, current's
 * objcg); page cache to the memcg of the faulting mm, or to a filesystem's
 * memcg= target (seed 001).
 *
 * A read fault on private anonymous memory maps the shared zero page and
 * charges nothing; the write that follows allocates. After fork the child
 * shares every private page copy-on-write; a write to a shared page copies
 * it and charges the writer's memcg, unless the writer is the last one
 * mapping it, which reuses the page where it is (wp_page_reuse).
 */
#include "vma.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memcontrol/charge.h"
#include "memcontrol/objcg.h"
#include "../machine.h"
#include "filemap.h"
#include "lru.h"
#include "mm.h"
#include "mm_state.h"
#include "page_alloc.h"
#include "memcontrol/page_memcg.h"
#include "swap.h"
#include "task.h"
#include "writeback.h"

#define FAULT_SIGBUS 1
#define FAULT_REFUSED 2	/* an extension refused to map the page (ext_page_borrow) */
#define FAULT_DEAD 2

struct vm_area *vma_find(struct mm_struct *mm, int id)
{
	return intmap_get(&mm->vma_ids, (uint64_t)(uint32_t)id);
}

static bool test_mapped(const struct vm_area *v, uint64_t i)
{
	return (v->mapped[i >> 6] >> (i & 63)) & 1;
}

static void set_mapped(struct vm_area *v, uint64_t i, bool on)
{
	if (on)
		v->mapped[i >> 6] |= 1ULL << (i & 63);
	else
		v->mapped[i >> 6] &= ~(1ULL << (i & 63));
}

static struct mem_cgroup *mm_memcg(struct machine *m, struct mm_struct *mm)
{
	return get_mem_cgroup_from_mm_struct(m, mm);
}

static void count_mm_event(struct machine *m, struct mm_struct *mm,
			   enum memcg_stat_item item)
{
	mm_memcg(m, mm)->stat[item]++;
}

/* ---- page tables ---- */

/* The objcg page tables are charged to: none for the root cgroup. */
static struct obj_cgroup *current_objcg(struct machine *m, struct vm_area *v)
{
	return get_obj_cgroup_from_memcg(m, m->current ? task_memcg(m->current)
							 : mm_memcg(m, v->mm));
}

static int pt_page_alloc(struct machine *m, struct vm_area *v, uint32_t *slot)
{
	struct obj_cgroup *objcg = current_objcg(m, v);
	int err = alloc_pages(m, 1, GFP_KERNEL);

	if (err)
		return err;
	m->mm->kernel_pages++;
	if (objcg) {
		err = obj_cgroup_charge_pages(m, objcg, GFP_KERNEL, 1);
		if (err) {
			free_pages(m, 1);
			m->mm->kernel_pages--;
			return err;
		}
		objcg->memcg->stat[MEMCG_PAGETABLES]++;
		obj_cgroup_get(objcg);
		*slot = objcg->id + 1;
	} else {
		*slot = UINT32_MAX;	/* allocated, not accounted */
	}
	return 0;
}

static void pt_page_free(struct machine *m, uint32_t slot)
{
	free_pages(m, 1);
	m->mm->kernel_pages--;
	if (slot != UINT32_MAX) {
		struct obj_cgroup *objcg = objcg_of_id(m, slot - 1);

		objcg->memcg->stat[MEMCG_PAGETABLES]--;
		obj_cgroup_uncharge_pages(m, objcg, 1);
		obj_cgroup_put(m, objcg);
	}
}

static struct pt_upper *upper_find(struct mm_struct *mm, uint64_t region)
{
	return intmap_get(&mm->upper, region);
}

static void upper_free(struct machine *m, struct mm_struct *mm, struct pt_upper *up)
{
	pt_page_free(m, up->objcg);
	mm->pgtables--;
	intmap_del(&mm->upper, up->region);
	free(up);
}

/* Make sure the PTE page covering vma page i exists (and its PMD page). */
static int pt_map(struct machine *m, struct vm_area *v, uint64_t i)
{
	uint64_t b = i / PTRS_PER_PTE;
	uint64_t region = (v->start + i) / PTRS_PER_PMD_SPAN;
	struct pt_upper *up;
	uint32_t slot;
	int err;

	if (v->pt_objcg[b])
		return 0;
	up = upper_find(v->mm, region);
	if (!up) {
		err = pt_page_alloc(m, v, &slot);
		if (err)
			return err;
		up = xcalloc(1, sizeof(*up));
		intmap_set(&v->mm->upper, region, up);
		up->region = region;
		up->nr_ptes = 0;
		up->objcg = slot;
		v->mm->pgtables++;
	}
	err = pt_page_alloc(m, v, &slot);
	if (err) {
		/*
		 * A PMD page with no PTE page under it would be freed by
		 * nothing but a later fault in its region: free it now (the
		 * kernel's free_pgtables would at munmap or exit).
		 */
		if (!up->nr_ptes)
			upper_free(m, v->mm, up);
		return err;
	}
	v->pt_objcg[b] = slot;
	up->nr_ptes++;
	v->mm->pgtables++;
	return 0;
}

static void pt_free_all(struct machine *m, struct vm_area *v)
{
	uint64_t b;

	for (b = 0; b < v->nr_blocks; b++) {
		uint64_t region;
		struct pt_upper *up;

		if (!v->pt_objcg[b])
			continue;
		pt_page_free(m, v->pt_objcg[b]);
		v->pt_objcg[b] = 0;
		v->mm->pgtables--;
		region = (v->start + b * PTRS_PER_PTE) / PTRS_PER_PMD_SPAN;
		up = upper_find(v->mm, region);
		if (up && --up->nr_ptes == 0)
			upper_free(m, v->mm, up);
	}
}

/* ---- creating mappings ---- */

static struct vm_area *vma_new(struct machine *m, struct mm_struct *mm,
			       uint64_t npages, enum vma_kind kind)
{
	struct vm_area *v = xcalloc(1, sizeof(*v));

	v->mm = mm;
	v->id = ++m->mm->next_vma_id;
	v->kind = (uint8_t)kind;
	v->npages = npages;
	if (!mm->next_va)
		mm->next_va = PTRS_PER_PMD_SPAN;
	v->start = (mm->next_va + PTRS_PER_PTE - 1) / PTRS_PER_PTE * PTRS_PER_PTE;
	mm->next_va = v->start + (npages + PTRS_PER_PTE - 1) / PTRS_PER_PTE * PTRS_PER_PTE;
	v->nr_blocks = (npages + PTRS_PER_PTE - 1) / PTRS_PER_PTE;
	v->pt_objcg = xcalloc(v->nr_blocks ? v->nr_blocks : 1, sizeof(uint32_t));
	list_init(&v->anon_node);
	list_init(&v->obj_node);
	list_add_tail(&v->node, &mm->vmas);
	intmap_set(&mm->vma_ids, (uint32_t)v->id, v);
	mm->total_vm += npages;
	m->mm->mapped_pages += npages;
	return v;
}

static void vma_attach_anon(struct vm_area *v, struct memobj *layer)
{
	v->anon = layer;
	list_add_tail(&v->anon_node, &layer->vmas);
}

static void vma_attach_obj(struct vm_area *v, struct memobj *obj, uint64_t pgoff)
{
	v->obj = obj;
	v->pgoff = pgoff;
	v->mapped = xcalloc((v->npages + 63) / 64 + 1, sizeof(uint64_t));
	list_add_tail(&v->obj_node, &obj->i_mmap);
}

#define MAX_MAP_PAGES (SMEMCG_MAX_MAPPED / PAGE_SIZE)

int vma_may_map(struct machine *m, uint64_t npages)
{
	uint64_t room = MAX_MAP_PAGES - m->mm->mapped_pages;

	if (npages > room)
		return machine_error(m, -ENOMEM,
				     "mapping %llu more pages would pass the model's limit of 1 TiB mapped by all processes together (%llu pages mapped)",
				     (unsigned long long)npages,
				     (unsigned long long)m->mm->mapped_pages);
	return 0;
}

int vma_mmap_check(struct machine *m, uint64_t size, uint64_t offset)
{
	uint64_t npages = size / PAGE_SIZE + !!(size % PAGE_SIZE);

	if (!size)
		return machine_error(m, -EINVAL, "mmap of 0 bytes");
	if (offset % PAGE_SIZE)
		return machine_error(m, -EINVAL, "mmap offset must be a multiple of 4096");
	/* file_mmap_ok(): the mapping must end below MAX_LFS_FILESIZE */
	if (offset > (uint64_t)INT64_MAX || npages > ((uint64_t)INT64_MAX - offset) / PAGE_SIZE)
		return machine_error(m, -EOVERFLOW,
				     "mmap offset %llu + size %llu passes the largest file offset (2^63 - 1)",
				     (unsigned long long)offset, (unsigned long long)size);
	return vma_may_map(m, npages);
}

int vma_mmap_anon(struct machine *m, struct task *t, uint64_t size, bool shared,
		  struct vm_area **out)
{
	uint64_t npages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
	struct vm_area *v;
	int err = vma_mmap_check(m, size, 0);

	if (err)
		return err;
	if (shared) {
		/* MAP_SHARED|MAP_ANONYMOUS is a shmem object of its own */
		struct inode *inode = shmem_anon_inode(m, npages);

		v = vma_new(m, t->mm, npages, VMA_SHARED);
		v->inode = inode;
		inode_get(inode);
		vma_attach_obj(v, inode->obj, 0);
	} else {
		v = vma_new(m, t->mm, npages, VMA_ANON);
		vma_attach_anon(v, memobj_new(m, OBJ_ANON));
	}
	*out = v;
	return 0;
}

int vma_mmap_file(struct machine *m, struct task *t, struct inode *inode,
		  uint64_t size, uint64_t offset, bool shared, struct vm_area **out)
{
	uint64_t npages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
	struct vm_area *v;
	int err = vma_mmap_check(m, size, offset);

	if (err)
		return err;
	v = vma_new(m, t->mm, npages, shared ? VMA_SHARED : VMA_FILE_PRIVATE);
	v->inode = inode;
	inode_get(inode);
	/* generic_file_mmap: file_accessed */
	if (inode->obj->type == OBJ_FILE)
		writeback_touch_atime(m, inode, t);
	vma_attach_obj(v, inode->obj, offset / PAGE_SIZE);
	if (!shared)
		vma_attach_anon(v, memobj_new(m, OBJ_ANON));
	*out = v;
	return 0;
}

int vma_mmap_object(struct machine *m, struct task *t, struct memobj *obj,
		    uint64_t npages, struct vm_area **out)
{
	struct vm_area *v;
	int err = vma_may_map(m, npages);

	if (err)
		return err;
	v = vma_new(m, t->mm, npages, VMA_SHARED);
	vma_attach_obj(v, obj, 0);
	*out = v;
	return 0;
}

/* ---- faults ---- */

static int rss_type(const struct memobj *obj)
{
	switch (obj->type) {
	case OBJ_ANON: return MM_ANONPAGES;
	case OBJ_FILE: return MM_FILEPAGES;
	default: return MM_SHMEMPAGES;
	}
}

/* Find the page a private mapping sees at i: the first layer with a slot. */
static pgh_t anon_find(struct machine *m, struct vm_area *v, uint64_t i,
		       struct memobj **layer)
{
	struct memobj *l;

	for (l = v->anon; l; l = l->parent) {
		pgh_t h = memobj_lookup(m, l, i);

		if (h != PAGE_NIL && page_state(&m->pages, h) != PS_NONE) {
			*layer = l;
			return h;
		}
	}
	*layer = NULL;
	return PAGE_NIL;
}

static void young(struct vm_area *v, uint64_t i)
{
	if (unlikely(!v->young))
		v->young = xcalloc((v->npages + 63) / 64 + 1, sizeof(uint64_t));
	v->young[i >> 6] |= 1ULL << (i & 63);
}

/* ptep_test_and_clear_young() */
static bool test_clear_young(struct vm_area *v, uint64_t i)
{
	uint64_t bit = 1ULL << (i & 63);
	bool y;

	if (!v->young)
		return false;
	y = v->young[i >> 6] & bit;
	v->young[i >> 6] &= ~bit;
	return y;
}

/* A new anonymous page at slot i of the top layer, charged to the mm. */
static int anon_new_page(struct machine *m, struct vm_area *v, uint64_t i)
{
	struct mem_cgroup *memcg = mm_memcg(m, v->mm);
	pgh_t h;
	int err = page_alloc_charge(m, memcg, GFP_KERNEL);

	if (err)
		return err;
	h = memobj_slot(m, v->anon, i);
	if (page_state(&m->pages, h) == PS_ZERO) {
		/* replace the zero page: the slot is already counted as used */
		*page_flags(&m->pages, h) &= (uint16_t)~PF_STATE_MASK;
		leaf_header(&m->pages, h >> LEAF_SHIFT)->nr_used--;
	}
	page_install(m, v->anon, h, memcg, v->locked);
	page_set_mapcount(&m->pages, h, 1);
	young(v, i);
	v->mm->rss[MM_ANONPAGES]++;
	return 0;
}

static int fault_anon(struct machine *m, struct task *t, struct vm_area *v,
		      uint64_t i, bool write, bool *faulted)
{
	struct memobj *layer;
	pgh_t h = anon_find(m, v, i, &layer);
	enum page_state st = h == PAGE_NIL ? PS_NONE : page_state(&m->pages, h);
	int err;

	(void)t;
	if (st == PS_SWAPPED) {
		/* do_swap_page: a write frees the slot, a read keeps it cached */
		struct mem_cgroup *memcg = mm_memcg(m, v->mm);

		err = swap_in_page(m, layer, h, memcg,
				   !write && !v->locked && !mem_cgroup_swap_full(m, memcg));
		if (err)
			return err;
		count_mm_event(m, v->mm, MEMCG_PGMAJFAULT);
		anon_rmap_swapin(m, layer, i);
		*faulted = true;
		st = PS_PRESENT;
		if (v->locked) {
			*page_flags(&m->pages, h) |= PF_MLOCKED;
			page_lru_refile(m, layer, h);
		}
	}
	if (st == PS_PRESENT) {
		young(v, i);
		/* an extension wants this access (deferred recharging) */
		if (unlikely(*page_flags(&m->pages, h) & PF_EXT_ACCESS))
			ext_page_marked_access(m, layer, h, mm_memcg(m, v->mm));
		if (!write)
			return 0;
		if (layer == v->anon || page_mapcount(&m->pages, h) <= 1) {
			/* exclusive: reuse in place; a MADV_FREE'd page is dirty again */
			if (unlikely(is_file_lru(page_lru(&m->pages, h))))
				*page_flags(&m->pages, h) |= PF_DIRTY;
			return 0;
		}
		/* COW: copy into our top layer, charged to us */
		err = anon_new_page(m, v, i);
		if (err)
			return err;
		v->mm->rss[MM_ANONPAGES]--;	/* the shared page is no longer ours */
		if (page_mapcount_dec(m, layer, h) == 0)
			page_free(m, layer, h);
		*faulted = true;
		return 0;
	}
	/* none, or the zero page */
	if (!write) {
		if (st == PS_ZERO)
			return 0;
		h = memobj_slot(m, v->anon, i);
		memobj_slot_fill(m, h);
		page_set_state(&m->pages, h, PS_ZERO);
		*faulted = true;
		return 0;
	}
	*faulted = true;
	if (st == PS_ZERO && layer != v->anon) {
		/* zero page seen through a lower layer: our own page now */
		return anon_new_page(m, v, i);
	}
	return anon_new_page(m, v, i);
}

#define RA_PAGES 32

static void file_readaround(struct machine *m, struct task *t, struct vm_area *v,
			    uint64_t start);

/*
 * The read-around charges page after page, and under a memory.max smaller
 * than its window a charge may reclaim the very page the fault is for (it
 * is clean and not mapped yet). Look it up again after the read-around and
 * read it in again when it went: filemap_fault finds the folio after
 * do_sync_mmap_readahead and reads it itself when it is not there.
 */
static int refind_after_readaround(struct machine *m, struct task *t, struct vm_area *v,
				   uint64_t idx, pgh_t *out)
{
	pgh_t h = memobj_lookup(m, v->obj, idx);

	if (h == PAGE_NIL || page_state(&m->pages, h) != PS_PRESENT) {
		int err = filemap_add_page(m, t, v->inode, idx, false, &h);

		if (err)
			return err;
	}
	*out = h;
	return 0;
}

/* Bring the object's page at idx in (or find it); for shared/file faults. */
static int obj_page_get(struct machine *m, struct task *t, struct vm_area *v,
			uint64_t idx, pgh_t *out)
{
	struct memobj *obj = v->obj;
	pgh_t h = memobj_lookup(m, obj, idx);
	enum page_state st = h == PAGE_NIL ? PS_NONE : page_state(&m->pages, h);
	struct inode *inode = v->inode;
	int err;

	if (inode && idx >= (inode->size + PAGE_SIZE - 1) / PAGE_SIZE) {
		machine_error(m, -EFAULT, "page %llu is beyond the end of the file",
			      (unsigned long long)idx);
		return FAULT_SIGBUS;
	}
	if (st == PS_PRESENT) {
		/* the async readahead marker: read the next window */
		if (obj->type == OBJ_FILE && v->ra_end && idx == v->ra_mark) {
			file_readaround(m, t, v, v->ra_end);
			return refind_after_readaround(m, t, v, idx, out);
		}
		*out = h;
		return 0;
	}
	if (obj->type == OBJ_DMABUF)
		return FAULT_SIGBUS;	/* dma_buf pages always exist */
	if (st == PS_SWAPPED) {
		err = swap_in_page(m, obj, h, pagecache_memcg(m, t, obj), false);
		if (err)
			return err;
		count_mm_event(m, v->mm, MEMCG_PGMAJFAULT);
		*out = h;
		return 0;
	}
	err = filemap_add_page(m, t, inode, idx, false, &h);
	if (err == -ENOSPC && obj->type == OBJ_SHMEM)
		return FAULT_SIGBUS;	/* tmpfs full: shmem_fault gives SIGBUS */
	if (err)
		return err;
	if (obj->type == OBJ_FILE) {
		count_mm_event(m, v->mm, MEMCG_PGMAJFAULT);
		/* do_sync_mmap_readahead: read around the fault */
		file_readaround(m, t, v, idx < RA_PAGES / 2 ? 0 : idx - RA_PAGES / 2);
		return refind_after_readaround(m, t, v, idx, out);
	}
	*out = h;
	return 0;
}

/*
 * mmap read-around of a disk file: ra_pages (32, read_ahead_kb 128) centred
 * on the fault, with the async marker ra_pages/4 before the window's end;
 * touching the marker reads the next window (do_async_mmap_readahead).
 */
static void file_readaround(struct machine *m, struct task *t, struct vm_area *v,
			    uint64_t start)
{
	uint64_t i, end = start + RA_PAGES;
	uint64_t size = (v->inode->size + PAGE_SIZE - 1) / PAGE_SIZE;

	if (end > size)
		end = size;
	for (i = start; i < end; i++) {
		pgh_t h = memobj_lookup(m, v->obj, i);

		if (h != PAGE_NIL && page_state(&m->pages, h) != PS_NONE)
			continue;
		if (filemap_add_page(m, t, v->inode, i, false, &h))
			break;
	}
	v->ra_end = start + RA_PAGES;
	v->ra_mark = v->ra_end - RA_PAGES / 4;
}

static int map_obj_page(struct machine *m, struct vm_area *v, uint64_t i, pgh_t h)
{
	struct mem_cgroup *owner;

	if (test_mapped(v, i))
		return 0;
	/* a page an extension tracks the mappers of (seed 000's borrowing) */
	owner = page_memcg(m, h);
	if (owner && (owner->ext_flags & MEMCG_EXT_BORROW)) {
		int err = ext_page_borrow(m, v, i, mm_memcg(m, v->mm), h, +1);

		if (err)
			return err;
	}
	set_mapped(v, i, true);
	page_mapcount_inc(m, v->obj, h);
	v->mm->rss[rss_type(v->obj)]++;
	if (v->locked && !(*page_flags(&m->pages, h) & PF_MLOCKED)) {
		*page_flags(&m->pages, h) |= PF_MLOCKED;
		page_lru_refile(m, v->obj, h);
	}
	return 0;
}

/*
 * zap: the mapping goes (munmap, exit), and zap_pte_range marks a page
 * accessed whose PTE was young; reclaim's try_to_unmap and COW do not.
 */
static void unmap_obj_page(struct machine *m, struct vm_area *v, uint64_t i, pgh_t h,
			   bool zap)
{
	struct mem_cgroup *owner;

	if (!test_mapped(v, i))
		return;
	if (test_clear_young(v, i) && zap)
		mark_page_accessed(m, v->obj, h);
	owner = page_memcg(m, h);
	if (owner && (owner->ext_flags & MEMCG_EXT_BORROW))
		ext_page_borrow(m, v, i, NULL, h, -1);
	set_mapped(v, i, false);
	v->mm->rss[rss_type(v->obj)]--;
	page_mapcount_dec(m, v->obj, h);
}

/* A write fault on a shared file page: page_mkwrite's file_update_time, then dirty. */
static void fault_dirty_page(struct machine *m, struct task *t, struct vm_area *v, pgh_t h)
{
	if (*page_flags(&m->pages, h) & PF_DIRTY)
		return;
	writeback_update_time(m, v->inode, t);
	filemap_dirty_page(m, v->inode, h);
}

#define FAULT_AROUND_PAGES 16	/* fault_around_bytes: 64 KiB */

/*
 * do_fault_around + filemap_map_pages: map the pages the page cache already
 * has in the 16-page aligned window around vma page i, within the vma and
 * the file, with young PTEs (x86's vm_page_prot has the accessed bit).
 * Pages already mapped (by this vma, or by a private copy), swapped, or
 * carrying the readahead marker (PG_readahead) are left to real faults.
 * Returns 0, or an errno when an access could not be charged.
 */
static int do_fault_around(struct machine *m, struct vm_area *v, uint64_t i)
{
	uint64_t start = i & ~(uint64_t)(FAULT_AROUND_PAGES - 1), end, j;
	uint64_t file_end = v->inode ? (v->inode->size + PAGE_SIZE - 1) / PAGE_SIZE : 0;

	end = MIN(start + FAULT_AROUND_PAGES, v->npages);
	if (v->pgoff + end > file_end)
		end = file_end > v->pgoff ? file_end - v->pgoff : 0;
	for (j = start; j < end; j++) {
		struct mem_cgroup *owner;
		struct memobj *layer;
		pgh_t h = memobj_lookup(m, v->obj, v->pgoff + j);

		if (h == PAGE_NIL || page_state(&m->pages, h) != PS_PRESENT ||
		    test_mapped(v, j) || (v->anon && anon_find(m, v, j, &layer) != PAGE_NIL))
			continue;
		if (v->obj->type == OBJ_FILE && v->ra_end && v->pgoff + j == v->ra_mark)
			continue;
		/*
		 * map_pages runs under the page-table lock: it cannot reclaim.
		 * A page whose mapping an extension charges (a borrow) is
		 * left to its own fault, which can.
		 */
		owner = page_memcg(m, h);
		if (owner && (owner->ext_flags & MEMCG_EXT_BORROW))
			continue;
		if (page_cache_access(m, v->obj, h, mm_memcg(m, v->mm)))
			return -ENOMEM;
		if (map_obj_page(m, v, j, h))
			continue;	/* an extension refused it: the fault will tell */
		young(v, j);
	}
	return 0;
}

static int fault_shared(struct machine *m, struct task *t, struct vm_area *v,
			uint64_t i, bool write, bool *faulted)
{
	pgh_t h;
	int err;

	if (test_mapped(v, i)) {
		h = memobj_lookup(m, v->obj, v->pgoff + i);
		young(v, i);
		if (write && v->obj->type == OBJ_FILE)
			fault_dirty_page(m, t, v, h);
		return page_cache_access(m, v->obj, h, mm_memcg(m, v->mm)) ? -ENOMEM : 0;
	}
	*faulted = true;
	/* do_read_fault: map what the page cache has around it first */
	if (!write && (v->obj->type == OBJ_FILE || v->obj->type == OBJ_SHMEM)) {
		err = do_fault_around(m, v, i);
		if (err || test_mapped(v, i))
			return err;
	}
	err = obj_page_get(m, t, v, v->pgoff + i, &h);
	if (err)
		return err;
	if (page_cache_access(m, v->obj, h, mm_memcg(m, v->mm)))
		return -ENOMEM;
	if (map_obj_page(m, v, i, h))
		return FAULT_REFUSED;
	young(v, i);
	if (write && v->obj->type == OBJ_FILE)
		fault_dirty_page(m, t, v, h);
	return 0;
}

static int fault_file_private(struct machine *m, struct task *t, struct vm_area *v,
			      uint64_t i, bool write, bool *faulted)
{
	struct memobj *layer;
	pgh_t h = anon_find(m, v, i, &layer), fh;
	int err;

	if (h != PAGE_NIL)
		return fault_anon(m, t, v, i, write, faulted);
	if (!write)
		return fault_shared(m, t, v, i, false, faulted);
	/* do_cow_fault: read the file page, copy it into a private page */
	err = obj_page_get(m, t, v, v->pgoff + i, &fh);
	if (err)
		return err;
	err = anon_new_page(m, v, i);
	if (err)
		return err;
	*faulted = true;
	if (test_mapped(v, i))
		unmap_obj_page(m, v, i, fh, false);
	return 0;
}

static int fault_page(struct machine *m, struct task *t, struct vm_area *v,
		      uint64_t i, bool write)
{
	bool faulted = false;
	int err;

	err = pt_map(m, v, i);
	if (err)
		return err;
	m->mm->in_fault = true;
	switch (v->kind) {
	case VMA_ANON:
		err = fault_anon(m, t, v, i, write, &faulted);
		break;
	case VMA_SHARED:
		err = fault_shared(m, t, v, i, write, &faulted);
		break;
	default:
		err = fault_file_private(m, t, v, i, write, &faulted);
		break;
	}
	m->mm->in_fault = false;
	if (faulted)
		count_mm_event(m, v->mm, MEMCG_PGFAULT);
	return err;
}

int vma_touch(struct machine *m, struct task *t, struct vm_area *v, uint64_t off,
	      uint64_t len, bool write)
{
	uint64_t first = off / PAGE_SIZE, last, i;

	if (off + len < off || off + len > v->npages * PAGE_SIZE)
		return machine_error(m, -EINVAL,
				     "range %llu+%llu is beyond the %llu-byte mapping",
				     (unsigned long long)off, (unsigned long long)len,
				     (unsigned long long)(v->npages * PAGE_SIZE));
	if (!len)
		return 0;
	last = (off + len - 1) / PAGE_SIZE;
	for (i = first; i <= last; i++) {
		int err = fault_page(m, t, v, i, write);

		if (t->dying)
			return 0;	/* killed while faulting: the statement ends */
		/* a full tmpfs, a remote charge that failed (seed 001), a refused borrow */
		if (err == FAULT_SIGBUS || err == FAULT_REFUSED || err == -ENOSPC) {
			char label[96];

			task_kill_why(m, t, SIGBUS_NR, SMEMCG_EV_SIGBUS,
				      "SIGBUS on a fault of page %llu of %s: %s",
				      (unsigned long long)i, vma_label(v, label, sizeof(label)),
				      m->errmsg[0] ? m->errmsg : "the page could not be served");
			return 0;
		}
		if (err)
			return machine_error(m, err,
					     "page fault at page %llu could not be charged (the kernel would retry it for ever)",
					     (unsigned long long)i);
		/* every fault returns to user space: memory.high work */
		if (t->memcg_nr_pages_over_high)
			mem_cgroup_handle_over_high(m, t);
	}
	return 0;
}

int get_user_page(struct machine *m, struct task *t, struct vm_area *v, uint64_t i,
		  bool write)
{
	int err;

	if (i >= v->npages)
		return machine_error(m, -EFAULT, "page %llu is beyond the mapping",
				     (unsigned long long)i);
	err = fault_page(m, t, v, i, write);
	if (err == FAULT_SIGBUS || err == -ENOSPC)
		return machine_error(m, -EFAULT, "the fault of page %llu would be SIGBUS",
				     (unsigned long long)i);
	if (err == FAULT_REFUSED)
		return -ENOMEM;		/* the extension said why */
	return err;
}

/* ---- rmap ---- */

static void anon_walk(struct machine *m, struct memobj *layer, uint64_t idx,
		      rmap_fn fn, void *arg)
{
	struct list_node *pos, *tmp;

	list_for_each_safe(pos, tmp, &layer->vmas)
		fn(m, container_of(pos, struct vm_area, anon_node), idx, arg);
	list_for_each_safe(pos, tmp, &layer->children) {
		struct memobj *c = container_of(pos, struct memobj, child_node);
		pgh_t h = memobj_lookup(m, c, idx);

		if (h != PAGE_NIL && page_state(&m->pages, h) != PS_NONE)
			continue;	/* overridden below this layer */
		anon_walk(m, c, idx, fn, arg);
	}
}

void rmap_walk(struct machine *m, struct memobj *obj, uint64_t idx, rmap_fn fn,
	       void *arg)
{
	struct list_node *pos, *tmp;

	if (obj->type == OBJ_ANON) {
		anon_walk(m, obj, idx, fn, arg);
		return;
	}
	list_for_each_safe(pos, tmp, &obj->i_mmap) {
		struct vm_area *v = container_of(pos, struct vm_area, obj_node);

		if (idx < v->pgoff || idx - v->pgoff >= v->npages)
			continue;
		if (test_mapped(v, idx - v->pgoff))
			fn(m, v, idx - v->pgoff, arg);
	}
}

struct unmap_arg {
	pgh_t h;
	bool to_swap;
};

static void unmap_one(struct machine *m, struct vm_area *v, uint64_t vidx, void *arg)
{
	struct unmap_arg *a = arg;

	if (v->anon && memobj_of_id(m, page_object(&m->pages, a->h))->type == OBJ_ANON) {
		v->mm->rss[MM_ANONPAGES]--;
		if (a->to_swap)
			v->mm->rss[MM_SWAPENTS]++;
		test_clear_young(v, vidx);	/* a swap PTE has no accessed bit */
		return;
	}
	unmap_obj_page(m, v, vidx, a->h, false);
}

void rmap_unmap(struct machine *m, struct memobj *obj, uint64_t idx, pgh_t h,
		bool to_swap)
{
	struct unmap_arg a = { h, to_swap };

	rmap_walk(m, obj, idx, unmap_one, &a);
}

static void swapin_one(struct machine *m, struct vm_area *v, uint64_t vidx, void *arg)
{
	(void)m;
	(void)vidx;
	(void)arg;
	v->mm->rss[MM_SWAPENTS]--;
	v->mm->rss[MM_ANONPAGES]++;
}

void anon_rmap_swapin(struct machine *m, struct memobj *layer, uint64_t idx)
{
	anon_walk(m, layer, idx, swapin_one, NULL);
}

struct referenced_arg {
	struct mem_cgroup *memcg;
	int referenced;
};

static void referenced_one(struct machine *m, struct vm_area *v, uint64_t vidx, void *arg)
{
	struct referenced_arg *a = arg;

	/* invalid_folio_referenced_vma: mm_match_cgroup(vma->vm_mm, memcg) */
	if (a->memcg && !mem_cgroup_is_descendant(mm_memcg(m, v->mm), a->memcg))
		return;
	if (test_clear_young(v, vidx))
		a->referenced++;
}

int page_referenced(struct machine *m, pgh_t h, struct mem_cgroup *memcg)
{
	struct referenced_arg a = { memcg, 0 };

	if (!page_mapcount(&m->pages, h))
		return 0;
	rmap_walk(m, memobj_of_id(m, page_object(&m->pages, h)), page_index(&m->pages, h),
		  referenced_one, &a);
	return a.referenced;
}

static void locked_one(struct machine *m, struct vm_area *v, uint64_t vidx, void *arg)
{
	(void)m;
	(void)vidx;
	if (v->locked)
		*(bool *)arg = true;
}

bool page_mapped_locked(struct machine *m, struct memobj *obj, uint64_t idx)
{
	bool locked = false;

	rmap_walk(m, obj, idx, locked_one, &locked);
	return locked;
}

void vma_unmap_obj_range(struct machine *m, struct memobj *obj, uint64_t from,
			 uint64_t to)
{
	struct list_node *pos;

	list_for_each(pos, &obj->i_mmap) {
		struct vm_area *v = container_of(pos, struct vm_area, obj_node);
		uint64_t i, lo = from > v->pgoff ? from - v->pgoff : 0;

		for (i = lo; i < v->npages && v->pgoff + i < to; i++) {
			pgh_t h;

			if (!test_mapped(v, i))
				continue;
			h = memobj_lookup(m, obj, v->pgoff + i);
			unmap_obj_page(m, v, i, h, false);
		}
	}
}

/* ---- mlock ---- */

static void mlock_page(struct machine *m, struct memobj *obj, pgh_t h, bool lock,
		       uint64_t idx)
{
	uint16_t *f = page_flags(&m->pages, h);

	if (page_state(&m->pages, h) != PS_PRESENT)
		return;
	if (lock) {
		*f |= PF_MLOCKED;
	} else {
		if (page_mapped_locked(m, obj, idx))
			return;
		*f &= (uint16_t)~PF_MLOCKED;
	}
	page_lru_refile(m, obj, h);
}

static void vma_mlock_pages(struct machine *m, struct vm_area *v, bool lock)
{
	uint64_t i;

	for (i = 0; i < v->npages; i++) {
		struct memobj *layer;
		pgh_t h = v->anon ? anon_find(m, v, i, &layer) : PAGE_NIL;

		if (h != PAGE_NIL) {
			mlock_page(m, layer, h, lock, i);
		} else if (v->obj && test_mapped(v, i)) {
			h = memobj_lookup(m, v->obj, v->pgoff + i);
			mlock_page(m, v->obj, h, lock, v->pgoff + i);
		}
	}
}

/*
 * populate_vma_page_range gets every page with FOLL_TOUCH: follow_page_pte
 * marks each accessed (they are mlocked by then: PG_referenced only), so
 * that after munlock reclaim finds them referenced.
 */
static void vma_populate_touch(struct machine *m, struct vm_area *v)
{
	uint64_t i;

	for (i = 0; i < v->npages; i++) {
		struct memobj *obj;
		pgh_t h;

		if (!vma_page_at(m, v, i, &obj, &h))
			mark_page_accessed(m, obj, h);
	}
}

int vma_mlock(struct machine *m, struct task *t, struct vm_area *v, bool lock)
{
	int err;

	if (lock == v->locked)
		return 0;
	if (lock) {
		uint64_t limit = t->rlimit_memlock;

		if (!t->cap_ipc_lock &&
		    (uint64_t)(v->mm->locked_vm + (long)v->npages) * PAGE_SIZE > limit)
			return machine_error(m, limit ? -ENOMEM : -EPERM,
					     "mlock of %llu pages exceeds RLIMIT_MEMLOCK (%llu bytes)",
					     (unsigned long long)v->npages,
					     (unsigned long long)limit);
		err = ext_mlock_charge(m, t, v, (long)v->npages);
		if (err)
			return err;
		v->locked = true;
		v->mm->locked_vm += (long)v->npages;
		/* populate: write faults break COW in private mappings */
		err = vma_touch(m, t, v, 0, v->npages * PAGE_SIZE, v->kind != VMA_SHARED);
		if (err)
			return err;
	} else {
		v->locked = false;
		v->mm->locked_vm -= (long)v->npages;
		ext_mlock_uncharge(m, v, (long)v->npages);
	}
	vma_mlock_pages(m, v, lock);
	if (lock)
		vma_populate_touch(m, v);
	return 0;
}

/* ---- teardown ---- */

struct zap_arg {
	struct vm_area *v;
	struct memobj *top;
};

/*
 * Is the page at idx of layer hidden from a vma whose top layer is top, by
 * a copy in a layer between the two?
 */
static bool layer_overridden(struct machine *m, struct memobj *top,
			     struct memobj *layer, uint64_t idx)
{
	struct memobj *l;

	for (l = top; l != layer; l = l->parent) {
		pgh_t o = memobj_lookup(m, l, idx);

		if (o != PAGE_NIL && page_state(&m->pages, o) != PS_NONE)
			return true;
	}
	return false;
}

/*
 * Does a vma whose top layer is top map page h of a lower layer at idx
 * (no copy above hides it, and it is not the zero page)? Its state in *st.
 */
static bool lower_mapped(struct machine *m, struct memobj *top, struct memobj *layer,
			 uint64_t idx, pgh_t h, enum page_state *st)
{
	*st = page_state(&m->pages, h);
	return !layer_overridden(m, top, layer, idx) && *st != PS_ZERO;
}

/* Drop this vma's reference to a page in a lower layer it can see. */
static void zap_lower(struct machine *m, struct memobj *layer, uint64_t idx,
		      pgh_t h, void *arg)
{
	struct zap_arg *a = arg;
	enum page_state st;

	if (!lower_mapped(m, a->top, layer, idx, h, &st))
		return;
	a->v->mm->rss[st == PS_PRESENT ? MM_ANONPAGES : MM_SWAPENTS]--;
	if (page_mapcount_dec(m, layer, h) == 0) {
		if (st == PS_PRESENT)
			page_free(m, layer, h);
		else
			swap_free_entry(m, layer, h);
	}
}

static void zap_top(struct machine *m, struct memobj *layer, uint64_t idx, pgh_t h,
		    void *arg)
{
	struct zap_arg *a = arg;
	enum page_state st = page_state(&m->pages, h);

	(void)idx;
	if (st == PS_PRESENT) {
		a->v->mm->rss[MM_ANONPAGES]--;
		page_free(m, layer, h);
	} else if (st == PS_SWAPPED) {
		a->v->mm->rss[MM_SWAPENTS]--;
		swap_free_entry(m, layer, h);
	} else {
		memobj_slot_clear(m, layer, h);
	}
}

/*
 * The PTE at i is cleared in an anonymous mapping whose top layer has a
 * parent: a zero-page slot there hides the lower layers' page, as the
 * empty PTE would (the next read maps the zero page, a write a new page).
 */
static void anon_punch(struct machine *m, struct vm_area *v, uint64_t i)
{
	pgh_t h;

	if (v->kind != VMA_ANON || !v->anon->parent)
		return;
	h = memobj_slot(m, v->anon, i);
	if (page_state(&m->pages, h) != PS_NONE)
		return;
	memobj_slot_fill(m, h);
	page_set_state(&m->pages, h, PS_ZERO);
}

void vma_zap_page(struct machine *m, struct vm_area *v, uint64_t i)
{
	struct zap_arg a = { v, v->anon };

	if (v->obj && test_mapped(v, i))
		unmap_obj_page(m, v, i, memobj_lookup(m, v->obj, v->pgoff + i), true);
	if (v->anon) {
		struct memobj *layer;
		pgh_t h = anon_find(m, v, i, &layer);

		test_clear_young(v, i);
		if (h != PAGE_NIL && layer == v->anon)
			zap_top(m, layer, i, h, &a);
		else if (h != PAGE_NIL)
			zap_lower(m, layer, i, h, &a);
		anon_punch(m, v, i);
	}
}

void anon_discard_page(struct machine *m, struct memobj *layer, pgh_t h)
{
	uint64_t i = page_index(&m->pages, h);
	struct vm_area *v = list_empty(&layer->vmas) ? NULL :
			    container_of(layer->vmas.next, struct vm_area, anon_node);

	if (v) {
		v->mm->rss[MM_ANONPAGES]--;
		test_clear_young(v, i);
	}
	page_free(m, layer, h);
	if (v)
		anon_punch(m, v, i);
}

pgh_t vma_anon_page(struct machine *m, struct vm_area *v, uint64_t i, struct memobj **layer)
{
	return v->anon ? anon_find(m, v, i, layer) : PAGE_NIL;
}

bool vma_pte_mapped(const struct vm_area *v, uint64_t i)
{
	return v->mapped && test_mapped(v, i);
}

bool vma_test_clear_young(struct vm_area *v, uint64_t i)
{
	return test_clear_young(v, i);
}

static void zap_top_orphan(struct machine *m, struct memobj *layer, uint64_t idx,
			   pgh_t h, void *arg)
{
	enum page_state st = page_state(&m->pages, h);

	(void)idx;
	(void)arg;
	if (st == PS_PRESENT)
		page_free(m, layer, h);
	else if (st == PS_SWAPPED)
		swap_free_entry(m, layer, h);
	else
		memobj_slot_clear(m, layer, h);
}

/* Free a layer nobody stacks on or maps any more, and what it holds up. */
static void layer_put(struct machine *m, struct memobj *layer)
{
	while (layer && list_empty(&layer->vmas) && !layer->nr_children) {
		struct memobj *parent = layer->parent;

		if (parent) {
			list_del(&layer->child_node);
			parent->nr_children--;
		}
		/* any page left has no mapper: free it */
		memobj_for_each(m, layer, 0, UINT64_MAX, zap_top_orphan, NULL);
		memobj_free(m, layer);
		layer = parent;
	}
}

static void anon_unmap(struct machine *m, struct vm_area *v)
{
	struct zap_arg a = { v, v->anon };
	struct memobj *l, *top = v->anon, **chain = NULL;
	size_t chain_cap = 0;
	int n = 0;

	/*
	 * Whether a lower page is ours depends on the layers above it, so the
	 * layers are released from the furthest ancestor down to our top.
	 */
	for (l = top->parent; l; l = l->parent) {
		ALLOC_GROW(chain, n + 1, chain_cap);
		chain[n++] = l;
	}
	while (n--)
		memobj_for_each(m, chain[n], 0, v->npages, zap_lower, &a);
	free(chain);
	memobj_for_each(m, top, 0, v->npages, zap_top, &a);
	list_del(&v->anon_node);
	v->anon = NULL;
	layer_put(m, top);
}

int vma_munmap(struct machine *m, struct vm_area *v)
{
	uint64_t i;

	if (v->locked) {
		v->locked = false;
		v->mm->locked_vm -= (long)v->npages;
		ext_mlock_uncharge(m, v, (long)v->npages);
		/* pages stay mlocked only if another locked mapping has them */
		vma_mlock_pages(m, v, false);
	}
	if (v->anon)
		anon_unmap(m, v);
	if (v->obj) {
		for (i = 0; i < v->npages; i++) {
			/* a word at a time: a large mapping is mostly unmapped */
			if (!(i & 63) && !v->mapped[i >> 6]) {
				i += 63;
				continue;
			}
			if (test_mapped(v, i))
				unmap_obj_page(m, v, i,
					       memobj_lookup(m, v->obj, v->pgoff + i), true);
		}
		list_del(&v->obj_node);
	}
	pt_free_all(m, v);
	if (v->ext)
		ext_call_vma_free(m, v);
	list_del(&v->node);
	intmap_del(&v->mm->vma_ids, (uint32_t)v->id);
	v->mm->total_vm -= v->npages;
	m->mm->mapped_pages -= v->npages;
	if (v->inode)
		inode_put(m, v->inode);
	free(v->mapped);
	free(v->young);
	free(v->pt_objcg);
	free(v->ext);
	free(v->name);
	free(v);
	return 0;
}

/* ---- fork ---- */

struct dup_arg {
	struct vm_area *child;
	struct memobj *top;
};

static void dup_count(struct machine *m, struct memobj *layer, uint64_t idx,
		      pgh_t h, void *arg)
{
	struct dup_arg *a = arg;
	enum page_state st;

	if (!lower_mapped(m, a->top, layer, idx, h, &st))
		return;
	page_set_mapcount(&m->pages, h, page_mapcount(&m->pages, h) + 1);
	a->child->mm->rss[st == PS_PRESENT ? MM_ANONPAGES : MM_SWAPENTS]++;
	pt_map(m, a->child, idx);
}

const char *vma_label(const struct vm_area *v, char *buf, size_t len)
{
	if (v->name)
		snprintf(buf, len, "mapping %s", v->name);
	else
		snprintf(buf, len, "mapping %d", v->id);
	return buf;
}

void vma_dup(struct machine *m, struct vm_area *v, struct mm_struct *cmm)
{
	struct vm_area *c = vma_new(m, cmm, v->npages, (enum vma_kind)v->kind);
	uint64_t i;

	/* the child knows its mappings by the parent's numbers, and names */
	intmap_del(&cmm->vma_ids, (uint32_t)c->id);
	c->id = v->id;
	intmap_set(&cmm->vma_ids, (uint32_t)c->id, c);
	c->name = v->name ? xstrdup(v->name) : NULL;
	c->start = v->start;
	if (cmm->next_va < v->start + v->npages)
		cmm->next_va = v->start + v->nr_blocks * PTRS_PER_PTE;
	c->inode = v->inode;
	if (c->inode)
		inode_get(c->inode);
	if (v->obj) {
		vma_attach_obj(c, v->obj, v->pgoff);
		if (v->ext)
			ext_call_vma_dup(m, v, c);
	}
	if (v->anon) {
		struct memobj *base = v->anon, *l;
		struct dup_arg a;
		/* an anon_vma exists once the mapping had private pages */
		bool had_anon = base->dir_len || base->parent;

		if (base->dir_len) {
			/* our top layer becomes the shared base of two new tops */
			struct memobj *ptop = memobj_new(m, OBJ_ANON);

			list_del(&v->anon_node);
			ptop->parent = base;
			list_add_tail(&ptop->child_node, &base->children);
			base->nr_children++;
			vma_attach_anon(v, ptop);
		} else {
			base = base->parent;
		}
		{
			struct memobj *ctop = memobj_new(m, OBJ_ANON);

			ctop->parent = base;
			if (base) {
				list_add_tail(&ctop->child_node, &base->children);
				base->nr_children++;
			}
			vma_attach_anon(c, ctop);
		}
		a.child = c;
		a.top = c->anon;
		for (l = base; l; l = l->parent)
			memobj_for_each(m, l, 0, v->npages, dup_count, &a);
		/* private file mappings with COW pages copy their file PTEs too */
		if (v->kind == VMA_FILE_PRIVATE && had_anon) {
			for (i = 0; i < v->npages; i++) {
				if (test_mapped(v, i) &&
				    !map_obj_page(m, c, i,
						  memobj_lookup(m, v->obj, v->pgoff + i)))
					pt_map(m, c, i);
			}
		}
	}
	c->locked = false;	/* mlock is not inherited across fork */
}

int vma_populate(struct machine *m, struct vm_area *v)
{
	uint64_t i;

	for (i = 0; i < v->npages; i++) {
		pgh_t h = memobj_lookup(m, v->obj, v->pgoff + i);
		int err;

		if (h == PAGE_NIL || page_state(&m->pages, h) != PS_PRESENT)
			continue;
		err = pt_map(m, v, i);
		if (!err)
			err = map_obj_page(m, v, i, h);
		if (err)
			return err;
	}
	return 0;
}

int vma_page_at(struct machine *m, struct vm_area *v, uint64_t i, struct memobj **obj,
		pgh_t *h)
{
	if (v->anon) {
		*h = anon_find(m, v, i, obj);
		if (*h != PAGE_NIL && page_state(&m->pages, *h) == PS_PRESENT)
			return 0;
	}
	if (v->obj && test_mapped(v, i)) {
		*obj = v->obj;
		*h = memobj_lookup(m, v->obj, v->pgoff + i);
		if (*h != PAGE_NIL && page_state(&m->pages, *h) == PS_PRESENT)
			return 0;
	}
	return -EFAULT;
}
