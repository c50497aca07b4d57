"""Issue-4 index types through pymilvus: IVF_PQ (build parameter validation, recall), HNSW_SQ
with sq_type FP16/BF16, and FLOAT16/BFLOAT16 vectors in HNSW and IVF_PQ."""

import time

import numpy as np
import pytest
from pymilvus import DataType, MilvusClient, MilvusException

DIM = 16
ROWS = 2000


def make_collection(client, name, dtype, index_type, params):
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", dtype, dim=DIM)
    client.create_collection(name, schema=schema)
    ip = client.prepare_index_params()
    ip.add_index(field_name="vec", index_type=index_type, metric_type="L2", params=params)
    client.create_index(name, ip)
    client.load_collection(name)


def wait_built(client, name):
    deadline = time.time() + 60
    while True:
        idx = client.describe_index(name, "vec")
        if idx["state"] == "Finished" and idx["indexed_rows"] == ROWS:
            return idx
        assert time.time() < deadline, idx
        time.sleep(0.1)


@pytest.mark.parametrize("dtype,np_type,index_type,params,search_params,floor", [
    (DataType.FLOAT_VECTOR, np.float32, "IVF_PQ", {"nlist": 16, "m": 8}, {"nprobe": 16}, 0.6),
    (DataType.FLOAT16_VECTOR, np.float16, "IVF_PQ", {"nlist": 16, "m": 8, "nbits": 8},
     {"nprobe": 16}, 0.6),
    (DataType.FLOAT16_VECTOR, np.float16, "HNSW", {"M": 16, "efConstruction": 100}, {"ef": 64},
     0.9),
    (DataType.FLOAT_VECTOR, np.float32, "HNSW_SQ",
     {"M": 16, "efConstruction": 100, "sq_type": "FP16", "refine": False}, {"ef": 64}, 0.9),
    (DataType.FLOAT_VECTOR, np.float32, "HNSW_SQ",
     {"M": 16, "efConstruction": 100, "sq_type": "BF16"}, {"ef": 64}, 0.9),
])
def test_index_types_recall(client, name, dtype, np_type, index_type, params, search_params,
                            floor):
    make_collection(client, name, dtype, index_type, params)
    rng = np.random.default_rng(2)
    base = rng.standard_normal((ROWS, DIM)).astype(np_type)
    client.insert(name, [{"id": i, "vec": base[i] if np_type != np.float32 else base[i].tolist()}
                         for i in range(ROWS)])
    client.flush(name)
    idx = wait_built(client, name)
    assert idx["index_type"] == index_type
    exact = base.astype(np.float32)
    hits = 0
    for qi in range(20):
        q = exact[qi * 50] + 0.01
        data = [q.astype(np_type)] if np_type != np.float32 else [q.tolist()]
        res = client.search(name, data=data, limit=10,
                            search_params={"metric_type": "L2", "params": search_params})
        got = [h["id"] for h in res[0]]
        assert len(got) == 10
        truth = np.argsort(((exact - q) ** 2).sum(axis=1), kind="stable")[:10]
        hits += len(set(got) & set(truth.tolist()))
    assert hits / 200 >= floor


@pytest.mark.parametrize("index_type,params,needle", [
    ("IVF_PQ", {"nlist": 16}, "m is required"),
    ("IVF_PQ", {"nlist": 16, "m": 5}, "m=5"),
    ("IVF_PQ", {"nlist": 16, "m": 8, "nbits": 17}, "nbits=17"),
    ("HNSW_SQ", {"sq_type": "SQ6"}, "sq_type=SQ6"),
])
def test_index_type_params_are_validated(client, name, index_type, params, needle):
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    client.create_collection(name, schema=schema)
    ip = client.prepare_index_params()
    ip.add_index(field_name="vec", index_type=index_type, metric_type="L2", params=params)
    with pytest.raises(MilvusException, match=needle):
        client.create_index(name, ip)
