// SPDX-License-Identifier: GPL-2.0-only
/*
 * stock_drained [--all] [--policy KEY=VALUE]... FILE
 *
 * Runs a scenario on the model and prints every value the scenario looks
 * at (each expect and read; a read of a flat-keyed file gives one line per
 * key), with the per-CPU charge stocks drained (drain_all_stock on the
 * root, as the kernel's drain_local_stock on every CPU) before each read
 * of a memory.* file. Run once with stock=on and once with stock=off, the
 * outputs must be identical, up to the first statement whose result may
 * depend on the batching:
 *   - a write of a limit or protection (memory.max, .high, .low, .min,
 *     .swap.max, .swap.high, .zswap.max, .kmem.max, borrow.max, an
 *     smemcg's memory.max) other than "max" (or 0 for low/min): with a
 *     stock, usage includes the pages stocked ahead, so the charge path
 *     reclaims, counts max/high events and throttles at other moments;
 *   - a memory.reclaim write.
 * From that statement on nothing more is printed (a line says where).
 * Kernel memory is charged in bytes through the obj stock, whose sub-page
 * rest stays with the objcg or its CPU: drain_local_stock empties a CPU's
 * obj stock whenever its page stock holds pages of the drained subtree, so
 * with a page stock the whole pages charged for kernel objects can differ
 * by a page per objcg and CPU (as on the kernel). Without --all the values
 * that count kernel memory are not printed (memory.current,
 * memory.kmem.current, memory.stat kernel, slab, slab_reclaimable, slab_unreclaimable,
 * sock, percpu, vmalloc); with
 * --all (for runs with kmem=off) they are.
 *
 * Never printed: memory.peak (the high watermark of a counter that the
 * stock charges 64 pages at a time), cgroup.stat and /proc/zombies (a
 * stock holds a reference on the memcg it caches, so a removed cgroup can
 * stay dying because of a stock: 6.1 does not drain a stock that caches a
 * memcg with no pages). Nor whether the scenario's expects pass: some
 * state exactly that (zombies held by a stock).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm/memcontrol/charge.h"
#include "machine.h"
#include "scenario/model_backend.h"

/* Values that count kernel memory charged through the obj stock. */
static bool kmem_value(const char *path, const char *key, const char *line)
{
	static const char *const keys[] = {
		"kernel", "slab", "slab_reclaimable", "slab_unreclaimable", "sock", "percpu",
		"vmalloc",
	};
	const char *b = strrchr(path, '/');
	size_t i, n;

	b = b ? b + 1 : path;
	if (!strcmp(b, "memory.current") || !strcmp(b, "memory.kmem.current"))
		return true;
	if (strcmp(b, "memory.stat"))
		return false;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (key && !strcmp(key, keys[i]))
			return true;
		n = strlen(keys[i]);
		if (line && !strncmp(line, keys[i], n) && line[n] == ' ')
			return true;
	}
	return false;
}

struct wrap {
	struct smc_backend inner;
	struct model_backend *mb;
	int stop_line;		/* 0: still comparing */
	bool all;		/* --all: kernel memory values too */
	FILE *out;
};

static const char *base(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

static void drain(struct wrap *w)
{
	smemcg_machine *sm = model_backend_machine(w->mb);
	struct machine *m;

	if (!sm)
		return;
	m = to_machine(sm);
	drain_all_stock(m, m->root_mem_cgroup);
}

static bool batching_sensitive(const struct smc_stmt *st)
{
	static const char *const limits[] = {
		"memory.max", "memory.high", "memory.swap.max", "memory.swap.high",
		"memory.zswap.max", "memory.kmem.max",
	};
	static const char *const prot[] = { "memory.low", "memory.min" };
	const char *b, *v;
	size_t i;

	if (st->op == SMC_EXPECT_ERROR && st->inner)
		st = st->inner;
	if (st->op != SMC_WRITE || !st->path)
		return false;
	b = base(st->path);
	v = st->text ? st->text : "";
	if (!strcmp(b, "memory.reclaim") || !strcmp(b, "borrow.max"))
		return true;
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		if (!strcmp(b, limits[i]))
			return strcmp(v, "max") != 0;
	for (i = 0; i < sizeof(prot) / sizeof(prot[0]); i++)
		if (!strcmp(b, prot[i]))
			return strcmp(v, "0") != 0;
	return false;
}

static int w_exec(void *ctx, const struct smc_stmt *st, struct strbuf *msg)
{
	struct wrap *w = ctx;

	if (!w->stop_line && batching_sensitive(st)) {
		w->stop_line = st->line;
		fprintf(w->out, "# line %d may depend on the batching: not compared from here\n",
			st->line);
	}
	return w->inner.exec(w->inner.ctx, st, msg);
}

static int w_read(void *ctx, const char *path, struct strbuf *out, struct strbuf *msg)
{
	struct wrap *w = ctx;

	if (!strncmp(base(path), "memory.", 7))
		drain(w);
	return w->inner.read(w->inner.ctx, path, out, msg);
}

static int w_proc_state(void *ctx, const char *proc, enum smc_proc_state *state, int *sig,
			struct strbuf *msg)
{
	struct wrap *w = ctx;

	return w->inner.proc_state(w->inner.ctx, proc, state, sig, msg);
}

static int w_start(void *ctx, struct strbuf *msg)
{
	struct wrap *w = ctx;

	return w->inner.start ? w->inner.start(w->inner.ctx, msg) : 0;
}

static void observe(void *ctx, const struct smc_stmt *st, const char *value, const char *note)
{
	struct wrap *w = ctx;
	const struct smc_stmt *s = st->op == SMC_EXPECT_ERROR && st->inner ? st->inner : st;
	const char *what = s->path ? s->path : s->proc ? s->proc : "?";
	const char *p, *e;

	if (w->stop_line)
		return;
	if (s->path && (!strcmp(base(s->path), "memory.peak") ||
			!strcmp(base(s->path), "cgroup.stat") || !strcmp(s->path, "/proc/zombies")))
		return;
	if (!value) {
		fprintf(w->out, "%d %s%s%s: (none) %s\n", st->line, what, st->key ? " " : "",
			st->key ? st->key : "", note ? note : "");
		return;
	}
	if (st->op != SMC_READ || !strchr(value, '\n')) {
		if (!w->all && s->path && kmem_value(s->path, st->key, st->op == SMC_READ ? value : NULL))
			return;
		fprintf(w->out, "%d %s%s%s: %s\n", st->line, what, st->key ? " " : "",
			st->key ? st->key : "", value);
		return;
	}
	for (p = value; *p; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if (!w->all && kmem_value(what, NULL, p))
			continue;
		fprintf(w->out, "%d %s: %.*s\n", st->line, what, (int)(e - p), p);
	}
}

static char *slurp(const char *file)
{
	FILE *fp = fopen(file, "rb");
	struct strbuf sb;
	char buf[4096];
	size_t n;

	if (!fp)
		return NULL;
	sb_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), fp)))
		sb_add(&sb, buf, n);
	fclose(fp);
	return sb_detach(&sb);
}

int main(int argc, char **argv)
{
	struct smc_kv pol[8];
	int npol = 0, i;
	bool all = false;
	const char *file = NULL;
	struct smc_script s;
	struct smc_error err;
	struct smc_backend be;
	struct smc_run_opts opts;
	struct smc_result res;
	struct wrap w;
	char *text;
	FILE *devnull;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all")) {
			all = true;
		} else if (!strcmp(argv[i], "--policy") && i + 1 < argc && npol < 8) {
			char *eq = strchr(argv[++i], '=');

			if (!eq)
				return 2;
			*eq = '\0';
			pol[npol].key = argv[i];
			pol[npol++].value = eq + 1;
		} else if (!file) {
			file = argv[i];
		} else {
			fprintf(stderr, "usage: stock_drained [--all] [--policy KEY=VALUE]... FILE\n");
			return 2;
		}
	}
	if (!file) {
		fprintf(stderr, "usage: stock_drained [--all] [--policy KEY=VALUE]... FILE\n");
		return 2;
	}
	text = slurp(file);
	if (!text) {
		fprintf(stderr, "stock_drained: cannot read %s\n", file);
		return 2;
	}
	memset(&err, 0, sizeof(err));
	if (smc_script_load(&s, file, text, &err)) {
		fprintf(stderr, "%s:%d:%d: %s\n", file, err.line, err.col, err.msg);
		free(text);
		return 2;
	}
	free(text);
	memset(&w, 0, sizeof(w));
	w.out = stdout;
	w.all = all;
	w.mb = model_backend_new(pol, npol, false);
	model_backend_ops(&w.inner, w.mb);
	memset(&be, 0, sizeof(be));
	be.ctx = &w;
	be.exec = w_exec;
	be.read = w_read;
	be.proc_state = w_proc_state;
	be.start = w_start;
	devnull = fopen("/dev/null", "w");
	memset(&opts, 0, sizeof(opts));
	opts.out = devnull ? devnull : stderr;
	opts.quiet = true;
	opts.observe = observe;
	opts.observe_ctx = &w;
	memset(&res, 0, sizeof(res));
	smc_run(&res, &s, &be, &opts);
	if (devnull)
		fclose(devnull);
	model_backend_free(w.mb);
	smc_script_free(&s);
	return 0;
}
