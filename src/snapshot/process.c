// SPDX-License-Identifier: GPL-2.0-only
/*
 * One live process as procfs shows it, for `smemcg snapshot` (one instant)
 * and `smemcg record` (every sample): its memory cgroup, its mappings
 * classified as private anonymous, shmem, disk file or not charged, and
 * every present page of a mapping with its frame number, flags and owning
 * memcg (/proc/PID/pagemap, /proc/kpageflags, /proc/kpagecgroup). Pages
 * are read only for mappings whose Rss is not zero, and reading them
 * faults nothing in.
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

int snap_fail(char *msg, size_t len, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return code;
}

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

void snap_classify_vma(struct snap_vma *v, int pid)
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

struct rss_ctx {
	struct snap_vma *v;
	size_t n;
};

static void rss_cb(uint64_t start, uint64_t rss, void *arg)
{
	struct rss_ctx *c = arg;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].l.start == start) {
			c->v[i].rss = rss;
			return;
		}
}

int snap_read_vmas(int pid, struct snap_vma **out, size_t *nout, char *msg, size_t len)
{
	char path[64], *text, *line;
	struct snap_vma *vmas = NULL;
	size_t n = 0, cap = 0;
	struct rss_ctx rc;

	*out = NULL;
	*nout = 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	text = snap_read_text(path);
	if (!text)
		return snap_fail(msg, len, SNAP_ERR_USAGE, "%s: %s", path,
				 errno == ENOENT || errno == ESRCH ? "no such process"
								   : strerror(errno));
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
			snap_classify_vma(&v, pid);
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				vmas = xrealloc(vmas, cap * sizeof(*vmas));
			}
			vmas[n++] = v;
		}
		if (!eol)
			break;
		line = eol + 1;
	}
	free(text);
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	text = snap_read_text(path);
	if (text) {
		rc.v = vmas;
		rc.n = n;
		snap_smaps_rss(text, rss_cb, &rc);
		free(text);
	}
	*out = vmas;
	*nout = n;
	return 0;
}

void snap_vmas_free(struct snap_vma *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		snap_maps_line_free(&v[i].l);
	free(v);
}

int snap_sources_open(struct snap_kpages *k, struct snap_memcg_mount *mnt, bool owners,
		      char *msg, size_t len)
{
	char *mi;
	int err;

	memset(k, 0, sizeof(*k));
	k->flags.fd = k->cg.fd = -1;
	if (owners) {
		err = snap_kpage_open(&k->cg, "/proc/kpagecgroup");
		if (err)
			return snap_fail(msg, len, SNAP_ERR_SKIP,
					 "/proc/kpagecgroup is not readable (%s): %s; "
					 "--no-owners works without the owners", strerror(-err),
					 err == -ENOENT ? "the kernel was built without CONFIG_MEMCG"
							: "it needs root (CAP_SYS_ADMIN)");
		k->have_cg = true;
	}
	k->have_flags = !snap_kpage_open(&k->flags, "/proc/kpageflags");
	mi = snap_read_text("/proc/self/mountinfo");
	memset(mnt, 0, sizeof(*mnt));
	if (mi)
		snap_find_memcg_mount(mi, mnt);
	free(mi);
	if (owners && !mnt->found) {
		snap_kpages_close(k);
		return snap_fail(msg, len, SNAP_ERR_SKIP,
				 "no memory cgroup hierarchy is mounted: the owners in "
				 "/proc/kpagecgroup cannot be named; --no-owners works without them");
	}
	return 0;
}

void snap_kpages_close(struct snap_kpages *k)
{
	snap_kpage_close(&k->cg);
	snap_kpage_close(&k->flags);
	k->have_cg = k->have_flags = false;
}

int snap_proc_memcg(const struct snap_memcg_mount *mnt, int pid, char *out, size_t len,
		    char *msg, size_t msglen)
{
	char path[64], *text;
	size_t rl;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	text = snap_read_text(path);
	if (!text)
		return snap_fail(msg, msglen, SNAP_ERR_USAGE, "%s: %s", path,
				 errno == ENOENT ? "no such process" : strerror(errno));
	if (!mnt->found || snap_proc_cgroup_path(text, mnt->v1, out, len))
		snprintf(out, len, "/");
	free(text);
	/* a path inside the mount's own root: make it relative to the mount */
	rl = strlen(mnt->root);
	if (rl > 1 && !strncmp(out, mnt->root, rl) && (out[rl] == '/' || !out[rl]))
		memmove(out, out[rl] ? out + rl : "/", strlen(out[rl] ? out + rl : "/") + 1);
	return 0;
}

void snap_proc_comm(int pid, char *comm, size_t len)
{
	char path[64], *text;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	text = snap_read_text(path);
	snprintf(comm, len, "%s", text ? text : "?");
	comm[strcspn(comm, "\n")] = '\0';
	free(text);
}

static void progress(const struct snap_scan *cb, int pid, uint64_t done, uint64_t total,
		     bool last)
{
	if (!cb->progress || total < PROGRESS_MIN)
		return;
	fprintf(stderr, "%s: pid %d (%s): %llu of %llu MiB resident read%s", cb->progress,
		pid, cb->comm ? cb->comm : "?", (unsigned long long)(done >> 20),
		(unsigned long long)(total >> 20),
		last ? "\n" : (isatty(2) ? "\r" : "\n"));
}

/* One present page: what it is; false for pages not charged. */
static bool page_info(const struct snap_vma *v, const struct snap_pme *e, uint64_t fl,
		      uint64_t ino, struct snap_scan_stats *st, struct snap_pageinfo *pi)
{
	if (e->pfn)
		st->pfns = true;
	if (snap_kpf(fl, SNAP_KPF_ZERO_PAGE)) {
		st->zero++;
		return false;
	}
	if (snap_kpf(fl, SNAP_KPF_HUGE)) {
		st->hugetlb++;
		return false;
	}
	pi->pfn = e->pfn;
	pi->flags = fl;
	pi->memcg_ino = ino;
	pi->dirty = false;
	if (fl && !snap_kpf(fl, SNAP_KPF_NOPAGE)) {
		pi->cls = snap_kpf_class(fl);
		pi->dirty = snap_kpf(fl, SNAP_KPF_DIRTY);
	} else if (!e->file_or_shared || v->kind == SNAP_VMA_ANON) {
		pi->cls = SNAP_PAGE_ANON;
	} else {
		pi->cls = v->kind == SNAP_VMA_SHMEM ? SNAP_PAGE_SHMEM : SNAP_PAGE_FILE;
	}
	/* no page cache in an anonymous mapping: KSM and the like */
	if (v->kind == SNAP_VMA_ANON)
		pi->cls = SNAP_PAGE_ANON;
	return true;
}

/* A frame to look up and where its entry is in the chunk. */
struct frame {
	uint64_t pfn;
	size_t at;
};

static int frame_cmp(const void *a, const void *b)
{
	const struct frame *x = a, *y = b;

	return CMP3(x->pfn, y->pfn);
}

/*
 * kpageflags and kpagecgroup of the present pages of a chunk, read in
 * frame order: a run of nearby frames per read, not a read per page.
 */
static void lookup_frames(struct snap_kpages *k, const uint64_t *pm, size_t n, uint64_t *fl,
			  uint64_t *ino, struct frame *fr, uint64_t *tmp_pfn, uint64_t *tmp_val)
{
	size_t i, nf = 0;

	memset(fl, 0, n * sizeof(*fl));
	memset(ino, 0, n * sizeof(*ino));
	for (i = 0; i < n; i++) {
		struct snap_pme e;

		snap_pagemap_decode(pm[i], &e);
		if (e.present && e.pfn)
			fr[nf++] = (struct frame){ e.pfn, i };
	}
	if (!nf || (!k->have_flags && !k->have_cg))
		return;
	for (i = 1; i < nf && fr[i - 1].pfn <= fr[i].pfn; i++)
		;
	if (i < nf)
		qsort(fr, nf, sizeof(*fr), frame_cmp);	/* often in order already */
	for (i = 0; i < nf; i++)
		tmp_pfn[i] = fr[i].pfn;
	if (k->have_flags) {
		snap_kpage_get_sorted(&k->flags, tmp_pfn, nf, tmp_val);
		for (i = 0; i < nf; i++)
			fl[fr[i].at] = tmp_val[i];
	}
	if (k->have_cg) {
		snap_kpage_get_sorted(&k->cg, tmp_pfn, nf, tmp_val);
		for (i = 0; i < nf; i++)
			ino[fr[i].at] = tmp_val[i];
	}
}

static int open_pagemap(int pid, char *path, size_t plen, int *fd, char *msg, size_t len)
{
	int err;

	snprintf(path, plen, "/proc/%d/pagemap", pid);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	err = errno;
	if (err == EACCES || err == EPERM)
		return snap_fail(msg, len, SNAP_ERR_USAGE,
				 "%s: permission denied (run as the process's owner or as root)",
				 path);
	return snap_fail(msg, len, SNAP_ERR_USAGE, "%s: %s", path,
			 err == ENOENT ? "no such process" : strerror(err));
}

int snap_scan_pages(int pid, const struct snap_vma *vmas, size_t nvma, struct snap_kpages *k,
		    struct snap_scan_stats *st, const struct snap_scan *cb, char *msg, size_t len)
{
	char path[64];
	uint64_t *buf, *fl, *ino, *tmp_pfn, *tmp_val;
	struct frame *fr;
	uint64_t total = 0, done = 0, next_report = 256ULL << 20, reported = 0;
	size_t vi;
	int fd, err = open_pagemap(pid, path, sizeof(path), &fd, msg, len);

	if (err)
		return err;
	buf = xmalloc(5 * CHUNK * sizeof(uint64_t));
	fl = buf + CHUNK;
	ino = fl + CHUNK;
	tmp_pfn = ino + CHUNK;
	tmp_val = tmp_pfn + CHUNK;
	fr = xmalloc(CHUNK * sizeof(*fr));
	for (vi = 0; vi < nvma; vi++)
		if (vmas[vi].kind != SNAP_VMA_SKIP && vmas[vi].rss != UINT64_MAX)
			total += vmas[vi].rss;
	for (vi = 0; vi < nvma; vi++) {
		const struct snap_vma *v = &vmas[vi];
		uint64_t first = v->l.start / SNAP_PAGE_SIZE, n = (v->l.end - v->l.start) / SNAP_PAGE_SIZE;
		uint64_t at;

		if (v->kind == SNAP_VMA_SKIP) {
			if (v->rss != UINT64_MAX)
				st->skipped_vma_pages += v->rss / SNAP_PAGE_SIZE;
			continue;
		}
		if (v->rss == 0)
			continue;
		if (cb->progress && n > (64ULL << 30) / SNAP_PAGE_SIZE)
			fprintf(stderr, "%s: pid %d: scanning a mapping of %llu GiB "
				"(pagemap has 8 bytes per virtual page): this takes a while\n",
				cb->progress, pid, (unsigned long long)(n * SNAP_PAGE_SIZE >> 30));
		for (at = 0; at < n; at += CHUNK) {
			size_t cn = (size_t)MIN((uint64_t)CHUNK, n - at), j;

			err = snap_pagemap_read(fd, first + at, buf, cn);
			if (err) {
				close(fd);
				free(buf);
				free(fr);
				if (err == -EACCES || err == -EPERM)
					return snap_fail(msg, len, SNAP_ERR_USAGE, "%s: permission denied",
							 path);
				return snap_fail(msg, len, SNAP_ERR_USAGE,
						 "%s: %s (did the process exit?)", path, strerror(-err));
			}
			lookup_frames(k, buf, cn, fl, ino, fr, tmp_pfn, tmp_val);
			for (j = 0; j < cn; j++) {
				struct snap_pme e;
				struct snap_pageinfo pi;

				snap_pagemap_decode(buf[j], &e);
				if (e.swapped) {
					st->swapped++;
					if (cb->swap)
						cb->swap(cb->arg, vi, at + j);
					continue;
				}
				if (!e.present)
					continue;
				st->present++;
				done += SNAP_PAGE_SIZE;
				if (!page_info(v, &e, fl[j], ino[j], st, &pi))
					continue;
				pi.idx = at + j;
				cb->page(cb->arg, vi, &pi);
			}
			if (done >= next_report) {
				progress(cb, pid, done, total, false);
				reported = done;
				next_report = done + (256ULL << 20);
			}
		}
	}
	if ((reported >> 20) != (done >> 20) || isatty(2))
		progress(cb, pid, done, total, true);
	close(fd);
	free(buf);
	free(fr);
	return 0;
}
