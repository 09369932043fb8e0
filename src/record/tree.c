// SPDX-License-Identifier: GPL-2.0-only
/*
 * The model's cgroup tree as the recording goes. The host's tree (v1's
 * memory hierarchy or v2) is rebuilt as cgroup v2, where a cgroup with
 * the memory controller enabled for its children cannot hold processes
 * itself (the "no internal processes" rule): the first time a cgroup gets
 * a child, its processes move to a leaf, CG/record-tasks, and every
 * process of that cgroup runs there from then on. Its hierarchical
 * counters are unchanged; only the leaf's are local to it.
 *
 * A cgroup that owns pages but runs none of the recorded processes gets a
 * placeholder process, rec_cgN, to touch them. A cgroup removed on the
 * host is removed in the model once its processes are gone; its pages
 * stay charged to it, dying, as in the kernel.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "record.h"

bool rec_tree_under(const struct recorder *r, int a, int b)
{
	while (a >= 0) {
		if (a == b)
			return true;
		a = r->cgs[a].parent;
	}
	return false;
}

static void holder_name(const struct recorder *r, int cg, char *buf, size_t len)
{
	if (cg == r->root)
		snprintf(buf, len, "rec_root");
	else
		snprintf(buf, len, "rec_cg%d", cg);
}

static bool populated(const struct recorder *r, int cg)
{
	size_t i;

	if (r->cgs[cg].holder)
		return true;
	for (i = 0; i < r->nproc; i++)
		if (r->procs[i].cg == cg)
			return true;
	return false;
}

/* The first child of cg: from now on its processes run in its leaf. */
static void make_inner(struct recorder *r, int cg)
{
	struct rec_cgroup *c = &r->cgs[cg];
	struct strbuf sb;
	size_t i;

	if (c->inner)
		return;
	c->inner = true;
	if (cg == r->root)
		return;		/* the root may hold processes and children */
	sb_init(&sb);
	sb_printf(&sb, "%s/%s", c->model, REC_TASKS_LEAF);
	if (populated(r, cg)) {
		rec_emit(r, "mkdir %s   # %s gets a child: its processes move here (no internal processes in v2)\n",
			 sb.buf, c->model);
		c->leaf_made = true;
		for (i = 0; i < r->nproc; i++)
			if (r->procs[i].cg == cg)
				rec_emit(r, "move %s %s\n", r->procs[i].name, sb.buf);
		if (c->holder) {
			char who[32];

			holder_name(r, cg, who, sizeof(who));
			rec_emit(r, "move %s %s\n", who, sb.buf);
		}
	}
	free(c->tasks);
	c->tasks = sb_detach(&sb);
	rec_emit(r, "write %s/cgroup.subtree_control +memory\n", c->model);
}

void rec_tree_make(struct recorder *r, int cg)
{
	struct rec_cgroup *c = &r->cgs[cg];

	if (c->in_model)
		return;
	rec_tree_make(r, c->parent);
	make_inner(r, c->parent);
	c = &r->cgs[cg];
	if (strcmp(c->model, c->path))
		rec_emit(r, "mkdir %s   # host %s\n", c->model, c->path);
	else
		rec_emit(r, "mkdir %s\n", c->model);
	c->in_model = true;
}

const char *rec_tree_tasks(struct recorder *r, int cg)
{
	struct rec_cgroup *c;

	rec_tree_make(r, cg);
	c = &r->cgs[cg];
	if (c->inner && cg != r->root && !c->leaf_made) {
		rec_emit(r, "mkdir %s\n", c->tasks);
		c->leaf_made = true;
	}
	return c->tasks;
}

int rec_tree_live(struct recorder *r, int cg)
{
	while (r->cgs[cg].removed)
		cg = r->cgs[cg].parent;
	return cg;
}

const char *rec_tree_actor(struct recorder *r, int cg)
{
	static char buf[40];
	size_t i;

	cg = rec_tree_live(r, cg);
	for (i = 0; i < r->nproc; i++)
		if (r->procs[i].cg == cg && r->procs[i].sidx >= 0)
			return r->procs[i].name;
	holder_name(r, cg, buf, sizeof(buf));
	if (!r->cgs[cg].holder && cg != r->root) {
		const char *tasks = rec_tree_tasks(r, cg);

		rec_emit(r, "spawn %s %s   # placeholder: %s owns pages, none of the recorded processes runs there\n",
			 buf, tasks, r->cgs[cg].path);
		r->cgs[cg].holder = true;
	}
	return buf;
}

void rec_tree_remove(struct recorder *r, int cg)
{
	struct rec_cgroup *c = &r->cgs[cg];
	size_t i;

	if (!c->in_model || c->removed || cg == r->root)
		return;
	for (i = 0; i < r->ncg; i++)
		if (r->cgs[i].parent == cg)
			rec_tree_remove(r, (int)i);
	c = &r->cgs[cg];
	for (i = 0; i < r->nproc; i++)
		if (r->procs[i].cg == cg) {
			/* it left between two samples without our seeing where */
			r->procs[i].cg = c->parent;
			rec_emit(r, "move %s %s   # its cgroup was removed\n", r->procs[i].name,
				 rec_tree_tasks(r, c->parent));
			c = &r->cgs[cg];
		}
	if (c->holder) {
		char who[32];

		holder_name(r, cg, who, sizeof(who));
		rec_emit(r, "exit %s\n", who);
		c->holder = false;
	}
	if (c->leaf_made)
		rec_emit(r, "rmdir %s\n", c->tasks);
	rec_emit(r, "rmdir %s%s\n", c->model,
		 c->bytes[0] || c->bytes[1] || c->bytes[2] ? "   # its pages stay charged to it: a dying memcg" : "");
	c->removed = true;
}

void rec_tree_limits(struct recorder *r)
{
	size_t i;
	int k;

	for (i = 0; i < r->ncg; i++) {
		struct rec_cgroup *c = &r->cgs[i];

		if ((int)i == r->root || !c->in_model || c->removed)
			continue;
		for (k = 0; k < REC_NLIMITS; k++) {
			const char *now = c->host_limit[k];
			const char *was = c->limit[k] ? c->limit[k] : rec_limit_default[k];

			if (!now || !strcmp(now, was))
				continue;
			rec_emit(r, "write %s/%s %s\n", c->model, rec_limit_file[k], now);
			free(c->limit[k]);
			c->limit[k] = xstrdup(now);
		}
	}
}

/* What the expects of a sample say: the same twice means nothing changed. */
static uint64_t expects_sig(const struct recorder *r)
{
	uint64_t h = 0;
	size_t i;
	int k;

	for (i = 0; i < r->ncg; i++) {
		const struct rec_cgroup *c = &r->cgs[i];

		if ((int)i == r->root || !c->in_model || c->removed)
			continue;
		h = hash64(h ^ i);
		for (k = 0; k < 3; k++)
			h = hash64(h ^ c->sum[k]) ^ hash64(c->has_host ? c->host[k] + 1 : 0);
	}
	return h;
}

static void expect_stat(struct recorder *r, const char *model, const uint64_t *sum)
{
	rec_emit(r, "expect %s/memory.stat anon ~ %llu %d%%\n", model,
		 (unsigned long long)sum[SNAP_PAGE_ANON], REC_TOLERANCE_PCT);
	rec_emit(r, "expect %s/memory.stat file ~ %llu %d%%\n", model,
		 (unsigned long long)(sum[SNAP_PAGE_FILE] + sum[SNAP_PAGE_SHMEM]), REC_TOLERANCE_PCT);
	rec_emit(r, "expect %s/memory.stat shmem ~ %llu %d%%\n", model,
		 (unsigned long long)sum[SNAP_PAGE_SHMEM], REC_TOLERANCE_PCT);
}

void rec_tree_expects(struct recorder *r, bool changed)
{
	size_t i;
	int k;
	bool any_host = false, any_cgroup = false;
	uint64_t sig;

	for (i = 0; i < r->ncg; i++)
		memcpy(r->cgs[i].sum, r->cgs[i].bytes, sizeof(r->cgs[i].sum));
	/* a parent's index is below its children's */
	for (i = r->ncg; i-- > 1;)
		if (r->cgs[i].parent >= 0)
			for (k = 0; k < 3; k++)
				r->cgs[r->cgs[i].parent].sum[k] += r->cgs[i].sum[k];
	sig = expects_sig(r);
	if (!changed && r->expects_emitted && sig == r->expects_sig) {
		/* an idle hour is not 7,200 copies of the same expects */
		rec_emit(r, "# no change: the charges of sample %llu\n",
			 (unsigned long long)r->expects_sample);
		r->expects_pending = true;
		return;
	}
	r->expects_sig = sig;
	r->expects_emitted = true;
	r->expects_pending = false;
	r->expects_sample = r->st.samples;
	for (i = 0; i < r->ncg; i++) {
		const struct rec_cgroup *c = &r->cgs[i];

		if ((int)i == r->root || !c->in_model || c->removed || !c->has_host)
			continue;
		if (!any_host)
			rec_emit(r, "# the host's own memory.stat (all its memory, recorded or not): anon file shmem\n");
		any_host = true;
		rec_emit(r, "#   %s %llu %llu %llu\n", c->path, (unsigned long long)c->host[0],
			 (unsigned long long)c->host[1], (unsigned long long)c->host[2]);
	}
	for (i = 0; i < r->ncg; i++) {
		const struct rec_cgroup *c = &r->cgs[i];

		if ((int)i == r->root || !c->in_model || c->removed)
			continue;
		expect_stat(r, c->model, c->sum);
		any_cgroup = true;
	}
	/* every process in the root (no memory hierarchy): the root holds it all */
	if (!any_cgroup)
		expect_stat(r, "", r->cgs[r->root].sum);
}
