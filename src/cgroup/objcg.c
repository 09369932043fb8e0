/*
 * obj_cgroup after mm/memcontrol.c (6.1): creation at online, reparenting
 * at offline, page-granular charging (memcg_account_kmem + try_charge),
 * uncharging through the per-CPU stock as obj_cgroup_uncharge_pages does.
 * The root memcg has an objcg too; charges to it are never counted.
 */
#include "objcg.h"

#include <stdlib.h>

#include "../machine.h"
#include "charge.h"
#include "memcg.h"

struct objcg_table {
	struct obj_cgroup **v;
	uint32_t nr, cap, free_head;
};

static struct objcg_table *table(struct machine *m)
{
	if (!m->objcgs) {
		m->objcgs = xcalloc(1, sizeof(struct objcg_table));
		m->objcgs->free_head = UINT32_MAX;
	}
	return m->objcgs;
}

struct obj_cgroup *objcg_of_id(const struct machine *m, uint32_t id)
{
	return m->objcgs->v[id];
}

struct obj_cgroup *memcg_objcg(struct mem_cgroup *memcg)
{
	return memcg->objcg;
}

void memcg_online_kmem(struct machine *m, struct mem_cgroup *memcg)
{
	struct objcg_table *t = table(m);
	struct obj_cgroup *objcg = xcalloc(1, sizeof(*objcg));
	uint32_t id;

	if (t->free_head != UINT32_MAX) {
		id = t->free_head;
		t->free_head = (uint32_t)((uintptr_t)t->v[id] >> 1);
	} else {
		if (t->nr == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 64;
			t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
		}
		id = t->nr++;
	}
	t->v[id] = objcg;
	objcg->id = id;
	objcg->memcg = memcg;
	objcg->refcnt = 1;	/* the memcg's own reference while online */
	list_init(&objcg->list);
	list_add_tail(&objcg->list, &memcg->objcg_list);
	memcg->objcg = objcg;
}

static void objcg_free(struct machine *m, struct obj_cgroup *objcg)
{
	struct objcg_table *t = m->objcgs;

	/* Leftover sub-page bytes were a whole page charge: give it back. */
	if (objcg->nr_charged_bytes >= (long)PAGE_SIZE)
		obj_cgroup_uncharge_pages(m, objcg, objcg->nr_charged_bytes / (long)PAGE_SIZE);
	list_del(&objcg->list);
	t->v[objcg->id] = (struct obj_cgroup *)(((uintptr_t)t->free_head << 1) | 1);
	t->free_head = objcg->id;
	free(objcg);
}

void memcg_offline_kmem(struct machine *m, struct mem_cgroup *memcg)
{
	struct mem_cgroup *parent = memcg->parent;
	struct obj_cgroup *objcg = memcg->objcg;
	struct list_node *pos, *tmp;

	if (!objcg || !parent)
		return;
	memcg->objcg = NULL;
	/* Every objcg that pointed here (own and inherited) now points up. */
	list_for_each_safe(pos, tmp, &memcg->objcg_list) {
		struct obj_cgroup *o = container_of(pos, struct obj_cgroup, list);

		o->memcg = parent;
		list_del(&o->list);
		list_add_tail(&o->list, &parent->objcg_list);
	}
	obj_cgroup_put(m, objcg);
}

void obj_cgroup_get(struct obj_cgroup *objcg)
{
	objcg->refcnt++;
}

void obj_cgroup_put(struct machine *m, struct obj_cgroup *objcg)
{
	if (--objcg->refcnt == 0)
		objcg_free(m, objcg);
}

int obj_cgroup_charge_pages(struct machine *m, struct obj_cgroup *objcg,
			    unsigned gfp, long nr_pages)
{
	struct mem_cgroup *memcg = objcg->memcg;
	int err = try_charge(m, memcg, gfp, nr_pages);

	if (err)
		return err;
	memcg->stat[MEMCG_KERNEL] += nr_pages;
	return 0;
}

void obj_cgroup_uncharge_pages(struct machine *m, struct obj_cgroup *objcg,
			       long nr_pages)
{
	struct mem_cgroup *memcg = objcg->memcg;

	memcg->stat[MEMCG_KERNEL] -= nr_pages;
	memcg_uncharge_to_stock(m, memcg, nr_pages);
}
