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

static void kernel_usage(FILE *f)
{
	fprintf(f,
		"usage: smemcg kernel [--kernel 6.1|6.12] [--timeout SEC] FILE...\n"
		"\n"
		"Run each scenario (.smc) on Debian's stock Linux 6.1 (or 6.12) under QEMU\n"
		"(software emulation) and print TAP 13 like `smemcg run`, then a line\n"
		"`N passed, N failed, N skipped`. Scenarios with the same `machine` and\n"
		"`cgroup-options` share one boot; output comes boot by boot. Statements that\n"
		"exist only in the model (smemcg, pins, kmalloc, memcg= mounts, policies\n"
		"other than the default) are reported as SKIP. Sets the oracle up with\n"
		"oracle/setup.sh and builds the guest (make oracle-guest) when needed.\n"
		"Exit status 1 when anything failed, 2 on bad usage or when the oracle\n"
		"cannot run.\n"
		"\n"
		"  --kernel 6.1|6.12  the kernel to boot (default 6.1; oracle/kernels has the\n"
		"                 exact Debian package and version of each)\n"
		"  --timeout SEC  wall-clock limit of one boot (default 600)\n"
		"\n"
		"Environment: SMEMCG_ROOT (the source tree), SMEMCG_GUEST (a prebuilt guest),\n"
		"SMEMCG_ORACLE_CACHE and SMEMCG_ORACLE_KERNEL (see oracle/README.md).\n");
}

int cmd_kernel(int argc, char **argv)
{
	struct oracle_file *files;
	struct oracle_opts o;
	int i, n = 0, passed = 0, failed = 0, skipped = 0, rc;

	memset(&o, 0, sizeof(o));
	o.stream = true;
	files = xcalloc((size_t)argc, sizeof(*files));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			kernel_usage(stdout);
			free(files);
			return 0;
		} else if (!strcmp(argv[i], "--kernel") && i + 1 < argc) {
			o.kernel = argv[++i];
			if (oracle_kernel_check("kernel", o.kernel)) {
				free(files);
				return 2;
			}
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			o.timeout = atoi(argv[++i]);
			if (o.timeout <= 0) {
				fprintf(stderr, "smemcg kernel: --timeout takes seconds\n");
				free(files);
				return 2;
			}
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "smemcg kernel: unknown option %s\n\n", argv[i]);
			kernel_usage(stderr);
			free(files);
			return 2;
		} else {
			files[n++].path = argv[i];
		}
	}
	if (!n) {
		kernel_usage(stderr);
		free(files);
		return 2;
	}
	rc = oracle_run_files(files, n, &o);
	for (i = 0; i < n; i++) {
		passed += files[i].res.passed;
		failed += files[i].res.failed;
		skipped += files[i].res.skipped;
		oracle_file_free(&files[i]);
	}
	free(files);
	if (rc)
		return 2;
	printf("%d passed, %d failed", passed, failed);
	if (skipped)
		printf(", %d skipped", skipped);
	printf("\n");
	return failed ? 1 : 0;
}
