"""Bad input over gRPC: each mistake gets a Milvus-style error whose reason names the problem,
and afterwards the server still serves and the data inserted before is intact.

Requests the SDK would refuse client-side are sent with pymilvus's raw gRPC stub, so the server's
own validation is what is tested.
"""

import grpc
import pytest
from pymilvus import DataType, MilvusClient
from pymilvus.exceptions import MilvusException
from pymilvus.grpc_gen import milvus_pb2, milvus_pb2_grpc, schema_pb2

from conftest import Server

DIM = 4
ROWS = 50
COLL = "bad_input_target"


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("bad") / "data").start()
    c = MilvusClient(s.uri)
    schema = MilvusClient.create_schema(enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("tag", DataType.VARCHAR, max_length=8)
    schema.add_field("n", DataType.INT32)
    idx = c.prepare_index_params()
    idx.add_index("vector", index_type="FLAT", metric_type="L2")
    c.create_collection(COLL, schema=schema, index_params=idx)
    c.insert(COLL, [{"id": i, "vector": [float(i)] * DIM, "tag": f"t{i % 3}", "n": i}
                    for i in range(ROWS)])
    c.close()
    yield s
    code = s.stop()
    assert code == 0, s.read_log()


@pytest.fixture
def c(srv):
    cl = MilvusClient(srv.uri)
    yield cl
    # After every bad request: still serving, data intact.
    rows = cl.query(COLL, filter="", output_fields=["count(*)"], consistency_level="Strong")
    assert rows[0]["count(*)"] == ROWS
    got = cl.query(COLL, filter="id in [3, 7]", output_fields=["tag", "n"],
                   consistency_level="Strong")
    assert sorted((r["id"], r["tag"], r["n"]) for r in got) == [(3, "t0", 3), (7, "t1", 7)]
    cl.close()


@pytest.fixture
def stub(srv):
    ch = grpc.insecure_channel(f"127.0.0.1:{srv.port}")
    yield milvus_pb2_grpc.MilvusServiceStub(ch)
    ch.close()


def expect_error(fn, code, *needles):
    with pytest.raises(MilvusException) as e:
        fn()
    assert e.value.code == code, (e.value.code, e.value.message)
    for n in needles:
        assert n in e.value.message, (n, e.value.message)
    return e.value


def expect_status(status, code, *needles):
    assert status.code == code, (status.code, status.reason)
    for n in needles:
        assert n in status.reason, (n, status.reason)


def vec_field(name, values, dim=DIM):
    return schema_pb2.FieldData(
        type=DataType.FLOAT_VECTOR, field_name=name,
        vectors=schema_pb2.VectorField(dim=dim, float_vector=schema_pb2.FloatArray(data=values)))


def long_field(name, values):
    return schema_pb2.FieldData(type=DataType.INT64, field_name=name, scalars=schema_pb2.ScalarField(
        long_data=schema_pb2.LongArray(data=values)))


def int_field(name, values):
    return schema_pb2.FieldData(type=DataType.INT32, field_name=name, scalars=schema_pb2.ScalarField(
        int_data=schema_pb2.IntArray(data=values)))


def str_field(name, values):
    return schema_pb2.FieldData(type=DataType.VARCHAR, field_name=name,
                                scalars=schema_pb2.ScalarField(
                                    string_data=schema_pb2.StringArray(data=values)))


def good_fields(ids):
    return [long_field("id", ids), vec_field("vector", [0.5] * DIM * len(ids)),
            str_field("tag", ["x"] * len(ids)), int_field("n", [1] * len(ids))]


def raw_insert(stub, fields, n, coll=COLL, partition=""):
    req = milvus_pb2.InsertRequest(collection_name=coll, partition_name=partition,
                                   fields_data=fields, num_rows=n)
    return stub.Insert(req).status


# ---- wrong types ----------------------------------------------------------------------------


def test_raw_insert_baseline_is_accepted(c, stub):
    # The raw request shape itself is right: a good one goes in (then is deleted again).
    st = raw_insert(stub, good_fields([1000]), 1)
    assert st.code == 0, st.reason
    c.delete(COLL, ids=[1000])


def test_wrong_scalar_type(c, stub):
    fields = good_fields([1001])
    fields[3] = str_field("n", ["seven"])  # INT32 field sent as VARCHAR
    expect_status(raw_insert(stub, fields, 1), 1100, "n")


def test_wrong_vector_type(c, stub):
    fields = good_fields([1002])
    fields[1] = schema_pb2.FieldData(type=DataType.BINARY_VECTOR, field_name="vector",
                                     vectors=schema_pb2.VectorField(dim=32, binary_vector=b"abcd"))
    expect_status(raw_insert(stub, fields, 1), 1100, "vector")


def test_wrong_row_count(c, stub):
    fields = good_fields([1003, 1004])
    fields[3] = int_field("n", [1])  # 2 rows elsewhere
    expect_status(raw_insert(stub, fields, 2), 1100, "n")


def test_varchar_too_long(c):
    expect_error(lambda: c.insert(COLL, [{"id": 1005, "vector": [0.0] * DIM,
                                          "tag": "x" * 9, "n": 1}]), 1100, "tag")


# ---- dimensions -----------------------------------------------------------------------------


def test_wrong_dimension_insert(c, stub):
    fields = good_fields([1006])
    fields[1] = vec_field("vector", [0.5] * 3, dim=3)
    expect_status(raw_insert(stub, fields, 1), 1100, "dim")
    fields[1] = vec_field("vector", [0.5] * 6, dim=DIM)  # not a multiple of dim
    expect_status(raw_insert(stub, fields, 1), 1100)


def test_wrong_dimension_search(c):
    expect_error(lambda: c.search(COLL, data=[[1.0] * (DIM + 1)], limit=3), 1100, "dim")


# ---- unknown and missing fields -------------------------------------------------------------


def test_unknown_field(c, stub):
    fields = good_fields([1007]) + [long_field("nope", [1])]
    expect_status(raw_insert(stub, fields, 1), 1100, "nope")


def test_missing_field(c, stub):
    fields = good_fields([1008])[:3]  # no "n"
    expect_status(raw_insert(stub, fields, 1), 1100, "n")


def test_unknown_output_field(c):
    expect_error(lambda: c.query(COLL, filter="id == 1", output_fields=["nope"]), 1100, "nope")


# ---- oversized requests ---------------------------------------------------------------------


def test_beyond_milvus_limits(c):
    expect_error(lambda: c.search(COLL, data=[[1.0] * DIM], limit=16385), 1100, "16385")
    expect_error(lambda: c.query(COLL, filter="id >= 0", limit=16385), 1100, "16385")
    with pytest.raises(MilvusException) as e:
        c.create_collection("x" * 300, dimension=DIM)
    assert e.value.code == 1100
    with pytest.raises(MilvusException) as e:
        c.create_collection("dim_too_big", dimension=32769)
    assert e.value.code == 1100 and "32769" in e.value.message


def test_beyond_grpc_max_message_size(tmp_path):
    srv = Server(tmp_path / "data", ["--max-recv-bytes", str(1 << 20)]).start()
    try:
        cl = MilvusClient(srv.uri)
        cl.create_collection("big", dimension=128)
        cl.insert("big", [{"id": 0, "vector": [0.0] * 128}])
        rows = [{"id": i, "vector": [0.25] * 128} for i in range(1, 4001)]  # ~2 MB
        with pytest.raises(grpc.RpcError) as e:
            cl.insert("big", rows)
        assert e.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "larger than max" in e.value.details()
        cl.insert("big", rows[:100])  # a batch under the limit still goes in
        got = cl.query("big", filter="", output_fields=["count(*)"], consistency_level="Strong")
        assert got[0]["count(*)"] == 101
        cl.close()
    finally:
        assert srv.stop() == 0


# ---- malformed filters ----------------------------------------------------------------------


@pytest.mark.parametrize("expr,needle", [
    ("id >", ""), ("id == ", ""), ("nope == 1", "nope"), ("tag like 5", ""),
    ("(id > 1", ""), ("id in [1, 'a'", ""),
])
def test_malformed_filter(c, expr, needle):
    expect_error(lambda: c.query(COLL, filter=expr), 1100, needle)
    expect_error(lambda: c.search(COLL, data=[[1.0] * DIM], filter=expr, limit=2), 1100, needle)
    expect_error(lambda: c.delete(COLL, filter=expr), 1100, needle)


# ---- invalid index params -------------------------------------------------------------------


@pytest.mark.parametrize("itype,metric,params,needle", [
    ("NO_SUCH_INDEX", "L2", {}, "NO_SUCH_INDEX"),
    ("HNSW", "NO_SUCH_METRIC", {"M": 8, "efConstruction": 64}, "NO_SUCH_METRIC"),
    ("HNSW", "L2", {"M": 0, "efConstruction": 64}, "M"),
    ("HNSW", "L2", {"M": "abc", "efConstruction": 64}, "M"),
    ("IVF_FLAT", "L2", {"nlist": -1}, "nlist"),
])
def test_invalid_index_params(c, name, itype, metric, params, needle):
    c.create_collection(name, dimension=DIM)
    c.release_collection(name)
    c.drop_index(name, "vector")
    idx = c.prepare_index_params()
    idx.add_index("vector", index_type=itype, metric_type=metric, params=params)
    expect_error(lambda: c.create_index(name, idx), 1100, needle)
    assert c.list_indexes(name) == []
    c.drop_collection(name)


# ---- duplicate names ------------------------------------------------------------------------


def test_duplicate_names(c, name):
    schema = MilvusClient.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=DIM)
    expect_error(lambda: c.create_collection(name, schema=schema), 1100, "v")
    assert not c.has_collection(name)
    c.create_collection(name, dimension=DIM)
    expect_error(lambda: c.create_collection(name, dimension=DIM + 1), 1100, name)
    c.create_partition(name, "p1")
    expect_error(lambda: c.create_partition(name, "p1"), 1100, "p1")
    c.create_database(name)
    expect_error(lambda: c.create_database(name), 1100, name)
    c.drop_database(name)
    c.drop_collection(name)


# ---- nonexistent collections, partitions, databases -----------------------------------------


def test_nonexistent_objects(c):
    expect_error(lambda: c.insert("no_such_coll", [{"id": 1, "vector": [0.0] * DIM}]), 100,
                 "no_such_coll")
    expect_error(lambda: c.search("no_such_coll", data=[[0.0] * DIM], limit=1), 100,
                 "no_such_coll")
    expect_error(lambda: c.insert(COLL, [{"id": 1, "vector": [0.0] * DIM, "tag": "a", "n": 1}],
                                  partition_name="no_such_part"), 200, "no_such_part")
    expect_error(lambda: c.query(COLL, filter="id == 1", partition_names=["no_such_part"]), 200,
                 "no_such_part")
    expect_error(lambda: c.drop_partition(COLL, "no_such_part"), 200, "no_such_part")
    expect_error(lambda: c.drop_database("no_such_db"), 800, "no_such_db")


def test_nonexistent_raw(c, stub):
    res = stub.ShowCollections(milvus_pb2.ShowCollectionsRequest(db_name="no_such_db"))
    expect_status(res.status, 800, "no_such_db")
    res = stub.DescribeIndex(milvus_pb2.DescribeIndexRequest(collection_name=COLL,
                                                             index_name="no_such_index"))
    expect_status(res.status, 700, "no_such_index")
    res = stub.Query(milvus_pb2.QueryRequest(db_name="no_such_db", collection_name=COLL,
                                             expr="id > 0"))
    expect_status(res.status, 800, "no_such_db")


def test_raw_requests_with_empty_names(c, stub):
    # Milvus answers 1100 "collection name should not be empty"; Elanus answers 100 naming the
    # empty collection (a known difference, see the server README).
    expect_status(stub.DescribeCollection(milvus_pb2.DescribeCollectionRequest()).status, 100,
                  "collection ''")
    expect_status(raw_insert(stub, good_fields([1009]), 1, coll=""), 100, "collection ''")
    res = stub.Search(milvus_pb2.SearchRequest(collection_name=COLL))
    assert res.status.code != 0
