// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pages from one sample to the next. A page is charged to the memcg of
 * the task that first brings it in and stays there (6.1), so the model
 * must be told who brings in each page the sample shows for the first
 * time, and which pages went away.
 *
 * Anonymous pages are known by their frame: the same frame in several
 * processes (shared copy-on-write after fork, or merged by KSM) is one
 * page, held in the model by one of its mappers. A page seen before at
 * the same place with the same owner is the same page (its frame may
 * change: migration, compaction). A new page is touched by a mapper in
 * the owning memcg, or by one moved there for the touch (charges do not
 * move with a task in v2). A page gone from where the model holds it
 * (freed, swapped out, or now owned elsewhere) can only be dropped by
 * unmapping: the model mapping is replaced and the pages still there are
 * touched again, by their owners.
 *
 * Page-cache pages are known by file and index. The owner's process
 * reads a clean page and writes a dirty or shmem one (exact ranges: a
 * fault would read around), then every mapper maps what it has present.
 * A page nobody maps any more stays while mincore(2) finds it in the
 * page cache; one that left it (reclaim, truncation) is dropped by
 * truncating the model's file below it and bringing back the pages above
 * it; a file gone from the host is unlinked.
 *
 * Owners: /proc/kpagecgroup names the memcg charged. It reports a dying
 * memcg as its nearest online ancestor, so a page whose owner was removed
 * and is now reported as that ancestor is the same page, still charged
 * to the dying memcg. Without an owner (no kpagecgroup, or a memcg that
 * could not be named) a new page goes to the cgroup of the first started
 * process that maps it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "record.h"

#define PAGE SNAP_PAGE_SIZE

/* An anonymous page of the sample: page of process pi (in r->procs). */
struct aobs {
	uint64_t pfn;
	int32_t pi;
	uint32_t page;
};

/* A page-cache page of the sample: idx of file, page of process pi. */
struct fobs {
	uint64_t idx;
	int32_t file, pi;
	uint32_t page;
};

/* A page to bring in: an anonymous touch, or a read or write of a file. */
struct add {
	uint64_t at;		/* anon: vpn; file: idx */
	int32_t who;		/* anon: the mapper (r->procs); file: the file */
	int32_t via;		/* anon: the cgroup it is moved into; -1 none */
	int32_t owner;		/* the cgroup charged */
	uint8_t write;
};

struct vec {
	void *p;
	size_t n, cap, size;
};

static void *vec_push(struct vec *v)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 256;
		v->p = xrealloc(v->p, v->cap * v->size);
	}
	return (char *)v->p + v->n++ * v->size;
}

/* Pages of one frame together, each process's in address order */
static int aobs_cmp(const void *pa, const void *pb)
{
	const struct aobs *a = pa, *b = pb;
	int c;

	if ((c = CMP3(a->pfn, b->pfn)) || (c = a->pi - b->pi))
		return c;
	return (a->page > b->page) - (a->page < b->page);
}

static int fobs_cmp(const void *pa, const void *pb)
{
	const struct fobs *a = pa, *b = pb;
	int c;

	if ((c = a->file - b->file) || (c = CMP3(a->idx, b->idx)) || (c = a->pi - b->pi))
		return c;
	return (a->page > b->page) - (a->page < b->page);
}

/* anonymous pages by mapper, then cgroup moved into, then address */
static int anon_add_cmp(const void *pa, const void *pb)
{
	const struct add *a = pa, *b = pb;
	int c;

	if ((c = a->who - b->who) || (c = a->via - b->via))
		return c;
	return CMP3(a->at, b->at);
}

/* page-cache pages by owner, file, read or write, index */
static int file_add_cmp(const void *pa, const void *pb)
{
	const struct add *a = pa, *b = pb;
	int c;

	if ((c = a->owner - b->owner) || (c = a->who - b->who) || (c = a->write - b->write))
		return c;
	return CMP3(a->at, b->at);
}

static struct rec_sproc *sproc(struct recorder *r, int pi)
{
	return &r->cur->procs[r->procs[pi].sidx];
}

static const struct rec_spage *spage(struct recorder *r, int pi, uint32_t page)
{
	return &sproc(r, pi)->pages[page];
}

/*
 * Is a page the model holds for old the page now reported as owned by
 * now? The same memcg, or a removed one reported as its ancestor.
 * Without owners a page keeps the owner it was given.
 */
static bool same_owner(struct recorder *r, int old, int now)
{
	if (!r->owners || now < 0 || old == now)
		return true;
	/* removed before this sample (not seen), or before that */
	return (r->cgs[old].removed || !r->cgs[old].seen) && rec_tree_under(r, old, now);
}

static void charge(struct recorder *r, int cg, int cls, bool add)
{
	if (add) {
		r->cgs[cg].bytes[cls] += PAGE;
		r->pages_now++;
	} else {
		r->cgs[cg].bytes[cls] -= PAGE;
		r->pages_now--;
	}
}

static void size_str(char *buf, uint64_t bytes)
{
	snap_size_str(buf, 32, bytes);
}

/* ---- model mappings ------------------------------------------------------- */

static bool seg_has(const struct rec_seg *s, uint64_t vpn, bool anon)
{
	return !s->dead && (s->file < 0) == anon && vpn >= s->start && vpn < s->end;
}

/* The live model mapping of p over vpn; pages come in runs: the last one first. */
static struct rec_seg *seg_at(struct rec_proc *p, uint64_t vpn, bool anon)
{
	size_t i;

	if (p->last_seg < p->nseg && seg_has(&p->segs[p->last_seg], vpn, anon))
		return &p->segs[p->last_seg];
	for (i = 0; i < p->nseg; i++)
		if (seg_has(&p->segs[i], vpn, anon)) {
			p->last_seg = i;
			return &p->segs[i];
		}
	return NULL;
}

static bool seg_fits(const struct rec_seg *s, const struct rec_svma *v)
{
	if (s->file < 0)
		return true;
	return v->file == s->file && (bool)v->shared == s->shared &&
	       v->pgoff + s->start - v->start == s->pgoff;
}

/* Does any mapping of the sample cover part of s with the same file? */
static bool seg_live(const struct rec_seg *s, const struct rec_sproc *sp)
{
	size_t i;

	for (i = 0; i < sp->nvma; i++) {
		const struct rec_svma *v = &sp->vmas[i];

		if (v->kind == SNAP_VMA_SKIP || v->end <= s->start || v->start >= s->end)
			continue;
		if (s->file < 0 || seg_fits(s, v))
			return true;
	}
	return false;
}

static void forget_mapped(struct rec_proc *p, uint64_t start, uint64_t end)
{
	size_t i, o = 0;

	for (i = 0; i < p->nmapped; i++)
		if ((p->mapped[i] >> 1) < start || (p->mapped[i] >> 1) >= end)
			p->mapped[o++] = p->mapped[i];
	p->nmapped = o;
}

static void seg_unmap(struct recorder *r, struct rec_proc *p, struct rec_seg *s)
{
	rec_emit(r, "%s munmap m%d\n", p->name, s->map);
	s->dead = true;
	if (s->file >= 0)
		forget_mapped(p, s->start, s->end);
}

/* A new model mapping over vma v around vpn, clear of the others of its kind. */
static struct rec_seg *seg_new(struct recorder *r, struct rec_proc *p, const struct rec_svma *v,
			       uint64_t vpn, bool anon)
{
	uint64_t lo = MAX(v->start, vpn / REC_SEG_SPAN * REC_SEG_SPAN);
	uint64_t hi = MIN(v->end, (vpn / REC_SEG_SPAN + 1) * REC_SEG_SPAN);
	struct rec_seg *s;
	char a[32], b[32];
	size_t i;

	for (i = 0; i < p->nseg; i++) {
		const struct rec_seg *o = &p->segs[i];

		if (o->dead || (o->file < 0) != anon)
			continue;
		if (o->end <= vpn && o->end > lo)
			lo = o->end;
		if (o->start > vpn && o->start < hi)
			hi = o->start;
	}
	REC_GROW(p->segs, p->nseg, p->seg_cap);
	s = &p->segs[p->nseg++];
	memset(s, 0, sizeof(*s));
	s->start = lo;
	s->end = hi;
	s->map = p->next_map++;
	s->file = anon ? -1 : v->file;
	s->shared = !anon && v->shared;
	s->pgoff = anon ? 0 : v->pgoff + (lo - v->start);
	size_str(a, (hi - lo) * PAGE);
	if (anon) {
		rec_emit(r, "%s mmap m%d anon %s   # %llx-%llx %s\n", p->name, s->map, a,
			 (unsigned long long)(lo * PAGE), (unsigned long long)(hi * PAGE), v->perms);
	} else {
		struct rec_file *f = &r->files[s->file];

		size_str(b, s->pgoff * PAGE);
		rec_emit(r, "%s mmap m%d file %s %s %s offset=%s   # %llx-%llx %s %s\n", p->name,
			 s->map, rec_file_model(r, f), a, s->shared ? "shared" : "private", b,
			 (unsigned long long)(lo * PAGE), (unsigned long long)(hi * PAGE), v->perms,
			 f->real);
		f->model_size = MAX(f->model_size, (s->pgoff + hi - lo) * PAGE);
	}
	return s;
}

/* ---- bringing pages in ---------------------------------------------------- */

static void emit_touches(struct recorder *r, struct rec_proc *p, struct rec_seg *s,
			 uint64_t first, uint64_t n, bool write)
{
	char a[32], b[32];

	size_str(a, (first - s->start) * PAGE);
	size_str(b, n * PAGE);
	rec_emit(r, "%s touch m%d %s %s%s\n", p->name, s->map, a, b, write ? "" : " ro");
}

/*
 * Touch the anonymous pages of adds (sorted by add_cmp), each by its
 * mapper, moved into the owning cgroup for it when it runs elsewhere.
 */
static void anon_touch(struct recorder *r, struct add *adds, size_t n)
{
	size_t i = 0;

	while (i < n) {
		struct rec_proc *p = &r->procs[adds[i].who];
		int via = adds[i].via;
		size_t j = i;

		if (via >= 0)
			rec_emit(r, "move %s %s   # its new pages are charged to %s\n", p->name,
				 rec_tree_tasks(r, via), r->cgs[via].path);
		while (j < n && adds[j].who == adds[i].who && adds[j].via == via) {
			struct rec_seg *s = seg_at(p, adds[j].at, true);
			uint64_t first = adds[j].at, len = 1;

			j++;
			while (j < n && adds[j].who == adds[i].who && adds[j].via == via &&
			       adds[j].at == first + len && adds[j].at < s->end)
				len++, j++;
			emit_touches(r, p, s, first, len, true);
		}
		if (via >= 0)
			rec_emit(r, "move %s %s\n", p->name, rec_tree_tasks(r, p->cg));
		i = j;
	}
}

static int held_cmp(const void *pa, const void *pb)
{
	const struct rec_held *a = pa, *b = pb;

	return CMP3(a->vpn, b->vpn);
}

/* Merge p->held[0, mid) and [mid, nheld), each in address order. */
static void held_merge(struct rec_proc *p, size_t mid)
{
	struct rec_held *t;
	size_t i = 0, j = mid, o = 0;

	if (!mid || mid == p->nheld || p->held[mid - 1].vpn < p->held[mid].vpn)
		return;
	t = xmalloc(p->nheld * sizeof(*t));
	while (i < mid || j < p->nheld)
		t[o++] = j >= p->nheld || (i < mid && p->held[i].vpn < p->held[j].vpn) ? p->held[i++]
										   : p->held[j++];
	memcpy(p->held, t, p->nheld * sizeof(*t));
	free(t);
}

static int tpage_cmp(const void *pa, const void *pb)
{
	const struct rec_tpage *a = pa, *b = pb;

	return CMP3(a->idx, b->idx);
}

/* Read or write the page-cache pages of adds (sorted), each by a process of its owner. */
static void file_bring(struct recorder *r, struct add *adds, size_t n)
{
	size_t i = 0;

	while (i < n) {
		struct rec_file *f = &r->files[adds[i].who];
		const char *who = rec_tree_actor(r, adds[i].owner);
		uint64_t first = adds[i].at, len = 1;
		char a[32], b[32];
		size_t j = i + 1;

		while (j < n && adds[j].owner == adds[i].owner && adds[j].who == adds[i].who &&
		       adds[j].write == adds[i].write && adds[j].at == first + len)
			len++, j++;
		if ((first + len) * PAGE > f->model_size) {
			size_str(a, (first + len) * PAGE);
			rec_emit(r, "rec_root truncate %s %s\n", rec_file_model(r, f), a);
			f->model_size = (first + len) * PAGE;
		}
		size_str(a, first * PAGE);
		size_str(b, len * PAGE);
		rec_emit(r, "%s %s %s %s %s\n", who, adds[i].write ? "write" : "read",
			 rec_file_model(r, f), a, b);
		i = j;
	}
}

/* ---- the plan of one interval ------------------------------------------- */

struct plan {
	struct vec aobs, fobs;		/* the sample's pages */
	struct vec anew, fnew;		/* struct add: pages to bring in */
	struct vec retouch;		/* struct add: anon pages touched again */
};

/* The owner of a new page: named, else by process start order. */
static int new_owner(struct recorder *r, int named, int first_pi)
{
	return named >= 0 ? named : r->procs[first_pi].cg;
}

static bool is_anon(const struct rec_sproc *sp, const struct rec_spage *pg)
{
	return pg->cls == SNAP_PAGE_ANON || sp->vmas[pg->vma].file < 0;
}

static void collect(struct recorder *r, struct plan *pl)
{
	size_t i, j, na = 0, nf = 0;

	/* counted first: exactly the memory the sample needs */
	for (i = 0; i < r->nproc; i++) {
		const struct rec_sproc *sp;

		if (r->procs[i].sidx < 0)
			continue;
		sp = sproc(r, (int)i);
		for (j = 0; j < sp->npage; j++) {
			if (is_anon(sp, &sp->pages[j]))
				na++;
			else
				nf++;
		}
	}
	pl->aobs.p = xmalloc((na ? na : 1) * sizeof(struct aobs));
	pl->aobs.cap = na;
	pl->fobs.p = xmalloc((nf ? nf : 1) * sizeof(struct fobs));
	pl->fobs.cap = nf;
	for (i = 0; i < r->nproc; i++) {
		struct rec_sproc *sp;

		if (r->procs[i].sidx < 0)
			continue;
		sp = sproc(r, (int)i);
		for (j = 0; j < sp->npage; j++) {
			const struct rec_spage *pg = &sp->pages[j];
			const struct rec_svma *v = &sp->vmas[pg->vma];

			if (r->owners && pg->owner < 0)
				r->st.unknown_owner++;
			if (is_anon(sp, pg)) {
				struct aobs *o = vec_push(&pl->aobs);

				*o = (struct aobs){ pg->pfn, (int32_t)i, (uint32_t)j };
			} else {
				struct fobs *o = vec_push(&pl->fobs);
				struct rec_file *f = &r->files[v->file];

				*o = (struct fobs){ v->pgoff + pg->vpn - v->start, v->file, (int32_t)i,
						    (uint32_t)j };
				if (pg->cls == SNAP_PAGE_SHMEM && !f->model)
					f->shmem = true;
			}
		}
	}
	if (pl->aobs.n)
		qsort(pl->aobs.p, pl->aobs.n, sizeof(struct aobs), aobs_cmp);
	if (pl->fobs.n)
		qsort(pl->fobs.p, pl->fobs.n, sizeof(struct fobs), fobs_cmp);
}

/* Anonymous pages: which the model keeps, and which are new. */
static void plan_anon(struct recorder *r, struct plan *pl)
{
	struct aobs *o = pl->aobs.p;
	size_t i, j, k;

	for (i = 0; i < r->nproc; i++)
		for (j = 0; j < r->procs[i].nheld; j++)
			r->procs[i].held[j].keep = 0;
	for (i = 0; i < pl->aobs.n; i = j) {
		int named = -1, owner, actor = -1;
		bool kept = false, moved = false;

		for (j = i + 1; j < pl->aobs.n && o[i].pfn && o[j].pfn == o[i].pfn; j++)
			;
		for (k = i; k < j && named < 0; k++)
			named = spage(r, o[k].pi, o[k].page)->owner;
		for (k = i; k < j && !kept; k++) {
			struct rec_held *h = rec_held_find(&r->procs[o[k].pi],
							   spage(r, o[k].pi, o[k].page)->vpn);

			if (!h || h->keep)
				continue;
			if (same_owner(r, h->owner, named)) {
				h->keep = 1;
				kept = true;
			} else {
				moved = true;
			}
		}
		if (kept)
			continue;
		if (moved)
			r->st.reowned++;
		owner = new_owner(r, named, o[i].pi);
		for (k = i; k < j && actor < 0; k++)
			if (r->procs[o[k].pi].cg == owner)
				actor = (int)k;
		if (actor < 0)
			actor = (int)i;
		{
			struct add *a = vec_push(&pl->anew);

			*a = (struct add){ spage(r, o[actor].pi, o[actor].page)->vpn, o[actor].pi,
					   r->procs[o[actor].pi].cg == owner ? -1 : owner, owner, 1 };
		}
	}
}

/* The first page p holds at or above vpn (held is in address order). */
static size_t held_from(const struct rec_proc *p, uint64_t vpn)
{
	return rec_lower_bound(p->held, p->nheld, sizeof(*p->held), vpn);
}

static bool swapped_at(const struct rec_sproc *sp, uint64_t vpn)
{
	size_t i = rec_lower_bound(sp->swapped, sp->nswap, sizeof(*sp->swapped), vpn);

	return i < sp->nswap && sp->swapped[i] == vpn;
}

/*
 * Drop the anonymous pages the model holds that are gone: replace each
 * model mapping that held one, touching again what it still holds. Also
 * unmap model mappings over addresses the process no longer maps.
 */
static void drop_anon(struct recorder *r, struct plan *pl)
{
	size_t i, j, si;

	for (i = 0; i < r->nproc; i++) {
		struct rec_proc *p = &r->procs[i];
		struct rec_sproc *sp;
		size_t nseg = p->nseg;

		if (p->sidx < 0)
			continue;
		sp = sproc(r, (int)i);
		for (si = 0; si < nseg; si++) {
			struct rec_seg s = p->segs[si];
			size_t dropped = 0, kept = 0;

			if (s.dead)
				continue;
			if (s.file >= 0) {
				if (!seg_live(&s, sp))
					seg_unmap(r, p, &p->segs[si]);
				continue;
			}
			for (j = held_from(p, s.start); j < p->nheld && p->held[j].vpn < s.end; j++) {
				const struct rec_held *h = &p->held[j];

				if (h->keep)
					kept++;
				else
					dropped++;
			}
			if (!dropped) {
				if (!kept && !seg_live(&s, sp))
					seg_unmap(r, p, &p->segs[si]);
				continue;
			}
			seg_unmap(r, p, &p->segs[si]);
			if (!kept)
				continue;
			{
				char a[32];
				struct rec_seg *n;

				REC_GROW(p->segs, p->nseg, p->seg_cap);
				n = &p->segs[p->nseg++];
				*n = s;
				n->map = p->next_map++;
				size_str(a, (s.end - s.start) * PAGE);
				rec_emit(r, "%s mmap m%d anon %s   # m%d again, without the pages it lost\n",
					 p->name, n->map, a, s.map);
			}
			for (j = held_from(p, s.start); j < p->nheld && p->held[j].vpn < s.end; j++) {
				struct rec_held *h = &p->held[j];
				struct add *a;
				int live;

				if (!h->keep)
					continue;
				live = rec_tree_live(r, h->owner);
				if (live != h->owner) {
					/* a dying memcg cannot be charged again: its live ancestor is */
					charge(r, h->owner, SNAP_PAGE_ANON, false);
					charge(r, live, SNAP_PAGE_ANON, true);
					h->owner = live;
				}
				a = vec_push(&pl->retouch);
				*a = (struct add){ h->vpn, (int32_t)i, p->cg == live ? -1 : live, live, 1 };
			}
		}
		/* forget what was dropped */
		for (j = 0, si = 0; j < p->nheld; j++) {
			if (p->held[j].keep) {
				p->held[si++] = p->held[j];
				continue;
			}
			charge(r, p->held[j].owner, SNAP_PAGE_ANON, false);
			if (swapped_at(sp, p->held[j].vpn))
				r->st.swapped_out++;
			else
				r->st.gone_pages++;
		}
		p->nheld = si;
	}
	if (pl->retouch.n) {
		qsort(pl->retouch.p, pl->retouch.n, sizeof(struct add), anon_add_cmp);
		anon_touch(r, pl->retouch.p, pl->retouch.n);
	}
}

/* Page-cache pages: which the model keeps, which are new, which are gone. */
static void plan_file(struct recorder *r, struct plan *pl)
{
	struct fobs *o = pl->fobs.p;
	size_t i, j, k;

	for (i = 0; i < r->nfile; i++)
		for (j = 0; j < r->files[i].npage; j++)
			r->files[i].pages[j].seen = r->files[i].pages[j].drop = 0;
	for (i = 0; i < pl->fobs.n; i = j) {
		struct rec_file *f = &r->files[o[i].file];
		struct rec_tpage *tp = rec_tpage_find(f, o[i].idx);
		int named = -1, owner;
		bool dirty = false;

		for (j = i + 1; j < pl->fobs.n && o[j].file == o[i].file && o[j].idx == o[i].idx; j++)
			;
		for (k = i; k < j; k++) {
			const struct rec_spage *pg = spage(r, o[k].pi, o[k].page);

			if (named < 0)
				named = pg->owner;
			dirty |= pg->dirty;
		}
		if (tp) {
			tp->seen = 1;
			if (same_owner(r, tp->owner, named))
				continue;
			tp->drop = 1;	/* brought in again below, by its owner now */
			r->st.reowned++;
		}
		owner = new_owner(r, named, o[i].pi);
		{
			struct add *a = vec_push(&pl->fnew);

			*a = (struct add){ o[i].idx, o[i].file, -1, owner, dirty || f->shmem };
		}
	}
}

/* Which unseen pages of f left the page cache; -ENOENT: f is gone. */
static int check_resident(struct recorder *r, struct rec_file *f)
{
	uint64_t lo = UINT64_MAX, hi = 0, i;
	unsigned char *vec;
	int err;

	for (i = 0; i < f->npage; i++)
		if (!f->pages[i].seen) {
			lo = MIN(lo, f->pages[i].idx);
			hi = MAX(hi, f->pages[i].idx + 1);
		}
	if (lo == UINT64_MAX)
		return 0;
	vec = xcalloc(hi - lo, 1);
	err = r->resident(r->resident_arg, f, lo, hi - lo, vec);
	for (i = 0; i < f->npage; i++) {
		struct rec_tpage *tp = &f->pages[i];

		if (!tp->seen && (err || !(vec[tp->idx - lo] & 1)))
			tp->drop = 1;
	}
	free(vec);
	return err;
}

/*
 * Drop the page-cache pages of f marked drop: unlink f when it is gone,
 * else truncate the model's file below the first and bring back the
 * pages above it that stay.
 */
static void drop_file(struct recorder *r, struct plan *pl, int fi, bool gone)
{
	struct rec_file *f = &r->files[fi];
	uint64_t low = UINT64_MAX, keep_from;
	char a[32], b[32];
	size_t i, o;

	for (i = 0; i < f->npage; i++)
		if (f->pages[i].drop) {
			low = f->pages[i].idx;
			break;
		}
	if (low == UINT64_MAX)
		return;
	keep_from = gone ? 0 : low;
	for (i = 0, o = 0; i < f->npage; i++) {
		struct rec_tpage *tp = &f->pages[i];

		if (tp->idx < keep_from) {
			f->pages[o++] = *tp;
			continue;
		}
		charge(r, tp->owner, f->shmem ? SNAP_PAGE_SHMEM : SNAP_PAGE_FILE, false);
		if (tp->drop) {
			if (!tp->seen)
				r->st.gone_pages++;
			continue;
		}
		{
			int live = rec_tree_live(r, tp->owner);
			struct add *ad = vec_push(&pl->fnew);

			*ad = (struct add){ tp->idx, fi, -1, live, tp->dirty || f->shmem };
		}
	}
	f->npage = o;
	if (gone) {
		struct strbuf key;

		rec_emit(r, "rec_root unlink %s   # gone from the host\n", rec_file_model(r, f));
		sb_init(&key);
		sb_printf(&key, "file:%s", f->model);
		strmap_set(&r->names, key.buf, 0);
		sb_free(&key);
		f->gone = true;
		return;
	}
	size_str(a, low * PAGE);
	size_str(b, f->model_size);
	rec_emit(r, "rec_root truncate %s %s   # pages from %s left the page cache\n",
		 rec_file_model(r, f), a, a);
	rec_emit(r, "rec_root truncate %s %s\n", f->model, b);
	/* the truncation unmapped them: every mapper maps them again */
	for (i = 0; i < r->nproc; i++) {
		struct rec_proc *p = &r->procs[i];
		size_t si;

		for (si = 0; si < p->nseg; si++) {
			const struct rec_seg *s = &p->segs[si];

			if (s->dead || s->file != fi || s->pgoff + s->end - s->start <= low)
				continue;
			forget_mapped(p, s->start + (low > s->pgoff ? low - s->pgoff : 0), s->end);
		}
	}
}

static void drop_files(struct recorder *r, struct plan *pl)
{
	size_t i, j;

	for (i = 0; i < r->nfile; i++) {
		struct rec_file *f = &r->files[i];
		bool any_seen = false;
		int err;

		if (f->gone || !f->npage)
			continue;
		err = check_resident(r, f);
		for (j = 0; j < f->npage; j++)
			any_seen |= f->pages[j].seen;
		drop_file(r, pl, (int)i, err == -ENOENT && !any_seen);
	}
}

/* The mapping of sp that holds vpn (mappings in address order, apart). */
static const struct rec_svma *svma_at(const struct rec_sproc *sp, uint64_t vpn)
{
	size_t i = rec_lower_bound(sp->vmas, sp->nvma, sizeof(*sp->vmas), vpn + 1);

	return i && sp->vmas[i - 1].end > vpn ? &sp->vmas[i - 1] : NULL;
}

/*
 * A page of process pi (in r->procs), by key: its vpn where a model
 * mapping is needed (of vma, anon or not), vpn << 1 | writable where a
 * page-cache page is mapped.
 */
struct ppage {
	int32_t pi;
	uint32_t vma;
	uint64_t key;
	bool anon;
};

static int ppage_cmp(const void *pa, const void *pb)
{
	const struct ppage *a = pa, *b = pb;

	if (a->pi != b->pi)
		return a->pi - b->pi;
	return CMP3(a->key, b->key);
}

/*
 * Model mappings for every new anonymous page and every page-cache page
 * mapped, each process's in address order.
 */
static void make_segments(struct recorder *r, struct plan *pl)
{
	const struct add *a = pl->anew.p;
	const struct fobs *o = pl->fobs.p;
	struct vec nv = { NULL, 0, 0, sizeof(struct ppage) };
	struct ppage *n;
	size_t i;

	for (i = 0; i < pl->anew.n; i++) {
		const struct rec_sproc *sp = sproc(r, a[i].who);

		if (seg_at(&r->procs[a[i].who], a[i].at, true))
			continue;
		n = vec_push(&nv);
		*n = (struct ppage){ a[i].who, (uint32_t)(svma_at(sp, a[i].at) - sp->vmas), a[i].at,
				     true };
	}
	for (i = 0; i < pl->fobs.n; i++) {
		const struct rec_sproc *sp = sproc(r, o[i].pi);
		const struct rec_spage *pg = &sp->pages[o[i].page];
		const struct rec_seg *sg = seg_at(&r->procs[o[i].pi], pg->vpn, false);

		if (sg && seg_fits(sg, &sp->vmas[pg->vma]))
			continue;
		n = vec_push(&nv);
		*n = (struct ppage){ o[i].pi, pg->vma, pg->vpn, false };
	}
	if (nv.n)
		qsort(nv.p, nv.n, sizeof(*n), ppage_cmp);
	for (i = 0, n = nv.p; i < nv.n; i++) {
		struct rec_proc *p = &r->procs[n[i].pi];
		const struct rec_svma *v = &sproc(r, n[i].pi)->vmas[n[i].vma];
		struct rec_seg *s = seg_at(p, n[i].key, n[i].anon);

		if (s && !seg_fits(s, v)) {
			seg_unmap(r, p, s);
			s = NULL;
		}
		if (!s)
			seg_new(r, p, v, n[i].key, n[i].anon);
	}
	free(nv.p);
}

static void bring_files(struct recorder *r, struct plan *pl)
{
	struct add *a = pl->fnew.p;
	bool *grown;
	size_t i;

	if (!pl->fnew.n)
		return;
	qsort(a, pl->fnew.n, sizeof(*a), file_add_cmp);
	file_bring(r, a, pl->fnew.n);
	grown = xcalloc(r->nfile, sizeof(*grown));
	for (i = 0; i < pl->fnew.n; i++) {
		struct rec_file *f = &r->files[a[i].who];

		REC_GROW(f->pages, f->npage, f->page_cap);
		f->pages[f->npage++] = (struct rec_tpage){ a[i].at, a[i].owner, a[i].write, 1, 0 };
		charge(r, a[i].owner, f->shmem ? SNAP_PAGE_SHMEM : SNAP_PAGE_FILE, true);
		grown[a[i].who] = true;
	}
	for (i = 0; i < r->nfile; i++)
		if (grown[i])
			qsort(r->files[i].pages, r->files[i].npage, sizeof(struct rec_tpage), tpage_cmp);
	free(grown);
}

static void bring_anon(struct recorder *r, struct plan *pl)
{
	struct add *a = pl->anew.p;
	size_t i;

	if (!pl->anew.n)
		return;
	qsort(a, pl->anew.n, sizeof(*a), anon_add_cmp);
	anon_touch(r, a, pl->anew.n);
	for (i = 0; i < pl->anew.n;) {
		struct rec_proc *p = &r->procs[a[i].who];
		size_t old = p->nheld;

		/* adds are by process: append its new pages, sort them, merge */
		for (; i < pl->anew.n && &r->procs[a[i].who] == p; i++) {
			REC_GROW(p->held, p->nheld, p->held_cap);
			p->held[p->nheld++] = (struct rec_held){ a[i].at, a[i].owner, 1 };
			charge(r, a[i].owner, SNAP_PAGE_ANON, true);
		}
		qsort(p->held + old, p->nheld - old, sizeof(struct rec_held), held_cmp);
		held_merge(p, old);
	}
}

static bool was_mapped(const struct rec_proc *p, uint64_t key)
{
	size_t i = rec_lower_bound(p->mapped, p->nmapped, sizeof(*p->mapped), key);

	return i < p->nmapped && p->mapped[i] == key;
}

/*
 * Every mapper maps the page-cache pages it has present and did not map
 * before; then what each maps is this sample's.
 */
static void map_files(struct recorder *r, struct plan *pl)
{
	const struct fobs *o = pl->fobs.p;
	struct ppage *m = xmalloc((pl->fobs.n ? pl->fobs.n : 1) * sizeof(*m));
	size_t i, j, n = pl->fobs.n;

	for (i = 0; i < n; i++) {
		const struct rec_sproc *sp = sproc(r, o[i].pi);
		const struct rec_spage *pg = &sp->pages[o[i].page];

		m[i].pi = o[i].pi;
		m[i].key = pg->vpn << 1 | (sp->vmas[pg->vma].shared && pg->dirty);
	}
	if (n)
		qsort(m, n, sizeof(*m), ppage_cmp);
	for (i = 0; i < n; i = j) {
		struct rec_proc *p = &r->procs[m[i].pi];
		uint64_t first = m[i].key >> 1, len = 1;
		bool w = m[i].key & 1;
		struct rec_seg *s;

		j = i + 1;
		if (was_mapped(p, m[i].key))
			continue;
		s = seg_at(p, first, false);
		while (j < n && m[j].pi == m[i].pi && (m[j].key & 1) == w &&
		       (m[j].key >> 1) == first + len && first + len < s->end &&
		       !was_mapped(p, m[j].key))
			len++, j++;
		emit_touches(r, p, s, first, len, w);
	}
	/* what each process maps now */
	for (i = 0; i < r->nproc; i++)
		r->procs[i].nmapped = 0;
	for (i = 0; i < n; i++) {
		struct rec_proc *p = &r->procs[m[i].pi];

		REC_GROW(p->mapped, p->nmapped, p->mapped_cap);
		p->mapped[p->nmapped++] = m[i].key;
	}
	free(m);
}

void rec_pages_sync(struct recorder *r)
{
	struct plan pl;
	size_t nnew_files;

	memset(&pl, 0, sizeof(pl));
	pl.aobs.size = sizeof(struct aobs);
	pl.fobs.size = sizeof(struct fobs);
	pl.anew.size = pl.fnew.size = pl.retouch.size = sizeof(struct add);
	collect(r, &pl);
	plan_anon(r, &pl);
	plan_file(r, &pl);
	nnew_files = pl.fnew.n;
	/* what is gone first, so that limits and reclaim see the host's peak */
	drop_anon(r, &pl);
	drop_files(r, &pl);
	rec_tree_limits(r);
	make_segments(r, &pl);
	bring_files(r, &pl);
	bring_anon(r, &pl);
	map_files(r, &pl);
	r->st.new_pages += pl.anew.n + nnew_files;
	r->st.peak_pages = MAX(r->st.peak_pages, r->pages_now);
	free(pl.aobs.p);
	free(pl.fobs.p);
	free(pl.anew.p);
	free(pl.fnew.p);
	free(pl.retouch.p);
}
