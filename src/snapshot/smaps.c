// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/PID/smaps: each mapping's maps line followed by "Key: value kB"
 * lines. Only Rss is used: a mapping with no resident page needs no
 * pagemap read, which keeps sparse reservations of terabytes cheap.
 */
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

int snap_smaps_rss(const char *text, void (*fn)(uint64_t start, uint64_t rss, void *arg),
		   void *arg)
{
	const char *p = text;
	uint64_t start = 0;
	bool have = false, any = false;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		struct snap_maps_line l;

		if (!strncmp(p, "Rss:", 4)) {
			char *end;
			uint64_t kb = strtoull(p + 4, &end, 10);

			if (!have)
				return -1;
			fn(start, kb * 1024, arg);
			any = true;
		} else if (len && !snap_parse_maps_line(p, &l)) {
			/* a maps line opens the next mapping */
			start = l.start;
			have = true;
			snap_maps_line_free(&l);
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	return any || !*text ? 0 : -1;
}
