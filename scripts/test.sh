#!/usr/bin/env bash
# The whole test suite: installs dependencies, checks formatting, builds the Release and the
# ASan+UBSan configurations, runs every unit and cross-process test under both, then the
# end-to-end SDK tests against a real server (when built).
# Usage: scripts/test.sh [--fast]     (--fast: Release only, no sanitizer build)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

echo "== clang-format check"
files=$(git ls-files 'include/*.h' 'src/*.h' 'src/*.cc' 'tools/*.cc' 'tests/*.cc' 'bench/*.cc' 2>/dev/null || true)
if [ -n "$files" ]; then
  # shellcheck disable=SC2086
  clang-format --dry-run -Werror $files
fi

echo "== layering check"
bash scripts/check-layers.sh

jobs=2
run_preset() {
  local preset=$1
  echo "== build ($preset)"
  cmake --preset "$preset" > /dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== tests ($preset)"
  ctest --preset "$preset" --timeout 900
}

run_preset release
if [ "${1:-}" != "--fast" ]; then
  run_preset asan
fi

if [ -d tests/e2e ] && [ -x build/release/tools/elanus ] && [ -f tests/requirements.txt ]; then
  echo "== end-to-end tests (real SDKs against elanus serve)"
  python3 -m pip install -q -r tests/requirements.txt
  ELANUS_BIN=build/release/tools/elanus python3 -m pytest -q tests/e2e
fi
