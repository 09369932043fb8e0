// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg report: run one scenario on the model under every combination of
 * the given policy values and write DIR/index.html, a self-contained page of
 * SVG charts over simulated time with the policy sets side by side
 * (src/report/, docs/report.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../report/report.h"
#include "cli.h"
#include "smemcg.h"

#define MAX_SETS 64

static void report_usage(FILE *f)
{
	fprintf(f,
		"usage: smemcg report SCENARIO [--policy KEY=V1,V2,...]... -o DIR [--quiet]\n"
		"\n"
		"Run SCENARIO (.smc, or - for standard input) on the model once for every\n"
		"combination of the policy values given (the cross product of the --policy\n"
		"lists; none: once, with the scenario's own policies) and write DIR/index.html:\n"
		"one self-contained HTML page, no scripts, no external resources, with SVG\n"
		"charts side by side for each policy set: memory.current of each cgroup\n"
		"stacked by kind (anon, file, shmem, kernel, other), memory.events max/oom/\n"
		"oom_kill, zombies (nr_dying_descendants) and the recharge_* counters. The x\n"
		"axis counts the statements that act on the machine; the simulated time is\n"
		"written under it. See docs/report.md.\n"
		"\n"
		"  --policy KEY=V1,V2  values of one policy key to compare (repeatable):\n"
		"                      shared=owner|common-ancestor  smemcg=borrow|full\n"
		"                      recharge=none|reparent|evict|mapper|deferred|auto\n"
		"                      owner=mm-owner|mm-memcg  kmem=on|off  stock=on|off\n"
		"  -o, --output DIR    where to write index.html (created if missing)\n"
		"  -q, --quiet         no progress on stderr\n"
		"\n"
		"Exit status: 0 when the page is written (failed expects are shown in it),\n"
		"1 when the scenario cannot be loaded or the page cannot be written, 2 on\n"
		"bad usage (no -o, a directory that cannot be written, a bad policy).\n");
}

struct key_values {
	char *key;
	char **v;
	int n;
};

struct policy_axes {
	struct key_values *k;
	int n;
};

static void axes_free(struct policy_axes *a)
{
	int i, j;

	for (i = 0; i < a->n; i++) {
		for (j = 0; j < a->k[i].n; j++)
			free(a->k[i].v[j]);
		free(a->k[i].v);
		free(a->k[i].key);
	}
	free(a->k);
}

/* "KEY=V1,V2": values appended to the key's list; 0 or -1 with a message. */
static int axes_add(struct policy_axes *a, const char *arg)
{
	const char *eq = strchr(arg, '='), *p;
	struct key_values *kv = NULL;
	char msg[256];
	int i;

	if (!eq || eq == arg || !eq[1]) {
		fprintf(stderr, "smemcg report: --policy takes KEY=V1,V2,..., not \"%s\"\n", arg);
		return -1;
	}
	for (i = 0; i < a->n; i++)
		if (strlen(a->k[i].key) == (size_t)(eq - arg) &&
		    !strncmp(a->k[i].key, arg, (size_t)(eq - arg)))
			kv = &a->k[i];
	if (!kv) {
		a->k = xrealloc(a->k, (size_t)(a->n + 1) * sizeof(*a->k));
		kv = &a->k[a->n++];
		kv->key = xstrndup(arg, (size_t)(eq - arg));
		kv->v = NULL;
		kv->n = 0;
	}
	for (p = eq + 1;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char *val = xstrndup(p, len);

		if (!len || smemcg_policy_check(msg, sizeof(msg), kv->key, val)) {
			fprintf(stderr, "smemcg report: --policy %s: %s\n", arg,
				len ? msg : "empty value");
			free(val);
			return -1;
		}
		kv->v = xrealloc(kv->v, (size_t)(kv->n + 1) * sizeof(char *));
		kv->v[kv->n++] = val;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

/* Create DIR when missing; open DIR/index.html.tmp for the page. */
static FILE *open_output(const char *dir, char **tmp, char **final)
{
	struct stat st;
	FILE *f;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "smemcg report: cannot create %s: %s\n", dir, strerror(errno));
		return NULL;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "smemcg report: %s is not a directory\n", dir);
		return NULL;
	}
	*final = xmalloc(strlen(dir) + sizeof("/index.html"));
	sprintf(*final, "%s/index.html", dir);
	*tmp = xmalloc(strlen(*final) + sizeof(".tmp"));
	sprintf(*tmp, "%s.tmp", *final);
	f = fopen(*tmp, "w");
	if (!f) {
		fprintf(stderr, "smemcg report: cannot write %s: %s\n", *final, strerror(errno));
		free(*tmp);
		free(*final);
		*tmp = *final = NULL;
	}
	return f;
}

int cmd_report(int argc, char **argv)
{
	struct policy_axes axes = { NULL, 0 };
	const char *file = NULL, *dir = NULL;
	char *text, *tmp = NULL, *final = NULL;
	struct smc_script s;
	struct report *rp;
	struct strbuf page;
	struct smc_kv *kv;
	bool quiet = false;
	long nsets = 1, set;
	FILE *f;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			report_usage(stdout);
			axes_free(&axes);
			return 0;
		} else if (!strcmp(a, "--policy") || !strncmp(a, "--policy=", 9)) {
			const char *v = a[8] == '=' ? a + 9 : i + 1 < argc ? argv[++i] : NULL;

			if (!v) {
				fprintf(stderr, "smemcg report: --policy needs KEY=V1,V2,...\n");
				axes_free(&axes);
				return 2;
			}
			if (axes_add(&axes, v)) {
				axes_free(&axes);
				return 2;
			}
		} else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "smemcg report: %s needs a directory\n", a);
				axes_free(&axes);
				return 2;
			}
			dir = argv[++i];
		} else if (!strncmp(a, "--output=", 9)) {
			dir = a + 9;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			quiet = true;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "smemcg report: unknown option %s\n\n", a);
			report_usage(stderr);
			axes_free(&axes);
			return 2;
		} else if (file) {
			fprintf(stderr, "smemcg report: one scenario at a time (%s and %s)\n",
				file, a);
			axes_free(&axes);
			return 2;
		} else {
			file = a;
		}
	}
	if (!file || !dir || !*dir) {
		fprintf(stderr, "smemcg report: %s\n\n",
			!file ? "no scenario given" : "no output directory: give -o DIR");
		report_usage(stderr);
		axes_free(&axes);
		return 2;
	}
	for (i = 0; i < axes.n; i++) {
		nsets *= axes.k[i].n;
		if (nsets > MAX_SETS) {
			fprintf(stderr, "smemcg report: more than %d policy sets; give fewer values\n",
				MAX_SETS);
			axes_free(&axes);
			return 2;
		}
	}
	f = open_output(dir, &tmp, &final);
	if (!f) {
		axes_free(&axes);
		return 2;
	}
	text = cli_read_file(file);
	if (!text || cli_load_script(&s, file, text)) {
		free(text);
		fclose(f);
		unlink(tmp);
		free(tmp);
		free(final);
		axes_free(&axes);
		return 1;
	}
	free(text);

	rp = report_new(strcmp(file, "-") ? file : "(standard input)");
	kv = xcalloc((size_t)(axes.n ? axes.n : 1), sizeof(*kv));
	for (set = 0; set < nsets; set++) {
		long rest = set;

		/* the last key varies fastest */
		for (i = axes.n - 1; i >= 0; i--) {
			kv[i].key = axes.k[i].key;
			kv[i].value = axes.k[i].v[rest % axes.k[i].n];
			rest /= axes.k[i].n;
		}
		if (!quiet) {
			fprintf(stderr, "smemcg report: set %ld/%ld:", set + 1, nsets);
			for (i = 0; i < axes.n; i++)
				fprintf(stderr, " %s=%s", kv[i].key, kv[i].value);
			fprintf(stderr, "%s\n", axes.n ? "" : " the scenario's policies");
		}
		report_run(rp, &s, kv, axes.n, !quiet && isatty(2));
	}
	free(kv);

	sb_init(&page);
	report_html(rp, &page);
	if (fwrite(page.buf, 1, page.len, f) != page.len || fflush(f) || ferror(f)) {
		fprintf(stderr, "smemcg report: writing %s: %s\n", tmp, strerror(errno));
		rc = 1;
	}
	if (fclose(f) && !rc) {
		fprintf(stderr, "smemcg report: writing %s: %s\n", tmp, strerror(errno));
		rc = 1;
	}
	if (!rc && rename(tmp, final)) {
		fprintf(stderr, "smemcg report: cannot rename %s to %s: %s\n", tmp, final,
			strerror(errno));
		rc = 1;
	}
	if (rc)
		unlink(tmp);
	else if (!quiet)
		fprintf(stderr, "smemcg report: wrote %s (%d policy sets, %zu bytes)\n", final,
			report_nsets(rp), page.len);
	sb_free(&page);
	report_free(rp);
	smc_script_free(&s);
	free(tmp);
	free(final);
	axes_free(&axes);
	return rc;
}
