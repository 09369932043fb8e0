/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Line editing of `smemcg shell` on a terminal: editing keys, history
 * kept in a file between sessions, and completion, through libedit's
 * readline API when the build found it (scripts/setup-build-deps.sh), or
 * nothing when it did not (lineedit_built_in() is false; the shell then
 * reads plain lines). One shell at a time: the library's state is global.
 */
#ifndef SMEMCG_LINEEDIT_H
#define SMEMCG_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>

/* The candidates for the word being completed (the caller's callback fills it). */
struct lineedit_matches {
	const char *word;	/* the word under the cursor, up to it */
	char **v;
	size_t n, cap;
};

/*
 * Offer candidate for the word: kept when it starts with the word (a
 * directory's candidate ends with '/' and takes no blank after it).
 */
void lineedit_offer(struct lineedit_matches *m, const char *candidate);

/*
 * What to offer for the word at offset start of line (the line up to the
 * word, which is m->word).
 */
typedef void (*lineedit_complete_fn)(void *arg, const char *line, size_t start,
				     struct lineedit_matches *m);

bool lineedit_built_in(void);
/*
 * Start editing on the terminal (standard input and output), with the
 * history of file history (NULL: none kept). Returns 0; -errno when the
 * history exists but cannot be read (editing works all the same).
 */
int lineedit_open(const char *history, lineedit_complete_fn fn, void *arg);
/* One line without its newline (malloc'd), NULL at the end of the input. */
char *lineedit_read(const char *prompt);
/* Keep line in the history (blank lines and repeats are not kept). */
void lineedit_remember(const char *line);
/* Write the history to its file: 0 or -errno. */
int lineedit_save(void);
void lineedit_close(void);

#endif
