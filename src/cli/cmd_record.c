// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg record: sample live Linux processes over time and write one
 * scenario that replays what changed between samples, with expects for
 * what the kernel charged at each (src/record/, docs/record.md). Exit
 * status 0 when the recording is written, 2 on bad usage, a process or
 * cgroup that is not there or permission denied, 3 when the output
 * cannot be written (a full disk) or host memory runs out, 77 when
 * /proc/kpagecgroup cannot be read or no memory hierarchy is mounted (a
 * skip for test suites).
 */
#include <errno.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "../base/base.h"
#include "../record/record.h"
#include "cli.h"

#define MIN_INTERVAL_NS 10000000ULL	/* 10 ms */

static void record_usage(FILE *f)
{
	fprintf(f,
		"usage: smemcg record --pid PID... | --cgroup PATH... [--interval 500ms]\n"
		"                     [--duration 60s] [-o FILE.smc] [--no-owners] [--quiet]\n"
		"\n"
		"Sample live Linux processes over time and write one scenario that replays\n"
		"what changed between samples: cgroups made and removed, processes started,\n"
		"moved and exited, pages brought in and gone (each by a process of the memcg\n"
		"the kernel charged it to), limits, with `sleep` for the time between samples\n"
		"and expects for what the kernel charged at each (5%%). Reads what `smemcg\n"
		"snapshot` reads, every sample. Needs root for /proc/kpagecgroup. See\n"
		"docs/record.md.\n"
		"\n"
		"  --pid PID...     these processes and their descendants (also --pid=PID)\n"
		"  --cgroup PATH... every process of these cgroups and their descendants, and\n"
		"                   the cgroups below them; PATH as in /proc/PID/cgroup, or a\n"
		"                   directory under the hierarchy's mount point\n"
		"  --interval DUR   time between samples (default 500ms, at least 10ms)\n"
		"  --duration DUR   stop after this long (default: once there were processes to\n"
		"                   follow, when they have all exited); SIGINT or SIGTERM stop\n"
		"                   after one last sample\n"
		"  -o FILE          write the scenario to FILE (default: standard output)\n"
		"  --no-owners      without /proc/kpagecgroup: a new page goes to the cgroup of\n"
		"                   the first started process that maps it\n"
		"  --quiet          no progress on stderr\n"
		"\n"
		"Exit status: 0 written, 2 bad usage, no such process or cgroup, or permission\n"
		"denied, 3 the output could not be written or out of host memory, 77\n"
		"/proc/kpagecgroup not readable (not root) or no memory cgroup hierarchy\n"
		"mounted, and --no-owners not given.\n");
}

struct record_opts {
	int *pids;
	size_t npid;
	char **cgroups;
	size_t ncgroup;
	const char *outfile;
	uint64_t interval_ns, duration_ns;
	bool owners, quiet, has_duration;
};

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

static int bad(const char *fmt, ...) PRINTF_LIKE(1, 2);

static int bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "smemcg record: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return 2;
}

static int parse_dur(const char *opt, const char *v, uint64_t *ns)
{
	if (parse_duration(v, ns))
		return bad("%s needs a duration like 500ms or 60s, not \"%s\"", opt, v);
	return 0;
}

/* 0, or the exit status of a usage error (message printed). */
static int parse_args(int argc, char **argv, struct record_opts *o)
{
	enum { NONE, PIDS, CGROUPS } list = NONE;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			record_usage(stdout);
			return -1;
		}
		if (!strcmp(a, "--pid") || !strcmp(a, "-p")) {
			list = PIDS;
			if (i + 1 >= argc || parse_pid(argv[i + 1], &o->pids[o->npid]))
				return bad("%s needs a process id%s%s%s", a, i + 1 < argc ? ", not \"" : "",
					   i + 1 < argc ? argv[i + 1] : "", i + 1 < argc ? "\"" : "");
			o->npid++;
			i++;
		} else if (!strncmp(a, "--pid=", 6)) {
			list = PIDS;
			if (parse_pid(a + 6, &o->pids[o->npid]))
				return bad("--pid needs a process id, not \"%s\"", a + 6);
			o->npid++;
		} else if (!strcmp(a, "--cgroup") || !strncmp(a, "--cgroup=", 9)) {
			list = CGROUPS;
			v = a[8] == '=' ? a + 9 : (i + 1 < argc ? argv[++i] : NULL);
			if (!v || !*v)
				return bad("--cgroup needs a cgroup path");
			o->cgroups[o->ncgroup++] = (char *)v;
		} else if (!strcmp(a, "--interval") || !strncmp(a, "--interval=", 11)) {
			list = NONE;
			v = a[10] == '=' ? a + 11 : (i + 1 < argc ? argv[++i] : "");
			if (parse_dur("--interval", v, &o->interval_ns))
				return 2;
			if (o->interval_ns < MIN_INTERVAL_NS)
				return bad("--interval %s is below 10ms", v);
		} else if (!strcmp(a, "--duration") || !strncmp(a, "--duration=", 11)) {
			list = NONE;
			v = a[10] == '=' ? a + 11 : (i + 1 < argc ? argv[++i] : "");
			if (parse_dur("--duration", v, &o->duration_ns))
				return 2;
			o->has_duration = true;
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			list = NONE;
			if (i + 1 >= argc)
				return bad("%s needs a file name", a);
			o->outfile = argv[++i];
		} else if (!strncmp(a, "--output=", 9)) {
			list = NONE;
			o->outfile = a + 9;
		} else if (!strcmp(a, "--no-owners")) {
			list = NONE;
			o->owners = false;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			list = NONE;
			o->quiet = true;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "smemcg record: unknown option %s\n\n", a);
			record_usage(stderr);
			return 2;
		} else if (list == PIDS) {
			if (parse_pid(a, &o->pids[o->npid]))
				return bad("\"%s\" is not a process id", a);
			o->npid++;
		} else if (list == CGROUPS) {
			o->cgroups[o->ncgroup++] = (char *)a;
		} else {
			fprintf(stderr, "smemcg record: unexpected argument \"%s\" (pids follow --pid, cgroups --cgroup)\n\n",
				a);
			record_usage(stderr);
			return 2;
		}
	}
	if (!o->npid && !o->ncgroup) {
		fprintf(stderr, "smemcg record: nothing to record (--pid PID... or --cgroup PATH...)\n\n");
		record_usage(stderr);
		return 2;
	}
	return 0;
}

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: the sleep ends at once */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000000ULL), (long)(t % 1000000000ULL) };

	while (!stop_signal && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/*
 * A cgroup as given: relative to the hierarchy's root, or a directory
 * under its mount point; "/" first, no trailing "/".
 */
static char *cgroup_arg(const struct snap_memcg_mount *mnt, const char *a)
{
	size_t ml = strlen(mnt->dir);
	struct strbuf sb;

	if (ml > 1 && !strncmp(a, mnt->dir, ml) && (a[ml] == '/' || !a[ml]))
		a += ml;
	sb_init(&sb);
	if (a[0] != '/')
		sb_puts(&sb, "/");
	sb_puts(&sb, a);
	while (sb.len > 1 && sb.buf[sb.len - 1] == '/')
		sb.buf[--sb.len] = '\0';
	return sb_detach(&sb);
}

static char *describe_sources(const struct record_opts *o, const struct rec_source *src)
{
	struct strbuf sb;
	size_t i;

	sb_init(&sb);
	if (o->npid) {
		sb_printf(&sb, "pid%s", o->npid > 1 ? "s" : "");
		for (i = 0; i < o->npid; i++) {
			char path[64], *comm;

			snprintf(path, sizeof(path), "/proc/%d/comm", o->pids[i]);
			comm = snap_read_text(path);
			if (comm)
				comm[strcspn(comm, "\n")] = '\0';
			sb_printf(&sb, " %d (%s)", o->pids[i], comm ? comm : "?");
			free(comm);
		}
	}
	if (src->ncgroup) {
		sb_printf(&sb, "%sthe processes of cgroup%s", o->npid ? ", " : "",
			  src->ncgroup > 1 ? "s" : "");
		for (i = 0; i < src->ncgroup; i++)
			sb_printf(&sb, " %s", src->cgroups[i]);
	}
	sb_puts(&sb, ", and their descendants");
	return sb_detach(&sb);
}

static char *command_line(int argc, char **argv)
{
	struct strbuf sb;
	int i;

	sb_init(&sb);
	sb_puts(&sb, "smemcg record");
	for (i = 1; i < argc; i++)
		sb_printf(&sb, " %s", argv[i]);
	return sb_detach(&sb);
}

static void progress(const struct recorder *r, uint64_t t_ns, bool last)
{
	fprintf(stderr, "smemcg record: sample %llu at %llu.%01llu s: %llu processes, %llu pages seen (%llu MiB), %llu in the model%s",
		(unsigned long long)r->st.samples - 1, (unsigned long long)(t_ns / 1000000000ULL),
		(unsigned long long)(t_ns / 100000000ULL % 10), (unsigned long long)r->st.last_procs,
		(unsigned long long)r->st.last_pages,
		(unsigned long long)(r->st.last_pages * SNAP_PAGE_SIZE >> 20),
		(unsigned long long)r->pages_now, last || !isatty(2) ? "\n" : "\r");
}

/* Sample until the duration, the last process's exit or a signal. */
static int record_loop(struct recorder *r, struct rec_source *src, const struct record_opts *o,
		       const char **why)
{
	uint64_t t0 = now_ns(), next = t0;
	bool seen_procs = false;
	char msg[1024];

	for (;;) {
		struct rec_sample *s = xcalloc(1, sizeof(*s));
		uint64_t t = now_ns() - t0;
		bool last;
		int err = rec_read_sample(r, src, s, msg, sizeof(msg));

		if (err) {
			fprintf(stderr, "smemcg record: %s\n", msg);
			rec_sample_free(s);
			free(s);
			return err;
		}
		s->t_ns = t;
		rec_sample(r, s);	/* and frees it */
		seen_procs |= r->st.last_procs > 0;
		fflush(r->out);
		if (ferror(r->out))
			return 3;
		if (stop_signal)
			*why = "stopped by a signal";
		else if (o->has_duration && t >= o->duration_ns)
			*why = "--duration reached";
		else if (!r->st.last_procs && seen_procs && !o->has_duration)
			*why = "every process followed has exited";
		last = *why != NULL;
		if (!o->quiet)
			progress(r, t, last);
		if (last)
			return 0;
		next += o->interval_ns;
		if (o->has_duration && next > t0 + o->duration_ns)
			next = t0 + o->duration_ns;
		if (next < now_ns())
			next = now_ns();	/* a slow sample: no burst to catch up */
		sleep_until(next);
	}
}

static int record(const struct record_opts *o, int argc, char **argv)
{
	struct rec_source src;
	struct rec_header h;
	struct recorder r;
	struct snap_memcg_mount mnt;
	const char *why = NULL;
	char msg[1024], *sources, *cmd;
	FILE *f;
	size_t i;
	int err;

	memset(&src, 0, sizeof(src));
	memset(&h, 0, sizeof(h));
#ifdef __GLIBC__
	/*
	 * Every sample allocates and frees arrays of a few MiB: keep them
	 * mmap'ed, so that they go back to the system when freed. glibc would
	 * otherwise raise its threshold and keep them in a heap that only
	 * grows, and a long recording's peak would be its fragmentation.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
	err = snap_sources_open(&src.k, &mnt, o->owners, msg, sizeof(msg));
	if (!err && o->ncgroup && !mnt.found)
		err = snap_fail(msg, sizeof(msg), SNAP_ERR_SKIP,
				"no memory cgroup hierarchy is mounted: --cgroup has nothing to name");
	if (err) {
		fprintf(stderr, "smemcg record: %s\n", msg);
		return err;
	}
	src.pids = o->pids;
	src.npid = o->npid;
	src.pid_start = xcalloc(o->npid + 1, sizeof(*src.pid_start));
	src.cgroups = xcalloc(o->ncgroup + 1, sizeof(*src.cgroups));
	for (i = 0; i < o->ncgroup; i++)
		src.cgroups[src.ncgroup++] = cgroup_arg(&mnt, o->cgroups[i]);
	src.self = getpid();
	snap_host_read(&h.host);
	f = o->outfile ? fopen(o->outfile, "w") : stdout;
	if (!f) {
		fprintf(stderr, "smemcg record: %s: cannot open: %s\n", o->outfile, strerror(errno));
		err = 2;
		goto out;
	}
	sources = describe_sources(o, &src);
	cmd = command_line(argc, argv);
	h.sources = sources;
	h.command = cmd;
	h.flags = src.k.have_flags;
	h.interval_ns = o->interval_ns;
	rec_init(&r, f, &mnt, src.k.have_cg, h.host.mem_total);
	rec_header(&r, &h);
	catch_signals();
	err = record_loop(&r, &src, o, &why);
	if (!err)
		rec_trailer(&r, why);
	if (!err && (fflush(f) || ferror(f)))
		err = 3;
	if (err == 3)
		fprintf(stderr, "smemcg record: %s: write error: %s\n",
			o->outfile ? o->outfile : "standard output", strerror(errno));
	if (!err && !o->quiet) {
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr, "smemcg record: %llu samples, %llu statements -> %s (peak memory %ld MiB)\n",
			(unsigned long long)r.st.samples, (unsigned long long)r.st.statements,
			o->outfile ? o->outfile : "standard output", ru.ru_maxrss >> 10);
	}
	if (o->outfile && fclose(f) && !err) {
		fprintf(stderr, "smemcg record: %s: write error: %s\n", o->outfile, strerror(errno));
		err = 3;
	}
	if (err == 2 && o->outfile)
		unlink(o->outfile);	/* nothing was recorded: no half a scenario */
	rec_free(&r);
	free(sources);
	free(cmd);
out:
	snap_kpages_close(&src.k);
	for (i = 0; i < src.ncgroup; i++)
		free(src.cgroups[i]);
	free(src.cgroups);
	free(src.pid_start);
	return err;
}

int cmd_record(int argc, char **argv)
{
	struct record_opts o;
	int err;

	memset(&o, 0, sizeof(o));
	o.owners = true;
	o.interval_ns = 500000000ULL;
	o.pids = xcalloc((size_t)argc + 1, sizeof(*o.pids));
	o.cgroups = xcalloc((size_t)argc + 1, sizeof(*o.cgroups));
	err = parse_args(argc, argv, &o);
	if (!err)
		err = record(&o, argc, argv);
	free(o.pids);
	free(o.cgroups);
	return err < 0 ? 0 : err;
}
