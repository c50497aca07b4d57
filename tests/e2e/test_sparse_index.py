"""SPARSE_INVERTED_INDEX through pymilvus: AUTOINDEX on a SPARSE_FLOAT_VECTOR field builds the
inverted index per sealed segment; index-backed search equals an exact inner-product scan (sparse
vectors given as dicts), honours drop_ratio_search and rejects bad parameters by name."""

import time

import numpy as np
import pytest
from pymilvus import DataType, MilvusClient, MilvusException

ROWS = 1500


def random_sparse(rng, nnz):
    dims = rng.choice(400, size=nnz, replace=False)
    return {int(d): float(v) for d, v in zip(dims, rng.uniform(0.05, 1.0, size=nnz))}


def dot(a, b):
    return sum(v * b[k] for k, v in a.items() if k in b)


def make_collection(client, name, index_type, params):
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("sp", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("n", DataType.INT64)
    client.create_collection(name, schema=schema)
    ip = client.prepare_index_params()
    ip.add_index(field_name="sp", index_type=index_type, metric_type="IP", params=params)
    client.create_index(name, ip)
    client.load_collection(name)


def wait_built(client, name, rows):
    deadline = time.time() + 60
    while True:
        idx = client.describe_index(name, "sp")
        if idx["state"] == "Finished" and idx["indexed_rows"] == rows:
            return idx
        assert time.time() < deadline, idx
        time.sleep(0.1)


@pytest.mark.parametrize("index_type,params", [
    ("AUTOINDEX", {}),
    ("SPARSE_INVERTED_INDEX", {"inverted_index_algo": "DAAT_MAXSCORE"}),
    ("SPARSE_WAND", {"inverted_index_algo": "TAAT_NAIVE"}),
])
def test_sparse_index_equals_exact_search(client, name, index_type, params):
    make_collection(client, name, index_type, params)
    rng = np.random.default_rng(3)
    rows = [random_sparse(rng, 1 + i % 25) for i in range(ROWS)]
    client.insert(name, [{"id": i, "sp": rows[i], "n": i % 10} for i in range(ROWS)])
    client.flush(name)
    wait_built(client, name, ROWS)
    for qi in range(15):
        q = random_sparse(rng, 2 + qi % 6)
        res = client.search(name, data=[q], anns_field="sp", limit=10, filter="n < 4",
                            search_params={"metric_type": "IP", "params": {}},
                            output_fields=["n"])
        got = [(h["id"], h["distance"]) for h in res[0]]
        assert len(got) == 10
        assert all(h["entity"]["n"] < 4 for h in res[0])
        exact = sorted(((dot(q, rows[i]), i) for i in range(ROWS) if i % 10 < 4),
                       key=lambda t: (-t[0], t[1]))[:10]
        for (gid, gscore), (escore, eid) in zip(got, exact):
            assert gscore == pytest.approx(escore, rel=1e-4, abs=1e-5)
            # Same row, or a row tied with it (float summation order may swap ties).
            assert gid == eid or dot(q, rows[gid]) == pytest.approx(escore, abs=1e-5)


def test_sparse_search_params(client, name):
    make_collection(client, name, "SPARSE_INVERTED_INDEX", {"drop_ratio_build": 0.0})
    rng = np.random.default_rng(4)
    rows = [random_sparse(rng, 10) for _ in range(500)]
    client.insert(name, [{"id": i, "sp": rows[i], "n": i} for i in range(500)])
    client.flush(name)
    wait_built(client, name, 500)
    q = {1: 0.9, 2: 0.1, 3: 0.8, 4: 0.2}
    half = {1: 0.9, 3: 0.8}
    got = client.search(name, data=[q], anns_field="sp", limit=20,
                        search_params={"metric_type": "IP",
                                       "params": {"drop_ratio_search": 0.5}})
    want = sorted(((dot(half, rows[i]), i) for i in range(500)), key=lambda t: (-t[0], t[1]))[:20]
    assert [h["distance"] for h in got[0]] == pytest.approx([w[0] for w in want], abs=1e-5)
    with pytest.raises(MilvusException, match="drop_ratio_search"):
        client.search(name, data=[q], anns_field="sp", limit=5,
                      search_params={"metric_type": "IP", "params": {"drop_ratio_search": 1.5}})


def test_sparse_build_params_are_validated(client, name):
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("sp", DataType.SPARSE_FLOAT_VECTOR)
    client.create_collection(name, schema=schema)
    for params, needle in [({"inverted_index_algo": "DAAT_WAND"}, "DAAT_WAND"),
                           ({"inverted_index_algo": "X"}, "inverted_index_algo"),
                           ({"drop_ratio_build": 1.0}, "drop_ratio_build")]:
        ip = client.prepare_index_params()
        ip.add_index(field_name="sp", index_type="SPARSE_INVERTED_INDEX", metric_type="IP",
                     params=params)
        with pytest.raises(MilvusException, match=needle):
            client.create_index(name, ip)
