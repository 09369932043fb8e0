// SPDX-License-Identifier: GPL-2.0-only
/*
 * DIR/index.html as report and merge write it: DIR created when missing
 * and checked before any work, the page written to index.html.tmp and
 * renamed over index.html only when all of it is written, so that a full
 * disk never leaves half a page where a whole one was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_page_open(struct cli_page *pg, const char *dir, const char *cmd)
{
	struct stat st;

	memset(pg, 0, sizeof(*pg));
	pg->cmd = cmd;
	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "smemcg %s: cannot create %s: %s\n", cmd, dir, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "smemcg %s: %s is not a directory\n", cmd, dir);
		return CLI_EXIT_USAGE;
	}
	pg->final = xmalloc(strlen(dir) + sizeof("/index.html"));
	sprintf(pg->final, "%s/index.html", dir);
	pg->tmp = xmalloc(strlen(pg->final) + sizeof(".tmp"));
	sprintf(pg->tmp, "%s.tmp", pg->final);
	pg->f = fopen(pg->tmp, "w");
	if (!pg->f) {
		fprintf(stderr, "smemcg %s: cannot write %s: %s\n", cmd, pg->final, strerror(errno));
		cli_page_abandon(pg);
		return CLI_EXIT_USAGE;
	}
	return CLI_EXIT_OK;
}

void cli_page_abandon(struct cli_page *pg)
{
	if (pg->f) {
		fclose(pg->f);
		unlink(pg->tmp);
	}
	free(pg->tmp);
	free(pg->final);
	memset(pg, 0, sizeof(*pg));
}

int cli_page_commit(struct cli_page *pg, const struct strbuf *page)
{
	int rc = CLI_EXIT_OK;

	if (fwrite(page->buf, 1, page->len, pg->f) != page->len || fflush(pg->f) ||
	    ferror(pg->f)) {
		fprintf(stderr, "smemcg %s: writing %s: %s\n", pg->cmd, pg->tmp, strerror(errno));
		rc = CLI_EXIT_HOST;
	}
	if (fclose(pg->f) && !rc) {
		fprintf(stderr, "smemcg %s: writing %s: %s\n", pg->cmd, pg->tmp, strerror(errno));
		rc = CLI_EXIT_HOST;
	}
	pg->f = NULL;
	if (!rc && rename(pg->tmp, pg->final)) {
		fprintf(stderr, "smemcg %s: cannot rename %s to %s: %s\n", pg->cmd, pg->tmp,
			pg->final, strerror(errno));
		rc = CLI_EXIT_HOST;
	}
	if (rc)
		unlink(pg->tmp);
	return rc;
}

void cli_page_free(struct cli_page *pg)
{
	cli_page_abandon(pg);
}
