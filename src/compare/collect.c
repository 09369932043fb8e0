// SPDX-License-Identifier: GPL-2.0-only
/*
 * What users ask about at the end of a compare run, read through the
 * public API: every cgroup's files (memory.current, peak, max, the
 * memory.stat breakdown, events, nr_dying_descendants, borrow counters,
 * pins), who pays for each object (smemcg_explain), what kubelet,
 * cadvisor, docker and podman derive from the same files, each smemcg,
 * every process's fate and /proc/zombies.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smemcg.h"
#include "internal.h"

/* Keys of memory.stat shown: the breakdown users read. */
const char *const stat_keys[] = {
	"anon", "file", "shmem", "file_mapped", "file_dirty", "active_file", "inactive_file",
	"unevictable", "kernel", "kernel_stack", "pagetables", "percpu", "sock", "slab", NULL,
};
static const char *const event_keys[] = { "high", "max", "oom", "oom_kill", "oom_group_kill",
					  NULL };
/*
 * The cost of a policy: pages the recharge policies scanned, moved,
 * evicted or gave up on (shown only under them), bytes they charged to the
 * root, and what reclaim scanned, freed and had to read back.
 */
static const char *const cost_keys[] = {
	"recharge_pgs_scanned", "recharge_pgs_moved", "recharge_pgs_evicted",
	"recharge_pgs_cancelled", "recharged_to_root", "pgscan", "pgsteal",
	"workingset_refault_anon", "workingset_refault_file", NULL,
};
static const char *const dying_key[] = { "nr_dying_descendants", NULL };
/* an smemcg's own files: what it holds, and how often its limit was hit */
static const char *const smemcg_stat_keys[] = { "shmem", "kernel", NULL };
static const char *const smemcg_event_keys[] = { "max", NULL };
/* /proc/zombies: counts, then bytes */
static const char *const zombie_counts[] = { "dying_memcgs", "dying_memcgs_holding_ids",
					     "memcg_ids_in_use", NULL };
static const char *const zombie_sizes[] = { "wasted_bytes", NULL };


/* The unit of a value read from FILE (a path) and KEY. */
char cmp_file_unit(const char *path, const char *key)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (!strcmp(base, "memory.stat"))
		return key && (!strncmp(key, "pg", 2) || !strncmp(key, "workingset_", 11) ||
			       !strncmp(key, "thp_", 4) || !strncmp(key, "zswp", 4) ||
			       !strncmp(key, "recharge_pgs_", 13))
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

static bool listed(const char *key, size_t n, const char *const *keys)
{
	for (; *keys; keys++)
		if (strlen(*keys) == n && !strncmp(*keys, key, n))
			return true;
	return false;
}

/*
 * Every key of text, a flat-keyed file, that none of the skip lists has,
 * as "PREFIX KEY" in the counters section (CSV and JSON carry every
 * counter; the table shows them with --only counters).
 */
static void emit_rest(struct child *c, const char *object, const char *file, const char *text,
		      const char *const *skip1, const char *const *skip2)
{
	const char *p = text;
	struct strbuf metric;

	sb_init(&metric);
	while (p && *p) {
		const char *e = strchr(p, '\n'), *sp;
		size_t n = e ? (size_t)(e - p) : strlen(p);

		sp = memchr(p, ' ', n);
		if (sp && !listed(p, (size_t)(sp - p), skip1) &&
		    !(skip2 && listed(p, (size_t)(sp - p), skip2))) {
			char *key = xstrndup(p, (size_t)(sp - p));
			char *val = xstrndup(sp + 1, n - (size_t)(sp + 1 - p));

			sb_reset(&metric);
			sb_printf(&metric, "%s %s", file, key);
			emit(c, CMP_COUNTERS, object, metric.buf, cmp_file_unit(file, key), val);
			free(key);
			free(val);
		}
		p = e ? e + 1 : NULL;
	}
	sb_free(&metric);
}

/* What a cgroup's memory.stat and memory.events show, in their sections. */
static void emit_stat_events(struct child *c, const char *object, const char *stat,
			     const char *ev)
{
	int k;

	emit_keys(c, CMP_CGROUP, object, "memory.stat", stat, stat_keys, CMP_BYTES);
	for (k = 0; stat && cost_keys[k]; k++) {
		char *x = flat_get(stat, cost_keys[k]), metric[64];

		if (!x)
			continue;
		snprintf(metric, sizeof(metric), "memory.stat %s", cost_keys[k]);
		emit(c, CMP_COST, object, metric, cmp_file_unit("memory.stat", cost_keys[k]), x);
		free(x);
	}
	emit_rest(c, object, "memory.stat", stat, stat_keys, cost_keys);
	emit_keys(c, CMP_CGROUP, object, "memory.events", ev, event_keys, CMP_COUNT);
	emit_rest(c, object, "memory.events", ev, event_keys, NULL);
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

/* One of the machine's lists (smemcg_list_cgroups, ...), a line an entry. */
struct listing {
	char *text;
	char **v;
	int n;
};

static void listing_get(struct listing *l, int (*list)(char **out, smemcg_machine *m),
			smemcg_machine *m)
{
	l->text = NULL;
	list(&l->text, m);
	l->v = split_lines(l->text, &l->n);
}

static void listing_free(struct listing *l)
{
	free(l->v);
	free(l->text);
}

static void collect_cgroups(struct child *c, smemcg_machine *m, uint64_t node)
{
	struct listing cgroups;
	char **paths;
	struct cginfo *ci;
	int n, i, j, k;

	listing_get(&cgroups, smemcg_list_cgroups, m);
	paths = cgroups.v;
	n = cgroups.n;
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
		ev = readf(m, p, "memory.events");
		emit_stat_events(c, p, stat, ev);
		free(ev);
		if (stat) {
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
	listing_free(&cgroups);
}

static void collect_smemcgs(struct child *c, smemcg_machine *m)
{
	struct listing names;
	int i;

	listing_get(&names, smemcg_list_smemcgs, m);
	for (i = 0; i < names.n; i++) {
		struct strbuf obj;
		char *v;

		sb_init(&obj);
		sb_printf(&obj, "@%s", names.v[i]);
		emit_file(c, CMP_SMEMCG, m, obj.buf, "memory.current", CMP_BYTES);
		emit_file(c, CMP_SMEMCG, m, obj.buf, "memory.max", CMP_BYTES);
		v = readf(m, obj.buf, "memory.stat");
		emit_keys(c, CMP_SMEMCG, obj.buf, "memory.stat", v, smemcg_stat_keys, CMP_BYTES);
		emit_rest(c, obj.buf, "memory.stat", v, smemcg_stat_keys, NULL);
		free(v);
		v = readf(m, obj.buf, "memory.events");
		emit_keys(c, CMP_SMEMCG, obj.buf, "memory.events", v, smemcg_event_keys, CMP_COUNT);
		emit_rest(c, obj.buf, "memory.events", v, smemcg_event_keys, NULL);
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
	listing_free(&names);
}

static void collect_tasks(struct child *c, smemcg_machine *m)
{
	struct listing tasks;
	struct strbuf killed;
	struct strmap seen;
	int i;

	sb_init(&killed);
	strmap_init(&seen);
	listing_get(&tasks, smemcg_list_tasks, m);
	for (i = 0; i < tasks.n; i++) {
		char comm[256], cg[4096], state[16];
		int pid, sig = 0, k;
		int64_t times = 0;
		struct strbuf obj;

		k = sscanf(tasks.v[i], "%d %255s %4095s %15s %d", &pid, comm, cg, state, &sig);
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
	listing_free(&tasks);
}


/* One class of holders ("pages+swap", "only per-CPU stock") and its count. */
struct holder_class {
	char *name;
	int n;
};

/*
 * The class of a /proc/zombie_holders line's holders ("pages=3 swap=1
 * stock=1(cpu 5) children"): the kinds of holder joined by "+", or "only
 * per-CPU stock" when a stock's reference is all that keeps it.
 */
static char *holder_class(const char *holders)
{
	struct strbuf sb;
	const char *p = holders;

	sb_init(&sb);
	while (*p) {
		size_t n = strcspn(p, " =(");
		int depth = 0;

		if (n)
			sb_printf(&sb, "%s%.*s", sb.len ? "+" : "", (int)n, p);
		/* past the value: "=12", "=1(cpu 2,5)" */
		for (p += n; *p && (depth || *p != ' '); p++)
			depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
		while (*p == ' ')
			p++;
	}
	if (!strcmp(sb.len ? sb.buf : "", "stock")) {
		sb_reset(&sb);
		sb_puts(&sb, "only per-CPU stock");
	}
	return sb.len ? sb_detach(&sb) : (sb_free(&sb), xstrdup("nothing shown"));
}

static int class_cmp(const void *a, const void *b)
{
	const struct holder_class *x = a, *y = b;

	return x->n != y->n ? y->n - x->n : strcmp(x->name, y->name);
}

/*
 * /proc/zombie_holders: each dying memcg with what holds it, and a summary
 * ("13 dying: 12 only per-CPU stock, 1 pages") that tells stock references
 * on idle CPUs from memory still charged.
 */
static void collect_zombie_holders(struct child *c, smemcg_machine *m)
{
	struct holder_class *cl = NULL;
	char *text = NULL, **l, **hold;
	struct strbuf sum, name;
	struct strmap seen;
	int n, i, k, ncl = 0, dying = 0;

	if (smemcg_file_read(&text, m, "/proc/zombie_holders")) {
		free(text);
		return;
	}
	l = split_lines(text, &n);
	hold = xcalloc((size_t)n + 1, sizeof(*hold));
	for (i = 0; i < n; i++) {
		char *path = l[i], *holders;
		char *cls;

		if (strncmp(path, "zombie ", 7)) {
			l[i] = NULL;
			continue;
		}
		path += 7;
		holders = strchr(path, ' ');
		if (holders)
			*holders++ = '\0';
		else
			holders = (char *)"";
		l[i] = path;
		hold[i] = holders;
		dying++;
		cls = holder_class(holders);
		for (k = 0; k < ncl && strcmp(cl[k].name, cls); k++)
			;
		if (k == ncl) {
			cl = xrealloc(cl, (size_t)(ncl + 1) * sizeof(*cl));
			cl[ncl].name = cls;
			cl[ncl++].n = 0;
		} else {
			free(cls);
		}
		cl[k].n++;
	}
	if (ncl)
		qsort(cl, (size_t)ncl, sizeof(*cl), class_cmp);
	sb_init(&sum);
	if (!dying)
		sb_puts(&sum, "none");
	else
		sb_printf(&sum, "%d dying:", dying);
	for (k = 0; k < ncl; k++) {
		sb_printf(&sum, "%s %d %s", k ? "," : "", cl[k].n, cl[k].name);
		free(cl[k].name);
	}
	emit(c, CMP_ZOMBIES, "/proc/zombies", "dying memcgs, held by", CMP_TEXT, sum.buf);
	sb_free(&sum);
	/* a path made and removed again (a restarted container): /c0, /c0#2 */
	strmap_init(&seen);
	sb_init(&name);
	for (i = 0; i < n; i++) {
		int64_t times = 0;

		if (!l[i])
			continue;
		strmap_get(&seen, l[i], &times);
		strmap_set(&seen, l[i], times + 1);
		sb_reset(&name);
		sb_puts(&name, l[i]);
		if (times)
			sb_printf(&name, "#%lld", (long long)times + 1);
		emit(c, CMP_ZOMBIES, "/proc/zombie_holders", name.buf, CMP_TEXT,
		     *hold[i] ? hold[i] : "nothing shown");
	}
	sb_free(&name);
	strmap_free(&seen);
	free(hold);
	free(cl);
	free(l);
	free(text);
}

void collect_machine(struct child *c, smemcg_machine *m, const struct smc_script *s)
{
	char *z = NULL;

	collect_tasks(c, m);
	collect_cgroups(c, m, node_memory(s));
	collect_smemcgs(c, m);
	collect_zombie_holders(c, m);
	if (!smemcg_file_read(&z, m, "/proc/zombies")) {
		emit_keys(c, CMP_ZOMBIES, "/proc/zombies", NULL, z, zombie_counts, CMP_COUNT);
		emit_keys(c, CMP_ZOMBIES, "/proc/zombies", NULL, z, zombie_sizes, CMP_BYTES);
	}
	free(z);
}
