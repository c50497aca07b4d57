#!/bin/sh
# VectorDBBench (PyPI vectordb-bench, its Milvus client = pymilvus) against `elanus serve`, on a harness
# dataset written as a VectorDBBench custom dataset. Usage:
#   bench/vdbb/run.sh [DATASET] [PORT]     (venv: build/vdbb-venv from bench/vdbb/requirements.txt)
set -eu
cd "$(dirname "$0")/../.."
DS=${1:-synthetic-clustered-100k-128-euclidean}
PORT=${2:-19631}
VENV=${VDBB_VENV:-build/vdbb-venv}
OUT=build/vdbb-data/$DS
[ -f "$OUT/train.parquet" ] || "$VENV/bin/python" bench/vdbb/make_dataset.py "$DS" "$OUT"
N=$("$VENV/bin/python" -c "import pyarrow.parquet as pq; print(pq.read_metadata('$OUT/train.parquet').num_rows)")
DIM=$("$VENV/bin/python" -c "import pyarrow.parquet as pq; print(len(pq.read_table('$OUT/test.parquet').column('emb')[0]))")
DATA=$(mktemp -d /tmp/elanus-vdbb-XXXXXX)
${ELANUS_BIN:-build/release/tools/elanus} serve --port "$PORT" --health-port 0 --data-dir "$DATA/data" \
  > "$DATA/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
sleep 2
"$VENV/bin/vectordbbench" milvushnsw --uri "http://127.0.0.1:$PORT" --m 16 --ef-construction 200 \
  --ef-search "${EF:-64}" --case-type PerformanceCustomDataset --custom-case-name "elanus-$DS" \
  --custom-dataset-name "$DS" --custom-dataset-dir "$(pwd)/$OUT" --custom-dataset-size "$N" \
  --custom-dataset-dim "$DIM" --custom-dataset-metric-type L2 --custom-dataset-file-count 1 \
  --skip-custom-dataset-use-shuffled --custom-dataset-with-gt --k "${K:-10}" \
  --insert-batch-size 2000 --load-concurrency 1 --num-concurrency "${CONC:-1,8}" \
  --concurrency-duration "${DURATION:-30}" --db-label elanus --task-label "elanus-$DS"
