#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds (warnings are errors), runs every
# test through CTest — unit, integration under Xvfb, end to end in Debian chromium — and then
# the whole suite again under ASan+UBSan (the e2e tests then drive the sanitized binaries), and
# the threaded unit and integration tests under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

jobs=$(nproc)
# ccache hits across clones in other folders (CI builds a fresh clone elsewhere)
export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$jobs"
# A failing test is run once more and fails the suite only if it fails again. This guards
# against flakes of a loaded 2-core machine; it hid one real bug before (the server
# integration client's use_future continuations ran on asio's system pool and crashed at
# exit, fixed in tests/server) — so a test that needed its second run is worth a look.
ctest --preset ci -j "$jobs" --timeout 900 --repeat until-pass:2

if [ "${VISIT_SKIP_ASAN:-0}" != 1 ]; then
  echo "== the whole suite again under ASan+UBSan =="
  cmake --preset asan >/dev/null
  cmake --build --preset asan -j "$jobs"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build/asan --output-on-failure -j "$jobs" --timeout 900 --repeat until-pass:2
fi

if [ "${VISIT_TSAN:-0}" = 1 ]; then
  # Opt-in (VISIT_TSAN=1) until a whole run has been seen green on this machine. The server runs two I/O threads (and the audit writer), the client its network, capture and
  # clipboard threads (and the wizard and local-input ones): the unit and integration tests
  # again under ThreadSanitizer, selected by label. Not e2e (a browser per test under TSan's
  # slowdown would not fit the time budget) nor lint (no threads). A race ends the process with
  # exit code 66 and fails the test; tests/tsan.supp silences only what lies outside our code.
  echo "== unit and integration tests again under ThreadSanitizer =="
  cmake --preset tsan >/dev/null
  cmake --build --preset tsan -j "$jobs"
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/tsan.supp" \
    ctest --test-dir build/tsan --output-on-failure -j "$jobs" --timeout 900 --repeat until-pass:2 -LE 'e2e|lint'
fi
