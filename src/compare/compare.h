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
	CMP_DERIVED,	/* what kubelet/cadvisor, docker and podman compute from them */
	CMP_SMEMCG,	/* shared memory cgroups */
	CMP_ZOMBIES,	/* /proc/zombies */
	CMP_OBSERVED,	/* values the scenario read or expected, by line */
	CMP_NR_SECTIONS,
};

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
};

/*
 * Run every spec (forked, up to opts->jobs at once) and fill t. Returns the
 * number of runs that crashed (their column says why).
 */
int cmp_execute(struct cmp_table *t, const struct cmp_spec *specs, int n,
		const struct cmp_opts *opts);
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

/* A size as the table shows it: 60M, 1.25G, 4095. */
const char *cmp_human_bytes(char *buf, size_t len, const char *value);

int cmd_compare(int argc, char **argv);

#endif
