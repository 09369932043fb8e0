// SPDX-License-Identifier: GPL-2.0-only
/*
 * The compare table: rows (section, object, metric) x columns, found by
 * key as the records of each run are merged, sorted for printing by
 * section, then by the first appearance of the object, then of the row.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void row_key(struct strbuf *k, int sec, const char *obj, const char *metric)
{
	sb_reset(k);
	sb_printf(k, "%d\x01%s\x01%s", sec, obj, metric);
}

struct index {
	struct strmap rows, objects;
	int nobjects;
};

static struct smc_kv *kv_copy(const struct smc_kv *kv, int n)
{
	struct smc_kv *c = xcalloc((size_t)n + 1, sizeof(*c));
	int i;

	for (i = 0; i < n; i++) {
		c[i].key = xstrdup(kv[i].key);
		c[i].value = xstrdup(kv[i].value);
	}
	return c;
}

static void kv_free(struct smc_kv *kv, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free((char *)kv[i].key);
		free((char *)kv[i].value);
	}
	free(kv);
}

void cmp_table_init(struct cmp_table *t, const struct cmp_spec *specs, int n)
{
	struct index *ix = xcalloc(1, sizeof(*ix));
	int i;

	memset(t, 0, sizeof(*t));
	t->ncol = n;
	t->labels = xcalloc((size_t)n + 1, sizeof(*t->labels));
	t->info = xcalloc((size_t)n + 1, sizeof(*t->info));
	t->crashed = xcalloc((size_t)n + 1, sizeof(*t->crashed));
	t->status = xcalloc((size_t)n + 1, sizeof(*t->status));
	strmap_init(&ix->rows);
	strmap_init(&ix->objects);
	t->index = ix;
	for (i = 0; i < n; i++) {
		struct cmp_colinfo *ci = &t->info[i];

		t->labels[i] = xstrdup(specs && specs[i].label ? specs[i].label : "");
		if (!specs)
			continue;
		ci->scenario = specs[i].scenario ? xstrdup(specs[i].scenario) : NULL;
		ci->pol = kv_copy(specs[i].kv, specs[i].nkv);
		ci->npol = specs[i].nkv;
		ci->par = kv_copy(specs[i].defs, specs[i].ndefs);
		ci->npar = specs[i].ndefs;
	}
}

static struct cmp_row *table_row(struct cmp_table *t, int sec, const char *obj,
				 const char *metric, char unit)
{
	struct index *ix = t->index;
	struct strbuf k;
	int64_t i, o;
	struct cmp_row *r;

	sb_init(&k);
	row_key(&k, sec, obj, metric);
	if (strmap_get(&ix->rows, k.buf, &i)) {
		sb_free(&k);
		return &t->rows[i];
	}
	strmap_set(&ix->rows, k.buf, t->nrows);
	sb_reset(&k);
	sb_printf(&k, "%d\x01%s", sec, obj);
	if (!strmap_get(&ix->objects, k.buf, &o)) {
		o = ix->nobjects++;
		strmap_set(&ix->objects, k.buf, o);
	}
	sb_free(&k);
	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->rows = xrealloc(t->rows, (size_t)t->cap * sizeof(*t->rows));
	}
	r = &t->rows[t->nrows];
	r->section = (enum cmp_section)sec;
	r->object = xstrdup(obj);
	r->metric = xstrdup(metric);
	r->unit = unit;
	r->object_order = (int)o;
	r->order = t->nrows++;
	r->val = xcalloc((size_t)t->ncol, sizeof(*r->val));
	return r;
}

void cmp_set(struct cmp_table *t, int col, enum cmp_section sec, const char *obj,
	     const char *metric, char unit, const char *value)
{
	struct cmp_row *r = table_row(t, sec, obj, metric, unit);

	free(r->val[col]);
	r->val[col] = xstrdup(value);
}


static int cmp_rows(const void *a, const void *b)
{
	const struct cmp_row *x = a, *y = b;
	int c;

	if ((c = CMP3(x->section, y->section)) || (c = CMP3(x->object_order, y->object_order)))
		return c;
	return CMP3(x->order, y->order);
}

void table_sort(struct cmp_table *t)
{
	qsort(t->rows, (size_t)t->nrows, sizeof(*t->rows), cmp_rows);
}

void cmp_table_free(struct cmp_table *t)
{
	struct index *ix = t->index;
	int i, c;

	for (i = 0; i < t->nrows; i++) {
		for (c = 0; c < t->ncol; c++)
			free(t->rows[i].val[c]);
		free(t->rows[i].val);
		free(t->rows[i].object);
		free(t->rows[i].metric);
	}
	free(t->rows);
	for (c = 0; c < t->ncol; c++) {
		free(t->labels[c]);
		if (t->info) {
			free(t->info[c].scenario);
			kv_free(t->info[c].pol, t->info[c].npol);
			kv_free(t->info[c].par, t->info[c].npar);
		}
	}
	free(t->labels);
	free(t->info);
	free(t->crashed);
	free(t->status);
	if (ix) {
		strmap_free(&ix->rows);
		strmap_free(&ix->objects);
		free(ix);
	}
	memset(t, 0, sizeof(*t));
}

const char *cmp_value(const struct cmp_table *t, enum cmp_section section, const char *object,
		      const char *metric, int col)
{
	int i;

	for (i = 0; i < t->nrows; i++)
		if (t->rows[i].section == section && !strcmp(t->rows[i].object, object) &&
		    !strcmp(t->rows[i].metric, metric))
			return col >= 0 && col < t->ncol ? t->rows[i].val[col] : NULL;
	return NULL;
}
