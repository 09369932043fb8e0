// SPDX-License-Identifier: GPL-2.0-only
/*
 * page_counter against the kernel's rules (MEMCG_FACTS.md section 1,
 * mm/page_counter.c and mm/memcontrol.c's effective_protection() of 6.1).
 * Every expected number is derived by hand in the comment beside it.
 * Counts are pages throughout.
 */
#include <errno.h>
#include <string.h>

#include "counter/page_counter.h"
#include "tap.h"

/* A three-level chain: r (root) <- a <- b. */
static struct page_counter r, a, b;

static void chain(void)
{
	page_counter_init(&r, NULL);
	page_counter_init(&a, &r);
	page_counter_init(&b, &a);
}

static void test_init(void)
{
	chain();
	/* LONG_MAX / 4096 on 64-bit = (2^63 - 1) / 2^12 = 2^51 - 1 */
	is(PAGE_COUNTER_MAX, 2251799813685247L, "PAGE_COUNTER_MAX is LONG_MAX / PAGE_SIZE");
	is(b.usage, 0, "init: usage 0");
	is(b.max, PAGE_COUNTER_MAX, "init: max is PAGE_COUNTER_MAX");
	is(b.watermark, 0, "init: watermark 0");
	is(b.failcnt, 0, "init: failcnt 0");
	is(b.min, 0, "init: min 0");
	is(b.low, 0, "init: low 0");
	ok(b.parent == &a && a.parent == &r && r.parent == NULL, "init: parent links");
}

static void test_charge_uncharge(void)
{
	chain();
	page_counter_charge(&b, 10);
	is(b.usage, 10, "charge 10 at b: b = 10");
	is(a.usage, 10, "charge walks up: a = 10");
	is(r.usage, 10, "charge walks to the root: r = 10");
	is(page_counter_read(&r), 10, "page_counter_read");
	is(b.watermark, 10, "watermark b = 10");
	is(r.watermark, 10, "watermark r = 10");

	is(page_counter_uncharge(&b, 4), 0, "uncharge 4: no underflow");
	is(b.usage, 6, "uncharge: b = 10 - 4 = 6");
	is(a.usage, 6, "uncharge: a = 6");
	is(r.usage, 6, "uncharge: r = 6");
	is(b.watermark, 10, "watermark stays at the peak (10) after uncharge");

	page_counter_charge(&a, 5);
	is(b.usage, 6, "charge at a leaves b alone (6)");
	is(a.usage, 11, "charge 5 at a: a = 6 + 5 = 11");
	is(r.usage, 11, "r = 11");
	is(a.watermark, 11, "watermark a rises to 11");
	is(b.watermark, 10, "watermark b stays 10");

	/* page_counter_charge ignores max: it never fails */
	a.max = 5;
	page_counter_charge(&b, 100);
	is(a.usage, 111, "page_counter_charge ignores max (a = 11 + 100 = 111 > max 5)");
	is(a.failcnt, 0, "page_counter_charge never counts a failure");
	is(r.watermark, 111, "watermark follows a forced charge (111)");

	page_counter_reset_watermark(&r);
	page_counter_uncharge(&b, 100);
	is(r.watermark, 111, "reset_watermark took usage at the time (111)");
	page_counter_reset_watermark(&r);
	is(r.watermark, 11, "reset_watermark: watermark = current usage (11)");
}

static void test_try_charge(void)
{
	struct page_counter *fail = NULL;

	chain();
	page_counter_charge(&b, 6);	/* b = a = r = 6 */
	page_counter_charge(&a, 5);	/* a = r = 11, b = 6 */
	a.max = 15;

	/*
	 * try_charge(b, 5): b 6 -> 11 (<= MAX, kept, watermark 11),
	 * a 11 -> 16 > 15: a is put back to 11, a.failcnt = 1, fail = a,
	 * then b is cancelled back to 6. r is never reached.
	 */
	ok(!page_counter_try_charge(&b, 5, &fail), "try_charge over a's max fails");
	ok(fail == &a, "fail points at the level that refused (a)");
	is(b.usage, 6, "lower level rolled back (b = 6)");
	is(a.usage, 11, "failing level rolled back (a = 11)");
	is(r.usage, 11, "upper level untouched (r = 11)");
	is(a.failcnt, 1, "failcnt++ at the failing level only (a = 1)");
	is(b.failcnt, 0, "no failcnt at the level below (b = 0)");
	is(r.failcnt, 0, "no failcnt at the level above (r = 0)");
	/* the speculative add raised b's watermark before a refused */
	is(b.watermark, 11, "speculative charge raised b's watermark to 6 + 5 = 11 (racy by design)");
	is(a.watermark, 11, "the failing level's watermark is not raised (11)");

	/* exactly up to max succeeds: a 11 + 4 = 15 <= 15 */
	fail = NULL;
	ok(page_counter_try_charge(&b, 4, &fail), "try_charge up to max (a = 15 = max) succeeds");
	ok(fail == NULL, "fail untouched on success");
	is(b.usage, 10, "b = 6 + 4 = 10");
	is(a.usage, 15, "a = 11 + 4 = 15");
	is(r.usage, 15, "r = 11 + 4 = 15");
	is(a.watermark, 15, "watermark a = 15");

	ok(!page_counter_try_charge(&b, 1, &fail), "one more page (a = 16 > 15) fails");
	is(a.failcnt, 2, "a.failcnt = 2");
	is(b.usage, 10, "b rolled back to 10");

	/* a failure at the root: b and a rolled back, only r counts it */
	a.max = PAGE_COUNTER_MAX;
	r.max = 20;
	/* b 10 -> 20 ok, a 15 -> 25 ok, r 15 -> 25 > 20: fail at r */
	ok(!page_counter_try_charge(&b, 10, &fail), "try_charge over the root's max fails");
	ok(fail == &r, "fail = r");
	is(b.usage, 10, "b rolled back (10)");
	is(a.usage, 15, "a rolled back (15)");
	is(r.usage, 15, "r rolled back (15)");
	is(r.failcnt, 1, "r.failcnt = 1");
	is(a.failcnt, 2, "a.failcnt unchanged (2)");
	is(b.failcnt, 0, "b.failcnt unchanged (0)");
	is(a.watermark, 25, "a's watermark took the speculative 25");
	is(b.watermark, 20, "b's watermark took the speculative 20");
	is(r.watermark, 15, "r's watermark unchanged (15)");

	/* a failure at the first level touches nothing above */
	b.max = 10;
	ok(!page_counter_try_charge(&b, 1, &fail), "try_charge over b's own max fails");
	ok(fail == &b, "fail = b");
	is(b.failcnt, 1, "b.failcnt = 1");
	is(a.usage, 15, "a untouched (15)");
	is(b.usage, 10, "b back to 10");
}

static void test_underflow(void)
{
	chain();
	page_counter_charge(&a, 50);	/* a = r = 50 */
	page_counter_charge(&b, 10);	/* b = 10, a = r = 60 */
	/* b: 10 - 20 < 0 -> clamp 0 (1 underflow); a 40; r 40 */
	is(page_counter_uncharge(&b, 20), 1, "uncharge 20 from b (10) reports 1 underflowing level");
	is(b.usage, 0, "underflow clamps b to 0");
	is(a.usage, 40, "a = 60 - 20 = 40");
	is(r.usage, 40, "r = 60 - 20 = 40");
	/* a: 40 - 100 < 0, r: 40 - 100 < 0 */
	is(page_counter_uncharge(&a, 100), 2, "uncharge 100 from a (40): a and r underflow (2)");
	is(a.usage, 0, "a clamped to 0");
	is(r.usage, 0, "r clamped to 0");
	is(page_counter_cancel(&r, 1), 1, "cancel on an empty counter is an underflow");
	is(r.usage, 0, "stays 0");
	page_counter_charge(&b, 3);
	is(page_counter_cancel(&b, 3), 0, "cancel of exactly the usage is no underflow");
	is(b.usage, 0, "cancel is one level: b = 0");
	is(a.usage, 3, "cancel does not walk up: a still 3");
}

static void test_set_max(void)
{
	chain();
	page_counter_charge(&a, 40);
	is(page_counter_set_max(&a, 39), -EBUSY, "set_max below usage (39 < 40): -EBUSY");
	is(a.max, PAGE_COUNTER_MAX, "max unchanged after -EBUSY");
	is(page_counter_set_max(&a, 10), -EBUSY, "set_max 10 < 40: -EBUSY");
	is(page_counter_set_max(&a, 40), 0, "set_max equal to usage (40): ok");
	is(a.max, 40, "max = 40");
	is(page_counter_set_max(&a, 100), 0, "raising max: ok");
	is(a.max, 100, "max = 100");
	is(page_counter_set_max(&b, 0), 0, "set_max 0 on an empty counter: ok");
	is(b.max, 0, "b.max = 0");
	page_counter_set_high(&a, 77);
	is(a.high, 77, "set_high stores");
	page_counter_charge(&b, 90);
	is(a.usage, 130, "high and max are not checked by page_counter_charge (a = 130)");
}

static void test_protection_propagation(void)
{
	struct page_counter pa, a1, a2, pr;

	page_counter_init(&pr, NULL);
	page_counter_init(&pa, &pr);
	page_counter_init(&a1, &pa);
	page_counter_init(&a2, &pa);

	page_counter_set_min(&a1, 100);
	is(a1.min, 100, "set_min stores");
	is(a1.min_usage, 0, "min_usage = min(usage 0, min 100) = 0");
	is(pa.children_min_usage, 0, "parent's children_min_usage = 0");

	page_counter_charge(&a1, 30);
	is(a1.min_usage, 30, "charge 30: min_usage = min(30, 100) = 30");
	is(pa.children_min_usage, 30, "parent children_min_usage = 30");
	is(pa.min_usage, 0, "parent without min: its own min_usage stays 0");
	is(pr.children_min_usage, 0, "root's children_min_usage = 0 (pa has no min)");

	page_counter_charge(&a1, 80);
	is(a1.min_usage, 100, "usage 110 > min 100: min_usage = 100");
	is(pa.children_min_usage, 100, "parent children_min_usage = 100");

	page_counter_uncharge(&a1, 50);
	is(a1.min_usage, 60, "uncharge 50: min_usage = min(60, 100) = 60");
	is(pa.children_min_usage, 60, "parent children_min_usage = 60");

	page_counter_set_min(&a2, 20);
	page_counter_charge(&a2, 50);
	is(a2.min_usage, 20, "a2: min_usage = min(50, 20) = 20");
	is(pa.children_min_usage, 80, "parent sums siblings: 60 + 20 = 80");

	page_counter_set_min(&a1, 10);
	is(a1.min_usage, 10, "lowering min re-propagates: min(60, 10) = 10");
	is(pa.children_min_usage, 30, "parent children_min_usage = 10 + 20 = 30");

	page_counter_set_min(&pa, 1000);
	is(pa.min_usage, 110, "pa: min(usage 60 + 50 = 110, 1000) = 110");
	is(pr.children_min_usage, 110, "root children_min_usage = 110");
	is(pr.min_usage, 0, "no propagation above the root");

	page_counter_set_low(&a2, 70);
	is(a2.low_usage, 50, "low: low_usage = min(50, 70) = 50");
	is(pa.children_low_usage, 50, "parent children_low_usage = 50");
	is(pa.children_min_usage, 30, "setting low leaves min sums alone (30)");

	page_counter_charge(&a2, 40);
	is(a2.low_usage, 70, "a2 usage 90: low_usage = min(90, 70) = 70");
	is(a2.min_usage, 20, "a2 min_usage stays min(90, 20) = 20");
	is(pa.children_low_usage, 70, "children_low_usage = 70");
	is(pa.min_usage, 150, "pa usage 150 <= min 1000: pa.min_usage = 150");
	is(pr.children_min_usage, 150, "root children_min_usage follows (150)");

	page_counter_uncharge(&a2, 90);
	is(a2.low_usage, 0, "a2 emptied: low_usage 0");
	is(a2.min_usage, 0, "a2 emptied: min_usage 0");
	is(pa.children_low_usage, 0, "children_low_usage back to 0");
	is(pa.children_min_usage, 10, "children_min_usage = a1's 10");

	page_counter_set_min(&a1, 0);
	is(a1.min_usage, 0, "min 0: min_usage 0");
	is(pa.children_min_usage, 0, "children_min_usage 0");

	/* a failed try_charge leaves the protected sums as they were */
	{
		struct page_counter *fail;

		page_counter_set_low(&a1, 1000);
		is(pa.children_low_usage, 60, "a1 low 1000, usage 60: children_low_usage 60");
		pa.max = 70;
		/* a1 60 -> 80 ok (speculative), pa 60 -> 80 > 70 fails */
		ok(!page_counter_try_charge(&a1, 20, &fail), "try_charge past pa.max fails");
		is(a1.low_usage, 60, "rolled back: a1.low_usage 60");
		is(pa.children_low_usage, 60, "rolled back: children_low_usage 60");
	}
}

static void test_memparse(void)
{
	static const struct {
		const char *in;
		int err;
		long pages;
		const char *why;
	} cases[] = {
		{ "max", 0, PAGE_COUNTER_MAX, "exactly maxstr" },
		{ "", 0, 0, "empty: memparse reads no digits, nothing left: 0" },
		{ "0", 0, 0, "0" },
		{ "4096", 0, 1, "4096 bytes = 1 page" },
		{ "4095", 0, 0, "rounded down: 4095 bytes = 0 pages" },
		{ "8191", 0, 1, "rounded down: 8191 bytes = 1 page" },
		{ "1k", 0, 0, "1k = 1024 bytes < 1 page" },
		{ "4k", 0, 1, "4k = 4096 = 1 page" },
		{ "4K", 0, 1, "4K = 1 page" },
		{ "1m", 0, 256, "1m = 2^20 / 2^12 = 256" },
		{ "1M", 0, 256, "1M = 256" },
		{ "10M", 0, 2560, "10M = 2560" },
		{ "1g", 0, 262144, "1g = 2^18" },
		{ "1G", 0, 262144, "1G = 2^18" },
		{ "1t", 0, 268435456L, "1t = 2^28" },
		{ "1T", 0, 268435456L, "1T = 2^28" },
		{ "1p", 0, 274877906944L, "1p = 2^38" },
		{ "1P", 0, 274877906944L, "1P = 2^38" },
		{ "1e", 0, 281474976710656L, "1e = 2^48" },
		{ "1E", 0, 281474976710656L, "1E = 2^48" },
		{ "7E", 0, 1970324836974592L, "7E = 7 * 2^48" },
		{ "8E", 0, PAGE_COUNTER_MAX, "8E = 2^51 pages > MAX: clamped" },
		{ "9223372036854775807", 0, PAGE_COUNTER_MAX, "LONG_MAX bytes = MAX pages" },
		{ "18446744073709551615", 0, PAGE_COUNTER_MAX, "U64_MAX bytes: clamped" },
		{ "16E", 0, 0, "16E = 2^64 wraps to 0 in u64, as the kernel's memparse" },
		{ "0x1000", 0, 1, "base 0: 0x1000 = 4096 = 1 page" },
		{ "0X2000", 0, 2, "base 0: 0X2000 = 2 pages" },
		{ "0x1e", 0, 0, "hex: 0x1e is 30 bytes, not 1 exabyte" },
		{ "0x10k", 0, 4, "hex then suffix: 0x10k = 16K = 4 pages" },
		{ "010000", 0, 1, "base 0: leading 0 is octal, 010000 = 4096" },
		{ "08", -EINVAL, 0, "octal has no 8" },
		{ "K", 0, 0, "a bare suffix: 0 << 10, nothing left: 0 (kernel quirk)" },
		{ "1.5G", -EINVAL, 0, "no fractions" },
		{ "-1", -EINVAL, 0, "no sign" },
		{ "+1", -EINVAL, 0, "no plus sign" },
		{ "10X", -EINVAL, 0, "unknown suffix" },
		{ "1KB", -EINVAL, 0, "junk after the suffix" },
		{ "1 M", -EINVAL, 0, "blank inside" },
		{ " 4096", -EINVAL, 0, "no leading blanks (callers strstrip)" },
		{ "4096\n", -EINVAL, 0, "no trailing newline (callers strstrip)" },
		{ "MAX", -EINVAL, 0, "maxstr is case-sensitive" },
		{ "maximum", -EINVAL, 0, "not exactly max" },
		{ "0x", -EINVAL, 0, "0x without hex digits: octal 0 then junk 'x'" },
		{ "abc", -EINVAL, 0, "words" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long pages = -12345;
		int err = page_counter_memparse(cases[i].in, "max", &pages);
		char shown[64];
		size_t k, n = 0;

		/* show a newline as \n so that each TAP point stays on one line */
		for (k = 0; cases[i].in[k] && n < sizeof(shown) - 3; k++) {
			if (cases[i].in[k] == '\n') {
				shown[n++] = '\\';
				shown[n++] = 'n';
			} else {
				shown[n++] = cases[i].in[k];
			}
		}
		shown[n] = '\0';

		if (cases[i].err) {
			is(err, cases[i].err, "memparse \"%s\": EINVAL (%s)", shown, cases[i].why);
			is(pages, -12345, "memparse \"%s\": result untouched on error", shown);
		} else {
			is(err, 0, "memparse \"%s\" accepted", shown);
			is(pages, cases[i].pages, "memparse \"%s\" = %ld pages (%s)", shown,
			   cases[i].pages, cases[i].why);
		}
	}
	/* memory.reclaim passes maxstr "": empty means MAX, "max" is junk */
	{
		long pages = 0;

		is(page_counter_memparse("", "", &pages), 0, "maxstr \"\": empty accepted");
		is(pages, PAGE_COUNTER_MAX, "maxstr \"\": empty = PAGE_COUNTER_MAX");
		is(page_counter_memparse("max", "", &pages), -EINVAL, "maxstr \"\": \"max\" is EINVAL");
	}
}

static void test_effective_protection(void)
{
	/* normal: protected = min(usage 100, setting 50) = 50; 150 <= 200 */
	is(effective_protection(100, 300, 50, 200, 150, false), 50,
	   "normal: min(usage, setting) = 50");
	/* setting above usage: protected = min(30, 50) = 30 */
	is(effective_protection(30, 300, 50, 200, 150, false), 30,
	   "setting above usage: protected = usage = 30");
	is(effective_protection(100, 300, 0, 200, 150, false), 0, "no setting: 0");
	/* siblings exactly at the parent's effective value is not overcommit */
	is(effective_protection(100, 300, 80, 160, 160, false), 80,
	   "siblings_protected == parent_effective: not overcommitted (80)");
	/* overcommit: 80 * 100 / 160 = 50 */
	is(effective_protection(100, 300, 80, 100, 160, false), 50,
	   "overcommit: protected * parent_effective / siblings = 80*100/160 = 50");
	/* overcommit, truncating: 70 * 50 / 210 = 3500 / 210 = 16.67 -> 16 */
	is(effective_protection(100, 300, 70, 50, 210, false), 16,
	   "overcommit truncates: 70*50/210 = 16");
	/* overcommit uses the protection actually used: min(40, 80) = 40; 40*100/160 = 25 */
	is(effective_protection(40, 300, 80, 100, 160, false), 25,
	   "overcommit on used protection: min(40,80)*100/160 = 25");
	/* parent_effective 0 in overcommit: 0 */
	is(effective_protection(100, 300, 80, 0, 80, false), 0,
	   "parent has no effective protection: 80*0/80 = 0");

	/*
	 * memory_recursiveprot: protected = 40; 120 <= 200; 200 > 120,
	 * 300 > 120, 100 > 40: unclaimed = (200-120)*(100-40)/(300-120)
	 * = 80*60/180 = 4800/180 = 26.67 -> 26; ep = 40 + 26 = 66
	 */
	is(effective_protection(100, 300, 40, 200, 120, true), 66,
	   "recursiveprot: 40 + (200-120)*(100-40)/(300-120) = 66");
	is(effective_protection(100, 300, 40, 200, 120, false), 40,
	   "the same without recursiveprot: 40");
	/* setting 0: unclaimed = (150-50)*(100-0)/(200-50) = 10000/150 = 66 */
	is(effective_protection(100, 200, 0, 150, 50, true), 66,
	   "recursiveprot, no own setting: (150-50)*100/(200-50) = 66");
	/* parent_usage <= siblings_protected: nothing floats */
	is(effective_protection(100, 120, 40, 200, 120, true), 40,
	   "recursiveprot: parent_usage (120) <= siblings (120): 40");
	/* usage == protected: nothing floats */
	is(effective_protection(40, 300, 50, 200, 120, true), 40,
	   "recursiveprot: fully protected usage gets no float (40)");
	/* parent_effective == siblings: nothing unclaimed */
	is(effective_protection(100, 300, 40, 120, 120, true), 40,
	   "recursiveprot: nothing unclaimed (parent_effective == siblings): 40");
	/* overcommit wins before floating: 80*100/160 = 50 */
	is(effective_protection(100, 300, 80, 100, 160, true), 50,
	   "recursiveprot does not apply when overcommitted: 50");
}

static void test_calculate_protection(void)
{
	struct page_counter R, A, B, C, D;

	page_counter_init(&R, NULL);
	page_counter_init(&A, &R);
	page_counter_init(&B, &A);
	page_counter_init(&C, &A);
	page_counter_init(&D, &A);
	page_counter_set_min(&A, 300);
	page_counter_set_low(&A, 400);
	page_counter_set_min(&B, 200);
	page_counter_set_low(&B, 300);
	page_counter_set_min(&C, 200);
	page_counter_set_low(&C, 100);
	page_counter_set_min(&D, 50);
	page_counter_charge(&B, 250);
	page_counter_charge(&C, 150);

	/* B.min_usage = min(250,200) = 200, C.min_usage = min(150,200) = 150 */
	is(A.children_min_usage, 350, "A.children_min_usage = 200 + 150 = 350");
	/* B.low_usage = min(250,300) = 250, C.low_usage = min(150,100) = 100 */
	is(A.children_low_usage, 350, "A.children_low_usage = 250 + 100 = 350");
	is(R.children_min_usage, 300, "R.children_min_usage = min(400, 300) = 300");
	is(R.children_low_usage, 400, "R.children_low_usage = min(400, 400) = 400");

	R.emin = 12345;
	R.elow = 54321;
	page_counter_calculate_protection(&R, &R, false);
	is(R.emin, 12345, "the reclaim root is skipped: stale emin kept");
	is(R.elow, 54321, "the reclaim root is skipped: stale elow kept");

	page_counter_calculate_protection(&R, &A, false);
	is(A.emin, 300, "child of the reclaim root: emin = raw min (300)");
	is(A.elow, 400, "child of the reclaim root: elow = raw low (400)");

	page_counter_calculate_protection(&R, &B, false);
	/* 350 > 300: overcommitted, 200 * 300 / 350 = 171.4 -> 171 */
	is(B.emin, 171, "B.emin = 200*300/350 = 171 (overcommit)");
	/* 350 <= 400: min(250, 300) = 250 */
	is(B.elow, 250, "B.elow = min(250, 300) = 250");

	page_counter_calculate_protection(&R, &C, false);
	/* 150 * 300 / 350 = 128.6 -> 128 */
	is(C.emin, 128, "C.emin = 150*300/350 = 128 (overcommit)");
	is(C.elow, 100, "C.elow = min(150, 100) = 100");

	ok(!page_counter_below_min(&B), "B below min? 171 >= 250: no");
	ok(page_counter_below_low(&B), "B below low? 250 >= 250: yes (>=)");
	ok(!page_counter_below_low(&C), "C below low? 100 >= 150: no");

	/*
	 * recursiveprot: C.elow: 400 > 350, 400 > 350, 150 > 100:
	 * 100 + (400-350)*(150-100)/(400-350) = 100 + 50 = 150
	 */
	page_counter_calculate_protection(&R, &C, true);
	is(C.elow, 150, "recursiveprot: C.elow = 100 + 50*50/50 = 150");
	is(C.emin, 128, "recursiveprot: C.emin still overcommitted: 128");
	ok(page_counter_below_low(&C), "C below low with recursiveprot: 150 >= 150");

	/* usage 0: nothing is computed, the old values stay */
	D.emin = 777;
	D.elow = 888;
	page_counter_calculate_protection(&R, &D, false);
	is(D.emin, 777, "usage 0: emin left stale (777)");
	is(D.elow, 888, "usage 0: elow left stale (888)");

	/* reclaim rooted at A: A is skipped, its children take raw values */
	A.emin = 1;
	A.elow = 2;
	page_counter_calculate_protection(&A, &A, false);
	is(A.emin, 1, "reclaim root A skipped: emin stale (1)");
	page_counter_calculate_protection(&A, &B, false);
	is(B.emin, 200, "child of reclaim root A: emin = raw min 200");
	is(B.elow, 300, "child of reclaim root A: elow = raw low 300, above its usage 250");
}

int main(void)
{
	tap_start();
	test_init();
	test_charge_uncharge();
	test_try_charge();
	test_underflow();
	test_set_max();
	test_protection_propagation();
	test_memparse();
	test_effective_protection();
	test_calculate_protection();
	return done_testing();
}
