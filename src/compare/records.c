// SPDX-License-Identifier: GPL-2.0-only
/*
 * The records a compare run writes to its pipe, and their reading by the
 * parent. One record a line, fields separated by tabs:
 *
 *   R <section> <object> <metric> <unit> <value>   a row's value
 *   K <how> <pid> <name> <line> <ns> <cgroup> <text>   a kill (kills.c)
 *   S <text>                                        the report's samples (sweep)
 *   P <statements> <simulated ns>                   progress
 *   E                                               the end
 *
 * Tabs and newlines inside a field become blanks. A run that dies before
 * its E record has crashed, whatever it wrote.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool parse_u64(uint64_t *v, const char *s)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

void put_field(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

void emit(struct child *c, enum cmp_section sec, const char *object, const char *metric,
	  char unit, const char *value)
{
	fprintf(c->out, "R\t%d\t", (int)sec);
	put_field(c->out, object);
	fputc('\t', c->out);
	put_field(c->out, metric);
	fprintf(c->out, "\t%c\t", unit);
	put_field(c->out, value);
	fputc('\n', c->out);
}

void emitf(struct child *c, enum cmp_section sec, const char *object, const char *metric,
	   char unit, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	sb_init(&sb);
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	emit(c, sec, object, metric, unit, sb.buf ? sb.buf : "");
	sb_free(&sb);
}

void progress_tick(struct child *c)
{
	smemcg_machine *m;
	double t;

	if ((++c->stmts & 255))
		return;
	t = now_s();
	if (t - c->last_progress < 0.25)
		return;
	c->last_progress = t;
	m = model_backend_machine(c->mb);
	fprintf(c->out, "P\t%" PRIu64 "\t%" PRIu64 "\n", c->stmts, m ? smemcg_now_ns(m) : 0);
	fflush(c->out);
}


/* Split text into lines (the array and text are malloc'd; *n lines). */
char **split_lines(char *text, int *n)
{
	char **v = NULL;
	int cap = 0;
	char *p = text;

	*n = 0;
	while (p && *p) {
		char *e = strchr(p, '\n');

		if (e)
			*e = '\0';
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			v = xrealloc(v, (size_t)cap * sizeof(*v));
		}
		v[(*n)++] = p;
		p = e ? e + 1 : NULL;
	}
	return v;
}

bool parse_output(struct cmp_table *t, int col, char *text)
{
	char **l;
	int n, i;
	bool ended = false;

	l = split_lines(text, &n);
	for (i = 0; i < n; i++) {
		char *f[6], *p = l[i];
		int k;

		if (!strcmp(p, "E")) {
			ended = true;
			continue;
		}
		if (p[0] != 'R' || p[1] != '\t')
			continue;
		for (k = 0; k < 6 && p; k++) {
			f[k] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (k < 6 || p || atoi(f[1]) < 0 || atoi(f[1]) >= CMP_NR_SECTIONS)
			continue;
		cmp_set(t, col, (enum cmp_section)atoi(f[1]), f[2], f[3], f[4][0], f[5]);
	}
	free(l);
	return ended;
}
