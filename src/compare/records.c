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
#include <sys/wait.h>

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

/* Split a record into its tab-separated fields, in place; the count, or -1 past max. */
static int fields(char *p, char **f, int max)
{
	int k;

	for (k = 0; p; k++) {
		if (k == max)
			return -1;
		f[k] = p;
		p = strchr(p, '\t');
		if (p)
			*p++ = '\0';
	}
	return k;
}

void cmp_run_records_parse(struct cmp_run_records *r, char *text)
{
	char **l;
	int n, i, capr = 0, capk = 0;

	memset(r, 0, sizeof(*r));
	l = split_lines(text, &n);
	for (i = 0; i < n; i++) {
		char *f[8];

		if (!strcmp(l[i], "E")) {
			r->ended = true;
		} else if (!strncmp(l[i], "R\t", 2)) {
			struct cmp_rec *x;

			if (fields(l[i], f, 6) != 6 || atoi(f[1]) < 0 || atoi(f[1]) >= CMP_NR_SECTIONS)
				continue;
			ALLOC_GROW(r->rows, r->nrows + 1, capr);
			x = &r->rows[r->nrows++];
			x->section = (enum cmp_section)atoi(f[1]);
			x->object = f[2];
			x->metric = f[3];
			x->unit = f[4][0];
			x->value = f[5];
		} else if (!strncmp(l[i], "K\t", 2)) {
			struct cmp_kill_rec *k;

			if (fields(l[i], f, 8) != 8)
				continue;
			ALLOC_GROW(r->kills, r->nkills + 1, capk);
			k = &r->kills[r->nkills++];
			k->how = f[1];
			k->pid = atoi(f[2]);
			k->process = f[3];
			k->line = atoi(f[4]);
			k->now_ns = strtoull(f[5], NULL, 10);
			k->cgroup = f[6];
			k->text = f[7];
		} else if (!strncmp(l[i], "S\t", 2)) {
			r->samples = l[i] + 2;
		}
	}
	free(l);
}

void cmp_run_records_free(struct cmp_run_records *r)
{
	free(r->rows);
	free(r->kills);
	memset(r, 0, sizeof(*r));
}

void cmp_crash_reason(struct strbuf *sb, int st, bool ended)
{
	if (WIFSIGNALED(st))
		sb_printf(sb, "crashed: killed by signal %d (%s)", WTERMSIG(st),
			  smc_signal_name(WTERMSIG(st)) ? smc_signal_name(WTERMSIG(st)) : "?");
	else if (WIFEXITED(st) && WEXITSTATUS(st))
		sb_printf(sb, "crashed: exit status %d", WEXITSTATUS(st));
	else if (!ended)
		sb_puts(sb, "crashed: no result");
}

bool parse_output(struct cmp_table *t, int col, char *text)
{
	struct cmp_run_records r;
	bool ended;
	int i;

	cmp_run_records_parse(&r, text);
	for (i = 0; i < r.nrows; i++)
		cmp_set(t, col, r.rows[i].section, r.rows[i].object, r.rows[i].metric,
			r.rows[i].unit, r.rows[i].value);
	ended = r.ended;
	cmp_run_records_free(&r);
	return ended;
}
