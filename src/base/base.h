/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers every layer uses: checked allocation, a growable string
 * buffer, errno names, and the kernel's memparse() rules for sizes.
 *
 * The model never continues after a host allocation failure: a simulated
 * machine whose state is half-updated would print wrong numbers, which is
 * worse than stopping.
 */
#ifndef SMEMCG_BASE_H
#define SMEMCG_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdbool.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
/* -1, 0 or 1 as a is below, equal to or above b (numbers of any type): qsort's order. */
#define CMP3(a, b) (((a) > (b)) - ((a) < (b)))

#if defined(__GNUC__)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define likely(x) (x)
#define unlikely(x) (x)
#define PRINTF_LIKE(f, a)
#endif

/* Allocators that never return NULL: they die() when the host refuses. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);

/*
 * Make room for n elements in the array ptr whose capacity is cap (git's
 * ALLOC_GROW): the capacity doubles, from 16, until n fit; ptr and cap
 * are updated, the first cap elements kept.
 */
#define ALLOC_GROW(ptr, n, cap)                                             \
	do {                                                                \
		if ((size_t)(n) > (size_t)(cap)) {                          \
			size_t cap_ = (cap) ? (size_t)(cap) : 16;           \
			while (cap_ < (size_t)(n))                          \
				cap_ *= 2;                                  \
			(ptr) = xrealloc((ptr), cap_ * sizeof(*(ptr)));     \
			(cap) = cap_;                                       \
		}                                                           \
	} while (0)
/* A copy the caller frees; dies when the host refuses memory. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Free the n strings of v, then v. */
void free_strings(char **v, size_t n);
void die(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* A NUL-terminated string that grows as text is appended. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_printf(struct strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
char *sb_detach(struct strbuf *sb);

/* "ENOMEM" for ENOMEM; NULL when the number has no name here. */
const char *errno_name(int err);
/* ENOMEM for "ENOMEM"; 0 when unknown. */
int errno_from_name(const char *name);

/*
 * The kernel's memparse(): an unsigned number in base 0 (0x.., 0..),
 * followed by an optional K/M/G/T/P/E suffix (binary, either case).
 * Overflow wraps as in u64 arithmetic, like the kernel. *end points after
 * what was consumed.
 */
uint64_t memparse(const char *s, const char **end);

/*
 * The length of the valid UTF-8 sequence that starts at s (n bytes left):
 * 1 to 4, or 0 when the byte at s starts none (a stray continuation byte,
 * an overlong form, a surrogate, past U+10FFFF, or a sequence cut short).
 */
size_t utf8_seq_len(const char *s, size_t n);

/*
 * The backslash escapes JSON and the scenario language share (\" \\ \n \t):
 * true when c is one of those bytes and its escape was appended to sb.
 */
bool sb_add_c_escape(struct strbuf *sb, unsigned char c);

/* Write s to f as a JSON string, quotes included (bytes that are not UTF-8: U+FFFD). */
void json_put_string(FILE *f, const char *s);
/* The same, appended to sb. */
void json_sb_string(struct strbuf *sb, const char *s);

/*
 * A duration with its unit: "100ms", "2s" (ns, us, ms, s, min), in ns.
 * 0; -EINVAL when s does not start with a digit, -EDOM for a missing or
 * unknown unit, -ERANGE beyond a year.
 */
int parse_duration(const char *s, uint64_t *ns);

/* Strip leading and trailing whitespace in place, like strstrip(). */
char *strstrip(char *s);

/* Fast 64-bit mixing for hash tables and the verify hash. */
static inline uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

#endif
