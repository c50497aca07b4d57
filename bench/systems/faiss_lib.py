"""FAISS (faiss-cpu): IndexFlat (exact), IndexHNSWFlat, IndexIVFFlat.

COSINE is run as inner product on normalized vectors (the harness normalizes COSINE datasets).
Filters use an IDSelectorBitmap passed through SearchParameters (pre-filtering inside the index).
"""
from __future__ import annotations

import math

import numpy as np

from .base import Adapter, Filter, Unavailable


def _faiss():
    try:
        import faiss
    except ImportError as e:
        raise Unavailable(f"faiss-cpu not installed ({e})")
    return faiss


class _FaissBase(Adapter):
    package = "faiss-cpu"
    supports_filter = True

    @classmethod
    def unavailable(cls):
        try:
            _faiss()
        except Unavailable as e:
            return str(e)
        return None

    def _metric(self, metric):
        faiss = _faiss()
        return faiss.METRIC_L2 if metric == "L2" else faiss.METRIC_INNER_PRODUCT

    def _params(self, flt: Filter | None):
        return None

    def _selector(self, flt: Filter | None):
        if flt is None:
            return None
        # compare the object itself (we hold a reference): an id() could be reused by the next Filter
        if getattr(self, "_sel_flt", None) is not flt:
            faiss = _faiss()
            bits = np.packbits(flt.mask.astype(np.uint8), bitorder="little")
            self._sel_bits = bits  # keep alive: the selector points into it
            self._sel = faiss.IDSelectorBitmap(flt.mask.size, faiss.swig_ptr(bits))
            self._sel_flt = flt
        return self._sel

    def query(self, q, k, flt=None):
        _, ids = self.index.search(q.reshape(1, -1), k, params=self._params(flt))
        return ids[0]

    def search(self, queries, k, sp, flt=None):
        faiss = _faiss()
        self.set_search_param(sp)
        faiss.omp_set_num_threads(self.threads)
        try:
            _, ids = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k, params=self._params(flt))
        finally:
            faiss.omp_set_num_threads(1)
        return ids

    def build(self, base, metric, attrs=None):
        faiss = _faiss()
        faiss.omp_set_num_threads(self.threads)  # build uses all benchmark threads; queries set it to 1
        self._build(np.ascontiguousarray(base, dtype=np.float32), metric)
        faiss.omp_set_num_threads(1)


class FaissFlat(_FaissBase):
    name = "faiss-flat"

    @classmethod
    def configs(cls, n, dim, metric, quick):
        return [({}, [{}])]

    def _build(self, base, metric):
        faiss = _faiss()
        self.index = faiss.IndexFlat(base.shape[1], self._metric(metric))
        self.index.add(base)

    def _params(self, flt):
        if flt is None:
            return None
        return _faiss().SearchParameters(sel=self._selector(flt))


class FaissHNSW(_FaissBase):
    name = "faiss-hnsw"

    @classmethod
    def configs(cls, n, dim, metric, quick):
        efs = [10, 20, 40, 80, 160, 320] if quick else [10, 20, 40, 60, 80, 120, 200, 400, 800]
        ms = [16] if quick else [16, 32]
        return [({"M": m, "efConstruction": 200 if quick else 500}, [{"efSearch": e} for e in efs]) for m in ms]

    def _build(self, base, metric):
        faiss = _faiss()
        self.index = faiss.IndexHNSWFlat(base.shape[1], self.build_params["M"], self._metric(metric))
        self.index.hnsw.efConstruction = self.build_params["efConstruction"]
        self.index.add(base)

    def _params(self, flt):
        p = _faiss().SearchParametersHNSW()
        p.efSearch = self.sp.get("efSearch", 16)
        if flt is not None:
            p.sel = self._selector(flt)
        return p


class FaissIVF(_FaissBase):
    name = "faiss-ivf"

    @classmethod
    def configs(cls, n, dim, metric, quick):
        nlist = max(16, int(4 * math.sqrt(n)))
        probes = [p for p in [1, 2, 4, 8, 16, 32, 64, 128, 256] if p <= nlist // 2]
        return [({"nlist": nlist}, [{"nprobe": p} for p in probes])]

    def _build(self, base, metric):
        faiss = _faiss()
        d = base.shape[1]
        self.quantizer = faiss.IndexFlat(d, self._metric(metric))
        self.index = faiss.IndexIVFFlat(self.quantizer, d, self.build_params["nlist"], self._metric(metric))
        self.index.train(base)
        self.index.add(base)

    def _params(self, flt):
        p = _faiss().SearchParametersIVF()
        p.nprobe = self.sp.get("nprobe", 1)
        if flt is not None:
            p.sel = self._selector(flt)
        return p
