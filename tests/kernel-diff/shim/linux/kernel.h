/* SPDX-License-Identifier: GPL-2.0-only */
/* <linux/kernel.h> for mm/page_counter.c in userspace: tests/kernel-diff/shim/kdiff_base.h. */
#ifndef KDIFF_SHIM_LINUX_KERNEL_H
#define KDIFF_SHIM_LINUX_KERNEL_H
#include "../kdiff_base.h"
#endif
