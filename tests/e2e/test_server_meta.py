"""Server-side metadata survives a restart: index descriptions, load state, consistency level,
properties, shards and aliases (stored in the engine's metadata store, key server/catalog)."""

import pytest
from pymilvus import DataType, MilvusClient
from pymilvus.exceptions import MilvusException


def test_metadata_survives_restart(fresh_server):
    c = MilvusClient(fresh_server.uri)
    schema = MilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=4)
    index = c.prepare_index_params()
    index.add_index("vec", index_name="vec_idx", index_type="HNSW", metric_type="L2",
                    params={"M": 16, "efConstruction": 100})
    c.create_collection("kept", schema=schema, index_params=index, consistency_level="Strong",
                        properties={"collection.ttl.seconds": "3600"}, num_shards=2)
    c.create_collection("released", dimension=4, consistency_level="Session")
    c.release_collection("released")
    c.create_alias("kept", "kept_alias")
    c.insert("kept", [{"id": 1, "vec": [1.0, 0, 0, 0]}])
    c.alter_collection_properties("kept", {"mmap.enabled": "true", "custom.key": "x"})
    c.drop_collection_properties("kept", ["custom.key"])
    c.close()

    fresh_server.restart()
    c = MilvusClient(fresh_server.uri)
    d = c.describe_collection("kept")
    assert d["consistency_level"] == 0
    assert d["properties"].get("collection.ttl.seconds") == "3600"
    assert d["properties"].get("mmap.enabled") == "true"
    assert "custom.key" not in d["properties"]
    assert d["num_shards"] == 2
    assert d["aliases"] == ["kept_alias"]
    idx = c.describe_index("kept", "vec_idx")
    assert idx["index_type"] == "HNSW" and idx["metric_type"] == "L2"
    assert str(idx["M"]) == "16"
    assert str(c.get_load_state("kept")["state"]) == "Loaded"
    assert str(c.get_load_state("released")["state"]) == "NotLoad"
    assert c.describe_collection("released")["consistency_level"] == 1
    with pytest.raises(MilvusException) as e:
        c.query("released", filter="id > 0")
    assert e.value.code == 101
    # The alias resolves, and searches still default to the index metric (L2: distance 0).
    hits = c.search("kept_alias", data=[[1.0, 0, 0, 0]], limit=1)
    assert hits[0][0]["id"] == 1 and hits[0][0]["distance"] == pytest.approx(0.0, abs=1e-6)
    assert c.describe_alias("kept_alias")["collection_name"] == "kept"
    c.close()
    # Kept in the engine's metadata store now, not in a separate file.
    assert not (fresh_server.data_dir / "server-meta.json").exists()
