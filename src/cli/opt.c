// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one option parser of the command line, and the usage and --help it
 * generates from a command's table (opt.h). Conventions, the same in every
 * command: --name VALUE or --name=VALUE, -x VALUE or -xVALUE, -- ends the
 * options, a lone - is an operand (standard input), -h and --help print
 * the help at once; an option that takes one value may be given once.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "opt.h"
#include "smemcg.h"

#define PROGRAM "smemcg"
#define WIDTH 79
#define HELP_COL_MAX 24

static const struct {
	int status;
	const char *meaning;
} exit_meanings[] = {
	{ CLI_EXIT_OK, "success" },
	{ CLI_EXIT_FAILED, "a test failed" },
	{ CLI_EXIT_USAGE, "bad usage, or an input that cannot be loaded" },
	{ CLI_EXIT_HOST, "out of host resources, or output that cannot be written" },
	{ CLI_EXIT_SKIP, "skipped" },
};

const char *cli_exit_meaning(int status)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exit_meanings); i++)
		if (exit_meanings[i].status == status)
			return exit_meanings[i].meaning;
	return "?";
}

int cli_exit_worst(int a, int b)
{
	static const int order[] = { CLI_EXIT_HOST, CLI_EXIT_USAGE, CLI_EXIT_FAILED, CLI_EXIT_SKIP };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		if (a == order[i] || b == order[i])
			return order[i];
	return CLI_EXIT_OK;
}

int cli_args_add(void *args, const char *arg, struct strbuf *err)
{
	struct cli_args *a = args;

	(void)err;
	a->v = xrealloc(a->v, (size_t)(a->n + 1) * sizeof(*a->v));
	a->v[a->n++] = arg;
	return 0;
}

void cli_args_free(struct cli_args *a)
{
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

/* ---- parsing ---- */

struct parser {
	const struct cli_command *cmd;
	int nspecs;
	int *given;		/* per spec: times given */
	int operand;		/* the operand spec the next operand goes to */
	const struct cli_opt_spec *multi;	/* takes the operands that follow */
};

static int nspecs(const struct cli_opt_spec *o)
{
	int n = 0;

	while (o && o[n].type != CLI_OPT_END)
		n++;
	return n;
}

/* "--policy", "-o, --output", "FILE": how messages name a spec. */
static void spec_name(struct strbuf *sb, const struct cli_opt_spec *s)
{
	if (s->type == CLI_OPT_ARG)
		sb_puts(sb, s->name);
	else if (s->name)
		sb_printf(sb, "--%s", s->name);
	else
		sb_printf(sb, "-%c", s->alias);
}

static int usage_error(struct parser *p, const char *fmt, ...) PRINTF_LIKE(2, 3);

static int usage_error(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s %s: ", PROGRAM, p->cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n\n", stderr);
	cli_usage(stderr, p->cmd);
	fprintf(stderr, "`%s %s --help` explains the options.\n", PROGRAM, p->cmd->name);
	return -1;
}

static int store(struct parser *p, const struct cli_opt_spec *s, const char *arg)
{
	struct strbuf err, name;
	int rc = 0;

	p->given[s - p->cmd->opts]++;
	if (s->type == CLI_OPT_SWITCH) {
		*(bool *)s->value = true;
		return 0;
	}
	if (!s->parse) {
		*(const char **)s->value = arg;
		return 0;
	}
	sb_init(&err);
	if (s->parse(s->value, arg, &err)) {
		sb_init(&name);
		spec_name(&name, s);
		rc = usage_error(p, "%s %s", name.buf, err.buf ? err.buf : "is refused");
		sb_free(&name);
	}
	sb_free(&err);
	return rc;
}

static const struct cli_opt_spec *find_long(struct parser *p, const char *name, size_t len)
{
	int i;

	for (i = 0; i < p->nspecs; i++) {
		const struct cli_opt_spec *s = &p->cmd->opts[i];

		if (s->type != CLI_OPT_ARG && s->name && strlen(s->name) == len &&
		    !strncmp(s->name, name, len))
			return s;
	}
	return NULL;
}

static const struct cli_opt_spec *find_short(struct parser *p, char c)
{
	int i;

	for (i = 0; i < p->nspecs; i++)
		if (p->cmd->opts[i].type != CLI_OPT_ARG && p->cmd->opts[i].alias == c)
			return &p->cmd->opts[i];
	return NULL;
}

/* An option and, when it takes one, its value (inline or the next word). */
static int option(struct parser *p, const struct cli_opt_spec *s, const char *inline_val,
		  int argc, char **argv, int *i)
{
	struct strbuf name;
	const char *val = inline_val;
	int rc;

	sb_init(&name);
	spec_name(&name, s);
	if (s->type == CLI_OPT_SWITCH && inline_val) {
		rc = usage_error(p, "%s takes no value", name.buf);
		goto out;
	}
	if (s->type == CLI_OPT_VALUE && !val) {
		if (*i + 1 >= argc) {
			rc = usage_error(p, "%s needs %s", name.buf, s->value_name);
			goto out;
		}
		val = argv[++*i];
	}
	if (s->type == CLI_OPT_VALUE && !(s->flags & CLI_OPT_REPEAT) &&
	    p->given[s - p->cmd->opts]) {
		rc = usage_error(p, "%s is given twice (the second time: %s)", name.buf, val);
		goto out;
	}
	rc = store(p, s, val);
	p->multi = !rc && (s->flags & CLI_OPT_MULTI) ? s : NULL;
out:
	sb_free(&name);
	return rc;
}

static int operand(struct parser *p, const char *arg)
{
	const struct cli_opt_spec *s;

	if (p->multi)
		return store(p, p->multi, arg);
	while (p->operand < p->nspecs) {
		s = &p->cmd->opts[p->operand];
		if (s->type == CLI_OPT_ARG &&
		    (!p->given[p->operand] || (s->flags & CLI_OPT_REPEAT)))
			return store(p, s, arg);
		p->operand++;
	}
	return usage_error(p, "unexpected argument \"%s\"", arg);
}

static int check_required(struct parser *p)
{
	int i;

	for (i = 0; i < p->nspecs; i++) {
		const struct cli_opt_spec *s = &p->cmd->opts[i];

		if (!(s->flags & CLI_OPT_REQUIRED) || p->given[i])
			continue;
		if (s->type == CLI_OPT_ARG)
			return usage_error(p, "no %s given", s->name);
		if (s->alias)
			return usage_error(p, "no --%s given: give -%c %s", s->name, s->alias,
					   s->value_name);
		return usage_error(p, "no --%s given: give --%s %s", s->name, s->name,
				   s->value_name);
	}
	return 0;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv)
{
	struct parser p = { cmd, nspecs(cmd->opts), NULL, 0, NULL };
	bool dashdash = false;
	int i, rc = 0;

	p.given = xcalloc((size_t)p.nspecs + 1, sizeof(*p.given));
	for (i = 1; i < argc && !rc; i++) {
		const char *a = argv[i];
		const struct cli_opt_spec *s;

		if (dashdash || a[0] != '-' || !a[1]) {
			rc = operand(&p, a);
		} else if (!strcmp(a, "--")) {
			dashdash = true;
			p.multi = NULL;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cli_help(stdout, cmd);
			rc = 1;
		} else if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');

			s = find_long(&p, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
			if (!s)
				rc = usage_error(&p, "unknown option %.*s",
						 eq ? (int)(eq - a) : (int)strlen(a), a);
			else
				rc = option(&p, s, eq ? eq + 1 : NULL, argc, argv, &i);
		} else {
			s = find_short(&p, a[1]);
			if (!s || (a[2] && s->type == CLI_OPT_SWITCH))
				rc = usage_error(&p, "unknown option %s", a);
			else
				rc = option(&p, s, a[2] ? a + 2 : NULL, argc, argv, &i);
		}
	}
	if (!rc)
		rc = check_required(&p);
	free(p.given);
	return rc;
}

/* ---- usage and help ---- */

/* Words appended to lines of at most WIDTH columns, continuation lines indented. */
struct wrap {
	FILE *f;
	int col, indent;
	bool fresh;		/* at the start of a line: no blank before the next word */
};

static void wrap_word(struct wrap *w, const char *word, size_t n)
{
	if (!w->fresh && w->col + 1 + (int)n > WIDTH) {
		fprintf(w->f, "\n%*s", w->indent, "");
		w->col = w->indent;
		w->fresh = true;
	}
	if (!w->fresh) {
		fputc(' ', w->f);
		w->col++;
	}
	fwrite(word, 1, n, w->f);
	w->col += (int)n;
	w->fresh = false;
}

/*
 * text from column col on (the cursor is there), its words wrapped,
 * continuation lines at indent; a newline in text starts a line.
 */
static void wrap_text(FILE *f, const char *text, int col, int indent)
{
	struct wrap w = { f, col, indent, true };
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, " \n");

		if (n)
			wrap_word(&w, p, n);
		p += n;
		if (*p == '\n' && p[1]) {
			fprintf(f, "\n%*s", indent, "");
			w.col = indent;
			w.fresh = true;
		}
		if (*p)
			p++;
	}
	fputc('\n', f);
}

static void usage_item(struct strbuf *sb, const struct cli_opt_spec *s)
{
	bool opt = !(s->flags & CLI_OPT_REQUIRED);
	bool many = s->flags & (CLI_OPT_REPEAT | CLI_OPT_MULTI);

	sb_reset(sb);
	if (s->type == CLI_OPT_ARG) {
		sb_printf(sb, "%s%s%s%s", opt ? "[" : "", s->name, many ? "..." : "",
			  opt ? "]" : "");
		return;
	}
	sb_printf(sb, "%s--%s", opt ? "[" : "", s->name);
	if (s->type == CLI_OPT_VALUE)
		sb_printf(sb, " %s%s", s->value_name, many && !opt ? "..." : "");
	if (opt)
		sb_printf(sb, "]%s", many ? "..." : "");
}

void cli_usage(FILE *f, const struct cli_command *cmd)
{
	struct strbuf sb;
	struct wrap w = { f, 0, 0, false };
	int i;

	sb_init(&sb);
	sb_printf(&sb, "usage: %s %s", PROGRAM, cmd->name);
	fputs(sb.buf, f);
	w.col = (int)sb.len;
	w.indent = w.col + 1;
	for (i = 0; cmd->opts && cmd->opts[i].type != CLI_OPT_END; i++) {
		if (!cmd->opts[i].help && cmd->opts[i].type != CLI_OPT_ARG)
			continue;
		usage_item(&sb, &cmd->opts[i]);
		wrap_word(&w, sb.buf, sb.len);
	}
	fputc('\n', f);
	sb_free(&sb);
}

/* "  -o, --output DIR": the left column of an option's help. */
static void help_left(struct strbuf *sb, const struct cli_opt_spec *s)
{
	sb_reset(sb);
	if (s->type == CLI_OPT_ARG) {
		sb_printf(sb, "  %s", s->name);
		return;
	}
	if (s->alias && s->name)
		sb_printf(sb, "  -%c, --%s", s->alias, s->name);
	else if (s->name)
		sb_printf(sb, "  --%s", s->name);
	else
		sb_printf(sb, "  -%c", s->alias);
	if (s->type == CLI_OPT_VALUE)
		sb_printf(sb, " %s", s->value_name);
}

static void help_entry(FILE *f, const char *left, const char *help, int col)
{
	fputs(left, f);
	if ((int)strlen(left) + 2 > col)
		fprintf(f, "\n%*s", col, "");
	else
		fprintf(f, "%*s", col - (int)strlen(left), "");
	wrap_text(f, help, col, col);
}

/*
 * "KEY=V1|V2|..." a line for every policy key, from the model's registry
 * (src/policy.c and the modules' values), so that the help names every
 * value the build takes and nothing else.
 */
static void policy_lines(struct strbuf *sb)
{
	char *keys, *vals, *k, *v, *ks = NULL, *vs = NULL;

	if (smemcg_policy_keys(&keys))
		return;
	for (k = strtok_r(keys, "\n", &ks); k; k = strtok_r(NULL, "\n", &ks)) {
		if (smemcg_policy_values(&vals, k))
			continue;
		sb_printf(sb, "\n%s=", k);
		for (v = strtok_r(vals, "\n", &vs); v; v = strtok_r(NULL, "\n", &vs))
			sb_printf(sb, "%s%s", v == vals ? "" : "|", v);
		free(vals);
	}
	free(keys);
}

static void help_opt(FILE *f, const char *left, const struct cli_opt_spec *s, int col)
{
	struct strbuf sb;

	if (!(s->flags & CLI_OPT_POLICIES)) {
		help_entry(f, left, s->help, col);
		return;
	}
	sb_init(&sb);
	sb_puts(&sb, s->help);
	policy_lines(&sb);
	help_entry(f, left, sb.buf, col);
	sb_free(&sb);
}

static void exit_statuses(FILE *f, const struct cli_command *cmd)
{
	const struct cli_exit_note *e;
	struct strbuf sb;

	if (!cmd->exits)
		return;
	fputs("\nExit status:\n", f);
	sb_init(&sb);
	for (e = cmd->exits; e->status >= 0; e++) {
		sb_reset(&sb);
		sb_printf(&sb, "%s%s%s", cli_exit_meaning(e->status), e->when ? ": " : "",
			  e->when ? e->when : "");
		fprintf(f, "  %2d  ", e->status);
		wrap_text(f, sb.buf, 6, 6);
	}
	sb_free(&sb);
}

void cli_help(FILE *f, const struct cli_command *cmd)
{
	static const struct cli_opt_spec help = {
		CLI_OPT_SWITCH, "help", 'h', NULL, NULL, 0, NULL, "this help",
	};
	struct strbuf left;
	int i, col = 0;

	cli_usage(f, cmd);
	if (cmd->description)
		fprintf(f, "\n%s", cmd->description);
	sb_init(&left);
	for (i = 0; cmd->opts && cmd->opts[i].type != CLI_OPT_END; i++) {
		if (!cmd->opts[i].help)
			continue;
		help_left(&left, &cmd->opts[i]);
		if ((int)left.len + 2 <= HELP_COL_MAX)
			col = MAX(col, (int)left.len + 2);
	}
	help_left(&left, &help);
	col = MAX(col, (int)left.len + 2);
	fputc('\n', f);
	for (i = 0; cmd->opts && cmd->opts[i].type != CLI_OPT_END; i++) {
		if (!cmd->opts[i].help)
			continue;
		help_left(&left, &cmd->opts[i]);
		help_opt(f, left.buf, &cmd->opts[i], col);
	}
	help_left(&left, &help);
	help_entry(f, left.buf, help.help, col);
	sb_free(&left);
	exit_statuses(f, cmd);
	if (cmd->epilog)
		fprintf(f, "\n%s", cmd->epilog);
}
