// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg shell: the scenario language typed interactively. Each statement
 * runs when its line is complete (a repeat block when its `end` arrives);
 * a failed statement is reported and the session goes on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../scenario/model_backend.h"
#include "cli.h"

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

int cmd_shell(int argc, char **argv)
{
	struct cli_policy_list pol = { NULL, 0 };
	struct model_backend *mb;
	struct smc_backend be;
	struct smc_run_opts opts;
	struct smc_result res;
	struct smc_session *ss;
	struct strbuf pending;
	char line[65536];
	int depth = 0, lineno = 0, first = 1, i;
	bool tty = isatty(0);

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: smemcg shell [--policy KEY=VALUE]...\n\n"
			       "Read scenario statements from standard input and run each at once on\n"
			       "the model, printing TAP as `smemcg run` does. Type `help` for a summary\n"
			       "of the language, `quit` (or end of input) to leave.\n");
			return 0;
		}
		if (!strcmp(argv[i], "--policy") && i + 1 < argc) {
			if (cli_add_policy(&pol, argv[++i]))
				return 2;
		} else if (!strcmp(argv[i], "--policy")) {
			fprintf(stderr, "smemcg shell: --policy needs KEY=VALUE\n");
			cli_policy_list_free(&pol);
			return 2;
		} else {
			fprintf(stderr, "smemcg shell: unknown argument %s\n", argv[i]);
			cli_policy_list_free(&pol);
			return 2;
		}
	}
	mb = model_backend_new(pol.kv, pol.n, false);
	model_backend_ops(&be, mb);
	memset(&opts, 0, sizeof(opts));
	opts.out = stdout;
	ss = smc_session_new(&be, &opts, &res);
	sb_init(&pending);
	if (tty)
		printf("smemcg shell: type `help` for the language, `quit` to leave.\n");
	for (;;) {
		char *p;

		if (tty) {
			printf(depth ? "...> " : "smemcg> ");
			fflush(stdout);
		}
		if (!fgets(line, sizeof(line), stdin))
			break;
		lineno++;
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!depth && (!strcmp(p, "quit\n") || !strcmp(p, "quit")))
			break;
		if (!depth && (!strcmp(p, "help\n") || !strcmp(p, "help"))) {
			fputs(shell_help, stdout);
			continue;
		}
		if (!pending.len)
			first = lineno;
		if (!strncmp(p, "repeat", 6) && (p[6] == ' ' || p[6] == '\t'))
			depth++;
		else if (!strncmp(p, "end", 3) && (p[3] == '\n' || p[3] == ' ' || !p[3]) && depth)
			depth--;
		sb_puts(&pending, line);
		if (depth)
			continue;
		{
			struct smc_script s;

			if (!cli_load_script_at(&s, "<stdin>", pending.buf, first)) {
				smc_session_feed(ss, &s);
				smc_script_free(&s);
			}
		}
		sb_reset(&pending);
	}
	smc_session_finish(ss);
	printf("%d passed, %d failed\n", res.passed, res.failed);
	sb_free(&pending);
	model_backend_free(mb);
	cli_policy_list_free(&pol);
	return res.failed ? 1 : 0;
}
