/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Address spaces: the model's mm_struct, with the memcg the mm's user
 * pages are charged to found through mm->owner (6.1), or given by an
 * extension (ext_mm_memcg: seed 003's mm->memcg).
 */
#ifndef SMEMCG_MM_H
#define SMEMCG_MM_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/intmap.h"
#include "../base/list.h"

struct machine;
struct task;
struct mem_cgroup;

enum mm_counter {
	MM_FILEPAGES,
	MM_ANONPAGES,
	MM_SWAPENTS,
	MM_SHMEMPAGES,
	NR_MM_COUNTERS,
};

struct mm_struct {
	int users;			/* tasks using this mm */
	int count;			/* users + other holders (mmgrab) */
	struct task *owner;		/* mm->owner, 6.1 */
	void **ext;			/* the modules' state (src/ext/hooks.h) */
	struct list_node vmas;
	struct intmap vma_ids;		/* vma id -> vma (the scenario's lookups) */
	long rss[NR_MM_COUNTERS];
	uint64_t total_vm;		/* pages mapped */
	long pgtables;			/* page-table pages charged for it */
	long locked_vm;			/* pages mlocked */
	long pinned_vm;			/* pages pinned (vm_account TASK) */
	uint64_t next_va;		/* where the next mapping goes (pages) */
	struct intmap upper;		/* region -> struct pt_upper: PMD pages, per 1 GiB */
	uint32_t kmem_cookie;		/* its mm_struct object, charged at fork */
	bool has_kmem;
};

/* A PMD page and how many PTE pages hang off it. */
struct pt_upper {
	uint64_t region;
	long nr_ptes;
	uint32_t objcg;		/* objcg id + 1 it was charged to */
};

/* A new empty address space whose mm->owner is owner (spawn). */
struct mm_struct *mm_alloc(struct machine *m, struct task *owner);
/* fork without CLONE_VM: copy the address space, private pages COW. */
struct mm_struct *mm_dup(struct machine *m, struct mm_struct *old,
			 struct task *child);
/* Drop a user; the last one tears the address space down. */
void mmput(struct machine *m, struct mm_struct *mm);
/* Hold the mm_struct itself (not its address space), as vm_account does. */
static inline void mmgrab(struct mm_struct *mm)
{
	mm->count++;
}
void mmdrop(struct mm_struct *mm);
/* 6.1 mm_update_next_owner(): children, siblings, then anyone. */
void mm_update_next_owner(struct machine *m, struct mm_struct *mm,
			  struct task *exiting);
long mm_rss(const struct mm_struct *mm);
/*
 * The mm side of t's move from -> to: whether t carries the mm's charges
 * (the owner in 6.1, or an extension's rule), and then the extensions'
 * attach callbacks (charge moving).
 */
void mm_task_moved(struct machine *m, struct task *t,
		   struct mem_cgroup *from, struct mem_cgroup *to);

#endif
