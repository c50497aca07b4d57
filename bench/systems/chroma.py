"""Chroma (`chromadb` PersistentClient, in-process).

ef_search is a build parameter here, one collection per value: in chromadb 1.5.9,
collection.modify(configuration={"hnsw": {"ef_search": ...}}) is stored (the configuration reads back the new
value) but searches in the same process keep using the old one (recall unchanged, checked on 10k x 384).
"""
from __future__ import annotations

import numpy as np

from .base import Adapter, pad_ids


class Chroma(Adapter):
    name = "chroma"
    kind = "embedded"
    package = "chromadb"
    supports_filter = True

    @classmethod
    def unavailable(cls):
        try:
            import chromadb  # noqa: F401
        except ImportError as e:
            return f"chromadb not installed ({e})"
        return None

    @classmethod
    def configs(cls, n, dim, metric, quick):
        efs = [16, 128] if quick else [10, 20, 40, 80, 160, 400]
        return [({"max_neighbors": 16, "ef_construction": 200, "ef_search": e}, [{}]) for e in efs]

    def build(self, base, metric, attrs=None):
        import chromadb
        from chromadb.config import Settings
        self.client = chromadb.PersistentClient(path=str(self.workdir / "chroma"),
                                                settings=Settings(anonymized_telemetry=False))
        space = {"L2": "l2", "COSINE": "cosine", "IP": "ip"}[metric]
        self.col = self.client.create_collection(
            "bench", embedding_function=None,
            configuration={"hnsw": {"space": space, "ef_construction": self.build_params["ef_construction"],
                                    "max_neighbors": self.build_params["max_neighbors"],
                                    "ef_search": self.build_params["ef_search"],
                                    "num_threads": self.threads}})
        batch = min(5000, self.client.get_max_batch_size())
        names = sorted(attrs) if attrs else []
        for s in range(0, base.shape[0], batch):
            e = min(s + batch, base.shape[0])
            metas = [{a: int(attrs[a][i]) for a in names} for i in range(s, e)] if names else None
            self.col.add(ids=[str(i) for i in range(s, e)], embeddings=np.asarray(base[s:e]), metadatas=metas)

    def query(self, q, k, flt=None):
        where = {flt.field: {"$lt": flt.lt}} if flt is not None else None
        r = self.col.query(query_embeddings=q.reshape(1, -1), n_results=k, where=where, include=[])
        return pad_ids((int(i) for i in r["ids"][0]), k)
