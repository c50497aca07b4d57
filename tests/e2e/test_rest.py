"""The Milvus REST v2 API (/v2/vectordb/...) on the same port as gRPC: the real server, driven
with Python's http.client while the real pymilvus talks gRPC to the same port. Data written one
way must be visible the other way; errors keep Milvus's envelope and codes."""

import base64
import http.client
import json
import socket
import threading

import numpy as np
import pytest
from pymilvus import DataType, MilvusClient


class Rest:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def raw(self, path, body, method="POST", headers=None):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        self.conn.request(method, path, body=body, headers=h)
        resp = self.conn.getresponse()
        return resp.status, resp.read()

    def call(self, action, body=None, expect_ok=True, headers=None):
        status, data = self.raw("/v2/vectordb/" + action, json.dumps(body or {}), headers=headers)
        assert status == 200, data
        out = json.loads(data)
        if expect_ok:
            assert out["code"] == 0, out
        return out

    def close(self):
        self.conn.close()


@pytest.fixture
def rest(server):
    r = Rest(server.port)
    yield r
    r.close()


def test_rest_and_grpc_share_one_port_and_see_each_others_writes(rest, client, name):
    r = rest.call("collections/create", {"collectionName": name, "dimension": 4,
                                         "metricType": "L2"})
    assert r["data"] == {}
    # gRPC sees the collection REST created, with the quick-setup schema.
    desc = client.describe_collection(name)
    assert [f["name"] for f in desc["fields"]] == ["id", "vector"]
    assert client.get_load_state(name)["state"].name == "Loaded"

    rows = [{"id": i, "vector": [float(i), 0, 0, 0], "tag": f"t{i}"} for i in range(10)]
    r = rest.call("entities/insert", {"collectionName": name, "data": rows})
    assert r["data"]["insertCount"] == 10
    assert r["data"]["insertIds"] == list(range(10))
    got = client.query(name, filter="id >= 7", output_fields=["tag"], consistency_level="Strong")
    assert sorted((g["id"], g["tag"]) for g in got) == [(7, "t7"), (8, "t8"), (9, "t9")]

    client.insert(name, [{"id": 100, "vector": [50.0, 0, 0, 0], "tag": "grpc"}])
    r = rest.call("entities/query", {"collectionName": name, "filter": "tag == \"grpc\"",
                                     "outputFields": ["id", "vector", "tag"],
                                     "consistencyLevel": "Strong"})
    assert r["data"] == [{"id": 100, "vector": [50.0, 0, 0, 0], "tag": "grpc"}]

    r = rest.call("entities/search", {"collectionName": name, "data": [[49.0, 0, 0, 0]],
                                      "limit": 2, "outputFields": ["tag"],
                                      "consistencyLevel": "Strong"})
    assert [h["id"] for h in r["data"]] == [100, 9]
    assert r["data"][0]["tag"] == "grpc"
    assert r["data"][0]["distance"] == pytest.approx(1.0)
    assert r["topks"] == [2]
    # The same search through gRPC gives the same hits.
    hits = client.search(name, data=[[49.0, 0, 0, 0]], limit=2, consistency_level="Strong")[0]
    assert [h["id"] for h in hits] == [100, 9]
    assert rest.call("collections/get_stats", {"collectionName": name})["data"]["rowCount"] == 11


def test_rest_concurrent_with_grpc_clients(server, name):
    setup = Rest(server.port)
    setup.call("collections/create", {"collectionName": name, "dimension": 2})
    setup.close()
    errors = []

    def rest_worker(k):
        try:
            r = Rest(server.port)  # one keep-alive connection, many requests
            for i in range(20):
                pk = k * 1000 + i
                r.call("entities/insert", {"collectionName": name,
                                           "data": [{"id": pk, "vector": [1.0, float(i)]}]})
            r.close()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    def grpc_worker(k):
        try:
            c = MilvusClient(server.uri)
            for i in range(20):
                c.insert(name, [{"id": 10_000 + k * 1000 + i, "vector": [0.5, float(i)]}])
            c.close()
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=rest_worker, args=(k,)) for k in range(3)]
    threads += [threading.Thread(target=grpc_worker, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    r = Rest(server.port)
    out = r.call("entities/query", {"collectionName": name, "outputFields": ["count(*)"],
                                    "consistencyLevel": "Strong"})
    assert out["data"] == [{"count(*)": 120}]
    r.close()


def test_rest_schema_partitions_indexes_aliases(rest, client, name):
    schema = {"autoId": False, "enableDynamicField": True, "fields": [
        {"fieldName": "pk", "dataType": "VarChar", "isPrimary": True,
         "elementTypeParams": {"max_length": 32}},
        {"fieldName": "n", "dataType": "Int32"},
        {"fieldName": "tags", "dataType": "Array", "elementDataType": "VarChar",
         "elementTypeParams": {"max_capacity": 4, "max_length": 8}},
        {"fieldName": "emb", "dataType": "FloatVector", "elementTypeParams": {"dim": 3}},
    ]}
    rest.call("collections/create", {"collectionName": name, "schema": schema,
                                     "params": {"consistencyLevel": "Strong"}})
    assert rest.call("collections/get_load_state",
                     {"collectionName": name})["data"]["loadState"] == "LoadStateNotLoad"
    d = rest.call("collections/describe", {"collectionName": name})["data"]
    assert d["consistencyLevel"] == "Strong"
    assert [(f["name"], f["type"]) for f in d["fields"]] == [
        ("pk", "VarChar"), ("n", "Int32"), ("tags", "Array"), ("emb", "FloatVector")]
    assert d["enableDynamicField"] is True

    rest.call("indexes/create", {"collectionName": name, "indexParams": [
        {"fieldName": "emb", "indexName": "emb_idx", "metricType": "IP",
         "params": {"index_type": "HNSW", "M": 8, "efConstruction": 64}}]})
    assert rest.call("indexes/list", {"collectionName": name})["data"] == ["emb_idx"]
    idx = rest.call("indexes/describe", {"collectionName": name, "indexName": "emb_idx"})["data"]
    assert idx[0]["indexType"] == "HNSW" and idx[0]["metricType"] == "IP"
    assert idx[0]["params"]["M"] == 8
    # gRPC sees the index created through REST.
    assert client.describe_index(name, "emb_idx")["index_type"] == "HNSW"

    rest.call("partitions/create", {"collectionName": name, "partitionName": "p1"})
    assert rest.call("partitions/has", {"collectionName": name,
                                        "partitionName": "p1"})["data"] == {"has": True}
    assert sorted(rest.call("partitions/list", {"collectionName": name})["data"]) == [
        "_default", "p1"]
    rest.call("collections/load", {"collectionName": name})
    rest.call("entities/insert", {"collectionName": name, "partitionName": "p1", "data": [
        {"pk": "a", "n": 1, "tags": ["x"], "emb": [1, 0, 0], "extra": {"k": 1}},
        {"pk": "b", "n": 2, "tags": [], "emb": [0, 1, 0]}]})
    rest.call("entities/insert", {"collectionName": name, "data": [
        {"pk": "c", "n": 3, "tags": ["y", "z"], "emb": [0, 0, 1]}]})
    assert rest.call("partitions/get_stats", {"collectionName": name,
                                              "partitionName": "p1"})["data"] == {"rowCount": 2}
    r = rest.call("entities/get", {"collectionName": name, "id": ["a", "c"],
                                   "outputFields": ["n", "tags", "extra"]})
    assert sorted(r["data"], key=lambda x: x["pk"]) == [
        {"pk": "a", "n": 1, "tags": ["x"], "extra": {"k": 1}},
        {"pk": "c", "n": 3, "tags": ["y", "z"]}]
    r = rest.call("entities/search", {"collectionName": name, "data": [[0, 1, 0.1]],
                                      "limit": 3, "partitionNames": ["p1"], "filter": "n > 0"})
    assert [h["pk"] for h in r["data"]] == ["b", "a"]
    # Partition-level load is not modelled: a clear NotSupported.
    r = rest.call("partitions/load", {"collectionName": name, "partitionNames": ["p1"]},
                  expect_ok=False)
    assert r["code"] == 3000 and "partition-level" in r["message"]

    alias = name + "_al"
    rest.call("aliases/create", {"collectionName": name, "aliasName": alias})
    assert rest.call("aliases/describe", {"aliasName": alias})["data"]["collectionName"] == name
    assert rest.call("aliases/list", {"collectionName": name})["data"] == [alias]
    # Reads work through the alias, over both protocols.
    r = rest.call("entities/query", {"collectionName": alias, "filter": "n == 3"})
    assert [x["pk"] for x in r["data"]] == ["c"]
    assert client.describe_alias(alias)["collection_name"] == name
    rest.call("aliases/drop", {"aliasName": alias})
    r = rest.call("aliases/describe", {"aliasName": alias}, expect_ok=False)
    assert r["code"] == 1600

    new = name + "_r"
    rest.call("collections/rename", {"collectionName": name, "newCollectionName": new})
    assert rest.call("collections/has", {"collectionName": name})["data"] == {"has": False}
    assert client.has_collection(new)
    rest.call("collections/release", {"collectionName": new})
    r = rest.call("entities/query", {"collectionName": new, "filter": "n > 0"}, expect_ok=False)
    assert r["code"] == 101
    rest.call("collections/drop", {"collectionName": new})
    assert not client.has_collection(new)


def test_rest_upsert_delete_and_vector_encodings(rest, client, name):
    schema = {"fields": [
        {"fieldName": "id", "dataType": "Int64", "isPrimary": True},
        {"fieldName": "bits", "dataType": "BinaryVector", "elementTypeParams": {"dim": 16}},
        {"fieldName": "half", "dataType": "Float16Vector", "elementTypeParams": {"dim": 2}},
        {"fieldName": "sp", "dataType": "SparseFloatVector"},
    ]}
    index = [{"fieldName": "bits", "metricType": "HAMMING", "indexType": "BIN_FLAT"},
             {"fieldName": "half", "metricType": "L2"},
             {"fieldName": "sp", "metricType": "IP", "indexType": "SPARSE_INVERTED_INDEX"}]
    r = rest.call("collections/create", {"collectionName": name, "schema": schema,
                                         "indexParams": index}, expect_ok=False)
    if r["code"] != 0:  # sparse index type unknown to this build: use AUTOINDEX
        index[2]["indexType"] = "AUTOINDEX"
        rest.call("collections/create", {"collectionName": name, "schema": schema,
                                         "indexParams": index})
    b64 = base64.b64encode(bytes([0xFF, 0x00])).decode()
    half = base64.b64encode(np.array([1.5, -2.0], dtype=np.float16).tobytes()).decode()
    rest.call("entities/insert", {"collectionName": name, "data": [
        {"id": 1, "bits": b64, "half": half, "sp": {"3": 0.5, "10": 1.0}},
        {"id": 2, "bits": [0, 255], "half": [0.25, 0.5], "sp": {"3": 2.0}}]})
    got = rest.call("entities/get", {"collectionName": name, "id": 1,
                                     "outputFields": ["bits", "half", "sp"],
                                     "consistencyLevel": "Strong"})["data"]
    assert got == [{"id": 1, "bits": [255, 0], "half": [1.5, -2.0],
                    "sp": {"3": 0.5, "10": 1.0}}]
    r = rest.call("entities/search", {"collectionName": name, "annsField": "bits",
                                      "data": [b64], "limit": 2})
    assert [h["id"] for h in r["data"]] == [1, 2]
    assert [h["distance"] for h in r["data"]] == [0, 16]
    r = rest.call("entities/search", {"collectionName": name, "annsField": "sp",
                                      "data": [{"3": 1.0}], "limit": 2})
    assert [h["id"] for h in r["data"]] == [2, 1]
    # gRPC reads the REST-written float16 vector back as the same values.
    g = client.get(name, ids=[2], output_fields=["half"])[0]
    assert np.frombuffer(g["half"][0] if isinstance(g["half"], list) else g["half"],
                         dtype=np.float16).tolist() == [0.25, 0.5]

    r = rest.call("entities/upsert", {"collectionName": name, "data": [
        {"id": 2, "bits": [1, 1], "half": [1, 1], "sp": {"1": 1.0}}]})
    assert r["data"] == {"upsertCount": 1, "upsertIds": [2]}
    assert rest.call("entities/get", {"collectionName": name, "id": [2],
                                      "outputFields": ["bits"]})["data"][0]["bits"] == [1, 1]
    rest.call("entities/delete", {"collectionName": name, "filter": "id in [1]"})
    left = client.query(name, filter="id > 0", consistency_level="Strong")
    assert [x["id"] for x in left] == [2]
    # A wrong-sized base64 vector names the field and the sizes.
    r = rest.call("entities/insert", {"collectionName": name, "data": [
        {"id": 3, "bits": base64.b64encode(b"abc").decode(), "half": [1, 1], "sp": {}}]},
        expect_ok=False)
    assert r["code"] == 1100 and "bits" in r["message"] and "expected 2" in r["message"]


def test_rest_hybrid_search_matches_grpc(rest, client, name):
    schema = {"fields": [
        {"fieldName": "id", "dataType": "Int64", "isPrimary": True},
        {"fieldName": "a", "dataType": "FloatVector", "elementTypeParams": {"dim": 4}},
        {"fieldName": "b", "dataType": "FloatVector", "elementTypeParams": {"dim": 4}},
    ]}
    rest.call("collections/create", {"collectionName": name, "schema": schema, "indexParams": [
        {"fieldName": "a", "metricType": "L2"}, {"fieldName": "b", "metricType": "IP"}]})
    rng = np.random.default_rng(3)
    rows = [{"id": i, "a": rng.standard_normal(4).tolist(), "b": rng.standard_normal(4).tolist()}
            for i in range(40)]
    rest.call("entities/insert", {"collectionName": name, "data": rows})
    qa, qb = rng.standard_normal(4).tolist(), rng.standard_normal(4).tolist()
    body = {"collectionName": name, "limit": 5, "consistencyLevel": "Strong",
            "search": [{"data": [qa], "annsField": "a", "limit": 10},
                       {"data": [qb], "annsField": "b", "limit": 10}],
            "rerank": {"strategy": "rrf", "params": {"k": 10}}}
    r = rest.call("entities/hybrid_search", body)
    from pymilvus import AnnSearchRequest, RRFRanker
    reqs = [AnnSearchRequest([qa], "a", {}, 10), AnnSearchRequest([qb], "b", {}, 10)]
    g = client.hybrid_search(name, reqs, RRFRanker(10), limit=5, consistency_level="Strong")[0]
    assert [h["id"] for h in r["data"]] == [h["id"] for h in g]
    assert [h["distance"] for h in r["data"]] == pytest.approx([h["distance"] for h in g])
    body["rerank"] = {"strategy": "weighted", "params": {"weights": [1.0]}}
    r = rest.call("entities/hybrid_search", body, expect_ok=False)
    assert r["code"] != 0 and "weight" in r["message"]
    body["rerank"] = {"strategy": "decay"}
    assert rest.call("entities/hybrid_search", body, expect_ok=False)["code"] == 3000


def test_rest_databases(rest, client):
    db = "rest_db"
    rest.call("databases/create", {"dbName": db})
    assert db in rest.call("databases/list")["data"]
    assert rest.call("databases/describe", {"dbName": db})["data"]["dbName"] == db
    rest.call("collections/create", {"dbName": db, "collectionName": "c", "dimension": 2})
    assert rest.call("collections/list", {"dbName": db})["data"] == ["c"]
    assert "c" not in rest.call("collections/list")["data"]
    client.use_database(db)
    assert client.list_collections() == ["c"]
    client.use_database("default")
    r = rest.call("databases/drop", {"dbName": db}, expect_ok=False)
    assert r["code"] != 0  # not empty
    rest.call("collections/drop", {"dbName": db, "collectionName": "c"})
    rest.call("databases/drop", {"dbName": db})
    assert rest.call("databases/describe", {"dbName": db}, expect_ok=False)["code"] == 800


def test_rest_errors(rest, server, name):
    status, data = rest.raw("/v2/vectordb/collections/describe", "{bad json")
    assert status == 200 and json.loads(data)["code"] == 1801
    r = rest.call("collections/describe", {}, expect_ok=False)
    assert r["code"] == 1802 and "collectionName" in r["message"]
    r = rest.call("collections/create", {"collectionName": name, "dimension": "four"},
                  expect_ok=False)
    assert r["code"] == 1801 and "dimension" in r["message"]
    r = rest.call("collections/describe", {"collectionName": name}, expect_ok=False)
    assert r["code"] == 100
    r = rest.call("entities/search", {"collectionName": name, "data": [[1.0]]}, expect_ok=False)
    assert r["code"] == 100
    status, data = rest.raw("/v2/vectordb/collections/fly", "{}")
    assert status == 404 and json.loads(data)["code"] == 404
    status, data = rest.raw("/v2/vectordb/collections/list", None, method="GET")
    assert status == 405
    r = rest.call("collections/list", {}, headers={"Request-Timeout": "soon"}, expect_ok=False)
    assert r["code"] == 1100 and "Request-Timeout" in r["message"]
    # The connection survived all of that.
    assert isinstance(rest.call("collections/list")["data"], list)

    # Oversized body (announced), garbage and HTTP/1.0 on raw sockets.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /v2/vectordb/collections/list HTTP/1.1\r\n"
                  b"Content-Length: 999999999999\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 413 ")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"\x00\x01\x02 hello\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 400 ")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /v2/vectordb/collections/list HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}")
        reply = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
        assert reply.startswith(b"HTTP/1.1 200 ") and b'"code":0' in reply
    # The server is still healthy for gRPC.
    c = MilvusClient(server.uri)
    assert isinstance(c.list_collections(), list)
    c.close()


def test_rest_sigterm_with_open_connections_exits_cleanly(fresh_server, name):
    r = Rest(fresh_server.port)
    r.call("collections/create", {"collectionName": name, "dimension": 2})
    r.call("entities/insert", {"collectionName": name,
                               "data": [{"id": 1, "vector": [1.0, 2.0]}]})
    # An idle keep-alive connection and a half-sent request are open at SIGTERM.
    half = socket.create_connection(("127.0.0.1", fresh_server.port), timeout=10)
    half.sendall(b"POST /v2/vectordb/collections/list HTTP/1.1\r\nContent-Length: 10\r\n\r\n{")
    assert fresh_server.stop() == 0
    try:  # closed by the server (FIN, a 503, or a reset for the unread bytes), not left hanging
        rest = half.recv(4096)
        assert rest == b"" or rest.startswith(b"HTTP/1.1 503 ")
    except ConnectionResetError:
        pass
    half.close()
    r.close()
    # The REST write survived the restart.
    fresh_server.start()
    r = Rest(fresh_server.port)
    out = r.call("entities/get", {"collectionName": name, "id": 1, "outputFields": ["vector"]})
    assert out["data"] == [{"id": 1, "vector": [1.0, 2.0]}]
    r.close()
