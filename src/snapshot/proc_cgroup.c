// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which cgroup a process's memory is charged in: /proc/self/mountinfo says
 * where the memory controller's hierarchy is mounted (a cgroup v1 mount
 * whose options include "memory", else the cgroup2 mount), and
 * /proc/PID/cgroup gives the process's path in that hierarchy ("0::PATH"
 * for v2, "ID:...,memory,...:PATH" for v1).
 */
#include <stdio.h>
#include <string.h>

#include "snapshot.h"

/* Copy a mountinfo field, decoding its octal escapes (\040 for a blank). */
static void unescape(char *dst, size_t len, const char *s, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n && o + 1 < len) {
		if (s[i] == '\\' && i + 3 < n &&
		    s[i + 1] >= '0' && s[i + 1] <= '7' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
		    s[i + 3] >= '0' && s[i + 3] <= '7') {
			dst[o++] = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
			i += 4;
		} else {
			dst[o++] = s[i++];
		}
	}
	dst[o] = '\0';
}

/* Does the comma-separated list (n bytes) hold the word w? */
static bool has_word(const char *list, size_t n, const char *w)
{
	size_t wl = strlen(w), i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && list[j] != ',')
			j++;
		if (j - i == wl && !strncmp(list + i, w, wl))
			return true;
		i = j + 1;
	}
	return false;
}

int snap_find_memcg_mount(const char *mountinfo, struct snap_memcg_mount *out)
{
	const char *p = mountinfo;
	struct snap_memcg_mount v2;

	memset(out, 0, sizeof(*out));
	memset(&v2, 0, sizeof(v2));
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *f[6], *dash, *q = p, *end = p + len;
		size_t flen[6];
		int i;

		/* fields 0-5: id, parent, dev, root, mount point, options */
		for (i = 0; i < 6 && q < end; i++) {
			const char *s = q;

			while (q < end && *q != ' ')
				q++;
			f[i] = s;
			flen[i] = (size_t)(q - s);
			if (q < end)
				q++;
		}
		dash = NULL;
		if (i == 6) {
			/* optional fields, then " - FSTYPE SOURCE SUPEROPTS" */
			const char *d = q;

			while (d < end) {
				if (d[0] == '-' && (d + 1 == end || d[1] == ' ') &&
				    (d == p || d[-1] == ' ')) {
					dash = d;
					break;
				}
				while (d < end && *d != ' ')
					d++;
				if (d < end)
					d++;
			}
		}
		if (dash && dash + 2 < end) {
			const char *fs = dash + 2, *src, *opts;
			size_t fslen = strcspn(fs, " \n");

			src = fs + fslen + (fs[fslen] == ' ');
			opts = src + strcspn(src, " \n");
			if (*opts == ' ')
				opts++;
			if (opts > end)
				opts = end;
			if (fslen == 6 && !strncmp(fs, "cgroup", 6) &&
			    has_word(opts, (size_t)(end - opts), "memory") && !out->found) {
				out->found = true;
				out->v1 = true;
				unescape(out->dir, sizeof(out->dir), f[4], flen[4]);
				unescape(out->root, sizeof(out->root), f[3], flen[3]);
			} else if (fslen == 7 && !strncmp(fs, "cgroup2", 7) &&
				   (!v2.found || (flen[4] == 14 && !strncmp(f[4], "/sys/fs/cgroup", 14)))) {
				v2.found = true;
				unescape(v2.dir, sizeof(v2.dir), f[4], flen[4]);
				unescape(v2.root, sizeof(v2.root), f[3], flen[3]);
			}
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	if (!out->found && v2.found)
		*out = v2;
	return 0;
}

int snap_proc_cgroup_path(const char *text, bool v1, char *out, size_t len)
{
	const char *p = text;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		const char *c1 = memchr(p, ':', n), *c2;

		if (c1) {
			c2 = memchr(c1 + 1, ':', (size_t)(p + n - c1 - 1));
			if (c2) {
				bool match = v1 ? has_word(c1 + 1, (size_t)(c2 - c1 - 1), "memory")
						: (c1 - p == 1 && p[0] == '0' && c2 == c1 + 1);
				size_t plen = (size_t)(p + n - c2 - 1);

				if (match && plen && c2[1] == '/' && plen < len) {
					memcpy(out, c2 + 1, plen);
					out[plen] = '\0';
					return 0;
				}
			}
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	return -1;
}
