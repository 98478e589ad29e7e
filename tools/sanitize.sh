#!/usr/bin/env bash
# Build logbessel's extension with AddressSanitizer + UndefinedBehaviorSanitizer and run the tests
# against it. Any sanitizer finding aborts the process (-fno-sanitize-recover=all), so the script
# fails on the first finding, and it fails on any test failure.
#
# Usage (from anywhere; GCC and a Python >= 3.10 with venv are needed):
#     tools/sanitize.sh            # fast subset (see TESTS below), ~10-15 min on 2 cores
#     tools/sanitize.sh --full     # the whole tests/ directory
#     tools/sanitize.sh -- tests/test_fuzz.py -k bits   # any pytest arguments after --
# Environment:
#     PYTHON=python3.11            interpreter for the throw-away venv (default: python3)
#     SANITIZE_WORKDIR=DIR         where the venv and CMake build go (default: a fresh mktemp -d,
#                                  removed at exit); reuse one to skip re-installing dependencies
#     SANITIZE_KEEP=1              keep the temporary work directory
#
# What it does:
#   1. a fresh venv in a temporary directory, with the build requirements and the [test] extra;
#   2. pip install of this checkout (scikit-build-core -> CMake) with
#        -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
#        -fno-omit-frame-pointer -g
#      and no LTO (pybind11 adds -flto in Release; it slows the instrumented link a lot)
#      (float-cast-overflow is not part of GCC's 'undefined' group; it catches a float -> int
#      conversion of an out-of-range value, e.g. static_cast<int>(floor(v)) for huge v);
#   3. pytest with the ASan and UBSan runtimes preloaded (the Python interpreter itself is not
#      instrumented, so the runtime must be loaded first), ASAN_OPTIONS=detect_leaks=0 (CPython
#      keeps interned objects alive at exit, which LeakSanitizer reports; leaks of the kernels are
#      checked by tools/leak_check.py and by the libFuzzer harness in fuzz/ with detect_leaks=1).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
PYTHON="${PYTHON:-python3}"

# The fast subset: everything that drives the compiled kernels over special values, random bit
# patterns, layouts and threads, without the slow statistical / demo / packaging tests.
TESTS=(tests/test_domain.py tests/test_fuzz.py tests/test_layout.py tests/test_concurrency.py
       tests/test_ufunc_api.py tests/test_ratio.py tests/test_signed_iv.py tests/test_matern.py
       tests/test_order_derivative.py tests/test_properties.py)
PYTEST_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --full) TESTS=(tests); shift ;;
    --) shift; TESTS=(); PYTEST_ARGS=("$@"); break ;;
    *) echo "unknown argument: $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done

if [[ -n "${SANITIZE_WORKDIR:-}" ]]; then
  work="$SANITIZE_WORKDIR"; mkdir -p "$work"
else
  work="$(mktemp -d -t logbessel-sanitize.XXXXXX)"
  if [[ -z "${SANITIZE_KEEP:-}" ]]; then trap 'rm -rf "$work"' EXIT; fi
fi
echo "sanitize: work directory $work"

asan_rt="$(gcc -print-file-name=libasan.so)"
ubsan_rt="$(gcc -print-file-name=libubsan.so)"
for rt in "$asan_rt" "$ubsan_rt"; do
  if [[ ! -e "$rt" ]]; then echo "sanitize: GCC runtime not found: $rt" >&2; exit 2; fi
done

if [[ ! -x "$work/venv/bin/python" ]]; then
  "$PYTHON" -m venv "$work/venv"
  "$work/venv/bin/python" -m pip install -q --upgrade pip
  "$work/venv/bin/python" -m pip install -q scikit-build-core pybind11 numpy ninja cmake
fi
py="$work/venv/bin/python"

san_flags="-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer -g"
# CC/CXX pinned to GCC: the runtimes preloaded below are GCC's.
CC=gcc CXX=g++ "$py" -m pip install -q --no-build-isolation "$root[test]" \
  -Cbuild-dir="$work/build" \
  -Ccmake.define.CMAKE_CXX_FLAGS="$san_flags" \
  -Ccmake.define.CMAKE_INTERPROCEDURAL_OPTIMIZATION=OFF \
  -Ccmake.define.CMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined,float-cast-overflow" \
  -Ccmake.define.CMAKE_MODULE_LINKER_FLAGS="-fsanitize=address,undefined,float-cast-overflow"

# The build must really be instrumented (a silently ignored flag would make this run worthless).
# (Found by name: importing it before the ASan runtime is preloaded would fail.)
core="$(find "$work"/venv/lib/*/site-packages/logbessel -name '_core*.so' | head -n 1)"
echo "sanitize: extension $core"
syms="$(nm -D "$core")"  # (not `nm | grep -q`: with pipefail, grep -q's early exit fails nm)
for tag in __asan_ __ubsan_; do
  if [[ "$syms" != *"$tag"* ]]; then echo "sanitize: $core lacks $tag symbols" >&2; exit 2; fi
done

# Run in the checkout: its package sources live in python/logbessel, which is not importable from
# the root, so `import logbessel` is the installed, instrumented copy (checked below).
cd "$root"
export LD_PRELOAD="$asan_rt $ubsan_rt${LD_PRELOAD:+ $LD_PRELOAD}"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1"
export LOGBESSEL_SANITIZE=1  # lets timing-sensitive tests relax their (generous) bounds
"$py" -c 'import logbessel._core as c, sys; sys.exit(0 if c.__file__.startswith(sys.prefix) else "sanitize: imported " + c.__file__)'
set -x
"$py" -m pytest -q -p no:cacheprovider "${TESTS[@]}" "${PYTEST_ARGS[@]}"
set +x

# LeakSanitizer over a small driver (2e4 ufunc calls of every kind, tools/leak_check.py). CPython
# itself leaves objects alive at exit, which LSan reports; those reports are not ours. A leak of
# logbessel is a leaked block with the extension module on its allocation stack, so the reports
# are written to files and searched for frames in _core (full, slow unwinding so that the stacks
# through the uninstrumented interpreter are complete). Any such report fails the script.
lsan_dir="$work/lsan"
rm -rf "$lsan_dir"; mkdir -p "$lsan_dir"
ASAN_OPTIONS="detect_leaks=1:fast_unwind_on_malloc=0:malloc_context_size=64:log_path=$lsan_dir/report" \
LSAN_OPTIONS="exitcode=0" \
  "$py" "$root/tools/leak_check.py" --calls 20000 --max-growth-mb 1024  # (RSS: ASan quarantine)
n_reports=$(cat "$lsan_dir"/report* 2>/dev/null | grep -c "^Direct leak\|^Indirect leak" || true)
n_ours=$(cat "$lsan_dir"/report* 2>/dev/null | awk '/^(Direct|Indirect) leak/{blk=1; hit=0} blk && /_core[.]cpython/{hit=1} /^$/{if(blk&&hit)n++; blk=0} END{print n+0}')
echo "sanitize: LeakSanitizer: $n_reports leak records in the process, $n_ours with logbessel's _core on the allocation stack"
if [[ "$n_ours" -ne 0 ]]; then
  grep -B2 -A40 "_core[.]cpython" "$lsan_dir"/report* | head -n 120 >&2
  exit 1
fi
echo "sanitize: OK (no ASan/UBSan finding in the tests, no leak from _core)"
