/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal TAP 13 producer for unit tests: ok()/is()/is_str() print one
 * test point each; done_testing() prints the plan and returns the exit
 * status (1 when anything failed).
 */
#ifndef SMEMCG_TAP_H
#define SMEMCG_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline void tap_start(void)
{
	printf("TAP version 13\n");
}

static inline int ok_(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	return cond;
}

#define ok(cond, ...) ok_(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is(got, want, ...)                                                      \
	do {                                                                    \
		long long g_ = (long long)(got), w_ = (long long)(want);        \
		if (!ok_(g_ == w_, __FILE__, __LINE__, __VA_ARGS__))            \
			printf("#   got %lld, want %lld\n", g_, w_);            \
	} while (0)

#define is_str(got, want, ...)                                                  \
	do {                                                                    \
		const char *g_ = (got), *w_ = (want);                           \
		if (!ok_(g_ && !strcmp(g_, w_), __FILE__, __LINE__, __VA_ARGS__)) \
			printf("#   got \"%s\"\n#   want \"%s\"\n", g_ ? g_ : "(null)", w_); \
	} while (0)

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
