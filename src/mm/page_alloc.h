/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Physical memory: one zone with the kernel's min/low/high watermarks.
 * An allocation below min runs direct reclaim of the whole machine, then
 * the global OOM killer; falling below low wakes "kswapd", which the model
 * runs at the end of the operation until free memory is back above high.
 */
#ifndef SMEMCG_PAGE_ALLOC_H
#define SMEMCG_PAGE_ALLOC_H

struct machine;

/* The one zone of the machine: its size and watermarks from the config. */
void zone_init(struct machine *m);
/* Take nr pages of physical memory: 0 or -ENOMEM. */
int alloc_pages(struct machine *m, long nr, unsigned gfp);
void free_pages(struct machine *m, long nr);
/* kswapd's work, run between operations. */
void kswapd_run(struct machine *m);

#endif
