// SPDX-License-Identifier: GPL-2.0-only
/*
 * tmpfs mounts (mm/shmem.c options) and /proc/mounts lines. The core takes
 * size=; options of the extensions (seed 001's memcg=, seed 000's smemcg=)
 * go to the module that knows them (ext_ops.mount_option).
 */
#include "mount.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../machine.h"
#include "filemap.h"
#include "mm_state.h"
#include "task.h"

struct mount *mount_of_path(struct machine *m, const char *path)
{
	struct mount *best = NULL;
	int i;

	for (i = 0; i < m->mm->nr_mounts; i++) {
		struct mount *mnt = m->mm->mounts[i];

		if (!strncmp(path, mnt->dir, mnt->dirlen) && path[mnt->dirlen] == '/' &&
		    (!best || mnt->dirlen > best->dirlen))
			best = mnt;
	}
	return best;
}

static struct mount *mount_at(struct machine *m, const char *dir)
{
	int i;

	for (i = 0; i < m->mm->nr_mounts; i++)
		if (!strcmp(m->mm->mounts[i]->dir, dir))
			return m->mm->mounts[i];
	return NULL;
}

/* size=: the one option of tmpfs the core knows; 1 when opt is not it. */
static int size_option(struct machine *m, struct mount *mnt, const char *opt)
{
	const char *end;
	uint64_t bytes;

	if (strncmp(opt, "size=", 5))
		return 1;
	bytes = memparse(opt + 5, &end);
	if (*end || !opt[5])
		return machine_error(m, -EINVAL, "Bad value for 'size': %s", opt + 5);
	mnt->size_default = false;
	mnt->max_pages = (long)((bytes + PAGE_SIZE - 1) / PAGE_SIZE);
	return 0;
}

/*
 * Apply opts ("a=1,b=2") to mnt: size= (not on remount) by the core,
 * every other option by the extension that takes it (memcg=, smemcg=).
 */
static int apply_opts(struct machine *m, struct task *t, struct mount *mnt, const char *opts,
		      bool remount)
{
	char *copy = xstrdup(opts ? opts : ""), *save = NULL, *tok;
	int err = 0;

	for (tok = strtok_r(copy, ",", &save); tok && !err; tok = strtok_r(NULL, ",", &save)) {
		err = remount || mnt->disk ? 1 : size_option(m, mnt, tok);
		if (err > 0)
			err = ext_mount_option(m, t, mnt, tok, remount);
		if (err > 0)
			err = machine_error(m, -EINVAL, "%s: Unknown parameter '%s'",
					    mnt->disk ? "ext4" : "tmpfs", tok);
	}
	free(copy);
	return err;
}

static void mount_free(struct machine *m, struct mount *mnt)
{
	if (mnt->ext) {
		ext_call_mount_release(m, mnt);
		free(mnt->ext);
	}
	free(mnt->dir);
	free(mnt);
}

int fs_mount(struct machine *m, struct task *t, const char *type, const char *dir,
	     const char *opts)
{
	struct mount *mnt;
	bool disk = !strcmp(type, "ext4");
	int err;

	if (!disk && strcmp(type, "tmpfs"))
		return machine_error(m, -ENODEV, "unknown filesystem type '%s'", type);
	if (dir[0] != '/' || !dir[1])
		return machine_error(m, -EINVAL, "mount point must be an absolute path other than /");
	if (mount_at(m, dir))
		return machine_error(m, -EBUSY, "%s is already a mount point", dir);
	/* a mount point is a directory, reached through directories */
	err = path_walk_parents(m, dir);
	if (err)
		return err;
	if (inode_lookup(m, dir) && !path_is_dir(m, dir))
		return machine_error(m, -ENOTDIR, "mount point %s is a regular file", dir);
	mnt = xcalloc(1, sizeof(*mnt));
	mnt->dir = xstrdup(dir);
	mnt->dirlen = strlen(dir);
	mnt->size_default = true;
	mnt->disk = disk;
	/* tmpfs's default size is half of RAM; the disk is never full */
	mnt->max_pages = disk ? LONG_MAX : m->mm->zone.managed / 2;
	err = apply_opts(m, t, mnt, opts, false);
	if (err) {
		mount_free(m, mnt);
		return err;
	}
	ALLOC_GROW(m->mm->mounts, m->mm->nr_mounts + 1, m->mm->mounts_cap);
	m->mm->mounts[m->mm->nr_mounts++] = mnt;
	return 0;
}

int tmpfs_remount(struct machine *m, struct task *t, const char *dir, const char *opts)
{
	struct mount *mnt = mount_at(m, dir);

	if (!mnt)
		return machine_error(m, -EINVAL, "%s is not a tmpfs mount point", dir);
	return apply_opts(m, t, mnt, opts, true);
}

int tmpfs_umount(struct machine *m, struct task *t, const char *dir)
{
	struct mount *mnt = mount_at(m, dir);
	uint32_t i;
	int k;

	(void)t;
	if (!mnt)
		return machine_error(m, -EINVAL, "%s is not a mount point", dir);
	for (i = 0; i < m->mm->nr_inodes; i++) {
		struct inode *inode = m->mm->inodes[i];

		if (inode && inode->mnt == mnt && inode->refs)
			return machine_error(m, -EBUSY, "%s is busy: a file on it is mapped", dir);
	}
	inodes_drop_mount(m, mnt);
	for (k = 0; k < m->mm->nr_mounts; k++)
		if (m->mm->mounts[k] == mnt)
			m->mm->mounts[k] = m->mm->mounts[--m->mm->nr_mounts];
	mount_free(m, mnt);
	return 0;
}

void mounts_show(struct machine *m, struct strbuf *out)
{
	int i;

	for (i = 0; i < m->mm->nr_mounts; i++) {
		struct mount *mnt = m->mm->mounts[i];

		if (mnt->disk)
			sb_printf(out, "/dev/vdb %s ext4 rw,relatime", mnt->dir);
		else
			sb_printf(out, "tmpfs %s tmpfs rw,relatime", mnt->dir);
		if (!mnt->size_default)
			sb_printf(out, ",size=%lldk", (long long)mnt->max_pages * 4);
		if (mnt->ext)
			ext_call_mount_show(m, mnt, out);
		sb_puts(out, " 0 0\n");
	}
}

void mounts_free(struct machine *m)
{
	int i;

	for (i = 0; i < m->mm->nr_mounts; i++)
		mount_free(m, m->mm->mounts[i]);
	free(m->mm->mounts);
}
