/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The smemcg command line: one file per subcommand, over the public API
 * and the scenario module.
 */
#ifndef SMEMCG_CLI_H
#define SMEMCG_CLI_H

#include <stdbool.h>

#include "../scenario/scenario.h"

struct cli_policy_list {
	struct smc_kv *kv;
	int n;
};

/* Read a whole file; NULL with a message on stderr when it cannot. */
char *cli_read_file(const char *path);
/* Parse "KEY=VALUE" into the list; 0 or -1 with a message on stderr. */
int cli_add_policy(struct cli_policy_list *l, const char *arg);
void cli_policy_list_free(struct cli_policy_list *l);
/* Load and validate a script, printing file:line:col errors. */
int cli_load_script(struct smc_script *s, const char *name, const char *text);
/* The same, for a piece of input whose first line is first_line. */
int cli_load_script_at(struct smc_script *s, const char *name, const char *text,
		       int first_line);

int cmd_run(int argc, char **argv);
int cmd_shell(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_kernel(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);

extern const char demo_scenario[];

#endif
