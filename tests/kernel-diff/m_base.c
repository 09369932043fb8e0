// SPDX-License-Identifier: GPL-2.0-only
/*
 * The model's side of the memparse family: src/base/base.c's memparse
 * (included here; KD_MODEL_SRC names a mutated copy in the mutant builds)
 * and src/counter/page_counter.c's page_counter_memparse.
 */
#ifndef KD_MODEL_SRC
#define KD_MODEL_SRC "base/base.c"
#endif
#include KD_MODEL_SRC

#include "counter/page_counter.h"
#include "kdiff.h"

int model_memparse(const struct kd_memparse_input *in, struct kd_trace *t)
{
	static const char *const maxstr[] = { "max", "" };
	const char *end;
	int i;

	kd_put(t, "memparse", -1, (int64_t)memparse(in->buf, &end));
	kd_put(t, "memparse end", -1, end - in->buf);
	for (i = 0; i < 2; i++) {
		long pages = 12345;	/* untouched on error? */

		kd_put(t, "page_counter_memparse", i, page_counter_memparse(in->buf, maxstr[i], &pages));
		kd_put(t, "pages", i, pages);
	}
	return 0;
}
