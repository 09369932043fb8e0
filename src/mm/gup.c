// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pinning pages through drivers (pin_user_pages, mm/gup.c of 6.1) and the
 * RLIMIT_MEMLOCK accounting of 6.1.
 *
 * A driver fd (/dev/vfio, /dev/rdma, /dev/iouring) pins pages of a
 * mapping, faulting them in first. Pinned pages cannot be reclaimed or
 * freed: a pinned page whose last mapping or file goes stays resident and
 * charged until it is unpinned (its object becomes an orphan). A driver
 * file opened with keep-pins keeps its pins after its last close, until
 * `release`, as a file handed to another process would.
 *
 * RLIMIT_MEMLOCK: mlock and vfio count in mm->locked_vm, rdma in
 * mm->pinned_vm, io_uring in the user's locked_vm, each against the limit
 * on its own (seed 000's "up to three times RLIMIT_MEMLOCK"); CAP_IPC_LOCK
 * bypasses the rlimit. An extension may account pins to a cgroup as well
 * (ext_pin_charge: seed 000's pins controller); each pin then remembers
 * the memcg it was accounted to.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gup.h"
#include "../base/list.h"
#include "memcontrol/charge.h"
#include "../machine.h"
#include "lru.h"
#include "memobj.h"
#include "mm.h"
#include "memcontrol/page_memcg.h"
#include "task.h"
#include "vma.h"
#include "../ext/hooks.h"

enum pin_device { DEV_VFIO, DEV_RDMA, DEV_IOURING };

/* Host memory: pins held at once, 16 bytes each (1 GiB) */
#define MODEL_MAX_PINS (1L << 26)

struct pinned {
	uint32_t obj;		/* object id */
	uint32_t acct;		/* memcg slot the pin is accounted to, or OWNER_NONE */
	uint64_t idx;
};

struct driver_file {
	int id;
	int device;
	bool keep_pins;
	int refs;		/* fds referring to it */
	char *name;		/* the scenario's name of the fd it was opened as, or NULL */
	struct list_node node;	/* in open_files */
	struct pinned *pins;
	long npins, cap;
	struct mm_struct *acct_mm;	/* the rlimit counter's mm (legacy accounting) */
};

/* page handle -> pin count, and whether its owner already let it go */
struct pin_entry {
	uint32_t h;
	uint32_t count;
	bool orphan;
};

struct pins_state {
	/*
	 * Driver files by id (ids are never reused, so a stale one finds
	 * nothing): an array, which a run of opens and closes walks in order,
	 * and the list of the open ones.
	 */
	struct driver_file **files;
	uint32_t files_cap;
	struct list_node open_files;	/* open, or kept by their pins after the last close */
	int next_id;
	struct pin_entry *tab;
	uint32_t cap, used;
	long user_locked_vm;	/* one user in the model */
	long nr_pins;		/* pins held, of every driver file */
};

/*
 * A task's fd table (the kernel's fdtable): open_fds has a bit per fd
 * (0..2 stand for stdin, stdout and stderr, which are not driver files),
 * full_fds a bit per word of open_fds that has no free fd, and next_fd is
 * where the search for the lowest free fd starts (files->next_fd): an
 * open is amortised O(1), as in alloc_fd().
 */
struct task_fds {
	int *fd_file;		/* fd number -> file id, 0 when closed */
	uint64_t *open_fds;
	uint64_t *full_fds;
	int max_fds;		/* room for this many fds (64, doubled as needed) */
	int next_fd;
};

static struct pins_state *ps(struct machine *m)
{
	if (!m->pins) {
		m->pins = xcalloc(1, sizeof(struct pins_state));
		list_init(&((struct pins_state *)m->pins)->open_files);
	}
	return m->pins;
}

/* ---- the pin count table ---- */

static uint32_t tab_slot(struct pins_state *p, uint32_t h)
{
	uint32_t i = (uint32_t)hash64(h) & (p->cap - 1);

	while (p->tab[i].count && p->tab[i].h != h)
		i = (i + 1) & (p->cap - 1);
	return i;
}

static struct pin_entry *tab_get(struct pins_state *p, uint32_t h, bool create)
{
	uint32_t s;

	if (!p->cap) {
		if (!create)
			return NULL;
		p->cap = 256;
		p->tab = xcalloc(p->cap, sizeof(*p->tab));
	}
	if (create && (p->used + 1) * 2 > p->cap) {
		struct pin_entry *old = p->tab;
		uint32_t oc = p->cap, i;

		p->cap *= 2;
		p->tab = xcalloc(p->cap, sizeof(*p->tab));
		for (i = 0; i < oc; i++)
			if (old[i].count)
				p->tab[tab_slot(p, old[i].h)] = old[i];
		free(old);
	}
	s = tab_slot(p, h);
	if (!p->tab[s].count) {
		if (!create)
			return NULL;
		p->tab[s].h = h;
		p->tab[s].orphan = false;	/* the slot may have held another page */
		p->used++;
	}
	return &p->tab[s];
}

/*
 * Remove the entry e points at (its count may already be 0) and close the
 * gap, so that entries probed past it stay reachable.
 */
static void tab_del(struct pins_state *p, struct pin_entry *e)
{
	uint32_t i = (uint32_t)(e - p->tab), j = i;

	p->tab[i].count = 0;
	p->used--;
	for (;;) {
		uint32_t home;

		j = (j + 1) & (p->cap - 1);
		if (!p->tab[j].count)
			return;
		home = (uint32_t)hash64(p->tab[j].h) & (p->cap - 1);
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			p->tab[i] = p->tab[j];
			p->tab[j].count = 0;
			i = j;
		}
	}
}

/* The pins of every driver file against the count the limit is checked on. */
static int pins_count_check(struct machine *m)
{
	struct pins_state *p = m->pins;
	struct list_node *pos;
	long n = 0;

	list_for_each(pos, &p->open_files)
		n += container_of(pos, struct driver_file, node)->npins;
	if (n != p->nr_pins)
		return machine_error(m, -EUCLEAN, "pins: %ld held by driver files, %ld counted",
				     n, p->nr_pins);
	return 0;
}

/*
 * The invariant checker's view of the pin table: every entry is found
 * again by its page (no hole cuts a probe chain), `used` counts the
 * entries, and there is one entry per PF_PINNED page (nr_pinned_pages,
 * counted by the checker's page walk).
 */
int pins_check(struct machine *m, long nr_pinned_pages)
{
	struct pins_state *p = m->pins;
	uint32_t i, n = 0;

	if (!p || !p->cap) {
		if (nr_pinned_pages)
			return machine_error(m, -EUCLEAN, "%ld pinned pages but no pin table",
					     nr_pinned_pages);
		return 0;
	}
	for (i = 0; i < p->cap; i++) {
		if (!p->tab[i].count)
			continue;
		n++;
		if (tab_get(p, p->tab[i].h, false) != &p->tab[i])
			return machine_error(m, -EUCLEAN, "pin table: page %u unreachable",
					     p->tab[i].h);
		if (!(*page_flags(&m->pages, p->tab[i].h) & PF_PINNED))
			return machine_error(m, -EUCLEAN, "pin table: page %u is not marked pinned",
					     p->tab[i].h);
	}
	if (n != p->used || (long)n != nr_pinned_pages)
		return machine_error(m, -EUCLEAN,
				     "pin table: %u entries, %u counted, %ld pinned pages",
				     n, p->used, nr_pinned_pages);
	return pins_count_check(m);
}

bool pins_page_is_orphan(struct machine *m, pgh_t h)
{
	struct pin_entry *e;

	if (!(*page_flags(&m->pages, h) & PF_PINNED) || !m->pins)
		return false;
	e = tab_get(ps(m), h, false);
	return e && e->orphan;
}

void pins_page_orphaned(struct machine *m, struct memobj *obj, pgh_t h)
{
	struct pin_entry *e;

	(void)obj;
	/*
	 * At machine teardown pins_free_all drops the table before the files'
	 * pages go: nothing to mark then (and ps() must not allocate a new
	 * table that nobody frees).
	 */
	if (!m->pins)
		return;
	e = tab_get(m->pins, h, false);
	if (e)
		e->orphan = true;
}

/* ---- driver files ---- */

static const char *const device_names[] = { "/dev/vfio", "/dev/rdma", "/dev/iouring" };

static struct driver_file *file_by_id(struct machine *m, int id)
{
	struct pins_state *p = ps(m);

	return id > 0 && (uint32_t)id < p->files_cap ? p->files[id] : NULL;
}

/* Words of full_fds for n fds: a bit per 64 fds. */
static size_t full_words(int n)
{
	return (size_t)(n / 64 + 63) / 64;
}

static void fds_grow(struct task_fds *f, int need)
{
	int n = f->max_fds ? f->max_fds : 64;

	while (n < need)
		n *= 2;
	f->fd_file = xrealloc(f->fd_file, (size_t)n * sizeof(int));
	memset(f->fd_file + f->max_fds, 0, (size_t)(n - f->max_fds) * sizeof(int));
	f->open_fds = xrealloc(f->open_fds, (size_t)n / 64 * sizeof(uint64_t));
	memset(f->open_fds + f->max_fds / 64, 0,
	       (size_t)(n - f->max_fds) / 64 * sizeof(uint64_t));
	f->full_fds = xrealloc(f->full_fds, full_words(n) * sizeof(uint64_t));
	memset(f->full_fds + full_words(f->max_fds), 0,
	       (full_words(n) - full_words(f->max_fds)) * sizeof(uint64_t));
	f->max_fds = n;
}

static struct task_fds *fds_of(struct task *t)
{
	struct task_fds *f = t->fds;

	if (!f) {
		f = t->fds = xcalloc(1, sizeof(struct task_fds));
		fds_grow(f, 64);
		f->open_fds[0] = 7;	/* stdin, stdout, stderr */
		f->next_fd = 3;
	}
	return f;
}

static void fd_set_open(struct task_fds *f, int fd, bool open)
{
	int w = fd / 64;

	if (open) {
		f->open_fds[w] |= 1ULL << (fd % 64);
		if (f->open_fds[w] == UINT64_MAX)
			f->full_fds[w / 64] |= 1ULL << (w % 64);
	} else {
		f->open_fds[w] &= ~(1ULL << (fd % 64));
		f->full_fds[w / 64] &= ~(1ULL << (w % 64));
		if (fd < f->next_fd)
			f->next_fd = fd;
	}
}

/* find_next_fd(): the lowest free fd at or above start, growing the table. */
static int find_next_fd(struct task_fds *f, int start)
{
	int w = start / 64;
	uint64_t free_bits;

	if (w >= f->max_fds / 64)
		fds_grow(f, start + 1);
	free_bits = ~f->open_fds[w] & (UINT64_MAX << (start % 64));
	if (free_bits)
		return w * 64 + __builtin_ctzll(free_bits);
	/*
	 * Then the first word that is not full, 64 words at a time; the bits
	 * of words past the table are clear: the first of them is free.
	 */
	for (w++;; w = (w / 64 + 1) * 64) {
		uint64_t not_full;

		if (w >= f->max_fds / 64)
			fds_grow(f, w * 64 + 1);
		not_full = ~f->full_fds[w / 64] & (UINT64_MAX << (w % 64));
		if (not_full) {
			w = w / 64 * 64 + __builtin_ctzll(not_full);
			if (w >= f->max_fds / 64)
				fds_grow(f, w * 64 + 1);
			return w * 64 + __builtin_ctzll(~f->open_fds[w]);
		}
	}
}

static struct driver_file *fd_file(struct machine *m, struct task *t, int fd)
{
	struct task_fds *f = fds_of(t);

	if (fd < 3 || fd >= f->max_fds || !f->fd_file[fd]) {
		machine_error(m, -EBADF, "%s has no fd %d", t->comm, fd);
		return NULL;
	}
	return file_by_id(m, f->fd_file[fd]);
}

int pins_open(struct machine *m, struct task *t, const char *device, bool keep_pins,
	      int *fd_out)
{
	struct task_fds *f = fds_of(t);
	struct driver_file *df;
	int dev, fd;

	for (dev = 0; dev < (int)ARRAY_SIZE(device_names); dev++)
		if (!strcmp(device, device_names[dev]))
			break;
	if (dev == (int)ARRAY_SIZE(device_names))
		return machine_error(m, -ENOENT, "no such device %s", device);
	/* alloc_fd(): the lowest free fd, below RLIMIT_NOFILE */
	fd = find_next_fd(f, f->next_fd);
	if ((uint64_t)fd >= t->rlimit_nofile)
		return machine_error(m, -EMFILE,
				     "%s has no free fd below RLIMIT_NOFILE (%llu): `%s setrlimit nofile N` raises it",
				     t->comm, (unsigned long long)t->rlimit_nofile, t->comm);
	f->next_fd = fd + 1;
	df = xcalloc(1, sizeof(*df));
	df->id = ++ps(m)->next_id;
	df->device = dev;
	df->keep_pins = keep_pins;
	df->refs = 1;
	df->acct_mm = t->mm;
	mmgrab(t->mm);		/* vm_account_init holds the mm */
	if ((uint32_t)df->id >= ps(m)->files_cap) {
		uint32_t old = ps(m)->files_cap;

		ALLOC_GROW(ps(m)->files, (uint32_t)df->id + 1, ps(m)->files_cap);
		memset(ps(m)->files + old, 0, (ps(m)->files_cap - old) * sizeof(*ps(m)->files));
	}
	ps(m)->files[df->id] = df;
	list_add_tail(&df->node, &ps(m)->open_files);
	f->fd_file[fd] = df->id;
	fd_set_open(f, fd, true);
	*fd_out = fd;
	return 0;
}

/* The legacy RLIMIT_MEMLOCK counter a device charges. */
static long *rlimit_counter(struct machine *m, struct driver_file *df)
{
	switch (df->device) {
	case DEV_VFIO:
		return &df->acct_mm->locked_vm;
	case DEV_RDMA:
		return &df->acct_mm->pinned_vm;
	default:
		return &ps(m)->user_locked_vm;
	}
}

/* The page a mapping shows at vma page i, faulting it in for writing. */
static int page_at(struct machine *m, struct task *t, struct vm_area *v, uint64_t i,
		   struct memobj **obj, pgh_t *h)
{
	int err = get_user_page(m, t, v, i, v->kind != VMA_SHARED);

	if (err)
		return err;
	if (t->dying)
		return -EFAULT;
	return vma_page_at(m, v, i, obj, h);
}

static void unpin_one(struct machine *m, struct pinned *p)
{
	struct memobj *obj = memobj_of_id(m, p->obj);
	pgh_t h = memobj_lookup(m, obj, p->idx);
	struct pin_entry *e = tab_get(ps(m), h, false);
	struct mem_cgroup *acct = p->acct == OWNER_NONE ? NULL : memcg_of_slot(m, p->acct);
	struct mem_cgroup *owner = page_memcg(m, h);

	ps(m)->nr_pins--;
	if (acct) {
		ext_pin_uncharge(m, acct, 1);
		if (owner && (owner->ext_flags & MEMCG_EXT_BORROW))
			ext_page_borrow(m, NULL, 0, acct, h, -1);
	}
	if (!e || --e->count)
		return;
	*page_flags(&m->pages, h) &= (uint16_t)~PF_PINNED;
	if (e->orphan) {
		tab_del(ps(m), e);
		page_free(m, obj, h);
		if (--obj->nr_pinned == 0 && obj->orphan)
			memobj_destroy(m, obj);
		return;
	}
	tab_del(ps(m), e);
	obj->nr_pinned--;
	page_lru_refile(m, obj, h);
}

int pins_pin(struct machine *m, struct task *t, int fd, struct vm_area *v,
	     uint64_t off, uint64_t len)
{
	struct driver_file *df = fd_file(m, t, fd);
	uint64_t first, last, i;
	char label[96];
	struct mem_cgroup *acct;
	long n, *rl;
	int err;

	if (!df)
		return -EBADF;
	if (!len)
		return 0;
	if (off + len < off || off + len > v->npages * PAGE_SIZE)
		return machine_error(m, -EINVAL, "pin range %llu+%llu is beyond %s",
				     (unsigned long long)off, (unsigned long long)len,
				     vma_label(v, label, sizeof(label)));
	first = off / PAGE_SIZE;
	last = (off + len - 1) / PAGE_SIZE;
	n = (long)(last - first + 1);
	/* the host keeps 16 bytes a pin, and a page may be pinned many times */
	if (n > MODEL_MAX_PINS - ps(m)->nr_pins)
		return machine_error(m, -ENOMEM,
				     "%ld more pins would pass the model's limit of %ld pins held at once",
				     n, MODEL_MAX_PINS);
	/* today's rlimit accounting, per device */
	rl = rlimit_counter(m, df);
	if (!t->cap_ipc_lock && (uint64_t)(*rl + n) * PAGE_SIZE > t->rlimit_memlock)
		return machine_error(m, -ENOMEM, "%s%s%s%s: RLIMIT_MEMLOCK (%llu bytes) exceeded",
				     df->name ? "fd " : "", df->name ? df->name : "",
				     df->name ? " of " : "", device_names[df->device],
				     (unsigned long long)t->rlimit_memlock);
	/* the pins cgroup: all or nothing per call */
	err = ext_pin_charge(m, t, n, &acct);
	if (err)
		return err;
	for (i = first; i <= last; i++) {
		struct memobj *obj;
		struct pin_entry *e;
		struct mem_cgroup *owner;
		pgh_t h;

		err = page_at(m, t, v, i, &obj, &h);
		if (!err) {
			owner = page_memcg(m, h);
			/* seed 000: a pinned smemcg page is borrowed by the pinner */
			if (acct && owner && (owner->ext_flags & MEMCG_EXT_BORROW))
				err = ext_page_borrow(m, NULL, 0, acct, h, +1);
		}
		if (err) {
			/* undo this call's pins */
			long done = (long)(i - first);

			if (acct)
				ext_pin_uncharge(m, acct, n - done);
			while (done--)
				unpin_one(m, &df->pins[--df->npins]);
			return err;
		}
		e = tab_get(ps(m), h, true);
		if (!e->count++) {
			*page_flags(&m->pages, h) |= PF_PINNED;
			obj->nr_pinned++;
		}
		ALLOC_GROW(df->pins, df->npins + 1, df->cap);
		df->pins[df->npins].obj = obj->id;
		df->pins[df->npins].idx = page_index(&m->pages, h);
		df->pins[df->npins].acct = acct ? acct->slot : OWNER_NONE;
		df->npins++;
		ps(m)->nr_pins++;
	}
	*rl += n;
	return 0;
}

int pins_unpin(struct machine *m, struct task *t, int fd, struct vm_area *v,
	       uint64_t off, uint64_t len)
{
	struct driver_file *df = fd_file(m, t, fd);
	uint64_t first, last, i;
	char label[96];
	long k, n = 0;

	if (!df)
		return -EBADF;
	if (off + len < off || off + len > v->npages * PAGE_SIZE)
		return machine_error(m, -EINVAL, "unpin range %llu+%llu is beyond %s",
				     (unsigned long long)off, (unsigned long long)len,
				     vma_label(v, label, sizeof(label)));
	if (!len)
		return 0;
	first = off / PAGE_SIZE;
	last = (off + len - 1) / PAGE_SIZE;
	for (i = first; i <= last; i++) {
		struct memobj *obj;
		pgh_t h;

		if (vma_page_at(m, v, i, &obj, &h))
			continue;
		for (k = df->npins - 1; k >= 0; k--) {
			if (df->pins[k].obj == obj->id &&
			    df->pins[k].idx == page_index(&m->pages, h)) {
				struct pinned p = df->pins[k];

				df->pins[k] = df->pins[--df->npins];
				unpin_one(m, &p);
				n++;
				break;
			}
		}
	}
	*rlimit_counter(m, df) -= n;
	return 0;
}

static void release_all(struct machine *m, struct driver_file *df)
{
	long n = df->npins;

	while (df->npins)
		unpin_one(m, &df->pins[--df->npins]);
	*rlimit_counter(m, df) -= n;
}

static void driver_file_free(struct driver_file *df)
{
	mmdrop(df->acct_mm);
	free(df->pins);
	free(df->name);
	free(df);
}

static void file_put(struct machine *m, struct driver_file *df)
{
	if (--df->refs > 0)
		return;
	/* the last close: unpin, unless the pins are to outlive the file */
	if (!df->keep_pins || !df->npins)
		release_all(m, df);
	if (df->npins)
		return;		/* kept: `release` frees it */
	ps(m)->files[df->id] = NULL;
	list_del(&df->node);
	driver_file_free(df);
}

int pins_close(struct machine *m, struct task *t, int fd)
{
	struct driver_file *df = fd_file(m, t, fd);

	if (!df)
		return -EBADF;
	fds_of(t)->fd_file[fd] = 0;
	fd_set_open(fds_of(t), fd, false);
	file_put(m, df);
	return 0;
}

int pins_release(struct machine *m, struct task *t, int file_id)
{
	struct driver_file *df = file_by_id(m, file_id);

	(void)t;
	if (!df)
		return machine_error(m, -EBADF, "no such driver file");
	release_all(m, df);
	if (!df->refs) {
		df->refs = 1;
		file_put(m, df);
	}
	return 0;
}

int pins_fd_set_name(struct machine *m, struct task *t, int fd, const char *name)
{
	struct driver_file *df = fd_file(m, t, fd);

	if (!df)
		return -EBADF;
	free(df->name);
	df->name = name && *name ? xstrdup(name) : NULL;
	return 0;
}

int pins_fd_file_id(struct machine *m, struct task *t, int fd)
{
	struct driver_file *df = fd_file(m, t, fd);

	return df ? df->id : 0;
}

/* dup_fd(): the child gets the parent's table, each open file one more reference. */
void pins_task_fork(struct machine *m, struct task *parent, struct task *child)
{
	struct task_fds *pf = parent->fds, *cf;
	int fd;

	if (!pf)
		return;
	cf = fds_of(child);
	fds_grow(cf, pf->max_fds);
	memcpy(cf->fd_file, pf->fd_file, (size_t)pf->max_fds * sizeof(int));
	memcpy(cf->open_fds, pf->open_fds, (size_t)pf->max_fds / 64 * sizeof(uint64_t));
	memcpy(cf->full_fds, pf->full_fds, full_words(pf->max_fds) * sizeof(uint64_t));
	cf->next_fd = pf->next_fd;
	for (fd = 0; fd < pf->max_fds; fd++)
		if (pf->fd_file[fd])
			file_by_id(m, pf->fd_file[fd])->refs++;
}

void pins_task_exit(struct machine *m, struct task *t)
{
	struct task_fds *f = t->fds;
	int fd;

	if (!f)
		return;
	for (fd = 0; fd < f->max_fds; fd++) {
		if (f->fd_file[fd]) {
			struct driver_file *df = file_by_id(m, f->fd_file[fd]);

			f->fd_file[fd] = 0;
			if (df)
				file_put(m, df);
		}
	}
	free(f->fd_file);
	free(f->open_fds);
	free(f->full_fds);
	free(f);
	t->fds = NULL;
}

void pins_free_all(struct machine *m)
{
	if (!m->pins)
		return;
	while (!list_empty(&ps(m)->open_files)) {
		struct driver_file *df = container_of(ps(m)->open_files.next,
						      struct driver_file, node);

		list_del(&df->node);
		driver_file_free(df);
	}
	free(ps(m)->files);
	free(ps(m)->tab);
	free(m->pins);
	m->pins = NULL;
}

int pins_setrlimit(struct machine *m, struct task *t, uint64_t bytes)
{
	(void)m;
	t->rlimit_memlock = bytes;
	return 0;
}

int pins_setrlimit_nofile(struct machine *m, struct task *t, uint64_t nr)
{
	/* do_prlimit(): RLIMIT_NOFILE above fs.nr_open is refused */
	if (nr > NR_OPEN_DEFAULT)
		return machine_error(m, -EPERM,
				     "RLIMIT_NOFILE of %llu is above fs.nr_open (%d)",
				     (unsigned long long)nr, NR_OPEN_DEFAULT);
	t->rlimit_nofile = nr;
	return 0;
}

int pins_cap_ipc_lock(struct machine *m, struct task *t)
{
	(void)m;
	t->cap_ipc_lock = true;
	return 0;
}

void pins_reparent(struct machine *m, struct mem_cgroup *from, struct mem_cgroup *to)
{
	struct list_node *pos;
	long k, n = 0;

	if (!m->pins)
		return;
	list_for_each(pos, &ps(m)->open_files) {
		struct driver_file *df = container_of(pos, struct driver_file, node);

		for (k = 0; k < df->npins; k++)
			if (df->pins[k].acct == from->slot) {
				/* a pin moved to the root is accounted nowhere */
				df->pins[k].acct = mem_cgroup_is_root(to) ? OWNER_NONE : to->slot;
				n++;
			}
	}
	if (n)
		ext_pin_reparent(m, from, to, n);
}
