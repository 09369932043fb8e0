// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/PID/pagemap: 8 bytes per virtual page, at offset (vaddr / 4096) * 8.
 * Bit 63 present, 62 swapped, 61 file page or shared anonymous, 56 mapped
 * exclusively, 55 soft-dirty; bits 0-54 the page frame number when present
 * (zero unless the reader has CAP_SYS_ADMIN), or the swap type (bits 0-4)
 * and offset (bits 5-54) when swapped.
 */
#include <errno.h>
#include <unistd.h>

#include "snapshot.h"

#define PM_PFN_MASK ((1ULL << 55) - 1)

void snap_pagemap_decode(uint64_t e, struct snap_pme *out)
{
	out->present = (e >> 63) & 1;
	out->swapped = (e >> 62) & 1;
	out->file_or_shared = (e >> 61) & 1;
	out->exclusive = (e >> 56) & 1;
	out->soft_dirty = (e >> 55) & 1;
	out->pfn = 0;
	out->swap_type = 0;
	out->swap_offset = 0;
	if (out->present)
		out->pfn = e & PM_PFN_MASK;
	else if (out->swapped) {
		out->swap_type = (unsigned)(e & 0x1f);
		out->swap_offset = (e & PM_PFN_MASK) >> 5;
	}
}

int snap_pagemap_read(int fd, uint64_t first, uint64_t *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = pread(fd, (char *)buf + done * 8, (n - done) * 8,
				  (off_t)((first + done) * 8));

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0 || r % 8)
			return -EIO;
		done += (size_t)r / 8;
	}
	return 0;
}
