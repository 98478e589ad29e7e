#!/usr/bin/env bash
# Run the libFuzzer harness for a fixed time budget, starting from the committed corpus.
# Usage: fuzz/run.sh [SECONDS] [--update-corpus]
#   SECONDS          total fuzzing time (default 300)
#   --update-corpus  afterwards, minimise (libFuzzer -merge=1) the committed corpus together with
#                    what this run found, and replace fuzz/corpus with the result
# Any crash, sanitizer report, invariant violation (__builtin_trap) or hang (> 2 s per input)
# stops the run with a non-zero status and leaves the input as build/fuzz/crash-* or
# build/fuzz/timeout-* (see fuzz/README.md to reproduce).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secs="${1:-300}"
update=0
[[ "${2:-}" == "--update-corpus" || "${1:-}" == "--update-corpus" ]] && update=1
[[ "$secs" == "--update-corpus" ]] && secs=300
bin="$root/build/fuzz/logbessel_fuzz"
"$root/fuzz/build.sh" "$root/build/fuzz"
work="$(mktemp -d -t logbessel-fuzz.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/new" "$root/fuzz/corpus"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
# -use_value_profile: lets comparisons against thresholds (v < 21.5, ...) guide the search;
# -max_len=18: the harness reads at most 2 + 2 * 8 bytes.
set +e
"$bin" -max_total_time="$secs" -timeout=2 -rss_limit_mb=2048 -use_value_profile=1 -max_len=18 \
  -print_final_stats=1 -artifact_prefix="$root/build/fuzz/" \
  "$work/new" "$root/fuzz/corpus" > "$work/log.txt" 2>&1
status=$?
set -e
# the summary: start and end coverage, statistics, any report
grep -E "INITED|DONE|^Done|stat::|ERROR|SUMMARY|invariant|runtime error|Test unit written" \
  "$work/log.txt" || true
if [[ $status -ne 0 ]]; then
  grep -v -E "^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)|# Uses:" "$work/log.txt" | tail -n 60
  echo "fuzz/run.sh: the fuzzer stopped with status $status (input saved as build/fuzz/crash-* or timeout-*)" >&2
  exit "$status"
fi
if [[ $update -eq 1 ]]; then
  mkdir -p "$work/merged"
  "$bin" -merge=1 "$work/merged" "$root/fuzz/corpus" "$work/new" 2>&1 | tail -n 2
  rm -rf "$root/fuzz/corpus"
  mv "$work/merged" "$root/fuzz/corpus"
  echo "fuzz/corpus: $(ls "$root/fuzz/corpus" | wc -l) inputs, $(du -sh "$root/fuzz/corpus" | cut -f1)"
fi
