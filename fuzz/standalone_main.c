// SPDX-License-Identifier: GPL-2.0-only
/*
 * Replays fuzz inputs through a target's LLVMFuzzerTestOneInput without
 * libFuzzer (built with the ordinary compiler for `make test`). Arguments
 * are files or directories (every regular file in them, sorted by name).
 * Prints TAP: one point per input; an input that breaks the model aborts
 * the process, which the test runner reports with the input's name on the
 * line before.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n;

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, r;

	if (!fp) {
		printf("not ok %d - %s: cannot open\n", ++n, path);
		return 1;
	}
	for (;;) {
		if (len == cap) {
			unsigned char *nb;

			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(fp);
				printf("not ok %d - %s: out of memory\n", ++n, path);
				return 1;
			}
			buf = nb;
		}
		r = fread(buf + len, 1, cap - len, fp);
		if (!r)
			break;
		len += r;
	}
	fclose(fp);
	printf("# %s (%zu bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	printf("ok %d - %s\n", ++n, path);
	fflush(stdout);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t nn = 0, i;
	int bad = 0;

	if (stat(path, &st)) {
		printf("not ok %d - %s: no such file\n", ++n, path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	d = opendir(path);
	if (!d) {
		printf("not ok %d - %s: cannot open\n", ++n, path);
		return 1;
	}
	while ((e = readdir(d))) {
		size_t l = strlen(path) + strlen(e->d_name) + 2;
		char *full, **nv;

		if (e->d_name[0] == '.')
			continue;
		full = malloc(l);
		nv = realloc(names, (nn + 1) * sizeof(*names));
		if (!full || !nv) {
			free(full);
			free(nv ? nv : names);
			closedir(d);
			return 1;
		}
		names = nv;
		snprintf(full, l, "%s/%s", path, e->d_name);
		names[nn++] = full;
	}
	closedir(d);
	if (nn)
		qsort(names, nn, sizeof(*names), cmp);
	for (i = 0; i < nn; i++) {
		if (!stat(names[i], &st) && S_ISREG(st.st_mode))
			bad |= run_file(names[i]);
		free(names[i]);
	}
	free(names);
	return bad;
}

int main(int argc, char **argv)
{
	int i, bad = 0;

	printf("TAP version 13\n");
	for (i = 1; i < argc; i++)
		bad |= run_path(argv[i]);
	printf("1..%d\n", n);
	return bad;
}
