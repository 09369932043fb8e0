#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Makes sure clang with libFuzzer and the sanitizers is installed (Debian's
# packages), for `make fuzz` and `make fuzz-smoke`.
exec "$(dirname "$0")/../scripts/setup-test-tools.sh" clang
