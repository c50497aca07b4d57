"""HybridSearch: several ANN requests (own field, params, limit, filter) fused by RRF or
Weighted ranking, offset/limit after fusion, output fields for the fused hits. Expected rankings
are computed here from the plain searches' results."""

import math

import numpy as np
import pytest
from pymilvus import AnnSearchRequest, DataType, MilvusClient, RRFRanker, WeightedRanker

N = 60


@pytest.fixture
def coll(client, name):
    schema = MilvusClient.create_schema(enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=8)
    schema.add_field("small", DataType.FLOAT_VECTOR, dim=4)
    schema.add_field("label", DataType.INT64)
    index = client.prepare_index_params()
    index.add_index("dense", metric_type="COSINE")
    index.add_index("small", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index)
    rng = np.random.default_rng(11)
    rows = [{"id": i, "dense": rng.standard_normal(8).tolist(),
             "small": rng.standard_normal(4).tolist(), "label": i % 5, "word": f"w{i}"}
            for i in range(N)]
    client.insert(name, rows)
    q_dense = rng.standard_normal(8).tolist()
    q_small = rng.standard_normal(4).tolist()
    return name, q_dense, q_small


def plain(client, name, field, q, limit, filt=""):
    hits = client.search(name, data=[q], anns_field=field, limit=limit, filter=filt)[0]
    return [(h["id"], h["distance"]) for h in hits]


def fuse(lists, score_of, limit, offset=0, ascending=False):
    total = {}
    for i, hits in enumerate(lists):
        for rank, (pk, s) in enumerate(hits, start=1):
            total[pk] = total.get(pk, 0.0) + score_of(i, rank, s)
    order = sorted(total.items(), key=lambda kv: ((kv[1] if ascending else -kv[1]), kv[0]))
    return order[offset:offset + limit]


def requests(q_dense, q_small):
    return [AnnSearchRequest([q_dense], "dense", {"metric_type": "COSINE"}, limit=20),
            AnnSearchRequest([q_small], "small", {"metric_type": "L2"}, limit=15,
                             expr="label in {labels}", expr_params={"labels": [0, 1, 2]})]


def test_rrf_fusion_matches_reference(client, coll):
    name, q_dense, q_small = coll
    a = plain(client, name, "dense", q_dense, 20)
    b = plain(client, name, "small", q_small, 15, "label in [0, 1, 2]")
    want = fuse([a, b], lambda i, rank, s: 1.0 / (60 + rank), limit=10)
    res = client.hybrid_search(name, requests(q_dense, q_small), RRFRanker(), limit=10,
                               output_fields=["label", "word"])
    got = [(h["id"], h["distance"]) for h in res[0]]
    assert [g[0] for g in got] == [w[0] for w in want]
    assert [g[1] for g in got] == pytest.approx([w[1] for w in want], rel=1e-5)
    for h in res[0]:
        assert h["entity"]["label"] == h["id"] % 5 and h["entity"]["word"] == f"w{h['id']}"

    # RRF with another k, and offset applied after fusion.
    want = fuse([a, b], lambda i, rank, s: 1.0 / (10 + rank), limit=5, offset=3)
    res = client.hybrid_search(name, requests(q_dense, q_small), RRFRanker(10), limit=5,
                               offset=3)
    assert [h["id"] for h in res[0]] == [w[0] for w in want]


def test_weighted_fusion_normalizes_scores(client, coll):
    name, q_dense, q_small = coll
    a = plain(client, name, "dense", q_dense, 20)
    b = plain(client, name, "small", q_small, 15, "label in [0, 1, 2]")
    weights = [0.7, 0.3]

    def norm(i, rank, s):
        n = (1 + s) / 2 if i == 0 else 1 - 2 * math.atan(s) / math.pi
        return weights[i] * n

    want = fuse([a, b], norm, limit=8)
    res = client.hybrid_search(name, requests(q_dense, q_small), WeightedRanker(*weights),
                               limit=8, output_fields=["label"])
    assert [h["id"] for h in res[0]] == [w[0] for w in want]
    assert [h["distance"] for h in res[0]] == pytest.approx([w[1] for w in want], rel=1e-5)


def test_hybrid_search_rejects_bad_rankers(client, coll):
    from pymilvus.exceptions import MilvusException

    name, q_dense, q_small = coll
    with pytest.raises(MilvusException) as e:
        client.hybrid_search(name, requests(q_dense, q_small), WeightedRanker(0.5), limit=5)
    assert e.value.code == 1100  # one weight per request
    with pytest.raises(MilvusException):
        client.hybrid_search(name, requests(q_dense, q_small), WeightedRanker(1.5, 0.5), limit=5)
    with pytest.raises(MilvusException):
        client.hybrid_search(name, requests(q_dense, q_small), RRFRanker(0), limit=5)


def test_hybrid_search_with_several_queries(client, coll):
    name, q_dense, q_small = coll
    rng = np.random.default_rng(99)
    q2_dense, q2_small = rng.standard_normal(8).tolist(), rng.standard_normal(4).tolist()
    reqs = [AnnSearchRequest([q_dense, q2_dense], "dense", {}, limit=10),
            AnnSearchRequest([q_small, q2_small], "small", {}, limit=10, expr="label != 3")]
    both = client.hybrid_search(name, reqs, RRFRanker(), limit=6, output_fields=["word"])
    assert len(both) == 2
    for i, (qd, qs) in enumerate(((q_dense, q_small), (q2_dense, q2_small))):
        one = client.hybrid_search(
            name, [AnnSearchRequest([qd], "dense", {}, limit=10),
                   AnnSearchRequest([qs], "small", {}, limit=10, expr="label != 3")],
            RRFRanker(), limit=6)
        assert [h["id"] for h in both[i]] == [h["id"] for h in one[0]]
        assert all(h["entity"]["word"] == f"w{h['id']}" for h in both[i])
