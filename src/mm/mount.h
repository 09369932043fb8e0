/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tmpfs mounts: size= (default half of RAM), the seed 001 memcg= option and
 * the seed 000 smemcg= option, and their lines in /proc/mounts.
 */
#ifndef SMEMCG_MOUNT_H
#define SMEMCG_MOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/base.h"

struct machine;
struct task;
struct smemcg_obj;

struct mount {
	char *dir;
	size_t dirlen;
	long max_pages;		/* size=, in pages */
	bool size_default;
	long used_pages;	/* pages of its files (shmem_acct_block) */
	int nr_inodes;
	uint32_t memcg;		/* seed 001: memcg slot pages are charged to, or OWNER_NONE */
	char *memcg_path;
	struct smemcg_obj *smemcg;	/* seed 000 */
};

/* The tmpfs mount a path lives on, or NULL for the disk filesystem. */
struct mount *mount_of_path(struct machine *m, const char *path);
int tmpfs_mount(struct machine *m, struct task *t, const char *dir,
		const char *opts);
int tmpfs_remount(struct machine *m, struct task *t, const char *dir,
		  const char *opts);
int tmpfs_umount(struct machine *m, struct task *t, const char *dir);
void mounts_show(struct machine *m, struct strbuf *out);
void mounts_free(struct machine *m);

#endif
