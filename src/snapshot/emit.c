// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scenario text of a snapshot: a header with where it came from and
 * what the kernel charged, the machine, the cgroup tree, the processes and
 * placeholders, their mappings, the first touches in the owners' cgroups,
 * the mappers' touches, and one expect per cgroup and counter checking
 * that the model charges what the kernel did.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "snapshot.h"

#define TASKS_LEAF "snapshot-tasks"
#define TOLERANCE_PCT 5

void snap_size_str(char *buf, size_t len, uint64_t b)
{
	static const char sfx[] = "TGMK";
	int i;

	for (i = 0; i < 4; i++) {
		uint64_t unit = 1ULL << (10 * (4 - i));

		if (b && b % unit == 0) {
			snprintf(buf, len, "%llu%c", (unsigned long long)(b / unit), sfx[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)b);
}

static const char *sz(char *buf, uint64_t b)
{
	snap_size_str(buf, 32, b);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every cgroup of the scenario and its ancestors, sorted, without duplicates. */
struct tree {
	char **path;
	size_t n;
};

static void tree_add(struct tree *t, const char *path)
{
	char *p = xstrdup(path), *slash;

	while (strcmp(p, "/") && *p) {
		t->path = xrealloc(t->path, (t->n + 1) * sizeof(*t->path));
		t->path[t->n++] = xstrdup(p);
		slash = strrchr(p, '/');
		if (slash == p)
			break;
		*slash = '\0';
	}
	free(p);
}

static void tree_sort(struct tree *t)
{
	size_t i, o = 0;

	if (!t->n)
		return;
	qsort(t->path, t->n, sizeof(*t->path), cmp_str);
	for (i = 0; i < t->n; i++) {
		if (o && !strcmp(t->path[o - 1], t->path[i])) {
			free(t->path[i]);
			continue;
		}
		t->path[o++] = t->path[i];
	}
	t->n = o;
}

static bool tree_has_child(const struct tree *t, const char *p)
{
	size_t i, n = strlen(p);

	for (i = 0; i < t->n; i++)
		if (!strncmp(t->path[i], p, n) && t->path[i][n] == '/')
			return true;
	return false;
}

static void tree_free(struct tree *t)
{
	free_strings(t->path, t->n);
}

/* Is a the cgroup b or one of its descendants? */
static bool under(const char *a, const char *b)
{
	size_t n = strlen(b);

	if (!strcmp(b, "/"))
		return true;
	return !strncmp(a, b, n) && (a[n] == '/' || !a[n]);
}

static void actor_name(const struct snapshot *s, int actor, char *buf, size_t len)
{
	size_t cg;

	if (actor < (int)s->nproc) {
		snprintf(buf, len, "p%d", s->procs[actor].pid);
		return;
	}
	cg = (size_t)actor - s->nproc;
	if (!strcmp(s->cgroups[cg].model, "/"))
		snprintf(buf, len, "snap_root");
	else
		snprintf(buf, len, "memcg%zu", cg);
}

static const char *actor_tasks(const struct snapshot *s, int actor)
{
	if (actor < (int)s->nproc)
		return s->cgroups[s->procs[actor].cg].tasks;
	return s->cgroups[(size_t)actor - s->nproc].tasks;
}

static void header(struct snapshot *s, FILE *f, size_t nmaps, size_t nruns)
{
	char a[32], b[32];
	size_t i, width;

	fprintf(f, "# smemcg snapshot of pid");
	if (s->nproc > 1)
		fprintf(f, "s");
	for (i = 0; i < s->nproc; i++)
		fprintf(f, " %d (%s)", s->procs[i].pid, s->procs[i].comm);
	fprintf(f, "\n# taken %s on Linux %s (%s) by `smemcg snapshot`\n", s->host.date,
		s->host.release, s->host.machine);
	snap_header_hierarchy(&s->mnt, f);
	if (s->owners)
		fprintf(f, "# page owners: /proc/kpagecgroup\n");
	else
		fprintf(f, "# page owners: NOT READ (--no-owners): every page is assumed charged to the\n"
			   "#   cgroup of the first given process that maps it; the expects below check\n"
			   "#   that assumption, not the kernel\n");
	snap_header_flags(s->flags, f);
	if (!s->pfns)
		fprintf(f, "# page frames: not readable (not root): anonymous pages shared after fork\n"
			   "#   cannot be recognised and are charged once per process\n");
	fprintf(f, "# present: %zu pages (%s) of %zu mapped (%s) in %zu mappings, as %zu ranges",
		(size_t)s->st.distinct, sz(a, s->st.distinct * SNAP_PAGE_SIZE), s->npage,
		sz(b, s->npage * SNAP_PAGE_SIZE), nmaps, nruns);
	if (s->st.cow_shared)
		fprintf(f, "; %llu anonymous pages seen again in another process (copy-on-write after fork) are touched once",
			(unsigned long long)s->st.cow_shared);
	fprintf(f, "\n# not captured: %llu swapped-out pages, %llu zero-page mappings, %llu hugetlb pages,\n"
		   "#   %llu pages of kernel or device mappings, and all kernel memory (docs/snapshot.md)\n",
		(unsigned long long)s->st.swapped, (unsigned long long)s->st.zero,
		(unsigned long long)s->st.hugetlb, (unsigned long long)s->st.skipped_vma_pages);
	width = 5;
	for (i = 0; i < s->ncg; i++)
		width = MAX(width, strlen(s->cgroups[i].path));
	width = MIN(width, 100);
	if (s->owners)
		fprintf(f, "#\n# bytes the kernel charged for these pages, by owning memcg (local, not\n"
			   "# hierarchical; file includes shmem, as in memory.stat):\n");
	else
		fprintf(f, "#\n# bytes charged for these pages under that assumption, by memcg (local, not\n"
			   "# hierarchical; file includes shmem, as in memory.stat):\n");
	fprintf(f, "#   %-*s %11s %11s %11s %11s\n", (int)width, "memcg", "anon", "file", "shmem",
		"total");
	for (i = 0; i < s->ncg; i++) {
		const struct snap_cgroup *cg = &s->cgroups[i];
		uint64_t file = cg->bytes[SNAP_PAGE_FILE] + cg->bytes[SNAP_PAGE_SHMEM];

		if (!cg->bytes[0] && !file && !cg->has_proc)
			continue;
		fprintf(f, "#   %-*s %11llu %11llu %11llu %11llu\n", (int)width, cg->path,
			(unsigned long long)cg->bytes[SNAP_PAGE_ANON], (unsigned long long)file,
			(unsigned long long)cg->bytes[SNAP_PAGE_SHMEM],
			(unsigned long long)(cg->bytes[SNAP_PAGE_ANON] + file));
		if (strcmp(cg->path, cg->model))
			fprintf(f, "#     (in the scenario: %s)\n", cg->model);
	}
	if (s->none_bytes[0] || s->none_bytes[1] || s->none_bytes[2]) {
		uint64_t file = s->none_bytes[SNAP_PAGE_FILE] + s->none_bytes[SNAP_PAGE_SHMEM];

		fprintf(f, "#   %-*s %11llu %11llu %11llu %11llu\n", (int)width, "(no memcg)",
			(unsigned long long)s->none_bytes[0], (unsigned long long)file,
			(unsigned long long)s->none_bytes[SNAP_PAGE_SHMEM],
			(unsigned long long)(s->none_bytes[0] + file));
		fprintf(f, "#     (the model charges these to the root)\n");
	}
	fprintf(f, "# The expects at the end check the model's memory.stat (hierarchical) against\n"
		   "# these, within %d%%.\n\n", TOLERANCE_PCT);
}

void snap_header_hierarchy(const struct snap_memcg_mount *mnt, FILE *f)
{
	if (mnt->found)
		fprintf(f, "# memory cgroups: the cgroup %s hierarchy at %s, rebuilt here as cgroup v2\n",
			mnt->v1 ? "v1" : "v2", mnt->dir);
	else
		fprintf(f, "# memory cgroups: no memory hierarchy mounted; every process in /\n");
}

void snap_header_flags(bool flags, FILE *f)
{
	fprintf(f, "# page flags: %s\n", flags ? "/proc/kpageflags (anon, shmem, dirty)"
					  : "not read: anon or page cache from pagemap bit 61");
}

void snap_machine_line(const struct snap_host *h, FILE *f)
{
	uint64_t mem = (h->mem_total + (1ULL << 19)) >> 20 << 20;
	uint64_t swap = (h->swap_total + (1ULL << 19)) >> 20 << 20;
	char a[32], b[32];

	if (mem < (64ULL << 20))
		mem = 64ULL << 20;
	if (mem > (4ULL << 40))
		mem = 4ULL << 40;
	if (swap > (4ULL << 40))
		swap = 4ULL << 40;
	fprintf(f, "# the host's MemTotal, rounded to MiB\n");
	fprintf(f, "machine memory=%s swap=%s cpus=%d\n", sz(a, mem), sz(b, swap), h->cpus);
}

static void emit_run(const struct snapshot *s, FILE *f, const struct snap_run *r)
{
	char who[64], off[32], len[32];

	actor_name(s, r->actor, who, sizeof(who));
	sz(off, r->first * SNAP_PAGE_SIZE);
	sz(len, r->npages * SNAP_PAGE_SIZE);
	switch (r->kind) {
	case SNAP_OP_READ:
	case SNAP_OP_WRITE:
		fprintf(f, "%s %s %s %s %s\n", who, r->kind == SNAP_OP_READ ? "read" : "write",
			s->files[r->target].model, off, len);
		break;
	default:
		fprintf(f, "%s touch m%d %s %s%s\n", who, r->target, off, len,
			r->kind == SNAP_OP_TOUCH ? " ro" : "");
		break;
	}
}

void snap_emit(struct snapshot *s, FILE *f)
{
	struct snap_op *ops;
	struct snap_run *runs;
	size_t nops = snap_plan(s, &ops), nruns = snap_coalesce(ops, nops, &runs);
	struct tree t = { NULL, 0 };
	size_t i, j, nmaps = 0;
	bool any_shm = false, any_dying = false;
	char a[32], b[32];
	int cur_actor = -1, cur_via = -1;

	for (i = 0; i < s->nproc; i++)
		for (j = 0; j < s->procs[i].nvma; j++) {
			nmaps += s->procs[i].vmas[j].map >= 0;
			nmaps += s->procs[i].vmas[j].cow_map >= 0;
		}
	for (i = 0; i < s->nfile; i++)
		any_shm |= s->files[i].shmem && s->files[i].pages;
	header(s, f, nmaps, nruns);
	snap_machine_line(&s->host, f);

	/* the cgroup tree; processes of an inner cgroup go to a leaf under it */
	for (i = 0; i < s->ncg; i++)
		if (s->cgroups[i].has_proc || s->cgroups[i].holder >= 0 ||
		    s->cgroups[i].needs_via || s->cgroups[i].bytes[0] ||
		    s->cgroups[i].bytes[1] || s->cgroups[i].bytes[2])
			tree_add(&t, s->cgroups[i].model);
	tree_sort(&t);
	for (i = 0; i < s->ncg; i++) {
		struct snap_cgroup *cg = &s->cgroups[i];
		bool populated = cg->has_proc || cg->holder >= 0 || cg->needs_via;

		if (strcmp(cg->model, "/") && populated && tree_has_child(&t, cg->model)) {
			struct strbuf sb;

			sb_init(&sb);
			sb_printf(&sb, "%s/%s", cg->model, TASKS_LEAF);
			cg->tasks = sb_detach(&sb);
		} else {
			cg->tasks = xstrdup(cg->model);
		}
		if (strcmp(cg->tasks, cg->model))
			tree_add(&t, cg->tasks);
		any_dying |= cg->dying;
	}
	tree_sort(&t);
	fprintf(f, "\n# the memory cgroups of these processes and of the pages' owners\n");
	fprintf(f, "write /cgroup.subtree_control +memory\n");
	for (i = 0; i < t.n; i++) {
		fprintf(f, "mkdir %s\n", t.path[i]);
		if (tree_has_child(&t, t.path[i]))
			fprintf(f, "write %s/cgroup.subtree_control +memory\n", t.path[i]);
	}
	for (i = 0; i < s->ncg; i++)
		if (strcmp(s->cgroups[i].tasks, s->cgroups[i].model))
			fprintf(f, "# %s has children: its processes run in %s (no internal processes in v2)\n",
				s->cgroups[i].model, s->cgroups[i].tasks);

	fprintf(f, "\n# processes\n");
	fprintf(f, "spawn snap_root /   # mounts the tmpfs for shared memory; first-touches pages no memcg owns\n");
	if (any_shm)
		fprintf(f, "snap_root mount tmpfs /snapshot-shm size=%s   # shared anonymous memory, memfds, SysV shm and tmpfs files\n",
			sz(a, MAX((s->host.mem_total >> 20) << 20, 1ULL << 20)));
	for (i = 0; i < s->nproc; i++) {
		const struct snap_proc *p = &s->procs[i];

		fprintf(f, "spawn p%d %s   # pid %d (%s), host cgroup %s\n", p->pid,
			s->cgroups[p->cg].tasks, p->pid, p->comm, p->cgpath);
	}
	for (i = 0; i < s->ncg; i++) {
		const struct snap_cgroup *cg = &s->cgroups[i];
		uint64_t n = (cg->bytes[0] + cg->bytes[1] + cg->bytes[2]) / SNAP_PAGE_SIZE;

		if (cg->holder < 0 || !strcmp(cg->model, "/"))
			continue;
		fprintf(f, "# placeholder: %s owns %llu page(s) these processes map, but none of them runs there%s\n",
			cg->path, (unsigned long long)n,
			cg->dying ? " (its directory is gone: a dying memcg, removed again below)" : "");
		fprintf(f, "spawn memcg%zu %s\n", i, cg->tasks);
	}

	fprintf(f, "\n# mappings (addresses and permissions from /proc/PID/maps)\n");
	for (i = 0; i < s->nproc; i++) {
		const struct snap_proc *p = &s->procs[i];

		for (j = 0; j < p->nvma; j++) {
			const struct snap_vma *v = &p->vmas[j];
			uint64_t size = v->l.end - v->l.start;

			if (v->map < 0)
				continue;
			if (v->file < 0)
				fprintf(f, "p%d mmap m%d anon %s   # %llx-%llx %s %s\n", p->pid, v->map,
					sz(a, size), (unsigned long long)v->l.start,
					(unsigned long long)v->l.end, v->l.perms,
					*v->l.path ? v->l.path : "(anonymous)");
			else
				fprintf(f, "p%d mmap m%d file %s %s %s offset=%s   # %llx-%llx %s %s\n", p->pid,
					v->map, s->files[v->file].model, sz(a, size),
					v->shared ? "shared" : "private", sz(b, v->l.offset),
					(unsigned long long)v->l.start, (unsigned long long)v->l.end,
					v->l.perms, v->l.path);
			if (v->cow_map >= 0)
				fprintf(f, "p%d mmap m%d anon %s   # the copy-on-write (anonymous) pages of m%d\n",
					p->pid, v->cow_map, sz(a, size), v->map);
		}
	}

	fprintf(f, "\n# first touches: each page by a process of the memcg the kernel charged it to\n");
	for (i = 0; i < nruns && runs[i].phase == 0; i++) {
		const struct snap_run *r = &runs[i];
		char who[64];

		if (cur_via >= 0 && (r->actor != cur_actor || r->via != cur_via)) {
			actor_name(s, cur_actor, who, sizeof(who));
			fprintf(f, "move %s %s\n", who, actor_tasks(s, cur_actor));
			cur_via = -1;
		}
		if (r->via >= 0 && (r->actor != cur_actor || r->via != cur_via)) {
			actor_name(s, r->actor, who, sizeof(who));
			fprintf(f, "move %s %s   # its pages there were charged to %s\n", who,
				s->cgroups[r->via].tasks, s->cgroups[r->via].path);
		}
		cur_actor = r->actor;
		cur_via = r->via;
		emit_run(s, f, r);
	}
	if (cur_via >= 0) {
		char who[64];

		actor_name(s, cur_actor, who, sizeof(who));
		fprintf(f, "move %s %s\n", who, actor_tasks(s, cur_actor));
	}
	if (any_dying) {
		fprintf(f, "\n# memcgs whose directory is gone on the host: removed again, so dying here too\n");
		for (j = 0; j < s->ncg; j++) {
			const struct snap_cgroup *cg = &s->cgroups[j];

			if (!cg->dying)
				continue;
			if (cg->holder >= 0)
				fprintf(f, "exit memcg%zu\n", j);
			if (strcmp(cg->tasks, cg->model))
				fprintf(f, "rmdir %s\n", cg->tasks);
			fprintf(f, "rmdir %s\n", cg->model);
		}
	}

	fprintf(f, "\n# every mapper maps the page-cache and shmem pages it has present\n");
	for (; i < nruns; i++)
		emit_run(s, f, &runs[i]);

	fprintf(f, "\n# the kernel's charges for these pages, hierarchical like memory.stat\n");
	for (i = 0; i < t.n; i++) {
		uint64_t sum[3] = { 0, 0, 0 };
		bool dying = false;

		for (j = 0; j < s->ncg; j++) {
			const struct snap_cgroup *cg = &s->cgroups[j];
			int k;

			if (!under(cg->model, t.path[i]))
				continue;
			if (cg->dying && !strcmp(cg->model, t.path[i]))
				dying = true;
			for (k = 0; k < 3; k++)
				sum[k] += cg->bytes[k];
		}
		if (dying)
			continue;
		if (strlen(t.path[i]) > strlen(TASKS_LEAF) &&
		    !strcmp(t.path[i] + strlen(t.path[i]) - strlen(TASKS_LEAF) - 1, "/" TASKS_LEAF))
			continue;
		fprintf(f, "expect %s/memory.stat anon ~ %llu %d%%\n", t.path[i],
			(unsigned long long)sum[SNAP_PAGE_ANON], TOLERANCE_PCT);
		fprintf(f, "expect %s/memory.stat file ~ %llu %d%%\n", t.path[i],
			(unsigned long long)(sum[SNAP_PAGE_FILE] + sum[SNAP_PAGE_SHMEM]), TOLERANCE_PCT);
		fprintf(f, "expect %s/memory.stat shmem ~ %llu %d%%\n", t.path[i],
			(unsigned long long)sum[SNAP_PAGE_SHMEM], TOLERANCE_PCT);
	}
	if (!t.n) {
		/*
		 * Every process is in the root (no cgroup filesystem, or all in
		 * /): the root's memory.stat then holds exactly these pages.
		 */
		uint64_t sum[3] = { 0, 0, 0 };

		for (j = 0; j < s->ncg; j++)
			for (i = 0; i < 3; i++)
				sum[i] += s->cgroups[j].bytes[i];
		fprintf(f, "expect /memory.stat anon ~ %llu %d%%\n",
			(unsigned long long)sum[SNAP_PAGE_ANON], TOLERANCE_PCT);
		fprintf(f, "expect /memory.stat file ~ %llu %d%%\n",
			(unsigned long long)(sum[SNAP_PAGE_FILE] + sum[SNAP_PAGE_SHMEM]), TOLERANCE_PCT);
		fprintf(f, "expect /memory.stat shmem ~ %llu %d%%\n",
			(unsigned long long)sum[SNAP_PAGE_SHMEM], TOLERANCE_PCT);
	}
	tree_free(&t);
	free(runs);
	free(ops);
}
