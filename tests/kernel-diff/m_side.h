/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the model's sides of tests/kernel-diff share: a memcg set up as the
 * model's css_alloc would, without a machine (m_side.c).
 */
#ifndef KDIFF_M_SIDE_H
#define KDIFF_M_SIDE_H

struct mem_cgroup;

/* Zeroed, counters under the parent's, online; the root when parent is NULL. */
void kd_model_memcg_init(struct mem_cgroup *memcg, struct mem_cgroup *parent);

#endif
