// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared memory cgroups with borrow counters (seed 000).
 *
 * Exact borrow counting keeps, for each page of an smemcg and each memcg
 * that has processes mapping it (at every level), the number of those
 * mappings: a hash table of (page, memcg) -> count. Its entries are the
 * per-page metadata seed 000 doubts is affordable; bench/ measures it.
 */
#include "shmcg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../mm/memcontrol/charge.h"
#include "../cgroup/control_files.h"
#include "../mm/memcontrol/memcg.h"
#include "../mm/memcontrol/memory_files.h"
#include "../mm/proc.h"
#include "../explain.h"
#include "../event_log.h"
#include "../machine.h"
#include "../mm/filemap.h"
#include "../mm/lru.h"
#include "../mm/mount.h"
#include "../mm/task.h"
#include "../mm/vma.h"
#include "../mm/vmscan.h"
#include "hooks.h"

#define SMEMCG_MAX_NAME 64

/* What a memcg has to do with an smemcg. */
struct shmcg_link {
	uint32_t memcg;		/* memcg slot */
	long borrow;		/* distinct pages mapped from its subtree */
	long seen;		/* attached here or below: >0 means it sees S */
	bool attached;		/* attached to this very memcg */
	long borrow_max;	/* pages, PAGE_COUNTER_MAX when unlimited */
};

struct shmcg {
	char *name;
	struct mem_cgroup *memcg;	/* its pages' accounting */
	int refs;			/* explicit creation, mounts, dma_bufs */
	bool explicit_ref;
	struct shmcg_link *links;
	int nlinks, caplinks;
};

/* (page, memcg) -> number of mappings of the page from the memcg's subtree */
struct pm_table {
	uint64_t *key;		/* h << 32 | memcg slot; 0 = empty (key+1 stored) */
	uint32_t *val;
	uint64_t cap, used;
};

struct shmcg_state {
	bool full;		/* smemcg=full[-fail]: S's whole charge is seen, else the borrow */
	bool fail;		/* smemcg=*-fail: the model's old rule, no OOM kill (see below) */
	struct shmcg **v;
	int n, cap;
	struct pm_table pm;
};

/*
 * borrow and full are seed 000's rules: a memcg over its limit because of
 * what it sees reclaims, then OOM-kills in it. borrow-fail and full-fail
 * are the model's own variants (its rule before): the borrower's mapping
 * fails (SIGBUS) or the charger gets ENOMEM, and nobody is OOM-killed.
 */
static const struct ext_policy shmcg_policies[] = {
	{ "smemcg", "borrow" }, { "smemcg", "full" },
	{ "smemcg", "borrow-fail" }, { "smemcg", "full-fail" }, { NULL, NULL },
};

static struct shmcg_state *st(struct machine *m)
{
	return m->ext[EXT_shmcg];
}

static void shmcg_init(struct machine *m)
{
	m->ext[EXT_shmcg] = xcalloc(1, sizeof(struct shmcg_state));
}

static void shmcg_policy(struct machine *m, const char *key, const char *value)
{
	(void)key;
	st(m)->full = !strncmp(value, "full", 4);
	st(m)->fail = strstr(value, "-fail") != NULL;
}

struct mem_cgroup *shmcg_memcg(struct shmcg *s)
{
	return s->memcg;
}

/* ---- the (page, memcg) table: open addressing, backward-shift delete ---- */

static uint64_t pm_hash(uint64_t k)
{
	return hash64(k);
}

static uint64_t pm_slot(const struct pm_table *t, uint64_t key)
{
	uint64_t i = pm_hash(key) & (t->cap - 1);

	while (t->key[i] && t->key[i] != key)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static void pm_grow(struct pm_table *t)
{
	struct pm_table n;
	uint64_t i;

	n.cap = t->cap ? t->cap * 2 : 1024;
	n.used = t->used;
	n.key = xcalloc(n.cap, sizeof(*n.key));
	n.val = xcalloc(n.cap, sizeof(*n.val));
	for (i = 0; i < t->cap; i++) {
		if (t->key[i]) {
			uint64_t s = pm_slot(&n, t->key[i]);

			n.key[s] = t->key[i];
			n.val[s] = t->val[i];
		}
	}
	free(t->key);
	free(t->val);
	*t = n;
}

static uint32_t pm_get(const struct pm_table *t, uint64_t key)
{
	uint64_t s;

	if (!t->cap)
		return 0;
	s = pm_slot(t, key);
	return t->key[s] ? t->val[s] : 0;
}

static void pm_del_at(struct pm_table *t, uint64_t s)
{
	uint64_t i = s, j = s;

	t->key[i] = 0;
	t->used--;
	/* shift back entries that probed past the hole */
	for (;;) {
		uint64_t home;

		j = (j + 1) & (t->cap - 1);
		if (!t->key[j])
			return;
		home = pm_hash(t->key[j]) & (t->cap - 1);
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			t->key[i] = t->key[j];
			t->val[i] = t->val[j];
			t->key[j] = 0;
			i = j;
		}
	}
}

static void pm_set(struct pm_table *t, uint64_t key, uint32_t val)
{
	uint64_t s;

	if (!val) {
		if (t->cap) {
			s = pm_slot(t, key);
			if (t->key[s])
				pm_del_at(t, s);
		}
		return;
	}
	if ((t->used + 1) * 2 > t->cap)
		pm_grow(t);
	s = pm_slot(t, key);
	if (!t->key[s]) {
		t->key[s] = key;
		t->used++;
	}
	t->val[s] = val;
}

static uint64_t pm_key(pgh_t h, uint32_t slot)
{
	return (((uint64_t)h << 32) | slot) + 1;
}

/*
 * The module's state of a memcg: the smemcg whose pages it accounts (the
 * hidden memcg of an smemcg), and the pages of smemcgs it sees, charged
 * to its memory counter at its level alone (page_counter_add_local): each
 * level of the hierarchy counts a page it sees once, however many of its
 * children see it.
 */
struct shmcg_memcg {
	struct shmcg *owner;
	long seen;
};

static struct shmcg_memcg *smc(struct mem_cgroup *memcg, bool create)
{
	struct shmcg_memcg *x = ext_data(memcg->ext, EXT_shmcg);

	if (!x && create) {
		x = xcalloc(1, sizeof(*x));
		ext_data_set(&memcg->ext, EXT_shmcg, x);
	}
	return x;
}

static long seen_by(struct mem_cgroup *memcg)
{
	struct shmcg_memcg *x = smc(memcg, false);

	return x ? x->seen : 0;
}

/* x now sees n more (n < 0: fewer) pages of smemcgs: its memory counter says so. */
static void see(struct machine *m, struct mem_cgroup *x, long n)
{
	smc(x, true)->seen += n;
	m->page_counter_underflows += page_counter_add_local(&x->memory, n);
}

static void shmcg_css_free(struct machine *m, struct mem_cgroup *memcg)
{
	(void)m;
	free(ext_data(memcg->ext, EXT_shmcg));
}

static long shmcg_local_usage(const struct machine *m, struct mem_cgroup *memcg)
{
	(void)m;
	return seen_by(memcg);
}

/* ---- objects ---- */

struct shmcg *shmcg_find(struct machine *m, const char *name)
{
	int i;

	for (i = 0; i < st(m)->n; i++)
		if (!strcmp(st(m)->v[i]->name, name))
			return st(m)->v[i];
	return NULL;
}

static bool valid_name(const char *name)
{
	size_t n = strlen(name), i;

	if (!n || n > SMEMCG_MAX_NAME)
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	return true;
}

int shmcg_get(struct machine *m, const char *name, bool create_explicit,
	       uint64_t max_bytes, struct shmcg **out)
{
	struct shmcg *s = shmcg_find(m, name);
	int err = 0;

	if (!valid_name(name))
		return machine_error(m, -EINVAL, "bad smemcg name \"%s\"", name);
	if (s && create_explicit) {
		if (s->explicit_ref)
			return machine_error(m, -EEXIST, "smemcg %s already exists", name);
		s->explicit_ref = true;
		s->refs++;
	}
	if (!s) {
		s = xcalloc(1, sizeof(*s));
		s->name = xstrdup(name);
		s->memcg = memcg_css_alloc_detached(m, &err);
		if (!s->memcg) {
			free(s->name);
			free(s);
			return err;
		}
		smc(s->memcg, true)->owner = s;
		s->memcg->ext_flags = MEMCG_EXT_CHARGE | MEMCG_EXT_BORROW;
		m->ext_keys.reclaim_more = true;
		ALLOC_GROW(st(m)->v, st(m)->n + 1, st(m)->cap);
		st(m)->v[st(m)->n++] = s;
		s->refs = 1;
		s->explicit_ref = create_explicit;
	} else if (!create_explicit) {
		s->refs++;
	}
	if (create_explicit && max_bytes != UINT64_MAX)
		s->memcg->memory.max = (long)MIN(max_bytes / PAGE_SIZE, (uint64_t)PAGE_COUNTER_MAX);
	*out = s;
	return 0;
}

static void link_remove_seen(struct machine *m, struct shmcg *s, struct mem_cgroup *x);

static void shmcg_free(struct machine *m, struct shmcg *s)
{
	int i;

	/* detach from every memcg that still sees it */
	for (i = 0; i < s->nlinks; i++) {
		struct shmcg_link *l = &s->links[i];

		if (l->attached) {
			l->attached = false;
			link_remove_seen(m, s, memcg_of_slot(m, l->memcg));
		}
	}
	for (i = 0; i < st(m)->n; i++)
		if (st(m)->v[i] == s)
			st(m)->v[i] = st(m)->v[--st(m)->n];
	memcg_free_detached(m, s->memcg);
	free(s->links);
	free(s->name);
	free(s);
}

void shmcg_hold(struct shmcg *s)
{
	s->refs++;
}

void shmcg_put(struct machine *m, struct shmcg *s)
{
	if (--s->refs == 0)
		shmcg_free(m, s);
}

int ext_smemcg_create(struct machine *m, const char *name, uint64_t max_bytes)
{
	struct shmcg *s;

	return shmcg_get(m, name, true, max_bytes, &s);
}

int ext_smemcg_destroy(struct machine *m, const char *name)
{
	struct shmcg *s = shmcg_find(m, name);

	if (!s)
		return machine_error(m, -ENOENT, "no smemcg named %s", name);
	if (!s->explicit_ref)
		return machine_error(m, -EBUSY,
				     "smemcg %s lives as long as its mount or dma_buf", name);
	s->explicit_ref = false;
	shmcg_put(m, s);
	return 0;
}

static void shmcg_free_all(struct machine *m)
{
	struct shmcg_state *ss = st(m);

	if (!ss)
		return;
	while (ss->n)
		shmcg_free(m, ss->v[0]);
	free(ss->v);
	free(ss->pm.key);
	free(ss->pm.val);
	free(ss);
	m->ext[EXT_shmcg] = NULL;
}

/* ---- links: borrow counters and who sees what ---- */

static struct shmcg_link *link_of(struct shmcg *s, struct mem_cgroup *x,
				   bool create)
{
	int i;

	for (i = 0; i < s->nlinks; i++)
		if (s->links[i].memcg == x->slot)
			return &s->links[i];
	if (!create)
		return NULL;
	ALLOC_GROW(s->links, s->nlinks + 1, s->caplinks);
	memset(&s->links[s->nlinks], 0, sizeof(s->links[0]));
	s->links[s->nlinks].memcg = x->slot;
	s->links[s->nlinks].borrow_max = PAGE_COUNTER_MAX;
	return &s->links[s->nlinks++];
}

/* Drop links that no longer carry anything. */
static void link_gc(struct shmcg *s)
{
	int i;

	for (i = 0; i < s->nlinks;) {
		struct shmcg_link *l = &s->links[i];

		if (!l->borrow && !l->seen && !l->attached)
			*l = s->links[--s->nlinks];
		else
			i++;
	}
}

long shmcg_borrow(struct shmcg *s, struct mem_cgroup *x)
{
	struct shmcg_link *l = link_of(s, x, false);

	return l ? l->borrow : 0;
}

/* How many pages of S memcg x sees under the current policy. */
static long seen_pages(struct machine *m, struct shmcg *s, struct shmcg_link *l)
{
	if (st(m)->full)
		return page_counter_read(&s->memcg->memory);
	return l->borrow;
}

static int room_for(struct machine *m, struct mem_cgroup *over, long n);

static void link_add_seen(struct machine *m, struct shmcg *s, struct mem_cgroup *x)
{
	for (; x && !mem_cgroup_is_root(x); x = x->parent) {
		struct shmcg_link *l = link_of(s, x, true);

		if (l->seen++ == 0)
			see(m, x, seen_pages(m, s, l));
	}
}

static void link_remove_seen(struct machine *m, struct shmcg *s, struct mem_cgroup *x)
{
	for (; x && !mem_cgroup_is_root(x); x = x->parent) {
		struct shmcg_link *l = link_of(s, x, false);

		if (l && --l->seen == 0)
			see(m, x, -seen_pages(m, s, l));
	}
	link_gc(s);
}

/*
 * Attaching S to x makes x and its ancestors see what they see of S: each
 * one over its memory.max is brought back under it as a write of
 * memory.max would (a max event, reclaim, then OOM in it: seed 000's
 * "When the memcg memory.current is raised to the limit. The kernel will
 * active try to reclaim ... the process in this memcg will get OOM
 * killed"); under the -fail variants by reclaim alone.
 */
static int attach(struct machine *m, struct mem_cgroup *x, struct shmcg *s)
{
	struct shmcg_link *l = link_of(s, x, true);
	struct mem_cgroup *y;

	if (l->attached)
		return 0;
	l->attached = true;
	link_add_seen(m, s, x);
	for (y = x; y && !mem_cgroup_is_root(y); y = y->parent) {
		if (page_counter_read(&y->memory) <= y->memory.max)
			continue;
		memcg_memory_event(m, y, MEMCG_MAX);
		if (st(m)->fail)
			room_for(m, y, 0);
		else
			mem_cgroup_shrink_to_max(m, y);
	}
	return 0;
}

static void detach(struct machine *m, struct mem_cgroup *x, struct shmcg *s)
{
	struct shmcg_link *l = link_of(s, x, false);

	if (!l || !l->attached)
		return;
	l->attached = false;
	link_remove_seen(m, s, x);
}

static void shmcg_memcg_offline(struct machine *m, struct mem_cgroup *memcg)
{
	int i;

	if (!st(m))
		return;
	for (i = 0; i < st(m)->n; i++)
		detach(m, memcg, st(m)->v[i]);
}

/*
 * The -fail variants: make room for n more pages seen by over by reclaim,
 * never OOM. Returns 0 or -ENOMEM with a max event raised.
 */
static int room_for(struct machine *m, struct mem_cgroup *over, long n)
{
	int tries = MAX_RECLAIM_RETRIES;

	while (page_counter_read(&over->memory) + n > over->memory.max) {
		if (!tries-- ||
		    !try_to_free_mem_cgroup_pages(m, over, n, GFP_KERNEL, MEMCG_RECLAIM_MAY_SWAP,
						  NULL)) {
			if (page_counter_read(&over->memory) + n <= over->memory.max)
				break;
			memcg_memory_event(m, over, MEMCG_MAX);
			event_emit(m, SMEMCG_EV_CHARGE_FAILED, current_pid(m), 0, -ENOMEM, over,
				   NULL, n,
				   "a charge of %ld page%s failed: memory.max reached at %ld of %ld pages, and the -fail policy does not OOM-kill",
				   n, n > 1 ? "s" : "", page_counter_read(&over->memory),
				   over->memory.max);
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * Charge the page x0 newly borrows to each level that sees S and has not
 * borrowed it yet (seed 000: "if B did map that page, The <smemcg, memcg B>
 * need to increase as well. B will be punished for it"): under borrow with
 * the charge path's reclaim and OOM in that level (a mapping fault), or
 * failing at once (a pin: "If over limit the ioctl() will fail"); under
 * borrow-fail by reclaim alone. On failure the levels charged are undone.
 * The page is off its LRU meanwhile, so that the reclaim cannot take it.
 */
static int charge_borrow(struct machine *m, struct shmcg *s, pgh_t h, struct mem_cgroup *x0,
			 bool pin)
{
	struct pm_table *t = &st(m)->pm;
	struct mem_cgroup *x, *y;
	int lru = page_lru(&m->pages, h);
	int err = 0;

	if (lru >= 0)
		lru_del(m, s->memcg, h);
	for (x = x0; x && !mem_cgroup_is_root(x); x = x->parent) {
		struct shmcg_link *l = link_of(s, x, false);

		if (pm_get(t, pm_key(h, x->slot)) || !l || !l->seen)
			continue;
		if (st(m)->fail)
			err = room_for(m, x, 1) ? -ENOMEM : (page_counter_add_local(&x->memory, 1), 0);
		else
			err = try_charge_local(m, x, pin ? GFP_NOWAIT : GFP_KERNEL, 1);
		if (err)
			break;
	}
	if (err) {
		for (y = x0; y != x; y = y->parent) {
			struct shmcg_link *l = link_of(s, y, false);

			if (!pm_get(t, pm_key(h, y->slot)) && l && l->seen)
				m->page_counter_underflows += page_counter_add_local(&y->memory, -1);
		}
	}
	if (lru >= 0)
		lru_add(m, s->memcg, h, lru, false);
	return err;
}

int shmcg_page_map(struct machine *m, pgh_t h, struct mem_cgroup *x0, int delta, bool pin)
{
	struct mem_cgroup *owner = memcg_of_slot(m, *page_owner(&m->pages, h));
	struct shmcg *s = smc(owner, false)->owner;
	struct pm_table *t = &st(m)->pm;
	struct mem_cgroup *x;

	if (!s)
		return 0;
	if (delta > 0) {
		/* borrow.max of every level this page would be new to */
		for (x = x0; x && !mem_cgroup_is_root(x); x = x->parent) {
			struct shmcg_link *l;

			if (pm_get(t, pm_key(h, x->slot)))
				continue;
			l = link_of(s, x, false);
			if (l && l->borrow + 1 > l->borrow_max) {
				memcg_memory_event(m, x, MEMCG_MAX);
				return machine_error(m, -ENOMEM,
						     "smemcg %s: borrow.max of %s reached", s->name,
						     x->cgroup ? x->cgroup->name : "?");
			}
		}
		if (!st(m)->full && charge_borrow(m, s, h, x0, pin))
			return machine_error(m, -ENOMEM,
					     "smemcg %s: no room under memory.max for a borrowed page",
					     s->name);
	}
	for (x = x0; x && !mem_cgroup_is_root(x); x = x->parent) {
		uint64_t k = pm_key(h, x->slot);
		uint32_t c = pm_get(t, k);
		struct shmcg_link *l;

		if (delta < 0 && !c)
			continue;
		pm_set(t, k, (uint32_t)((long)c + delta));
		if ((delta > 0 && c == 0) || (delta < 0 && c == 1)) {
			l = link_of(s, x, true);
			l->borrow += delta;
			/* a new borrow was charged by charge_borrow; a dropped one is uncharged */
			if (l->seen && !st(m)->full) {
				smc(x, true)->seen += delta;
				if (delta < 0)
					m->page_counter_underflows +=
						page_counter_add_local(&x->memory, -1);
			}
			if (delta < 0)
				link_gc(s);
		}
	}
	return 0;
}

/*
 * S's charge changed by nr pages. Under full every memcg that sees S is
 * charged too, with the charge path's reclaim and OOM in it (seed 000's
 * rule, and Alistair Popple's objection: a charge by A can OOM-kill in B);
 * the charger gets ENOMEM when one of them cannot make room. Under
 * full-fail they are made room for by reclaim alone.
 */
int shmcg_charged(struct machine *m, struct shmcg *s, long nr)
{
	int i, j;

	if (!st(m)->full)
		return 0;
	for (i = 0; i < s->nlinks; i++) {
		struct mem_cgroup *x = memcg_of_slot(m, s->links[i].memcg);
		int err;

		if (!s->links[i].seen)
			continue;
		if (nr < 0) {
			see(m, x, nr);
			continue;
		}
		if (st(m)->fail)
			err = room_for(m, x, nr);
		else
			err = try_charge_local(m, x, GFP_KERNEL, nr);
		if (err) {
			for (j = 0; j < i; j++)
				if (s->links[j].seen)
					see(m, memcg_of_slot(m, s->links[j].memcg), -nr);
			return -ENOMEM;
		}
		if (st(m)->fail)
			see(m, x, nr);
		else
			smc(x, true)->seen += nr;
	}
	return 0;
}

/* Under borrow, the reclaim for x takes only the pages x's subtree borrows. */
static bool borrowed_by(struct machine *m, pgh_t h, void *x)
{
	return pm_get(&st(m)->pm, pm_key(h, ((struct mem_cgroup *)x)->slot)) > 0;
}

/*
 * Reclaim for x also scans the smemcgs x sees: under full all of their
 * pages, under borrow only those x's subtree borrows (seed 000: "B will
 * not be punished" for pages it does not map).
 */
void ext_reclaim_more(struct machine *m, struct mem_cgroup *x, ext_shrink_fn shrink, void *arg)
{
	int i, j;

	if (!st(m) || !st(m)->n || !seen_by(x))
		return;
	for (i = 0; i < st(m)->n; i++) {
		struct shmcg *s = st(m)->v[i];

		for (j = 0; j < s->nlinks; j++)
			if (s->links[j].memcg == x->slot && s->links[j].seen) {
				shrink(m, s->memcg, st(m)->full ? NULL : borrowed_by, x, arg);
				break;
			}
	}
}

/* ---- mounts ---- */

static int shmcg_mount_option(struct machine *m, struct task *t, struct mount *mnt,
			       const char *opt, bool remount)
{
	struct shmcg *s;
	int err;

	(void)t;
	if (strncmp(opt, "smemcg=", 7) || remount)
		return 1;
	if (ext_data(mnt->ext, EXT_shmcg))
		return machine_error(m, -EINVAL, "Multiple smemcgs specified");
	err = shmcg_get(m, opt + 7, false, UINT64_MAX, &s);
	if (err)
		return err;
	ext_data_set(&mnt->ext, EXT_shmcg, s);
	return 0;
}

static void shmcg_mount_release(struct machine *m, struct mount *mnt)
{
	struct shmcg *s = ext_data(mnt->ext, EXT_shmcg);

	if (s)
		shmcg_put(m, s);
	if (mnt->ext)
		mnt->ext[EXT_shmcg] = NULL;
}

/* ---- objects charged to an smemcg (files of its mount, dma_bufs) ---- */

struct shmcg_memobj {
	struct shmcg *s;
	bool holds;	/* an orphan keeps its smemcg (and the memcg its pages are
			   charged to) until its last pinned page goes */
};

void shmcg_set_obj(struct memobj *obj, struct shmcg *s)
{
	struct shmcg_memobj *so = xcalloc(1, sizeof(*so));

	so->s = s;
	ext_data_set(&obj->ext, EXT_shmcg, so);
}

static void shmcg_inode_init(struct machine *m, struct mount *mnt, struct inode *inode)
{
	struct shmcg *s = mnt ? ext_data(mnt->ext, EXT_shmcg) : NULL;

	(void)m;
	if (s)
		shmcg_set_obj(inode->obj, s);
}

/* seed 000: a page of the object is charged once, to the smemcg */
static bool shmcg_page_cache_target(struct machine *m, struct task *t, struct memobj *obj,
				     struct page_cache_target *tgt)
{
	struct shmcg_memobj *so = ext_data(obj->ext, EXT_shmcg);

	(void)m;
	(void)t;
	if (!so)
		return false;
	tgt->memcg = so->s->memcg;
	tgt->gfp = GFP_KERNEL;
	tgt->nomem_errno = -ENOMEM;
	tgt->nomem_msg = "the smemcg of this filesystem, or under smemcg=full a cgroup that sees it, could not make room";
	return true;
}

static void shmcg_memobj_orphaned(struct machine *m, struct memobj *obj)
{
	struct shmcg_memobj *so = ext_data(obj->ext, EXT_shmcg);

	(void)m;
	if (so && !so->holds) {
		shmcg_hold(so->s);
		so->holds = true;
	}
}

static void shmcg_memobj_free(struct machine *m, struct memobj *obj)
{
	struct shmcg_memobj *so = ext_data(obj->ext, EXT_shmcg);

	if (!so)
		return;
	if (so->holds)
		shmcg_put(m, so->s);
	free(so);
}

/* ---- the core's hooks ---- */

int ext_memcg_charged(struct machine *m, struct mem_cgroup *memcg, long nr)
{
	return shmcg_charged(m, smc(memcg, false)->owner, nr);
}

/*
 * Which memcg each page of a vma borrows for: the memcg of the mm when
 * that page was mapped (seed 000's borrow is the mapper's, and a task that
 * moves borrows for its new memcg from its next fault on, while what it
 * borrowed stays where it was made, like a charge). Each record holds a
 * reference on its memcg.
 */
struct shmcg_vma {
	uint32_t *borrower;	/* per vma page: memcg slot + 1, 0 when none */
	uint64_t n;
};

int ext_page_borrow(struct machine *m, struct vm_area *v, uint64_t vidx,
		    struct mem_cgroup *memcg, pgh_t h, int delta)
{
	struct shmcg_vma *sv;
	uint32_t slot1;
	int err;

	if (!v)		/* a pin, accounted to memcg */
		return shmcg_page_map(m, h, memcg, delta, true);
	sv = ext_data(v->ext, EXT_shmcg);
	if (delta > 0) {
		/*
		 * A fault through get_user_pages (a pin, an mlock's populate) is
		 * charged as the pin it serves: it fails rather than OOM-kill.
		 */
		bool user = m->current && m->current->in_user_fault;

		if (!sv) {
			sv = xcalloc(1, sizeof(*sv));
			sv->n = v->npages;
			sv->borrower = xcalloc(sv->n, sizeof(*sv->borrower));
			ext_data_set(&v->ext, EXT_shmcg, sv);
		}
		err = shmcg_page_map(m, h, memcg, +1, !user);
		if (err)
			return err;
		sv->borrower[vidx] = memcg->slot + 1;
		memcg_hold(memcg, MEMCG_HELD_BY_BORROW, 1);
		return 0;
	}
	if (!sv || !(slot1 = sv->borrower[vidx]))
		return 0;
	memcg = memcg_of_slot(m, slot1 - 1);
	sv->borrower[vidx] = 0;
	shmcg_page_map(m, h, memcg, -1, false);
	memcg_put_ref(m, memcg, &memcg->refs_held[MEMCG_HELD_BY_BORROW], 1);
	return 0;
}

static void shmcg_vma_free(struct machine *m, struct vm_area *v)
{
	struct shmcg_vma *sv = ext_data(v->ext, EXT_shmcg);

	(void)m;
	if (sv) {
		free(sv->borrower);
		free(sv);
	}
}

/* ---- files: CG/memory.smemcg ---- */

static int memcg_smemcg_show(struct machine *m, struct cgroup *cg,
			     const struct cftype *cft, struct strbuf *out)
{
	int i;

	(void)cft;
	for (i = 0; i < st(m)->n; i++) {
		struct shmcg *s = st(m)->v[i];
		struct shmcg_link *l = link_of(s, cg->memcg, false);

		if (l && l->attached)
			sb_printf(out, "%s %llu\n", s->name,
				  (unsigned long long)l->borrow * PAGE_SIZE);
	}
	return 0;
}

static int memcg_smemcg_write(struct machine *m, struct cgroup *cg,
			      const struct cftype *cft, char *buf)
{
	char *save = NULL, *tok;

	(void)cft;
	for (tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		struct shmcg *s;

		if ((tok[0] != '+' && tok[0] != '-') || !tok[1])
			return machine_error(m, -EINVAL,
					     "memory.smemcg takes +NAME or -NAME, not \"%s\"", tok);
		s = shmcg_find(m, tok + 1);
		if (!s)
			return machine_error(m, -ENOENT, "no smemcg named %s", tok + 1);
		if (tok[0] == '+')
			attach(m, cg->memcg, s);
		else
			detach(m, cg->memcg, s);
	}
	return 0;
}

static const struct cftype shmcg_memcg_files[] = {
	{ .name = "memory.smemcg", .flags = CFT_MEMORY | CFT_NOT_ON_ROOT | CFT_READ | CFT_WRITE | CFT_EXT,
	  .show = memcg_smemcg_show, .write = memcg_smemcg_write },
	{ .name = NULL },
};

/* ---- files: @NAME/FILE ---- */

static const char *const shmcg_file_names[] = {
	"memory.current", "memory.max", "memory.stat", "memory.events", "attached",
	"borrow.max", NULL,
};

static unsigned shmcg_file_mode_of(const char *name)
{
	size_t i;

	for (i = 0; shmcg_file_names[i]; i++)
		if (!strcmp(name, shmcg_file_names[i]))
			return SMEMCG_FILE_READ |
			       ((!strcmp(name, "memory.max") || !strcmp(name, "borrow.max"))
					? SMEMCG_FILE_WRITE : 0);
	return 0;
}

static int resolve(struct machine *m, const char *path, struct shmcg **s,
		   const char **file)
{
	const char *slash = strchr(path, '/');
	char *name;

	if (path[0] != '@' || !slash)
		return machine_error(m, -EINVAL, "an smemcg file is @NAME/FILE, not %s", path);
	name = xstrndup(path + 1, (size_t)(slash - path - 1));
	*s = shmcg_find(m, name);
	free(name);
	if (!*s)
		return machine_error(m, -ENOENT, "no such smemcg: %s", path);
	*file = slash + 1;
	if (!shmcg_file_mode_of(*file))
		return machine_error(m, -ENOENT, "no such file: %s", path);
	return 0;
}

static int shmcg_at_file_read(struct machine *m, const char *path, struct strbuf *out)
{
	struct shmcg *s;
	const char *file;
	int err = resolve(m, path, &s, &file), i;
	char buf[4096];

	if (err)
		return err;
	if (!strcmp(file, "memory.current")) {
		sb_printf(out, "%llu\n",
			  (unsigned long long)page_counter_read(&s->memcg->memory) * PAGE_SIZE);
	} else if (!strcmp(file, "memory.max")) {
		seq_puts_memcg_tunable(out, s->memcg->memory.max);
	} else if (!strcmp(file, "memory.stat")) {
		memcg_stat_format(m, s->memcg, out);
	} else if (!strcmp(file, "memory.events")) {
		memcg_events_format(out, s->memcg->events);
	} else {
		/* attached: a cgroup a line; borrow.max: each with its limit */
		bool limits = strcmp(file, "attached") != 0;

		for (i = 0; i < s->nlinks; i++) {
			struct mem_cgroup *x = memcg_of_slot(m, s->links[i].memcg);

			if (!s->links[i].attached || !x->cgroup)
				continue;
			cgroup_path(x->cgroup, buf, sizeof(buf));
			sb_printf(out, "%s%s", buf, limits ? " " : "\n");
			if (limits)
				seq_puts_memcg_tunable(out, s->links[i].borrow_max);
		}
	}
	return 0;
}

static int shmcg_at_file_write(struct machine *m, const char *path, const char *value)
{
	struct shmcg *s;
	const char *file;
	char *buf;
	int err = resolve(m, path, &s, &file);
	long pages;

	if (err)
		return err;
	if (!(shmcg_file_mode_of(file) & SMEMCG_FILE_WRITE))
		return machine_error(m, -EACCES, "%s is read-only", path);
	buf = xstrdup(value);
	if (!strcmp(file, "memory.max")) {
		err = page_counter_memparse(strstrip(buf), "max", &pages);
		if (err) {
			err = machine_error(m, err, "memory.max takes a size or \"max\"");
		} else {
			int tries = MAX_RECLAIM_RETRIES;

			s->memcg->memory.max = pages;
			/* shrink to the new limit; nobody is ever killed for an smemcg */
			while (page_counter_read(&s->memcg->memory) > pages && tries--)
				try_to_free_mem_cgroup_pages(m, s->memcg,
							     page_counter_read(&s->memcg->memory) - pages,
							     GFP_KERNEL, MEMCG_RECLAIM_MAY_SWAP, NULL);
		}
	} else {
		/* borrow.max: "CGPATH SIZE|max" for an attached memcg */
		char *sp = strchr(strstrip(buf), ' ');
		struct cgroup *cg;
		struct shmcg_link *l;

		if (!sp) {
			err = machine_error(m, -EINVAL, "borrow.max takes \"CGROUP SIZE\"");
		} else {
			*sp = '\0';
			cg = cgroup_lookup(m, buf);
			l = cg && cg->memcg ? link_of(s, cg->memcg, false) : NULL;
			if (!l || !l->attached)
				err = machine_error(m, -ENOENT, "%s is not attached to %s", buf, s->name);
			else if ((err = page_counter_memparse(strstrip(sp + 1), "max", &pages)))
				err = machine_error(m, err, "borrow.max takes a size or \"max\"");
			else
				l->borrow_max = pages;
		}
	}
	free(buf);
	return err;
}

size_t shmcg_metadata_bytes(struct machine *m)
{
	return st(m) ? st(m)->pm.cap * (sizeof(uint64_t) + sizeof(uint32_t)) : 0;
}

void ext_smemcg_names(struct machine *m, struct strbuf *out)
{
	int i;

	for (i = 0; st(m) && i < st(m)->n; i++)
		sb_printf(out, "%s\n", st(m)->v[i]->name);
}

/* "@NAME/FILE": the mode of FILE, whatever NAME is */
static unsigned shmcg_at_file_mode(const char *path)
{
	const char *base = strrchr(path, '/');

	return base ? shmcg_file_mode_of(base + 1) : 0;
}

static void shmcg_ext_explain(struct machine *m, struct mem_cgroup *x, struct explain_items *it,
			   struct strbuf *notes)
{
	(void)notes;
	explain_add(it, "shared memory borrowed from smemcgs",
		    st(m)->full ? "smemcg=full: the whole charge of attached smemcgs"
						     : "smemcg=borrow: pages mapped or pinned here",
		    seen_by(x));
}

/* Why a page is charged to an smemcg: its object (a mount, a dma_buf) is the smemcg's. */
static const char *shmcg_explain_charge(struct machine *m, struct memobj *obj,
					struct mem_cgroup *owner)
{
	int i;

	(void)obj;
	for (i = 0; i < st(m)->n; i++)
		if (st(m)->v[i]->memcg == owner)
			return "its mount or dma_buf was given smemcg=NAME: charged to the smemcg, not to the toucher";
	return NULL;
}

/*
 * explain @NAME: the smemcg's own charge object by object (the mounts
 * and dma_bufs charged to it), then the memcgs attached to it, with what
 * each sees of it under the smemcg policy.
 */
static int shmcg_prefix_explain(struct machine *m, const char *path, struct strbuf *out)
{
	struct shmcg *s = path[0] == '@' && !strchr(path, '/') ? shmcg_find(m, path + 1) : NULL;
	char buf[4096];
	int i, n = 0;

	if (!s)
		return machine_error(m, -ENOENT, "no such smemcg: %s", path);
	explain_memcg(m, path, s->memcg, out);
	for (i = 0; i < s->nlinks; i++) {
		struct shmcg_link *l = &s->links[i];
		struct mem_cgroup *x = memcg_of_slot(m, l->memcg);

		if (!l->attached || !x->cgroup)
			continue;
		cgroup_path(x->cgroup, buf, sizeof(buf));
		if (!n++)
			sb_printf(out, "  attached to (write CG/memory.smemcg +%s; smemcg=%s):\n", s->name,
				  policy_value(m, "smemcg"));
		sb_printf(out, "    %s: borrows %lld bytes, sees %lld bytes of it in its memory.current\n",
			  buf, (long long)l->borrow * PAGE_SIZE,
			  (long long)(st(m)->full ? page_counter_read(&s->memcg->memory) : l->borrow) *
				  PAGE_SIZE);
	}
	if (!n)
		sb_printf(out, "  attached to no cgroup (write CG/memory.smemcg +%s to attach one)\n",
			  s->name);
	return 0;
}

const struct ext_ops shmcg_ext_ops = {
	.name = "seed 000: shared memory cgroups",
	.policies = shmcg_policies,
	.policy = shmcg_policy,
	.files = shmcg_memcg_files,
	.init = shmcg_init,
	.free = shmcg_free_all,
	.css_offline = shmcg_memcg_offline,
	.css_free = shmcg_css_free,
	.local_usage = shmcg_local_usage,
	.mount_option = shmcg_mount_option,
	.mount_release = shmcg_mount_release,
	.inode_init = shmcg_inode_init,
	.page_cache_target = shmcg_page_cache_target,
	.memobj_orphaned = shmcg_memobj_orphaned,
	.memobj_free = shmcg_memobj_free,
	.vma_free = shmcg_vma_free,
	.explain = shmcg_ext_explain,
	.explain_charge = shmcg_explain_charge,
	.file_prefix = "@",
	.file_names = shmcg_file_names,
	.file_mode = shmcg_at_file_mode,
	.file_read = shmcg_at_file_read,
	.file_write = shmcg_at_file_write,
	.prefix_explain = shmcg_prefix_explain,
};
