// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page of `smemcg report` (report_html): one self-contained HTML
 * document, no script, no external resource. Each chart is a small
 * multiple: one per column (a scenario under a policy set), in a grid that
 * wraps to the width of the window, with the same x axis (statements) and,
 * in a row, the same y scale, so that heights compare across columns. One
 * legend per section instead of one per chart. Memory rows are the cgroups
 * by peak usage, largest first; kills and OOMs of the event log are marks
 * on the time axis with their text on hover.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smemcg.h"
#include "internal.h"
#include "svg.h"

#define MAX_EVENT_SERIES 12
#define MAX_MARKS 24		/* sleep markers drawn per chart */
#define MAX_EVENT_LINES 8	/* lines of text of one event mark */
#define CHART_W 360
#define CHART_H 214

/* ---- names: the union of one part of the column names over every run ---- */

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
	free_strings(nm->v, nm->n);
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

/* ---- the time axis ---- */

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

/* ---- event marks ---- */

/* How an event is marked: the worst at a statement gives its color. */
static int severity(int type)
{
	switch (type) {
	case SMEMCG_EV_OOM_KILL: return 4;
	case SMEMCG_EV_SIGBUS: return 3;
	case SMEMCG_EV_KILL: return 2;
	default: return 1;	/* an oom event: the OOM killer ran */
	}
}

static const char *const event_colors[] = { "", "#e377c2", "#222222", "#ff7f0e", "#d62728" };

/* The event's cgroup is cg or below it ("(dying) /a/b" is below /a). */
static bool event_under(const struct revent *e, const char *cg)
{
	const char *p = e->cgroup;
	size_t l = strlen(cg);

	if (!cg[0])
		return true;
	if (!strncmp(p, "(dying) ", 8))
		p += 8;
	return !strncmp(p, cg, l) && (!p[l] || (p[l] == '/' && cg[0] == '/'));
}

struct marks {
	struct svg_event *v;
	size_t n;
	int *lines;		/* text lines per mark */
	int *worst;
};

/* The events of rs in cg's subtree ("": all), one mark per statement. */
static void marks_build(struct marks *mk, const struct rset *rs, const char *cg)
{
	int i;

	memset(mk, 0, sizeof(*mk));
	for (i = 0; i < rs->nevents; i++) {
		const struct revent *e = &rs->events[i];
		struct strbuf t;
		size_t k;

		if (!event_under(e, cg))
			continue;
		if (!mk->n || mk->v[mk->n - 1].x != e->x) {
			mk->v = xrealloc(mk->v, (mk->n + 1) * sizeof(*mk->v));
			mk->lines = xrealloc(mk->lines, (mk->n + 1) * sizeof(int));
			mk->worst = xrealloc(mk->worst, (mk->n + 1) * sizeof(int));
			k = mk->n++;
			sb_init(&t);
			sb_printf(&t, "statement %.0f (line %d)", e->x, e->line);
			mk->v[k].x = e->x;
			mk->v[k].text = sb_detach(&t);
			mk->lines[k] = 0;
			mk->worst[k] = 0;
		}
		k = mk->n - 1;
		if (severity(e->type) > mk->worst[k]) {
			mk->worst[k] = severity(e->type);
			mk->v[k].color = event_colors[mk->worst[k]];
		}
		if (mk->lines[k]++ > MAX_EVENT_LINES)
			continue;
		sb_init(&t);
		sb_puts(&t, mk->v[k].text);
		if (mk->lines[k] > MAX_EVENT_LINES)
			sb_puts(&t, "\n...");
		else
			sb_printf(&t, "\n%s", e->text);
		free((char *)mk->v[k].text);
		mk->v[k].text = sb_detach(&t);
	}
}

static void marks_free(struct marks *mk)
{
	size_t i;

	for (i = 0; i < mk->n; i++)
		free((char *)mk->v[i].text);
	free(mk->v);
	free(mk->lines);
	free(mk->worst);
}

/* ---- the layout ---- */

struct page {
	struct report *rp;
	struct strbuf *out;
	double xmax;
	const double *zeros;	/* n zeros of the longest run */
	bool scenarios;		/* the columns run more than one scenario */
};

/* The column's name: "N: scenario · policies" (the scenario when several). */
static void column_name(struct strbuf *sb, const struct page *pg, int s)
{
	const struct rset *rs = pg->rp->sets[s];
	const char *base = strrchr(rs->scenario, '/');

	sb_printf(sb, "%d: ", s + 1);
	if (pg->scenarios)
		sb_printf(sb, "%s \xc2\xb7 ", base ? base + 1 : rs->scenario);
	sb_puts(sb, rs->label);
}

static void chart_common(struct svg_chart *c, const struct page *pg, const struct rset *rs)
{
	memset(c, 0, sizeof(*c));
	c->width = CHART_W;
	c->height = CHART_H;
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
	c->steps = true;
	c->no_legend = true;
}

/* One small chart in its cell, titled by its column, with marks of cg ("": all). */
static void cell(struct page *pg, int s, struct svg_chart *c, const char *what,
		 const char *cg)
{
	struct strbuf title, tip;
	struct marks mk;

	sb_init(&title);
	sb_init(&tip);
	column_name(&title, pg, s);
	sb_printf(&tip, "%s: %s", what, title.buf);
	c->title = title.buf;
	c->tooltip = tip.buf;
	memset(&mk, 0, sizeof(mk));
	if (cg) {
		marks_build(&mk, pg->rp->sets[s], cg);
		c->events = mk.v;
		c->nevents = mk.n;
	}
	sb_printf(pg->out, "<div class=\"cell\" data-set=\"%d\">\n", s + 1);
	svg_chart_render(pg->out, c);
	sb_puts(pg->out, "</div>\n");
	marks_free(&mk);
	sb_free(&title);
	sb_free(&tip);
}

static void row_open(struct page *pg, const char *cls, const char *head, const char *note)
{
	sb_printf(pg->out, "<div class=\"row %s\">\n<h3>", cls);
	svg_escape(pg->out, head);
	if (note) {
		sb_puts(pg->out, " <span class=\"peak\">");
		svg_escape(pg->out, note);
		sb_puts(pg->out, "</span>");
	}
	sb_puts(pg->out, "</h3>\n<div class=\"multiples\">\n");
}

static void row_close(struct page *pg)
{
	sb_puts(pg->out, "</div>\n</div>\n");
}

/* A legend for the charts of a section: swatches (areas) or strokes (lines). */
static void legend(struct page *pg, const char *const *names, const char *const *colors,
		   size_t n, bool lines, bool events, bool memory_max)
{
	char color[8];
	size_t i;

	sb_puts(pg->out, "<div class=\"legend\">");
	for (i = 0; i < n; i++) {
		if (colors && colors[i])
			memcpy(color, colors[i], 8);
		else
			svg_color(color, names[i]);
		sb_printf(pg->out, "<span class=\"item\"><span class=\"%s\" style=\"%s:%s\">"
			  "</span>", lines ? "stroke" : "swatch",
			  lines ? "border-top-color" : "background", color);
		svg_escape(pg->out, names[i]);
		sb_puts(pg->out, "</span> ");
	}
	if (memory_max)
		sb_puts(pg->out, "<span class=\"item\"><span class=\"stroke dashed\" "
			"style=\"border-top-color:#333333\"></span>memory.max</span> ");
	if (events) {
		static const char *const what[] = { "", "OOM (the killer ran)", "cgroup.kill or kill",
						    "SIGBUS", "OOM kill" };
		int k;

		for (k = 4; k >= 1; k--)
			sb_printf(pg->out, "<span class=\"item\"><span class=\"tri\" "
				  "style=\"border-top-color:%s\"></span>%s</span> ",
				  event_colors[k], what[k]);
		sb_puts(pg->out, "<span class=\"item hint\">(hover a mark for the event log)</span>");
	}
	sb_puts(pg->out, "</div>\n");
}

/* ---- memory.current by kind ---- */

/* The largest stack or limit of group g in any run: the row's y scale. */
static double row_ymax(const struct report *rp, const char *prefix, const char *g)
{
	double ymax = 0;
	size_t i, k;
	int s;

	for (s = 0; s < rp->nsets; s++) {
		const struct rset *rs = rp->sets[s];
		const double *mx = col_find(rs, prefix, g, "memory.max");

		for (i = 0; i < rs->n; i++) {
			double sum = 0;

			for (k = 0; k < NKINDS; k++) {
				const double *v = col_find(rs, prefix, g, report_kinds[k]);

				if (v && isfinite(v[i]))
					sum += v[i];
			}
			if (mx && isfinite(mx[i]) && mx[i] > sum)
				sum = mx[i];
			if (sum > ymax)
				ymax = sum;
		}
	}
	return ymax;
}

/* The stacked chart of group g in run s: the kinds, memory.max dashed. */
static void memory_chart(struct page *pg, int s, const char *prefix, const char *g,
			 double ymax, const char *what, const char *marks_of)
{
	const struct rset *rs = pg->rp->sets[s];
	struct svg_series ser[NKINDS + 1];
	struct svg_chart c;
	size_t ns = 0, k;

	memset(ser, 0, sizeof(ser));
	for (k = 0; k < NKINDS; k++) {
		const double *v = col_find(rs, prefix, g, report_kinds[k]);

		if (!v && !strcmp(prefix, "zmem") && k == 4)
			continue;
		ser[ns].name = report_kinds[k];
		ser[ns].y = v ? v : pg->zeros;
		ns++;
	}
	ser[ns].y = col_find(rs, prefix, g, "memory.max");
	ser[ns].name = "memory.max";
	ser[ns].overlay = true;
	if (ser[ns].y && col_peak(ser[ns].y, rs->n) > 0)
		ns++;
	chart_common(&c, pg, rs);
	c.kind = SVG_STACKED;
	c.unit = SVG_UNIT_BYTES;
	c.ymax = ymax;
	c.nseries = ns;
	c.series = ser;
	c.empty_text = "no samples";
	cell(pg, s, &c, what, marks_of);
}

struct group_peak {
	const char *name;
	double peak;
};

static int peak_desc(const void *a, const void *b)
{
	const struct group_peak *x = a, *y = b;

	if (x->peak != y->peak)
		return x->peak < y->peak ? 1 : -1;
	return path_cmp(&x->name, &y->name);
}

static void memory_section(struct page *pg)
{
	struct report *rp = pg->rp;
	struct names groups = { NULL, 0 };
	struct group_peak *gp;
	size_t g, shown = 0, empty = 0;
	char peak[64];
	int s;

	groups_of(rp, "mem", &groups);
	sb_puts(pg->out, "<h2 id=\"memory\">memory.current by kind</h2>\n"
		"<p class=\"note\">Stacked from memory.stat: anon, file (page cache without "
		"shmem), shmem, kernel, less what dying descendants hold; zombies: memory "
		"charged to removed cgroups below (their memcgs, still referenced); other: the "
		"rest of memory.current (sockets, borrowed shared memory, charges held by "
		"per-CPU stocks). The dashed line is memory.max. A value holds until the next "
		"sample. Counters are hierarchical; one y scale per row; rows by peak "
		"memory.current, largest first.</p>\n");
	if (!groups.n) {
		sb_puts(pg->out, "<p class=\"note\">No cgroup besides the root.</p>\n");
		names_free(&groups);
		return;
	}
	legend(pg, report_kinds, NULL, NKINDS, false, true, true);
	gp = xcalloc(groups.n, sizeof(*gp));
	for (g = 0; g < groups.n; g++) {
		gp[g].name = groups.v[g];
		for (s = 0; s < rp->nsets; s++) {
			const struct rset *rs = rp->sets[s];
			double p = col_peak(col_find(rs, "mem", groups.v[g], "current"), rs->n);

			if (p > gp[g].peak)
				gp[g].peak = p;
		}
	}
	qsort(gp, groups.n, sizeof(*gp), peak_desc);
	for (g = 0; g < groups.n && shown < REPORT_MAX_ROWS; g++) {
		struct strbuf what;
		double ymax;
		int in = 0;

		if (gp[g].peak <= 0)
			break;
		ymax = row_ymax(rp, "mem", gp[g].name);
		svg_format_bytes(peak, sizeof(peak), gp[g].peak);
		for (s = 0; s < rp->nsets; s++)
			in += !!col_find(rp->sets[s], "mem", gp[g].name, "current");
		sb_init(&what);
		sb_printf(&what, "peak %s", peak);
		/* a cgroup that another scenario does not have: no empty charts */
		if (in < rp->nsets)
			sb_printf(&what, ", in %d of %d columns", in, rp->nsets);
		row_open(pg, "memory", gp[g].name, what.buf);
		sb_reset(&what);
		sb_puts(&what, gp[g].name);
		for (s = 0; s < rp->nsets; s++)
			if (col_find(rp->sets[s], "mem", gp[g].name, "current"))
				memory_chart(pg, s, "mem", gp[g].name, ymax, what.buf, gp[g].name);
		row_close(pg);
		sb_free(&what);
		shown++;
	}
	for (; g < groups.n; g++)
		empty += gp[g].peak <= 0;
	if (shown + empty < groups.n) {
		sb_printf(pg->out, "<p class=\"note\">%zu more cgroups not drawn (the %d with "
			  "the highest peaks are):", groups.n - shown - empty, REPORT_MAX_ROWS);
		for (g = shown; g < groups.n; g++)
			if (gp[g].peak > 0) {
				sb_puts(pg->out, " <code>");
				svg_escape(pg->out, gp[g].name);
				sb_puts(pg->out, "</code>");
			}
		sb_puts(pg->out, "</p>\n");
	}
	if (empty) {
		sb_printf(pg->out, "<p class=\"note\">%zu cgroups never charged anything "
			  "(not drawn):", empty);
		for (g = shown; g < groups.n; g++)
			if (gp[g].peak <= 0) {
				sb_puts(pg->out, " <code>");
				svg_escape(pg->out, gp[g].name);
				sb_puts(pg->out, "</code>");
			}
		sb_puts(pg->out, "</p>\n");
	}
	free(gp);
	names_free(&groups);
}

/* ---- line charts: events, zombies, recharges ---- */

/* A chart of line series per run, from columns prefix/group/key. */
struct line_def {
	char *name;		/* legend */
	const char *group, *key;
};

static void lines_row(struct page *pg, const char *prefix, const char *what,
		      const struct line_def *defs, size_t ndefs, const char *empty,
		      bool need_recharge, const char *marks_of)
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
			/* by place in the list every run shares: the same in each column */
			ser[ns].color = ndefs > 1 ? svg_palette(d) : NULL;
			ns++;
		}
		chart_common(&c, pg, rs);
		c.kind = SVG_LINES;
		c.unit = SVG_UNIT_COUNT;
		c.ymax = ymax;
		c.nseries = need_recharge && !rs->recharge ? 0 : ns;
		c.series = ser;
		c.empty_text = need_recharge && !rs->recharge
			? "recharge=none: no recharge_* counters" : empty;
		cell(pg, s, &c, what, marks_of);
		free(ser);
	}
}

static void lines_legend(struct page *pg, const struct line_def *defs, size_t n, bool events)
{
	const char **names = xcalloc(n ? n : 1, sizeof(char *));
	const char **colors = xcalloc(n ? n : 1, sizeof(char *));
	size_t i;

	for (i = 0; i < n; i++) {
		names[i] = defs[i].name;
		colors[i] = n > 1 ? svg_palette(i) : NULL;
	}
	legend(pg, names, colors, n, true, events, false);
	free(names);
	free(colors);
}

static void events_section(struct page *pg)
{
	struct report *rp = pg->rp;
	struct names groups = { NULL, 0 };
	struct line_def *defs = NULL;
	const char *const evs[] = { "max", "oom", "oom_kill" };
	size_t g, e, ndefs = 0, skipped = 0;
	int s;

	groups_of(rp, "ev", &groups);
	for (g = 0; g < groups.n; g++)
		for (e = 0; e < ARRAY_SIZE(evs); e++) {
			bool any = false;

			for (s = 0; s < rp->nsets && !any; s++)
				any = col_peak(col_find(rp->sets[s], "ev", groups.v[g], evs[e]),
					       rp->sets[s]->n) > 0;
			if (!any)
				continue;
			if (ndefs == MAX_EVENT_SERIES) {
				skipped++;
				continue;
			}
			defs = xrealloc(defs, (ndefs + 1) * sizeof(*defs));
			defs[ndefs].group = groups.v[g];
			defs[ndefs].key = evs[e];
			defs[ndefs].name = xmalloc(strlen(groups.v[g]) + strlen(evs[e]) + 2);
			sprintf(defs[ndefs].name, "%s %s", groups.v[g], evs[e]);
			ndefs++;
		}
	sb_puts(pg->out, "<h2 id=\"events\">memory.events and the event log</h2>\n"
		"<p class=\"note\">Each cgroup's max, oom and oom_kill as its memory.events "
		"shows them (hierarchical: a parent counts its children's events); only "
		"counters that move in some column are drawn. The marks above the plots are "
		"the kills and OOMs of the model's event log, at the statement that caused "
		"them, in every cgroup (the memory charts above mark those of their "
		"subtree).</p>\n");
	lines_legend(pg, defs, ndefs, true);
	row_open(pg, "events", "events", NULL);
	lines_row(pg, "ev", "memory.events", defs, ndefs, "no max, oom or oom_kill events",
		  false, "");
	row_close(pg);
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
	static const char *const zkinds[] = { "anon", "file", "shmem", "kernel", "other" };
	double ymax = row_ymax(pg->rp, "zmem", "/");
	int s;

	sb_puts(pg->out, "<h2 id=\"zombies\">Zombies</h2>\n"
		"<p class=\"note\">Memory charged to dying memcgs (removed cgroups whose memcg "
		"is still referenced: by pages, swap entries, a per-CPU stock...; "
		"<code>read /proc/zombie_holders</code> says which), by kind, and "
		"nr_dying_descendants of the root's cgroup.stat.</p>\n");
	legend(pg, zkinds, NULL, ARRAY_SIZE(zkinds), false, false, false);
	row_open(pg, "zombies", "memory held by dying memcgs", NULL);
	for (s = 0; s < pg->rp->nsets; s++)
		memory_chart(pg, s, "zmem", "/", ymax, "memory held by dying memcgs", NULL);
	row_close(pg);
	row_open(pg, "zombies", "dying memcgs", NULL);
	lines_row(pg, "root", "dying memcgs", &def, 1, "no cgroup.stat", false, NULL);
	row_close(pg);
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
	lines_legend(pg, defs, keys.n, false);
	row_open(pg, "recharges", "recharge counters (pages)", NULL);
	lines_row(pg, "recharge", "recharge counters", defs, keys.n, "no recharge counters",
		  true, NULL);
	row_close(pg);
	free(defs);
	names_free(&keys);
}

/* ---- tables ---- */

static const char page_css[] =
	"body{font-family:sans-serif;margin:16px;color:#222;background:#fafafa}\n"
	"h1{font-size:20px;margin:0 0 6px;overflow-wrap:anywhere}"
	"h2{font-size:16px;margin:24px 0 4px}\n"
	"h3{font-size:13px;margin:12px 0 4px;overflow-wrap:anywhere}"
	"h3 .peak{font-weight:normal;color:#666}\n"
	".note{color:#555;font-size:12px;max-width:70em;margin:2px 0 8px;overflow-wrap:anywhere}\n"
	"table{border-collapse:collapse;font-size:12px;margin:8px 0;max-width:100%}\n"
	"table.sets td,table.sets th{border:1px solid #ccc;padding:3px 7px;text-align:left}\n"
	"table.sets td{overflow-wrap:anywhere}\n"
	".multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));"
	"gap:8px}\n"
	".cell{background:#fff;border:1px solid #ddd;min-width:0}\n"
	".cell svg{display:block;width:100%;height:auto}\n"
	"svg .ctitle{font-weight:bold}svg .t{fill:#777;font-size:10px}\n"
	"svg .xtitle{fill:#666;font-size:10px}svg .empty{fill:#999}\n"
	".legend{font-size:12px;margin:4px 0 6px;line-height:20px}\n"
	".legend .item{display:inline-block;margin-right:12px;white-space:nowrap}\n"
	".legend .hint{color:#666}\n"
	".swatch{display:inline-block;width:11px;height:11px;margin-right:4px;"
	"vertical-align:-1px;opacity:.9}\n"
	".stroke{display:inline-block;width:14px;margin-right:4px;vertical-align:3px;"
	"border-top:2px solid}\n"
	".stroke.dashed{border-top-style:dashed}\n"
	".tri{display:inline-block;width:0;height:0;margin-right:4px;"
	"border-left:5px solid transparent;border-right:5px solid transparent;"
	"border-top:8px solid}\n"
	"pre{font-size:11px;background:#fff;border:1px solid #ddd;padding:6px;"
	"white-space:pre-wrap;overflow-wrap:anywhere}\n"
	"table.stmts td{padding:0 8px 0 0;font-family:monospace;overflow-wrap:anywhere}\n";

static void sets_table(struct page *pg)
{
	struct report *rp = pg->rp;
	char t[64];
	int s;

	sb_puts(pg->out, "<table class=\"sets\">\n<tr><th>column</th><th>scenario</th>"
		"<th>--policy</th><th>policies in effect</th><th>expects</th><th>kills</th>"
		"<th>statements</th><th>simulated time</th><th>samples</th></tr>\n");
	for (s = 0; s < rp->nsets; s++) {
		const struct rset *rs = rp->sets[s];

		svg_format_ns(t, sizeof(t), rs->n ? rs->t_ns[rs->n - 1] : 0);
		sb_printf(pg->out, "<tr><td>%d</td><td>", s + 1);
		svg_escape(pg->out, rs->scenario);
		sb_puts(pg->out, "</td><td>");
		svg_escape(pg->out, rs->label);
		sb_puts(pg->out, "</td><td>");
		svg_escape(pg->out, rs->effective);
		sb_printf(pg->out, "</td><td>%d passed, %d failed%s</td><td>%d</td><td>%llu</td>"
			  "<td>%s</td><td>%zu (every %llu)</td></tr>\n",
			  rs->res.passed, rs->res.failed,
			  rs->res.stopped ? " (stopped)" : "", rs->nkills,
			  (unsigned long long)rs->nexec, t, rs->n,
			  (unsigned long long)rs->stride);
	}
	sb_puts(pg->out, "</table>\n");
}

/* The failed points of a column, in its folded block. */
static void fails_of(struct page *pg, const struct rset *rs)
{
	svg_escape(pg->out, rs->fails.buf ? rs->fails.buf : "");
	if (rs->nfails > MAX_FAIL_LINES)
		sb_printf(pg->out, "... %d more\n", rs->nfails - MAX_FAIL_LINES);
}

/* The events of a column, in its folded block: what the marks say, in order. */
static void events_of(struct page *pg, const struct rset *rs)
{
	int i;

	for (i = 0; i < rs->nevents; i++) {
		sb_printf(pg->out, "statement %.0f (line %d): ", rs->events[i].x,
			  rs->events[i].line);
		svg_escape(pg->out, rs->events[i].text);
		sb_puts(pg->out, "\n");
	}
	if (rs->events_dropped)
		sb_printf(pg->out, "... %ld more\n", rs->events_dropped);
}

/*
 * A section of one folded block per column that has count(rs) > 0 items,
 * summarized "NAME: N items", its text written by body.
 */
static void folded(struct page *pg, const char *head, const char *items,
		   int (*count)(const struct rset *rs),
		   void (*body)(struct page *pg, const struct rset *rs))
{
	struct report *rp = pg->rp;
	struct strbuf name;
	bool any = false;
	int s;

	for (s = 0; s < rp->nsets; s++)
		any |= count(rp->sets[s]) > 0;
	if (!any)
		return;
	sb_init(&name);
	sb_puts(pg->out, head);
	for (s = 0; s < rp->nsets; s++) {
		const struct rset *rs = rp->sets[s];

		if (!count(rs))
			continue;
		sb_reset(&name);
		column_name(&name, pg, s);
		sb_puts(pg->out, "<details><summary>");
		svg_escape(pg->out, name.buf);
		sb_printf(pg->out, ": %d %s</summary>\n<pre>", count(rs), items);
		body(pg, rs);
		sb_puts(pg->out, "</pre></details>\n");
	}
	sb_free(&name);
}

static int nfails(const struct rset *rs)
{
	return rs->nfails;
}

static int nevents(const struct rset *rs)
{
	return rs->nevents;
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
	sb_puts(pg->out, "<h2 id=\"statements\">Statements of the x axis</h2>\n<details><summary>");
	if (pg->scenarios)
		svg_escape(pg->out, rs->scenario);
	sb_puts(pg->out, " statement index, script line, statement</summary>\n"
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

/* The scenarios' names, each once, in the order of the columns. */
static void scenario_names(struct page *pg, struct strbuf *sb)
{
	struct names nm = { NULL, 0 };
	size_t i;
	int s;

	for (s = 0; s < pg->rp->nsets; s++)
		if (*pg->rp->sets[s]->scenario)
			names_add(&nm, pg->rp->sets[s]->scenario, strlen(pg->rp->sets[s]->scenario));
	for (i = 0; i < nm.n; i++)
		sb_printf(sb, "%s%s", i ? ", " : "", nm.v[i]);
	pg->scenarios = nm.n > 1;
	names_free(&nm);
}

void report_html(struct report *rp, struct strbuf *out)
{
	struct strbuf names;
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
	sb_init(&names);
	scenario_names(&pg, &names);

	sb_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
		"<title>smemcg report: ");
	svg_escape(out, names.buf ? names.buf : "");
	sb_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", page_css);
	sb_puts(out, "<h1>smemcg report: <code>");
	svg_escape(out, names.buf ? names.buf : "");
	sb_printf(out, "</code></h1>\n<p class=\"note\">%d columns: each a scenario run on the "
		  "model under one policy set, drawn as small charts that wrap, with the same "
		  "axes. x axis: statements that act on the machine, counted in order (repeat "
		  "blocks unrolled; see the list at the end), with the simulated time under the "
		  "ticks. Values are sampled after each such statement (every n-th one in long "
		  "runs) and hold until the next sample.</p>\n", rp->nsets);
	sets_table(&pg);
	memory_section(&pg);
	events_section(&pg);
	zombie_section(&pg);
	recharge_section(&pg);
	folded(&pg, "<h2 id=\"eventlog\">Kills and OOMs (the event log)</h2>\n",
	       "events", nevents, events_of);
	folded(&pg, "<h2 id=\"failures\">Failed test points</h2>\n", "failed", nfails,
	       fails_of);
	statements(&pg);
	sb_puts(out, "<p class=\"note\">Generated by smemcg report (docs/report.md).</p>\n"
		"</body>\n</html>\n");
	sb_free(&names);
	free(zeros);
}
