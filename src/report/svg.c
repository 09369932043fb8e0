// SPDX-License-Identifier: GPL-2.0-only
/*
 * SVG charts for `smemcg report` (svg.h): the axes, nice ticks, legend and
 * series of a line or stacked-area chart, written as plain SVG text with
 * every name escaped. Coordinates are printed with one decimal.
 */
#include "svg.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEF_W 420
#define DEF_H 260
#define LEFT 66.0
#define RIGHT 12.0
#define TOP 26.0
#define XAXIS 20.0	/* tick labels under the plot */
#define XLABEL2 12.0	/* the second line of x labels */
#define XTITLE 14.0
#define LEGEND_ROW 15.0
#define CHAR_W 6.2	/* average width of a character at font-size 11 */
#define NAME_MAX_CHARS 32
#define EVENT_MARK 8.0	/* room above the plot for the event marks */

double svg_nice_num(double x, bool round)
{
	double e, f, nf;

	if (!(x > 0) || !isfinite(x))
		return 1;
	e = floor(log10(x));
	f = x / pow(10, e);
	if (round)
		nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
	else
		nf = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
	return nf * pow(10, e);
}

static int decimals_for(double step)
{
	int d = 0;

	while (d < 6 && fabs(step * pow(10, d) - round(step * pow(10, d))) > 1e-6)
		d++;
	return d;
}

void svg_nice_ticks(struct svg_ticks *t, double lo, double hi, int target,
		    enum svg_unit unit, double min_step)
{
	static const char *const suffix[] = { " B", " KiB", " MiB", " GiB", " TiB", " PiB" };
	double u = 1, step, first, last;
	int k = 0;

	if (target < 2)
		target = 2;
	if (!isfinite(lo))
		lo = 0;
	if (!isfinite(hi) || hi < lo)
		hi = lo;
	if (hi == lo)
		hi = lo + (min_step > 0 ? min_step : 1);
	if (unit == SVG_UNIT_BYTES) {
		double m = fmax(fabs(lo), fabs(hi));

		while (k < 5 && m >= 1024 * u) {
			u *= 1024;
			k++;
		}
	}
	step = svg_nice_num((hi - lo) / u / (target - 1), true) * u;
	if (min_step > 0 && step < min_step)
		step = min_step;
	first = floor(lo / step + 1e-9) * step;
	last = ceil(hi / step - 1e-9) * step;
	t->first = first;
	t->step = step;
	t->n = (int)llround((last - first) / step) + 1;
	t->unit = u;
	t->suffix = unit == SVG_UNIT_BYTES ? suffix[k] : "";
	t->decimals = decimals_for(step / u);
}

void svg_tick_label(char *buf, size_t len, const struct svg_ticks *t, int i)
{
	double v = (t->first + i * t->step) / t->unit;

	if (fabs(v) < 1e-12)
		snprintf(buf, len, "0");
	else
		snprintf(buf, len, "%.*f%s", t->decimals, v, t->suffix);
}

static void trim_zeros(char *s)
{
	char *dot = strchr(s, '.'), *e;

	if (!dot)
		return;
	e = s + strlen(s);
	while (e > dot + 1 && e[-1] == '0')
		*--e = '\0';
	if (e == dot + 1)
		*dot = '\0';
}

void svg_format_bytes(char *buf, size_t len, double bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	char num[64];
	int k = 0;

	if (bytes == 0) {
		snprintf(buf, len, "0");
		return;
	}
	while (k < 5 && fabs(bytes) >= 1024) {
		bytes /= 1024;
		k++;
	}
	snprintf(num, sizeof(num), "%.2f", bytes);
	trim_zeros(num);
	snprintf(buf, len, "%s %s", num, unit[k]);
}

void svg_format_ns(char *buf, size_t len, double ns)
{
	static const struct { double div; const char *name; } u[] = {
		{ 60e9, "min" }, { 1e9, "s" }, { 1e6, "ms" }, { 1e3, "us" }, { 1, "ns" },
	};
	char num[64];
	size_t i;

	if (ns == 0) {
		snprintf(buf, len, "0");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(u) - 1 && fabs(ns) < u[i].div; i++)
		;
	snprintf(num, sizeof(num), "%.2f", ns / u[i].div);
	trim_zeros(num);
	snprintf(buf, len, "%s %s", num, u[i].name);
}

void svg_escape(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sb_puts(sb, "&amp;"); break;
		case '<': sb_puts(sb, "&lt;"); break;
		case '>': sb_puts(sb, "&gt;"); break;
		case '"': sb_puts(sb, "&quot;"); break;
		case '\'': sb_puts(sb, "&#39;"); break;
		default:
			if ((unsigned char)*s < 0x20 || *s == 0x7f) {
				sb_add(sb, " ", 1);
			} else {
				/* bytes that are not UTF-8 would make the page invalid */
				size_t n = utf8_seq_len(s, strlen(s));

				if (n)
					sb_add(sb, s, n);
				else
					sb_puts(sb, "&#xFFFD;");
				s += n ? n - 1 : 0;
			}
		}
	}
}

void svg_escape_lines(struct strbuf *sb, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "\n");
		char *line = xstrndup(s, n);

		svg_escape(sb, line);
		free(line);
		s += n;
		if (*s == '\n') {
			sb_puts(sb, "&#10;");
			s++;
		}
	}
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

static void hsl_hex(char out[8], double h, double s, double l)
{
	double c = (1 - fabs(2 * l - 1)) * s;
	double hp = h / 60, x = c * (1 - fabs(fmod(hp, 2) - 1)), m = l - c / 2;
	double r = 0, g = 0, b = 0;

	if (hp < 1) { r = c; g = x; }
	else if (hp < 2) { r = x; g = c; }
	else if (hp < 3) { g = c; b = x; }
	else if (hp < 4) { g = x; b = c; }
	else if (hp < 5) { r = x; b = c; }
	else { r = c; b = x; }
	snprintf(out, 8, "#%02x%02x%02x", (unsigned)lround((r + m) * 255),
		 (unsigned)lround((g + m) * 255), (unsigned)lround((b + m) * 255));
}

void svg_color(char out[8], const char *name)
{
	static const struct { const char *name, *color; } fixed[] = {
		{ "anon", "#4e79a7" }, { "file", "#f28e2b" }, { "shmem", "#59a14f" },
		{ "kernel", "#e15759" }, { "zombies", "#8e6bb8" }, { "other", "#b0a8a4" },
		{ "memory.max", "#333333" },
		{ "max", "#f28e2b" }, { "oom", "#e15759" }, { "oom_kill", "#7b2d8e" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		if (!strcmp(name, fixed[i].name)) {
			memcpy(out, fixed[i].color, 8);
			return;
		}
	hsl_hex(out, (double)(fnv1a(name) % 360), 0.62, 0.42);
}

const char *svg_palette(size_t n)
{
	static const char *const pal[12] = {
		"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
		"#e377c2", "#17becf", "#7f7f7f", "#bcbd22", "#393b79", "#ad494a",
	};

	return pal[n % 12];
}

static void series_color(char out[8], const struct svg_series *s)
{
	if (s->color && strlen(s->color) == 7) {
		memcpy(out, s->color, 8);
		return;
	}
	svg_color(out, s->name);
}

/* ---- layout ---- */

static size_t display_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static double legend_item_w(const char *name)
{
	size_t n = display_len(name);

	if (n > NAME_MAX_CHARS)
		n = NAME_MAX_CHARS;
	return 16 + CHAR_W * (double)n + 12;
}

static int legend_rows(const struct svg_chart *c, double avail)
{
	double x = 0;
	int rows = c->nseries ? 1 : 0;
	size_t i;

	for (i = 0; i < c->nseries; i++) {
		double w = legend_item_w(c->series[i].name);

		if (x > 0 && x + w > avail) {
			rows++;
			x = 0;
		}
		x += w;
	}
	return rows;
}

static void data_range(const struct svg_chart *c, double *xmin, double *xmax,
		       double *ymax)
{
	size_t i, j;

	*xmin = c->xmin;
	*xmax = c->xmax;
	if (*xmax <= *xmin) {
		*xmin = c->n ? c->x[0] : 0;
		*xmax = c->n ? c->x[c->n - 1] : 1;
	}
	if (*xmax <= *xmin)
		*xmax = *xmin + 1;
	*ymax = 0;
	for (i = 0; i < c->n; i++) {
		double sum = 0;

		for (j = 0; j < c->nseries; j++) {
			double v = c->series[j].y[i];

			if (!isfinite(v))
				continue;
			if (c->kind == SVG_STACKED && !c->series[j].overlay)
				sum += v > 0 ? v : 0;
			else if (v > *ymax)
				*ymax = v;
		}
		if (sum > *ymax)
			*ymax = sum;
	}
	if (c->ymax > *ymax)
		*ymax = c->ymax;
}

void svg_chart_layout(struct svg_layout *l, const struct svg_chart *c)
{
	int w = c->width > 0 ? c->width : DEF_W;
	int h = c->height > 0 ? c->height : DEF_H;
	double xmin, xmax, ymax, bottom;

	memset(l, 0, sizeof(*l));
	data_range(c, &xmin, &xmax, &ymax);
	l->left = LEFT;
	l->right = w - RIGHT;
	l->top = TOP + (c->nevents ? EVENT_MARK : 0);
	l->legend_rows = c->no_legend ? 0 : legend_rows(c, w - 16.0);
	bottom = h - 6 - l->legend_rows * LEGEND_ROW - XAXIS;
	if (c->xlabel)
		bottom -= XLABEL2;
	if (c->xtitle)
		bottom -= XTITLE;
	if (bottom < l->top + 40)
		bottom = l->top + 40;
	l->bottom = bottom;
	svg_nice_ticks(&l->yt, 0, ymax, 5, c->unit, 1);
	l->ymin = 0;
	l->ymax = l->yt.first + (l->yt.n - 1) * l->yt.step;
	/* x: nice integer ticks inside the data range (statement indices) */
	svg_nice_ticks(&l->xt, xmin, xmax, 6, SVG_UNIT_COUNT, 1);
	l->xmin = xmin;
	l->xmax = xmax;
}

double svg_xpix(const struct svg_layout *l, double x)
{
	return l->left + (x - l->xmin) / (l->xmax - l->xmin) * (l->right - l->left);
}

double svg_ypix(const struct svg_layout *l, double y)
{
	return l->bottom - (y - l->ymin) / (l->ymax - l->ymin) * (l->bottom - l->top);
}

/* ---- rendering ---- */

static void text_el(struct strbuf *out, double x, double y, const char *anchor,
		    const char *cls, const char *s)
{
	sb_printf(out, "<text x=\"%.1f\" y=\"%.1f\"", x, y);
	if (anchor)
		sb_printf(out, " text-anchor=\"%s\"", anchor);
	if (cls)
		sb_printf(out, " class=\"%s\"", cls);
	sb_puts(out, ">");
	svg_escape(out, s);
	sb_puts(out, "</text>\n");
}

/* A name cut to max characters (UTF-8 aware), with an ellipsis. */
static void cut_name(struct strbuf *sb, const char *s, size_t max)
{
	size_t n = 0;
	const char *p;

	if (max < 2)
		max = 2;
	if (display_len(s) <= max) {
		sb_puts(sb, s);
		return;
	}
	for (p = s; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && ++n > max - 1)
			break;
	}
	sb_add(sb, s, (size_t)(p - s));
	sb_puts(sb, "\xe2\x80\xa6");
}

static void short_name(struct strbuf *sb, const char *s)
{
	cut_name(sb, s, NAME_MAX_CHARS);
}

static void render_axes(struct strbuf *out, const struct svg_chart *c,
			const struct svg_layout *l)
{
	char lab[64], prev[64] = "";
	size_t m;
	int i;

	sb_puts(out, "<g class=\"gridlines\" stroke=\"#e3e3e3\" stroke-width=\"1\">\n");
	for (i = 0; i < l->yt.n; i++) {
		double y = svg_ypix(l, l->yt.first + i * l->yt.step);

		sb_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			  l->left, y, l->right, y);
	}
	sb_puts(out, "</g>\n<g class=\"yaxis\" fill=\"#444\">\n");
	for (i = 0; i < l->yt.n; i++) {
		double y = svg_ypix(l, l->yt.first + i * l->yt.step);

		svg_tick_label(lab, sizeof(lab), &l->yt, i);
		text_el(out, l->left - 5, y + 3.5, "end", NULL, lab);
	}
	sb_puts(out, "</g>\n<g class=\"xaxis\" fill=\"#444\">\n");
	sb_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>\n",
		  l->left, l->bottom, l->right, l->bottom);
	sb_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>\n",
		  l->left, l->top, l->left, l->bottom);
	for (i = 0; i < l->xt.n; i++) {
		double v = l->xt.first + i * l->xt.step, x;

		if (v < l->xmin - 1e-9 || v > l->xmax + 1e-9)
			continue;
		x = svg_xpix(l, v);
		sb_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\"/>\n",
			  x, l->bottom, x, l->bottom + 4);
		svg_tick_label(lab, sizeof(lab), &l->xt, i);
		text_el(out, x, l->bottom + 15, "middle", NULL, lab);
		if (c->xlabel) {
			lab[0] = '\0';
			c->xlabel(c->xlabel_ctx, v, lab, sizeof(lab));
			if (lab[0] && strcmp(lab, prev))
				text_el(out, x, l->bottom + 15 + XLABEL2, "middle", "t", lab);
			memcpy(prev, lab, sizeof(prev));
		}
	}
	for (m = 0; m < c->nmarks; m++) {
		double x;

		if (c->marks[m] < l->xmin || c->marks[m] > l->xmax)
			continue;
		x = svg_xpix(l, c->marks[m]);
		sb_printf(out, "<line class=\"mark\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			  "y2=\"%.1f\" stroke=\"#9a9a9a\" stroke-dasharray=\"2,3\">", x, l->top,
			  x, l->bottom);
		if (c->mark_title) {
			sb_puts(out, "<title>");
			svg_escape(out, c->mark_title);
			sb_puts(out, "</title>");
		}
		sb_puts(out, "</line>\n");
	}
	if (c->xtitle)
		text_el(out, (l->left + l->right) / 2,
			l->bottom + 15 + (c->xlabel ? XLABEL2 : 0) + XTITLE, "middle",
			"xtitle", c->xtitle);
	sb_puts(out, "</g>\n");
}

/*
 * A polyline of n pixel points, the first with command first ('M' or 'L').
 * The middle points of a run of equal y (at the printed precision) are
 * left out: the shape is the same, and step-like counters shrink a lot.
 */
static void polyline(struct strbuf *out, double *px, double *py, size_t n, char first)
{
	size_t i;

	/* compare what is printed: %.1f and lround may round a .x5 apart */
	for (i = 0; i < n; i++) {
		px[i] = (double)lround(px[i] * 10) / 10;
		py[i] = (double)lround(py[i] * 10) / 10;
	}
	for (i = 0; i < n; i++) {
		if (i > 0 && i + 1 < n && py[i - 1] == py[i] && py[i] == py[i + 1])
			continue;
		sb_printf(out, "%c%.1f,%.1f ", i ? 'L' : first, px[i], py[i]);
	}
}

/*
 * The points of a step line through (x[i], y[i]), i < n, into ox/oy (room
 * for 2n): each value holds until the next x, where the line rises or
 * falls; until xend too when xend > x[n-1] (a value that holds past the
 * last point, until the next sample where it has none). Returns the count.
 */
static size_t step_points(const double *x, const double *y, size_t n, double xend,
			  double *ox, double *oy)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (i > 0) {
			ox[k] = x[i];
			oy[k++] = y[i - 1];
		}
		ox[k] = x[i];
		oy[k++] = y[i];
	}
	if (n && xend > x[n - 1]) {
		ox[k] = xend;
		oy[k++] = y[n - 1];
	}
	return k;
}

/* Scratch for the points of one line: in the chart's units, then in pixels. */
struct points {
	double *x, *y, *px, *py;
};

/* Room for the step points of a chart's n samples: 2n + 1 of each. */
static void points_init(struct points *p, size_t n)
{
	size_t room = 2 * n + 1;

	p->x = xcalloc(4 * room, sizeof(double));
	p->y = p->x + room;
	p->px = p->y + room;
	p->py = p->px + room;
}

/*
 * The n samples (x[i], y[i]) of c as a path from command first: steps when
 * c->steps (the last value holding until xend), forwards, or backwards
 * (the lower edge of an area, drawn back to the start).
 */
static void line(struct strbuf *out, const struct svg_chart *c, const struct svg_layout *l,
		 struct points *p, const double *x, const double *y, size_t n, double xend,
		 char first, bool backwards)
{
	size_t i, k = n;

	if (c->steps) {
		k = step_points(x, y, n, xend, p->x, p->y);
	} else {
		memcpy(p->x, x, n * sizeof(double));
		memcpy(p->y, y, n * sizeof(double));
	}
	for (i = 0; i < k; i++) {
		size_t j = backwards ? k - 1 - i : i;

		p->px[i] = svg_xpix(l, p->x[j]);
		p->py[i] = svg_ypix(l, p->y[j]);
	}
	polyline(out, p->px, p->py, k, first);
}

/* After "<path" and its paint: series s's name, and its path data opens. */
static void series_path_open(struct strbuf *out, const struct svg_series *s)
{
	sb_puts(out, " data-series=\"");
	svg_escape(out, s->name);
	sb_puts(out, "\" d=\"");
}

/* After the path data: the path ends, with s's name on hover. */
static void series_path_close(struct strbuf *out, const struct svg_series *s)
{
	sb_puts(out, "\"><title>");
	svg_escape(out, s->name);
	sb_puts(out, "</title></path>\n");
}

static void render_stacked(struct strbuf *out, const struct svg_chart *c,
			   const struct svg_layout *l, struct points *p)
{
	double *lo = xcalloc(c->n ? c->n : 1, sizeof(double));
	double *hi = xcalloc(c->n ? c->n : 1, sizeof(double));
	char color[8];
	size_t i, j;

	for (j = 0; j < c->nseries; j++) {
		const struct svg_series *s = &c->series[j];

		if (s->overlay || !c->n)
			continue;
		for (i = 0; i < c->n; i++) {
			double v = s->y[i];

			hi[i] = lo[i] + (isfinite(v) && v > 0 ? v : 0);
		}
		series_color(color, s);
		sb_printf(out, "<path class=\"area\" fill=\"%s\" fill-opacity=\"0.9\" "
			  "stroke=\"none\"", color);
		series_path_open(out, s);
		line(out, c, l, p, c->x, hi, c->n, c->x[c->n - 1], 'M', false);
		line(out, c, l, p, c->x, lo, c->n, c->x[c->n - 1], 'L', true);
		sb_puts(out, "Z");
		series_path_close(out, s);
		memcpy(lo, hi, c->n * sizeof(double));
	}
	free(lo);
	free(hi);
}

static void render_lines(struct strbuf *out, const struct svg_chart *c,
			 const struct svg_layout *l, struct points *p, bool overlays_only)
{
	char color[8];
	size_t i, j;

	for (j = 0; j < c->nseries; j++) {
		const struct svg_series *s = &c->series[j];
		bool any = false;

		if (overlays_only && !s->overlay)
			continue;
		for (i = 0; i < c->n; i++)
			any |= isfinite(s->y[i]);
		if (!any)
			continue;
		series_color(color, s);
		sb_printf(out, "<path class=\"line\" fill=\"none\" stroke=\"%s\" "
			  "stroke-width=\"%s\"%s", color, s->overlay ? "1.2" : "1.8",
			  s->overlay ? " stroke-dasharray=\"5,3\"" : "");
		series_path_open(out, s);
		for (i = 0; i < c->n;) {
			size_t a;

			for (; i < c->n && !isfinite(s->y[i]); i++)
				;
			for (a = i; i < c->n && isfinite(s->y[i]); i++)
				;
			if (a == i)
				break;
			/* a stepped value holds until the sample where it is gone */
			line(out, c, l, p, c->x + a, s->y + a, i - a,
			     i < c->n ? c->x[i] : c->x[i - 1], 'M', false);
		}
		series_path_close(out, s);
	}
}

static void render_legend(struct strbuf *out, const struct svg_chart *c,
			  const struct svg_layout *l, int h, int w)
{
	double x = 8, y = h - 6 - (l->legend_rows - 1) * LEGEND_ROW - 4;
	struct strbuf name;
	char color[8];
	size_t j;

	sb_init(&name);
	sb_puts(out, "<g class=\"legend\" fill=\"#222\">\n");
	for (j = 0; j < c->nseries; j++) {
		const struct svg_series *s = &c->series[j];
		double iw = legend_item_w(s->name);

		if (x > 8 && x + iw > w - 8) {
			x = 8;
			y += LEGEND_ROW;
		}
		series_color(color, s);
		if (s->overlay || c->kind == SVG_LINES)
			sb_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				  "stroke=\"%s\" stroke-width=\"2\"%s/>\n", x, y - 4, x + 12,
				  y - 4, color, s->overlay ? " stroke-dasharray=\"4,2\"" : "");
		else
			sb_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"11\" height=\"11\" "
				  "fill=\"%s\"/>\n", x, y - 9.5, color);
		sb_reset(&name);
		short_name(&name, s->name);
		text_el(out, x + 16, y, NULL, NULL, name.buf ? name.buf : "");
		x += iw;
	}
	sb_puts(out, "</g>\n");
	sb_free(&name);
}

/*
 * The events: a triangle above the plot and a line down through it, in a
 * group whose <title> is the events' text (hovering either shows it).
 */
static void render_events(struct strbuf *out, const struct svg_chart *c,
			  const struct svg_layout *l)
{
	size_t i;

	if (!c->nevents)
		return;
	sb_puts(out, "<g class=\"events\">\n");
	for (i = 0; i < c->nevents; i++) {
		const struct svg_event *e = &c->events[i];
		double x;

		if (e->x < l->xmin || e->x > l->xmax)
			continue;
		x = svg_xpix(l, e->x);
		sb_printf(out, "<g class=\"event\"><title>");
		svg_escape_lines(out, e->text);
		sb_printf(out, "</title><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			  "stroke=\"%s\" stroke-width=\"1.2\" stroke-opacity=\"0.75\"/>"
			  "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"%.1f\" "
			  "fill=\"transparent\"/>"
			  "<path d=\"M%.1f,%.1f L%.1f,%.1f L%.1f,%.1f Z\" fill=\"%s\"/></g>\n",
			  x, l->top, x, l->bottom, e->color, x - 3.5, l->top, l->bottom - l->top,
			  x - 4.5, l->top - EVENT_MARK, x + 4.5, l->top - EVENT_MARK, x, l->top,
			  e->color);
	}
	sb_puts(out, "</g>\n");
}

void svg_chart_render(struct strbuf *out, const struct svg_chart *c)
{
	int w = c->width > 0 ? c->width : DEF_W;
	int h = c->height > 0 ? c->height : DEF_H;
	struct svg_layout l;

	svg_chart_layout(&l, c);
	sb_printf(out, "<svg%s class=\"chart\" width=\"%d\" height=\"%d\" "
		  "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\" "
		  "role=\"img\">\n",
		  c->standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : "", w, h, w, h);
	sb_puts(out, "<title>");
	svg_escape(out, c->tooltip ? c->tooltip : c->title ? c->title : "chart");
	sb_puts(out, "</title>\n");
	sb_printf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
		  w, h);
	if (c->title) {
		/* cut to the width: bold 11px takes about 6.8 px a character */
		struct strbuf t;

		sb_init(&t);
		cut_name(&t, c->title, (size_t)((w - 16) / 6.8));
		text_el(out, 8, 16, NULL, "ctitle", t.buf ? t.buf : "");
		sb_free(&t);
	}
	render_axes(out, c, &l);
	if (!c->nseries || !c->n) {
		text_el(out, (l.left + l.right) / 2, (l.top + l.bottom) / 2, "middle",
			"empty", c->empty_text ? c->empty_text : "no data");
	} else {
		struct points p;

		points_init(&p, c->n);
		sb_puts(out, "<g class=\"series\">\n");
		if (c->kind == SVG_STACKED) {
			render_stacked(out, c, &l, &p);
			render_lines(out, c, &l, &p, true);
		} else {
			render_lines(out, c, &l, &p, false);
		}
		sb_puts(out, "</g>\n");
		free(p.x);
		if (!c->no_legend)
			render_legend(out, c, &l, h, w);
	}
	render_events(out, c, &l);
	sb_puts(out, "</svg>\n");
}
