"""Filters through the protocol: dynamic keys, JSON paths, arrays, filter templates
(pymilvus `filter_params` -> expr_template_values) on search, query and delete; query limit and
offset in primary-key order."""

import numpy as np
from pymilvus import DataType, MilvusClient

DIM = 4
COLORS = ["red", "green", "blue"]


def make_collection(client, name, n=30):
    schema = MilvusClient.create_schema(enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("age", DataType.INT64)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.INT64, max_capacity=8)
    schema.add_field("meta", DataType.JSON)
    index = client.prepare_index_params()
    index.add_index("vec", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index)
    rng = np.random.default_rng(3)
    rows = [{"id": i, "vec": rng.standard_normal(DIM).astype(np.float32).tolist(), "age": i,
             "tags": [i % 5, (i + 1) % 5], "meta": {"a": i % 4, "name": f"n{i}"},
             "color": COLORS[i % 3]} for i in range(n)]
    client.insert(name, rows)
    return rows


def ids_of(rows):
    return sorted(r["id"] for r in rows)


def test_filters_on_dynamic_json_and_array_fields(client, name):
    rows = make_collection(client, name)
    got = client.query(name, filter='color == "red"', output_fields=["color"])
    assert ids_of(got) == [r["id"] for r in rows if r["color"] == "red"]
    assert all(g["color"] == "red" for g in got)

    got = client.query(name, filter="meta['a'] > 1", output_fields=["meta"])
    assert ids_of(got) == [r["id"] for r in rows if r["meta"]["a"] > 1]

    got = client.query(name, filter='meta["name"] == "n7"')
    assert ids_of(got) == [7]

    got = client.query(name, filter="array_contains(tags, 3)")
    assert ids_of(got) == [r["id"] for r in rows if 3 in r["tags"]]

    got = client.query(name, filter="tags[0] == 2 and age < 20")
    assert ids_of(got) == [r["id"] for r in rows if r["tags"][0] == 2 and r["age"] < 20]

    count = client.query(name, filter='color in ["red", "blue"]', output_fields=["count(*)"])
    assert count[0]["count(*)"] == sum(r["color"] in ("red", "blue") for r in rows)


def test_filter_templates_on_query_search_and_delete(client, name):
    rows = make_collection(client, name)
    params = {"min_age": 10, "colors": ["red", "blue"], "a": 2}
    expr = "age >= {min_age} and color in {colors} and meta['a'] == {a}"
    want = [r["id"] for r in rows
            if r["age"] >= 10 and r["color"] in ("red", "blue") and r["meta"]["a"] == 2]
    assert want  # the data exercises the filter
    got = client.query(name, filter=expr, filter_params=params, output_fields=["age"])
    assert ids_of(got) == want

    hits = client.search(name, data=[rows[0]["vec"]], limit=50, filter=expr,
                         filter_params=params, output_fields=["color"])
    assert sorted(h["id"] for h in hits[0]) == want
    dists = [h["distance"] for h in hits[0]]
    assert dists == sorted(dists)  # L2: nearest first

    # Array and float templates.
    got = client.query(name, filter="array_contains_any(tags, {t}) and meta['a'] < {x}",
                       filter_params={"t": [4], "x": 1.5})
    assert ids_of(got) == [r["id"] for r in rows if 4 in r["tags"] and r["meta"]["a"] < 1.5]

    res = client.delete(name, filter="age < {n}", filter_params={"n": 5})
    assert res["delete_count"] == 5
    left = client.query(name, filter="age < {n}", filter_params={"n": 10})
    assert ids_of(left) == list(range(5, 10))


def test_query_limit_and_offset_page_in_primary_key_order(client, name):
    make_collection(client, name, n=30)
    page1 = client.query(name, filter="age >= 3", limit=5, output_fields=["age"])
    page2 = client.query(name, filter="age >= 3", limit=5, offset=5, output_fields=["age"])
    assert [r["id"] for r in page1] == [3, 4, 5, 6, 7]
    assert [r["id"] for r in page2] == [8, 9, 10, 11, 12]
    assert [r["age"] for r in page2] == [8, 9, 10, 11, 12]
    tail = client.query(name, filter="", limit=100, offset=25)
    assert [r["id"] for r in tail] == [25, 26, 27, 28, 29]


def test_bad_filter_and_template_report_invalid_parameter(client, name):
    import pytest
    from pymilvus.exceptions import MilvusException

    make_collection(client, name, n=3)
    with pytest.raises(MilvusException) as e:
        client.query(name, filter="age > {missing}", filter_params={"other": 1})
    assert e.value.code == 1100
    with pytest.raises(MilvusException) as e:
        client.query(name, filter="age >>> 1")
    assert e.value.code == 1100
