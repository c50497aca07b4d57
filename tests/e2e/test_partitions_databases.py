"""Partitions and databases through MilvusClient."""

import pytest
from pymilvus import MilvusClient
from pymilvus.exceptions import MilvusException

DIM = 4


def test_partitions(client, name):
    client.create_collection(name, dimension=DIM, metric_type="L2")
    client.create_partition(name, "p1")
    assert client.has_partition(name, "p1")
    assert not client.has_partition(name, "nope")
    assert sorted(client.list_partitions(name)) == ["_default", "p1"]

    client.insert(name, [{"id": 1, "vector": [0, 0, 0, 0]}])
    client.insert(name, [{"id": 2, "vector": [0.1, 0, 0, 0]}], partition_name="p1")
    hits = client.search(name, data=[[0, 0, 0, 0]], limit=5, partition_names=["p1"])[0]
    assert [h["id"] for h in hits] == [2]
    hits = client.search(name, data=[[0, 0, 0, 0]], limit=5)[0]
    assert [h["id"] for h in hits] == [1, 2]
    rows = client.query(name, filter="", output_fields=["count(*)"], partition_names=["p1"])
    assert rows[0]["count(*)"] == 1
    assert client.get_partition_stats(name, "p1")["row_count"] == 1

    client.release_partitions(name, ["p1"])
    client.load_partitions(name, ["p1"])
    with pytest.raises(MilvusException) as e:
        client.insert(name, [{"id": 3, "vector": [0, 0, 0, 0]}], partition_name="missing")
    assert e.value.code == 200
    client.drop_partition(name, "p1")
    assert client.list_partitions(name) == ["_default"]
    assert client.get(name, ids=[2]) == []


def test_databases(server, client, name):
    db = "db_" + name
    client.create_database(db)
    assert db in client.list_databases()
    assert "default" in client.list_databases()
    assert client.describe_database(db)["name"] == db

    # use_database switches the `dbname` header of later calls.
    other = MilvusClient(server.uri)
    other.use_database(db)
    other.create_collection(name, dimension=DIM)
    other.insert(name, [{"id": 7, "vector": [1, 2, 3, 4]}])
    assert other.list_collections() == [name]
    assert not client.has_collection(name)  # the default database does not see it

    # A client opened on the database (db_name) sees the same data.
    scoped = MilvusClient(server.uri, db_name=db)
    assert scoped.get(name, ids=[7], output_fields=["id"]) == [{"id": 7}]

    with pytest.raises(MilvusException):
        client.drop_database(db)  # not empty
    other.drop_collection(name)
    client.drop_database(db)
    assert db not in client.list_databases()
    with pytest.raises(MilvusException) as e:
        client.use_database(db)
    assert e.value.code == 800
