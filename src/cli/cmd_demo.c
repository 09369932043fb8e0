// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg demo: the story users care about (the README's first command). A
 * pod whose two containers share a tmpfs and a library, a buffer pinned
 * for RDMA, a container that restarts; run four ways (first touch as in
 * Linux 6.1, the memcg= mount option of seed 001, Johannes Weiner's
 * common ancestor, a shared memory cgroup of seed 000), with the compare
 * table and who pays and who dies under each. A second part runs one
 * story under the four values of the smemcg policy (seed 000 as written,
 * borrow and full, and the model's -fail variants) and prints the event
 * log's line of each kill.
 *
 * demo_scenario is the first-touch run; the others differ from it in the
 * lines listed in variants[] below. Steps are the scenarios' `echo N.`
 * lines; a kill's line in the event log is shown as its step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/base.h"
#include "cli.h"
#include "../compare/compare.h"

const char demo_scenario[] =
	"# smemcg demo: a pod (200M) with two containers, app and sidecar (100M\n"
	"# each), sharing a tmpfs volume and a library; a buffer pinned for RDMA\n"
	"# with keep-pins; the app container restarts.\n"
	"policy shared=owner\n"
	"machine memory=1G cpus=2\n"
	"write /cgroup.subtree_control +memory +pins\n"
	"mkdir /pod\n"
	"write /pod/cgroup.subtree_control +memory +pins\n"
	"write /pod/memory.max 200M\n"
	"mkdir /pod/app\n"
	"mkdir /pod/sidecar\n"
	"write /pod/app/memory.max 100M\n"
	"write /pod/sidecar/memory.max 100M\n"
	"spawn kubelet /\n"
	"kubelet mount tmpfs /pod/shared\n"
	"kubelet truncate /usr/lib/libshared.so 16M\n"
	"spawn app /pod/app\n"
	"spawn sidecar /pod/sidecar\n"
	"echo 1. the app pins an 8M buffer through an RDMA driver, with keep-pins\n"
	"app cap ipc_lock\n"
	"app mmap buf anon 8M\n"
	"app open nic /dev/rdma keep-pins\n"
	"app pin nic buf\n"
	"echo 2. both containers map a 16M library from disk, the app first\n"
	"app mmap lib file /usr/lib/libshared.so 16M\n"
	"app touch lib ro\n"
	"sidecar mmap lib file /usr/lib/libshared.so 16M\n"
	"sidecar touch lib ro\n"
	"echo 3. the app writes a 60M cache into the pod's volume; the sidecar maps and reads it\n"
	"app write /pod/shared/cache 0 60M\n"
	"sidecar mmap cache file /pod/shared/cache 60M shared\n"
	"sidecar touch cache ro\n"
	"echo 4. the app's worker needs 40M of heap\n"
	"fork app worker\n"
	"worker mmap heap anon 40M\n"
	"worker touch heap\n"
	"read /pod/app/memory.events\n"
	"echo 5. the app container restarts: its cgroup is killed, removed and created again;\n"
	"echo the new app maps the cache\n"
	"write /pod/app/cgroup.kill 1\n"
	"rmdir /pod/app\n"
	"mkdir /pod/app\n"
	"write /pod/app/memory.max 100M\n"
	"spawn app2 /pod/app\n"
	"app2 mmap cache file /pod/shared/cache 60M shared\n"
	"app2 touch cache ro\n"
	"read /proc/zombies\n"
	"echo 6. the driver releases the pins (a device reset)\n"
	"kubelet release nic\n";

/* Part 2: one story, run under each value of the smemcg policy. */
const char demo_smemcg_scenario[] =
	"# smemcg demo, part 2: who is punished for shared memory (seed 000).\n"
	"# A and B share the smemcg shm; B (20M limit) has 10M of its own; A\n"
	"# writes 15M into shm's tmpfs; a reader in B maps the 15M and reads them.\n"
	"policy stock=off\n"
	"machine memory=1G\n"
	"write /cgroup.subtree_control +memory\n"
	"mkdir /A\n"
	"mkdir /B\n"
	"write /B/memory.max 20M\n"
	"smemcg create shm\n"
	"write /B/memory.smemcg +shm\n"
	"spawn k /\n"
	"k mount tmpfs /shm smemcg=shm\n"
	"echo 1. b, in B, has 10M of its own\n"
	"spawn b /B\n"
	"b mmap heap anon 10M\n"
	"b touch heap\n"
	"echo 2. a, in A, writes 15M into the shared tmpfs\n"
	"spawn a /A\n"
	"a write /shm/f 0 15M\n"
	"echo 3. reader, in B, maps the 15M and reads them\n"
	"spawn reader /B\n"
	"reader mmap m file /shm/f 15M shared\n"
	"reader touch m ro\n";

static const struct smemcg_value {
	const char *value, *what;
} smemcg_values[] = {
	{ "borrow", "seed 000 as written: B pays for what B maps, A's charge touches no "
		    "borrower's limit" },
	{ "full", "seed 000 as written: a charge into the smemcg is a charge to every memcg "
		  "that sees it (Popple's objection: A's write can OOM-kill in B)" },
	{ "borrow-fail", "the model's own variant: B's fault over its limit gets SIGBUS, "
			 "no OOM kill" },
	{ "full-fail", "the model's own variant: the charger gets ENOMEM, nobody is "
		       "OOM-killed" },
};

#define NVALUES ((int)ARRAY_SIZE(smemcg_values))

/* A variant: lines of demo_scenario replaced by others. */
struct edit {
	const char *line;	/* a whole line of demo_scenario, without its newline */
	const char *with;	/* what replaces it (lines, each ending in a newline) */
};

static const struct variant {
	const char *label;
	const char *what;
	struct edit edits[3];
} variants[] = {
	{ "first-touch", "Linux 6.1: the first task to touch a page pays (shared=owner)", { { NULL, NULL } } },
	{ "memcg=/pod", "seed 001: the volume is mounted with memcg=/pod: the pod pays for its pages",
	  { { "kubelet mount tmpfs /pod/shared", "kubelet mount tmpfs /pod/shared memcg=/pod\n" } } },
	{ "common-ancestor", "the counter-proposal: a page used by two cgroups moves to their common ancestor",
	  { { "policy shared=owner", "policy shared=common-ancestor\n" } } },
	{ "smemcg", "seed 000: the volume is charged to a shared memory cgroup; containers borrow what they map",
	  { { "policy shared=owner", "policy smemcg=borrow\n" },
	    { "kubelet mount tmpfs /pod/shared",
	      "kubelet mount tmpfs /pod/shared smemcg=podshm\n"
	      "write /pod/app/memory.smemcg +podshm\n"
	      "write /pod/sidecar/memory.smemcg +podshm\n" },
	    { "spawn app2 /pod/app", "write /pod/app/memory.smemcg +podshm\nspawn app2 /pod/app\n" } } },
};

#define NVARIANTS ((int)ARRAY_SIZE(variants))

/* The text of variant v: demo_scenario with its edits. */
static char *variant_text(const struct variant *v)
{
	struct strbuf sb;
	const char *p = demo_scenario;

	sb_init(&sb);
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const struct edit *ed = NULL;
		int k;

		for (k = 0; k < (int)ARRAY_SIZE(v->edits) && v->edits[k].line; k++)
			if (strlen(v->edits[k].line) == n && !strncmp(p, v->edits[k].line, n))
				ed = &v->edits[k];
		if (ed)
			sb_puts(&sb, ed->with);
		else {
			sb_add(&sb, p, n);
			sb_puts(&sb, "\n");
		}
		p = e ? e + 1 : p + n;
	}
	return sb_detach(&sb);
}

/* The step of a line of text: the last `echo N.` at or before it; 0 if none. */
static int step_of(const char *text, int line)
{
	int l = 1, step = 0, n;

	for (; *text && l <= line; l++) {
		if (sscanf(text, "echo %d.", &n) == 1)
			step = n;
		text = strchr(text, '\n');
		if (!text)
			break;
		text++;
	}
	return step;
}

/*
 * v with each "line N" of the scenario text said as its step: "step K"
 * (long: "step K, line N"). The result is malloc'd.
 */
static char *with_steps(const char *v, const char *text, bool lng)
{
	struct strbuf sb;
	const char *p;
	int line;

	sb_init(&sb);
	while ((p = strstr(v, "line ")) && sscanf(p, "line %d", &line) == 1) {
		sb_add(&sb, v, (size_t)(p - v));
		if (lng)
			sb_printf(&sb, "step %d, line %d", step_of(text, line), line);
		else
			sb_printf(&sb, "step %d", step_of(text, line));
		v = p + 5;
		while (*v >= '0' && *v <= '9')
			v++;
	}
	sb_puts(&sb, v);
	return sb_detach(&sb);
}

/* compare's outcome rows of the event log's kills, one per way of dying */
static bool is_kill_row(const struct cmp_row *r)
{
	return r->section == CMP_OUTCOME &&
	       (!strcmp(r->metric, "OOM-killed") || !strcmp(r->metric, "SIGBUS") ||
		!strcmp(r->metric, "cgroup.kill") || !strcmp(r->metric, "killed by a kill statement"));
}

/* A kill row that says "none" in every column of table arg: not shown. */
static bool nobody(const struct cmp_row *r, const void *arg)
{
	const struct cmp_table *t = arg;
	int c;

	for (c = 0; c < t->ncol; c++)
		if (r->val[c] && strcmp(r->val[c], "none"))
			return false;
	return true;
}

static bool has_line(const struct cmp_row *r)
{
	return is_kill_row(r) || (r->section == CMP_OUTCOME && !strcmp(r->metric, "stopped at"));
}

/* The event log's kills of each column, one line each, as `run` prints them. */
struct kill_log {
	struct strbuf *col;
};

struct demo_fill {
	struct cmp_table *t;
	struct kill_log *log;
};

static void free_table(void *t)
{
	cmp_table_free(t);
}

/* A run's records: its kills' lines kept, its rows into the table. */
static void demo_fill_column(void *arg, int i, char *records, int status)
{
	struct demo_fill *f = arg;
	struct cmp_run_records r;
	char *copy = xstrdup(records);
	int k;

	cmp_run_records_parse(&r, copy);
	for (k = 0; k < r.nkills; k++) {
		const struct cmp_kill_rec *kr = &r.kills[k];
		/* the event's type as `run` names it: cgroup.kill and kill are "kill" */
		const char *type = !strcmp(kr->how, "cgroup.kill") ? "kill" : kr->how;

		sb_printf(&f->log->col[i], "line %d: %s", kr->line, type);
		if (*kr->cgroup)
			sb_printf(&f->log->col[i], " in %s", kr->cgroup);
		sb_printf(&f->log->col[i], ": %s\n", kr->text);
	}
	cmp_run_records_free(&r);
	free(copy);
	cmp_add_run(f->t, i, records, status);
}

/* cmp_execute, keeping the kills' lines of the event log (log: n columns). */
static void demo_execute(struct cmp_table *t, struct kill_log *log, const struct cmp_spec *specs,
			 int n, const struct cmp_opts *co)
{
	struct demo_fill f = { t, log };
	struct cmp_opts oo = *co;
	int i;

	log->col = xcalloc((size_t)n, sizeof(*log->col));
	for (i = 0; i < n; i++)
		sb_init(&log->col[i]);
	cmp_table_init(t, specs, n);
	oo.child_cleanup = free_table;
	oo.child_cleanup_arg = t;
	cmp_run_all(specs, n, &oo, demo_fill_column, &f);
}

static void kill_log_free(struct kill_log *log, int n)
{
	int i;

	for (i = 0; i < n; i++)
		sb_free(&log->col[i]);
	free(log->col);
}

/*
 * The kill rows of the table and the kills' lines say steps (column col
 * ran texts[col]): "worker at step 4 (/pod/app)", "step 4, line 35: ...".
 */
static void kills_as_steps(struct cmp_table *t, struct kill_log *log, char *const *texts)
{
	int i, c;

	for (i = 0; i < t->nrows; i++) {
		struct cmp_row *r = &t->rows[i];

		for (c = 0; c < t->ncol; c++)
			if (r->val[c] && has_line(r)) {
				char *v = with_steps(r->val[c], texts[c], false);

				free(r->val[c]);
				r->val[c] = v;
			}
	}
	for (c = 0; c < t->ncol; c++)
		if (log->col[c].len) {
			char *v = with_steps(log->col[c].buf, texts[c], true);

			sb_reset(&log->col[c]);
			sb_puts(&log->col[c], v);
			free(v);
		}
}

/*
 * The rows a table of the demo shows (`smemcg compare` shows them all):
 * the kills, what failed, the fate of each process, the cgroups' metrics
 * listed, and in part 1 who pays, two derived metrics and the zombies.
 */
struct row_pick {
	const struct cmp_table *t;
	const char *const *metrics;	/* of the cgroups kept */
	const char *cgroup;		/* the cgroup kept, with its subtree (part 1) */
	const char *const *cgroups;	/* or only these (part 2) */
};

static bool cgroup_kept(const struct row_pick *pk, const char *cg)
{
	size_t l = pk->cgroup ? strlen(pk->cgroup) : 0;
	int i;

	if (pk->cgroup)
		return !strncmp(cg, pk->cgroup, l) && (!cg[l] || cg[l] == '/');
	for (i = 0; pk->cgroups[i]; i++)
		if (!strcmp(cg, pk->cgroups[i]))
			return true;
	return false;
}

static bool pick_row(const struct cmp_row *r, void *arg)
{
	const struct row_pick *pk = arg;
	bool part1 = pk->cgroup != NULL;
	int i;

	switch (r->section) {
	case CMP_OUTCOME:
		return (is_kill_row(r) && !nobody(r, pk->t)) || !strcmp(r->metric, "stopped at");
	case CMP_TASK:
	case CMP_ERRNO:
		return true;
	case CMP_PAYS:
		return part1;
	case CMP_CGROUP:
		if (!cgroup_kept(pk, r->object))
			return false;
		for (i = 0; pk->metrics[i]; i++)
			if (!strcmp(r->metric, pk->metrics[i]))
				return true;
		return false;
	case CMP_DERIVED:
		return part1 && !strcmp(r->object, pk->cgroup) &&
		       (!strcmp(r->metric, "working set (cadvisor, kubelet)") ||
			!strcmp(r->metric, "podman stats usage (older: anon)"));
	case CMP_SMEMCG:
		return !strcmp(r->metric, "memory.current");
	case CMP_ZOMBIES:
		return part1 && !strcmp(r->metric, "dying_memcgs");
	default:
		return false;
	}
}

/* t as compare's table: the rows pick keeps (all of them when pick is NULL). */
static void print_table(struct cmp_table *t, struct row_pick *pick, bool legend)
{
	struct cmp_print_opts po;

	memset(&po, 0, sizeof(po));
	po.format = CMP_TABLE;
	po.legend = legend;
	if (pick) {
		pick->t = t;
		po.keep = pick_row;
		po.keep_arg = pick;
		po.all = true;
	}
	cmp_print(stdout, t, &po);
}

static const char *const pod_metrics[] = {
	"memory.current", "memory.stat anon", "memory.stat file", "memory.stat shmem",
	"memory.events oom", "memory.events oom_kill", "cgroup.stat nr_dying_descendants",
	"pins.current", "memory.smemcg podshm (borrowed)", NULL,
};
static const char *const ab_metrics[] = {
	"memory.current", "memory.events max", "memory.events oom",
	"memory.events oom_kill", "memory.smemcg shm (borrowed)", NULL,
};
static const char *const ab[] = { "/A", "/B", NULL };

static long long num(const char *v)
{
	return v ? atoll(v) : 0;
}

static const char *size(char *buf, size_t len, const char *v)
{
	return cmp_human_bytes(buf, len, v ? v : "0");
}

/* The value of the first row of a section with this metric, whatever its object. */
static const char *any_object(const struct cmp_table *t, enum cmp_section sec, const char *metric,
			      int col)
{
	int i;

	for (i = 0; i < t->nrows; i++)
		if (t->rows[i].section == sec && !strcmp(t->rows[i].metric, metric) &&
		    t->rows[i].val[col])
			return t->rows[i].val[col];
	return NULL;
}

/* text from column indent on, cut at blanks before column 96. */
static void print_wrapped(FILE *f, int indent, const char *text)
{
	int col = indent, first = 1;

	fprintf(f, "%*s", indent, "");
	while (*text) {
		size_t n = strcspn(text, " ");

		if (!first && col + 1 + (int)n > 96) {
			fprintf(f, "\n%*s", indent + 2, "");
			col = indent + 2;
		} else if (!first) {
			fputc(' ', f);
			col++;
		}
		fwrite(text, 1, n, f);
		col += (int)n;
		first = 0;
		text += n;
		while (*text == ' ')
			text++;
	}
	fputc('\n', f);
}

/* Who died in column col, as the event log says, and what failed (text: its scenario). */
static void who_dies(FILE *f, const struct cmp_table *t, const struct kill_log *log, int col,
		     const char *text)
{
	const char *p = log->col[col].buf;
	struct strbuf sb;
	int i;

	if (p && *p)
		fputs("  who dies (the event log):\n", f);
	else
		fputs("  who dies: nobody is killed\n", f);
	while (p && *p) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);

		print_wrapped(f, 4, line);
		free(line);
		p += n + (p[n] == '\n');
	}
	sb_init(&sb);
	for (i = 0; i < t->nrows; i++) {
		const struct cmp_row *r = &t->rows[i];

		if (r->section == CMP_ERRNO && r->val[col] && strcmp(r->val[col], "ok")) {
			char *obj = with_steps(r->object, text, true);

			sb_reset(&sb);
			sb_printf(&sb, "%s failed with %s", obj, r->val[col]);
			print_wrapped(f, 2, sb.buf);
			free(obj);
		}
	}
	sb_free(&sb);
}

/* Who pays and who dies in column col, in a few lines. */
static void summary(FILE *f, const struct cmp_table *t, const struct kill_log *log, int col,
		    const char *text)
{
	const char *v, *before;
	struct strbuf pays;
	const char *obj = NULL;
	char b[32];
	int i;

	fprintf(f, "\n%s: %s\n", variants[col].label, variants[col].what);
	if (t->crashed[col]) {
		fprintf(f, "  the run crashed: %s\n", cmp_value(t, CMP_OUTCOME, "", "status", col));
		return;
	}
	/* who pays, at the end: every object but the processes' own memory, by object */
	sb_init(&pays);
	for (i = 0; i < t->nrows; i++) {
		const struct cmp_row *r = &t->rows[i];

		if (r->section != CMP_PAYS || !r->val[col] || !strncmp(r->object, "anon:", 5))
			continue;
		if (obj && !strcmp(obj, r->object))
			sb_printf(&pays, ", %s %s", r->metric, size(b, sizeof(b), r->val[col]));
		else
			sb_printf(&pays, "\n    %s: %s %s", r->object, r->metric,
				  size(b, sizeof(b), r->val[col]));
		obj = r->object;
	}
	v = cmp_value(t, CMP_SMEMCG, "@podshm", "memory.current", col);
	if (v)
		sb_printf(&pays, "\n    the smemcg @podshm: %s, once", size(b, sizeof(b), v));
	fprintf(f, "  who pays at the end:%s\n", pays.len ? pays.buf : " nobody");
	sb_free(&pays);

	/* zombies: with the pins (step 5) and after their release (step 6) */
	before = any_object(t, CMP_OBSERVED, "/proc/zombies dying_memcgs", col);
	v = cmp_value(t, CMP_ZOMBIES, "/proc/zombies", "dying_memcgs", col);
	fprintf(f, "  zombies: %s while the pins held the old /pod/app; %s after their release%s\n",
		before ? before : "?", v ? v : "?",
		num(v) ? " (pages still charged to it keep it)" : "");

	who_dies(f, t, log, col, text);
}

static struct {
	bool print, full, quiet;
	int jobs;
} o;

static const struct cli_opt_spec opts[] = {
	{ CLI_OPT_SWITCH, "print", 0, &o.print, NULL, 0, NULL,
	  "show the four scenarios instead of running them" },
	{ CLI_OPT_SWITCH, "full", 0, &o.full, NULL, 0, NULL,
	  "the whole compare table, not the rows of the story" },
	CLI_OPT_JOBS(o.jobs),
	{ CLI_OPT_SWITCH, "quiet", 'q', &o.quiet, NULL, 0, NULL, "no progress line on stderr" },
	{ CLI_OPT_END },
};

static const struct cli_exit_note exits[] = {
	{ CLI_EXIT_OK, "the runs completed" },
	{ CLI_EXIT_FAILED, "a run stopped at a statement that failed unexpectedly, or "
			   "crashed (its column says how)" },
	{ CLI_EXIT_USAGE, "a bad option" },
	{ CLI_EXIT_HOST, "a run was killed by the host (out of memory, a CPU limit)" },
	{ -1, NULL },
};


/*
 * Part 2: demo_smemcg_scenario under each value of the smemcg policy. A's
 * write failing with ENOMEM under full-fail is the story, not a failure of
 * the demo: only a crashed run counts.
 */
static int run_smemcg_part(const struct cmp_opts *co)
{
	struct cmp_spec specs[NVALUES];
	struct smc_kv kv[NVALUES];
	char *texts[NVALUES], label[NVALUES][32];
	struct row_pick pick = { .metrics = ab_metrics, .cgroups = ab };
	struct smc_script s;
	struct cmp_table t;
	struct kill_log log;
	int i, rc;

	rc = cli_load_text(&s, "demo:smemcg", demo_smemcg_scenario, NULL);
	if (rc)
		return rc;
	for (i = 0; i < NVALUES; i++) {
		kv[i].key = "smemcg";
		kv[i].value = smemcg_values[i].value;
		snprintf(label[i], sizeof(label[i]), "smemcg=%s", smemcg_values[i].value);
		memset(&specs[i], 0, sizeof(specs[i]));
		specs[i].label = label[i];
		specs[i].script = &s;
		specs[i].kv = &kv[i];
		specs[i].nkv = 1;
		texts[i] = (char *)demo_smemcg_scenario;
	}
	demo_execute(&t, &log, specs, NVALUES, co);
	kills_as_steps(&t, &log, texts);

	printf("\n\nsmemcg demo, part 2: who is punished for shared memory (seed 000). A and B\n"
	       "share the smemcg shm; B (20M limit) has 10M of its own. 1: b, in B, touches\n"
	       "its 10M. 2: a, in A, writes 15M into shm's tmpfs. 3: reader, in B, maps the\n"
	       "15M and reads them. The same scenario under each value of the smemcg policy\n"
	       "(docs/policies.md; `smemcg demo --print` shows it):\n\n");
	print_table(&t, &pick, false);
	printf("\nwho dies, whose charge fails\n");
	for (i = 0; i < NVALUES; i++) {
		struct strbuf sb;

		sb_init(&sb);
		sb_printf(&sb, "%s: %s", label[i], smemcg_values[i].what);
		fputc('\n', stdout);
		print_wrapped(stdout, 0, sb.buf);
		sb_free(&sb);
		who_dies(stdout, &t, &log, i, texts[i]);
	}
	rc = CLI_EXIT_OK;
	for (i = 0; i < NVALUES; i++)
		if (t.crashed[i])
			rc = cli_exit_worst(rc, CLI_EXIT_FAILED);
	cmp_table_free(&t);
	kill_log_free(&log, NVALUES);
	smc_script_free(&s);
	return rc;
}

static int run(void)
{
	struct smc_script scripts[NVARIANTS];
	struct cmp_spec specs[NVARIANTS];
	char *texts[NVARIANTS];
	struct row_pick pick = { .metrics = pod_metrics, .cgroup = "/pod" };
	struct cmp_opts co;
	struct cmp_table t;
	struct kill_log log;
	int i, n = 0, rc = CLI_EXIT_USAGE;

	for (i = 0; i < NVARIANTS; i++)
		texts[i] = variant_text(&variants[i]);
	if (o.print) {
		for (i = 0; i < NVARIANTS; i++)
			printf("%s# ==== %s: %s\n%s", i ? "\n" : "", variants[i].label,
			       variants[i].what, texts[i]);
		printf("\n# ==== part 2, run with --policy smemcg=borrow,full,borrow-fail,"
		       "full-fail\n%s", demo_smemcg_scenario);
		rc = CLI_EXIT_OK;
		goto out;
	}
	for (n = 0; n < NVARIANTS; n++) {
		char name[64];

		snprintf(name, sizeof(name), "demo:%s", variants[n].label);
		rc = cli_load_text(&scripts[n], name, texts[n], NULL);
		if (rc)
			goto out;
		memset(&specs[n], 0, sizeof(specs[n]));
		specs[n].label = variants[n].label;
		specs[n].script = &scripts[n];
	}
	memset(&co, 0, sizeof(co));
	co.jobs = o.jobs;
	co.progress = !o.quiet && isatty(2);
	co.title = "smemcg demo";
	demo_execute(&t, &log, specs, NVARIANTS, &co);
	kills_as_steps(&t, &log, texts);

	printf("smemcg demo: a pod (200M) with two containers, app and sidecar (100M each).\n"
	       "1: the app pins an 8M buffer for RDMA (keep-pins). 2: both map a 16M library.\n"
	       "3: the app writes a 60M cache into the pod's tmpfs volume, the sidecar maps and\n"
	       "reads it. 4: the app's worker needs 40M of heap. 5: the app container restarts\n"
	       "(cgroup.kill ends what is left of it), the new app2 maps the cache. 6: the\n"
	       "driver releases the pins. The same scenario four ways (`smemcg demo --print`\n"
	       "shows them):\n\n");
	print_table(&t, o.full ? NULL : &pick, true);
	printf("\nwho pays, who dies\n");
	for (i = 0; i < NVARIANTS; i++)
		summary(stdout, &t, &log, i, texts[i]);
	rc = cli_compare_status(&t);
	cmp_table_free(&t);
	kill_log_free(&log, NVARIANTS);
	rc = cli_exit_worst(rc, run_smemcg_part(&co));
	printf("\nEvery counter, and what kubelet, docker and podman would show: `smemcg demo --full`;\n"
	       "your own scenario: `smemcg compare FILE --policy shared=owner,common-ancestor`.\n");
out:
	for (i = 0; i < n; i++)
		smc_script_free(&scripts[i]);
	for (i = 0; i < NVARIANTS; i++)
		free(texts[i]);
	return rc;
}

const struct cli_command cli_cmd_demo = {
	"demo", "run the built-in demonstration scenario",
	"The story smemcg is for: a pod whose two containers share a tmpfs and a\n"
	"library, a buffer pinned for RDMA, a container that restarts, then more shared\n"
	"data. It runs four ways, side by side (`smemcg compare` of four scenarios):\n"
	"first-touch (Linux 6.1), memcg=/pod (seed 001), common-ancestor, and smemcg\n"
	"(seed 000, smemcg=borrow), and says under each who pays and who dies, kills\n"
	"as the event log tells them, at their step. Part 2 runs one story under\n"
	"smemcg=borrow, full, borrow-fail and full-fail: who is OOM-killed, who gets\n"
	"SIGBUS, whose charge fails, and the event log's line of each kill.\n",
	opts, exits, NULL, run,
};
