/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tmpfs mounts: size= (default half of RAM), the options extensions take
 * (seed 001's memcg=, seed 000's smemcg=), and their lines in /proc/mounts.
 */
#ifndef SMEMCG_MOUNT_H
#define SMEMCG_MOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/base.h"

struct machine;
struct task;

struct mount {
	char *dir;
	size_t dirlen;
	long max_pages;		/* size=, in pages */
	bool size_default;
	bool disk;		/* ext4: page cache (written back, dropped), not shmem */
	long used_pages;	/* pages of its files (shmem_acct_block) */
	int nr_inodes;
	void **ext;		/* the modules' state (src/ext/hooks.h) */
};

/* The tmpfs mount a path lives on, or NULL for the disk filesystem. */
struct mount *mount_of_path(struct machine *m, const char *path);
/* Mount a tmpfs, or ("ext4") a disk filesystem, at dir. */
int fs_mount(struct machine *m, struct task *t, const char *type, const char *dir,
	     const char *opts);
/* Is the file system of mnt a tmpfs (shmem)? NULL is the root disk filesystem. */
static inline bool mount_is_tmpfs(const struct mount *mnt)
{
	return mnt && !mnt->disk;
}
int tmpfs_remount(struct machine *m, struct task *t, const char *dir,
		  const char *opts);
int tmpfs_umount(struct machine *m, struct task *t, const char *dir);
void mounts_show(struct machine *m, struct strbuf *out);
void mounts_free(struct machine *m);

#endif
