/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of the compare engine share, and nothing outside it sees.
 *
 * A run (observe.c) executes one scenario in a forked child and writes
 * records to a pipe (records.c); at its end it collects what the machine
 * shows (collect.c). The parent (execute.c) forks the runs, reads the
 * pipes and merges the records into one table (table.c), which print.c
 * prints.
 */
#ifndef SMEMCG_COMPARE_INTERNAL_H
#define SMEMCG_COMPARE_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "../base/strmap.h"
#include "../scenario/model_backend.h"
#include "compare.h"

/* A value the scenario read or expected, the last one per line and metric. */
struct obs {
	char *object, *metric;
	char unit;
	char *value;
};

/* The errnos of one statement, counted (a statement in a repeat block fails many times). */
struct errcount {
	char *object;
	int n;
	char *names[8];
	int counts[8];
	int other;
};

/* A kill of the event log (kills.c). */
struct kill {
	int how;		/* enum kill_how */
	int pid, sig, line;
	uint64_t now_ns;
	char *cgroup, *text;
};

/* The forked run of one column. */
struct child {
	FILE *out;
	const struct smc_backend *inner;
	struct model_backend *mb;
	uint64_t stmts;
	double last_progress;
	struct obs *obs;
	int nobs, capobs;
	struct strmap obs_idx;
	struct errcount *errs;
	int nerrs, caperrs;
	struct strmap err_idx;
	struct kill *kills;
	int nkills, capkills;
};

/* records.c: the pipe between a run and the parent. */
void emit(struct child *c, enum cmp_section sec, const char *object, const char *metric,
	  char unit, const char *value);
void emitf(struct child *c, enum cmp_section sec, const char *object, const char *metric,
	   char unit, const char *fmt, ...) PRINTF_LIKE(6, 7);
/* A P record now and then: statements run and simulated time, for the progress line. */
void progress_tick(struct child *c);
/* Merge one run's records into column col; false when the run did not end. */
bool parse_output(struct cmp_table *t, int col, char *text);

/* records.c: a field as written in a record (tabs and newlines blanked). */
void put_field(FILE *f, const char *s);

/* kills.c: the event log's kills, as they happen, then as rows and K records. */
void kills_observe(void *ctx, const struct smc_stmt *st, const struct smc_event *ev);
void kills_emit(struct child *c, smemcg_machine *m);

/* records.c: text helpers of both ends. */
double now_s(void);
bool parse_u64(uint64_t *v, const char *s);
/* Split text into lines in place (the array is malloc'd; *n lines). */
char **split_lines(char *text, int *n);

/* collect.c: what the machine shows at the end of a run. */
extern const char *const stat_keys[];
/* The unit of a value of the file at path (or its name) and key (may be NULL). */
char cmp_file_unit(const char *path, const char *key);
void collect_machine(struct child *c, smemcg_machine *m, const struct smc_script *s);

/* observe.c: the child's whole life: run, collect, write; its exit status. */
int run_child(const struct cmp_spec *spec, int fd);

/* table.c */
void table_sort(struct cmp_table *t);

/* print.c */
extern const char *const section_names[CMP_NR_SECTIONS];

#endif
