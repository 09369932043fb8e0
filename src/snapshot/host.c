// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host the snapshot is taken on: MemTotal and SwapTotal from
 * /proc/meminfo (the model machine gets the same memory), online CPUs, the
 * kernel release and the date, for the scenario's header.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../base/base.h"
#include "snapshot.h"

char *snap_read_text(const char *path)
{
	struct strbuf sb;
	char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	sb_init(&sb);
	sb_add(&sb, "", 0);
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;

			close(fd);
			sb_free(&sb);
			errno = err;
			return NULL;
		}
		if (r == 0)
			break;
		sb_add(&sb, buf, (size_t)r);
	}
	close(fd);
	return sb_detach(&sb);
}

static int meminfo_key(const char *text, const char *key, uint64_t *out)
{
	const char *p = text;
	size_t kl = strlen(key);

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ':') {
			char *end;
			uint64_t v = strtoull(p + kl + 1, &end, 10);

			if (end == p + kl + 1)
				return -1;
			while (*end == ' ')
				end++;
			*out = strncmp(end, "kB", 2) ? v : v * 1024;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

int snap_meminfo(const char *text, uint64_t *mem_total, uint64_t *swap_total)
{
	if (meminfo_key(text, "MemTotal", mem_total))
		return -1;
	if (meminfo_key(text, "SwapTotal", swap_total))
		*swap_total = 0;
	return 0;
}

void snap_host_read(struct snap_host *h)
{
	struct utsname u;
	char *mi = snap_read_text("/proc/meminfo");
	time_t now = time(NULL);
	struct tm tm;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(h, 0, sizeof(*h));
	if (!mi || snap_meminfo(mi, &h->mem_total, &h->swap_total))
		h->mem_total = 4ULL << 30;
	free(mi);
	h->cpus = cpus > 0 ? (int)MIN(cpus, 1024) : 2;
	if (!uname(&u)) {
		snprintf(h->release, sizeof(h->release), "%s", u.release);
		snprintf(h->machine, sizeof(h->machine), "%s", u.machine);
	} else {
		snprintf(h->release, sizeof(h->release), "unknown");
	}
	gmtime_r(&now, &tm);
	strftime(h->date, sizeof(h->date), "%Y-%m-%dT%H:%M:%SZ", &tm);
}
