"""Grouping search (group_by_field, group_size, strict_group_size), search by primary keys
(`ids=`), and partial upsert (`partial_update=True`) through the real pymilvus. Expected results
are computed here by brute force from the inserted data."""

import numpy as np
import pytest
from pymilvus import DataType, MilvusClient, MilvusException

N = 200
DIM = 8


@pytest.fixture
def coll(client, name):
    schema = MilvusClient.create_schema(enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("doc", DataType.INT64)
    schema.add_field("kind", DataType.VARCHAR, max_length=16, nullable=True)
    schema.add_field("score", DataType.DOUBLE, default_value=0.5)
    index = client.prepare_index_params()
    index.add_index("vec", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index)
    rng = np.random.default_rng(5)
    vecs = rng.standard_normal((N, DIM)).astype(np.float32)
    rows = []
    for i in range(N):
        row = {"id": i, "vec": vecs[i].tolist(), "doc": i % 9, "score": float(i)}
        if i % 4:
            row["kind"] = f"k{i % 3}"
        rows.append(row)
    client.insert(name, rows)
    return name, vecs


def brute_groups(vecs, q, key_of, limit, size, strict=False):
    d = ((vecs - q) ** 2).sum(axis=1)
    order = sorted(range(len(vecs)), key=lambda i: (d[i], i))
    groups, first = {}, []
    for i in order:
        k = key_of(i)
        if k not in groups:
            groups[k] = []
            first.append(k)
        if len(groups[k]) < size:
            groups[k].append(i)
    if strict:
        first = [k for k in first if len(groups[k]) == size]
    return [i for k in first[:limit] for i in groups[k]]


def test_group_by_int_field_matches_brute_force(client, coll):
    name, vecs = coll
    q = np.full(DIM, 0.2, dtype=np.float32)
    for limit, size in [(3, 1), (4, 3), (9, 10)]:
        hits = client.search(name, data=[q.tolist()], limit=limit, group_by_field="doc",
                             group_size=size, output_fields=["doc"])[0]
        want = brute_groups(vecs, q, lambda i: i % 9, limit, size)
        assert [h["id"] for h in hits] == want
        assert all(h["entity"]["doc"] == h["id"] % 9 for h in hits)
        assert len({h["entity"]["doc"] for h in hits}) == min(limit, 9)


def test_group_by_nullable_varchar_with_strict_size(client, coll):
    name, vecs = coll
    q = np.full(DIM, -0.3, dtype=np.float32)
    key = lambda i: None if i % 4 == 0 else f"k{i % 3}"  # noqa: E731
    hits = client.search(name, data=[q.tolist()], limit=5, group_by_field="kind", group_size=2,
                         strict_group_size=True, output_fields=["kind"])[0]
    assert [h["id"] for h in hits] == brute_groups(vecs, q, key, 5, 2, strict=True)
    # NULL is a group of its own.
    assert {h["entity"]["kind"] for h in hits} == {None, "k0", "k1", "k2"}


def test_group_by_errors(client, coll):
    name, _ = coll
    q = [0.0] * DIM
    with pytest.raises(MilvusException, match="group_by_field 'score' has type DOUBLE"):
        client.search(name, data=[q], limit=3, group_by_field="score")
    with pytest.raises(MilvusException, match="group_size 11"):
        client.search(name, data=[q], limit=3, group_by_field="doc", group_size=11)


def test_search_by_primary_keys(client, coll):
    name, vecs = coll
    hits = client.search(name, ids=[7, 42], limit=3, anns_field="vec")
    assert len(hits) == 2
    for qi, pk in enumerate([7, 42]):
        d = ((vecs - vecs[pk]) ** 2).sum(axis=1)
        want = sorted(range(N), key=lambda i: (d[i], i))[:3]
        assert [h["id"] for h in hits[qi]] == want
        assert hits[qi][0]["id"] == pk and hits[qi][0]["distance"] == pytest.approx(0.0)
    with pytest.raises(MilvusException, match="no row with primary key 100000"):
        client.search(name, ids=[1, 100000], limit=3, anns_field="vec")


def test_partial_upsert_keeps_other_fields(client, coll):
    name, vecs = coll
    client.upsert(name, [{"id": 5, "doc": 100, "tag": "new"}, {"id": 6, "doc": 101}],
                  partial_update=True)
    got = {r["id"]: r for r in client.get(name, ids=[5, 6], output_fields=["*"])}
    assert got[5]["doc"] == 100 and got[6]["doc"] == 101
    assert got[5]["kind"] == "k2" and got[6]["kind"] == "k0"
    assert got[5]["score"] == 5.0 and got[6]["score"] == 6.0
    assert got[5]["tag"] == "new"
    np.testing.assert_allclose(got[5]["vec"], vecs[5], rtol=1e-6)
    # A key that does not exist yet is inserted; without its vector it is rejected whole.
    with pytest.raises(MilvusException, match="primary key 900"):
        client.upsert(name, [{"id": 7, "doc": 1}, {"id": 900, "doc": 1}], partial_update=True)
    assert client.get(name, ids=[7], output_fields=["doc"])[0]["doc"] == 7 % 9
    client.upsert(name, [{"id": 901, "vec": [1.0] * DIM, "doc": 3}], partial_update=True)
    row = client.get(name, ids=[901], output_fields=["*"])[0]
    assert row["doc"] == 3 and row["kind"] is None and row["score"] == 0.5
