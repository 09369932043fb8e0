// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of the real-kernel oracle (see oracle_host.h and
 * docs/oracle.md).
 */
#include "oracle_host.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "smemcg.h"

/* ---- observations ---- */

void oracle_obs_add(struct oracle_obs_list *l, int line, char op, const char *what,
		    const char *key, const char *value, const char *note)
{
	struct oracle_obs *o;

	l->v = xrealloc(l->v, (size_t)(l->n + 1) * sizeof(*l->v));
	o = &l->v[l->n++];
	o->line = line;
	o->op = op;
	o->what = xstrdup(what ? what : "");
	o->key = key && strcmp(key, "-") ? xstrdup(key) : NULL;
	o->value = value ? xstrdup(value) : NULL;
	o->note = note ? xstrdup(note) : NULL;
}

void oracle_obs_free(struct oracle_obs_list *l)
{
	int i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].what);
		free(l->v[i].key);
		free(l->v[i].value);
		free(l->v[i].note);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void oracle_obs_from_stmt(struct oracle_obs_list *l, const struct smc_stmt *st,
			  const char *value, const char *note)
{
	char what[512];
	size_t i;

	switch (st->op) {
	case SMC_EXPECT_FILE:
		if (st->field) {
			/* KEY FIELD (memory.numa_stat's "anon N0") as one word: KEY.FIELD */
			snprintf(what, sizeof(what), "%s.%s", st->key, st->field);
			oracle_obs_add(l, st->line, 'e', st->path, what, value, note);
		} else {
			oracle_obs_add(l, st->line, 'e', st->path, st->key, value, note);
		}
		break;
	case SMC_EXPECT_PROC:
		oracle_obs_add(l, st->line, 'p', st->proc, "state", value, note);
		break;
	case SMC_READ:
		oracle_obs_add(l, st->line, 'r', st->path, NULL, value, note);
		break;
	case SMC_EXPECT_ERROR:
		snprintf(what, sizeof(what), "%s", smc_op_name(st->inner->op));
		for (i = 0; what[i]; i++)
			if (what[i] == ' ')
				what[i] = '_';
		oracle_obs_add(l, st->line, 'x', what, errno_name(st->err), value, note);
		break;
	default:
		break;
	}
}

void oracle_file_free(struct oracle_file *f)
{
	sb_free(&f->tap);
	oracle_obs_free(&f->obs);
}

struct oracle_file *oracle_files_new(const char *const *paths, int n)
{
	struct oracle_file *files = xcalloc((size_t)n + 1, sizeof(*files));
	int i;

	for (i = 0; i < n; i++)
		files[i].path = paths[i];
	return files;
}

void oracle_files_free(struct oracle_file *files, int n)
{
	int i;

	for (i = 0; i < n; i++)
		oracle_file_free(&files[i]);
	free(files);
}

static char *unescape(const char *s)
{
	struct strbuf sb;

	sb_init(&sb);
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			sb_add(&sb, *s == 'n' ? "\n" : *s == 't' ? "\t" : s, 1);
		} else {
			sb_add(&sb, s, 1);
		}
	}
	if (!sb.buf)
		sb_puts(&sb, "");
	return sb_detach(&sb);
}

/* ##smemcg-obs I LINE OP WHAT KEY v|n TEXT */
static int parse_obs(struct oracle_obs_list *lists, int nfiles, int *map, const char *line)
{
	int idx, ln, off = 0;
	char op, kind, what[1300], key[128];
	char *text;

	if (sscanf(line, "##smemcg-obs %d %d %c %1299s %127s %c %n", &idx, &ln, &op, what, key,
		   &kind, &off) != 6 || !off || idx < 0 || idx >= nfiles)
		return -1;
	text = unescape(line + off);
	oracle_obs_add(&lists[map[idx]], ln, op, what, key, kind == 'v' ? text : NULL,
		       kind == 'v' ? NULL : text);
	free(text);
	return 0;
}

/* ---- locating the project ---- */

/* out = a + b; false when it does not fit. */
static bool join(char *out, size_t size, const char *a, const char *b)
{
	return (size_t)snprintf(out, size, "%s%s", a, b) < size;
}

static bool is_root(const char *dir)
{
	char p[PATH_MAX];
	struct stat sb;

	return join(p, sizeof(p), dir, "/oracle/run.sh") && !stat(p, &sb) && S_ISREG(sb.st_mode);
}

/* The source tree: $SMEMCG_ROOT, the binary's directory or its parents, or the cwd. */
static int find_root(char *out, size_t size)
{
	const char *env = getenv("SMEMCG_ROOT");
	char exe[PATH_MAX];
	ssize_t n;
	int up;

	if (env && *env) {
		if (!is_root(env)) {
			fprintf(stderr, "smemcg: SMEMCG_ROOT=%s has no oracle/run.sh\n", env);
			return -1;
		}
		snprintf(out, size, "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (up = 0; up < 4; up++) {
			char *slash = strrchr(exe, '/');

			if (!slash || slash == exe)
				break;
			*slash = '\0';
			if (is_root(exe)) {
				snprintf(out, size, "%s", exe);
				return 0;
			}
		}
	}
	if (getcwd(exe, sizeof(exe)) && is_root(exe)) {
		snprintf(out, size, "%s", exe);
		return 0;
	}
	fprintf(stderr, "smemcg: cannot find the smemcg source tree (oracle/run.sh); "
			"set SMEMCG_ROOT\n");
	return -1;
}

/* out_fd: where the command's stdout goes (2: stderr); any fd but 2 gets
 * its stderr too. */
static int run_cmd(char *const argv[], int out_fd)
{
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(out_fd, 1);
		if (out_fd != 2)
			dup2(out_fd, 2);
		execv(argv[0], argv);
		execvp(argv[0], argv);
		fprintf(stderr, "smemcg: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const char *const oracle_kernels[] = { "6.1", "6.12", NULL };

int oracle_kernel_check(const char *cmd, const char *name)
{
	int i;

	for (i = 0; oracle_kernels[i]; i++)
		if (!strcmp(name, oracle_kernels[i]))
			return 0;
	fprintf(stderr, "smemcg %s: --kernel %s: the oracle boots 6.1 or 6.12 (oracle/kernels)\n",
		cmd, name);
	return -1;
}

/*
 * oracle/setup.sh --kernel B: installs what is missing, fetches the
 * baseline's kernel when it is not cached, and otherwise only checks
 * (~15 ms). Its progress goes to stderr only when it had work to do.
 */
static int ensure_setup(const char *root, const char *kernel)
{
	char setup[PATH_MAX], log[] = "/tmp/smemcg-setup.XXXXXX";
	char *argv[4];
	int fd, rc, st;
	size_t len;
	char *text;

	if (!join(setup, sizeof(setup), root, "/oracle/setup.sh"))
		return -1;
	fd = mkstemp(log);
	if (fd < 0)
		return -1;
	argv[0] = setup;
	argv[1] = (char *)"--kernel";
	argv[2] = (char *)kernel;
	argv[3] = NULL;
	rc = run_cmd(argv, fd);
	close(fd);
	text = cli_read_file(log, &len, &st, NULL);
	unlink(log);
	/* quiet when it only found everything ready */
	if (rc || !text || strncmp(text, "oracle/setup: ready:", 20))
		fputs(text ? text : "", stderr);
	free(text);
	if (rc) {
		fprintf(stderr, "smemcg: oracle/setup.sh --kernel %s failed: the oracle cannot run\n",
			kernel);
		return -1;
	}
	return 0;
}

/* The static guest: $SMEMCG_GUEST, or `make oracle-guest` in the tree. */
static int ensure_guest(const char *root, char *out, size_t size)
{
	const char *env = getenv("SMEMCG_GUEST");
	char *argv[6];

	if (env && *env) {
		snprintf(out, size, "%s", env);
		return access(out, X_OK) ? -1 : 0;
	}
	argv[0] = (char *)"make";
	argv[1] = (char *)"-s";
	argv[2] = (char *)"-C";
	argv[3] = (char *)root;
	argv[4] = (char *)"oracle-guest";
	argv[5] = NULL;
	if (run_cmd(argv, 2)) {
		fprintf(stderr, "smemcg: building the guest program (make oracle-guest) failed\n");
		return -1;
	}
	return join(out, size, root, "/build/oracle/smemcg-guest") ? 0 : -1;
}

/* ---- machine configurations ---- */

/* The oracle's name for a baseline (a static string), or NULL. */
static const char *kernel_name(const char *name)
{
	int i;

	for (i = 0; oracle_kernels[i]; i++)
		if (!strcmp(name, oracle_kernels[i]))
			return oracle_kernels[i];
	return NULL;
}

int oracle_script_machine(const char *file, const char *kernel, struct machine_cfg *cfg)
{
	struct smc_script s;
	int i, k;

	cfg->memory = 4ULL << 30;
	cfg->swap = 0;
	cfg->cpus = 2;
	cfg->cgopts = 0;
	cfg->kernel = kernel ? kernel_name(kernel) : NULL;
	if (cli_load_file_defs(&s, file, NULL, kernel, NULL))
		return -1;
	for (i = 0; i < s.nlines; i++) {
		struct smc_stmt st;
		struct smc_error err;

		if (smc_parse_stmt(&st, &s.lines[i], &err))
			continue;
		if (st.op == SMC_MACHINE) {
			if (st.flags & SMC_F_SIZE)
				cfg->memory = st.size;
			if (st.flags & SMC_F_SWAP)
				cfg->swap = st.swap;
			if (st.flags & SMC_F_CPUS)
				cfg->cpus = (int)st.num;
		} else if (st.op == SMC_CGROUP_OPTIONS) {
			cfg->cgopts |= st.cgopts;
		}
		for (k = 0; !kernel && k < st.nkv; k++)
			if ((st.op == SMC_MACHINE || st.op == SMC_POLICY) &&
			    !strcmp(st.kv[k].key, "kernel"))
				cfg->kernel = kernel_name(st.kv[k].value);
		smc_stmt_free(&st);
	}
	smc_script_free(&s);
	if (!cfg->kernel)
		cfg->kernel = oracle_kernels[0];
	return 0;
}

static bool cfg_eq(const struct machine_cfg *a, const struct machine_cfg *b)
{
	return a->memory == b->memory && a->swap == b->swap && a->cpus == b->cpus &&
	       a->cgopts == b->cgopts && a->kernel == b->kernel;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void tap_line(struct oracle_file *f, const struct oracle_opts *o, const char *line)
{
	sb_printf(&f->tap, "%s\n", line);
	if (o->stream) {
		printf("%s\n", line);
		fflush(stdout);
	}
}

/*
 * $SMEMCG_ORACLE_RECORD=FILE saves what each boot's guest printed, each boot
 * ending with a line BOOT_END and run.sh's exit status;
 * $SMEMCG_ORACLE_REPLAY=FILE reads such a file instead of booting, boot by
 * boot in the same order (the same files given in the same order). A
 * recording made on one kernel can be compared with the model again without
 * QEMU, and tests/cli feeds the host side hand-written guest output.
 */
#define BOOT_END "##smemcg-boot-end "
static FILE *g_record, *g_replay;

/* Boots one guest for the files idx[0..n) (all of one configuration). */
static int run_group(const char *root, const char *guest, struct oracle_file *files,
		     const int *idx, int n, const struct machine_cfg *cfg,
		     const struct oracle_opts *o)
{
	char tmpl[] = "/tmp/smemcg-kernel.XXXXXX";
	char **argv, buf[PATH_MAX + 32];
	int argc = 0, i, pfd[2], status, rc = 0, cur = -1;
	size_t cap = (size_t)(4 * n + 32);
	FILE *in;
	char *line = NULL;
	size_t linecap = 0;
	ssize_t len;
	pid_t pid;
	double t0 = now_s();
	struct oracle_obs_list *lists;
	struct strbuf guest_err;

	if (!mkdtemp(tmpl)) {
		fprintf(stderr, "smemcg: mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	argv = xcalloc(cap, sizeof(*argv));
#define ARG(s) (argv[argc++] = xstrdup(s))
	snprintf(buf, sizeof(buf), "%s/oracle/run.sh", root);
	ARG(buf);
	ARG(guest);
	ARG("--kernel");
	ARG(cfg->kernel);
	ARG("--memory");
	snprintf(buf, sizeof(buf), "%lluM", (unsigned long long)((cfg->memory + (1 << 20) - 1) >> 20));
	ARG(buf);
	ARG("--cpus");
	snprintf(buf, sizeof(buf), "%d", cfg->cpus);
	ARG(buf);
	ARG("--swap");
	snprintf(buf, sizeof(buf), "%lluK", (unsigned long long)((cfg->swap + 1023) >> 10));
	ARG(buf);
	/* one ext2 block group: see docs/oracle.md */
	ARG("--disk");
	ARG("128M");
	if (cfg->cgopts) {
		ARG("--cgopts");
		snprintf(buf, sizeof(buf), "%s%s%s",
			 (cfg->cgopts & SMEMCG_OPT_RECURSIVEPROT) ? "memory_recursiveprot" : "",
			 (cfg->cgopts & SMEMCG_OPT_RECURSIVEPROT) &&
				 (cfg->cgopts & SMEMCG_OPT_LOCALEVENTS) ? "," : "",
			 (cfg->cgopts & SMEMCG_OPT_LOCALEVENTS) ? "memory_localevents" : "");
		ARG(buf);
	}
	if (o->timeout > 0) {
		ARG("--timeout");
		snprintf(buf, sizeof(buf), "%d", o->timeout);
		ARG(buf);
	}
	/* a recording keeps the values too, whichever command made it */
	if (o->values || g_record) {
		ARG("--arg");
		ARG("--values");
	}
	for (i = 0; i < n; i++) {
		struct strbuf sb;

		sb_init(&sb);
		sb_printf(&sb, "--label=%s", files[idx[i]].path);
		ARG("--arg");
		argv[argc++] = sb_detach(&sb);
	}
	ARG("--");
	for (i = 0; i < n; i++) {
		char dst[PATH_MAX];
		size_t tlen;
		int st;
		char *text = cli_read_file(files[idx[i]].path, &tlen, &st, NULL);
		FILE *f;

		snprintf(dst, sizeof(dst), "%s/s%03d.smc", tmpl, i);
		f = fopen(dst, "w");
		if (!f || !text) {
			fprintf(stderr, "smemcg: cannot copy %s to %s\n", files[idx[i]].path, dst);
			if (f)
				fclose(f);
			free(text);
			rc = -1;
			goto out;
		}
		fwrite(text, 1, tlen, f);
		fclose(f);
		free(text);
		ARG(dst);
	}
#undef ARG
	if (g_replay) {
		/* the next boot of a recorded run instead of QEMU */
		in = g_replay;
		pid = -1;
	} else {
		if (pipe(pfd)) {
			rc = -1;
			goto out;
		}
		fflush(stdout);
		fflush(stderr);
		pid = fork();
		if (pid < 0) {
			rc = -1;
			close(pfd[0]);
			close(pfd[1]);
			goto out;
		}
		if (pid == 0) {
			close(pfd[0]);
			dup2(pfd[1], 1);
			close(pfd[1]);
			execv(argv[0], argv);
			fprintf(stderr, "smemcg: cannot run %s: %s\n", argv[0], strerror(errno));
			_exit(2);
		}
		close(pfd[1]);
		in = fdopen(pfd[0], "r");
	}
	lists = xcalloc((size_t)n, sizeof(*lists));
	sb_init(&guest_err);
	{
		int *map = xcalloc((size_t)n, sizeof(*map));

		for (i = 0; i < n; i++)
			map[i] = i;
		status = 125;	/* a recording that ends early: the guest died */
		while ((len = getline(&line, &linecap, in)) >= 0) {
			int k, p, fl, sk, stp;

			if (len && line[len - 1] == '\n')
				line[--len] = '\0';
			if (g_replay && !strncmp(line, BOOT_END, strlen(BOOT_END))) {
				status = atoi(line + strlen(BOOT_END));
				break;
			}
			if (g_record)
				fprintf(g_record, "%s\n", line);
			if (!strncmp(line, "##smemcg-begin ", 15)) {
				k = atoi(line + 15);
				cur = k >= 0 && k < n ? k : -1;
			} else if (!strncmp(line, "##smemcg-result ", 16)) {
				if (sscanf(line + 16, "%d %d %d %d %d", &k, &p, &fl, &sk, &stp) == 5 &&
				    k >= 0 && k < n) {
					struct oracle_file *f = &files[idx[k]];

					f->res.passed = p;
					f->res.failed = fl;
					f->res.skipped = sk;
					f->res.stopped = stp;
					f->ran = true;
				}
				cur = -1;
			} else if (!strncmp(line, "##smemcg-obs ", 13)) {
				parse_obs(lists, n, map, line);
			} else if (!strncmp(line, "##smemcg-error ", 15)) {
				sb_printf(&guest_err, "%s", line + 15);
				fprintf(stderr, "smemcg: the guest program could not start: %s\n",
					line + 15);
			} else if (cur >= 0) {
				tap_line(&files[idx[cur]], o, line);
			} else if (o->stream) {
				printf("%s\n", line);
			}
		}
		free(map);
	}
	free(line);
	if (!g_replay) {
		fclose(in);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	if (g_record) {
		fprintf(g_record, BOOT_END "%d\n", status);
		fflush(g_record);
	}
	for (i = 0; i < n; i++) {
		struct oracle_file *f = &files[idx[i]];

		f->obs = lists[i];
		f->seconds = now_s() - t0;
		f->kernel = cfg->kernel;
		if (!f->ran) {
			struct strbuf l;

			sb_init(&l);
			if (!f->tap.len) {
				tap_line(f, o, "TAP version 13");
				sb_printf(&l, "# %s", f->path);
				tap_line(f, o, l.buf);
				sb_reset(&l);
			}
			sb_printf(&l, "not ok %d - the kernel run ended before the scenario finished "
				      "(oracle/run.sh exit status %d%s%s)",
				  f->res.passed + f->res.failed + 1, status,
				  guest_err.len ? ": " : "", guest_err.len ? guest_err.buf : "");
			tap_line(f, o, l.buf);
			f->res.failed++;
			f->res.stopped = true;
			sb_free(&l);
		}
	}
	free(lists);
	sb_free(&guest_err);
	fprintf(stderr, "smemcg: kernel %s: %d scenario%s (memory=%lluM cpus=%d swap=%lluM%s) in %.1f s\n",
		cfg->kernel, n, n == 1 ? "" : "s", (unsigned long long)(cfg->memory >> 20), cfg->cpus,
		(unsigned long long)(cfg->swap >> 20), cfg->cgopts ? " cgroup-options" : "",
		now_s() - t0);
out:
	free_strings(argv, (size_t)argc);
	{
		char cmd[PATH_MAX + 16];
		char *rmv[4];

		snprintf(cmd, sizeof(cmd), "%s", tmpl);
		rmv[0] = (char *)"rm";
		rmv[1] = (char *)"-rf";
		rmv[2] = cmd;
		rmv[3] = NULL;
		run_cmd(rmv, 2);
	}
	return rc;
}

/*
 * The recording the environment variable var names, opened with mode:
 * 0 (*f NULL when var is unset or empty), or -1 after a message.
 */
static int open_env_file(FILE **f, const char *var, const char *mode)
{
	const char *path = getenv(var);

	*f = NULL;
	if (!path || !*path)
		return 0;
	*f = fopen(path, mode);
	if (*f)
		return 0;
	fprintf(stderr, "smemcg: %s=%s: %s\n", var, path, strerror(errno));
	return -1;
}

int oracle_run_files(struct oracle_file *files, int n, const struct oracle_opts *o)
{
	char root[PATH_MAX], guest[PATH_MAX];
	struct machine_cfg *cfg = xcalloc((size_t)n, sizeof(*cfg));
	bool *done = xcalloc((size_t)n, sizeof(*done));
	int *idx = xcalloc((size_t)n, sizeof(*idx));
	int i, j, rc = 0;

	for (i = 0; i < n; i++)
		sb_init(&files[i].tap);
	if (open_env_file(&g_replay, "SMEMCG_ORACLE_REPLAY", "r")) {
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if (g_replay) {
		snprintf(root, sizeof(root), "/nonexistent");
		snprintf(guest, sizeof(guest), "/nonexistent");
	} else if (find_root(root, sizeof(root)) || ensure_guest(root, guest, sizeof(guest))) {
		rc = CLI_EXIT_SKIP;
		goto out;
	}
	if (open_env_file(&g_record, "SMEMCG_ORACLE_RECORD", "w")) {
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (oracle_script_machine(files[i].path, o->kernel, &cfg[i])) {
			struct strbuf l;

			done[i] = true;
			sb_init(&l);
			tap_line(&files[i], o, "TAP version 13");
			sb_printf(&l, "# %s", files[i].path);
			tap_line(&files[i], o, l.buf);
			sb_reset(&l);
			sb_puts(&l, "not ok 1 - the scenario cannot be loaded (see above)");
			tap_line(&files[i], o, l.buf);
			tap_line(&files[i], o, "1..1");
			sb_free(&l);
			files[i].res.failed = 1;
			files[i].ran = true;
			files[i].load_failed = true;
		}
	}
	for (i = 0; i < n; i++) {
		int k = 0;

		if (done[i])
			continue;
		for (j = i; j < n; j++) {
			if (!done[j] && cfg_eq(&cfg[i], &cfg[j])) {
				idx[k++] = j;
				done[j] = true;
			}
		}
		/* the kernel's set-up, once per kernel (quick when it is ready) */
		for (j = 0; !g_replay && j < i && cfg[j].kernel != cfg[i].kernel; j++)
			;
		if (!g_replay && j == i && ensure_setup(root, cfg[i].kernel)) {
			rc = CLI_EXIT_SKIP;
			goto out;
		}
		if (run_group(root, guest, files, idx, k, &cfg[i], o)) {
			rc = CLI_EXIT_HOST;
			goto out;
		}
	}
out:
	if (g_record)
		fclose(g_record);
	if (g_replay)
		fclose(g_replay);
	g_record = g_replay = NULL;
	free(cfg);
	free(done);
	free(idx);
	return rc;
}
