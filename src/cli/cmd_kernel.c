// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg kernel: scenarios on a real Linux 6.1 kernel in QEMU (the oracle,
 * docs/oracle.md). Same TAP and summary line as `smemcg run`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "oracle_host.h"

static struct {
	const char *kernel;
	int timeout;
	struct cli_args files;
} o;

static const struct cli_opt_spec opts[] = {
	CLI_OPT_KERNEL(o.kernel),
	CLI_OPT_TIMEOUT(o.timeout),
	CLI_OPT_FILES(o.files),
	{ CLI_OPT_END },
};

static const struct cli_exit_note exits[] = {
	{ CLI_EXIT_OK, "every expect passed (or was skipped)" },
	{ CLI_EXIT_FAILED, CLI_EXIT_WHEN_POINT },
	CLI_EXIT_NOTES_ORACLE,
	{ -1, NULL },
};

static int run(void)
{
	struct oracle_file *files = oracle_files_new(o.files.v, o.files.n);
	struct oracle_opts oo = { .stream = true, .kernel = o.kernel, .timeout = o.timeout };
	int i, n = o.files.n, passed = 0, failed = 0, skipped = 0, rc, status = CLI_EXIT_OK;

	rc = oracle_run_files(files, n, &oo);
	for (i = 0; i < n; i++) {
		passed += files[i].res.passed;
		failed += files[i].res.failed;
		skipped += files[i].res.skipped;
		if (files[i].load_failed)
			status = CLI_EXIT_USAGE;
	}
	oracle_files_free(files, n);
	if (rc)
		return rc;
	printf("%d passed, %d failed", passed, failed);
	if (skipped)
		printf(", %d skipped", skipped);
	printf("\n");
	return cli_exit_worst(status, failed ? CLI_EXIT_FAILED : CLI_EXIT_OK);
}

const struct cli_command cli_cmd_kernel = {
	"kernel", "run scenarios on a real Linux 6.1 or 6.12 kernel in QEMU, print TAP",
	"Run each scenario (.smc) on Debian's stock Linux 6.1 (or 6.12) under QEMU\n"
	"(software emulation) and print TAP 13 like `smemcg run`, then a line\n"
	"`N passed, N failed, N skipped`. Scenarios with the same `machine` (kernel=\n"
	"included) and `cgroup-options` share one boot; output comes boot by boot.\n"
	"Statements that exist only in the model (smemcg, pins, kmalloc, memcg=\n"
	"mounts, policies other than the default) are reported as SKIP. Sets the\n"
	"oracle up with oracle/setup.sh and builds the guest (make oracle-guest) when\n"
	"needed.\n",
	opts, exits,
	"Environment: SMEMCG_ROOT (the source tree), SMEMCG_GUEST (a prebuilt guest),\n"
	"SMEMCG_ORACLE_CACHE and SMEMCG_ORACLE_KERNEL (see oracle/README.md).\n",
	run,
};
