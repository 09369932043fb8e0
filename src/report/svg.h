/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SVG charts for `smemcg report`: line charts and stacked-area charts over
 * one x axis (statement index), with y ticks at nice numbers (1, 2, 5 times
 * a power of ten, or of a binary byte unit), a legend, a color fixed by each
 * series' name, and XML escaping of every name. Output is text appended to
 * a strbuf; nothing here knows about cgroups.
 */
#ifndef SMEMCG_REPORT_SVG_H
#define SMEMCG_REPORT_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include "../base/base.h"

enum svg_kind {
	SVG_LINES,		/* each series a polyline */
	SVG_STACKED,		/* series stacked bottom to top as filled areas */
};

enum svg_unit {
	SVG_UNIT_COUNT,		/* plain numbers */
	SVG_UNIT_BYTES,		/* B, KiB, MiB, GiB, TiB */
};

struct svg_series {
	const char *name;	/* legend text; also picks the color */
	const double *y;	/* n values; NaN: no value (a gap in a line) */
	bool overlay;		/* SVG_STACKED: a dashed line, not stacked */
	const char *color;	/* "#rrggbb"; NULL: svg_color(name) */
};

/* The n-th color of a palette of 12 distinct ones (n modulo 12). */
const char *svg_palette(size_t n);

/*
 * An event on the time axis: a colored mark above the plot and a line
 * through it, with text shown on hover (an SVG <title>, no script).
 */
struct svg_event {
	double x;
	const char *color;	/* "#rrggbb" */
	const char *text;	/* one or more lines */
};

/* Text under an x tick (e.g. the simulated time at that statement). */
typedef void (*svg_xlabel_fn)(void *ctx, double x, char *buf, size_t len);

struct svg_chart {
	const char *title;
	int width, height;	/* pixels; 0: 420 x 260 */
	enum svg_kind kind;
	enum svg_unit unit;
	size_t n;		/* points */
	const double *x;	/* n increasing x values */
	double xmin, xmax;	/* x range; xmax <= xmin: from x[] */
	double ymax;		/* y range top; 0: from the data */
	const char *xtitle;	/* caption of the x axis, optional */
	svg_xlabel_fn xlabel;	/* optional second line under x ticks; a label
				 * equal to the previous tick's is left out */
	void *xlabel_ctx;
	const double *marks;	/* x values of dotted vertical markers */
	size_t nmarks;
	const char *mark_title;	/* tooltip of the markers */
	const char *empty_text;	/* shown instead of a plot when nseries is 0 */
	bool standalone;	/* add the xmlns attribute (a file of its own) */
	/*
	 * Samples as steps: a value holds from its x until the next point's
	 * (what a sampled counter is); false: points joined by straight lines.
	 */
	bool steps;
	bool no_legend;		/* the page shows one legend for many charts */
	const char *tooltip;	/* the chart's <title>; NULL: title */
	const struct svg_event *events;	/* in increasing x */
	size_t nevents;
	size_t nseries;
	const struct svg_series *series;
};

/* Ticks first, first + step, ... (n of them), covering [lo, hi]. */
struct svg_ticks {
	double first, step;
	int n;
	double unit;		/* the value of 1 in labels (1, 1024, ...) */
	const char *suffix;	/* "", " KiB", ... */
	int decimals;		/* digits after the point in labels */
};

/*
 * The nice number near x (> 0): 1, 2, 5 or 10 times a power of ten; the
 * nearest when round, else the smallest one >= x.
 */
double svg_nice_num(double x, bool round);
/*
 * Ticks from a multiple of step <= lo to one >= hi, about target of them,
 * step a nice number (at least min_step, for integer data 1). For
 * SVG_UNIT_BYTES the step is nice in the largest binary unit below hi.
 */
void svg_nice_ticks(struct svg_ticks *t, double lo, double hi, int target,
		    enum svg_unit unit, double min_step);
/* The label of tick i. */
void svg_tick_label(char *buf, size_t len, const struct svg_ticks *t, int i);

/* "1.5 MiB", "512 B", "0" */
void svg_format_bytes(char *buf, size_t len, double bytes);
/* "0", "250 ns", "1.5 ms", "2 s", "3 min" */
void svg_format_ns(char *buf, size_t len, double ns);

/* Append s with & < > " ' as entities; control characters become spaces. */
void svg_escape(struct strbuf *sb, const char *s);
/* The same, newlines kept (as &#10;, for multi-line tooltips). */
void svg_escape_lines(struct strbuf *sb, const char *s);

/*
 * "#rrggbb" for a series name: the project's fixed colors for the kinds of
 * memory and the event names, otherwise a hue hashed from the name.
 */
void svg_color(char out[8], const char *name);

/* Where the plot area lies and how values map to pixels. */
struct svg_layout {
	double left, top, right, bottom;	/* plot area in pixels */
	double xmin, xmax, ymin, ymax;		/* value ranges */
	struct svg_ticks yt, xt;
	int legend_rows;
};

void svg_chart_layout(struct svg_layout *l, const struct svg_chart *c);
double svg_xpix(const struct svg_layout *l, double x);
double svg_ypix(const struct svg_layout *l, double y);

/* Append the chart as an <svg> element. */
void svg_chart_render(struct strbuf *out, const struct svg_chart *c);

#endif
