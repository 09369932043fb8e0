// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg merge: the JSON lines of `smemcg sweep` (from --jobs, GNU
 * parallel, a Slurm array: any order, any number of files) back into
 * compare's table, CSV or JSON, and the HTML report of their samples.
 * Each line says which sweep it belongs to and which run of it it is, so
 * the columns come out in the runs' order whatever the order of the
 * lines, the same table for the same results; and the runs no line gave,
 * or that crashed or failed, are named.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/json.h"
#include "../compare/compare.h"
#include "../report/report.h"
#include "cli.h"
#include "smemcg.h"

#define MAX_RUNS 1000000L
/* the HTML report draws at most as many runs as `smemcg report` sets */
#define REPORT_MAX 64

static struct {
	struct cli_args files;
	struct cli_table table;
	const char *dir;
	bool quiet;
} o;

static const struct cli_opt_spec opts[] = {
	CLI_OPT_OPERANDS("RESULTS", o.files),
	CLI_OPT_TABLE(o.table),
	{ CLI_OPT_VALUE, "output", 'o', &o.dir, cli_parse_nonempty, 0, "DIR",
	  "also write DIR/index.html, the report of the runs' samples (at most "
	  "64 runs; DIR created if missing)" },
	{ CLI_OPT_SWITCH, "quiet", 'q', &o.quiet, NULL, 0, NULL, "no note on stderr of what was "
	  "written" },
	{ CLI_OPT_END },
};

static const struct cli_exit_note exits[] = {
	{ CLI_EXIT_OK, "every run of every sweep is there, and none crashed or failed" },
	{ CLI_EXIT_FAILED, "a run is missing, crashed, or had an expect or statement fail (each "
			   "named on stderr), a line is not a result, or the results come from "
			   "different versions of the model" },
	{ CLI_EXIT_USAGE, "a bad option, a file that cannot be read, -o with no samples "
			  "(--no-samples) or more than 64 runs" },
	{ CLI_EXIT_HOST, "the report cannot be written" },
	{ -1, NULL },
};

/* One run's line, kept. */
struct result {
	struct json line;
	char *where;		/* FILE:LINE */
	bool crashed;
};

/* The runs of one sweep, found by the sweep's JSON. */
struct group {
	char *key;		/* the sweep, as compact JSON */
	char **files;
	int nfiles;
	struct cli_policy_axes pol, defs;
	struct cli_runs runs;
	struct result *res;	/* runs.n of them; line.type NULL: missing */
};

struct merge {
	struct group *g;
	int ng;
	char **versions;
	int nversions;
	int status;
};

static long num(const struct json *j)
{
	return j && j->type == JSON_NUMBER ? strtol(j->str, NULL, 10) : -1;
}

/* [[KEY,[V,...]],...] into ax; false when it is not that. */
static bool axes_of(struct cli_policy_axes *ax, const struct json *j)
{
	int i, k;

	if (!j || j->type != JSON_ARRAY)
		return false;
	ax->k = xcalloc((size_t)j->n + 1, sizeof(*ax->k));
	for (i = 0; i < j->n; i++) {
		const struct json *p = &j->items[i];
		struct cli_axis *a = &ax->k[ax->n];

		if (p->type != JSON_ARRAY || p->n != 2 || !json_string(&p->items[0]) ||
		    p->items[1].type != JSON_ARRAY || !p->items[1].n)
			return false;
		a->key = xstrdup(p->items[0].str);
		a->v = xcalloc((size_t)p->items[1].n, sizeof(*a->v));
		ax->n++;
		for (k = 0; k < p->items[1].n; k++) {
			if (!json_string(&p->items[1].items[k]))
				return false;
			a->v[a->n++] = xstrdup(p->items[1].items[k].str);
		}
	}
	return true;
}

static void group_free(struct group *g)
{
	long k;

	for (k = 0; g->res && k < g->runs.n; k++) {
		json_free(&g->res[k].line);
		free(g->res[k].where);
	}
	free(g->res);
	cli_runs_free(&g->runs);
	cli_policy_axes_free(&g->pol);
	cli_policy_axes_free(&g->defs);
	free_strings(g->files, (size_t)g->nfiles);
	free(g->key);
}

/* The group of a line's sweep, made when first seen; NULL (with why) when it is not a sweep. */
static struct group *group_of(struct merge *mg, const struct json *sweep, struct strbuf *why)
{
	const struct json *sc = json_get(sweep, "scenarios");
	struct strbuf key;
	struct group *g;
	int i;

	sb_init(&key);
	json_write(&key, sweep);
	for (i = 0; i < mg->ng; i++)
		if (!strcmp(mg->g[i].key, key.buf)) {
			sb_free(&key);
			return &mg->g[i];
		}
	mg->g = xrealloc(mg->g, (size_t)(mg->ng + 1) * sizeof(*mg->g));
	g = &mg->g[mg->ng];
	memset(g, 0, sizeof(*g));
	g->key = sb_detach(&key);
	if (!sc || sc->type != JSON_ARRAY || !sc->n || !axes_of(&g->pol, json_get(sweep, "policy")) ||
	    !axes_of(&g->defs, json_get(sweep, "define"))) {
		sb_puts(why, "its \"sweep\" is not one smemcg sweep writes");
		group_free(g);
		return NULL;
	}
	g->files = xcalloc((size_t)sc->n, sizeof(*g->files));
	for (i = 0; i < sc->n; i++) {
		if (!json_string(&sc->items[i])) {
			sb_puts(why, "its \"sweep\" names a scenario that is not a string");
			group_free(g);
			return NULL;
		}
		g->files[g->nfiles++] = xstrdup(sc->items[i].str);
	}
	if (cli_runs_init(&g->runs, (const char *const *)g->files, g->nfiles, &g->pol, &g->defs,
			  MAX_RUNS, "merge")) {
		sb_puts(why, "its \"sweep\" makes no runs smemcg can make");
		group_free(g);
		return NULL;
	}
	g->res = xcalloc((size_t)g->runs.n, sizeof(*g->res));
	mg->ng++;
	return g;
}

static void note_version(struct merge *mg, const char *v)
{
	int i;

	for (i = 0; i < mg->nversions; i++)
		if (!strcmp(mg->versions[i], v))
			return;
	mg->versions = xrealloc(mg->versions, (size_t)(mg->nversions + 1) * sizeof(char *));
	mg->versions[mg->nversions++] = xstrdup(v);
}

/* Whether two lines give the same results (the rows). */
static bool same_rows(const struct json *a, const struct json *b)
{
	struct strbuf x, y;
	bool same;

	sb_init(&x);
	sb_init(&y);
	json_write(&x, json_get(a, "rows"));
	json_write(&y, json_get(b, "rows"));
	same = !strcmp(x.buf, y.buf);
	sb_free(&x);
	sb_free(&y);
	return same;
}

/* One line of a result file; a message and status 1 when it is not a result. */
static void take_line(struct merge *mg, const char *file, long lineno, const char *text,
		      size_t len)
{
	struct strbuf err, where;
	struct json line, *slot;
	struct group *g = NULL;
	const struct json *rows;
	long run, runs;
	bool crashed;

	sb_init(&err);
	sb_init(&where);
	sb_printf(&where, "%s:%ld", file, lineno);
	if (json_parse(&line, text, len, &err)) {
		fprintf(stderr, "smemcg merge: %s: not a result line: %s\n", where.buf, err.buf);
		mg->status = cli_exit_worst(mg->status, CLI_EXIT_FAILED);
		goto out;
	}
	run = num(json_get(&line, "run"));
	runs = num(json_get(&line, "runs"));
	rows = json_get(&line, "rows");
	if (!json_string(json_get(&line, "smemcg")) || !json_get(&line, "sweep") || run < 0 ||
	    !rows || rows->type != JSON_ARRAY) {
		sb_puts(&err, "not a line of smemcg sweep");
	} else if ((g = group_of(mg, json_get(&line, "sweep"), &err)) &&
		   (runs != g->runs.n || run >= runs)) {
		sb_printf(&err, "run %ld of %ld, but its sweep has %ld runs", run, runs, g->runs.n);
		g = NULL;
	}
	if (!g) {
		fprintf(stderr, "smemcg merge: %s: not a result line: %s\n", where.buf, err.buf);
		mg->status = cli_exit_worst(mg->status, CLI_EXIT_FAILED);
		json_free(&line);
		goto out;
	}
	note_version(mg, json_get(&line, "smemcg")->str);
	crashed = json_get(&line, "crashed") && json_get(&line, "crashed")->b;
	slot = &g->res[run].line;
	if (slot->type == JSON_OBJECT) {
		/* given again (a retry): a run that ended wins over one that crashed */
		if (!crashed && g->res[run].crashed) {
			json_free(slot);
			free(g->res[run].where);
		} else {
			if (!crashed && !same_rows(slot, &line))
				fprintf(stderr, "smemcg merge: %s: run %ld given again with other "
					"results than at %s; the first is kept\n", where.buf, run,
					g->res[run].where);
			json_free(&line);
			goto out;
		}
	}
	*slot = line;
	g->res[run].where = sb_detach(&where);
	g->res[run].crashed = crashed;
out:
	sb_free(&err);
	sb_free(&where);
}

static int read_results(struct merge *mg, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;

	if (!f) {
		fprintf(stderr, "smemcg merge: %s: cannot open: %s\n", path, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	while ((n = getline(&buf, &cap, f)) >= 0) {
		lineno++;
		while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		if (n)
			take_line(mg, cli_input_name(path), lineno, buf, (size_t)n);
	}
	free(buf);
	if (ferror(f)) {
		fprintf(stderr, "smemcg merge: %s: read error: %s\n", path, strerror(errno));
		if (f != stdin)
			fclose(f);
		return CLI_EXIT_USAGE;
	}
	if (f != stdin)
		fclose(f);
	return CLI_EXIT_OK;
}

static int group_cmp(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->key, ((const struct group *)b)->key);
}

/* A column's label: the run's, with the scenario in front when several sweeps are merged. */
static char *label_of(const struct merge *mg, const struct group *g, long k)
{
	char *l = cli_run_label(&g->runs, k);
	struct strbuf sb;

	if (mg->ng == 1 || g->nfiles > 1)
		return l;
	sb_init(&sb);
	sb_puts(&sb, g->runs.names[0]);
	if (strcmp(l, "scenario's policies"))
		sb_printf(&sb, " %s", l);
	free(l);
	return sb_detach(&sb);
}

/* The failure of a run that ended, for stderr: "" when it passed. */
static void run_failure(struct strbuf *sb, const struct json *line)
{
	const struct json *oc = json_get(line, "outcome");
	const struct json *failed = json_get(oc, "expects failed");
	const char *stopped = json_string(json_get(oc, "stopped at"));

	if (failed && failed->type == JSON_NUMBER && strcmp(failed->str, "0"))
		sb_printf(sb, "%s expect%s failed", failed->str, strcmp(failed->str, "1") ? "s" : "");
	if (stopped && strcmp(stopped, "-"))
		sb_printf(sb, "%sstopped at %s", sb->len ? ", " : "", stopped);
}

/* Fill column col from a run's line. */
static void fill(struct cmp_table *t, int col, const struct result *r)
{
	const struct json *rows = json_get(&r->line, "rows");
	int i;

	for (i = 0; i < rows->n; i++) {
		const struct json *x = &rows->items[i];
		int sec;
		char unit;

		if (x->type != JSON_ARRAY || x->n != 5 || !json_string(&x->items[0]) ||
		    !json_string(&x->items[1]) || !json_string(&x->items[2]) ||
		    !json_string(&x->items[3]) || !json_string(&x->items[4]))
			continue;
		sec = cmp_section_from_name(x->items[0].str);
		unit = cmp_unit_from_name(x->items[3].str);
		if (sec < 0 || !unit)
			continue;
		cmp_set(t, col, (enum cmp_section)sec, x->items[1].str, x->items[2].str, unit,
			x->items[4].str);
	}
	t->crashed[col] = r->crashed;
}

/* Every run of every group as a column, in order; the missing and failed named. */
static int build(struct merge *mg, struct cmp_table *t, struct cmp_spec **specsp)
{
	struct cmp_spec *specs;
	long k, n = 0;
	int gi, col;

	for (gi = 0; gi < mg->ng; gi++)
		n += mg->g[gi].runs.n;
	specs = xcalloc((size_t)n + 1, sizeof(*specs));
	for (gi = 0, col = 0; gi < mg->ng; gi++)
		for (k = 0; k < mg->g[gi].runs.n; k++, col++) {
			cli_run_spec(&specs[col], &mg->g[gi].runs, k, NULL);
			free((char *)specs[col].label);
			specs[col].label = label_of(mg, &mg->g[gi], k);
		}
	cmp_table_init(t, specs, (int)n);
	for (gi = 0, col = 0; gi < mg->ng; gi++) {
		struct group *g = &mg->g[gi];

		for (k = 0; k < g->runs.n; k++, col++) {
			const struct result *r = &g->res[k];
			struct strbuf why;

			sb_init(&why);
			if (r->line.type != JSON_OBJECT) {
				cmp_set(t, col, CMP_OUTCOME, "", "status", CMP_TEXT, "missing: no result");
				fprintf(stderr, "smemcg merge: missing: run %ld of %ld (%s)\n", k,
					g->runs.n, specs[col].label);
				mg->status = cli_exit_worst(mg->status, CLI_EXIT_FAILED);
			} else {
				fill(t, col, r);
				if (r->crashed)
					sb_puts(&why, json_string(json_get(&r->line, "status"))
							      ? json_get(&r->line, "status")->str
							      : "crashed");
				else
					run_failure(&why, &r->line);
				if (why.len) {
					fprintf(stderr, "smemcg merge: failed: run %ld of %ld (%s): %s\n",
						k, g->runs.n, specs[col].label, why.buf);
					mg->status = cli_exit_worst(mg->status, CLI_EXIT_FAILED);
				}
			}
			sb_free(&why);
		}
	}
	*specsp = specs;
	return (int)n;
}

/* The scenarios of every sweep, for the title. */
static char *what_of(const struct merge *mg)
{
	struct strbuf sb;
	int gi, i;

	sb_init(&sb);
	for (gi = 0; gi < mg->ng; gi++)
		for (i = 0; i < mg->g[gi].nfiles; i++)
			sb_printf(&sb, "%s%s", sb.len ? " " : "", mg->g[gi].files[i]);
	if (!sb.len)
		sb_puts(&sb, "(no results)");
	return sb_detach(&sb);
}

/* The HTML report of the runs' samples, in column order. */
static int write_report(struct merge *mg, const struct cmp_spec *specs, const char *what)
{
	struct report *rp = report_new();

	/* the page names each column's scenario from its samples */
	(void)what;
	struct strbuf page, err;
	struct cli_page out;
	int gi, col, loaded = 0, rc;
	long k;

	rc = cli_page_open(&out, o.dir, "merge");
	sb_init(&err);
	for (gi = 0, col = 0; !rc && gi < mg->ng; gi++)
		for (k = 0; k < mg->g[gi].runs.n; k++, col++) {
			const struct json *s = json_get(&mg->g[gi].res[k].line, "samples");

			if (!json_string(s))
				continue;
			if (loaded == REPORT_MAX) {
				fprintf(stderr, "smemcg merge: the report draws at most %d runs: "
					"merge the lines of fewer runs for it (one line, one run)\n",
					REPORT_MAX);
				rc = CLI_EXIT_USAGE;
				break;
			}
			sb_reset(&err);
			if (report_set_load(rp, specs[col].label, s->str, &err)) {
				fprintf(stderr, "smemcg merge: %s: %s\n", mg->g[gi].res[k].where,
					err.buf);
				mg->status = cli_exit_worst(mg->status, CLI_EXIT_FAILED);
				continue;
			}
			loaded++;
		}
	if (!rc && !loaded) {
		fprintf(stderr, "smemcg merge: no run has samples (swept with --no-samples?): "
			"no report\n");
		rc = CLI_EXIT_USAGE;
	}
	if (rc) {
		cli_page_abandon(&out);
	} else {
		sb_init(&page);
		report_html(rp, &page);
		rc = cli_page_commit(&out, &page);
		if (!rc && !o.quiet)
			fprintf(stderr, "smemcg merge: wrote %s (%d runs, %zu bytes)\n", out.final,
				loaded, page.len);
		sb_free(&page);
		cli_page_free(&out);
	}
	sb_free(&err);
	report_free(rp);
	return rc;
}

static int run(void)
{
	struct cmp_spec *specs = NULL;
	struct merge mg;
	struct cmp_table t;
	char *what;
	int i, n, rc = CLI_EXIT_OK;

	memset(&mg, 0, sizeof(mg));
	for (i = 0; i < o.files.n && !rc; i++)
		rc = read_results(&mg, o.files.v[i]);
	if (!rc) {
		/* the same table whatever the order of the files and lines */
		if (mg.ng)
			qsort(mg.g, (size_t)mg.ng, sizeof(*mg.g), group_cmp);
		if (mg.nversions > 1) {
			fprintf(stderr, "smemcg merge: results of different versions of the model:");
			for (i = 0; i < mg.nversions; i++)
				fprintf(stderr, " %s", mg.versions[i]);
			fprintf(stderr, "\n");
			mg.status = CLI_EXIT_FAILED;
		}
		n = build(&mg, &t, &specs);
		what = what_of(&mg);
		cli_table_print(&t, &o.table, "merge", what, n);
		if (o.dir)
			rc = write_report(&mg, specs, what);
		rc = cli_exit_worst(rc, mg.status);
		cli_run_specs_free(specs, n);
		free(what);
		cmp_table_free(&t);
	}
	for (i = 0; i < mg.ng; i++)
		group_free(&mg.g[i]);
	free(mg.g);
	free_strings(mg.versions, (size_t)mg.nversions);
	return rc;
}

const struct cli_command cli_cmd_merge = {
	"merge", "merge the JSON lines of sweeps into compare's table and the report",
	"Read the result lines of `smemcg sweep` (RESULTS: files, - for standard input;\n"
	"the lines in any order, from any number of hosts) and print compare's table\n"
	"of them, or its CSV or JSON, one column per run in the order of the runs: the\n"
	"same table for the same results, whatever their order. With -o, also write\n"
	"DIR/index.html, the report of the runs' samples. Every run of each sweep (a\n"
	"line names its sweep) that no line gave is named on stderr as missing, with\n"
	"its label; every run that crashed or failed, as failed. A run given twice (a\n"
	"retry) counts once: one that ended wins over one that crashed.\n",
	opts, exits, NULL, run,
};
