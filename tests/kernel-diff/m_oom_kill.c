// SPDX-License-Identifier: GPL-2.0-only
/*
 * The model's side of the oom_badness family: src/mm/oom_kill.c's
 * oom_badness on a task of its own (included here; KD_MODEL_SRC names a
 * mutated copy in the mutant builds). An exited task has no mm.
 */
#ifndef KD_MODEL_SRC
#define KD_MODEL_SRC "mm/oom_kill.c"
#endif
#include KD_MODEL_SRC

#include <string.h>

#include "kdiff.h"

int model_oom_badness(const struct kd_oom_input *in, struct kd_trace *t)
{
	struct mm_struct mm;
	struct machine m;
	struct task tk;

	memset(&m, 0, sizeof(m));
	memset(&mm, 0, sizeof(mm));
	memset(&tk, 0, sizeof(tk));
	mm.rss[MM_FILEPAGES] = (long)in->file;
	mm.rss[MM_ANONPAGES] = (long)in->anon;
	mm.rss[MM_SHMEMPAGES] = (long)in->shmem;
	mm.rss[MM_SWAPENTS] = (long)in->swapents;
	mm.pgtables = (long)in->pgtables;
	tk.pid = 100;
	tk.mm = in->has_mm ? &mm : NULL;
	tk.state = in->has_mm ? SMEMCG_TASK_ALIVE : SMEMCG_TASK_EXITED;
	tk.oom_score_adj = in->adj;
	kd_put(t, "oom_badness", -1, oom_badness(&m, &tk, (long)in->totalpages));
	return 0;
}
