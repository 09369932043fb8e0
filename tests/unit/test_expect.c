// SPDX-License-Identifier: GPL-2.0-only
/*
 * What `expect` decides (smc_compare, src/scenario/interp.c), at the ends
 * of int64_t where a sum or a difference would overflow (issue 22: values
 * near INT64_MIN were undefined behaviour and passed for wrong values).
 * Every expected answer is worked out from the rules: ~ with a size is
 * |a - b| <= SIZE; ~ with N% is the selftests' values_close(a, b, N),
 * |a - b| <= (|a| + |b|) / 100 * N, dividing first.
 */
#include <stdint.h>
#include <stdio.h>

#include "scenario/scenario.h"
#include "tap.h"

/* What expect says of actual (a number as the kernel prints it): op want [tol]. */
static int decide(const char *actual, enum smc_cmp op, int64_t want, enum smc_value_kind tk,
		  int64_t tol)
{
	struct smc_value w = { VAL_NUMBER, want, NULL }, t = { tk, tol, NULL };
	struct strbuf why;
	bool ok;

	sb_init(&why);
	smc_compare(&ok, actual, op, &w, &t, &why);
	sb_free(&why);
	return ok;
}

#define close_abs(a, want, tol) decide(a, CMP_CLOSE, want, VAL_NUMBER, tol)
#define close_pct(a, want, pct) decide(a, CMP_CLOSE, want, VAL_PERCENT, pct)
#define cmp(a, op, want) decide(a, op, want, VAL_NONE, 0)

int main(void)
{
	tap_start();

	/* absolute tolerance: |0 - INT64_MIN| = 2^63, one more than INT64_MAX */
	ok(!close_abs("0", INT64_MIN, INT64_MAX), "0 ~ INT64_MIN within INT64_MAX: no (2^63 apart)");
	ok(close_abs("0", INT64_MIN + 1, INT64_MAX), "0 ~ -INT64_MAX within INT64_MAX: yes");
	ok(!close_abs("9223372036854775806", INT64_MIN, INT64_MAX),
	   "INT64_MAX-1 ~ INT64_MIN within INT64_MAX: no (2^64 - 2 apart)");
	ok(close_abs("-9223372036854775808", INT64_MIN, 0), "INT64_MIN ~ INT64_MIN within 0: yes");
	ok(!close_abs("-9223372036854775807", INT64_MIN, 0), "INT64_MIN+1 ~ INT64_MIN within 0: no");
	ok(close_abs("-9223372036854775807", INT64_MIN, 1), "INT64_MIN+1 ~ INT64_MIN within 1: yes");

	/* percent: (|a| + |b|) / 100 * N without overflow */
	ok(close_pct("9223372036854775806", INT64_MAX - 1, 3),
	   "INT64_MAX-1 ~ INT64_MAX-1 3%%: yes (the sum does not fit in 64 bits)");
	/* a + b = 18223372036854775806, / 100 = 182233720368547758; d = 223372036854775806 */
	ok(close_pct("9223372036854775806", 9000000000000000000LL, 2),
	   "INT64_MAX-1 ~ 9e18 2%%: yes (bound 364467440737095516)");
	ok(!close_pct("9223372036854775806", 9000000000000000000LL, 1),
	   "INT64_MAX-1 ~ 9e18 1%%: no (bound 182233720368547758)");
	/* |0| + |INT64_MIN| = 2^63; / 100 = 92233720368547758, * 100 is 8 short of 2^63 */
	ok(!close_pct("0", INT64_MIN, 100), "0 ~ INT64_MIN 100%%: no (dividing first)");
	ok(close_pct("-9223372036854775808", INT64_MIN, 0), "INT64_MIN ~ INT64_MIN 0%%: yes");
	/* 2 * 2^63 / 100 * 100 = 18446744073709551600 fits; d = 0 */
	ok(close_pct("-9223372036854775808", INT64_MIN, 100), "INT64_MIN ~ INT64_MIN 100%%: yes");
	ok(close_pct("-100", -100, 5), "-100 ~ -100 5%%: yes (|a| + |b|)");
	ok(close_pct("-100", -95, 5), "-100 ~ -95 5%%: yes (bound 195 / 100 * 5 = 5)");
	ok(!close_pct("-100", -94, 5), "-100 ~ -94 5%%: no (6 > 194 / 100 * 5 = 5)");
	ok(!close_pct("-5", 5, 50), "-5 ~ 5 50%%: no (10 > 10 / 100 * 50 = 0)");
	/* the selftests' own numbers: 100 ~ 103 within 3% (bound 203 / 100 * 3 = 6) */
	ok(close_pct("100", 103, 3), "100 ~ 103 3%%: yes");
	ok(!close_pct("100", 107, 3), "100 ~ 107 3%%: no");

	/* orderings at the ends */
	ok(cmp("-9223372036854775808", CMP_LT, INT64_MIN + 1), "INT64_MIN < INT64_MIN+1");
	ok(cmp("-9223372036854775808", CMP_EQ, INT64_MIN), "INT64_MIN == INT64_MIN");
	ok(!cmp("-9223372036854775809", CMP_EQ, INT64_MIN),
	   "a value below INT64_MIN is no number, not INT64_MIN");
	return done_testing();
}
