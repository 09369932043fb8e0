// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg shell: the scenario language typed interactively. Lines go
 * through the language's one reader (smc_reader, as `run` reads a file)
 * and its checks; each statement runs when it is complete (a repeat block
 * when its `end` arrives). An error is reported as `run -` reports it, on
 * stderr and as a `not ok` point, and the session goes on; what was typed
 * before it has run.
 *
 * On a terminal (standard input and output both), lines are edited with
 * libedit when the build has it (lineedit.c): history in
 * ~/.smemcg_history, Tab completion of statements, process names, cgroup
 * paths, smemcgs and control files from the machine as it is. Elsewhere
 * (a pipe, a file) lines are read as they come, exactly as `run -` would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/suggest.h"
#include "../scenario/model_backend.h"
#include "cli.h"
#include "lineedit.h"

#define INPUT "<stdin>"

static struct {
	struct cli_policy_list pol, defs;
	struct cli_events events;
} o;

static const struct cli_opt_spec opts[] = {
	{ CLI_OPT_VALUE, "policy", 0, &o.pol, cli_parse_policy, CLI_OPT_REPEAT, "KEY=VALUE",
	  "set a policy, over the input's `policy` line for KEY (each key once); "
	  "keys and values as in `smemcg run --help`" },
	CLI_OPT_DEFINE(o.defs),
	CLI_OPT_EVENTS(o.events),
	{ CLI_OPT_END },
};

static const struct cli_exit_note exits[] = {
	{ CLI_EXIT_OK, "every expect passed" },
	{ CLI_EXIT_FAILED, CLI_EXIT_WHEN_POINT },
	{ CLI_EXIT_USAGE, "a bad option, or input that does not load (a syntax error, a "
			  "`machine` or `policy` line after other statements, a policy key set "
			  "twice, a repeat left open)" },
	{ CLI_EXIT_HOST, NULL },
	{ -1, NULL },
};

/* ---- help, from the parser's table of statements ---- */

/* Syntax and description of row st, the description at col (or below). */
static void help_row(const struct smc_stmt_info *st, int col)
{
	int n = (int)strlen(st->syntax);

	if (n + 2 > col)
		printf("  %s\n%*s%s\n", st->syntax, col + 2, "", st->desc);
	else
		printf("  %-*s%s\n", col, st->syntax, st->desc);
}

/* help: every statement; help WORD: the forms of the keyword or verb WORD. */
static void help(const char *word)
{
	const struct smc_stmt_info *st;
	struct suggest sg;
	size_t i;
	int shown = 0;

	if (!word) {
		printf("Statements (P: a process, CG: a cgroup path, FILE: a control file;\n"
		       "docs/scenario.md has the whole language):\n");
		for (i = 0; (st = smc_statement(i)); i++)
			help_row(st, 44);
		printf("Shell commands: help [STATEMENT] (its forms), quit. Tab completes.\n");
		return;
	}
	suggest_init(&sg, word);
	for (i = 0; (st = smc_statement(i)); i++) {
		if (!strcmp(st->word, word)) {
			printf("%s\n    %s\n", st->syntax, st->desc);
			shown++;
		}
		suggest_offer(&sg, st->word);
	}
	if (shown)
		return;
	if (sg.best)
		printf("no statement \"%s\" (did you mean \"%s\"? `help %s` shows it)\n", word,
		       sg.best, sg.best);
	else
		printf("no statement \"%s\": `help` lists them all\n", word);
}

/* "help" or "help WORD" alone on a line: the word in *arg (malloc'd) or NULL. */
static bool is_help(const char *line, size_t n, char **arg)
{
	const char *e = line + n, *w;

	while (line < e && (*line == ' ' || *line == '\t'))
		line++;
	while (e > line && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (e - line < 4 || strncmp(line, "help", 4))
		return false;
	*arg = NULL;
	if (e - line == 4)
		return true;
	if (line[4] != ' ' && line[4] != '\t')
		return false;
	for (w = line + 4; *w == ' ' || *w == '\t'; w++)
		;
	if (memchr(w, ' ', (size_t)(e - w)) || memchr(w, '\t', (size_t)(e - w)))
		return false;
	*arg = xstrndup(w, (size_t)(e - w));
	return true;
}

/*
 * One line of f without its newline into sb, at most max bytes of it kept
 * (*n counts them all: the reader refuses a line over its limit). False at
 * the end of the input with nothing read.
 */
static bool read_line(FILE *f, struct strbuf *sb, size_t max, size_t *n)
{
	int c;

	sb_reset(sb);
	sb_add(sb, "", 0);
	*n = 0;
	while ((c = getc(f)) != EOF && c != '\n') {
		char ch = (char)c;

		if (*n < max)
			sb_add(sb, &ch, 1);
		(*n)++;
	}
	return c != EOF || *n;
}

/* A shell command alone on its line ("help", "  quit\r"). */
static bool is_word(const char *line, size_t n, const char *word)
{
	size_t len = strlen(word);

	while (n && (*line == ' ' || *line == '\t')) {
		line++;
		n--;
	}
	while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
		n--;
	return n == len && !memcmp(line, word, len);
}

struct shell {
	struct model_backend *mb;
	bool edit;		/* lines come from lineedit */
	struct smc_reader r;
	struct smc_validator v;
	struct smc_session *ss;
	struct smc_tap tap;
	struct smc_result res;
	int status;
};

/* As `run -` reports a scenario that does not load: on stderr and as a point. */
static void load_error(struct shell *sh, const struct smc_error *err)
{
	fprintf(stderr, "%s:%d:%d: error: %s\n", INPUT, err->line, err->col, err->msg);
	smc_tap_load_error(&sh->tap, INPUT, err);
	sh->res.failed++;
	sh->status = CLI_EXIT_USAGE;
}

static void run_unit(struct shell *sh)
{
	struct smc_script s;
	struct smc_error err;

	smc_reader_take(&sh->r, &s);
	if (smc_validate_more(&sh->v, &s, &err))
		load_error(sh, &err);
	else
		smc_session_feed(sh->ss, &s);
	smc_script_free(&s);
}

/* ---- completion: the words that may come next, from the machine as it is ---- */

/* Each line of list (malloc'd by the model), then list is freed. */
#define for_each_line(l, list, save)                                                  \
	for (l = strtok_r(list, "\n", &save); l; l = strtok_r(NULL, "\n", &save))

static void offer_processes(struct lineedit_matches *m, smemcg_machine *mach)
{
	char *list, *l, *save = NULL;

	if (!mach || smemcg_list_tasks(&list, mach))
		return;
	for_each_line(l, list, save) {
		char comm[128], cg[4096], state[16];

		if (sscanf(l, "%*d %127s %4095s %15s", comm, cg, state) == 3 &&
		    !strcmp(state, "alive"))
			lineedit_offer(m, comm);
	}
	free(list);
}

/*
 * A path being typed: the cgroups below the directory typed so far (as
 * "DIR/"), and with files, its control files; "@" for the smemcgs.
 */
static void offer_paths(struct lineedit_matches *m, smemcg_machine *mach, bool files)
{
	const char *w = m->word, *slash = strrchr(w, '/');
	char *list, *l, *save = NULL, *dir;
	struct strbuf sb;

	if (!mach)
		return;
	sb_init(&sb);
	if (w[0] == '@' && !slash) {
		if (!smemcg_list_smemcgs(&list, mach)) {
			for_each_line(l, list, save) {
				sb_reset(&sb);
				sb_printf(&sb, "@%s/", l);
				lineedit_offer(m, sb.buf);
			}
			free(list);
		}
	} else if (w[0] == '/' && slash) {
		size_t dn = (size_t)(slash - w) + 1;	/* "/pod/" */

		if (!smemcg_list_cgroups(&list, mach)) {
			for_each_line(l, list, save)
				if (strlen(l) > dn && !strncmp(l, w, dn) && !strchr(l + dn, '/')) {
					sb_reset(&sb);
					sb_printf(&sb, "%s/", l);
					lineedit_offer(m, sb.buf);
				}
			free(list);
		}
		if (files && dn == 1)
			lineedit_offer(m, "/proc/");
	}
	if (files && slash) {
		dir = xstrndup(w, (size_t)(slash - w));
		if (!smemcg_list_files(&list, mach, *dir ? dir : "/")) {
			for_each_line(l, list, save) {
				sb_reset(&sb);
				sb_printf(&sb, "%s/%s", dir, l);
				lineedit_offer(m, sb.buf);
			}
			free(list);
		}
		free(dir);
	}
	sb_free(&sb);
}

static bool word_is(const char *w, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(w, *set))
			return true;
	return false;
}

/* A word that starts a statement of its own (the parser's table), not a process. */
static bool is_keyword(const char *w)
{
	const struct smc_stmt_info *st;
	size_t i;

	for (i = 0; (st = smc_statement(i)); i++)
		if (!st->proc && !strcmp(st->word, w))
			return true;
	return false;
}

/*
 * The candidates after the words w[0..k) of a statement: the statement's
 * word first, then what each statement takes where the completion knows it.
 */
static void complete_words(struct lineedit_matches *m, smemcg_machine *mach, char **w, int k)
{
	static const char *const takes_file[] = { "write", "read", "expect", NULL };
	static const char *const takes_cgroup[] = { "mkdir", "rmdir", "explain", NULL };
	static const char *const takes_proc[] = { "exit", "kill", "fork", "clone-vm", "move",
						  "expect", NULL };
	const struct smc_stmt_info *st;
	size_t i;

	if (k >= 2 && !strcmp(w[0], "expect-error")) {
		complete_words(m, mach, w + 2, k - 2);
		return;
	}
	if (m->word[0] == '/' || m->word[0] == '@') {
		bool files = k == 1 && word_is(w[0], takes_file);

		if (files || (k == 1 && word_is(w[0], takes_cgroup)) ||
		    (k == 2 && (!strcmp(w[0], "spawn") || !strcmp(w[0], "move"))))
			offer_paths(m, mach, files);
		return;
	}
	if (k == 0) {
		for (i = 0; (st = smc_statement(i)); i++)
			if (!st->proc)
				lineedit_offer(m, st->word);
		lineedit_offer(m, "help");
		lineedit_offer(m, "quit");
		offer_processes(m, mach);
	} else if (k == 1 && !strcmp(w[0], "help")) {
		for (i = 0; (st = smc_statement(i)); i++)
			lineedit_offer(m, st->word);
	} else if (k == 1 && !strcmp(w[0], "smemcg")) {
		lineedit_offer(m, "create");
		lineedit_offer(m, "destroy");
	} else if (k == 1 && word_is(w[0], takes_proc)) {
		offer_processes(m, mach);
	} else if (k == 1 && !is_keyword(w[0])) {
		/* P VERB: the first word names a process */
		for (i = 0; (st = smc_statement(i)); i++)
			if (st->proc)
				lineedit_offer(m, st->word);
	}
}

static void complete(void *arg, const char *line, size_t start, struct lineedit_matches *m)
{
	struct shell *sh = arg;
	char *copy = xstrndup(line, start), *w[8], *save = NULL, *t;
	int k = 0;

	for (t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
		if (k < 8)
			w[k++] = t;
	complete_words(m, model_backend_machine(sh->mb), w, k);
	free(copy);
}

/*
 * The next line into sb (without its newline), with *n its length before
 * the reader's limit cut it; false at the end of the input.
 */
static bool next_line(struct shell *sh, bool tty, bool open_block, struct strbuf *sb, size_t *n)
{
	const char *prompt = open_block ? "...> " : "smemcg> ";
	char *l;

	if (!sh->edit) {
		if (tty) {
			fputs(prompt, stdout);
			fflush(stdout);
		}
		return read_line(stdin, sb, SMC_MAX_LINE + 2, n);
	}
	fflush(stdout);
	l = lineedit_read(prompt);
	if (!l)
		return false;
	*n = strlen(l);
	sb_reset(sb);
	sb_add(sb, l, MIN(*n, (size_t)SMC_MAX_LINE + 2));
	lineedit_remember(l);
	free(l);
	return true;
}

/* ~/.smemcg_history, or NULL (with why in *why) when $HOME is not set. */
static char *history_path(const char **why)
{
	const char *home = getenv("HOME");
	struct strbuf sb;

	if (!home || !*home) {
		*why = "$HOME is not set";
		return NULL;
	}
	sb_init(&sb);
	sb_printf(&sb, "%s%s.smemcg_history", home, home[strlen(home) - 1] == '/' ? "" : "/");
	return sb_detach(&sb);
}

/* Line editing on a terminal: the banner says what there is, once. */
static char *start_editing(struct shell *sh, bool tty)
{
	const char *why = NULL;
	char *hist;
	int rc;

	if (!tty)
		return NULL;
	if (!isatty(1) || !lineedit_built_in()) {
		printf("smemcg shell: type `help` for the language, `quit` to leave%s.\n",
		       isatty(1) ? " (no line editing: built without libedit-dev, which "
				   "scripts/setup-build-deps.sh installs)" : "");
		return NULL;
	}
	sh->edit = true;
	hist = history_path(&why);
	rc = lineedit_open(hist, complete, sh);
	printf("smemcg shell: type `help` for the language, `quit` to leave; Tab completes, "
	       "the arrows edit and recall lines");
	if (hist && !rc)
		printf(" (history in %s)", hist);
	printf(".\n");
	if (!hist)
		fprintf(stderr, "smemcg shell: no history kept: %s\n", why);
	else if (rc)
		fprintf(stderr, "smemcg shell: cannot read the history %s: %s\n", hist, strerror(-rc));
	return hist;
}

static void stop_editing(struct shell *sh, const char *hist)
{
	int rc;

	if (!sh->edit)
		return;
	rc = lineedit_save();
	if (rc && hist)
		fprintf(stderr, "smemcg shell: cannot write the history to %s: %s (the session is not kept)\n",
			hist, strerror(-rc));
	lineedit_close();
}

static int run(void)
{
	struct model_backend *mb;
	struct smc_backend be;
	struct smc_run_opts ro;
	struct shell sh;
	struct strbuf line;
	struct smc_error err;
	struct smc_defines defs = { o.defs.kv, o.defs.n, NULL };
	FILE *events_json;
	bool tty = isatty(0);
	char *hist;
	size_t n;
	int rc;

	memset(&ro, 0, sizeof(ro));
	rc = cli_events_open(&ro, &events_json, &o.events, "shell");
	if (rc)
		return rc;
	memset(&sh, 0, sizeof(sh));
	mb = model_backend_new(o.pol.kv, o.pol.n, false);
	model_backend_ops(&be, mb);
	smc_tap_begin(&sh.tap, stdout);
	ro.out = stdout;
	ro.tap = &sh.tap;
	sh.ss = smc_session_new(&be, &ro, &sh.res);
	smc_reader_init(&sh.r, INPUT, 1);
	smc_reader_define(&sh.r, &defs);
	smc_validator_init(&sh.v);
	sh.v.kernel = cli_policy_kernel(o.pol.kv, o.pol.n);
	sb_init(&line);
	sh.mb = mb;
	hist = start_editing(&sh, tty);
	for (;;) {
		bool open_block = sh.r.depth || sh.r.discard;
		char *topic;

		if (!next_line(&sh, tty, open_block, &line, &n))
			break;
		if (!open_block && is_word(line.buf, MIN(n, line.len), "quit"))
			break;
		if (!open_block && is_help(line.buf, MIN(n, line.len), &topic)) {
			sh.r.lineno++;
			help(topic);
			free(topic);
			continue;
		}
		rc = smc_reader_line(&sh.r, line.buf, line.len, &err);
		if (rc < 0)
			load_error(&sh, &err);
		else if (rc > 0)
			run_unit(&sh);
	}
	stop_editing(&sh, hist);
	free(hist);
	if (smc_reader_end(&sh.r, &err))
		load_error(&sh, &err);
	smc_session_finish(sh.ss);
	smc_tap_plan(&sh.tap);
	printf("%d passed, %d failed\n", sh.res.passed, sh.res.failed);
	sb_free(&line);
	smc_validator_free(&sh.v);
	smc_reader_free(&sh.r);
	model_backend_free(mb);
	if (events_json && fclose(events_json)) {
		fprintf(stderr, "smemcg shell: cannot write %s\n", o.events.json);
		sh.status = cli_exit_worst(sh.status, CLI_EXIT_HOST);
	}
	return cli_exit_worst(sh.status, sh.res.failed ? CLI_EXIT_FAILED : CLI_EXIT_OK);
}

const struct cli_command cli_cmd_shell = {
	"shell", "type scenario statements interactively",
	"Read scenario statements from standard input and run each at once on the\n"
	"model, printing TAP as `smemcg run` does, in one document, and the model's\n"
	"events (kills by default, see --events) as soon as their statement ran.\n"
	"Input is read as `smemcg run -` reads it, with the same errors, reported the\n"
	"same way; the session goes on after an error, and the statements before it\n"
	"have run. Type `help` for the statements (from the parser's own table),\n"
	"`help STATEMENT` for the forms of one, `quit` (or end of input) to leave.\n"
	"On a terminal, with libedit (scripts/setup-build-deps.sh): line editing,\n"
	"history in ~/.smemcg_history ($HOME), Tab completion of statements,\n"
	"process names, cgroup paths, smemcgs (@NAME) and control files.\n",
	opts, exits, NULL, run,
};
