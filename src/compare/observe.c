// SPDX-License-Identifier: GPL-2.0-only
/*
 * A compare run, in its forked child: the scenario on the model through a
 * backend that counts statements for the progress line, an observer that
 * keeps every value the scenario read or expected and every errno a
 * statement failed with, the TAP it printed (failed points, the statement
 * that stopped it), then what the machine shows at the end (collect.c),
 * all written as records (records.c).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "smemcg.h"
#include "../report/report.h"
#include "internal.h"

static bool is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool in_list(const char *s, const char *const *l)
{
	for (; *l; l++)
		if (!strcmp(s, *l))
			return true;
	return false;
}

static int w_exec(void *ctx, const struct smc_stmt *st, struct strbuf *msg)
{
	struct child *c = ctx;
	int rc = c->inner->exec(c->inner->ctx, st, msg);

	progress_tick(c);
	return rc;
}

static int w_read(void *ctx, const char *path, struct strbuf *out, struct strbuf *msg)
{
	struct child *c = ctx;
	int rc = c->inner->read(c->inner->ctx, path, out, msg);

	progress_tick(c);
	return rc;
}

static int w_proc_state(void *ctx, const char *proc, enum smc_proc_state *state, int *sig,
			struct strbuf *msg)
{
	struct child *c = ctx;

	progress_tick(c);
	return c->inner->proc_state(c->inner->ctx, proc, state, sig, msg);
}

static int w_start(void *ctx, struct strbuf *msg)
{
	struct child *c = ctx;

	return c->inner->start ? c->inner->start(c->inner->ctx, msg) : 0;
}

static void w_watch_events(void *ctx, unsigned mask)
{
	struct child *c = ctx;

	c->inner->watch_events(c->inner->ctx, mask);
}

static void w_drain_events(void *ctx, smc_event_fn *fn, void *arg)
{
	struct child *c = ctx;

	c->inner->drain_events(c->inner->ctx, fn, arg);
}

static void add_obs(struct child *c, const char *object, const char *metric, char unit,
		    const char *value)
{
	struct strbuf key;
	int64_t i;

	sb_init(&key);
	sb_printf(&key, "%s\x01%s", object, metric);
	if (strmap_get(&c->obs_idx, key.buf, &i)) {
		free(c->obs[i].value);
		c->obs[i].value = xstrdup(value);
	} else {
		if (c->nobs == c->capobs) {
			c->capobs = c->capobs ? 2 * c->capobs : 32;
			c->obs = xrealloc(c->obs, (size_t)c->capobs * sizeof(*c->obs));
		}
		c->obs[c->nobs].object = xstrdup(object);
		c->obs[c->nobs].metric = xstrdup(metric);
		c->obs[c->nobs].unit = unit;
		c->obs[c->nobs].value = xstrdup(value);
		strmap_set(&c->obs_idx, key.buf, c->nobs++);
	}
	sb_free(&key);
}

static void add_err(struct child *c, const char *object, const char *value)
{
	struct errcount *e;
	int64_t i;
	int k;

	if (!strmap_get(&c->err_idx, object, &i)) {
		if (c->nerrs == c->caperrs) {
			c->caperrs = c->caperrs ? 2 * c->caperrs : 16;
			c->errs = xrealloc(c->errs, (size_t)c->caperrs * sizeof(*c->errs));
		}
		i = c->nerrs++;
		memset(&c->errs[i], 0, sizeof(c->errs[i]));
		c->errs[i].object = xstrdup(object);
		strmap_set(&c->err_idx, object, i);
	}
	e = &c->errs[i];
	for (k = 0; k < e->n; k++)
		if (!strcmp(e->names[k], value)) {
			e->counts[k]++;
			return;
		}
	if (e->n == (int)ARRAY_SIZE(e->names)) {
		e->other++;
		return;
	}
	e->names[e->n] = xstrdup(value);
	e->counts[e->n++] = 1;
}

/* "line N" and, for repeated statements, the same object each time. */
static void line_object(struct strbuf *sb, const struct smc_stmt *st)
{
	sb_printf(sb, "line %d", st->line);
}

static void observe_cb(void *ctx, const struct smc_stmt *st, const char *value, const char *note)
{
	struct child *c = ctx;
	struct strbuf obj, metric, text;
	const char *v = value ? value : note ? note : "";

	sb_init(&obj);
	sb_init(&metric);
	sb_init(&text);
	line_object(&obj, st);
	switch (st->op) {
	case SMC_EXPECT_ERROR:
		smc_line_text(&text, st->src);
		sb_printf(&obj, ": %s", text.buf);
		add_err(c, obj.buf, v);
		break;
	case SMC_EXPECT_PROC:
		sb_printf(&metric, "process %s", st->proc);
		add_obs(c, obj.buf, metric.buf, CMP_TEXT, v);
		break;
	case SMC_EXPECT_FILE:
		sb_printf(&metric, "%s%s%s", st->path, st->key ? " " : "", st->key ? st->key : "");
		add_obs(c, obj.buf, metric.buf, cmp_file_unit(st->path, st->key), v);
		break;
	case SMC_READ: {
		/* a flat-keyed file becomes one value per key */
		const char *p = v, *base = strrchr(st->path, '/');
		bool flat = value && strchr(v, '\n');
		bool stat = base && !strcmp(base, "/memory.stat");

		for (p = v; flat && *p;) {
			const char *e = strchr(p, '\n'), *sp;
			size_t n = e ? (size_t)(e - p) : strlen(p);

			sp = memchr(p, ' ', n);
			if (!sp || memchr(sp + 1, ' ', n - (size_t)(sp + 1 - p)) || sp == p)
				flat = false;
			p = e ? e + 1 : p + n;
		}
		if (!flat) {
			sb_puts(&metric, st->path);
			add_obs(c, obj.buf, metric.buf, value && is_number(v) ? cmp_file_unit(st->path, NULL)
								      : CMP_TEXT, v);
			break;
		}
		for (p = v; *p;) {
			const char *e = strchr(p, '\n'), *sp;
			size_t n = e ? (size_t)(e - p) : strlen(p);
			char *key;

			sp = memchr(p, ' ', n);
			key = xstrndup(p, (size_t)(sp - p));
			if (!stat || in_list(key, stat_keys)) {
				char *val = xstrndup(sp + 1, n - (size_t)(sp + 1 - p));

				sb_reset(&metric);
				sb_printf(&metric, "%s %s", st->path, key);
				add_obs(c, obj.buf, metric.buf,
					is_number(val) ? cmp_file_unit(st->path, key) : CMP_TEXT, val);
				free(val);
			}
			free(key);
			p = e ? e + 1 : p + n;
		}
		break;
	}
	default:
		break;
	}
	sb_free(&obj);
	sb_free(&metric);
	sb_free(&text);
}

/*
 * The TAP the run printed: points that failed, and the statement that
 * stopped the run with its errno.
 */
static void collect_tap(struct child *c, char *tap, const struct smc_result *res,
			const char *file)
{
	struct strbuf failed, stopped, where;
	char **l;
	int n, i, nfailed = 0;

	sb_init(&failed);
	sb_init(&stopped);
	sb_init(&where);
	/* a failed point says where: " (FILE:LINE:COL; ..." (interp.c) */
	sb_printf(&where, " (%s:", file);
	l = split_lines(tap, &n);
	for (i = 0; i < n; i++) {
		char *p, *q, *detail;
		int line = 0;

		if (strncmp(l[i], "not ok ", 7) || strstr(l[i], " # TODO") || strstr(l[i], " # SKIP"))
			continue;
		p = strstr(l[i], " - ");
		q = p ? strstr(p, where.buf) : NULL;
		if (!q) {
			/* the machine could not be set up, or a line would not parse */
			if (!stopped.len)
				sb_puts(&stopped, p ? p + 3 : l[i]);
			continue;
		}
		line = atoi(q + where.len);
		detail = strchr(q + where.len, ';');
		detail = detail ? detail + 2 : (char *)"";
		if (!strncmp(detail, "failed with ", 12) || !strncmp(detail, "not supported yet", 17)) {
			struct strbuf obj, err;
			const char *e = detail + (detail[0] == 'f' ? 12 : 0);
			size_t en = strcspn(e, ":)");

			sb_init(&obj);
			sb_init(&err);
			sb_printf(&obj, "line %d: %.*s", line, (int)(q - p - 3), p + 3);
			if (detail[0] == 'f')
				sb_printf(&err, "%.*s (stopped the run)", (int)en, e);
			else
				sb_puts(&err, "not supported (stopped the run)");
			add_err(c, obj.buf, err.buf);
			sb_printf(&stopped, "line %d: %.*s", line, (int)en, e);
			sb_free(&obj);
			sb_free(&err);
		} else if (nfailed++ < 20) {
			sb_printf(&failed, "%sline %d", failed.len ? ", " : "", line);
		}
	}
	if (nfailed > 20)
		sb_printf(&failed, ", ... (%d in all)", nfailed);
	emit(c, CMP_OUTCOME, "", "status", CMP_TEXT,
	     stopped.len || res->stopped ? "stopped" : "completed");
	emit(c, CMP_OUTCOME, "", "stopped at", CMP_TEXT, stopped.len ? stopped.buf : "-");
	emitf(c, CMP_OUTCOME, "", "expects passed", CMP_COUNT, "%d", res->passed);
	emitf(c, CMP_OUTCOME, "", "expects failed", CMP_COUNT, "%d", res->failed);
	emit(c, CMP_OUTCOME, "", "failed points", CMP_TEXT, failed.len ? failed.buf : "none");
	free(l);
	sb_free(&where);
	sb_free(&failed);
	sb_free(&stopped);
}

static void emit_errs(struct child *c)
{
	int i, k;

	for (i = 0; i < c->nerrs; i++) {
		struct errcount *e = &c->errs[i];
		struct strbuf v;

		sb_init(&v);
		for (k = 0; k < e->n; k++) {
			sb_printf(&v, "%s%s", k ? ", " : "", e->names[k]);
			if (e->counts[k] > 1)
				sb_printf(&v, " x%d", e->counts[k]);
			free(e->names[k]);
		}
		if (e->other)
			sb_printf(&v, ", %d others", e->other);
		emit(c, CMP_ERRNO, e->object, "result", CMP_TEXT, v.buf);
		sb_free(&v);
		free(e->object);
	}
	free(c->errs);
	strmap_free(&c->err_idx);
}

static void emit_obs(struct child *c)
{
	int i;

	for (i = 0; i < c->nobs; i++) {
		emit(c, CMP_OBSERVED, c->obs[i].object, c->obs[i].metric, c->obs[i].unit,
		     c->obs[i].value);
		free(c->obs[i].object);
		free(c->obs[i].metric);
		free(c->obs[i].value);
	}
	free(c->obs);
	strmap_free(&c->obs_idx);
}

/*
 * smemcg sweep: the samples `smemcg report` draws, from a second run of
 * the scenario (the report samples through its own backend), as an S
 * record: the text of report_set_dump as one JSON string.
 */
static void emit_samples(struct child *c, const struct cmp_spec *spec)
{
	struct report *rp = report_new();
	struct strbuf dump;

	report_run(rp, spec->script, spec->scenario ? spec->scenario : spec->script->file,
		   spec->kv, spec->nkv, false);
	sb_init(&dump);
	report_set_dump(rp, 0, &dump);
	fputs("S\t", c->out);
	json_put_string(c->out, dump.buf ? dump.buf : "");
	fputc('\n', c->out);
	sb_free(&dump);
	report_free(rp);
}

/* The child's whole life: run, collect, write, exit. */
int run_child(const struct cmp_spec *spec, int fd)
{
	struct child c;
	struct smc_backend inner, wrap;
	struct smc_run_opts opts;
	struct smc_result res;
	smemcg_machine *m;
	char *tap = NULL;
	size_t taplen = 0;
	FILE *tapf;

	memset(&c, 0, sizeof(c));
	c.out = fdopen(fd, "w");
	if (!c.out)
		return 3;
	strmap_init(&c.obs_idx);
	strmap_init(&c.err_idx);
	c.mb = model_backend_new(spec->kv, spec->nkv, false);
	model_backend_ops(&inner, c.mb);
	c.inner = &inner;
	c.last_progress = now_s();
	wrap.ctx = &c;
	wrap.exec = w_exec;
	wrap.read = w_read;
	wrap.proc_state = w_proc_state;
	wrap.start = w_start;
	wrap.watch_events = w_watch_events;
	wrap.drain_events = w_drain_events;
	tapf = open_memstream(&tap, &taplen);
	if (!tapf)
		return 3;
	memset(&opts, 0, sizeof(opts));
	opts.out = tapf;
	opts.quiet = true;
	opts.observe = observe_cb;
	opts.observe_ctx = &c;
	opts.events_observe = SMEMCG_EV_MASK_KILLS;
	opts.observe_event = kills_observe;
	smc_run(&res, spec->script, &wrap, &opts);
	fclose(tapf);

	collect_tap(&c, tap, &res, spec->script->file);
	free(tap);
	emitf(&c, CMP_OUTCOME, "", "statements", CMP_COUNT, "%" PRIu64, c.stmts);
	m = model_backend_machine(c.mb);
	if (m) {
		emitf(&c, CMP_OUTCOME, "", "simulated time", CMP_NS, "%" PRIu64, smemcg_now_ns(m));
		collect_machine(&c, m, spec->script);
	}
	kills_emit(&c, m);
	if (spec->samples)
		emit_samples(&c, spec);
	emit_errs(&c);
	emit_obs(&c);
	fputs("E\n", c.out);
	model_backend_free(c.mb);
	return fclose(c.out) ? 3 : 0;
}
