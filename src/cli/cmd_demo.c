// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg demo: the story users care about (the README's first command). A
 * pod whose two containers share a tmpfs and a library, a buffer pinned
 * for RDMA, a container that restarts; run four ways (first touch as in
 * Linux 6.1, the memcg= mount option of seed 001, Johannes Weiner's
 * common ancestor, a shared memory cgroup of seed 000), with the compare
 * table and who pays and who dies under each.
 *
 * demo_scenario is the first-touch run; the others differ from it in the
 * lines listed in variants[] below.
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

/* The rows the demo's table shows; `smemcg compare` shows them all. */
static bool demo_row(const struct cmp_row *r, void *arg)
{
	static const char *const metrics[] = {
		"memory.current", "memory.stat anon", "memory.stat file", "memory.stat shmem",
		"memory.events oom", "memory.events oom_kill", "cgroup.stat nr_dying_descendants",
		"pins.current", "memory.smemcg podshm (borrowed)", NULL,
	};
	int i;

	(void)arg;
	switch (r->section) {
	case CMP_OUTCOME:
		return !strcmp(r->metric, "OOM-killed") || !strcmp(r->metric, "SIGBUS") ||
		       !strcmp(r->metric, "cgroup.kill") || !strcmp(r->metric, "stopped at");
	case CMP_TASK:
	case CMP_ERRNO:
	case CMP_PAYS:
		return true;
	case CMP_CGROUP:
		if (strcmp(r->object, "/pod") && strncmp(r->object, "/pod/", 5))
			return false;
		for (i = 0; metrics[i]; i++)
			if (!strcmp(r->metric, metrics[i]))
				return true;
		return false;
	case CMP_DERIVED:
		return !strcmp(r->object, "/pod") &&
		       (!strcmp(r->metric, "working set (cadvisor, kubelet)") ||
			!strcmp(r->metric, "podman stats usage (older: anon)"));
	case CMP_SMEMCG:
		return !strcmp(r->metric, "memory.current");
	case CMP_ZOMBIES:
		return !strcmp(r->metric, "dying_memcgs");
	default:
		return false;
	}
}

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

/* Who pays and who dies in column col, in a few lines. */
static void summary(FILE *f, const struct cmp_table *t, int col)
{
	const char *v, *before;
	struct strbuf pays, dies;
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

	/* who dies: memory.events of /pod/app, read after step 4 */
	sb_init(&dies);
	v = any_object(t, CMP_OBSERVED, "/pod/app/memory.events oom_kill", col);
	if (num(v))
		sb_printf(&dies, "%s OOM kill%s in /pod/app in step 4 (the worker, its largest task): "
			  "the heap did not fit beside what the container was charged", v,
			  num(v) > 1 ? "s" : "");
	for (i = 0; i < t->nrows; i++) {
		const struct cmp_row *r = &t->rows[i];

		if (r->section == CMP_TASK && r->val[col] && strstr(r->val[col], "SIGBUS"))
			sb_printf(&dies, "%s%s %s", dies.len ? "; " : "", r->object, r->val[col]);
		if (r->section == CMP_ERRNO && r->val[col] && strcmp(r->val[col], "ok"))
			sb_printf(&dies, "%s%s failed with %s", dies.len ? "; " : "", r->object,
				  r->val[col]);
	}
	fprintf(f, "  who dies: %s\n", dies.len ? dies.buf : "nobody is OOM-killed");
	sb_free(&dies);
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
	{ CLI_OPT_VALUE, "jobs", 'j', &o.jobs, cli_parse_jobs, 0, "N",
	  "runs at once, 1 to 4096 (default: the online CPUs)" },
	{ CLI_OPT_SWITCH, "quiet", 'q', &o.quiet, NULL, 0, NULL, "no progress line on stderr" },
	{ CLI_OPT_END },
};

static const struct cli_exit_note exits[] = {
	{ CLI_EXIT_OK, "the four runs completed" },
	{ CLI_EXIT_FAILED, "a run stopped at a statement that failed unexpectedly, or "
			   "crashed (its column says how)" },
	{ CLI_EXIT_USAGE, "a bad option" },
	{ CLI_EXIT_HOST, "a run was killed by the host (out of memory, a CPU limit)" },
	{ -1, NULL },
};

static int run(void)
{
	struct smc_script scripts[NVARIANTS];
	struct cmp_spec specs[NVARIANTS];
	char *texts[NVARIANTS];
	struct cmp_print_opts po;
	struct cmp_opts co;
	struct cmp_table t;
	int i, n = 0, rc = CLI_EXIT_USAGE;

	for (i = 0; i < NVARIANTS; i++)
		texts[i] = variant_text(&variants[i]);
	if (o.print) {
		for (i = 0; i < NVARIANTS; i++)
			printf("%s# ==== %s: %s\n%s", i ? "\n" : "", variants[i].label,
			       variants[i].what, texts[i]);
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
	cmp_execute(&t, specs, NVARIANTS, &co);

	printf("smemcg demo: a pod (200M) with two containers, app and sidecar (100M each).\n"
	       "1: the app pins an 8M buffer for RDMA (keep-pins). 2: both map a 16M library.\n"
	       "3: the app writes a 60M cache into the pod's tmpfs volume, the sidecar maps and\n"
	       "reads it. 4: the app's worker needs 40M of heap. 5: the app container restarts\n"
	       "(cgroup.kill ends app and worker in every run), the new app2 maps the cache.\n"
	       "6: the driver releases the pins. The same scenario four ways (`smemcg demo\n"
	       "--print` shows them):\n\n");
	memset(&po, 0, sizeof(po));
	po.format = CMP_TABLE;
	po.title = NULL;
	if (!o.full) {
		po.keep = demo_row;
		po.all = true;
	} else {
		po.legend = true;
	}
	cmp_print(stdout, &t, &po);
	printf("\nwho pays, who dies\n");
	for (i = 0; i < NVARIANTS; i++)
		summary(stdout, &t, i);
	printf("\nEvery counter, and what kubelet, docker and podman would show: `smemcg demo --full`;\n"
	       "your own scenario: `smemcg compare FILE --policy shared=owner,common-ancestor`.\n");
	rc = cli_compare_status(&t);
	cmp_table_free(&t);
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
	"(seed 000, smemcg=borrow), and says under each who pays and who dies.\n",
	opts, exits, NULL, run,
};
