// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scenarios as the commands load them: the whole file read (bounded), then
 * the language's one reader (with the --define parameters) and the checks
 * of smc_script_validate, every error as FILE:LINE:COL: error: MESSAGE
 * (standard input is <stdin>, as in the shell).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_SCRIPT (64u << 20)

/* A host that refuses memory or descriptors is not the scenario's fault. */
static int open_status(int err)
{
	return err == ENOMEM || err == EMFILE || err == ENFILE ? CLI_EXIT_HOST : CLI_EXIT_USAGE;
}

/* Why a file cannot be read: on stderr, and in err for a TAP point. */
static int read_error(struct smc_error *err, int status, const char *path, const char *fmt, ...)
	PRINTF_LIKE(4, 5);

static int read_error(struct smc_error *err, int status, const char *path, const char *fmt, ...)
{
	struct smc_error e;
	va_list ap;

	if (!err)
		err = &e;
	err->line = err->col = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "smemcg: %s: %s\n", path, err->msg);
	return status;
}

char *cli_read_file(const char *path, size_t *len, int *status, struct smc_error *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	struct strbuf sb;
	char buf[65536];
	size_t n;

	*status = CLI_EXIT_OK;
	if (!f) {
		*status = read_error(err, open_status(errno), path, "cannot open: %s",
				     strerror(errno));
		return NULL;
	}
	sb_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb.len + n > MAX_SCRIPT) {
			*status = read_error(err, CLI_EXIT_USAGE, path,
					     "larger than 64 MiB, not a scenario");
			break;
		}
		sb_add(&sb, buf, n);
	}
	if (!*status && ferror(f))
		*status = read_error(err, open_status(errno), path, "read error: %s",
				     strerror(errno));
	if (f != stdin)
		fclose(f);
	if (*status) {
		sb_free(&sb);
		return NULL;
	}
	sb_add(&sb, "", 0);
	*len = sb.len;
	return sb_detach(&sb);
}

const char *cli_input_name(const char *path)
{
	return strcmp(path, "-") ? path : "<stdin>";
}

static int load(struct smc_script *s, const char *name, const char *text, size_t len,
		const struct smc_defines *defs, const char *kernel, struct smc_error *err)
{
	struct smc_error e;

	if (!err)
		err = &e;
	if (smc_script_load_defs(s, name, text, len, 1, defs, err) ||
	    smc_script_validate_kernel(s, kernel, err)) {
		fprintf(stderr, "%s:%d:%d: error: %s\n", name, err->line, err->col, err->msg);
		if (s->lines)
			smc_script_free(s);
		memset(s, 0, sizeof(*s));
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

int cli_load_text(struct smc_script *s, const char *name, const char *text,
		  struct smc_error *err)
{
	return load(s, name, text, strlen(text), NULL, NULL, err);
}

int cli_load_file_defs(struct smc_script *s, const char *path, const struct smc_defines *defs,
		       const char *kernel, struct smc_error *err)
{
	size_t len = 0;
	int status;
	char *text = cli_read_file(path, &len, &status, err);

	memset(s, 0, sizeof(*s));
	if (!text)
		return status;
	status = load(s, cli_input_name(path), text, len, defs, kernel, err);
	free(text);
	return status;
}

int cli_load_file(struct smc_script *s, const char *path, struct smc_error *err)
{
	return cli_load_file_defs(s, path, NULL, NULL, err);
}

const char *cli_policy_kernel(const struct smc_kv *kv, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(kv[i].key, "kernel"))
			return kv[i].value;
	return NULL;
}

const char *cli_axes_kernel(const struct cli_policy_axes *ax)
{
	int i;

	for (i = 0; ax && i < ax->n; i++)
		if (!strcmp(ax->k[i].key, "kernel"))
			return ax->k[i].n == 1 ? ax->k[i].v[0] : SMC_KERNEL_ANY;
	return NULL;
}

void cli_warn_unused_defines(const char *cmd, const struct smc_kv *kv, const bool *used, int n)
{
	int k;

	for (k = 0; k < n; k++)
		if (!used[k])
			fprintf(stderr, "smemcg %s: --define %s: no scenario uses $%s\n", cmd,
				kv[k].key, kv[k].key);
}
