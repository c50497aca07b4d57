"""Errors come back as MilvusException with Milvus codes and readable reasons."""

import pytest
from pymilvus import DataType, MilvusClient
from pymilvus.exceptions import MilvusException

DIM = 4


def test_unknown_collection(client):
    with pytest.raises(MilvusException) as e:
        client.describe_collection("no_such_collection")
    assert e.value.code == 100
    assert "no_such_collection" in e.value.message
    assert client.has_collection("no_such_collection") is False
    with pytest.raises(MilvusException) as e:
        client.query("no_such_collection", filter="", output_fields=["count(*)"])
    assert e.value.code == 100
    client.drop_collection("no_such_collection")  # idempotent, as in Milvus
    with pytest.raises(MilvusException) as e:
        client.get_collection_stats("no_such_collection")
    assert e.value.code == 100


def test_wrong_dimension(client, name):
    client.create_collection(name, dimension=DIM)
    with pytest.raises(MilvusException) as e:
        client.insert(name, [{"id": 1, "vector": [1.0, 2.0]}])
    assert e.value.code == 1100
    assert "dim" in e.value.message
    client.insert(name, [{"id": 1, "vector": [1.0, 2.0, 3.0, 4.0]}])
    with pytest.raises(MilvusException) as e:
        client.search(name, data=[[1.0, 2.0, 3.0]], limit=1)
    assert e.value.code == 1100
    assert "dimension" in e.value.message


def test_bad_schema(client, name):
    schema = MilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("g", DataType.GEOMETRY)
    with pytest.raises(MilvusException) as e:
        client.create_collection(name, schema=schema)
    assert e.value.code == 1100
    assert "'g'" in e.value.message
    assert not client.has_collection(name)

    schema = MilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=0)
    with pytest.raises(MilvusException) as e:
        client.create_collection(name, schema=schema)
    assert e.value.code == 1100


def test_duplicate_and_index_errors(client, name):
    client.create_collection(name, dimension=DIM)
    with pytest.raises(MilvusException) as e:
        client.create_partition(name, "_default")
    assert e.value.code != 0
    idx = client.prepare_index_params()
    idx.add_index("no_field", metric_type="L2")
    with pytest.raises(MilvusException) as e:
        client.create_index(name, idx)
    assert e.value.code == 1100
    with pytest.raises(MilvusException) as e:
        client.drop_index(name, "vector")  # loaded
    assert "release" in e.value.message
    client.release_collection(name)
    client.drop_index(name, "vector")
    assert client.list_indexes(name) == []


def test_unsupported_filter_is_reported(client, name):
    client.create_collection(name, dimension=DIM)
    client.insert(name, [{"id": 1, "vector": [1, 2, 3, 4]}])
    try:
        rows = client.query(name, filter="id > 0", output_fields=["id"])
    except MilvusException as e:  # before the filter language lands
        assert e.code != 0 and e.message
    else:  # after
        assert rows == [{"id": 1}]
