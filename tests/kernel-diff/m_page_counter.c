// SPDX-License-Identifier: GPL-2.0-only
/*
 * The model's side of the page_counter, effective_protection and
 * calculate_protection families: src/counter/page_counter.c, included
 * here (KD_MODEL_SRC names a mutated copy in the mutant builds) so that
 * its static functions are the ones the program runs.
 */
#ifndef KD_MODEL_SRC
#define KD_MODEL_SRC "counter/page_counter.c"
#endif
#include KD_MODEL_SRC

#include "kdiff.h"

static void dump(const struct page_counter *c, int n, struct kd_trace *t)
{
	int i;

	for (i = 0; i < n; i++) {
		const int64_t f[KD_PC_NR_FIELDS] = {
			[KD_PCF_USAGE] = c[i].usage,
			[KD_PCF_EMIN] = c[i].emin,
			[KD_PCF_MIN_USAGE] = c[i].min_usage,
			[KD_PCF_CHILDREN_MIN_USAGE] = c[i].children_min_usage,
			[KD_PCF_ELOW] = c[i].elow,
			[KD_PCF_LOW_USAGE] = c[i].low_usage,
			[KD_PCF_CHILDREN_LOW_USAGE] = c[i].children_low_usage,
			[KD_PCF_WATERMARK] = c[i].watermark,
			[KD_PCF_FAILCNT] = (int64_t)c[i].failcnt,
			[KD_PCF_MIN] = c[i].min,
			[KD_PCF_LOW] = c[i].low,
			[KD_PCF_HIGH] = c[i].high,
			[KD_PCF_MAX] = c[i].max,
		};

		kd_put_counter(t, i, f);
	}
}

static void init_tree(struct page_counter *c, int n, const int *parent)
{
	int i;

	for (i = 0; i < n; i++) {
		page_counter_init(&c[i], parent[i] >= 0 ? &c[parent[i]] : NULL);
		/* what mem_cgroup_css_alloc() does; the model's init does it too */
		page_counter_set_high(&c[i], PAGE_COUNTER_MAX);
	}
}

int model_page_counter(const struct kd_pc_input *in, struct kd_trace *t)
{
	struct page_counter c[KD_PC_MAX];
	int k;

	init_tree(c, in->n, in->parent);
	for (k = 0; k < in->nops; k++) {
		const struct kd_pc_op *op = &in->op[k];
		struct page_counter *fail = NULL, *pc = &c[op->idx];
		long nr = (long)op->nr;
		int underflows = 0;

		switch (op->kind) {
		case KD_PC_CHARGE:
			page_counter_charge(pc, nr);
			break;
		case KD_PC_TRY_CHARGE:
			kd_put(t, "try_charge", k, page_counter_try_charge(pc, nr, &fail));
			kd_put(t, "fail", k, fail ? fail - c : -1);
			break;
		case KD_PC_UNCHARGE:
			underflows = page_counter_uncharge(pc, nr);
			break;
		case KD_PC_CANCEL:
			underflows = page_counter_cancel(pc, nr);
			break;
		case KD_PC_SET_MIN:
			page_counter_set_min(pc, nr);
			break;
		case KD_PC_SET_LOW:
			page_counter_set_low(pc, nr);
			break;
		case KD_PC_SET_MAX:
			kd_put(t, "set_max", k, page_counter_set_max(pc, nr));
			break;
		case KD_PC_SET_HIGH:
			page_counter_set_high(pc, nr);
			break;
		case KD_PC_RESET_WATERMARK:
			page_counter_reset_watermark(pc);
			break;
		}
		kd_put(t, "underflow warnings", k, underflows);
		dump(c, in->n, t);
	}
	return 0;
}

int model_effective_protection(const struct kd_ep_input *in, struct kd_trace *t)
{
	kd_put(t, "effective_protection", -1,
	       effective_protection((long)in->usage, (long)in->parent_usage, (long)in->setting,
				    (long)in->parent_effective, (long)in->siblings_protected,
				    in->recursive));
	return 0;
}

int model_calculate_protection(const struct kd_prot_input *in, struct kd_trace *t)
{
	struct page_counter c[KD_PC_MAX];
	int i, k;

	init_tree(c, in->n, in->parent);
	for (k = 0; k < in->nops; k++) {
		const struct kd_pc_op *op = &in->op[k];
		struct page_counter *pc = &c[op->idx];

		switch (op->kind) {
		case KD_PROT_CHARGE:
			page_counter_charge(pc, (long)op->nr);
			break;
		case KD_PROT_UNCHARGE:
			page_counter_uncharge(pc, (long)op->nr);
			break;
		case KD_PROT_SET_MIN:
			page_counter_set_min(pc, (long)op->nr);
			break;
		case KD_PROT_SET_LOW:
			page_counter_set_low(pc, (long)op->nr);
			break;
		case KD_PROT_WALK:
			/* shrink_node_memcgs() (src/mm/vmscan.c): the root is never below min/low */
			for (i = 0; i < in->n; i++) {
				int m = in->preorder[i];

				if (!kd_in_subtree(in->parent, m, op->idx))
					continue;
				page_counter_calculate_protection(pc, &c[m], in->recursive);
				kd_put(t, "below_min", m, m != 0 && page_counter_below_min(&c[m]));
				kd_put(t, "below_low", m, m != 0 && page_counter_below_low(&c[m]));
			}
			break;
		}
		for (i = 0; i < in->n; i++) {
			kd_put(t, "usage", i, page_counter_read(&c[i]));
			kd_put(t, "emin", i, c[i].emin);
			kd_put(t, "elow", i, c[i].elow);
		}
	}
	return 0;
}
