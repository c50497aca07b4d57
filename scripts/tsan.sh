#!/usr/bin/env bash
# ThreadSanitizer run of the HNSW tests (parallel builds, concurrent searches). Not part of
# scripts/test.sh: the TSan build and the instrumented run take ~15 min on 2 cores.
# Usage: scripts/tsan.sh [gtest filter, default Hnsw*]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset tsan > /dev/null
cmake --build --preset tsan -j 2 --target index_test
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build/tsan/src/index/index_test \
  --gtest_filter="${1:-Hnsw*}"
