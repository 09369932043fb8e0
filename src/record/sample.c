// SPDX-License-Identifier: GPL-2.0-only
/*
 * One sample of a recording, read from procfs and the cgroup filesystem
 * with snapshot's readers (src/snapshot/process.c). Which processes: the
 * given pids (the same processes: pid and start time), every process of
 * the given cgroups and their descendants, every descendant of a process
 * followed, and every process followed before that is still alive; not
 * this one, not zombies. For each: /proc/PID/stat (parent, start time),
 * comm, its memory cgroup, its mappings, its present pages with their
 * owners (/proc/kpagecgroup) and its swap entries. For every cgroup: does
 * its directory still exist, its limits, its memory.stat.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/base.h"
#include "record.h"

#define WALK_MAX_DEPTH 64
#define WALK_MAX_DIRS 100000
#define V1_UNLIMITED (1ULL << 62)	/* v1 shows "max" as PAGE_COUNTER_MAX pages in bytes */

int rec_proc_stat(int pid, int *ppid, uint64_t *start, char *state)
{
	char path[64], *text, *p;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	text = snap_read_text(path);
	if (!text)
		return -errno;
	/* "PID (COMM) STATE PPID ...": comm may hold blanks and parentheses */
	p = strrchr(text, ')');
	if (!p || p[1] != ' ') {
		free(text);
		return -EINVAL;
	}
	p += 2;
	*state = *p;
	for (field = 3; *p && field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			break;
		p++;
		if (field + 1 == 4)
			*ppid = atoi(p);
	}
	if (field != 22 || !p) {
		free(text);
		return -EINVAL;
	}
	*start = strtoull(p, NULL, 10);
	free(text);
	return 0;
}

/* ---- which processes --------------------------------------------------- */

struct pinfo {
	int pid, ppid;
	uint64_t start;
	bool follow, given;
};

static int pinfo_cmp(const void *a, const void *b)
{
	return ((const struct pinfo *)a)->pid - ((const struct pinfo *)b)->pid;
}

static struct pinfo *pinfo_find(struct pinfo *all, size_t n, int pid)
{
	struct pinfo key = { .pid = pid };

	return bsearch(&key, all, n, sizeof(*all), pinfo_cmp);
}

/* Every live process: pid, parent, start time. */
static struct pinfo *scan_proc(int self, size_t *n)
{
	struct pinfo *all = NULL;
	size_t cap = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		int pid = atoi(e->d_name), ppid = 0;
		uint64_t start;
		char state;

		if (pid <= 0 || pid == self || rec_proc_stat(pid, &ppid, &start, &state))
			continue;
		if (state == 'Z' || state == 'X')
			continue;
		REC_GROW(all, *n, cap);
		all[(*n)++] = (struct pinfo){ pid, ppid, start, false, false };
	}
	closedir(d);
	if (*n)
		qsort(all, *n, sizeof(*all), pinfo_cmp);
	return all;
}

/* ---- the given cgroups' subtrees ------------------------------------------ */

struct walk {
	struct recorder *r;
	int *pids;
	size_t npid, pid_cap;
	size_t dirs;
};

static void read_procs(struct walk *w, const char *dir)
{
	struct strbuf sb;
	char *text, *p;

	sb_init(&sb);
	sb_printf(&sb, "%s/cgroup.procs", dir);
	text = snap_read_text(sb.buf);
	sb_free(&sb);
	for (p = text; p && *p;) {
		int pid = atoi(p);

		if (pid > 0) {
			REC_GROW(w->pids, w->npid, w->pid_cap);
			w->pids[w->npid++] = pid;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	free(text);
}

static void walk(struct walk *w, const char *rel, int depth)
{
	struct recorder *r = w->r;
	struct strbuf dir;
	struct stat st;
	DIR *d;
	struct dirent *e;
	int cg;

	if (depth > WALK_MAX_DEPTH || w->dirs >= WALK_MAX_DIRS)
		return;
	sb_init(&dir);
	sb_printf(&dir, "%s%s", r->mnt.dir, strcmp(rel, "/") ? rel : "");
	if (stat(dir.buf, &st) || !S_ISDIR(st.st_mode)) {
		sb_free(&dir);
		return;
	}
	w->dirs++;
	cg = rec_cgroup_get(r, rel);
	r->cgs[cg].traced = true;
	r->cgs[cg].seen = true;
	r->cgs[cg].ino = (uint64_t)st.st_ino;
	read_procs(w, dir.buf);
	d = opendir(dir.buf);
	while (d && (e = readdir(d))) {
		struct strbuf child;

		if (e->d_name[0] == '.' || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN))
			continue;
		sb_init(&child);
		sb_printf(&child, "%s/%s", strcmp(rel, "/") ? rel : "", e->d_name);
		walk(w, child.buf, depth + 1);
		sb_free(&child);
	}
	if (d)
		closedir(d);
	sb_free(&dir);
}

/* ---- one process ------------------------------------------------------------ */

struct page_ctx {
	struct recorder *r;
	struct rec_sample *s;
	struct rec_sproc *sp;
	uint64_t last_ino;
	int last_cg;
};

static void on_page(void *arg, size_t vma, const struct snap_pageinfo *pi)
{
	struct page_ctx *c = arg;
	struct rec_sproc *sp = c->sp;
	struct rec_spage *pg;
	int owner = -1;

	if (c->r->owners) {
		if (!pi->memcg_ino) {
			owner = c->r->root;	/* no memcg: the model charges the root */
		} else if (pi->memcg_ino == c->last_ino) {
			owner = c->last_cg;
		} else {
			owner = rec_cgroup_by_ino(c->r, pi->memcg_ino);
			c->last_ino = pi->memcg_ino;
			c->last_cg = owner;
		}
	}
	if (vma >= REC_MAX_VMAS)
		return;		/* beyond any vm.max_map_count in use */
	REC_GROW(sp->pages, sp->npage, sp->page_cap);
	pg = &sp->pages[sp->npage++];
	pg->vpn = sp->vmas[vma].start + pi->idx;
	pg->pfn = pi->pfn;
	pg->owner = owner;
	pg->vma = (uint32_t)vma;
	pg->cls = (uint32_t)pi->cls;
	pg->dirty = pi->dirty;
}

static void on_swap(void *arg, size_t vma, uint64_t idx)
{
	struct page_ctx *c = arg;
	struct rec_sproc *sp = c->sp;

	REC_GROW(sp->swapped, sp->nswap, sp->swap_cap);
	sp->swapped[sp->nswap++] = sp->vmas[vma].start + idx;
}

static void convert_vmas(struct recorder *r, struct rec_sproc *sp, const struct snap_vma *v,
			 size_t n)
{
	size_t i;

	sp->vmas = xcalloc(n ? n : 1, sizeof(*sp->vmas));
	sp->nvma = sp->vma_cap = n;
	for (i = 0; i < n; i++) {
		struct rec_svma *o = &sp->vmas[i];

		o->start = v[i].l.start / SNAP_PAGE_SIZE;
		o->end = v[i].l.end / SNAP_PAGE_SIZE;
		o->pgoff = v[i].l.offset / SNAP_PAGE_SIZE;
		o->kind = (uint8_t)v[i].kind;
		o->shared = v[i].shared;
		o->file = -1;
		memcpy(o->perms, v[i].l.perms, sizeof(o->perms));
		if (v[i].kind == SNAP_VMA_SHMEM || v[i].kind == SNAP_VMA_FILE) {
			/* a shared anonymous mapping without an inode: its own object */
			uint64_t ino = v[i].l.inode ? v[i].l.inode : ~(v[i].l.start ^ (uint64_t)sp->pid);
			struct rec_file *f;

			o->file = rec_file_get(r, v[i].l.major, v[i].l.minor, ino, v[i].l.path);
			f = &r->files[o->file];
			if (v[i].kind == SNAP_VMA_SHMEM && !f->model)
				f->shmem = true;
			f->hint_pid = sp->pid;
			f->hint_start = v[i].l.start;
			f->hint_end = v[i].l.end;
		}
	}
}

static int read_proc(struct recorder *r, struct rec_source *src, struct rec_sample *s,
		     const struct pinfo *pi, char *msg, size_t len)
{
	struct rec_sproc *sp;
	struct snap_vma *vmas;
	struct snap_scan_stats st;
	struct page_ctx c;
	struct snap_scan cb;
	char path[4096];
	size_t nvma;
	int err;

	s->procs = xrealloc(s->procs, (s->nproc + 1) * sizeof(*s->procs));
	sp = &s->procs[s->nproc];
	memset(sp, 0, sizeof(*sp));
	sp->pid = pi->pid;
	sp->ppid = pi->ppid;
	sp->start = pi->start;
	snap_proc_comm(pi->pid, sp->comm, sizeof(sp->comm));
	err = snap_proc_memcg(&r->mnt, pi->pid, path, sizeof(path), msg, len);
	if (err)
		return err;
	sp->cg = rec_cgroup_get(r, path);
	r->cgs[sp->cg].seen = true;
	err = snap_read_vmas(pi->pid, &vmas, &nvma, msg, len);
	if (err)
		return err;
	convert_vmas(r, sp, vmas, nvma);
	memset(&st, 0, sizeof(st));
	c = (struct page_ctx){ r, s, sp, 0, -1 };
	cb = (struct snap_scan){ on_page, on_swap, &c, NULL, sp->comm };
	err = snap_scan_pages(pi->pid, vmas, nvma, &src->k, &st, &cb, msg, len);
	snap_vmas_free(vmas, nvma);
	src->pfns |= st.pfns;
	if (err) {
		rec_sproc_free(sp);
		return err;
	}
	/* exactly what it holds: a sample is most of a recording's memory */
	sp->pages = xrealloc(sp->pages, (sp->npage ? sp->npage : 1) * sizeof(*sp->pages));
	sp->page_cap = sp->npage;
	s->nproc++;
	return 0;
}

static int sproc_cmp(const void *pa, const void *pb)
{
	const struct rec_sproc *a = pa, *b = pb;
	int c = CMP3(a->start, b->start);

	return c ? c : a->pid - b->pid;
}

/* ---- the cgroups' files ------------------------------------------------- */

static char *read_value(const char *dir, const char *file)
{
	struct strbuf sb;
	char *text;

	sb_init(&sb);
	sb_printf(&sb, "%s/%s", dir, file);
	text = snap_read_text(sb.buf);
	sb_free(&sb);
	if (text)
		text[strcspn(text, "\n")] = '\0';
	return text;
}

static uint64_t stat_key(const char *text, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtoull(p + kl + 1, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return 0;
}

static void set_limit(struct rec_cgroup *c, int k, char *v)
{
	free(c->host_limit[k]);
	c->host_limit[k] = v;
}

/* A v1 byte count as v2 writes it: "max" for unlimited. */
static char *v1_bytes(uint64_t v)
{
	struct strbuf sb;

	if (v >= V1_UNLIMITED)
		return xstrdup("max");
	sb_init(&sb);
	sb_printf(&sb, "%llu", (unsigned long long)v);
	return sb_detach(&sb);
}

static void read_files(struct recorder *r, struct rec_cgroup *c)
{
	struct strbuf dir;
	char *text;
	int k;

	sb_init(&dir);
	sb_printf(&dir, "%s%s", r->mnt.dir, strcmp(c->path, "/") ? c->path : "");
	if (!r->v1) {
		for (k = 0; k < REC_NLIMITS; k++)
			set_limit(c, k, read_value(dir.buf, rec_limit_file[k]));
	} else {
		char *mem = read_value(dir.buf, "memory.limit_in_bytes");
		char *memsw = read_value(dir.buf, "memory.memsw.limit_in_bytes");
		uint64_t m = mem ? strtoull(mem, NULL, 10) : V1_UNLIMITED;

		set_limit(c, REC_MAX, mem ? v1_bytes(m) : NULL);
		if (memsw) {
			/* memory+swap: what is left for swap once memory is full */
			uint64_t ms = strtoull(memsw, NULL, 10);

			set_limit(c, REC_SWAP_MAX, v1_bytes(ms >= V1_UNLIMITED ? ms : ms - MIN(ms, m)));
		}
		free(mem);
		free(memsw);
	}
	sb_puts(&dir, "/memory.stat");
	text = snap_read_text(dir.buf);
	c->has_host = text != NULL;
	if (text && r->v1) {
		c->host[0] = stat_key(text, "total_rss");
		c->host[1] = stat_key(text, "total_cache");
		c->host[2] = stat_key(text, "total_shmem");
	} else if (text) {
		c->host[0] = stat_key(text, "anon");
		c->host[1] = stat_key(text, "file");
		c->host[2] = stat_key(text, "shmem");
	}
	free(text);
	sb_free(&dir);
}

/* Does the directory of c still exist, as the same cgroup? */
static bool still_there(const struct recorder *r, const struct rec_cgroup *c)
{
	struct strbuf dir;
	struct stat st;
	bool ok;

	sb_init(&dir);
	sb_printf(&dir, "%s%s", r->mnt.dir, strcmp(c->path, "/") ? c->path : "");
	ok = !stat(dir.buf, &st) && S_ISDIR(st.st_mode) && (!c->ino || c->ino == (uint64_t)st.st_ino);
	sb_free(&dir);
	return ok;
}

/* ---- the sample ----------------------------------------------------------- */

static bool is_given(const struct rec_source *src, const struct pinfo *p)
{
	size_t i;

	for (i = 0; i < src->npid; i++)
		if (src->pids[i] == p->pid && (!src->first_done || src->pid_start[i] == p->start))
			return true;
	return false;
}

int rec_read_sample(struct recorder *r, struct rec_source *src, struct rec_sample *s,
		    char *msg, size_t len)
{
	struct walk w = { r, NULL, 0, 0, 0 };
	struct pinfo *all;
	size_t nall, i;
	bool more;
	int err = 0;

	memset(s, 0, sizeof(*s));
	r->cgino_fresh = false;
	for (i = 0; i < r->ncg; i++)
		r->cgs[i].seen = (int)i == r->root;
	for (i = 0; i < r->nfile; i++)
		r->files[i].hint_pid = 0;
	src->ncgroup_present = 0;
	for (i = 0; i < src->ncgroup; i++) {
		size_t before = w.dirs;

		walk(&w, src->cgroups[i], 0);
		if (!src->first_done && w.dirs == before) {
			free(w.pids);
			return snap_fail(msg, len, SNAP_ERR_USAGE, "no such cgroup: %s%s",
					 r->mnt.dir, src->cgroups[i]);
		}
		src->ncgroup_present += w.dirs > before;
	}
	all = scan_proc(src->self, &nall);
	for (i = 0; i < nall; i++) {
		struct pinfo *p = &all[i];

		p->given = is_given(src, p);
		p->follow = p->given || rec_proc_find(r, p->pid, p->start);
	}
	for (i = 0; i < w.npid; i++) {
		struct pinfo *p = pinfo_find(all, nall, w.pids[i]);

		if (p)
			p->follow = true;
	}
	free(w.pids);
	/* descendants of the processes followed, down to the leaves */
	do {
		more = false;
		for (i = 0; i < nall; i++) {
			struct pinfo *parent;

			if (all[i].follow)
				continue;
			parent = pinfo_find(all, nall, all[i].ppid);
			if (parent && parent->follow)
				all[i].follow = more = true;
		}
	} while (more);
	if (!src->first_done) {
		for (i = 0; i < src->npid; i++) {
			struct pinfo *p = pinfo_find(all, nall, src->pids[i]);

			if (!p) {
				free(all);
				return snap_fail(msg, len, SNAP_ERR_USAGE, "no such process: %d",
						 src->pids[i]);
			}
			src->pid_start[i] = p->start;
		}
	}
	for (i = 0; i < nall && !err; i++) {
		if (!all[i].follow)
			continue;
		err = read_proc(r, src, s, &all[i], msg, len);
		/* a process that exits while it is read is gone at this sample */
		if (err && (src->first_done || !all[i].given))
			err = 0;
	}
	free(all);
	if (err)
		return err;
	if (s->nproc)
		qsort(s->procs, s->nproc, sizeof(*s->procs), sproc_cmp);
	/*
	 * Whether each cgroup exists is decided here, after every page was
	 * read, not by the walk or a process's /proc/PID/cgroup read before
	 * them: kpagecgroup reports a removed memcg as its parent only once it
	 * is offline, which the kernel does after rmdir took its directory
	 * away. A cgroup the walk saw and that was removed while the pages
	 * were read is gone at this sample, so that a page of it now reported
	 * as its parent stays its page (dying), not its parent's. A cgroup
	 * whose directory was never found (no inode: a process's path the
	 * mount does not show) keeps the word of the process running there.
	 */
	for (i = 0; i < r->ncg; i++) {
		struct rec_cgroup *c = &r->cgs[i];

		if (c->removed || (int)i == r->root)
			continue;
		c->seen = still_there(r, c) || (c->seen && !c->ino);
		if (c->seen)
			read_files(r, c);
	}
	src->first_done = true;
	return 0;
}
