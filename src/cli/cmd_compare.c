// SPDX-License-Identifier: GPL-2.0-only
/*
 * smemcg compare: one scenario under the cross product of policy values,
 * each combination a column of the compare engine (src/compare/), side by
 * side.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/base.h"
#include "../compare/compare.h"
#include "smemcg.h"
#include "cli.h"

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

