// SPDX-License-Identifier: GPL-2.0-only
/*
 * The parent of the compare runs: one forked child per column, up to
 * opts->jobs at once, every pipe read as it fills (poll), a progress line
 * from the P records, and each run's records handed over in column order
 * as soon as the runs before it are done (merged into the table, or, for
 * `smemcg sweep`, printed), so that what comes out does not depend on
 * which run finished first.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

struct job {
	pid_t pid;
	int fd;
	struct strbuf buf;
	size_t scanned;
	uint64_t stmts, ns;
	bool running, done;
	int status;
};

static void scan_progress(struct job *j)
{
	while (j->scanned < j->buf.len) {
		char *s = j->buf.buf + j->scanned;
		char *e = memchr(s, '\n', j->buf.len - j->scanned);
		unsigned long long a, b;

		if (!e)
			break;
		if (s[0] == 'P' && sscanf(s, "P\t%llu\t%llu", &a, &b) == 2) {
			j->stmts = a;
			j->ns = b;
		}
		j->scanned = (size_t)(e + 1 - j->buf.buf);
	}
}

static void show_progress(const struct cmp_opts *o, struct job *jobs, int n, int done,
			  double elapsed)
{
	uint64_t stmts = 0, ns = 0;
	int i, running = 0;

	for (i = 0; i < n; i++)
		if (jobs[i].running) {
			running++;
			stmts += jobs[i].stmts;
			ns = MAX(ns, jobs[i].ns);
		}
	fprintf(stderr, "\r%s: %d/%d runs done, %d running: %" PRIu64 " statements, %.1f s simulated (%.1f s)",
		o->title ? o->title : "compare", done, n, running, stmts, (double)ns / 1e9, elapsed);
	fflush(stderr);
}

static int online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

void cmp_run_all(const struct cmp_spec *specs, int n, const struct cmp_opts *o,
		 cmp_done_fn *done_fn, void *arg)
{
	struct job *jobs = xcalloc((size_t)n + 1, sizeof(*jobs));
	struct pollfd *pfd = xcalloc((size_t)n + 1, sizeof(*pfd));
	int *pidx = xcalloc((size_t)n + 1, sizeof(*pidx));
	int maxjobs = o->jobs > 0 ? o->jobs : online_cpus();
	int next = 0, running = 0, done = 0, reported = 0, i;
	double t0 = now_s(), last = 0;
	bool shown = false;

	for (i = 0; i < n; i++) {
		sb_init(&jobs[i].buf);
		jobs[i].fd = -1;
	}
	while (done < n) {
		int np = 0, rc;

		while (running < maxjobs && next < n) {
			int fds[2];
			pid_t pid;

			if (pipe(fds))
				die("smemcg compare: pipe: %s", strerror(errno));
			fflush(NULL);
			pid = fork();
			if (pid < 0)
				die("smemcg compare: fork: %s", strerror(errno));
			if (pid == 0) {
				int k, status;

				close(fds[0]);
				for (k = 0; k < n; k++) {
					if (jobs[k].running)
						close(jobs[k].fd);
					sb_free(&jobs[k].buf);
				}
				signal(SIGPIPE, SIG_DFL);
				status = run_child(&specs[next], fds[1]);
				/* what only this frame refers to, for leak checkers */
				free(jobs);
				free(pfd);
				free(pidx);
				if (o->child_cleanup)
					o->child_cleanup(o->child_cleanup_arg);
				exit(status);
			}
			close(fds[1]);
			jobs[next].pid = pid;
			jobs[next].fd = fds[0];
			jobs[next].running = true;
			running++;
			next++;
		}
		for (i = 0; i < n; i++)
			if (jobs[i].running) {
				pfd[np].fd = jobs[i].fd;
				pfd[np].events = POLLIN;
				pfd[np].revents = 0;
				pidx[np++] = i;
			}
		rc = poll(pfd, (nfds_t)np, 250);
		if (rc < 0 && errno != EINTR)
			die("smemcg compare: poll: %s", strerror(errno));
		for (i = 0; rc > 0 && i < np; i++) {
			struct job *j = &jobs[pidx[i]];
			char buf[65536];
			ssize_t r;

			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = read(j->fd, buf, sizeof(buf));
			if (r < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (r > 0) {
				sb_add(&j->buf, buf, (size_t)r);
				scan_progress(j);
				continue;
			}
			close(j->fd);
			j->fd = -1;
			while (waitpid(j->pid, &j->status, 0) < 0 && errno == EINTR)
				;
			j->running = false;
			j->done = true;
			running--;
			done++;
		}
		/* in spec order: what comes out does not depend on who finished first */
		for (; reported < n && jobs[reported].done; reported++) {
			struct job *j = &jobs[reported];

			sb_add(&j->buf, "", 0);
			done_fn(arg, reported, j->buf.buf, j->status);
			sb_free(&j->buf);
		}
		if (o->progress) {
			double tnow = now_s();

			if (tnow - t0 >= 1.0 && tnow - last >= 0.25) {
				last = tnow;
				shown = true;
				show_progress(o, jobs, n, done, tnow - t0);
			}
		}
	}
	if (shown) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	free(jobs);
	free(pfd);
	free(pidx);
}

bool cmp_add_run(struct cmp_table *t, int col, char *records, int st)
{
	bool ended = parse_output(t, col, records);
	struct strbuf why;

	t->status[col] = st;
	if (ended && WIFEXITED(st) && !WEXITSTATUS(st))
		return false;
	sb_init(&why);
	cmp_crash_reason(&why, st, ended);
	cmp_set(t, col, CMP_OUTCOME, "", "status", CMP_TEXT, why.buf);
	t->crashed[col] = true;
	sb_free(&why);
	return true;
}

struct fill {
	struct cmp_table *t;
	int crashed;
};

static void free_table(void *t)
{
	cmp_table_free(t);
}

static void fill_column(void *arg, int i, char *records, int status)
{
	struct fill *f = arg;

	f->crashed += cmp_add_run(f->t, i, records, status);
}

int cmp_execute(struct cmp_table *t, const struct cmp_spec *specs, int n,
		const struct cmp_opts *o)
{
	struct fill f = { t, 0 };
	struct cmp_opts oo = *o;

	cmp_table_init(t, specs, n);
	if (!oo.child_cleanup) {
		oo.child_cleanup = free_table;
		oo.child_cleanup_arg = t;
	}
	cmp_run_all(specs, n, &oo, fill_column, &f);
	return f.crashed;
}
