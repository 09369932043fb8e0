// SPDX-License-Identifier: GPL-2.0-only
/*
 * The values options take, parsed one way in every command (opt.h):
 * --jobs N, --timeout SEC, --kernel, --policy KEY=VALUE and --define
 * NAME=VALUE (run, shell: one value per key), --policy KEY=V1,V2 and
 * --define NAME=V1,V2 (compare, sweep, report: the values to compare).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smemcg.h"
#include "cli.h"
#include "oracle_host.h"

/* A decimal integer in lo..hi, nothing else (no sign, no blanks, no suffix). */
static bool int_in(long *out, const char *s, long lo, long hi)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || errno || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

int cli_parse_jobs(void *value, const char *arg, struct strbuf *err)
{
	long v;

	if (!int_in(&v, arg, 1, CLI_MAX_JOBS)) {
		sb_printf(err, "takes a number of runs at once from 1 to %d, not \"%s\"",
			  CLI_MAX_JOBS, arg);
		return -1;
	}
	*(int *)value = (int)v;
	return 0;
}

int cli_parse_seconds(void *value, const char *arg, struct strbuf *err)
{
	long v;

	if (!int_in(&v, arg, 1, INT_MAX)) {
		sb_printf(err, "takes a number of seconds (1 or more), not \"%s\"", arg);
		return -1;
	}
	*(int *)value = (int)v;
	return 0;
}

int cli_parse_events(void *value, const char *arg, struct strbuf *err)
{
	struct cli_events *ev = value;
	char *copy, *tok, *save = NULL;
	unsigned mask = 0;
	int t;

	ev->given = true;
	if (!strcmp(arg, "none") || !strcmp(arg, "kills") || !strcmp(arg, "all")) {
		ev->mask = !strcmp(arg, "none") ? 0
			   : !strcmp(arg, "kills") ? SMEMCG_EV_MASK_KILLS : SMEMCG_EV_MASK_ALL;
		return 0;
	}
	copy = xstrdup(arg);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "kills") || !strcmp(tok, "all")) {
			mask |= !strcmp(tok, "kills") ? SMEMCG_EV_MASK_KILLS : SMEMCG_EV_MASK_ALL;
			continue;
		}
		for (t = 0; t < SMEMCG_NR_EVENT_TYPES; t++)
			if (!strcmp(tok, smemcg_event_type_name((enum smemcg_event_type)t)))
				break;
		if (t == SMEMCG_NR_EVENT_TYPES) {
			sb_printf(err, "takes none, kills, all or a comma list of event types, "
				  "not \"%s\" (types: ", tok);
			for (t = 0; t < SMEMCG_NR_EVENT_TYPES; t++)
				sb_printf(err, "%s%s", t ? ", " : "",
					  smemcg_event_type_name((enum smemcg_event_type)t));
			sb_puts(err, ")");
			free(copy);
			return -1;
		}
		mask |= SMEMCG_EV_BIT(t);
	}
	free(copy);
	if (!mask) {
		sb_printf(err, "takes none, kills, all or a comma list of event types, not \"%s\"",
			  arg);
		return -1;
	}
	ev->mask = mask;
	return 0;
}

int cli_events_open(struct smc_run_opts *ro, FILE **fp, const struct cli_events *ev,
		    const char *cmd)
{
	ro->events_show = ev->given ? ev->mask : SMEMCG_EV_MASK_KILLS;
	*fp = NULL;
	if (ev->json) {
		*fp = fopen(ev->json, "w");
		if (!*fp) {
			fprintf(stderr, "smemcg %s: cannot create %s: %s\n", cmd, ev->json,
				strerror(errno));
			return CLI_EXIT_HOST;
		}
	}
	ro->events_json = *fp;
	return CLI_EXIT_OK;
}

int cli_parse_kernel(void *value, const char *arg, struct strbuf *err)
{
	int i;

	for (i = 0; oracle_kernels[i]; i++)
		if (!strcmp(arg, oracle_kernels[i])) {
			*(const char **)value = arg;
			return 0;
		}
	sb_printf(err, "takes a kernel the oracle boots, 6.1 or 6.12 (oracle/kernels), not \"%s\"",
		  arg);
	return -1;
}

int cli_parse_nonempty(void *value, const char *arg, struct strbuf *err)
{
	if (!*arg) {
		sb_puts(err, "needs a name, not an empty string");
		return -1;
	}
	*(const char **)value = arg;
	return 0;
}

int cli_parse_pids(void *value, const char *arg, struct strbuf *err)
{
	struct cli_pids *p = value;
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end || errno || v <= 0 || v > INT_MAX) {
		sb_printf(err, "takes process ids, not \"%s\"", arg);
		return -1;
	}
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	p->v[p->n++] = (int)v;
	return 0;
}

static void pids_free(struct cli_pids *p)
{
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

int cli_parse_cgroups(void *value, const char *arg, struct strbuf *err)
{
	if (!*arg) {
		sb_printf(err, "takes cgroup paths, not an empty one");
		return -1;
	}
	return cli_args_add(value, arg, err);
}

/* "KEY=REST": the key's length, or 0 with a message when there is no KEY= or no REST. */
static size_t key_len(const char *arg, const char *what, struct strbuf *err)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1]) {
		sb_printf(err, "takes %s, not \"%s\"", what, arg);
		return 0;
	}
	return (size_t)(eq - arg);
}

/* Whether KEY=VALUE may be given: a policy's, or a scenario parameter's. */
typedef int (*check_fn)(char *msg, size_t len, const char *key, const char *value);

static int check_value(check_fn check, const char *key, const char *value, struct strbuf *err)
{
	char msg[256];

	if (check(msg, sizeof(msg), key, value)) {
		if (check == smemcg_policy_check)
			sb_printf(err, "%s=%s: %s", key, value, msg);
		else
			sb_puts(err, msg);
		return -1;
	}
	return 0;
}

/* KEY=VALUE into l, each key once. */
static int parse_kv(struct cli_policy_list *l, const char *arg, check_fn check,
		    struct strbuf *err)
{
	size_t n = key_len(arg, "KEY=VALUE", err);
	char *key;
	int i;

	if (!n)
		return -1;
	key = xstrndup(arg, n);
	for (i = 0; i < l->n; i++)
		if (!strcmp(l->kv[i].key, key)) {
			sb_printf(err, "%s is given twice (%s, then %s): set each key once",
				  key, l->kv[i].value, arg + n + 1);
			free(key);
			return -1;
		}
	if (check_value(check, key, arg + n + 1, err)) {
		free(key);
		return -1;
	}
	l->kv = xrealloc(l->kv, (size_t)(l->n + 1) * sizeof(*l->kv));
	l->kv[l->n].key = key;
	l->kv[l->n].value = xstrdup(arg + n + 1);
	l->n++;
	return 0;
}

int cli_parse_policy(void *value, const char *arg, struct strbuf *err)
{
	return parse_kv(value, arg, smemcg_policy_check, err);
}

int cli_parse_define(void *value, const char *arg, struct strbuf *err)
{
	return parse_kv(value, arg, smc_define_check, err);
}

static void policy_list_free(struct cli_policy_list *l)
{
	int i;

	for (i = 0; i < l->n; i++) {
		free((char *)l->kv[i].key);
		free((char *)l->kv[i].value);
	}
	free(l->kv);
	l->kv = NULL;
	l->n = 0;
}

/* KEY=V1,V2,... into ax: a key given again adds its values. */
static int parse_axis(struct cli_policy_axes *ax, const char *arg, check_fn check,
		      struct strbuf *err)
{
	size_t n = key_len(arg, "KEY=V1,V2,...", err);
	struct cli_axis *a = NULL;
	const char *p;
	int i, k;

	if (!n)
		return -1;
	for (i = 0; i < ax->n; i++)
		if (strlen(ax->k[i].key) == n && !strncmp(ax->k[i].key, arg, n))
			a = &ax->k[i];
	if (!a) {
		ax->k = xrealloc(ax->k, (size_t)(ax->n + 1) * sizeof(*ax->k));
		a = &ax->k[ax->n++];
		a->key = xstrndup(arg, n);
		a->v = NULL;
		a->n = 0;
	}
	for (p = arg + n + 1;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char *v = xstrndup(p, len);

		if (!len) {
			sb_printf(err, "%s: an empty value", arg);
			free(v);
			return -1;
		}
		if (check_value(check, a->key, v, err)) {
			free(v);
			return -1;
		}
		for (k = 0; k < a->n; k++)
			if (!strcmp(a->v[k], v)) {
				sb_printf(err, "%s: %s is listed twice", a->key, v);
				free(v);
				return -1;
			}
		a->v = xrealloc(a->v, (size_t)(a->n + 1) * sizeof(*a->v));
		a->v[a->n++] = v;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int cli_parse_policy_axis(void *value, const char *arg, struct strbuf *err)
{
	return parse_axis(value, arg, smemcg_policy_check, err);
}

int cli_parse_define_axis(void *value, const char *arg, struct strbuf *err)
{
	return parse_axis(value, arg, smc_define_check, err);
}

void cli_policy_axes_free(struct cli_policy_axes *ax)
{
	int i, k;

	for (i = 0; i < ax->n; i++) {
		for (k = 0; k < ax->k[i].n; k++)
			free(ax->k[i].v[k]);
		free(ax->k[i].v);
		free(ax->k[i].key);
	}
	free(ax->k);
	ax->k = NULL;
	ax->n = 0;
}

long cli_policy_sets(const struct cli_policy_axes *ax, long max)
{
	long n = 1;
	int i;

	for (i = 0; i < ax->n; i++) {
		n *= ax->k[i].n;
		if (n > max)
			return max + 1;
	}
	return n;
}

void cli_policy_set(struct smc_kv *kv, const struct cli_policy_axes *ax, long set)
{
	int i;

	/* the last key varies fastest */
	for (i = ax->n - 1; i >= 0; i--) {
		kv[i].key = ax->k[i].key;
		kv[i].value = ax->k[i].v[set % ax->k[i].n];
		set /= ax->k[i].n;
	}
}

void cli_opt_free(const struct cli_command *cmd)
{
	const struct cli_opt_spec *s;

	for (s = cmd->opts; s->type != CLI_OPT_END; s++)
		if (s->parse == cli_args_add || s->parse == cli_parse_cgroups)
			cli_args_free(s->value);
		else if (s->parse == cli_parse_pids)
			pids_free(s->value);
		else if (s->parse == cli_parse_policy || s->parse == cli_parse_define)
			policy_list_free(s->value);
		else if (s->parse == cli_parse_policy_axis || s->parse == cli_parse_define_axis)
			cli_policy_axes_free(s->value);
}
