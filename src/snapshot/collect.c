// SPDX-License-Identifier: GPL-2.0-only
/*
 * Everything a snapshot needs about the given processes: for each, its
 * memory cgroup, its mappings and every present page with its frame
 * number, flags and owning memcg (read by process.c), gathered into one
 * table of files, one of pages and one of cgroups.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/base.h"
#include "snapshot.h"

int snap_cgroup_get(struct snapshot *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->ncg; i++)
		if (!strcmp(s->cgroups[i].path, path))
			return (int)i;
	s->cgroups = xrealloc(s->cgroups, (s->ncg + 1) * sizeof(*s->cgroups));
	memset(&s->cgroups[s->ncg], 0, sizeof(*s->cgroups));
	s->cgroups[s->ncg].path = xstrdup(path);
	s->cgroups[s->ncg].holder = -1;
	return (int)s->ncg++;
}

static int file_get(struct snapshot *s, const struct snap_vma *v)
{
	unsigned major = v->l.major, minor = v->l.minor;
	uint64_t ino = v->l.inode;
	size_t i;

	if (!ino) {
		/* a shared anonymous mapping without an inode: its own object */
		major = ~0u;
		minor = ~0u;
		ino = s->nfile + 1;
	}
	for (i = 0; i < s->nfile; i++)
		if (s->files[i].major == major && s->files[i].minor == minor &&
		    s->files[i].ino == ino)
			return (int)i;
	s->files = xrealloc(s->files, (s->nfile + 1) * sizeof(*s->files));
	memset(&s->files[s->nfile], 0, sizeof(*s->files));
	s->files[s->nfile].major = major;
	s->files[s->nfile].minor = minor;
	s->files[s->nfile].ino = ino;
	s->files[s->nfile].shmem = v->kind == SNAP_VMA_SHMEM;
	s->files[s->nfile].real = xstrdup(*v->l.path ? v->l.path : "(shared anonymous)");
	return (int)s->nfile++;
}

static struct snap_page *page_add(struct snapshot *s)
{
	if (s->npage == s->page_cap) {
		s->page_cap = s->page_cap ? s->page_cap * 2 : 4096;
		s->pages = xrealloc(s->pages, s->page_cap * sizeof(*s->pages));
	}
	memset(&s->pages[s->npage], 0, sizeof(*s->pages));
	return &s->pages[s->npage++];
}

struct page_ctx {
	struct snapshot *s;
	int proc;
};

static void add_page(void *arg, size_t vma, const struct snap_pageinfo *pi)
{
	struct page_ctx *c = arg;
	struct snap_page *pg = page_add(c->s);

	pg->pfn = pi->pfn;
	pg->flags = pi->flags;
	pg->memcg_ino = pi->memcg_ino;
	pg->proc = c->proc;
	pg->vma = (int)vma;
	pg->idx = pi->idx;
	pg->cls = pi->cls;
	pg->dirty = pi->dirty;
	pg->owner = c->s->procs[c->proc].cg;
}

static int read_process(struct snapshot *s, struct snap_proc *p, int pi, struct snap_kpages *k,
			char *msg, size_t len)
{
	struct snap_scan_stats st;
	struct page_ctx c = { s, pi };
	struct snap_scan cb = { add_page, NULL, &c, s->quiet ? NULL : "smemcg snapshot", p->comm };
	size_t i;
	int err = snap_read_vmas(p->pid, &p->vmas, &p->nvma, msg, len);

	if (err)
		return err;
	for (i = 0; i < p->nvma; i++)
		if (p->vmas[i].kind == SNAP_VMA_SHMEM || p->vmas[i].kind == SNAP_VMA_FILE)
			p->vmas[i].file = file_get(s, &p->vmas[i]);
	memset(&st, 0, sizeof(st));
	err = snap_scan_pages(p->pid, p->vmas, p->nvma, k, &st, &cb, msg, len);
	s->st.present += st.present;
	s->st.swapped += st.swapped;
	s->st.zero += st.zero;
	s->st.hugetlb += st.hugetlb;
	s->st.skipped_vma_pages += st.skipped_vma_pages;
	s->pfns |= st.pfns;
	return err;
}

/* The memcg of a page's inode number, as a cgroup of the snapshot. */
static int owner_of(struct snapshot *s, uint64_t ino)
{
	const char *path;
	char dying[64];
	size_t i;

	if (!ino)
		return snap_cgroup_get(s, "/");
	for (i = 0; i < s->ncg; i++)
		if (s->cgroups[i].ino == ino)
			return (int)i;
	path = snap_cgino_lookup(&s->cgino, s->mnt.dir, ino);
	if (path) {
		int cg = snap_cgroup_get(s, path);

		s->cgroups[cg].ino = ino;
		return cg;
	}
	snprintf(dying, sizeof(dying), "(dying memcg, inode %llu)", (unsigned long long)ino);
	i = (size_t)snap_cgroup_get(s, dying);
	s->cgroups[i].ino = ino;
	s->cgroups[i].dying = true;
	return (int)i;
}

int snap_collect(struct snapshot *s, const int *pids, size_t npid, bool owners,
		 bool quiet, char *msg, size_t msglen)
{
	struct snap_kpages k;
	size_t i;
	int err;

	memset(s, 0, sizeof(*s));
	s->quiet = quiet;
	snap_cgino_init(&s->cgino);
	snap_host_read(&s->host);
	for (i = 0; i < npid; i++) {
		char path[64];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/%d", pids[i]);
		if (stat(path, &st))
			return snap_fail(msg, msglen, SNAP_ERR_USAGE, "no such process: %d", pids[i]);
	}
	err = snap_sources_open(&k, &s->mnt, owners, msg, msglen);
	if (err)
		return err;
	s->owners = k.have_cg;
	s->flags = k.have_flags;
	s->procs = xcalloc(npid, sizeof(*s->procs));
	for (i = 0; i < npid && !err; i++) {
		struct snap_proc *p = &s->procs[s->nproc];
		char cg[4096];
		size_t j;

		for (j = 0; j < s->nproc; j++)
			if (s->procs[j].pid == pids[i])
				break;
		if (j < s->nproc)
			continue;	/* named twice */
		p->pid = pids[i];
		s->nproc++;
		snap_proc_comm(p->pid, p->comm, sizeof(p->comm));
		err = snap_proc_memcg(&s->mnt, p->pid, cg, sizeof(cg), msg, msglen);
		if (err)
			break;
		snprintf(p->cgpath, sizeof(p->cgpath), "%s", cg);
		p->cg = snap_cgroup_get(s, cg);
		s->cgroups[p->cg].has_proc = true;
		if (s->mnt.found)
			snap_cgino_add_path(&s->cgino, s->mnt.dir, cg);
		err = read_process(s, p, (int)s->nproc - 1, &k, msg, msglen);
	}
	snap_kpages_close(&k);
	if (err)
		return err;
	/* inode numbers of the given processes' cgroups, then the owners */
	for (i = 0; i < s->ncg; i++) {
		size_t j;

		for (j = 0; j < s->cgino.n; j++)
			if (!strcmp(s->cgino.path[j], s->cgroups[i].path))
				s->cgroups[i].ino = s->cgino.ino[j];
	}
	if (s->owners)
		for (i = 0; i < s->npage; i++)
			s->pages[i].owner = owner_of(s, s->pages[i].memcg_ino);
	/* a page-cache page that is shmem makes its file shmem (tmpfs not seen by statfs) */
	for (i = 0; i < s->npage; i++) {
		const struct snap_vma *v = &s->procs[s->pages[i].proc].vmas[s->pages[i].vma];

		if (s->pages[i].cls == SNAP_PAGE_SHMEM && v->file >= 0)
			s->files[v->file].shmem = true;
	}
	for (i = 0; i < s->npage; i++) {
		const struct snap_vma *v = &s->procs[s->pages[i].proc].vmas[s->pages[i].vma];

		if (s->pages[i].cls != SNAP_PAGE_ANON && v->file >= 0)
			s->pages[i].cls = s->files[v->file].shmem ? SNAP_PAGE_SHMEM : SNAP_PAGE_FILE;
	}
	return 0;
}

void snap_free(struct snapshot *s)
{
	size_t i;

	for (i = 0; i < s->nproc; i++)
		snap_vmas_free(s->procs[i].vmas, s->procs[i].nvma);
	free(s->procs);
	for (i = 0; i < s->nfile; i++) {
		free(s->files[i].real);
		free(s->files[i].model);
	}
	free(s->files);
	free(s->pages);
	for (i = 0; i < s->ncg; i++) {
		free(s->cgroups[i].path);
		free(s->cgroups[i].model);
		free(s->cgroups[i].tasks);
	}
	free(s->cgroups);
	snap_cgino_free(&s->cgino);
	memset(s, 0, sizeof(*s));
}
