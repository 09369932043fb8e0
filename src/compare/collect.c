// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg compare: one scenario under the cross product of policy values,
 * each combination in its own forked process, side by side.
 *
 * A child runs the scenario on the model, then reads, through the public
 * API, what users ask about at the end of the run: every cgroup's files,
 * who pays for each object (smemcg_explain), who was killed and by which
 * signal, which statements failed with which errno (the observer and the
 * TAP it printed), zombies, the test points. It writes records to a pipe:
 *
 *   R <section> <object> <metric> <unit> <value>   (tab-separated)
 *   P <statements> <simulated ns>                   (progress)
 *   E                                               (the end)
 *
 * The parent reads every pipe (poll), merges the records into one table in
 * column order, so the output does not depend on which child ends first,
 * and prints it as a table, CSV or JSON.
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
#include <time.h>
#include <unistd.h>

#include "../base/base.h"
#include "../base/strmap.h"
#include "../scenario/model_backend.h"
#include "smemcg.h"
#include "../cli/cli.h"
#include "compare.h"

static const char *const section_names[CMP_NR_SECTIONS] = {
	"outcome", "task", "errno", "pays", "cgroup", "derived", "smemcg", "zombies", "observed",
};

static const char *const section_titles[CMP_NR_SECTIONS] = {
	"outcome",
	"processes",
	"statements that failed (errno)",
	"who pays: bytes of each object charged to each cgroup (smemcg_explain)",
	"cgroups",
	"derived metrics: what tools compute from the same state (legend below)",
	"shared memory cgroups",
	"zombies",
	"values the scenario read or expected (the last one per line)",
};

int cmp_section_from_name(const char *name)
{
	int i;

	for (i = 0; i < CMP_NR_SECTIONS; i++)
		if (!strcmp(name, section_names[i]))
			return i;
	return -1;
}

const char *cmp_section_name(enum cmp_section s)
{
	return (unsigned)s < CMP_NR_SECTIONS ? section_names[s] : "?";
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool parse_u64(uint64_t *v, const char *s)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

static bool is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* ======================================================================
 * The child: run one scenario, report what it shows.
 * ====================================================================== */

/* Keys of memory.stat shown: the breakdown users read. */
static const char *const stat_keys[] = {
	"anon", "file", "shmem", "file_mapped", "file_dirty", "active_file", "inactive_file",
	"unevictable", "kernel", "kernel_stack", "pagetables", "percpu", "sock", "slab", NULL,
};
static const char *const event_keys[] = { "high", "max", "oom", "oom_kill", "oom_group_kill",
					  NULL };
static const char *const dying_key[] = { "nr_dying_descendants", NULL };
/* an smemcg's own files: what it holds, and how often its limit was hit */
static const char *const smemcg_stat_keys[] = { "shmem", "kernel", NULL };
static const char *const smemcg_event_keys[] = { "max", NULL };
/* /proc/zombies: counts, then bytes */
static const char *const zombie_counts[] = { "dying_memcgs", "dying_memcgs_holding_ids",
					     "memcg_ids_in_use", NULL };
static const char *const zombie_sizes[] = { "wasted_bytes", NULL };

static bool in_list(const char *s, const char *const *l)
{
	for (; *l; l++)
		if (!strcmp(s, *l))
			return true;
	return false;
}

/* The unit of a value read from FILE (a path) and KEY. */
static char unit_of(const char *path, const char *key)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (!strcmp(base, "memory.stat"))
		return key && (!strncmp(key, "pg", 2) || !strncmp(key, "workingset_", 11) ||
			       !strncmp(key, "thp_", 4) || !strncmp(key, "zswp", 4) ||
			       !strcmp(key, "zswpin"))
			       ? CMP_COUNT : CMP_BYTES;
	if (strstr(base, ".events") || !strcmp(base, "cgroup.stat"))
		return CMP_COUNT;
	if (!strcmp(path, "/proc/zombies"))
		return key && strstr(key, "bytes") ? CMP_BYTES : CMP_COUNT;
	if (!strncmp(base, "memory.", 7) || !strncmp(base, "pins.", 5) ||
	    !strcmp(base, "borrow.max"))
		return CMP_BYTES;
	return CMP_TEXT;
}

struct obs {
	char *object, *metric;
	char unit;
	char *value;
};

struct errcount {
	char *object;
	int n;
	char *names[8];
	int counts[8];
	int other;
};

struct child {
	FILE *out;
	const struct smc_backend *inner;
	struct model_backend *mb;
	uint64_t stmts;
	double last_progress;
	struct obs *obs;
	int nobs, capobs;
	struct strmap obs_idx;
	struct errcount *errs;
	int nerrs, caperrs;
	struct strmap err_idx;
};

static void put_field(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static void emit(struct child *c, enum cmp_section sec, const char *object, const char *metric,
		 char unit, const char *value)
{
	fprintf(c->out, "R\t%d\t", (int)sec);
	put_field(c->out, object);
	fputc('\t', c->out);
	put_field(c->out, metric);
	fprintf(c->out, "\t%c\t", unit);
	put_field(c->out, value);
	fputc('\n', c->out);
}

static void emitf(struct child *c, enum cmp_section sec, const char *object, const char *metric,
		  char unit, const char *fmt, ...) PRINTF_LIKE(6, 7);

static void emitf(struct child *c, enum cmp_section sec, const char *object, const char *metric,
		  char unit, const char *fmt, ...)
{
	struct strbuf sb;
	va_list ap;

	sb_init(&sb);
	va_start(ap, fmt);
	sb_vprintf(&sb, fmt, ap);
	va_end(ap);
	emit(c, sec, object, metric, unit, sb.buf ? sb.buf : "");
	sb_free(&sb);
}

static void progress_tick(struct child *c)
{
	smemcg_machine *m;
	double t;

	if ((++c->stmts & 255))
		return;
	t = now_s();
	if (t - c->last_progress < 0.25)
		return;
	c->last_progress = t;
	m = model_backend_machine(c->mb);
	fprintf(c->out, "P\t%" PRIu64 "\t%" PRIu64 "\n", c->stmts, m ? smemcg_now_ns(m) : 0);
	fflush(c->out);
}

/* A backend that counts statements for the progress line, then runs the model. */
static int w_exec(void *ctx, const struct smc_stmt *st, struct strbuf *msg)
{
	struct child *c = ctx;
	int rc = c->inner->exec(c->inner->ctx, st, msg);

	progress_tick(c);
	return rc;
}

static int w_read(void *ctx, const char *path, struct strbuf *out, struct strbuf *msg)
{
	struct child *c = ctx;
	int rc = c->inner->read(c->inner->ctx, path, out, msg);

	progress_tick(c);
	return rc;
}

static int w_proc_state(void *ctx, const char *proc, enum smc_proc_state *state, int *sig,
			struct strbuf *msg)
{
	struct child *c = ctx;

	progress_tick(c);
	return c->inner->proc_state(c->inner->ctx, proc, state, sig, msg);
}

static int w_start(void *ctx, struct strbuf *msg)
{
	struct child *c = ctx;

	return c->inner->start ? c->inner->start(c->inner->ctx, msg) : 0;
}

static void add_obs(struct child *c, const char *object, const char *metric, char unit,
		    const char *value)
{
	struct strbuf key;
	int64_t i;

	sb_init(&key);
	sb_printf(&key, "%s\x01%s", object, metric);
	if (strmap_get(&c->obs_idx, key.buf, &i)) {
		free(c->obs[i].value);
		c->obs[i].value = xstrdup(value);
	} else {
		if (c->nobs == c->capobs) {
			c->capobs = c->capobs ? 2 * c->capobs : 32;
			c->obs = xrealloc(c->obs, (size_t)c->capobs * sizeof(*c->obs));
		}
		c->obs[c->nobs].object = xstrdup(object);
		c->obs[c->nobs].metric = xstrdup(metric);
		c->obs[c->nobs].unit = unit;
		c->obs[c->nobs].value = xstrdup(value);
		strmap_set(&c->obs_idx, key.buf, c->nobs++);
	}
	sb_free(&key);
}

static void add_err(struct child *c, const char *object, const char *value)
{
	struct errcount *e;
	int64_t i;
	int k;

	if (!strmap_get(&c->err_idx, object, &i)) {
		if (c->nerrs == c->caperrs) {
			c->caperrs = c->caperrs ? 2 * c->caperrs : 16;
			c->errs = xrealloc(c->errs, (size_t)c->caperrs * sizeof(*c->errs));
		}
		i = c->nerrs++;
		memset(&c->errs[i], 0, sizeof(c->errs[i]));
		c->errs[i].object = xstrdup(object);
		strmap_set(&c->err_idx, object, i);
	}
	e = &c->errs[i];
	for (k = 0; k < e->n; k++)
		if (!strcmp(e->names[k], value)) {
			e->counts[k]++;
			return;
		}
	if (e->n == (int)ARRAY_SIZE(e->names)) {
		e->other++;
		return;
	}
	e->names[e->n] = xstrdup(value);
	e->counts[e->n++] = 1;
}

/* "line N" and, for repeated statements, the same object each time. */
static void line_object(struct strbuf *sb, const struct smc_stmt *st)
{
	sb_printf(sb, "line %d", st->line);
}

static void observe_cb(void *ctx, const struct smc_stmt *st, const char *value, const char *note)
{
	struct child *c = ctx;
	struct strbuf obj, metric, text;
	const char *v = value ? value : note ? note : "";

	sb_init(&obj);
	sb_init(&metric);
	sb_init(&text);
	line_object(&obj, st);
	switch (st->op) {
	case SMC_EXPECT_ERROR:
		smc_line_text(&text, st->src);
		sb_printf(&obj, ": %s", text.buf);
		add_err(c, obj.buf, v);
		break;
	case SMC_EXPECT_PROC:
		sb_printf(&metric, "process %s", st->proc);
		add_obs(c, obj.buf, metric.buf, CMP_TEXT, v);
		break;
	case SMC_EXPECT_FILE:
		sb_printf(&metric, "%s%s%s", st->path, st->key ? " " : "", st->key ? st->key : "");
		add_obs(c, obj.buf, metric.buf, unit_of(st->path, st->key), v);
		break;
	case SMC_READ: {
		/* a flat-keyed file becomes one value per key */
		const char *p = v, *base = strrchr(st->path, '/');
		bool flat = value && strchr(v, '\n');
		bool stat = base && !strcmp(base, "/memory.stat");

		for (p = v; flat && *p;) {
			const char *e = strchr(p, '\n'), *sp;
			size_t n = e ? (size_t)(e - p) : strlen(p);

			sp = memchr(p, ' ', n);
			if (!sp || memchr(sp + 1, ' ', n - (size_t)(sp + 1 - p)) || sp == p)
				flat = false;
			p = e ? e + 1 : p + n;
		}
		if (!flat) {
			sb_puts(&metric, st->path);
			add_obs(c, obj.buf, metric.buf, value && is_number(v) ? unit_of(st->path, NULL)
								      : CMP_TEXT, v);
			break;
		}
		for (p = v; *p;) {
			const char *e = strchr(p, '\n'), *sp;
			size_t n = e ? (size_t)(e - p) : strlen(p);
			char *key;

			sp = memchr(p, ' ', n);
			key = xstrndup(p, (size_t)(sp - p));
			if (!stat || in_list(key, stat_keys)) {
				char *val = xstrndup(sp + 1, n - (size_t)(sp + 1 - p));

				sb_reset(&metric);
				sb_printf(&metric, "%s %s", st->path, key);
				add_obs(c, obj.buf, metric.buf,
					is_number(val) ? unit_of(st->path, key) : CMP_TEXT, val);
				free(val);
			}
			free(key);
			p = e ? e + 1 : p + n;
		}
		break;
	}
	default:
		break;
	}
	sb_free(&obj);
	sb_free(&metric);
	sb_free(&text);
}

/* The whole content of a file, without its final newline; NULL when it cannot be read. */
static char *readf(smemcg_machine *m, const char *dir, const char *file)
{
	struct strbuf path;
	char *out = NULL;
	size_t n;

	sb_init(&path);
	if (!strcmp(dir, "/"))
		sb_printf(&path, "/%s", file);
	else
		sb_printf(&path, "%s/%s", dir, file);
	if (smemcg_file_read(&out, m, path.buf)) {
		free(out);
		out = NULL;
	} else if (out && (n = strlen(out)) && out[n - 1] == '\n') {
		out[n - 1] = '\0';
	}
	sb_free(&path);
	return out;
}

/* The value of KEY in a flat-keyed text, or NULL (malloc'd). */
static char *flat_get(const char *text, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n > kl && !strncmp(p, key, kl) && p[kl] == ' ')
			return xstrndup(p + kl + 1, n - kl - 1);
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

static uint64_t flat_u64(const char *text, const char *key)
{
	char *v = text ? flat_get(text, key) : NULL;
	uint64_t x = 0;

	if (v && !parse_u64(&x, v))
		x = 0;
	free(v);
	return x;
}

/*
 * Each of keys present in text, a flat-keyed file such as memory.stat, as
 * the metric "PREFIX KEY" (PREFIX NULL: the key alone).
 */
static void emit_keys(struct child *c, enum cmp_section sec, const char *object,
		      const char *prefix, const char *text, const char *const *keys,
		      char unit)
{
	int k;

	for (k = 0; text && keys[k]; k++) {
		char *x = flat_get(text, keys[k]), metric[64];

		if (!x)
			continue;
		if (prefix)
			snprintf(metric, sizeof(metric), "%s %s", prefix, keys[k]);
		else
			snprintf(metric, sizeof(metric), "%s", keys[k]);
		emit(c, sec, object, metric, unit, x);
		free(x);
	}
}

/* A one-value file of dir, as the metric FILE, when it can be read. */
static void emit_file(struct child *c, enum cmp_section sec, smemcg_machine *m,
		      const char *dir, const char *file, char unit)
{
	char *v = readf(m, dir, file);

	if (v)
		emit(c, sec, dir, file, unit, v);
	free(v);
}

/* Split text into lines (the array and text are malloc'd; *n lines). */
static char **split_lines(char *text, int *n)
{
	char **v = NULL;
	int cap = 0;
	char *p = text;

	*n = 0;
	while (p && *p) {
		char *e = strchr(p, '\n');

		if (e)
			*e = '\0';
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			v = xrealloc(v, (size_t)cap * sizeof(*v));
		}
		v[(*n)++] = p;
		p = e ? e + 1 : NULL;
	}
	return v;
}

struct cginfo {
	const char *path;
	int parent;
	bool has_current;
	uint64_t current, max, anon, file, shmem, inactive_file, kernel, sock;
	bool limited;
	/* explain: what -> bytes in the subtree */
	int nitems;
	char **what;
	uint64_t *bytes;
};

static const char *const kernel_whats[] = {
	"kernel stacks", "page tables", "slab objects", "pages charged ahead", NULL,
};

static bool is_kernel_what(const char *w)
{
	const char *const *k;

	for (k = kernel_whats; *k; k++)
		if (!strncmp(w, *k, strlen(*k)))
			return true;
	return false;
}

static void explain_items(struct cginfo *ci, smemcg_machine *m)
{
	char *text = NULL;
	char **lines;
	int n, i;

	if (smemcg_explain(&text, m, ci->path)) {
		free(text);
		return;
	}
	lines = split_lines(text, &n);
	ci->what = xcalloc((size_t)n + 1, sizeof(*ci->what));
	ci->bytes = xcalloc((size_t)n + 1, sizeof(*ci->bytes));
	for (i = 1; i < n; i++) {
		char *p = lines[i], *end, *br;
		long long b;

		while (*p == ' ')
			p++;
		b = strtoll(p, &end, 10);
		if (end == p || *end != ' ')
			continue;
		p = end;
		while (*p == ' ')
			p++;
		p = strchr(p, ' ');	/* past the percentage */
		if (!p)
			continue;
		while (*p == ' ')
			p++;
		br = strstr(p, "  [");
		if (!br)
			continue;
		*br = '\0';
		if (is_kernel_what(p))
			continue;
		ci->what[ci->nitems] = xstrdup(p);
		ci->bytes[ci->nitems++] = (uint64_t)b;
	}
	free(lines);
	free(text);
}

static uint64_t item_bytes(const struct cginfo *ci, const char *what)
{
	int i;

	for (i = 0; i < ci->nitems; i++)
		if (!strcmp(ci->what[i], what))
			return ci->bytes[i];
	return 0;
}

/* The node's memory: `machine memory=` of the script, or the default. */
static uint64_t node_memory(const struct smc_script *s)
{
	struct smemcg_config cfg;
	uint64_t mem;
	int i;

	smemcg_config_init(&cfg);
	mem = cfg.memory_bytes;
	for (i = 0; i < s->nlines; i++) {
		struct smc_stmt st;
		struct smc_error err;

		if (!s->lines[i].ntok || strcmp(s->lines[i].tok[0].text, "machine"))
			continue;
		if (!smc_parse_stmt(&st, &s->lines[i], &err)) {
			if (st.op == SMC_MACHINE && (st.flags & SMC_F_SIZE))
				mem = st.size;
			smc_stmt_free(&st);
		}
	}
	return mem;
}

#define EVICTION_THRESHOLD (100ULL << 20)	/* kubelet's default memory.available<100Mi */
#define EXPLAIN_MAX_CGROUPS 256

static void percent(struct child *c, const char *obj, const char *metric, uint64_t a, uint64_t b)
{
	if (b)
		emitf(c, CMP_DERIVED, obj, metric, CMP_PERCENT, "%.2f", 100.0 * (double)a / (double)b);
}

/*
 * What the tools users run compute from this cgroup's files (cgroup v2):
 *
 * - cadvisor (and so the kubelet, metrics-server, `kubectl top`): the
 *   working set is memory.current - inactive_file, floored at 0
 *   (google/cadvisor container/libcontainer/handler.go, setMemoryStats;
 *   usage is memory.current through runc/opencontainers cgroups fs2).
 * - kubelet eviction: memory.available = node capacity - working set
 *   (kubernetes/website content/en/examples/admin/resource/
 *   memory-available-cgroupv2.sh, computed there for kubepods); the
 *   default hard threshold on Linux is memory.available<100Mi. Here it is
 *   computed for each cgroup as if that cgroup were kubepods.
 * - docker stats (docker/cli cli/command/container/stats_helpers.go,
 *   calculateMemUsageUnixNoCache): memory.current - inactive_file when
 *   inactive_file < memory.current, else memory.current (not floored at
 *   0, unlike cadvisor); the limit is memory.max capped at the host's
 *   memory (moby daemon statsV2: "if the container does not set memory
 *   limit, use the machineMemory"); MEM % = usage / limit * 100.
 * - podman stats: go.podman.io/common pkg/cgroups/memory_linux.go (2025)
 *   computes "Docker calculation: memory.current - inactive_file", floored
 *   at 0; the containers/common releases before it used memory.stat anon
 *   alone. We are not sure which podman release switched, so both are
 *   shown. The limit is memory.max capped at RAM (libpod stats_linux.go,
 *   getMemLimit).
 */
static void derived(struct child *c, const struct cginfo *ci, uint64_t node)
{
	uint64_t cur = ci->current, inact = ci->inactive_file;
	uint64_t ws = cur > inact ? cur - inact : 0;
	uint64_t docker = inact < cur ? cur - inact : cur;
	uint64_t limit = ci->limited && ci->max < node ? ci->max : node;
	uint64_t reclaimable = ci->file > ci->shmem ? ci->file - ci->shmem : 0;
	bool root = !strcmp(ci->path, "/");

	if (!ci->has_current)
		return;
	emitf(c, CMP_DERIVED, ci->path, "working set (cadvisor, kubelet)", CMP_BYTES, "%" PRIu64,
	      ws);
	if (!root) {
		emitf(c, CMP_DERIVED, ci->path, "docker stats usage", CMP_BYTES, "%" PRIu64, docker);
		emitf(c, CMP_DERIVED, ci->path, "docker stats limit", CMP_BYTES, "%" PRIu64, limit);
		percent(c, ci->path, "docker stats MEM %", docker, limit);
		emitf(c, CMP_DERIVED, ci->path, "podman stats usage (current - inactive_file)",
		      CMP_BYTES, "%" PRIu64, ws);
		emitf(c, CMP_DERIVED, ci->path, "podman stats usage (older: anon)", CMP_BYTES,
		      "%" PRIu64, ci->anon);
		percent(c, ci->path, "podman stats MEM %", ws, limit);
	}
	emitf(c, CMP_DERIVED, ci->path, "kubelet memory.available", CMP_BYTES, "%" PRIu64,
	      node > ws ? node - ws : 0);
	emit(c, CMP_DERIVED, ci->path, "kubelet evicts (available < 100Mi)", CMP_TEXT,
	     node - MIN(node, ws) < EVICTION_THRESHOLD ? "evict" : "no");
	if (!root) {
		if (ci->limited)
			emitf(c, CMP_DERIVED, ci->path, "kernel headroom (max - current)", CMP_BYTES,
			      "%" PRIu64, ci->max > cur ? ci->max - cur : 0);
		else
			emit(c, CMP_DERIVED, ci->path, "kernel headroom (max - current)", CMP_TEXT,
			     "no limit");
	}
	emitf(c, CMP_DERIVED, ci->path, "kernel: droppable page cache (file - shmem)", CMP_BYTES,
	      "%" PRIu64, reclaimable);
}

static void collect_cgroups(struct child *c, smemcg_machine *m, uint64_t node)
{
	char *list = NULL;
	char **paths;
	struct cginfo *ci;
	int n, i, j, k;

	smemcg_list_cgroups(&list, m);
	paths = split_lines(list, &n);
	ci = xcalloc((size_t)n + 1, sizeof(*ci));
	for (i = 0; i < n; i++) {
		const char *p = paths[i];
		const char *slash = strrchr(p, '/');
		char *v, *stat, *ev, *cst, *sm;

		ci[i].path = p;
		ci[i].parent = -1;
		if (strcmp(p, "/")) {
			size_t plen = slash == p ? 1 : (size_t)(slash - p);

			for (j = i - 1; j >= 0; j--)
				if (strlen(paths[j]) == plen && !strncmp(paths[j], p, plen)) {
					ci[i].parent = j;
					break;
				}
		}
		v = readf(m, p, "memory.current");
		if (v && parse_u64(&ci[i].current, v)) {
			ci[i].has_current = true;
			emit(c, CMP_CGROUP, p, "memory.current", CMP_BYTES, v);
		}
		free(v);
		emit_file(c, CMP_CGROUP, m, p, "memory.peak", CMP_BYTES);
		v = readf(m, p, "memory.max");
		if (v) {
			emit(c, CMP_CGROUP, p, "memory.max", CMP_BYTES, v);
			ci[i].limited = parse_u64(&ci[i].max, v);
		}
		free(v);
		emit_file(c, CMP_CGROUP, m, p, "memory.swap.current", CMP_BYTES);
		stat = readf(m, p, "memory.stat");
		if (stat) {
			emit_keys(c, CMP_CGROUP, p, "memory.stat", stat, stat_keys, CMP_BYTES);
			ci[i].anon = flat_u64(stat, "anon");
			ci[i].file = flat_u64(stat, "file");
			ci[i].shmem = flat_u64(stat, "shmem");
			ci[i].inactive_file = flat_u64(stat, "inactive_file");
			ci[i].kernel = flat_u64(stat, "kernel");
			ci[i].sock = flat_u64(stat, "sock");
			if (!ci[i].has_current && !strcmp(p, "/")) {
				/* the root has no memory.current: its stats stand in */
				ci[i].current = ci[i].anon + ci[i].file + ci[i].kernel + ci[i].sock;
				ci[i].has_current = true;
			}
		}
		free(stat);
		ev = readf(m, p, "memory.events");
		emit_keys(c, CMP_CGROUP, p, "memory.events", ev, event_keys, CMP_COUNT);
		free(ev);
		cst = readf(m, p, "cgroup.stat");
		emit_keys(c, CMP_CGROUP, p, "cgroup.stat", cst, dying_key, CMP_COUNT);
		free(cst);
		sm = readf(m, p, "memory.smemcg");
		if (sm) {
			char **l;
			int nl, q;

			l = split_lines(sm, &nl);
			for (q = 0; q < nl; q++) {
				char *sp = strchr(l[q], ' ');
				struct strbuf metric;

				if (!sp)
					continue;
				sb_init(&metric);
				sb_printf(&metric, "memory.smemcg %.*s (borrowed)", (int)(sp - l[q]), l[q]);
				emit(c, CMP_CGROUP, p, metric.buf, CMP_BYTES, sp + 1);
				sb_free(&metric);
			}
			free(l);
		}
		free(sm);
		v = readf(m, p, "pins.current");
		if (v)
			emit(c, CMP_CGROUP, p, "pins.current", CMP_BYTES, v);
		free(v);
	}
	for (i = 0; i < n; i++)
		derived(c, &ci[i], node);

	/* who pays: what is charged to each cgroup itself, not to a live child */
	if (n > EXPLAIN_MAX_CGROUPS) {
		emitf(c, CMP_OUTCOME, "", "who pays", CMP_TEXT,
		      "not computed: %d cgroups (over %d)", n, EXPLAIN_MAX_CGROUPS);
	} else {
		for (i = 0; i < n; i++)
			explain_items(&ci[i], m);
		for (i = 0; i < n; i++)
			for (k = 0; k < ci[i].nitems; k++) {
				uint64_t own = ci[i].bytes[k];

				for (j = i + 1; j < n; j++)
					if (ci[j].parent == i) {
						uint64_t b = item_bytes(&ci[j], ci[i].what[k]);

						own = own > b ? own - b : 0;
					}
				if (own)
					emitf(c, CMP_PAYS, ci[i].what[k], ci[i].path, CMP_BYTES,
					      "%" PRIu64, own);
			}
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < ci[i].nitems; k++)
			free(ci[i].what[k]);
		free(ci[i].what);
		free(ci[i].bytes);
	}
	free(ci);
	free(paths);
	free(list);
}

static void collect_smemcgs(struct child *c, smemcg_machine *m)
{
	char *list = NULL;
	char **names;
	int n, i;

	smemcg_list_smemcgs(&list, m);
	names = split_lines(list, &n);
	for (i = 0; i < n; i++) {
		struct strbuf obj;
		char *v;

		sb_init(&obj);
		sb_printf(&obj, "@%s", names[i]);
		emit_file(c, CMP_SMEMCG, m, obj.buf, "memory.current", CMP_BYTES);
		emit_file(c, CMP_SMEMCG, m, obj.buf, "memory.max", CMP_BYTES);
		v = readf(m, obj.buf, "memory.stat");
		emit_keys(c, CMP_SMEMCG, obj.buf, "memory.stat", v, smemcg_stat_keys, CMP_BYTES);
		free(v);
		v = readf(m, obj.buf, "memory.events");
		emit_keys(c, CMP_SMEMCG, obj.buf, "memory.events", v, smemcg_event_keys, CMP_COUNT);
		free(v);
		v = readf(m, obj.buf, "attached");
		if (v) {
			char *p;

			for (p = v; *p; p++)
				if (*p == '\n')
					*p = ' ';
			emit(c, CMP_SMEMCG, obj.buf, "attached", CMP_TEXT, *v ? v : "none");
		}
		free(v);
		sb_free(&obj);
	}
	free(names);
	free(list);
}

static void collect_tasks(struct child *c, smemcg_machine *m)
{
	char *list = NULL;
	char **l;
	int n, i;
	struct strbuf killed;
	struct strmap seen;

	sb_init(&killed);
	strmap_init(&seen);
	smemcg_list_tasks(&list, m);
	l = split_lines(list, &n);
	for (i = 0; i < n; i++) {
		char comm[256], cg[4096], state[16];
		int pid, sig = 0, k;
		int64_t times = 0;
		struct strbuf obj;

		k = sscanf(l[i], "%d %255s %4095s %15s %d", &pid, comm, cg, state, &sig);
		if (k < 4)
			continue;
		sb_init(&obj);
		strmap_get(&seen, comm, &times);
		strmap_set(&seen, comm, times + 1);
		if (times)
			sb_printf(&obj, "%s#%lld (%s)", comm, (long long)times + 1, cg);
		else
			sb_printf(&obj, "%s (%s)", comm, cg);
		if (!strcmp(state, "killed")) {
			emitf(c, CMP_TASK, obj.buf, "state", CMP_TEXT, "killed %s", smc_signal_name(sig));
			sb_printf(&killed, "%s%s %s", killed.len ? ", " : "", comm, smc_signal_name(sig));
		} else {
			emit(c, CMP_TASK, obj.buf, "state", CMP_TEXT, state);
		}
		sb_free(&obj);
	}
	emit(c, CMP_OUTCOME, "", "killed", CMP_TEXT, killed.len ? killed.buf : "none");
	strmap_free(&seen);
	sb_free(&killed);
	free(l);
	free(list);
}

/*
 * The TAP the run printed: points that failed, and the statement that
 * stopped the run with its errno.
 */
static void collect_tap(struct child *c, char *tap, const struct smc_result *res)
{
	struct strbuf failed, stopped;
	char **l;
	int n, i, nfailed = 0;

	sb_init(&failed);
	sb_init(&stopped);
	l = split_lines(tap, &n);
	for (i = 0; i < n; i++) {
		char *p, *q, *detail;
		int line = 0;

		if (strncmp(l[i], "not ok ", 7) || strstr(l[i], " # TODO") || strstr(l[i], " # SKIP"))
			continue;
		p = strstr(l[i], " - ");
		q = p ? strstr(p, " (line ") : NULL;
		if (!q) {
			/* the machine could not be set up, or a line would not parse */
			if (!stopped.len)
				sb_puts(&stopped, p ? p + 3 : l[i]);
			continue;
		}
		line = atoi(q + 7);
		detail = strchr(q + 7, ';');
		detail = detail ? detail + 2 : (char *)"";
		if (!strncmp(detail, "failed with ", 12) || !strncmp(detail, "not supported yet", 17)) {
			struct strbuf obj, err;
			const char *e = detail + (detail[0] == 'f' ? 12 : 0);
			size_t en = strcspn(e, ":)");

			sb_init(&obj);
			sb_init(&err);
			sb_printf(&obj, "line %d: %.*s", line, (int)(q - p - 3), p + 3);
			if (detail[0] == 'f')
				sb_printf(&err, "%.*s (stopped the run)", (int)en, e);
			else
				sb_puts(&err, "not supported (stopped the run)");
			add_err(c, obj.buf, err.buf);
			sb_printf(&stopped, "line %d: %.*s", line, (int)en, e);
			sb_free(&obj);
			sb_free(&err);
		} else if (nfailed++ < 20) {
			sb_printf(&failed, "%sline %d", failed.len ? ", " : "", line);
		}
	}
	if (nfailed > 20)
		sb_printf(&failed, ", ... (%d in all)", nfailed);
	emit(c, CMP_OUTCOME, "", "status", CMP_TEXT,
	     stopped.len || res->stopped ? "stopped" : "completed");
	emit(c, CMP_OUTCOME, "", "stopped at", CMP_TEXT, stopped.len ? stopped.buf : "-");
	emitf(c, CMP_OUTCOME, "", "expects passed", CMP_COUNT, "%d", res->passed);
	emitf(c, CMP_OUTCOME, "", "expects failed", CMP_COUNT, "%d", res->failed);
	emit(c, CMP_OUTCOME, "", "failed points", CMP_TEXT, failed.len ? failed.buf : "none");
	free(l);
	sb_free(&failed);
	sb_free(&stopped);
}

static void emit_errs(struct child *c)
{
	int i, k;

	for (i = 0; i < c->nerrs; i++) {
		struct errcount *e = &c->errs[i];
		struct strbuf v;

		sb_init(&v);
		for (k = 0; k < e->n; k++) {
			sb_printf(&v, "%s%s", k ? ", " : "", e->names[k]);
			if (e->counts[k] > 1)
				sb_printf(&v, " x%d", e->counts[k]);
			free(e->names[k]);
		}
		if (e->other)
			sb_printf(&v, ", %d others", e->other);
		emit(c, CMP_ERRNO, e->object, "result", CMP_TEXT, v.buf);
		sb_free(&v);
		free(e->object);
	}
	free(c->errs);
	strmap_free(&c->err_idx);
}

static void emit_obs(struct child *c)
{
	int i;

	for (i = 0; i < c->nobs; i++) {
		emit(c, CMP_OBSERVED, c->obs[i].object, c->obs[i].metric, c->obs[i].unit,
		     c->obs[i].value);
		free(c->obs[i].object);
		free(c->obs[i].metric);
		free(c->obs[i].value);
	}
	free(c->obs);
	strmap_free(&c->obs_idx);
}

/* The child's whole life: run, collect, write, exit. */
static int run_child(const struct cmp_spec *spec, int fd)
{
	struct child c;
	struct smc_backend inner, wrap;
	struct smc_run_opts opts;
	struct smc_result res;
	smemcg_machine *m;
	char *tap = NULL;
	size_t taplen = 0;
	FILE *tapf;

	memset(&c, 0, sizeof(c));
	c.out = fdopen(fd, "w");
	if (!c.out)
		return 3;
	strmap_init(&c.obs_idx);
	strmap_init(&c.err_idx);
	c.mb = model_backend_new(spec->kv, spec->nkv, false);
	model_backend_ops(&inner, c.mb);
	c.inner = &inner;
	c.last_progress = now_s();
	wrap.ctx = &c;
	wrap.exec = w_exec;
	wrap.read = w_read;
	wrap.proc_state = w_proc_state;
	wrap.start = w_start;
	tapf = open_memstream(&tap, &taplen);
	if (!tapf)
		return 3;
	memset(&opts, 0, sizeof(opts));
	opts.out = tapf;
	opts.quiet = true;
	opts.observe = observe_cb;
	opts.observe_ctx = &c;
	smc_run(&res, spec->script, &wrap, &opts);
	fclose(tapf);

	collect_tap(&c, tap, &res);
	free(tap);
	emitf(&c, CMP_OUTCOME, "", "statements", CMP_COUNT, "%" PRIu64, c.stmts);
	m = model_backend_machine(c.mb);
	if (m) {
		char *z = NULL;

		emitf(&c, CMP_OUTCOME, "", "simulated time", CMP_NS, "%" PRIu64, smemcg_now_ns(m));
		collect_tasks(&c, m);
		collect_cgroups(&c, m, node_memory(spec->script));
		collect_smemcgs(&c, m);
		if (!smemcg_file_read(&z, m, "/proc/zombies")) {
			emit_keys(&c, CMP_ZOMBIES, "/proc/zombies", NULL, z, zombie_counts, CMP_COUNT);
			emit_keys(&c, CMP_ZOMBIES, "/proc/zombies", NULL, z, zombie_sizes, CMP_BYTES);
		}
		free(z);
	}
	emit_errs(&c);
	emit_obs(&c);
	fputs("E\n", c.out);
	model_backend_free(c.mb);
	return fclose(c.out) ? 3 : 0;
}

/* ======================================================================
 * The parent: fork, read, merge.
 * ====================================================================== */

struct job {
	pid_t pid;
	int fd;
	struct strbuf buf;
	size_t scanned;
	uint64_t stmts, ns;
	bool running, done;
	int status;
};

static void row_key(struct strbuf *k, int sec, const char *obj, const char *metric)
{
	sb_reset(k);
	sb_printf(k, "%d\x01%s\x01%s", sec, obj, metric);
}

struct index {
	struct strmap rows, objects;
	int nobjects;
};

static struct cmp_row *table_row(struct cmp_table *t, int sec, const char *obj,
				 const char *metric, char unit)
{
	struct index *ix = t->index;
	struct strbuf k;
	int64_t i, o;
	struct cmp_row *r;

	sb_init(&k);
	row_key(&k, sec, obj, metric);
	if (strmap_get(&ix->rows, k.buf, &i)) {
		sb_free(&k);
		return &t->rows[i];
	}
	strmap_set(&ix->rows, k.buf, t->nrows);
	sb_reset(&k);
	sb_printf(&k, "%d\x01%s", sec, obj);
	if (!strmap_get(&ix->objects, k.buf, &o)) {
		o = ix->nobjects++;
		strmap_set(&ix->objects, k.buf, o);
	}
	sb_free(&k);
	if (t->nrows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->rows = xrealloc(t->rows, (size_t)t->cap * sizeof(*t->rows));
	}
	r = &t->rows[t->nrows];
	r->section = (enum cmp_section)sec;
	r->object = xstrdup(obj);
	r->metric = xstrdup(metric);
	r->unit = unit;
	r->object_order = (int)o;
	r->order = t->nrows++;
	r->val = xcalloc((size_t)t->ncol, sizeof(*r->val));
	return r;
}

static void set_value(struct cmp_table *t, int col, int sec, const char *obj, const char *metric,
		      char unit, const char *value)
{
	struct cmp_row *r = table_row(t, sec, obj, metric, unit);

	free(r->val[col]);
	r->val[col] = xstrdup(value);
}

/* Merge one child's records into column col; false when it did not end. */
static bool parse_output(struct cmp_table *t, int col, char *text)
{
	char **l;
	int n, i;
	bool ended = false;

	l = split_lines(text, &n);
	for (i = 0; i < n; i++) {
		char *f[6], *p = l[i];
		int k;

		if (!strcmp(p, "E")) {
			ended = true;
			continue;
		}
		if (p[0] != 'R' || p[1] != '\t')
			continue;
		for (k = 0; k < 6 && p; k++) {
			f[k] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (k < 6 || p || atoi(f[1]) < 0 || atoi(f[1]) >= CMP_NR_SECTIONS)
			continue;
		set_value(t, col, atoi(f[1]), f[2], f[3], f[4][0], f[5]);
	}
	free(l);
	return ended;
}

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

int cmp_execute(struct cmp_table *t, const struct cmp_spec *specs, int n,
		const struct cmp_opts *o)
{
	struct job *jobs = xcalloc((size_t)n + 1, sizeof(*jobs));
	struct pollfd *pfd = xcalloc((size_t)n + 1, sizeof(*pfd));
	int *pidx = xcalloc((size_t)n + 1, sizeof(*pidx));
	int maxjobs = o->jobs > 0 ? o->jobs : online_cpus();
	int next = 0, running = 0, done = 0, crashed = 0, i;
	double t0 = now_s(), last = 0;
	bool shown = false;
	struct index *ix;

	memset(t, 0, sizeof(*t));
	t->ncol = n;
	t->labels = xcalloc((size_t)n + 1, sizeof(*t->labels));
	t->crashed = xcalloc((size_t)n + 1, sizeof(*t->crashed));
	ix = xcalloc(1, sizeof(*ix));
	strmap_init(&ix->rows);
	strmap_init(&ix->objects);
	t->index = ix;
	for (i = 0; i < n; i++) {
		t->labels[i] = xstrdup(specs[i].label);
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
				cmp_table_free(t);
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
	/* merge in column order: the table does not depend on who finished first */
	for (i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		bool ended = parse_output(t, i, j->buf.buf ? j->buf.buf : (char *)"");
		int st = j->status;

		if (!ended || !WIFEXITED(st) || WEXITSTATUS(st)) {
			struct strbuf why;

			sb_init(&why);
			if (WIFSIGNALED(st))
				sb_printf(&why, "crashed: killed by signal %d (%s)", WTERMSIG(st),
					  smc_signal_name(WTERMSIG(st)) ? smc_signal_name(WTERMSIG(st))
									: "?");
			else if (WIFEXITED(st) && WEXITSTATUS(st))
				sb_printf(&why, "crashed: exit status %d", WEXITSTATUS(st));
			else
				sb_puts(&why, "crashed: no result");
			set_value(t, i, CMP_OUTCOME, "", "status", CMP_TEXT, why.buf);
			t->crashed[i] = true;
			crashed++;
			sb_free(&why);
		}
		sb_free(&j->buf);
	}
	free(jobs);
	free(pfd);
	free(pidx);
	return crashed;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct cmp_row *x = a, *y = b;

	if (x->section != y->section)
		return x->section < y->section ? -1 : 1;
	if (x->object_order != y->object_order)
		return x->object_order < y->object_order ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void table_sort(struct cmp_table *t)
{
	qsort(t->rows, (size_t)t->nrows, sizeof(*t->rows), cmp_rows);
}

void cmp_table_free(struct cmp_table *t)
{
	struct index *ix = t->index;
	int i, c;

	for (i = 0; i < t->nrows; i++) {
		for (c = 0; c < t->ncol; c++)
			free(t->rows[i].val[c]);
		free(t->rows[i].val);
		free(t->rows[i].object);
		free(t->rows[i].metric);
	}
	free(t->rows);
	for (c = 0; c < t->ncol; c++)
		free(t->labels[c]);
	free(t->labels);
	free(t->crashed);
	if (ix) {
		strmap_free(&ix->rows);
		strmap_free(&ix->objects);
		free(ix);
	}
	memset(t, 0, sizeof(*t));
}

const char *cmp_value(const struct cmp_table *t, enum cmp_section section, const char *object,
		      const char *metric, int col)
{
	int i;

	for (i = 0; i < t->nrows; i++)
		if (t->rows[i].section == section && !strcmp(t->rows[i].object, object) &&
		    !strcmp(t->rows[i].metric, metric))
			return col >= 0 && col < t->ncol ? t->rows[i].val[col] : NULL;
	return NULL;
}

/* ======================================================================
 * Output
 * ====================================================================== */

const char *cmp_human_bytes(char *buf, size_t len, const char *value)
{
	static const char suffix[] = "KMGT";
	uint64_t v, unit = 1024;
	int k = -1;

	if (!parse_u64(&v, value) || v < 1024) {
		snprintf(buf, len, "%s", value);
		return buf;
	}
	while (k < 3 && v >= unit) {
		k++;
		if (v / unit < 1024 || k == 3)
			break;
		unit *= 1024;
	}
	if (v % unit == 0)
		snprintf(buf, len, "%" PRIu64 "%c", v / unit, suffix[k]);
	else
		snprintf(buf, len, "%.2f%c", (double)v / (double)unit, suffix[k]);
	return buf;
}

static void cell_text(char *buf, size_t len, char unit, const char *v, bool exact)
{
	uint64_t x;

	if (!v) {
		snprintf(buf, len, "-");
	} else if (unit == CMP_BYTES && !exact) {
		cmp_human_bytes(buf, len, v);
	} else if (unit == CMP_PERCENT) {
		snprintf(buf, len, "%s%%", v);
	} else if (unit == CMP_NS && parse_u64(&x, v)) {
		snprintf(buf, len, "%.3f s", (double)x / 1e9);
	} else {
		snprintf(buf, len, "%s", v);
	}
}

static bool row_differs(const struct cmp_table *t, const struct cmp_row *r)
{
	int c;

	for (c = 1; c < t->ncol; c++) {
		const char *a = r->val[0], *b = r->val[c];

		if ((!a) != (!b) || (a && strcmp(a, b)))
			return true;
	}
	return false;
}

static bool all_zero(const struct cmp_table *t, const struct cmp_row *r)
{
	int c;

	for (c = 0; c < t->ncol; c++)
		if (r->val[c] && strcmp(r->val[c], "0"))
			return false;
	return true;
}

static bool visible(const struct cmp_table *t, const struct cmp_row *r,
		    const struct cmp_print_opts *po)
{
	if (po->sections && !(po->sections & (1u << r->section)))
		return false;
	if (po->format == CMP_TABLE && !po->all && all_zero(t, r))
		return false;
	if (po->changed_only && !row_differs(t, r))
		return false;
	if (po->keep && !po->keep(r, po->keep_arg))
		return false;
	return true;
}

static const char *const legend[] = {
	"memory.current: what the kernel charges and limits: page cache, tmpfs, kernel memory,",
	"  pages waiting in per-CPU stocks and, under smemcg=borrow|full, borrowed shared memory.",
	"working set (cadvisor, kubelet): memory.current - inactive_file, floored at 0. Only",
	"  inactive page cache is left out: tmpfs (shmem) sits on the anon LRU and always counts.",
	"docker stats usage: the same subtraction, but it keeps memory.current when inactive_file",
	"  is not below it (no floor at 0); the limit is memory.max capped at the host's memory.",
	"podman stats usage: recent podman (go.podman.io/common) as cadvisor; older podman",
	"  (containers/common) showed memory.stat anon only: blind to page cache, tmpfs, kernel.",
	"kubelet memory.available: node memory - working set, as if the cgroup were kubepods; the",
	"  kubelet evicts below 100Mi (its default), a node signal that ignores memory.max.",
	"kernel headroom: memory.max - memory.current; the kernel reclaims, then OOM-kills, on",
	"  memory.current, whatever the tools show. Droppable page cache: file - shmem (tmpfs",
	"  needs swap to go). For / (no memory.current) anon + file + kernel + sock stand in.",
	NULL,
};

static void print_table(FILE *f, struct cmp_table *t, const struct cmp_print_opts *po)
{
	int *w = xcalloc((size_t)t->ncol + 1, sizeof(*w));
	int lw = 8, i, c, sec = -1;
	const char *obj = NULL;
	bool any_derived = false, any_differs = false;
	char cell[128];

	for (c = 0; c < t->ncol; c++)
		w[c] = (int)strlen(t->labels[c]);
	for (i = 0; i < t->nrows; i++) {
		const struct cmp_row *r = &t->rows[i];
		int l = (int)strlen(r->metric) + (*r->object ? 6 : 4);

		if (!visible(t, r, po))
			continue;
		lw = MAX(lw, l);
		for (c = 0; c < t->ncol; c++) {
			cell_text(cell, sizeof(cell), r->unit, r->val[c], po->exact);
			w[c] = MAX(w[c], (int)strlen(cell));
		}
	}
	if (po->title)
		fprintf(f, "%s\n", po->title);
	fprintf(f, "%-*s", lw, "");
	for (c = 0; c < t->ncol; c++)
		fprintf(f, "  %*s", w[c], t->labels[c]);
	fputc('\n', f);
	for (i = 0; i < t->nrows; i++) {
		const struct cmp_row *r = &t->rows[i];
		int indent = 2;

		if (!visible(t, r, po))
			continue;
		if ((int)r->section != sec) {
			sec = (int)r->section;
			obj = NULL;
			fprintf(f, "\n%s\n", section_titles[sec]);
			if (sec == CMP_DERIVED)
				any_derived = true;
		}
		if (*r->object) {
			if (!obj || strcmp(obj, r->object))
				fprintf(f, "    %s\n", r->object);
			obj = r->object;
			indent = 4;
		}
		if (row_differs(t, r))
			any_differs = true;
		fprintf(f, "%c %*s%-*s", row_differs(t, r) ? '*' : ' ', indent - 1, "",
			lw - indent - 1, r->metric);
		for (c = 0; c < t->ncol; c++) {
			cell_text(cell, sizeof(cell), r->unit, r->val[c], po->exact);
			fprintf(f, "  %*s", w[c], cell);
		}
		fputc('\n', f);
	}
	if (any_differs)
		fprintf(f, "\n* the runs differ in this row\n");
	if (po->legend && any_derived) {
		fputs("\nwhy the derived numbers differ:\n", f);
		for (i = 0; legend[i]; i++)
			fprintf(f, "  %s\n", legend[i]);
	}
	free(w);
}

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r") && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static const char *unit_name(char u)
{
	switch (u) {
	case CMP_BYTES: return "bytes";
	case CMP_COUNT: return "count";
	case CMP_PERCENT: return "percent";
	case CMP_NS: return "ns";
	default: return "text";
	}
}

static void print_csv(FILE *f, const struct cmp_table *t, const struct cmp_print_opts *po)
{
	int i, c;

	fputs("section,object,metric,unit", f);
	for (c = 0; c < t->ncol; c++) {
		fputc(',', f);
		csv_field(f, t->labels[c]);
	}
	fputs("\r\n", f);
	for (i = 0; i < t->nrows; i++) {
		const struct cmp_row *r = &t->rows[i];

		if (!visible(t, r, po))
			continue;
		fprintf(f, "%s,", section_names[r->section]);
		csv_field(f, r->object);
		fputc(',', f);
		csv_field(f, r->metric);
		fprintf(f, ",%s", unit_name(r->unit));
		for (c = 0; c < t->ncol; c++) {
			fputc(',', f);
			if (r->val[c])
				csv_field(f, r->val[c]);
		}
		fputs("\r\n", f);
	}
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\t')
			fputs("\\t", f);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static bool json_number(const char *s, char unit)
{
	const char *p = s;
	bool dot = false;

	if (unit == CMP_TEXT)
		return false;
	if (*p == '-')
		p++;
	if (!*p || (*p == '0' && p[1] && p[1] != '.'))
		return false;
	for (; *p; p++) {
		if (*p == '.' && !dot && unit == CMP_PERCENT && p[1]) {
			dot = true;
			continue;
		}
		if (*p < '0' || *p > '9')
			return false;
	}
	return true;
}

static void print_json(FILE *f, const struct cmp_table *t, const struct cmp_print_opts *po)
{
	int i, c;
	bool first = true;

	fputs("{\n  \"scenario\": ", f);
	json_string(f, po->title ? po->title : "");
	fputs(",\n  \"columns\": [", f);
	for (c = 0; c < t->ncol; c++) {
		fputs(c ? ", " : "", f);
		fputs("{\"label\": ", f);
		json_string(f, t->labels[c]);
		fprintf(f, ", \"crashed\": %s}", t->crashed[c] ? "true" : "false");
	}
	fputs("],\n  \"rows\": [", f);
	for (i = 0; i < t->nrows; i++) {
		const struct cmp_row *r = &t->rows[i];

		if (!visible(t, r, po))
			continue;
		fputs(first ? "\n    {" : ",\n    {", f);
		first = false;
		fprintf(f, "\"section\": \"%s\", \"object\": ", section_names[r->section]);
		json_string(f, r->object);
		fputs(", \"metric\": ", f);
		json_string(f, r->metric);
		fprintf(f, ", \"unit\": \"%s\", \"values\": [", unit_name(r->unit));
		for (c = 0; c < t->ncol; c++) {
			fputs(c ? ", " : "", f);
			if (!r->val[c])
				fputs("null", f);
			else if (json_number(r->val[c], r->unit))
				fputs(r->val[c], f);
			else
				json_string(f, r->val[c]);
		}
		fputs("]}", f);
	}
	fputs("\n  ]\n}\n", f);
}

void cmp_print(FILE *f, struct cmp_table *t, const struct cmp_print_opts *po)
{
	table_sort(t);
	switch (po->format) {
	case CMP_CSV:
		print_csv(f, t, po);
		break;
	case CMP_JSON:
		print_json(f, t, po);
		break;
	default:
		print_table(f, t, po);
		break;
	}
	fflush(f);
}

/* ======================================================================
 * The command
 * ====================================================================== */

static void compare_usage(FILE *f)
{
	fprintf(f,
		"usage: smemcg compare SCENARIO --policy KEY=V1,V2[,...] [--policy KEY2=...]\n"
		"                      [--format table|csv|json] [--jobs N] [--only SECTIONS]\n"
		"                      [--changed] [--all] [--exact] [--quiet]\n"
		"\n"
		"Run SCENARIO once for every combination of the policy values given (the cross\n"
		"product, the first key varying slowest), each in its own process, up to N at\n"
		"once, and print, side by side, what the runs show at their end: who was killed\n"
		"(SIGKILL: OOM or kill; SIGBUS: a remote charge that failed), which statements\n"
		"failed with which errno, who pays for each object, every cgroup's\n"
		"memory.current, peak, memory.stat breakdown, events, swap and zombies, each\n"
		"smemcg's charge, the test points, and what kubelet, cadvisor, docker and podman\n"
		"would compute from the same files. Rows marked * differ between the runs.\n"
		"\n"
		"  --policy KEY=V1,V2  policy values to compare (repeat for more keys):\n"
		"                      shared=owner|common-ancestor  smemcg=borrow|full\n"
		"                      recharge=none|reparent|evict|mapper|deferred|auto\n"
		"                      owner=mm-owner|mm-memcg  kmem=on|off  stock=on|off\n"
		"  --format FORMAT     table (default), csv or json: the same rows and values\n"
		"  --jobs N            runs at once (default: the online CPUs)\n"
		"  --only SECTIONS     comma-separated: outcome,task,errno,pays,cgroup,derived,\n"
		"                      smemcg,zombies,observed\n"
		"  --changed           only the rows that differ between the runs\n"
		"  --all               table: also the rows that are 0 in every run (csv and\n"
		"                      json always have them)\n"
		"  --exact             table: bytes as exact numbers (csv and json always are)\n"
		"  --quiet             no progress line on stderr (none either when stderr is\n"
		"                      not a terminal)\n"
		"\n"
		"Exit status: 0 when every run completed (failed expects are results, shown in\n"
		"the outcome rows), 1 when a run crashed, 2 on bad usage or a scenario that\n"
		"does not load.\n");
}

struct axis {
	char *key;
	char **values;
	int n;
};

static void free_axes(struct axis *ax, int n)
{
	int i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < ax[i].n; k++)
			free(ax[i].values[k]);
		free(ax[i].values);
		free(ax[i].key);
	}
	free(ax);
}

/* "KEY=V1,V2" into a new axis; -1 with a message on stderr. */
static int add_axis(struct axis **ax, int *n, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct axis a;
	char *vals, *tok, *save = NULL;
	int i;

	if (!eq || eq == arg || !eq[1]) {
		fprintf(stderr, "smemcg compare: --policy takes KEY=V1,V2,..., not \"%s\"\n", arg);
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.key = xstrndup(arg, (size_t)(eq - arg));
	for (i = 0; i < *n; i++)
		if (!strcmp((*ax)[i].key, a.key)) {
			fprintf(stderr, "smemcg compare: --policy %s given twice; list its values "
					"in one --policy %s=V1,V2\n", a.key, a.key);
			free(a.key);
			return -1;
		}
	vals = xstrdup(eq + 1);
	for (tok = strtok_r(vals, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char msg[256];

		if (smemcg_policy_check(msg, sizeof(msg), a.key, tok)) {
			fprintf(stderr, "smemcg compare: --policy %s=%s: %s\n", a.key, tok, msg);
			goto bad;
		}
		for (i = 0; i < a.n; i++)
			if (!strcmp(a.values[i], tok)) {
				fprintf(stderr, "smemcg compare: --policy %s: %s listed twice\n", a.key,
					tok);
				goto bad;
			}
		a.values = xrealloc(a.values, (size_t)(a.n + 1) * sizeof(*a.values));
		a.values[a.n++] = xstrdup(tok);
	}
	if (!a.n || eq[strlen(eq) - 1] == ',' || strstr(eq, ",,")) {
		fprintf(stderr, "smemcg compare: --policy %s: an empty value\n", arg);
		goto bad;
	}
	free(vals);
	*ax = xrealloc(*ax, (size_t)(*n + 1) * sizeof(**ax));
	(*ax)[(*n)++] = a;
	return 0;
bad:
	free(vals);
	for (i = 0; i < a.n; i++)
		free(a.values[i]);
	free(a.values);
	free(a.key);
	return -1;
}

static int parse_sections(unsigned *mask, const char *arg)
{
	char *s = xstrdup(arg), *tok, *save = NULL;
	int rc = 0;

	*mask = 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int k = cmp_section_from_name(tok);

		if (k < 0) {
			fprintf(stderr, "smemcg compare: --only: unknown section \"%s\"\n", tok);
			rc = -1;
			break;
		}
		*mask |= 1u << k;
	}
	if (!rc && !*mask) {
		fprintf(stderr, "smemcg compare: --only needs a section\n");
		rc = -1;
	}
	free(s);
	return rc;
}

/* The value of an option: "--opt VALUE" or "--opt=VALUE". */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (!strcmp(argv[*i], name)) {
		if (*i + 1 >= argc)
			return NULL;
		return argv[++*i];
	}
	return NULL;
}

static bool is_opt(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

int cmd_compare(int argc, char **argv)
{
	struct axis *ax = NULL;
	int nax = 0, i, k, ncomb = 1, jobs = 0, rc = 2, crashed;
	const char *file = NULL;
	struct cmp_print_opts po;
	bool quiet = false;
	struct smc_script s;
	struct cmp_spec *specs = NULL;
	struct smc_kv **kvs = NULL;
	char **labels = NULL;
	struct cmp_table t;
	struct cmp_opts o;
	char *text;

	memset(&po, 0, sizeof(po));
	po.format = CMP_TABLE;
	po.legend = true;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			compare_usage(stdout);
			free_axes(ax, nax);
			return 0;
		}
		if (is_opt(a, "--policy")) {
			v = opt_value(argc, argv, &i, "--policy");
			if (!v) {
				fprintf(stderr, "smemcg compare: --policy needs KEY=V1,V2,...\n");
				goto out;
			}
			if (add_axis(&ax, &nax, v))
				goto out;
		} else if (is_opt(a, "--format")) {
			v = opt_value(argc, argv, &i, "--format");
			if (v && !strcmp(v, "table")) {
				po.format = CMP_TABLE;
			} else if (v && !strcmp(v, "csv")) {
				po.format = CMP_CSV;
			} else if (v && !strcmp(v, "json")) {
				po.format = CMP_JSON;
			} else {
				fprintf(stderr, "smemcg compare: --format takes table, csv or json\n");
				goto out;
			}
		} else if (is_opt(a, "--jobs") || !strcmp(a, "-j")) {
			char *end;
			long n;

			v = !strcmp(a, "-j") ? (i + 1 < argc ? argv[++i] : NULL)
					     : opt_value(argc, argv, &i, "--jobs");
			n = v ? strtol(v, &end, 10) : 0;
			if (!v || !*v || *end || n < 1 || n > 4096) {
				fprintf(stderr, "smemcg compare: --jobs takes a number from 1 to 4096\n");
				goto out;
			}
			jobs = (int)n;
		} else if (is_opt(a, "--only")) {
			v = opt_value(argc, argv, &i, "--only");
			if (!v || parse_sections(&po.sections, v))
				goto out;
		} else if (!strcmp(a, "--changed")) {
			po.changed_only = true;
		} else if (!strcmp(a, "--all")) {
			po.all = true;
		} else if (!strcmp(a, "--exact")) {
			po.exact = true;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			quiet = true;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "smemcg compare: unknown option %s\n\n", a);
			compare_usage(stderr);
			goto out;
		} else if (file) {
			fprintf(stderr, "smemcg compare: one scenario at a time (%s, then %s)\n", file,
				a);
			goto out;
		} else {
			file = a;
		}
	}
	if (!file) {
		compare_usage(stderr);
		goto out;
	}
	for (i = 0; i < nax; i++)
		ncomb *= ax[i].n;
	if (ncomb > 4096) {
		fprintf(stderr, "smemcg compare: %d combinations is too many (at most 4096)\n", ncomb);
		goto out;
	}
	text = cli_read_file(file);
	if (!text)
		goto out;
	if (cli_load_script(&s, file, text)) {
		free(text);
		goto out;
	}
	free(text);

	specs = xcalloc((size_t)ncomb, sizeof(*specs));
	kvs = xcalloc((size_t)ncomb, sizeof(*kvs));
	labels = xcalloc((size_t)ncomb, sizeof(*labels));
	for (k = 0; k < ncomb; k++) {
		struct strbuf lb;
		int rest = k, varying = 0;

		sb_init(&lb);
		kvs[k] = xcalloc((size_t)nax + 1, sizeof(**kvs));
		/* the first key varies slowest */
		for (i = nax - 1; i >= 0; i--) {
			kvs[k][i].key = ax[i].key;
			kvs[k][i].value = ax[i].values[rest % ax[i].n];
			rest /= ax[i].n;
		}
		for (i = 0; i < nax; i++)
			if (ax[i].n > 1 || nax == 1) {
				sb_printf(&lb, "%s%s=%s", varying++ ? "," : "", kvs[k][i].key,
					  kvs[k][i].value);
			}
		if (!lb.len) {
			for (i = 0; i < nax; i++)
				sb_printf(&lb, "%s%s=%s", i ? "," : "", kvs[k][i].key, kvs[k][i].value);
			if (!nax)
				sb_puts(&lb, "scenario's policies");
		}
		labels[k] = sb_detach(&lb);
		specs[k].label = labels[k];
		specs[k].script = &s;
		specs[k].kv = kvs[k];
		specs[k].nkv = nax;
	}
	memset(&o, 0, sizeof(o));
	o.jobs = jobs;
	o.progress = !quiet && isatty(2);
	o.title = file;
	crashed = cmp_execute(&t, specs, ncomb, &o);
	po.title = file;
	{
		struct strbuf title;

		sb_init(&title);
		if (po.format == CMP_TABLE)
			sb_printf(&title, "smemcg compare %s: %d run%s", file, ncomb,
				  ncomb == 1 ? "" : "s");
		else
			sb_puts(&title, file);
		po.title = title.buf;
		cmp_print(stdout, &t, &po);
		sb_free(&title);
	}
	if (crashed)
		fprintf(stderr, "smemcg compare: %d run%s crashed\n", crashed, crashed == 1 ? "" : "s");
	rc = crashed ? 1 : 0;
	cmp_table_free(&t);
	for (k = 0; k < ncomb; k++) {
		free(kvs[k]);
		free(labels[k]);
	}
	free(kvs);
	free(labels);
	free(specs);
	smc_script_free(&s);
out:
	free_axes(ax, nax);
	return rc;
}
