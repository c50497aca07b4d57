"""Data survives a restart of the server on the same data directory."""

import signal

import pytest
from pymilvus import MilvusClient

DIM = 4


def test_restart_keeps_data(fresh_server):
    c = MilvusClient(fresh_server.uri)
    c.create_collection("flushed", dimension=DIM)
    c.create_collection("logged", dimension=DIM, id_type="string", max_length=16)
    c.create_database("other")
    c.insert("flushed", [{"id": i, "vector": [i, 1, 0, 0], "k": i * 2} for i in range(20)])
    c.flush("flushed")
    c.delete("flushed", ids=[0])  # after the flush: only in the log
    # Not flushed: recovered from the write-ahead log.
    c.insert("logged", [{"id": f"k{i}", "vector": [0, 0, 1, i]} for i in range(5)])
    c.close()

    fresh_server.restart()

    c = MilvusClient(fresh_server.uri)
    assert sorted(c.list_collections()) == ["flushed", "logged"]
    assert "other" in c.list_databases()
    assert c.describe_collection("flushed")["enable_dynamic_field"] is True
    assert c.query("flushed", filter="", output_fields=["count(*)"])[0]["count(*)"] == 19
    assert c.get("flushed", ids=[0]) == []
    assert [dict(r) for r in c.get("flushed", ids=[7], output_fields=["k"])] == [{"id": 7, "k": 14}]
    assert c.query("logged", filter="", output_fields=["count(*)"])[0]["count(*)"] == 5
    hits = c.search("logged", data=[[0, 0, 1, 3]], limit=1)[0]
    assert hits[0]["id"] == "k3"
    c.close()


def test_sigint_is_graceful(fresh_server):
    c = MilvusClient(fresh_server.uri)
    c.create_collection("x", dimension=DIM)
    c.insert("x", [{"id": 1, "vector": [1, 2, 3, 4]}])
    c.close()
    assert fresh_server.stop(signal.SIGINT) == 0
    fresh_server.start()
    c = MilvusClient(fresh_server.uri)
    assert c.get("x", ids=[1], output_fields=["id"]) == [{"id": 1}]
    c.close()
