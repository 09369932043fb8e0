// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg-guest: the oracle's guest program. oracle/run.sh boots it as
 * /smemcg-guest in the QEMU guest; `smemcg kernel` and `smemcg diff` start
 * run.sh and read what it prints.
 *
 *   smemcg-guest [--values] [--label=NAME]... FILE...
 *
 * Runs each scenario with the real-kernel backend (kernel_backend.c), one
 * after another in this one boot, cleaning up between them, and prints the
 * same TAP 13 as `smemcg run`. Lines for the host start with "##smemcg-":
 *
 *   ##smemcg-begin I                    scenario I (0-based) starts
 *   ##smemcg-result I PASSED FAILED SKIPPED STOPPED
 *   ##smemcg-obs I LINE OP WHAT KEY v VALUE   (--values) a value the script
 *   ##smemcg-obs I LINE OP WHAT KEY n NOTE     looked at, or why there is none
 *   ##smemcg-error MESSAGE             the harness could not start
 *
 * OP is e (expect of a file), p (expect of a process), r (read) or x
 * (expect-error); KEY is "-" when there is none; VALUE and NOTE escape
 * backslash, newline and tab as \\, \n and \t. The i-th --label names the
 * i-th FILE in the TAP output (the host's path rather than /scenarios/...).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kernel_backend.h"

struct obs_ctx {
	int index;
};

static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\t')
			fputs("\\t", f);
		else
			fputc(*s, f);
	}
}

static void observe(void *ctx, const struct smc_stmt *st, const char *value, const char *note)
{
	struct obs_ctx *o = ctx;
	char op;
	const char *what, *key;

	switch (st->op) {
	case SMC_EXPECT_FILE: op = 'e'; what = st->path; key = st->key; break;
	case SMC_EXPECT_PROC: op = 'p'; what = st->proc; key = "state"; break;
	case SMC_READ: op = 'r'; what = st->path; key = NULL; break;
	case SMC_EXPECT_ERROR:
		op = 'x';
		what = smc_op_name(st->inner->op);
		key = errno_name(st->err);
		break;
	default: return;
	}
	printf("##smemcg-obs %d %d %c ", o->index, st->line, op);
	for (; *what; what++)
		putchar(*what == ' ' ? '_' : *what);
	/* KEY FIELD (memory.numa_stat's "anon N0") is KEY.FIELD, as the host names it */
	if (st->op == SMC_EXPECT_FILE && st->field)
		printf(" %s.%s %c ", key, st->field, value ? 'v' : 'n');
	else
		printf(" %s %c ", key ? key : "-", value ? 'v' : 'n');
	put_escaped(stdout, value ? value : note ? note : "");
	putchar('\n');
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb;
	char buf[8192];
	size_t n;

	if (!f)
		return NULL;
	sb_init(&sb);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	if (!sb.buf)
		sb_puts(&sb, "");
	return sb_detach(&sb);
}

/*
 * The kernel baseline this guest runs ("6.12.117+deb12-amd64" is 6.12):
 * the host booted the one the scenario or its command line chose, and
 * the scenario's control files are checked against it.
 */
static const char *running_kernel(void)
{
	static char name[16];
	struct utsname u;
	int major, minor;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return NULL;
	snprintf(name, sizeof(name), "%d.%d", major, minor);
	return name;
}

int main(int argc, char **argv)
{
	const char **labels = xcalloc((size_t)argc, sizeof(*labels));
	const char **files = xcalloc((size_t)argc, sizeof(*files));
	int nlabels = 0, nfiles = 0, i, failed = 0;
	bool values = false;
	struct strbuf msg;

	/*
	 * Without restartable sequences: the kernel writes the CPU number into
	 * a registered rseq area (in the TLS page) whenever the task returns
	 * to user space after a migration or a fork, which would be a
	 * copy-on-write fault charged to a scenario cgroup right after `fork`.
	 */
	if (!getenv("SMEMCG_GUEST_EXEC")) {
		setenv("GLIBC_TUNABLES", "glibc.pthread.rseq=0", 1);
		setenv("SMEMCG_GUEST_EXEC", "1", 1);
		execv("/proc/self/exe", argv);
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--values"))
			values = true;
		else if (!strncmp(argv[i], "--label=", 8))
			labels[nlabels++] = argv[i] + 8;
		else
			files[nfiles++] = argv[i];
	}
	sb_init(&msg);
	if (kb_harness_init(&msg)) {
		printf("##smemcg-error %s\n", msg.buf ? msg.buf : "harness set-up failed");
		return 3;
	}
	sb_free(&msg);

	for (i = 0; i < nfiles; i++) {
		const char *label = i < nlabels ? labels[i] : files[i];
		struct smc_script s;
		struct smc_error err;
		struct smc_result res;
		char *text = slurp(files[i]);

		memset(&s, 0, sizeof(s));

		printf("##smemcg-begin %d\n", i);
		memset(&res, 0, sizeof(res));
		if (!text) {
			printf("TAP version 13\n# %s\nnot ok 1 - %s: cannot open: %s\n1..1\n", label,
			       label, strerror(errno));
			res.failed = 1;
		} else if (smc_script_load(&s, label, text, &err) ||
			   smc_script_validate_kernel(&s, running_kernel(), &err)) {
			printf("TAP version 13\n# %s\nnot ok 1 - %s:%d:%d: %s\n1..1\n", label, label,
			       err.line, err.col, err.msg);
			res.failed = 1;
			if (s.lines)
				smc_script_free(&s);
		} else {
			struct kernel_backend *kb = kernel_backend_new(i);
			struct smc_backend be;
			struct smc_run_opts opts;
			struct obs_ctx oc = { i };

			kernel_backend_ops(&be, kb);
			memset(&opts, 0, sizeof(opts));
			opts.out = stdout;
			opts.quiet = true;
			if (values) {
				opts.observe = observe;
				opts.observe_ctx = &oc;
			}
			smc_run(&res, &s, &be, &opts);
			fflush(stdout);
			kernel_backend_finish(kb);
			smc_script_free(&s);
		}
		free(text);
		printf("##smemcg-result %d %d %d %d %d\n", i, res.passed, res.failed, res.skipped,
		       res.stopped ? 1 : 0);
		fflush(stdout);
		failed += res.failed;
	}
	free(labels);
	free(files);
	return failed ? 1 : 0;
}
