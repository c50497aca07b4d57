#!/usr/bin/env bash
# Bounded libFuzzer run of the filter-expression parser under ASan+UBSan (clang-14 from Debian).
# Usage: scripts/fuzz.sh [seconds]   (default 60). Fails on any crash, leak, hang or sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
pkgs=(clang-14 libclang-rt-14-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
flags="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_C_FLAGS="$flags" \
  -DELANUS_FUZZ=ON -DELANUS_BUILD_TESTS=OFF -DELANUS_BUILD_BENCH=OFF -DELANUS_BUILD_SERVER=OFF \
  > /dev/null
cmake --build build/fuzz -j 2 --target expr_parser_fuzz
mkdir -p build/fuzz/corpus
# Seed corpus: the expressions of the data-driven test files.
grep -h -v '^#' src/expr/testdata/*.txt 2>/dev/null | head -400 | awk '{print > ("build/fuzz/corpus/seed" NR)}' || true
build/fuzz/src/expr/expr_parser_fuzz -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
  -max_len=4096 -print_final_stats=1 build/fuzz/corpus
