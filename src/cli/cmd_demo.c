/*
 * smemcg demo: the story of the seeds in one pod. Two containers share a
 * tmpfs volume and a library, one pins a DMA buffer, one restarts (its
 * cgroup removed and created again). The same story runs four ways, side
 * by side through the compare engine: Linux 6.1's first-touch charging,
 * the tmpfs memcg= mount option (seed 001), the common-ancestor policy
 * (Johannes Weiner's counter-proposal) and a shared memory cgroup
 * (seed 000). Under the table, who pays and who dies, in plain English,
 * from the numbers of each run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "cli.h"
#include "compare.h"

/*
 * The story. Lines starting with @MOUNT, @ATTACH and @REATTACH differ by
 * variant; every variant has the same number of lines, so that a
 * statement's line number is the same in every column.
 */
static const char demo_story[] =
	"# smemcg demo (%s): a pod, two containers, a shared volume and library\n"
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
	"kubelet mkdir /usr\n"
	"kubelet mkdir /usr/lib\n"
	"@MOUNT\n"
	"@ATTACH /pod/app\n"
	"@ATTACH /pod/sidecar\n"
	"spawn app /pod/app\n"
	"spawn sidecar /pod/sidecar\n"
	"echo both containers map the same 16M library from the image (page cache)\n"
	"app mmap lib file /usr/lib/libpod.so 16M\n"
	"app touch lib ro\n"
	"sidecar mmap lib file /usr/lib/libpod.so 16M\n"
	"sidecar touch lib ro\n"
	"echo app pins an 8M DMA buffer through a driver that keeps pins across restarts\n"
	"app cap ipc_lock\n"
	"app mmap dma anon 8M\n"
	"app touch dma\n"
	"app open gpu /dev/vfio keep-pins\n"
	"app pin gpu dma\n"
	"echo app writes a 60M cache into the shared volume; sidecar maps and reads it\n"
	"app write /shared/cache 0 60M\n"
	"sidecar mmap cache file /shared/cache 60M shared\n"
	"sidecar touch cache ro\n"
	"echo app's worker needs 40M of heap (the container's limit is 100M)\n"
	"spawn worker /pod/app\n"
	"worker mmap heap anon 40M\n"
	"worker touch heap\n"
	"echo app's container restarts: the runtime kills it, removes its cgroup, creates it again\n"
	"write /pod/app/cgroup.kill 1\n"
	"rmdir /pod/app\n"
	"mkdir /pod/app\n"
	"write /pod/app/memory.max 100M\n"
	"@ATTACH /pod/app\n"
	"spawn app2 /pod/app\n"
	"app2 mmap cache file /shared/cache 60M shared\n"
	"app2 touch cache ro\n"
	"app2 mmap heap anon 20M\n"
	"app2 touch heap\n"
	"echo the driver is reset: the pinned buffer is released\n"
	"kubelet release gpu\n"
	"sleep 1s\n";

struct demo_variant {
	const char *label;
	const char *mount;		/* the @MOUNT line */
	bool attach;			/* @ATTACH lines attach the cgroup to @podshm */
	struct smc_kv policy;		/* key NULL: none */
	const char *rule;		/* the rule, for the summary */
	const char *note;		/* what the numbers show, in words */
};

static const struct demo_variant variants[] = {
	{ "first-touch", "kubelet mount tmpfs /shared", false, { NULL, NULL },
	  "Linux 6.1: the cgroup of the task that first touches a page pays for it, "
	  "for as long as the page lives.",
	  "app wrote the cache, so its container pays 60M for it on top of the 8M pinned "
	  "buffer and the worker's 40M heap: over the 100M limit, and shmem without swap "
	  "cannot be reclaimed, so the worker is OOM-killed for memory the sidecar uses. "
	  "After the restart the cache stays charged to the dead cgroup, which cannot be "
	  "freed (a zombie), and the new container maps it for free." },
	{ "memcg=", "kubelet mount tmpfs /shared memcg=/pod", false, { NULL, NULL },
	  "seed 001: every page of the volume is charged to the cgroup named at mount "
	  "time (/pod), whoever touches it.",
	  "No OOM kill: app's container pays 16M library + 8M buffer + 40M heap. memcg= covers "
	  "the volume only: the library's page cache, first touched by app, stays charged "
	  "to app's dead cgroup after the restart (a zombie)." },
	{ "common-ancestor", "kubelet mount tmpfs /shared", false,
	  { "shared", "common-ancestor" },
	  "Johannes Weiner's proposal: a page touched from a second cgroup moves to the "
	  "first common ancestor of the two (/pod).",
	  "No OOM kill, and no zombie: the sidecar's reads moved both the cache and "
	  "the library up to /pod, so nothing the old /pod/app paid for outlives it "
	  "(the pinned buffer kept it dying until the driver released it)." },
	{ "smemcg", "kubelet mount tmpfs /shared smemcg=podshm", true, { NULL, NULL },
	  "seed 000: the volume's pages are charged to the shared memory cgroup @podshm; "
	  "each attached container counts what it maps (its borrow), the pod each page "
	  "once.",
	  "No OOM kill: @podshm pays the 60M once, whoever wrote it; each container "
	  "that maps it borrows 60M (its memory.current includes the borrow) while /pod "
	  "counts it once. The library is not in the volume: its page cache stays with the "
	  "dead /pod/app (a zombie), as under memcg=." },
};

#define NR_VARIANTS ((int)ARRAY_SIZE(variants))

/* The story's text for one variant: malloc'd. */
static char *demo_text(const struct demo_variant *v)
{
	struct strbuf sb;
	const char *p = demo_story;

	sb_init(&sb);
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *line = xstrndup(p, n);

		if (!strncmp(line, "# smemcg demo (%s)", 18))
			sb_printf(&sb, "# smemcg demo (%s)%s\n", v->label, line + 18);
		else if (!strcmp(line, "@MOUNT"))
			sb_printf(&sb, "%s\n", v->mount);
		else if (!strncmp(line, "@ATTACH ", 8) && v->attach)
			sb_printf(&sb, "write %s/memory.smemcg +podshm\n", line + 8);
		else if (!strncmp(line, "@ATTACH ", 8))
			sb_printf(&sb, "echo %s is not attached to a shared memory cgroup\n",
				  line + 8);
		else
			sb_printf(&sb, "%s\n", line);
		free(line);
		p = e ? e + 1 : p + n;
	}
	return sb_detach(&sb);
}

/* Print "LEAD TEXT" wrapped at 76 columns, continuation lines indented by 4. */
static void wrapped(const char *lead, const char *text)
{
	int col = printf("%s", lead);
	const char *p = text;

	while (*p) {
		const char *e = strchr(p, ' ');
		int n = e ? (int)(e - p) : (int)strlen(p);

		if (col + 1 + n > 76) {
			printf("\n   ");
			col = 3;
		}
		col += printf(" %.*s", n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
	putchar('\n');
}

static long long num(const struct cmp_table *t, enum cmp_section sec, const char *object,
		     const char *metric, int col)
{
	const char *v = cmp_value(t, sec, object, metric, col);

	return v ? strtoll(v, NULL, 10) : 0;
}

static const char *size(char *buf, size_t len, long long v)
{
	char raw[32];

	snprintf(raw, sizeof(raw), "%lld", v);
	return cmp_human_bytes(buf, len, raw);
}

/* Who pays and who dies in run col, from its numbers. */
static void summary(const struct cmp_table *t, int col, const struct demo_variant *v)
{
	const char *killed = cmp_value(t, CMP_OUTCOME, "", "killed", col);
	long long zombies = num(t, CMP_CGROUP, "/", "cgroup.stat nr_dying_descendants", col);
	long long dead = num(t, CMP_PAYS, "pages left by the dead cgroup /pod/app", "/pod", col);
	long long smem = num(t, CMP_SMEMCG, "@podshm", "memory.current", col);
	long long ooms = num(t, CMP_CGROUP, "/pod", "memory.events oom_kill", col);
	struct strbuf sb;
	char a[32], b[32], c[32];
	int i;

	sb_init(&sb);
	printf("%s\n", v->label);
	wrapped("  rule:", v->rule);
	sb_printf(&sb, "%lld OOM kill%s in the pod (memory.events oom_kill); killed in all: %s",
		  ooms, ooms == 1 ? "" : "s", killed ? killed : "none");
	wrapped("  who dies:", sb.buf);
	sb_reset(&sb);
	/* the cache's payers, from the explain rows */
	for (i = 0; i < t->nrows; i++) {
		const struct cmp_row *r = &t->rows[i];

		if (r->section != CMP_PAYS || strcmp(r->object, "tmpfs /shared/cache") ||
		    !r->val[col])
			continue;
		sb_printf(&sb, "%s%s %s", sb.len ? "; " : "", r->metric,
			  size(a, sizeof(a), strtoll(r->val[col], NULL, 10)));
	}
	if (smem)
		sb_printf(&sb, "%s@podshm %s, once", sb.len ? "; " : "", size(a, sizeof(a), smem));
	if (!sb.len && dead)
		sb_puts(&sb, "the dead /pod/app, which left it behind (counted in /pod)");
	wrapped("  who pays for the 60M cache:", sb.len ? sb.buf : "-");
	sb_reset(&sb);
	sb_printf(&sb, "/pod %s, /pod/app %s (the restarted container), /pod/sidecar %s.",
		  size(a, sizeof(a), num(t, CMP_CGROUP, "/pod", "memory.current", col)),
		  size(b, sizeof(b), num(t, CMP_CGROUP, "/pod/app", "memory.current", col)),
		  size(c, sizeof(c), num(t, CMP_CGROUP, "/pod/sidecar", "memory.current", col)));
	wrapped("  memory.current at the end:", sb.buf);
	sb_reset(&sb);
	if (zombies)
		sb_printf(&sb, "%lld dying memcg: the old /pod/app, held by %s of pages it was "
			  "charged for and that outlived it.", zombies, size(a, sizeof(a), dead));
	else
		sb_puts(&sb, "none: nothing the old /pod/app was charged for outlived it.");
	wrapped("  zombies:", sb.buf);
	wrapped("  note:", v->note);
	printf("\n");
	sb_free(&sb);
}
static void demo_usage(FILE *f)
{
	fprintf(f,
		"usage: smemcg demo [--print] [--format table|csv|json]\n"
		"\n"
		"The built-in demonstration: a pod whose two containers share a tmpfs volume\n"
		"and a library, a pinned DMA buffer, and a container restart, run four ways\n"
		"side by side: first-touch (Linux 6.1), the tmpfs memcg= mount option,\n"
		"shared=common-ancestor, and a shared memory cgroup (smemcg). Prints the\n"
		"compare table (smemcg compare --help) and who pays and who dies under each.\n"
		"--print shows the four scenarios instead of running them.\n");
}

int cmd_demo(int argc, char **argv)
{
	struct cmp_spec specs[NR_VARIANTS];
	struct smc_script scripts[NR_VARIANTS];
	char *texts[NR_VARIANTS];
	struct cmp_print_opts po;
	struct cmp_opts o;
	struct cmp_table t;
	enum cmp_format fmt = CMP_TABLE;
	bool print = false;
	int i, nloaded = 0, crashed, rc = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			demo_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--print")) {
			print = true;
		} else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "table"))
				fmt = CMP_TABLE;
			else if (!strcmp(argv[i], "csv"))
				fmt = CMP_CSV;
			else if (!strcmp(argv[i], "json"))
				fmt = CMP_JSON;
			else {
				fprintf(stderr, "smemcg demo: --format takes table, csv or json\n");
				return 2;
			}
		} else {
			fprintf(stderr, "smemcg demo: unknown argument %s\n\n", argv[i]);
			demo_usage(stderr);
			return 2;
		}
	}
	for (i = 0; i < NR_VARIANTS; i++)
		texts[i] = demo_text(&variants[i]);
	if (print) {
		for (i = 0; i < NR_VARIANTS; i++) {
			printf("%s", texts[i]);
			if (variants[i].policy.key)
				printf("# run with --policy %s=%s\n", variants[i].policy.key,
				       variants[i].policy.value);
			if (i + 1 < NR_VARIANTS)
				printf("\n");
		}
		goto out;
	}
	for (i = 0; i < NR_VARIANTS; i++, nloaded++) {
		if (cli_load_script(&scripts[i], "demo", texts[i])) {
			rc = 1;
			goto out;
		}
		specs[i].label = variants[i].label;
		specs[i].script = &scripts[i];
		specs[i].kv = variants[i].policy.key ? &variants[i].policy : NULL;
		specs[i].nkv = variants[i].policy.key ? 1 : 0;
	}
	memset(&o, 0, sizeof(o));
	o.jobs = 0;
	o.title = "demo";
	crashed = cmp_execute(&t, specs, NR_VARIANTS, &o);
	memset(&po, 0, sizeof(po));
	po.format = fmt;
	if (fmt == CMP_TABLE) {
		po.title = "smemcg demo: one pod, four ways of charging shared memory "
			   "(`smemcg demo --print` shows the scenarios)";
		po.changed_only = true;
		po.legend = false;
		cmp_print(stdout, &t, &po);
		printf("\nWho pays, who dies\n\n");
		for (i = 0; i < NR_VARIANTS; i++)
			summary(&t, i, &variants[i]);
	} else {
		po.title = "demo";
		cmp_print(stdout, &t, &po);
	}
	cmp_table_free(&t);
	if (crashed)
		rc = 1;
out:
	for (i = 0; i < nloaded; i++)
		smc_script_free(&scripts[i]);
	for (i = 0; i < NR_VARIANTS; i++)
		free(texts[i]);
	return rc;
}
