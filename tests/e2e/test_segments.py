"""Segment listings (MilvusClient.list_persistent_segments / list_loaded_segments, the RPCs
VectorDBBench polls): growing rows before a flush, sealed segments with their row counts after."""

import time

import pytest
from pymilvus import MilvusException


def test_segment_listings_follow_flush(client, name):
    client.create_collection(name, dimension=4)
    client.insert(name, [{"id": i, "vector": [float(i), 0, 0, 1]} for i in range(30)])
    assert client.list_persistent_segments(name) == []
    loaded = client.list_loaded_segments(name)
    assert sum(s.num_rows for s in loaded) == 30
    assert all(s.state == 2 for s in loaded)  # Growing
    client.flush(name)
    persistent = client.list_persistent_segments(name)
    assert sum(s.num_rows for s in persistent) == 30
    assert all(s.state == 4 for s in persistent)  # Flushed
    coll_id = client.describe_collection(name)["collection_id"]
    assert {s.collection_id for s in persistent} == {coll_id}
    loaded = client.list_loaded_segments(name)
    assert sorted(s.segment_id for s in loaded) == sorted(s.segment_id for s in persistent)
    assert all(s.state == 3 for s in loaded)  # Sealed


def test_segment_listing_of_a_missing_collection_fails(client):
    with pytest.raises(MilvusException, match="no_such_coll"):
        client.list_persistent_segments("no_such_coll")


def wait_compacted(client, cid, seconds=120):
    """Compaction runs in the background (as in Milvus): poll its state until Completed."""
    deadline = time.monotonic() + seconds
    while client.get_compaction_state(cid) != "Completed":
        assert time.monotonic() < deadline, f"compaction {cid} still running after {seconds} s"
        time.sleep(0.05)


def test_segments_report_key_order_and_force_merge_reports_its_plans(client, name):
    """The VectorDBBench optimize step: wait until every persistent segment is sorted by primary key,
    compact, force-merge with a target size, and check the plans cover every segment."""
    client.create_collection(name, dimension=4)
    client.insert(name, [{"id": i, "vector": [float(i), 0, 0, 1]} for i in range(0, 40)])
    client.flush(name)
    client.insert(name, [{"id": i, "vector": [float(i), 0, 0, 1]} for i in range(99, 59, -1)])
    client.flush(name)
    segs = client.list_persistent_segments(name)
    assert len(segs) == 2
    by_rows = {s.segment_id: s.is_sorted for s in segs}
    assert sorted(by_rows.values()) == [False, True]  # ascending ids sorted, descending not

    cid = client.compact(name)
    assert cid > 0
    wait_compacted(client, cid)
    plans = client.get_compaction_plans(cid)
    assert sorted(s for p in plans.plans for s in p.sources) == sorted(by_rows)
    segs = client.list_persistent_segments(name)
    assert len(segs) == 1 and segs[0].is_sorted and segs[0].num_rows == 80

    cid2 = client.compact(name, target_size=1 << 40)
    wait_compacted(client, cid2)
    plans = client.get_compaction_plans(cid2)
    assert [list(p.sources) for p in plans.plans] == [[segs[0].segment_id]]
    client.load_collection(name)
    rows = client.query(name, filter="id >= 0", output_fields=["vector"], limit=100)
    assert sorted(r["id"] for r in rows) == list(range(0, 40)) + list(range(60, 100))
    assert all(r["vector"][0] == float(r["id"]) for r in rows)


def test_unknown_compaction_ids_and_unsupported_compactions_fail_clearly(client, name):
    client.create_collection(name, dimension=4)
    with pytest.raises(MilvusException, match="compaction 12345 is unknown"):
        client.get_compaction_plans(12345)
    with pytest.raises(MilvusException, match="clustering"):
        client.compact(name, is_clustering=True)
