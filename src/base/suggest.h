/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "Did you mean ...?": the candidate closest to a word a person mistyped,
 * by the optimal string alignment distance (Levenshtein with adjacent
 * transpositions, as git's help.c weighs "comit"), when it is close
 * enough to be worth naming.
 */
#ifndef SMEMCG_SUGGEST_H
#define SMEMCG_SUGGEST_H

struct suggest {
	const char *word;
	const char *best;	/* the closest candidate so far; NULL: none close */
	int dist;
};

void suggest_init(struct suggest *s, const char *word);
/* Consider candidate (which must outlive s); the first of equals wins. */
void suggest_offer(struct suggest *s, const char *candidate);
/* Edits (insert, delete, replace, swap two neighbours) from a to b. */
int edit_distance(const char *a, const char *b);

#endif
