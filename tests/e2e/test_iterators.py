"""Iterators: query_iterator pages in primary-key order over a pinned snapshot; search_iterator
(v2: server token + last bound) returns every hit once, best first."""

import numpy as np
from pymilvus import MilvusClient

DIM = 4


def fill(client, name, n, metric="L2"):
    client.create_collection(name, dimension=DIM, metric_type=metric)
    rng = np.random.default_rng(5)
    vecs = rng.standard_normal((n, DIM)).astype(np.float32)
    client.insert(name, [{"id": i, "vector": vecs[i].tolist(), "age": i % 50}
                         for i in range(n)])
    return vecs


def test_query_iterator_pages_in_pk_order_over_a_snapshot(client, name):
    fill(client, name, 250)
    it = client.query_iterator(name, batch_size=40, filter="age >= 10", output_fields=["age"])
    seen = []
    first = True
    while True:
        page = it.next()
        if not page:
            break
        assert len(page) <= 40
        seen.extend(r["id"] for r in page)
        assert all(r["age"] >= 10 for r in page)
        if first:
            # Rows written after the iterator started are outside its snapshot.
            client.insert(name, [{"id": 10_000 + i, "vector": [1.0, 0, 0, 0], "age": 20}
                                 for i in range(30)])
            first = False
    it.close()
    assert seen == sorted(seen)
    assert seen == [i for i in range(250) if i % 50 >= 10]


def test_query_iterator_with_limit(client, name):
    fill(client, name, 120)
    it = client.query_iterator(name, batch_size=25, limit=60, filter="id >= 0")
    seen = []
    while page := it.next():
        seen.extend(r["id"] for r in page)
    it.close()
    assert seen == list(range(60))


def test_search_iterator_v2_returns_every_hit_once_best_first(client, name):
    vecs = fill(client, name, 300)
    q = vecs[0] + 0.01
    it = client.search_iterator(name, data=[q.tolist()], batch_size=32, limit=200,
                                search_params={"metric_type": "L2"}, output_fields=["age"])
    assert type(it).__name__ == "SearchIteratorV2"  # the server supports v2: no v1 fallback
    ids, dists = [], []
    while True:
        page = it.next()
        if not page:  # None once the limit is reached, empty when the hits run out
            break
        for h in page:
            ids.append(h["id"])
            dists.append(h["distance"])
            assert h["entity"]["age"] == h["id"] % 50
    it.close()
    assert len(ids) == 200 and len(set(ids)) == 200
    assert dists == sorted(dists)
    d = ((vecs - q) ** 2).sum(axis=1)
    assert set(ids) == set(np.argsort(d, kind="stable")[:200].tolist())


def test_search_iterator_unbounded_with_filter_and_ties(client, name):
    client.create_collection(name, dimension=DIM, metric_type="IP")
    # 90 rows in three groups of identical vectors: every score is tied with 29 others.
    rows = [{"id": i, "vector": [1.0 + i % 3, 0, 0, 0], "g": i % 3} for i in range(90)]
    client.insert(name, rows)
    it = client.search_iterator(name, data=[[1.0, 0, 0, 0]], batch_size=7, filter="g != 1",
                                search_params={"metric_type": "IP"})
    ids = []
    while True:
        page = it.next()
        if not page:
            break
        ids.extend(h["id"] for h in page)
    it.close()
    assert sorted(ids) == [i for i in range(90) if i % 3 != 1]
    assert [i % 3 for i in ids] == [2] * 30 + [0] * 30  # best (largest IP) first
