#!/usr/bin/env bash
# Installs the Debian packages Elanus builds and tests with. Idempotent; safe to run on every CI start.
# Usage: scripts/install-deps.sh            (build + test dependencies)
#        scripts/install-deps.sh --bench    (also the Python packages the benchmarks compare against)
#        scripts/install-deps.sh --e2e      (also build/e2e-venv with the pinned pymilvus for tests/e2e)
set -euo pipefail

pkgs=(
  build-essential cmake ninja-build ccache pkg-config clang-format
  libhwy-dev            # SIMD kernels with runtime dispatch
  libgtest-dev libgmock-dev libbenchmark-dev
  libsqlite3-dev        # the Lite single-file container
  nlohmann-json3-dev    # JSON values (JSON fields, $meta, config)
  libzstd-dev libxxhash-dev
  # the Milvus-protocol server: gRPC + protobuf (C++ code is generated from descriptors taken
  # from the pinned pymilvus wheel, see cmake/proto.cmake); python3-venv for the e2e SDK venv
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler python3-venv
  libyaml-cpp-dev       # `elanus serve --config` YAML files
  libssl-dev openssl    # PBKDF2 password hashes, TLS PEM checks; the CLI makes test certificates
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

if [ "${1:-}" = "--e2e" ]; then
  # The e2e suite drives the real pymilvus pinned in tests/requirements.txt; it lives in its own
  # venv because the benchmarks pin a different pymilvus globally.
  root="$(cd "$(dirname "$0")/.." && pwd)"
  venv="$root/build/e2e-venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q -r "$root/tests/requirements.txt"
fi
