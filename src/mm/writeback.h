/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writeback of dirty page cache (fs/fs-writeback.c, mm/page-writeback.c,
 * mm/backing-dev.c of Linux 6.1) on the model's one disk: the writeback
 * contexts (struct bdi_writeback: the disk's own, and one per memcg with
 * cgroup writeback), their lists of dirty inodes, the flusher, background
 * writeback, sync and fsync, and the reclaim side: pages reclaim found
 * dirty are flagged PG_reclaim and rotated to the inactive tail when their
 * writeback completes.
 *
 * Writeback I/O completes at once (the guest's RAM disk is as fast), so a
 * flusher woken by reclaim or by balance_dirty_pages has written its inodes
 * by the time the caller goes on.
 */
#ifndef SMEMCG_WRITEBACK_H
#define SMEMCG_WRITEBACK_H

#include <stdbool.h>
#include <stdint.h>

#include "../base/list.h"
#include "page.h"

struct machine;
struct inode;
struct memobj;
struct mem_cgroup;
struct task;
struct strbuf;

/*
 * A writeback context. The disk's own (bdi->wb, memcg NULL) lives as long
 * as the machine. A memcg's (a cgwb) is created when an inode is first
 * dirtied by a page of that memcg; it holds a reference on the memcg and is
 * held by each inode attached to it (inode->i_wb) and, until the memcg goes
 * offline, by the memcg itself.
 */
struct bdi_writeback {
	struct mem_cgroup *memcg;	/* NULL: the disk's root wb */
	struct list_node b_dirty;	/* its dirty inodes, oldest first */
	struct list_node b_attached;	/* clean inodes attached to a cgwb */
	struct list_node dirty_node;	/* on the list of wbs with dirty inodes */
	long nr_dirty_inodes;
	long refcnt;			/* inodes attached + 1 until killed */
	bool dying;			/* its memcg went offline (cgwb_kill) */
	uint64_t flush_ns;		/* its flusher's next wakeup (wb->dwork), 0: none */
	struct list_node offline_node;	/* on the offline cgwbs list */
	struct list_node wb_node;	/* on the disk's list of wbs */
};

struct writeback_state {
	struct bdi_writeback root;	/* bdi->wb */
	struct list_node dirty_wbs;	/* the wbs with dirty inodes (bdi_has_dirty_io) */
	struct list_node wb_list;	/* every wb, root first (bdi->wb_list) */
	struct list_node offline_cgwbs;	/* killed cgwbs not yet released */
	/* PG_reclaim: pages reclaim wants back as soon as they are written */
	uint32_t *reclaim_key;
	uint32_t reclaim_cap, reclaim_used;
	long nr_dirty;			/* dirty page-cache pages (NR_FILE_DIRTY) */
	bool flush_pending;
};

void writeback_init(struct machine *m);
void writeback_free(struct machine *m);

/*
 * __mark_inode_dirty of the inode's metadata by task t (creation, size,
 * mtime, atime): the inode joins t's memcg's wb if it has none yet.
 */
void writeback_mark_inode_dirty(struct machine *m, struct inode *inode, struct task *t);
/* file_update_time (write, truncate, write fault): mtime and ctime. */
void writeback_update_time(struct machine *m, struct inode *inode, struct task *t);
/* touch_atime under relatime (read, mmap). */
void writeback_touch_atime(struct machine *m, struct inode *inode, struct task *t);
/* A disk page is dirtied (folio_account_dirtied): the inode joins a wb. */
void writeback_dirty_page(struct machine *m, struct inode *inode, pgh_t h);
/* A dirty page is cleaned (its writeback ends, or it is truncated). */
void writeback_clean_page(struct machine *m, struct memobj *obj, pgh_t h);
/* The inode goes: off its lists, its wb reference dropped (inode_detach_wb). */
void writeback_inode_gone(struct machine *m, struct inode *inode);

/* The flusher, woken for everything dirty (wakeup_flusher_threads). */
void wakeup_flusher_threads(struct machine *m);
/*
 * The same from reclaim, which goes on meanwhile: the flusher writes
 * MIN_WRITEBACK_PAGES (4 MiB) before each further reclaim attempt
 * (flusher_progress), and the rest once the statement is done.
 */
void wakeup_flusher_threads_reclaim(struct machine *m);
void flusher_progress(struct machine *m);
/* Periodic writeback: inodes dirty for 30 s (dirty_expire_centisecs). */
void writeback_expired(struct machine *m);
/* balance_dirty_pages after a task dirtied pages (background writeback). */
void balance_dirty_pages(struct machine *m, struct inode *inode);
/* fsync(2): the inode's dirty pages, attaching it to t's wb first. */
void writeback_fsync(struct machine *m, struct task *t, struct inode *inode);
/* sync(2): every dirty inode. */
void writeback_sync(struct machine *m);

/*
 * Reclaim found page h dirty: it is flagged PG_reclaim (and activated by
 * the caller); when its writeback ends it goes to the inactive tail.
 */
void folio_set_reclaim(struct machine *m, pgh_t h);
/* The page is freed: forget its PG_reclaim. */
void folio_clear_reclaim(struct machine *m, pgh_t h);

/* mem_cgroup offline: its cgwb is killed, the offline cgwbs cleaned up. */
void wb_memcg_offline(struct machine *m, struct mem_cgroup *memcg);
/* For explain: the inodes keeping memcg's cgwb, "path (dirty)" lines. */
void wb_explain_holders(struct machine *m, struct mem_cgroup *memcg, struct strbuf *out);

#endif
