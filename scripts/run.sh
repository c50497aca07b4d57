#!/usr/bin/env bash
# The main job: installs dependencies, builds Release, and runs the standalone server
# (`elanus serve`): the Milvus gRPC protocol on 127.0.0.1:19530, /healthz on :9091, data in
# ./elanus-data. Extra arguments go to `elanus serve` (see `elanus serve --help`).
# `scripts/run.sh demo` instead runs the engine demo through the C++ API.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh > /dev/null
cmake --preset release > /dev/null
cmake --build --preset release -j 2 --target elanus > /dev/null
if [ "${1:-}" = "demo" ]; then
  shift
  exec build/release/tools/elanus demo "$@"
fi
exec build/release/tools/elanus serve --data-dir ./elanus-data "$@"
