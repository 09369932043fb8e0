/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Force-included into every kernel-side file of tests/kernel-diff: the
 * kernel's global names that the model also defines (or might) get a linux_
 * prefix, so that both live in one program. A name missed here is a
 * duplicate symbol at link time, never a silent mix-up.
 */
#ifndef KDIFF_RENAME_H
#define KDIFF_RENAME_H

#define page_counter_cancel linux_page_counter_cancel
#define page_counter_charge linux_page_counter_charge
#define page_counter_try_charge linux_page_counter_try_charge
#define page_counter_uncharge linux_page_counter_uncharge
#define page_counter_set_min linux_page_counter_set_min
#define page_counter_set_low linux_page_counter_set_low
#define page_counter_set_max linux_page_counter_set_max
#define page_counter_memparse linux_page_counter_memparse
#define mem_cgroup_calculate_protection linux_mem_cgroup_calculate_protection
#define mem_cgroup_get_nr_swap_pages linux_mem_cgroup_get_nr_swap_pages
#define mem_cgroup_size linux_mem_cgroup_size
#define memparse linux_memparse
#define simple_strtoull linux_simple_strtoull
#define _parse_integer_fixup_radix linux__parse_integer_fixup_radix
#define _parse_integer_limit linux__parse_integer_limit
#define oom_badness linux_oom_badness
#define find_lock_task_mm linux_find_lock_task_mm
#define workingset_refault linux_workingset_refault
#define workingset_age_nonresident linux_workingset_age_nonresident
/* the shim's globals */
#define root_mem_cgroup linux_root_mem_cgroup
#define cgrp_dfl_root linux_cgrp_dfl_root
#define vm_swappiness linux_vm_swappiness
#define nr_swap_pages linux_nr_swap_pages
#define numa_demotion_enabled linux_numa_demotion_enabled

#endif
