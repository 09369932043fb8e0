/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mappings (vm_area_struct) and page faults: private and shared anonymous
 * memory, shared and private file mappings, dma_buf imports, mlock, and
 * the page tables a mapping costs. Also the reverse map the reclaim and
 * recharge code uses to find every mapping of a page.
 */
#ifndef SMEMCG_VMA_H
#define SMEMCG_VMA_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/list.h"
#include "memobj.h"

struct machine;
struct task;
struct mm_struct;
struct inode;
struct mem_cgroup;

#define PTRS_PER_PTE 512		/* pages per page-table page */
#define PTRS_PER_PMD_SPAN (512UL * 512)	/* pages per PMD page (1 GiB) */

enum vma_kind {
	VMA_ANON,		/* private anonymous */
	VMA_SHARED,		/* shared: shmem, file or dma_buf object */
	VMA_FILE_PRIVATE,	/* private file: page cache read, COW writes */
};

struct vm_area {
	struct list_node node;		/* in mm->vmas */
	struct mm_struct *mm;
	int id;
	char *name;			/* the scenario's name of it (messages), or NULL */
	uint8_t kind;
	bool locked;			/* VM_LOCKED */
	uint64_t start;			/* first virtual page */
	uint64_t npages;
	struct memobj *anon;		/* top anon layer (private kinds) */
	struct memobj *obj;		/* backing object (shared, private file) */
	struct inode *inode;		/* file mappings hold their inode */
	uint64_t pgoff;			/* in pages */
	uint64_t *mapped;		/* bitmap: obj pages this vma maps */
	/*
	 * bitmap: the PTE of page i is young (the accessed bit). x86 makes
	 * every new PTE young, the access that follows a fault sets it, and
	 * folio_referenced() clears it. NULL until the first access.
	 */
	uint64_t *young;
	uint32_t *pt_objcg;		/* per 512 pages: objcg id + 1 of its PTE page */
	void **ext;			/* the modules' state (src/ext/hooks.h) */
	uint64_t ra_mark, ra_end;	/* file read-around: async marker, window end */
	uint64_t nr_blocks;
	struct list_node anon_node;	/* in anon->vmas */
	struct list_node obj_node;	/* in obj->i_mmap */
};

/* The mapping numbered id in mm, or NULL. */
struct vm_area *vma_find(struct mm_struct *mm, int id);
/* "mapping NAME" for messages, "mapping ID" when it has no name: in buf. */
const char *vma_label(const struct vm_area *v, char *buf, size_t len);

/*
 * Can npages more be mapped? -ENOMEM past the model's limit on the
 * address space mapped by all processes (SMEMCG_MAX_MAPPED).
 */
int vma_may_map(struct machine *m, uint64_t npages);
/* The checks of mmap(2) on a size and a file offset: EINVAL, EOVERFLOW, ENOMEM. */
int vma_mmap_check(struct machine *m, uint64_t size, uint64_t offset);
/* mmap() into t's mm: 0 with *out, or -ENOMEM/-EINVAL/-EOVERFLOW as mmap gives. */
int vma_mmap_anon(struct machine *m, struct task *t, uint64_t size, bool shared,
		  struct vm_area **out);
int vma_mmap_file(struct machine *m, struct task *t, struct inode *inode,
		  uint64_t size, uint64_t offset, bool shared, struct vm_area **out);
int vma_mmap_object(struct machine *m, struct task *t, struct memobj *obj,
		    uint64_t npages, struct vm_area **out);
/* The resident page a mapping shows at its page i: 0 or -EFAULT. */
int vma_page_at(struct machine *m, struct vm_area *v, uint64_t i, struct memobj **obj,
		pgh_t *h);
/* Map every resident page of a shared mapping now (dma_buf mmap). */
int vma_populate(struct machine *m, struct vm_area *v);
/*
 * Fault in page i of v for get_user_pages (a pin): no signal is sent;
 * returns 0, -EFAULT where a user's fault would get SIGBUS, -ENOMEM where
 * the charge (or an extension) refused it.
 */
int get_user_page(struct machine *m, struct task *t, struct vm_area *v, uint64_t i,
		  bool write);
/* Fault in [off, off+len) pages of the mapping, as accesses would. */
int vma_touch(struct machine *m, struct task *t, struct vm_area *v, uint64_t off,
	      uint64_t len, bool write);
int vma_munmap(struct machine *m, struct vm_area *v);
int vma_mlock(struct machine *m, struct task *t, struct vm_area *v, bool lock);

/* fork: copy a mapping into the child's mm (private pages COW). */
void vma_dup(struct machine *m, struct vm_area *v, struct mm_struct *child);

/* rmap: visit each mapping that maps the page (its slot) of obj at idx. */
typedef void (*rmap_fn)(struct machine *m, struct vm_area *v, uint64_t vidx,
			void *arg);
void rmap_walk(struct machine *m, struct memobj *obj, uint64_t idx, rmap_fn fn,
	       void *arg);
/* try_to_unmap: every mapping drops the page (anon: becomes a swap PTE). */
void rmap_unmap(struct machine *m, struct memobj *obj, uint64_t idx, pgh_t h,
		bool to_swap);
/* A swapped anon slot came back: its mappers count it resident again. */
void anon_rmap_swapin(struct machine *m, struct memobj *layer, uint64_t idx);
/*
 * folio_referenced(): the number of PTEs mapping the page that were young,
 * clearing them. With memcg (the reclaim target; NULL for global reclaim)
 * only mappings of address spaces whose memcg is in memcg's subtree are
 * looked at (invalid_folio_referenced_vma, mm_match_cgroup): the others
 * keep their young bits.
 */
int page_referenced(struct machine *m, pgh_t h, struct mem_cgroup *memcg);
/* Is any mapping of the page VM_LOCKED? */
bool page_mapped_locked(struct machine *m, struct memobj *obj, uint64_t idx);

/* madvise's building blocks (src/mm/madvise.c). */
/* The private page the mapping shows at i (its layer), or PAGE_NIL. */
pgh_t vma_anon_page(struct machine *m, struct vm_area *v, uint64_t i, struct memobj **layer);
/* Does the mapping's PTE at i map a page of its object (file, shmem)? */
bool vma_pte_mapped(const struct vm_area *v, uint64_t i);
bool vma_test_clear_young(struct vm_area *v, uint64_t i);
/* zap_page_range of page i (MADV_DONTNEED): the PTE goes, the page if it was its last. */
void vma_zap_page(struct machine *m, struct vm_area *v, uint64_t i);
/* Reclaim discards a lazily freed page of an anon top layer (its one mapping). */
void anon_discard_page(struct machine *m, struct memobj *layer, pgh_t h);

/* An object lost its last page: file mappings drop their bits too. */
void vma_unmap_obj_range(struct machine *m, struct memobj *obj, uint64_t from,
			 uint64_t to);

#endif
