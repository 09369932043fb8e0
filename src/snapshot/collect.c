// SPDX-License-Identifier: GPL-2.0-only
/*
 * Everything a snapshot needs about the given processes: for each, its
 * memory cgroup, its mappings (classified as private anonymous, shmem,
 * disk file, or not charged), and every present page with its frame
 * number, flags and owning memcg. Pages are read only for mappings whose
 * Rss is not zero.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "../base/base.h"
#include "snapshot.h"

#define SNAP_TMPFS_MAGIC 0x01021994
#define SNAP_HUGETLBFS_MAGIC 0x958458f6
#define CHUNK 4096		/* pagemap entries per read */
#define PROGRESS_MIN (64ULL << 20)

static int fail(char *msg, size_t len, int code, const char *fmt, ...) PRINTF_LIKE(4, 5);

static int fail(char *msg, size_t len, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return code;
}

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

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* Where a mapping's pages come from, judged from its maps line and file. */
static void classify(struct snap_vma *v, int pid)
{
	const char *path = v->l.path;
	char mf[128];
	struct statfs sfs;
	struct stat st;
	bool have_st = false, have_sfs = false;

	v->shared = v->l.perms[3] == 's';
	v->kind = SNAP_VMA_SKIP;
	if (!*path) {
		v->kind = v->shared ? SNAP_VMA_SHMEM : SNAP_VMA_ANON;
		return;
	}
	if (path[0] == '[') {
		if (!strcmp(path, "[heap]") || has_prefix(path, "[stack") ||
		    has_prefix(path, "[anon:"))
			v->kind = SNAP_VMA_ANON;
		else if (has_prefix(path, "[anon_shmem:"))
			v->kind = SNAP_VMA_SHMEM;
		else
			v->skip_why = "kernel-provided pages (vdso, vvar, vsyscall, ...)";
		return;
	}
	/* the mapped file itself, through map_files (root), else by name */
	snprintf(mf, sizeof(mf), "/proc/%d/map_files/%llx-%llx", pid,
		 (unsigned long long)v->l.start, (unsigned long long)v->l.end);
	if (!stat(mf, &st)) {
		have_st = true;
		have_sfs = !statfs(mf, &sfs);
	} else if (!stat(path, &st) && (uint64_t)st.st_ino == v->l.inode) {
		have_st = true;
		have_sfs = !statfs(path, &sfs);
	}
	if (have_sfs && (uint64_t)sfs.f_type == SNAP_HUGETLBFS_MAGIC) {
		v->skip_why = "hugetlbfs (not charged to memcg in 6.1)";
		return;
	}
	if (has_prefix(path, "/dev/zero")) {
		/* shared: a shmem object; private: plain anonymous memory */
		v->kind = v->shared ? SNAP_VMA_SHMEM : SNAP_VMA_ANON;
		return;
	}
	if (has_prefix(path, "/memfd:") || has_prefix(path, "/SYSV")) {
		v->kind = SNAP_VMA_SHMEM;
		return;
	}
	if (have_st && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
		v->skip_why = "a device mapping";
		return;
	}
	if (have_sfs && (uint64_t)sfs.f_type == SNAP_TMPFS_MAGIC)
		v->kind = SNAP_VMA_SHMEM;
	else
		v->kind = SNAP_VMA_FILE;
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

struct rss_ctx {
	struct snap_proc *p;
};

static void rss_cb(uint64_t start, uint64_t rss, void *arg)
{
	struct rss_ctx *c = arg;
	size_t i;

	for (i = 0; i < c->p->nvma; i++)
		if (c->p->vmas[i].l.start == start) {
			c->p->vmas[i].rss = rss;
			return;
		}
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

static int read_maps(struct snapshot *s, struct snap_proc *p, char *msg, size_t len)
{
	char path[64], *text, *line;
	struct rss_ctx rc = { p };

	snprintf(path, sizeof(path), "/proc/%d/maps", p->pid);
	text = snap_read_text(path);
	if (!text)
		return fail(msg, len, SNAP_ERR_USAGE, "%s: %s", path,
			    errno == ENOENT || errno == ESRCH ? "no such process" : strerror(errno));
	for (line = text; *line;) {
		char *eol = strchr(line, '\n');
		struct snap_vma v;

		if (eol)
			*eol = '\0';
		memset(&v, 0, sizeof(v));
		if (*line && !snap_parse_maps_line(line, &v.l)) {
			v.rss = UINT64_MAX;	/* unknown until smaps says */
			v.map = -1;
			v.cow_map = -1;
			v.file = -1;
			classify(&v, p->pid);
			if (v.kind == SNAP_VMA_SHMEM || v.kind == SNAP_VMA_FILE)
				v.file = file_get(s, &v);
			p->vmas = xrealloc(p->vmas, (p->nvma + 1) * sizeof(*p->vmas));
			p->vmas[p->nvma++] = v;
		}
		if (!eol)
			break;
		line = eol + 1;
	}
	free(text);
	snprintf(path, sizeof(path), "/proc/%d/smaps", p->pid);
	text = snap_read_text(path);
	if (text) {
		snap_smaps_rss(text, rss_cb, &rc);
		free(text);
	}
	return 0;
}

struct kpages {
	struct snap_kpage flags, cg;
	bool have_flags, have_cg;
};

static void progress(struct snapshot *s, const struct snap_proc *p, uint64_t done,
		     uint64_t total, bool last)
{
	if (s->quiet || total < PROGRESS_MIN)
		return;
	fprintf(stderr, "smemcg snapshot: pid %d (%s): %llu of %llu MiB resident read%s",
		p->pid, p->comm, (unsigned long long)(done >> 20),
		(unsigned long long)(total >> 20),
		last ? "\n" : (isatty(2) ? "\r" : "\n"));
}

static int read_pages(struct snapshot *s, struct snap_proc *p, int pi, struct kpages *k,
		      char *msg, size_t len)
{
	char path[64];
	uint64_t *buf = xmalloc(CHUNK * sizeof(uint64_t));
	uint64_t total = 0, done = 0, next_report = 256ULL << 20, reported = 0;
	size_t vi;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", p->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		free(buf);
		if (err == EACCES || err == EPERM)
			return fail(msg, len, SNAP_ERR_USAGE,
				    "%s: permission denied (run as the process's owner or as root)",
				    path);
		return fail(msg, len, SNAP_ERR_USAGE, "%s: %s", path,
			    err == ENOENT ? "no such process" : strerror(err));
	}
	for (vi = 0; vi < p->nvma; vi++)
		if (p->vmas[vi].kind != SNAP_VMA_SKIP && p->vmas[vi].rss != UINT64_MAX)
			total += p->vmas[vi].rss;
	for (vi = 0; vi < p->nvma; vi++) {
		struct snap_vma *v = &p->vmas[vi];
		uint64_t first = v->l.start / SNAP_PAGE_SIZE, n = (v->l.end - v->l.start) / SNAP_PAGE_SIZE;
		uint64_t at;

		if (v->kind == SNAP_VMA_SKIP) {
			if (v->rss != UINT64_MAX)
				s->st.skipped_vma_pages += v->rss / SNAP_PAGE_SIZE;
			continue;
		}
		if (v->rss == 0)
			continue;
		if (!s->quiet && n > (64ULL << 30) / SNAP_PAGE_SIZE)
			fprintf(stderr, "smemcg snapshot: pid %d: scanning a mapping of %llu GiB "
				"(pagemap has 8 bytes per virtual page): this takes a while\n",
				p->pid, (unsigned long long)(n * SNAP_PAGE_SIZE >> 30));
		for (at = 0; at < n; at += CHUNK) {
			size_t cn = (size_t)MIN((uint64_t)CHUNK, n - at), j;
			int err = snap_pagemap_read(fd, first + at, buf, cn);

			if (err) {
				close(fd);
				free(buf);
				if (err == -EACCES || err == -EPERM)
					return fail(msg, len, SNAP_ERR_USAGE, "%s: permission denied", path);
				return fail(msg, len, SNAP_ERR_USAGE, "%s: %s (did the process exit?)",
					    path, strerror(-err));
			}
			for (j = 0; j < cn; j++) {
				struct snap_pme e;
				struct snap_page *pg;
				uint64_t fl = 0, ino = 0;

				snap_pagemap_decode(buf[j], &e);
				if (e.swapped) {
					s->st.swapped++;
					continue;
				}
				if (!e.present)
					continue;
				s->st.present++;
				done += SNAP_PAGE_SIZE;
				if (e.pfn)
					s->pfns = true;
				if (e.pfn && k->have_flags && !snap_kpage_get(&k->flags, e.pfn, &fl)) {
					if (snap_kpf(fl, SNAP_KPF_ZERO_PAGE)) {
						s->st.zero++;
						continue;
					}
					if (snap_kpf(fl, SNAP_KPF_HUGE)) {
						s->st.hugetlb++;
						continue;
					}
				} else {
					fl = 0;
				}
				if (e.pfn && k->have_cg && snap_kpage_get(&k->cg, e.pfn, &ino))
					ino = 0;
				pg = page_add(s);
				pg->pfn = e.pfn;
				pg->flags = fl;
				pg->memcg_ino = ino;
				pg->proc = pi;
				pg->vma = (int)vi;
				pg->idx = at + j;
				if (fl && !snap_kpf(fl, SNAP_KPF_NOPAGE)) {
					pg->cls = snap_kpf_class(fl);
					pg->dirty = snap_kpf(fl, SNAP_KPF_DIRTY);
				} else if (!e.file_or_shared || v->kind == SNAP_VMA_ANON) {
					pg->cls = SNAP_PAGE_ANON;
				} else {
					pg->cls = v->kind == SNAP_VMA_SHMEM ? SNAP_PAGE_SHMEM : SNAP_PAGE_FILE;
				}
				/* no page cache in an anonymous mapping: KSM and the like */
				if (v->kind == SNAP_VMA_ANON)
					pg->cls = SNAP_PAGE_ANON;
				pg->owner = p->cg;
			}
			if (done >= next_report) {
				progress(s, p, done, total, false);
				reported = done;
				next_report = done + (256ULL << 20);
			}
		}
	}
	if ((reported >> 20) != (done >> 20) || isatty(2))
		progress(s, p, done, total, true);
	close(fd);
	free(buf);
	return 0;
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
	struct kpages k;
	char *mi;
	size_t i;
	int err;

	memset(s, 0, sizeof(*s));
	memset(&k, 0, sizeof(k));
	k.flags.fd = k.cg.fd = -1;
	s->quiet = quiet;
	snap_cgino_init(&s->cgino);
	snap_host_read(&s->host);
	for (i = 0; i < npid; i++) {
		char path[64];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/%d", pids[i]);
		if (stat(path, &st))
			return fail(msg, msglen, SNAP_ERR_USAGE, "no such process: %d", pids[i]);
	}
	if (owners) {
		err = snap_kpage_open(&k.cg, "/proc/kpagecgroup");
		if (err)
			return fail(msg, msglen, SNAP_ERR_SKIP,
				    "/proc/kpagecgroup is not readable (%s): %s; "
				    "--no-owners takes a snapshot without the owners", strerror(-err),
				    err == -ENOENT ? "the kernel was built without CONFIG_MEMCG"
						   : "it needs root (CAP_SYS_ADMIN)");
		k.have_cg = true;
		s->owners = true;
	}
	k.have_flags = !snap_kpage_open(&k.flags, "/proc/kpageflags");
	s->flags = k.have_flags;
	mi = snap_read_text("/proc/self/mountinfo");
	if (mi)
		snap_find_memcg_mount(mi, &s->mnt);
	free(mi);
	if (owners && !s->mnt.found) {
		snap_kpage_close(&k.cg);
		snap_kpage_close(&k.flags);
		return fail(msg, msglen, SNAP_ERR_SKIP,
			    "no memory cgroup hierarchy is mounted: the owners in "
			    "/proc/kpagecgroup cannot be named; --no-owners works without them");
	}
	s->procs = xcalloc(npid, sizeof(*s->procs));
	err = 0;
	for (i = 0; i < npid && !err; i++) {
		struct snap_proc *p = &s->procs[s->nproc];
		char path[64], *text, cg[4096];
		size_t j, rl;

		for (j = 0; j < s->nproc; j++)
			if (s->procs[j].pid == pids[i])
				break;
		if (j < s->nproc)
			continue;	/* named twice */
		p->pid = pids[i];
		s->nproc++;
		snprintf(path, sizeof(path), "/proc/%d/comm", p->pid);
		text = snap_read_text(path);
		snprintf(p->comm, sizeof(p->comm), "%s", text ? text : "?");
		p->comm[strcspn(p->comm, "\n")] = '\0';
		free(text);
		snprintf(path, sizeof(path), "/proc/%d/cgroup", p->pid);
		text = snap_read_text(path);
		if (!text) {
			err = fail(msg, msglen, SNAP_ERR_USAGE, "%s: %s", path,
				   errno == ENOENT ? "no such process" : strerror(errno));
			break;
		}
		if (!s->mnt.found || snap_proc_cgroup_path(text, s->mnt.v1, cg, sizeof(cg)))
			snprintf(cg, sizeof(cg), "/");
		free(text);
		/* a path inside the mount's own root: make it relative to the mount */
		rl = strlen(s->mnt.root);
		if (rl > 1 && !strncmp(cg, s->mnt.root, rl) && (cg[rl] == '/' || !cg[rl]))
			memmove(cg, cg[rl] ? cg + rl : "/", strlen(cg[rl] ? cg + rl : "/") + 1);
		snprintf(p->cgpath, sizeof(p->cgpath), "%s", cg);
		p->cg = snap_cgroup_get(s, cg);
		s->cgroups[p->cg].has_proc = true;
		if (s->mnt.found)
			snap_cgino_add_path(&s->cgino, s->mnt.dir, cg);
		err = read_maps(s, p, msg, msglen);
		if (!err)
			err = read_pages(s, p, (int)s->nproc - 1, &k, msg, msglen);
	}
	snap_kpage_close(&k.cg);
	snap_kpage_close(&k.flags);
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
	size_t i, j;

	for (i = 0; i < s->nproc; i++) {
		for (j = 0; j < s->procs[i].nvma; j++)
			snap_maps_line_free(&s->procs[i].vmas[j].l);
		free(s->procs[i].vmas);
	}
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
