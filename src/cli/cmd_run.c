// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg run: scenarios on the model, TAP on stdout, a summary line, exit
 * status 1 when anything failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../scenario/model_backend.h"
#include "cli.h"

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: smemcg run [--policy KEY=VALUE]... [--check] [--quiet] FILE...\n"
		"\n"
		"Run each scenario (.smc) on the model and print TAP 13: one test point per\n"
		"`expect` and `expect-error`, comments for `read` and `echo`. A statement that\n"
		"fails unexpectedly is a `not ok` point and ends its scenario. Ends with a\n"
		"line `N passed, N failed`; the exit status is 1 when anything failed, 2 on\n"
		"bad usage. FILE may be - for standard input.\n"
		"\n"
		"  --policy KEY=VALUE  set a policy (overrides the scenario's `policy` lines):\n"
		"                      shared=owner|common-ancestor  smemcg=borrow|full\n"
		"                      recharge=none|reparent|evict|mapper|deferred|auto\n"
		"                      owner=mm-owner|mm-memcg  kmem=on|off  stock=on|off\n"
		"  --check             check the model's invariants after every statement\n"
		"  --quiet             no progress line on stderr\n");
}

int run_one_file(const char *file, const struct cli_policy_list *pol, bool check,
		 bool quiet, struct smc_result *total);

int run_one_file(const char *file, const struct cli_policy_list *pol, bool check,
		 bool quiet, struct smc_result *total)
{
	struct smc_script s;
	struct smc_result res;
	struct smc_backend be;
	struct smc_run_opts opts;
	struct model_backend *mb;
	char *text = cli_read_file(file);

	if (!text) {
		total->failed++;
		return -1;
	}
	if (cli_load_script(&s, file, text)) {
		free(text);
		total->failed++;
		return -1;
	}
	free(text);
	mb = model_backend_new(pol->kv, pol->n, check);
	model_backend_ops(&be, mb);
	memset(&opts, 0, sizeof(opts));
	opts.out = stdout;
	opts.progress = !quiet && isatty(2);
	opts.now_ns = model_backend_now_ns;
	opts.now_ctx = mb;
	smc_run(&res, &s, &be, &opts);
	total->passed += res.passed;
	total->failed += res.failed;
	total->skipped += res.skipped;
	model_backend_free(mb);
	smc_script_free(&s);
	return res.failed ? 1 : 0;
}

int cmd_run(int argc, char **argv)
{
	struct cli_policy_list pol = { NULL, 0 };
	struct smc_result total = { 0, 0, 0, false };
	bool check = false, quiet = false;
	int i, nfiles = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			run_usage(stdout);
			cli_policy_list_free(&pol);
			return 0;
		} else if (!strcmp(argv[i], "--policy") && i + 1 < argc) {
			if (cli_add_policy(&pol, argv[++i])) {
				cli_policy_list_free(&pol);
				return 2;
			}
		} else if (!strncmp(argv[i], "--policy=", 9)) {
			if (cli_add_policy(&pol, argv[i] + 9)) {
				cli_policy_list_free(&pol);
				return 2;
			}
		} else if (!strcmp(argv[i], "--policy")) {
			fprintf(stderr, "smemcg run: --policy needs KEY=VALUE\n");
			cli_policy_list_free(&pol);
			return 2;
		} else if (!strcmp(argv[i], "--check")) {
			check = true;
		} else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
			quiet = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "smemcg run: unknown option %s\n\n", argv[i]);
			run_usage(stderr);
			cli_policy_list_free(&pol);
			return 2;
		} else {
			nfiles++;
		}
	}
	if (!nfiles) {
		run_usage(stderr);
		cli_policy_list_free(&pol);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--policy")) {
			i++;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1])
			continue;
		run_one_file(argv[i], &pol, check, quiet, &total);
	}
	printf("%d passed, %d failed", total.passed, total.failed);
	if (total.skipped)
		printf(", %d skipped", total.skipped);
	printf("\n");
	cli_policy_list_free(&pol);
	return total.failed ? 1 : 0;
}
