// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cgroup tree and the memory css lifecycle.
 *
 * mkdir creates a cgroup and, when its parent enables +memory, a memcg that
 * comes online with a 16-bit id (lowest free in 1..65535, as idr_alloc
 * gives). rmdir takes the cgroup out of the namespace at once; it stays
 * dying (cgroup.stat nr_dying_descendants) until its memcg is released,
 * which happens when the memcg is offline and nothing references it.
 * The online state holds the id; swap entries hold it too, so an offline
 * memcg with swapped pages keeps its id (mem_cgroup_id_put).
 */
#include "memcg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../event_log.h"
#include "../../machine.h"
#include "charge.h"
#include "memory_files.h"
#include "objcg.h"
#include "../kmem.h"
#include "../workingset.h"
#include "../writeback.h"


struct mem_cgroup *memcg_of_slot(const struct machine *m, uint32_t slot)
{
	return id_table_get(&m->memcg_slots, slot);
}

struct mem_cgroup *memcg_in_slot(const struct machine *m, uint32_t slot)
{
	return id_table_at(&m->memcg_slots, slot);
}

struct mem_cgroup *mem_cgroup_from_id(const struct machine *m, unsigned id)
{
	return id < m->id_memcg_cap ? m->id_memcg[id] : NULL;
}

static int memcg_id_alloc(struct machine *m)
{
	uint32_t w;

	for (w = 0; w < (MEM_CGROUP_ID_MAX + 1) / 64; w++) {
		uint64_t free_bits = ~m->id_bitmap[w];

		if (w == 0)
			free_bits &= ~1ULL;	/* id 0 is never handed out */
		if (free_bits) {
			int bit = __builtin_ctzll(free_bits);

			m->id_bitmap[w] |= 1ULL << bit;
			return (int)(w * 64 + (uint32_t)bit);
		}
	}
	return -ENOSPC;
}

static void memcg_id_free(struct machine *m, struct mem_cgroup *memcg)
{
	if (!memcg->id)
		return;
	m->id_bitmap[memcg->id / 64] &= ~(1ULL << (memcg->id % 64));
	m->id_memcg[memcg->id] = NULL;
	memcg->id = 0;
}

static void memcg_lruvec_init(struct mem_cgroup *memcg)
{
	int i;

	for (i = 0; i < NR_LRU_LISTS; i++) {
		memcg->lruvec.lists[i].head = PAGE_NIL;
		memcg->lruvec.lists[i].tail = PAGE_NIL;
	}
	memcg->shadow_head = PAGE_NIL;
	memcg->shadow_tail = PAGE_NIL;
}


/* A memcg struct with its modules' blocks, its counters below parent's, online. */
static struct mem_cgroup *memcg_struct_alloc(struct machine *m, struct mem_cgroup *parent)
{
	struct mem_cgroup *memcg = ext_memcg_alloc();

	memcg->parent = parent;
	page_counter_init(&memcg->memory, parent ? &parent->memory : NULL);
	page_counter_init(&memcg->swap, parent ? &parent->swap : NULL);
	memcg->zswap_max = PAGE_COUNTER_MAX;
	list_init(&memcg->objcg_list);
	memcg_lruvec_init(memcg);
	memcg->slot = id_table_alloc(&m->memcg_slots, memcg);
	memcg->state = MEMCG_ONLINE;
	m->nr_memcgs++;
	return memcg;
}

struct mem_cgroup *memcg_css_alloc(struct machine *m, struct cgroup *cg,
				   struct mem_cgroup *parent, int *err)
{
	struct mem_cgroup *memcg;
	int id = memcg_id_alloc(m);

	if (id < 0) {
		*err = machine_error(m, -ENOSPC,
				     "all 65535 memory cgroup ids are in use");
		return NULL;
	}
	memcg = memcg_struct_alloc(m, parent);
	memcg->id = (uint16_t)id;
	memcg->cgroup = cg;
	if ((size_t)id >= m->id_memcg_cap) {
		size_t old = m->id_memcg_cap;

		ALLOC_GROW(m->id_memcg, (size_t)id + 1, m->id_memcg_cap);
		memset(m->id_memcg + old, 0, (m->id_memcg_cap - old) * sizeof(*m->id_memcg));
	}
	m->id_memcg[id] = memcg;
	if (parent) {
		memcg->prev_sibling = parent->last_child;
		if (parent->last_child)
			parent->last_child->next_sibling = memcg;
		else
			parent->first_child = memcg;
		parent->last_child = memcg;
	}
	return memcg;
}

struct mem_cgroup *memcg_online_ancestor(struct mem_cgroup *memcg)
{
	while (!mem_cgroup_online(memcg))
		memcg = memcg->parent;
	return memcg;
}

bool mem_cgroup_is_descendant(const struct mem_cgroup *memcg,
			      const struct mem_cgroup *root)
{
	for (; memcg; memcg = memcg->parent)
		if (memcg == root)
			return true;
	return false;
}

struct mem_cgroup *memcg_iter_next(struct mem_cgroup *root,
				   struct mem_cgroup *pos)
{
	if (!pos)
		return root;
	if (pos->first_child)
		return pos->first_child;
	while (pos != root) {
		if (pos->next_sibling)
			return pos->next_sibling;
		pos = pos->parent;
	}
	return NULL;
}

/*
 * The css callbacks (memory_cgrp_subsys's css_online, css_offline,
 * css_released, css_free): 6.1's own work (objcg, per-CPU memory), then
 * each extension's, through the table of src/ext/hooks.h.
 */
void memcg_css_online(struct machine *m, struct mem_cgroup *memcg)
{
	kmem_charge_percpu(m, memcg);
	memcg_online_kmem(m, memcg);
	ext_call_css_online(m, memcg);
}

void memcg_css_offline(struct machine *m, struct mem_cgroup *memcg)
{
	memcg_offline_kmem(m, memcg);
	ext_call_css_offline(m, memcg);
}

void memcg_css_released(struct machine *m, struct mem_cgroup *memcg)
{
	kmem_uncharge_percpu(m, memcg);
	ext_call_css_released(m, memcg);
}

void memcg_css_free(struct machine *m, struct mem_cgroup *memcg)
{
	ext_call_css_free(m, memcg);
	memcg_peak_ofs_free(memcg);
	free(memcg);
}

void memcg_offline(struct machine *m, struct mem_cgroup *memcg)
{
	/* draining the stocks may drop the last reference: hold one meanwhile */
	memcg_hold(memcg, MEMCG_HELD_BY_WALK, 1);
	memcg->state = MEMCG_OFFLINE;
	memcg->offline_ns = m->now_ns;
	/* mem_cgroup_css_offline: protection goes, stocks drain, id drops. */
	page_counter_set_min(&memcg->memory, 0);
	page_counter_set_low(&memcg->memory, 0);
	memcg_css_offline(m, memcg);
	workingset_memcg_offline(m, memcg);
	wb_memcg_offline(m, memcg);
	drain_all_stock(m, memcg);
	if (memcg->refs_swap == 0)
		memcg_id_free(m, memcg);
	memcg_put_ref(m, memcg, &memcg->refs_held[MEMCG_HELD_BY_WALK], 1);
}

void memcg_try_release(struct machine *m, struct mem_cgroup *memcg)
{
	struct mem_cgroup *parent = memcg->parent;
	int i;

	if (memcg->state != MEMCG_OFFLINE)
		return;
	if (memcg->refs_swap == 0)
		memcg_id_free(m, memcg);
	if (memcg_refs(memcg) || memcg->first_child)
		return;

	if (unlikely(m->event_fn)) {
		char path[512];

		memcg_describe(m, memcg, path, sizeof(path));
		event_emit(m, SMEMCG_EV_ZOMBIE_RELEASED, 0, 0, 0, NULL, NULL, 0,
			   "%s released, %.3f s after its removal", path,
			   (double)(m->now_ns - memcg->offline_ns) / 1e9);
	}
	memcg->state = MEMCG_RELEASED;
	/* rstat has already folded everything into the ancestors' totals. */
	for (i = 0; i < MEMCG_NR_STATS; i++)
		parent->stat[i] += memcg->stat[i];
	/* charges left by reparented kernel memory stay in the parent's count */
	parent->direct += memcg->direct;
	memcg_css_released(m, memcg);

	if (memcg->prev_sibling)
		memcg->prev_sibling->next_sibling = memcg->next_sibling;
	else
		parent->first_child = memcg->next_sibling;
	if (memcg->next_sibling)
		memcg->next_sibling->prev_sibling = memcg->prev_sibling;
	else
		parent->last_child = memcg->prev_sibling;

	/*
	 * A memcg whose controller was switched off in a live cgroup was
	 * detached from it then; one of a removed cgroup takes it along.
	 */
	if (memcg->cgroup && memcg->cgroup->dying)
		cgroup_release(m, memcg->cgroup);
	id_table_remove(&m->memcg_slots, memcg->slot);
	m->nr_memcgs--;
	memcg_css_free(m, memcg);

	/* A css pins its parent: the parent may go now. */
	memcg_try_release(m, parent);
}

void memcg_memory_event(struct machine *m, struct mem_cgroup *memcg,
			enum memcg_memory_event ev)
{
	bool local_only = !!(m->cfg.options & SMEMCG_OPT_LOCALEVENTS);

	event_emit(m, SMEMCG_EV_MEMCG_EVENT, current_pid(m), 0, 0, memcg,
		   memcg_event_names[ev], 1, "memory.events %s", memcg_event_names[ev]);
	memcg->events_local[ev]++;
	do {
		memcg->events[ev]++;
		if (local_only)
			break;
		memcg = memcg->parent;
	} while (memcg && !mem_cgroup_is_root(memcg));
}

void memcg_stat_subtree(const struct mem_cgroup *memcg,
			long out[MEMCG_NR_STATS])
{
	struct mem_cgroup *root = (struct mem_cgroup *)memcg, *pos = NULL;
	int i;

	memset(out, 0, sizeof(long) * MEMCG_NR_STATS);
	while ((pos = memcg_iter_next(root, pos)))
		for (i = 0; i < MEMCG_NR_STATS; i++)
			out[i] += pos->stat[i];
}

static const char *const holder_names[NR_MEMCG_HOLDERS] = {
	[MEMCG_HELD_BY_MOUNT] = "mount", [MEMCG_HELD_BY_MM] = "mm",
	[MEMCG_HELD_BY_PIN] = "pin", [MEMCG_HELD_BY_BORROW] = "borrow",
	[MEMCG_HELD_BY_WB] = "writeback", [MEMCG_HELD_BY_WORK] = "work",
	[MEMCG_HELD_BY_WALK] = "walk",
};

bool memcg_holders_format(const struct machine *m, const struct mem_cgroup *memcg,
			  struct strbuf *out)
{
	bool first = true, only_stock;
	int cpu, k;

	if (memcg->refs_pages) {
		sb_printf(out, "pages=%ld", memcg->refs_pages);
		first = false;
	}
	if (memcg->refs_swap) {
		sb_printf(out, "%sswap=%ld", first ? "" : " ", memcg->refs_swap);
		first = false;
	}
	if (memcg->refs_stock) {
		bool c1 = true;

		sb_printf(out, "%sstock=%ld(cpu ", first ? "" : " ", memcg->refs_stock);
		for (cpu = 0; cpu < m->nr_cpus; cpu++)
			if (m->cpus[cpu].stock.cached == memcg) {
				sb_printf(out, "%s%d", c1 ? "" : ",", cpu);
				c1 = false;
			}
		sb_puts(out, ")");
		first = false;
	}
	for (k = 0; k < NR_MEMCG_HOLDERS; k++)
		if (memcg->refs_held[k]) {
			sb_printf(out, "%s%s=%ld", first ? "" : " ", holder_names[k],
				  memcg->refs_held[k]);
			first = false;
		}
	if (memcg->first_child) {
		sb_printf(out, "%schildren", first ? "" : " ");
		first = false;
	}
	only_stock = memcg->refs_stock && memcg_refs(memcg) == memcg->refs_stock &&
		     !memcg->first_child;
	return only_stock;
}

long zombie_bytes_per_memcg(const struct machine *m)
{
	/*
	 * struct mem_cgroup (~4 KiB), per-node state (~1.1 KiB each) and the
	 * per-CPU statistics: CPUs x (1280 + 752 x nodes) bytes on 6.1 x86_64
	 * (reference/MEMCG_FACTS.md section 9).
	 */
	long nodes = m->cfg.nodes ? m->cfg.nodes : 1;

	return 4096 + 1152 * nodes + (long)m->nr_cpus * (1280 + 752 * nodes);
}

struct mem_cgroup *memcg_css_alloc_detached(struct machine *m, int *err)
{
	(void)err;
	return memcg_struct_alloc(m, NULL);
}

void memcg_free_detached(struct machine *m, struct mem_cgroup *memcg)
{
	int cpu;

	/* a stock may still cache it */
	for (cpu = 0; cpu < m->nr_cpus; cpu++)
		if (m->cpus[cpu].stock.cached == memcg)
			drain_stock(m, cpu);
	workingset_memcg_free(m, memcg);
	id_table_remove(&m->memcg_slots, memcg->slot);
	m->nr_memcgs--;
	memcg_css_free(m, memcg);
}
