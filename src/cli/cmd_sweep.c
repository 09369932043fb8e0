// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg sweep: scenarios (files or globs) times the cross product of
 * parameter and policy values, one run each, numbered as compare numbers
 * its columns (runs.c). A run writes one JSON line: what it was (the
 * sweep, its number, scenario, policies, parameters), what happened (the
 * outcome, the event log's kills, every row compare shows, every counter)
 * and the samples `smemcg report` draws. The runs go locally (--jobs), or
 * out as commands for an engine that schedules, retries and reaches other
 * hosts: GNU parallel (--emit, one command a line) or a Slurm job array
 * (--emit-slurm); no distribution code of our own. `smemcg merge` puts the
 * lines back together (cmd_merge.c).
 */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../compare/compare.h"
#include "smemcg.h"
#include "cli.h"

/* The runs of one sweep: as many as a Slurm array of 1,000 tasks x 1,000. */
#define MAX_RUNS 1000000L
/* Slurm's default MaxArraySize is 1001: tasks 0..1000 */
#define SLURM_TASKS 1000

static struct {
	struct cli_args operands;
	struct cli_policy_axes axes, defs;
	int jobs;
	bool emit, emit_slurm, no_samples, quiet;
	const char *run, *command;
} o;

static int parse_run(void *value, const char *arg, struct strbuf *err)
{
	long k, n;
	char c;

	if (sscanf(arg, "%ld/%ld%c", &k, &n, &c) != 2 || k < 0 || n < 1 || k >= n) {
		sb_printf(err, "takes K/N, run K (from 0) of the sweep's N, not \"%s\"", arg);
		return -1;
	}
	*(const char **)value = arg;
	return 0;
}

static const struct cli_opt_spec opts[] = {
	CLI_OPT_RUNS(o.operands, o.axes, o.defs),
	{ CLI_OPT_VALUE, "jobs", 'j', &o.jobs, cli_parse_jobs, 0, "N",
	  "run here, N at once (default: the online CPUs), a JSON line each on "
	  "stdout, in the order of the runs" },
	{ CLI_OPT_SWITCH, "emit", 0, &o.emit, NULL, 0, NULL,
	  "print one shell command a run instead, each printing that run's "
	  "line: for GNU parallel (`... --emit | parallel -S HOSTS > r.jsonl`)" },
	{ CLI_OPT_SWITCH, "emit-slurm", 0, &o.emit_slurm, NULL, 0, NULL,
	  "print a Slurm job array script instead (`sbatch` it; each task "
	  "writes its lines to smemcg-sweep-JOB_TASK.jsonl)" },
	{ CLI_OPT_VALUE, "run", 0, &o.run, parse_run, 0, "K/N",
	  "only run K (from 0) of the N: what the emitted commands do (N "
	  "checks that they expand the sweep as it was emitted)" },
	{ CLI_OPT_SWITCH, "no-samples", 0, &o.no_samples, NULL, 0, NULL,
	  "leave out the samples of `smemcg report` (smaller lines, a run "
	  "instead of two; merge then writes no HTML report)" },
	{ CLI_OPT_VALUE, "command", 0, &o.command, cli_parse_nonempty, 0, "CMD",
	  "the smemcg the emitted commands run (default: this one, by its "
	  "absolute path)" },
	{ CLI_OPT_SWITCH, "quiet", 'q', &o.quiet, NULL, 0, NULL,
	  "no progress line on stderr (none either when stderr is not a terminal)" },
	{ CLI_OPT_END },
};

static const struct cli_exit_note exits[] = {
	{ CLI_EXIT_OK, "every run wrote its line (whatever its expects: the line and merge "
		       "say), or the commands or script were printed" },
	{ CLI_EXIT_FAILED, "a run crashed (its line says how)" },
	{ CLI_EXIT_USAGE, "a bad option, a glob that matches nothing, a scenario that does "
			  "not load with some parameter set, more than 1,000,000 runs, or --run "
			  "K/N when the sweep does not have N runs" },
	{ CLI_EXIT_HOST, "a run was killed by the host (memory, a CPU limit), or the output "
			 "cannot be written" },
	{ -1, NULL },
};

/* The scenarios: each operand a file, or a glob (sorted) when no file has its name. */
static int expand(char ***files, int *nfiles)
{
	int i;
	size_t k;

	*files = NULL;
	*nfiles = 0;
	for (i = 0; i < o.operands.n; i++) {
		const char *a = o.operands.v[i];
		struct stat st;
		glob_t g;
		int rc;

		if (!strpbrk(a, "*?[") || !stat(a, &st)) {
			*files = xrealloc(*files, (size_t)(*nfiles + 1) * sizeof(**files));
			(*files)[(*nfiles)++] = xstrdup(a);
			continue;
		}
		rc = glob(a, 0, NULL, &g);
		if (rc) {
			fprintf(stderr, "smemcg sweep: %s: %s\n", a,
				rc == GLOB_NOMATCH ? "no file matches" : "cannot expand");
			if (rc != GLOB_NOMATCH)
				globfree(&g);
			return CLI_EXIT_USAGE;
		}
		for (k = 0; k < g.gl_pathc; k++) {
			*files = xrealloc(*files, (size_t)(*nfiles + 1) * sizeof(**files));
			(*files)[(*nfiles)++] = xstrdup(g.gl_pathv[k]);
		}
		globfree(&g);
	}
	return CLI_EXIT_OK;
}

/* s as one shell word: as is when it is safe, else in single quotes. */
static void sh_word(struct strbuf *sb, const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			    "_./:=,@%+-", *p))
			break;
	if (*s && !*p) {
		sb_puts(sb, s);
		return;
	}
	sb_puts(sb, "'");
	for (p = s; *p; p++) {
		if (*p == '\'')
			sb_puts(sb, "'\\''");
		else
			sb_add(sb, p, 1);
	}
	sb_puts(sb, "'");
}

/* The JSON of the sweep itself: what every line carries, for merge to name missing runs. */
static void json_axes(struct strbuf *sb, const struct cli_policy_axes *ax)
{
	int i, k;

	sb_puts(sb, "[");
	for (i = 0; i < ax->n; i++) {
		sb_printf(sb, "%s[", i ? "," : "");
		json_sb_string(sb, ax->k[i].key);
		sb_puts(sb, ",[");
		for (k = 0; k < ax->k[i].n; k++) {
			if (k)
				sb_puts(sb, ",");
			json_sb_string(sb, ax->k[i].v[k]);
		}
		sb_puts(sb, "]]");
	}
	sb_puts(sb, "]");
}

static char *sweep_json(char **files, int nfiles)
{
	struct strbuf sb;
	int i;

	sb_init(&sb);
	sb_puts(&sb, "{\"scenarios\":[");
	for (i = 0; i < nfiles; i++) {
		if (i)
			sb_puts(&sb, ",");
		json_sb_string(&sb, files[i]);
	}
	sb_puts(&sb, "],\"policy\":");
	json_axes(&sb, &o.axes);
	sb_puts(&sb, ",\"define\":");
	json_axes(&sb, &o.defs);
	sb_puts(&sb, "}");
	return sb_detach(&sb);
}

/* The arguments that make the same sweep: --policy, --define and the files, as words. */
static void sweep_args(struct strbuf *sb, char **files, int nfiles)
{
	const struct cli_policy_axes *ax[2] = { &o.axes, &o.defs };
	const char *opt[2] = { "--policy", "--define" };
	int a, i, k;

	if (o.no_samples)
		sb_puts(sb, " --no-samples");
	for (a = 0; a < 2; a++)
		for (i = 0; i < ax[a]->n; i++) {
			struct strbuf w;

			sb_init(&w);
			sb_printf(&w, "%s=", ax[a]->k[i].key);
			for (k = 0; k < ax[a]->k[i].n; k++)
				sb_printf(&w, "%s%s", k ? "," : "", ax[a]->k[i].v[k]);
			sb_printf(sb, " %s ", opt[a]);
			sh_word(sb, w.buf);
			sb_free(&w);
		}
	for (i = 0; i < nfiles; i++) {
		sb_puts(sb, " ");
		/* a file named like an option: ./-x */
		if (files[i][0] == '-')
			sb_puts(sb, "./");
		sh_word(sb, files[i]);
	}
}

/* This program by its absolute path, for commands run elsewhere. */
static char *self_command(void)
{
	char buf[PATH_MAX];
	ssize_t n;

	if (o.command)
		return xstrdup(o.command);
	n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return xstrdup("smemcg");
	buf[n] = '\0';
	return xstrdup(buf);
}

static int emit_commands(char **files, int nfiles, long nruns)
{
	struct strbuf cmd, args;
	char *self = self_command();
	long k;

	sb_init(&cmd);
	sb_init(&args);
	sh_word(&cmd, self);
	sweep_args(&args, files, nfiles);
	for (k = 0; k < nruns; k++)
		printf("%s sweep --run %ld/%ld%s\n", cmd.buf, k, nruns, args.buf);
	sb_free(&cmd);
	sb_free(&args);
	free(self);
	return CLI_EXIT_OK;
}

/*
 * A Slurm job array: task T runs runs T*per .. T*per+per-1 (per = 1 up to
 * 1,000 runs, Slurm's default MaxArraySize), each writing its line to the
 * task's output file; a run's failure does not stop the task's others.
 */
static int emit_slurm(char **files, int nfiles, long nruns)
{
	long per = (nruns + SLURM_TASKS - 1) / SLURM_TASKS, tasks = (nruns + per - 1) / per;
	struct strbuf cmd, args;
	char *self = self_command();

	sb_init(&cmd);
	sb_init(&args);
	sh_word(&cmd, self);
	sweep_args(&args, files, nfiles);
	printf("#!/bin/sh\n"
	       "# smemcg sweep: %ld run%s as a Slurm job array (%ld task%s, %ld run%s each).\n"
	       "# Submit it with `sbatch FILE` (sbatch options on its command line add to\n"
	       "# these); each task writes one JSON line a run to\n"
	       "# smemcg-sweep-JOB_TASK.jsonl in the submit directory. Then:\n"
	       "#   smemcg merge smemcg-sweep-JOB_*.jsonl\n"
	       "#SBATCH --job-name=smemcg-sweep\n"
	       "#SBATCH --array=0-%ld\n"
	       "#SBATCH --ntasks=1\n"
	       "#SBATCH --cpus-per-task=1\n"
	       "#SBATCH --output=smemcg-sweep-%%A_%%a.jsonl\n"
	       "#SBATCH --error=smemcg-sweep-%%A_%%a.err\n"
	       "task=${SLURM_ARRAY_TASK_ID:?\"run this with sbatch, or set SLURM_ARRAY_TASK_ID "
	       "(0 to %ld)\"}\n"
	       "case $task in\n"
	       "''|*[!0-9]*) echo \"SLURM_ARRAY_TASK_ID: not a task number: $task\" >&2; exit 2 ;;\n"
	       "esac\n"
	       "if [ \"$task\" -gt %ld ]; then\n"
	       "\techo \"SLURM_ARRAY_TASK_ID: $task: this array has tasks 0 to %ld\" >&2\n"
	       "\texit 2\n"
	       "fi\n"
	       "run=$((task * %ld))\n"
	       "end=$((run + %ld))\n"
	       "[ \"$end\" -le %ld ] || end=%ld\n"
	       "status=0\n"
	       "while [ \"$run\" -lt \"$end\" ]; do\n"
	       "\t%s sweep --run \"$run/%ld\"%s || status=$?\n"
	       "\trun=$((run + 1))\n"
	       "done\n"
	       "exit $status\n",
	       nruns, nruns == 1 ? "" : "s", tasks, tasks == 1 ? "" : "s", per, per == 1 ? "" : "s",
	       tasks - 1, tasks - 1, tasks - 1, tasks - 1, per, per, nruns, nruns, cmd.buf, nruns,
	       args.buf);
	sb_free(&cmd);
	sb_free(&args);
	free(self);
	return CLI_EXIT_OK;
}

/* ---- running: the result lines ---- */

struct sweep {
	struct cli_runs runs;
	char *sweep;			/* sweep_json */
	const struct cmp_spec *specs;
	const long *number;		/* the run number of each spec */
	int status;
};

static void json_kv(struct strbuf *sb, const struct smc_kv *kv, int n)
{
	int i;

	sb_puts(sb, "{");
	for (i = 0; i < n; i++) {
		if (i)
			sb_puts(sb, ",");
		json_sb_string(sb, kv[i].key);
		sb_puts(sb, ":");
		json_sb_string(sb, kv[i].value);
	}
	sb_puts(sb, "}");
}

/* A value as JSON: a number when the unit says it is one and it looks like one. */
static void json_value(struct strbuf *sb, const char *v, char unit)
{
	const char *p = v;

	if (unit != CMP_TEXT && unit != CMP_PERCENT && *p && !(*p == '0' && p[1])) {
		while (*p >= '0' && *p <= '9')
			p++;
		if (!*p) {
			sb_puts(sb, v);
			return;
		}
	}
	json_sb_string(sb, v);
}

/*
 * "counters": {CGROUP: {"memory.stat": {KEY: N}, "memory.events": {...}}},
 * every counter of the cgroup and cost and counters rows, for jq.
 */
static void json_counters(struct strbuf *sb, const struct cmp_run_records *r)
{
	static const char *const files[] = { "memory.stat", "memory.events" };
	const char *obj = NULL;
	int i, f;

	sb_puts(sb, "{");
	for (i = 0; i < r->nrows; i++) {
		const struct cmp_rec *x = &r->rows[i];
		bool seen = false;
		int j;

		if (x->section != CMP_CGROUP || (obj && !strcmp(obj, x->object)))
			continue;
		for (j = 0; j < i && !seen; j++)
			seen = r->rows[j].section == CMP_CGROUP && !strcmp(r->rows[j].object,
									  x->object);
		if (seen)
			continue;
		obj = x->object;
		sb_puts(sb, sb->buf[sb->len - 1] == '{' ? "" : ",");
		json_sb_string(sb, obj);
		sb_puts(sb, ":{");
		for (f = 0; f < 2; f++) {
			size_t fl = strlen(files[f]);
			bool first = true;

			sb_printf(sb, "%s\"%s\":{", f ? "," : "", files[f]);
			for (j = 0; j < r->nrows; j++) {
				const struct cmp_rec *y = &r->rows[j];

				if ((y->section != CMP_CGROUP && y->section != CMP_COST &&
				     y->section != CMP_COUNTERS) || strcmp(y->object, obj) ||
				    strncmp(y->metric, files[f], fl) || y->metric[fl] != ' ')
					continue;
				sb_puts(sb, first ? "" : ",");
				first = false;
				json_sb_string(sb, y->metric + fl + 1);
				sb_puts(sb, ":");
				json_value(sb, y->value, y->unit);
			}
			sb_puts(sb, "}");
		}
		sb_puts(sb, "}");
	}
	sb_puts(sb, "}");
}

/* Whether the host ended a run (its memory or CPU limit): a retry may do. */
static bool host_ended(int st)
{
	return WIFSIGNALED(st) && (WTERMSIG(st) == SIGKILL || WTERMSIG(st) == SIGXCPU ||
				   WTERMSIG(st) == SIGXFSZ);
}

static void result_line(void *arg, int i, char *records, int st)
{
	struct sweep *sw = arg;
	const struct cmp_spec *spec = &sw->specs[i];
	struct cmp_run_records r;
	struct strbuf sb, why;
	bool crashed;
	int k;

	cmp_run_records_parse(&r, records);
	crashed = !r.ended || !WIFEXITED(st) || WEXITSTATUS(st);
	sb_init(&sb);
	sb_init(&why);
	sb_puts(&sb, "{\"smemcg\":\"" SMEMCG_VERSION "\",\"sweep\":");
	sb_puts(&sb, sw->sweep);
	sb_printf(&sb, ",\"run\":%ld,\"runs\":%ld,\"label\":", sw->number[i], sw->runs.n);
	json_sb_string(&sb, spec->label);
	sb_puts(&sb, ",\"scenario\":");
	json_sb_string(&sb, spec->scenario);
	sb_puts(&sb, ",\"policies\":");
	json_kv(&sb, spec->kv, spec->nkv);
	sb_puts(&sb, ",\"parameters\":");
	json_kv(&sb, spec->defs, spec->ndefs);
	if (crashed)
		cmp_crash_reason(&why, st, r.ended);
	sb_printf(&sb, ",\"crashed\":%s,\"status\":", crashed ? "true" : "false");
	json_sb_string(&sb, crashed ? why.buf : "ended");
	sb_puts(&sb, ",\"outcome\":{");
	for (k = 0; k < r.nrows; k++)
		if (r.rows[k].section == CMP_OUTCOME && !*r.rows[k].object) {
			sb_puts(&sb, sb.buf[sb.len - 1] == '{' ? "" : ",");
			json_sb_string(&sb, r.rows[k].metric);
			sb_puts(&sb, ":");
			json_value(&sb, r.rows[k].value, r.rows[k].unit);
		}
	sb_puts(&sb, "},\"kills\":[");
	for (k = 0; k < r.nkills; k++) {
		const struct cmp_kill_rec *x = &r.kills[k];

		sb_puts(&sb, k ? ",{\"how\":" : "{\"how\":");
		json_sb_string(&sb, x->how);
		sb_puts(&sb, ",\"process\":");
		json_sb_string(&sb, x->process);
		sb_printf(&sb, ",\"pid\":%d,\"line\":%d,\"time_ns\":%llu,\"cgroup\":", x->pid,
			  x->line, x->now_ns);
		json_sb_string(&sb, x->cgroup);
		sb_puts(&sb, ",\"text\":");
		json_sb_string(&sb, x->text);
		sb_puts(&sb, "}");
	}
	sb_puts(&sb, "],\"counters\":");
	json_counters(&sb, &r);
	sb_puts(&sb, ",\"rows\":[");
	for (k = 0; k < r.nrows; k++) {
		const struct cmp_rec *x = &r.rows[k];

		sb_printf(&sb, "%s[\"%s\",", k ? "," : "", cmp_section_name(x->section));
		json_sb_string(&sb, x->object);
		sb_puts(&sb, ",");
		json_sb_string(&sb, x->metric);
		sb_printf(&sb, ",\"%s\",", cmp_unit_name(x->unit));
		json_sb_string(&sb, x->value);
		sb_puts(&sb, "]");
	}
	sb_puts(&sb, "]");
	/* a run cut short may have cut its samples' string too */
	if (r.samples && r.ended)
		sb_printf(&sb, ",\"samples\":%s", r.samples);
	sb_puts(&sb, "}\n");
	fwrite(sb.buf, 1, sb.len, stdout);
	fflush(stdout);
	if (crashed)
		sw->status = cli_exit_worst(sw->status,
					    host_ended(st) ? CLI_EXIT_HOST : CLI_EXIT_FAILED);
	sb_free(&sb);
	sb_free(&why);
	cmp_run_records_free(&r);
}

/* Load what the runs need: every (file, parameter set), or run `only`'s (>= 0). */
static int load(struct sweep *sw, struct smc_script *scripts, long only)
{
	const struct cli_runs *r = &sw->runs;
	long d, pol;
	int f;

	if (only < 0)
		return cli_runs_load_all(r, scripts, NULL, "sweep");
	cli_run_at(r, only, &f, &d, &pol);
	return cli_runs_load(r, f, d, &scripts[f * r->ndef + d], NULL, "sweep");
}

static int run_runs(struct sweep *sw, struct smc_script *scripts, long only)
{
	const struct cli_runs *r = &sw->runs;
	long first = only >= 0 ? only : 0, n = only >= 0 ? 1 : r->n, k;
	struct cmp_spec *specs = xcalloc((size_t)n, sizeof(*specs));
	long *number = xcalloc((size_t)n, sizeof(*number));
	struct cmp_opts co;

	for (k = 0; k < n; k++) {
		cli_run_spec(&specs[k], r, first + k, scripts);
		specs[k].samples = !o.no_samples;
		number[k] = first + k;
	}
	sw->specs = specs;
	sw->number = number;
	memset(&co, 0, sizeof(co));
	co.jobs = o.jobs;
	co.progress = !o.quiet && isatty(2) && n > 1;
	co.title = "sweep";
	cmp_run_all(specs, (int)n, &co, result_line, sw);
	cli_run_specs_free(specs, n);
	free(number);
	return sw->status;
}

static int run(void)
{
	struct smc_script *scripts = NULL;
	struct sweep sw;
	char **files = NULL;
	int nfiles = 0, rc;
	long only = -1, of = 0;

	memset(&sw, 0, sizeof(sw));
	if (o.emit + o.emit_slurm + (o.jobs > 0) + (o.run != NULL) > 1) {
		fprintf(stderr, "smemcg sweep: --jobs, --emit, --emit-slurm and --run are "
			"ways of running the sweep: give one\n");
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if (o.run)
		sscanf(o.run, "%ld/%ld", &only, &of);
	rc = expand(&files, &nfiles);
	if (!rc)
		rc = cli_runs_init(&sw.runs, (const char *const *)files, nfiles, &o.axes, &o.defs,
				   MAX_RUNS, "sweep");
	if (!rc && o.run && of != sw.runs.n) {
		fprintf(stderr, "smemcg sweep: --run %s, but these scenarios, parameters and "
			"policies make %ld runs: the sweep was emitted from other files or values\n",
			o.run, sw.runs.n);
		rc = CLI_EXIT_USAGE;
	}
	if (rc)
		goto out;
	scripts = cli_runs_scripts(&sw.runs);
	rc = load(&sw, scripts, only);
	if (rc)
		goto out;
	if (o.emit)
		rc = emit_commands(files, nfiles, sw.runs.n);
	else if (o.emit_slurm)
		rc = emit_slurm(files, nfiles, sw.runs.n);
	else {
		sw.sweep = sweep_json(files, nfiles);
		rc = run_runs(&sw, scripts, only);
	}
out:
	cli_runs_scripts_free(&sw.runs, scripts);
	free(sw.sweep);
	cli_runs_free(&sw.runs);
	free_strings(files, (size_t)nfiles);
	return rc;
}

const struct cli_command cli_cmd_sweep = {
	"sweep", "run scenarios x parameters x policies, a JSON line per run",
	"Expand the scenarios (files, or globs this command expands) times the cross\n"
	"product of the parameter values (--define) and policy values (--policy) into\n"
	"runs, numbered as compare numbers its columns (the scenario slowest, the\n"
	"policies fastest), and either run them here, N at once (--jobs), or print\n"
	"them for an engine that schedules, retries and reaches other hosts: one\n"
	"shell command a run for GNU parallel (--emit), or a Slurm job array script\n"
	"(--emit-slurm). Every scenario is loaded with every parameter set before\n"
	"anything runs or is printed, so that a bad one is found here.\n"
	"\n"
	"Each run prints one JSON line: the model's version, the sweep, the run's\n"
	"number, label, scenario, policies and parameters, whether it crashed, the\n"
	"outcome, the event log's kills (who, how, line), every counter of every\n"
	"cgroup's memory.stat and memory.events, every row of compare's table, and\n"
	"the samples of `smemcg report` (unless --no-samples). `smemcg merge` makes\n"
	"compare's table, CSV, JSON and the report of them, and names the runs that\n"
	"are missing or failed. docs/sweep.md has the format and examples.\n",
	opts, exits, NULL, run,
};
