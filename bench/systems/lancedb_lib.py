"""LanceDB (embedded, on local disk). Configs: no index (exact scan) and IVF_HNSW_SQ with an ef curve."""
from __future__ import annotations

import math

import numpy as np

from .base import Adapter, pad_ids


class LanceDB(Adapter):
    name = "lancedb"
    kind = "embedded"
    package = "lancedb"
    supports_filter = True

    @classmethod
    def unavailable(cls):
        try:
            import lancedb  # noqa: F401
        except ImportError as e:
            return f"lancedb not installed ({e})"
        return None

    @classmethod
    def configs(cls, n, dim, metric, quick):
        efs = [16, 32, 64, 128, 256] if quick else [10, 20, 40, 80, 120, 200, 400]
        parts = max(1, int(math.sqrt(n) / 8))
        half = max(1, parts // 2)
        curve = [{"ef": e, "nprobes": half} for e in efs]
        # SQ codes cap recall; re-ranking with full vectors (refine_factor) lifts the ceiling
        curve += [{"ef": efs[-2], "nprobes": half, "refine_factor": 4}, {"ef": efs[-1], "nprobes": parts, "refine_factor": 10}]
        return [({"index_type": "IVF_HNSW_SQ", "num_partitions": parts, "m": 16, "ef_construction": 200}, curve),
                ({"index_type": "none (exact scan)"}, [{}])]

    def build(self, base, metric, attrs=None):
        import lancedb
        import pyarrow as pa
        self.db = lancedb.connect(str(self.workdir / "lance"))
        self.metric = {"L2": "l2", "COSINE": "cosine", "IP": "dot"}[metric]
        n, d = base.shape
        cols = {"id": pa.array(np.arange(n, dtype=np.int64)),
                "vector": pa.FixedSizeListArray.from_arrays(pa.array(np.asarray(base, dtype=np.float32).ravel()), d)}
        for a in sorted(attrs or {}):
            cols[a] = pa.array(np.asarray(attrs[a], dtype=np.int64))
        self.tbl = self.db.create_table("bench", data=pa.table(cols))
        bp = self.build_params
        if bp["index_type"].startswith("IVF"):
            self.tbl.create_index(metric=self.metric, index_type=bp["index_type"],
                                  num_partitions=bp["num_partitions"], m=bp["m"],
                                  ef_construction=bp["ef_construction"])
        for a in sorted(attrs or {}):
            self.tbl.create_scalar_index(a)

    def query(self, q, k, flt=None):
        s = self.tbl.search(q).distance_type(self.metric).limit(k).select(["id"])
        if "ef" in self.sp:
            s = s.ef(self.sp["ef"])
        if "nprobes" in self.sp:
            s = s.nprobes(self.sp["nprobes"])
        if "refine_factor" in self.sp:
            s = s.refine_factor(self.sp["refine_factor"])
        if flt is not None:
            s = s.where(f"{flt.field} < {flt.lt}", prefilter=True)
        return pad_ids(s.to_arrow()["id"].to_numpy(), k)
