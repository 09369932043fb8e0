/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `smemcg report`: scenarios run once per policy set on the model, sampled
 * after every statement that changes state, and laid out as one
 * self-contained HTML page of SVG charts, one small chart per (scenario,
 * policy set) column, wrapping, with shared axes (docs/report.md).
 *
 * Sampling wraps the model backend: each call of its exec (a statement that
 * acts on the machine, including the statement inside an expect-error)
 * counts one step of the x axis and may record a sample of memory.current,
 * memory.max, memory.stat (anon, file, shmem, kernel) and memory.events
 * (max, oom, oom_kill) of each cgroup and shared memory cgroup, the root's
 * cgroup.stat nr_dying_descendants and its memory.stat recharge_* counters.
 * Reading those files does not change the model's state.
 */
#ifndef SMEMCG_REPORT_H
#define SMEMCG_REPORT_H

#include <stdbool.h>

#include "../base/base.h"
#include "../scenario/scenario.h"

/* Samples kept per run; past this the run keeps every other one. */
#define REPORT_MAX_SAMPLES 1024
/* Cgroups sampled (the shallowest first) and memory rows drawn. */
#define REPORT_MAX_CGROUPS 64
#define REPORT_MAX_ROWS 12
/* Columns of a page: (scenario, policy set) runs. */
#define REPORT_MAX_SETS 64

struct report;

struct report *report_new(void);
void report_free(struct report *rp);

/*
 * Run the script with these policies (applied after the script's own),
 * record its samples as the next column; scenario names the script in the
 * page. progress: the interpreter's progress line on stderr.
 */
void report_run(struct report *rp, const struct smc_script *s, const char *scenario,
		const struct smc_kv *policy, int npolicy, bool progress);

/* The number of runs (columns) so far. */
int report_nsets(const struct report *rp);
/* The failed test points of every set run so far. */
int report_failed(const struct report *rp);

/*
 * A set's samples as text (appended to out), and such text loaded as the
 * next set, named label (NULL: as saved): what `smemcg sweep` writes in
 * its result lines and `smemcg merge` draws. report_set_load returns 0,
 * or -EINVAL with why in err.
 */
void report_set_dump(const struct report *rp, int set, struct strbuf *out);
int report_set_load(struct report *rp, const char *label, const char *text, struct strbuf *err);

/* The page: a complete HTML document, well-formed XML as well. */
void report_html(struct report *rp, struct strbuf *out);

#endif
