// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel side of the refault family: mm/workingset.c's
 * workingset_refault on a shadow entry that pack_shadow() made, as
 * workingset_eviction() would have, in a chain of memcgs (kdiff.h says
 * what is traced).
 */
#include "kdiff_kernel.h"
#include "include/memcontrol_h.c"

/* workingset_init() sizes it from the RAM; the case chooses it */
static unsigned int bucket_order;

#include "mm/workingset.c"
#include "kdiff.h"

extern struct mem_cgroup **kd_memcg_ids;
extern int kd_nr_memcg_ids;

int kern_refault(const struct kd_refault_input *in, struct kd_trace *t)
{
	static struct mem_cgroup mc[KD_WS_LEVELS];
	static struct mem_cgroup *ids[KD_WS_LEVELS];
	struct folio folio = { 0 };
	struct lruvec *ev, *lruvec;
	void *shadow;
	int i;

	for (i = 0; i < in->depth; i++) {
		kd_memcg_init(&mc[i], i ? &mc[i - 1] : NULL, (unsigned short)(i + 1));
		mc[i].swap.max = in->swap_max[i];
		atomic_long_set(&mc[i].swap.usage, (long)in->swap_usage[i]);
		atomic_long_set(&mem_cgroup_lruvec(&mc[i], &kd_node0)->nonresident_age,
				(long)in->age[i]);
		ids[i] = &mc[i];
	}
	root_mem_cgroup = &mc[0];
	kd_memcg_ids = ids;
	kd_nr_memcg_ids = in->depth;
	atomic_long_set(&nr_swap_pages, in->nr_swap_pages);
	bucket_order = in->bucket_order;

	ev = mem_cgroup_lruvec(&mc[in->evicted_in], &kd_node0);
	shadow = pack_shadow(mem_cgroup_id(&mc[in->evicted_in]), &kd_node0,
			     in->eviction >> bucket_order, in->workingset);
	atomic_long_set(&ev->nonresident_age, (long)in->refault);
	ev->state[NR_ACTIVE_FILE] = (long)in->active_file;
	ev->state[NR_INACTIVE_FILE] = (long)in->inactive_file;
	ev->state[NR_ACTIVE_ANON] = (long)in->active_anon;
	ev->state[NR_INACTIVE_ANON] = (long)in->inactive_anon;
	if (in->memcg_gone)
		ids[in->evicted_in] = NULL;

	folio.flags = in->file ? 0 : 1UL << PG_swapbacked;
	folio.memcg = &mc[in->refault_in];
	folio.nr_pages = in->nr;
	kd_lru_note_cost_calls = 0;
	workingset_refault(&folio, shadow);

	lruvec = mem_cgroup_lruvec(folio.memcg, &kd_node0);
	kd_put(t, "activated", -1, !!(folio.flags & (1UL << PG_active)));
	kd_put(t, "workingset", -1, !!(folio.flags & (1UL << PG_workingset)));
	kd_put(t, "workingset_refault", -1, lruvec->state[WORKINGSET_REFAULT_BASE + in->file]);
	kd_put(t, "workingset_activate", -1, lruvec->state[WORKINGSET_ACTIVATE_BASE + in->file]);
	kd_put(t, "workingset_restore", -1, lruvec->state[WORKINGSET_RESTORE_BASE + in->file]);
	for (i = 0; i < in->depth; i++)
		kd_put(t, "nonresident_age", i,
		       atomic_long_read(&mem_cgroup_lruvec(&mc[i], &kd_node0)->nonresident_age));
	kd_put(t, "lru_note_cost", -1, kd_lru_note_cost_calls);
	return 0;
}
