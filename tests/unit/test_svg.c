// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SVG charts of `smemcg report` (src/report/svg.c): nice tick steps in
 * plain numbers and binary byte units, number/byte/time labels, XML escaping
 * of names, colors fixed by name, stacked areas whose top edge is the sum of
 * the series, gaps in lines, and well-formed XML (balanced tags, quoted
 * attributes, known entities).
 *
 * `test_svg --xml FILE` checks that FILE is well-formed XML instead (the
 * report page is; tests/report/run-report.sh uses it).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "report/svg.h"
#include "tap.h"

/* ---- a small well-formedness checker ---- */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == ':' || c == '.';
}

static bool entity_ok(const char *p, const char **end)
{
	static const char *const named[] = { "amp;", "lt;", "gt;", "quot;", "apos;" };
	size_t i;

	p++;	/* '&' */
	if (*p == '#') {
		const char *q = p + 1;

		if (*q == 'x')
			q++;
		while ((*q >= '0' && *q <= '9') || (p[1] == 'x' && strchr("abcdefABCDEF", *q) && *q))
			q++;
		if (q == p + 1 || *q != ';')
			return false;
		*end = q + 1;
		return true;
	}
	for (i = 0; i < ARRAY_SIZE(named); i++)
		if (!strncmp(p, named[i], strlen(named[i]))) {
			*end = p + strlen(named[i]);
			return true;
		}
	return false;
}

/* 0 when well-formed; else -1 with why filled. */
static int xml_check(const char *s, char *why, size_t len)
{
	char *stack[256];
	int depth = 0, roots = 0, rc = -1;
	const char *p = s;

#define FAIL(...) do { snprintf(why, len, __VA_ARGS__); goto out; } while (0)
	while (*p) {
		if (*p == '&') {
			if (!entity_ok(p, &p))
				FAIL("bad entity at offset %ld", (long)(p - s));
			continue;
		}
		if (*p != '<') {
			if (*p == '>')
				FAIL("stray '>' at offset %ld", (long)(p - s));
			if (!depth && !strchr(" \t\r\n", *p))
				FAIL("text outside the root element at offset %ld", (long)(p - s));
			p++;
			continue;
		}
		if (!strncmp(p, "<!--", 4)) {
			const char *e = strstr(p, "-->");

			if (!e)
				FAIL("unterminated comment");
			p = e + 3;
		} else if (!strncmp(p, "<?", 2)) {
			const char *e = strstr(p, "?>");

			if (!e)
				FAIL("unterminated processing instruction");
			p = e + 2;
		} else if (!strncmp(p, "<!DOCTYPE", 9)) {
			const char *e = strchr(p, '>');

			if (!e || depth || roots)
				FAIL("misplaced DOCTYPE");
			p = e + 1;
		} else if (p[1] == '/') {
			const char *n = p + 2;
			size_t nl;

			while (name_char(*n))
				n++;
			nl = (size_t)(n - p - 2);
			while (*n == ' ' || *n == '\n')
				n++;
			if (*n != '>')
				FAIL("bad end tag at offset %ld", (long)(p - s));
			if (!depth || strlen(stack[depth - 1]) != nl ||
			    strncmp(stack[depth - 1], p + 2, nl))
				FAIL("end tag </%.*s> does not match <%s> at offset %ld", (int)nl,
				     p + 2, depth ? stack[depth - 1] : "(none)", (long)(p - s));
			free(stack[--depth]);
			p = n + 1;
		} else {
			const char *n = p + 1;
			char *name;

			while (name_char(*n))
				n++;
			if (n == p + 1)
				FAIL("'<' not starting a tag at offset %ld", (long)(p - s));
			name = xstrndup(p + 1, (size_t)(n - p - 1));
			/* attributes: name="value" or name='value' */
			for (;;) {
				const char *a;
				char q;

				while (*n == ' ' || *n == '\n' || *n == '\t')
					n++;
				if (*n == '>' || (n[0] == '/' && n[1] == '>'))
					break;
				a = n;
				while (name_char(*n))
					n++;
				if (n == a || *n != '=' || (n[1] != '"' && n[1] != '\'')) {
					free(name);
					FAIL("bad attribute at offset %ld", (long)(a - s));
				}
				q = n[1];
				n += 2;
				while (*n && *n != q) {
					const char *e;

					if (*n == '<' || (*n == '&' && !entity_ok(n, &e))) {
						free(name);
						FAIL("bad character in attribute at offset %ld",
						     (long)(n - s));
					}
					n++;
				}
				if (!*n) {
					free(name);
					FAIL("unterminated attribute");
				}
				n++;
			}
			if (*n == '/') {
				if (!depth)
					roots++;
				free(name);
				p = n + 2;
			} else {
				if (!depth)
					roots++;
				if (depth == (int)ARRAY_SIZE(stack)) {
					free(name);
					FAIL("nested too deep");
				}
				stack[depth++] = name;
				p = n + 1;
			}
			if (roots > 1)
				FAIL("more than one root element");
		}
	}
	if (depth)
		FAIL("<%s> not closed", stack[depth - 1]);
	if (!roots)
		FAIL("no element");
	rc = 0;
out:
	while (depth)
		free(stack[--depth]);
	return rc;
#undef FAIL
}

static int check_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb;
	char buf[65536], why[200];
	size_t n;
	int rc;

	if (!f) {
		perror(path);
		return 2;
	}
	sb_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	rc = xml_check(sb.buf ? sb.buf : "", why, sizeof(why));
	if (rc)
		printf("%s: not well-formed: %s\n", path, why);
	else
		printf("%s: well-formed\n", path);
	sb_free(&sb);
	return rc ? 1 : 0;
}

/* ---- helpers ---- */

static bool xml_ok(const char *s)
{
	char why[200];

	if (xml_check(s, why, sizeof(why))) {
		printf("#   %s\n", why);
		return false;
	}
	return true;
}

/* The d attribute of the first path whose data-series is name. */
static char *path_of(const char *svg, const char *name)
{
	char key[200];
	const char *p, *d, *e;

	snprintf(key, sizeof(key), "data-series=\"%s\"", name);
	p = strstr(svg, key);
	if (!p)
		return NULL;
	d = strstr(p, " d=\"");
	if (!d)
		return NULL;
	d += 4;
	e = strchr(d, '"');
	return e ? xstrndup(d, (size_t)(e - d)) : NULL;
}

/* Points "Mx,y Lx,y ..." of a path into xs/ys; returns how many. */
static int parse_points(const char *d, double *xs, double *ys, int max, int *moves)
{
	int n = 0;

	*moves = 0;
	while (*d && n < max) {
		char *end;

		if (*d == 'M' || *d == 'L') {
			*moves += *d == 'M';
			xs[n] = strtod(d + 1, &end);
			if (*end != ',')
				break;
			ys[n] = strtod(end + 1, &end);
			n++;
			d = end;
		} else {
			d++;
		}
	}
	return n;
}

static int count_of(const char *s, const char *needle)
{
	int n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s++;
	}
	return n;
}

/* ---- tests ---- */

static void test_nice(void)
{
	struct svg_ticks t;
	char lab[64];

	ok(svg_nice_num(0.7, false) == 1, "nice ceiling of 0.7 is 1");
	ok(svg_nice_num(1.2, false) == 2, "nice ceiling of 1.2 is 2");
	ok(svg_nice_num(3, false) == 5, "nice ceiling of 3 is 5");
	ok(svg_nice_num(7, false) == 10, "nice ceiling of 7 is 10");
	ok(svg_nice_num(23, false) == 50, "nice ceiling of 23 is 50");
	ok(svg_nice_num(2.5, true) == 2, "nearest nice number to 2.5 is 2");
	ok(svg_nice_num(0.037, true) == 0.05, "nearest nice number to 0.037 is 0.05");
	ok(fabs(svg_nice_num(4200, true) - 5000) < 1e-9, "nearest nice number to 4200 is 5000");

	svg_nice_ticks(&t, 0, 100, 5, SVG_UNIT_COUNT, 0);
	ok(t.first == 0 && t.step == 20 && t.n == 6, "0..100: 0, 20, ... 100 (step %g, %d ticks)",
	   t.step, t.n);
	svg_nice_ticks(&t, 0, 7, 5, SVG_UNIT_COUNT, 1);
	ok(t.step == 2 && t.n == 5, "0..7: step 2 up to 8 (step %g, %d ticks)", t.step, t.n);
	svg_nice_ticks(&t, 0, 0, 5, SVG_UNIT_COUNT, 1);
	ok(t.step == 1 && t.n == 2, "an empty range becomes 0..1");
	svg_nice_ticks(&t, 0, 3, 5, SVG_UNIT_COUNT, 1);
	ok(t.step == 1 && t.n == 4, "integer data: the step is at least 1 (step %g)", t.step);
	svg_nice_ticks(&t, 0, 0.3, 5, SVG_UNIT_COUNT, 0);
	svg_tick_label(lab, sizeof(lab), &t, 1);
	is_str(lab, "0.1", "fractional steps get decimals");
	svg_nice_ticks(&t, 3, 97, 5, SVG_UNIT_COUNT, 1);
	ok(t.first == 0 && t.first + (t.n - 1) * t.step >= 97, "ticks cover [3, 97] from 0");

	svg_nice_ticks(&t, 0, 200.0 * 1048576, 5, SVG_UNIT_BYTES, 1);
	ok(t.step == 50.0 * 1048576 && t.n == 5, "0..200 MiB: step 50 MiB, 5 ticks");
	svg_tick_label(lab, sizeof(lab), &t, 0);
	is_str(lab, "0", "tick 0 is 0");
	svg_tick_label(lab, sizeof(lab), &t, 4);
	is_str(lab, "200 MiB", "last tick 200 MiB");
	svg_nice_ticks(&t, 0, 1.5 * 1073741824.0, 5, SVG_UNIT_BYTES, 1);
	svg_tick_label(lab, sizeof(lab), &t, 1);
	is_str(lab, "0.5 GiB", "0..1.5 GiB: steps of 0.5 GiB");
	svg_nice_ticks(&t, 0, 3000, 5, SVG_UNIT_BYTES, 1);
	svg_tick_label(lab, sizeof(lab), &t, 1);
	is_str(lab, "1 KiB", "0..3000 B: steps of 1 KiB");
	svg_nice_ticks(&t, 0, 100, 5, SVG_UNIT_BYTES, 1);
	svg_tick_label(lab, sizeof(lab), &t, 1);
	is_str(lab, "20 B", "under 1 KiB: bytes");
}

static void test_format(void)
{
	char b[64];

	svg_format_bytes(b, sizeof(b), 0);
	is_str(b, "0", "0 bytes");
	svg_format_bytes(b, sizeof(b), 512);
	is_str(b, "512 B", "512 B");
	svg_format_bytes(b, sizeof(b), 1536);
	is_str(b, "1.5 KiB", "1.5 KiB");
	svg_format_bytes(b, sizeof(b), 100.0 * 1048576);
	is_str(b, "100 MiB", "100 MiB");
	svg_format_bytes(b, sizeof(b), 4.0 * 1099511627776.0);
	is_str(b, "4 TiB", "4 TiB");
	svg_format_ns(b, sizeof(b), 0);
	is_str(b, "0", "time 0");
	svg_format_ns(b, sizeof(b), 250);
	is_str(b, "250 ns", "250 ns");
	svg_format_ns(b, sizeof(b), 1.5e6);
	is_str(b, "1.5 ms", "1.5 ms");
	svg_format_ns(b, sizeof(b), 2e9);
	is_str(b, "2 s", "2 s");
	svg_format_ns(b, sizeof(b), 90e9);
	is_str(b, "1.5 min", "1.5 min");
}

static void test_escape_color(void)
{
	struct strbuf sb;
	char c1[8], c2[8], c3[8];

	sb_init(&sb);
	svg_escape(&sb, "a<b>&\"c'\x01");
	is_str(sb.buf, "a&lt;b&gt;&amp;&quot;c&#39; ", "the five XML characters and a control character");
	sb_reset(&sb);
	svg_escape(&sb, "/pod/caf\xc3\xa9");
	is_str(sb.buf, "/pod/caf\xc3\xa9", "UTF-8 passes through");
	sb_free(&sb);

	svg_color(c1, "anon");
	is_str(c1, "#4e79a7", "anon has its fixed color");
	svg_color(c1, "/pod oom_kill");
	svg_color(c2, "/pod oom_kill");
	svg_color(c3, "/pod max");
	is_str(c1, c2, "the same name, the same color");
	ok(strcmp(c1, c3), "different names, different colors (%s %s)", c1, c3);
	ok(strlen(c1) == 7 && c1[0] == '#' && strspn(c1 + 1, "0123456789abcdef") == 6,
	   "colors are #rrggbb (%s)", c1);
}

static void test_stacked(void)
{
	static const double x[] = { 0, 1, 2, 4, 8 };
	static const double a[] = { 10, 20, 0, 40, 5 };
	static const double b[] = { 5, NAN, 30, 0, 5 };
	static const double c[] = { 1, 2, 3, 4, 5 };
	static const double lim[] = { 100, 100, NAN, 80, 80 };
	struct svg_series s[] = {
		{ "anon", a, false, NULL }, { "file", b, false, NULL },
		{ "shmem", c, false, "#123456" }, { "memory.max", lim, true, NULL },
	};
	struct svg_chart ch;
	struct svg_layout l;
	struct strbuf out;
	double xs[16], ys[16];
	char *d;
	int n, moves, i;
	bool good = true;

	memset(&ch, 0, sizeof(ch));
	ch.title = "/pod & <friends>";
	ch.kind = SVG_STACKED;
	ch.unit = SVG_UNIT_BYTES;
	ch.n = 5;
	ch.x = x;
	ch.nseries = 4;
	ch.series = s;
	ch.standalone = true;
	sb_init(&out);
	svg_chart_render(&out, &ch);
	svg_chart_layout(&l, &ch);

	ok(xml_ok(out.buf), "a stacked chart is well-formed XML");
	ok(strstr(out.buf, "fill=\"#123456\"") != NULL, "a series' own color wins");
	ok(strcmp(svg_palette(0), svg_palette(1)) && !strcmp(svg_palette(0), svg_palette(12)),
	   "the palette: distinct neighbours, 12 colors");
	ok(strstr(out.buf, "/pod &amp; &lt;friends&gt;") && !strstr(out.buf, "<friends>"),
	   "the title is escaped");
	is(count_of(out.buf, "class=\"area\""), 3, "three stacked areas");
	ok(l.ymax >= 100 && l.ymin == 0, "the y range holds the overlay (ymax %g)", l.ymax);

	d = path_of(out.buf, "shmem");
	ok(d != NULL, "the top series has a path");
	n = d ? parse_points(d, xs, ys, 16, &moves) : 0;
	is(n, 10, "the area has 5 top and 5 bottom points");
	for (i = 0; i < 5 && n == 10; i++) {
		double sum = a[i] + (isnan(b[i]) ? 0 : b[i]) + c[i];

		if (fabs(xs[i] - svg_xpix(&l, x[i])) > 0.051 ||
		    fabs(ys[i] - svg_ypix(&l, sum)) > 0.051) {
			good = false;
			printf("#   point %d: (%g, %g), want (%g, %g)\n", i, xs[i], ys[i],
			       svg_xpix(&l, x[i]), svg_ypix(&l, sum));
		}
		/* the bottom edge of the top area is the top of the two below */
		if (fabs(ys[9 - i] - svg_ypix(&l, sum - c[i])) > 0.051)
			good = false;
	}
	ok(good, "the top edge of the stack is the sum of the series (NaN as 0)");
	free(d);

	d = path_of(out.buf, "anon");
	n = d ? parse_points(d, xs, ys, 16, &moves) : 0;
	good = n == 7;	/* 5 on top; the flat bottom edge keeps its two ends */
	for (i = 5; i < n; i++)
		good &= fabs(ys[i] - svg_ypix(&l, 0)) < 0.051;
	good &= n == 7 && fabs(xs[5] - svg_xpix(&l, 8)) < 0.051 &&
		fabs(xs[6] - svg_xpix(&l, 0)) < 0.051;
	ok(good, "the bottom area starts at y = 0, a flat edge drawn from end to end (%d points)",
	   n);
	free(d);

	d = path_of(out.buf, "memory.max");
	n = d ? parse_points(d, xs, ys, 16, &moves) : 0;
	ok(n == 4 && moves == 2, "the overlay is a dashed line with a gap at NaN (%d points, %d moves)",
	   n, moves);
	ok(strstr(out.buf, "stroke-dasharray") != NULL, "the overlay is dashed");
	free(d);
	ok(strstr(out.buf, "xmlns=\"http://www.w3.org/2000/svg\"") != NULL,
	   "standalone charts carry the namespace");
	ok(strstr(out.buf, ">200 B<") == NULL || l.ymax >= 100, "y labels in bytes");
	sb_free(&out);

	/* inline (not standalone): no URL at all */
	ch.standalone = false;
	sb_init(&out);
	svg_chart_render(&out, &ch);
	ok(!strstr(out.buf, "http"), "an inline chart has no URL");
	sb_free(&out);
}

static void test_lines_legend(void)
{
	static const double x[] = { 0, 1, 2 };
	static const double y[] = { 0, 1, 3 };
	struct svg_series s[12];
	char names[12][64];
	struct svg_chart ch;
	struct svg_layout l1, l2;
	struct strbuf out;
	int i;

	for (i = 0; i < 12; i++) {
		snprintf(names[i], sizeof(names[i]), "/a/very/long/cgroup/path%d oom_kill", i);
		s[i].name = names[i];
		s[i].y = y;
		s[i].overlay = false;
		s[i].color = NULL;
	}
	s[3].name = "<script>alert(\"x\")</script>";
	memset(&ch, 0, sizeof(ch));
	ch.title = "events";
	ch.kind = SVG_LINES;
	ch.n = 3;
	ch.x = x;
	ch.series = s;
	ch.nseries = 1;
	ch.xtitle = "statement";
	svg_chart_layout(&l1, &ch);
	ch.nseries = 12;
	svg_chart_layout(&l2, &ch);
	ok(l1.legend_rows == 1 && l2.legend_rows > 1, "a long legend wraps (%d rows)",
	   l2.legend_rows);
	ok(l2.bottom < l1.bottom, "and takes room from the plot");
	sb_init(&out);
	svg_chart_render(&out, &ch);
	ok(xml_ok(out.buf), "a line chart with 12 series is well-formed XML");
	ok(!strstr(out.buf, "<script"), "a name cannot inject markup");
	is(count_of(out.buf, "class=\"line\""), 12, "12 lines");
	ok(strstr(out.buf, "\xe2\x80\xa6") != NULL, "long legend names are cut with an ellipsis");
	ok(l2.ymax >= 3 && l2.yt.step >= 1, "counts: integer y steps");
	sb_free(&out);

	ch.nseries = 0;
	ch.empty_text = "no events & nothing";
	sb_init(&out);
	svg_chart_render(&out, &ch);
	ok(xml_ok(out.buf) && strstr(out.buf, "no events &amp; nothing"),
	   "an empty chart says why, escaped");
	sb_free(&out);
}

static void time_label(void *ctx, double x, char *buf, size_t len)
{
	(void)ctx;
	snprintf(buf, len, "%s", x < 10 ? "0" : "1 s");
}

static void test_xlabels_marks(void)
{
	static const double x[] = { 0, 5, 10, 15, 20 };
	static const double y[] = { 1, 1, 2, 2, 3 };
	static const double marks[] = { 10 };
	struct svg_series s = { "nr_dying_descendants", y, false, NULL };
	struct svg_chart ch;
	struct strbuf out;

	memset(&ch, 0, sizeof(ch));
	ch.kind = SVG_LINES;
	ch.n = 5;
	ch.x = x;
	ch.nseries = 1;
	ch.series = &s;
	ch.xlabel = time_label;
	ch.marks = marks;
	ch.nmarks = 1;
	ch.mark_title = "sleep <1 s>";
	sb_init(&out);
	svg_chart_render(&out, &ch);
	ok(xml_ok(out.buf), "a chart with time labels and markers is well-formed");
	is(count_of(out.buf, "class=\"t\""), 2, "time labels only where the time changes");
	is(count_of(out.buf, "class=\"mark\""), 1, "one marker");
	ok(strstr(out.buf, "sleep &lt;1 s&gt;") != NULL, "the marker's tooltip is escaped");
	sb_free(&out);
}

static void test_checker(void)
{
	char why[200];

	ok(xml_check("<a><b x=\"1\"/></a>", why, sizeof(why)) == 0, "checker: good document");
	ok(xml_check("<a><b></a></b>", why, sizeof(why)) != 0, "checker: crossed tags");
	ok(xml_check("<a><b></a>", why, sizeof(why)) != 0, "checker: unclosed tag");
	ok(xml_check("<a>x & y</a>", why, sizeof(why)) != 0, "checker: bare ampersand");
	ok(xml_check("<a x=1></a>", why, sizeof(why)) != 0, "checker: unquoted attribute");
	ok(xml_check("<a></a><b></b>", why, sizeof(why)) != 0, "checker: two roots");
	ok(xml_check("<!DOCTYPE html>\n<html><p>&#39;&amp;</p></html>\n", why, sizeof(why)) == 0,
	   "checker: DOCTYPE and entities");
}


/*
 * Steps: a sampled value holds until the next sample. y = 1, 3, NaN, 2, 2
 * at x = 0, 1, 2, 3, 4 is two runs: (0,1) (1,1) (1,3) (2,3) where the
 * value is gone, then (3,2) (4,2); no segment is slanted. Events: a mark
 * with its text in a <title>, lines kept apart.
 */
static void test_steps_events(void)
{
	static const double x[] = { 0, 1, 2, 3, 4 };
	double y[] = { 1, 3, NAN, 2, 2 };
	struct svg_series s = { "oom_kill", y, false, NULL };
	struct svg_event ev[] = { { 1, "#d62728", "statement 1 (line 3)\noom_kill in /a: <b>" } };
	double xs[32], ys[32];
	struct svg_layout l;
	struct svg_chart ch;
	struct strbuf out;
	int n, i, moves = 0, slanted = 0;
	char *d;

	memset(&ch, 0, sizeof(ch));
	ch.kind = SVG_LINES;
	ch.n = 5;
	ch.x = x;
	ch.nseries = 1;
	ch.series = &s;
	ch.steps = true;
	ch.no_legend = true;
	ch.events = ev;
	ch.nevents = 1;
	sb_init(&out);
	svg_chart_render(&out, &ch);
	svg_chart_layout(&l, &ch);
	ok(xml_ok(out.buf), "a chart of steps and events is well-formed");
	d = path_of(out.buf, "oom_kill");
	n = d ? parse_points(d, xs, ys, 32, &moves) : 0;
	for (i = 1; i < n; i++)
		if (fabs(xs[i] - xs[i - 1]) > 0.05 && fabs(ys[i] - ys[i - 1]) > 0.05 &&
		    !(i == 4 && moves == 2))
			slanted++;
	ok(n == 6 && moves == 2 && slanted == 0, "steps: 6 points in 2 runs, none slanted (%d, %d, %d)",
	   n, moves, slanted);
	ok(n == 6 && fabs(xs[3] - svg_xpix(&l, 2)) < 0.1 && fabs(ys[3] - svg_ypix(&l, 3)) < 0.1,
	   "the value 3 holds until x = 2, where it is gone");
	ok(n == 6 && fabs(xs[1] - svg_xpix(&l, 1)) < 0.1 && fabs(ys[1] - svg_ypix(&l, 1)) < 0.1,
	   "the value 1 holds until x = 1");
	ok(strstr(out.buf, "<g class=\"event\"><title>statement 1 (line 3)&#10;oom_kill in /a: &lt;b&gt;</title>") != NULL,
	   "an event is a mark whose <title> holds its lines, escaped");
	ok(!strstr(out.buf, "class=\"legend\""), "no legend when the page has one");
	free(d);
	sb_free(&out);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--xml"))
		return check_file(argv[2]);
	tap_start();
	test_checker();
	test_nice();
	test_format();
	test_escape_color();
	test_stacked();
	test_lines_legend();
	test_xlabels_marks();
	test_steps_events();
	return done_testing();
}
