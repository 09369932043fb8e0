// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel side of the page_counter family: mm/page_counter.c, compiled
 * unchanged, on a tree of counters set up as mem_cgroup_css_alloc() does.
 * After each op: its result, the WARNs it raised, every field of every
 * counter.
 */
#include "kdiff_kernel.h"
#include "kdiff.h"

static void dump(struct page_counter *c, int n, struct kd_trace *t)
{
	int i;

	for (i = 0; i < n; i++) {
		const int64_t f[KD_PC_NR_FIELDS] = {
			[KD_PCF_USAGE] = atomic_long_read(&c[i].usage),
			[KD_PCF_EMIN] = (int64_t)c[i].emin,
			[KD_PCF_MIN_USAGE] = atomic_long_read(&c[i].min_usage),
			[KD_PCF_CHILDREN_MIN_USAGE] = atomic_long_read(&c[i].children_min_usage),
			[KD_PCF_ELOW] = (int64_t)c[i].elow,
			[KD_PCF_LOW_USAGE] = atomic_long_read(&c[i].low_usage),
			[KD_PCF_CHILDREN_LOW_USAGE] = atomic_long_read(&c[i].children_low_usage),
			[KD_PCF_WATERMARK] = (int64_t)c[i].watermark,
			[KD_PCF_FAILCNT] = (int64_t)c[i].failcnt,
			[KD_PCF_MIN] = (int64_t)c[i].min,
			[KD_PCF_LOW] = (int64_t)c[i].low,
			[KD_PCF_HIGH] = (int64_t)c[i].high,
			[KD_PCF_MAX] = (int64_t)c[i].max,
		};

		kd_put_counter(t, i, f);
	}
}

int kern_page_counter(const struct kd_pc_input *in, struct kd_trace *t)
{
	struct page_counter c[KD_PC_MAX];
	int i, k;

	memset(c, 0, sizeof(c));
	for (i = 0; i < in->n; i++) {
		page_counter_init(&c[i], in->parent[i] >= 0 ? &c[in->parent[i]] : NULL);
		page_counter_set_high(&c[i], PAGE_COUNTER_MAX);
	}
	for (k = 0; k < in->nops; k++) {
		const struct kd_pc_op *op = &in->op[k];
		struct page_counter *fail = NULL, *pc = &c[op->idx];

		kd_kernel_warnings = 0;
		switch (op->kind) {
		case KD_PC_CHARGE:
			page_counter_charge(pc, op->nr);
			break;
		case KD_PC_TRY_CHARGE:
			kd_put(t, "try_charge", k, page_counter_try_charge(pc, op->nr, &fail));
			kd_put(t, "fail", k, fail ? fail - c : -1);
			break;
		case KD_PC_UNCHARGE:
			page_counter_uncharge(pc, op->nr);
			break;
		case KD_PC_CANCEL:
			page_counter_cancel(pc, op->nr);
			break;
		case KD_PC_SET_MIN:
			page_counter_set_min(pc, op->nr);
			break;
		case KD_PC_SET_LOW:
			page_counter_set_low(pc, op->nr);
			break;
		case KD_PC_SET_MAX:
			kd_put(t, "set_max", k, page_counter_set_max(pc, op->nr));
			break;
		case KD_PC_SET_HIGH:
			page_counter_set_high(pc, op->nr);
			break;
		case KD_PC_RESET_WATERMARK:
			page_counter_reset_watermark(pc);
			break;
		}
		kd_put(t, "underflow warnings", k, kd_kernel_warnings);
		dump(c, in->n, t);
	}
	return 0;
}
