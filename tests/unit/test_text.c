// SPDX-License-Identifier: GPL-2.0-only
/*
 * Text the front ends print and read (issue 22, "output that cannot lie",
 * and the one reader of the language): every errno of Linux's ABI has its
 * name, and so does every signal; UTF-8 sequences are recognised as the
 * Unicode standard defines them (table 3-7); a TAP description cannot hold a newline or a
 * directive; a TAP document holds several scenarios; the reader gives the
 * same statements and errors however the input is cut into lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "scenario/scenario.h"
#include "tap.h"

static void errno_names(void)
{
	char want[32];
	int e, unnamed = 0;

	/* 41 and 58 are not assigned on Linux (asm-generic/errno.h) */
	for (e = 1; e <= 133; e++)
		if (e != 41 && e != 58 && !errno_name(e))
			unnamed++;
	is(unnamed, 0, "errnos 1..133 all have a name");
	is_str(errno_name(EUCLEAN), "EUCLEAN", "EUCLEAN (117) is named");
	is_str(errno_name(-ENOSPC), "ENOSPC", "a negative errno is named too");
	is_str(errno_name(EAGAIN), "EAGAIN", "EAGAIN, not its alias EWOULDBLOCK");
	is(errno_from_name("EWOULDBLOCK"), EAGAIN, "the alias EWOULDBLOCK is read");
	is(errno_from_name("ENOTSUP"), EOPNOTSUPP, "the alias ENOTSUP is read");
	for (e = 1; e <= 133; e += 1 + (e == 40 || e == 57)) {
		snprintf(want, sizeof(want), "%s", errno_name(e) ? errno_name(e) : "");
		if (errno_from_name(want) != e)
			break;
	}
	is(e, 134, "every name reads back as its errno");
	ok(!errno_name(0) && !errno_name(600), "0 and 600 are no errnos");
}

static void signal_names(void)
{
	int s, unnamed = 0;

	for (s = 1; s <= 64; s++)
		if (!strcmp(smc_signal_name(s), "SIG?") || smc_signal_from_name(smc_signal_name(s)) != s)
			unnamed++;
	is(unnamed, 0, "signals 1..64 all have a name that reads back");
	is_str(smc_signal_name(19), "SIGSTOP", "19 is SIGSTOP (not SIG?)");
	is_str(smc_signal_name(28), "SIGWINCH", "28 is SIGWINCH");
	is_str(smc_signal_name(34), "SIGRTMIN+2", "34 is SIGRTMIN+2");
	is(smc_signal_from_name("KILL"), 9, "KILL without SIG is read");
	is(smc_signal_from_name("65"), 0, "65 is no signal");
}

static void utf8(void)
{
	is(utf8_seq_len("a", 1), 1, "ASCII: 1 byte");
	is(utf8_seq_len("\xc3\xa9", 2), 2, "e acute: 2 bytes");
	is(utf8_seq_len("\xe2\x82\xac", 3), 3, "euro sign: 3 bytes");
	is(utf8_seq_len("\xf0\x9f\x98\x80", 4), 4, "U+1F600: 4 bytes");
	is(utf8_seq_len("\xe9", 1), 0, "a Latin-1 e acute alone: none");
	is(utf8_seq_len("\x80", 1), 0, "a continuation byte alone: none");
	is(utf8_seq_len("\xc0\xaf", 2), 0, "an overlong '/': none");
	is(utf8_seq_len("\xe0\x80\xaf", 3), 0, "an overlong 3-byte form: none");
	is(utf8_seq_len("\xed\xa0\x80", 3), 0, "a surrogate (U+D800): none");
	is(utf8_seq_len("\xf4\x90\x80\x80", 4), 0, "past U+10FFFF: none");
	is(utf8_seq_len("\xe2\x82", 2), 0, "a sequence cut short: none");
	is(utf8_seq_len("\xe2\x82\x41", 3), 0, "a sequence broken by ASCII: none");
}

static void escaped(const char *in, const char *want, const char *what)
{
	struct strbuf sb;

	sb_init(&sb);
	smc_tap_escape(&sb, in);
	is_str(sb.buf, want, "TAP escape: %s", what);
	sb_free(&sb);
}

/* The lines of a TAP document: how many start with prefix. */
static int lines_starting(const char *doc, const char *prefix)
{
	const char *p = doc;
	int n = 0;

	while (p && *p) {
		if (!strncmp(p, prefix, strlen(prefix)))
			n++;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return n;
}

static void tap(void)
{
	struct smc_tap t;
	char *doc = NULL;
	size_t len = 0;
	FILE *f;

	escaped("expect /a/f == 1", "expect /a/f == 1", "plain text as it is");
	escaped("echo \"x\nok 99 - y\"", "echo \"x\\nok 99 - y\"", "a newline becomes \\n");
	escaped("a\r\tb\x01", "a\\r\\tb\\x01", "control bytes as escapes");
	escaped("x # SKIP y", "x \\# SKIP y", "# is escaped: no directive");
	escaped("x \\# TODO", "x \\\\\\# TODO", "a backslash before # is doubled");
	escaped("a\\b", "a\\b", "other backslashes stay");

	f = open_memstream(&doc, &len);
	smc_tap_begin(&t, f);
	smc_tap_comment(&t, "# ", "a.smc\nok 98 - injected");
	is(smc_tap_point(&t, true, "x\n1..99", NULL), 1, "the first point is 1");
	is(smc_tap_point(&t, false, "y", "SKIP z\nok 97"), 2, "the second point is 2");
	smc_tap_comment(&t, "# ", "b.smc");
	is(smc_tap_point(&t, true, "z", NULL), 3, "a second scenario goes on numbering");
	smc_tap_plan(&t);
	fclose(f);
	is(lines_starting(doc, "TAP version"), 1, "one header");
	is(lines_starting(doc, "1.."), 1, "one plan");
	is(lines_starting(doc, "ok 9"), 0, "no injected point");
	is(lines_starting(doc, "ok "), 2, "two ok points");
	is(lines_starting(doc, "not ok "), 1, "one not ok point");
	ok(strstr(doc, "\n1..3\n") != NULL, "the plan counts all three");
	ok(strstr(doc, "# ok 98 - injected\n") != NULL, "a comment's lines are comments");
	free(doc);
}

/* The statements of text read whole, and line by line as the shell does. */
static void reader(void)
{
	static const char text[] = "\xef\xbb\xbfmkdir /a\r\nrepeat 2\nmkdir /a/c$i\nend\t# done\n"
				   "echo x\n";
	struct smc_script whole, unit;
	struct smc_reader r;
	struct smc_error err;
	const char *p = text;
	int units = 0, lines = 0, rc;

	is(smc_script_load(&whole, "t", text, &err), 0, "reader: a BOM, \\r\\n and end<TAB># load");
	is(whole.nlines, 5, "reader: five statements");
	is_str(whole.lines[0].tok[0].text, "mkdir", "reader: the BOM is not part of the first word");
	is(whole.lines[0].tok[0].col, 1, "reader: and columns count after it");
	is(whole.match[1], 3, "reader: repeat on line 2 ends on line 4");
	smc_script_free(&whole);

	smc_reader_init(&r, "t", 1);
	while (*p) {
		const char *e = strchr(p, '\n');

		rc = smc_reader_line(&r, p, (size_t)(e - p), &err);
		if (rc > 0) {
			smc_reader_take(&r, &unit);
			lines += unit.nlines;
			units++;
			smc_script_free(&unit);
		}
		p = e + 1;
	}
	is(smc_reader_end(&r, &err), 0, "reader by line: nothing left open");
	is(units, 3, "reader by line: three units (mkdir, the block, echo)");
	is(lines, 5, "reader by line: the same five statements");
	smc_reader_free(&r);

	smc_reader_init(&r, "t", 1);
	is(smc_reader_line(&r, "repeat 2", 8, &err), 0, "an open block waits");
	is(smc_reader_line(&r, "mkdir \"/x", 9, &err), -1, "an error inside it");
	is(smc_reader_line(&r, "repeat 3", 8, &err), 0, "the rest of the block is dropped...");
	is(smc_reader_line(&r, "end", 3, &err), 0, "... nested blocks too ...");
	is(smc_reader_line(&r, "end", 3, &err), 0, "... to its end, without a second error");
	is(smc_reader_line(&r, "echo y", 6, &err), 1, "then the reader goes on");
	smc_reader_take(&r, &unit);
	is(unit.lines[0].line, 6, "with the lines numbered as read");
	smc_script_free(&unit);
	is(smc_reader_line(&r, "repeat 1", 8, &err), 0, "a block left open...");
	is(smc_reader_end(&r, &err), -1, "... is an error at the end of the input");
	is(err.line, 7, "named at its repeat line");
	smc_reader_free(&r);
}

int main(void)
{
	tap_start();
	errno_names();
	signal_names();
	utf8();
	tap();
	reader();
	return done_testing();
}
