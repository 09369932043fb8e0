/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Control files of the cgroup filesystem: a cftype per file with the
 * kernel's existence rules (which exist on the root, which need a
 * controller) and the dispatch of a path to it. The cgroup core's files
 * are in control_files.c, the memory controller's in
 * src/mm/memcontrol/memory_files.c.
 */
#ifndef SMEMCG_CONTROL_FILES_H
#define SMEMCG_CONTROL_FILES_H

#include <stdbool.h>

#include "../base/base.h"

struct machine;
struct cgroup;

#define CFT_READ	0x01
#define CFT_WRITE	0x02
#define CFT_NOT_ON_ROOT	0x04
#define CFT_ONLY_ON_ROOT 0x08
#define CFT_MEMORY	0x10	/* needs a memory css */
#define CFT_EXT		0x40	/* a model extension, not in Linux 6.1 */
/* a controller the parent must enable as well (CGRP_SS() mask, high bits) */
#define CFT_SS(mask)	((mask) << 16)
#define CFT_SS_MASK(flags) ((flags) >> 16)

/*
 * A control file: show and write get the cftype itself, so that one pair
 * of functions serves the files that differ only in the field they read
 * or set (private: the kernel's MEMFILE_PRIVATE).
 */
struct cftype {
	const char *name;
	unsigned flags;
	int (*show)(struct machine *m, struct cgroup *cg, const struct cftype *cft,
		    struct strbuf *out);
	int (*write)(struct machine *m, struct cgroup *cg, const struct cftype *cft, char *buf);
	unsigned long private;
};

/* The control file called name (memory.max, cgroup.procs...), or NULL. */
const struct cftype *cftype_find(const char *name);
/* The names of the files cg has (every file's for NULL), one a line. */
void cftype_names(struct strbuf *out, const struct cgroup *cg);
/* Does cg have this file (controller enabled, root rules)? */
bool cftype_exists(const struct cftype *cft, const struct cgroup *cg);

/*
 * Read or write CG/FILE as a process would: 0, or the errno the kernel
 * gives (-ENOENT for no such file, -EINVAL for a bad value...) with the
 * machine's last error set.
 */
int cgroup_file_read(struct machine *m, const char *path, struct strbuf *out);
int cgroup_file_write(struct machine *m, const char *path, const char *value);

/*
 * The core's tables, each ending with a NULL name; an extension's table
 * is its ext_ops.files (src/ext/hooks.h).
 */
extern const struct cftype cgroup_base_files[];

/* Is name (len bytes) the name of a control file? (mkdir refuses it) */
bool cgroup_name_is_file(const char *name, size_t len);
/* kstrtoint of the kernel: 0, -EINVAL or -ERANGE. */
int kstrtoint(int *out, const char *s);

#endif
