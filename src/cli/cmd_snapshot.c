// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg snapshot: write a scenario that rebuilds what live Linux
 * processes have charged to their memory cgroups (src/snapshot/,
 * docs/snapshot.md). Exit status 0, 2 on bad usage, no such process or
 * permission denied, 3 when the output cannot be written, 77 when
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

static struct {
	struct cli_pids pids;
	const char *outfile;
	bool no_owners, quiet;
} o;

static const struct cli_opt_spec opts[] = {
	{ CLI_OPT_VALUE, "pid", 'p', &o.pids, cli_parse_pids,
	  CLI_OPT_REQUIRED | CLI_OPT_REPEAT | CLI_OPT_MULTI, "PID",
	  "the processes (one or more pids, also --pid=PID, repeatable)" },
	CLI_OPT_OUTPUT_SCENARIO(o.outfile),
	{ CLI_OPT_SWITCH, "no-owners", 0, &o.no_owners, NULL, 0, NULL,
	  "without /proc/kpagecgroup: assume every page is charged to the cgroup of "
	  "the first given process that maps it" },
	{ CLI_OPT_SWITCH, "quiet", 'q', &o.quiet, NULL, 0, NULL,
	  "no progress on stderr for big processes" },
	{ CLI_OPT_END },
};

static const struct cli_exit_note exits[] = {
	{ CLI_EXIT_OK, "the scenario is written" },
	{ CLI_EXIT_USAGE, "a bad option, no such process, or permission denied" },
	{ CLI_EXIT_HOST, "the scenario cannot be written" },
	{ CLI_EXIT_SKIP, "/proc/kpagecgroup is not readable (not root, or a kernel "
			 "without CONFIG_MEMCG) and --no-owners is not given" },
	{ -1, NULL },
};

static int run(void)
{
	struct snapshot s;
	char msg[1024];
	FILE *f;
	int err;

	err = snap_collect(&s, o.pids.v, o.pids.n, !o.no_owners, o.quiet, msg, sizeof(msg));
	if (err) {
		fprintf(stderr, "smemcg snapshot: %s\n", msg);
		snap_free(&s);
		return err;
	}
	f = cli_output_open(o.outfile, "snapshot");
	if (!f) {
		snap_free(&s);
		return CLI_EXIT_HOST;
	}
	snap_emit(&s, f);
	/* standard output is checked, as in every command, by main() */
	if (o.outfile && (fflush(f) | ferror(f) | fclose(f))) {
		fprintf(stderr, "smemcg snapshot: %s: write error: %s\n", o.outfile,
			strerror(errno));
		snap_free(&s);
		return CLI_EXIT_HOST;
	}
	if (!o.quiet && o.outfile)
		fprintf(stderr, "smemcg snapshot: %zu processes, %zu present pages -> %s\n",
			s.nproc, s.npage, o.outfile);
	snap_free(&s);
	return CLI_EXIT_OK;
}

const struct cli_command cli_cmd_snapshot = {
	"snapshot", "write a scenario rebuilding live Linux processes' memcg charges",
	"Write a scenario that rebuilds, on the model, the memory the given Linux\n"
	"processes have present and the memory cgroups the kernel charged it to:\n"
	"their cgroups, the processes, their mappings (anonymous, shmem, files), and\n"
	"first touches of every present page from a process of the owning memcg,\n"
	"with expect lines checking the model charges what the kernel did (5%).\n"
	"Reads /proc/PID/{maps,smaps,pagemap,cgroup} and, as root, /proc/kpageflags\n"
	"and /proc/kpagecgroup. See docs/snapshot.md.\n",
	opts, exits, NULL, run,
};
