/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The driver's side of tests/kernel-diff: a case is a vector of numbers
 * that a family decodes into its input (kdiff.h), any vector being a valid
 * case, so that shrinking can drop records and lower numbers blindly and
 * the family only has to clamp. A family is a header of fixed fields and
 * then records of fixed width (the ops of a sequence).
 */
#ifndef KDIFF_DRIVER_H
#define KDIFF_DRIVER_H

#include <stdint.h>
#include <stdio.h>

#include "kdiff.h"

#define KD_MAX_VALS 512

struct kd_case {
	int n;
	uint64_t v[KD_MAX_VALS];
};

struct kd_rng {
	uint64_t s;
};

uint64_t kd_rand(struct kd_rng *r);
/* A value in [0, max], often an edge: 0, 1, max, a power of two +-1, ... */
uint64_t kd_pick(struct kd_rng *r, uint64_t max);
void kd_emit(struct kd_case *c, uint64_t v);

/* Reads a case's fields in order; past the end every field is 0. */
struct kd_reader {
	const struct kd_case *c;
	int i;
};

uint64_t kd_take(struct kd_reader *r, uint64_t max);
/* A signed field, zigzag-coded so that shrinking moves it towards 0. */
int64_t kd_take_signed(struct kd_reader *r, int64_t lo, int64_t hi);
uint64_t kd_zigzag(int64_t v);

struct kd_family {
	const char *name;
	const char *kernel;	/* the kernel functions compared */
	int hdr;		/* fields before the records */
	int rec;		/* fields per record, 0 when none */
	void (*gen)(struct kd_rng *r, struct kd_case *c);
	/* decode c and run it on one side (0) */
	int (*run)(const struct kd_case *c, int side, struct kd_trace *t);
	void (*describe)(const struct kd_case *c, FILE *f);
};

enum { KD_KERNEL, KD_MODEL };

extern const struct kd_family kd_families[];
extern const int kd_nr_families;

#endif
