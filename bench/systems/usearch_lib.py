"""USearch (HNSW). Filtered search is not exposed by its Python batch API: no filter support here."""
from __future__ import annotations

import numpy as np

from .base import Adapter


class USearchHNSW(Adapter):
    name = "usearch"
    package = "usearch"

    @classmethod
    def unavailable(cls):
        try:
            import usearch.index  # noqa: F401
        except ImportError as e:
            return f"usearch not installed ({e})"
        return None

    @classmethod
    def configs(cls, n, dim, metric, quick):
        efs = [10, 20, 40, 80, 160, 320] if quick else [10, 20, 40, 60, 80, 120, 200, 400, 800]
        ms = [16] if quick else [16, 32]
        return [({"connectivity": m, "expansion_add": 200 if quick else 500, "dtype": "f32"},
                 [{"expansion_search": e} for e in efs]) for m in ms]

    def build(self, base, metric, attrs=None):
        from usearch.index import Index
        m = {"L2": "l2sq", "COSINE": "cos", "IP": "ip"}[metric]
        self.index = Index(ndim=base.shape[1], metric=m, dtype=self.build_params.get("dtype", "f32"),
                           connectivity=self.build_params["connectivity"],
                           expansion_add=self.build_params["expansion_add"])
        self.index.add(np.arange(base.shape[0]), np.ascontiguousarray(base, dtype=np.float32), threads=self.threads)

    def set_search_param(self, sp):
        super().set_search_param(sp)
        self.index.expansion_search = sp["expansion_search"]

    def query(self, q, k, flt=None):
        return self.index.search(q, k, threads=1).keys

    def search(self, queries, k, sp, flt=None):
        self.set_search_param(sp)
        m = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k, threads=self.threads)
        keys = np.asarray(m.keys, dtype=np.int64).copy()
        for i, c in enumerate(np.asarray(m.counts)):
            keys[i, c:] = -1
        return keys

    def memory(self):
        return int(self.index.memory_usage)
