/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Declarative command-line options, in the shape of libgit2's cli_opt_spec:
 * each command declares one table of its options and operands, one parser
 * reads argv against it, and the command's usage line and --help are
 * generated from the same table. An option is parsed one way wherever it
 * appears (--jobs, --policy, --quiet), and documented where it is declared.
 *
 * The exit statuses are the same in every command, one meaning each
 * (docs/cli.md); a command lists those it returns, with when, and its
 * --help prints them.
 */
#ifndef SMEMCG_CLI_OPT_H
#define SMEMCG_CLI_OPT_H

#include <stdbool.h>
#include <stdio.h>

#include "../base/base.h"

enum cli_exit {
	CLI_EXIT_OK = 0,	/* all passed */
	CLI_EXIT_FAILED = 1,	/* a test failed: an expect, a statement, a run */
	CLI_EXIT_USAGE = 2,	/* bad usage, or an input that cannot be loaded */
	CLI_EXIT_HOST = 3,	/* out of host resources, or output that cannot be written */
	CLI_EXIT_SKIP = 77,	/* skipped: what the command needs is missing here */
};

/* The status of a command that saw both: the host's failure first, then input, then tests. */
int cli_exit_worst(int a, int b);

enum cli_opt_type {
	CLI_OPT_END = 0,	/* ends a table */
	CLI_OPT_SWITCH,		/* --check: *(bool *)value becomes true */
	CLI_OPT_VALUE,		/* --jobs N, --jobs=N, -j N, -jN */
	CLI_OPT_ARG,		/* an operand: FILE */
};

#define CLI_OPT_REQUIRED 0x1	/* must be given */
#define CLI_OPT_REPEAT 0x2	/* an option that may be given again; operands: one or more */
#define CLI_OPT_MULTI 0x4	/* VALUE: the operands that follow are values too (--pid 1 2) */
#define CLI_OPT_POLICIES 0x8	/* the help goes on with every policy key and its values */

/*
 * Converts and stores one value (arg as given). Returns 0, or -1 with in
 * err why the value is refused, worded to follow the option's name
 * ("takes a number from 1 to 4096, not \"2x\"").
 */
typedef int (*cli_opt_parse_fn)(void *value, const char *arg, struct strbuf *err);

struct cli_opt_spec {
	enum cli_opt_type type;
	const char *name;	/* without "--"; an operand: its placeholder (FILE) */
	char alias;		/* -x, or 0 */
	void *value;		/* SWITCH: a bool; otherwise what parse takes */
	cli_opt_parse_fn parse;	/* NULL: value is a const char * (the last one given) */
	unsigned flags;		/* CLI_OPT_REQUIRED, CLI_OPT_REPEAT, CLI_OPT_MULTI */
	const char *value_name;	/* VALUE: "N", "KEY=VALUE" */
	const char *help;	/* lines separated by \n; NULL: not listed */
};

/* When a command returns a status: the --help prints each after its meaning. */
struct cli_exit_note {
	int status;
	const char *when;	/* NULL: the status's meaning alone */
};

struct cli_command {
	const char *name;
	const char *summary;		/* one line of `smemcg --help` */
	const char *description;	/* the --help between usage and options */
	const struct cli_opt_spec *opts;	/* ends with CLI_OPT_END */
	const struct cli_exit_note *exits;	/* ends with status -1 */
	const char *epilog;		/* the --help after the options; NULL: none */
	int (*run)(void);		/* after a successful parse; returns an exit status */
};

/*
 * Parse argv (argv[0] is the command's name) against cmd's table, storing
 * the values. Returns 0 when the command is to run, 1 after --help was
 * printed on stdout, -1 after a message naming what is wrong and the usage
 * line on stderr (the command exits with CLI_EXIT_USAGE).
 */
int cli_parse(const struct cli_command *cmd, int argc, char **argv);

/* The usage line(s): "usage: smemcg run [--check] ... FILE...". */
void cli_usage(FILE *f, const struct cli_command *cmd);
/* The whole --help: usage, description, options, exit statuses, epilog. */
void cli_help(FILE *f, const struct cli_command *cmd);

/* The meaning of an exit status, as every --help and docs/cli.md word it. */
const char *cli_exit_meaning(int status);

/* Operands of a CLI_OPT_REPEAT CLI_OPT_ARG (parse: cli_args_add). */
struct cli_args {
	const char **v;		/* into argv */
	int n;
};
int cli_args_add(void *args, const char *arg, struct strbuf *err);
void cli_args_free(struct cli_args *a);

#endif
