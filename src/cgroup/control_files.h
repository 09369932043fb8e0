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
#define CFT_PER_OPEN	0x80	/* keeps state per open file: CG/FILE:NAME names one */
/* a controller the parent must enable as well (CGRP_SS() mask, high bits) */
#define CFT_SS(mask)	((mask) << 16)
#define CFT_SS_MASK(flags) ((flags) >> 16)

/*
 * A control file: show and write get the cftype itself, so that one pair
 * of functions serves the files that differ only in the field they read
 * or set (private: the kernel's MEMFILE_PRIVATE). A file that shows one
 * number has read_u64 instead of show, as in the kernel, whose
 * cgroup_seqfile_show prints it.
 */
struct cftype {
	const char *name;
	unsigned flags;
	int (*show)(struct machine *m, struct cgroup *cg, const struct cftype *cft,
		    struct strbuf *out);
	int (*write)(struct machine *m, struct cgroup *cg, const struct cftype *cft, char *buf);
	uint64_t (*read_u64)(struct cgroup *cg, const struct cftype *cft);
	unsigned long private;
	/*
	 * The first kernel baseline (enum kernel_id, baseline.h) that has the
	 * file, and the first where it is writable (CFT_WRITE); 0: 6.1.
	 */
	unsigned char since, write_since;
};

/* The control file called name (memory.max, cgroup.procs...), or NULL. */
const struct cftype *cftype_find(const char *name);
/*
 * The file of a path's last component: "memory.max", or "memory.peak:NAME"
 * for the open file NAME of a file that keeps state per open file
 * (CFT_PER_OPEN), *of then NAME; NULL when there is none.
 */
const struct cftype *cftype_find_of(const char *name, const char **of);
/*
 * What cft allows on kernel baseline kernel (enum kernel_id): CFT_READ and
 * CFT_WRITE of its flags, 0 when that kernel has no such file.
 */
unsigned cftype_mode_on(const struct cftype *cft, int kernel);
/*
 * The names of the files cg has on kernel baseline kernel (every file's
 * of any baseline for a NULL cg), one a line.
 */
void cftype_names(struct strbuf *out, const struct cgroup *cg, int kernel);
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
