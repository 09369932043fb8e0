/* SPDX-License-Identifier: GPL-2.0-only */
/* /proc/sys/vm/drop_caches (fs/drop_caches.c): what = 1, 2 or 3. */
#ifndef SMEMCG_DROP_CACHES_H
#define SMEMCG_DROP_CACHES_H

struct machine;

int drop_caches(struct machine *m, int what);

#endif
