/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The engine of `smemcg compare` (and of `smemcg demo`): run one scenario
 * per column, each in its own forked process, and gather, at the end of
 * each run, what users ask about (who pays, who dies, zombies, every
 * counter) into one table of rows x columns.
 *
 * A row is (section, object, metric) with a unit; a value is text, as the
 * kernel's files show it (bytes, counts) or a word. Columns run in
 * parallel (up to jobs at once); the table does not depend on the order in
 * which they finish.
 */
#ifndef SMEMCG_COMPARE_H
#define SMEMCG_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "../scenario/scenario.h"

/* Sections, in the order they are printed. */
enum cmp_section {
	CMP_OUTCOME,	/* the run: status, expects, who was killed, where it stopped */
	CMP_TASK,	/* every process: alive, exited, killed SIGNAL */
	CMP_ERRNO,	/* statements that failed (expect-error, or the one that stopped the run) */
	CMP_PAYS,	/* who pays for each object: bytes per cgroup (smemcg_explain) */
	CMP_CGROUP,	/* the files of every cgroup */
	CMP_COST,	/* what recharging and reclaim did: recharge_pgs_*, pgscan, refaults */
	CMP_DERIVED,	/* what kubelet/cadvisor, docker and podman compute from them */
	CMP_SMEMCG,	/* shared memory cgroups */
	CMP_ZOMBIES,	/* /proc/zombies and what holds each dying memcg */
	CMP_OBSERVED,	/* values the scenario read or expected, by line */
	CMP_COUNTERS,	/* every other counter of memory.stat and memory.events */
	CMP_NR_SECTIONS,
};

/* The sections a table shows when none is asked for: all but the counters. */
#define CMP_TABLE_SECTIONS (((1u << CMP_NR_SECTIONS) - 1) & ~(1u << CMP_COUNTERS))

/* Units of a row: how a value is printed. */
#define CMP_BYTES 'b'
#define CMP_COUNT 'n'
#define CMP_PERCENT 'p'
#define CMP_NS 't'
#define CMP_TEXT 's'

/* One column: a scenario, with policies set over the scenario's own. */
struct cmp_spec {
	const char *label;	/* the column's header */
	const struct smc_script *script;
	const struct smc_kv *kv;
	int nkv;
	/* what the column is, for JSON: the file, its parameters (NULL, 0: none) */
	const char *scenario;
	const struct smc_kv *defs;
	int ndefs;
	/* sweep: also the samples of `smemcg report` (an S record, report.h) */
	bool samples;
};

/* What a column is, as its spec said (copies). */
struct cmp_colinfo {
	char *scenario;		/* NULL: not said */
	struct smc_kv *pol, *par;
	int npol, npar;
};

struct cmp_row {
	enum cmp_section section;
	char *object;		/* a cgroup, a process, "line N", "" */
	char *metric;		/* "memory.current", "memory.stat shmem", ... */
	char unit;
	int object_order;	/* first appearance of the object in its section */
	int order;		/* first appearance of the row */
	char **val;		/* one per column; NULL: no value in that run */
};

struct cmp_table {
	int ncol;
	char **labels;
	struct cmp_colinfo *info;
	bool *crashed;		/* the run's process died or said nothing */
	int *status;		/* each run's wait status: how a crashed one ended */
	int nrows, cap;
	struct cmp_row *rows;
	void *index;		/* private */
};

struct cmp_opts {
	int jobs;		/* processes at once; <= 0: online CPUs */
	bool progress;		/* a progress line on stderr for runs over a second */
	const char *title;	/* for the progress line */
	/* a forked run frees what only the parent needs (leak checkers) */
	void (*child_cleanup)(void *arg);
	void *child_cleanup_arg;
};

/*
 * Run every spec (forked, up to opts->jobs at once) and fill t. Returns the
 * number of runs that crashed (their column says why).
 */
int cmp_execute(struct cmp_table *t, const struct cmp_spec *specs, int n,
		const struct cmp_opts *opts);

/*
 * The runs alone, for `smemcg sweep`: done(arg, i, records, status) is
 * called for each spec in order, as soon as the runs before it are done,
 * with what run i wrote (records.c's lines, modifiable, freed after the
 * call) and its wait status.
 */
typedef void cmp_done_fn(void *arg, int i, char *records, int status);
void cmp_run_all(const struct cmp_spec *specs, int n, const struct cmp_opts *opts,
		 cmp_done_fn *done, void *arg);

/* One run's records, parsed (records.c), for `smemcg sweep`'s result line. */
struct cmp_rec {
	enum cmp_section section;
	const char *object, *metric, *value;
	char unit;
};
struct cmp_kill_rec {
	const char *how;	/* oom_kill, sigbus, cgroup.kill, kill */
	const char *process, *cgroup, *text;
	int pid, line;
	unsigned long long now_ns;
};
struct cmp_run_records {
	bool ended;		/* the run wrote its end: it did not crash */
	int nrows, nkills;
	struct cmp_rec *rows;
	struct cmp_kill_rec *kills;
	const char *samples;	/* the report's samples (JSON string), or NULL */
};
/* Parse records in place (the strings point into it); free with cmp_run_records_free. */
void cmp_run_records_parse(struct cmp_run_records *r, char *records);
void cmp_run_records_free(struct cmp_run_records *r);
/* "crashed: killed by signal 11 (SIGSEGV)": why a run with this wait status did not end. */
void cmp_crash_reason(struct strbuf *sb, int status, bool ended);

/*
 * An empty table of ncol columns (labels and info from specs, when not
 * NULL), for cmp_set: what `smemcg merge` fills from result lines.
 */
void cmp_table_init(struct cmp_table *t, const struct cmp_spec *specs, int ncol);
void cmp_set(struct cmp_table *t, int col, enum cmp_section section, const char *object,
	     const char *metric, char unit, const char *value);
/*
 * Merge one run's records into column col (status: its wait status), as
 * cmp_execute does; true when the run crashed (the column says how).
 */
bool cmp_add_run(struct cmp_table *t, int col, char *records, int status);
void cmp_table_free(struct cmp_table *t);

/* The value of a row in a column, or NULL. */
const char *cmp_value(const struct cmp_table *t, enum cmp_section section,
		      const char *object, const char *metric, int col);

enum cmp_format { CMP_TABLE, CMP_CSV, CMP_JSON };

struct cmp_print_opts {
	enum cmp_format format;
	unsigned sections;	/* bit per enum cmp_section; 0: all */
	bool changed_only;	/* only rows whose value differs between columns */
	bool exact;		/* table: bytes as exact numbers, not 1.5M */
	bool all;		/* table: also rows that are 0 in every column */
	/* table: keep a row (NULL: keep all) */
	bool (*keep)(const struct cmp_row *row, void *arg);
	void *keep_arg;
	bool legend;		/* table: explain the derived metrics after the table */
	const char *title;	/* table: first line; json: "scenario" */
};

/* Sorts the rows (section, then object, then first appearance) and prints. */
void cmp_print(FILE *f, struct cmp_table *t, const struct cmp_print_opts *po);

/* "outcome" -> CMP_OUTCOME; -1 when unknown. */
int cmp_section_from_name(const char *name);
const char *cmp_section_name(enum cmp_section s);
/* CMP_BYTES -> "bytes", as CSV and JSON name units; and back (0 when unknown). */
const char *cmp_unit_name(char unit);
char cmp_unit_from_name(const char *name);

/* A size as the table shows it: 60M, 1.25G, 4095. */
const char *cmp_human_bytes(char *buf, size_t len, const char *value);

int cmd_compare(int argc, char **argv);

#endif
