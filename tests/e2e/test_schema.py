"""Explicit schemas: scalar types, nullable and default values, dynamic fields, arrays, JSON,
auto ids and the other vector types."""

import numpy as np
import pytest
from pymilvus import DataType, MilvusClient

DIM = 4


def make_schema():
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=True)
    schema.add_field("pk", DataType.INT64, is_primary=True)
    schema.add_field("title", DataType.VARCHAR, max_length=64)
    schema.add_field("rank", DataType.INT32, nullable=True)
    schema.add_field("score", DataType.FLOAT, default_value=0.5)
    schema.add_field("weight", DataType.DOUBLE)
    schema.add_field("flag", DataType.BOOL)
    schema.add_field("small", DataType.INT8)
    schema.add_field("meta", DataType.JSON, nullable=True)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=4,
                     max_length=16)
    schema.add_field("nums", DataType.ARRAY, element_type=DataType.INT64, max_capacity=8)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    return schema


def test_explicit_schema_round_trip(client, name):
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="vec", index_type="HNSW", metric_type="L2",
                           params={"M": 16, "efConstruction": 64})
    client.create_collection(name, schema=make_schema(), index_params=index_params,
                             consistency_level="Strong")
    desc = client.describe_collection(name)
    assert desc["enable_dynamic_field"] is True
    assert desc["consistency_level"] == 0  # Strong, as created
    f = {x["name"]: x for x in desc["fields"]}
    assert list(f) == ["pk", "title", "rank", "score", "weight", "flag", "small", "meta", "tags",
                       "nums", "vec"]
    assert f["title"]["params"]["max_length"] == 64
    assert f["rank"]["nullable"] is True
    assert f["score"]["default_value"].float_data == pytest.approx(0.5)
    assert f["tags"]["element_type"] == DataType.VARCHAR
    assert f["tags"]["params"]["max_capacity"] == 4
    assert f["vec"]["params"]["dim"] == DIM
    idx = client.describe_index(name, "vec")
    assert idx["index_type"] == "HNSW" and idx["metric_type"] == "L2"
    assert str(client.get_load_state(name)["state"]) == "Loaded"

    rows = [
        {"pk": 1, "title": "one", "rank": 10, "score": 0.25, "weight": 1.5, "flag": True,
         "small": -3, "meta": {"a": 1, "b": [1, 2]}, "tags": ["x", "y"], "nums": [1, 2, 3],
         "vec": [1, 0, 0, 0], "extra": "dyn-1"},
        # rank null, score omitted (default), meta null, empty arrays, no dynamic key
        {"pk": 2, "title": "two", "rank": None, "weight": 2.5, "flag": False, "small": 7,
         "meta": None, "tags": [], "nums": [], "vec": [0, 1, 0, 0]},
    ]
    assert client.insert(name, rows)["insert_count"] == 2

    got = {r["pk"]: r for r in client.query(name, filter="pk in [1, 2]", output_fields=["*"])}
    r1, r2 = got[1], got[2]
    assert r1["title"] == "one" and r1["rank"] == 10 and r1["score"] == pytest.approx(0.25)
    assert r1["weight"] == 1.5 and r1["flag"] is True and r1["small"] == -3
    assert r1["meta"] == {"a": 1, "b": [1, 2]}
    assert list(r1["tags"]) == ["x", "y"] and list(r1["nums"]) == [1, 2, 3]
    assert r1["extra"] == "dyn-1"
    assert r2["rank"] is None
    assert r2["score"] == pytest.approx(0.5)  # the default value
    assert r2["meta"] is None
    assert list(r2["tags"]) == [] and list(r2["nums"]) == []
    assert "extra" not in r2

    hits = client.search(name, data=[[0.9, 0.1, 0, 0]], limit=2, anns_field="vec",
                         output_fields=["title", "extra", "rank"])[0]
    assert [h["pk"] for h in hits] == [1, 2]  # hits are keyed by the primary field name
    assert hits[0]["entity"] == {"title": "one", "extra": "dyn-1", "rank": 10}
    assert hits[1]["entity"]["rank"] is None


def test_auto_id(client, name):
    schema = MilvusClient.create_schema(auto_id=True)
    schema.add_field("id", DataType.INT64, is_primary=True, auto_id=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    idx = client.prepare_index_params()
    idx.add_index("vec", metric_type="IP")
    client.create_collection(name, schema=schema, index_params=idx)
    assert client.describe_collection(name)["auto_id"] is True
    res = client.insert(name, [{"vec": [1, 2, 3, 4]}, {"vec": [4, 3, 2, 1]}])
    ids = list(res["ids"])
    assert len(ids) == 2 and len(set(ids)) == 2
    got = client.get(name, ids=ids, output_fields=["vec"])
    assert sorted(r["id"] for r in got) == sorted(ids)


def test_binary_and_sparse_vectors(client, name):
    schema = MilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("bits", DataType.BINARY_VECTOR, dim=16)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    idx = client.prepare_index_params()
    idx.add_index("bits", index_type="BIN_FLAT", metric_type="HAMMING")
    idx.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    client.create_collection(name, schema=schema, index_params=idx)
    rows = [{"id": i, "bits": bytes([i, 255 - i]), "sparse": {i: 1.0, 100 + i: 0.5}}
            for i in range(8)]
    client.insert(name, rows)
    hits = client.search(name, data=[bytes([3, 252])], anns_field="bits", limit=1)[0]
    assert hits[0]["id"] == 3 and hits[0]["distance"] == 0
    hits = client.search(name, data=[{5: 2.0}], anns_field="sparse", limit=1,
                         output_fields=["sparse"])[0]
    assert hits[0]["id"] == 5 and hits[0]["distance"] == pytest.approx(2.0)
    assert dict(hits[0]["entity"]["sparse"]) == pytest.approx({5: 1.0, 105: 0.5})


def test_float16_vectors(client, name):
    schema = MilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("h", DataType.FLOAT16_VECTOR, dim=DIM)
    idx = client.prepare_index_params()
    idx.add_index("h", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=idx)
    vecs = np.random.default_rng(5).standard_normal((6, DIM)).astype(np.float16)
    client.insert(name, [{"id": i, "h": vecs[i]} for i in range(6)])
    hits = client.search(name, data=[vecs[4]], limit=1)[0]
    assert hits[0]["id"] == 4 and hits[0]["distance"] == pytest.approx(0.0, abs=1e-3)
