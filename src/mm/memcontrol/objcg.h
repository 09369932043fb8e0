/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * obj_cgroup: the indirection kernel memory is charged through (5.9+).
 * A kernel object or page records its objcg, not its memcg; when a memcg
 * goes offline its objcgs are pointed at the parent, so kernel memory no
 * longer keeps the dead memcg alive (memcg_reparent_objcgs).
 */
#ifndef SMEMCG_OBJCG_H
#define SMEMCG_OBJCG_H

#include <stdint.h>

#include "../../base/list.h"

struct machine;
struct mem_cgroup;

struct obj_cgroup {
	struct mem_cgroup *memcg;	/* current target; the parent after offline */
	long refcnt;			/* charged pages and objects, +1 while attached */
	long nr_charged_bytes;		/* sub-page remainder of byte charges */
	uint32_t id;
	struct list_node list;		/* in memcg's objcg list */
};

/* Create the memcg's objcg (memcg_online_kmem). */
void memcg_online_kmem(struct machine *m, struct mem_cgroup *memcg);
/* Reparent memcg's objcgs to its parent (memcg_offline_kmem). */
void memcg_offline_kmem(struct machine *m, struct mem_cgroup *memcg);

void objcg_table_free(struct machine *m);
/* The objcg of an id a page or an object stores; NULL for a freed one. */
struct obj_cgroup *objcg_of_id(const struct machine *m, uint32_t id);
/*
 * The objcg kernel memory of memcg is charged to: the nearest one up the
 * tree (an offline memcg's was reparented), NULL for the root, under
 * kmem=off, or when an extension leaves memcg unaccounted
 * (ext_kmem_accounted: kmem=limited). Holds no reference.
 */
struct obj_cgroup *get_obj_cgroup_from_memcg(struct machine *m, struct mem_cgroup *memcg);
void obj_cgroup_get(struct obj_cgroup *objcg);
void obj_cgroup_put(struct machine *m, struct obj_cgroup *objcg);

/*
 * Byte-granular charging of kernel objects through the per-CPU obj stock:
 * whole pages are charged, the unused tail stays in the stock.
 */
int obj_cgroup_charge(struct machine *m, struct obj_cgroup *objcg, unsigned gfp,
		      long size);
void obj_cgroup_uncharge(struct machine *m, struct obj_cgroup *objcg, long size);
/* Flush a CPU's obj stock (drain_obj_stock). */
void drain_obj_stock(struct machine *m, int cpu);

/* Charge whole pages of kernel memory (kernel stat, memory counter). */
int obj_cgroup_charge_pages(struct machine *m, struct obj_cgroup *objcg,
			    unsigned gfp, long nr_pages);
void obj_cgroup_uncharge_pages(struct machine *m, struct obj_cgroup *objcg,
			       long nr_pages);

#endif
