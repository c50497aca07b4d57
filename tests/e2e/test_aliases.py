"""Aliases: create/describe/list/alter/drop, and an alias works wherever a collection name does."""

import pytest
from pymilvus import MilvusClient
from pymilvus.exceptions import MilvusException

DIM = 4


def test_alias_lifecycle_and_use_as_collection_name(client, name):
    other = name + "_b"
    alias = name + "_alias"
    client.create_collection(name, dimension=DIM)
    client.create_collection(other, dimension=DIM)
    client.insert(name, [{"id": 1, "vector": [1.0, 0, 0, 0], "src": "a"}])
    client.insert(other, [{"id": 2, "vector": [0, 1.0, 0, 0], "src": "b"}])

    client.create_alias(name, alias)
    d = client.describe_alias(alias)
    assert d["alias"] == alias and d["collection_name"] == name
    assert client.list_aliases(name)["aliases"] == [alias]
    assert alias in client.list_aliases()["aliases"]
    assert alias in client.describe_collection(name)["aliases"]
    assert client.has_collection(alias)

    # Reads and writes through the alias.
    client.insert(alias, [{"id": 3, "vector": [0, 0, 1.0, 0], "src": "a2"}])
    assert sorted(r["id"] for r in client.query(alias, filter="id > 0")) == [1, 3]
    hits = client.search(alias, data=[[0, 0, 1.0, 0]], limit=1, output_fields=["src"])
    assert hits[0][0]["id"] == 3 and hits[0][0]["entity"]["src"] == "a2"
    assert client.get_collection_stats(alias)["row_count"] == 2
    assert client.describe_collection(alias)["collection_name"] == name

    # Repoint: the same alias now reads the other collection.
    client.alter_alias(other, alias)
    assert client.describe_alias(alias)["collection_name"] == other
    assert [r["id"] for r in client.query(alias, filter="id > 0")] == [2]
    assert client.list_aliases(name)["aliases"] == []

    # A collection with aliases cannot be dropped; nor can a collection be dropped by alias.
    with pytest.raises(MilvusException):
        client.drop_collection(other)
    with pytest.raises(MilvusException):
        client.drop_collection(alias)
    client.drop_alias(alias)
    with pytest.raises(MilvusException) as e:
        client.describe_alias(alias)
    assert e.value.code == 1600
    client.drop_collection(other)
    assert not client.has_collection(other)


def test_alias_name_conflicts(client, name):
    other = name + "_b"
    client.create_collection(name, dimension=DIM)
    client.create_collection(other, dimension=DIM)
    with pytest.raises(MilvusException):
        client.create_alias(name, other)  # an alias may not shadow a collection
    client.create_alias(name, name + "_x")
    client.create_alias(name, name + "_x")  # idempotent
    with pytest.raises(MilvusException) as e:
        client.create_alias(other, name + "_x")  # already points elsewhere
    assert e.value.code == 1602
    with pytest.raises(MilvusException):
        client.alter_alias(name, "no_such_alias")
    with pytest.raises(MilvusException):
        client.create_alias("no_such_collection", name + "_y")
    client.drop_alias(name + "_x")
    client.drop_alias(name + "_x")  # dropping a missing alias succeeds


def test_alias_follows_a_renamed_collection(client, name):
    alias = name + "_al"
    client.create_collection(name, dimension=DIM)
    client.insert(name, [{"id": 7, "vector": [1.0, 0, 0, 0]}])
    client.create_alias(name, alias)
    client.rename_collection(name, name + "_new")
    assert client.describe_alias(alias)["collection_name"] == name + "_new"
    assert [r["id"] for r in client.query(alias, filter="id > 0")] == [7]
    client.drop_alias(alias)
    client.drop_collection(name + "_new")
