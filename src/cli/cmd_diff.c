// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg diff: every scenario on the model (in-process) and on the real
 * kernel (QEMU), and a table of every value the scenario looked at, with
 * the tolerance class it is compared under. docs/oracle.md has the rules.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../scenario/model_backend.h"
#include "smemcg.h"
#include "cli.h"
#include "oracle_host.h"

enum tclass {
	T_EXACT,	/* equal */
	T_CURRENT,	/* stock-drained memory.current: within 2 pages */
	T_STOCKED,	/* memory.current with stocks: 2 pages + 64 per CPU */
	T_SWAP,		/* swap.current: tolerant + 64 pages per CPU (slot caches) */
	T_TOL,		/* within max(5%, 64 pages) (64 for counts) */
	T_EVENT,	/* both zero or both non-zero */
	T_LINES,	/* the same number of lines (pids differ) */
	T_INFO,		/* shown, not compared */
};

static const char *const class_names[] = { "exact", "current", "stocked", "swap", "tolerant",
					    "event", "lines", "info" };

enum verdict { V_AGREE, V_AGREE_ZERO, V_DISAGREE, V_NO_MODEL, V_NO_KERNEL, V_INFO, V_SKIPPED };

/* agree~: within tolerance, but one side is 0 and the other is not */
static const char *const verdict_names[] = {
	"agree", "agree~", "DISAGREE", "MODEL-MISSING", "KERNEL-MISSING", "-", "skipped",
};

#define TOL_PCT 5
#define TOL_BYTES (64 * 4096LL)
#define TOL_COUNT 64LL
/*
 * Kernel objects are charged in bytes: what is left of a page in a per-CPU
 * object stock or an obj_cgroup stays charged, so the kernel's own
 * memory.current differs by a page between identical runs even with the
 * stocks drained (measured: 10510336 and 10514432 after the same 10 MiB).
 */
#define CURRENT_SLACK (2 * 4096LL)
/*
 * MEMCG_CHARGE_BATCH: the pages a per-CPU charge stock may hold. A
 * scenario without `policy stock=off` reads memory.current with the stocks
 * in it on both sides, and which memcg a CPU's stock caches depends on
 * which task ran there last.
 */
#define STOCK_PAGES 64LL
/*
 * SWAP_SLOTS_CACHE_SIZE: freed swap entries wait in a per-CPU cache (up to
 * 64 per CPU) and stay charged to memory.swap.current until the cache is
 * flushed (free_swap_slot, swapcache_free_entries); the model uncharges at
 * once. The reclaim tolerance does not cover them on more than one CPU.
 */
#define SWAP_SLOT_CACHE 64LL

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

static const char *const stat_exact[] = {
	"anon", "file", "shmem", "file_mapped", "file_dirty", NULL,
};

static bool stat_event_key(const char *k)
{
	static const char *const ev[] = {
		"pgscan", "pgsteal", "pgscan_kswapd", "pgscan_direct", "pgsteal_kswapd",
		"pgsteal_direct", "pgmajfault", "pgrefill", "pgactivate", "pgdeactivate",
		"pglazyfree", "pglazyfreed", "zswpin", "zswpout", "thp_fault_alloc",
		"thp_collapse_alloc", NULL,
	};

	return in_list(k, ev);
}

/*
 * Counts compared within their tolerance (64, or 5 %): page faults, and
 * the workingset events, which the model counts as 6.1 does.
 */
static bool stat_count_key(const char *k)
{
	return !strcmp(k, "pgfault") || !strncmp(k, "workingset_", 11) || stat_event_key(k);
}

/* Values in bytes (tolerance 64 pages) rather than counts (tolerance 64). */
static bool bytes_value(const char *base, const char *key)
{
	if (!strcmp(base, "memory.stat"))
		return key && !stat_count_key(key);
	return !strncmp(base, "memory.", 7) && !strstr(base, "events");
}

/* What the comparison of one scenario depends on besides the value. */
struct file_ctx {
	int cpus;		/* its machine's CPUs */
	bool drained;		/* `policy stock=off`: the kernel's reads are drained */
	int reclaim_line;	/* the first line that may reclaim; 0: none */
};

static enum tclass classify(char op, const char *what, const char *key, bool after_reclaim,
			    const struct file_ctx *fc)
{
	const char *base = strrchr(what, '/');

	if (op == 'p' || op == 'x')
		return T_EXACT;
	base = base ? base + 1 : what;
	if (!strncmp(what, "/proc/", 6))
		return T_INFO;
	if (!strcmp(what, "/memory.stat")) {
		/*
		 * The root: the guest shows the change since the scenario
		 * began, in which the harness's own processes (the guest's
		 * main program, the drainers, the copies each new worker makes
		 * of the main program's pages) have a part: their anon, page
		 * faults, kernel objects and per-CPU data are not comparable;
		 * page cache and shmem are the scenario's, give or take the
		 * harness's directory blocks.
		 */
		static const char *const root_cmp[] = {
			"file", "shmem", "file_mapped", "file_dirty", NULL,
		};

		return key && in_list(key, root_cmp) ? T_TOL : T_INFO;
	}
	if (!strcmp(base, "memory.numa_stat") && key && strchr(key, '.')) {
		/* one node: KEY.N0 is memory.stat's KEY, compared as it is */
		char k[64];

		snprintf(k, sizeof(k), "%.*s", (int)(strchr(key, '.') - key), key);
		if (in_list(k, stat_exact))
			return after_reclaim ? T_TOL : T_EXACT;
		return stat_event_key(k) ? T_EVENT : T_TOL;
	}
	if (!strcmp(base, "memory.stat")) {
		if (!key)
			return T_INFO;
		if (in_list(key, stat_exact))
			return after_reclaim ? T_TOL : T_EXACT;
		if (stat_event_key(key))
			return T_EVENT;
		return T_TOL;
	}
	if (!strcmp(base, "memory.current"))
		return after_reclaim ? T_TOL : fc->drained ? T_CURRENT : T_STOCKED;
	if (!strcmp(base, "memory.swap.current"))
		return T_SWAP;
	/* a peak (through an open file too) holds what a charge batch added */
	if (!strncmp(base, "memory.peak", 11) || !strcmp(base, "memory.zswap.current"))
		return T_TOL;
	if (!strncmp(base, "memory.swap.peak", 16))
		return T_SWAP;
	if (!strcmp(base, "memory.events") || !strcmp(base, "memory.events.local")) {
		if (!key)
			return T_INFO;
		if (!strcmp(key, "oom") || !strcmp(key, "oom_kill") || !strcmp(key, "oom_group_kill"))
			return T_EXACT;
		return T_EVENT;
	}
	if (!strcmp(base, "memory.swap.events"))
		return key ? T_EVENT : T_INFO;
	if (!strcmp(base, "cgroup.procs") || !strcmp(base, "cgroup.threads"))
		return T_LINES;
	if (!strcmp(base, "memory.numa_stat") || !strcmp(base, "cpu.stat") ||
	    !strcmp(base, "io.stat") || strstr(base, ".pressure"))
		return T_INFO;
	return T_EXACT;
}

static bool parse_i64(const char *s, int64_t *v)
{
	char *end;

	if (!strcmp(s, "max")) {
		*v = INT64_MAX;
		return true;
	}
	errno = 0;
	*v = strtoll(s, &end, 10);
	return end != s && !*end && !errno;
}

static int count_lines(const char *s)
{
	int n = 0;
	const char *p = s;

	while (*p) {
		const char *e = strchr(p, '\n');

		if (e != p)
			n++;
		if (!e)
			break;
		p = e + 1;
	}
	return n;
}

static enum verdict compare(enum tclass c, const char *what, const char *key, const char *m,
			    const char *k, const struct file_ctx *fc)
{
	const char *base = strrchr(what, '/');
	int64_t a, b, d, lim;

	base = base ? base + 1 : what;
	switch (c) {
	case T_INFO:
		return V_INFO;
	case T_LINES:
		return count_lines(m) == count_lines(k) ? V_AGREE : V_DISAGREE;
	case T_EXACT:
		if (parse_i64(m, &a) && parse_i64(k, &b))
			return a == b ? V_AGREE : V_DISAGREE;
		return strcmp(m, k) ? V_DISAGREE : V_AGREE;
	case T_CURRENT:
	case T_STOCKED:
		if (!parse_i64(m, &a) || !parse_i64(k, &b))
			return strcmp(m, k) ? V_DISAGREE : V_AGREE;
		d = a > b ? a - b : b - a;
		lim = CURRENT_SLACK + (c == T_STOCKED ? STOCK_PAGES * 4096 * fc->cpus : 0);
		return d <= lim ? V_AGREE : V_DISAGREE;
	case T_EVENT:
		if (!parse_i64(m, &a) || !parse_i64(k, &b))
			return strcmp(m, k) ? V_DISAGREE : V_AGREE;
		return (a == 0) == (b == 0) ? V_AGREE : V_DISAGREE;
	case T_TOL:
	case T_SWAP:
		if (!parse_i64(m, &a) || !parse_i64(k, &b))
			return strcmp(m, k) ? V_DISAGREE : V_AGREE;
		if (a == INT64_MAX || b == INT64_MAX)
			return a == b ? V_AGREE : V_DISAGREE;
		d = a > b ? a - b : b - a;
		lim = (a > b ? a : b) / 100 * TOL_PCT;
		if (lim < (bytes_value(base, key) ? TOL_BYTES : TOL_COUNT))
			lim = bytes_value(base, key) ? TOL_BYTES : TOL_COUNT;
		if (c == T_SWAP)
			lim += SWAP_SLOT_CACHE * 4096 * fc->cpus;
		if (d > lim)
			return V_DISAGREE;
		return (a == 0) != (b == 0) ? V_AGREE_ZERO : V_AGREE;
	}
	return V_DISAGREE;
}

/* ---- the model side ---- */

static void model_observe(void *ctx, const struct smc_stmt *st, const char *value,
			  const char *note)
{
	oracle_obs_from_stmt(ctx, st, value, note);
}

/*
 * The model runs each scenario as `smemcg run` does, with the stock state
 * the scenario asks for (`policy stock=off` or the default), so that no
 * value changes with the command used. The kernel keeps its stocks; the
 * guest drains them before each read when the scenario says stock=off.
 */
struct model_run {
	struct smc_result res;
	struct oracle_obs_list obs;
	char *tap;
	bool loaded;
};

/* The model at the baseline of the kernel the scenario ran on. */
static void run_model(struct model_run *mr, const char *file, const char *kernel)
{
	struct smc_script s;
	struct smc_backend be;
	struct smc_run_opts opts;
	struct model_backend *mb;
	struct smc_kv kv = { "kernel", kernel };
	size_t len = 0;
	FILE *out;

	memset(mr, 0, sizeof(*mr));
	if (cli_load_file_defs(&s, file, NULL, kernel, NULL))
		return;
	mr->loaded = true;
	mb = model_backend_new(&kv, kernel ? 1 : 0, false);
	model_backend_ops(&be, mb);
	out = open_memstream(&mr->tap, &len);
	memset(&opts, 0, sizeof(opts));
	opts.out = out;
	opts.quiet = true;
	opts.observe = model_observe;
	opts.observe_ctx = &mr->obs;
	smc_run(&mr->res, &s, &be, &opts);
	fclose(out);
	model_backend_free(mb);
	smc_script_free(&s);
}

/* `policy stock=off` anywhere in the scenario. */
static bool stock_off(const char *file)
{
	struct smc_script s;
	size_t len;
	int i, k, rs;
	char *text = cli_read_file(file, &len, &rs, NULL);
	bool off = false;

	memset(&s, 0, sizeof(s));
	if (!text || smc_script_load_n(&s, file, text, len, 1, &(struct smc_error){ 0 })) {
		free(text);
		return false;
	}
	free(text);
	for (i = 0; i < s.nlines; i++) {
		struct smc_stmt st;
		struct smc_error err;

		if (smc_parse_stmt(&st, &s.lines[i], &err))
			continue;
		for (k = 0; st.op == SMC_POLICY && k < st.nkv; k++)
			if (!strcmp(st.kv[k].key, "stock"))
				off = !strcmp(st.kv[k].value, "off");
		smc_stmt_free(&st);
	}
	smc_script_free(&s);
	return off;
}

/* The first line after which reclaim may have run: a finite memory.max,
 * memory.high, swap limit, or a memory.reclaim write. */
static int reclaim_line(const char *file)
{
	struct smc_script s;
	size_t len;
	int i, line = 0, rs;
	char *text = cli_read_file(file, &len, &rs, NULL);

	memset(&s, 0, sizeof(s));
	if (!text || smc_script_load_n(&s, file, text, len, 1, &(struct smc_error){ 0 })) {
		free(text);
		return 0;
	}
	free(text);
	for (i = 0; i < s.nlines && !line; i++) {
		struct smc_stmt st;
		struct smc_error err;
		const struct smc_stmt *w;
		const char *base;

		if (smc_parse_stmt(&st, &s.lines[i], &err))
			continue;
		w = st.op == SMC_EXPECT_ERROR ? st.inner : &st;
		if (w->op == SMC_WRITE && (base = strrchr(w->path, '/'))) {
			base++;
			if (!strcmp(base, "memory.reclaim") ||
			    ((!strcmp(base, "memory.max") || !strcmp(base, "memory.high") ||
			      !strcmp(base, "memory.swap.max") || !strcmp(base, "memory.swap.high")) &&
			     strcmp(w->text, "max")))
				line = st.line;
		}
		smc_stmt_free(&st);
	}
	smc_script_free(&s);
	return line;
}

/*
 * `# oracle: CLASS` at the end of a scenario line sets the class of the
 * values that line looks at, for values the kernel itself does not repeat
 * exactly (docs/oracle.md lists every use and why).
 */
struct overrides {
	int n;
	signed char *cls;	/* by line number; -1: none */
};

/* The class named at tag ("CLASS" then a blank or punctuation), or -1. */
static int class_at(const char *tag)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(class_names); k++) {
		size_t l = strlen(class_names[k]);

		if (!strncmp(tag, class_names[k], l) && (!tag[l] || strchr(" \t-,;:#", tag[l])))
			return (int)k;
	}
	return -1;
}

/*
 * `# oracle: CLASS` on a line sets its class; `# oracle KERNEL: CLASS`
 * (KERNEL 6.1 or 6.12) sets it on that kernel only, over the former.
 */
static void load_overrides(struct overrides *ov, const char *file, const char *kernel)
{
	size_t len;
	int line = 1, rs;
	char *text = cli_read_file(file, &len, &rs, NULL), *p, *e, ktag[32];

	ov->n = 0;
	ov->cls = NULL;
	if (!text)
		return;
	snprintf(ktag, sizeof(ktag), "# oracle %s: ", kernel ? kernel : "6.1");
	for (p = text; *p; line++) {
		const char *tag, *ktagp;

		e = strchr(p, '\n');
		if (e)
			*e = '\0';
		tag = strstr(p, "# oracle: ");
		ktagp = strstr(p, ktag);
		if (tag || ktagp) {
			ov->cls = xrealloc(ov->cls, (size_t)line + 1);
			while (ov->n <= line)
				ov->cls[ov->n++] = -1;
			if (tag)
				ov->cls[line] = (signed char)class_at(tag + 10);
			if (ktagp)
				ov->cls[line] = (signed char)class_at(ktagp + strlen(ktag));
			if (ov->cls[line] < 0)
				fprintf(stderr, "%s:%d: unknown oracle class in \"%s\"\n", file, line,
					ktagp ? ktagp : tag);
		}
		if (!e)
			break;
		p = e + 1;
	}
	free(text);
}

/* ---- the table ---- */

struct counts {
	int agree, disagree, missing, info, skipped;
};

struct diff_opts {
	struct strbuf rows;	/* the current file's table */
	bool brief;		/* only rows that disagree */
	bool allow_missing;	/* values the model cannot produce yet do not fail */
	const struct overrides *ov;	/* of the current file */
	const struct file_ctx *fc;	/* of the current file */
};

static void shown(char *out, size_t size, const char *v, const char *note)
{
	size_t i, n;

	if (!v) {
		snprintf(out, size, "(%s)", note && *note ? note : "none");
	} else {
		snprintf(out, size, "%s", v);
		for (i = 0; out[i]; i++)
			if (out[i] == '\n')
				out[i] = ',';
	}
	n = strlen(out);
	if (n > 20) {
		out[17] = '.';
		out[18] = '.';
		out[19] = '.';
		out[20] = '\0';
	}
}

static void row(struct counts *c, struct diff_opts *o, int line, char op, const char *what,
		const char *key, const char *m, const char *mnote, const char *k, const char *knote,
		bool after_reclaim)
{
	enum tclass cl = classify(op, what, key, after_reclaim, o->fc);

	if (o->ov && line < o->ov->n && o->ov->cls[line] >= 0)
		cl = (enum tclass)o->ov->cls[line];
	enum verdict v;
	char label[200], ms[64], ks[64];

	if (!m && !k)
		v = V_SKIPPED;
	else if (!k)
		v = (knote && !strncmp(knote, "skipped", 7)) ? V_SKIPPED : V_NO_KERNEL;
	else if (!m)
		v = V_NO_MODEL;
	else
		v = compare(cl, what, key, m, k, o->fc);
	switch (v) {
	case V_AGREE: case V_AGREE_ZERO: c->agree++; break;
	case V_DISAGREE: case V_NO_KERNEL: c->disagree++; break;
	case V_NO_MODEL:
		if (o->allow_missing)
			c->skipped++;
		else
			c->missing++;
		break;
	case V_INFO: c->info++; break;
	case V_SKIPPED: c->skipped++; break;
	}
	if (o->brief && (v == V_AGREE || v == V_INFO || v == V_SKIPPED))
		return;
	snprintf(label, sizeof(label), "%s%s%s%s", op == 'x' ? "expect-error " : "", what,
		 key ? " " : "", key ? key : "");
	shown(ms, sizeof(ms), m, mnote);
	shown(ks, sizeof(ks), k, knote);
	sb_printf((struct strbuf *)&o->rows, "%6d  %-40s %-8s %-20s %-20s %s\n", line, label,
		  class_names[cl], ms, ks, verdict_names[v]);
}

/* "key value" lines with integer values: a flat-keyed file. */
static bool flat_keyed(const char *s)
{
	const char *p = s;

	if (!s || !strchr(s, '\n'))
		return false;
	while (*p) {
		const char *e = strchr(p, '\n'), *sp = strchr(p, ' ');
		int64_t v;
		char num[32];
		size_t n;

		if (!e)
			e = p + strlen(p);
		if (!sp || sp > e || (size_t)(e - sp - 1) >= sizeof(num))
			return false;
		n = (size_t)(e - sp - 1);
		memcpy(num, sp + 1, n);
		num[n] = '\0';
		if (!parse_i64(num, &v))
			return false;
		if (!*e)
			break;
		p = e + 1;
	}
	return true;
}

static char *key_value(const char *s, const char *key)
{
	const char *p = s;
	size_t kl = strlen(key);

	while (p && *p) {
		const char *e = strchr(p, '\n');

		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return xstrndup(p + kl + 1, e ? (size_t)(e - p - kl - 1) : strlen(p + kl + 1));
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

/* One observation pair (a read of a flat-keyed file becomes one row per key). */
static void pair_rows(struct counts *c, struct diff_opts *o, const struct oracle_obs *m,
		      const struct oracle_obs *k)
{
	const struct oracle_obs *any = k ? k : m;
	int rline = o->fc->reclaim_line;
	bool after = rline && any->line > rline;
	const char *mv = m ? m->value : NULL, *kv = k ? k->value : NULL;
	const char *mn = m ? m->note : "no such value", *kn = k ? k->note : "no such value";

	if (any->op == 'r' && (flat_keyed(mv) || flat_keyed(kv))) {
		const char *src = flat_keyed(kv) ? kv : mv, *p = src;

		while (p && *p) {
			const char *e = strchr(p, '\n'), *sp = strchr(p, ' ');
			char *key = xstrndup(p, (size_t)(sp - p));
			char *a = mv ? key_value(mv, key) : NULL, *b = kv ? key_value(kv, key) : NULL;

			row(c, o, any->line, 'e', any->what, key, a, mv ? "no such key" : mn, b,
			    kv ? "no such key" : kn, after);
			free(a);
			free(b);
			free(key);
			p = e ? e + 1 : NULL;
		}
		/* keys only the other side has */
		if (mv && kv && src == kv) {
			for (p = mv; p && *p;) {
				const char *e = strchr(p, '\n'), *sp = strchr(p, ' ');
				char *key = xstrndup(p, (size_t)(sp - p));
				char *b = key_value(kv, key);

				if (!b) {
					char *a = key_value(mv, key);

					row(c, o, any->line, 'e', any->what, key, a, NULL, NULL,
					    "no such key", after);
					free(a);
				}
				free(b);
				free(key);
				p = e ? e + 1 : NULL;
			}
		}
		return;
	}
	row(c, o, any->line, any->op, any->what, any->key, mv, mn, kv, kn, after);
}

static bool same_obs(const struct oracle_obs *a, const struct oracle_obs *b)
{
	return a->line == b->line && a->op == b->op && !strcmp(a->what, b->what) &&
	       !strcmp(a->key ? a->key : "", b->key ? b->key : "");
}

/* The first max failed points of side's TAP (the model's "not supported yet" among them). */
static void print_failures(const char *side, const char *tap, int max)
{
	const char *p = tap;
	int shown_n = 0;

	while (p && *p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (!strncmp(p, "not ok ", 7) && shown_n < max) {
			printf("   %s: %.*s\n", side, (int)n, p);
			shown_n++;
		}
		p = e ? e + 1 : NULL;
	}
}

static struct {
	bool brief, allow_missing;
	const char *kernel;
	int timeout;
	struct cli_args files;
} o;

static const struct cli_opt_spec opts[] = {
	{ CLI_OPT_SWITCH, "brief", 0, &o.brief, NULL, 0, NULL,
	  "print only the rows that do not agree" },
	{ CLI_OPT_SWITCH, "allow-missing", 0, &o.allow_missing, NULL, 0, NULL,
	  "a value the model could not produce (a statement it does not support "
	  "yet) counts as skipped, not failed" },
	CLI_OPT_KERNEL(o.kernel),
	CLI_OPT_TIMEOUT(o.timeout),
	CLI_OPT_FILES(o.files),
	{ CLI_OPT_END },
};

static const struct cli_exit_note exits[] = {
	{ CLI_EXIT_OK, "every value agrees, every expect passed on both sides" },
	{ CLI_EXIT_FAILED, "a value disagrees or one side lacks it, or a TAP point "
			   "failed on either side" },
	CLI_EXIT_NOTES_ORACLE,
	{ -1, NULL },
};

static int run(void)
{
	struct oracle_file *files = oracle_files_new(o.files.v, o.files.n);
	struct oracle_opts oo = { .values = true, .kernel = o.kernel, .timeout = o.timeout };
	struct diff_opts d;
	struct counts total = { 0, 0, 0, 0, 0 };
	int i, j, n = o.files.n, kfail = 0, mfail = 0, rc, status = CLI_EXIT_OK;

	rc = oracle_run_files(files, n, &oo);
	if (rc) {
		oracle_files_free(files, n);
		return rc;
	}
	memset(&d, 0, sizeof(d));
	d.brief = o.brief;
	d.allow_missing = o.allow_missing;
	sb_init(&d.rows);
	for (i = 0; i < n; i++) {
		struct oracle_file *f = &files[i];
		struct model_run mr;
		struct counts c = { 0, 0, 0, 0, 0 };
		struct overrides ov;
		bool *used;
		struct machine_cfg cfg;
		struct file_ctx fc;

		fc.cpus = oracle_script_machine(f->path, f->kernel, &cfg) ? 2 : cfg.cpus;
		fc.drained = stock_off(f->path);
		fc.reclaim_line = reclaim_line(f->path);
		load_overrides(&ov, f->path, f->kernel);
		d.ov = &ov;
		d.fc = &fc;
		run_model(&mr, f->path, f->kernel);
		if (f->load_failed || !mr.loaded)
			status = CLI_EXIT_USAGE;
		kfail += f->res.failed;
		mfail += mr.loaded ? mr.res.failed : 1;
		sb_reset(&d.rows);
		used = xcalloc((size_t)mr.obs.n + 1, sizeof(*used));
		for (j = 0; j < f->obs.n; j++) {
			const struct oracle_obs *k = &f->obs.v[j], *m = NULL;
			int x;

			for (x = 0; x < mr.obs.n; x++) {
				if (!used[x] && same_obs(&mr.obs.v[x], k)) {
					used[x] = true;
					m = &mr.obs.v[x];
					break;
				}
			}
			pair_rows(&c, &d, m, k);
		}
		for (j = 0; j < mr.obs.n; j++)
			if (!used[j])
				pair_rows(&c, &d, &mr.obs.v[j], NULL);
		free(used);
		free(ov.cls);
		d.ov = NULL;
		d.fc = NULL;
		if (d.brief && !d.rows.len && !f->res.failed && mr.loaded && !mr.res.failed) {
			printf("== %s: %d agree\n", f->path, c.agree);
		} else {
			printf("== %s\n", f->path);
			printf("   model: %d passed, %d failed%s; kernel: %d passed, %d failed, "
			       "%d skipped%s\n",
			       mr.res.passed, mr.res.failed, mr.res.stopped ? " (stopped)" : "",
			       f->res.passed, f->res.failed, f->res.skipped,
			       f->res.stopped ? " (stopped)" : "");
			print_failures("model", mr.tap, 5);
			print_failures("kernel", f->tap.buf, 10);
			if (d.rows.len) {
				printf("%6s  %-40s %-8s %-20s %-20s %s\n", "line", "value", "class",
				       "model", "kernel", "verdict");
				fputs(d.rows.buf, stdout);
			}
			printf("   %d agree, %d disagree, %d the model lacks, %d not compared\n",
			       c.agree, c.disagree, c.missing, c.info + c.skipped);
		}
		total.agree += c.agree;
		total.disagree += c.disagree;
		total.missing += c.missing;
		total.info += c.info;
		total.skipped += c.skipped;
		oracle_obs_free(&mr.obs);
		free(mr.tap);
	}
	oracle_files_free(files, n);
	sb_free(&d.rows);
	printf("values: %d agree, %d disagree, %d the model lacks, %d not compared; "
	       "failed TAP points: model %d, kernel %d\n",
	       total.agree, total.disagree, total.missing, total.info + total.skipped, mfail, kfail);
	printf("diff: %d passed, %d failed, %d skipped\n", total.agree,
	       total.disagree + total.missing + kfail + mfail, total.info + total.skipped);
	return cli_exit_worst(status, total.disagree + total.missing + kfail + mfail
					      ? CLI_EXIT_FAILED : CLI_EXIT_OK);
}

const struct cli_command cli_cmd_diff = {
	"diff", "run scenarios on the model and the kernel, compare every value",
	"Run each scenario on the model and on the real kernel (as `smemcg kernel`)\n"
	"and print, per scenario, a table of every value an `expect` or a `read`\n"
	"looked at (reads of flat-keyed files give one row per key), keyed by line:\n"
	"model value, kernel value, tolerance class, verdict. Classes:\n"
	"  exact     equal: memory.stat anon/file/shmem/file_mapped/file_dirty, oom,\n"
	"            oom_kill, oom_group_kill, process states, errnos, cgroup.stat,\n"
	"            settings\n"
	"  current   memory.current, stocks drained on both sides, within 2 pages (kernel\n"
	"            objects are charged in bytes), until the first line that may\n"
	"            reclaim (a finite memory.max/high/swap.max/swap.high or a\n"
	"            memory.reclaim write)\n"
	"  tolerant  within max(5%, 64 pages) (64 for counts): other memory.stat sizes\n"
	"            (kernel, slab, pagetables, LRU lists), pgfault, workingset_*,\n"
	"            swap.current, memory.peak, memory.current after that line\n"
	"  event     both zero or both non-zero: low/high/max events, swap events,\n"
	"            pgscan/pgsteal/pgrefill/pgactivate\n"
	"  lines     the same number of lines (cgroup.procs: pids differ)\n"
	"  info      shown, not compared (/proc/mounts, memory.numa_stat without a\n"
	"            node field, cpu.stat, *.pressure)\n"
	"After the first line that may reclaim, the exact memory.stat sizes are\n"
	"tolerant too. `# oracle: CLASS` at the end of a scenario line sets the class\n"
	"of that line's values (for what the kernel itself does not repeat exactly).\n"
	"A tolerant value within tolerance where one side is 0 and the other is not\n"
	"shows as agree~ (counted as agreeing, printed even with --brief).\n"
	"Ends with `diff: N passed, N failed, N skipped`: agreeing values; values that\n"
	"disagree or that one side lacks, plus failed TAP points on either side (each\n"
	"expect holds on the kernel, so a model failure is a disagreement); values\n"
	"not compared. Each scenario runs on the kernel --kernel names, else the one\n"
	"its `machine kernel=` (or `policy kernel=`) line names, else 6.1, and the\n"
	"model runs it at the same baseline (docs/kernels.md).\n",
	opts, exits, NULL, run,
};
