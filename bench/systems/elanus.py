"""Elanus through its C++ benchmark tool `elanus_bench` (there is no Python binding yet).

Contract (the tool's side is owned by the engine):
    elanus_bench <index> --base B.fbin --queries Q.fbin --metric L2|IP|COSINE --k 10 --threads N
                 [--nq-batch 1] [--param name=value ...]
prints one JSON object on stdout:
    {"build_seconds": float, "qps": float, "ids": "<path of an .ibin with nq*k int32 ids>",
     optional: "active_target": "avx512"..., "index_bytes": int, "latency_p50_ms", "latency_p99_ms"}
`--threads N --nq-batch B` means N concurrent workers, each issuing B queries per call.
The harness computes recall from the ids itself; a figure the tool prints is never trusted without them.

Set ELANUS_BENCH_BIN to use a binary elsewhere than build/release/bench/elanus_bench.
"""
from __future__ import annotations

import json
import math
import os
import resource
import shlex
import subprocess
from pathlib import Path

from ..vecio import read_ibin

from .base import Adapter, Unavailable

REPO = Path(__file__).resolve().parents[2]


def binary() -> Path:
    return Path(os.environ.get("ELANUS_BENCH_BIN", REPO / "build" / "release" / "bench" / "elanus_bench"))


class _ElanusBase(Adapter):
    kind = "external"
    external = True
    index = "?"
    subcommand = "?"

    @classmethod
    def unavailable(cls):
        b = binary()
        if not (b.exists() and os.access(b, os.X_OK)):
            return (f"not built: {b} does not exist (cmake --preset release && cmake --build --preset release "
                    f"--target elanus_bench)")
        return None

    @classmethod
    def version(cls):
        try:
            out = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True, timeout=10)
            return "git " + (out.stdout.strip() or "(no commit)")
        except Exception:  # noqa: BLE001
            return "-"

    def run_external(self, base_path: Path, queries_path: Path, metric: str, k: int, nq_batch: int,
                     sp: dict, timeout: float = 3600) -> dict:
        if self.unavailable():
            raise Unavailable(self.unavailable())
        cmd = [str(binary()), self.subcommand, "--base", str(base_path), "--queries", str(queries_path),
               "--metric", metric, "--k", str(k), "--threads", str(self.threads), "--nq-batch", str(nq_batch)]
        for key, val in {**self.build_params, **sp}.items():
            cmd += ["--param", f"{key}={val}"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.workdir)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[-2000:]}")
        lines = [ln for ln in p.stdout.splitlines() if ln.strip().startswith("{")]
        if not lines:
            raise RuntimeError(f"{' '.join(cmd)} printed no JSON object: {p.stdout[-1000:]}")
        out = json.loads(lines[-1])
        for key in ("build_seconds", "qps", "ids"):
            if key not in out:
                raise RuntimeError(f"elanus_bench answer lacks {key!r}: {out}")
        ids_path = Path(out["ids"])
        if not ids_path.is_absolute():
            ids_path = self.workdir / ids_path
        out["ids_array"] = read_ibin(ids_path)
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        out.setdefault("peak_rss_bytes", max(after, before) * 1024 if after > before else None)
        out["command"] = " ".join(cmd)
        return out


class ElanusFlat(_ElanusBase):
    name = "elanus-flat"
    index = "FLAT"
    subcommand = "flat"

    @classmethod
    def configs(cls, n, dim, metric, quick):
        return [({}, [{}])]


class ElanusInsert(_ElanusBase):
    """Ingest throughput through the write path:
        elanus_bench insert --rows N --dim D --batch B --sync 0|1 --backend dir|file
        -> {"rows", "dim", "batch", "sync", "backend", "seconds", "rows_per_second"}
    The tool generates its own random rows (generation is not timed). No search, hence no QPS/recall."""
    name = "elanus-insert"
    subcommand = "insert"

    @classmethod
    def configs(cls, n, dim, metric, quick):
        return [({"batch": 1000, "sync": 1, "backend": "dir"}, []),
                ({"batch": 1000, "sync": 0, "backend": "dir"}, []),
                ({"batch": 1000, "sync": 1, "backend": "file"}, [])]

    def run_insert(self, rows: int, dim: int, timeout: float = 3600) -> dict:
        if self.unavailable():
            raise Unavailable(self.unavailable())
        bp = self.build_params
        cmd = [str(binary()), "insert", "--rows", str(rows), "--dim", str(dim), "--batch", str(bp["batch"]),
               "--sync", str(bp["sync"]), "--backend", bp["backend"]]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.workdir)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[-2000:]}")
        lines = [ln for ln in p.stdout.splitlines() if ln.strip().startswith("{")]
        if not lines:
            raise RuntimeError(f"{' '.join(cmd)} printed no JSON object: {p.stdout[-1000:]}")
        out = json.loads(lines[-1])
        for key in ("rows", "seconds", "rows_per_second"):
            if key not in out:
                raise RuntimeError(f"elanus_bench insert answer lacks {key!r}: {out}")
        out["command"] = " ".join(cmd)
        return out


class _ElanusSweep(_ElanusBase):
    """Build once, sweep the search parameter in the same process (elanus_bench index|filtered):
        elanus_bench <sub> --type T --base B --queries Q --metric M --k 10 --threads N --clients C
                     --runs R --out-dir D [--param key=value ...] [--sweep name=v1,v2,...]
                     [--attr sel_rank.i64 --filters "sel_rank < a;sel_rank < b"]
        -> {"build_seconds", "index_bytes"?, "rss_delta_bytes", "points": [{"params", "filter"?, "qps",
            "latency_p50_ms", "latency_p99_ms", "ids"}]}
    Each point is one query per call from C client threads inside the tool (C++ clock, no Python overhead),
    best of R passes, after one untimed pass over all queries and 10 warm-up queries per point."""
    sweeps = True
    sweep_key = "ef"
    extra_args: list[str] = []

    def run_sweep(self, base_path: Path, queries_path: Path, metric: str, k: int, clients: int, sps: list[dict],
                  runs: int, attr_path: Path | None = None, filters: list[str] | None = None,
                  timeout: float = 4 * 3600) -> dict:
        if self.unavailable():
            raise Unavailable(self.unavailable())
        cmd = [str(binary()), self.subcommand, "--type", self.index, "--base", str(base_path),
               "--queries", str(queries_path), "--metric", metric, "--k", str(k), "--threads", str(self.threads),
               "--clients", str(clients), "--runs", str(runs), "--out-dir", str(self.workdir)]
        for key, val in self.build_params.items():
            cmd += ["--param", f"{key}={val}"]
        values = [sp[self.sweep_key] for sp in sps if self.sweep_key in sp]
        if values:
            cmd += ["--sweep", f"{self.sweep_key}=" + ",".join(str(v) for v in values)]
        if attr_path is not None:
            cmd += ["--attr", str(attr_path), "--filters", ";".join(filters or [])]
        cmd += self.extra_args
        self.workdir.mkdir(parents=True, exist_ok=True)
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.workdir)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()[-2000:]}")
        lines = [ln for ln in p.stdout.splitlines() if ln.strip().startswith("{")]
        if not lines:
            raise RuntimeError(f"{' '.join(cmd)} printed no JSON object: {p.stdout[-1000:]}")
        out = json.loads(lines[-1])
        if "build_seconds" not in out or not out.get("points"):
            raise RuntimeError(f"elanus_bench answer lacks build_seconds/points: {str(out)[:500]}")
        for pt in out["points"]:
            for key in ("qps", "ids", "params"):
                if key not in pt:
                    raise RuntimeError(f"elanus_bench point lacks {key!r}: {pt}")
            pt["ids_array"] = read_ibin(Path(pt["ids"]))
        out["command"] = " ".join(shlex.quote(c) for c in cmd)
        return out


def _hnsw_configs(quick: bool):
    # the same M / efConstruction / ef lists as the hnswlib and faiss-hnsw adapters
    efs = [10, 20, 40, 80, 160, 320] if quick else [10, 20, 40, 60, 80, 120, 200, 400, 800]
    ms = [16] if quick else [16, 32]
    return [({"M": m, "efConstruction": 200 if quick else 500}, [{"ef": e} for e in efs]) for m in ms]


def _ivf_configs(n: int):
    # the same nlist / nprobe list as the faiss-ivf adapter
    nlist = max(16, int(4 * math.sqrt(n)))
    probes = [p for p in [1, 2, 4, 8, 16, 32, 64, 128, 256] if p <= nlist // 2]
    return [({"nlist": nlist}, [{"nprobe": p} for p in probes])]


class ElanusHNSW(_ElanusSweep):
    """The HNSW index of src/index driven directly (the engine adds per-segment dispatch on top)."""
    name = "elanus-hnsw"
    index = "HNSW"
    subcommand = "index"

    @classmethod
    def configs(cls, n, dim, metric, quick):
        return _hnsw_configs(quick)


class ElanusHNSWSQ(ElanusHNSW):
    name = "elanus-hnsw-sq"
    index = "HNSW_SQ"

    @classmethod
    def configs(cls, n, dim, metric, quick):
        return [({**bp, "sq_type": "SQ8"}, sps) for bp, sps in _hnsw_configs(quick)]


class ElanusIVF(_ElanusSweep):
    name = "elanus-ivf"
    index = "IVF_FLAT"
    subcommand = "index"
    sweep_key = "nprobe"

    @classmethod
    def configs(cls, n, dim, metric, quick):
        return _ivf_configs(n)


class ElanusIVFSQ8(ElanusIVF):
    name = "elanus-ivf-sq8"
    index = "IVF_SQ8"


class ElanusEngineHNSW(_ElanusSweep):
    """HNSW through the whole engine: collection with a `sel_rank` INT64 column, insert, flush, CreateIndex,
    WaitForIndexes, then Engine::Search(filter="sel_rank < x"): the filter is parsed and evaluated by the
    engine's expression path and handed to the index as a bitset (exact scan / ACORN-style / post-filter
    chosen by the index, src/index/hnsw_search.cc)."""
    name = "elanus-engine-hnsw"
    index = "HNSW"
    subcommand = "filtered"
    supports_filter = True

    @classmethod
    def configs(cls, n, dim, metric, quick):
        return _hnsw_configs(quick)


class ElanusEngineHNSWNoCache(ElanusEngineHNSW):
    """elanus-engine-hnsw with the engine's filter cache off (EngineOptions::filter_cache_bytes = 0): every
    search evaluates its filter over every segment, as on the first request with a new filter."""
    name = "elanus-engine-hnsw-nocache"
    extra_args = ["--filter-cache-mb", "0"]


class ElanusEngineHNSWCompact(ElanusEngineHNSW):
    """elanus-engine-hnsw with the sealed segments merged (Engine::Compact) after the flush and before
    CreateIndex, as VectorDBBench's Milvus client does (insert, flush, compact, wait for the index). At 1M x 128
    the 3-4 sealed 128 MiB segments become one, so each search walks one graph instead of several. Compaction time is in
    the build time."""
    name = "elanus-engine-hnsw-compact"
    extra_args = ["--compact", "1"]
