#!/usr/bin/env bash
# The main job: installs dependencies, builds Release, and runs Elanus on a local data directory.
# Until the server lands this runs the engine demo (create a collection, insert 10,000 vectors,
# search, count, flush) through the public C++ API.
# Usage: scripts/run.sh [--data-dir DIR] [extra arguments for `elanus demo`]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh > /dev/null
cmake --preset release > /dev/null
cmake --build --preset release -j 2 --target elanus > /dev/null
exec build/release/tools/elanus demo "$@"
