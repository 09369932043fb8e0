// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg shell: the scenario language typed interactively. Lines go
 * through the language's one reader (smc_reader, as `run` reads a file)
 * and its checks; each statement runs when it is complete (a repeat block
 * when its `end` arrives). An error is reported as `run -` reports it, on
 * stderr and as a `not ok` point, and the session goes on; what was typed
 * before it has run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../scenario/model_backend.h"
#include "cli.h"

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

static const char shell_help[] =
	"Statements (see docs/scenario.md for the full language):\n"
	"  machine [memory=SIZE] [swap=SIZE] [cpus=N]    (before anything else)\n"
	"  policy KEY=VALUE ...                          cgroup-options [memory_recursiveprot] [memory_localevents]\n"
	"  mkdir CG | rmdir CG | write CG/FILE VALUE | read CG/FILE\n"
	"  expect CG/FILE [KEY] OP VALUE [TOL]           OP: == != < <= > >= ~\n"
	"  spawn P CG | fork P CHILD | move P CG | exit P | kill P [SIG]\n"
	"  P mmap M anon SIZE [shared] | P touch M [OFF LEN] [ro] | P munmap M\n"
	"  P write PATH OFF LEN | P read PATH OFF LEN | P mount tmpfs DIR [size=] [memcg=]\n"
	"  repeat N ... end | sleep 100ms | expect-error ERRNO STATEMENT | echo TEXT\n"
	"Shell commands: help, quit.\n";

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
	sb_init(&line);
	if (tty)
		printf("smemcg shell: type `help` for the language, `quit` to leave.\n");
	for (;;) {
		bool open_block = sh.r.depth || sh.r.discard;

		if (tty) {
			printf(open_block ? "...> " : "smemcg> ");
			fflush(stdout);
		}
		if (!read_line(stdin, &line, SMC_MAX_LINE + 2, &n))
			break;
		if (!open_block && is_word(line.buf, MIN(n, line.len), "quit"))
			break;
		if (!open_block && is_word(line.buf, MIN(n, line.len), "help")) {
			sh.r.lineno++;
			fputs(shell_help, stdout);
			continue;
		}
		rc = smc_reader_line(&sh.r, line.buf, line.len, &err);
		if (rc < 0)
			load_error(&sh, &err);
		else if (rc > 0)
			run_unit(&sh);
	}
	if (smc_reader_end(&sh.r, &err))
		load_error(&sh, &err);
	smc_session_finish(sh.ss);
	smc_tap_plan(&sh.tap);
	printf("%d passed, %d failed\n", sh.res.passed, sh.res.failed);
	sb_free(&line);
	smc_validator_free(&sh.v);
	smc_reader_free(&sh.r);
	model_backend_free(mb);
	cli_policy_list_free(&o.pol);
	cli_policy_list_free(&o.defs);
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
	"have run. Type `help` for a summary of the language, `quit` (or end of\n"
	"input) to leave.\n",
	opts, exits, NULL, run,
};
