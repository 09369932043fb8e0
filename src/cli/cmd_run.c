// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg run: scenarios on the model, one TAP document on stdout for all
 * of them (a scenario that does not load is a `not ok` point in it), then
 * a summary line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../scenario/model_backend.h"
#include "cli.h"

static struct {
	struct cli_policy_list pol, defs;
	bool *used;
	bool check, quiet;
	struct cli_events events;
	struct cli_args files;
	FILE *events_json;
	unsigned events_show;
} o;

static const struct cli_opt_spec opts[] = {
	{ CLI_OPT_VALUE, "policy", 0, &o.pol, cli_parse_policy, CLI_OPT_REPEAT | CLI_OPT_POLICIES,
	  "KEY=VALUE",
	  "set a policy, over the scenario's `policy` line for KEY (each key once); the "
	  "keys and values (the first is Linux 6.1's, the default):" },
	{ CLI_OPT_SWITCH, "check", 0, &o.check, NULL, 0, NULL,
	  "check the model's invariants after every statement" },
	{ CLI_OPT_SWITCH, "quiet", 'q', &o.quiet, NULL, 0, NULL, "no progress line on stderr" },
	CLI_OPT_DEFINE(o.defs),
	CLI_OPT_EVENTS(o.events),
	CLI_OPT_FILES(o.files),
	{ CLI_OPT_END },
};

static const struct cli_exit_note exits[] = {
	{ CLI_EXIT_OK, "every expect passed" },
	{ CLI_EXIT_FAILED, CLI_EXIT_WHEN_POINT },
	{ CLI_EXIT_USAGE, CLI_EXIT_WHEN_FILE },
	{ CLI_EXIT_HOST, NULL },
	{ -1, NULL },
};

/* One scenario into the document; its exit status. */
static int run_one_file(struct smc_tap *tap, const char *file, struct smc_result *total)
{
	struct smc_script s;
	struct smc_result res;
	struct smc_backend be;
	struct smc_run_opts ro;
	struct model_backend *mb;
	struct smc_error err;
	struct smc_defines defs = { o.defs.kv, o.defs.n, o.used };
	int status = cli_load_file_defs(&s, file, &defs, cli_policy_kernel(o.pol.kv, o.pol.n), &err);

	if (status) {
		smc_tap_comment(tap, "# ", cli_input_name(file));
		smc_tap_load_error(tap, cli_input_name(file), &err);
		total->failed++;
		return status;
	}
	mb = model_backend_new(o.pol.kv, o.pol.n, o.check);
	model_backend_ops(&be, mb);
	memset(&ro, 0, sizeof(ro));
	ro.events_show = o.events_show;
	ro.events_json = o.events_json;
	ro.out = stdout;
	ro.tap = tap;
	ro.progress = !o.quiet && isatty(2);
	ro.now_ns = model_backend_now_ns;
	ro.now_ctx = mb;
	smc_run(&res, &s, &be, &ro);
	total->passed += res.passed;
	total->failed += res.failed;
	total->skipped += res.skipped;
	model_backend_free(mb);
	smc_script_free(&s);
	return res.failed ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

static int run(void)
{
	struct smc_result total = { 0, 0, 0, false };
	struct smc_tap tap;
	struct smc_run_opts probe;
	int i, status = CLI_EXIT_OK;

	/* the events file is created once, before the first scenario */
	status = cli_events_open(&probe, &o.events_json, &o.events, "run");
	if (status)
		return status;
	o.events_show = probe.events_show;
	o.used = xcalloc((size_t)o.defs.n + 1, sizeof(*o.used));
	smc_tap_begin(&tap, stdout);
	for (i = 0; i < o.files.n; i++)
		status = cli_exit_worst(status, run_one_file(&tap, o.files.v[i], &total));
	smc_tap_plan(&tap);
	if (!status || status == CLI_EXIT_FAILED)
		cli_warn_unused_defines("run", o.defs.kv, o.used, o.defs.n);
	printf("%d passed, %d failed", total.passed, total.failed);
	if (total.skipped)
		printf(", %d skipped", total.skipped);
	printf("\n");
	if (o.events_json && fclose(o.events_json)) {
		fprintf(stderr, "smemcg run: cannot write %s\n", o.events.json);
		status = CLI_EXIT_HOST;
	}
	free(o.used);
	return status;
}

const struct cli_command cli_cmd_run = {
	"run", "run scenarios on the model, print TAP",
	"Run each scenario (.smc) on the model and print one TAP 13 document for all\n"
	"of them: one test point per `expect` and `expect-error`, comments for `read`\n"
	"and `echo`, each scenario introduced by a comment naming it. A statement that\n"
	"fails unexpectedly is a `not ok` point and ends its scenario; a scenario that\n"
	"cannot be read or does not load is one `not ok` point (its error is on stderr\n"
	"too). Ends with a line `N passed, N failed`. FILE may be - for standard input.\n"
	"--define NAME=VALUE replaces $NAME in every FILE before it is parsed.\n",
	opts, exits, NULL, run,
};
