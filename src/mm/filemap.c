// SPDX-License-Identifier: GPL-2.0-only
/*
 * Files, the page cache, dirty pages and writeback.
 *
 * Who pays for page cache: the memcg of the mm of the task that brings the
 * page in (write, read, fault), or the mount's memcg= target (seed 001);
 * the page stays charged there until it is reclaimed, truncated or its
 * file is deleted and unmapped, whoever uses it later ("first touch").
 *
 * A write marks disk pages dirty; writeback.c writes them back (the
 * flusher, background writeback, sync).
 */
#include "filemap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kmem.h"
#include "memcontrol/charge.h"
#include "../machine.h"
#include "lru.h"
#include "mm_state.h"
#include "mount.h"
#include "page_alloc.h"
#include "memcontrol/page_memcg.h"
#include "swap.h"
#include "task.h"
#include "vma.h"
#include "workingset.h"
#include "writeback.h"

struct inode *inode_lookup(struct machine *m, const char *path)
{
	int64_t v;

	if (!strmap_get(&m->mm->paths, path, &v) || !v)
		return NULL;
	return m->mm->inodes[v - 1];
}

int inode_lookup_cached(struct machine *m, struct task *t, struct inode *inode)
{
	int err;

	if (!inode->has_kmem) {
		err = kmem_charge_inode_obj(m, t, inode->shmem, &inode->kmem_objcg);
		if (err)
			return machine_error(m, err, "%s: the inode could not be charged", inode->path);
		inode->has_kmem = true;
	}
	if (!inode->has_dentry) {
		err = kmem_charge_dentry(m, t, &inode->dentry_objcg);
		if (err)
			return machine_error(m, err, "%s: the dentry could not be charged", inode->path);
		inode->has_dentry = true;
	}
	return 0;
}

/*
 * The model's directory tree. A directory exists when a process made it
 * (`P mkdir`), when it is a mount point, or when some path below it exists:
 * the directories above a scenario's paths are there without a mkdir, as
 * the harness creates them on a real kernel (docs/semantics.md). What
 * the kernel's path walk checks is checked against that tree: a path under
 * a regular file is ENOTDIR, a file operation on a directory EISDIR.
 */

/* Count path once more (or once less) in `below` of each directory above it. */
static void path_link(struct machine *m, const char *path, int delta)
{
	struct strbuf dir;
	const char *c;

	sb_init(&dir);
	for (c = strchr(path + 1, '/'); c; c = strchr(c + 1, '/')) {
		int64_t n = 0;

		sb_reset(&dir);
		sb_add(&dir, path, (size_t)(c - path));
		strmap_get(&m->mm->below, dir.buf, &n);
		strmap_set(&m->mm->below, dir.buf, n + delta);
	}
	sb_free(&dir);
}

static void path_set(struct machine *m, const char *path, int64_t ino_plus_1)
{
	int64_t old = 0;

	strmap_get(&m->mm->paths, path, &old);
	if (!old != !ino_plus_1)
		path_link(m, path, ino_plus_1 ? 1 : -1);
	strmap_set(&m->mm->paths, path, ino_plus_1);
}

bool path_is_dir(struct machine *m, const char *path)
{
	struct inode *inode = inode_lookup(m, path);
	struct mount *mnt;
	int64_t n = 0;

	if (inode)
		return inode->is_dir;
	if (strmap_get(&m->mm->below, path, &n) && n > 0)
		return true;
	/* a mount point: the mount of path + "/" is mounted at path */
	{
		struct strbuf below;
		bool at;

		sb_init(&below);
		sb_printf(&below, "%s/", path);
		mnt = mount_of_path(m, below.buf);
		at = mnt && !strcmp(mnt->dir, path);
		sb_free(&below);
		return at;
	}
}

int path_walk_parents(struct machine *m, const char *path)
{
	struct strbuf dir;
	const char *c;
	int err = 0;

	sb_init(&dir);
	for (c = strchr(path + 1, '/'); c && !err; c = strchr(c + 1, '/')) {
		struct inode *inode;

		sb_reset(&dir);
		sb_add(&dir, path, (size_t)(c - path));
		inode = inode_lookup(m, dir.buf);
		if (inode && !inode->is_dir)
			err = machine_error(m, -ENOTDIR, "%s: %s is a regular file, not a directory",
					    path, dir.buf);
	}
	sb_free(&dir);
	return err;
}

/*
 * A path that ends in '/' names a directory (the kernel's path walk
 * requires one when the last component is followed by a slash): an
 * operation on a file there fails before it looks further. A regular
 * file is ENOTDIR, a directory (made by mkdir, or a mount point) EISDIR,
 * nothing ENOENT; O_CREAT is EISDIR whatever is there (open_last_lookups),
 * so no file named "x/" is ever created. 0 when path has no final '/'.
 */
static int trailing_slash(struct machine *m, const char *path, bool create)
{
	size_t n = strlen(path);
	struct inode *inode;
	struct mount *mnt;
	char *dir;
	bool is_dir;

	if (n < 2 || path[n - 1] != '/')
		return 0;
	if (create)
		return machine_error(m, -EISDIR, "%s ends in '/': a directory, which open(O_CREAT) refuses",
				     path);
	dir = xstrndup(path, n - 1);
	inode = inode_lookup(m, dir);
	mnt = mount_of_path(m, path);
	is_dir = inode ? inode->is_dir : mnt && !strcmp(mnt->dir, dir);
	free(dir);
	if (inode && !is_dir)
		return machine_error(m, -ENOTDIR, "%s: a regular file, not a directory", path);
	if (is_dir)
		return machine_error(m, -EISDIR, "%s is a directory", path);
	return machine_error(m, -ENOENT, "no such file or directory: %s", path);
}

/* The inode at path for an operation on a regular file: ENOTDIR, ENOENT, EISDIR. */
static int file_lookup(struct machine *m, const char *path, struct inode **out)
{
	int err = trailing_slash(m, path, false);

	if (err)
		return err;
	err = path_walk_parents(m, path);

	if (err)
		return err;
	if (path_is_dir(m, path))
		return machine_error(m, -EISDIR, "%s is a directory", path);
	*out = inode_lookup(m, path);
	if (!*out)
		return machine_error(m, -ENOENT, "no such file: %s", path);
	return 0;
}

static struct inode *inode_alloc(struct machine *m, const char *path,
				 enum memobj_type type)
{
	struct mm_state *ms = m->mm;
	struct inode *inode = xcalloc(1, sizeof(*inode));

	ALLOC_GROW(ms->inodes, ms->nr_inodes + 1, ms->inodes_cap);
	inode->ino = ms->nr_inodes;
	ms->inodes[ms->nr_inodes++] = inode;
	inode->path = path ? xstrdup(path) : NULL;
	inode->obj = memobj_new(m, type);
	inode->obj->inode = inode;
	inode->shmem = type == OBJ_SHMEM;
	list_init(&inode->i_io_list);
	inode->atime = inode->mtime = inode->ctime = m->now_ns / NSEC_PER_JIFFY;
	if (path)
		path_set(m, path, inode->ino + 1);
	return inode;
}

int inode_create(struct machine *m, struct task *t, const char *path,
		 struct inode **out)
{
	struct inode *inode;
	struct mount *mnt;
	uint32_t cookie;
	int err = trailing_slash(m, path, true);

	if (err)
		return err;
	err = file_lookup(m, path, &inode);
	if (err != -ENOENT) {
		if (!err)
			err = inode_lookup_cached(m, t, inode);
		if (!err)
			*out = inode;
		return err;
	}
	mnt = mount_of_path(m, path);
	err = kmem_charge_inode(m, t, mount_is_tmpfs(mnt), &cookie);
	if (err)
		return machine_error(m, err, "%s: the dentry and inode could not be charged", path);
	inode = inode_alloc(m, path, mount_is_tmpfs(mnt) ? OBJ_SHMEM : OBJ_FILE);
	inode->mnt = mnt;
	inode->kmem_objcg = inode->dentry_objcg = cookie;
	inode->has_kmem = inode->has_dentry = true;
	if (mnt)
		mnt->nr_inodes++;
	ext_call_inode_init(m, mnt, inode);
	/* a new inode is dirty: it joins its creator's writeback context */
	writeback_mark_inode_dirty(m, inode, t);
	*out = inode;
	return 0;
}

struct inode *shmem_anon_inode(struct machine *m, uint64_t npages)
{
	struct inode *inode = inode_alloc(m, NULL, OBJ_SHMEM);

	inode->size = npages * PAGE_SIZE;
	inode->unlinked = true;	/* nothing names it: it goes with its last mapping */
	return inode;
}

void inode_get(struct inode *inode)
{
	inode->refs++;
}

static void drop_page(struct machine *m, struct memobj *obj, uint64_t idx, pgh_t h,
		      void *arg)
{
	(void)idx;
	(void)arg;
	if (page_state(&m->pages, h) == PS_SWAPPED) {
		if (obj->inode && obj->inode->mnt)
			obj->inode->mnt->used_pages--;
		swap_free_entry(m, obj, h);
	} else if (page_state(&m->pages, h) == PS_PRESENT)
		filemap_remove_page(m, obj, h);
	else
		memobj_slot_clear(m, obj, h);
}

static void inode_evict(struct machine *m, struct inode *inode)
{
	vma_unmap_obj_range(m, inode->obj, 0, UINT64_MAX);
	memobj_for_each(m, inode->obj, 0, UINT64_MAX, drop_page, NULL);
	memobj_free(m, inode->obj);
	inode->obj = NULL;
	writeback_inode_gone(m, inode);
	if (inode->has_kmem)
		kmem_uncharge_inode_obj(m, inode->shmem, inode->kmem_objcg);
	if (inode->has_dentry)
		kmem_uncharge_dentry(m, inode->dentry_objcg);
	if (inode->mnt)
		inode->mnt->nr_inodes--;
	m->mm->inodes[inode->ino] = NULL;
	free(inode->path);
	free(inode);
}

void file_unlink_inode(struct machine *m, struct inode *inode)
{
	if (inode->path)
		path_set(m, inode->path, 0);
	inode->unlinked = true;
	if (!inode->refs)
		inode_evict(m, inode);
}

void inode_put(struct machine *m, struct inode *inode)
{
	if (--inode->refs == 0 && inode->unlinked)
		inode_evict(m, inode);
}

void pagecache_target(struct machine *m, struct task *t, struct memobj *obj,
		      struct page_cache_target *tgt)
{
	struct mem_cgroup *own = t ? get_mem_cgroup_from_task_mm(m, t) : NULL;

	tgt->memcg = own ? own : m->root_mem_cgroup;
	tgt->gfp = GFP_KERNEL;
	tgt->nomem_errno = 0;
	tgt->nomem_msg = "the page could not be charged";
	if (unlikely(obj->ext))
		ext_page_cache_target(m, t, obj, tgt);
}

struct mem_cgroup *pagecache_memcg(struct machine *m, struct task *t, struct memobj *obj)
{
	struct page_cache_target tgt;

	pagecache_target(m, t, obj, &tgt);
	return tgt.memcg;
}

int filemap_add_page(struct machine *m, struct task *t, struct inode *inode,
		     uint64_t idx, bool write, pgh_t *out)
{
	struct memobj *obj = inode->obj;
	struct mount *mnt = inode->mnt;
	struct page_cache_target tgt;
	uint64_t shadow;
	pgh_t h;
	int err;

	if (mnt && mnt->used_pages >= mnt->max_pages)
		return machine_error(m, -ENOSPC, "tmpfs %s is full (size=%lldk)", mnt->dir,
				     (long long)mnt->max_pages * 4);
	pagecache_target(m, t, obj, &tgt);
	err = page_alloc_charge(m, tgt.memcg, tgt.gfp);
	if (err)
		return machine_error(m, tgt.nomem_errno ? tgt.nomem_errno : err, "%s",
				     tgt.nomem_msg);
	h = memobj_slot(m, obj, idx);
	shadow = workingset_take_shadow(m, obj, h);
	page_install(m, obj, h, tgt.memcg, false);
	if (mnt)
		mnt->used_pages++;
	/*
	 * filemap_add_folio: a page evicted lately comes back active;
	 * not for writes (__GFP_WRITE), which overwrite it anyway
	 */
	if (shadow && !write)
		workingset_refault(m, obj, h, shadow);
	*out = h;
	return 0;
}

void filemap_dirty_page(struct machine *m, struct inode *inode, pgh_t h)
{
	if (inode->obj->type != OBJ_FILE || (*page_flags(&m->pages, h) & PF_DIRTY))
		return;
	page_set_dirty(m, inode->obj, h, true);
	writeback_dirty_page(m, inode, h);
}

void filemap_writeback_page(struct machine *m, struct memobj *obj, pgh_t h)
{
	if (!(*page_flags(&m->pages, h) & PF_DIRTY))
		return;
	writeback_clean_page(m, obj, h);
}

/* The model's s_maxbytes, for host memory and time (SMEMCG_MAX_FILE_SIZE). */
static int file_too_big(struct machine *m, const char *path)
{
	return machine_error(m, -EFBIG, "%s: a file of more than 1 TiB passes the model's limit",
			     path);
}

int file_write(struct machine *m, struct task *t, const char *path, uint64_t off,
	       uint64_t len)
{
	struct inode *inode;
	uint64_t idx, first, last;
	int err = inode_create(m, t, path, &inode);

	if (err)
		return err;
	/*
	 * generic_write_check_limits(): a write that starts at the largest
	 * file size is EFBIG, one that crosses it is short (the model's
	 * statement then fails with EFBIG, the bytes below the limit written).
	 */
	if (off >= SMEMCG_MAX_FILE_SIZE)
		return file_too_big(m, path);
	if (len > SMEMCG_MAX_FILE_SIZE - off) {
		err = file_write(m, t, path, off, SMEMCG_MAX_FILE_SIZE - off);
		return err ? err : file_too_big(m, path);
	}
	if (!len)
		return 0;
	first = off / PAGE_SIZE;
	last = (off + len - 1) / PAGE_SIZE;
	/* file_modified: mtime, before any page is dirtied */
	writeback_update_time(m, inode, t);
	for (idx = first; idx <= last; idx++) {
		struct memobj *obj = inode->obj;
		pgh_t h = memobj_lookup(m, obj, idx);
		enum page_state st = h == PAGE_NIL ? PS_NONE : page_state(&m->pages, h);

		if (st == PS_SWAPPED) {
			err = swap_in_page(m, obj, h, pagecache_memcg(m, t, obj), false);
		} else if (st == PS_PRESENT) {
			err = page_cache_access(m, obj, h, get_mem_cgroup_from_task_mm(m, t));
		} else {
			err = filemap_add_page(m, t, inode, idx, true, &h);
		}
		if (err || t->dying) {
			/* the bytes before this page were written */
			uint64_t done = idx * PAGE_SIZE > off ? idx * PAGE_SIZE : off;

			if (done > inode->size)
				inode->size = done;
			return t->dying ? 0 : err;
		}
		filemap_dirty_page(m, inode, h);
		/* balance_dirty_pages_ratelimited: every 32 pages dirtied */
		if (inode->obj->type == OBJ_FILE && (idx - first) % 32 == 31)
			balance_dirty_pages(m, inode);
		if (off + len > inode->size && (idx + 1) * PAGE_SIZE >= inode->size)
			inode->size = MIN(off + len, (idx + 1) * PAGE_SIZE);
		if (t->memcg_nr_pages_over_high && (idx - first) % 16 == 15)
			mem_cgroup_handle_over_high(m, t);
	}
	if (off + len > inode->size)
		inode->size = off + len;
	if (inode->obj->type == OBJ_FILE)
		balance_dirty_pages(m, inode);
	return 0;
}

int file_read(struct machine *m, struct task *t, const char *path, uint64_t off,
	      uint64_t len)
{
	struct inode *inode;
	uint64_t idx, end;
	int err = file_lookup(m, path, &inode);

	if (!err)
		err = inode_lookup_cached(m, t, inode);
	if (err)
		return err;
	end = MIN(off + len, inode->size);
	writeback_touch_atime(m, inode, t);
	for (idx = off / PAGE_SIZE; off < end && idx <= (end - 1) / PAGE_SIZE; idx++) {
		struct memobj *obj = inode->obj;
		pgh_t h = memobj_lookup(m, obj, idx);
		enum page_state st = h == PAGE_NIL ? PS_NONE : page_state(&m->pages, h);

		err = 0;
		if (st == PS_PRESENT) {
			err = page_cache_access(m, obj, h, get_mem_cgroup_from_task_mm(m, t));
		} else if (st == PS_SWAPPED) {
			err = swap_in_page(m, obj, h, pagecache_memcg(m, t, obj), false);
		} else if (obj->type == OBJ_SHMEM) {
			continue;	/* a tmpfs hole reads as the zero page */
		} else {
			err = filemap_add_page(m, t, inode, idx, false, &h);
		}
		if (t->dying)
			return 0;
		if (err)
			return err;
		mark_page_accessed(m, obj, h);
	}
	return 0;
}

void filemap_evict_page(struct machine *m, struct memobj *obj, pgh_t h, uint64_t shadow)
{
	filemap_writeback_page(m, obj, h);
	if (obj->inode && obj->inode->mnt)
		obj->inode->mnt->used_pages--;
	page_free_shadow(m, obj, h, shadow);
}

void filemap_remove_page(struct machine *m, struct memobj *obj, pgh_t h)
{
	filemap_evict_page(m, obj, h, 0);
}

int file_truncate(struct machine *m, struct task *t, const char *path, uint64_t size)
{
	struct inode *inode;
	uint64_t keep;
	int err;

	/* truncate(2) opens without O_CREAT: a final '/' is judged as for a read */
	err = size > SMEMCG_MAX_FILE_SIZE ? file_too_big(m, path) : trailing_slash(m, path, false);
	if (!err)
		err = inode_create(m, t, path, &inode);
	if (err)
		return err;
	keep = (size + PAGE_SIZE - 1) / PAGE_SIZE;
	writeback_update_time(m, inode, t);
	if (size < inode->size) {
		vma_unmap_obj_range(m, inode->obj, keep, UINT64_MAX);
		memobj_for_each(m, inode->obj, keep, UINT64_MAX, drop_page, NULL);
		workingset_clear_shadows(m, inode->obj, keep, UINT64_MAX);
	}
	inode->size = size;
	return 0;
}

/*
 * open(O_RDONLY) and fsync(2): a directory opens too (with or without a
 * final '/'), and the model keeps no dirty metadata to write for it.
 */
int file_fsync(struct machine *m, struct task *t, const char *path)
{
	struct inode *inode;
	size_t n = strlen(path);
	char *dir = n > 1 && path[n - 1] == '/' ? xstrndup(path, n - 1) : NULL;
	bool is_dir = !path_walk_parents(m, dir ? dir : path) && path_is_dir(m, dir ? dir : path);
	int err;

	free(dir);
	if (is_dir)
		return 0;
	err = file_lookup(m, path, &inode);
	if (!err)
		err = inode_lookup_cached(m, t, inode);
	if (err)
		return err;
	if (inode->obj->type == OBJ_FILE)
		writeback_fsync(m, t, inode);
	return 0;
}

int file_unlink(struct machine *m, struct task *t, const char *path)
{
	struct inode *inode;
	int err = file_lookup(m, path, &inode);

	(void)t;
	if (err == -EISDIR)
		return machine_error(m, err, "%s is a directory (the model has no rmdir for files)",
				     path);
	if (err)
		return err;
	file_unlink_inode(m, inode);
	return 0;
}

int fs_mkdir(struct machine *m, struct task *t, const char *path)
{
	struct inode *inode;
	struct mount *mnt;
	uint32_t cookie;
	int err;

	err = path_walk_parents(m, path);
	if (err)
		return err;
	if (inode_lookup(m, path) || path_is_dir(m, path))
		return machine_error(m, -EEXIST, "%s already exists", path);
	mnt = mount_of_path(m, path);
	err = kmem_charge_inode(m, t, mount_is_tmpfs(mnt), &cookie);
	if (err)
		return machine_error(m, err, "mkdir %s: the dentry and inode could not be charged",
				     path);
	inode = inode_alloc(m, path, mount_is_tmpfs(mnt) ? OBJ_SHMEM : OBJ_FILE);
	inode->is_dir = true;
	inode->mnt = mnt;
	inode->kmem_objcg = inode->dentry_objcg = cookie;
	inode->has_kmem = inode->has_dentry = true;
	writeback_mark_inode_dirty(m, inode, t);
	if (mnt)
		mnt->nr_inodes++;
	if (!mount_is_tmpfs(mnt)) {
		/* a directory on the disk gets a data block: a dirty page-cache page */
		pgh_t h;

		inode->size = PAGE_SIZE;
		if (!filemap_add_page(m, t, inode, 0, true, &h))
			filemap_dirty_page(m, inode, h);
	}
	return 0;
}

void inodes_drop_mount(struct machine *m, struct mount *mnt)
{
	uint32_t i;

	for (i = 0; i < m->mm->nr_inodes; i++) {
		struct inode *inode = m->mm->inodes[i];

		if (!inode || inode->mnt != mnt)
			continue;
		if (inode->path)
			path_set(m, inode->path, 0);
		inode->unlinked = true;
		if (!inode->refs)
			inode_evict(m, inode);
		else
			inode->mnt = NULL;	/* lives on, detached, until unmapped */
	}
}

void inodes_free_all(struct machine *m)
{
	uint32_t i;

	for (i = 0; i < m->mm->nr_inodes; i++) {
		struct inode *inode = m->mm->inodes[i];

		if (!inode)
			continue;
		if (inode->obj)
			memobj_free(m, inode->obj);
		free(inode->path);
		free(inode);
	}
	free(m->mm->inodes);
}
