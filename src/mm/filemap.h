/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Files and the page cache: a disk filesystem (clean page cache after
 * writeback, dropped by reclaim) and tmpfs (shmem pages, swap-backed,
 * bounded by the mount's size=). write(2), read(2), truncate, unlink,
 * dirty accounting and writeback (mm/filemap.c, mm/shmem.c,
 * mm/page-writeback.c).
 */
#ifndef SMEMCG_FILEMAP_H
#define SMEMCG_FILEMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/list.h"
#include "memobj.h"

struct machine;
struct task;
struct mount;
struct mem_cgroup;
struct page_cache_target;
struct bdi_writeback;

struct inode {
	uint32_t ino;
	char *path;		/* NULL for anonymous shmem (MAP_SHARED|MAP_ANONYMOUS) */
	struct memobj *obj;	/* its page cache */
	struct mount *mnt;	/* tmpfs mount, or NULL on the disk filesystem */
	uint64_t size;		/* bytes (i_size) */
	bool unlinked;
	bool is_dir;
	int refs;		/* mappings holding it */
	long nr_dirty;		/* dirty pages (disk) */
	uint64_t dirtied_ns;	/* when it became dirty (inode->dirtied_when) */
	uint64_t writeback_index;	/* where writeback goes on (mapping->writeback_index) */
	struct bdi_writeback *i_wb;	/* its writeback context once dirtied */
	struct list_node i_io_list;	/* on the dirty list or its wb's b_attached */
	bool dirty_meta;		/* I_DIRTY_SYNC: its metadata awaits writeback */
	uint64_t atime, mtime, ctime;	/* in jiffies */
	uint32_t kmem_objcg;	/* objcg id + 1 its inode object is charged to */
	uint32_t dentry_objcg;	/* ... and its dentry */
	bool has_kmem;		/* it has an inode object (cached) */
	bool has_dentry;	/* and a dentry (drop_caches 2 frees unused ones) */
	bool shmem;		/* a tmpfs inode (its slab cache differs) */
};

/* Is path a directory: made by mkdir, a mount point, or above another path? */
bool path_is_dir(struct machine *m, const char *path);
/* The kernel's path walk up to path: -ENOTDIR when a component is a regular file. */
int path_walk_parents(struct machine *m, const char *path);
/* The inode at path (files and directories), or NULL. */
struct inode *inode_lookup(struct machine *m, const char *path);
/*
 * t looks the inode up: a dentry or an inode drop_caches freed is
 * allocated again, charged to t (d_alloc, iget). 0 or -errno.
 */
int inode_lookup_cached(struct machine *m, struct task *t, struct inode *inode);
/* Create or open a regular file as t (charges dentry+inode kmem). */
int inode_create(struct machine *m, struct task *t, const char *path,
		 struct inode **out);
struct inode *shmem_anon_inode(struct machine *m, uint64_t npages);
void inode_get(struct inode *inode);
void inode_put(struct machine *m, struct inode *inode);

/*
 * A new page-cache page at idx, charged to the memcg that pays for the
 * file's pages (the faulting/writing mm's, or the mount's memcg=).
 * -ENOSPC when a tmpfs is full or a remote charge fails.
 */
int filemap_add_page(struct machine *m, struct task *t, struct inode *inode,
		     uint64_t idx, bool write, pgh_t *out);
void filemap_dirty_page(struct machine *m, struct inode *inode, pgh_t h);
/* Write back (clean) one page. */
void filemap_writeback_page(struct machine *m, struct memobj *obj, pgh_t h);

/*
 * `P write PATH OFF LEN` / `P read`: page cache charged to t's memcg (or
 * the mount's); 0 or -errno (ENOSPC on a full tmpfs, ENOMEM, EISDIR...).
 */
int file_write(struct machine *m, struct task *t, const char *path, uint64_t off,
	       uint64_t len);
int file_read(struct machine *m, struct task *t, const char *path, uint64_t off,
	      uint64_t len);
int file_truncate(struct machine *m, struct task *t, const char *path,
		  uint64_t size);
int file_unlink(struct machine *m, struct task *t, const char *path);
/* fsync(2): the file's dirty pages and metadata written (tmpfs: nothing). */
int file_fsync(struct machine *m, struct task *t, const char *path);
void file_unlink_inode(struct machine *m, struct inode *inode);
int fs_mkdir(struct machine *m, struct task *t, const char *path);
/* Remove a page-cache page (truncate, invalidate); it must be unmapped. */
void filemap_remove_page(struct machine *m, struct memobj *obj, pgh_t h);
/* The same for reclaim: shadow (workingset_eviction) stays in the slot. */
void filemap_evict_page(struct machine *m, struct memobj *obj, pgh_t h, uint64_t shadow);

/*
 * Where a new page-cache page of obj is charged when t brings it in: the
 * memcg of t's mm (6.1's first touch), unless an extension says otherwise
 * (a mount's memcg=, an smemcg). pagecache_memcg() is the memcg alone.
 */
void pagecache_target(struct machine *m, struct task *t, struct memobj *obj,
		      struct page_cache_target *tgt);
struct mem_cgroup *pagecache_memcg(struct machine *m, struct task *t, struct memobj *obj);

/*
 * A task whose mm is charged to memcg accesses resident page h of obj:
 * an extension may move its charge (a page it marked PF_EXT_ACCESS, or
 * any page under the key page_access). 0, or an errno when the charge
 * could not be moved.
 */
static inline int page_cache_access(struct machine *m, struct memobj *obj, pgh_t h,
				    struct mem_cgroup *memcg)
{
	if (unlikely(*page_flags(&m->pages, h) & PF_EXT_ACCESS)) {
		ext_page_marked_access(m, obj, h, memcg);
		return 0;
	}
	if (unlikely(m->ext_keys.page_access))
		return ext_page_access(m, obj, h, memcg);
	return 0;
}

/* Free every inode of a mount (umount). */
void inodes_drop_mount(struct machine *m, struct mount *mnt);
void inodes_free_all(struct machine *m);

#endif
