// SPDX-License-Identifier: GPL-2.0-only
/*
 * obj_cgroup after mm/memcontrol.c (6.1): creation at online, reparenting
 * at offline, page-granular charging (memcg_account_kmem + try_charge),
 * uncharging through the per-CPU stock as obj_cgroup_uncharge_pages does.
 * The root memcg has an objcg too; charges to it are never counted.
 */
#include "objcg.h"

#include <stdlib.h>

#include "../../machine.h"
#include "charge.h"
#include "memcg.h"
#include "../kmem.h"

struct obj_cgroup *objcg_of_id(const struct machine *m, uint32_t id)
{
	return id_table_get(&m->objcgs, id);
}

struct obj_cgroup *get_obj_cgroup_from_memcg(struct machine *m, struct mem_cgroup *memcg)
{
	if (!m->policy.kmem || !memcg)
		return NULL;
	if (unlikely(m->ext_keys.kmem_accounting) && !ext_kmem_accounted(m, memcg))
		return NULL;
	for (; !mem_cgroup_is_root(memcg); memcg = memcg->parent)
		if (memcg->objcg)
			return memcg->objcg;
	return NULL;
}

void memcg_online_kmem(struct machine *m, struct mem_cgroup *memcg)
{
	struct obj_cgroup *objcg = xcalloc(1, sizeof(*objcg));

	objcg->id = id_table_alloc(&m->objcgs, objcg);
	objcg->memcg = memcg;
	objcg->refcnt = 1;	/* the memcg's own reference while online */
	list_init(&objcg->list);
	list_add_tail(&objcg->list, &memcg->objcg_list);
	memcg->objcg = objcg;
}

static void objcg_free(struct machine *m, struct obj_cgroup *objcg)
{
	/* Leftover sub-page bytes were a whole page charge: give it back. */
	if (objcg->nr_charged_bytes >= (long)PAGE_SIZE)
		obj_cgroup_uncharge_pages(m, objcg, objcg->nr_charged_bytes / (long)PAGE_SIZE);
	list_del(&objcg->list);
	id_table_remove(&m->objcgs, objcg->id);
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
	int err;

	/* a kernel-memory limit of an extension, behind its static key */
	if (unlikely(m->ext_keys.kmem_charge)) {
		err = ext_kmem_charge(m, memcg, nr_pages);
		if (err)
			return err;
	}
	err = try_charge(m, memcg, gfp, nr_pages);
	if (err) {
		if (unlikely(m->ext_keys.kmem_charge))
			ext_kmem_uncharge(m, memcg, nr_pages);
		return err;
	}
	memcg->stat[MEMCG_KERNEL] += nr_pages;
	return 0;
}

void obj_cgroup_uncharge_pages(struct machine *m, struct obj_cgroup *objcg,
			       long nr_pages)
{
	struct mem_cgroup *memcg = objcg->memcg;

	if (unlikely(m->ext_keys.kmem_charge))
		ext_kmem_uncharge(m, memcg, nr_pages);
	memcg->stat[MEMCG_KERNEL] -= nr_pages;
	memcg_uncharge_to_stock(m, memcg, nr_pages);
}

static struct memcg_stock *obj_stock(struct machine *m)
{
	return &m->cpus[m->current_cpu].stock;
}

static void drain_obj(struct machine *m, struct memcg_stock *stock)
{
	struct obj_cgroup *old = stock->cached_objcg;
	long bytes = stock->nr_bytes;

	if (!old)
		return;
	/*
	 * Empty the stock before anything is uncharged: the uncharge and the
	 * put may free a memcg, and the model frees it at once (the kernel
	 * defers css release to a work item), which uncharges its per-CPU
	 * memory and so refills this very stock.
	 */
	stock->cached_objcg = NULL;
	stock->nr_bytes = 0;
	if (bytes) {
		if (bytes >> PAGE_SHIFT)
			obj_cgroup_uncharge_pages(m, old, bytes >> PAGE_SHIFT);
		/* the sub-page rest goes back to the objcg, not to the memcg */
		old->nr_charged_bytes += bytes & (long)(PAGE_SIZE - 1);
	}
	obj_cgroup_put(m, old);
}

void drain_obj_stock(struct machine *m, int cpu)
{
	drain_obj(m, &m->cpus[cpu].stock);
}

static void refill_obj_stock(struct machine *m, struct obj_cgroup *objcg,
			     long nr_bytes, bool allow_uncharge)
{
	struct memcg_stock *stock = obj_stock(m);
	long nr_pages = 0;

	/* draining may refill the stock (drain_obj): until it caches objcg */
	while (stock->cached_objcg != objcg) {
		if (stock->cached_objcg) {
			drain_obj(m, stock);
			continue;
		}
		obj_cgroup_get(objcg);
		stock->nr_bytes = objcg->nr_charged_bytes;
		objcg->nr_charged_bytes = 0;
		stock->cached_objcg = objcg;
	}
	stock->nr_bytes += nr_bytes;
	if (allow_uncharge && stock->nr_bytes > (long)PAGE_SIZE) {
		nr_pages = stock->nr_bytes >> PAGE_SHIFT;
		stock->nr_bytes &= (long)(PAGE_SIZE - 1);
	}
	if (nr_pages)
		obj_cgroup_uncharge_pages(m, objcg, nr_pages);
}

int obj_cgroup_charge(struct machine *m, struct obj_cgroup *objcg, unsigned gfp,
		      long size)
{
	struct memcg_stock *stock = obj_stock(m);
	long nr_pages, nr_bytes;
	int err;

	if (stock->cached_objcg == objcg && stock->nr_bytes >= size) {
		stock->nr_bytes -= size;
		return 0;
	}
	nr_pages = size >> PAGE_SHIFT;
	nr_bytes = size & (long)(PAGE_SIZE - 1);
	if (nr_bytes)
		nr_pages++;
	err = obj_cgroup_charge_pages(m, objcg, gfp, nr_pages);
	if (!err && nr_bytes)
		refill_obj_stock(m, objcg, (long)PAGE_SIZE - nr_bytes, false);
	return err;
}

void obj_cgroup_uncharge(struct machine *m, struct obj_cgroup *objcg, long size)
{
	refill_obj_stock(m, objcg, size, true);
}

void objcg_table_free(struct machine *m)
{
	uint32_t i;

	for (i = 0; i < m->objcgs.nr; i++)
		free(id_table_at(&m->objcgs, i));
	id_table_free(&m->objcgs);
}
