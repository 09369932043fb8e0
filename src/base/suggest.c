// SPDX-License-Identifier: GPL-2.0-only
/*
 * The closest candidate to a mistyped word, for the hints of the
 * language's and the model's error messages.
 */
#include "suggest.h"

#include <stdlib.h>
#include <string.h>

#include "base.h"

/* Words longer than this are not compared: no one mistypes a paragraph. */
#define SUGGEST_MAX_LEN 128

int edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), k = strlen(b), i, j;
	int *d, r;

	if (n > SUGGEST_MAX_LEN || k > SUGGEST_MAX_LEN)
		return 1 << 20;
	/* three rows of the (n+1) x (k+1) table: i-2, i-1, i */
	d = xcalloc(3 * (k + 1), sizeof(*d));
	for (j = 0; j <= k; j++)
		d[j] = (int)j;
	for (i = 1; i <= n; i++) {
		int *pp = d + ((i + 1) % 3) * (k + 1), *p = d + ((i + 2) % 3) * (k + 1);
		int *c = d + (i % 3) * (k + 1);

		c[0] = (int)i;
		for (j = 1; j <= k; j++) {
			int cost = a[i - 1] != b[j - 1], v = p[j - 1] + cost;

			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
		}
	}
	r = d[(n % 3) * (k + 1) + k];
	free(d);
	return r;
}

void suggest_init(struct suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	/* close enough: one edit in four letters, at least one, at most three */
	s->dist = (int)MIN(MAX(strlen(word) / 4, 1), 3) + 1;
}

void suggest_offer(struct suggest *s, const char *candidate)
{
	int d;

	if (!strcmp(s->word, candidate))
		return;
	d = edit_distance(s->word, candidate);
	if (d < s->dist) {
		s->dist = d;
		s->best = candidate;
	}
}
