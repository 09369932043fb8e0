/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Files outside the cgroup tree: the model's /proc files and the control
 * files of shared memory cgroups (@NAME/FILE).
 */
#ifndef SMEMCG_FILES_H
#define SMEMCG_FILES_H

#include "base/base.h"

struct machine;

unsigned proc_file_mode(const char *path);
int proc_file_read(struct machine *m, const char *path, struct strbuf *out);

unsigned smemcg_ext_file_mode(const char *name);
int smemcg_ext_file_read(struct machine *m, const char *path, struct strbuf *out);
int smemcg_ext_file_write(struct machine *m, const char *path, const char *value);

#endif
