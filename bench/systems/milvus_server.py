"""The `milvus` PyPI package's embedded Milvus server (a real milvus process on localhost), through pymilvus.

This is the client/server path: every query is a gRPC round trip, as for Elanus standalone.
"""
from __future__ import annotations

from .base import Unavailable
from .milvus_lite import MilvusLite


class MilvusServer(MilvusLite):
    name = "milvus-server"
    kind = "server"
    package = "milvus"
    reload_after_index = True

    @classmethod
    def unavailable(cls):
        try:
            import milvus  # noqa: F401
            import pymilvus  # noqa: F401
        except ImportError as e:
            return f"milvus (embedded server) not installed ({e})"
        return None

    @classmethod
    def configs(cls, n, dim, metric, quick):
        efs = [16, 32, 64, 128, 256] if quick else [10, 20, 40, 80, 120, 200, 400]
        return [({"index_type": "HNSW", "M": 16, "efConstruction": 200}, [{"ef": e} for e in efs])]

    def _connect(self):
        import milvus
        from pymilvus import MilvusClient
        self.server = milvus.MilvusServer()
        self.server.set_base_dir(str(self.workdir / "milvus-server"))
        try:
            self.server.start()
        except Exception as e:  # noqa: BLE001
            raise Unavailable(f"embedded milvus server did not start: {e}")
        return MilvusClient(uri=f"http://127.0.0.1:{self.server.listen_port}")

    def close(self):
        super().close()
        try:
            self.server.stop()
        except Exception:
            pass
