/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * smemcg snapshot: a scenario rebuilt from live Linux processes.
 *
 * Host-side code (Linux only, never part of the model library). It reads
 * what procfs says about a few processes -- their mappings, which pages are
 * present, and, as root, which memory cgroup owns each page -- and writes a
 * scenario whose first touches reproduce those charges on the model.
 *
 * One concept per file: maps.c (/proc/PID/maps lines), smaps.c (Rss per
 * mapping), pagemap.c (pagemap entries), kpage.c (/proc/kpageflags and
 * /proc/kpagecgroup), proc_cgroup.c (/proc/PID/cgroup and the mount of the
 * memory hierarchy), cgroup_ino.c (a memcg's inode number back to its
 * path), ranges.c (runs of pages into touch ranges), host.c (MemTotal,
 * kernel release, date), process.c (one process: its memcg, its mappings
 * classified, its present pages with their owners; shared with `smemcg
 * record`, src/record/), collect.c (everything about the given
 * processes), plan.c (who touches what, and the names in the scenario),
 * emit.c (the scenario text).
 */
#ifndef SMEMCG_SNAPSHOT_H
#define SMEMCG_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../base/base.h"

#define SNAP_PAGE_SIZE 4096ULL

/* ---- /proc/PID/maps ------------------------------------------------------ */

/* One line of /proc/PID/maps. path is malloc'd ("" for none). */
struct snap_maps_line {
	uint64_t start, end, offset;
	unsigned major, minor;
	uint64_t inode;
	char perms[5];		/* "rw-p" */
	char *path;
};

/*
 * Parse one line (without or with its newline). 0, or -1 when the line is
 * not a maps line. The path keeps inner blanks and a " (deleted)" suffix.
 */
int snap_parse_maps_line(const char *line, struct snap_maps_line *out);
void snap_maps_line_free(struct snap_maps_line *l);

/* ---- /proc/PID/smaps ----------------------------------------------------- */

/*
 * Call fn(start, rss_bytes, arg) for every mapping of a smaps text. 0, or -1
 * when the text is not smaps.
 */
int snap_smaps_rss(const char *text, void (*fn)(uint64_t start, uint64_t rss, void *arg),
		   void *arg);

/* ---- /proc/PID/pagemap --------------------------------------------------- */

/* One decoded 64-bit pagemap entry (Documentation/admin-guide/mm/pagemap). */
struct snap_pme {
	bool present;		/* bit 63 */
	bool swapped;		/* bit 62 */
	bool file_or_shared;	/* bit 61: a page-cache page or shared anonymous */
	bool exclusive;		/* bit 56: mapped by this process only */
	bool soft_dirty;	/* bit 55 */
	uint64_t pfn;		/* bits 0-54 when present (0 unless CAP_SYS_ADMIN) */
	unsigned swap_type;	/* bits 0-4 when swapped */
	uint64_t swap_offset;	/* bits 5-54 when swapped */
};

void snap_pagemap_decode(uint64_t entry, struct snap_pme *out);
/* Read n entries from page index first; 0 or -errno. */
int snap_pagemap_read(int fd, uint64_t first, uint64_t *buf, size_t n);

/* ---- /proc/kpageflags and /proc/kpagecgroup ------------------------------ */

/* Bit numbers of /proc/kpageflags (a stable ABI). */
enum {
	SNAP_KPF_DIRTY = 4,
	SNAP_KPF_LRU = 5,
	SNAP_KPF_SLAB = 7,
	SNAP_KPF_MMAP = 11,
	SNAP_KPF_ANON = 12,
	SNAP_KPF_SWAPCACHE = 13,
	SNAP_KPF_SWAPBACKED = 14,
	SNAP_KPF_COMPOUND_HEAD = 15,
	SNAP_KPF_COMPOUND_TAIL = 16,
	SNAP_KPF_HUGE = 17,
	SNAP_KPF_UNEVICTABLE = 18,
	SNAP_KPF_NOPAGE = 20,
	SNAP_KPF_KSM = 21,
	SNAP_KPF_THP = 22,
	SNAP_KPF_ZERO_PAGE = 24,
};

static inline bool snap_kpf(uint64_t flags, int bit)
{
	return (flags >> bit) & 1;
}

/* What a page is, for the memory.stat counter it lands in. */
enum snap_page_class {
	SNAP_PAGE_ANON,		/* anon */
	SNAP_PAGE_FILE,		/* file (not shmem) */
	SNAP_PAGE_SHMEM,	/* file and shmem */
};

/* Classify from kpageflags. */
enum snap_page_class snap_kpf_class(uint64_t flags);

/* An open table indexed by PFN (8 bytes per page), with a small read cache. */
struct snap_kpage {
	int fd;
	uint64_t base;		/* first PFN in cache */
	size_t n;		/* entries in cache */
	uint64_t cache[64];
};

/* 0 or -errno (EACCES when not root, ENOENT without the config option). */
int snap_kpage_open(struct snap_kpage *k, const char *path);
void snap_kpage_close(struct snap_kpage *k);
/* The 64-bit value for pfn; 0 or -errno. */
int snap_kpage_get(struct snap_kpage *k, uint64_t pfn, uint64_t *out);
/* The values for n frames in ascending order (repeats allowed); 0 where unreadable. */
void snap_kpage_get_sorted(struct snap_kpage *k, const uint64_t *pfn, size_t n, uint64_t *out);

/* ---- /proc/PID/cgroup and the memory hierarchy --------------------------- */

/* Where the memory controller's hierarchy is mounted. */
struct snap_memcg_mount {
	bool found;
	bool v1;		/* a cgroup v1 hierarchy with the memory controller */
	char dir[4096];		/* mount point, e.g. /sys/fs/cgroup */
	char root[4096];	/* the mount's root inside the hierarchy ("/") */
};

/* From a /proc/self/mountinfo text; 0 (found or not). */
int snap_find_memcg_mount(const char *mountinfo, struct snap_memcg_mount *out);
/*
 * The memory cgroup path in a /proc/PID/cgroup text: the "0::" line for
 * cgroup v2, the line whose controllers include memory for v1. 0, or -1
 * when the text has no such line. out gets a path starting with '/'.
 */
int snap_proc_cgroup_path(const char *text, bool v1, char *out, size_t len);

/* ---- memcg inode -> cgroup path ----------------------------------------- */

struct snap_cgino_map {
	uint64_t *ino;
	char **path;		/* relative to the hierarchy root, "/"-rooted */
	size_t n, cap;
	bool walked;
};

void snap_cgino_init(struct snap_cgino_map *m);
void snap_cgino_free(struct snap_cgino_map *m);
/* stat the directory of a cgroup path (and its ancestors) under mnt. */
void snap_cgino_add_path(struct snap_cgino_map *m, const char *mnt, const char *path);
/*
 * The path of the cgroup whose directory has inode ino: from what was
 * added, else by walking the whole hierarchy under mnt once. NULL when no
 * directory has it (a dying memcg, whose directory is gone).
 */
const char *snap_cgino_lookup(struct snap_cgino_map *m, const char *mnt, uint64_t ino);

/* ---- runs of pages -------------------------------------------------------- */

/* Operations of the scenario that act on one page each. */
enum snap_op_kind {
	SNAP_OP_READ,		/* ACTOR read PATH: a clean page-cache page */
	SNAP_OP_WRITE,		/* ACTOR write PATH: a dirty or shmem page */
	SNAP_OP_TOUCH,		/* ACTOR touch MAP ro */
	SNAP_OP_TOUCH_W,	/* ACTOR touch MAP (write) */
};

/*
 * One page operation. phase orders first touches (0) before the mappers'
 * (1); via is the cgroup the actor is moved into for it (-1: none).
 */
struct snap_op {
	int phase;
	int actor;
	int via;
	int kind;
	int target;		/* a file (READ/WRITE) or a mapping of the actor */
	uint64_t page;		/* page index in the file or the mapping */
};

/* Ops of the same (phase, actor, via, kind, target) on consecutive pages. */
struct snap_run {
	int phase, actor, via, kind, target;
	uint64_t first, npages;
};

/*
 * Sort ops (in place) and coalesce them into runs; duplicates are dropped.
 * Returns the number of runs; *out is malloc'd.
 */
size_t snap_coalesce(struct snap_op *ops, size_t n, struct snap_run **out);

/* ---- the host ------------------------------------------------------------- */

struct snap_host {
	uint64_t mem_total;	/* bytes */
	uint64_t swap_total;
	int cpus;
	char release[256];	/* uname -r */
	char machine[80];	/* uname -m */
	char date[64];		/* ISO 8601, UTC */
};

/* MemTotal and SwapTotal of a /proc/meminfo text, in bytes; 0 or -1. */
int snap_meminfo(const char *text, uint64_t *mem_total, uint64_t *swap_total);
void snap_host_read(struct snap_host *h);
/* A whole procfs (or other) file; NULL and errno set when it cannot. */
char *snap_read_text(const char *path);

/* ---- the snapshot --------------------------------------------------------- */

enum snap_vma_kind {
	SNAP_VMA_ANON,		/* private anonymous: heap, stack, anon mmap */
	SNAP_VMA_SHMEM,		/* shared anonymous, memfd, SysV shm, tmpfs file */
	SNAP_VMA_FILE,		/* a regular file on a disk filesystem */
	SNAP_VMA_SKIP,		/* vdso, devices, hugetlbfs, ...: not charged */
};

struct snap_vma {
	struct snap_maps_line l;
	enum snap_vma_kind kind;
	const char *skip_why;
	bool shared;
	int file;		/* index in snapshot files (SHMEM, FILE) */
	uint64_t rss;
	int map;		/* mapping number in the scenario; -1 none */
	int cow_map;		/* anon pages of a private file mapping */
};

struct snap_proc {
	int pid;
	char comm[64];
	char cgpath[4096];
	int cg;			/* index in cgroups */
	struct snap_vma *vmas;
	size_t nvma;
	int next_map;
};

struct snap_file {
	unsigned major, minor;
	uint64_t ino;
	bool shmem;
	char *real;		/* the path as /proc/PID/maps shows it */
	char *model;		/* the path in the scenario */
	uint64_t pages;		/* extent mapped, in pages */
};

/* A present page seen in one process's mapping. */
struct snap_page {
	uint64_t pfn;		/* 0: unknown */
	uint64_t flags;		/* kpageflags; 0 when unknown */
	uint64_t memcg_ino;	/* kpagecgroup */
	int proc, vma;
	uint64_t idx;		/* page index inside the mapping */
	enum snap_page_class cls;
	bool dirty;
	int owner;		/* cgroup index */
};

struct snap_cgroup {
	char *path;		/* host path, relative to the hierarchy root */
	char *model;		/* path in the scenario */
	uint64_t ino;
	bool has_proc;		/* one of the given processes runs here */
	bool dying;		/* a memcg whose directory is gone */
	bool none;		/* pages with no memcg (charged to root in the model) */
	int holder;		/* placeholder process number; -1 none */
	bool needs_via;		/* a mapper is moved in to touch its anon pages */
	char *tasks;		/* where its processes go: model, or a leaf under it */
	uint64_t bytes[3];	/* pages the kernel charged here, by class */
};

struct snap_stats {
	uint64_t present, swapped, zero, hugetlb, skipped_vma_pages, cow_shared;
	uint64_t distinct;	/* pages, each counted once */
};

struct snapshot {
	bool owners;		/* kpagecgroup was read */
	bool flags;		/* kpageflags was read */
	bool pfns;		/* pagemap gave PFNs */
	bool quiet;
	struct snap_memcg_mount mnt;
	struct snap_host host;
	struct snap_proc *procs;
	size_t nproc;
	struct snap_file *files;
	size_t nfile;
	struct snap_page *pages;
	size_t npage, page_cap;
	struct snap_cgroup *cgroups;
	size_t ncg;
	struct snap_stats st;
	uint64_t none_bytes[3];	/* pages no memcg owns, by class */
	struct snap_cgino_map cgino;
};

/* ---- one process, for snapshot and record (process.c) -------------------- */

/* Fill msg like snprintf and return code: the error convention of these readers. */
int snap_fail(char *msg, size_t len, int code, const char *fmt, ...) PRINTF_LIKE(4, 5);

/*
 * Set v->kind, shared and skip_why from its maps line and, through
 * /proc/PID/map_files (root) or its path, the mapped file itself.
 */
void snap_classify_vma(struct snap_vma *v, int pid);
/*
 * The mappings of pid, classified, with their Rss from smaps (UINT64_MAX
 * when smaps is not readable); map, cow_map and file are -1. 0, or
 * SNAP_ERR_USAGE with msg. Free *out with snap_vmas_free().
 */
int snap_read_vmas(int pid, struct snap_vma **out, size_t *n, char *msg, size_t len);
void snap_vmas_free(struct snap_vma *v, size_t n);

/* /proc/kpageflags and /proc/kpagecgroup, open for a run of reads. */
struct snap_kpages {
	struct snap_kpage flags, cg;
	bool have_flags, have_cg;
};

/*
 * Open kpageflags (when readable), and with owners kpagecgroup, and find
 * the memory hierarchy's mount. 0, or SNAP_ERR_SKIP with msg when owners
 * were asked for and kpagecgroup or the hierarchy is not there.
 */
int snap_sources_open(struct snap_kpages *k, struct snap_memcg_mount *mnt, bool owners,
		      char *msg, size_t len);
void snap_kpages_close(struct snap_kpages *k);
/*
 * pid's memory cgroup, relative to the mount ("/" without one): 0, or
 * SNAP_ERR_USAGE with msg when /proc/PID/cgroup cannot be read.
 */
int snap_proc_memcg(const struct snap_memcg_mount *mnt, int pid, char *out, size_t len,
		    char *msg, size_t msglen);
/* pid's name (/proc/PID/comm without its newline), or "?" when it cannot be read. */
void snap_proc_comm(int pid, char *comm, size_t len);

/* A present page of a mapping as pagemap and /proc/kpage* describe it. */
struct snap_pageinfo {
	uint64_t idx;		/* page index inside the mapping */
	uint64_t pfn;		/* 0: unknown (not root) */
	uint64_t flags;		/* kpageflags; 0 when unknown */
	uint64_t memcg_ino;	/* kpagecgroup; 0 for none or unknown */
	enum snap_page_class cls;
	bool dirty;
};

struct snap_scan_stats {
	uint64_t present, swapped, zero, hugetlb, skipped_vma_pages;
	bool pfns;		/* pagemap gave frame numbers */
};

/* What snap_scan_pages calls, and how it reports progress. */
struct snap_scan {
	void (*page)(void *arg, size_t vma, const struct snap_pageinfo *pi);
	void (*swap)(void *arg, size_t vma, uint64_t idx);	/* may be NULL */
	void *arg;
	const char *progress;	/* prefix of progress lines on stderr; NULL: quiet */
	const char *comm;
};

/*
 * Read pagemap for every mapping of vmas with resident pages and call
 * cb->page for each present page that is charged (not the zero page, not
 * hugetlb), cb->swap for each swap entry; counts go to *st. 0, or
 * SNAP_ERR_USAGE with msg (permission denied, the process exited).
 */
int snap_scan_pages(int pid, const struct snap_vma *vmas, size_t nvma, struct snap_kpages *k,
		    struct snap_scan_stats *st, const struct snap_scan *cb, char *msg, size_t len);

/* ---- names in the scenario (plan.c, emit.c) ------------------------------ */

/*
 * The path of a host cgroup in the scenario: components kept where they
 * are valid tokens, other characters as '_'. malloc'd.
 */
char *snap_model_cgroup_path(const char *host_path);
/*
 * The path of a mapped file in the scenario: its own path when that is a
 * valid token on the disk filesystem, else /PREFIX-shm/NAME-INO (shmem) or
 * /PREFIX-files/NAME-INO. malloc'd.
 */
char *snap_model_file_path(const char *real, uint64_t ino, bool shmem, const char *prefix);
/* The header's lines on the memory hierarchy, and on where page flags come from. */
void snap_header_hierarchy(const struct snap_memcg_mount *mnt, FILE *f);
void snap_header_flags(bool flags, FILE *f);
/* `machine memory=... swap=... cpus=...` for the host, with a comment line. */
void snap_machine_line(const struct snap_host *h, FILE *f);

/* Errors of snap_collect, with the message in msg. */
enum {
	SNAP_ERR_USAGE = 2,	/* no such pid, permission denied, ... */
	SNAP_ERR_SKIP = 77,	/* /proc/kpagecgroup not readable */
};

/*
 * Read everything about pids. owners: read /proc/kpagecgroup (required,
 * else SNAP_ERR_SKIP). 0, or an error code with msg filled.
 */
int snap_collect(struct snapshot *s, const int *pids, size_t npid, bool owners,
		 bool quiet, char *msg, size_t msglen);
void snap_free(struct snapshot *s);
/*
 * Name cgroups, files and mappings in the scenario, count the kernel's
 * charges per cgroup, and list every page operation. Returns the number
 * of operations; *ops is malloc'd.
 */
size_t snap_plan(struct snapshot *s, struct snap_op **ops);
/* Write the scenario (plans it first). */
void snap_emit(struct snapshot *s, FILE *f);

/* Helpers shared by collect.c and emit.c. */
int snap_cgroup_get(struct snapshot *s, const char *path);
void snap_size_str(char *buf, size_t len, uint64_t bytes);

#endif
