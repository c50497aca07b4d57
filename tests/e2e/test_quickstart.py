"""The pymilvus quick-setup flow end to end: create, insert, search, query, get, delete, drop."""

import numpy as np
import pytest
from pymilvus import DataType, MilvusClient

DIM = 8


def vectors(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, DIM)).astype(np.float32)


def test_server_version_and_health(server, client):
    import urllib.request

    assert client.get_server_version().startswith("v2.6")
    with urllib.request.urlopen(f"http://127.0.0.1:{server.health_port}/healthz") as r:
        assert r.status == 200
        assert r.read() == b"OK"


def test_quick_setup_flow(client, name):
    client.create_collection(name, dimension=DIM)
    assert client.has_collection(name)
    assert name in client.list_collections()

    desc = client.describe_collection(name)
    assert desc["collection_name"] == name
    assert desc["enable_dynamic_field"] is True
    assert desc["consistency_level"] == 2  # Bounded, the MilvusClient default
    fields = {f["name"]: f for f in desc["fields"]}
    assert set(fields) == {"id", "vector"}  # `$meta` is hidden
    assert fields["id"]["is_primary"] and fields["id"]["type"] == DataType.INT64
    assert fields["vector"]["params"]["dim"] == DIM

    assert client.list_indexes(name) == ["vector"]
    idx = client.describe_index(name, "vector")
    assert idx["metric_type"] == "COSINE" and idx["state"] == "Finished"
    assert str(client.get_load_state(name)["state"]) == "Loaded"

    vecs = vectors(100)
    rows = [{"id": i, "vector": vecs[i].tolist(), "color": ["red", "green", "blue"][i % 3]}
            for i in range(100)]
    res = client.insert(name, rows)
    assert res["insert_count"] == 100
    assert list(res["ids"]) == list(range(100))

    # Each stored vector is its own nearest neighbour under COSINE.
    hits = client.search(name, data=[vecs[7].tolist(), vecs[42].tolist()], limit=5,
                         output_fields=["color"])
    assert len(hits) == 2
    assert [len(h) for h in hits] == [5, 5]
    assert hits[0][0]["id"] == 7 and hits[1][0]["id"] == 42
    assert hits[0][0]["distance"] == pytest.approx(1.0, abs=1e-4)
    assert hits[0][0]["entity"]["color"] == "green"  # a dynamic field, read from `$meta`
    scores = [h["distance"] for h in hits[0]]
    assert scores == sorted(scores, reverse=True)

    assert client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"] == 100
    got = client.get(name, ids=[3, 4])
    assert sorted(r["id"] for r in got) == [3, 4]
    r3 = next(r for r in got if r["id"] == 3)
    assert r3["color"] == "red"
    assert np.allclose(r3["vector"], vecs[3], atol=1e-6)

    assert client.delete(name, ids=[3, 4])["delete_count"] == 2
    assert client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"] == 98
    assert client.get(name, ids=[3]) == []

    page = client.query(name, filter="", limit=5, offset=2, output_fields=["id"])
    assert [r["id"] for r in page] == [2, 5, 6, 7, 8]  # ordered by primary key

    assert client.get_collection_stats(name)["row_count"] == 98
    client.drop_collection(name)
    assert not client.has_collection(name)
    assert name not in client.list_collections()


def test_string_primary_key(client, name):
    client.create_collection(name, dimension=DIM, id_type="string", max_length=64)
    vecs = vectors(5, seed=1)
    client.insert(name, [{"id": f"doc-{i}", "vector": vecs[i].tolist()} for i in range(5)])
    got = client.get(name, ids=["doc-1", "doc-3"], output_fields=["id"])
    assert sorted(r["id"] for r in got) == ["doc-1", "doc-3"]
    hits = client.search(name, data=[vecs[2].tolist()], limit=1)
    assert hits[0][0]["id"] == "doc-2"
    assert client.delete(name, ids=["doc-1"])["delete_count"] == 1
    assert client.get(name, ids=["doc-1"]) == []


def test_search_metric_limits_and_range(client, name):
    client.create_collection(name, dimension=DIM, metric_type="L2")
    vecs = vectors(50, seed=2)
    client.insert(name, [{"id": i, "vector": vecs[i].tolist()} for i in range(50)])
    q = vecs[10]
    hits = client.search(name, data=[q.tolist()], limit=10)[0]
    d = ((vecs - q) ** 2).sum(axis=1)  # L2 scores are squared distances
    assert [h["id"] for h in hits] == list(np.argsort(d)[:10])
    assert [h["distance"] for h in hits] == pytest.approx(sorted(d)[:10], rel=1e-4, abs=1e-4)
    # Offset pages through the same ranking.
    page2 = client.search(name, data=[q.tolist()], limit=5, search_params={"offset": 5})[0]
    assert [h["id"] for h in page2] == [h["id"] for h in hits[5:10]]
    # Range search: keep hits with range_filter <= d < radius.
    radius = float(np.sort(d)[5])
    ranged = client.search(name, data=[q.tolist()], limit=50,
                           search_params={"params": {"radius": radius, "range_filter": 0.0}})[0]
    assert sorted(h["id"] for h in ranged) == sorted(np.argsort(d)[:5].tolist())
    # A search with another metric than the index's fails like Milvus.
    with pytest.raises(Exception) as e:
        client.search(name, data=[q.tolist()], limit=3, search_params={"metric_type": "IP"})
    assert e.value.code == 1100


def test_upsert_flush_compact_rename(client, name):
    client.create_collection(name, dimension=DIM)
    vecs = vectors(11, seed=3)
    client.insert(name, [{"id": i, "vector": vecs[i].tolist(), "v": i} for i in range(10)])
    res = client.upsert(name, [{"id": i, "vector": vecs[i].tolist(), "v": 100 + i}
                               for i in (2, 3, 10)])
    assert res["upsert_count"] == 3
    assert client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"] == 11
    got = {r["id"]: r["v"] for r in client.get(name, ids=[1, 2, 3, 10], output_fields=["v"])}
    assert got == {1: 1, 2: 102, 3: 103, 10: 110}

    client.flush(name)
    client.compact(name)
    assert client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"] == 11

    new = name + "_renamed"
    client.rename_collection(name, new)
    assert not client.has_collection(name)
    assert client.get(new, ids=[2], output_fields=["v"])[0]["v"] == 102
    client.drop_collection(new)


def test_load_release(client, name):
    client.create_collection(name, dimension=DIM)
    client.insert(name, [{"id": 1, "vector": vectors(1)[0].tolist()}])
    client.release_collection(name)
    assert str(client.get_load_state(name)["state"]) == "NotLoad"
    with pytest.raises(Exception) as e:
        client.search(name, data=[vectors(1)[0].tolist()], limit=1)
    assert e.value.code == 101
    assert "not loaded" in e.value.message
    with pytest.raises(Exception) as e:
        client.query(name, filter="", output_fields=["count(*)"])
    assert e.value.code == 101
    client.load_collection(name)
    assert str(client.get_load_state(name)["state"]) == "Loaded"
    assert client.search(name, data=[vectors(1)[0].tolist()], limit=1)[0][0]["id"] == 1


def test_separate_clients_share_data(server, name):
    a = MilvusClient(server.uri)
    a.create_collection(name, dimension=DIM)
    a.insert(name, [{"id": 5, "vector": vectors(1)[0].tolist()}])
    b = MilvusClient(uri=server.uri)
    assert b.get(name, ids=[5], output_fields=["id"]) == [{"id": 5}]
    b.drop_collection(name)
