// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg compare: scenarios (variants of one story, say) under the cross
 * product of parameter and policy values, each combination a column of the
 * compare engine (src/compare/), side by side. This file is the command:
 * its options, the scenarios loaded with each parameter set, and the exit
 * status a table gives (shared with the demo and merge). The runs and
 * their labels are runs.c's, shared with sweep and merge.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../base/base.h"
#include "../compare/compare.h"
#include "smemcg.h"
#include "cli.h"

#define MAX_RUNS 4096

static struct {
	struct cli_args files;
	struct cli_policy_axes axes, defs;
	struct cli_table table;
	int jobs;
	bool quiet;
} o;

static const struct cli_opt_spec opts[] = {
	CLI_OPT_RUNS(o.files, o.axes, o.defs),
	CLI_OPT_JOBS(o.jobs),
	CLI_OPT_TABLE(o.table),
	{ CLI_OPT_SWITCH, "quiet", 'q', &o.quiet, NULL, 0, NULL,
	  "no progress line on stderr (none either when stderr is not a terminal)" },
	{ CLI_OPT_END },
};

static const struct cli_exit_note exits[] = {
	{ CLI_EXIT_OK, "every run completed with every expect passing" },
	{ CLI_EXIT_FAILED, "in some run an expect failed or a statement failed "
			   "unexpectedly (the outcome rows say which), or the run crashed "
			   "(its column says how)" },
	{ CLI_EXIT_USAGE, "an unknown key or value, a bad format, more than 4096 runs, "
			  "a SCENARIO given twice, or one that cannot be read or does not load "
			  "(with some parameter set)" },
	{ CLI_EXIT_HOST, "a run was killed by the host (out of memory, a CPU limit)" },
	{ -1, NULL },
};

/* A run the host ended: its memory or CPU limit, or a run out of host memory. */
static bool host_killed(int st)
{
	if (WIFSIGNALED(st))
		return WTERMSIG(st) == SIGKILL || WTERMSIG(st) == SIGXCPU ||
		       WTERMSIG(st) == SIGXFSZ;
	return WIFEXITED(st) && WEXITSTATUS(st) == CLI_EXIT_HOST;
}

int cli_compare_status(const struct cmp_table *t)
{
	int col, rc = CLI_EXIT_OK;

	for (col = 0; col < t->ncol; col++) {
		const char *failed = cmp_value(t, CMP_OUTCOME, "", "expects failed", col);

		if (t->crashed[col])
			rc = cli_exit_worst(rc, host_killed(t->status[col]) ? CLI_EXIT_HOST
									 : CLI_EXIT_FAILED);
		else if (failed && strcmp(failed, "0"))
			rc = cli_exit_worst(rc, CLI_EXIT_FAILED);
	}
	return rc;
}

static void print(struct cmp_table *t, int nruns)
{
	struct strbuf title;
	int i;

	sb_init(&title);
	for (i = 0; i < o.files.n; i++)
		sb_printf(&title, "%s%s", i ? " " : "", o.files.v[i]);
	cli_table_print(t, &o.table, "compare", title.buf, nruns);
	sb_free(&title);
}

/* Each scenario loaded with each parameter set: scripts[file * ndef + def]. */
static int load_all(const struct cli_runs *r, struct smc_script *scripts)
{
	bool *used = xcalloc((size_t)o.defs.n + 1, sizeof(*used));
	int f, rc = cli_runs_load_all(r, scripts, used, "compare");

	if (!rc)
		for (f = 0; f < o.defs.n; f++)
			if (!used[f])
				fprintf(stderr, "smemcg compare: --define %s: no scenario uses $%s\n",
					o.defs.k[f].key, o.defs.k[f].key);
	free(used);
	return rc;
}

static int run(void)
{
	struct smc_script *scripts = NULL;
	struct cmp_spec *specs = NULL;
	struct cli_runs r;
	struct cmp_table t;
	struct cmp_opts co;
	int rc, crashed;
	long k;

	rc = cli_runs_init(&r, o.files.v, o.files.n, &o.axes, &o.defs, MAX_RUNS, "compare");
	if (!rc) {
		scripts = cli_runs_scripts(&r);
		rc = load_all(&r, scripts);
	}
	if (rc)
		goto out;
	specs = xcalloc((size_t)r.n, sizeof(*specs));
	for (k = 0; k < r.n; k++)
		cli_run_spec(&specs[k], &r, k, scripts);
	memset(&co, 0, sizeof(co));
	co.jobs = o.jobs;
	co.progress = !o.quiet && isatty(2);
	co.title = o.files.v[0];
	crashed = cmp_execute(&t, specs, (int)r.n, &co);
	print(&t, (int)r.n);
	if (crashed)
		fprintf(stderr, "smemcg compare: %d run%s crashed\n", crashed, crashed == 1 ? "" : "s");
	rc = cli_compare_status(&t);
	cmp_table_free(&t);
out:
	cli_run_specs_free(specs, r.n);
	cli_runs_scripts_free(&r, scripts);
	cli_runs_free(&r);
	return rc;
}

const struct cli_command cli_cmd_compare = {
	"compare", "run scenarios under several policies and parameters, side by side",
	"Run each SCENARIO once for every combination of the policy values and\n"
	"parameter values given (the cross product: the scenario varying slowest, then\n"
	"the parameters, then the policies, the first key of each varying slowest),\n"
	"each in its own process, up to N at once, and print, side by side, what the\n"
	"runs show at their end: who was OOM-killed, killed by SIGBUS or cgroup.kill\n"
	"and at which line (the model's event log), which statements failed with\n"
	"which errno, who pays for each object, every cgroup's memory.current, peak,\n"
	"memory.stat breakdown, events and swap, what recharging and reclaim cost,\n"
	"the zombies and what holds each, each smemcg's charge, the test points, and\n"
	"what kubelet, cadvisor, docker and podman would compute from the same files.\n"
	"A column is named by what tells it apart: the scenario's file name (as much\n"
	"of its path as needed) when there are several, and the values that vary.\n"
	"Rows marked * differ between the runs. CSV and JSON carry every counter of\n"
	"every cgroup's memory.stat and memory.events (docs/compare.md).\n",
	opts, exits, NULL, run,
};
