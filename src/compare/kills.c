// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who was killed in a compare run, how, and at which statement: the kills
 * of the model's event log (smemcg_set_event_handler, as `run` prints them
 * under their statement), not guessed from counters or final states. An
 * OOM kill names the memcg that ran out; a SIGBUS the fault that could not
 * be charged; SMEMCG_EV_KILL is cgroup.kill unless the statement was
 * `kill`. At the end of the run they become the outcome's rows (one per
 * way of dying) and K records that `smemcg sweep` writes as JSON.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "smemcg.h"
#include "internal.h"

/* Names listed in one outcome cell before "... (N in all)". */
#define KILLS_LISTED 12

enum kill_how { KILL_OOM, KILL_SIGBUS, KILL_CGROUP, KILL_SIGNAL, NR_KILL_HOW };

static const char *const how_rows[NR_KILL_HOW] = {
	"OOM-killed", "SIGBUS", "cgroup.kill", "killed by a kill statement",
};
/* as JSON names them */
static const char *const how_names[NR_KILL_HOW] = {
	"oom_kill", "sigbus", "cgroup.kill", "kill",
};

void kills_observe(void *ctx, const struct smc_stmt *st, const struct smc_event *ev)
{
	struct child *c = ctx;
	const struct smc_stmt *act = st->op == SMC_EXPECT_ERROR && st->inner ? st->inner : st;
	struct kill *k;

	if (ev->type != SMEMCG_EV_OOM_KILL && ev->type != SMEMCG_EV_SIGBUS &&
	    ev->type != SMEMCG_EV_KILL)
		return;
	ALLOC_GROW(c->kills, c->nkills + 1, c->capkills);
	k = &c->kills[c->nkills++];
	memset(k, 0, sizeof(*k));
	k->how = ev->type == SMEMCG_EV_OOM_KILL ? KILL_OOM
		 : ev->type == SMEMCG_EV_SIGBUS ? KILL_SIGBUS
		 : act->op == SMC_KILL		 ? KILL_SIGNAL
						 : KILL_CGROUP;
	k->pid = ev->pid;
	k->sig = ev->sig;
	k->line = st->line;
	k->now_ns = ev->now_ns;
	k->cgroup = xstrdup(ev->cgroup ? ev->cgroup : "");
	k->text = xstrdup(ev->text ? ev->text : "");
}

/* The name the scenario gave pid (its comm), from the task list. */
static const char *comm_of(char **tasks, int n, int pid, char *buf, size_t len)
{
	int i;

	for (i = 0; i < n; i++) {
		int p;

		if (sscanf(tasks[i], "%d %255s", &p, buf) == 2 && p == pid)
			return buf;
	}
	snprintf(buf, len, "pid %d", pid);
	return buf;
}

/*
 * One outcome row: "a, b at line 31 (/pod/app), c at line 40", the kills
 * of one line (and, for OOM, one memcg) together.
 */
static void kill_row(struct child *c, enum kill_how how, char **names)
{
	int *idx = xcalloc((size_t)c->nkills + 1, sizeof(*idx));
	int i, j, n = 0;
	struct strbuf v;

	for (i = 0; i < c->nkills; i++)
		if (c->kills[i].how == (int)how)
			idx[n++] = i;
	sb_init(&v);
	for (j = 0; j < n && j < KILLS_LISTED; j++) {
		const struct kill *k = &c->kills[idx[j]];
		const struct kill *nx = j + 1 < n ? &c->kills[idx[j + 1]] : NULL;

		sb_puts(&v, names[idx[j]]);
		if (how == KILL_SIGNAL)
			sb_printf(&v, " %s", smc_signal_name(k->sig) ? smc_signal_name(k->sig) : "?");
		if (nx && j + 1 < KILLS_LISTED && nx->line == k->line &&
		    (how != KILL_OOM || !strcmp(nx->cgroup, k->cgroup))) {
			sb_puts(&v, ", ");
			continue;
		}
		sb_printf(&v, " at line %d", k->line);
		if (how == KILL_OOM && *k->cgroup)
			sb_printf(&v, " (%s)", k->cgroup);
		if (j + 1 < n && j + 1 < KILLS_LISTED)
			sb_puts(&v, "; ");
	}
	if (n > KILLS_LISTED)
		sb_printf(&v, "; ... (%d in all)", n);
	emit(c, CMP_OUTCOME, "", how_rows[how], CMP_TEXT, v.len ? v.buf : "none");
	sb_free(&v);
	free(idx);
}

void kills_emit(struct child *c, smemcg_machine *m)
{
	char *list = NULL, **tasks = NULL, **names;
	int ntasks = 0, i, h;

	if (m && !smemcg_list_tasks(&list, m))
		tasks = split_lines(list, &ntasks);
	names = xcalloc((size_t)c->nkills + 1, sizeof(*names));
	for (i = 0; i < c->nkills; i++) {
		char buf[256];

		names[i] = xstrdup(comm_of(tasks, ntasks, c->kills[i].pid, buf, sizeof(buf)));
	}
	for (h = 0; h < NR_KILL_HOW; h++)
		kill_row(c, (enum kill_how)h, names);
	for (i = 0; i < c->nkills; i++) {
		const struct kill *k = &c->kills[i];

		/* K how pid name line ns cgroup text: the sweep's JSON */
		fprintf(c->out, "K\t%s\t%d\t", how_names[k->how], k->pid);
		put_field(c->out, names[i]);
		fprintf(c->out, "\t%d\t%" PRIu64 "\t", k->line, k->now_ns);
		put_field(c->out, k->cgroup);
		fputc('\t', c->out);
		put_field(c->out, k->text);
		fputc('\n', c->out);
		free(names[i]);
		free(k->cgroup);
		free(k->text);
	}
	free(names);
	free(c->kills);
	free(tasks);
	free(list);
}
