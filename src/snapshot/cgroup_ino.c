// SPDX-License-Identifier: GPL-2.0-only
/*
 * A memory cgroup's inode number back to its path. /proc/kpagecgroup gives,
 * for each page, the inode number of the directory of the cgroup whose
 * memcg the page is charged to. The directories of the given processes'
 * cgroups (and their ancestors) are stat'ed first; an inode not among
 * them sends us walking the whole hierarchy once. A memcg whose directory
 * was removed (a dying memcg still holding pages) has no path.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/base.h"
#include "snapshot.h"

#define WALK_MAX_DIRS 1000000

void snap_cgino_init(struct snap_cgino_map *m)
{
	memset(m, 0, sizeof(*m));
}

void snap_cgino_free(struct snap_cgino_map *m)
{
	free_strings(m->path, m->n);
	free(m->ino);
	memset(m, 0, sizeof(*m));
}

/* dedupe: skip an inode already known (the walk adds without looking) */
static void put(struct snap_cgino_map *m, uint64_t ino, const char *path, bool dedupe)
{
	size_t i;

	for (i = 0; dedupe && i < m->n; i++)
		if (m->ino[i] == ino)
			return;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->ino = xrealloc(m->ino, m->cap * sizeof(*m->ino));
		m->path = xrealloc(m->path, m->cap * sizeof(*m->path));
	}
	m->ino[m->n] = ino;
	m->path[m->n] = xstrdup(path);
	m->n++;
}

static void stat_one(struct snap_cgino_map *m, const char *mnt, const char *path)
{
	struct strbuf sb;
	struct stat st;

	sb_init(&sb);
	sb_printf(&sb, "%s%s", mnt, strcmp(path, "/") ? path : "");
	if (!stat(sb.buf, &st) && S_ISDIR(st.st_mode))
		put(m, (uint64_t)st.st_ino, path, true);
	sb_free(&sb);
}

void snap_cgino_add_path(struct snap_cgino_map *m, const char *mnt, const char *path)
{
	char *p = xstrdup(path);
	char *slash;

	for (;;) {
		stat_one(m, mnt, *p ? p : "/");
		slash = strrchr(p, '/');
		if (!slash || !*p)
			break;
		*slash = '\0';
	}
	free(p);
}

static void walk(struct snap_cgino_map *m, const char *mnt, const char *rel, int depth,
		 size_t *budget)
{
	struct strbuf dir;
	DIR *d;
	struct dirent *e;

	if (depth > 64 || !*budget)
		return;
	sb_init(&dir);
	sb_printf(&dir, "%s%s", mnt, rel);
	d = opendir(dir.buf);
	if (!d) {
		sb_free(&dir);
		return;
	}
	while ((e = readdir(d)) && *budget) {
		struct strbuf child;
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		sb_init(&child);
		sb_printf(&child, "%s/%s", dir.buf, e->d_name);
		if (!stat(child.buf, &st) && S_ISDIR(st.st_mode)) {
			(*budget)--;
			sb_reset(&child);
			sb_printf(&child, "%s/%s", rel, e->d_name);
			put(m, (uint64_t)st.st_ino, child.buf, false);
			walk(m, mnt, child.buf, depth + 1, budget);
		}
		sb_free(&child);
	}
	closedir(d);
	sb_free(&dir);
}

const char *snap_cgino_lookup(struct snap_cgino_map *m, const char *mnt, uint64_t ino)
{
	size_t i, budget = WALK_MAX_DIRS;

	for (i = 0; i < m->n; i++)
		if (m->ino[i] == ino)
			return m->path[i];
	if (m->walked)
		return NULL;
	m->walked = true;
	stat_one(m, mnt, "/");
	walk(m, mnt, "", 0, &budget);
	for (i = 0; i < m->n; i++)
		if (m->ino[i] == ino)
			return m->path[i];
	return NULL;
}
