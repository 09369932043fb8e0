/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * madvise(2): MADV_DONTNEED, MADV_FREE, MADV_COLD, MADV_PAGEOUT on a range
 * of a mapping (mm/madvise.c).
 */
#ifndef SMEMCG_MADVISE_H
#define SMEMCG_MADVISE_H

#include <stdint.h>

struct machine;
struct vm_area;

/* The advice, in the public API's order (SMEMCG_MADV_*). */
enum { MADVISE_DONTNEED, MADVISE_FREE, MADVISE_PAGEOUT, MADVISE_COLD };

/*
 * Advise [off, off + len) of the mapping (len rounded up to pages). 0,
 * -EINVAL (an offset not page aligned, MADV_FREE of a mapping that is not
 * private anonymous, DONTNEED/FREE of a locked one), -ENOMEM (beyond the
 * mapping).
 */
int vma_madvise(struct machine *m, struct vm_area *v, uint64_t off, uint64_t len,
		int advice);

#endif
