// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: arbitrary bytes through the scenario lexer, parser and
 * validator (smc_script_load_n, smc_script_validate) and, when they accept
 * the script and it is small enough to run in milliseconds, through the
 * interpreter on the model with the invariant checker after every
 * statement.
 *
 * A bug is: a crash, a sanitizer report, a leak, or a broken invariant
 * (smemcg_check) after any statement, including statements that failed
 * (a failing statement must leave the model consistent too), and after the
 * run. Expect failures and statement errors are not bugs: the script is
 * random.
 *
 * What runs (the budget, so that every input takes milliseconds):
 *   - the script must say `machine memory=SIZE` with SIZE <= 64M (the
 *     default machine has 4G); swap <= 64M; cpus <= 16;
 *   - at most FUZZ_MAX_STEPS statements and repeat iterations, counted by
 *     walking the script as the interpreter will (with $i substituted);
 *   - every size, length and count <= 64M, offsets <= 1G, and at most
 *     FUZZ_MAX_PAGES pages of work summed over the run.
 * Scripts over budget are still lexed, parsed and validated.
 *
 * The same file builds without libFuzzer (fuzz/replay_main.c): the replay
 * driver runs files through LLVMFuzzerTestOneInput, for regression tests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/model_backend.h"
#include "scenario/scenario.h"
#include "smemcg.h"

#define FUZZ_MAX_INPUT (64 * 1024)
#define FUZZ_MAX_MEMORY (64ULL << 20)
#define FUZZ_MAX_SIZE (64ULL << 20)
#define FUZZ_MAX_OFFSET (1ULL << 30)
#define FUZZ_MAX_CPUS 16
#define FUZZ_MAX_STEPS 1000
#define FUZZ_MAX_PAGES (64 * 1024)

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

struct budget {
	long steps;
	uint64_t pages;
	bool machine_ok;	/* memory= given and small */
	bool over;
	bool stopped;		/* a statement did not parse: the run ends there */
};

static uint64_t pages_of(uint64_t bytes)
{
	return bytes / 4096 + 1;
}

/* The work one statement may do, in pages; sets b->over when too much. */
static void stmt_cost(struct budget *b, const struct smc_stmt *st)
{
	uint64_t bytes = 0;

	switch (st->op) {
	case SMC_MACHINE:
		if ((st->flags & SMC_F_SIZE) && st->size <= FUZZ_MAX_MEMORY)
			b->machine_ok = true;
		if ((st->flags & SMC_F_SIZE) && st->size > FUZZ_MAX_MEMORY)
			b->over = true;
		if ((st->flags & SMC_F_SWAP) && st->swap > FUZZ_MAX_MEMORY)
			b->over = true;
		if ((st->flags & SMC_F_CPUS) && st->num > FUZZ_MAX_CPUS)
			b->over = true;
		return;
	case SMC_KMALLOC:
	case SMC_KFREE:
		if (st->count > FUZZ_MAX_SIZE / 4096)
			b->over = true;
		bytes = st->size ? st->size * (st->count ? st->count : 1) : st->count * 1024;
		if (st->size > FUZZ_MAX_SIZE)
			b->over = true;
		break;
	case SMC_EXPECT_ERROR:
		if (st->inner)
			stmt_cost(b, st->inner);
		return;
	default:
		bytes = st->size;
		if (st->len > bytes)
			bytes = st->len;
		if (st->size == UINT64_MAX &&
		    (st->op == SMC_SMEMCG_CREATE || st->op == SMC_SETRLIMIT))
			bytes = 0;	/* "no limit", not work */
		if (st->off > FUZZ_MAX_OFFSET || st->offset > FUZZ_MAX_OFFSET)
			b->over = true;
		break;
	}
	if (bytes > FUZZ_MAX_SIZE)
		b->over = true;
	else
		b->pages += pages_of(bytes);
	if (b->pages > FUZZ_MAX_PAGES)
		b->over = true;
}

/* Walk the script as smc_run does (interp.c: run_range), without running it. */
static void walk(struct budget *b, const struct smc_script *s, int first, int last,
		 bool subst, long iter)
{
	int i;

	for (i = first; i < last && !b->over; i++) {
		const struct smc_line *line = &s->lines[i];
		struct smc_line sub;
		struct smc_stmt st;
		struct smc_error err;

		if (subst) {
			smc_line_subst(&sub, line, iter);
			line = &sub;
		}
		if (smc_parse_stmt(&st, line, &err)) {
			/* the run stops here */
			if (subst)
				smc_line_free(&sub);
			b->stopped = true;
			return;
		}
		if (st.op == SMC_REPEAT) {
			uint64_t k;
			int end = s->match[i];

			for (k = 0; k < st.count && !b->over && !b->stopped; k++) {
				if (++b->steps > FUZZ_MAX_STEPS)
					b->over = true;
				else
					walk(b, s, i + 1, end, true, (long)k);
			}
			i = end;
		} else {
			if (++b->steps > FUZZ_MAX_STEPS)
				b->over = true;
			stmt_cost(b, &st);
		}
		smc_stmt_free(&st);
		if (subst)
			smc_line_free(&sub);
		if (b->stopped)
			return;
	}
}

/* ---- a backend that checks the model after every statement ---- */

struct checked {
	struct smc_backend inner;
	struct model_backend *mb;
};

static void broken(const struct smc_stmt *st, const char *when, const char *why)
{
	struct strbuf t;

	sb_init(&t);
	if (st && st->src)
		smc_line_text(&t, st->src);
	fprintf(stderr, "fuzz_parser: invariant broken %s line %d \"%s\": %s\n", when,
		st ? st->line : 0, t.buf ? t.buf : "", why);
	sb_free(&t);
	abort();
}

static void must_hold(struct checked *c, const struct smc_stmt *st, const char *when)
{
	smemcg_machine *m = model_backend_machine(c->mb);

	if (m && smemcg_check(m))
		broken(st, when, smemcg_last_error(m));
}

static int c_exec(void *ctx, const struct smc_stmt *st, struct strbuf *msg)
{
	struct checked *c = ctx;
	int rc = c->inner.exec(c->inner.ctx, st, msg);

	if (rc == -EUCLEAN && msg->buf && !strncmp(msg->buf, "invariant broken", 16))
		broken(st, "after", msg->buf);
	if (rc > 0 && rc != SMC_NOTSUP && rc != SMC_SKIP)
		broken(st, "after", "exec returned a positive value");
	/* the model backend checks after successful statements; failed ones too */
	if (rc)
		must_hold(c, st, "after failed");
	return rc;
}

static int c_read(void *ctx, const char *path, struct strbuf *out, struct strbuf *msg)
{
	struct checked *c = ctx;
	int rc = c->inner.read(c->inner.ctx, path, out, msg);

	must_hold(c, NULL, "after a read of");
	return rc;
}

static int c_proc_state(void *ctx, const char *proc, enum smc_proc_state *state, int *sig,
			struct strbuf *msg)
{
	struct checked *c = ctx;

	return c->inner.proc_state(c->inner.ctx, proc, state, sig, msg);
}

static int c_start(void *ctx, struct strbuf *msg)
{
	struct checked *c = ctx;

	return c->inner.start(c->inner.ctx, msg);
}

static FILE *devnull(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	if (!f)
		abort();
	return f;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct smc_script s;
	struct smc_error err;
	struct budget b;
	struct checked c;
	struct smc_backend be;
	struct smc_run_opts opts;
	struct smc_result res;

	if (size > FUZZ_MAX_INPUT)
		return -1;
	memset(&err, 0, sizeof(err));
	if (smc_script_load_n(&s, "fuzz.smc", (const char *)data, size, 1, &err))
		return 0;
	if (smc_script_validate(&s, &err)) {
		smc_script_free(&s);
		return 0;
	}
	memset(&b, 0, sizeof(b));
	walk(&b, &s, 0, s.nlines, false, 0);
	if (b.over || !b.machine_ok) {
		smc_script_free(&s);
		return 0;
	}

	memset(&c, 0, sizeof(c));
	c.mb = model_backend_new(NULL, 0, true);
	model_backend_ops(&c.inner, c.mb);
	memset(&be, 0, sizeof(be));
	be.ctx = &c;
	be.exec = c_exec;
	be.read = c_read;
	be.proc_state = c_proc_state;
	be.start = c_start;
	memset(&opts, 0, sizeof(opts));
	opts.out = getenv("FUZZ_VERBOSE") ? stdout : devnull();
	opts.quiet = true;
	smc_run(&res, &s, &be, &opts);
	must_hold(&c, NULL, "at the end of the run");
	model_backend_free(c.mb);
	smc_script_free(&s);
	return 0;
}
