// SPDX-License-Identifier: GPL-2.0-only
/*
 * The families of tests/kernel-diff: for each, how a case is generated
 * (seeded, with edge values: 0, 1, the limits, powers of two +-1, values
 * near one another so that limits are hit), how any case vector decodes
 * into its input (kdiff.h), and how a case is shown when it fails.
 *
 * Generators draw most numbers around a per-case scale so that charges,
 * limits and protections of one case meet; some cases use the whole range.
 * The input domains are the kernel's, narrowed where the model's types
 * are narrower, as docs/kernel-diff.md lists.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "driver.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A scale for one case: mostly small numbers, sometimes anything. */
static uint64_t pick_scale(struct kd_rng *r)
{
	if (kd_rand(r) % 2)
		return 1ULL << (kd_rand(r) % 11);
	return 1ULL << (kd_rand(r) % 52);
}

/* Around scale, or (one time in eight) anywhere up to max. */
static uint64_t pick_near(struct kd_rng *r, uint64_t scale, uint64_t max)
{
	if (kd_rand(r) % 8 == 0 || scale >= max / 2)
		return kd_pick(r, max);
	return kd_pick(r, 2 * scale);
}

static int nr_records(const struct kd_family *f, const struct kd_case *c, int max)
{
	int n = c->n > f->hdr ? (c->n - f->hdr) / f->rec : 0;

	return n < max ? n : max;
}

static void decode_tree(struct kd_reader *r, int max, int *n, int *parent)
{
	int i;

	*n = 1 + (int)kd_take(r, (uint64_t)max - 1);
	parent[0] = -1;
	for (i = 1; i < max; i++) {
		int p = (int)kd_take(r, (uint64_t)i - 1);

		parent[i] = i < *n ? p : -1;
	}
}

/* Returns the number of nodes. */
static int emit_tree(struct kd_rng *r, struct kd_case *c, int max, int min_n)
{
	int i, n = min_n + (int)(kd_rand(r) % (uint64_t)(max - min_n + 1));

	kd_emit(c, (uint64_t)(n - 1));
	for (i = 1; i < max; i++)
		kd_emit(c, kd_rand(r) % (uint64_t)i);
	return n;
}

static void describe_tree(FILE *f, int n, const int *parent)
{
	int i;

	fprintf(f, "#   tree: 0 (root)");
	for (i = 1; i < n; i++)
		fprintf(f, ", %d under %d", i, parent[i]);
	fprintf(f, "\n");
}

/* ---- page_counter --------------------------------------------------------- */

static const char *const pc_kinds[] = {
	"charge", "try_charge", "uncharge", "cancel", "set_min", "set_low",
	"set_max", "set_high", "reset_watermark",
};

static void pc_decode(const struct kd_case *c, struct kd_pc_input *in);

static void decode_ops(struct kd_reader *r, int nops, int nkinds, int n,
		       struct kd_pc_op *op)
{
	int k;

	for (k = 0; k < nops; k++) {
		op[k].kind = (int)kd_take(r, (uint64_t)nkinds - 1);
		op[k].idx = (int)kd_take(r, (uint64_t)n - 1);
		op[k].nr = kd_take(r, KD_PAGE_COUNTER_MAX);
	}
}

static void pc_gen(struct kd_rng *r, struct kd_case *c)
{
	static const int weight[KD_PC_NR_KINDS] = { 4, 6, 4, 1, 2, 2, 3, 1, 1 };
	uint64_t scale = pick_scale(r);
	int k, nops = 1 + (int)(kd_rand(r) % KD_PC_MAX_OPS);
	int n = emit_tree(r, c, KD_PC_MAX, 1);

	for (k = 0; k < nops; k++) {
		int w = (int)(kd_rand(r) % 24), kind = 0;

		while (w >= weight[kind])
			w -= weight[kind++];
		kd_emit(c, (uint64_t)kind);
		kd_emit(c, kd_rand(r) % (uint64_t)n);
		kd_emit(c, pick_near(r, scale, KD_PAGE_COUNTER_MAX));
	}
}

static const struct kd_family *family(const char *name);

static void pc_decode(const struct kd_case *c, struct kd_pc_input *in)
{
	struct kd_reader r = { c, 0 };

	memset(in, 0, sizeof(*in));
	decode_tree(&r, KD_PC_MAX, &in->n, in->parent);
	in->nops = nr_records(family("page_counter"), c, KD_PC_MAX_OPS);
	decode_ops(&r, in->nops, KD_PC_NR_KINDS, in->n, in->op);
}

static int pc_run(const struct kd_case *c, int side, struct kd_trace *t)
{
	struct kd_pc_input in;

	pc_decode(c, &in);
	return side == KD_KERNEL ? kern_page_counter(&in, t) : model_page_counter(&in, t);
}

static void describe_ops(FILE *f, int nops, const struct kd_pc_op *op,
			 const char *const *kinds)
{
	int k;

	for (k = 0; k < nops; k++)
		fprintf(f, "#   op %d: %s(counter %d, %" PRIu64 ")\n", k, kinds[op[k].kind],
			op[k].idx, op[k].nr);
}

static void pc_describe(const struct kd_case *c, FILE *f)
{
	struct kd_pc_input in;

	pc_decode(c, &in);
	describe_tree(f, in.n, in.parent);
	fprintf(f, "#   every counter: page_counter_init, set_high(PAGE_COUNTER_MAX)\n");
	describe_ops(f, in.nops, in.op, pc_kinds);
}

/* ---- effective_protection ------------------------------------------------ */

static void ep_decode(const struct kd_case *c, struct kd_ep_input *in)
{
	struct kd_reader r = { c, 0 };

	in->usage = kd_take(&r, INT64_MAX);
	in->parent_usage = kd_take(&r, INT64_MAX);
	in->setting = kd_take(&r, INT64_MAX);
	in->parent_effective = kd_take(&r, INT64_MAX);
	in->siblings_protected = kd_take(&r, INT64_MAX);
	in->recursive = kd_take(&r, 1);
}

static void ep_gen(struct kd_rng *r, struct kd_case *c)
{
	uint64_t scale = pick_scale(r);
	int i;

	for (i = 0; i < 5; i++)
		kd_emit(c, pick_near(r, scale, INT64_MAX));
	kd_emit(c, kd_rand(r) % 2);
}

static int ep_run(const struct kd_case *c, int side, struct kd_trace *t)
{
	struct kd_ep_input in;

	ep_decode(c, &in);
	return side == KD_KERNEL ? kern_effective_protection(&in, t)
				 : model_effective_protection(&in, t);
}

static void ep_describe(const struct kd_case *c, FILE *f)
{
	struct kd_ep_input in;

	ep_decode(c, &in);
	fprintf(f, "#   effective_protection(usage %" PRIu64 ", parent_usage %" PRIu64
		", setting %" PRIu64 ", parent_effective %" PRIu64
		", siblings_protected %" PRIu64 ")%s\n", in.usage, in.parent_usage,
		in.setting, in.parent_effective, in.siblings_protected,
		in.recursive ? " with memory_recursiveprot" : "");
}

/* ---- calculate_protection ------------------------------------------------ */

static const char *const prot_kinds[] = {
	"charge", "uncharge", "set_min", "set_low", "reclaim walk",
};

static void preorder(int n, const int *parent, int *order)
{
	int stack[KD_PC_MAX], sp = 0, k = 0, i;

	stack[sp++] = 0;
	while (sp) {
		int v = stack[--sp];

		order[k++] = v;
		/* children in increasing index order: push them reversed */
		for (i = n - 1; i > v; i--)
			if (parent[i] == v)
				stack[sp++] = i;
	}
}

static void prot_decode(const struct kd_case *c, struct kd_prot_input *in)
{
	uint64_t charged[KD_PC_MAX] = { 0 };
	struct kd_reader r = { c, 0 };
	int k;

	memset(in, 0, sizeof(*in));
	decode_tree(&r, KD_PC_MAX, &in->n, in->parent);
	in->recursive = kd_take(&r, 1);
	in->free_uncharges = kd_take(&r, 1);
	preorder(in->n, in->parent, in->preorder);
	in->nops = nr_records(family("calculate_protection"), c, KD_PC_MAX_OPS);
	decode_ops(&r, in->nops, KD_PROT_NR_KINDS, in->n, in->op);
	/*
	 * A memcg gives back only what was charged to it, so a parent's
	 * usage never drops below its children's: uncharges are clamped to
	 * what the node was charged. Unless the case says otherwise, which
	 * the generator never does: a child above its parent is where the
	 * model's signed effective protection parts from the kernel's
	 * (docs/semantics.md), which a replay shows.
	 */
	for (k = 0; k < in->nops && !in->free_uncharges; k++) {
		struct kd_pc_op *op = &in->op[k];

		if (op->kind == KD_PROT_CHARGE) {
			charged[op->idx] += op->nr;
		} else if (op->kind == KD_PROT_UNCHARGE) {
			if (op->nr > charged[op->idx])
				op->nr = charged[op->idx];
			charged[op->idx] -= op->nr;
		}
	}
}

static void prot_gen(struct kd_rng *r, struct kd_case *c)
{
	static const int weight[KD_PROT_NR_KINDS] = { 5, 1, 3, 3, 4 };
	uint64_t scale = pick_scale(r);
	int k, nops = 1 + (int)(kd_rand(r) % KD_PC_MAX_OPS);
	int n = emit_tree(r, c, KD_PC_MAX, 2);

	kd_emit(c, kd_rand(r) % 2);
	kd_emit(c, 0);		/* uncharges give back what was charged */
	for (k = 0; k < nops; k++) {
		int w = (int)(kd_rand(r) % 16), kind = 0;

		while (w >= weight[kind])
			w -= weight[kind++];
		kd_emit(c, (uint64_t)kind);
		/* the root's counter is charged only through its children */
		kd_emit(c, kind == KD_PROT_WALK ? kd_rand(r) % (uint64_t)n
						: 1 + kd_rand(r) % (uint64_t)(n - 1));
		kd_emit(c, pick_near(r, scale, KD_PAGE_COUNTER_MAX));
	}
}

static int prot_run(const struct kd_case *c, int side, struct kd_trace *t)
{
	struct kd_prot_input in;

	prot_decode(c, &in);
	return side == KD_KERNEL ? kern_calculate_protection(&in, t)
				 : model_calculate_protection(&in, t);
}

static void prot_describe(const struct kd_case *c, FILE *f)
{
	struct kd_prot_input in;

	prot_decode(c, &in);
	describe_tree(f, in.n, in.parent);
	if (in.recursive)
		fprintf(f, "#   memory_recursiveprot\n");
	if (in.free_uncharges)
		fprintf(f, "#   uncharges not limited to what was charged: a parent may use less than its child\n");
	fprintf(f, "#   (a walk from 0 with an odd value passes root NULL to the kernel)\n");
	describe_ops(f, in.nops, in.op, prot_kinds);
}

/* ---- overage ------------------------------------------------------------- */

static void ov_decode(const struct kd_case *c, struct kd_overage_input *in)
{
	struct kd_reader r = { c, 0 };

	in->usage = kd_take(&r, UINT64_MAX);
	in->high = kd_take(&r, UINT64_MAX);
	in->max_overage = kd_take(&r, UINT64_MAX);
	in->nr_pages = (uint32_t)kd_take(&r, UINT32_MAX);
}

static void ov_gen(struct kd_rng *r, struct kd_case *c)
{
	uint64_t scale = pick_scale(r);
	uint64_t high = pick_near(r, scale, UINT64_MAX);

	kd_emit(c, kd_rand(r) % 4 ? high + kd_pick(r, scale) : kd_pick(r, UINT64_MAX));
	kd_emit(c, high);
	/* 1 << 20 is an overage of 100% */
	kd_emit(c, kd_rand(r) % 4 ? kd_pick(r, 4ULL << 20) : kd_pick(r, UINT64_MAX));
	kd_emit(c, kd_rand(r) % 4 ? kd_pick(r, 512) : kd_pick(r, UINT32_MAX));
}

static int ov_run(const struct kd_case *c, int side, struct kd_trace *t)
{
	struct kd_overage_input in;

	ov_decode(c, &in);
	return side == KD_KERNEL ? kern_overage(&in, t) : model_overage(&in, t);
}

static void ov_describe(const struct kd_case *c, FILE *f)
{
	struct kd_overage_input in;

	ov_decode(c, &in);
	fprintf(f, "#   calculate_overage(usage %" PRIu64 ", high %" PRIu64 ")\n",
		in.usage, in.high);
	fprintf(f, "#   calculate_high_delay(nr_pages %" PRIu32 ", max_overage %" PRIu64
		", then that overage)\n", in.nr_pages, in.max_overage);
}

/* ---- high_penalty -------------------------------------------------------- */

static void hp_decode(const struct kd_case *c, struct kd_high_input *in)
{
	struct kd_reader r = { c, 0 };
	int i;

	memset(in, 0, sizeof(*in));
	/* the leaf is never the root: try_charge does not charge it */
	in->depth = 2 + (int)kd_take(&r, KD_HIGH_MAX - 2);
	in->nr_pages = (uint32_t)kd_take(&r, UINT32_MAX);
	in->local_events = kd_take(&r, 1);
	for (i = 0; i < KD_HIGH_MAX; i++) {
		in->lvl[i].mem_usage = kd_take(&r, INT64_MAX);
		in->lvl[i].mem_high = kd_take(&r, INT64_MAX);
		in->lvl[i].swap_usage = kd_take(&r, INT64_MAX);
		in->lvl[i].swap_high = kd_take(&r, INT64_MAX);
	}
}

static void hp_gen(struct kd_rng *r, struct kd_case *c)
{
	uint64_t scale = pick_scale(r);
	int i;

	kd_emit(c, kd_rand(r) % (KD_HIGH_MAX - 1));
	kd_emit(c, kd_rand(r) % 4 ? kd_pick(r, 512) : kd_pick(r, UINT32_MAX));
	kd_emit(c, kd_rand(r) % 2);
	for (i = 0; i < KD_HIGH_MAX; i++) {
		uint64_t mh = pick_near(r, scale, KD_PAGE_COUNTER_MAX);
		uint64_t sh = pick_near(r, scale, KD_PAGE_COUNTER_MAX);

		/* a limit of max (PAGE_COUNTER_MAX) is common */
		if (kd_rand(r) % 4 == 0)
			mh = KD_PAGE_COUNTER_MAX;
		if (kd_rand(r) % 4 == 0)
			sh = KD_PAGE_COUNTER_MAX;
		kd_emit(c, kd_rand(r) % 2 ? mh + kd_pick(r, scale) : pick_near(r, scale, INT64_MAX));
		kd_emit(c, mh);
		kd_emit(c, kd_rand(r) % 2 ? sh + kd_pick(r, scale) : pick_near(r, scale, INT64_MAX));
		kd_emit(c, sh);
	}
}

static int hp_run(const struct kd_case *c, int side, struct kd_trace *t)
{
	struct kd_high_input in;

	hp_decode(c, &in);
	return side == KD_KERNEL ? kern_high_penalty(&in, t) : model_high_penalty(&in, t);
}

static void hp_describe(const struct kd_case *c, FILE *f)
{
	struct kd_high_input in;
	int i;

	hp_decode(c, &in);
	fprintf(f, "#   %d levels (0 the root, %d the memcg), nr_pages %" PRIu32 "%s\n",
		in.depth, in.depth - 1, in.nr_pages,
		in.local_events ? ", memory_localevents" : "");
	for (i = 0; i < in.depth; i++)
		fprintf(f, "#   level %d: memory %" PRIu64 " high %" PRIu64 ", swap %" PRIu64
			" high %" PRIu64 "\n", i, in.lvl[i].mem_usage, in.lvl[i].mem_high,
			in.lvl[i].swap_usage, in.lvl[i].swap_high);
}

/* ---- oom_badness --------------------------------------------------------- */

#define KD_RSS_MAX (1ULL << 45)
#define KD_TOTALPAGES_MAX (1ULL << 52)

static void oom_decode(const struct kd_case *c, struct kd_oom_input *in)
{
	struct kd_reader r = { c, 0 };

	in->has_mm = !kd_take(&r, 1);
	in->file = kd_take(&r, KD_RSS_MAX);
	in->anon = kd_take(&r, KD_RSS_MAX);
	in->shmem = kd_take(&r, KD_RSS_MAX);
	in->swapents = kd_take(&r, KD_RSS_MAX);
	in->pgtables = kd_take(&r, KD_RSS_MAX);
	in->adj = (int)kd_take_signed(&r, -1000, 1000);
	/* 2^52 pages (16 EiB): adj * totalpages / 1000 + rss stays in a long */
	in->totalpages = kd_take(&r, KD_TOTALPAGES_MAX);
}

static void oom_gen(struct kd_rng *r, struct kd_case *c)
{
	uint64_t scale = pick_scale(r);
	static const int adjs[] = { -1000, -999, -1, 0, 1, 999, 1000 };
	int i;

	kd_emit(c, kd_rand(r) % 8 == 0);
	for (i = 0; i < 5; i++)
		kd_emit(c, pick_near(r, scale, KD_RSS_MAX));
	kd_emit(c, kd_zigzag(kd_rand(r) % 2 ? adjs[kd_rand(r) % ARRAY_SIZE(adjs)]
					    : (int64_t)(kd_rand(r) % 2001) - 1000));
	kd_emit(c, pick_near(r, scale * 1000, KD_TOTALPAGES_MAX));
}

static int oom_run(const struct kd_case *c, int side, struct kd_trace *t)
{
	struct kd_oom_input in;

	oom_decode(c, &in);
	return side == KD_KERNEL ? kern_oom_badness(&in, t) : model_oom_badness(&in, t);
}

static void oom_describe(const struct kd_case *c, FILE *f)
{
	struct kd_oom_input in;

	oom_decode(c, &in);
	fprintf(f, "#   task %s: file %" PRIu64 " anon %" PRIu64 " shmem %" PRIu64
		" swapents %" PRIu64 " pgtables %" PRIu64 " pages, oom_score_adj %d,"
		" totalpages %" PRIu64 "\n", in.has_mm ? "with its mm" : "exited (no mm)",
		in.file, in.anon, in.shmem, in.swapents, in.pgtables, in.adj, in.totalpages);
}

/* ---- memparse ------------------------------------------------------------ */

/* Tokens a value is made of; 0 ("0") is where shrinking goes. */
static const char *const mp_tokens[] = {
	"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
	"k", "K", "m", "M", "g", "G", "t", "T", "p", "P", "e", "E",
	"x", "X", "a", "A", "f", "F", "b", "B", " ", "\n", "\t", "-", "+", ".",
	"max", "0x", "0X", "\x80", "\xff", "4096", "18446744073709551615",
	"9223372036854775807", "18446744073709551616", "ffffffffffffffff",
};

static void mp_decode(const struct kd_case *c, struct kd_memparse_input *in)
{
	struct kd_reader r = { c, 0 };
	int k, nrec = c->n < KD_MEMPARSE_LEN ? c->n : KD_MEMPARSE_LEN;
	size_t len = 0;

	memset(in, 0, sizeof(*in));
	for (k = 0; k < nrec; k++) {
		const char *tok = mp_tokens[kd_take(&r, ARRAY_SIZE(mp_tokens) - 1)];
		size_t tl = strlen(tok);

		if (len + tl > KD_MEMPARSE_LEN)
			tl = KD_MEMPARSE_LEN - len;
		memcpy(in->buf + len, tok, tl);
		len += tl;
	}
}

static void mp_gen(struct kd_rng *r, struct kd_case *c)
{
	int k, n = (int)(kd_rand(r) % 8);

	/* mostly digits with a suffix, then anything */
	for (k = 0; k < n; k++)
		kd_emit(c, kd_rand(r) % 4 ? kd_rand(r) % 10 : kd_rand(r) % ARRAY_SIZE(mp_tokens));
	if (kd_rand(r) % 2)
		kd_emit(c, 10 + kd_rand(r) % 12);
	if (kd_rand(r) % 4 == 0)
		kd_emit(c, kd_rand(r) % ARRAY_SIZE(mp_tokens));
}

static int mp_run(const struct kd_case *c, int side, struct kd_trace *t)
{
	struct kd_memparse_input in;

	mp_decode(c, &in);
	return side == KD_KERNEL ? kern_memparse(&in, t) : model_memparse(&in, t);
}

static void mp_describe(const struct kd_case *c, FILE *f)
{
	struct kd_memparse_input in;
	const unsigned char *p;

	mp_decode(c, &in);
	fprintf(f, "#   buf \"");
	for (p = (const unsigned char *)in.buf; *p; p++)
		fprintf(f, *p >= 0x20 && *p < 0x7f && *p != '"' ? "%c" : "\\x%02x", *p);
	fprintf(f, "\"\n");
}

/* ---- stock --------------------------------------------------------------- */

static const char *const stock_kinds[] = { "consume_stock", "refill_stock", "drain_stock" };

static void stock_decode(const struct kd_case *c, struct kd_stock_input *in)
{
	struct kd_reader r = { c, 0 };
	int i, k;

	memset(in, 0, sizeof(*in));
	in->nmemcg = 2 + (int)kd_take(&r, KD_STOCK_MEMCGS - 2);
	in->parent[0] = -1;
	for (i = 1; i < KD_STOCK_MEMCGS; i++) {
		int p = (int)kd_take(&r, (uint64_t)i - 1);

		in->parent[i] = i < in->nmemcg ? p : -1;
	}
	for (i = 1; i < KD_STOCK_MEMCGS; i++)
		in->usage[i] = kd_take(&r, KD_PAGE_COUNTER_MAX / 8);
	in->ncpus = 1 + (int)kd_take(&r, KD_STOCK_CPUS - 1);
	in->nops = nr_records(family("stock"), c, KD_STOCK_MAX_OPS);
	for (k = 0; k < in->nops; k++) {
		in->op[k].kind = (int)kd_take(&r, KD_STOCK_NR_KINDS - 1);
		in->op[k].cpu = (int)kd_take(&r, (uint64_t)in->ncpus - 1);
		in->op[k].memcg = 1 + (int)kd_take(&r, (uint64_t)in->nmemcg - 2);
		/* refills come from a batch's surplus or kernel memory: < 2^31 */
		in->op[k].nr = (uint32_t)kd_take(&r, INT32_MAX);
	}
}

static void stock_gen(struct kd_rng *r, struct kd_case *c)
{
	int i, k, nops = 1 + (int)(kd_rand(r) % KD_STOCK_MAX_OPS);
	int nmemcg = 2 + (int)(kd_rand(r) % (KD_STOCK_MEMCGS - 1));
	int ncpus = 1 + (int)(kd_rand(r) % KD_STOCK_CPUS);

	kd_emit(c, (uint64_t)nmemcg - 2);
	for (i = 1; i < KD_STOCK_MEMCGS; i++)
		kd_emit(c, kd_rand(r) % (uint64_t)i);
	for (i = 1; i < KD_STOCK_MEMCGS; i++)
		kd_emit(c, kd_rand(r) % 4 ? kd_pick(r, 1024) : kd_pick(r, KD_PAGE_COUNTER_MAX / 8));
	kd_emit(c, (uint64_t)ncpus - 1);
	for (k = 0; k < nops; k++) {
		kd_emit(c, kd_rand(r) % KD_STOCK_NR_KINDS);
		kd_emit(c, kd_rand(r) % (uint64_t)ncpus);
		kd_emit(c, kd_rand(r) % (uint64_t)(nmemcg - 1));
		kd_emit(c, kd_rand(r) % 8 ? kd_pick(r, 130) : kd_pick(r, INT32_MAX));
	}
}

static int stock_run(const struct kd_case *c, int side, struct kd_trace *t)
{
	struct kd_stock_input in;

	stock_decode(c, &in);
	return side == KD_KERNEL ? kern_stock(&in, t) : model_stock(&in, t);
}

static void stock_describe(const struct kd_case *c, FILE *f)
{
	struct kd_stock_input in;
	int i, k;

	stock_decode(c, &in);
	describe_tree(f, in.nmemcg, in.parent);
	fprintf(f, "#   %d CPUs; charged first:", in.ncpus);
	for (i = 1; i < in.nmemcg; i++)
		fprintf(f, "%s memcg %d %" PRIu64 " pages", i > 1 ? "," : "", i, in.usage[i]);
	fprintf(f, "\n");
	for (k = 0; k < in.nops; k++)
		fprintf(f, "#   op %d: cpu %d %s(memcg %d, %" PRIu32 ")\n", k, in.op[k].cpu,
			stock_kinds[in.op[k].kind], in.op[k].memcg, in.op[k].nr);
}

/* ---- charge ---------------------------------------------------------------- */

static const char *const charge_kinds[] = {
	"try_charge", "uncharge (folio)", "uncharge (kmem, to the stock)", "drain_stock",
	"memory.max =", "memory.high =",
};
static const char *const gfp_names[] = { "GFP_NOWAIT", "GFP_ATOMIC", "GFP_NOWAIT|__GFP_NOFAIL" };

#define KD_CHARGE_NR_MAX (1ULL << 24)

static void charge_decode(const struct kd_case *c, struct kd_charge_input *in)
{
	struct kd_reader r = { c, 0 };
	int k;

	memset(in, 0, sizeof(*in));
	decode_tree(&r, KD_CHARGE_MEMCGS, &in->nmemcg, in->parent);
	in->ncpus = 1 + (int)kd_take(&r, KD_CHARGE_CPUS - 1);
	in->local_events = kd_take(&r, 1);
	in->nops = nr_records(family("charge"), c, KD_CHARGE_MAX_OPS);
	for (k = 0; k < in->nops; k++) {
		struct kd_charge_op *op = &in->op[k];

		op->kind = (int)kd_take(&r, KD_CHARGE_NR_KINDS - 1);
		op->cpu = (int)kd_take(&r, (uint64_t)in->ncpus - 1);
		op->memcg = (int)kd_take(&r, (uint64_t)in->nmemcg - 1);
		op->gfp = (int)kd_take(&r, KD_GFP_NR - 1);
		op->nr = kd_take(&r, op->kind >= KD_CHARGE_SET_MAX ? KD_PAGE_COUNTER_MAX
								  : KD_CHARGE_NR_MAX);
		/* the root's pages are not charged, so never uncharged */
		if ((op->kind == KD_CHARGE_UNCHARGE || op->kind == KD_CHARGE_UNCHARGE_KMEM) &&
		    op->memcg == 0)
			op->kind = KD_CHARGE_DRAIN;
	}
}

static void charge_gen(struct kd_rng *r, struct kd_case *c)
{
	static const int weight[KD_CHARGE_NR_KINDS] = { 8, 3, 3, 1, 2, 2 };
	uint64_t scale = pick_scale(r);
	int n = emit_tree(r, c, KD_CHARGE_MEMCGS, 2);
	int k, ncpus = 1 + (int)(kd_rand(r) % KD_CHARGE_CPUS);
	int nops = 1 + (int)(kd_rand(r) % KD_CHARGE_MAX_OPS);

	kd_emit(c, (uint64_t)ncpus - 1);
	kd_emit(c, kd_rand(r) % 2);
	for (k = 0; k < nops; k++) {
		int w = (int)(kd_rand(r) % 19), kind = 0;

		while (w >= weight[kind])
			w -= weight[kind++];
		kd_emit(c, (uint64_t)kind);
		kd_emit(c, kd_rand(r) % (uint64_t)ncpus);
		kd_emit(c, kd_rand(r) % 8 == 0 ? 0 : 1 + kd_rand(r) % (uint64_t)(n - 1));
		kd_emit(c, kd_rand(r) % KD_GFP_NR);
		if (kind >= KD_CHARGE_SET_MAX)
			kd_emit(c, kd_rand(r) % 4 ? pick_near(r, scale * 64, KD_PAGE_COUNTER_MAX)
						 : KD_PAGE_COUNTER_MAX);
		else
			kd_emit(c, kd_rand(r) % 2 ? kd_pick(r, 130) : pick_near(r, scale, KD_CHARGE_NR_MAX));
	}
}

static int charge_run(const struct kd_case *c, int side, struct kd_trace *t)
{
	struct kd_charge_input in;

	charge_decode(c, &in);
	return side == KD_KERNEL ? kern_charge(&in, t) : model_charge(&in, t);
}

static void charge_describe(const struct kd_case *c, FILE *f)
{
	struct kd_charge_input in;
	int k;

	charge_decode(c, &in);
	describe_tree(f, in.nmemcg, in.parent);
	fprintf(f, "#   %d CPUs%s\n", in.ncpus, in.local_events ? ", memory_localevents" : "");
	for (k = 0; k < in.nops; k++) {
		const struct kd_charge_op *op = &in.op[k];

		fprintf(f, "#   op %d: cpu %d memcg %d: %s %" PRIu64 "%s%s\n", k, op->cpu, op->memcg,
			charge_kinds[op->kind], op->nr, op->kind == KD_CHARGE_TRY ? " pages, " : "",
			op->kind == KD_CHARGE_TRY ? gfp_names[op->gfp] : "");
	}
}

/* ---- refault ------------------------------------------------------------- */

#define KD_LRU_MAX (1ULL << 40)

static void ws_decode(const struct kd_case *c, struct kd_refault_input *in)
{
	struct kd_reader r = { c, 0 };
	int i;

	memset(in, 0, sizeof(*in));
	in->file = !kd_take(&r, 1);
	in->workingset = kd_take(&r, 1);
	in->memcg_gone = kd_take(&r, 1);
	in->nr = 1;	/* the model's pages are base pages: no large folios */
	in->depth = 1 + (int)kd_take(&r, KD_WS_LEVELS - 1);
	in->evicted_in = (int)kd_take(&r, (uint64_t)in->depth - 1);
	in->refault_in = (int)kd_take(&r, (uint64_t)in->depth - 1);
	in->bucket_order = (unsigned int)kd_take(&r, 16);
	in->eviction = kd_take(&r, UINT64_MAX);
	in->refault = kd_take(&r, UINT64_MAX);
	for (i = 0; i < KD_WS_LEVELS; i++)
		in->age[i] = kd_take(&r, UINT64_MAX);
	in->active_file = kd_take(&r, KD_LRU_MAX);
	in->inactive_file = kd_take(&r, KD_LRU_MAX);
	in->active_anon = kd_take(&r, KD_LRU_MAX);
	in->inactive_anon = kd_take(&r, KD_LRU_MAX);
	in->nr_swap_pages = (int64_t)kd_take(&r, KD_LRU_MAX);
	for (i = 0; i < KD_WS_LEVELS; i++) {
		in->swap_max[i] = kd_take(&r, KD_PAGE_COUNTER_MAX);
		in->swap_usage[i] = kd_take(&r, KD_LRU_MAX);
	}
}

static void ws_gen(struct kd_rng *r, struct kd_case *c)
{
	uint64_t scale = pick_scale(r), eviction = kd_pick(r, UINT64_MAX);
	uint64_t depth = 1 + kd_rand(r) % KD_WS_LEVELS;
	int i;

	kd_emit(c, kd_rand(r) % 2);
	kd_emit(c, kd_rand(r) % 2);
	kd_emit(c, kd_rand(r) % 16 == 0);
	kd_emit(c, depth - 1);
	kd_emit(c, kd_rand(r) % depth);
	kd_emit(c, kd_rand(r) % depth);
	kd_emit(c, kd_rand(r) % 4 ? 0 : kd_pick(r, 16));
	kd_emit(c, eviction);
	/* the age moves on from the eviction by about the LRU sizes */
	kd_emit(c, kd_rand(r) % 8 ? eviction + pick_near(r, scale, UINT64_MAX) : kd_pick(r, UINT64_MAX));
	for (i = 0; i < KD_WS_LEVELS; i++)
		kd_emit(c, kd_pick(r, UINT64_MAX));
	for (i = 0; i < 4; i++)
		kd_emit(c, pick_near(r, scale / 2 + 1, KD_LRU_MAX));
	kd_emit(c, kd_rand(r) % 4 ? pick_near(r, scale, KD_LRU_MAX) : 0);
	for (i = 0; i < KD_WS_LEVELS; i++) {
		kd_emit(c, kd_rand(r) % 2 ? KD_PAGE_COUNTER_MAX : pick_near(r, scale, KD_PAGE_COUNTER_MAX));
		kd_emit(c, pick_near(r, scale, KD_LRU_MAX));
	}
}

static int ws_run(const struct kd_case *c, int side, struct kd_trace *t)
{
	struct kd_refault_input in;

	ws_decode(c, &in);
	return side == KD_KERNEL ? kern_refault(&in, t) : model_refault(&in, t);
}

static void ws_describe(const struct kd_case *c, FILE *f)
{
	struct kd_refault_input in;
	int i;

	ws_decode(c, &in);
	fprintf(f, "#   %s folio of %d page%s%s, evicted from level %d (of %d)%s, refaulting"
		" into level %d; bucket_order %u\n", in.file ? "file" : "anon", in.nr,
		in.nr == 1 ? "" : "s",
		in.workingset ? " (workingset)" : "", in.evicted_in, in.depth,
		in.memcg_gone ? " whose memcg is gone" : "", in.refault_in, in.bucket_order);
	fprintf(f, "#   nonresident_age at eviction %" PRIu64 ", now %" PRIu64 "\n",
		in.eviction, in.refault);
	fprintf(f, "#   eviction lruvec: active_file %" PRIu64 " inactive_file %" PRIu64
		" active_anon %" PRIu64 " inactive_anon %" PRIu64 "; free swap %" PRId64 "\n",
		in.active_file, in.inactive_file, in.active_anon, in.inactive_anon,
		in.nr_swap_pages);
	for (i = 0; i < in.depth; i++)
		fprintf(f, "#   level %d: age %" PRIu64 ", swap %" PRIu64 " of %" PRIu64 "\n",
			i, in.age[i], in.swap_usage[i], in.swap_max[i]);
}

/* ---- scan_count ---------------------------------------------------------- */

#define KD_SCAN_LRU_MAX (1ULL << 30)
#define KD_SCAN_USAGE_MAX (1ULL << 31)
#define KD_COST_MAX (1ULL << 40)

static void sc_decode(const struct kd_case *c, struct kd_scan_input *in)
{
	struct kd_reader r = { c, 0 };
	int i;

	memset(in, 0, sizeof(*in));
	in->depth = 1 + (int)kd_take(&r, KD_SCAN_LEVELS - 1);
	in->target = (int)kd_take(&r, KD_SCAN_LEVEL);
	in->target_level = (int)kd_take(&r, (uint64_t)in->depth - 1);
	in->swappiness = (int)kd_take(&r, 200);
	in->priority = (int)kd_take(&r, 12);
	in->may_swap = !kd_take(&r, 1);
	in->cache_trim_mode = kd_take(&r, 1);
	in->memcg_low_reclaim = kd_take(&r, 1);
	in->online = !kd_take(&r, 1);
	in->anon_cost = kd_take(&r, KD_COST_MAX);
	in->file_cost = kd_take(&r, KD_COST_MAX);
	for (i = 0; i < 4; i++)
		in->lru[i] = kd_take(&r, KD_SCAN_LRU_MAX);
	in->usage = kd_take(&r, KD_SCAN_USAGE_MAX);
	in->emin = kd_take(&r, KD_SCAN_USAGE_MAX);
	in->elow = kd_take(&r, KD_SCAN_USAGE_MAX);
	in->nr_swap_pages = (int64_t)kd_take(&r, KD_COST_MAX);
	for (i = 0; i < KD_SCAN_LEVELS; i++) {
		in->swap_max[i] = kd_take(&r, KD_PAGE_COUNTER_MAX);
		in->swap_usage[i] = kd_take(&r, KD_COST_MAX);
	}
	/* the root memcg: online, and its effective protection never computed */
	if (in->depth == 1) {
		in->online = true;
		in->emin = in->elow = 0;
	}
}

static void sc_gen(struct kd_rng *r, struct kd_case *c)
{
	uint64_t scale = pick_scale(r);
	static const uint64_t swappiness[] = { 0, 1, 60, 100, 199, 200 };
	uint64_t depth = 1 + kd_rand(r) % KD_SCAN_LEVELS;
	int i;

	kd_emit(c, depth - 1);
	kd_emit(c, kd_rand(r) % 2);
	kd_emit(c, kd_rand(r) % depth);
	kd_emit(c, kd_rand(r) % 2 ? swappiness[kd_rand(r) % 6] : kd_rand(r) % 201);
	kd_emit(c, kd_rand(r) % 2 ? 12 - kd_rand(r) % 3 : kd_rand(r) % 13);
	kd_emit(c, kd_rand(r) % 8 == 0);
	kd_emit(c, kd_rand(r) % 4 == 0);
	kd_emit(c, kd_rand(r) % 2);
	kd_emit(c, kd_rand(r) % 8 == 0);
	kd_emit(c, pick_near(r, scale, KD_COST_MAX));
	kd_emit(c, pick_near(r, scale, KD_COST_MAX));
	for (i = 0; i < 4; i++)
		kd_emit(c, pick_near(r, scale, KD_SCAN_LRU_MAX));
	for (i = 0; i < 3; i++)
		kd_emit(c, kd_rand(r) % 3 ? pick_near(r, scale * 2, KD_SCAN_USAGE_MAX) : 0);
	kd_emit(c, kd_rand(r) % 4 ? pick_near(r, scale, KD_COST_MAX) : 0);
	for (i = 0; i < KD_SCAN_LEVELS; i++) {
		kd_emit(c, kd_rand(r) % 2 ? KD_PAGE_COUNTER_MAX : pick_near(r, scale, KD_PAGE_COUNTER_MAX));
		kd_emit(c, pick_near(r, scale, KD_COST_MAX));
	}
}

static int sc_run(const struct kd_case *c, int side, struct kd_trace *t)
{
	struct kd_scan_input in;

	sc_decode(c, &in);
	return side == KD_KERNEL ? kern_scan_count(&in, t) : model_scan_count(&in, t);
}

static void sc_describe(const struct kd_case *c, FILE *f)
{
	struct kd_scan_input in;
	int i;

	sc_decode(c, &in);
	fprintf(f, "#   memcg at level %d of %d (%s), ", in.depth - 1, in.depth,
		in.online ? "online" : "offline");
	if (in.target == KD_SCAN_GLOBAL)
		fprintf(f, "global reclaim\n");
	else
		fprintf(f, "reclaim of level %d\n", in.target_level);
	fprintf(f, "#   swappiness %d priority %d%s%s%s; anon_cost %" PRIu64 " file_cost %" PRIu64
		"\n", in.swappiness, in.priority, in.may_swap ? " may_swap" : "",
		in.cache_trim_mode ? " cache_trim_mode" : "",
		in.memcg_low_reclaim ? " memcg_low_reclaim" : "", in.anon_cost, in.file_cost);
	fprintf(f, "#   lru %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 ", usage %" PRIu64
		" emin %" PRIu64 " elow %" PRIu64 ", free swap %" PRId64 "\n", in.lru[0],
		in.lru[1], in.lru[2], in.lru[3], in.usage, in.emin, in.elow, in.nr_swap_pages);
	for (i = 1; i < in.depth; i++)
		fprintf(f, "#   level %d: swap %" PRIu64 " of %" PRIu64 "\n", i,
			in.swap_usage[i], in.swap_max[i]);
}

/* ---- the table ------------------------------------------------------------ */

const struct kd_family kd_families[] = {
	{ "page_counter", "mm/page_counter.c: page_counter_charge, _try_charge, _uncharge, "
	  "_cancel, _set_min, _set_low, _set_max, _set_high, _reset_watermark, propagation",
	  6, 3, pc_gen, pc_run, pc_describe },
	{ "effective_protection", "mm/memcontrol.c: effective_protection",
	  6, 0, ep_gen, ep_run, ep_describe },
	{ "calculate_protection", "mm/memcontrol.c: mem_cgroup_calculate_protection, "
	  "mem_cgroup_below_min/low over page_counter's propagation",
	  8, 3, prot_gen, prot_run, prot_describe },
	{ "overage", "mm/memcontrol.c: calculate_overage, calculate_high_delay",
	  4, 0, ov_gen, ov_run, ov_describe },
	{ "high_penalty", "mm/memcontrol.c: mem_find_max_overage, swap_find_max_overage "
	  "(MEMCG_SWAP_HIGH events), calculate_high_delay",
	  3 + 4 * KD_HIGH_MAX, 0, hp_gen, hp_run, hp_describe },
	{ "oom_badness", "mm/oom_kill.c: oom_badness",
	  8, 0, oom_gen, oom_run, oom_describe },
	{ "memparse", "lib/cmdline.c: memparse; mm/page_counter.c: page_counter_memparse",
	  0, 1, mp_gen, mp_run, mp_describe },
	{ "stock", "mm/memcontrol.c: consume_stock, refill_stock, drain_stock",
	  10, 4, stock_gen, stock_run, stock_describe },
	{ "charge", "mm/memcontrol.c: try_charge_memcg's non-blocking paths with the stock, "
	  "uncharge_batch's and obj_cgroup_uncharge_pages' uncharges",
	  2 + KD_CHARGE_MEMCGS, 5, charge_gen, charge_run, charge_describe },
	{ "refault", "mm/workingset.c: workingset_refault's refault distance test",
	  17 + 2 * KD_WS_LEVELS, 0, ws_gen, ws_run, ws_describe },
	{ "scan_count", "mm/vmscan.c: get_scan_count",
	  19 + 2 * KD_SCAN_LEVELS, 0, sc_gen, sc_run, sc_describe },
};

const int kd_nr_families = (int)ARRAY_SIZE(kd_families);

static const struct kd_family *family(const char *name)
{
	int i;

	for (i = 0; i < kd_nr_families; i++)
		if (!strcmp(kd_families[i].name, name))
			return &kd_families[i];
	return NULL;
}
