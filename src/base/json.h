/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small JSON reader (json.c) for what smemcg reads back of its own
 * output (`smemcg merge`); writing is json_put_string of base.h.
 */
#ifndef SMEMCG_JSON_H
#define SMEMCG_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "base.h"

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	char *str;		/* STRING: decoded (UTF-8); NUMBER: as written */
	bool b;			/* BOOL */
	int n;			/* ARRAY, OBJECT: the number of items */
	struct json *items;	/* ARRAY, OBJECT: the values, in order */
	char **keys;		/* OBJECT: their keys */
};

/* Parse len bytes of text (one value, blanks around it); 0, or -1 with why in err. */
int json_parse(struct json *out, const char *text, size_t len, struct strbuf *err);
void json_free(struct json *j);
/* The value of key in an object (the first), or NULL. */
const struct json *json_get(const struct json *obj, const char *key);
/* j as compact JSON (no blanks), appended to sb: the same value, the same text. */
void json_write(struct strbuf *sb, const struct json *j);
/* A string's text, or NULL when j is not a string. */
const char *json_string(const struct json *j);

#endif
