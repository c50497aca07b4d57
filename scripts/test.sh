#!/usr/bin/env bash
# The whole test suite: installs dependencies, checks formatting, builds the Release and the
# ASan+UBSan configurations, runs every unit and cross-process test under both, then the
# end-to-end tests that drive a real `elanus serve` with the real pymilvus (2.6.x and 3.0.x).
# Usage: scripts/test.sh [--fast]     (--fast: Release only, no sanitizer build)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh --e2e

# ccache keys relative to the checkout, so a fresh clone in another folder (CI) reuses the objects
# a build in any other clone compiled.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"

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

if [ "${1:-}" != "--fast" ]; then
  echo "== fuzzing the filter parser (libFuzzer, ASan+UBSan, 60 s)"
  bash scripts/fuzz.sh 60
fi

echo "== end-to-end tests: the real pymilvus (pinned 2.6.x) against elanus serve"
ELANUS_BIN=build/release/tools/elanus build/e2e-venv/bin/python -m pytest -q tests/e2e

echo "== end-to-end tests: the newest pymilvus 3.0.x against elanus serve"
venv3=build/e2e-venv-3x
[ -x "$venv3/bin/python" ] || python3 -m venv "$venv3"
"$venv3/bin/python" -m pip install -q -r tests/requirements-3x.txt
ELANUS_BIN=build/release/tools/elanus "$venv3/bin/python" -m pytest -q tests/e2e

echo "== SDK smoke tests: the official Node.js, Go and Java Milvus SDKs against elanus serve"
ELANUS_BIN=build/release/tools/elanus bash tests/sdk/run.sh
