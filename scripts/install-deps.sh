#!/usr/bin/env bash
# Installs the Debian packages Elanus builds and tests with. Idempotent; safe to run on every CI start.
# Usage: scripts/install-deps.sh            (build + test dependencies)
#        scripts/install-deps.sh --bench    (also the Python packages the benchmarks compare against)
set -euo pipefail

pkgs=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  libhwy-dev            # SIMD kernels with runtime dispatch
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev        # the Lite single-file container
  nlohmann-json3-dev    # JSON values (JSON fields, $meta, config)
  libzstd-dev libxxhash-dev
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "${1:-}" = "--bench" ]; then
  dpkg-query -W -f='${Status}' dataset-fashion-mnist 2>/dev/null | grep -q "install ok installed" || {
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends dataset-fashion-mnist
  }
  python3 -m pip install -q -r "$(dirname "$0")/../bench/requirements.txt"
fi
