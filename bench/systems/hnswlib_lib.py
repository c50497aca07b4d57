"""hnswlib. Filters use its `filter` callback (a Python call per candidate: what hnswlib users do)."""
from __future__ import annotations

import numpy as np

from .base import Adapter


class HnswlibHNSW(Adapter):
    name = "hnswlib"
    package = "hnswlib"
    supports_filter = True

    @classmethod
    def unavailable(cls):
        try:
            import hnswlib  # noqa: F401
        except ImportError as e:
            return f"hnswlib not installed ({e})"
        return None

    @classmethod
    def configs(cls, n, dim, metric, quick):
        efs = [10, 20, 40, 80, 160, 320] if quick else [10, 20, 40, 60, 80, 120, 200, 400, 800]
        ms = [16] if quick else [16, 32]
        return [({"M": m, "ef_construction": 200 if quick else 500}, [{"ef": e} for e in efs]) for m in ms]

    def build(self, base, metric, attrs=None):
        import hnswlib
        space = {"L2": "l2", "COSINE": "cosine", "IP": "ip"}[metric]
        self.index = hnswlib.Index(space=space, dim=base.shape[1])
        self.index.init_index(max_elements=base.shape[0], M=self.build_params["M"],
                              ef_construction=self.build_params["ef_construction"], random_seed=100)
        self.index.set_num_threads(self.threads)
        self.index.add_items(np.ascontiguousarray(base, dtype=np.float32), np.arange(base.shape[0]))
        self.index.set_num_threads(1)
        self._flt = None

    def set_search_param(self, sp):
        super().set_search_param(sp)
        self.index.set_ef(sp["ef"])

    def _fn(self, flt):
        if flt is None:
            return None
        if self._flt is not flt:  # identity, not id(): we keep flt alive so it cannot be confused
            mask = flt.mask
            self._fn_cached = lambda i: bool(mask[i])
            self._flt = flt
        return self._fn_cached

    def query(self, q, k, flt=None):
        labels, _ = self.index.knn_query(q.reshape(1, -1), k=k, num_threads=1, filter=self._fn(flt))
        return labels[0]

    def search(self, queries, k, sp, flt=None):
        self.set_search_param(sp)
        # hnswlib runs filtered batch queries single-threaded only
        labels, _ = self.index.knn_query(queries, k=k, num_threads=1 if flt is not None else self.threads,
                                         filter=self._fn(flt))
        return labels

    def memory(self):
        return None
