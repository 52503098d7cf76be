#!/usr/bin/env bash
# Fails if clang-format (with the checked-in .clang-format) would change any C++ file.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find src apps tests bench -name '*.[ch]pp')
bad=0
for f in "${files[@]}"; do
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || { echo "needs clang-format: $f"; bad=1; }
done
[ $bad = 0 ] && echo "clang-format: ${#files[@]} files clean"
exit $bad
