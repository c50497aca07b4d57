"""Scalar indexes through pymilvus: INVERTED, BITMAP, STL_SORT, Trie and a JSON path index are
created with MilvusClient.prepare_index_params, described, give the same filtered query results
as without them, and are dropped; invalid type/field combinations give Milvus-style errors."""

import time

import pytest
from pymilvus import DataType, MilvusClient, MilvusException

DIM = 4
ROWS = 3000

FILTERS = [
    "age >= 30 and age < 40",
    "age in [1, 7, 99] or color == \"red\"",
    "name like \"n1%\"",
    "name in [\"n5\", \"n77\", \"n500\", \"zz\"]",
    "not (name like \"n2%\") and age > 90",
    "color != \"blue\"",
    "meta[\"price\"] > 40 and meta[\"price\"] <= 45",
    "meta[\"price\"] == 7",
    "array_contains(tags, 3)",
    "array_contains_any(tags, [1, 5]) and not (age < 50)",
    "flag == true and age < 10",
]


def make_collection(client, name):
    schema = MilvusClient.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("age", DataType.INT64)
    schema.add_field("name", DataType.VARCHAR, max_length=32)
    schema.add_field("color", DataType.VARCHAR, max_length=16)
    schema.add_field("flag", DataType.BOOL)
    schema.add_field("score", DataType.DOUBLE)
    schema.add_field("meta", DataType.JSON)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.INT64, max_capacity=8)
    client.create_collection(name, schema=schema)
    ip = client.prepare_index_params()
    ip.add_index(field_name="vec", index_type="FLAT", metric_type="L2")
    client.create_index(name, ip)
    client.load_collection(name)
    colors = ["red", "green", "blue"]
    rows = [{"id": i, "vec": [float(i % 7)] * DIM, "age": i % 100, "name": f"n{i % 600}",
             "color": colors[i % 3], "flag": i % 2 == 0, "score": i * 0.25,
             "meta": {"price": i % 50} if i % 9 else {"price": "n/a"},
             "tags": [(i + j) % 9 for j in range(i % 4)]} for i in range(ROWS)]
    client.insert(name, rows)
    client.flush(name)


def results(client, name):
    out = []
    for f in FILTERS:
        res = client.query(name, filter=f, output_fields=["id"])
        out.append(sorted(r["id"] for r in res))
    return out


def wait_finished(client, name, index_name):
    deadline = time.time() + 60
    while True:
        d = client.describe_index(name, index_name)
        if d["state"] == "Finished":
            return d
        assert time.time() < deadline, d
        time.sleep(0.1)


def test_scalar_indexes_keep_results_and_drop(client, name):
    make_collection(client, name)
    before = results(client, name)
    assert all(before), "every filter should match some rows"
    ip = client.prepare_index_params()
    ip.add_index(field_name="age", index_type="STL_SORT", index_name="age_idx")
    ip.add_index(field_name="name", index_type="Trie", index_name="name_idx")
    ip.add_index(field_name="color", index_type="BITMAP", index_name="color_idx")
    ip.add_index(field_name="tags", index_type="INVERTED", index_name="tags_idx")
    ip.add_index(field_name="flag", index_type="BITMAP", index_name="flag_idx")
    ip.add_index(field_name="score", index_type="AUTOINDEX", index_name="score_idx")
    ip.add_index(field_name="meta", index_type="INVERTED", index_name="price_idx",
                 params={"json_path": "meta[\"price\"]", "json_cast_type": "double"})
    client.create_index(name, ip)
    names = set(client.list_indexes(name))
    assert {"age_idx", "name_idx", "color_idx", "tags_idx", "flag_idx", "score_idx",
            "price_idx"} <= names
    for idx in ["age_idx", "name_idx", "color_idx", "tags_idx", "flag_idx", "price_idx"]:
        d = wait_finished(client, name, idx)
        assert d["indexed_rows"] == ROWS, d
    d = client.describe_index(name, "price_idx")
    assert d["index_type"] == "INVERTED"
    assert d["json_cast_type"] == "double"
    assert d["field_name"] == "meta"
    assert client.describe_index(name, "name_idx")["index_type"] == "Trie"
    assert results(client, name) == before
    client.release_collection(name)
    for idx in ["name_idx", "price_idx", "color_idx"]:
        client.drop_index(name, idx)
    assert "name_idx" not in client.list_indexes(name)
    client.load_collection(name)
    assert results(client, name) == before


@pytest.mark.parametrize("field,index_type,params,needle", [
    ("score", "BITMAP", {}, "score"),
    ("id", "BITMAP", {}, "primary key"),
    ("age", "Trie", {}, "VARCHAR"),
    ("tags", "STL_SORT", {}, "tags"),
    ("meta", "INVERTED", {"json_path": "meta[\"price\"]"}, "json_cast_type"),
    ("meta", "INVERTED", {"json_path": "meta[\"price\"]", "json_cast_type": "int9"}, "int9"),
    ("meta", "BITMAP", {"json_cast_type": "double"}, "meta"),
    ("age", "HNSW", {}, "age"),
])
def test_invalid_scalar_index_combinations(client, name, field, index_type, params, needle):
    make_collection(client, name)
    ip = client.prepare_index_params()
    ip.add_index(field_name=field, index_type=index_type, index_name="bad", params=params)
    with pytest.raises(MilvusException) as e:
        client.create_index(name, ip)
    assert needle in str(e.value)
    assert "bad" not in client.list_indexes(name)
