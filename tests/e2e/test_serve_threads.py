"""`serve --threads 1`: one request handler still serves clients (gRPC needs a poller besides it)."""

from conftest import Server
from pymilvus import MilvusClient


def test_one_handler_thread_serves_requests(tmp_path):
    srv = Server(tmp_path / "data", ["--threads", "1"]).start()
    try:
        c = MilvusClient(srv.uri, timeout=10)
        c.create_collection("t", dimension=2)
        c.insert("t", [{"id": i, "vector": [float(i), 1.0]} for i in range(5)])
        assert [r["id"] for r in c.query("t", filter="id >= 3")] == [3, 4]
        c.close()
    finally:
        srv.stop()
