// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lexer and block structure of the scenario language: lines of blank-
 * separated tokens, `#` comments, double-quoted strings, parameters
 * ($NAME, replaced inside the word they are in), and `repeat` ... `end`
 * pairing. Limits protect the host: long lines, deep nesting.
 */
#include "scenario.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMC_MAX_TOKENS 256

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

static bool ident_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

int smc_define_check(char *msg, size_t len, const char *name, const char *value)
{
	const char *p;

	if (!ident_start(*name)) {
		snprintf(msg, len, "a parameter's name is an identifier ([A-Za-z_][A-Za-z0-9_]*), "
			 "not \"%s\"", name);
		return -1;
	}
	for (p = name; *p; p++)
		if (!ident_char(*p)) {
			snprintf(msg, len, "a parameter's name is an identifier "
				 "([A-Za-z_][A-Za-z0-9_]*), not \"%s\"", name);
			return -1;
		}
	if (!strcmp(name, "i")) {
		snprintf(msg, len, "i: $i is the iteration number of a repeat block, not a parameter");
		return -1;
	}
	if (!*value) {
		snprintf(msg, len, "%s needs a value", name);
		return -1;
	}
	for (p = value; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= ' ' || c == 0x7f || c == '"' || c == '#' || c == '$') {
			snprintf(msg, len, "%s=%s: a value is one word: no blank, quote, '#', '$' "
				 "or control character", name, value);
			return -1;
		}
	}
	return 0;
}

/*
 * A `$` at s[*i] in a word (quoted or not): a parameter reference replaced
 * by its value, $i kept for the repeat block, or a `$` of its own. end is
 * where the word ends at the latest (a blank, or the closing quote).
 */
static int lex_dollar(struct strbuf *tok, const char *s, size_t end, size_t *i, int lineno,
		      const struct smc_defines *d, struct smc_error *err)
{
	size_t at = *i, p = at + 1, name, nlen, def = 0, deflen = 0;
	bool braced = p < end && s[p] == '{', has_def = false;
	int k;

	if (braced)
		p++;
	if (p >= end || !ident_start(s[p])) {
		if (braced)
			return set_error(err, lineno, (int)at + 1,
					 "expected a parameter's name after \"${\"");
		sb_add(tok, "$", 1);
		*i = at + 1;
		return 0;
	}
	name = p;
	while (p < end && ident_char(s[p]))
		p++;
	nlen = p - name;
	if (braced) {
		if (p + 1 < end && s[p] == ':' && s[p + 1] == '-') {
			has_def = true;
			def = p + 2;
			for (p = def; p < end && s[p] != '}'; p++) {
				unsigned char c = (unsigned char)s[p];

				if (c < 0x20 || c == 0x7f || c == '"' || c == '$' || c == '#')
					return set_error(err, lineno, (int)p + 1,
							 "'%c' in the default of ${%.*s}: a default is one "
							 "plain word", c < 0x20 ? '?' : c, (int)nlen,
							 s + name);
			}
			deflen = p - def;
		}
		if (p >= end || s[p] != '}')
			return set_error(err, lineno, (int)at + 1,
					 "unterminated \"${%.*s\": no closing '}'", (int)nlen, s + name);
		p++;
	}
	*i = p;
	if (nlen == 1 && s[name] == 'i') {
		if (has_def)
			return set_error(err, lineno, (int)at + 1,
					 "$i is the iteration number of a repeat block: it takes no "
					 "default");
		sb_puts(tok, "$i");
		return 0;
	}
	for (k = 0; d && k < d->n; k++)
		if (strlen(d->kv[k].key) == nlen && !strncmp(d->kv[k].key, s + name, nlen)) {
			sb_puts(tok, d->kv[k].value);
			if (d->used)
				d->used[k] = true;
			return 0;
		}
	if (has_def) {
		sb_add(tok, s + def, deflen);
		return 0;
	}
	return set_error(err, lineno, (int)at + 1,
			 "undefined parameter $%.*s: give it a value with --define %.*s=VALUE%s",
			 (int)nlen, s + name, (int)nlen, s + name,
			 braced ? "" : " (or a default in the scenario: ${NAME:-VALUE})");
}

static int lex_line(struct smc_line *out, int lineno, const char *s, size_t n,
		    const struct smc_defines *defs, struct smc_error *err)
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
				const char *close;

				if (c == '$') {
					close = memchr(s + i, '"', n - i);
					if (lex_dollar(&tok, s, close ? (size_t)(close - s) : n, &i,
						       lineno, defs, err)) {
						sb_free(&tok);
						return -1;
					}
					continue;
				}
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

				if (c == '$') {
					size_t end = i;

					while (end < n && s[end] != ' ' && s[end] != '\t')
						end++;
					if (lex_dollar(&tok, s, end, &i, lineno, defs, err)) {
						sb_free(&tok);
						return -1;
					}
					continue;
				}
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

void smc_reader_init(struct smc_reader *r, const char *file, int first_line)
{
	memset(r, 0, sizeof(*r));
	r->file = xstrdup(file);
	r->first_line = first_line;
	r->lineno = first_line - 1;
	r->unit.file = xstrdup(file);
}

void smc_reader_define(struct smc_reader *r, const struct smc_defines *defs)
{
	r->defs = defs;
}

void smc_reader_free(struct smc_reader *r)
{
	smc_script_free(&r->unit);
	free(r->file);
	memset(r, 0, sizeof(*r));
}

/* The unit read so far is dropped; blocks it left open are read to their end. */
static int reader_error(struct smc_reader *r)
{
	r->discard = r->depth;
	r->depth = 0;
	smc_script_free(&r->unit);
	r->unit.file = xstrdup(r->file);
	r->cap = 0;
	return -1;
}

/* A line that opens (1) or closes (-1) a repeat block, or neither (0). */
static int block_word(const struct smc_line *l)
{
	if (!l->ntok || l->tok[0].quoted)
		return 0;
	if (!strcmp(l->tok[0].text, "repeat"))
		return 1;
	return strcmp(l->tok[0].text, "end") ? 0 : -1;
}

/* Past an error inside a block: only the block's end matters, and no error more. */
static int reader_discard(struct smc_reader *r, const char *p, size_t n)
{
	struct smc_line l;
	struct smc_error ignored;

	if (!lex_line(&l, r->lineno, p, n, r->defs, &ignored))
		r->discard += block_word(&l);
	smc_line_free(&l);
	return 0;
}

int smc_reader_line(struct smc_reader *r, const char *p, size_t n, struct smc_error *err)
{
	struct smc_script *s = &r->unit;
	const char *nul;
	struct smc_line l;
	int w;

	r->lineno++;
	/* an invisible UTF-8 byte order mark: the file starts after it */
	if (r->lineno == r->first_line && n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) {
		p += 3;
		n -= 3;
	}
	if (n && p[n - 1] == '\r')
		n--;
	if (r->discard)
		return reader_discard(r, p, n);
	nul = memchr(p, '\0', n);
	if (nul) {
		set_error(err, r->lineno, (int)(nul - p) + 1, "NUL byte in the script");
		return reader_error(r);
	}
	if (lex_line(&l, r->lineno, p, n, r->defs, err)) {
		smc_line_free(&l);
		return reader_error(r);
	}
	if (!l.ntok)
		return 0;
	w = block_word(&l);
	if (w > 0 && r->depth == SMC_MAX_NESTING) {
		smc_line_free(&l);
		set_error(err, r->lineno, 1, "repeat blocks nested deeper than %d", SMC_MAX_NESTING);
		return reader_error(r);
	}
	if (w < 0 && !r->depth) {
		smc_line_free(&l);
		set_error(err, r->lineno, 1, "`end` without a `repeat` to close");
		return reader_error(r);
	}
	if (s->nlines == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		s->lines = xrealloc(s->lines, (size_t)r->cap * sizeof(*s->lines));
		s->match = xrealloc(s->match, (size_t)r->cap * sizeof(*s->match));
	}
	s->match[s->nlines] = -1;
	if (w > 0)
		r->stack[r->depth++] = s->nlines;
	else if (w < 0)
		s->match[r->stack[--r->depth]] = s->nlines;
	s->lines[s->nlines++] = l;
	return r->depth ? 0 : 1;
}

int smc_reader_end(struct smc_reader *r, struct smc_error *err)
{
	if (!r->depth)
		return 0;
	set_error(err, r->unit.lines[r->stack[r->depth - 1]].line, 1,
		  "unterminated repeat: no matching `end`");
	return reader_error(r);
}

void smc_reader_take(struct smc_reader *r, struct smc_script *out)
{
	*out = r->unit;
	if (!out->match)
		out->match = xmalloc(sizeof(int));
	memset(&r->unit, 0, sizeof(r->unit));
	r->unit.file = xstrdup(r->file);
	r->cap = 0;
}

int smc_script_load_n(struct smc_script *s, const char *file, const char *text,
		      size_t len, int first_line, struct smc_error *err)
{
	return smc_script_load_defs(s, file, text, len, first_line, NULL, err);
}

int smc_script_load_defs(struct smc_script *s, const char *file, const char *text,
			 size_t len, int first_line, const struct smc_defines *defs,
			 struct smc_error *err)
{
	const char *p = text, *end_all = text + len;
	struct smc_reader r;
	int rc = 0;

	smc_reader_init(&r, file, first_line);
	smc_reader_define(&r, defs);
	while (p < end_all && rc >= 0) {
		const char *e = memchr(p, '\n', (size_t)(end_all - p));
		size_t n = e ? (size_t)(e - p) : (size_t)(end_all - p);

		rc = smc_reader_line(&r, p, n, err);
		p = e ? e + 1 : end_all;
	}
	if (rc >= 0)
		rc = smc_reader_end(&r, err);
	if (rc < 0) {
		memset(s, 0, sizeof(*s));
		smc_reader_free(&r);
		return -1;
	}
	/* every unit stays in the reader's script: a whole file is one unit */
	smc_reader_take(&r, s);
	smc_reader_free(&r);
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

/* \xNN stands for the control bytes the lexer has no escape for. */
void smc_quote(struct strbuf *sb, const char *s)
{
	sb_puts(sb, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (sb_add_c_escape(sb, c))
			continue;
		if (c < 0x20 || c == 0x7f)
			sb_printf(sb, "\\x%02x", c);
		else
			sb_add(sb, s, 1);
	}
	sb_puts(sb, "\"");
}

void smc_line_text(struct strbuf *sb, const struct smc_line *l)
{
	int i;

	for (i = 0; i < l->ntok; i++) {
		if (i)
			sb_puts(sb, " ");
		if (l->tok[i].quoted)
			smc_quote(sb, l->tok[i].text);
		else
			sb_puts(sb, l->tok[i].text);
	}
}
