// SPDX-License-Identifier: GPL-2.0-only
/*
 * `smemcg report` (report.h): runs a scenario on the model once per policy
 * set, samples the cgroup files after the statements that change state, and
 * writes one self-contained HTML page of SVG charts (svg.h) with the policy
 * sets side by side: memory.current of each cgroup stacked by kind, the
 * max/oom/oom_kill events, zombies (dying memcgs) and recharges.
 */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smemcg.h"
#include "../base/strmap.h"
#include "../scenario/model_backend.h"
#include "svg.h"

#define SEP "\x1f"		/* between the parts of a column name */
#define MAX_STMT_TEXT 400	/* statements listed in the page */
#define MAX_FAIL_LINES 40	/* failed test points kept per set */
#define MAX_EVENT_SERIES 12
#define MAX_MARKS 24		/* sleep markers drawn per chart */
#define PAGE 4096.0

static const char *const policy_keys[] = {
	"shared", "smemcg", "recharge", "owner", "kmem", "stock",
};

/* Kinds of memory stacked in memory.current, bottom to top. */
static const char *const kinds[] = { "anon", "file", "shmem", "kernel", "other" };
#define NKINDS 5
static const char *const events[] = { "max", "oom", "oom_kill" };

/* One run: the samples of one policy set, stored by column. */
struct rset {
	char *label;		/* the --policy values of this set */
	char *effective;	/* every policy as the machine ran it */
	struct smc_result res;
	struct strbuf fails;	/* "not ok" lines */
	int nfails;

	size_t n, cap;		/* samples */
	double *stmt;		/* x: statements executed before the sample */
	double *t_ns;		/* simulated time */
	bool timed;		/* simulated time moved */
	double *marks;		/* x of the samples where time moved */
	size_t nmarks;

	struct strmap colidx;
	size_t ncols, colcap;
	char **colname;
	double **col;		/* col[c][sample]; NaN: not present */

	uint64_t nexec, stride, last_sampled;
	bool sampled_any;
	bool recharge;		/* recharge_* keys were present */
	char **stmt_text;	/* text of the first MAX_STMT_TEXT statements */
	int *stmt_line;
	size_t nstmt_text;
};

struct report {
	char *file;
	int nsets;
	struct rset **sets;
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

static const double *col_find(const struct rset *rs, const char *a, const char *b,
			      const char *c)
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

static void sample_group(struct rset *rs, smemcg_machine *m, const char *cg)
{
	char *cur = read_file(m, cg, "memory.current");
	char *max = read_file(m, cg, "memory.max");
	char *stat = read_file(m, cg, "memory.stat");
	char *ev = read_file(m, cg, "memory.events");
	double v[NKINDS] = { 0 }, current, sum = 0;
	size_t i;

	if (cur && stat) {
		current = strtod(cur, NULL);
		flat_value(stat, "anon", &v[0]);
		flat_value(stat, "file", &v[1]);
		flat_value(stat, "shmem", &v[2]);
		flat_value(stat, "kernel", &v[3]);
		v[1] -= v[2];	/* file counts shmem too; draw page cache apart */
		for (i = 0; i < NKINDS - 1; i++) {
			if (v[i] < 0)
				v[i] = 0;
			sum += v[i];
		}
		v[4] = current > sum ? current - sum : 0;
		for (i = 0; i < NKINDS; i++)
			col_set(rs, "mem", cg, kinds[i], v[i]);
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

/* Split text into lines in place; returns the count. */
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

	if (!smemcg_list_cgroups(&list, m)) {
		n = split_lines(list, &cgs);
		if (n > REPORT_MAX_CGROUPS) {
			qsort(cgs, n, sizeof(char *), depth_cmp);
			n = REPORT_MAX_CGROUPS;
		}
		for (i = 0; i < n; i++)
			if (strcmp(cgs[i], "/"))
				sample_group(rs, m, cgs[i]);
		free(cgs);
		free(list);
	}
	if (!smemcg_list_smemcgs(&list, m)) {
		n = split_lines(list, &cgs);
		for (i = 0; i < n && i < REPORT_MAX_CGROUPS; i++) {
			struct strbuf name;

			sb_init(&name);
			sb_printf(&name, "@%s", cgs[i]);
			sample_group(rs, m, name.buf);
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

struct report *report_new(const char *file)
{
	struct report *rp = xcalloc(1, sizeof(*rp));

	rp->file = xstrdup(file);
	return rp;
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

void report_run(struct report *rp, const struct smc_script *s,
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
	sb_init(&lab);
	for (i = 0; i < npolicy; i++)
		sb_printf(&lab, "%s%s=%s", i ? " " : "", policy[i].key, policy[i].value);
	rs->label = lab.buf ? sb_detach(&lab) : xstrdup("the scenario's policies");
	sb_free(&lab);

	memset(&sp, 0, sizeof(sp));
	sp.mb = model_backend_new(policy, npolicy, false);
	sp.rs = rs;
	model_backend_ops(&sp.inner, sp.mb);
	be.ctx = &sp;
	be.exec = sampler_exec;
	be.read = sampler_read;
	be.proc_state = sampler_proc_state;
	be.start = sampler_start;

	out = open_memstream(&tap, &taplen);
	if (!out)
		die("open_memstream: out of memory");
	memset(&opts, 0, sizeof(opts));
	opts.out = out;
	opts.progress = progress;
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

	for (i = 0; i < rs->ncols; i++) {
		free(rs->colname[i]);
		free(rs->col[i]);
	}
	for (i = 0; i < rs->nstmt_text; i++)
		free(rs->stmt_text[i]);
	free(rs->stmt_text);
	free(rs->stmt_line);
	free(rs->colname);
	free(rs->col);
	strmap_free(&rs->colidx);
	free(rs->stmt);
	free(rs->t_ns);
	free(rs->marks);
	free(rs->label);
	free(rs->effective);
	sb_free(&rs->fails);
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
	free(rp->file);
	free(rp);
}

/* ---- the page ---- */

/* A name list: the union of one part of the column names over every set. */
struct names {
	char **v;
	size_t n;
};

static void names_add(struct names *nm, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		if (strlen(nm->v[i]) == len && !strncmp(nm->v[i], s, len))
			return;
	nm->v = xrealloc(nm->v, (nm->n + 1) * sizeof(char *));
	nm->v[nm->n++] = xstrndup(s, len);
}

static void names_free(struct names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
}

/* Order of cgroup paths: the tree in pre-order, then shared memory cgroups. */
static int path_cmp(const void *a, const void *b)
{
	const unsigned char *x = *(const unsigned char *const *)a;
	const unsigned char *y = *(const unsigned char *const *)b;

	for (; *x && *x == *y; x++, y++)
		;
	if (*x == '/' && *y)
		return -1;
	if (*y == '/' && *x)
		return 1;
	return (int)*x - (int)*y;
}

/* Every group (part 2) whose columns start with prefix (part 1). */
static void groups_of(struct report *rp, const char *prefix, struct names *nm)
{
	size_t pl = strlen(prefix), c;
	int s;

	for (s = 0; s < rp->nsets; s++) {
		const struct rset *rs = rp->sets[s];

		for (c = 0; c < rs->ncols; c++) {
			const char *nme = rs->colname[c], *end;

			if (strncmp(nme, prefix, pl) || nme[pl] != SEP[0])
				continue;
			end = strchr(nme + pl + 1, SEP[0]);
			if (end)
				names_add(nm, nme + pl + 1, (size_t)(end - nme - pl - 1));
		}
	}
	qsort(nm->v, nm->n, sizeof(char *), path_cmp);
}

static double col_peak(const double *v, size_t n)
{
	double p = 0;
	size_t i;

	for (i = 0; v && i < n; i++)
		if (isfinite(v[i]) && v[i] > p)
			p = v[i];
	return p;
}

static void xlabel_time(void *ctx, double x, char *buf, size_t len)
{
	const struct rset *rs = ctx;
	size_t lo = 0, hi = rs->n;

	if (!rs->timed || !rs->n) {
		buf[0] = '\0';
		return;
	}
	/* the last sample at or before x */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (rs->stmt[mid] <= x)
			lo = mid;
		else
			hi = mid;
	}
	if (rs->stmt[lo] > x) {
		buf[0] = '\0';
		return;
	}
	svg_format_ns(buf, len, rs->t_ns[lo]);
}

struct page {
	struct report *rp;
	struct strbuf *out;
	double xmax;
	const double *zeros;	/* n zeros of the longest set */
};

static void chart_common(struct svg_chart *c, const struct page *pg,
			 const struct rset *rs, const char *title)
{
	memset(c, 0, sizeof(*c));
	c->title = title;
	c->width = 430;
	c->height = 270;
	c->n = rs->n;
	c->x = rs->stmt;
	c->xmin = 0;
	c->xmax = pg->xmax;
	c->xtitle = rs->timed ? "statement (simulated time below)"
			      : "statement (simulated time stays 0)";
	c->xlabel = xlabel_time;
	c->xlabel_ctx = (void *)rs;
	/* a marker per sleep, unless there are so many they would hide the plot */
	c->marks = rs->marks;
	c->nmarks = rs->nmarks <= MAX_MARKS ? rs->nmarks : 0;
	c->mark_title = "simulated time advances (sleep)";
}

/* The samples where simulated time moved, for the markers. */
static void find_marks(struct rset *rs)
{
	size_t i;

	free(rs->marks);
	rs->marks = NULL;
	rs->nmarks = 0;
	for (i = 1; i < rs->n; i++)
		if (rs->t_ns[i] > rs->t_ns[i - 1]) {
			rs->marks = xrealloc(rs->marks, (rs->nmarks + 1) * sizeof(double));
			rs->marks[rs->nmarks++] = rs->stmt[i];
		}
}

static void grid_open(const struct page *pg, const char *cls)
{
	int s;

	sb_printf(pg->out, "<div class=\"grid %s\" style=\"grid-template-columns: repeat(%d, 440px)\">\n",
		  cls, pg->rp->nsets);
	for (s = 0; s < pg->rp->nsets; s++) {
		sb_printf(pg->out, "<div class=\"colhead\">set %d: ", s + 1);
		svg_escape(pg->out, pg->rp->sets[s]->label);
		sb_puts(pg->out, "</div>\n");
	}
}

static void cell_open(const struct page *pg, int s)
{
	sb_printf(pg->out, "<div class=\"cell\" data-set=\"%d\">\n", s + 1);
}

static void memory_section(struct page *pg)
{
	struct report *rp = pg->rp;
	struct names groups = { NULL, 0 };
	double *peak;
	bool *shown;
	size_t g, nshown = 0, k;
	int s;

	groups_of(rp, "mem", &groups);
	sb_puts(pg->out, "<h2 id=\"memory\">memory.current by kind</h2>\n"
		"<p class=\"note\">Stacked from memory.stat: anon, file (page cache without "
		"shmem), shmem, kernel, and other (the rest of memory.current: sockets, "
		"borrowed shared memory, charges held by per-CPU stocks). The dashed line is "
		"memory.max. Counters are hierarchical; one y scale per row.</p>\n");
	if (!groups.n) {
		sb_puts(pg->out, "<p class=\"note\">No cgroup besides the root.</p>\n");
		names_free(&groups);
		return;
	}
	peak = xcalloc(groups.n, sizeof(double));
	shown = xcalloc(groups.n, sizeof(bool));
	for (g = 0; g < groups.n; g++)
		for (s = 0; s < rp->nsets; s++) {
			const struct rset *rs = rp->sets[s];
			double p = col_peak(col_find(rs, "mem", groups.v[g], "current"), rs->n);

			if (p > peak[g])
				peak[g] = p;
		}
	/* the REPORT_MAX_ROWS groups with the highest peaks, in tree order */
	for (k = 0; k < groups.n && k < REPORT_MAX_ROWS; k++) {
		size_t best = groups.n;

		for (g = 0; g < groups.n; g++)
			if (!shown[g] && (best == groups.n || peak[g] > peak[best]))
				best = g;
		shown[best] = true;
		nshown++;
	}
	grid_open(pg, "memory");
	for (g = 0; g < groups.n; g++) {
		double ymax = 0;

		if (!shown[g])
			continue;
		/* one scale per row: the largest stack or limit of any set */
		for (s = 0; s < rp->nsets; s++) {
			const struct rset *rs = rp->sets[s];
			const double *mx = col_find(rs, "mem", groups.v[g], "memory.max");
			size_t i;

			for (i = 0; i < rs->n; i++) {
				double sum = 0;

				for (k = 0; k < NKINDS; k++) {
					const double *v = col_find(rs, "mem", groups.v[g], kinds[k]);

					if (v && isfinite(v[i]))
						sum += v[i];
				}
				if (mx && isfinite(mx[i]) && mx[i] > sum)
					sum = mx[i];
				if (sum > ymax)
					ymax = sum;
			}
		}
		for (s = 0; s < rp->nsets; s++) {
			const struct rset *rs = rp->sets[s];
			struct svg_series ser[NKINDS + 1];
			struct svg_chart c;
			size_t ns = 0;

			for (k = 0; k < NKINDS; k++) {
				const double *v = col_find(rs, "mem", groups.v[g], kinds[k]);

				ser[ns].name = kinds[k];
				ser[ns].y = v ? v : pg->zeros;
				ser[ns].overlay = false;
				ser[ns].color = NULL;
				ns++;
			}
			ser[ns].y = col_find(rs, "mem", groups.v[g], "memory.max");
			ser[ns].name = "memory.max";
			ser[ns].overlay = true;
			ser[ns].color = NULL;
			if (ser[ns].y && col_peak(ser[ns].y, rs->n) > 0)
				ns++;
			chart_common(&c, pg, rs, groups.v[g]);
			c.kind = SVG_STACKED;
			c.unit = SVG_UNIT_BYTES;
			c.ymax = ymax;
			c.nseries = ns;
			c.series = ser;
			c.empty_text = "no samples";
			cell_open(pg, s);
			svg_chart_render(pg->out, &c);
			sb_puts(pg->out, "</div>\n");
		}
	}
	sb_puts(pg->out, "</div>\n");
	if (nshown < groups.n) {
		sb_printf(pg->out, "<p class=\"note\">%zu more cgroups not drawn (the %d with "
			  "the highest peaks are):", groups.n - nshown, REPORT_MAX_ROWS);
		for (g = 0; g < groups.n; g++)
			if (!shown[g]) {
				sb_puts(pg->out, " <code>");
				svg_escape(pg->out, groups.v[g]);
				sb_puts(pg->out, "</code>");
			}
		sb_puts(pg->out, "</p>\n");
	}
	free(peak);
	free(shown);
	names_free(&groups);
}

/* A chart of line series per set, from columns prefix/group/key. */
struct line_def {
	char *name;		/* legend */
	const char *group, *key;
};

static void lines_section(struct page *pg, const char *prefix, const char *title,
			  const struct line_def *defs, size_t ndefs, const char *empty,
			  bool need_recharge)
{
	struct report *rp = pg->rp;
	double ymax = 0;
	size_t d;
	int s;

	for (s = 0; s < rp->nsets; s++)
		for (d = 0; d < ndefs; d++) {
			const struct rset *rs = rp->sets[s];
			double p = col_peak(col_find(rs, prefix, defs[d].group, defs[d].key), rs->n);

			if (p > ymax)
				ymax = p;
		}
	for (s = 0; s < rp->nsets; s++) {
		const struct rset *rs = rp->sets[s];
		struct svg_series *ser = xcalloc(ndefs ? ndefs : 1, sizeof(*ser));
		struct svg_chart c;
		size_t ns = 0;

		for (d = 0; d < ndefs; d++) {
			const double *v = col_find(rs, prefix, defs[d].group, defs[d].key);

			if (!v)
				continue;
			ser[ns].name = defs[d].name;
			ser[ns].y = v;
			/* by place in the list every set shares: distinct, and the
			 * same in each column */
			ser[ns].color = ndefs > 1 ? svg_palette(d) : NULL;
			ns++;
		}
		chart_common(&c, pg, rs, title);
		c.kind = SVG_LINES;
		c.unit = SVG_UNIT_COUNT;
		c.ymax = ymax;
		c.nseries = need_recharge && !rs->recharge ? 0 : ns;
		c.series = ser;
		c.empty_text = need_recharge && !rs->recharge
			? "recharge=none: memory.stat has no recharge_* counters" : empty;
		cell_open(pg, s);
		svg_chart_render(pg->out, &c);
		sb_puts(pg->out, "</div>\n");
		free(ser);
	}
}

static void events_section(struct page *pg)
{
	struct report *rp = pg->rp;
	struct names groups = { NULL, 0 };
	struct line_def *defs = NULL;
	size_t g, e, ndefs = 0, skipped = 0;
	int s;

	groups_of(rp, "ev", &groups);
	for (g = 0; g < groups.n; g++)
		for (e = 0; e < ARRAY_SIZE(events); e++) {
			bool any = false;

			for (s = 0; s < rp->nsets && !any; s++)
				any = col_peak(col_find(rp->sets[s], "ev", groups.v[g], events[e]),
					       rp->sets[s]->n) > 0;
			if (!any)
				continue;
			if (ndefs == MAX_EVENT_SERIES) {
				skipped++;
				continue;
			}
			defs = xrealloc(defs, (ndefs + 1) * sizeof(*defs));
			defs[ndefs].group = groups.v[g];
			defs[ndefs].key = events[e];
			defs[ndefs].name = xmalloc(strlen(groups.v[g]) + strlen(events[e]) + 2);
			sprintf(defs[ndefs].name, "%s %s", groups.v[g], events[e]);
			ndefs++;
		}
	sb_puts(pg->out, "<h2 id=\"events\">memory.events: max, oom, oom_kill</h2>\n"
		"<p class=\"note\">Each cgroup's counters as its memory.events shows them "
		"(hierarchical: a parent counts its children's events); only counters that "
		"move in some set are drawn.</p>\n");
	grid_open(pg, "events");
	lines_section(pg, "ev", "events", defs, ndefs, "no max, oom or oom_kill events", false);
	sb_puts(pg->out, "</div>\n");
	if (skipped)
		sb_printf(pg->out, "<p class=\"note\">%zu more event counters not drawn.</p>\n",
			  skipped);
	for (e = 0; e < ndefs; e++)
		free(defs[e].name);
	free(defs);
	names_free(&groups);
}

static void zombie_section(struct page *pg)
{
	struct line_def def = { (char *)"nr_dying_descendants", "/", "nr_dying_descendants" };

	sb_puts(pg->out, "<h2 id=\"zombies\">Zombies</h2>\n"
		"<p class=\"note\">nr_dying_descendants of the root's cgroup.stat: removed "
		"cgroups whose memcg is still held by pages or references.</p>\n");
	grid_open(pg, "zombies");
	lines_section(pg, "root", "dying memcgs", &def, 1, "no cgroup.stat", false);
	sb_puts(pg->out, "</div>\n");
}

static void recharge_section(struct page *pg)
{
	struct report *rp = pg->rp;
	struct names keys = { NULL, 0 };
	struct line_def *defs;
	size_t k, c;
	int s;

	for (s = 0; s < rp->nsets; s++) {
		const struct rset *rs = rp->sets[s];

		for (c = 0; c < rs->ncols; c++)
			if (!strncmp(rs->colname[c], "recharge" SEP "/" SEP, 11))
				names_add(&keys, rs->colname[c] + 11, strlen(rs->colname[c] + 11));
	}
	defs = xcalloc(keys.n ? keys.n : 1, sizeof(*defs));
	for (k = 0; k < keys.n; k++) {
		defs[k].name = keys.v[k];
		defs[k].group = "/";
		defs[k].key = keys.v[k];
	}
	sb_puts(pg->out, "<h2 id=\"recharges\">Recharges</h2>\n"
		"<p class=\"note\">The recharge_* counters of the root's memory.stat, in pages "
		"(recharged_to_root converted from bytes); they exist when recharge is not "
		"none.</p>\n");
	grid_open(pg, "recharges");
	lines_section(pg, "recharge", "recharge counters (pages)", defs, keys.n,
		      "no recharge counters", true);
	sb_puts(pg->out, "</div>\n");
	free(defs);
	names_free(&keys);
}

static const char page_css[] =
	"body{font-family:sans-serif;margin:16px;color:#222;background:#fafafa}\n"
	"h1{font-size:20px;margin:0 0 6px}h2{font-size:16px;margin:22px 0 4px}\n"
	".note{color:#555;font-size:12px;max-width:70em;margin:2px 0 8px}\n"
	"table.sets{border-collapse:collapse;font-size:12px;margin:8px 0}\n"
	"table.sets td,table.sets th{border:1px solid #ccc;padding:3px 7px;text-align:left}\n"
	".grid{display:grid;gap:10px;overflow-x:auto;padding-bottom:4px}\n"
	".colhead{font-weight:bold;font-size:12px;padding:2px 4px;background:#e8eef5}\n"
	".cell{background:#fff;border:1px solid #ddd}\n"
	".cell svg{display:block}\n"
	"svg .ctitle{font-weight:bold}svg .t{fill:#777;font-size:10px}\n"
	"svg .xtitle{fill:#666;font-size:10px}svg .empty{fill:#999}\n"
	"pre{font-size:11px;background:#fff;border:1px solid #ddd;padding:6px;overflow-x:auto}\n"
	"table.stmts{font-size:11px;border-collapse:collapse}\n"
	"table.stmts td{padding:0 8px 0 0;font-family:monospace}\n";

static void sets_table(struct page *pg)
{
	struct report *rp = pg->rp;
	char t[64];
	int s;

	sb_puts(pg->out, "<table class=\"sets\">\n<tr><th>set</th><th>--policy</th>"
		"<th>policies in effect</th><th>expects</th><th>statements</th>"
		"<th>simulated time</th><th>samples</th></tr>\n");
	for (s = 0; s < rp->nsets; s++) {
		const struct rset *rs = rp->sets[s];

		svg_format_ns(t, sizeof(t), rs->n ? rs->t_ns[rs->n - 1] : 0);
		sb_printf(pg->out, "<tr><td>%d</td><td>", s + 1);
		svg_escape(pg->out, rs->label);
		sb_puts(pg->out, "</td><td>");
		svg_escape(pg->out, rs->effective);
		sb_printf(pg->out, "</td><td>%d passed, %d failed%s</td><td>%llu</td>"
			  "<td>%s</td><td>%zu (every %llu)</td></tr>\n",
			  rs->res.passed, rs->res.failed,
			  rs->res.stopped ? " (stopped)" : "",
			  (unsigned long long)rs->nexec, t, rs->n,
			  (unsigned long long)rs->stride);
	}
	sb_puts(pg->out, "</table>\n");
}

static void failures(struct page *pg)
{
	struct report *rp = pg->rp;
	bool any = false;
	int s;

	for (s = 0; s < rp->nsets; s++)
		any |= rp->sets[s]->nfails > 0;
	if (!any)
		return;
	sb_puts(pg->out, "<h2 id=\"failures\">Failed test points</h2>\n");
	for (s = 0; s < rp->nsets; s++) {
		const struct rset *rs = rp->sets[s];

		if (!rs->nfails)
			continue;
		sb_printf(pg->out, "<details><summary>set %d (", s + 1);
		svg_escape(pg->out, rs->label);
		sb_printf(pg->out, "): %d</summary>\n<pre>", rs->nfails);
		svg_escape(pg->out, rs->fails.buf ? rs->fails.buf : "");
		if (rs->nfails > MAX_FAIL_LINES)
			sb_printf(pg->out, "... %d more\n", rs->nfails - MAX_FAIL_LINES);
		sb_puts(pg->out, "</pre></details>\n");
	}
}

static void statements(struct page *pg)
{
	const struct rset *rs = NULL;
	size_t i;
	int s;

	/* the longest run lists them (a run stops at an unexpected failure) */
	for (s = 0; s < pg->rp->nsets; s++)
		if (!rs || pg->rp->sets[s]->nexec > rs->nexec)
			rs = pg->rp->sets[s];
	if (!rs || !rs->nstmt_text)
		return;
	sb_puts(pg->out, "<h2 id=\"statements\">Statements of the x axis</h2>\n"
		"<details><summary>statement index, script line, statement</summary>\n"
		"<table class=\"stmts\">\n");
	for (i = 0; i < rs->nstmt_text; i++) {
		sb_printf(pg->out, "<tr><td>%zu</td><td>%d</td><td>", i + 1, rs->stmt_line[i]);
		svg_escape(pg->out, rs->stmt_text[i]);
		sb_puts(pg->out, "</td></tr>\n");
	}
	sb_puts(pg->out, "</table>\n");
	if (rs->nexec > rs->nstmt_text)
		sb_printf(pg->out, "<p class=\"note\">... %llu more</p>\n",
			  (unsigned long long)(rs->nexec - rs->nstmt_text));
	sb_puts(pg->out, "</details>\n");
}

void report_html(struct report *rp, struct strbuf *out)
{
	struct page pg;
	double *zeros;
	size_t maxn = 1;
	int s;

	memset(&pg, 0, sizeof(pg));
	pg.rp = rp;
	pg.out = out;
	pg.xmax = 1;
	for (s = 0; s < rp->nsets; s++) {
		const struct rset *rs = rp->sets[s];

		if (rs->n && rs->stmt[rs->n - 1] > pg.xmax)
			pg.xmax = rs->stmt[rs->n - 1];
		if (rs->n > maxn)
			maxn = rs->n;
		find_marks(rp->sets[s]);
	}
	zeros = xcalloc(maxn, sizeof(double));
	pg.zeros = zeros;

	sb_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
		"<title>smemcg report: ");
	svg_escape(out, rp->file);
	sb_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", page_css);
	sb_puts(out, "<h1>smemcg report: <code>");
	svg_escape(out, rp->file);
	sb_printf(out, "</code></h1>\n<p class=\"note\">The scenario run on the model once per "
		  "policy set (%d), side by side. x axis: statements that act on the machine, "
		  "counted in order (repeat blocks unrolled; see the list at the end), with the "
		  "simulated time under the ticks. Values are sampled after each such "
		  "statement (every n-th one in long runs).</p>\n", rp->nsets);
	sets_table(&pg);
	memory_section(&pg);
	events_section(&pg);
	zombie_section(&pg);
	recharge_section(&pg);
	failures(&pg);
	statements(&pg);
	sb_puts(out, "<p class=\"note\">Generated by smemcg report (docs/report.md).</p>\n"
		"</body>\n</html>\n");
	free(zeros);
}

/*
 * ---- a set's samples saved and loaded (smemcg sweep and merge) ----
 *
 * Text, one item a line, fields separated by tabs (text fields with their
 * tabs and newlines blanked), numbers exact (%.17g, NaN as "n"); a column
 * keeps only its values from the first to the last present one:
 *
 *   smemcg-samples 1
 *   label TEXT / effective TEXT / fail TEXT (each kept line)
 *   result PASSED FAILED SKIPPED STOPPED NFAILS
 *   exec NEXEC STRIDE LAST_SAMPLED SAMPLED_ANY TIMED RECHARGE
 *   stmt LINE TEXT (each kept statement)
 *   x V V ... / t V V ...  (each sample's statement count and time)
 *   col NAME FIRST V V ...
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
