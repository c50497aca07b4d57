#!/usr/bin/env python3
"""Writes one of the harness's cached datasets as a VectorDBBench custom dataset directory:
train.parquet (id int64, emb list<float32>), test.parquet (id, emb), neighbors.parquet (id, neighbors_id:
the exact top-100 from gt.ibin).

    python bench/vdbb/make_dataset.py synthetic-clustered-100k-128-euclidean OUT_DIR
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path[0] = str(HERE.parents[1])
from bench import datasets  # noqa: E402


def table(ids: np.ndarray, name: str, values: np.ndarray) -> pa.Table:
    flat = pa.array(values.reshape(-1))
    offsets = pa.array(np.arange(0, values.size + 1, values.shape[1], dtype=np.int32))
    return pa.table({"id": pa.array(ids.astype(np.int64)), name: pa.ListArray.from_arrays(offsets, flat)})


def main() -> None:
    name, out = sys.argv[1], Path(sys.argv[2])
    ds = datasets.load(name)
    out.mkdir(parents=True, exist_ok=True)
    base = np.ascontiguousarray(ds.base(mmap=False), dtype=np.float32)
    queries = np.ascontiguousarray(ds.queries(), dtype=np.float32)
    gt = ds.gt().astype(np.int64)
    pq.write_table(table(np.arange(base.shape[0]), "emb", base), out / "train.parquet")
    pq.write_table(table(np.arange(queries.shape[0]), "emb", queries), out / "test.parquet")
    pq.write_table(table(np.arange(gt.shape[0]), "neighbors_id", gt), out / "neighbors.parquet")
    print(f"{out}: {base.shape[0]} x {base.shape[1]} base, {queries.shape[0]} queries, {ds.metric}")


if __name__ == "__main__":
    main()
