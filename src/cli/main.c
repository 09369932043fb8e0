// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg: entry point and subcommand dispatch. Every command's options are
 * parsed by the one parser against its table (opt.h); what it wrote to
 * standard output is flushed and checked here, so that output lost to a
 * full disk or a closed stdout is an error in every command.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/base.h"
#include "cli.h"
#include "smemcg.h"

static const struct cli_command *const commands[] = {
	&cli_cmd_run, &cli_cmd_shell, &cli_cmd_demo, &cli_cmd_kernel, &cli_cmd_diff,
	&cli_cmd_compare, &cli_cmd_report, &cli_cmd_snapshot, &cli_cmd_record, &cli_cmd_sweep,
	&cli_cmd_merge,
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: smemcg COMMAND [ARGS...]\n"
		"\n"
		"A deterministic model of the Linux 6.1 memory cgroup controller (cgroup v2)\n"
		"with the proposals for shared memory built in and switchable by policy.\n"
		"\n"
		"commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f,
		"\n"
		"`smemcg COMMAND --help` explains a command. The scenario language is\n"
		"described in docs/scenario.md, the policies in docs/policies.md, the\n"
		"options and exit statuses every command shares in docs/cli.md.\n");
}

int cli_flush_stdout(const char *cmd)
{
	int lost = ferror(stdout);

	errno = 0;
	if (fflush(stdout) == 0 && !lost)
		return CLI_EXIT_OK;
	fprintf(stderr, "smemcg%s%s: error writing standard output%s%s\n", cmd ? " " : "",
		cmd ? cmd : "", errno ? ": " : "", errno ? strerror(errno) : "");
	return CLI_EXIT_HOST;
}

FILE *cli_output_open(const char *path, const char *cmd)
{
	FILE *f = path ? fopen(path, "w") : stdout;

	if (!f)
		fprintf(stderr, "smemcg %s: %s: cannot open: %s\n", cmd, path, strerror(errno));
	return f;
}

/*
 * A standard descriptor closed by the caller would be the next file we
 * open, and our output would land in it. Each closed one gets /dev/null
 * open the wrong way round: writes to a closed stdout still fail (EBADF),
 * as they would have, and reads of a closed stdin too.
 */
static void guard_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
			if (open("/dev/null", fd ? O_RDONLY : O_WRONLY) != fd)
				exit(CLI_EXIT_HOST);
}

int main(int argc, char **argv)
{
	size_t i;
	int rc;

	guard_std_fds();
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return cli_flush_stdout(NULL);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("smemcg " SMEMCG_VERSION " (models Linux 6.1 memcg, cgroup v2)\n");
		return cli_flush_stdout(NULL);
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i]->name))
			continue;
		rc = cli_parse(commands[i], argc - 1, argv + 1);
		if (rc >= 0)
			rc = rc ? CLI_EXIT_OK : commands[i]->run();
		cli_opt_free(commands[i]);
		if (rc < 0)
			return CLI_EXIT_USAGE;
		return cli_exit_worst(rc, cli_flush_stdout(commands[i]->name));
	}
	fprintf(stderr, "smemcg: unknown command \"%s\"\n\n", argv[1]);
	usage(stderr);
	return CLI_EXIT_USAGE;
}
