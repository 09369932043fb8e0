// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/PID/maps: one line per mapping, "START-END PERMS OFFSET MAJ:MIN
 * INODE [PATH]", numbers in hex except the inode. The path is the rest of
 * the line after the blanks that pad it: it may hold blanks itself, and ends
 * in " (deleted)" for an unlinked file.
 */
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "snapshot.h"

/* A hex or decimal number at *p, then skip one separator c (0: none). */
static int num(const char **p, int base, char sep, uint64_t *out)
{
	char *end;
	const char *s = *p;

	if (!((*s >= '0' && *s <= '9') || (base == 16 && ((*s >= 'a' && *s <= 'f') ||
							  (*s >= 'A' && *s <= 'F')))))
		return -1;
	*out = strtoull(s, &end, base);
	if (end == s)
		return -1;
	if (sep) {
		if (*end != sep)
			return -1;
		end++;
	}
	*p = end;
	return 0;
}

static void blanks(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

int snap_parse_maps_line(const char *line, struct snap_maps_line *out)
{
	const char *p = line;
	uint64_t major, minor;
	size_t n;
	int i;

	memset(out, 0, sizeof(*out));
	if (num(&p, 16, '-', &out->start) || num(&p, 16, ' ', &out->end))
		return -1;
	if (out->end < out->start)
		return -1;
	for (i = 0; i < 4; i++) {
		if (!strchr("rwxps-", p[i]) || !p[i])
			return -1;
		out->perms[i] = p[i];
	}
	out->perms[4] = '\0';
	if (out->perms[3] != 'p' && out->perms[3] != 's')
		return -1;
	p += 4;
	if (*p != ' ')
		return -1;
	p++;
	if (num(&p, 16, ' ', &out->offset) || num(&p, 16, ':', &major) ||
	    num(&p, 16, ' ', &minor) || num(&p, 10, 0, &out->inode))
		return -1;
	if (*p && *p != ' ' && *p != '\t' && *p != '\n')
		return -1;
	out->major = (unsigned)major;
	out->minor = (unsigned)minor;
	blanks(&p);
	n = strcspn(p, "\n");
	out->path = xstrndup(p, n);
	return 0;
}

void snap_maps_line_free(struct snap_maps_line *l)
{
	free(l->path);
	l->path = NULL;
}
