#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds (warnings are errors), runs every
# test through CTest — unit, integration under Xvfb, end to end in Debian chromium — and then
# the unit and integration tests again under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

jobs=$(nproc)
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"
ctest --preset ci -j "$jobs" --timeout 900

if [ "${VISIT_SKIP_ASAN:-0}" != 1 ]; then
  echo "== the same tests under ASan+UBSan (end-to-end tests excluded: they run above) =="
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/asan --output-on-failure -j "$jobs" -LE e2e --timeout 900
fi
