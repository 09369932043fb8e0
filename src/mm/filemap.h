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

#include "memobj.h"

struct machine;
struct task;
struct mount;
struct mem_cgroup;
struct page_cache_target;

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
	uint32_t kmem_objcg;	/* objcg id + 1 its dentry and inode are charged to */
	bool has_kmem;		/* it has a dentry and an inode object */
	bool shmem;		/* a tmpfs inode (its slab cache differs) */
};

/* Is path a directory: made by mkdir, a mount point, or above another path? */
bool path_is_dir(struct machine *m, const char *path);
/* The kernel's path walk up to path: -ENOTDIR when a component is a regular file. */
int path_walk_parents(struct machine *m, const char *path);
/* The inode at path (files and directories), or NULL. */
struct inode *inode_lookup(struct machine *m, const char *path);
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
		     uint64_t idx, pgh_t *out);
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
void file_unlink_inode(struct machine *m, struct inode *inode);
int fs_mkdir(struct machine *m, struct task *t, const char *path);
/* Remove a page-cache page (reclaim or truncate); it must be unmapped. */
void filemap_remove_page(struct machine *m, struct memobj *obj, pgh_t h);

/* Flusher work when time passes: write back inodes dirty for 30 s. */
void writeback_expired(struct machine *m);
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
