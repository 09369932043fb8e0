// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel side of the memparse family: lib/cmdline.c's memparse (over
 * lib/vsprintf.c's simple_strtoull and lib/kstrtox.c's parsing) and
 * mm/page_counter.c's page_counter_memparse, with "max" (memory.max and
 * the like) and "" (memory.reclaim) as the word for the maximum.
 */
#include "kdiff_kernel.h"
#include "lib/memparse.c"
#include "kdiff.h"

int kern_memparse(const struct kd_memparse_input *in, struct kd_trace *t)
{
	static const char *const maxstr[] = { "max", "" };
	char *end;
	int i;

	kd_put(t, "memparse", -1, (int64_t)memparse(in->buf, &end));
	kd_put(t, "memparse end", -1, end - in->buf);
	for (i = 0; i < 2; i++) {
		unsigned long pages = 12345;	/* untouched on error? */

		kd_put(t, "page_counter_memparse", i, page_counter_memparse(in->buf, maxstr[i], &pages));
		kd_put(t, "pages", i, (int64_t)pages);
	}
	return 0;
}
