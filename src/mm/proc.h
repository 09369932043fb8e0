/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The model's /proc files (/proc/meminfo, /proc/vmstat, /proc/mounts,
 * /proc/zombies, ...): read-only, outside the cgroup tree.
 */
#ifndef SMEMCG_PROC_H
#define SMEMCG_PROC_H

#include "../base/base.h"

struct machine;

/* /proc/zombies, /proc/zombie_holders...: CFT_READ when path is one, else 0. */
unsigned proc_file_mode(const char *path);
/* The files of /proc, ending with NULL. */
extern const char *const proc_file_names[];
int proc_file_read(struct machine *m, const char *path, struct strbuf *out);

#endif
