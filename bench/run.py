#!/usr/bin/env python3
"""Elanus benchmark harness: every system, same data, same threads, one run, one report.

    python3 bench/run.py --suite <flat|ann|embedded|filtered|server|insert> [--quick] [--threads N]
                         [--systems a,b,c] [--datasets x,y] [--install]

Writes bench/results/<YYYY-MM-DD>-<suite>[-quick].md (+ .json with every measured point, + PNG plots).
See bench/README.md.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[0] = str(HERE.parent)  # the repo root instead of bench/: bench/datasets.py must not shadow HF `datasets`

from bench import datasets, report, systems  # noqa: E402

FM = "fashion-mnist-784-euclidean"
TEXT = "debian-docs-minilm-384-cosine"
SYN1M = "synthetic-clustered-1m-128-euclidean"
SYN100K = "synthetic-clustered-100k-128-euclidean"
SYN10M = "synthetic-clustered-10m-96-euclidean"

SUITES = {
    "flat": dict(
        description="Exact search on fashion-mnist (L2): Elanus FLAT against FAISS IndexFlatL2. Recall must be 1.0. "
                    "One query per request (nq=1) from 1 and from 2 concurrent clients/workers; "
                    "the headline is the QPS ratio Elanus/FAISS. elanus_bench times itself in C++ with `--threads` engine "
                    "threads and one client; FAISS is timed from Python with `--threads` client threads.",
        datasets=[FM], systems=["elanus-flat", "faiss-flat"], clients=[1, 2], max_queries=None, quick_max_queries=None,
        ratio=("elanus-flat", "faiss-flat"), reference="faiss-flat"),
    "ann": dict(
        description="Approximate search, recall@10 against QPS, one query per request from `--threads` client "
                    "threads (ann-benchmarks style). Curves sweep each index's search-time parameter. Every system "
                    "builds with `--threads` threads at the same M/efConstruction (HNSW) or nlist (IVF). The Elanus "
                    "indexes (src/index, driven directly by `elanus_bench index`, built once per build configuration, "
                    "every ef/nprobe in the same process) are timed with a C++ clock around each call; the Python "
                    "libraries with a Python clock around each call (a few µs of call overhead per query).",
        datasets=[FM, TEXT], systems=["hnswlib", "faiss-hnsw", "faiss-ivf", "usearch", "elanus-hnsw", "elanus-hnsw-sq",
                                      "elanus-ivf", "elanus-ivf-sq8"],
        max_queries=None, quick_max_queries=None, reference="hnswlib"),
    "embedded": dict(
        description="Embedded databases driven from Python as users drive them: insert time (build s = insert + "
                    "index until queryable) and search recall/QPS, one query per call. hnswlib is the in-process "
                    "library reference.",
        datasets=[TEXT, FM], quick_datasets=[TEXT],
        systems=["milvus-lite", "chroma", "lancedb", "qdrant-local", "hnswlib"],
        max_queries=1000, quick_max_queries=200, reference="hnswlib"),
    "filtered": dict(
        description="Filtered search: `sel_rank < s·n` keeps exactly a fraction s of the rows (uncorrelated with the "
                    "vectors). Recall counts only rows passing the filter; ground truth is exact per selectivity.",
        datasets=[SYN1M], systems=["elanus-engine-hnsw", "faiss-hnsw", "faiss-flat", "hnswlib", "milvus-lite", "chroma",
                                   "lancedb", "qdrant-local"],
        selectivities=[0.001, 0.01, 0.1, 0.5, 0.9], max_queries=1000, quick_max_queries=50,
        search_points=2, reference="faiss-flat"),
    "server": dict(
        description="Client/server: the system runs as a server and is queried through pymilvus (the same client "
                    "code for every system: MilvusClient.search, one query per request) from 1 and 8 concurrent "
                    "client threads; HNSW M=16 efConstruction=200, top-10; p50/p99 latency, QPS and recall. "
                    "elanus-server is `elanus serve` over gRPC; milvus-lite is Milvus Lite (pymilvus + milvus-lite, "
                    "local .db file); milvus-server is the `milvus` package's embedded Milvus 2.3.5.",
        datasets=[SYN100K], systems=["elanus-server", "milvus-lite", "milvus-server"], clients=[1, 8],
        max_queries=1000, quick_max_queries=200, reference="milvus-lite", hnsw_only=True),
    "insert": dict(
        description="Ingest throughput through Elanus' write path (`elanus_bench insert`: random rows in batches, "
                    "each batch acknowledged after the log write, synced or not). Peer insert times are in the "
                    "`embedded` suite (build s); a same-data peer comparison here is still to do.",
        datasets=[], systems=["elanus-insert"], max_queries=None, quick_max_queries=None, reference=None,
        insert_shape=(1_000_000, 128), quick_insert_shape=(100_000, 128)),
}


def machine_info(active_target: str | None) -> dict:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        flags = next(ln for ln in open("/proc/cpuinfo") if ln.startswith("flags")).split()
        simd = " ".join(f for f in ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
                                    "avx512_bf16", "avx512_fp16", "amx_tile"] if f in flags)
    except (OSError, StopIteration):
        simd = "?"
    mem = "?"
    try:
        mem = f"{int(open('/proc/meminfo').readline().split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    info = {"cpu": cpu, "cores (os.cpu_count)": os.cpu_count(), "SIMD flags": simd, "memory": mem,
            "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "python": platform.python_version(), "kernel": platform.release()}
    if active_target:
        info["ActiveTarget"] = active_target
    return info


def install_requirements() -> None:
    req = HERE / "requirements.txt"
    print(f"installing {req}", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r", str(req)], check=True)


def pick_points(sps: list[dict], n: int) -> list[dict]:
    if n >= len(sps) or n <= 0:
        return sps
    if n == 1:
        return [sps[len(sps) // 2]]
    idx = sorted({round(i * (len(sps) - 1) / (n - 1)) for i in range(n)})
    return [sps[i] for i in idx]


def run_insert_suite(args, suite, names, workroot: Path, timeout: float) -> list[dict]:
    n, dim = suite["quick_insert_shape"] if args.quick else suite["insert_shape"]
    out = []
    for sname in names:
        cls = systems.get(sname)
        base = {"suite": args.suite, "dataset": f"random-{n}x{dim}", "system": sname, "kind": cls.kind,
                "version": cls.version()}
        if not hasattr(cls, "run_insert"):
            out.append({**base, "skipped": "no insert mode in this adapter"})
            continue
        if cls.unavailable():
            out.append({**base, "skipped": cls.unavailable()})
            continue
        for bp, _ in cls.configs(n, dim, "L2", args.quick):
            wd = workroot / f"{sname}-{len(out)}"
            wd.mkdir(parents=True, exist_ok=True)
            print(f"-- {sname} {bp}", file=sys.stderr, flush=True)
            try:
                r = cls(bp, args.threads, wd).run_insert(n, dim, timeout=timeout)
                out.append({**base, "build_params": json.dumps(bp, sort_keys=True), "n_base": n, "dim": dim,
                            "insert_rows_per_s": r["rows_per_second"], "insert_s": r["seconds"],
                            "command": r["command"]})
            except Exception as e:  # noqa: BLE001
                out.append({**base, "build_params": json.dumps(bp, sort_keys=True), "error": str(e)[:500]})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suite", required=True, choices=list(SUITES))
    ap.add_argument("--quick", action="store_true", help="10k base / 200 queries subsets, short curves (< 5 min)")
    ap.add_argument("--threads", type=int, default=1, help="threads for every system (build threads, client threads)")
    ap.add_argument("--systems", help="comma-separated subset (default: the suite's list)")
    ap.add_argument("--datasets", help="comma-separated subset of the suite's datasets")
    ap.add_argument("--runs", type=int, default=None, help="timed runs per point, best kept (default 3)")
    ap.add_argument("--batch", action="store_true", help="send all queries in one call (library threads) "
                                                          "instead of one query per call")
    ap.add_argument("--max-queries", type=int, default=None, help="use only the first N queries (overrides the suite)")
    ap.add_argument("--configs", choices=["quick", "full"], default=None,
                    help="build/search configurations (default: quick with --quick, else full), e.g. full data "
                         "with the quick M=16/efConstruction=200 configurations")
    ap.add_argument("--search-points", type=int, default=None,
                    help="search parameters per configuration, spread over its curve (default: the suite's, "
                         "e.g. 2 for filtered; 0 = all)")
    ap.add_argument("--timeout", type=float, default=None, help="seconds per system run (default 600 quick, 4h full)")
    ap.add_argument("--active-target", default=os.environ.get("ELANUS_ACTIVE_TARGET"),
                    help="Elanus SIMD target to record (elanus_bench reports its own when it runs)")
    ap.add_argument("--out-dir", default=str(HERE / "results"))
    ap.add_argument("--install", action="store_true", help="pip install bench/requirements.txt first")
    ap.add_argument("--keep-workdir", action="store_true")
    args = ap.parse_args()

    if args.install:
        install_requirements()
    suite = SUITES[args.suite]
    command = "python3 bench/run.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    names = args.systems.split(",") if args.systems else suite["systems"]
    for n in names:
        systems.get(n)  # fail fast on a typo
    ds_names = args.datasets.split(",") if args.datasets else \
        (suite.get("quick_datasets", suite["datasets"]) if args.quick else suite["datasets"])
    runs = args.runs or 3
    timeout = args.timeout or (600 if args.quick else 4 * 3600)
    max_q = args.max_queries or (suite["quick_max_queries"] if args.quick else suite["max_queries"])
    quick_cfg = args.quick if args.configs is None else args.configs == "quick"
    clients = suite.get("clients") or [args.threads]
    if args.suite == "flat" and args.threads not in (1, 2):
        clients = [1, args.threads]
    started = time.time()
    date = datetime.date.today().isoformat()
    machine = machine_info(args.active_target)
    env = dict(os.environ)
    for var in ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "RAYON_NUM_THREADS",
                "LANCE_CPU_THREADS", "TOKIO_WORKER_THREADS"]:
        env[var] = str(args.threads)
    env.update(HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False", TQDM_DISABLE="1")

    rows: list[dict] = []
    notes: list[str] = []
    workroot = Path(tempfile.mkdtemp(prefix=f"elanus-bench-{args.suite}-"))
    if suite.get("insert_shape"):
        rows += run_insert_suite(args, suite, names, workroot, timeout)
    try:
        for dsname in ds_names:
            print(f"== dataset {dsname}{' (quick)' if args.quick else ''}", file=sys.stderr, flush=True)
            try:
                ds = datasets.load(dsname, args.quick)
            except (MemoryError, FileNotFoundError, ValueError) as e:
                rows.append({"suite": args.suite, "dataset": dsname, "system": "(dataset)", "skipped": str(e)})
                continue
            for sel in suite.get("selectivities") or []:
                ds.filtered_gt(sel)  # compute once here, not in every worker
            n, dim = ds.meta["n_base"], ds.meta["dim"]
            for sname in names:
                cls = systems.get(sname)
                reason = cls.unavailable()
                if reason:
                    print(f"-- {sname}: skipped ({reason})", file=sys.stderr)
                    rows.append({"suite": args.suite, "dataset": ds.name, "system": sname, "skipped": reason})
                    continue
                if suite.get("selectivities") and not cls.supports_filter:
                    rows.append({"suite": args.suite, "dataset": ds.name, "system": sname,
                                 "skipped": "no filtered search in this adapter"})
                    continue
                for bp, sps in cls.configs(n, dim, ds.metric, quick_cfg):
                    if suite.get("hnsw_only") and bp.get("index_type", "HNSW") != "HNSW":
                        continue  # the server suite compares HNSW only (milvus-lite also offers FLAT)
                    points = suite.get("search_points") if args.search_points is None else args.search_points
                    if points:
                        sps = pick_points(sps, points)
                    wd = workroot / f"{sname}-{len(rows)}"
                    spec = {"suite": args.suite, "system": sname, "dataset": dsname, "quick": args.quick,
                            "build_params": bp, "search_params": sps, "threads": args.threads, "clients": clients,
                            "k": 10, "max_queries": max_q, "runs": runs, "mode": "batch" if args.batch else "single",
                            "selectivities": suite.get("selectivities"), "workdir": str(wd),
                            "out": str(workroot / f"out-{sname}-{len(rows)}-{time.time_ns()}.json")}
                    spec_path = workroot / f"spec-{time.time_ns()}.json"
                    spec_path.write_text(json.dumps(spec))
                    print(f"-- {sname} {bp}", file=sys.stderr, flush=True)
                    t0 = time.time()
                    try:
                        subprocess.run([sys.executable, str(HERE / "worker.py"), str(spec_path)], env=env,
                                       timeout=timeout, check=False)
                        got = json.loads(Path(spec["out"]).read_text())
                    except subprocess.TimeoutExpired:
                        got = [{"suite": args.suite, "dataset": ds.name, "system": sname,
                                "build_params": json.dumps(bp, sort_keys=True),
                                "error": f"timed out after {timeout:.0f} s"}]
                    except (OSError, json.JSONDecodeError) as e:
                        got = [{"suite": args.suite, "dataset": ds.name, "system": sname,
                                "build_params": json.dumps(bp, sort_keys=True), "error": f"worker died: {e}"}]
                    print(f"   {sname}: {time.time() - t0:.1f} s", file=sys.stderr, flush=True)
                    rows.extend(got)
                    if not args.keep_workdir:
                        shutil.rmtree(wd, ignore_errors=True)
    finally:
        if not args.keep_workdir:
            shutil.rmtree(workroot, ignore_errors=True)

    targets = {r.get("active_target") for r in rows if r.get("active_target")}
    if targets and "ActiveTarget" not in machine:
        machine["ActiveTarget"] = ", ".join(sorted(targets))
    machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    machine["wall time of the run"] = f"{time.time() - started:.0f} s"
    machine["threads per system"] = args.threads
    if args.quick:
        notes.append(f"--quick: bases subsampled to {datasets.QUICK_BASE:,} vectors (synthetic: see dataset line), "
                     f"queries to {datasets.QUICK_QUERIES}; ground truth recomputed exactly on the subset.")
    notes.append(f"Best of {runs} timed run(s) per point; recall@10 is ann-benchmarks' distance-based k-nn recall "
                 "(ties count), computed by the harness from the returned ids.")
    path = report.write(rows, suite=args.suite, date=date, quick=args.quick, command=command, machine=machine,
                        out_dir=Path(args.out_dir), description=suite["description"],
                        reference=suite.get("reference"), ratio=suite.get("ratio"), notes=notes)
    print(path)
    print(path.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
