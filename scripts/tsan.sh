#!/usr/bin/env bash
# ThreadSanitizer run of one test binary (default: the HNSW tests of index_test: parallel builds,
# concurrent searches). Not part of scripts/test.sh: the TSan build and the instrumented run take
# ~15 min on 2 cores.
# Usage: scripts/tsan.sh [gtest filter, default Hnsw*] [index_test | engine_test]
#   e.g. scripts/tsan.sh '*Compaction*' engine_test   (the compaction handoff with a writer thread)
set -euo pipefail
cd "$(dirname "$0")/.."
target="${2:-index_test}"
case "$target" in
  index_test | engine_test) ;;
  *) echo "tsan.sh: unknown test target $target (index_test or engine_test)" >&2; exit 2 ;;
esac
cmake --preset tsan > /dev/null
cmake --build --preset tsan -j 2 --target "$target"
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" "build/tsan/src/${target%_test}/$target" \
  --gtest_filter="${1:-Hnsw*}"
