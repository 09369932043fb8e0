// SPDX-License-Identifier: GPL-2.0-only
/*
 * compare's table as compare and merge print it: the options that choose
 * the format, the sections and the rows (--format, --only, --changed,
 * --all, --exact), parsed one way for both, and the title.
 */
#include <stdlib.h>
#include <string.h>

#include "../compare/compare.h"
#include "cli.h"

int cli_parse_format(void *value, const char *arg, struct strbuf *err)
{
	if (strcmp(arg, "table") && strcmp(arg, "csv") && strcmp(arg, "json")) {
		sb_printf(err, "takes table, csv or json, not \"%s\"", arg);
		return -1;
	}
	*(const char **)value = arg;
	return 0;
}

int cli_parse_sections(void *value, const char *arg, struct strbuf *err)
{
	unsigned *mask = value;
	char *s = xstrdup(arg), *tok, *save = NULL;
	int rc = 0;

	*mask = 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int k = cmp_section_from_name(tok);

		if (k < 0) {
			sb_printf(err, "names an unknown section \"%s\"", tok);
			rc = -1;
			break;
		}
		*mask |= 1u << k;
	}
	if (!rc && !*mask) {
		sb_puts(err, "needs a section");
		rc = -1;
	}
	free(s);
	return rc;
}

void cli_table_print(struct cmp_table *t, const struct cli_table *to, const char *cmd,
		     const char *what, int nruns)
{
	struct cmp_print_opts po;
	struct strbuf title;

	memset(&po, 0, sizeof(po));
	po.format = !to->format || !strcmp(to->format, "table") ? CMP_TABLE
		    : !strcmp(to->format, "csv") ? CMP_CSV : CMP_JSON;
	po.legend = true;
	po.sections = to->sections;
	po.changed_only = to->changed;
	po.all = to->all;
	po.exact = to->exact;
	sb_init(&title);
	if (po.format == CMP_TABLE)
		sb_printf(&title, "smemcg %s %s: %d run%s", cmd, what, nruns, nruns == 1 ? "" : "s");
	else
		sb_puts(&title, what);
	po.title = title.buf;
	cmp_print(stdout, t, &po);
	sb_free(&title);
}
