// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tables a recording keeps between samples: the cgroups the scenario
 * knows (by host path; a removed one stays while the model may still
 * hold its pages, as the kernel keeps a dying memcg), the files pages
 * were seen in (by device and inode), and the processes alive, each with
 * its mappings and pages in the model. Names in the scenario are given
 * here: a process is pPID (pPID_N when the pid comes back), a file keeps
 * its own path when that is a valid token on a disk filesystem.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "record.h"

const char *const rec_limit_file[REC_NLIMITS] = {
	"memory.max", "memory.high", "memory.low", "memory.min", "memory.swap.max",
};
const char *const rec_limit_default[REC_NLIMITS] = { "max", "max", "0", "0", "max" };

void rec_init(struct recorder *r, FILE *out, const struct snap_memcg_mount *mnt, bool owners,
	      uint64_t mem_total)
{
	memset(r, 0, sizeof(*r));
	r->out = out;
	r->owners = owners;
	r->mnt = *mnt;
	r->v1 = mnt->v1;
	r->mem_total = mem_total;
	strmap_init(&r->names);
	snap_cgino_init(&r->cgino);
	r->resident = rec_resident_host;
	r->root = rec_cgroup_get(r, "/");
	r->cgs[r->root].in_model = true;
	r->cgs[r->root].seen = true;
}

static void file_free(struct rec_file *f)
{
	free(f->real);
	free(f->model);
	free(f->pages);
}

static void proc_free(struct rec_proc *p)
{
	free(p->segs);
	free(p->held);
	free(p->mapped);
}

void rec_free(struct recorder *r)
{
	size_t i;
	int k;

	for (i = 0; i < r->ncg; i++) {
		free(r->cgs[i].path);
		free(r->cgs[i].model);
		free(r->cgs[i].tasks);
		for (k = 0; k < REC_NLIMITS; k++) {
			free(r->cgs[i].limit[k]);
			free(r->cgs[i].host_limit[k]);
		}
	}
	free(r->cgs);
	for (i = 0; i < r->nfile; i++)
		file_free(&r->files[i]);
	free(r->files);
	for (i = 0; i < r->nproc; i++)
		proc_free(&r->procs[i]);
	free(r->procs);
	strmap_free(&r->names);
	snap_cgino_free(&r->cgino);
	if (r->cur) {
		rec_sample_free(r->cur);
		free(r->cur);
	}
	memset(r, 0, sizeof(*r));
}

static int cgroup_find(const struct recorder *r, const char *path)
{
	size_t i;

	for (i = 0; i < r->ncg; i++)
		if (!r->cgs[i].removed && !strcmp(r->cgs[i].path, path))
			return (int)i;
	return -1;
}

int rec_cgroup_get(struct recorder *r, const char *path)
{
	struct rec_cgroup *c;
	int parent = -1, i = cgroup_find(r, path);

	if (i >= 0)
		return i;
	if (strcmp(path, "/")) {
		/* ancestors first: a parent's index is always below its children's */
		char *p = xstrdup(path), *slash = strrchr(p, '/');

		if (slash == p)
			slash[1] = '\0';
		else
			*slash = '\0';
		parent = rec_cgroup_get(r, p);
		free(p);
	}
	REC_GROW(r->cgs, r->ncg, r->cg_cap);
	c = &r->cgs[r->ncg];
	memset(c, 0, sizeof(*c));
	c->path = xstrdup(path);
	c->model = snap_model_cgroup_path(path);
	c->tasks = xstrdup(c->model);
	c->parent = parent;
	return (int)r->ncg++;
}

int rec_cgroup_by_ino(struct recorder *r, uint64_t ino)
{
	const char *path;
	size_t i;
	int cg;

	for (i = 0; i < r->ncg; i++)
		if (!r->cgs[i].removed && r->cgs[i].ino == ino)
			return (int)i;
	if (!r->mnt.found)
		return -1;
	if (r->cgino.walked && !r->cgino_fresh) {
		/* cgroups come and go: walk the hierarchy again, once a sample */
		snap_cgino_free(&r->cgino);
		snap_cgino_init(&r->cgino);
	}
	if (!r->cgino.walked)
		r->cgino_fresh = true;
	path = snap_cgino_lookup(&r->cgino, r->mnt.dir, ino);
	if (!path)
		return -1;
	cg = rec_cgroup_get(r, path);
	r->cgs[cg].ino = ino;
	return cg;
}

int rec_file_get(struct recorder *r, unsigned major, unsigned minor, uint64_t ino,
		 const char *real)
{
	struct rec_file *f;
	size_t i;

	for (i = 0; i < r->nfile; i++)
		if (!r->files[i].gone && r->files[i].ino == ino && r->files[i].major == major &&
		    r->files[i].minor == minor)
			return (int)i;
	REC_GROW(r->files, r->nfile, r->file_cap);
	f = &r->files[r->nfile];
	memset(f, 0, sizeof(*f));
	f->major = major;
	f->minor = minor;
	f->ino = ino;
	f->real = xstrdup(*real ? real : "(shared anonymous)");
	return (int)r->nfile++;
}

const char *rec_file_model(struct recorder *r, struct rec_file *f)
{
	struct strbuf key;
	char *name;
	int64_t v;

	if (f->model)
		return f->model;
	name = snap_model_file_path(f->real, f->ino, f->shmem, "record");
	sb_init(&key);
	sb_printf(&key, "file:%s", name);
	if (strmap_get(&r->names, key.buf, &v) && v) {
		/* the path names another inode (replaced, or another mount namespace) */
		struct strbuf sb;

		sb_init(&sb);
		sb_printf(&sb, "%s.%llu", name, (unsigned long long)f->ino);
		free(name);
		name = sb_detach(&sb);
		sb_reset(&key);
		sb_printf(&key, "file:%s", name);
	}
	strmap_set(&r->names, key.buf, 1);
	sb_free(&key);
	f->model = name;
	if (f->shmem && !r->shm_mounted) {
		char sz[32];

		snap_size_str(sz, sizeof(sz), MAX(r->mem_total >> 20 << 20, 1ULL << 20));
		rec_emit(r, "rec_root mount tmpfs /record-shm size=%s   # for shared anonymous memory, memfds, SysV shm and tmpfs files\n",
			 sz);
		r->shm_mounted = true;
	}
	return f->model;
}

struct rec_proc *rec_proc_find(struct recorder *r, int pid, uint64_t start)
{
	size_t i;

	for (i = 0; i < r->nproc; i++)
		if (r->procs[i].pid == pid && r->procs[i].start == start)
			return &r->procs[i];
	return NULL;
}

size_t rec_lower_bound(const void *base, size_t n, size_t size, uint64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t k;

		memcpy(&k, (const char *)base + mid * size, sizeof(k));
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct rec_tpage *rec_tpage_find(struct rec_file *f, uint64_t idx)
{
	size_t i = rec_lower_bound(f->pages, f->npage, sizeof(*f->pages), idx);

	return i < f->npage && f->pages[i].idx == idx ? &f->pages[i] : NULL;
}

struct rec_held *rec_held_find(struct rec_proc *p, uint64_t vpn)
{
	size_t i = rec_lower_bound(p->held, p->nheld, sizeof(*p->held), vpn);

	return i < p->nheld && p->held[i].vpn == vpn ? &p->held[i] : NULL;
}

void rec_sproc_free(struct rec_sproc *sp)
{
	free(sp->vmas);
	free(sp->pages);
	free(sp->swapped);
}

void rec_sample_free(struct rec_sample *s)
{
	size_t i;

	for (i = 0; i < s->nproc; i++)
		rec_sproc_free(&s->procs[i]);
	free(s->procs);
	memset(s, 0, sizeof(*s));
}
