#!/usr/bin/env bash
# Build the libFuzzer harness over every logbessel kernel (fuzz/harness.cpp).
# Needs clang with the libFuzzer runtime (Debian/Ubuntu: apt-get install clang).
# Usage: fuzz/build.sh [OUTPUT_DIR]   (default: build/fuzz under the repository root)
# Environment: CXX (default clang++), EXTRA_CXXFLAGS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/build/fuzz}"
mkdir -p "$out"
CXX="${CXX:-clang++}"
# -O1 -g: fast enough for ~1e5-1e6 executions/s while keeping sanitizer reports readable.
# ASan (memory errors, leaks at exit: LeakSanitizer is on by default with ASan on Linux),
# UBSan including float -> int conversions out of range (-fsanitize=float-cast-overflow is part of
# clang's 'undefined' group), every finding fatal. -ffp-exception-behavior=strict keeps the FP
# flag checks of the harness (invariant I6) meaningful under optimisation.
"$CXX" -std=c++17 -O1 -g -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -ffp-exception-behavior=strict \
  -I"$root/src/cpp/include" -I"$root/src/cpp" ${EXTRA_CXXFLAGS:-} \
  "$root/fuzz/harness.cpp" -o "$out/logbessel_fuzz"
echo "built $out/logbessel_fuzz"
