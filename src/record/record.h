/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * smemcg record: one scenario from live Linux processes sampled over time.
 *
 * Host-side code (Linux only, linked into the CLI, never into the model
 * library), built on snapshot's procfs readers (src/snapshot/). Every
 * sample reads the processes followed (given pids and their descendants,
 * every process of given cgroups), their memory cgroups, mappings and
 * present pages with the memcg owning each page; the scenario gets the
 * statements that take the model from the previous sample to this one
 * (cgroups made and removed, processes started, moved and exited, pages
 * brought in and gone, limits), an expect per cgroup and counter for what
 * the kernel charged, and a `sleep` for the time to the next sample.
 *
 * Only what the next sample's diff needs is kept: the model's cgroups,
 * the processes alive with their mappings in the model, the anonymous
 * pages each holds, the page-cache pages of each file and which of them
 * each process maps. The scenario is streamed to its file.
 *
 *   sample.c    one sample from procfs: processes, cgroups, limits, pages
 *   resident.c  which page-cache pages of a file are still resident (mincore)
 *   state.c     the tables (cgroups, files, processes) and their names
 *   tree.c      the model's cgroup tree: mkdir, rmdir, the tasks leaf of a
 *               cgroup with children, placeholders, limits, expects
 *   pages.c     anonymous and page-cache pages from one sample to the next
 *   replay.c    one interval in order, the header and the trailer
 */
#ifndef SMEMCG_RECORD_H
#define SMEMCG_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../base/strmap.h"
#include "../snapshot/snapshot.h"

#define REC_TASKS_LEAF "record-tasks"
#define REC_TOLERANCE_PCT 5
/* model mappings cover at most this many pages around what they hold (1 GiB) */
#define REC_SEG_SPAN (1ULL << 18)

/* Grow an array *p of *cap elements to hold n + 1. */
#define REC_GROW(p, n, cap)                                                        \
	do {                                                                       \
		if ((n) >= (cap)) {                                                \
			(cap) = (cap) ? (cap) * 2 : 16;                            \
			(p) = xrealloc((p), (cap) * sizeof(*(p)));                 \
		}                                                                  \
	} while (0)

/* ---- control files ------------------------------------------------------- */

enum {
	REC_MAX, REC_HIGH, REC_LOW, REC_MIN, REC_SWAP_MAX, REC_NLIMITS
};

/* the v2 file of each limit, and the value a new cgroup has */
extern const char *const rec_limit_file[REC_NLIMITS];
extern const char *const rec_limit_default[REC_NLIMITS];

/* ---- one sample: what procfs showed ---------------------------------------- */

/* A present page of a process's mapping: 24 bytes, a sample holds many. */
struct rec_spage {
	uint64_t vpn;		/* virtual page number */
	uint64_t pfn;		/* 0: unknown */
	int32_t owner;		/* cgroup index; -1: unknown owner */
	uint32_t vma : 24;	/* index in the process's vmas */
	uint32_t cls : 2;	/* enum snap_page_class */
	uint32_t dirty : 1;
};
#define REC_MAX_VMAS (1U << 24)

/* A mapping, in pages. */
struct rec_svma {
	uint64_t start, end;	/* virtual page numbers [start, end) */
	uint64_t pgoff;		/* page of the file at start */
	int32_t file;		/* index in rec->files; -1 */
	uint8_t kind;		/* enum snap_vma_kind */
	uint8_t shared;
	char perms[5];
};

struct rec_sproc {
	int pid, ppid;
	uint64_t start;		/* starttime in /proc/PID/stat: with pid, the identity */
	char comm[64];
	int cg;			/* its memory cgroup, index in rec->cgs */
	struct rec_svma *vmas;
	size_t nvma, vma_cap;
	struct rec_spage *pages;	/* ascending vpn */
	size_t npage, page_cap;
	uint64_t *swapped;	/* vpns of swap entries */
	size_t nswap, swap_cap;
};

struct rec_sample {
	uint64_t t_ns;		/* since the first sample */
	struct rec_sproc *procs;	/* in start order */
	size_t nproc;
};

/* ---- what the model holds ------------------------------------------------- */

struct rec_cgroup {
	char *path;		/* host path, relative to the hierarchy root */
	char *model;		/* path in the scenario */
	char *tasks;		/* where its processes run: model, or its leaf once inner */
	uint64_t ino;
	int parent;		/* index; -1 for the root */
	bool traced;		/* under a --cgroup root */
	bool seen;		/* its directory exists after the sample's pages were read */
	bool in_model;		/* made in the scenario */
	bool removed;		/* removed in the scenario (dying while it holds pages) */
	bool inner;		/* +memory in its subtree_control: processes go to a leaf */
	bool leaf_made;		/* model/record-tasks exists */
	bool holder;		/* its placeholder process runs */
	bool soft_noted;
	char *limit[REC_NLIMITS];	/* what the scenario wrote; NULL: the default */
	char *host_limit[REC_NLIMITS];	/* this sample's host values (scratch) */
	uint64_t bytes[3];	/* local charges of the pages the model holds, by class */
	uint64_t sum[3];	/* hierarchical (scratch) */
	uint64_t host[3];	/* the host's memory.stat anon, file, shmem (scratch) */
	bool has_host;
};

/* A page-cache page the model holds. */
struct rec_tpage {
	uint64_t idx;
	int32_t owner;
	uint8_t dirty;
	uint8_t seen;		/* present in a mapping at this sample (scratch) */
	uint8_t drop;		/* (scratch) */
};

struct rec_file {
	unsigned major, minor;
	uint64_t ino;
	char *real;		/* as /proc/PID/maps shows it */
	char *model;		/* the path in the scenario; NULL until used */
	bool shmem;
	bool gone;		/* unlinked in the scenario */
	uint64_t model_size;	/* the model inode's size, bytes */
	struct rec_tpage *pages;	/* ascending idx */
	size_t npage, page_cap;
	/* a mapping of it at this sample, for map_files (scratch) */
	int hint_pid;
	uint64_t hint_start, hint_end;
};

/* A mapping in the model: a run of a process's virtual pages. */
struct rec_seg {
	uint64_t start, end;	/* vpn */
	uint64_t pgoff;		/* file page at start */
	int file;		/* -1: anonymous */
	int map;		/* mN in the scenario */
	bool shared;
	bool dead;
};

/* An anonymous page the model holds, charged to owner. */
struct rec_held {
	uint64_t vpn;
	int32_t owner;
	uint8_t keep;		/* (scratch) */
};

struct rec_proc {
	int pid;
	uint64_t start;
	char name[40];		/* pPID, or pPID_N for a reused pid */
	char comm[64];
	int cg;			/* the cgroup it runs in, in the model */
	int sidx;		/* index in the current sample; -1: exited (scratch) */
	struct rec_seg *segs;
	size_t nseg, seg_cap, last_seg;
	struct rec_held *held;	/* ascending vpn */
	size_t nheld, held_cap;
	uint64_t *mapped;	/* vpn << 1 | writable: page-cache pages it maps; ascending */
	size_t nmapped, mapped_cap;
	int next_map;
};

/*
 * Which pages of f in [first, first + n) are resident: vec[i] bit 0, as
 * mincore(2). 0, or -ENOENT when the file is gone (deleted and unmapped).
 */
typedef int rec_resident_fn(void *arg, const struct rec_file *f, uint64_t first, uint64_t n,
			    unsigned char *vec);

struct rec_stats {
	uint64_t samples;
	uint64_t new_pages, gone_pages, swapped_out, reowned, unknown_owner;
	uint64_t peak_pages;
	uint64_t statements;
	uint64_t last_procs, last_pages;	/* in the last sample */
};

struct recorder {
	FILE *out;
	bool owners;		/* owners from /proc/kpagecgroup, else by start order */
	bool v1;
	struct snap_memcg_mount mnt;
	/* the tables */
	struct rec_cgroup *cgs;
	size_t ncg, cg_cap;
	struct rec_file *files;
	size_t nfile, file_cap;
	struct rec_proc *procs;	/* alive, in start order */
	size_t nproc, proc_cap;
	struct strmap names;	/* process and file names used */
	struct snap_cgino_map cgino;
	bool cgino_fresh;	/* walked at this sample */
	int root;		/* the root cgroup's index */
	bool shm_mounted;
	uint64_t mem_total;
	rec_resident_fn *resident;
	void *resident_arg;
	/* the interval being written */
	struct rec_sample *cur;
	uint64_t last_t_ns;
	bool any_sample;
	struct rec_stats st;
	uint64_t pages_now;	/* pages the model holds */
	/* the last expects written: their values, their sample, one skipped since */
	uint64_t expects_sig, expects_sample;
	bool expects_emitted, expects_pending;
};

/* ---- state.c -------------------------------------------------------------- */

void rec_init(struct recorder *r, FILE *out, const struct snap_memcg_mount *mnt, bool owners,
	      uint64_t mem_total);
void rec_free(struct recorder *r);
/* The cgroup of a host path (made with its ancestors); index. */
int rec_cgroup_get(struct recorder *r, const char *path);
/* The cgroup whose directory has inode ino; -1 when none can be found. */
int rec_cgroup_by_ino(struct recorder *r, uint64_t ino);
/* The file of a mapping (major, minor, inode; path for its name); index. */
int rec_file_get(struct recorder *r, unsigned major, unsigned minor, uint64_t ino,
		 const char *real);
/* Name f in the scenario (on first use). */
const char *rec_file_model(struct recorder *r, struct rec_file *f);
struct rec_proc *rec_proc_find(struct recorder *r, int pid, uint64_t start);
/*
 * The first of n elements of size bytes, in ascending order of the
 * uint64_t each starts with, whose key is at least key (n if none).
 */
size_t rec_lower_bound(const void *base, size_t n, size_t size, uint64_t key);
struct rec_tpage *rec_tpage_find(struct rec_file *f, uint64_t idx);
struct rec_held *rec_held_find(struct rec_proc *p, uint64_t vpn);
void rec_sample_free(struct rec_sample *s);
/* What a process of a sample holds (its mappings, pages and swap entries). */
void rec_sproc_free(struct rec_sproc *sp);

/* ---- tree.c --------------------------------------------------------------- */

/* Make cg (and its ancestors) in the scenario. */
void rec_tree_make(struct recorder *r, int cg);
/* Where a process of cg runs in the scenario (made if need be). */
const char *rec_tree_tasks(struct recorder *r, int cg);
/* A process running in cg's tasks in the model, its placeholder if need be. */
const char *rec_tree_actor(struct recorder *r, int cg);
/* The live cgroup a page of cg is touched in: cg, or its nearest live ancestor. */
int rec_tree_live(struct recorder *r, int cg);
/* Remove cg in the scenario (its children first). */
void rec_tree_remove(struct recorder *r, int cg);
/* Write the limits whose host value changed. */
void rec_tree_limits(struct recorder *r);
/* Is a the cgroup b or below it? */
bool rec_tree_under(const struct recorder *r, int a, int b);
/*
 * The host's memory.stat as comments, and the expects for this sample;
 * unless nothing changed (no statement, the same values): a comment.
 */
void rec_tree_expects(struct recorder *r, bool changed);

/* ---- pages.c -------------------------------------------------------------- */

/* Every page change of the interval: gone pages first, then new ones. */
void rec_pages_sync(struct recorder *r);

/* ---- replay.c --------------------------------------------------------------- */

struct rec_header {
	const char *sources;	/* "pids 12 (a) 13 (b) and their descendants" */
	const char *command;	/* the command line */
	struct snap_host host;
	bool flags;		/* kpageflags read */
	uint64_t interval_ns;
};

void rec_header(struct recorder *r, const struct rec_header *h);
/* Write the statements that take the model to sample s (r takes it). */
void rec_sample(struct recorder *r, struct rec_sample *s);
/* The closing comment: why the recording ended, and its totals. */
void rec_trailer(struct recorder *r, const char *why);
/* printf to the scenario, counting statements (lines not starting with '#'). */
void rec_emit(struct recorder *r, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* ---- sample.c: one sample from procfs ------------------------------------- */

struct rec_source {
	struct snap_kpages k;
	int *pids;		/* given pids */
	uint64_t *pid_start;	/* their starttime at the first sample */
	size_t npid;
	char **cgroups;		/* given cgroups, relative to the hierarchy root */
	size_t ncgroup;
	size_t ncgroup_present;	/* of them, those the last sample found */
	int self;
	bool pfns;		/* pagemap gave frame numbers */
	bool first_done;
};

/*
 * Read a sample: the processes followed (the given pids, their
 * descendants, the processes of the given cgroups, and those followed
 * before), each one's cgroup, mappings and pages; the given cgroups'
 * subtrees; every model cgroup's limits and memory.stat. 0, or
 * SNAP_ERR_USAGE with msg (a given pid or cgroup that is not there, at
 * the first sample only).
 */
int rec_read_sample(struct recorder *r, struct rec_source *src, struct rec_sample *s,
		    char *msg, size_t len);
/* /proc/PID/stat: ppid, starttime, state; 0 or -errno. */
int rec_proc_stat(int pid, int *ppid, uint64_t *start, char *state);

/* ---- resident.c ------------------------------------------------------------ */

/* rec_resident_fn on the host: mincore(2) of the file, opened through a mapping or its path. */
int rec_resident_host(void *arg, const struct rec_file *f, uint64_t first, uint64_t n,
		      unsigned char *vec);

#endif
