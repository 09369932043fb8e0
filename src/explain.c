// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg_explain: why a cgroup is charged what it is. Every page charged
 * in the cgroup's subtree is attributed to the object it belongs to (a
 * process's mapping, a file, a mount, a dma_buf, a dead child), kernel
 * memory by kind, borrowed shared memory by smemcg, pages waiting in the
 * per-CPU stocks; each line says which rule or policy put the charge there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "mm/memcontrol/memcg.h"
#include "machine.h"
#include "mm/filemap.h"
#include "mm/memobj.h"
#include "mm/mm.h"
#include "mm/mm_state.h"
#include "mm/mount.h"
#include "mm/task.h"
#include "mm/vma.h"
#include "mm/writeback.h"

struct item {
	char *what;
	const char *why;
	long pages;
};

struct explain_items {
	struct item *v;
	int n, cap;
};

void explain_add(struct explain_items *it, const char *what, const char *why, long pages)
{
	int i;

	if (!pages)
		return;
	for (i = 0; i < it->n; i++)
		if (!strcmp(it->v[i].what, what) && it->v[i].why == why) {
			it->v[i].pages += pages;
			return;
		}
	ALLOC_GROW(it->v, it->n + 1, it->cap);
	it->v[it->n].what = xstrdup(what);
	it->v[it->n].why = why;
	it->v[it->n].pages = pages;
	it->n++;
}

static void first_vma(struct machine *m, struct vm_area *v, uint64_t vidx, void *arg)
{
	(void)m;
	(void)vidx;
	if (!*(struct vm_area **)arg)
		*(struct vm_area **)arg = v;
}

static const char *mm_name(struct machine *m, struct mm_struct *mm)
{
	struct list_node *pos;

	if (mm->owner)
		return mm->owner->comm;
	for_each_task(pos, m)
		if (task_of_node(pos)->mm == mm)
			return task_of_node(pos)->comm;
	return "?";
}

static void describe_page(struct machine *m, struct memobj *obj, pgh_t h,
			  struct mem_cgroup *owner, struct mem_cgroup *x,
			  struct explain_items *it)
{
	char what[512], path[256], label[96];
	const char *why;
	struct vm_area *v = NULL;

	if (owner != x && owner->state != MEMCG_ONLINE) {
		if (owner->cgroup)
			cgroup_path(owner->cgroup, path, sizeof(path));
		else
			snprintf(path, sizeof(path), "(id %u)", owner->id);
		snprintf(what, sizeof(what), "pages left by the dead cgroup %s", path);
		explain_add(it, what, "recharge policy: none moved them (a zombie)", 1);
		return;
	}
	switch (obj->type) {
	case OBJ_ANON:
		rmap_walk(m, obj, page_index(&m->pages, h), first_vma, &v);
		if (v)
			snprintf(what, sizeof(what), "anon: process %s, %s",
				 mm_name(m, v->mm), vma_label(v, label, sizeof(label)));
		else
			snprintf(what, sizeof(what), "anon: pinned pages of exited processes");
		why = policy_is(m, "owner", "mm-memcg")
			      ? "faulted by the mm, charged to mm->memcg (owner=mm-memcg)"
			      : "faulted by the mm, charged to its owner's memcg (owner=mm-owner)";
		explain_add(it, what, why, 1);
		return;
	case OBJ_FILE:
	case OBJ_SHMEM:
		if (obj->inode && obj->inode->path)
			snprintf(what, sizeof(what), "%s %s", obj->type == OBJ_FILE ? "file" : "tmpfs",
				 obj->inode->path);
		else if (obj->type == OBJ_SHMEM)
			snprintf(what, sizeof(what), "shared anonymous memory");
		else
			snprintf(what, sizeof(what), "file (deleted)");
		why = ext_explain_charge(m, obj, owner);
		if (!why && policy_is(m, "shared", "common-ancestor"))
			why = "first touch, moved up to common ancestors (shared=common-ancestor)";
		else if (!why)
			why = "first touch: the task that brought it in (shared=owner)";
		explain_add(it, what, why, 1);
		return;
	case OBJ_DMABUF:
		explain_add(it, "dma_buf", "allocated by a task of the cgroup", 1);
		return;
	}
}

struct explain_walk {
	struct mem_cgroup *x;
	struct explain_items *it;
};

/* memobj_for_each visitor: a resident user page charged in x's subtree */
static void explain_page(struct machine *m, struct memobj *obj, uint64_t idx, pgh_t h,
			 void *arg)
{
	struct explain_walk *w = arg;
	uint32_t o = *page_owner(&m->pages, h);
	struct mem_cgroup *owner;

	(void)idx;
	if (page_state(&m->pages, h) != PS_PRESENT || o == OWNER_NONE)
		return;
	owner = memcg_of_slot(m, o);
	if (mem_cgroup_is_descendant(owner, w->x))
		describe_page(m, obj, h, owner, w->x, w->it);
}

static int cmp_items(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->pages != y->pages)
		return x->pages < y->pages ? 1 : -1;
	return strcmp(x->what, y->what);
}

/*
 * Who holds each dying memcg of the subtree (memcg_holders_format's list),
 * and, for a writeback context, the files that keep it.
 */
static void explain_dying(struct machine *m, struct mem_cgroup *x, struct strbuf *out)
{
	struct mem_cgroup *pos = NULL;

	while ((pos = memcg_iter_next(x, pos))) {
		char path[256];

		if (pos->state != MEMCG_OFFLINE || mem_cgroup_is_detached(pos))
			continue;
		if (pos->cgroup)
			cgroup_path(pos->cgroup, path, sizeof(path));
		else
			snprintf(path, sizeof(path), "(id %u)", pos->id);
		sb_printf(out, "  dying %s is held by: ", path);
		memcg_holders_format(m, pos, out);
		if (pos->refs_held[MEMCG_HELD_BY_WB]) {
			struct strbuf files;

			sb_init(&files);
			wb_explain_holders(m, pos, &files);
			sb_printf(out, "; its writeback context (cgroup writeback) is kept by %s",
				  files.len ? files.buf : "no inode");
			sb_free(&files);
		}
		sb_puts(out, "\n");
	}
}

int explain_cgroup(struct machine *m, const char *path, struct strbuf *out)
{
	const struct ext_ops *ext = ext_file_owner(path);
	struct cgroup *cg;

	/* "@NAME": an object of a module (an smemcg), which explains it */
	if (ext && ext->prefix_explain)
		return ext->prefix_explain(m, path, out);
	cg = cgroup_lookup(m, path);
	if (!cg)
		return machine_error(m, -ENOENT, "no such cgroup: %s", path);
	if (!cg->memcg)
		return machine_error(m, -ENOENT, "%s has no memory controller", path);
	return explain_memcg(m, path, cg->memcg, out);
}

int explain_memcg(struct machine *m, const char *path, struct mem_cgroup *x,
		  struct strbuf *out)
{
	struct mem_cgroup *pos = NULL;
	struct explain_items it = { NULL, 0, 0 };
	struct strbuf notes;
	long st[MEMCG_NR_STATS], total, stock = 0, k;
	uint32_t i;
	int c;
	/* every user page charged in the subtree */
	for (i = 0; i < m->mm->objs.nr; i++) {
		struct memobj *obj = memobj_at(m, i);
		struct explain_walk w = { x, &it };

		if (obj)
			memobj_for_each(m, obj, 0, UINT64_MAX, explain_page, &w);
	}
	memcg_stat_subtree(x, st);
	explain_add(&it, "kernel stacks", "fork, charged to the forking task (kmem)", st[MEMCG_KERNEL_STACK] / 4);
	explain_add(&it, "page tables", "faults, charged to the faulting task (kmem)", st[MEMCG_PAGETABLES]);
	k = st[MEMCG_KERNEL] - st[MEMCG_KERNEL_STACK] / 4 - st[MEMCG_PAGETABLES];
	explain_add(&it, "slab objects and other kernel memory (incl. per-CPU stats of children)",
	    "the current task's memcg (kmem)", k);
	while ((pos = memcg_iter_next(x, pos)))
		for (c = 0; c < m->nr_cpus; c++)
			if (m->cpus[c].stock.cached == pos)
				stock += m->cpus[c].stock.nr_pages;
	explain_add(&it, "pages charged ahead, waiting in per-CPU stocks",
	    "charge batching (64 pages; policy stock=on)", stock);
	sb_init(&notes);
	explain_dying(m, x, &notes);
	ext_call_explain(m, x, &it, &notes);
	total = page_counter_read(&x->memory);
	sb_printf(out, "%s: memory.current %lld bytes\n", path, (long long)total * 4096);
	if (it.n)
		qsort(it.v, (size_t)it.n, sizeof(*it.v), cmp_items);
	for (c = 0; c < it.n; c++) {
		sb_printf(out, "  %12lld  %5.1f%%  %s  [%s]\n", (long long)it.v[c].pages * 4096,
			  total ? 100.0 * (double)it.v[c].pages / (double)total : 0.0,
			  it.v[c].what, it.v[c].why);
		free(it.v[c].what);
	}
	if (notes.len)
		sb_puts(out, notes.buf);
	sb_free(&notes);
	free(it.v);
	return 0;
}
