// SPDX-License-Identifier: GPL-2.0-only
/*
 * kdiff: runs the families of tests/kernel-diff (docs/kernel-diff.md).
 * For each family, N cases drawn from a seed (case I of seed S is always
 * the same case), each run on the kernel's code and on the model's; the
 * two traces must be equal, observation by observation. A difference is
 * shrunk to a minimal case (records dropped, numbers lowered, as long as
 * the two still differ) and printed with the command that replays it.
 * TAP: one point per family.
 *
 *   kdiff [--family NAME[,NAME...]] [--cases N] [--seed S] [--rate]
 *   kdiff --family NAME --seed S --case I     one case, both traces shown
 *   kdiff --replay NAME:V,V,...                a case vector, as printed
 *   kdiff --list
 *
 * Exit status: 0 when every family agrees, 1 when one differs, 2 on usage.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "driver.h"

/* ---- numbers -------------------------------------------------------------- */

uint64_t kd_rand(struct kd_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);	/* splitmix64 */

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t kd_pick(struct kd_rng *r, uint64_t max)
{
	uint64_t v, k = kd_rand(r) % 16;

	if (k < 3) {
		const uint64_t edge[] = { 0, 1, 2, max, max - 1, max / 2, max / 2 + 1,
					  31, 32, 33, 63, 64, 65 };

		v = edge[kd_rand(r) % (sizeof(edge) / sizeof(edge[0]))];
	} else if (k < 5) {
		v = (1ULL << (kd_rand(r) % 64)) + kd_rand(r) % 3 - 1;
	} else if (k < 8) {
		v = kd_rand(r) % 256;
	} else {
		unsigned bits = (unsigned)(kd_rand(r) % 65);

		v = bits == 64 ? kd_rand(r) : kd_rand(r) & ((1ULL << bits) - 1);
	}
	if (v > max)
		v = max == UINT64_MAX ? v : v % (max + 1);
	return v;
}

void kd_emit(struct kd_case *c, uint64_t v)
{
	if (c->n < KD_MAX_VALS)
		c->v[c->n++] = v;
}

uint64_t kd_take(struct kd_reader *r, uint64_t max)
{
	uint64_t v = r->i < r->c->n ? r->c->v[r->i] : 0;

	r->i++;
	return v > max ? max : v;
}

uint64_t kd_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

int64_t kd_take_signed(struct kd_reader *r, int64_t lo, int64_t hi)
{
	uint64_t u = kd_take(r, UINT64_MAX);
	int64_t v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);

	return v < lo ? lo : v > hi ? hi : v;
}

/* ---- traces --------------------------------------------------------------- */

void kd_put(struct kd_trace *t, const char *what, int index, int64_t val)
{
	if (t->n == KD_MAX_TRACE) {
		t->truncated = true;
		return;
	}
	t->it[t->n].what = what;
	t->it[t->n].index = index;
	t->it[t->n].val = val;
	t->n++;
}

void kd_put_counter(struct kd_trace *t, int idx, const int64_t f[KD_PC_NR_FIELDS])
{
	static const char *const name[KD_PC_NR_FIELDS] = {
		"usage", "emin", "min_usage", "children_min_usage", "elow", "low_usage",
		"children_low_usage", "watermark", "failcnt", "min", "low", "high", "max",
	};
	int i;

	for (i = 0; i < KD_PC_NR_FIELDS; i++)
		kd_put(t, name[i], idx, f[i]);
}

static bool same_item(const struct kd_item *a, const struct kd_item *b)
{
	return !strcmp(a->what, b->what) && a->index == b->index && a->val == b->val;
}

/* The first observation where the traces differ, or -1. */
static int first_difference(const struct kd_trace *a, const struct kd_trace *b)
{
	int i;

	for (i = 0; i < a->n && i < b->n; i++)
		if (!same_item(&a->it[i], &b->it[i]))
			return i;
	if (a->n != b->n || a->truncated != b->truncated)
		return i;
	return -1;
}

static void print_item(const char *side, const struct kd_trace *t, int i)
{
	const struct kd_item *it;

	if (i >= t->n) {
		printf("#     %-6s (nothing more)\n", side);
		return;
	}
	it = &t->it[i];
	printf("#     %-6s %s", side, it->what);
	if (it->index >= 0)
		printf("[%d]", it->index);
	printf(" = %" PRId64, it->val);
	if (it->val < 0 && it->val != INT64_MIN && it->val < -(1LL << 53))
		printf(" (%" PRIu64 ")", (uint64_t)it->val);
	printf("\n");
}

/* ---- running cases --------------------------------------------------------- */

static struct kd_trace ktrace, mtrace;

struct outcome {
	int diff;		/* first differing observation, -1 when none */
};

static struct outcome run_case(const struct kd_family *f, const struct kd_case *c)
{
	struct outcome o;

	ktrace.n = mtrace.n = 0;
	ktrace.truncated = mtrace.truncated = false;
	f->run(c, KD_KERNEL, &ktrace);
	f->run(c, KD_MODEL, &mtrace);
	o.diff = first_difference(&ktrace, &mtrace);
	return o;
}

static bool differs(const struct kd_family *f, const struct kd_case *c)
{
	return run_case(f, c).diff >= 0;
}

static void make_case(const struct kd_family *f, uint64_t seed, long idx, struct kd_case *c)
{
	struct kd_rng r = { seed * 0x2545f4914f6cdd1dULL + (uint64_t)idx };
	const char *p;

	for (p = f->name; *p; p++)
		r.s = r.s * 31 + (unsigned char)*p;
	kd_rand(&r);
	c->n = 0;
	f->gen(&r, c);
}

/*
 * Make c smaller while the two sides still differ: drop whole records,
 * then lower each number (to 0, else the smallest that still differs by
 * bisection). Returns the number of runs it took.
 */
static int shrink(const struct kd_family *f, struct kd_case *c)
{
	const int budget = 20000;
	struct kd_case t;
	int runs = 0, i;
	bool progress;

	do {
		progress = false;
		if (f->rec) {
			int nrec = c->n > f->hdr ? (c->n - f->hdr) / f->rec : 0;

			c->n = f->hdr + nrec * f->rec < c->n ? f->hdr + nrec * f->rec : c->n;
			for (i = nrec - 1; i >= 0 && runs < budget; i--) {
				int at = f->hdr + i * f->rec;

				t = *c;
				memmove(t.v + at, t.v + at + f->rec,
					sizeof(uint64_t) * (size_t)(t.n - at - f->rec));
				t.n -= f->rec;
				runs++;
				if (differs(f, &t)) {
					*c = t;
					progress = true;
				}
			}
		}
		for (i = 0; i < c->n && runs < budget; i++) {
			uint64_t lo = 0, hi = c->v[i];

			if (!hi)
				continue;
			t = *c;
			t.v[i] = 0;
			runs++;
			if (differs(f, &t)) {
				*c = t;
				progress = true;
				continue;
			}
			while (hi - lo > 1 && runs < budget) {
				uint64_t mid = lo + (hi - lo) / 2;

				t = *c;
				t.v[i] = mid;
				runs++;
				if (differs(f, &t))
					hi = mid;
				else
					lo = mid;
			}
			if (hi < c->v[i]) {
				c->v[i] = hi;
				progress = true;
			}
		}
	} while (progress && runs < budget);
	return runs;
}

static void print_replay(const struct kd_family *f, const struct kd_case *c)
{
	int i;

	printf("#   replay: kdiff --replay %s:", f->name);
	for (i = 0; i < c->n; i++)
		printf("%s%" PRIu64, i ? "," : "", c->v[i]);
	printf("\n");
}

/* Describe a failing case and where the traces part. */
static void explain(const struct kd_family *f, const struct kd_case *c)
{
	struct outcome o = run_case(f, c);
	int i;

	f->describe(c, stdout);
	if (o.diff < 0)
		return;
	printf("#   the traces part at observation %d (kernel first):\n", o.diff);
	for (i = o.diff > 3 ? o.diff - 3 : 0; i < o.diff; i++)
		print_item("both", &ktrace, i);
	print_item("kernel", &ktrace, o.diff);
	print_item("model", &mtrace, o.diff);
	if (ktrace.truncated || mtrace.truncated)
		printf("#   (a trace was truncated at %d observations)\n", KD_MAX_TRACE);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run ncases cases of family f from seed; print its TAP point. */
static bool run_family(int num, const struct kd_family *f, uint64_t seed, long ncases,
		       bool rate)
{
	static struct kd_case c, orig;
	double t0 = now();
	long i;

	for (i = 0; i < ncases; i++) {
		struct outcome o;
		int runs;

		make_case(f, seed, i, &c);
		o = run_case(f, &c);
		if (o.diff < 0)
			continue;
		orig = c;
		runs = shrink(f, &c);
		printf("not ok %d - %s: the kernel and the model differ (case %ld of seed %" PRIu64
		       ")\n", num, f->name, i, seed);
		printf("#   compares %s\n", f->kernel);
		printf("#   the minimal case (shrunk from %d to %d numbers in %d runs):\n",
		       orig.n, c.n, runs);
		explain(f, &c);
		print_replay(f, &c);
		printf("#   the original: kdiff --family %s --seed %" PRIu64 " --case %ld\n",
		       f->name, seed, i);
		return false;
	}
	printf("ok %d - %s: %ld cases agree (seed %" PRIu64 ")\n", num, f->name, ncases, seed);
	if (rate) {
		double dt = now() - t0;

		printf("# rate %s: %ld cases in %.2f s, %.0f cases/s\n", f->name, ncases, dt,
		       dt > 0 ? (double)ncases / dt : 0.0);
	}
	return true;
}

/* ---- the command line ------------------------------------------------------ */

static const struct kd_family *find_family(const char *name, size_t len)
{
	int i;

	for (i = 0; i < kd_nr_families; i++)
		if (strlen(kd_families[i].name) == len && !strncmp(kd_families[i].name, name, len))
			return &kd_families[i];
	return NULL;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: kdiff [--family NAME[,NAME...]] [--cases N] [--seed S] [--rate]\n"
		"       kdiff --family NAME --seed S --case I\n"
		"       kdiff --replay NAME:V,V,...\n"
		"       kdiff --list\n");
	return 2;
}

static int show_one(const struct kd_family *f, const struct kd_case *c)
{
	struct outcome o = run_case(f, c);
	int i;

	printf("1..1\n");
	printf("%s 1 - %s\n", o.diff < 0 ? "ok" : "not ok", f->name);
	printf("#   compares %s\n", f->kernel);
	explain(f, c);
	if (o.diff < 0)
		for (i = 0; i < ktrace.n; i++)
			print_item("both", &ktrace, i);
	print_replay(f, c);
	return o.diff < 0 ? 0 : 1;
}

static int replay(const char *arg)
{
	static struct kd_case c;
	const char *colon = strchr(arg, ':'), *p;
	const struct kd_family *f;

	if (!colon || !(f = find_family(arg, (size_t)(colon - arg)))) {
		fprintf(stderr, "kdiff: --replay wants FAMILY:V,V,... with a known family\n");
		return 2;
	}
	c.n = 0;
	for (p = colon + 1; *p;) {
		char *end;
		uint64_t v = strtoull(p, &end, 10);

		if (end == p || (*end && *end != ',') || c.n == KD_MAX_VALS) {
			fprintf(stderr, "kdiff: bad case vector at '%s'\n", p);
			return 2;
		}
		c.v[c.n++] = v;
		p = *end ? end + 1 : end;
	}
	return show_one(f, &c);
}

int main(int argc, char **argv)
{
	const struct kd_family *chosen[64];
	const char *families = NULL;
	uint64_t seed = 1;
	long ncases = 1000, one = -1;
	bool rate = false, ok = true;
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--list")) {
			for (n = 0; n < kd_nr_families; n++)
				printf("%-22s %s\n", kd_families[n].name, kd_families[n].kernel);
			return 0;
		} else if (!strcmp(a, "--rate")) {
			rate = true;
		} else if (!v) {
			return usage();
		} else if (!strcmp(a, "--family")) {
			families = v;
			i++;
		} else if (!strcmp(a, "--cases")) {
			ncases = strtol(v, NULL, 10);
			i++;
		} else if (!strcmp(a, "--seed")) {
			seed = strtoull(v, NULL, 10);
			i++;
		} else if (!strcmp(a, "--case")) {
			one = strtol(v, NULL, 10);
			i++;
		} else if (!strcmp(a, "--replay")) {
			return replay(v);
		} else {
			return usage();
		}
	}
	if (ncases < 0)
		return usage();
	if (families) {
		const char *p = families;

		while (*p) {
			size_t len = strcspn(p, ",");

			if (n == 64 || !(chosen[n] = find_family(p, len))) {
				fprintf(stderr, "kdiff: no family '%.*s' (kdiff --list)\n", (int)len, p);
				return 2;
			}
			n++;
			p += len + (p[len] == ',');
		}
	} else {
		for (n = 0; n < kd_nr_families; n++)
			chosen[n] = &kd_families[n];
	}
	if (one >= 0) {
		static struct kd_case c;

		if (n != 1)
			return usage();
		make_case(chosen[0], seed, one, &c);
		return show_one(chosen[0], &c);
	}
	/* every point out before the next family: a crash must not eat them */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..%d\n", n);
	for (i = 0; i < n; i++)
		ok &= run_family(i + 1, chosen[i], seed, ncases, rate);
	return ok ? 0 : 1;
}
