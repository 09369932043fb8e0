// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runs of compare, sweep and merge: each scenario, times each set of
 * parameter values (--define), times each set of policy values (--policy),
 * numbered with the scenario varying slowest and the policies fastest, so
 * that a run's number names the same run in every command; and the label a
 * column gets: what tells it from the others.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../compare/compare.h"
#include "cli.h"

/* The last comps components of path ("b/c.smc" of "a/b/c.smc" for 2), or all of it. */
static const char *suffix(const char *path, int comps)
{
	const char *p = path + strlen(path);

	while (p > path) {
		if (p[-1] == '/' && !--comps)
			break;
		p--;
	}
	return p;
}

/* The file's name in labels: its base name, or as much of its path as tells it apart. */
static const char *short_name(const char *const *files, int n, int self)
{
	int comps, i;

	for (comps = 1;; comps++) {
		const char *mine = suffix(files[self], comps);
		bool unique = true;

		for (i = 0; i < n && unique; i++)
			unique = i == self || strcmp(suffix(files[i], comps), mine);
		if (unique || mine == files[self])
			return mine;
	}
}

int cli_runs_init(struct cli_runs *r, const char *const *files, int nfiles,
		  const struct cli_policy_axes *pol, const struct cli_policy_axes *defs,
		  long max, const char *cmd)
{
	int i, j;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < nfiles; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(files[i], files[j])) {
				fprintf(stderr, "smemcg %s: %s is given twice\n", cmd, files[i]);
				return CLI_EXIT_USAGE;
			}
	r->files = files;
	r->nfiles = nfiles;
	r->pol = pol;
	r->defs = defs;
	r->npol = cli_policy_sets(pol, max);
	r->ndef = cli_policy_sets(defs, max);
	if (r->npol > max || r->ndef > max || (long)nfiles * r->ndef > max ||
	    (long)nfiles * r->ndef * r->npol > max) {
		fprintf(stderr, "smemcg %s: the scenarios, parameters and policy values give "
			"more than %ld runs\n", cmd, max);
		return CLI_EXIT_USAGE;
	}
	r->n = (long)nfiles * r->ndef * r->npol;
	r->names = xcalloc((size_t)nfiles + 1, sizeof(*r->names));
	for (i = 0; i < nfiles; i++)
		r->names[i] = short_name(files, nfiles, i);
	return CLI_EXIT_OK;
}

void cli_runs_free(struct cli_runs *r)
{
	free(r->names);
	memset(r, 0, sizeof(*r));
}

void cli_run_at(const struct cli_runs *r, long k, int *file, long *def, long *pol)
{
	*pol = k % r->npol;
	k /= r->npol;
	*def = k % r->ndef;
	*file = (int)(k / r->ndef);
}

/* "K=V,K=V" of the keys of ax that vary (all of them when all is set). */
static void keys_label(struct strbuf *lb, const struct cli_policy_axes *ax, long set, bool all)
{
	struct smc_kv *kv = xcalloc((size_t)ax->n + 1, sizeof(*kv));
	int i, shown = 0;

	cli_policy_set(kv, ax, set);
	for (i = 0; i < ax->n; i++)
		if (all || ax->k[i].n > 1)
			sb_printf(lb, "%s%s=%s", shown++ ? "," : lb->len ? " " : "", kv[i].key,
				  kv[i].value);
	free(kv);
}

char *cli_run_label(const struct cli_runs *r, long k)
{
	struct strbuf lb;
	long def, pol;
	int file;

	cli_run_at(r, k, &file, &def, &pol);
	sb_init(&lb);
	if (r->nfiles > 1)
		sb_puts(&lb, r->names[file]);
	keys_label(&lb, r->defs, def, false);
	keys_label(&lb, r->pol, pol, false);
	if (!lb.len) {
		/* nothing varies: say what was set */
		keys_label(&lb, r->defs, def, true);
		keys_label(&lb, r->pol, pol, true);
	}
	if (!lb.len)
		sb_puts(&lb, "scenario's policies");
	return sb_detach(&lb);
}

int cli_runs_load(const struct cli_runs *r, int file, long def, struct smc_script *s,
		  bool *used, const char *cmd)
{
	struct smc_kv *kv = xcalloc((size_t)r->defs->n + 1, sizeof(*kv));
	struct smc_defines d;
	int rc, i;

	cli_policy_set(kv, r->defs, def);
	d.kv = kv;
	d.n = r->defs->n;
	d.used = used;
	rc = cli_load_file_defs(s, r->files[file], &d, cli_axes_kernel(r->pol), NULL);
	if (rc && r->defs->n) {
		fprintf(stderr, "smemcg %s: (%s loaded with", cmd, cli_input_name(r->files[file]));
		for (i = 0; i < r->defs->n; i++)
			fprintf(stderr, " %s=%s", kv[i].key, kv[i].value);
		fprintf(stderr, ")\n");
	}
	free(kv);
	return rc;
}

int cli_runs_load_all(const struct cli_runs *r, struct smc_script *scripts, bool *used,
		      const char *cmd)
{
	long d;
	int f, rc = CLI_EXIT_OK;

	for (f = 0; f < r->nfiles && !rc; f++)
		for (d = 0; d < r->ndef && !rc; d++)
			rc = cli_runs_load(r, f, d, &scripts[f * r->ndef + d], used, cmd);
	return rc;
}

void cli_run_spec(struct cmp_spec *spec, const struct cli_runs *r, long k,
		  const struct smc_script *scripts)
{
	struct smc_kv *kv = xcalloc((size_t)(r->pol->n + r->defs->n) + 1, sizeof(*kv));
	long def, pol;
	int file;

	cli_run_at(r, k, &file, &def, &pol);
	/* the policies, then the parameters, in one array */
	cli_policy_set(kv, r->pol, pol);
	cli_policy_set(kv + r->pol->n, r->defs, def);
	memset(spec, 0, sizeof(*spec));
	spec->label = cli_run_label(r, k);
	spec->script = scripts ? &scripts[file * r->ndef + def] : NULL;
	spec->kv = kv;
	spec->nkv = r->pol->n;
	spec->scenario = r->files[file];
	spec->defs = kv + r->pol->n;
	spec->ndefs = r->defs->n;
}

void cli_run_spec_free(struct cmp_spec *spec)
{
	free((char *)spec->label);
	free((struct smc_kv *)spec->kv);
	memset(spec, 0, sizeof(*spec));
}

void cli_run_specs_free(struct cmp_spec *specs, long n)
{
	long k;

	for (k = 0; specs && k < n; k++)
		cli_run_spec_free(&specs[k]);
	free(specs);
}

struct smc_script *cli_runs_scripts(const struct cli_runs *r)
{
	return xcalloc((size_t)r->nfiles * (size_t)r->ndef + 1, sizeof(struct smc_script));
}

void cli_runs_scripts_free(const struct cli_runs *r, struct smc_script *scripts)
{
	long k;

	for (k = 0; scripts && k < (long)r->nfiles * r->ndef; k++)
		if (scripts[k].lines)
			smc_script_free(&scripts[k]);
	free(scripts);
}
