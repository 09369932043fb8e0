// SPDX-License-Identifier: GPL-2.0-only
/*
 * TAP 13 output that cannot lie: whatever a scenario writes (a quoted
 * "\nok 99", a file name, a value read back, a backend's message), no
 * byte of it starts a TAP line or a directive. A point's description is
 * one line with control characters written as \n, \r, \t or \xNN and
 * every '#' escaped as \# (with the backslashes before it doubled), as
 * TAP::Parser reads them; text that spans lines is a block of `#` comment
 * lines. One document may hold several scenarios (`smemcg run a b`, the
 * shell): one header, one numbering, one plan at the end.
 */
#include "scenario.h"

#include <string.h>

void smc_tap_begin(struct smc_tap *t, FILE *out)
{
	t->out = out;
	t->n = 0;
	fputs("TAP version 13\n", out);
}

void smc_tap_plan(struct smc_tap *t)
{
	fprintf(t->out, "1..%d\n", t->n);
}

static void control_char(struct strbuf *sb, unsigned char c)
{
	switch (c) {
	case '\n': sb_puts(sb, "\\n"); break;
	case '\r': sb_puts(sb, "\\r"); break;
	case '\t': sb_puts(sb, "\\t"); break;
	default: sb_printf(sb, "\\x%02x", c); break;
	}
}

void smc_tap_escape(struct strbuf *sb, const char *s)
{
	const char *p;

	sb_add(sb, "", 0);
	for (p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\\') {
			size_t n = strspn(p, "\\");

			/* backslashes before a '#' would escape the escape: double them */
			sb_add(sb, p, n);
			if (p[n] == '#')
				sb_add(sb, p, n);
			p += n - 1;
		} else if (c == '#') {
			sb_puts(sb, "\\#");
		} else if (c < 0x20 || c == 0x7f) {
			control_char(sb, c);
		} else {
			sb_add(sb, p, 1);
		}
	}
}

int smc_tap_point(struct smc_tap *t, bool ok, const char *desc, const char *directive)
{
	struct strbuf d;

	sb_init(&d);
	smc_tap_escape(&d, desc);
	t->n++;
	fprintf(t->out, "%s %d - %s", ok ? "ok" : "not ok", t->n, d.buf);
	if (directive) {
		size_t i;

		/* the reason of a SKIP: one line, its '#' harmless */
		sb_reset(&d);
		sb_add(&d, "", 0);
		for (i = 0; directive[i]; i++) {
			unsigned char c = (unsigned char)directive[i];

			if (c < 0x20 || c == 0x7f)
				control_char(&d, c);
			else
				sb_add(&d, &directive[i], 1);
		}
		fprintf(t->out, " # %s", d.buf);
	}
	fputc('\n', t->out);
	sb_free(&d);
	return t->n;
}

/* Each line of text after prefix; an empty text: the prefix alone. */
void smc_tap_comment(struct smc_tap *t, const char *prefix, const char *text)
{
	const char *p = text;
	struct strbuf line;

	sb_init(&line);
	do {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p), i;

		sb_reset(&line);
		sb_add(&line, "", 0);
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];

			if ((c < 0x20 && c != '\t') || c == 0x7f)
				control_char(&line, c);
			else
				sb_add(&line, &p[i], 1);
		}
		fprintf(t->out, "%s%s\n", prefix, line.buf);
		if (!e || !e[1])
			break;
		p = e + 1;
	} while (*p);
	sb_free(&line);
}

void smc_tap_load_error(struct smc_tap *t, const char *file, const struct smc_error *err)
{
	struct strbuf d;

	sb_init(&d);
	if (err->line)
		sb_printf(&d, "%s:%d:%d: %s", file, err->line, err->col, err->msg);
	else
		sb_printf(&d, "%s: %s", file, err->msg);
	smc_tap_point(t, false, d.buf, NULL);
	sb_free(&d);
}
