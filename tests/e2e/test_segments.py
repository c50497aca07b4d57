"""Segment listings (MilvusClient.list_persistent_segments / list_loaded_segments, the RPCs
VectorDBBench polls): growing rows before a flush, sealed segments with their row counts after."""

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
