// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/kpageflags and /proc/kpagecgroup: tables of 8-byte values indexed
 * by page frame number, readable by root. kpageflags holds the page's
 * flags (anon, swap-backed, dirty, huge, ...); kpagecgroup the inode number
 * of the directory of the memory cgroup the page is charged to (0: none).
 * Reads go through a small cache: the PFNs of a mapping often come in runs;
 * many pages at once are read sorted, a run of nearby frames per read.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "snapshot.h"

enum snap_page_class snap_kpf_class(uint64_t flags)
{
	if (snap_kpf(flags, SNAP_KPF_ANON))
		return SNAP_PAGE_ANON;
	if (snap_kpf(flags, SNAP_KPF_SWAPBACKED))
		return SNAP_PAGE_SHMEM;
	return SNAP_PAGE_FILE;
}

int snap_kpage_open(struct snap_kpage *k, const char *path)
{
	uint64_t probe;

	memset(k, 0, sizeof(*k));
	k->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	/* opening can succeed where reading does not (lockdown, LSMs) */
	if (pread(k->fd, &probe, sizeof(probe), 0) < 0) {
		int err = -errno;

		close(k->fd);
		k->fd = -1;
		return err;
	}
	return 0;
}

void snap_kpage_close(struct snap_kpage *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

int snap_kpage_get(struct snap_kpage *k, uint64_t pfn, uint64_t *out)
{
	const size_t cap = sizeof(k->cache) / sizeof(k->cache[0]);
	ssize_t r;

	if (k->n && pfn >= k->base && pfn < k->base + k->n) {
		*out = k->cache[pfn - k->base];
		return 0;
	}
	k->base = pfn - pfn % cap;
	do
		r = pread(k->fd, k->cache, sizeof(k->cache), (off_t)(k->base * 8));
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		k->n = 0;
		return -errno;
	}
	k->n = (size_t)r / 8;
	if (pfn >= k->base + k->n)
		return -ERANGE;
	*out = k->cache[pfn - k->base];
	return 0;
}

#define SORTED_SPAN 512		/* entries read at most at once */
#define SORTED_GAP 16		/* frames apart still read in the same run */

void snap_kpage_get_sorted(struct snap_kpage *k, const uint64_t *pfn, size_t n, uint64_t *out)
{
	uint64_t buf[SORTED_SPAN];
	size_t i = 0, j, m;

	while (i < n) {
		uint64_t first = pfn[i];
		size_t got;
		ssize_t r;

		for (j = i + 1; j < n && pfn[j] - pfn[j - 1] <= SORTED_GAP &&
			    pfn[j] - first < SORTED_SPAN; j++)
			;
		do
			r = pread(k->fd, buf, (size_t)(pfn[j - 1] - first + 1) * 8, (off_t)(first * 8));
		while (r < 0 && errno == EINTR);
		got = r > 0 ? (size_t)r / 8 : 0;
		for (m = i; m < j; m++)
			out[m] = pfn[m] - first < got ? buf[pfn[m] - first] : 0;
		i = j;
	}
}
