// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel side of the oom_badness family: mm/oom_kill.c's oom_badness
 * (with find_lock_task_mm, oom_unkillable_task and the mm counters of
 * include/linux/mm.h) on a one-thread user task.
 */
#include "kdiff_kernel.h"
#include "mm/oom_kill.c"
#include "kdiff.h"

int kern_oom_badness(const struct kd_oom_input *in, struct kd_trace *t)
{
	struct mm_struct mm;
	struct signal_struct sig = { .oom_score_adj = (short)in->adj };
	struct task_struct parent = { .tgid = 1 };
	struct task_struct task = {
		.tgid = 100, .mm = in->has_mm ? &mm : NULL, .signal = &sig,
		.real_parent = &parent,
	};

	memset(&mm, 0, sizeof(mm));
	atomic_long_set(&mm.rss_stat.count[MM_FILEPAGES], (long)in->file);
	atomic_long_set(&mm.rss_stat.count[MM_ANONPAGES], (long)in->anon);
	atomic_long_set(&mm.rss_stat.count[MM_SHMEMPAGES], (long)in->shmem);
	atomic_long_set(&mm.rss_stat.count[MM_SWAPENTS], (long)in->swapents);
	atomic_long_set(&mm.pgtables_bytes, (long)(in->pgtables * PAGE_SIZE));
	kd_put(t, "oom_badness", -1, oom_badness(&task, in->totalpages));
	return 0;
}
