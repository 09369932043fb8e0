// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who touches each page first. A page is charged to the memcg of the task
 * that first brings it in, so the scenario has a process of the owning
 * cgroup do that: a read(2) of a clean page-cache page, a write(2) of a
 * dirty or shmem one (exact ranges: a fault would read around), a write
 * fault of a private anonymous page by the process that maps it (moved
 * into the owning cgroup for it when it runs elsewhere). Then every mapper
 * maps its pages, which charges nothing new. A private anonymous page
 * several processes share (copy-on-write after fork) is touched once:
 * without the fork that made the sharing the others would copy it.
 * Also: names in the scenario for cgroups, files and mappings, and the
 * bytes the kernel charged to each cgroup.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "snapshot.h"

static bool safe_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("._-+@=,~%", c);
}

/* A path component or name usable in a scenario token. */
static void sanitize(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sb_add(sb, safe_char(s[i]) ? &s[i] : "_", 1);
}

char *snap_model_cgroup_path(const char *host_path)
{
	struct strbuf sb;
	const char *p = host_path;

	if (!strcmp(p, "/"))
		return xstrdup("/");
	sb_init(&sb);
	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (!n)
			break;
		sb_puts(&sb, "/");
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			sb_puts(&sb, "_");
		sanitize(&sb, p, n);
		p += n;
	}
	if (!sb.len)
		sb_puts(&sb, "/");
	if (!strcmp(sb.buf, "/proc") || !strncmp(sb.buf, "/proc/", 6)) {
		/* /proc is the model's own: a host cgroup called proc gets renamed */
		struct strbuf r;

		sb_init(&r);
		sb_printf(&r, "/proc_%s", sb.buf + 5);
		sb_free(&sb);
		return sb_detach(&r);
	}
	return sb_detach(&sb);
}

static char *model_cgroup_path(const struct snap_cgroup *c)
{
	struct strbuf sb;

	if (c->dying) {
		sb_init(&sb);
		sb_printf(&sb, "/snapshot-dying-%llu", (unsigned long long)c->ino);
		return sb_detach(&sb);
	}
	return snap_model_cgroup_path(c->path);
}

/* The snapshot's and the recording's own directories are never a host path. */
static bool path_is_safe(const char *p)
{
	const char *c;

	if (p[0] != '/' || strlen(p) > 4000 || strstr(p, "//") || strstr(p, "/./") ||
	    strstr(p, "/../") || !strncmp(p, "/snapshot-", 10) || !strncmp(p, "/record-", 8))
		return false;
	for (c = p; *c; c++)
		if (!safe_char(*c) && *c != '/')
			return false;
	if (c > p && (c[-1] == '/' || c[-1] == '.'))
		return false;
	return true;
}

char *snap_model_file_path(const char *real, uint64_t ino, bool shmem, const char *prefix)
{
	const char *base;
	size_t n = strlen(real), i;
	struct strbuf sb;
	bool deleted = n > 10 && !strcmp(real + n - 10, " (deleted)");

	sb_init(&sb);
	if (!shmem && !deleted && path_is_safe(real)) {
		sb_puts(&sb, real);
		return sb_detach(&sb);
	}
	if (deleted)
		n -= 10;
	base = real;
	for (i = 0; i < n; i++)
		if (real[i] == '/')
			base = real + i + 1;
	sb_printf(&sb, "/%s-%s/", prefix, shmem ? "shm" : "files");
	if (!*base || !strcmp(real, "(shared anonymous)"))
		sb_puts(&sb, "shared-anon");
	else
		sanitize(&sb, base, (size_t)(real + n - base));
	if (deleted && !shmem)
		sb_puts(&sb, "-deleted");
	sb_printf(&sb, "-%llu", (unsigned long long)ino);
	return sb_detach(&sb);
}

static void name_file(struct snapshot *s, size_t fi)
{
	struct snap_file *f = &s->files[fi];
	char *name = snap_model_file_path(f->real, f->ino, f->shmem, "snapshot");
	size_t i;

	/* two files under one name (mount namespaces): the inode tells them apart */
	for (i = 0; i < fi; i++)
		if (s->files[i].model && !strcmp(s->files[i].model, name)) {
			struct strbuf sb;

			sb_init(&sb);
			sb_printf(&sb, "%s.%llu", name, (unsigned long long)f->ino);
			free(name);
			name = sb_detach(&sb);
			break;
		}
	f->model = name;
}

/* The identity of a page: its frame, or its place in a file. */
struct pkey {
	int kind;		/* 0 anon by pfn, 1 anon unknown pfn, 2 file page */
	uint64_t a, b;
	size_t rec;
};

static int pkey_cmp(const void *pa, const void *pb)
{
	const struct pkey *x = pa, *y = pb;
	int c;

	if ((c = CMP3(x->kind, y->kind)) || (c = CMP3(x->a, y->a)) || (c = CMP3(x->b, y->b)))
		return c;
	return CMP3(x->rec, y->rec);
}

static void op_add(struct snap_op **ops, size_t *n, size_t *cap, int phase, int actor,
		   int via, int kind, int target, uint64_t page)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*ops = xrealloc(*ops, *cap * sizeof(**ops));
	}
	(*ops)[*n] = (struct snap_op){ phase, actor, via, kind, target, page };
	(*n)++;
}

/* A process of cgroup cg: a given one, else the cgroup's placeholder. */
static int actor_in(struct snapshot *s, int cg)
{
	size_t i;

	for (i = 0; i < s->nproc; i++)
		if (s->procs[i].cg == cg)
			return (int)i;
	s->cgroups[cg].holder = (int)(s->nproc + (size_t)cg);
	return s->cgroups[cg].holder;
}

size_t snap_plan(struct snapshot *s, struct snap_op **out)
{
	struct pkey *keys = xmalloc((s->npage ? s->npage : 1) * sizeof(*keys));
	struct snap_op *ops = NULL;
	size_t nops = 0, cap = 0, i, j;

	for (i = 0; i < s->ncg; i++)
		s->cgroups[i].model = model_cgroup_path(&s->cgroups[i]);
	for (i = 0; i < s->nfile; i++)
		name_file(s, i);
	/* private file mappings with copy-on-write pages get an anon companion */
	for (i = 0; i < s->npage; i++) {
		struct snap_vma *v = &s->procs[s->pages[i].proc].vmas[s->pages[i].vma];

		if (s->pages[i].cls == SNAP_PAGE_ANON && v->file >= 0)
			v->cow_map = 0;
	}
	/* mappings: every charged kind, but not empty reservations (---p) */
	for (i = 0; i < s->nproc; i++) {
		struct snap_proc *p = &s->procs[i];

		for (j = 0; j < p->nvma; j++) {
			struct snap_vma *v = &p->vmas[j];

			if (v->kind == SNAP_VMA_SKIP)
				continue;
			if (!strncmp(v->l.perms, "---", 3) && v->rss == 0)
				continue;
			v->map = p->next_map++;
			if (v->cow_map == 0)
				v->cow_map = p->next_map++;
		}
	}
	for (i = 0; i < s->npage; i++) {
		const struct snap_page *pg = &s->pages[i];
		struct snap_vma *v = &s->procs[pg->proc].vmas[pg->vma];

		if (v->map < 0)
			v->map = s->procs[pg->proc].next_map++;
		if (v->cow_map == 0)
			v->cow_map = s->procs[pg->proc].next_map++;
		keys[i].rec = i;
		if (pg->cls == SNAP_PAGE_ANON || v->file < 0) {
			keys[i].kind = pg->pfn ? 0 : 1;
			keys[i].a = pg->pfn ? pg->pfn : i;
			keys[i].b = 0;
		} else {
			keys[i].kind = 2;
			keys[i].a = (uint64_t)v->file;
			keys[i].b = v->l.offset / SNAP_PAGE_SIZE + pg->idx;
		}
		if (v->file >= 0 && keys[i].kind == 2) {
			struct snap_file *f = &s->files[v->file];

			if (keys[i].b + 1 > f->pages)
				f->pages = keys[i].b + 1;
		}
	}
	if (s->npage)
		qsort(keys, s->npage, sizeof(*keys), pkey_cmp);
	for (i = 0; i < s->npage; i = j) {
		const struct snap_page *first = &s->pages[keys[i].rec];
		int owner = first->owner, cls = first->cls;
		size_t k, pick = keys[i].rec;

		for (j = i + 1; j < s->npage && keys[j].kind == keys[i].kind &&
			    keys[j].a == keys[i].a && keys[j].b == keys[i].b; j++)
			;
		s->st.distinct++;
		/* the kernel's charge; a page without memcg goes to the root */
		if (first->memcg_ino || !s->owners)
			s->cgroups[owner].bytes[cls] += SNAP_PAGE_SIZE;
		else
			s->none_bytes[cls] += SNAP_PAGE_SIZE;
		if (keys[i].kind != 2) {
			const struct snap_vma *v;
			int via;

			for (k = i; k < j; k++)
				if (s->procs[s->pages[keys[k].rec].proc].cg == owner) {
					pick = keys[k].rec;
					break;
				}
			s->st.cow_shared += j - i - 1;
			v = &s->procs[s->pages[pick].proc].vmas[s->pages[pick].vma];
			via = s->procs[s->pages[pick].proc].cg == owner ? -1 : owner;
			op_add(&ops, &nops, &cap, 0, s->pages[pick].proc, via, SNAP_OP_TOUCH_W,
			       v->file >= 0 ? v->cow_map : v->map, s->pages[pick].idx);
			if (via >= 0)
				s->cgroups[owner].needs_via = true;
			continue;
		}
		/* page cache: the owner's read or write, then every mapper */
		{
			bool dirty = false;
			int actor = -1;

			for (k = i; k < j; k++) {
				const struct snap_page *pg = &s->pages[keys[k].rec];

				dirty |= pg->dirty;
				if (actor < 0 && s->procs[pg->proc].cg == owner)
					actor = pg->proc;
			}
			if (actor < 0)
				actor = actor_in(s, owner);
			op_add(&ops, &nops, &cap, 0, actor, -1,
			       dirty || cls == SNAP_PAGE_SHMEM ? SNAP_OP_WRITE : SNAP_OP_READ,
			       (int)keys[i].a, keys[i].b);
			for (k = i; k < j; k++) {
				const struct snap_page *pg = &s->pages[keys[k].rec];
				const struct snap_vma *v = &s->procs[pg->proc].vmas[pg->vma];

				op_add(&ops, &nops, &cap, 1, pg->proc, -1,
				       v->shared && pg->dirty ? SNAP_OP_TOUCH_W : SNAP_OP_TOUCH,
				       v->map, pg->idx);
			}
		}
	}
	free(keys);
	*out = ops;
	return nops;
}
