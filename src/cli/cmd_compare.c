// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg compare: one scenario under the cross product of policy values,
 * each combination a column of the compare engine (src/compare/), side by
 * side. This file is the command: its options, the columns' labels, and
 * the exit status a table gives (shared with the demo).
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
	const char *file;
	struct cli_policy_axes axes;
	const char *format;
	int jobs;
	unsigned sections;
	bool changed, all, exact, quiet;
} o;

static int parse_format(void *value, const char *arg, struct strbuf *err)
{
	if (strcmp(arg, "table") && strcmp(arg, "csv") && strcmp(arg, "json")) {
		sb_printf(err, "takes table, csv or json, not \"%s\"", arg);
		return -1;
	}
	*(const char **)value = arg;
	return 0;
}

static int parse_sections(void *value, const char *arg, struct strbuf *err)
{
	unsigned *mask = value;
	char *s = xstrdup(arg), *tok, *save = NULL;
	int rc = 0;

	*mask = 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int k = cmp_section_from_name(tok);

		if (k < 0) {
			sb_printf(err, "names an unknown section \"%s\"", tok);
			rc = -1;
			break;
		}
		*mask |= 1u << k;
	}
	if (!rc && !*mask) {
		sb_puts(err, "needs a section");
		rc = -1;
	}
	free(s);
	return rc;
}

static const struct cli_opt_spec opts[] = {
	{ CLI_OPT_ARG, "SCENARIO", 0, &o.file, NULL, CLI_OPT_REQUIRED, NULL, NULL },
	CLI_OPT_POLICY_AXES(o.axes),
	{ CLI_OPT_VALUE, "format", 0, &o.format, parse_format, 0, "FORMAT",
	  "table (default), csv or json: the same rows and values" },
	{ CLI_OPT_VALUE, "jobs", 'j', &o.jobs, cli_parse_jobs, 0, "N",
	  "runs at once, 1 to 4096 (default: the online CPUs)" },
	{ CLI_OPT_VALUE, "only", 0, &o.sections, parse_sections, 0, "SECTIONS",
	  "comma-separated: outcome,task,errno,pays,cgroup,derived, "
	  "smemcg,zombies,observed" },
	{ CLI_OPT_SWITCH, "changed", 0, &o.changed, NULL, 0, NULL,
	  "only the rows that differ between the runs" },
	{ CLI_OPT_SWITCH, "all", 0, &o.all, NULL, 0, NULL,
	  "table: also the rows that are 0 in every run (csv and json always have "
	  "them)" },
	{ CLI_OPT_SWITCH, "exact", 0, &o.exact, NULL, 0, NULL,
	  "table: bytes as exact numbers (csv and json always are)" },
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
			  "or a SCENARIO that cannot be read or does not load" },
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

/* The columns' labels: the keys that vary (all of them when none does). */
static char *label(const struct smc_kv *kv)
{
	const struct cli_policy_axes *ax = &o.axes;
	struct strbuf lb;
	int i, varying = 0;

	sb_init(&lb);
	for (i = 0; i < ax->n; i++)
		if (ax->k[i].n > 1 || ax->n == 1)
			sb_printf(&lb, "%s%s=%s", varying++ ? "," : "", kv[i].key, kv[i].value);
	if (!lb.len) {
		for (i = 0; i < ax->n; i++)
			sb_printf(&lb, "%s%s=%s", i ? "," : "", kv[i].key, kv[i].value);
		if (!ax->n)
			sb_puts(&lb, "scenario's policies");
	}
	return sb_detach(&lb);
}

static void print(struct cmp_table *t, int nruns)
{
	struct cmp_print_opts po;
	struct strbuf title;

	memset(&po, 0, sizeof(po));
	po.format = !o.format || !strcmp(o.format, "table") ? CMP_TABLE
		    : !strcmp(o.format, "csv") ? CMP_CSV : CMP_JSON;
	po.legend = true;
	po.sections = o.sections;
	po.changed_only = o.changed;
	po.all = o.all;
	po.exact = o.exact;
	sb_init(&title);
	if (po.format == CMP_TABLE)
		sb_printf(&title, "smemcg compare %s: %d run%s", o.file, nruns, nruns == 1 ? "" : "s");
	else
		sb_puts(&title, o.file);
	po.title = title.buf;
	cmp_print(stdout, t, &po);
	sb_free(&title);
}

static int run(void)
{
	long k, nruns = cli_policy_sets(&o.axes, MAX_RUNS);
	struct cmp_spec *specs;
	struct smc_kv **kvs;
	struct smc_script s;
	struct cmp_table t;
	struct cmp_opts co;
	int rc, crashed;

	if (nruns > MAX_RUNS) {
		fprintf(stderr, "smemcg compare: the policy values give more than %d runs\n",
			MAX_RUNS);
		cli_policy_axes_free(&o.axes);
		return CLI_EXIT_USAGE;
	}
	rc = cli_load_file(&s, o.file, NULL);
	if (rc) {
		cli_policy_axes_free(&o.axes);
		return rc;
	}
	specs = xcalloc((size_t)nruns, sizeof(*specs));
	kvs = xcalloc((size_t)nruns, sizeof(*kvs));
	for (k = 0; k < nruns; k++) {
		kvs[k] = xcalloc((size_t)o.axes.n + 1, sizeof(**kvs));
		cli_policy_set(kvs[k], &o.axes, k);
		specs[k].label = label(kvs[k]);
		specs[k].script = &s;
		specs[k].kv = kvs[k];
		specs[k].nkv = o.axes.n;
	}
	memset(&co, 0, sizeof(co));
	co.jobs = o.jobs;
	co.progress = !o.quiet && isatty(2);
	co.title = o.file;
	crashed = cmp_execute(&t, specs, (int)nruns, &co);
	print(&t, (int)nruns);
	if (crashed)
		fprintf(stderr, "smemcg compare: %d run%s crashed\n", crashed, crashed == 1 ? "" : "s");
	rc = cli_compare_status(&t);
	cmp_table_free(&t);
	for (k = 0; k < nruns; k++) {
		free(kvs[k]);
		free((char *)specs[k].label);
	}
	free(kvs);
	free(specs);
	smc_script_free(&s);
	cli_policy_axes_free(&o.axes);
	return rc;
}

const struct cli_command cli_cmd_compare = {
	"compare", "run a scenario under several policies, side by side",
	"Run SCENARIO once for every combination of the policy values given (the cross\n"
	"product, the first key varying slowest), each in its own process, up to N at\n"
	"once, and print, side by side, what the runs show at their end: who was killed\n"
	"(SIGKILL: OOM or kill; SIGBUS: a remote charge that failed), which statements\n"
	"failed with which errno, who pays for each object, every cgroup's\n"
	"memory.current, peak, memory.stat breakdown, events, swap and zombies, each\n"
	"smemcg's charge, the test points, and what kubelet, cadvisor, docker and podman\n"
	"would compute from the same files. Rows marked * differ between the runs.\n",
	opts, exits, NULL, run,
};
