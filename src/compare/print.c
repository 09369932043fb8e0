// SPDX-License-Identifier: GPL-2.0-only
/*
 * The compare table printed: a text table (sections, objects indented,
 * sizes as 1.5M, rows that differ marked *, the legend of the derived
 * metrics), CSV (RFC 4180) or JSON, all with the same rows.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *const section_names[CMP_NR_SECTIONS] = {
	"outcome", "task", "errno", "pays", "cgroup", "cost", "derived", "smemcg", "zombies",
	"observed", "counters",
};

static const char *const section_titles[CMP_NR_SECTIONS] = {
	"outcome",
	"processes",
	"statements that failed (errno)",
	"who pays: bytes of each object charged to each cgroup (smemcg_explain)",
	"cgroups",
	"cost: what recharging and reclaim did (memory.stat; - : not shown under that policy)",
	"derived metrics: what tools compute from the same state (legend below)",
	"shared memory cgroups",
	"zombies: dying memcgs and what holds each (/proc/zombies, /proc/zombie_holders)",
	"values the scenario read or expected (the last one per line)",
	"every other counter of memory.stat and memory.events",
};

int cmp_section_from_name(const char *name)
{
	int i;

	for (i = 0; i < CMP_NR_SECTIONS; i++)
		if (!strcmp(name, section_names[i]))
			return i;
	return -1;
}

const char *cmp_section_name(enum cmp_section s)
{
	return (unsigned)s < CMP_NR_SECTIONS ? section_names[s] : "?";
}

const char *cmp_human_bytes(char *buf, size_t len, const char *value)
{
	static const char suffix[] = "KMGT";
	uint64_t v, unit = 1024;
	int k = -1;

	if (!parse_u64(&v, value) || v < 1024) {
		snprintf(buf, len, "%s", value);
		return buf;
	}
	while (k < 3 && v >= unit) {
		k++;
		if (v / unit < 1024 || k == 3)
			break;
		unit *= 1024;
	}
	if (v % unit == 0)
		snprintf(buf, len, "%" PRIu64 "%c", v / unit, suffix[k]);
	else
		snprintf(buf, len, "%.2f%c", (double)v / (double)unit, suffix[k]);
	return buf;
}

static void cell_text(char *buf, size_t len, char unit, const char *v, bool exact)
{
	uint64_t x;

	if (!v) {
		snprintf(buf, len, "-");
	} else if (unit == CMP_BYTES && !exact) {
		cmp_human_bytes(buf, len, v);
	} else if (unit == CMP_PERCENT) {
		snprintf(buf, len, "%s%%", v);
	} else if (unit == CMP_NS && parse_u64(&x, v)) {
		snprintf(buf, len, "%.3f s", (double)x / 1e9);
	} else {
		snprintf(buf, len, "%s", v);
	}
}

static bool row_differs(const struct cmp_table *t, const struct cmp_row *r)
{
	int c;

	for (c = 1; c < t->ncol; c++) {
		const char *a = r->val[0], *b = r->val[c];

		if ((!a) != (!b) || (a && strcmp(a, b)))
			return true;
	}
	return false;
}

static bool all_zero(const struct cmp_table *t, const struct cmp_row *r)
{
	int c;

	for (c = 0; c < t->ncol; c++)
		if (r->val[c] && strcmp(r->val[c], "0"))
			return false;
	return true;
}

static bool visible(const struct cmp_table *t, const struct cmp_row *r,
		    const struct cmp_print_opts *po)
{
	unsigned sections = po->sections ? po->sections
			    : po->format == CMP_TABLE ? CMP_TABLE_SECTIONS : ~0u;

	if (!(sections & (1u << r->section)))
		return false;
	if (po->format == CMP_TABLE && !po->all && all_zero(t, r))
		return false;
	if (po->changed_only && !row_differs(t, r))
		return false;
	if (po->keep && !po->keep(r, po->keep_arg))
		return false;
	return true;
}

/* The next row from *i on that po shows, or NULL past the last: the printers' walk. */
static const struct cmp_row *next_visible(const struct cmp_table *t,
					  const struct cmp_print_opts *po, int *i)
{
	while (*i < t->nrows) {
		const struct cmp_row *r = &t->rows[(*i)++];

		if (visible(t, r, po))
			return r;
	}
	return NULL;
}

static const char *const legend[] = {
	"memory.current: what the kernel charges and limits: page cache, tmpfs, kernel memory,",
	"  pages waiting in per-CPU stocks and, under smemcg=borrow|full, borrowed shared memory.",
	"working set (cadvisor, kubelet): memory.current - inactive_file, floored at 0. Only",
	"  inactive page cache is left out: tmpfs (shmem) sits on the anon LRU and always counts.",
	"docker stats usage: the same subtraction, but it keeps memory.current when inactive_file",
	"  is not below it (no floor at 0); the limit is memory.max capped at the host's memory.",
	"podman stats usage: recent podman (go.podman.io/common) as cadvisor; older podman",
	"  (containers/common) showed memory.stat anon only: blind to page cache, tmpfs, kernel.",
	"kubelet memory.available: node memory - working set, as if the cgroup were kubepods; the",
	"  kubelet evicts below 100Mi (its default), a node signal that ignores memory.max.",
	"kernel headroom: memory.max - memory.current; the kernel reclaims, then OOM-kills, on",
	"  memory.current, whatever the tools show. Droppable page cache: file - shmem (tmpfs",
	"  needs swap to go). For / (no memory.current) anon + file + kernel + sock stand in.",
	NULL,
};

static void print_table(FILE *f, struct cmp_table *t, const struct cmp_print_opts *po)
{
	int *w = xcalloc((size_t)t->ncol + 1, sizeof(*w));
	int lw = 8, i, c, sec = -1;
	const struct cmp_row *r;
	const char *obj = NULL;
	bool any_derived = false, any_differs = false;
	char cell[128];

	for (c = 0; c < t->ncol; c++)
		w[c] = (int)strlen(t->labels[c]);
	for (i = 0; (r = next_visible(t, po, &i));) {
		lw = MAX(lw, (int)strlen(r->metric) + (*r->object ? 6 : 4));
		for (c = 0; c < t->ncol; c++) {
			cell_text(cell, sizeof(cell), r->unit, r->val[c], po->exact);
			w[c] = MAX(w[c], (int)strlen(cell));
		}
	}
	if (po->title)
		fprintf(f, "%s\n", po->title);
	fprintf(f, "%-*s", lw, "");
	for (c = 0; c < t->ncol; c++)
		fprintf(f, "  %*s", w[c], t->labels[c]);
	fputc('\n', f);
	for (i = 0; (r = next_visible(t, po, &i));) {
		int indent = 2;

		if ((int)r->section != sec) {
			sec = (int)r->section;
			obj = NULL;
			fprintf(f, "\n%s\n", section_titles[sec]);
			if (sec == CMP_DERIVED)
				any_derived = true;
		}
		if (*r->object) {
			if (!obj || strcmp(obj, r->object))
				fprintf(f, "    %s\n", r->object);
			obj = r->object;
			indent = 4;
		}
		if (row_differs(t, r))
			any_differs = true;
		fprintf(f, "%c %*s%-*s", row_differs(t, r) ? '*' : ' ', indent - 1, "",
			lw - indent - 1, r->metric);
		for (c = 0; c < t->ncol; c++) {
			cell_text(cell, sizeof(cell), r->unit, r->val[c], po->exact);
			fprintf(f, "  %*s", w[c], cell);
		}
		fputc('\n', f);
	}
	if (any_differs)
		fprintf(f, "\n* the runs differ in this row\n");
	if (po->legend && any_derived) {
		fputs("\nwhy the derived numbers differ:\n", f);
		for (i = 0; legend[i]; i++)
			fprintf(f, "  %s\n", legend[i]);
	}
	free(w);
}

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r") && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static const struct unit {
	char unit;
	const char *name;
} units[] = {
	{ CMP_BYTES, "bytes" }, { CMP_COUNT, "count" }, { CMP_PERCENT, "percent" },
	{ CMP_NS, "ns" }, { CMP_TEXT, "text" },
};

/* The unit called name, or (name NULL) the unit u; NULL when there is none. */
static const struct unit *unit_find(char u, const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (name ? !strcmp(units[i].name, name) : units[i].unit == u)
			return &units[i];
	return NULL;
}

const char *cmp_unit_name(char u)
{
	const struct unit *x = unit_find(u, NULL);

	return x ? x->name : "text";
}

char cmp_unit_from_name(const char *name)
{
	const struct unit *x = unit_find(0, name);

	return x ? x->unit : 0;
}

static void print_csv(FILE *f, const struct cmp_table *t, const struct cmp_print_opts *po)
{
	const struct cmp_row *r;
	int i, c;

	fputs("section,object,metric,unit", f);
	for (c = 0; c < t->ncol; c++) {
		fputc(',', f);
		csv_field(f, t->labels[c]);
	}
	fputs("\r\n", f);
	for (i = 0; (r = next_visible(t, po, &i));) {
		fprintf(f, "%s,", section_names[r->section]);
		csv_field(f, r->object);
		fputc(',', f);
		csv_field(f, r->metric);
		fprintf(f, ",%s", cmp_unit_name(r->unit));
		for (c = 0; c < t->ncol; c++) {
			fputc(',', f);
			if (r->val[c])
				csv_field(f, r->val[c]);
		}
		fputs("\r\n", f);
	}
}

static bool json_number(const char *s, char unit)
{
	const char *p = s;
	bool dot = false;

	if (unit == CMP_TEXT)
		return false;
	if (*p == '-')
		p++;
	if (!*p || (*p == '0' && p[1] && p[1] != '.'))
		return false;
	for (; *p; p++) {
		if (*p == '.' && !dot && unit == CMP_PERCENT && p[1]) {
			dot = true;
			continue;
		}
		if (*p < '0' || *p > '9')
			return false;
	}
	return true;
}

/* , "NAME": {"K": "V", ...} */
static void json_put_kv(FILE *f, const char *name, const struct smc_kv *kv, int n)
{
	int i;

	fprintf(f, ", \"%s\": {", name);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		json_put_string(f, kv[i].key);
		fputs(": ", f);
		json_put_string(f, kv[i].value);
	}
	fputs("}", f);
}

static void print_json(FILE *f, const struct cmp_table *t, const struct cmp_print_opts *po)
{
	const struct cmp_row *r;
	int i, c;
	bool first = true;

	fputs("{\n  \"scenario\": ", f);
	json_put_string(f, po->title ? po->title : "");
	fputs(",\n  \"columns\": [", f);
	for (c = 0; c < t->ncol; c++) {
		fputs(c ? ", " : "", f);
		fputs("{\"label\": ", f);
		json_put_string(f, t->labels[c]);
		if (t->info && t->info[c].scenario) {
			fputs(", \"scenario\": ", f);
			json_put_string(f, t->info[c].scenario);
		}
		if (t->info) {
			json_put_kv(f, "policies", t->info[c].pol, t->info[c].npol);
			json_put_kv(f, "parameters", t->info[c].par, t->info[c].npar);
		}
		fprintf(f, ", \"crashed\": %s}", t->crashed[c] ? "true" : "false");
	}
	fputs("],\n  \"rows\": [", f);
	for (i = 0; (r = next_visible(t, po, &i));) {
		fputs(first ? "\n    {" : ",\n    {", f);
		first = false;
		fprintf(f, "\"section\": \"%s\", \"object\": ", section_names[r->section]);
		json_put_string(f, r->object);
		fputs(", \"metric\": ", f);
		json_put_string(f, r->metric);
		fprintf(f, ", \"unit\": \"%s\", \"values\": [", cmp_unit_name(r->unit));
		for (c = 0; c < t->ncol; c++) {
			fputs(c ? ", " : "", f);
			if (!r->val[c])
				fputs("null", f);
			else if (json_number(r->val[c], r->unit))
				fputs(r->val[c], f);
			else
				json_put_string(f, r->val[c]);
		}
		fputs("]}", f);
	}
	fputs("\n  ]\n}\n", f);
}

void cmp_print(FILE *f, struct cmp_table *t, const struct cmp_print_opts *po)
{
	table_sort(t);
	switch (po->format) {
	case CMP_CSV:
		print_csv(f, t, po);
		break;
	case CMP_JSON:
		print_json(f, t, po);
		break;
	default:
		print_table(f, t, po);
		break;
	}
	fflush(f);
}
