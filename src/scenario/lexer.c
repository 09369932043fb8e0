// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lexer and block structure of the scenario language: lines of blank-
 * separated tokens, `#` comments, double-quoted strings, and `repeat` ...
 * `end` pairing. Limits protect the host: long lines, deep nesting.
 */
#include "scenario.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMC_MAX_LINE 65536
#define SMC_MAX_TOKENS 256
#define SMC_MAX_NESTING 16

static int set_error(struct smc_error *err, int line, int col, const char *fmt, ...)
	PRINTF_LIKE(4, 5);

static int set_error(struct smc_error *err, int line, int col, const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int lex_line(struct smc_line *out, int lineno, const char *s, size_t n,
		    struct smc_error *err)
{
	size_t i = 0;
	struct strbuf tok;

	out->line = lineno;
	out->ntok = 0;
	out->tok = NULL;
	if (n > SMC_MAX_LINE)
		return set_error(err, lineno, 1, "line longer than %d bytes", SMC_MAX_LINE);
	sb_init(&tok);
	while (i < n) {
		int col;
		bool quoted = false;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= n || s[i] == '#')
			break;
		col = (int)i + 1;
		sb_reset(&tok);
		sb_add(&tok, "", 0);
		if (s[i] == '"') {
			quoted = true;
			i++;
			while (i < n && s[i] != '"') {
				char c = s[i];

				if (c == '\\' && i + 1 < n) {
					i++;
					c = s[i] == 'n' ? '\n' : s[i] == 't' ? '\t' : s[i];
				}
				sb_add(&tok, &c, 1);
				i++;
			}
			if (i >= n) {
				sb_free(&tok);
				return set_error(err, lineno, col,
						 "unterminated string: no closing '\"'");
			}
			i++;
			if (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '#') {
				sb_free(&tok);
				return set_error(err, lineno, (int)i + 1,
						 "expected a blank after the closing '\"', found '%c'",
						 s[i]);
			}
		} else {
			while (i < n && s[i] != ' ' && s[i] != '\t') {
				unsigned char c = (unsigned char)s[i];

				if (c < 0x20 || c == 0x7f) {
					sb_free(&tok);
					return set_error(err, lineno, (int)i + 1,
							 "control character 0x%02x in the script", c);
				}
				sb_add(&tok, &s[i], 1);
				i++;
			}
		}
		if (out->ntok >= SMC_MAX_TOKENS) {
			sb_free(&tok);
			return set_error(err, lineno, col, "more than %d words on one line",
					 SMC_MAX_TOKENS);
		}
		out->tok = xrealloc(out->tok, (size_t)(out->ntok + 1) * sizeof(*out->tok));
		out->tok[out->ntok].text = xstrdup(tok.buf);
		out->tok[out->ntok].col = col;
		out->tok[out->ntok].quoted = quoted;
		out->ntok++;
	}
	sb_free(&tok);
	return 0;
}

void smc_line_free(struct smc_line *l)
{
	int i;

	for (i = 0; i < l->ntok; i++)
		free(l->tok[i].text);
	free(l->tok);
	l->tok = NULL;
	l->ntok = 0;
}

void smc_script_free(struct smc_script *s)
{
	int i;

	for (i = 0; i < s->nlines; i++)
		smc_line_free(&s->lines[i]);
	free(s->lines);
	free(s->match);
	free(s->file);
	memset(s, 0, sizeof(*s));
}

int smc_script_load(struct smc_script *s, const char *file, const char *text,
		    struct smc_error *err)
{
	return smc_script_load_n(s, file, text, strlen(text), 1, err);
}

int smc_script_load_n(struct smc_script *s, const char *file, const char *text,
		      size_t len, int first_line, struct smc_error *err)
{
	const char *p = text, *end_all = text + len;
	int lineno = first_line - 1, cap = 0;
	int stack[SMC_MAX_NESTING];
	int depth = 0, i;

	memset(s, 0, sizeof(*s));
	s->file = xstrdup(file);
	while (p < end_all) {
		const char *e = memchr(p, '\n', (size_t)(end_all - p));
		size_t n = e ? (size_t)(e - p) : (size_t)(end_all - p);
		const char *nul;
		struct smc_line l;

		lineno++;
		if (n && p[n - 1] == '\r')
			n--;
		nul = memchr(p, '\0', n);
		if (nul) {
			smc_script_free(s);
			return set_error(err, lineno, (int)(nul - p) + 1, "NUL byte in the script");
		}
		if (lex_line(&l, lineno, p, n, err)) {
			smc_line_free(&l);
			smc_script_free(s);
			return -1;
		}
		if (l.ntok) {
			if (s->nlines == cap) {
				cap = cap ? cap * 2 : 64;
				s->lines = xrealloc(s->lines, (size_t)cap * sizeof(*s->lines));
			}
			s->lines[s->nlines++] = l;
		}
		if (!e)
			break;
		p = e + 1;
	}
	s->match = xmalloc((size_t)(s->nlines ? s->nlines : 1) * sizeof(int));
	for (i = 0; i < s->nlines; i++) {
		const char *w = s->lines[i].tok[0].text;

		s->match[i] = -1;
		if (s->lines[i].tok[0].quoted)
			continue;
		if (!strcmp(w, "repeat")) {
			if (depth == SMC_MAX_NESTING) {
				set_error(err, s->lines[i].line, 1,
					  "repeat blocks nested deeper than %d", SMC_MAX_NESTING);
				smc_script_free(s);
				return -1;
			}
			stack[depth++] = i;
		} else if (!strcmp(w, "end")) {
			if (!depth) {
				set_error(err, s->lines[i].line, 1,
					  "`end` without a `repeat` to close");
				smc_script_free(s);
				return -1;
			}
			s->match[stack[--depth]] = i;
		}
	}
	if (depth) {
		set_error(err, s->lines[stack[depth - 1]].line, 1,
			  "unterminated repeat: no matching `end`");
		smc_script_free(s);
		return -1;
	}
	return 0;
}

void smc_line_subst(struct smc_line *out, const struct smc_line *in, long iter)
{
	char num[32];
	int i;

	snprintf(num, sizeof(num), "%ld", iter);
	out->line = in->line;
	out->ntok = in->ntok;
	out->tok = xmalloc((size_t)(in->ntok ? in->ntok : 1) * sizeof(*out->tok));
	for (i = 0; i < in->ntok; i++) {
		const char *t = in->tok[i].text, *q;
		struct strbuf sb;

		sb_init(&sb);
		while ((q = strstr(t, "$i"))) {
			sb_add(&sb, t, (size_t)(q - t));
			sb_puts(&sb, num);
			t = q + 2;
		}
		sb_puts(&sb, t);
		out->tok[i].text = sb_detach(&sb);
		out->tok[i].col = in->tok[i].col;
		out->tok[i].quoted = in->tok[i].quoted;
	}
}

void smc_line_text(struct strbuf *sb, const struct smc_line *l)
{
	int i;

	for (i = 0; i < l->ntok; i++) {
		if (i)
			sb_puts(sb, " ");
		if (l->tok[i].quoted)
			sb_printf(sb, "\"%s\"", l->tok[i].text);
		else
			sb_puts(sb, l->tok[i].text);
	}
}
