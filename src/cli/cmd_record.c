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
#define DEFAULT_INTERVAL_NS 500000000ULL

struct duration {
	uint64_t ns;
	const char *given;	/* as written, for the header */
	bool set;
};

static struct {
	struct cli_pids pids;
	struct cli_args cgroups;
	struct duration interval, duration;
	const char *outfile;
	bool no_owners, quiet;
} o;

static int parse_dur(void *value, const char *s, struct strbuf *err)
{
	struct duration *d = value;

	if (parse_duration(s, &d->ns)) {
		sb_printf(err, "takes a duration like 500ms or 60s (ns, us, ms, s, min), not \"%s\"",
			  s);
		return -1;
	}
	d->given = s;
	d->set = true;
	return 0;
}

static int parse_interval(void *value, const char *s, struct strbuf *err)
{
	const struct duration *d = value;

	if (parse_dur(value, s, err))
		return -1;
	if (d->ns < MIN_INTERVAL_NS) {
		sb_printf(err, "takes 10ms or more, not \"%s\"", s);
		return -1;
	}
	return 0;
}

static const struct cli_opt_spec opts[] = {
	{ CLI_OPT_VALUE, "pid", 'p', &o.pids, cli_parse_pids, CLI_OPT_REPEAT | CLI_OPT_MULTI, "PID",
	  "these processes and their descendants (also --pid=PID, repeatable)" },
	{ CLI_OPT_VALUE, "cgroup", 0, &o.cgroups, cli_parse_cgroups, CLI_OPT_REPEAT | CLI_OPT_MULTI,
	  "PATH",
	  "every process of these cgroups and their descendants, and the cgroups "
	  "below them; PATH as in /proc/PID/cgroup, or a directory under the "
	  "hierarchy's mount point" },
	{ CLI_OPT_VALUE, "interval", 0, &o.interval, parse_interval, 0, "DUR",
	  "time between samples (default 500ms, at least 10ms)" },
	{ CLI_OPT_VALUE, "duration", 0, &o.duration, parse_dur, 0, "DUR",
	  "stop after this long (default: once there were processes to follow, "
	  "when they have all exited, or every --cgroup given is removed); SIGINT or "
	  "SIGTERM stop after one last sample" },
	CLI_OPT_OUTPUT_SCENARIO(o.outfile),
	{ CLI_OPT_SWITCH, "no-owners", 0, &o.no_owners, NULL, 0, NULL,
	  "without /proc/kpagecgroup: a new page goes to the cgroup of the first "
	  "started process that maps it" },
	{ CLI_OPT_SWITCH, "quiet", 'q', &o.quiet, NULL, 0, NULL, "no progress on stderr" },
	{ CLI_OPT_END },
};

static const struct cli_exit_note exits[] = {
	{ CLI_EXIT_OK, "the recording is written" },
	{ CLI_EXIT_USAGE, "a bad option, neither --pid nor --cgroup, no such process or cgroup, "
			  "or permission denied" },
	{ CLI_EXIT_HOST, "the recording cannot be written (a full disk), or out of host memory" },
	{ CLI_EXIT_SKIP, "/proc/kpagecgroup is not readable (not root, or a kernel without "
			 "CONFIG_MEMCG) and --no-owners is not given, or no memory cgroup "
			 "hierarchy is mounted" },
	{ -1, NULL },
};

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

static char *describe_sources(const struct rec_source *src)
{
	struct strbuf sb;
	size_t i;

	sb_init(&sb);
	if (src->npid) {
		sb_printf(&sb, "pid%s", src->npid > 1 ? "s" : "");
		for (i = 0; i < src->npid; i++) {
			char comm[64];

			snap_proc_comm(src->pids[i], comm, sizeof(comm));
			sb_printf(&sb, " %d (%s)", src->pids[i], comm);
		}
	}
	if (src->ncgroup) {
		sb_printf(&sb, "%sthe processes of cgroup%s", src->npid ? ", " : "",
			  src->ncgroup > 1 ? "s" : "");
		for (i = 0; i < src->ncgroup; i++)
			sb_printf(&sb, " %s", src->cgroups[i]);
	}
	sb_puts(&sb, ", and their descendants");
	return sb_detach(&sb);
}

/* The command line, for the header: the options as given. */
static char *command_line(void)
{
	struct strbuf sb;
	size_t i;

	sb_init(&sb);
	sb_puts(&sb, "smemcg record");
	if (o.pids.n)
		sb_puts(&sb, " --pid");
	for (i = 0; i < o.pids.n; i++)
		sb_printf(&sb, " %d", o.pids.v[i]);
	if (o.cgroups.n)
		sb_puts(&sb, " --cgroup");
	for (i = 0; i < (size_t)o.cgroups.n; i++)
		sb_printf(&sb, " %s", o.cgroups.v[i]);
	if (o.interval.set)
		sb_printf(&sb, " --interval %s", o.interval.given);
	if (o.duration.set)
		sb_printf(&sb, " --duration %s", o.duration.given);
	if (o.outfile)
		sb_printf(&sb, " -o %s", o.outfile);
	if (o.no_owners)
		sb_puts(&sb, " --no-owners");
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
static int record_loop(struct recorder *r, struct rec_source *src, const char **why)
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
			return CLI_EXIT_HOST;
		if (stop_signal)
			*why = "stopped by a signal";
		else if (o.duration.set && t >= o.duration.ns)
			*why = "--duration reached";
		else if (!r->st.last_procs && seen_procs && !o.duration.set)
			*why = "every process followed has exited";
		else if (!r->st.last_procs && !src->npid && !src->ncgroup_present)
			/* nothing can join a removed cgroup: no process would come */
			*why = "every cgroup given has been removed";
		last = *why != NULL;
		if (!o.quiet)
			progress(r, t, last);
		if (last)
			return 0;
		next += o.interval.ns;
		if (o.duration.set && next > t0 + o.duration.ns)
			next = t0 + o.duration.ns;
		if (next < now_ns())
			next = now_ns();	/* a slow sample: no burst to catch up */
		sleep_until(next);
	}
}

static int run(void)
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

	if (!o.pids.n && !o.cgroups.n) {
		fprintf(stderr, "smemcg record: nothing to record (--pid PID... or --cgroup PATH...)\n\n");
		cli_usage(stderr, &cli_cmd_record);
		fprintf(stderr, "`smemcg record --help` explains the options.\n");
		return CLI_EXIT_USAGE;
	}
	if (!o.interval.set)
		o.interval.ns = DEFAULT_INTERVAL_NS;
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
	err = snap_sources_open(&src.k, &mnt, !o.no_owners, msg, sizeof(msg));
	if (!err && o.cgroups.n && !mnt.found)
		err = snap_fail(msg, sizeof(msg), SNAP_ERR_SKIP,
				"no memory cgroup hierarchy is mounted: --cgroup has nothing to name");
	if (err) {
		fprintf(stderr, "smemcg record: %s\n", msg);
		return err;
	}
	src.pids = o.pids.v;
	src.npid = o.pids.n;
	src.pid_start = xcalloc(o.pids.n + 1, sizeof(*src.pid_start));
	src.cgroups = xcalloc((size_t)o.cgroups.n + 1, sizeof(*src.cgroups));
	for (i = 0; i < (size_t)o.cgroups.n; i++)
		src.cgroups[src.ncgroup++] = cgroup_arg(&mnt, o.cgroups.v[i]);
	src.self = getpid();
	snap_host_read(&h.host);
	f = cli_output_open(o.outfile, "record");
	if (!f) {
		err = CLI_EXIT_HOST;
		goto out;
	}
	sources = describe_sources(&src);
	cmd = command_line();
	h.sources = sources;
	h.command = cmd;
	h.flags = src.k.have_flags;
	h.interval_ns = o.interval.ns;
	rec_init(&r, f, &mnt, src.k.have_cg, h.host.mem_total);
	rec_header(&r, &h);
	catch_signals();
	err = record_loop(&r, &src, &why);
	if (!err)
		rec_trailer(&r, why);
	if (!err && (fflush(f) || ferror(f)))
		err = CLI_EXIT_HOST;
	if (err == CLI_EXIT_HOST)
		fprintf(stderr, "smemcg record: %s: write error: %s\n",
			o.outfile ? o.outfile : "standard output", strerror(errno));
	if (!err && !o.quiet) {
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr, "smemcg record: %llu samples, %llu statements -> %s (peak memory %ld MiB)\n",
			(unsigned long long)r.st.samples, (unsigned long long)r.st.statements,
			o.outfile ? o.outfile : "standard output", ru.ru_maxrss >> 10);
	}
	if (o.outfile && fclose(f) && !err) {
		fprintf(stderr, "smemcg record: %s: write error: %s\n", o.outfile, strerror(errno));
		err = CLI_EXIT_HOST;
	}
	if (err == CLI_EXIT_USAGE && o.outfile)
		unlink(o.outfile);	/* nothing was recorded: no half a scenario */
	rec_free(&r);
	free(sources);
	free(cmd);
out:
	snap_kpages_close(&src.k);
	free_strings(src.cgroups, src.ncgroup);
	free(src.pid_start);
	return err;
}

const struct cli_command cli_cmd_record = {
	"record", "sample live Linux processes over time into a scenario that replays them",
	"Sample live Linux processes over time and write one scenario that replays\n"
	"what changed between samples: cgroups made and removed, processes started,\n"
	"moved and exited, pages brought in and gone (each by a process of the memcg\n"
	"the kernel charged it to), limits, with `sleep` for the time between samples\n"
	"and expects for what the kernel charged at each (5%). Reads what `smemcg\n"
	"snapshot` reads, every sample; needs root for /proc/kpagecgroup. Give --pid,\n"
	"--cgroup or both. See docs/record.md.\n",
	opts, exits, NULL, run,
};
