#!/usr/bin/env bash
# Fails if clang-tidy (with the checked-in .clang-tidy, whose WarningsAsErrors makes every
# finding an error) reports anything in the C++ sources of src/ and apps/. Reads the compile
# commands of a configured build (default build/ci, the one scripts/test.sh builds).
# usage: scripts/check-tidy.sh [-j N] [--all] [build dir]
#   --all  also the files in `pending` below
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
all=0
build=build/ci
while (($#)); do
  case $1 in
    -j) jobs=$2; shift 2 ;;
    -j*) jobs=${1#-j}; shift ;;
    --all) all=1; shift ;;
    *) build=$1; shift ;;
  esac
done
[ -f "$build/compile_commands.json" ] || { echo "no $build/compile_commands.json (configure that build first)"; exit 2; }

# Files left out unless --all: other branches of the same issue are rewriting them; their
# findings are fixed there. Remove an entry once that branch is merged.
pending='src/server/live/websocket_session\.|src/server/store/|src/server/api/|src/server/live/session_hub\.|src/protocol/|src/input/key_codes\.|src/capture/differ\.|src/client/cell_set\.'

mapfile -t files < <(git ls-files 'src/*.cpp' 'apps/*.cpp' | { if [ $all = 1 ]; then cat; else grep -Ev "$pending" || true; fi; })
start=$SECONDS
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
printf '%s\n' "${files[@]}" | xargs -P "$jobs" -n 1 clang-tidy -p "$build" --quiet >"$out" 2>&1 || status=1
# clang-tidy's per-file counts of warnings it did not show are noise here
grep -v -E '^[0-9]+ warnings? (and [0-9]+ errors? )?(generated|treated as errors)\.$|^Suppressed [0-9]+ warnings|^Use -header-filter|^Error while processing' "$out" || true
if [ $status = 0 ]; then
  echo "clang-tidy: ${#files[@]} files clean in $((SECONDS - start)) s"
else
  echo "clang-tidy: findings above (${#files[@]} files, $((SECONDS - start)) s)"
  exit 1
fi
