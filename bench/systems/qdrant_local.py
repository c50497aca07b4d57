"""Qdrant local mode (`qdrant-client` without a server). Local mode searches exactly (no HNSW).

Two storage modes: `path` (persistent: one SQLite transaction per point, so insert time follows the disk's
sync latency: 2 s to 30 s per 2,000 points on this shared machine) and `memory` (":memory:").
--quick runs only `memory`, to stay inside its time budget."""
from __future__ import annotations

import numpy as np

from .base import Adapter, pad_ids


class QdrantLocal(Adapter):
    name = "qdrant-local"
    kind = "embedded"
    package = "qdrant-client"
    supports_filter = True

    @classmethod
    def unavailable(cls):
        try:
            import qdrant_client  # noqa: F401
        except ImportError as e:
            return f"qdrant-client not installed ({e})"
        return None

    @classmethod
    def configs(cls, n, dim, metric, quick):
        modes = ["memory"] if quick else ["path", "memory"]
        return [({"storage": m}, [{}]) for m in modes]

    def build(self, base, metric, attrs=None):
        from qdrant_client import QdrantClient, models
        self.models = models
        if self.build_params.get("storage") == "memory":
            self.client = QdrantClient(":memory:")
        else:
            self.client = QdrantClient(path=str(self.workdir / "qdrant"))
        dist = {"L2": models.Distance.EUCLID, "COSINE": models.Distance.COSINE, "IP": models.Distance.DOT}[metric]
        self.client.create_collection("bench", vectors_config=models.VectorParams(size=base.shape[1], distance=dist))
        names = sorted(attrs or {})
        payload = [{a: int(attrs[a][i]) for a in names} for i in range(base.shape[0])] if names else None
        self.client.upload_collection("bench", vectors=np.asarray(base, dtype=np.float32), payload=payload,
                                      ids=list(range(base.shape[0])), batch_size=1000)

    def query(self, q, k, flt=None):
        m = self.models
        f = None
        if flt is not None:
            f = m.Filter(must=[m.FieldCondition(key=flt.field, range=m.Range(lt=flt.lt))])
        r = self.client.query_points("bench", query=q, limit=k, query_filter=f)
        return pad_ids((p.id for p in r.points), k)

    def close(self):
        try:
            self.client.close()
        except Exception:
            pass
