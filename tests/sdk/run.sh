#!/usr/bin/env bash
# Smoke workflows with the official Milvus SDKs for Node.js, Go and Java against `elanus serve`.
# Builds nothing: each suite starts its own server from $ELANUS_BIN (default
# build/release/tools/elanus under the repo root) on a free loopback port with a temp data dir.
# Dependencies come from the registries (npm, the Go module proxy, Maven Central) into the usual
# per-user caches. Runs all three suites, prints each runner's summary, and exits non-zero if any
# of them failed.
# Usage: tests/sdk/run.sh            (ELANUS_BIN=/path/to/elanus tests/sdk/run.sh)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

bin="${ELANUS_BIN:-build/release/tools/elanus}"
case "$bin" in /*) ;; *) bin="$repo/$bin" ;; esac
if [ ! -x "$bin" ]; then
  echo "sdk smoke: elanus binary not found at $bin: build it or set ELANUS_BIN" >&2
  exit 1
fi
export ELANUS_BIN="$bin"

failed=()

echo "== SDK smoke: Node.js (@zilliz/milvus2-sdk-node)"
(
  cd "$here/node" || exit 1
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --no-update-notifier --loglevel=error || exit 1
  fi
  timeout 600 node --test
) || failed+=(node)

echo "== SDK smoke: Go (github.com/milvus-io/milvus/client/v2)"
(
  cd "$here/go" || exit 1
  log="$(mktemp)"
  timeout 900 go test -count=1 -v ./... > "$log" 2>&1
  rc=$?
  # Step results and go test's own summary; the full log only when something failed.
  if [ $rc -ne 0 ]; then cat "$log"; else grep -E '^\s*--- |^(ok|FAIL|PASS)\b' "$log"; fi
  rm -f "$log"
  exit $rc
) || failed+=(go)

echo "== SDK smoke: Java (io.milvus:milvus-sdk-java)"
(
  cd "$here/java" || exit 1
  rm -rf target/surefire-reports
  # (Debian's Maven prints stray colour resets even in batch mode: drop them.)
  timeout 900 mvn -q -B -Dstyle.color=never test 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
  rc=${PIPESTATUS[0]}
  # -q hides Surefire's summary on success: print it from the reports.
  cat target/surefire-reports/*.txt 2>/dev/null | grep -E '^Tests run:' || true
  exit $rc
) || failed+=(java)

if [ ${#failed[@]} -ne 0 ]; then
  echo "== SDK smoke: FAILED: ${failed[*]}"
  exit 1
fi
echo "== SDK smoke: all three SDK suites passed"
