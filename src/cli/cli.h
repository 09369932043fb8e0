/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The smemcg command line: one file per subcommand, each a declarative
 * option table (opt.h) over the public API, the scenario module and the
 * compare engine.
 */
#ifndef SMEMCG_CLI_H
#define SMEMCG_CLI_H

#include <stdbool.h>

#include "../scenario/scenario.h"
#include "opt.h"

/* ---- what several commands' --help say ---- */

#define CLI_EXIT_WHEN_POINT "an expect failed, or a statement failed unexpectedly"
#define CLI_EXIT_WHEN_FILE "a bad option, or a FILE that cannot be read or does not load"
/* The statuses of kernel and diff after their own OK and FAILED: the oracle's. */
#define CLI_EXIT_NOTES_ORACLE                                                            \
	{ CLI_EXIT_USAGE, "a bad option, a FILE that cannot be read or does not load, or "  \
			  "a recording (SMEMCG_ORACLE_RECORD, SMEMCG_ORACLE_REPLAY) that "  \
			  "cannot be opened" },                                             \
	{ CLI_EXIT_HOST, "a boot failed on the way" },                                     \
	{ CLI_EXIT_SKIP, "the oracle cannot run here (no QEMU or kernel, setup failed)" }

/* Options several commands declare alike (libgit2's CLI_COMMON_OPT). */
#define CLI_OPT_POLICY_AXES(var)                                                        \
	{ CLI_OPT_VALUE, "policy", 0, &(var), cli_parse_policy_axis,                       \
	  CLI_OPT_REPEAT | CLI_OPT_POLICIES, "KEY=V1,V2",                                  \
	  "policy values to compare (repeat for more keys; a key given again adds its "    \
	  "values); the keys and values (the first is Linux 6.1's):" }
#define CLI_OPT_DEFINE(var)                                                             \
	{ CLI_OPT_VALUE, "define", 'D', &(var), cli_parse_define, CLI_OPT_REPEAT,          \
	  "NAME=VALUE",                                                                     \
	  "a scenario parameter: $NAME and ${NAME} in the scenario become VALUE "          \
	  "(one word; each NAME once; docs/scenario.md, \"Parameters\")" }
#define CLI_OPT_DEFINE_AXES(var)                                                        \
	{ CLI_OPT_VALUE, "define", 'D', &(var), cli_parse_define_axis, CLI_OPT_REPEAT,     \
	  "NAME=V1,V2",                                                                     \
	  "scenario parameter values ($NAME, ${NAME} in the scenarios), crossed "         \
	  "with the policy values like another --policy key" }
#define CLI_OPT_KERNEL(var)                                                             \
	{ CLI_OPT_VALUE, "kernel", 0, &(var), cli_parse_kernel, 0, "6.1|6.12",             \
	  "the kernel to boot for every scenario (default: the scenario's `machine "       \
	  "kernel=`, else 6.1; oracle/kernels has the exact Debian package and version "   \
	  "of each)" }
#define CLI_OPT_TIMEOUT(var)                                                            \
	{ CLI_OPT_VALUE, "timeout", 0, &(var), cli_parse_seconds, 0, "SEC",                \
	  "wall-clock limit of one boot (default 600)" }
#define CLI_OPT_EVENTS(var)                                                             \
	{ CLI_OPT_VALUE, "events", 0, &(var), cli_parse_events, 0, "WHICH",               \
	  "the model's events to show under their statement: none, kills (the\n"         \
	  "default: OOM kills, SIGBUS, cgroup.kill and kill), all, or a comma list of\n"   \
	  "oom_kill, sigbus, kill, charge_failed, memory_event, reclaim_nothing,\n"       \
	  "recharge, zombie_released" },                                                   \
	{ CLI_OPT_VALUE, "events-json", 0, &(var).json, cli_parse_nonempty, 0, "FILE",   \
	  "write every event (whatever --events shows) to FILE, one JSON object a line" }
/* One or more operands (name: their placeholder) into a struct cli_args. */
#define CLI_OPT_OPERANDS(name, var)                                                     \
	{ CLI_OPT_ARG, name, 0, &(var), cli_args_add, CLI_OPT_REQUIRED | CLI_OPT_REPEAT,   \
	  NULL, NULL }
#define CLI_OPT_FILES(var) CLI_OPT_OPERANDS("FILE", var)
/* What makes the runs of compare and sweep (runs.c): scenarios x parameters x policies. */
#define CLI_OPT_RUNS(files, axes, defs)                                                 \
	CLI_OPT_OPERANDS("SCENARIO", files), CLI_OPT_POLICY_AXES(axes),                   \
	CLI_OPT_DEFINE_AXES(defs)
#define CLI_OPT_JOBS(var)                                                               \
	{ CLI_OPT_VALUE, "jobs", 'j', &(var), cli_parse_jobs, 0, "N",                      \
	  "runs at once, 1 to 4096 (default: the online CPUs)" }
/* -o FILE of snapshot and record. */
#define CLI_OPT_OUTPUT_SCENARIO(var)                                                    \
	{ CLI_OPT_VALUE, "output", 'o', &(var), cli_parse_nonempty, 0, "FILE",             \
	  "write the scenario to FILE (default: standard output)" }

/* --format, --only, --changed, --all, --exact of compare and merge (table.c). */
struct cli_table {
	const char *format;
	unsigned sections;
	bool changed, all, exact;
};
#define CLI_OPT_TABLE(var)                                                              \
	{ CLI_OPT_VALUE, "format", 0, &(var).format, cli_parse_format, 0, "FORMAT",       \
	  "table (default), csv or json: the same rows and values" },                      \
	{ CLI_OPT_VALUE, "only", 0, &(var).sections, cli_parse_sections, 0, "SECTIONS",   \
	  "comma-separated: outcome,task,errno,pays,cgroup,cost,derived, "                \
	  "smemcg,zombies,observed,counters (default: all but counters in "               \
	  "the table, all in csv and json)" },                                             \
	{ CLI_OPT_SWITCH, "changed", 0, &(var).changed, NULL, 0, NULL,                     \
	  "only the rows that differ between the runs" },                                  \
	{ CLI_OPT_SWITCH, "all", 0, &(var).all, NULL, 0, NULL,                             \
	  "table: also the rows that are 0 in every run (csv and json always have "        \
	  "them)" },                                                                        \
	{ CLI_OPT_SWITCH, "exact", 0, &(var).exact, NULL, 0, NULL,                         \
	  "table: bytes as exact numbers (csv and json always are)" }

/* ---- option values (args.c) ---- */

/*
 * Free what the value parsers above stored for cmd's options (operands,
 * pids, policies, parameters): main() calls it once the command is done,
 * so that no command frees its option values itself.
 */
void cli_opt_free(const struct cli_command *cmd);

#define CLI_MAX_JOBS 4096

/* --jobs N: runs at once, 1..CLI_MAX_JOBS, into an int. */
int cli_parse_jobs(void *value, const char *arg, struct strbuf *err);
/* --timeout SEC: 1 or more, into an int. */
int cli_parse_seconds(void *value, const char *arg, struct strbuf *err);
/* --kernel: a baseline the oracle boots (oracle_kernels), into a const char *. */
int cli_parse_kernel(void *value, const char *arg, struct strbuf *err);
/* A file or directory name that is not empty, into a const char *. */
int cli_parse_nonempty(void *value, const char *arg, struct strbuf *err);
/* --pid PID... of snapshot and record: process ids, into a struct cli_pids. */
struct cli_pids {
	int *v;
	size_t n;
};
int cli_parse_pids(void *value, const char *arg, struct strbuf *err);
/* --cgroup PATH... of record: cgroup paths, none empty, into a struct cli_args. */
int cli_parse_cgroups(void *value, const char *arg, struct strbuf *err);

/* --events WHICH and --events-json FILE of run and shell. */
struct cli_events {
	unsigned mask;		/* SMEMCG_EV_BIT of the events shown */
	bool given;		/* --events was given: else kills */
	const char *json;
};
int cli_parse_events(void *value, const char *arg, struct strbuf *err);
/*
 * The run options of ev: events_show, and events_json opened (*fp, to be
 * closed by the caller). Returns CLI_EXIT_OK, or CLI_EXIT_HOST after a
 * message when the file cannot be created.
 */
int cli_events_open(struct smc_run_opts *ro, FILE **fp, const struct cli_events *ev,
		    const char *cmd);

/* --policy KEY=VALUE of run and shell: one value per key. */
struct cli_policy_list {
	struct smc_kv *kv;
	int n;
};
int cli_parse_policy(void *value, const char *arg, struct strbuf *err);
/* --define NAME=VALUE of run and shell: a scenario parameter, each once. */
int cli_parse_define(void *value, const char *arg, struct strbuf *err);

/* --policy KEY=V1,V2 of compare and report: values to compare, per key. */
struct cli_axis {
	char *key;
	char **v;
	int n;
};
struct cli_policy_axes {
	struct cli_axis *k;
	int n;
};
int cli_parse_policy_axis(void *value, const char *arg, struct strbuf *err);
/* --define NAME=V1,V2 of compare and sweep: parameter values, as policy values. */
int cli_parse_define_axis(void *value, const char *arg, struct strbuf *err);
void cli_policy_axes_free(struct cli_policy_axes *ax);
/* The number of policy sets (the cross product), or max + 1 when over max. */
long cli_policy_sets(const struct cli_policy_axes *ax, long max);
/* The policies of set number set (kv has ax->n entries), the first key varying slowest. */
void cli_policy_set(struct smc_kv *kv, const struct cli_policy_axes *ax, long set);

/* ---- compare's table as compare and merge print it (table.c) ---- */

/* --format: table, csv or json, into a const char *. */
int cli_parse_format(void *value, const char *arg, struct strbuf *err);
/* --only: section names, into an unsigned mask (bit per enum cmp_section). */
int cli_parse_sections(void *value, const char *arg, struct strbuf *err);
/*
 * Print t as the options say: a table headed "smemcg CMD WHAT: N runs",
 * or csv or json ("scenario": what).
 */
struct cmp_table;
void cli_table_print(struct cmp_table *t, const struct cli_table *to, const char *cmd,
		     const char *what, int nruns);

/* ---- the runs of compare, sweep and merge (runs.c) ---- */

/*
 * Each scenario times each parameter set times each policy set, numbered
 * with the scenario varying slowest and the policy set fastest.
 */
struct cli_runs {
	const char *const *files;
	int nfiles;
	const char **names;	/* each file as labels name it: its base name, or enough path */
	const struct cli_policy_axes *pol, *defs;
	long npol, ndef, n;	/* policy sets, parameter sets, runs */
};

/* CLI_EXIT_OK, or CLI_EXIT_USAGE after a message (a file twice, more than max runs). */
int cli_runs_init(struct cli_runs *r, const char *const *files, int nfiles,
		  const struct cli_policy_axes *pol, const struct cli_policy_axes *defs,
		  long max, const char *cmd);
void cli_runs_free(struct cli_runs *r);
/* Run k's scenario, parameter set and policy set. */
void cli_run_at(const struct cli_runs *r, long k, int *file, long *def, long *pol);
/*
 * Its column label (malloc'd): the file's name when there are several,
 * then the parameters and policies that vary; all of them when none does.
 */
char *cli_run_label(const struct cli_runs *r, long k);
/*
 * Load scenario file with parameter set def (used: as smc_defines.used, or
 * NULL); CLI_EXIT_OK, or cli_load_file's status after its message and one
 * naming the parameters.
 */
int cli_runs_load(const struct cli_runs *r, int file, long def, struct smc_script *s,
		  bool *used, const char *cmd);
/* The same for every (file, parameter set), into scripts[file * ndef + def]; the first failure's status. */
int cli_runs_load_all(const struct cli_runs *r, struct smc_script *scripts, bool *used,
		      const char *cmd);
/* The scripts of every (file, parameter set), none loaded yet; and freed. */
struct smc_script *cli_runs_scripts(const struct cli_runs *r);
void cli_runs_scripts_free(const struct cli_runs *r, struct smc_script *scripts);
/*
 * The compare engine's column for run k: its label, scenario, policies and
 * parameters, and its script, scripts[file * ndef + def] (scripts may be
 * NULL: merge has none). Free with cli_run_spec_free.
 */
struct cmp_spec;
void cli_run_spec(struct cmp_spec *spec, const struct cli_runs *r, long k,
		  const struct smc_script *scripts);
void cli_run_spec_free(struct cmp_spec *spec);
/* The n specs of an array (NULL: none) and the array. */
void cli_run_specs_free(struct cmp_spec *specs, long n);

/* ---- scenarios (load.c) ---- */

/*
 * Read and load a scenario (path "-": standard input) through the
 * language's reader, and check it. Errors go to stderr as
 * "FILE:LINE:COL: error: MESSAGE" and, when err is not NULL, into err
 * (line 0 for a file that cannot be read). Returns CLI_EXIT_OK, or
 * CLI_EXIT_USAGE (cannot be read or loaded), or CLI_EXIT_HOST (the host
 * refused: out of memory or file descriptors).
 */
int cli_load_file(struct smc_script *s, const char *path, struct smc_error *err);
/*
 * The same with scenario parameters (defs may be NULL) and the command
 * line's kernel baseline (NULL: the scenario's; smc_validator.kernel).
 */
int cli_load_file_defs(struct smc_script *s, const char *path, const struct smc_defines *defs,
		       const char *kernel, struct smc_error *err);
/* The kernel baseline --policy chose: of a list (NULL: none), of axes (SMC_KERNEL_ANY: several). */
const char *cli_policy_kernel(const struct smc_kv *kv, int n);
const char *cli_axes_kernel(const struct cli_policy_axes *ax);
/*
 * A warning on stderr, "smemcg CMD: --define NAME: no scenario uses $NAME",
 * for each of the n parameters whose used[] is false.
 */
void cli_warn_unused_defines(const char *cmd, const struct smc_kv *kv, const bool *used, int n);
/* How messages name a scenario given as path: "<stdin>" for "-". */
const char *cli_input_name(const char *path);
/* The same for a scenario in memory, called name in messages. */
int cli_load_text(struct smc_script *s, const char *name, const char *text,
		  struct smc_error *err);
/*
 * The whole of a file (- : standard input), at most 64 MiB, with a NUL
 * after its len bytes; NULL with a message on stderr and in err (when not
 * NULL), and *status CLI_EXIT_USAGE or CLI_EXIT_HOST.
 */
char *cli_read_file(const char *path, size_t *len, int *status, struct smc_error *err);

/* ---- DIR/index.html of report and merge (page.c) ---- */

struct cli_page {
	const char *cmd;
	char *tmp, *final;	/* DIR/index.html.tmp, DIR/index.html */
	FILE *f;
};
/*
 * Create DIR when missing and open the temporary file: CLI_EXIT_OK, or
 * CLI_EXIT_USAGE after a message naming cmd.
 */
int cli_page_open(struct cli_page *pg, const char *dir, const char *cmd);
/* Write the page and put it in place: CLI_EXIT_OK or CLI_EXIT_HOST after a message. */
int cli_page_commit(struct cli_page *pg, const struct strbuf *page);
/* Remove the temporary file when the page was not committed, free the names. */
void cli_page_abandon(struct cli_page *pg);
void cli_page_free(struct cli_page *pg);

/* ---- output (main.c) ---- */

/*
 * Flush standard output: CLI_EXIT_OK, or CLI_EXIT_HOST with a message
 * naming the command when something written to it was lost (a full disk,
 * a closed standard output).
 */
int cli_flush_stdout(const char *cmd);
/*
 * The output of -o FILE (snapshot, record): FILE created, or standard
 * output when path is NULL; NULL after a message naming cmd when FILE
 * cannot be created.
 */
FILE *cli_output_open(const char *path, const char *cmd);

/* ---- the commands ---- */

extern const struct cli_command cli_cmd_run, cli_cmd_shell, cli_cmd_demo, cli_cmd_kernel,
	cli_cmd_diff, cli_cmd_compare, cli_cmd_report, cli_cmd_snapshot, cli_cmd_record,
	cli_cmd_sweep, cli_cmd_merge;

/* compare and demo: the exit status of a compare table (cmd_compare.c). */
struct cmp_table;
int cli_compare_status(const struct cmp_table *t);

extern const char demo_scenario[];

#endif
