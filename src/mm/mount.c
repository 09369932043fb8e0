// SPDX-License-Identifier: GPL-2.0-only
/*
 * tmpfs mounts (mm/shmem.c options) and /proc/mounts lines. The seed 001
 * memcg= option is parsed here and checked by the remote-charging rules.
 */
#include "mount.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../ext/ext.h"
#include "../machine.h"
#include "filemap.h"
#include "mm_state.h"
#include "remote.h"
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

struct mount_opts {
	bool has_size;
	long size_pages;
	const char *memcg;
	const char *smemcg;
};

static int parse_opts(struct machine *m, struct mount_opts *o, char *opts,
		      bool remount)
{
	char *save = NULL, *tok;

	memset(o, 0, sizeof(*o));
	for (tok = strtok_r(opts, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strncmp(tok, "size=", 5) && !remount) {
			const char *end;
			uint64_t bytes = memparse(tok + 5, &end);

			if (*end || !tok[5])
				return machine_error(m, -EINVAL, "Bad value for 'size': %s", tok + 5);
			o->has_size = true;
			o->size_pages = (long)((bytes + PAGE_SIZE - 1) / PAGE_SIZE);
		} else if (!strncmp(tok, "memcg=", 6)) {
			if (o->memcg)
				return machine_error(m, -EINVAL, "Multiple memcgs specified");
			o->memcg = tok + 6;
		} else if (!strncmp(tok, "smemcg=", 7) && !remount) {
			if (o->smemcg)
				return machine_error(m, -EINVAL, "Multiple smemcgs specified");
			o->smemcg = tok + 7;
		} else {
			return machine_error(m, -EINVAL, "tmpfs: Unknown parameter '%s'", tok);
		}
	}
	return 0;
}

int tmpfs_mount(struct machine *m, struct task *t, const char *dir, const char *opts)
{
	struct mount_opts o;
	struct mount *mnt;
	char *copy = xstrdup(opts ? opts : "");
	uint32_t target = OWNER_NONE;
	int err = parse_opts(m, &o, copy, false);

	if (!err && (dir[0] != '/' || !dir[1]))
		err = machine_error(m, -EINVAL, "mount point must be an absolute path other than /");
	if (!err && mount_at(m, dir))
		err = machine_error(m, -EBUSY, "%s is already a mount point", dir);
	if (!err && o.memcg)
		err = remote_memcg_resolve(m, t, o.memcg, &target);
	if (err) {
		free(copy);
		return err;
	}
	mnt = xcalloc(1, sizeof(*mnt));
	mnt->dir = xstrdup(dir);
	mnt->dirlen = strlen(dir);
	mnt->size_default = !o.has_size;
	/* tmpfs's default size is half of RAM */
	mnt->max_pages = o.has_size ? o.size_pages : m->mm->zone.managed / 2;
	mnt->memcg = target;
	mnt->memcg_path = o.memcg ? xstrdup(o.memcg) : NULL;
	if (o.smemcg) {
		err = smemcg_attach_mount(m, mnt, o.smemcg);
		if (err) {
			free(mnt->dir);
			free(mnt->memcg_path);
			free(mnt);
			free(copy);
			return err;
		}
	}
	remote_memcg_hold(m, target);
	m->mm->mounts = xrealloc(m->mm->mounts,
				 (size_t)(m->mm->nr_mounts + 1) * sizeof(*m->mm->mounts));
	m->mm->mounts[m->mm->nr_mounts++] = mnt;
	free(copy);
	return 0;
}

int tmpfs_remount(struct machine *m, struct task *t, const char *dir, const char *opts)
{
	struct mount *mnt = mount_at(m, dir);
	struct mount_opts o;
	char *copy = xstrdup(opts ? opts : "");
	uint32_t target = OWNER_NONE;
	int err, i;

	if (!mnt) {
		free(copy);
		return machine_error(m, -EINVAL, "%s is not a tmpfs mount point", dir);
	}
	err = parse_opts(m, &o, copy, true);
	if (!err && o.memcg)
		err = remote_memcg_resolve(m, t, o.memcg, &target);
	if (err) {
		free(copy);
		return err;
	}
	if (o.memcg) {
		remote_memcg_hold(m, target);
		remote_memcg_release(m, mnt->memcg);
		mnt->memcg = target;
		free(mnt->memcg_path);
		mnt->memcg_path = xstrdup(o.memcg);
		for (i = 0; i < (int)m->mm->nr_inodes; i++) {
			struct inode *inode = m->mm->inodes[i];

			if (inode && inode->mnt == mnt && inode->obj)
				inode->obj->remote_memcg = target;
		}
	}
	free(copy);
	return 0;
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
	remote_memcg_release(m, mnt->memcg);
	smemcg_detach_mount(m, mnt);
	for (k = 0; k < m->mm->nr_mounts; k++)
		if (m->mm->mounts[k] == mnt)
			m->mm->mounts[k] = m->mm->mounts[--m->mm->nr_mounts];
	free(mnt->dir);
	free(mnt->memcg_path);
	free(mnt);
	return 0;
}

void mounts_show(struct machine *m, struct strbuf *out)
{
	int i;

	for (i = 0; i < m->mm->nr_mounts; i++) {
		struct mount *mnt = m->mm->mounts[i];

		sb_printf(out, "tmpfs %s tmpfs rw,relatime", mnt->dir);
		if (!mnt->size_default)
			sb_printf(out, ",size=%lldk", (long long)mnt->max_pages * 4);
		if (mnt->memcg_path)
			sb_printf(out, ",memcg=%s", mnt->memcg_path);
		sb_puts(out, " 0 0\n");
	}
}

void mounts_free(struct machine *m)
{
	int i;

	for (i = 0; i < m->mm->nr_mounts; i++) {
		free(m->mm->mounts[i]->dir);
		free(m->mm->mounts[i]->memcg_path);
		free(m->mm->mounts[i]);
	}
	free(m->mm->mounts);
}
