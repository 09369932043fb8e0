// SPDX-License-Identifier: GPL-2.0-only
/*
 * A small JSON reader (RFC 8259) for what smemcg itself writes and reads
 * back: `smemcg merge` reads the result lines of `smemcg sweep`. Values
 * become a tree; strings are decoded (\uXXXX, surrogate pairs, to UTF-8),
 * numbers kept as written. Bounded nesting protects the stack.
 */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

struct reader {
	const char *s;
	size_t i, n;
	struct strbuf *err;
};

static int fail(struct reader *r, const char *what)
{
	if (!r->err->len)
		sb_printf(r->err, "at byte %zu: %s", r->i + 1, what);
	return -1;
}

static void skip_ws(struct reader *r)
{
	while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t' || r->s[r->i] == '\n' ||
			       r->s[r->i] == '\r'))
		r->i++;
}

static bool word(struct reader *r, const char *w)
{
	size_t l = strlen(w);

	if (r->n - r->i < l || memcmp(r->s + r->i, w, l))
		return false;
	r->i += l;
	return true;
}

static int hex4(struct reader *r, unsigned *v)
{
	int k;

	*v = 0;
	if (r->n - r->i < 4)
		return fail(r, "a \\u escape needs four hex digits");
	for (k = 0; k < 4; k++) {
		char c = r->s[r->i++];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return fail(r, "a \\u escape needs four hex digits");
	}
	return 0;
}

static void put_utf8(struct strbuf *sb, unsigned cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | cp >> 18);
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	sb_add(sb, b, n);
}

static int string(struct reader *r, char **out)
{
	struct strbuf sb;
	unsigned cp, lo;

	r->i++;	/* the opening quote */
	sb_init(&sb);
	sb_add(&sb, "", 0);
	while (r->i < r->n && r->s[r->i] != '"') {
		unsigned char c = (unsigned char)r->s[r->i];

		if (c < 0x20) {
			sb_free(&sb);
			return fail(r, "a control character in a string");
		}
		if (c != '\\') {
			sb_add(&sb, r->s + r->i++, 1);
			continue;
		}
		if (++r->i >= r->n)
			break;
		c = (unsigned char)r->s[r->i++];
		switch (c) {
		case '"': case '\\': case '/':
			sb_add(&sb, (const char *)&c, 1);
			break;
		case 'b': sb_puts(&sb, "\b"); break;
		case 'f': sb_puts(&sb, "\f"); break;
		case 'n': sb_puts(&sb, "\n"); break;
		case 'r': sb_puts(&sb, "\r"); break;
		case 't': sb_puts(&sb, "\t"); break;
		case 'u':
			if (hex4(r, &cp)) {
				sb_free(&sb);
				return -1;
			}
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (!word(r, "\\u") || hex4(r, &lo) || lo < 0xdc00 || lo > 0xdfff) {
					sb_free(&sb);
					return fail(r, "a lone high surrogate");
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				sb_free(&sb);
				return fail(r, "a lone low surrogate");
			}
			put_utf8(&sb, cp);
			break;
		default:
			sb_free(&sb);
			return fail(r, "an unknown escape in a string");
		}
	}
	if (r->i >= r->n) {
		sb_free(&sb);
		return fail(r, "a string without its closing quote");
	}
	r->i++;
	*out = sb_detach(&sb);
	return 0;
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

static int number(struct reader *r, struct json *j)
{
	size_t start = r->i;

	if (r->s[r->i] == '-')
		r->i++;
	if (r->i < r->n && r->s[r->i] == '0')
		r->i++;
	else if (r->i < r->n && digit(r->s[r->i]))
		while (r->i < r->n && digit(r->s[r->i]))
			r->i++;
	else
		return fail(r, "a malformed number");
	if (r->i < r->n && r->s[r->i] == '.') {
		r->i++;
		if (r->i >= r->n || !digit(r->s[r->i]))
			return fail(r, "a malformed number");
		while (r->i < r->n && digit(r->s[r->i]))
			r->i++;
	}
	if (r->i < r->n && (r->s[r->i] == 'e' || r->s[r->i] == 'E')) {
		r->i++;
		if (r->i < r->n && (r->s[r->i] == '+' || r->s[r->i] == '-'))
			r->i++;
		if (r->i >= r->n || !digit(r->s[r->i]))
			return fail(r, "a malformed number");
		while (r->i < r->n && digit(r->s[r->i]))
			r->i++;
	}
	j->type = JSON_NUMBER;
	j->str = xstrndup(r->s + start, r->i - start);
	return 0;
}

static int value(struct reader *r, struct json *j, int depth);

/* The items of an array or an object, after its opening bracket. */
static int items(struct reader *r, struct json *j, int depth, char close)
{
	int cap = 0;

	r->i++;
	skip_ws(r);
	if (r->i < r->n && r->s[r->i] == close) {
		r->i++;
		return 0;
	}
	for (;;) {
		if (j->n == cap) {
			cap = cap ? 2 * cap : 8;
			j->items = xrealloc(j->items, (size_t)cap * sizeof(*j->items));
			if (close == '}')
				j->keys = xrealloc(j->keys, (size_t)cap * sizeof(*j->keys));
		}
		skip_ws(r);
		if (close == '}') {
			if (r->i >= r->n || r->s[r->i] != '"')
				return fail(r, "an object's key must be a string");
			if (string(r, &j->keys[j->n]))
				return -1;
			skip_ws(r);
			if (r->i >= r->n || r->s[r->i] != ':') {
				free(j->keys[j->n]);
				return fail(r, "expected ':' after an object's key");
			}
			r->i++;
		}
		memset(&j->items[j->n], 0, sizeof(j->items[j->n]));
		if (value(r, &j->items[j->n], depth + 1)) {
			json_free(&j->items[j->n]);
			if (close == '}')
				free(j->keys[j->n]);
			return -1;
		}
		j->n++;
		skip_ws(r);
		if (r->i < r->n && r->s[r->i] == ',') {
			r->i++;
			continue;
		}
		if (r->i < r->n && r->s[r->i] == close) {
			r->i++;
			return 0;
		}
		return fail(r, close == ']' ? "expected ',' or ']' in an array"
					    : "expected ',' or '}' in an object");
	}
}

static int value(struct reader *r, struct json *j, int depth)
{
	memset(j, 0, sizeof(*j));
	if (depth > JSON_MAX_DEPTH)
		return fail(r, "nested too deep");
	skip_ws(r);
	if (r->i >= r->n)
		return fail(r, "expected a value");
	switch (r->s[r->i]) {
	case '{':
		j->type = JSON_OBJECT;
		return items(r, j, depth, '}');
	case '[':
		j->type = JSON_ARRAY;
		return items(r, j, depth, ']');
	case '"':
		j->type = JSON_STRING;
		return string(r, &j->str);
	default:
		break;
	}
	if (word(r, "true") || word(r, "false")) {
		j->type = JSON_BOOL;
		j->b = r->s[r->i - 1] == 'e' && r->s[r->i - 4] == 't';
		return 0;
	}
	if (word(r, "null")) {
		j->type = JSON_NULL;
		return 0;
	}
	if (r->s[r->i] == '-' || digit(r->s[r->i]))
		return number(r, j);
	return fail(r, "expected a value");
}

int json_parse(struct json *out, const char *text, size_t len, struct strbuf *err)
{
	struct reader r = { text, 0, len, err };

	if (value(&r, out, 0)) {
		json_free(out);
		return -1;
	}
	skip_ws(&r);
	if (r.i < r.n) {
		json_free(out);
		return fail(&r, "text after the value");
	}
	return 0;
}

void json_free(struct json *j)
{
	int i;

	for (i = 0; i < j->n; i++) {
		json_free(&j->items[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->items);
	free(j->keys);
	free(j->str);
	memset(j, 0, sizeof(*j));
}

const struct json *json_get(const struct json *obj, const char *key)
{
	int i;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

const char *json_string(const struct json *j)
{
	return j && j->type == JSON_STRING ? j->str : NULL;
}

void json_write(struct strbuf *sb, const struct json *j)
{
	int i;

	switch (j->type) {
	case JSON_NULL:
		sb_puts(sb, "null");
		break;
	case JSON_BOOL:
		sb_puts(sb, j->b ? "true" : "false");
		break;
	case JSON_NUMBER:
		sb_puts(sb, j->str);
		break;
	case JSON_STRING:
		json_sb_string(sb, j->str);
		break;
	case JSON_ARRAY:
	case JSON_OBJECT:
		sb_puts(sb, j->type == JSON_ARRAY ? "[" : "{");
		for (i = 0; i < j->n; i++) {
			if (i)
				sb_puts(sb, ",");
			if (j->type == JSON_OBJECT) {
				json_sb_string(sb, j->keys[i]);
				sb_puts(sb, ":");
			}
			json_write(sb, &j->items[i]);
		}
		sb_puts(sb, j->type == JSON_ARRAY ? "]" : "}");
		break;
	}
}
