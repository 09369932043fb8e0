// SPDX-License-Identifier: GPL-2.0-only
/*
 * The model's side of the refault family, to come with src/mm/workingset.c.
 *
 * Until then it returns KD_NO_SIDE and kdiff runs the kernel's side alone.
 * When the model has its refault detection, this file includes it (as
 * m_vmscan.c includes vmscan.c, through KD_MODEL_SRC) and implements
 * model_refault(): build the chain of memcgs of struct kd_refault_input
 * (kdiff.h), give the eviction level's lruvec the nonresident_age
 * `refault`, the LRU sizes and the swap state of the input, make the
 * shadow entry the model's eviction would have made when that age was
 * `eviction` (at bucket_order), refault a folio of `nr` pages into level
 * `refault_in`, and trace, in this order, what k_workingset.c traces:
 * "activated", "workingset", "workingset_refault", "workingset_activate",
 * "workingset_restore" (the refaulting lruvec's anon or file count),
 * "nonresident_age" of each level, "lru_note_cost" (calls).
 */
#include "kdiff.h"

int model_refault(const struct kd_refault_input *in, struct kd_trace *t)
{
	(void)in;
	(void)t;
	return KD_NO_SIDE;
}
