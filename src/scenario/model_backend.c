/*
 * Scenario statements on the model: one public-API call each.
 */
#include "model_backend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/strmap.h"

struct model_backend {
	struct smemcg_config cfg;
	smemcg_machine *m;
	struct smc_kv *policies;	/* from the script, then overrides */
	int npolicies;
	struct strmap procs;		/* name -> pid */
	bool check;			/* run the invariant checker after each statement */
};

struct model_backend *model_backend_new(const struct smc_kv *overrides, int n,
					bool check)
{
	struct model_backend *mb = xcalloc(1, sizeof(*mb));
	int i;

	smemcg_config_init(&mb->cfg);
	strmap_init(&mb->procs);
	mb->check = check;
	mb->policies = xcalloc((size_t)n + 1, sizeof(*mb->policies));
	for (i = 0; i < n; i++) {
		mb->policies[i].key = xstrdup(overrides[i].key);
		mb->policies[i].value = xstrdup(overrides[i].value);
	}
	mb->npolicies = n;
	return mb;
}

void model_backend_free(struct model_backend *mb)
{
	int i;

	if (!mb)
		return;
	smemcg_machine_free(mb->m);
	for (i = 0; i < mb->npolicies; i++) {
		free((char *)mb->policies[i].key);
		free((char *)mb->policies[i].value);
	}
	free(mb->policies);
	strmap_free(&mb->procs);
	free(mb);
}

smemcg_machine *model_backend_machine(struct model_backend *mb)
{
	return mb->m;
}

static int report(struct model_backend *mb, int rc, struct strbuf *msg)
{
	if (rc < 0 && msg && !msg->len)
		sb_puts(msg, smemcg_last_error(mb->m));
	return rc;
}

static int proc_pid(struct model_backend *mb, const char *name, int *pid,
		    struct strbuf *msg)
{
	int64_t v;

	if (!strmap_get(&mb->procs, name, &v)) {
		sb_printf(msg, "no process named %s", name);
		return -ESRCH;
	}
	*pid = (int)v;
	return 0;
}

static int mb_start(void *ctx, struct strbuf *msg)
{
	struct model_backend *mb = ctx;
	int i, rc;

	rc = smemcg_machine_new(&mb->m, &mb->cfg);
	if (rc) {
		sb_printf(msg, "machine memory=%llu swap=%llu cpus=%d is outside the model's limits",
			  (unsigned long long)mb->cfg.memory_bytes,
			  (unsigned long long)mb->cfg.swap_bytes, mb->cfg.cpus);
		return rc;
	}
	for (i = 0; i < mb->npolicies; i++) {
		rc = smemcg_policy_set(mb->m, mb->policies[i].key, mb->policies[i].value);
		if (rc) {
			sb_puts(msg, smemcg_last_error(mb->m));
			return rc;
		}
	}
	return 0;
}

static void add_policy(struct model_backend *mb, const char *key, const char *value)
{
	int i;

	/* Command-line overrides (already in the list) win over the script. */
	for (i = 0; i < mb->npolicies; i++)
		if (!strcmp(mb->policies[i].key, key))
			return;
	mb->policies = xrealloc(mb->policies, (size_t)(mb->npolicies + 1) * sizeof(*mb->policies));
	mb->policies[mb->npolicies].key = xstrdup(key);
	mb->policies[mb->npolicies].value = xstrdup(value);
	mb->npolicies++;
}

static int exec_process(struct model_backend *mb, const struct smc_stmt *st,
			struct strbuf *msg)
{
	int pid = 0, child, rc;
	int64_t existing;

	if (st->op != SMC_SPAWN) {
		rc = proc_pid(mb, st->proc, &pid, msg);
		if (rc)
			return rc;
	}
	switch (st->op) {
	case SMC_SPAWN:
	case SMC_FORK:
	case SMC_CLONE_VM: {
		const char *name = st->op == SMC_SPAWN ? st->proc : st->name;

		if (strmap_get(&mb->procs, name, &existing)) {
			enum smemcg_task_state s;
			int sig;

			if (!smemcg_task_state(&s, &sig, mb->m, (int)existing) &&
			    s == SMEMCG_TASK_ALIVE) {
				sb_printf(msg, "a process named %s is already running", name);
				return -EEXIST;
			}
		}
		if (st->op == SMC_SPAWN)
			rc = smemcg_spawn(&child, mb->m, name, st->path, st->cpu);
		else
			rc = smemcg_fork(&child, mb->m, pid, name, st->cpu,
					 st->op == SMC_CLONE_VM);
		if (!rc)
			strmap_set(&mb->procs, name, child);
		return report(mb, rc, msg);
	}
	case SMC_MOVE:
		return report(mb, smemcg_move(mb->m, pid, st->path), msg);
	case SMC_EXIT:
		return report(mb, smemcg_exit(mb->m, pid), msg);
	case SMC_KILL:
		return report(mb, smemcg_kill(mb->m, pid, st->signal), msg);
	case SMC_OOM_SCORE_ADJ:
		return report(mb, smemcg_set_oom_score_adj(mb->m, pid, (int)st->num), msg);
	default:
		sb_printf(msg, "%s", smc_op_name(st->op));
		return SMC_NOTSUP;
	}
}

static int mb_exec(void *ctx, const struct smc_stmt *st, struct strbuf *msg)
{
	struct model_backend *mb = ctx;
	int i, rc;

	switch (st->op) {
	case SMC_MACHINE:
		if (st->flags & SMC_F_SIZE)
			mb->cfg.memory_bytes = st->size;
		if (st->flags & SMC_F_SWAP)
			mb->cfg.swap_bytes = st->swap;
		if (st->flags & SMC_F_CPUS)
			mb->cfg.cpus = (int)st->num;
		return 0;
	case SMC_CGROUP_OPTIONS:
		mb->cfg.options |= st->cgopts;
		return 0;
	case SMC_POLICY:
		for (i = 0; i < st->nkv; i++)
			add_policy(mb, st->kv[i].key, st->kv[i].value);
		return 0;
	case SMC_MKDIR:
		rc = report(mb, smemcg_cgroup_mkdir(mb->m, st->path), msg);
		break;
	case SMC_RMDIR:
		rc = report(mb, smemcg_cgroup_rmdir(mb->m, st->path), msg);
		break;
	case SMC_WRITE:
		rc = report(mb, smemcg_file_write(mb->m, st->path, st->text), msg);
		break;
	case SMC_SLEEP:
		rc = report(mb, smemcg_sleep(mb->m, st->ns), msg);
		break;
	case SMC_SPAWN: case SMC_FORK: case SMC_CLONE_VM: case SMC_MOVE: case SMC_EXIT:
	case SMC_KILL: case SMC_OOM_SCORE_ADJ:
		rc = exec_process(mb, st, msg);
		break;
	default: {
		struct strbuf t;

		sb_init(&t);
		smc_line_text(&t, st->src);
		sb_puts(msg, t.buf);
		sb_free(&t);
		return SMC_NOTSUP;
	}
	}
	if (!rc && mb->check && smemcg_check(mb->m)) {
		sb_printf(msg, "invariant broken: %s", smemcg_last_error(mb->m));
		return -EUCLEAN;
	}
	return rc;
}

static int mb_read(void *ctx, const char *path, struct strbuf *out, struct strbuf *msg)
{
	struct model_backend *mb = ctx;
	char *content;
	int rc = smemcg_file_read(&content, mb->m, path);

	if (rc)
		return report(mb, rc, msg);
	sb_puts(out, content);
	free(content);
	return 0;
}

static int mb_proc_state(void *ctx, const char *proc, enum smc_proc_state *state,
			 int *sig, struct strbuf *msg)
{
	struct model_backend *mb = ctx;
	enum smemcg_task_state s;
	int pid, rc = proc_pid(mb, proc, &pid, msg);

	if (rc)
		return rc;
	rc = smemcg_task_state(&s, sig, mb->m, pid);
	if (rc)
		return report(mb, rc, msg);
	*state = s == SMEMCG_TASK_ALIVE ? SMC_ALIVE
		 : s == SMEMCG_TASK_EXITED ? SMC_EXITED : SMC_KILLED;
	return 0;
}

void model_backend_ops(struct smc_backend *be, struct model_backend *mb)
{
	be->ctx = mb;
	be->exec = mb_exec;
	be->read = mb_read;
	be->proc_state = mb_proc_state;
	be->start = mb_start;
}
