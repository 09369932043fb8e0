// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg snapshot: write a scenario that rebuilds what live Linux
 * processes have charged to their memory cgroups (src/snapshot/,
 * docs/snapshot.md). Exit status 0, 1 when the output cannot be written,
 * 2 on bad usage, no such process or permission denied, 77 when
 * /proc/kpagecgroup cannot be read (a skip for test suites).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "../snapshot/snapshot.h"
#include "cli.h"

static void snapshot_usage(FILE *f)
{
	fprintf(f,
		"usage: smemcg snapshot --pid PID... [-o FILE.smc] [--no-owners] [--quiet]\n"
		"\n"
		"Write a scenario that rebuilds, on the model, the memory the given Linux\n"
		"processes have present and the memory cgroups the kernel charged it to:\n"
		"their cgroups, the processes, their mappings (anonymous, shmem, files), and\n"
		"first touches of every present page from a process of the owning memcg,\n"
		"with expect lines checking the model charges what the kernel did (5%%).\n"
		"Reads /proc/PID/{maps,smaps,pagemap,cgroup} and, as root, /proc/kpageflags\n"
		"and /proc/kpagecgroup. See docs/snapshot.md.\n"
		"\n"
		"  --pid PID...   the processes (one or more pids, also --pid=PID, repeatable)\n"
		"  -o FILE        write the scenario to FILE (default: standard output)\n"
		"  --no-owners    without /proc/kpagecgroup: assume every page is charged to\n"
		"                 the cgroup of the first given process that maps it\n"
		"  --quiet        no progress on stderr for big processes\n"
		"\n"
		"Exit status: 0 written, 1 the output could not be written, 2 bad usage, no\n"
		"such process or permission denied, 77 /proc/kpagecgroup not readable (not\n"
		"root, or a kernel without CONFIG_MEMCG) and --no-owners not given.\n");
}

static int parse_pid(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v <= 0 || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

int cmd_snapshot(int argc, char **argv)
{
	struct snapshot s;
	const char *outfile = NULL;
	bool owners = true, quiet = false, in_pids = false;
	int *pids = xcalloc((size_t)argc + 1, sizeof(int));
	size_t npid = 0;
	char msg[1024];
	FILE *f;
	int i, err;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			snapshot_usage(stdout);
			free(pids);
			return 0;
		} else if (!strcmp(a, "--pid") || !strcmp(a, "-p")) {
			in_pids = true;
			if (i + 1 >= argc || parse_pid(argv[i + 1], &pids[npid])) {
				fprintf(stderr, "smemcg snapshot: %s needs a process id%s%s\n", a,
					i + 1 < argc ? ", not " : "", i + 1 < argc ? argv[i + 1] : "");
				free(pids);
				return 2;
			}
			npid++;
			i++;
		} else if (!strncmp(a, "--pid=", 6)) {
			in_pids = true;
			if (parse_pid(a + 6, &pids[npid])) {
				fprintf(stderr, "smemcg snapshot: --pid needs a process id, not \"%s\"\n", a + 6);
				free(pids);
				return 2;
			}
			npid++;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "smemcg snapshot: %s needs a file name\n", a);
				free(pids);
				return 2;
			}
			outfile = argv[++i];
			in_pids = false;
		} else if (!strncmp(a, "--output=", 9)) {
			outfile = a + 9;
			in_pids = false;
		} else if (!strcmp(a, "--no-owners")) {
			owners = false;
			in_pids = false;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			quiet = true;
			in_pids = false;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "smemcg snapshot: unknown option %s\n\n", a);
			snapshot_usage(stderr);
			free(pids);
			return 2;
		} else if (in_pids) {
			if (parse_pid(a, &pids[npid])) {
				fprintf(stderr, "smemcg snapshot: \"%s\" is not a process id\n", a);
				free(pids);
				return 2;
			}
			npid++;
		} else {
			fprintf(stderr, "smemcg snapshot: unexpected argument \"%s\" (pids follow --pid)\n\n", a);
			snapshot_usage(stderr);
			free(pids);
			return 2;
		}
	}
	if (!npid) {
		fprintf(stderr, "smemcg snapshot: no process given (--pid PID...)\n\n");
		snapshot_usage(stderr);
		free(pids);
		return 2;
	}
	err = snap_collect(&s, pids, npid, owners, quiet, msg, sizeof(msg));
	free(pids);
	if (err) {
		fprintf(stderr, "smemcg snapshot: %s\n", msg);
		snap_free(&s);
		return err;
	}
	f = outfile ? fopen(outfile, "w") : stdout;
	if (!f) {
		fprintf(stderr, "smemcg snapshot: %s: cannot open: %s\n", outfile, strerror(errno));
		snap_free(&s);
		return 1;
	}
	snap_emit(&s, f);
	if (fflush(f) || ferror(f) || (outfile && fclose(f))) {
		fprintf(stderr, "smemcg snapshot: %s: write error: %s\n",
			outfile ? outfile : "standard output", strerror(errno));
		snap_free(&s);
		return 1;
	}
	if (!quiet && outfile)
		fprintf(stderr, "smemcg snapshot: %zu processes, %zu present pages -> %s\n",
			s.nproc, s.npage, outfile);
	snap_free(&s);
	return 0;
}
