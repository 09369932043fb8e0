// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page allocator's accounting (mm/page_alloc.c): watermarks from
 * min_free_kbytes = sqrt(lowmem_kbytes * 16) clamped to [128, 262144] KiB,
 * low = min + min/4 and high = min + min/2 raised to the watermark scale
 * factor's 0.1% of memory (10/10000), as __setup_per_zone_wmarks does.
 */
#include "page_alloc.h"

#include <errno.h>
#include <math.h>

#include "memcontrol/charge.h"
#include "../machine.h"
#include "mm_state.h"
#include "oom_kill.h"
#include "task.h"
#include "vmscan.h"

void zone_init(struct machine *m)
{
	struct zone *z = &m->mm->zone;
	long kbytes = (long)(m->cfg.memory_bytes >> 10);
	long min_kb = (long)sqrt((double)kbytes * 16.0);
	long min, scale;

	if (min_kb < 128)
		min_kb = 128;
	if (min_kb > 262144)
		min_kb = 262144;
	z->managed = (long)(m->cfg.memory_bytes >> PAGE_SHIFT);
	z->free = z->managed;
	min = min_kb >> (PAGE_SHIFT - 10);
	scale = z->managed * 10 / 10000;
	z->wmark_min = min;
	z->wmark_low = min + MAX(min / 4, scale);
	z->wmark_high = min + MAX(min / 2, 2 * scale);
}

int alloc_pages(struct machine *m, long nr, unsigned gfp)
{
	struct zone *z = &m->mm->zone;
	int tries = MAX_RECLAIM_RETRIES;

	while (z->free - nr < z->wmark_min) {
		long reclaimed;

		if (!gfpflags_allow_blocking(gfp))
			return -ENOMEM;
		reclaimed = try_to_free_pages(m, nr, gfp);
		if (z->free - nr >= z->wmark_min)
			break;
		if (reclaimed && tries-- > 0)
			continue;
		if (!out_of_memory_global(m, gfp))
			return -ENOMEM;
		tries = MAX_RECLAIM_RETRIES;
		if (m->current && m->current->dying)
			return -ENOMEM;
	}
	z->free -= nr;
	return 0;
}

void free_pages(struct machine *m, long nr)
{
	m->mm->zone.free += nr;
}

void kswapd_run(struct machine *m)
{
	struct zone *z = &m->mm->zone;
	int tries = MAX_RECLAIM_RETRIES;

	if (z->free >= z->wmark_low)
		return;
	while (z->free < z->wmark_high && tries--)
		if (!kswapd_reclaim(m, z->wmark_high - z->free))
			break;
}
