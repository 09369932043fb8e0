// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel memory accounting (Linux 6.1): slab objects, kernel stacks,
 * dentries and inodes, and per-CPU memory of memcgs. Seed 004's kmem
 * limit is src/ext/kmem_limit.c, reached through obj_cgroup_charge_pages.
 *
 * Objects are charged to the objcg of the current task's memcg (not of
 * mm->owner), byte by byte through the per-CPU obj stock; their size
 * includes the 8-byte objcg pointer the slab keeps per object
 * (obj_full_size). Tasks in the root cgroup charge nothing and show in no
 * memcg's stats, as get_obj_cgroup_from_current() gives no objcg there.
 * Slabs are shared: objects of every cgroup fill the same slab pages.
 *
 * Object sizes are those of a typical x86_64 6.1 build (slabinfo): exact
 * values depend on the configuration; see docs/semantics.md.
 */
#include "kmem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "memcontrol/baseline.h"
#include "memcontrol/charge.h"
#include "../cgroup/control_files.h"
#include "memcontrol/memcg.h"
#include "memcontrol/objcg.h"
#include "../machine.h"
#include "mm_state.h"
#include "page_alloc.h"
#include "task.h"

struct kmem_cache_desc {
	const char *name;
	long size;		/* object size in the slab */
	bool reclaimable;	/* SLAB_RECLAIM_ACCOUNT */
};

static const struct kmem_cache_desc cache_desc[KMEM_NR_CACHES] = {
	[KMEM_DENTRY] = { "dentry", 192, true },
	[KMEM_INODE] = { "inode", 1192, true },
	[KMEM_TASK_STRUCT] = { "task_struct", 9984, false },
	[KMEM_SOCK] = { "sock", 2368, false },
	[KMEM_PIPE] = { "pipe", 832, false },
	[KMEM_MM_STRUCT] = { "mm_struct", 1088, false },
	[KMEM_VM_AREA] = { "vm_area_struct", 200, false },
	[KMEM_TASK] = { "task", 10632, false },
	[KMEM_SHMEM_INODE] = { "shmem_inode", 760, true },
};

#define OBJCG_PTR_SIZE 8
#define KMALLOC_MAX_CACHE_SIZE 8192

/* A list of objects of one size, each remembered by the objcg it charged. */
/*
 * The objects of one cache a task holds, in allocation order (kfree takes
 * the last ones), as runs of objects charged to one objcg: a statement
 * allocates its objects to one objcg, so the host keeps a few bytes per
 * statement, not per object (10^8 objects of a statement were 400 MB).
 */
struct obj_run {
	uint32_t objcg;		/* objcg id + 1, or 0 when not accounted */
	long count;
};

struct obj_list {
	int cache;		/* enum kmem_cache_id, or KMEM_BYTES */
	long size;		/* object size (kmalloc size class for KMEM_BYTES) */
	struct obj_run *runs;
	long nruns, cap;
	long n;			/* objects */
};

struct obj_lists {
	struct obj_list *v;
	int n, cap;
};

/* A slab cache: how many objects exist and the pages their slabs take. */
struct slab_cache {
	long size;
	long nr_objects;
	long nr_slab_pages;
};

struct kmem_state {
	struct slab_cache *caches;
	int nr_caches, caches_cap;
	struct obj_lists orphans;	/* objects of exited tasks */
};

void kmem_init(struct machine *m)
{
	m->kmem = xcalloc(1, sizeof(*m->kmem));
}

static void lists_free(struct obj_lists *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].runs);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void kmem_free_all(struct machine *m)
{
	if (!m->kmem)
		return;
	lists_free(&m->kmem->orphans);
	free(m->kmem->caches);
	free(m->kmem);
	m->kmem = NULL;
}

static struct obj_list *list_for(struct obj_lists *l, int cache, long size)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].cache == cache && l->v[i].size == size)
			return &l->v[i];
	ALLOC_GROW(l->v, l->n + 1, l->cap);
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	l->v[l->n].cache = cache;
	l->v[l->n].size = size;
	return &l->v[l->n++];
}

static void list_push(struct obj_list *ol, uint32_t id, long count)
{
	if (!ol->nruns || ol->runs[ol->nruns - 1].objcg != id) {
		ALLOC_GROW(ol->runs, ol->nruns + 1, ol->cap);
		ol->runs[ol->nruns].objcg = id;
		ol->runs[ol->nruns++].count = 0;
	}
	ol->runs[ol->nruns - 1].count += count;
	ol->n += count;
}

/* The objcg of the last object, which leaves the list. */
static uint32_t list_pop(struct obj_list *ol)
{
	struct obj_run *r = &ol->runs[ol->nruns - 1];
	uint32_t id = r->objcg;

	if (--r->count == 0)
		ol->nruns--;
	ol->n--;
	return id;
}

static struct obj_lists *task_lists(struct task *t)
{
	if (!t->ext)
		t->ext = xcalloc(1, sizeof(struct obj_lists));
	return t->ext;
}

/* Slab pages: objects of every cgroup share them. */
static struct slab_cache *slab_of(struct machine *m, long size)
{
	struct kmem_state *ks = m->kmem;
	int i;

	for (i = 0; i < ks->nr_caches; i++)
		if (ks->caches[i].size == size)
			return &ks->caches[i];
	ALLOC_GROW(ks->caches, ks->nr_caches + 1, ks->caches_cap);
	memset(&ks->caches[ks->nr_caches], 0, sizeof(ks->caches[0]));
	ks->caches[ks->nr_caches].size = size;
	return &ks->caches[ks->nr_caches++];
}

static long slab_pages_per_slab(long size)
{
	return size > 1024 ? 8 : 1;
}

static int slab_add_object(struct machine *m, long size)
{
	struct slab_cache *sc = slab_of(m, size);
	long per_slab = slab_pages_per_slab(size) * (long)PAGE_SIZE / size;

	if (sc->nr_objects % per_slab == 0) {
		int err = alloc_pages(m, slab_pages_per_slab(size), GFP_KERNEL);

		if (err)
			return err;
		sc->nr_slab_pages += slab_pages_per_slab(size);
		m->mm->kernel_pages += slab_pages_per_slab(size);
	}
	sc->nr_objects++;
	return 0;
}

static void slab_del_object(struct machine *m, long size)
{
	struct slab_cache *sc = slab_of(m, size);
	long per_slab = slab_pages_per_slab(size) * (long)PAGE_SIZE / size;

	sc->nr_objects--;
	if (sc->nr_objects % per_slab == 0) {
		free_pages(m, slab_pages_per_slab(size));
		sc->nr_slab_pages -= slab_pages_per_slab(size);
		m->mm->kernel_pages -= slab_pages_per_slab(size);
	}
}

/* The objcg of the current task: none in the root cgroup. */
static struct obj_cgroup *current_objcg(struct machine *m, struct task *t)
{
	return get_obj_cgroup_from_memcg(m, t ? task_memcg(t) : m->root_mem_cgroup);
}

static bool cache_reclaimable(int cache)
{
	return cache < KMEM_NR_CACHES && cache_desc[cache].reclaimable;
}

static void slab_stat(struct obj_cgroup *objcg, int cache, long bytes)
{
	objcg->memcg->stat[cache_reclaimable(cache) ? MEMCG_SLAB_RECLAIMABLE
						    : MEMCG_SLAB_UNRECLAIMABLE] += bytes;
}

/* Allocate one object charged to objcg; *id gets objcg id + 1 (0: not accounted). */
static int object_alloc_objcg(struct machine *m, struct obj_cgroup *objcg, int cache,
			      long size, uint32_t *id)
{
	long full = size + OBJCG_PTR_SIZE;
	int err;

	*id = 0;
	if (cache == KMEM_BYTES && size > KMALLOC_MAX_CACHE_SIZE) {
		/* a large kmalloc: whole pages, kernel but not slab */
		long pages = (size + (long)PAGE_SIZE - 1) / (long)PAGE_SIZE;

		err = alloc_pages(m, pages, GFP_KERNEL);
		if (err)
			return err;
		m->mm->kernel_pages += pages;
		if (objcg) {
			err = obj_cgroup_charge_pages(m, objcg, GFP_KERNEL, pages);
			if (err) {
				free_pages(m, pages);
				m->mm->kernel_pages -= pages;
				return err;
			}
			obj_cgroup_get(objcg);
			*id = objcg->id + 1;
		}
		return 0;
	}
	err = slab_add_object(m, size);
	if (err)
		return err;
	if (objcg) {
		err = obj_cgroup_charge(m, objcg, GFP_KERNEL, full);
		if (err) {
			slab_del_object(m, size);
			return err;
		}
		obj_cgroup_get(objcg);
		slab_stat(objcg, cache, full);
		*id = objcg->id + 1;
	}
	return 0;
}

/* Allocate one object as t. */
static int object_alloc(struct machine *m, struct task *t, int cache, long size,
			uint32_t *id)
{
	return object_alloc_objcg(m, current_objcg(m, t), cache, size, id);
}

static void object_free(struct machine *m, int cache, long size, uint32_t id)
{
	struct obj_cgroup *objcg = id ? objcg_of_id(m, id - 1) : NULL;

	if (cache == KMEM_BYTES && size > KMALLOC_MAX_CACHE_SIZE) {
		long pages = (size + (long)PAGE_SIZE - 1) / (long)PAGE_SIZE;

		free_pages(m, pages);
		m->mm->kernel_pages -= pages;
		if (objcg) {
			obj_cgroup_uncharge_pages(m, objcg, pages);
			obj_cgroup_put(m, objcg);
		}
		return;
	}
	slab_del_object(m, size);
	if (objcg) {
		long full = size + OBJCG_PTR_SIZE;

		slab_stat(objcg, cache, -full);
		obj_cgroup_uncharge(m, objcg, full);
		obj_cgroup_put(m, objcg);
	}
}

static long kmalloc_size_class(long size)
{
	long c = 8;

	if (size > KMALLOC_MAX_CACHE_SIZE)
		return size;
	while (c < size)
		c <<= 1;
	return c;
}

static int parse_cache(struct machine *m, const char *name, int *cache, long *size)
{
	int i;

	if (!strncmp(name, "bytes:", 6)) {
		const char *end;
		uint64_t n = memparse(name + 6, &end);

		if (*end || !n || n > (64ULL << 20))
			return machine_error(m, -EINVAL, "bytes:SIZE takes 1 byte .. 64M, not %s",
					     name + 6);
		*cache = KMEM_BYTES;
		*size = kmalloc_size_class((long)n);
		return 0;
	}
	for (i = 0; i <= KMEM_VM_AREA; i++) {
		if (!strcmp(name, cache_desc[i].name)) {
			*cache = i;
			*size = cache_desc[i].size;
			return 0;
		}
	}
	return machine_error(m, -EINVAL, "unknown cache %s", name);
}

int kmem_alloc_objects(struct machine *m, struct task *t, const char *cache_name,
		       long count)
{
	struct obj_list *ol;
	int cache, err;
	long size, i;

	err = parse_cache(m, cache_name, &cache, &size);
	if (err)
		return err;
	ol = list_for(task_lists(t), cache, size);
	for (i = 0; i < count; i++) {
		uint32_t id;

		err = object_alloc(m, t, cache, size, &id);
		if (err)
			return machine_error(m, err, "%s: allocation %ld of %ld failed (%s)",
					     cache_name, i + 1, count,
					     m->ext_keys.kmem_charge ? "memory or kmem limit" : "memory limit");
		list_push(ol, id, 1);
	}
	return 0;
}

int kmem_free_objects(struct machine *m, struct task *t, const char *cache_name,
		      long count)
{
	struct obj_list *ol;
	int cache, err;
	long size;

	err = parse_cache(m, cache_name, &cache, &size);
	if (err)
		return err;
	ol = list_for(task_lists(t), cache, size);
	if (ol->n < count)
		return machine_error(m, -EINVAL, "%s allocated only %ld objects of %s",
				     t->comm, ol->n, cache_name);
	while (count--)
		object_free(m, cache, size, list_pop(ol));
	return 0;
}

void kmem_task_exit(struct machine *m, struct task *t)
{
	struct obj_lists *l = t->ext;
	int i;
	long k;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		struct obj_list *to = list_for(&m->kmem->orphans, l->v[i].cache, l->v[i].size);

		for (k = 0; k < l->v[i].nruns; k++)
			list_push(to, l->v[i].runs[k].objcg, l->v[i].runs[k].count);
	}
	lists_free(l);
	free(l);
	t->ext = NULL;
}

/* ---- per-task kernel memory: stack and task_struct ---- */

int task_fork_charge(struct machine *m, struct task *t, struct task *parent)
{
	struct obj_cgroup *objcg = current_objcg(m, parent);
	long pages = THREAD_SIZE / (long)PAGE_SIZE;
	uint32_t id;
	long i;
	int err;

	/*
	 * the task_struct and the other objects a new task gets (signal,
	 * sighand, pid, cred, ...): 10640 bytes of slab per CLONE_VM child,
	 * measured on Debian's 6.1
	 */
	err = object_alloc(m, parent, KMEM_TASK, cache_desc[KMEM_TASK].size, &id);
	if (err)
		return machine_error(m, err, "fork: task_struct could not be charged");
	t->task_struct_objcg = id;
	/* the vmalloc'd stack, charged page by page (memcg_charge_kernel_stack) */
	err = alloc_pages(m, pages, GFP_KERNEL);
	if (err)
		goto fail_stack;
	m->mm->kernel_pages += pages;
	if (objcg) {
		for (i = 0; i < pages; i++) {
			err = obj_cgroup_charge_pages(m, objcg, GFP_KERNEL, 1);
			if (err) {
				if (i)
					obj_cgroup_uncharge_pages(m, objcg, i);
				free_pages(m, pages);
				m->mm->kernel_pages -= pages;
				goto fail_stack;
			}
		}
		obj_cgroup_get(objcg);
		objcg->memcg->stat[MEMCG_KERNEL_STACK] += THREAD_SIZE / 1024;
		t->stack_objcg = objcg->id + 1;
	}
	t->has_stack = true;
	return 0;
fail_stack:
	object_free(m, KMEM_TASK, cache_desc[KMEM_TASK].size, t->task_struct_objcg);
	t->task_struct_objcg = 0;
	return machine_error(m, -ENOMEM, "fork: the kernel stack could not be charged");
}

void task_exit_free_stack(struct machine *m, struct task *t)
{
	long pages = THREAD_SIZE / (long)PAGE_SIZE;

	if (!t->has_stack)
		return;
	t->has_stack = false;
	free_pages(m, pages);
	m->mm->kernel_pages -= pages;
	if (t->stack_objcg) {
		struct obj_cgroup *objcg = objcg_of_id(m, t->stack_objcg - 1);

		objcg->memcg->stat[MEMCG_KERNEL_STACK] -= THREAD_SIZE / 1024;
		obj_cgroup_uncharge_pages(m, objcg, pages);
		obj_cgroup_put(m, objcg);
		t->stack_objcg = 0;
	}
	/* the task_struct goes when the last reference does: at exit here */
	object_free(m, KMEM_TASK, cache_desc[KMEM_TASK].size, t->task_struct_objcg);
	t->task_struct_objcg = 0;
	kmem_task_exit(m, t);
}

/* ---- dentries and inodes of files ---- */

int kmem_charge_inode(struct machine *m, struct task *t, bool shmem, uint32_t *cookie)
{
	int ic = shmem ? KMEM_SHMEM_INODE : KMEM_INODE;
	uint32_t d = 0, i = 0;
	int err;

	err = object_alloc(m, t, KMEM_DENTRY, cache_desc[KMEM_DENTRY].size, &d);
	if (err)
		return err;
	err = object_alloc(m, t, ic, cache_desc[ic].size, &i);
	if (err) {
		object_free(m, KMEM_DENTRY, cache_desc[KMEM_DENTRY].size, d);
		return err;
	}
	/* both are charged to the same objcg, or both to none */
	*cookie = d;
	return 0;
}

void kmem_uncharge_inode(struct machine *m, bool shmem, uint32_t cookie)
{
	kmem_uncharge_inode_obj(m, shmem, cookie);
	kmem_uncharge_dentry(m, cookie);
}

int kmem_charge_dentry(struct machine *m, struct task *t, uint32_t *cookie)
{
	return object_alloc(m, t, KMEM_DENTRY, cache_desc[KMEM_DENTRY].size, cookie);
}

void kmem_uncharge_dentry(struct machine *m, uint32_t cookie)
{
	object_free(m, KMEM_DENTRY, cache_desc[KMEM_DENTRY].size, cookie);
}

int kmem_charge_inode_obj(struct machine *m, struct task *t, bool shmem, uint32_t *cookie)
{
	int ic = shmem ? KMEM_SHMEM_INODE : KMEM_INODE;

	return object_alloc(m, t, ic, cache_desc[ic].size, cookie);
}

void kmem_uncharge_inode_obj(struct machine *m, bool shmem, uint32_t cookie)
{
	int ic = shmem ? KMEM_SHMEM_INODE : KMEM_INODE;

	object_free(m, ic, cache_desc[ic].size, cookie);
}

int kmem_charge_mm(struct machine *m, uint32_t *cookie)
{
	return object_alloc(m, m->current, KMEM_MM_STRUCT, cache_desc[KMEM_MM_STRUCT].size,
			    cookie);
}

void kmem_uncharge_mm(struct machine *m, uint32_t cookie)
{
	object_free(m, KMEM_MM_STRUCT, cache_desc[KMEM_MM_STRUCT].size, cookie);
}

/* ---- the statistics a memcg allocates at mkdir ---- */

/* pcpu_obj_full_size(): size x CPUs, and an objcg pointer per 4 bytes */
static long percpu_bytes(const struct machine *m)
{
	const struct kernel_baseline *kb = m->kernel;
	long size = kb->percpu_bytes + kb->percpu_bytes_per_node * m->cfg.nodes;

	return size * (m->nr_cpus + 2);
}

/*
 * mem_cgroup_alloc() runs under set_active_memcg(parent): the parent pays
 * for the child's per-CPU statistics and, on 6.12, for the statistics it
 * kmallocs (baseline.c). They are freed with the memcg.
 */
void kmem_charge_percpu(struct machine *m, struct mem_cgroup *memcg)
{
	const struct kernel_baseline *kb = m->kernel;
	struct obj_cgroup *objcg = get_obj_cgroup_from_memcg(m, memcg->parent);
	uint32_t id;
	int node;

	if (!objcg)
		return;
	/* percpu memory is allocated with __GFP_NOFAIL semantics here */
	if (obj_cgroup_charge(m, objcg, GFP_NOFAIL, percpu_bytes(m)))
		return;
	obj_cgroup_get(objcg);
	objcg->memcg->stat[MEMCG_PERCPU] += percpu_bytes(m);
	memcg->percpu_objcg = objcg->id + 1;
	if (!kb->stats_kmalloc)
		return;
	object_alloc_objcg(m, objcg, KMEM_BYTES, kb->stats_kmalloc, &id);
	for (node = 0; node < m->cfg.nodes; node++)
		object_alloc_objcg(m, objcg, KMEM_BYTES, kb->stats_kmalloc_per_node, &id);
}

void kmem_uncharge_percpu(struct machine *m, struct mem_cgroup *memcg)
{
	const struct kernel_baseline *kb = m->kernel;
	struct obj_cgroup *objcg;
	int node;

	if (!memcg->percpu_objcg)
		return;
	objcg = objcg_of_id(m, memcg->percpu_objcg - 1);
	if (kb->stats_kmalloc) {
		object_free(m, KMEM_BYTES, kb->stats_kmalloc, memcg->percpu_objcg);
		for (node = 0; node < m->cfg.nodes; node++)
			object_free(m, KMEM_BYTES, kb->stats_kmalloc_per_node, memcg->percpu_objcg);
	}
	objcg->memcg->stat[MEMCG_PERCPU] -= percpu_bytes(m);
	obj_cgroup_uncharge(m, objcg, percpu_bytes(m));
	obj_cgroup_put(m, objcg);
	memcg->percpu_objcg = 0;
}
