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
#include "compare.h"

const char demo_scenario[] =
	"# smemcg demo: a pod whose two containers share a tmpfs (an emptyDir of\n"
	"# medium Memory) and a library; the sidecar pins 8M of the shared data\n"
	"# for RDMA; the app container restarts.\n"
	"policy shared=owner\n"
	"machine memory=1G cpus=2\n"
	"write /cgroup.subtree_control +memory +pins\n"
	"mkdir /pod\n"
	"write /pod/cgroup.subtree_control +memory +pins\n"
	"write /pod/memory.max 128M\n"
	"mkdir /pod/app\n"
	"mkdir /pod/sidecar\n"
	"write /pod/app/memory.max 64M\n"
	"write /pod/sidecar/memory.max 64M\n"
	"spawn kubelet /\n"
	"kubelet mount tmpfs /pod/shm\n"
	"spawn app /pod/app\n"
	"spawn sidecar /pod/sidecar\n"
	"echo 1. a library: 16M of page cache, mapped by both containers, the app first\n"
	"app mmap lib file /usr/lib/libshared.so 16M\n"
	"app touch lib ro\n"
	"sidecar mmap lib file /usr/lib/libshared.so 16M\n"
	"sidecar touch lib ro\n"
	"echo 2. the app writes 40M into the shared tmpfs; the sidecar maps it, pins 8M\n"
	"app write /pod/shm/data 0 40M\n"
	"sidecar mmap shm file /pod/shm/data 40M shared\n"
	"sidecar touch shm ro\n"
	"sidecar cap ipc_lock\n"
	"sidecar open nic /dev/rdma\n"
	"sidecar pin nic shm 0 8M\n"
	"echo 3. the app needs 32M of heap\n"
	"app mmap heap anon 32M\n"
	"app touch heap\n"
	"echo 4. the app container restarts: the runtime kills what is left, a new cgroup\n"
	"write /pod/app/cgroup.kill 1\n"
	"rmdir /pod/app\n"
	"mkdir /pod/app\n"
	"write /pod/app/memory.max 64M\n"
	"spawn app2 /pod/app\n"
	"app2 mmap heap anon 8M\n"
	"app2 touch heap\n"
	"app2 mmap lib file /usr/lib/libshared.so 16M\n"
	"app2 touch lib ro\n"
	"app2 mmap shm file /pod/shm/data 40M shared\n"
	"app2 touch shm ro\n"
	"echo 5. the new app appends 96M to the shared data\n"
	"app2 write /pod/shm/data 40M 96M\n";

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
	{ "memcg=/pod", "seed 001: the tmpfs is mounted with memcg=/pod: the pod pays for every page",
	  { { "kubelet mount tmpfs /pod/shm", "kubelet mount tmpfs /pod/shm memcg=/pod\n" } } },
	{ "common-ancestor", "the counter-proposal: a page used by two cgroups moves to their common ancestor",
	  { { "policy shared=owner", "policy shared=common-ancestor\n" } } },
	{ "smemcg", "seed 000: the tmpfs is charged to a shared memory cgroup; containers borrow what they map",
	  { { "policy shared=owner", "policy smemcg=borrow\n" },
	    { "kubelet mount tmpfs /pod/shm",
	      "kubelet mount tmpfs /pod/shm smemcg=podshm\n"
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
		return !strcmp(r->metric, "killed") || !strcmp(r->metric, "stopped at");
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

/* Who pays and who dies in column col, in a few lines. */
static void summary(FILE *f, const struct cmp_table *t, int col)
{
	const char *app2, *sidecar, *v;
	long long pod_kills, app2_kills;
	struct strbuf pays, dies;
	const char *obj = NULL;
	char b[32];
	int i;

	fprintf(f, "\n%s: %s\n", variants[col].label, variants[col].what);
	if (t->crashed[col]) {
		fprintf(f, "  the run crashed: %s\n", cmp_value(t, CMP_OUTCOME, "", "status", col));
		return;
	}
	/* who pays: every object but the processes' own heaps, by object */
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
		sb_printf(&pays, "\n    the smemcg @podshm: %s, under no memory.max of the pod",
			  size(b, sizeof(b), v));
	fprintf(f, "  who pays:%s\n", pays.len ? pays.buf : " nobody");
	sb_free(&pays);
	v = cmp_value(t, CMP_CGROUP, "/pod/sidecar", "pins.current", col);
	if (v)
		fprintf(f, "  pins: %s in /pod/sidecar's pins.current, whoever pays for the pages\n",
			size(b, sizeof(b), v));
	v = cmp_value(t, CMP_ZOMBIES, "/proc/zombies", "dying_memcgs", col);
	if (num(v))
		fprintf(f, "  zombies: %s (the old /pod/app, kept by the pages charged to it)\n", v);
	else
		fprintf(f, "  zombies: none (the old /pod/app went with its restart)\n");

	/*
	 * who dies. memory.events counts up the tree: the pod's oom_kill also
	 * counts the kill in the old /pod/app, which is gone.
	 */
	sb_init(&dies);
	pod_kills = num(cmp_value(t, CMP_CGROUP, "/pod", "memory.events oom_kill", col));
	app2_kills = num(cmp_value(t, CMP_CGROUP, "/pod/app", "memory.events oom_kill", col)) +
		     num(cmp_value(t, CMP_CGROUP, "/pod/sidecar", "memory.events oom_kill", col));
	if (pod_kills > app2_kills)
		sb_puts(&dies, "app, OOM-killed at /pod/app's 64M limit in step 3");
	app2 = cmp_value(t, CMP_TASK, "app2 (/pod/app)", "state", col);
	if (app2 && !strcmp(app2, "killed SIGKILL"))
		sb_printf(&dies, "%sapp2, OOM-killed at %s limit in step 5", dies.len ? "; " : "",
			  num(cmp_value(t, CMP_CGROUP, "/pod/app", "memory.events oom", col))
				  ? "/pod/app's 64M" : "the pod's 128M");
	else if (app2 && strcmp(app2, "alive"))
		sb_printf(&dies, "%sapp2, %s", dies.len ? "; " : "", app2);
	sidecar = cmp_value(t, CMP_TASK, "sidecar (/pod/sidecar)", "state", col);
	if (sidecar && strcmp(sidecar, "alive"))
		sb_printf(&dies, "%ssidecar, %s", dies.len ? "; " : "", sidecar);
	for (i = 0; i < t->nrows; i++) {
		const struct cmp_row *r = &t->rows[i];

		if (r->section == CMP_ERRNO && r->val[col] && strcmp(r->val[col], "ok"))
			sb_printf(&dies, "%s%s failed with %s", dies.len ? "; " : "", r->object,
				  r->val[col]);
	}
	fprintf(f, "  who dies: %s\n", dies.len ? dies.buf : "nobody");
	sb_free(&dies);
}

static void demo_usage(FILE *f)
{
	fprintf(f,
		"usage: smemcg demo [--print] [--full] [--jobs N] [--quiet]\n"
		"\n"
		"The story smemcg is for: a pod whose two containers share a tmpfs and a\n"
		"library, a buffer pinned for RDMA, a container that restarts, then more shared\n"
		"data. It runs four ways, side by side (`smemcg compare` of four scenarios):\n"
		"first-touch (Linux 6.1), memcg=/pod (seed 001), common-ancestor, and smemcg\n"
		"(seed 000, smemcg=borrow), and says under each who pays and who dies.\n"
		"\n"
		"  --print    show the four scenarios instead of running them\n"
		"  --full     the whole compare table, not the rows of the story\n"
		"  --jobs N   runs at once (default: the online CPUs)\n"
		"  --quiet    no progress line on stderr\n");
}

int cmd_demo(int argc, char **argv)
{
	struct smc_script scripts[NVARIANTS];
	struct cmp_spec specs[NVARIANTS];
	char *texts[NVARIANTS];
	struct cmp_print_opts po;
	struct cmp_opts o;
	struct cmp_table t;
	bool print = false, full = false, quiet = false;
	int i, n = 0, jobs = 0, crashed, rc = 1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			demo_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--print")) {
			print = true;
		} else if (!strcmp(argv[i], "--full")) {
			full = true;
		} else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
			quiet = true;
		} else if (!strcmp(argv[i], "--jobs") && i + 1 < argc && atoi(argv[i + 1]) > 0) {
			jobs = atoi(argv[++i]);
		} else {
			fprintf(stderr, "smemcg demo: unknown argument %s\n\n", argv[i]);
			demo_usage(stderr);
			return 2;
		}
	}
	for (i = 0; i < NVARIANTS; i++)
		texts[i] = variant_text(&variants[i]);
	if (print) {
		for (i = 0; i < NVARIANTS; i++)
			printf("%s# ==== %s: %s\n%s", i ? "\n" : "", variants[i].label,
			       variants[i].what, texts[i]);
		rc = 0;
		goto out;
	}
	for (n = 0; n < NVARIANTS; n++) {
		char name[64];

		snprintf(name, sizeof(name), "demo:%s", variants[n].label);
		if (cli_load_script(&scripts[n], name, texts[n]))
			goto out;
		memset(&specs[n], 0, sizeof(specs[n]));
		specs[n].label = variants[n].label;
		specs[n].script = &scripts[n];
	}
	memset(&o, 0, sizeof(o));
	o.jobs = jobs;
	o.progress = !quiet && isatty(2);
	o.title = "smemcg demo";
	crashed = cmp_execute(&t, specs, NVARIANTS, &o);

	printf("smemcg demo: a pod with two containers, app and sidecar, sharing a tmpfs\n"
	       "(40M written by the app, mapped by the sidecar, 8M of it pinned for RDMA) and\n"
	       "a 16M library. 3: the app needs 32M of heap. 4: it restarts (the runtime's\n"
	       "cgroup.kill ends what is left of it: app is SIGKILLed in every run), a new\n"
	       "app2 maps the data again. 5: app2 appends 96M to the shared data. Limits:\n"
	       "pod 128M, each container 64M. The same scenario four ways (`smemcg demo\n"
	       "--print` shows them):\n\n");
	memset(&po, 0, sizeof(po));
	po.format = CMP_TABLE;
	po.title = NULL;
	if (!full) {
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
	cmp_table_free(&t);
	rc = crashed ? 1 : 0;
out:
	for (i = 0; i < n; i++)
		smc_script_free(&scripts[i]);
	for (i = 0; i < NVARIANTS; i++)
		free(texts[i]);
	return rc;
}
