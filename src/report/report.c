// SPDX-License-Identifier: GPL-2.0-only
/*
 * `smemcg report` (report.h): runs a scenario on the model once per policy
 * set and samples the cgroup files after the statements that change state:
 * memory.current of each cgroup by kind (with what its dying descendants
 * hold, smemcg_list_zombies), the max/oom/oom_kill events, zombies and
 * recharges; the kills and OOMs of the model's event log are kept with the
 * statement that caused them. page.c lays the runs out as one HTML page.
 */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smemcg.h"
#include "../scenario/model_backend.h"

#define PAGE 4096.0

static const char *const policy_keys[] = {
	"shared", "smemcg", "recharge", "owner", "kmem", "stock",
};

const char *const report_kinds[NKINDS] = {
	"anon", "file", "shmem", "kernel", "zombies", "other",
};
static const char *const events[] = { "max", "oom", "oom_kill" };

static size_t split_lines(char *text, char ***out);

/* The outermost dying memcgs at a sample (smemcg_list_zombies). */
struct zombie {
	const char *path;
	double cur, anon, file, shmem, kernel;
};

struct zombies {
	struct zombie *v;
	size_t n;
	char *text;
	char **lines;
};

/* ---- columns ---- */

static size_t col_get(struct rset *rs, const char *name)
{
	int64_t v;
	size_t i;

	if (strmap_get(&rs->colidx, name, &v))
		return (size_t)v;
	if (rs->ncols == rs->colcap) {
		rs->colcap = rs->colcap ? 2 * rs->colcap : 32;
		rs->colname = xrealloc(rs->colname, rs->colcap * sizeof(char *));
		rs->col = xrealloc(rs->col, rs->colcap * sizeof(double *));
	}
	rs->colname[rs->ncols] = xstrdup(name);
	rs->col[rs->ncols] = xmalloc((rs->cap ? rs->cap : 1) * sizeof(double));
	for (i = 0; i < rs->n; i++)
		rs->col[rs->ncols][i] = NAN;
	strmap_set(&rs->colidx, name, (int64_t)rs->ncols);
	return rs->ncols++;
}

static void col_set(struct rset *rs, const char *a, const char *b, const char *c,
		    double v)
{
	struct strbuf name;
	size_t k;

	sb_init(&name);
	sb_printf(&name, "%s" SEP "%s" SEP "%s", a, b, c);
	k = col_get(rs, name.buf);
	rs->col[k][rs->n - 1] = v;
	sb_free(&name);
}

const double *col_find(const struct rset *rs, const char *a, const char *b, const char *c)
{
	struct strbuf name;
	int64_t v;
	bool found;

	sb_init(&name);
	sb_printf(&name, "%s" SEP "%s" SEP "%s", a, b, c);
	found = strmap_get(&rs->colidx, name.buf, &v);
	sb_free(&name);
	return found ? rs->col[v] : NULL;
}

/* ---- sampling ---- */

static bool flat_value(const char *content, const char *key, double *out)
{
	size_t kl = strlen(key);
	const char *p = content;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ' ') {
			*out = strtod(p + kl + 1, NULL);
			return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

static char *read_file(smemcg_machine *m, const char *cg, const char *file)
{
	struct strbuf path;
	char *out = NULL;

	sb_init(&path);
	sb_printf(&path, "%s/%s", strcmp(cg, "/") ? cg : "", file);
	if (smemcg_file_read(&out, m, path.buf))
		out = NULL;
	sb_free(&path);
	return out;
}

/* The zombies under cg (a dying memcg is in its online ancestors' counters). */
static void zombies_under(const struct zombies *z, const char *cg, double out[5])
{
	size_t i, l = strlen(cg);

	memset(out, 0, 5 * sizeof(double));
	if (cg[0] != '/')
		return;
	for (i = 0; i < z->n; i++) {
		const struct zombie *e = &z->v[i];

		if (strncmp(e->path, cg, l) || e->path[l] != '/')
			continue;
		out[0] += e->cur;
		out[1] += e->anon;
		out[2] += e->file;
		out[3] += e->shmem;
		out[4] += e->kernel;
	}
}

/*
 * The kinds of memory.current: memory.stat's anon, file (page cache less
 * shmem), shmem and kernel less what the dying descendants hold (zz: their
 * memory.current, anon, file, shmem, kernel), then that, then the rest.
 */
static void split_kinds(double v[NKINDS], double current, const double st[4],
			const double zz[5])
{
	double sum = 0;
	int i;

	v[0] = st[0] - zz[1];
	v[1] = (st[1] - st[2]) - (zz[2] - zz[3]);
	v[2] = st[2] - zz[3];
	v[3] = st[3] - zz[4];
	v[4] = zz[0];
	for (i = 0; i < NKINDS - 1; i++) {
		if (v[i] < 0)
			v[i] = 0;
		sum += v[i];
	}
	v[5] = current > sum ? current - sum : 0;
}

static void sample_group(struct rset *rs, smemcg_machine *m, const char *cg,
			 const struct zombies *z)
{
	char *cur = read_file(m, cg, "memory.current");
	char *max = read_file(m, cg, "memory.max");
	char *stat = read_file(m, cg, "memory.stat");
	char *ev = read_file(m, cg, "memory.events");
	double v[NKINDS], st[4] = { 0 }, zz[5], current;
	size_t i;

	if (cur && stat) {
		current = strtod(cur, NULL);
		flat_value(stat, "anon", &st[0]);
		flat_value(stat, "file", &st[1]);
		flat_value(stat, "shmem", &st[2]);
		flat_value(stat, "kernel", &st[3]);
		zombies_under(z, cg, zz);
		split_kinds(v, current, st, zz);
		for (i = 0; i < NKINDS; i++)
			col_set(rs, "mem", cg, report_kinds[i], v[i]);
		col_set(rs, "mem", cg, "current", current);
		if (max)
			col_set(rs, "mem", cg, "memory.max",
				strncmp(max, "max", 3) ? strtod(max, NULL) : NAN);
	}
	if (ev)
		for (i = 0; i < ARRAY_SIZE(events); i++) {
			double e;

			if (flat_value(ev, events[i], &e))
				col_set(rs, "ev", cg, events[i], e);
		}
	free(cur);
	free(max);
	free(stat);
	free(ev);
}

static void zombies_read(struct zombies *z, smemcg_machine *m)
{
	size_t i, n;

	memset(z, 0, sizeof(*z));
	if (smemcg_list_zombies(&z->text, m))
		return;
	n = split_lines(z->text, &z->lines);
	z->v = xcalloc(n ? n : 1, sizeof(*z->v));
	for (i = 0; i < n; i++) {
		struct zombie *e = &z->v[z->n];
		char *sp = strchr(z->lines[i], ' ');

		if (!sp)
			continue;
		*sp = '\0';
		e->path = z->lines[i];
		if (sscanf(sp + 1, "%lf %lf %lf %lf %lf", &e->cur, &e->anon, &e->file,
			   &e->shmem, &e->kernel) == 5)
			z->n++;
	}
}

static void zombies_free(struct zombies *z)
{
	free(z->v);
	free(z->lines);
	free(z->text);
}

/* Everything dying memcgs hold, by kind, for the machine's zombie chart. */
static void sample_zombies(struct rset *rs, const struct zombies *z)
{
	double v[NKINDS], st[4], zz[5] = { 0 }, none[5] = { 0 };
	size_t i;

	for (i = 0; i < z->n; i++) {
		zz[0] += z->v[i].cur;
		zz[1] += z->v[i].anon;
		zz[2] += z->v[i].file;
		zz[3] += z->v[i].shmem;
		zz[4] += z->v[i].kernel;
	}
	/* the zombies' own kinds, and the rest of their memory.current */
	for (i = 0; i < 4; i++)
		st[i] = zz[i + 1];
	split_kinds(v, zz[0], st, none);
	for (i = 0; i < NKINDS; i++)
		if (i != 4)
			col_set(rs, "zmem", "/", report_kinds[i], v[i]);
}

static int depth_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int dx = 0, dy = 0;

	for (; *x; x++)
		dx += *x == '/';
	for (; *y; y++)
		dy += *y == '/';
	if (dx != dy)
		return dx - dy;
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Split text into lines in place; returns the count (*out malloc'd). */
static size_t split_lines(char *text, char ***out)
{
	size_t n = 0, cap = 0;
	char *p = text;

	*out = NULL;
	while (p && *p) {
		char *nl = strchr(p, '\n');

		if (nl)
			*nl = '\0';
		if (*p) {
			if (n == cap) {
				cap = cap ? 2 * cap : 16;
				*out = xrealloc(*out, cap * sizeof(char *));
			}
			(*out)[n++] = p;
		}
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

static void grow_samples(struct rset *rs)
{
	size_t c;

	if (rs->n < rs->cap)
		return;
	rs->cap = rs->cap ? 2 * rs->cap : 64;
	rs->stmt = xrealloc(rs->stmt, rs->cap * sizeof(double));
	rs->t_ns = xrealloc(rs->t_ns, rs->cap * sizeof(double));
	for (c = 0; c < rs->ncols; c++)
		rs->col[c] = xrealloc(rs->col[c], rs->cap * sizeof(double));
}

/* Keep every other sample (the first always), double the stride. */
static void decimate(struct rset *rs)
{
	size_t i, j, c;

	for (i = 0, j = 0; i < rs->n; i += 2, j++) {
		rs->stmt[j] = rs->stmt[i];
		rs->t_ns[j] = rs->t_ns[i];
		for (c = 0; c < rs->ncols; c++)
			rs->col[c][j] = rs->col[c][i];
	}
	rs->n = j;
	rs->stride *= 2;
}

static void take_sample(struct rset *rs, smemcg_machine *m)
{
	char *list = NULL, *text, **cgs = NULL;
	struct zombies zl;
	size_t i, n, c;
	double z;

	if (rs->n >= REPORT_MAX_SAMPLES)
		decimate(rs);
	grow_samples(rs);
	rs->n++;
	rs->stmt[rs->n - 1] = (double)rs->nexec;
	rs->t_ns[rs->n - 1] = (double)smemcg_now_ns(m);
	if (rs->t_ns[rs->n - 1] > 0)
		rs->timed = true;
	for (c = 0; c < rs->ncols; c++)
		rs->col[c][rs->n - 1] = NAN;
	rs->last_sampled = rs->nexec;
	rs->sampled_any = true;

	zombies_read(&zl, m);
	sample_zombies(rs, &zl);
	if (!smemcg_list_cgroups(&list, m)) {
		n = split_lines(list, &cgs);
		if (n > REPORT_MAX_CGROUPS) {
			qsort(cgs, n, sizeof(char *), depth_cmp);
			n = REPORT_MAX_CGROUPS;
		}
		for (i = 0; i < n; i++)
			if (strcmp(cgs[i], "/"))
				sample_group(rs, m, cgs[i], &zl);
		free(cgs);
		free(list);
	}
	if (!smemcg_list_smemcgs(&list, m)) {
		n = split_lines(list, &cgs);
		for (i = 0; i < n && i < REPORT_MAX_CGROUPS; i++) {
			struct strbuf name;

			sb_init(&name);
			sb_printf(&name, "@%s", cgs[i]);
			sample_group(rs, m, name.buf, &zl);
			sb_free(&name);
		}
		free(cgs);
		free(list);
	}
	text = read_file(m, "/", "cgroup.stat");
	if (text && flat_value(text, "nr_dying_descendants", &z))
		col_set(rs, "root", "/", "nr_dying_descendants", z);
	free(text);
	text = read_file(m, "/", "memory.stat");
	if (text) {
		char **lines;

		n = split_lines(text, &lines);
		for (i = 0; i < n; i++) {
			char *sp = strchr(lines[i], ' ');

			if (strncmp(lines[i], "recharge", 8) || !sp)
				continue;
			*sp = '\0';
			z = strtod(sp + 1, NULL);
			/* recharged_to_root is in bytes, the others count pages */
			if (!strcmp(lines[i], "recharged_to_root"))
				z /= PAGE;
			col_set(rs, "recharge", "/", lines[i], z);
			rs->recharge = true;
		}
		free(lines);
	}
	free(text);
	zombies_free(&zl);
}

/* The model backend, with a sample after the statements that act. */
struct sampler {
	struct smc_backend inner;
	struct model_backend *mb;
	struct rset *rs;
};

static int sampler_exec(void *ctx, const struct smc_stmt *st, struct strbuf *msg)
{
	struct sampler *sp = ctx;
	struct rset *rs = sp->rs;
	smemcg_machine *m;
	int rc = sp->inner.exec(sp->inner.ctx, st, msg);

	switch (st->op) {
	case SMC_MACHINE: case SMC_POLICY: case SMC_CGROUP_OPTIONS: case SMC_EXPLAIN:
		return rc;
	default:
		break;
	}
	m = model_backend_machine(sp->mb);
	if (!m)
		return rc;
	rs->nexec++;
	rs->cur_line = st->line;
	if (rs->nstmt_text < MAX_STMT_TEXT) {
		struct strbuf t;

		sb_init(&t);
		smc_line_text(&t, st->src);
		rs->stmt_text = xrealloc(rs->stmt_text, (rs->nstmt_text + 1) * sizeof(char *));
		rs->stmt_line = xrealloc(rs->stmt_line, (rs->nstmt_text + 1) * sizeof(int));
		rs->stmt_text[rs->nstmt_text] = t.buf ? sb_detach(&t) : xstrdup("");
		rs->stmt_line[rs->nstmt_text++] = st->line;
		sb_free(&t);
	}
	if (rs->nexec % rs->stride == 0)
		take_sample(rs, m);
	return rc;
}

/* The event log's kills and OOMs, kept at the statement that caused them. */
static void keep_event(void *arg, const struct smc_event *ev)
{
	struct rset *rs = arg;
	struct revent *e;
	struct strbuf t;

	if (ev->type < 0 || (!(SMEMCG_EV_BIT(ev->type) & SMEMCG_EV_MASK_KILLS) &&
			     !(ev->type == SMEMCG_EV_MEMCG_EVENT && !strcmp(ev->what, "oom"))))
		return;
	if (SMEMCG_EV_BIT(ev->type) & SMEMCG_EV_MASK_KILLS)
		rs->nkills++;
	if (rs->nevents >= MAX_EVENTS) {
		rs->events_dropped++;
		return;
	}
	ALLOC_GROW(rs->events, rs->nevents + 1, rs->events_cap);
	e = &rs->events[rs->nevents++];
	e->x = (double)rs->nexec;
	e->line = rs->cur_line;
	e->type = ev->type;
	e->repeats = ev->repeats;
	e->cgroup = xstrdup(ev->cgroup);
	sb_init(&t);
	if (ev->type == SMEMCG_EV_MEMCG_EVENT) {
		sb_printf(&t, "oom in %s: the OOM killer ran (memory.events oom)", ev->cgroup);
	} else {
		sb_puts(&t, ev->type_name);
		if (*ev->cgroup)
			sb_printf(&t, " in %s", ev->cgroup);
		sb_printf(&t, ": %s", ev->text);
	}
	if (ev->repeats > 1)
		sb_printf(&t, " (%ld times)", ev->repeats);
	e->text = sb_detach(&t);
}

static void sampler_watch_events(void *ctx, unsigned mask)
{
	struct sampler *sp = ctx;

	sp->inner.watch_events(sp->inner.ctx, mask);
}

/* The interpreter's TAP is not shown: the events go to the page only. */
static void sampler_drain_events(void *ctx, smc_event_fn *fn, void *arg)
{
	struct sampler *sp = ctx;

	(void)fn;
	(void)arg;
	sp->inner.drain_events(sp->inner.ctx, keep_event, sp->rs);
}

static int sampler_start(void *ctx, struct strbuf *msg)
{
	struct sampler *sp = ctx;
	int rc = sp->inner.start(sp->inner.ctx, msg);
	smemcg_machine *m = model_backend_machine(sp->mb);

	if (!rc && m)
		take_sample(sp->rs, m);
	return rc;
}

static int sampler_read(void *ctx, const char *path, struct strbuf *out,
			struct strbuf *msg)
{
	struct sampler *sp = ctx;

	return sp->inner.read(sp->inner.ctx, path, out, msg);
}

static int sampler_proc_state(void *ctx, const char *proc, enum smc_proc_state *state,
			      int *sig, struct strbuf *msg)
{
	struct sampler *sp = ctx;

	return sp->inner.proc_state(sp->inner.ctx, proc, state, sig, msg);
}

struct report *report_new(void)
{
	return xcalloc(1, sizeof(struct report));
}

int report_nsets(const struct report *rp)
{
	return rp->nsets;
}

int report_failed(const struct report *rp)
{
	int s, n = 0;

	for (s = 0; s < rp->nsets; s++)
		n += rp->sets[s]->res.failed;
	return n;
}

static void keep_failures(struct rset *rs, char *tap, size_t len)
{
	char **lines;
	size_t n, i;

	(void)len;
	n = split_lines(tap, &lines);
	for (i = 0; i < n; i++) {
		if (strncmp(lines[i], "not ok", 6) || strstr(lines[i], "# TODO"))
			continue;
		if (rs->nfails++ < MAX_FAIL_LINES) {
			sb_puts(&rs->fails, lines[i]);
			sb_puts(&rs->fails, "\n");
		}
	}
	free(lines);
}

void report_run(struct report *rp, const struct smc_script *s, const char *scenario,
		const struct smc_kv *policy, int npolicy, bool progress)
{
	struct rset *rs = xcalloc(1, sizeof(*rs));
	struct smc_backend be;
	struct smc_run_opts opts;
	struct sampler sp;
	struct strbuf lab;
	char *tap = NULL;
	size_t taplen = 0;
	smemcg_machine *m;
	FILE *out;
	int i;

	strmap_init(&rs->colidx);
	sb_init(&rs->fails);
	rs->stride = 1;
	rs->scenario = xstrdup(scenario);
	sb_init(&lab);
	for (i = 0; i < npolicy; i++)
		sb_printf(&lab, "%s%s=%s", i ? " " : "", policy[i].key, policy[i].value);
	rs->label = lab.buf ? sb_detach(&lab) : xstrdup("the scenario's policies");
	sb_free(&lab);

	memset(&sp, 0, sizeof(sp));
	sp.mb = model_backend_new(policy, npolicy, false);
	sp.rs = rs;
	model_backend_ops(&sp.inner, sp.mb);
	memset(&be, 0, sizeof(be));
	be.ctx = &sp;
	be.exec = sampler_exec;
	be.read = sampler_read;
	be.proc_state = sampler_proc_state;
	be.start = sampler_start;
	be.watch_events = sampler_watch_events;
	be.drain_events = sampler_drain_events;

	out = open_memstream(&tap, &taplen);
	if (!out)
		die("open_memstream: out of memory");
	memset(&opts, 0, sizeof(opts));
	opts.out = out;
	opts.progress = progress;
	opts.events_show = SMEMCG_EV_MASK_KILLS | SMEMCG_EV_BIT(SMEMCG_EV_MEMCG_EVENT);
	smc_run(&rs->res, s, &be, &opts);
	fclose(out);
	keep_failures(rs, tap, taplen);
	free(tap);

	m = model_backend_machine(sp.mb);
	if (m && (!rs->sampled_any || rs->last_sampled != rs->nexec))
		take_sample(rs, m);
	sb_init(&lab);
	for (i = 0; m && i < (int)ARRAY_SIZE(policy_keys); i++) {
		const char *v = smemcg_policy_get(m, policy_keys[i]);

		if (v)
			sb_printf(&lab, "%s%s=%s", i ? " " : "", policy_keys[i], v);
	}
	rs->effective = lab.buf ? sb_detach(&lab) : xstrdup("(the machine did not start)");
	sb_free(&lab);
	model_backend_free(sp.mb);

	rp->sets = xrealloc(rp->sets, (size_t)(rp->nsets + 1) * sizeof(*rp->sets));
	rp->sets[rp->nsets++] = rs;
}

static void rset_free(struct rset *rs)
{
	size_t i;

	free(rs->scenario);
	free(rs->label);
	free(rs->effective);
	sb_free(&rs->fails);
	/* the samples, and each column of them */
	free(rs->stmt);
	free(rs->t_ns);
	free(rs->marks);
	strmap_free(&rs->colidx);
	for (i = 0; i < rs->ncols; i++)
		free(rs->col[i]);
	free(rs->col);
	free_strings(rs->colname, rs->ncols);
	/* the statements, and the events at them */
	free_strings(rs->stmt_text, rs->nstmt_text);
	free(rs->stmt_line);
	for (i = 0; i < (size_t)rs->nevents; i++) {
		free(rs->events[i].cgroup);
		free(rs->events[i].text);
	}
	free(rs->events);
	free(rs);
}

void report_free(struct report *rp)
{
	int i;

	if (!rp)
		return;
	for (i = 0; i < rp->nsets; i++)
		rset_free(rp->sets[i]);
	free(rp->sets);
	free(rp);
}

/*
 * ---- a set's samples saved and loaded (smemcg sweep and merge) ----
 *
 * Text, one item a line, fields separated by tabs (text fields with their
 * tabs and newlines blanked), numbers exact (%.17g, NaN as "n"); a column
 * keeps only its values from the first to the last present one:
 *
 *   smemcg-samples 1
 *   label TEXT / effective TEXT / scenario TEXT / fail TEXT (each kept line)
 *   result PASSED FAILED SKIPPED STOPPED NFAILS
 *   exec NEXEC STRIDE LAST_SAMPLED SAMPLED_ANY TIMED RECHARGE
 *   stmt LINE TEXT (each kept statement)
 *   x V V ... / t V V ...  (each sample's statement count and time)
 *   col NAME FIRST V V ...
 *   kills NKILLS DROPPED
 *   event X LINE TYPE REPEATS CGROUP TEXT (each kept event of the event log)
 *
 * A reader skips the items it does not know.
 */
#define SAMPLES_MAGIC "smemcg-samples 1"

static void put_text(struct strbuf *out, const char *s)
{
	for (; s && *s; s++)
		sb_add(out, *s == '\t' || *s == '\n' || *s == '\r' ? " " : s, 1);
}

static void put_values(struct strbuf *out, const double *v, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		if (isnan(v[i]))
			sb_puts(out, i > from ? " n" : "n");
		else
			sb_printf(out, i > from ? " %.17g" : "%.17g", v[i]);
	}
}

void report_set_dump(const struct report *rp, int set, struct strbuf *out)
{
	const struct rset *rs = rp->sets[set];
	const char *p;
	size_t i, c;

	sb_puts(out, SAMPLES_MAGIC "\nlabel\t");
	put_text(out, rs->label);
	sb_puts(out, "\neffective\t");
	put_text(out, rs->effective);
	sb_puts(out, "\nscenario\t");
	put_text(out, rs->scenario);
	sb_printf(out, "\nresult\t%d\t%d\t%d\t%d\t%d\n", rs->res.passed, rs->res.failed,
		  rs->res.skipped, rs->res.stopped, rs->nfails);
	for (p = rs->fails.buf; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *line = xstrndup(p, n);

		sb_puts(out, "fail\t");
		put_text(out, line);
		sb_puts(out, "\n");
		free(line);
		p = e ? e + 1 : p + n;
	}
	sb_printf(out, "exec\t%llu\t%llu\t%llu\t%d\t%d\t%d\n", (unsigned long long)rs->nexec,
		  (unsigned long long)rs->stride, (unsigned long long)rs->last_sampled,
		  rs->sampled_any, rs->timed, rs->recharge);
	for (i = 0; i < rs->nstmt_text; i++) {
		sb_printf(out, "stmt\t%d\t", rs->stmt_line[i]);
		put_text(out, rs->stmt_text[i]);
		sb_puts(out, "\n");
	}
	sb_puts(out, "x\t");
	put_values(out, rs->stmt, 0, rs->n);
	sb_puts(out, "\nt\t");
	put_values(out, rs->t_ns, 0, rs->n);
	sb_puts(out, "\n");
	for (c = 0; c < rs->ncols; c++) {
		size_t first = 0, last = rs->n;

		while (first < rs->n && isnan(rs->col[c][first]))
			first++;
		while (last > first && isnan(rs->col[c][last - 1]))
			last--;
		sb_puts(out, "col\t");
		put_text(out, rs->colname[c]);
		sb_printf(out, "\t%zu\t", first);
		put_values(out, rs->col[c], first, last);
		sb_puts(out, "\n");
	}
	sb_printf(out, "kills\t%d\t%ld\n", rs->nkills, rs->events_dropped);
	for (i = 0; i < (size_t)rs->nevents; i++) {
		const struct revent *e = &rs->events[i];

		sb_printf(out, "event\t%.17g\t%d\t%d\t%ld\t", e->x, e->line, e->type, e->repeats);
		put_text(out, e->cgroup);
		sb_puts(out, "\t");
		put_text(out, e->text);
		sb_puts(out, "\n");
	}
}

/* n numbers of a line into v (NaN for "n"); false on anything else. */
static bool get_values(double *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *end;

		while (*s == ' ')
			s++;
		if (*s == 'n' && (s[1] == ' ' || !s[1])) {
			v[i] = NAN;
			s++;
			continue;
		}
		v[i] = strtod(s, &end);
		if (end == s)
			return false;
		s = end;
	}
	while (*s == ' ')
		s++;
	return !*s;
}

static size_t count_values(const char *s)
{
	size_t n = 0;

	for (;;) {
		while (*s == ' ')
			s++;
		if (!*s)
			return n;
		n++;
		s += strcspn(s, " ");
	}
}

/* One line of a dump into rs; false when it is not one. */
static bool load_line(struct rset *rs, char *line)
{
	char *tab = strchr(line, '\t'), *f[7];
	int k = 0, d[6];
	unsigned long long u[3];

	if (!tab)
		return false;
	*tab++ = '\0';
	if (!strcmp(line, "label")) {
		free(rs->label);
		rs->label = xstrdup(tab);
	} else if (!strcmp(line, "effective")) {
		free(rs->effective);
		rs->effective = xstrdup(tab);
	} else if (!strcmp(line, "scenario")) {
		free(rs->scenario);
		rs->scenario = xstrdup(tab);
	} else if (!strcmp(line, "kills")) {
		if (sscanf(tab, "%d\t%ld", &rs->nkills, &rs->events_dropped) != 2)
			return false;
	} else if (!strcmp(line, "event")) {
		struct revent *e;
		char *cg, *text;
		double x;
		long rep;
		int ln, type;

		cg = strchr(tab, '\t');
		for (k = 0; cg && k < 3; k++)
			cg = strchr(cg + 1, '\t');
		text = cg ? strchr(cg + 1, '\t') : NULL;
		if (!text || sscanf(tab, "%lf\t%d\t%d\t%ld", &x, &ln, &type, &rep) != 4)
			return false;
		*cg++ = '\0';
		*text++ = '\0';
		ALLOC_GROW(rs->events, rs->nevents + 1, rs->events_cap);
		e = &rs->events[rs->nevents++];
		e->x = x;
		e->line = ln;
		e->type = type;
		e->repeats = rep;
		e->cgroup = xstrdup(cg);
		e->text = xstrdup(text);
	} else if (!strcmp(line, "fail")) {
		sb_puts(&rs->fails, tab);
		sb_puts(&rs->fails, "\n");
	} else if (!strcmp(line, "result")) {
		if (sscanf(tab, "%d\t%d\t%d\t%d\t%d", &d[0], &d[1], &d[2], &d[3], &d[4]) != 5)
			return false;
		rs->res.passed = d[0];
		rs->res.failed = d[1];
		rs->res.skipped = d[2];
		rs->res.stopped = d[3];
		rs->nfails = d[4];
	} else if (!strcmp(line, "exec")) {
		if (sscanf(tab, "%llu\t%llu\t%llu\t%d\t%d\t%d", &u[0], &u[1], &u[2], &d[0], &d[1],
			   &d[2]) != 6 || !u[1])
			return false;
		rs->nexec = u[0];
		rs->stride = u[1];
		rs->last_sampled = u[2];
		rs->sampled_any = d[0];
		rs->timed = d[1];
		rs->recharge = d[2];
	} else if (!strcmp(line, "stmt")) {
		char *t = strchr(tab, '\t');

		if (!t)
			return false;
		*t++ = '\0';
		rs->stmt_text = xrealloc(rs->stmt_text, (rs->nstmt_text + 1) * sizeof(char *));
		rs->stmt_line = xrealloc(rs->stmt_line, (rs->nstmt_text + 1) * sizeof(int));
		rs->stmt_text[rs->nstmt_text] = xstrdup(t);
		rs->stmt_line[rs->nstmt_text++] = atoi(tab);
	} else if (!strcmp(line, "x") || !strcmp(line, "t")) {
		size_t n = count_values(tab);

		if (rs->n && n != rs->n)
			return false;
		while (rs->cap < n) {
			rs->n = rs->cap;	/* grow_samples grows a full set */
			grow_samples(rs);
		}
		rs->n = n;
		return get_values(line[0] == 'x' ? rs->stmt : rs->t_ns, n, tab);
	} else if (!strcmp(line, "col")) {
		size_t first, c, i;

		for (f[k++] = tab; k < 3 && (tab = strchr(tab, '\t')); f[k++] = tab)
			*tab++ = '\0';
		if (k < 3 || sscanf(f[1], "%zu", &first) != 1 || first > rs->n ||
		    count_values(f[2]) > rs->n - first)
			return false;
		c = col_get(rs, f[0]);
		for (i = 0; i < rs->n; i++)
			rs->col[c][i] = NAN;
		return get_values(rs->col[c] + first, count_values(f[2]), f[2]);
	}
	return true;
}

int report_set_load(struct report *rp, const char *label, const char *text, struct strbuf *err)
{
	struct rset *rs = xcalloc(1, sizeof(*rs));
	char *copy = xstrdup(text), *p = copy;
	int lineno = 0;
	bool ok = !strncmp(copy, SAMPLES_MAGIC "\n", sizeof(SAMPLES_MAGIC));

	strmap_init(&rs->colidx);
	sb_init(&rs->fails);
	rs->stride = 1;
	rs->label = xstrdup("");
	rs->effective = xstrdup("");
	rs->scenario = xstrdup("");
	while (ok && *p) {
		char *e = strchr(p, '\n');

		if (e)
			*e = '\0';
		if (lineno++ && *p)
			ok = load_line(rs, p);
		p = e ? e + 1 : p + strlen(p);
	}
	free(copy);
	if (!ok || !rs->n) {
		sb_printf(err, "samples that are not smemcg report's (line %d)", lineno);
		rset_free(rs);
		return -EINVAL;
	}
	if (label) {
		free(rs->label);
		rs->label = xstrdup(label);
	}
	rp->sets = xrealloc(rp->sets, (size_t)(rp->nsets + 1) * sizeof(*rp->sets));
	rp->sets[rp->nsets++] = rs;
	return 0;
}
