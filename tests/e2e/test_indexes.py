"""Vector indexes through pymilvus: built by the engine per sealed segment, search parameters
honoured and validated, build parameters validated."""

import time

import numpy as np
import pytest
from pymilvus import DataType, MilvusClient, MilvusException

DIM = 16


def make_collection(client, name, index_type, metric, params):
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("n", DataType.INT64)
    client.create_collection(name, schema=schema)
    ip = client.prepare_index_params()
    ip.add_index(field_name="vec", index_type=index_type, metric_type=metric, params=params)
    client.create_index(name, ip)
    client.load_collection(name)


def brute_force(base, q, k, keep):
    d = ((base - q) ** 2).sum(axis=1)
    order = [i for i in np.argsort(d, kind="stable") if keep(i)]
    return order[:k]


@pytest.mark.parametrize("index_type,params,search_params", [
    ("HNSW", {"M": 16, "efConstruction": 100}, {"ef": 64}),
    ("IVF_FLAT", {"nlist": 16}, {"nprobe": 16}),
])
def test_index_is_built_and_used(client, name, index_type, params, search_params):
    make_collection(client, name, index_type, "L2", params)
    rng = np.random.default_rng(1)
    base = rng.standard_normal((2000, DIM)).astype(np.float32)
    client.insert(name, [{"id": i, "vec": base[i].tolist(), "n": i % 10} for i in range(2000)])
    client.flush(name)
    deadline = time.time() + 60
    while True:
        idx = client.describe_index(name, "vec")
        if idx["state"] == "Finished" and idx["indexed_rows"] == 2000:
            break
        assert time.time() < deadline, idx
        time.sleep(0.1)
    assert idx["index_type"] == index_type
    hits_total = 0
    for qi in range(20):
        q = base[qi * 50] + 0.01
        res = client.search(name, data=[q.tolist()], limit=10, filter="n < 5",
                            search_params={"metric_type": "L2", "params": search_params},
                            output_fields=["n"])
        got = [h["id"] for h in res[0]]
        assert len(got) == 10
        assert all(h["entity"]["n"] < 5 for h in res[0])
        truth = brute_force(base, q, 10, lambda i: i % 10 < 5)
        hits_total += len(set(got) & set(truth))
    assert hits_total / 200 >= 0.9


def test_search_and_build_parameters_are_validated(client, name):
    with pytest.raises(MilvusException) as e:
        make_collection(client, name, "HNSW", "L2", {"M": 1})
    assert "M" in str(e.value)
    client.drop_collection(name)
    make_collection(client, name, "HNSW", "L2", {"M": 8, "efConstruction": 64})
    client.insert(name, [{"id": i, "vec": [float(i)] * DIM, "n": i} for i in range(50)])
    with pytest.raises(MilvusException) as e:
        client.search(name, data=[[0.0] * DIM], limit=10,
                      search_params={"metric_type": "L2", "params": {"ef": 5}})
    assert "ef" in str(e.value)
    res = client.search(name, data=[[0.0] * DIM], limit=3,
                        search_params={"metric_type": "L2", "params": {"ef": 20}})
    assert [h["id"] for h in res[0]] == [0, 1, 2]
