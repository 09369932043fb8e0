// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scenario interpreter: walks the script (repeat blocks included),
 * hands statements to a backend and prints TAP 13. Every `expect` and
 * `expect-error` is one test point; a statement that fails unexpectedly is
 * a `not ok` point and stops the scenario.
 */
#include "scenario.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct run {
	const struct smc_script *s;
	const struct smc_backend *be;
	const struct smc_run_opts *o;
	struct smc_result *res;
	struct smc_tap *tap;	/* the document: the caller's, or own */
	struct smc_tap own;
	bool started;
	bool stop;
	uint64_t done;
	double t0, last_progress;
	bool progress_shown;
	char errbuf[24];	/* err_text() of a number without a name */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(struct run *r)
{
	double t;

	if (!r->o->progress || (r->done & 1023))
		return;
	t = now_s();
	if (t - r->t0 < 1.0 || t - r->last_progress < 0.25)
		return;
	r->last_progress = t;
	r->progress_shown = true;
	if (r->o->now_ns) {
		double sim = (double)r->o->now_ns(r->o->now_ctx) / 1e9;

		fprintf(stderr, "\r%s: %llu statements, simulated %.3f s, %.1f s", r->s->file,
			(unsigned long long)r->done, sim, t - r->t0);
	} else {
		fprintf(stderr, "\r%s: %llu statements, %.1f s", r->s->file,
			(unsigned long long)r->done, t - r->t0);
	}
	fflush(stderr);
}

static void stmt_label(struct strbuf *sb, const struct smc_stmt *st)
{
	smc_line_text(sb, st->src);
}

/* A value or a message over lines: `#   ` comment lines, nothing for "". */
static void print_comment_lines(struct run *r, const char *text)
{
	if (*text)
		smc_tap_comment(r->tap, "#   ", text);
}

/* "# line N skipped: why": a statement the backend does not run. */
static void print_skip(struct run *r, int line, const char *why)
{
	struct strbuf sb;

	sb_init(&sb);
	sb_printf(&sb, "line %d skipped: %s", line, why ? why : "");
	smc_tap_comment(r->tap, "# ", sb.buf);
	sb_free(&sb);
}

/* Hand a value the script looked at to the optional observer (smemcg diff). */
static void observe(struct run *r, const struct smc_stmt *st, const char *value,
		    const char *what, const char *msg)
{
	struct strbuf note;

	if (!r->o->observe)
		return;
	sb_init(&note);
	if (what)
		sb_printf(&note, "%s%s%s", what, msg && *msg ? ": " : "", msg ? msg : "");
	r->o->observe(r->o->observe_ctx, st, value, what ? note.buf : NULL);
	sb_free(&note);
}

static void tap_point(struct run *r, bool ok, const struct smc_stmt *st,
		      const char *detail, const char *directive)
{
	struct strbuf label;

	sb_init(&label);
	stmt_label(&label, st);
	/* a failure says where, as an editor or a compiler would: FILE:LINE:COL */
	if (!ok && !directive)
		sb_printf(&label, " (%s:%d:%d", r->s->file, st->line, st->col);
	else
		sb_printf(&label, " (line %d", st->line);
	sb_printf(&label, "%s%s)", detail && *detail ? "; " : "", detail ? detail : "");
	smc_tap_point(r->tap, ok, label.buf, directive);
	if (directive)
		r->res->skipped++;
	else if (ok)
		r->res->passed++;
	else
		r->res->failed++;
	sb_free(&label);
}

/* The errno's name; a number outside Linux's errnos is written as one. */
static const char *err_text(struct run *r, int e)
{
	const char *n = errno_name(e);

	if (n)
		return n;
	snprintf(r->errbuf, sizeof(r->errbuf), "errno %d", e);
	return r->errbuf;
}

static void fail_stmt(struct run *r, const struct smc_stmt *st, int rc,
		      const char *msg)
{
	struct strbuf d;

	sb_init(&d);
	if (rc == SMC_NOTSUP)
		sb_printf(&d, "not supported yet: %s", msg && *msg ? msg : smc_op_name(st->op));
	else
		sb_printf(&d, "failed with %s%s%s", err_text(r, -rc), msg && *msg ? ": " : "",
			  msg ? msg : "");
	tap_point(r, false, st, d.buf, NULL);
	sb_free(&d);
	if (r->o->keep_going)
		return;
	r->res->stopped = true;
	r->stop = true;
}

static int ensure_started(struct run *r)
{
	struct strbuf msg;
	int rc;

	if (r->started)
		return 0;
	r->started = true;
	if (!r->be->start)
		return 0;
	sb_init(&msg);
	rc = r->be->start(r->be->ctx, &msg);
	if (rc) {
		{
			struct strbuf d;

			sb_init(&d);
			sb_printf(&d, "the machine could not be set up: %s", msg.buf ? msg.buf : "");
			smc_tap_point(r->tap, false, d.buf, NULL);
			sb_free(&d);
		}
		r->res->failed++;
		r->res->stopped = true;
		r->stop = true;
	}
	sb_free(&msg);
	return rc;
}

/*
 * The value after NAME and sep in a list of items separated by delim:
 * "key value" lines (sep ' ', delim '\n') or "name=value" words of one
 * line (sep '=', delim ' ': "N0=4096", "total=12").
 */
static bool find_item(struct strbuf *val, const char *list, const char *name, char sep,
		      char delim)
{
	size_t len = strlen(name);
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, delim);
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n > len && !strncmp(p, name, len) && p[len] == sep) {
			sb_add(val, p + len + 1, n - len - 1);
			return true;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

static bool find_key(struct strbuf *val, const char *content, const char *key)
{
	return find_item(val, content, key, ' ', '\n');
}

static bool find_field(struct strbuf *val, const char *line, const char *field)
{
	return find_item(val, line, field, '=', ' ');
}

/*
 * The value of a file, of KEY in it, or of FIELD in KEY's line: 0, or -1
 * with why filled. content is the file without its final newline.
 */
static int extract_value(struct strbuf *val, const char *content, const char *path,
			 const char *key, const char *field, struct strbuf *why)
{
	struct strbuf line;

	if (!key) {
		sb_puts(val, content);
		return 0;
	}
	sb_init(&line);
	if (!find_key(&line, content, key)) {
		sb_printf(why, "no key \"%s\" in %s", key, path);
		sb_free(&line);
		return -1;
	}
	if (!field) {
		sb_puts(val, line.buf ? line.buf : "");
	} else if (!find_field(val, line.buf ? line.buf : "", field)) {
		sb_printf(why, "no field \"%s=\" in the %s line of %s", field, key, path);
		sb_free(&line);
		return -1;
	}
	sb_free(&line);
	return 0;
}

/* The sum of the values an expect compares with (VAL_REFS), as a number. */
static int sum_refs(struct run *r, const struct smc_stmt *st, int64_t *sum, struct strbuf *why)
{
	int i;

	*sum = 0;
	for (i = 0; i < st->nrefs; i++) {
		const struct smc_ref *ref = &st->refs[i];
		struct strbuf content, msg, val;
		char *end;
		long long v;
		int rc;

		sb_init(&content);
		sb_init(&msg);
		sb_init(&val);
		rc = r->be->read(r->be->ctx, ref->path, &content, &msg);
		if (rc) {
			sb_printf(why, "reading %s failed with %s", ref->path,
				  rc == SMC_SKIP ? "a skip" : err_text(r, -rc));
		} else {
			if (content.len && content.buf[content.len - 1] == '\n')
				content.buf[--content.len] = '\0';
			rc = extract_value(&val, content.buf ? content.buf : "", ref->path,
					   ref->key, ref->field, why);
		}
		if (!rc) {
			errno = 0;
			v = strtoll(val.buf ? val.buf : "", &end, 10);
			if (!val.len || *end || errno) {
				sb_printf(why, "%s%s%s is \"%s\", not a number", ref->path,
					  ref->key ? " " : "", ref->key ? ref->key : "",
					  val.buf ? val.buf : "");
				rc = -1;
			} else if (__builtin_add_overflow(*sum, (int64_t)v, sum)) {
				sb_puts(why, "the sum overflows");
				rc = -1;
			}
		}
		sb_free(&content);
		sb_free(&msg);
		sb_free(&val);
		if (rc)
			return rc == SMC_SKIP ? SMC_SKIP : -1;
	}
	return 0;
}

static void do_expect_file(struct run *r, const struct smc_stmt *st)
{
	struct strbuf content, msg, val, why;
	const char *actual;
	bool ok = false;
	int rc;

	sb_init(&content);
	sb_init(&msg);
	sb_init(&val);
	sb_init(&why);
	rc = r->be->read(r->be->ctx, st->path, &content, &msg);
	if (rc == SMC_SKIP) {
		observe(r, st, NULL, "skipped", msg.buf);
		tap_point(r, true, st, NULL, msg.buf ? msg.buf : "SKIP");
		goto out;
	}
	if (rc) {
		sb_printf(&why, "reading %s failed with %s%s%s", st->path, err_text(r, -rc),
			  msg.len ? ": " : "", msg.len ? msg.buf : "");
		observe(r, st, NULL, "failed", why.buf);
		tap_point(r, false, st, why.buf, NULL);
		goto out;
	}
	if (content.len && content.buf[content.len - 1] == '\n')
		content.buf[--content.len] = '\0';
	actual = content.buf ? content.buf : "";
	if (st->key) {
		if (extract_value(&val, actual, st->path, st->key, st->field, &why)) {
			observe(r, st, NULL, "failed", why.buf);
			tap_point(r, false, st, why.buf, NULL);
			goto out;
		}
		actual = val.buf ? val.buf : "";
	}
	observe(r, st, actual, NULL, NULL);
	if (st->value.kind == VAL_REFS) {
		struct smc_value want = { VAL_NUMBER, 0, NULL };

		rc = sum_refs(r, st, &want.num, &why);
		if (rc == SMC_SKIP) {
			tap_point(r, true, st, NULL, "a value it compares with is skipped");
			goto out;
		}
		if (rc) {
			tap_point(r, false, st, why.buf, NULL);
			goto out;
		}
		smc_compare(&ok, actual, st->cmp, &want, &st->tol, &why);
	} else {
		smc_compare(&ok, actual, st->cmp, &st->value, &st->tol, &why);
	}
	{
		struct strbuf d;

		sb_init(&d);
		if (!strchr(actual, '\n'))
			sb_printf(&d, "got %s", actual);
		else
			sb_puts(&d, "got a multi-line value");
		if (!ok && why.len)
			sb_printf(&d, "; %s", why.buf);
		tap_point(r, ok, st, d.buf, NULL);
		if (!ok && strchr(actual, '\n'))
			print_comment_lines(r, actual);
		sb_free(&d);
	}
out:
	sb_free(&content);
	sb_free(&msg);
	sb_free(&val);
	sb_free(&why);
}

static const char *const state_names[] = { "alive", "exited", "killed" };

static void do_expect_proc(struct run *r, const struct smc_stmt *st)
{
	struct strbuf msg, d;
	enum smc_proc_state state;
	int sig = 0, rc;
	bool ok;

	sb_init(&msg);
	sb_init(&d);
	rc = r->be->proc_state(r->be->ctx, st->proc, &state, &sig, &msg);
	if (rc == SMC_SKIP) {
		observe(r, st, NULL, "skipped", msg.buf);
		tap_point(r, true, st, NULL, msg.buf ? msg.buf : "SKIP");
	} else if (rc) {
		sb_printf(&d, "%s", msg.len ? msg.buf : "no such process");
		observe(r, st, NULL, "failed", d.buf);
		tap_point(r, false, st, d.buf, NULL);
	} else {
		ok = state == st->pstate &&
		     (st->pstate != SMC_KILLED || !st->signal || st->signal == sig);
		if (state == SMC_KILLED)
			sb_printf(&d, "got killed %s", smc_signal_name(sig));
		else
			sb_printf(&d, "got %s", state_names[state]);
		observe(r, st, d.buf + 4, NULL, NULL);
		tap_point(r, ok, st, d.buf, NULL);
	}
	sb_free(&msg);
	sb_free(&d);
}

static void do_read(struct run *r, const struct smc_stmt *st)
{
	struct strbuf content, msg, msg_path;
	int rc;

	sb_init(&content);
	sb_init(&msg);
	rc = r->be->read(r->be->ctx, st->path, &content, &msg);
	if (rc == SMC_SKIP) {
		observe(r, st, NULL, "skipped", msg.buf);
		sb_printf(&content, "%s: skipped: %s", st->path, msg.buf ? msg.buf : "");
		smc_tap_comment(r->tap, "# ", content.buf);
	} else if (rc) {
		observe(r, st, NULL, rc == SMC_NOTSUP ? "not supported yet" : "failed",
			rc == SMC_NOTSUP ? msg.buf : err_text(r, -rc));
		fail_stmt(r, st, rc, msg.buf);
	} else {
		if (content.len && content.buf[content.len - 1] == '\n') {
			content.buf[content.len - 1] = '\0';
			observe(r, st, content.buf, NULL, NULL);
			content.buf[content.len - 1] = '\n';
		} else {
			observe(r, st, content.buf ? content.buf : "", NULL, NULL);
		}
		sb_init(&msg_path);
		sb_printf(&msg_path, "%s:", st->path);
		smc_tap_comment(r->tap, "# ", msg_path.buf);
		sb_free(&msg_path);
		print_comment_lines(r, content.buf ? content.buf : "");
	}
	sb_free(&content);
	sb_free(&msg);
}

static void do_expect_error(struct run *r, const struct smc_stmt *st)
{
	struct strbuf msg, d;
	int rc;

	sb_init(&msg);
	sb_init(&d);
	if (st->inner->op == SMC_READ) {
		/* a read that must fail: the backend's read, not exec */
		struct strbuf content;

		sb_init(&content);
		rc = r->be->read(r->be->ctx, st->inner->path, &content, &msg);
		sb_free(&content);
	} else {
		rc = r->be->exec(r->be->ctx, st->inner, &msg);
	}
	if (r->o->observe_exec)
		r->o->observe_exec(r->o->observe_ctx, st, rc, msg.buf ? msg.buf : "");
	if (rc == SMC_SKIP)
		observe(r, st, NULL, "skipped", msg.buf);
	else if (rc == SMC_NOTSUP)
		observe(r, st, NULL, "not supported yet", msg.buf);
	else
		observe(r, st, rc ? err_text(r, -rc) : "ok", NULL, NULL);
	if (rc == SMC_SKIP) {
		tap_point(r, true, st, NULL, msg.buf ? msg.buf : "SKIP");
	} else if (rc == SMC_NOTSUP) {
		fail_stmt(r, st, rc, msg.buf);
	} else if (rc == -st->err) {
		sb_printf(&d, "got %s", err_text(r, st->err));
		tap_point(r, true, st, d.buf, NULL);
	} else {
		if (rc == 0)
			sb_puts(&d, "the statement succeeded");
		else
			sb_printf(&d, "got %s%s%s", err_text(r, -rc), msg.len ? ": " : "",
				  msg.len ? msg.buf : "");
		tap_point(r, false, st, d.buf, NULL);
	}
	sb_free(&msg);
	sb_free(&d);
}

static void exec_stmt(struct run *r, const struct smc_stmt *st)
{
	struct strbuf msg;
	int rc;

	if (st->op != SMC_MACHINE && st->op != SMC_POLICY &&
	    st->op != SMC_CGROUP_OPTIONS && ensure_started(r))
		return;
	switch (st->op) {
	case SMC_ECHO:
		smc_tap_comment(r->tap, "# ", st->text);
		return;
	case SMC_READ:
		do_read(r, st);
		return;
	case SMC_EXPECT_FILE:
		do_expect_file(r, st);
		return;
	case SMC_EXPECT_PROC:
		do_expect_proc(r, st);
		return;
	case SMC_EXPECT_ERROR:
		do_expect_error(r, st);
		return;
	default:
		break;
	}
	sb_init(&msg);
	rc = r->be->exec(r->be->ctx, st, &msg);
	if (r->o->observe_exec)
		r->o->observe_exec(r->o->observe_ctx, st, rc, msg.buf ? msg.buf : "");
	if (rc == SMC_SKIP)
		print_skip(r, st->line, msg.buf);
	else if (rc)
		fail_stmt(r, st, rc, msg.buf);
	else if (msg.len)
		print_comment_lines(r, msg.buf);
	sb_free(&msg);
}

/* ---- the event log ---- */

struct event_sink {
	struct run *r;
	const struct smc_stmt *st;
	int line;
};

static void print_event(void *arg, const struct smc_event *ev)
{
	struct event_sink *k = arg;
	struct run *r = k->r;
	FILE *json = r->o->events_json;

	if (r->o->observe_event && ev->type >= 0 && (r->o->events_observe & (1u << ev->type)))
		r->o->observe_event(r->o->observe_ctx, k->st, ev);
	if (ev->type < 0 || (r->o->events_show & (1u << ev->type))) {
		struct strbuf sb;

		sb_init(&sb);
		sb_printf(&sb, "%s:%d at %" PRIu64 ".%03" PRIu64 " s: %s", r->s->file, k->line,
			  ev->now_ns / 1000000000, ev->now_ns / 1000000 % 1000, ev->type_name);
		if (*ev->cgroup)
			sb_printf(&sb, " in %s", ev->cgroup);
		sb_printf(&sb, ": %s", ev->text);
		if (ev->repeats > 1)
			sb_printf(&sb, " (%ld times)", ev->repeats);
		smc_tap_comment(r->tap, "# ", sb.buf);
		sb_free(&sb);
	}
	if (json) {
		fputs("{\"file\":", json);
		json_put_string(json, r->s->file);
		fprintf(json, ",\"line\":%d,\"time_ns\":%" PRIu64 ",\"type\":", k->line,
			ev->now_ns);
		json_put_string(json, ev->type_name);
		fprintf(json, ",\"pid\":%d,\"signal\":", ev->pid);
		json_put_string(json, ev->sig ? smc_signal_name(ev->sig) : "");
		fputs(",\"errno\":", json);
		json_put_string(json, ev->err ? errno_name(-ev->err) : "");
		fputs(",\"cgroup\":", json);
		json_put_string(json, ev->cgroup);
		fputs(",\"key\":", json);
		json_put_string(json, ev->what);
		fprintf(json, ",\"count\":%ld,\"repeats\":%ld,\"text\":", ev->count,
			ev->repeats);
		json_put_string(json, ev->text);
		fputs("}\n", json);
	}
}

static void drain_events(struct run *r, const struct smc_stmt *st)
{
	struct event_sink k = { r, st, st->line };

	if (r->be->drain_events &&
	    (r->o->events_show || r->o->events_json || r->o->events_observe))
		r->be->drain_events(r->be->ctx, print_event, &k);
}

static void watch_events(struct run *r)
{
	unsigned mask = r->o->events_show | (r->o->events_json ? ~0u : 0) |
			(r->o->observe_event ? r->o->events_observe : 0);

	if (r->be->watch_events && mask)
		r->be->watch_events(r->be->ctx, mask);
}

static void run_range(struct run *r, int first, int last, bool subst, long iter)
{
	int i;

	for (i = first; i < last && !r->stop; i++) {
		const struct smc_line *line = &r->s->lines[i];
		struct smc_line sub;
		struct smc_stmt st;
		struct smc_error err;

		if (subst) {
			smc_line_subst(&sub, line, iter);
			line = &sub;
		}
		if (smc_parse_stmt(&st, line, &err)) {
			smc_tap_load_error(r->tap, r->s->file, &err);
			r->res->failed++;
			r->res->stopped = true;
			r->stop = true;
		} else if (st.op == SMC_REPEAT) {
			uint64_t k;
			int end = r->s->match[i];

			for (k = 0; k < st.count && !r->stop; k++)
				run_range(r, i + 1, end, true, (long)k);
			i = end;
		} else if (r->done >= SMC_MAX_STATEMENTS) {
			/* a session (the shell) adds its units up */
			err.line = st.line;
			err.col = st.col;
			snprintf(err.msg, sizeof(err.msg),
				 "more than the limit of %llu statements run", SMC_MAX_STATEMENTS);
			smc_tap_load_error(r->tap, r->s->file, &err);
			r->res->failed++;
			r->res->stopped = true;
			r->stop = true;
		} else {
			exec_stmt(r, &st);
			drain_events(r, &st);
			r->done++;
			progress(r);
		}
		smc_stmt_free(&st);
		if (subst)
			smc_line_free(&sub);
	}
}

/* The document's own header and plan when the caller gave none. */
static void run_begin(struct run *r, const struct smc_run_opts *opts)
{
	if (opts->tap) {
		r->tap = opts->tap;
	} else {
		r->tap = &r->own;
		smc_tap_begin(r->tap, opts->out);
	}
	watch_events(r);
}

void smc_run(struct smc_result *res, const struct smc_script *s,
	     const struct smc_backend *be, const struct smc_run_opts *opts)
{
	struct run r;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.s = s;
	r.be = be;
	r.o = opts;
	r.res = res;
	r.t0 = now_s();
	run_begin(&r, opts);
	smc_tap_comment(r.tap, "# ", s->file);
	run_range(&r, 0, s->nlines, false, 0);
	if (!r.stop)
		ensure_started(&r);
	if (r.tap == &r.own)
		smc_tap_plan(r.tap);
	if (r.progress_shown)
		fprintf(stderr, "\r\033[K");
	fflush(r.tap->out);
}

struct smc_session {
	struct run r;
};

struct smc_session *smc_session_new(const struct smc_backend *be,
				    const struct smc_run_opts *opts,
				    struct smc_result *res)
{
	struct smc_session *ss = xcalloc(1, sizeof(*ss));

	memset(res, 0, sizeof(*res));
	ss->r.be = be;
	ss->r.o = opts;
	ss->r.res = res;
	ss->r.t0 = now_s();
	run_begin(&ss->r, opts);
	return ss;
}

void smc_session_feed(struct smc_session *ss, const struct smc_script *s)
{
	ss->r.s = s;
	ss->r.stop = false;
	run_range(&ss->r, 0, s->nlines, false, 0);
	fflush(ss->r.tap->out);
}

void smc_session_finish(struct smc_session *ss)
{
	if (ss->r.tap == &ss->r.own)
		smc_tap_plan(ss->r.tap);
	fflush(ss->r.tap->out);
	free(ss);
}

/* ---- comparisons ---- */

#define INF INT64_MAX

static int parse_actual(int64_t *v, const char *s)
{
	char *end;
	long long x;

	if (!strcmp(s, "max")) {
		*v = INF;
		return 0;
	}
	errno = 0;
	x = strtoll(s, &end, 10);
	if (end == s || *end || errno)
		return -1;
	*v = x;
	return 0;
}

/* |a - b|: the distance of two int64_t always fits in a uint64_t. */
static uint64_t distance(int64_t a, int64_t b)
{
	return a > b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a;
}

static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/*
 * The selftests' values_close(a, b, err): |a - b| <= (a + b) / 100 * err
 * in integer math, dividing first, for every pair of int64_t: the bound
 * is taken over |a| + |b| (the same for the sizes the selftests compare;
 * for negative values it keeps -5 close to -5), and |a| + |b|, which may
 * not fit in 64 bits, is divided term by term: x / 100 + y / 100 +
 * (x % 100 + y % 100) / 100 is (x + y) / 100 for unsigned x and y. The
 * bound is then at most 2^64 / 100 * 100, within a uint64_t.
 */
static bool values_close(int64_t a, int64_t b, int64_t err)
{
	uint64_t x = magnitude(a), y = magnitude(b);
	uint64_t q = x / 100 + y / 100 + (x % 100 + y % 100) / 100;

	return distance(a, b) <= q * (uint64_t)err;
}

int smc_compare(bool *ok, const char *actual, enum smc_cmp cmp,
		const struct smc_value *want, const struct smc_value *tol,
		struct strbuf *why)
{
	int64_t a, b;

	*ok = false;
	if (want->kind == VAL_STRING) {
		bool eq = !strcmp(actual, want->str);

		*ok = cmp == CMP_EQ ? eq : !eq;
		if (!*ok)
			sb_printf(why, "expected %s\"%s\"", cmp == CMP_EQ ? "" : "not ", want->str);
		return 0;
	}
	if (parse_actual(&a, actual)) {
		if (strchr(actual, '\n'))
			sb_puts(why, "a value over several lines is not a number");
		else
			sb_printf(why, "\"%s\" is not a number", actual);
		return -1;
	}
	b = want->kind == VAL_MAX ? INF : want->num;
	switch (cmp) {
	case CMP_EQ: *ok = a == b; break;
	case CMP_NE: *ok = a != b; break;
	case CMP_LT: *ok = a < b; break;
	case CMP_LE: *ok = a <= b; break;
	case CMP_GT: *ok = a > b; break;
	case CMP_GE: *ok = a >= b; break;
	case CMP_CLOSE:
		if (a == INF || b == INF) {
			*ok = a == b;
		} else if (tol->kind == VAL_NUMBER) {
			*ok = distance(a, b) <= (uint64_t)tol->num;
		} else {
			*ok = values_close(a, b, tol->kind == VAL_PERCENT ? tol->num : 3);
		}
		break;
	}
	if (!*ok) {
		if (want->kind == VAL_MAX)
			sb_printf(why, "expected %s max", smc_cmp_name(cmp));
		else
			sb_printf(why, "expected %s %lld", smc_cmp_name(cmp), (long long)b);
		if (cmp == CMP_CLOSE) {
			if (tol->kind == VAL_NUMBER)
				sb_printf(why, " within %lld", (long long)tol->num);
			else
				sb_printf(why, " within %lld%%",
					  (long long)(tol->kind == VAL_PERCENT ? tol->num : 3));
		}
	}
	return 0;
}
