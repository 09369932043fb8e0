// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shell's line editing through libedit's readline-compatible API
 * (built with SMEMCG_LINEEDIT), or stubs that say it is not there. The
 * history file keeps the last HISTORY_MAX lines; completion asks the
 * shell for candidates and lets libedit show and insert them.
 */
#include "lineedit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"

#define HISTORY_MAX 1000

void lineedit_offer(struct lineedit_matches *m, const char *candidate)
{
	size_t i;

	if (strncmp(candidate, m->word, strlen(m->word)))
		return;
	for (i = 0; i < m->n; i++)
		if (!strcmp(m->v[i], candidate))
			return;
	ALLOC_GROW(m->v, m->n + 1, m->cap);
	m->v[m->n++] = xstrdup(candidate);
}

#ifdef SMEMCG_LINEEDIT
#include <editline/readline.h>

static struct {
	char *history;
	lineedit_complete_fn fn;
	void *arg;
	struct lineedit_matches m;
	char *last;		/* the line remembered last */
} le;

static void matches_clear(struct lineedit_matches *m)
{
	free_strings(m->v, m->n);
	memset(m, 0, sizeof(*m));
}

/* rl_completion_matches' generator: the candidates one by one (libedit frees them). */
static char *next_match(const char *text, int state)
{
	static size_t i;

	(void)text;
	if (!state)
		i = 0;
	return i < le.m.n ? strdup(le.m.v[i++]) : NULL;
}

static char **complete(const char *text, int start, int end)
{
	char *line = xstrndup(rl_line_buffer, (size_t)start);

	(void)end;
	rl_attempted_completion_over = 1;	/* no file names: the model's words only */
	matches_clear(&le.m);
	le.m.word = text;
	le.fn(le.arg, line, (size_t)start, &le.m);
	free(line);
	/* a lone directory ("/pod/", "@vol/") takes no blank: its files follow */
	rl_completion_append_character =
		le.m.n == 1 && le.m.v[0][strlen(le.m.v[0]) - 1] == '/' ? '\0' : ' ';
	if (!le.m.n)
		return NULL;
	return rl_completion_matches(text, next_match);
}

bool lineedit_built_in(void)
{
	return true;
}

int lineedit_open(const char *history, lineedit_complete_fn fn, void *arg)
{
	int err = 0;

	memset(&le, 0, sizeof(le));
	le.fn = fn;
	le.arg = arg;
	rl_readline_name = "smemcg";
	/* paths and @NAME/FILE are one word: only blanks split words */
	rl_completer_word_break_characters = (char *)" \t\n";
	rl_attempted_completion_function = complete;
	using_history();
	stifle_history(HISTORY_MAX);
	if (history) {
		FILE *f;

		le.history = xstrdup(history);
		f = fopen(history, "r");
		if (f) {
			fclose(f);
			if (read_history(history))
				err = -EIO;
		} else if (errno != ENOENT) {
			err = -errno;
		}
	}
	return err;
}

char *lineedit_read(const char *prompt)
{
	return readline(prompt);
}

void lineedit_remember(const char *line)
{
	if (!*line || strspn(line, " \t") == strlen(line) || (le.last && !strcmp(le.last, line)))
		return;
	add_history(line);
	free(le.last);
	le.last = xstrdup(line);
}

int lineedit_save(void)
{
	FILE *f;
	int rc;

	if (!le.history)
		return 0;
	/* write_history's status is not an errno everywhere: try the file first */
	f = fopen(le.history, "a");
	if (!f)
		return -errno;
	fclose(f);
	rc = write_history(le.history);
	if (rc)
		return rc > 0 ? -rc : -EIO;
	history_truncate_file(le.history, HISTORY_MAX);
	return 0;
}

void lineedit_close(void)
{
	matches_clear(&le.m);
	clear_history();
	free(le.history);
	free(le.last);
	memset(&le, 0, sizeof(le));
}

#else /* !SMEMCG_LINEEDIT */

bool lineedit_built_in(void)
{
	return false;
}

int lineedit_open(const char *history, lineedit_complete_fn fn, void *arg)
{
	(void)history;
	(void)fn;
	(void)arg;
	return -ENOSYS;
}

char *lineedit_read(const char *prompt)
{
	(void)prompt;
	return NULL;
}

void lineedit_remember(const char *line)
{
	(void)line;
}

int lineedit_save(void)
{
	return 0;
}

void lineedit_close(void)
{
}

#endif
