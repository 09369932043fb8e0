// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scenario parameters in the reader ($NAME, ${NAME}, ${NAME:-DEFAULT},
 * $i left for repeat blocks, errors at the $), the JSON reader merge
 * uses, and a report set's samples saved and loaded back unchanged.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "base/json.h"
#include "report/report.h"
#include "scenario/scenario.h"

static const struct smc_kv kv[] = { { "SIZE", "4M" }, { "CG", "/pod" } };

/* Load one line with the parameters: its words joined by '|', or the error. */
static char *words(const char *line, struct smc_error *err, bool *used)
{
	struct smc_defines d = { kv, 2, used };
	struct smc_script s;
	struct strbuf sb;
	int i;

	if (smc_script_load_defs(&s, "t.smc", line, strlen(line), 1, &d, err))
		return NULL;
	sb_init(&sb);
	for (i = 0; i < s.lines[0].ntok; i++)
		sb_printf(&sb, "%s%s@%d", i ? "|" : "", s.lines[0].tok[i].text, s.lines[0].tok[i].col);
	smc_script_free(&s);
	return sb_detach(&sb);
}

static void params(void)
{
	struct smc_error err;
	bool used[2] = { false, false };
	char *w, msg[200];

	w = words("write $CG/memory.max ${SIZE}", &err, used);
	is_str(w, "write@1|/pod/memory.max@7|4M@22", "$CG and ${SIZE} replaced; words keep their columns");
	free(w);
	ok(used[0] && used[1], "both parameters marked used");
	w = words("mkdir /c${i}x${MISSING:-7} \"a $SIZE \\$SIZE\"", &err, NULL);
	is_str(w, "mkdir@1|/c$ix7@7|a 4M $SIZE@28", "${i} kept for the block, a default, a quoted $ and \\$");
	free(w);
	w = words("mkdir /a$NOPE", &err, NULL);
	ok(!w && err.line == 1 && err.col == 9 && strstr(err.msg, "undefined parameter $NOPE"),
	   "an undefined name: an error at its $ (col %d: %s)", err.col, err.msg);
	w = words("mkdir /a${CG", &err, NULL);
	ok(!w && err.col == 9 && strstr(err.msg, "no closing '}'"), "${ without }: %s", err.msg);
	w = words("echo $5 costs $", &err, NULL);
	is_str(w, "echo@1|$5@6|costs@9|$@15", "a $ before no name stays a $");
	free(w);
	ok(smc_define_check(msg, sizeof(msg), "i", "1") < 0, "i cannot be defined: %s", msg);
	ok(smc_define_check(msg, sizeof(msg), "2x", "1") < 0, "a name is an identifier: %s", msg);
	ok(smc_define_check(msg, sizeof(msg), "X", "a b") < 0, "a value is one word: %s", msg);
	ok(smc_define_check(msg, sizeof(msg), "X", "") < 0, "a value is not empty: %s", msg);
	is(smc_define_check(msg, sizeof(msg), "N_2", "/a/b:c,d=e"), 0, "N_2=/a/b:c,d=e is fine");
}

static void refused(const char *text, const char *what)
{
	struct strbuf err;
	struct json j;
	int rc;

	sb_init(&err);
	rc = json_parse(&j, text, strlen(text), &err);
	ok(rc < 0 && err.len, "json: %s is refused (%s)", what, err.buf ? err.buf : "no message");
	sb_free(&err);
}

static void json(void)
{
	static const char text[] = " {\"a\": [1, -2.5e3, true, false, null], \"s\": \"\\u00e9\\ud83d\\ude00\\n\\\"\","
				   " \"o\": {}} ";
	struct strbuf err, out;
	struct json j;
	const struct json *a;

	sb_init(&err);
	sb_init(&out);
	is(json_parse(&j, text, strlen(text), &err), 0, "json: an object parses");
	a = json_get(&j, "a");
	ok(a && a->type == JSON_ARRAY && a->n == 5 && !strcmp(a->items[1].str, "-2.5e3") &&
	   a->items[2].b && !a->items[3].b && a->items[4].type == JSON_NULL,
	   "json: numbers as written, true, false, null");
	is_str(json_string(json_get(&j, "s")), "\xc3\xa9\xf0\x9f\x98\x80\n\"",
	       "json: \\u escapes and a surrogate pair to UTF-8");
	json_write(&out, &j);
	is_str(out.buf, "{\"a\":[1,-2.5e3,true,false,null],\"s\":\"\xc3\xa9\xf0\x9f\x98\x80\\n\\\"\",\"o\":{}}",
	       "json: written back compact");
	json_free(&j);
	refused("[1,]", "a trailing comma");
	refused("{\"a\":1} x", "text after the value");
	refused("\"\\ud800\"", "a lone surrogate");
	refused("01", "a leading zero");
	refused("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
		"nesting deeper than 64");
	sb_free(&err);
	sb_free(&out);
}

static void samples(void)
{
	static const char text[] =
		"machine memory=1G\nwrite /cgroup.subtree_control +memory\nmkdir /a\n"
		"write /a/memory.max 1M\nspawn p /a\np mmap m anon 2M\np touch m\n"
		"mkdir /b\nrmdir /b\nsleep 1s\nexpect /a/memory.current == 0\n";
	struct smc_kv pol[] = { { "recharge", "reparent" } };
	struct report *a = report_new(), *b = report_new();
	struct strbuf d1, d2, h1, h2, err;
	struct smc_script s;
	struct smc_error e;

	sb_init(&d1);
	sb_init(&d2);
	sb_init(&h1);
	sb_init(&h2);
	sb_init(&err);
	if (smc_script_load(&s, "t.smc", text, &e))
		abort();
	report_run(a, &s, "t.smc", pol, 1, false);
	report_set_dump(a, 0, &d1);
	is(report_set_load(b, NULL, d1.buf, &err), 0, "samples: loaded back (%s)", err.buf ? err.buf : "");
	report_set_dump(b, 0, &d2);
	is_str(d2.buf, d1.buf, "samples: saved again, the same text");
	/* p's 2M in /a's 1M: an OOM kill, kept with its statement (line 7) */
	ok(strstr(d1.buf, "\nscenario\tt.smc\n") && strstr(d1.buf, "\nkills\t1\t0\n") &&
	   strstr(d1.buf, "\t7\t0\t1\t/a\toom_kill in /a: p (pid "),
	   "samples: the scenario and the event log's kill are saved");
	report_html(a, &h1);
	report_html(b, &h2);
	ok(h1.len && !strcmp(h1.buf, h2.buf), "samples: the same page from the loaded set");
	sb_reset(&err);
	ok(report_set_load(b, "x", "not samples\n", &err) < 0 && err.len,
	   "samples: other text refused");
	is(report_nsets(b), 1, "samples: and not added");
	smc_script_free(&s);
	report_free(a);
	report_free(b);
	sb_free(&d1);
	sb_free(&d2);
	sb_free(&h1);
	sb_free(&h2);
	sb_free(&err);
}

int main(void)
{
	tap_start();
	params();
	json();
	samples();
	return done_testing();
}
