// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg: entry point and subcommand dispatch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "cli.h"
#include "smemcg.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "run scenarios on the model, print TAP" },
	{ "shell", cmd_shell, "type scenario statements interactively" },
	{ "demo", cmd_demo, "run the built-in demonstration scenario" },
	{ "kernel", cmd_kernel, "run scenarios on a real Linux 6.1 kernel in QEMU, print TAP" },
	{ "diff", cmd_diff, "run scenarios on the model and the kernel, compare every value" },
	{ "compare", cmd_compare, "run a scenario under several policies, side by side" },
	{ "report", cmd_report, "run a scenario under policy sets, write an HTML page of charts" },
	{ "snapshot", cmd_snapshot, "write a scenario rebuilding live Linux processes' memcg charges" },
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
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"`smemcg COMMAND --help` explains a command. The scenario language is\n"
		"described in docs/scenario.md, the policies in docs/policies.md.\n");
}

char *cli_read_file(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	struct strbuf sb;
	char buf[65536];
	size_t n;

	if (!f) {
		fprintf(stderr, "smemcg: %s: cannot open: %m\n", path);
		return NULL;
	}
	sb_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb.len + n > (64u << 20)) {
			fprintf(stderr, "smemcg: %s: larger than 64 MiB, not a scenario\n", path);
			if (f != stdin)
				fclose(f);
			sb_free(&sb);
			return NULL;
		}
		sb_add(&sb, buf, n);
	}
	if (ferror(f)) {
		fprintf(stderr, "smemcg: %s: read error: %m\n", path);
		if (f != stdin)
			fclose(f);
		sb_free(&sb);
		return NULL;
	}
	if (f != stdin)
		fclose(f);
	/* a NUL byte would silently end the text: say where it is */
	if (sb.len && memchr(sb.buf, '\0', sb.len)) {
		const char *nul = memchr(sb.buf, '\0', sb.len), *q;
		int line = 1, col = 1;

		for (q = sb.buf; q < nul; q++) {
			col++;
			if (*q == '\n') {
				line++;
				col = 1;
			}
		}
		fprintf(stderr, "%s:%d:%d: error: NUL byte in the script\n", path, line, col);
		sb_free(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}

int cli_add_policy(struct cli_policy_list *l, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char msg[256];
	char *key;

	if (!eq || eq == arg || !eq[1]) {
		fprintf(stderr, "smemcg: --policy takes KEY=VALUE, not \"%s\"\n", arg);
		return -1;
	}
	key = xstrndup(arg, (size_t)(eq - arg));
	if (smemcg_policy_check(msg, sizeof(msg), key, eq + 1)) {
		fprintf(stderr, "smemcg: --policy %s: %s\n", arg, msg);
		free(key);
		return -1;
	}
	l->kv = xrealloc(l->kv, (size_t)(l->n + 1) * sizeof(*l->kv));
	l->kv[l->n].key = key;
	l->kv[l->n].value = xstrdup(eq + 1);
	l->n++;
	return 0;
}

void cli_policy_list_free(struct cli_policy_list *l)
{
	int i;

	for (i = 0; i < l->n; i++) {
		free((char *)l->kv[i].key);
		free((char *)l->kv[i].value);
	}
	free(l->kv);
	l->kv = NULL;
	l->n = 0;
}

int cli_load_script(struct smc_script *s, const char *name, const char *text)
{
	return cli_load_script_at(s, name, text, 1);
}

int cli_load_script_at(struct smc_script *s, const char *name, const char *text,
		       int first_line)
{
	struct smc_error err;

	if (smc_script_load_n(s, name, text, strlen(text), first_line, &err) ||
	    smc_script_validate(s, &err)) {
		fprintf(stderr, "%s:%d:%d: error: %s\n", name, err.line, err.col, err.msg);
		if (s->lines)
			smc_script_free(s);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("smemcg 0.1 (models Linux 6.1 memcg, cgroup v2)\n");
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "smemcg: unknown command \"%s\"\n\n", argv[1]);
	usage(stderr);
	return 2;
}
