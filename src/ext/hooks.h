/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How the core (the cgroup tree, the memory controller, mm) reaches the
 * proposals in src/ext/. The core owns this header, and it is the only
 * header of src/ext/ the core includes. Two shapes, both the kernel's own:
 *
 * - Lifecycle through a table, as struct cgroup_subsys: each module
 *   exports one struct ext_ops, listed once in src/ext/modules.h; the core
 *   calls each module's callback in that order through ext_call_*()
 *   (src/cgroup/subsys.c). Nothing else in the core lists modules.
 * - Calls from hot paths through this header, as mm/memcontrol-v1.h: the
 *   core makes the call unconditionally behind the cheap guard it needs
 *   (a flag on the memcg, page or object); a build without the proposals
 *   (`make core-only`, SMEMCG_CORE_ONLY) gets a no-op stub instead, and
 *   is plain Linux 6.1.
 *
 * A module keeps its own state: per machine in m->ext[id], per memcg,
 * task, mm, vma, memory object or mount in that object's ext slots
 * (ext_data()), none of it in the core's structs.
 */
#ifndef SMEMCG_EXT_HOOKS_H
#define SMEMCG_EXT_HOOKS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct mem_cgroup;
struct task;
struct mm_struct;
struct memobj;
struct mount;
struct inode;
struct vm_area;
struct cftype;
struct cgroup;
typedef uint32_t pgh_t;
struct strbuf;
struct explain_items;

/* ---- the module list ---------------------------------------------------- */

enum ext_id {
#ifndef SMEMCG_CORE_ONLY
#define EXT_MODULE(name) EXT_##name,
#include "modules.h"
#undef EXT_MODULE
#endif
	EXT_NR
};

/*
 * The cgroup.subtree_control bit of a module's controller (ext_ops
 * .controller); bit 0 is the memory controller.
 */
#define CGRP_SS(id) (1u << (1 + (id)))

/* A policy value a module implements: `policy KEY=VALUE` selects it. */
struct ext_policy {
	const char *key;
	const char *value;
};

/*
 * Where a new page-cache page of an object is charged, and what a failed
 * charge tells the caller (ext_ops.page_cache_target; the core's default
 * is the memcg of the task that brings the page in).
 */
struct page_cache_target {
	struct mem_cgroup *memcg;
	unsigned gfp;		/* GFP_REMOTE for a memcg the task is not in */
	int nomem_errno;	/* the errno of a failed charge */
	const char *nomem_msg;	/* and its message */
};

/*
 * One proposal. Every callback may be NULL. Callbacks that take a memcg
 * are called for every memcg of the tree, whatever the policy; a module
 * that acts only under a policy value keeps the value its `policy`
 * callback was given and tests it itself.
 */
struct ext_ops {
	const char *name;		/* for messages: "seed 000: shared memory cgroups" */
	/* policy values, ending with a NULL key */
	const struct ext_policy *policies;
	/* a controller of cgroup.subtree_control ("pins"), or NULL */
	const char *controller;
	/* control files of memcgs, ending with a NULL name */
	const struct cftype *files;

	/* key (one it has values for) was set to value, its own or not */
	void (*policy)(struct machine *m, const char *key, const char *value);
	void (*init)(struct machine *m);
	/* machine teardown: every task has exited; mounts and files still exist */
	void (*teardown)(struct machine *m);
	void (*free)(struct machine *m);		/* the module's state goes */
	/*
	 * Per-memcg state: every memcg carries memcg_data_size zeroed bytes
	 * as the module's data, from before css_online to after css_free,
	 * allocated with the memcg (0: the module keeps none, or its own).
	 */
	size_t memcg_data_size;
	/* the memory css (memory_cgrp_subsys's callbacks) */
	void (*css_online)(struct machine *m, struct mem_cgroup *memcg);
	void (*css_offline)(struct machine *m, struct mem_cgroup *memcg);
	void (*css_released)(struct machine *m, struct mem_cgroup *memcg);
	/* the memcg's struct goes (also at machine teardown): free what it holds */
	void (*css_free)(struct machine *m, struct mem_cgroup *memcg);
	/*
	 * t moved between memcgs and carries its mm's charges along (its mm's
	 * owner in 6.1, ext_mm_task_moved's rule under an extension)
	 */
	void (*attach)(struct machine *m, struct task *t, struct mem_cgroup *from,
		       struct mem_cgroup *to);
	void (*task_fork)(struct machine *m, struct task *parent, struct task *child);
	void (*task_exit)(struct machine *m, struct task *t);
	/* deferred work: when it is next due (UINT64_MAX: never), and running it */
	uint64_t (*next_due)(const struct machine *m);
	void (*work)(struct machine *m);
	/*
	 * Mounts: an option the core does not know ("memcg=/a"), with
	 * remount set for `remount`; returns 0 (taken), 1 (not the
	 * module's) or -errno. The module keeps what it takes in mnt->ext;
	 * mount_show appends it to the /proc/mounts line, mount_release
	 * drops it (umount, or a mount that failed).
	 */
	int (*mount_option)(struct machine *m, struct task *t, struct mount *mnt,
			    const char *opt, bool remount);
	void (*mount_show)(struct machine *m, struct mount *mnt, struct strbuf *out);
	void (*mount_release)(struct machine *m, struct mount *mnt);
	/* a new file on mnt (NULL: the disk filesystem) */
	void (*inode_init)(struct machine *m, struct mount *mnt, struct inode *inode);
	/*
	 * Where a new page-cache page of obj (a file of a mount whose options
	 * the module took, an object it made) is charged: true when the
	 * module decides, with *tgt filled.
	 */
	bool (*page_cache_target)(struct machine *m, struct task *t, struct memobj *obj,
				  struct page_cache_target *tgt);
	/* obj lost its owner but pinned pages keep it (orphan), and obj goes */
	void (*memobj_orphaned)(struct machine *m, struct memobj *obj);
	void (*memobj_free)(struct machine *m, struct memobj *obj);
	/* a vma with module state is copied at fork (c from v), and goes (munmap, exit) */
	void (*vma_dup)(struct machine *m, struct vm_area *v, struct vm_area *c);
	void (*vma_free)(struct machine *m, struct vm_area *v);
	/* why obj's page is charged to owner, for `explain`; NULL: not the module's doing */
	const char *(*explain_charge)(struct machine *m, struct memobj *obj,
				      struct mem_cgroup *owner);
	/*
	 * Pages the module charged to memcg's memory counter at its level
	 * alone (page_counter_add_local), for the invariant checker
	 */
	long (*local_usage)(const struct machine *m, struct mem_cgroup *memcg);
	/* is memory.stat item (enum memcg_stat_item) of the module shown? */
	bool (*stat_visible)(const struct machine *m, int item);
	/* invariants of the module's own state; 0 or -EUCLEAN with a message */
	int (*check)(struct machine *m);
	/*
	 * `explain` of memcg x: the parts of its charge the module put there
	 * (explain_add(), src/explain.h), and lines to print after them
	 */
	void (*explain)(struct machine *m, struct mem_cgroup *x, struct explain_items *it,
			struct strbuf *notes);
	/*
	 * Files outside the cgroup tree whose paths start with file_prefix
	 * ("@NAME/FILE"): their mode (SMEMCG_FILE_*, 0: no such file),
	 * reading and writing.
	 */
	const char *file_prefix;
	const char *const *file_names;	/* FILE of each, ending with NULL */
	unsigned (*file_mode)(const char *path);
	int (*file_read)(struct machine *m, const char *path, struct strbuf *out);
	int (*file_write)(struct machine *m, const char *path, const char *value);
	/* `explain` of the object at path ("@NAME"): 0 or -errno */
	int (*prefix_explain)(struct machine *m, const char *path, struct strbuf *out);
};

#ifndef SMEMCG_CORE_ONLY
extern const struct ext_ops *const ext_modules[EXT_NR];
#endif

/* The core's loops over the modules (src/cgroup/subsys.c). */
void ext_call_init(struct machine *m);
void ext_call_teardown(struct machine *m);
void ext_call_free(struct machine *m);
void ext_call_css_online(struct machine *m, struct mem_cgroup *memcg);
void ext_call_css_offline(struct machine *m, struct mem_cgroup *memcg);
void ext_call_css_released(struct machine *m, struct mem_cgroup *memcg);
void ext_call_css_free(struct machine *m, struct mem_cgroup *memcg);
void ext_call_attach(struct machine *m, struct task *t, struct mem_cgroup *from,
		     struct mem_cgroup *to);
void ext_call_task_fork(struct machine *m, struct task *parent, struct task *child);
void ext_call_task_exit(struct machine *m, struct task *t);
/* The earliest time deferred work is due; UINT64_MAX when none is. */
uint64_t ext_next_due(const struct machine *m);
void ext_call_work(struct machine *m);
int ext_call_check(struct machine *m);
bool ext_stat_visible(const struct machine *m, int item);
long ext_local_usage(const struct machine *m, struct mem_cgroup *memcg);
/* The first module that takes opt; 1 when none does. */
int ext_mount_option(struct machine *m, struct task *t, struct mount *mnt, const char *opt,
		     bool remount);
void ext_call_mount_show(struct machine *m, struct mount *mnt, struct strbuf *out);
void ext_call_mount_release(struct machine *m, struct mount *mnt);
void ext_call_inode_init(struct machine *m, struct mount *mnt, struct inode *inode);
bool ext_page_cache_target(struct machine *m, struct task *t, struct memobj *obj,
			   struct page_cache_target *tgt);
void ext_call_memobj_orphaned(struct machine *m, struct memobj *obj);
void ext_call_memobj_free(struct machine *m, struct memobj *obj);
void ext_call_vma_dup(struct machine *m, struct vm_area *v, struct vm_area *c);
void ext_call_vma_free(struct machine *m, struct vm_area *v);
const char *ext_explain_charge(struct machine *m, struct memobj *obj, struct mem_cgroup *owner);
void ext_call_explain(struct machine *m, struct mem_cgroup *x, struct explain_items *it,
		      struct strbuf *notes);
/* The cftype of a module's memcg file by name, or NULL. */
const struct cftype *ext_cftype_find(const char *name);
/* The modules' memcg file names, each on a line: those cg has, every one for NULL. */
void ext_cftype_names(struct strbuf *out, const struct cgroup *cg);
/*
 * Memcg files of a module's page_counter, sharing their show and parse as
 * the kernel's memory files do through cft->private (MEMFILE_PRIVATE):
 * EXT_COUNTER(id, type, member) names the page_counter `member` of module
 * id's per-memcg data (a type, ext_ops.memcg_data_size).
 */
#define EXT_COUNTER(id, type, member) (((unsigned long)(id) << 16) | offsetof(type, member))
/* Shows that counter's max as memory.max shows its own: "max" or bytes. */
int ext_counter_max_show(struct machine *m, struct cgroup *cg, const struct cftype *cft,
			 struct strbuf *out);
/*
 * A size or "max" written to cft, in pages into *max: 0, or the machine's
 * error naming the file.
 */
int ext_file_parse_max(struct machine *m, const struct cftype *cft, char *buf, long *max);
/* The names of the files under the modules' file_prefix, each on a line. */
void ext_prefix_file_names(struct strbuf *out, const struct ext_ops *only);
bool ext_name_is_file(const char *name, size_t len);
/* The module whose file_prefix starts path, or NULL. */
const struct ext_ops *ext_file_owner(const char *path);
/* Controllers of cgroup.subtree_control: memory (the core's), then the modules'. */
unsigned cgroup_all_controllers(void);
/* The mask of controller name, 0 when there is none. */
unsigned cgroup_controller_mask(const char *name);
/* The names of the controllers in mask, space-separated, in order. */
void cgroup_controllers_format(struct strbuf *out, unsigned mask);

/* ---- per-object state of the modules -------------------------------------- */

/*
 * Objects a module attaches state to (memcg, task, mm, vma, memory
 * object, mount) carry `void **ext`: NULL until a module sets its slot,
 * then an array of EXT_NR pointers, one per module (a memcg's is there
 * from the start). The core frees the array with the object; what a slot
 * points to is the module's to free, but for memcg_data_size blocks.
 */
static inline void *ext_data(void *const *slots, enum ext_id id)
{
	return slots ? slots[id] : NULL;
}
void ext_data_set(void ***slots, enum ext_id id, void *data);
/*
 * A memcg's slots and the modules' memcg_data_size blocks live after its
 * struct, in the same allocation (as the kernel's mem_cgroup ends with its
 * per-node info). Returns a zeroed memcg whose slots point at their
 * blocks; the caller frees it with free().
 */
struct mem_cgroup *ext_memcg_alloc(void);

/*
 * Static keys (the kernel's static_branch): the guard of a hook point,
 * false until a module needs the hook. A false key costs the core one
 * untaken branch.
 */
struct ext_keys {
	bool kmem_charge;	/* ext_kmem_charge/uncharge for kernel memory pages */
	bool kmem_accounting;	/* ext_kmem_accounted() decides which memcgs account kmem */
	bool mm_memcg;		/* ext_mm_memcg() is the memcg of an mm */
	bool page_access;	/* ext_page_access() on accesses to resident shared pages */
	bool reclaim_more;	/* ext_reclaim_more() when reclaim shrinks a memcg */
	bool attach;		/* ext_call_attach() when a task carries its mm's charges */
};

/*
 * Flags of a memcg (memcg->ext_flags) that route the core's work on it
 * and on its pages to the extensions.
 */
#define MEMCG_EXT_CHARGE 0x1	/* its charges and uncharges go to ext_memcg_charged() */
#define MEMCG_EXT_BORROW 0x2	/* mappings and pins of its pages go to ext_page_borrow() */

/* What ext_reclaim_more() shrinks with: another memcg's lists, filtered. */
typedef bool (*ext_reclaim_filter_fn)(struct machine *m, pgh_t h, void *filter_arg);
typedef void (*ext_shrink_fn)(struct machine *m, struct mem_cgroup *lruvec_owner,
			      ext_reclaim_filter_fn filter, void *filter_arg, void *arg);


/* ---- hot-path hooks: one implementation each, direct calls --------------- */

#ifndef SMEMCG_CORE_ONLY
/*
 * Kernel memory pages charged to (uncharged from) memcg through its objcg
 * (obj_cgroup_charge_pages), before the memory counter: 0 or -ENOMEM.
 * Guard: m->ext_keys.kmem_charge.
 */
int ext_kmem_charge(struct machine *m, struct mem_cgroup *memcg, long nr_pages);
void ext_kmem_uncharge(struct machine *m, struct mem_cgroup *memcg, long nr_pages);
/* Is kernel memory of memcg accounted at all? Guard: kmem_accounting. */
bool ext_kmem_accounted(struct machine *m, struct mem_cgroup *memcg);

/*
 * Pins through a driver (src/mm/gup.c): n pages pinned by t are
 * accounted before they are pinned: 0 or -ENOMEM; *acct is the memcg the
 * pins are accounted to, NULL when none. Unpinning gives them back; a
 * zombie's pins move to its ancestor with ext_pin_reparent.
 */
int ext_pin_charge(struct machine *m, struct task *t, long n, struct mem_cgroup **acct);
void ext_pin_uncharge(struct machine *m, struct mem_cgroup *acct, long n);
void ext_pin_reparent(struct machine *m, struct mem_cgroup *from, struct mem_cgroup *to,
		      long n);
/* mlock of n pages of v by t, accounted like pins: 0 or -ENOMEM */
int ext_mlock_charge(struct machine *m, struct task *t, struct vm_area *v, long n);
void ext_mlock_uncharge(struct machine *m, struct vm_area *v, long n);

/*
 * nr pages were charged to (nr < 0: uncharged from) a memcg flagged
 * MEMCG_EXT_CHARGE, after its own counter: 0 or -ENOMEM, in which case
 * the caller undoes its charge.
 */
int ext_memcg_charged(struct machine *m, struct mem_cgroup *memcg, long nr);
/*
 * Page h, charged to a memcg flagged MEMCG_EXT_BORROW, is mapped (delta
 * +1) at page vidx of v by a task whose mm is charged to memcg, or
 * unmapped (-1) there; or pinned/unpinned by a pin accounted to memcg (v
 * NULL). 0, or -ENOMEM when the extension refuses it.
 */
int ext_page_borrow(struct machine *m, struct vm_area *v, uint64_t vidx,
		    struct mem_cgroup *memcg, pgh_t h, int delta);
/*
 * Reclaim of memcg: also shrink what it sees elsewhere: shrink() reclaims
 * from the LRU lists of another memcg, taking only the pages filter
 * accepts (NULL: all). Guard: reclaim_more.
 */
void ext_reclaim_more(struct machine *m, struct mem_cgroup *memcg, ext_shrink_fn shrink,
		      void *arg);
/*
 * An access by a task of memcg to resident page h of obj: a page marked
 * PF_EXT_ACCESS by an extension (ext_page_marked_access), or any such
 * page under the key page_access (ext_page_access). 0, or an errno when
 * the extension could not move the charge.
 */
void ext_page_marked_access(struct machine *m, struct memobj *obj, pgh_t h,
			    struct mem_cgroup *memcg);
int ext_page_access(struct machine *m, struct memobj *obj, pgh_t h, struct mem_cgroup *memcg);

/*
 * The memcg an mm's pages are charged to, instead of its owner's
 * (get_mem_cgroup_from_mm). Guard: m->ext_keys.mm_memcg.
 */
struct mem_cgroup *ext_mm_memcg(const struct machine *m, const struct mm_struct *mm);
/* A new mm (owner its first task) and one whose last user went. */
void ext_mm_init(struct machine *m, struct mm_struct *mm, struct task *owner);
void ext_mm_exit(struct machine *m, struct mm_struct *mm);
/*
 * t moved from -> to: does it carry its mm's charges along (instead of
 * 6.1's rule, the mm's owner)? Guard: m->ext_keys.mm_memcg.
 */
bool ext_mm_task_moved(struct machine *m, struct task *t, struct mem_cgroup *from,
		       struct mem_cgroup *to);

/* ---- statements of the scenario language that only a proposal has ---- */

/* `smemcg create NAME [max=SIZE]`, `smemcg destroy NAME`, their names */
int ext_smemcg_create(struct machine *m, const char *name, uint64_t max_bytes);
int ext_smemcg_destroy(struct machine *m, const char *name);
void ext_smemcg_names(struct machine *m, struct strbuf *out);
/* `P dmabuf B SIZE [smemcg=NAME]` and `P import B M` */
int ext_dmabuf_create(struct machine *m, struct task *t, uint64_t size, const char *smemcg,
		      int *id);
int ext_dmabuf_import(struct machine *m, struct task *t, int id, struct vm_area **out);
#else
/* What a statement of a proposal gives in a build without the proposals. */
int machine_error(struct machine *m, int err, const char *fmt, ...);
#define EXT_NOT_BUILT(m, what) \
	machine_error(m, -EOPNOTSUPP, "%s needs a proposal this build leaves out (make core-only)", what)

static inline int ext_kmem_charge(struct machine *m, struct mem_cgroup *memcg, long nr_pages)
{
	(void)m, (void)memcg, (void)nr_pages;
	return 0;
}
static inline void ext_kmem_uncharge(struct machine *m, struct mem_cgroup *memcg,
				     long nr_pages)
{
	(void)m, (void)memcg, (void)nr_pages;
}
static inline bool ext_kmem_accounted(struct machine *m, struct mem_cgroup *memcg)
{
	(void)m, (void)memcg;
	return true;
}
static inline int ext_pin_charge(struct machine *m, struct task *t, long n,
				 struct mem_cgroup **acct)
{
	(void)m, (void)t, (void)n;
	*acct = NULL;
	return 0;
}
static inline void ext_pin_uncharge(struct machine *m, struct mem_cgroup *acct, long n)
{
	(void)m, (void)acct, (void)n;
}
static inline void ext_pin_reparent(struct machine *m, struct mem_cgroup *from,
				    struct mem_cgroup *to, long n)
{
	(void)m, (void)from, (void)to, (void)n;
}
static inline int ext_mlock_charge(struct machine *m, struct task *t, struct vm_area *v,
				   long n)
{
	(void)m, (void)t, (void)v, (void)n;
	return 0;
}
static inline void ext_mlock_uncharge(struct machine *m, struct vm_area *v, long n)
{
	(void)m, (void)v, (void)n;
}
static inline struct mem_cgroup *ext_mm_memcg(const struct machine *m,
					      const struct mm_struct *mm)
{
	(void)m, (void)mm;
	return NULL;
}
static inline void ext_mm_init(struct machine *m, struct mm_struct *mm, struct task *owner)
{
	(void)m, (void)mm, (void)owner;
}
static inline void ext_mm_exit(struct machine *m, struct mm_struct *mm)
{
	(void)m, (void)mm;
}
static inline bool ext_mm_task_moved(struct machine *m, struct task *t,
				     struct mem_cgroup *from, struct mem_cgroup *to)
{
	(void)m, (void)t, (void)from, (void)to;
	return false;
}
static inline int ext_memcg_charged(struct machine *m, struct mem_cgroup *memcg, long nr)
{
	(void)m, (void)memcg, (void)nr;
	return 0;
}
static inline int ext_page_borrow(struct machine *m, struct vm_area *v, uint64_t vidx,
				  struct mem_cgroup *memcg, pgh_t h, int delta)
{
	(void)m, (void)v, (void)vidx, (void)memcg, (void)h, (void)delta;
	return 0;
}
static inline void ext_reclaim_more(struct machine *m, struct mem_cgroup *memcg,
				    ext_shrink_fn shrink, void *arg)
{
	(void)m, (void)memcg, (void)shrink, (void)arg;
}
static inline void ext_page_marked_access(struct machine *m, struct memobj *obj, pgh_t h,
					  struct mem_cgroup *memcg)
{
	(void)m, (void)obj, (void)h, (void)memcg;
}
static inline int ext_page_access(struct machine *m, struct memobj *obj, pgh_t h,
				  struct mem_cgroup *memcg)
{
	(void)m, (void)obj, (void)h, (void)memcg;
	return 0;
}
static inline int ext_smemcg_create(struct machine *m, const char *name, uint64_t max_bytes)
{
	(void)name, (void)max_bytes;
	return EXT_NOT_BUILT(m, "smemcg create");
}
static inline int ext_smemcg_destroy(struct machine *m, const char *name)
{
	(void)name;
	return EXT_NOT_BUILT(m, "smemcg destroy");
}
static inline void ext_smemcg_names(struct machine *m, struct strbuf *out)
{
	(void)m, (void)out;
}
static inline int ext_dmabuf_create(struct machine *m, struct task *t, uint64_t size,
				    const char *smemcg, int *id)
{
	(void)t, (void)size, (void)smemcg, (void)id;
	return EXT_NOT_BUILT(m, "dmabuf");
}
static inline int ext_dmabuf_import(struct machine *m, struct task *t, int id,
				    struct vm_area **out)
{
	(void)t, (void)id, (void)out;
	return EXT_NOT_BUILT(m, "import");
}
#endif

#endif
