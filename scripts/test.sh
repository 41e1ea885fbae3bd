#!/usr/bin/env bash
# Sets up a fresh Debian bookworm machine, builds tzsim and runs the whole
# test suite with ctest.
#   scripts/test.sh              normal build in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD=build
OPTS=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${1:-}" = "--sanitize" ]; then
  BUILD=build-asan
  OPTS=(-DCMAKE_BUILD_TYPE=Debug -DTZSIM_SANITIZE=ON)
  # Unicorn is not instrumented; its JIT'd code and allocations are outside
  # ASan's view. Leaks in tzsim itself are still reported.
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
  export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
fi
scripts/setup.sh --firmware
cmake -S . -B "$BUILD" "${OPTS[@]}"
cmake --build "$BUILD" -j"$(nproc)"
cd "$BUILD"
ctest --output-on-failure -j"$(nproc)"
