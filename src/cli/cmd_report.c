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

#define MAX_SETS 64

static struct {
	const char *file, *dir;
	struct cli_policy_axes axes;
	bool quiet;
} o;

static const struct cli_opt_spec opts[] = {
	{ CLI_OPT_ARG, "SCENARIO", 0, &o.file, NULL, CLI_OPT_REQUIRED, NULL, NULL },
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
			  "64 sets, or a SCENARIO that cannot be read or does not load" },
	{ CLI_EXIT_HOST, "the page cannot be written (a full disk, ...)" },
	{ -1, NULL },
};

static int run(void)
{
	const char *file = o.file, *dir = o.dir;
	struct cli_policy_axes *ax = &o.axes;
	struct cli_page out;
	struct smc_script s;
	struct report *rp;
	struct strbuf page;
	struct smc_kv *kv;
	long nsets = cli_policy_sets(ax, MAX_SETS), set;
	int i, rc = 0;

	if (nsets > MAX_SETS) {
		fprintf(stderr, "smemcg report: more than %d policy sets; give fewer values\n",
			MAX_SETS);
		cli_policy_axes_free(ax);
		return CLI_EXIT_USAGE;
	}
	rc = cli_page_open(&out, dir, "report");
	if (rc) {
		cli_policy_axes_free(ax);
		return rc;
	}
	rc = cli_load_file(&s, file, NULL);
	if (rc) {
		cli_page_abandon(&out);
		cli_policy_axes_free(ax);
		return rc;
	}

	rp = report_new(strcmp(file, "-") ? file : "(standard input)");
	kv = xcalloc((size_t)(ax->n ? ax->n : 1), sizeof(*kv));
	for (set = 0; set < nsets; set++) {
		cli_policy_set(kv, ax, set);
		if (!o.quiet) {
			fprintf(stderr, "smemcg report: set %ld/%ld:", set + 1, nsets);
			for (i = 0; i < ax->n; i++)
				fprintf(stderr, " %s=%s", kv[i].key, kv[i].value);
			fprintf(stderr, "%s\n", ax->n ? "" : " the scenario's policies");
		}
		report_run(rp, &s, kv, ax->n, !o.quiet && isatty(2));
	}
	free(kv);

	sb_init(&page);
	report_html(rp, &page);
	rc = cli_page_commit(&out, &page);
	if (!rc && report_failed(rp))
		rc = CLI_EXIT_FAILED;
	if (rc != CLI_EXIT_HOST && !o.quiet)
		fprintf(stderr, "smemcg report: wrote %s (%d policy sets, %zu bytes)\n", out.final,
			report_nsets(rp), page.len);
	sb_free(&page);
	report_free(rp);
	smc_script_free(&s);
	cli_page_free(&out);
	cli_policy_axes_free(ax);
	return rc;
}

const struct cli_command cli_cmd_report = {
	"report", "run a scenario under policy sets, write an HTML page of charts",
	"Run SCENARIO (.smc, or - for standard input) on the model once for every\n"
	"combination of the policy values given (the cross product of the --policy\n"
	"lists; none: once, with the scenario's own policies) and write DIR/index.html:\n"
	"one self-contained HTML page, no scripts, no external resources, with SVG\n"
	"charts side by side for each policy set: memory.current of each cgroup\n"
	"stacked by kind (anon, file, shmem, kernel, other), memory.events max/oom/\n"
	"oom_kill, zombies (nr_dying_descendants) and the recharge_* counters. The x\n"
	"axis counts the statements that act on the machine; the simulated time is\n"
	"written under it. See docs/report.md.\n",
	opts, exits, NULL, run,
};
