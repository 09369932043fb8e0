// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg report: run one scenario on the model under every combination of
 * the given policy values and write DIR/index.html, a self-contained page of
 * SVG charts over simulated time with the policy sets side by side
 * (src/report/, docs/report.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../report/report.h"
#include "cli.h"
#include "smemcg.h"

#define MAX_SETS REPORT_MAX_SETS

static struct {
	struct cli_args files;
	const char *dir;
	struct cli_policy_axes axes;
	bool quiet;
} o;

static const struct cli_opt_spec opts[] = {
	CLI_OPT_OPERANDS("SCENARIO", o.files),
	CLI_OPT_POLICY_AXES(o.axes),
	{ CLI_OPT_VALUE, "output", 'o', &o.dir, cli_parse_nonempty, CLI_OPT_REQUIRED, "DIR",
	  "where to write index.html (created if missing)" },
	{ CLI_OPT_SWITCH, "quiet", 'q', &o.quiet, NULL, 0, NULL, "no progress on stderr" },
	{ CLI_OPT_END },
};

static const struct cli_exit_note exits[] = {
	{ CLI_EXIT_OK, "the page is written and every expect passed in every set" },
	{ CLI_EXIT_FAILED, "the page is written, and in some set an expect or a "
			   "statement failed (the page shows which)" },
	{ CLI_EXIT_USAGE, "no -o, a DIR that cannot be created, a bad policy, more than "
			  "64 columns, or a SCENARIO that cannot be read or does not load" },
	{ CLI_EXIT_HOST, "the page cannot be written (a full disk, ...)" },
	{ -1, NULL },
};

/* Load every scenario; "-" (standard input) at most once. */
static int load_all(struct smc_script *s, int *nloaded)
{
	int i, k, rc;

	for (i = 0; i < o.files.n; i++)
		for (k = 0; k < i; k++)
			if (!strcmp(o.files.v[i], "-") && !strcmp(o.files.v[k], "-")) {
				fprintf(stderr, "smemcg report: standard input (-) given twice\n");
				return CLI_EXIT_USAGE;
			}
	for (i = 0; i < o.files.n; i++) {
		rc = cli_load_file(&s[i], o.files.v[i], NULL);
		if (rc)
			return rc;
		*nloaded = i + 1;
	}
	return 0;
}

static int run(void)
{
	struct cli_policy_axes *ax = &o.axes;
	struct smc_script *scripts = NULL;
	struct cli_page out;
	struct report *rp;
	struct strbuf page;
	struct smc_kv *kv;
	long nsets = cli_policy_sets(ax, MAX_SETS), set, ncols;
	int i, sc, nloaded = 0, rc = 0;

	ncols = nsets * o.files.n;
	if (nsets > MAX_SETS || ncols > MAX_SETS) {
		fprintf(stderr, "smemcg report: more than %d columns (scenarios times policy "
			"sets); give fewer\n", MAX_SETS);
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	rc = cli_page_open(&out, o.dir, "report");
	if (rc)
		goto out;
	scripts = xcalloc((size_t)o.files.n, sizeof(*scripts));
	rc = load_all(scripts, &nloaded);
	if (rc) {
		cli_page_abandon(&out);
		goto out;
	}

	rp = report_new();
	kv = xcalloc((size_t)(ax->n ? ax->n : 1), sizeof(*kv));
	for (sc = 0; sc < o.files.n; sc++) {
		const char *file = o.files.v[sc];

		for (set = 0; set < nsets; set++) {
			cli_policy_set(kv, ax, set);
			if (!o.quiet) {
				fprintf(stderr, "smemcg report: column %ld/%ld: %s", sc * nsets + set + 1,
					ncols, file);
				for (i = 0; i < ax->n; i++)
					fprintf(stderr, " %s=%s", kv[i].key, kv[i].value);
				fprintf(stderr, "%s\n", ax->n ? "" : " (the scenario's policies)");
			}
			report_run(rp, &scripts[sc], strcmp(file, "-") ? file : "(standard input)",
				   kv, ax->n, !o.quiet && isatty(2));
		}
	}
	free(kv);

	sb_init(&page);
	report_html(rp, &page);
	rc = cli_page_commit(&out, &page);
	if (!rc && report_failed(rp))
		rc = CLI_EXIT_FAILED;
	if (rc != CLI_EXIT_HOST && !o.quiet)
		fprintf(stderr, "smemcg report: wrote %s (%d columns, %zu bytes)\n", out.final,
			report_nsets(rp), page.len);
	sb_free(&page);
	report_free(rp);
	cli_page_free(&out);
out:
	for (i = 0; i < nloaded; i++)
		smc_script_free(&scripts[i]);
	free(scripts);
	return rc;
}

const struct cli_command cli_cmd_report = {
	"report", "run a scenario under policy sets, write an HTML page of charts",
	"Run each SCENARIO (.smc, or - for standard input) on the model once for\n"
	"every combination of the policy values given (the cross product of the\n"
	"--policy lists; none: once, with the scenario's own policies) and write\n"
	"DIR/index.html: one self-contained HTML page, no scripts, no external\n"
	"resources, with one small SVG chart per column (a scenario under a policy\n"
	"set), wrapping to the window, with shared axes: memory.current of each cgroup\n"
	"stacked by kind (anon, file, shmem, kernel, zombies: what dying descendants\n"
	"hold, other), rows by peak usage; memory.events max/oom/oom_kill; memory held\n"
	"by dying memcgs; the recharge_* counters; the kills and OOMs of the event\n"
	"log as marks on the time axis, their text on hover. The x axis counts the\n"
	"statements that act on the machine; the simulated time is written under\n"
	"it; a value holds until the next sample. See docs/report.md.\n",
	opts, exits, NULL, run,
};
