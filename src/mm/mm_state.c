// SPDX-License-Identifier: GPL-2.0-only
/* Creation and teardown of a machine's layer-3 state. */
#include "gup.h"
#include "mm_state.h"

#include <stdlib.h>

#include "../machine.h"
#include "filemap.h"
#include "mm.h"
#include "mount.h"
#include "page_alloc.h"
#include "task.h"
#include "workingset.h"
#include "writeback.h"

void mm_state_init(struct machine *m)
{
	struct mm_state *ms = xcalloc(1, sizeof(*ms));

	m->mm = ms;
	id_table_init(&ms->objs);
	tasks_init(m);
	strmap_init(&ms->paths);
	strmap_init(&ms->below);
	ms->vm_swappiness = 60;
	ms->dirty_background_ratio = 10;
	ms->dirty_ratio = 20;
	ms->swap.total = (long)(m->cfg.swap_bytes / PAGE_SIZE);
	zone_init(m);
	ms->ws_bucket_order = workingset_bucket_order((unsigned long)ms->zone.managed);
	writeback_init(m);
}

void mm_state_free(struct machine *m)
{
	struct mm_state *ms = m->mm;
	int i;

	if (!ms)
		return;
	/* Exit everything so that every page is freed through its owner. */
	while (!list_empty(&ms->tasks))
		task_do_exit(m, task_of_node(ms->tasks.next), 0);
	ext_call_teardown(m);
	pins_free_all(m);
	while (ms->nr_mounts)
		tmpfs_umount(m, NULL, ms->mounts[0]->dir);
	for (i = 0; i < (int)ms->nr_inodes; i++) {
		struct inode *inode = ms->inodes[i];

		if (inode && !inode->refs)
			file_unlink_inode(m, inode);
	}
	inodes_free_all(m);
	writeback_free(m);
	mounts_free(m);
	tasks_free_all(m);
	for (i = 0; i < (int)ms->objs.nr; i++)
		if (memobj_at(m, (uint32_t)i))
			memobj_destroy(m, memobj_at(m, (uint32_t)i));
	id_table_free(&ms->objs);
	strmap_free(&ms->paths);
	strmap_free(&ms->below);
	free(ms);
	m->mm = NULL;
}

