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
import os
import resource
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
