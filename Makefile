# SPDX-License-Identifier: GPL-2.0-only
# smemcg: plain Makefile. `make` builds libsmemcg.a and ./smemcg;
# `make test` runs every test; `make asan` builds and tests with
# AddressSanitizer+UndefinedBehaviorSanitizer into build/asan.

CC ?= cc
BUILD ?= build
OPT ?= -O2
CFLAGS ?= $(OPT) -g
WARN = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
CPPFLAGS += -D_GNU_SOURCE -Iinclude
ALL_CFLAGS = $(WARN) $(CFLAGS) $(EXTRA_CFLAGS)

# CORE_ONLY=1 (make core-only) leaves the proposals of src/ext/ out: plain
# Linux 6.1, every hook a no-op stub (src/ext/hooks.h)
EXT_SRCS := $(if $(CORE_ONLY),,$(wildcard src/ext/*.c))
CPPFLAGS += $(if $(CORE_ONLY),-DSMEMCG_CORE_ONLY)
LIB_SRCS := $(wildcard src/base/*.c src/counter/*.c src/cgroup/*.c src/mm/*.c src/mm/memcontrol/*.c \
	src/scenario/*.c src/report/*.c) $(EXT_SRCS) src/machine.c src/policy.c src/event_log.c src/check.c src/explain.c
# smemcg snapshot and record read the host's procfs: Linux-only, linked into the CLI only
SNAPSHOT_SRCS := $(wildcard src/snapshot/*.c)
RECORD_SRCS := $(wildcard src/record/*.c)
CLI_SRCS := $(wildcard src/cli/*.c src/compare/*.c) $(SNAPSHOT_SRCS) $(RECORD_SRCS)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
BENCH_SRCS := $(wildcard bench/*.c)

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)

BIN = smemcg
LIB = $(BUILD)/libsmemcg.a

.PHONY: all test unit-tests asan valgrind bench clean check-scenarios

all: $(BIN) libsmemcg.a

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

libsmemcg.a: $(LIB)
	cp $(LIB) $@

$(BUILD)/smemcg: $(CLI_OBJS) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJS) $(LIB) $(LDFLAGS) $(LINEEDIT_LIBS) -lm

$(BIN): $(BUILD)/smemcg
	@if [ "$(BUILD)" = "build" ]; then cp $(BUILD)/smemcg $@; fi

$(BUILD)/tests/%: tests/unit/%.c tests/unit/tap.h tests/unit/test_machine.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Isrc $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) -lm

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Isrc $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) -lm

unit-tests: $(UNIT_BINS)

# smemcg snapshot: unit tests of the procfs parsers, and the helper processes
# tests/snapshot/run-snapshot.sh snapshots
SNAPSHOT_OBJS := $(SNAPSHOT_SRCS:%.c=$(BUILD)/%.o)
$(BUILD)/snapshot/test_snapshot: tests/snapshot/test_snapshot.c tests/unit/tap.h $(SNAPSHOT_OBJS) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Isrc $(ALL_CFLAGS) -o $@ $< $(SNAPSHOT_OBJS) $(LIB) $(LDFLAGS) -lm

# no sanitizers in the helper: their shadow mappings are terabytes of pagemap
$(BUILD)/snapshot/snap_helper: tests/snapshot/snap_helper.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -o $@ $<

snapshot-tests: $(BUILD)/snapshot/test_snapshot $(BUILD)/snapshot/snap_helper
.PHONY: snapshot-tests

# smemcg record: the replay on synthetic samples, and the workload
# tests/record/run-record.sh records (no sanitizers in it, as for snap_helper)
RECORD_OBJS := $(RECORD_SRCS:%.c=$(BUILD)/%.o)
$(BUILD)/record/test_record: tests/record/test_record.c tests/unit/tap.h $(RECORD_OBJS) $(SNAPSHOT_OBJS) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Isrc $(ALL_CFLAGS) -o $@ $< $(RECORD_OBJS) $(SNAPSHOT_OBJS) $(LIB) $(LDFLAGS) -lm

$(BUILD)/record/rec_workload: tests/record/rec_workload.c tests/record/workload.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -o $@ $<

record-tests: $(BUILD)/record/test_record $(BUILD)/record/rec_workload
.PHONY: record-tests

# The memory of a 60-second recording sampled every 500 ms (root, a cgroup
# filesystem; not part of make test): bench/record/run.sh [RECORD_SECONDS]
RECORD_SECONDS ?= 60
$(BUILD)/bench/record/churn: bench/record/churn.c tests/record/workload.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -o $@ $<

record-bench: $(BUILD)/smemcg $(BUILD)/bench/record/churn
	BUILD=$(BUILD) SMEMCG=$(BUILD)/smemcg sh bench/record/run.sh $(RECORD_SECONDS)
.PHONY: record-bench

# The time of a 1,000-run sweep and the size of its results (not part of
# make test): bench/sweep/run.sh, JOBS=2 runs at once by default
sweep-bench: $(BUILD)/smemcg
	SMEMCG=$(BUILD)/smemcg sh bench/sweep/run.sh
.PHONY: sweep-bench

# python3 drives the shell through a pseudo-terminal (tests/cli/pty_drive.py):
# installed when missing and possible, else those tests SKIP
test: $(BUILD)/smemcg unit-tests snapshot-tests record-tests
	@sh scripts/setup-test-tools.sh python3 || echo "make test: no python3: the shell's terminal tests will SKIP" >&2
	@BUILD=$(BUILD) SMEMCG=$(BUILD)/smemcg sh tests/run-tests.sh

asan:
	$(MAKE) BUILD=build/asan OPT=-O1 \
		EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" test

# ---- generated scenarios (fuzz/gen_scenarios.py) ----------------------------
# Random valid scenarios from the language's grammar under every policy set
# of a pairwise covering set (GEN_SETS: pairwise, all, default or
# K=V,K=V;...), each run with `smemcg run --check`: GEN_TIME seconds per
# set. Findings, with a minimised copy, go to $(BUILD)/gen-scenarios/.
# gen-scenarios-asan does it with the AddressSanitizer build (build/asan).
GEN_TIME ?= 60
GEN_SETS ?= pairwise
GEN_SEED ?=
gen-scenarios: $(BUILD)/smemcg
	python3 fuzz/gen_scenarios.py --smemcg $(BUILD)/smemcg --duration $(GEN_TIME) \
		--sets "$(GEN_SETS)" --out $(BUILD)/gen-scenarios $(if $(GEN_SEED),--seed $(GEN_SEED))

gen-scenarios-asan:
	$(MAKE) BUILD=build/asan OPT=-O1 \
		EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" gen-scenarios

.PHONY: gen-scenarios gen-scenarios-asan

valgrind: $(BUILD)/smemcg unit-tests snapshot-tests record-tests
	@BUILD=$(BUILD) SMEMCG=$(BUILD)/smemcg VALGRIND=1 sh tests/run-tests.sh

bench: $(BENCH_BINS)
	@for b in $(BENCH_BINS); do $$b || exit 1; done

clean:
	rm -rf build $(BIN) libsmemcg.a

# Line editing, history and completion of `smemcg shell` with libedit's
# readline API: scripts/setup-build-deps.sh probes it with a compile and a
# link once (installing libedit-dev when it can) and writes what to build
# with into the stamp; without it the shell reads plain lines, and the
# build says so once.
LINEEDIT_STAMP = build/lineedit.mk
ifeq ($(filter clean,$(MAKECMDGOALS)),)
$(LINEEDIT_STAMP): scripts/setup-build-deps.sh
	@sh scripts/setup-build-deps.sh "$(CC)" $@
-include $(LINEEDIT_STAMP)
endif
$(BUILD)/src/cli/lineedit.o: CPPFLAGS += $(LINEEDIT_CFLAGS)
$(BUILD)/src/cli/lineedit.o: $(LINEEDIT_STAMP)

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d)

# ---- real-kernel oracle (QEMU) ----------------------------------------------
# Not part of `make` or `make test`: both work without QEMU. See docs/oracle.md.
# `make oracle-guest` builds the static guest program; `make oracle` sets the
# oracle up (oracle/setup.sh: qemu, busybox, the kernel) and runs the oracle
# suite: every tests/oracle/*.smc on the model and on the kernel, compared,
# on both kernels.
ORACLE_GUEST = $(BUILD)/oracle/smemcg-guest
ORACLE_GUEST_SRCS = $(wildcard oracle/guest/*.c)

$(ORACLE_GUEST): $(ORACLE_GUEST_SRCS) $(wildcard oracle/guest/*.h) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Isrc $(ALL_CFLAGS) -static -o $@ $(ORACLE_GUEST_SRCS) $(LIB) -lm

oracle-guest: $(ORACLE_GUEST)

# KERNEL=all (default: 6.1, then 6.12), 6.1 or 6.12 (oracle/kernels has
# their versions); each kernel's scenarios against the model at its baseline.
KERNEL ?= all
oracle: $(BIN) oracle-guest
	KERNEL=$(KERNEL) SMEMCG=./$(BIN) oracle/run-oracle-suite.sh

.PHONY: oracle oracle-guest

# ---- the report in a browser ------------------------------------------------
# Not part of `make test` (needs Chromium): tests/report/setup.sh installs
# Debian's chromium when missing (as root), tests/report/check-chromium.sh
# renders `smemcg report` headless and checks console, DOM and screenshot.
report-check: $(BUILD)/smemcg
	sh tests/report/setup.sh
	SMEMCG=$(BUILD)/smemcg SCREENS=$(BUILD)/report-screens sh tests/report/check-chromium.sh

.PHONY: report-check

# ---- fuzzing (libFuzzer) -------------------------------------------------
# `make fuzz` runs each target for FUZZ_TIME seconds (one at a time), with
# the library built by clang with -fsanitize=fuzzer-no-link,address,undefined
# into build/fuzz (fuzz/setup.sh installs clang when missing); `make
# fuzz-smoke` runs each for FUZZ_SMOKE_TIME seconds (CI); `make fuzz-merge`
# minimizes the working corpora into fuzz/corpus/. `make test` replays
# fuzz/corpus/ and tests/fuzz/regress/ through the same entry points built
# with $(CC) and a plain main (no clang needed). See fuzz/README.md.
FUZZ_BUILD = build/fuzz
FUZZ_TARGETS = fuzz_parser fuzz_ops
FUZZ_TIME ?= 600
FUZZ_SMOKE_TIME ?= 30
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_REPLAY = $(FUZZ_TARGETS:%=$(BUILD)/fuzz-replay/%)

fuzz-build:
	@fuzz/setup.sh
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang OPT=-O1 \
		EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" $(FUZZ_BUILD)/libsmemcg.a
	@for t in $(FUZZ_TARGETS); do \
		echo "clang -fsanitize=fuzzer $(FUZZ_SAN) -o $(FUZZ_BUILD)/$$t fuzz/$$t.c"; \
		clang $(CPPFLAGS) -Isrc $(WARN) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) \
			-o $(FUZZ_BUILD)/$$t fuzz/$$t.c $(FUZZ_BUILD)/libsmemcg.a -lm || exit 1; \
	done

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do fuzz/run-fuzz.sh $$t $(FUZZ_TIME) || exit 1; done

fuzz-smoke: fuzz-build
	@for t in $(FUZZ_TARGETS); do fuzz/run-fuzz.sh $$t $(FUZZ_SMOKE_TIME) || exit 1; done

fuzz-merge: fuzz-build
	fuzz/merge-corpus.sh

$(BUILD)/fuzz-replay/%: fuzz/%.c fuzz/standalone_main.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Isrc $(ALL_CFLAGS) -o $@ $< fuzz/standalone_main.c $(LIB) $(LDFLAGS) -lm

fuzz-replay: $(FUZZ_REPLAY)
test valgrind: $(FUZZ_REPLAY)

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-merge fuzz-replay

# ---- determinism (tests/determinism/run-determinism.sh, part of make test)
DETERMINISM_BIN = $(BUILD)/determinism/stock_drained

$(DETERMINISM_BIN): tests/determinism/stock_drained.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Isrc $(ALL_CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) -lm

test valgrind: $(DETERMINISM_BIN)

# ---- the Linux 6.1 model alone: src/ext/ left out, every hook a stub;
# every scenario that needs no proposal must pass (tests/core-only/)
core-only:
	$(MAKE) BUILD=build/core-only CORE_ONLY=1 build/core-only/smemcg
	@SMEMCG=build/core-only/smemcg sh tests/core-only/run-core-only.sh >build/core-only/tap.out; \
		rc=$$?; grep -v '^ok' build/core-only/tap.out; \
		echo "core-only: $$(grep -c '^ok' build/core-only/tap.out) passed ($$(grep -c '# SKIP' build/core-only/tap.out) skipped: they use a proposal), $$(grep -c '^not ok' build/core-only/tap.out) failed"; \
		exit $$rc

.PHONY: core-only

# ---- flakiness hunt: `make test` 20 times from a private clone beside a
# second `make test` loop and a CPU hog (scripts/stress-test.sh; RUNS=N)
stress-test:
	sh scripts/stress-test.sh

.PHONY: stress-test

# ---- the kernel's own code against the model's (tests/kernel-diff/) --------
# `make kernel-diff [N=cases] [SEED=s]` fetches Debian's linux-source-6.1 at
# the oracle's version (oracle/kernel-source.sh, oracle/kernels) into
# build/kernel-src/6.1, cuts what cuts.list names into $(BUILD)/kernel-diff,
# and runs every family N cases plus the mutants (docs/kernel-diff.md).
# `make test` runs a short run when that source is there, a SKIP otherwise.
KD = $(BUILD)/kernel-diff
KD_DIR = tests/kernel-diff
KD_TREE = build/kernel-src/6.1
N ?= 100000
SEED ?= 1
# the kernel's code is built the kernel's way: GNU C, wrapping signed
# arithmetic, the warnings its Makefile leaves on (not -Wextra, not
# sign-compare, not gcc 12's array-bounds)
KD_KCFLAGS = -std=gnu11 -Wall -Werror -Wno-sign-compare -Wno-array-bounds \
	-fno-strict-overflow -fno-strict-aliasing -fno-delete-null-pointer-checks \
	$(CFLAGS) $(EXTRA_CFLAGS) -include $(KD_DIR)/shim/kdiff_rename.h \
	-I$(KD)/ksrc/include -I$(KD)/ksrc -I$(KD_DIR)/shim -I$(KD_DIR)
KD_MCFLAGS = $(CPPFLAGS) -Isrc -I$(KD_DIR) $(ALL_CFLAGS)
KD_KOBJS = $(patsubst $(KD_DIR)/%.c,$(KD)/k/%.o,$(wildcard $(KD_DIR)/k_*.c)) $(KD)/k/page_counter.o
KD_MOBJS = $(patsubst $(KD_DIR)/%.c,$(KD)/m/%.o,$(wildcard $(KD_DIR)/m_*.c) $(KD_DIR)/driver.c $(KD_DIR)/families.c)
KD_MUTANTS = $(shell sed -n 's/^\([a-z_0-9]*\)[[:space:]].*/\1/p' $(KD_DIR)/mutants.list)
KD_MUTANT_BINS = $(KD_MUTANTS:%=$(KD)/mutants/%/kdiff)
KD_WANT := $(shell awk '$$1 == "6.1" { print $$3 }' oracle/kernels)
KD_HAVE := $(shell cat $(KD_TREE)/.version 2>/dev/null)

$(KD)/ksrc/.stamp: $(KD_TREE)/.version $(KD_DIR)/cuts.list $(KD_DIR)/cut-kernel.sh $(KD_DIR)/cut-kernel.awk
	sh $(KD_DIR)/cut-kernel.sh $(KD_TREE) $(KD)/ksrc
	@touch $@

$(KD)/k/page_counter.o: $(KD)/ksrc/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(KD_KCFLAGS) -MMD -MP -c $(KD)/ksrc/mm/page_counter.c -o $@

$(KD)/k/%.o: $(KD_DIR)/%.c $(KD)/ksrc/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(KD_KCFLAGS) -MMD -MP -c $< -o $@

$(KD)/m/%.o: $(KD_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KD_MCFLAGS) -MMD -MP -c $< -o $@

$(KD)/kdiff: $(KD_KOBJS) $(KD_MOBJS) $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $(KD_KOBJS) $(KD_MOBJS) $(LIB) $(LDFLAGS) -lm

$(KD)/mutants/%/kdiff: $(KD_KOBJS) $(KD_MOBJS) $(LIB) $(KD_DIR)/mutants.list $(KD_DIR)/build-mutant.sh
	CC='$(CC)' CPPFLAGS='$(CPPFLAGS) -Isrc -I$(KD_DIR)' CFLAGS='$(ALL_CFLAGS)' \
		LDFLAGS='$(LDFLAGS)' LIBS='$(LIB) -lm' \
		sh $(KD_DIR)/build-mutant.sh $* $(KD) $(KD_KOBJS) $(KD_MOBJS)

kernel-diff-bins: $(KD)/kdiff $(KD_MUTANT_BINS)

kernel-diff:
	sh oracle/kernel-source.sh 6.1 >/dev/null
	$(MAKE) --no-print-directory kernel-diff-bins
	BUILD=$(BUILD) KDIFF_CASES=$(N) KDIFF_SEED=$(SEED) KDIFF_RATE=1 sh $(KD_DIR)/run-kernel-diff.sh

ifneq ($(KD_HAVE),)
ifeq ($(KD_HAVE),$(KD_WANT))
test valgrind: kernel-diff-bins
endif
endif

.PHONY: kernel-diff kernel-diff-bins
-include $(KD_KOBJS:.o=.d) $(KD_MOBJS:.o=.d)
