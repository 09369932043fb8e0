// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs of pages: the scenario touches, reads and writes ranges, not pages.
 * Page operations are sorted by who does what to which target, and
 * consecutive pages of the same kind become one range. First touches
 * (phase 0) come before the mappers' touches (phase 1), so that a page is
 * charged where the kernel charged it.
 */
#include <stdlib.h>

#include "../base/base.h"
#include "snapshot.h"

static int op_cmp(const void *pa, const void *pb)
{
	const struct snap_op *a = pa, *b = pb;
	int c;

	if ((c = CMP3(a->phase, b->phase)) || (c = CMP3(a->actor, b->actor)) ||
	    (c = CMP3(a->via, b->via)) || (c = CMP3(a->kind, b->kind)) ||
	    (c = CMP3(a->target, b->target)))
		return c;
	return CMP3(a->page, b->page);
}

static bool same_key(const struct snap_run *r, const struct snap_op *o)
{
	return r->phase == o->phase && r->actor == o->actor && r->via == o->via &&
	       r->kind == o->kind && r->target == o->target;
}

size_t snap_coalesce(struct snap_op *ops, size_t n, struct snap_run **out)
{
	struct snap_run *runs = NULL;
	size_t i, nr = 0, cap = 0;

	if (n)
		qsort(ops, n, sizeof(*ops), op_cmp);
	for (i = 0; i < n; i++) {
		struct snap_run *r = nr ? &runs[nr - 1] : NULL;

		if (r && same_key(r, &ops[i])) {
			if (ops[i].page < r->first + r->npages)
				continue;	/* the same page again */
			if (ops[i].page == r->first + r->npages) {
				r->npages++;
				continue;
			}
		}
		if (nr == cap) {
			cap = cap ? cap * 2 : 64;
			runs = xrealloc(runs, cap * sizeof(*runs));
		}
		runs[nr].phase = ops[i].phase;
		runs[nr].actor = ops[i].actor;
		runs[nr].via = ops[i].via;
		runs[nr].kind = ops[i].kind;
		runs[nr].target = ops[i].target;
		runs[nr].first = ops[i].page;
		runs[nr].npages = 1;
		nr++;
	}
	*out = runs;
	return nr;
}
