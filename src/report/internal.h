/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of `smemcg report` share: the samples of each run, stored
 * by column (report.c takes them), and the events of the model's event log
 * that the page marks on the time axis (page.c draws them).
 *
 * A column of samples is named by three parts joined by SEP: a prefix
 * ("mem", "ev", "zmem", "root", "recharge"), a group (a cgroup path,
 * "@NAME" for a shared memory cgroup, "/" for machine-wide values) and a
 * key (a kind of memory, an event, a counter).
 */
#ifndef SMEMCG_REPORT_INTERNAL_H
#define SMEMCG_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/strmap.h"
#include "report.h"

#define SEP "\x1f"		/* between the parts of a column name */
#define MAX_STMT_TEXT 400	/* statements listed in the page */
#define MAX_FAIL_LINES 40	/* failed test points kept per set */
#define MAX_EVENTS 2000		/* events kept per run */

/*
 * Kinds of memory stacked in memory.current, bottom to top: memory.stat's
 * items less what dying descendants hold, that (zombies), and the rest.
 */
#define NKINDS 6
extern const char *const report_kinds[NKINDS];

/* A kill or an OOM of the event log, at the statement that caused it. */
struct revent {
	double x;		/* the statement index */
	int line;		/* its line in the scenario */
	int type;		/* enum smemcg_event_type */
	long repeats;
	char *cgroup;		/* "" when none; "(dying) /a" for a zombie */
	char *text;		/* "oom_kill in /B: b (pid 101) OOM-killed: ..." */
};

/* One run: a scenario under one policy set, its samples stored by column. */
struct rset {
	char *scenario;		/* the scenario's name */
	char *label;		/* the --policy values of this set */
	char *effective;	/* every policy as the machine ran it */
	struct smc_result res;
	struct strbuf fails;	/* "not ok" lines */
	int nfails;

	size_t n, cap;		/* samples */
	double *stmt;		/* x: statements executed before the sample */
	double *t_ns;		/* simulated time */
	bool timed;		/* simulated time moved */
	double *marks;		/* x of the samples where time moved */
	size_t nmarks;

	struct strmap colidx;
	size_t ncols, colcap;
	char **colname;
	double **col;		/* col[c][sample]; NaN: not present */

	uint64_t nexec, stride, last_sampled;
	int cur_line;		/* of the statement executed last */
	bool sampled_any;
	bool recharge;		/* recharge_* keys were present */
	char **stmt_text;	/* text of the first MAX_STMT_TEXT statements */
	int *stmt_line;
	size_t nstmt_text;

	struct revent *events;
	int nevents, events_cap;
	long events_dropped;
	int nkills;		/* OOM kills, SIGBUS and kills */
};

struct report {
	int nsets;
	struct rset **sets;
};

/* The column prefix/group/key of a run, or NULL when it has none. */
const double *col_find(const struct rset *rs, const char *a, const char *b, const char *c);

#endif
