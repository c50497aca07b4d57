"""Runs one system with one build configuration on one dataset, in its own process.

A fresh process per system keeps the memory figure honest (RSS delta of this process and its children
around build) and keeps one system's threads, allocator state or crash away from the others.

    python3 bench/worker.py spec.json      (run.py writes the spec; results go to spec["out"])
"""
from __future__ import annotations

import gc
import json
import sys
import threading
import time
import traceback
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path[0] = str(HERE.parent)  # the repo root instead of bench/: bench/datasets.py must not shadow HF `datasets`

from bench import datasets, systems  # noqa: E402
from bench.systems.base import Filter, Unavailable, tree_rss_bytes  # noqa: E402


def timed_single(adapter, queries: np.ndarray, k: int, clients: int, flt) -> tuple[np.ndarray, float, np.ndarray]:
    """nq=1 requests from `clients` concurrent client threads. Returns ids, wall seconds, latencies (s)."""
    nq = queries.shape[0]
    ids = np.full((nq, k), -1, dtype=np.int64)
    lat = np.zeros(nq)
    errors: list[BaseException] = []
    barrier = threading.Barrier(clients + 1)

    def work(t):
        try:
            barrier.wait()
            for i in range(t, nq, clients):
                s = time.perf_counter()
                r = adapter.query(queries[i], k, flt)
                lat[i] = time.perf_counter() - s
                r = np.asarray(r, dtype=np.int64)[:k]
                ids[i, :r.size] = r
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(clients)]
    for th in threads:
        th.start()
    barrier.wait()
    t0 = time.perf_counter()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    if errors:
        raise errors[0]
    return ids, wall, lat


def timed_batch(adapter, queries, k, sp, flt):
    t0 = time.perf_counter()
    ids = adapter.search(queries, k, sp, flt)
    return np.asarray(ids, dtype=np.int64), time.perf_counter() - t0, None


def run_sweep(spec, cls, ds, base, queries, gt_dist, common, client_list, workdir) -> list[dict]:
    """Elanus sweeping tools: one build per process run, every search parameter (and filter) inside it."""
    from bench.vecio import write_fbin
    k = spec.get("k", 10)
    qpath = ds.queries_path
    if queries.shape[0] < ds.meta["n_queries"]:
        qpath = workdir / "queries.fbin"
        write_fbin(qpath, ds.queries()[:queries.shape[0]])
    attr_path, filters, by_filter = None, None, {}
    if spec.get("selectivities"):
        rank = ds.attrs()["sel_rank"]
        attr_path = workdir / "sel_rank.i64"
        rank.astype("<i8").tofile(attr_path)
        filters = []
        for sel in spec["selectivities"]:
            f = f"sel_rank < {int(round(sel * rank.size))}"
            filters.append(f)
            by_filter[f] = (sel, ds.filter_mask(sel), ds.filtered_gt(sel)[1][:queries.shape[0]])
    rows = []
    for clients in client_list:
        adapter = cls(spec["build_params"], spec["threads"], workdir)
        out = adapter.run_sweep(ds.base_path, qpath, ds.metric, k, clients, spec["search_params"],
                                spec.get("runs", 1), attr_path, filters)
        for pt in out["points"]:
            sel, valid, gtd = by_filter.get(pt.get("filter"), (None, None, gt_dist))
            rec = datasets.knn_recall(base, queries, ds.metric, pt["ids_array"], gtd, k, valid=valid)
            row = {**common, "search_param": json.dumps(pt["params"], sort_keys=True), "threads": clients,
                   # same methodology as the in-process systems: one query per call from `clients` threads
                   "mode": f"nq=1, {clients} clients", "build_s": out["build_seconds"],
                   "build_threads": spec["threads"], "recall": rec, "qps": pt["qps"],
                   "p50_ms": pt.get("latency_p50_ms"), "p99_ms": pt.get("latency_p99_ms"),
                   "index_mem_mb": out.get("rss_delta_bytes", 0) / 2**20,  # RSS delta, like the other systems
                   "reported_mem_mb": out["index_bytes"] / 2**20 if out.get("index_bytes") else None,
                   "rss_delta_mb": out.get("rss_delta_bytes", 0) / 2**20,
                   "sealed_segments": out.get("sealed_segments"), "filter": pt.get("filter"),
                   "active_target": out.get("active_target"), "command": out["command"]}
            if sel is not None:
                row["selectivity"] = sel
            rows.append(row)
            print(f"  {cls.name} {common['build_params']} {pt['params']} {pt.get('filter') or ''} clients={clients}: "
                  f"recall {rec:.4f} qps {pt['qps']:.0f}", file=sys.stderr, flush=True)
    return rows


def run(spec: dict) -> list[dict]:
    cls = systems.get(spec["system"])
    ds = datasets.load(spec["dataset"], spec["quick"])
    k = spec.get("k", 10)
    base = ds.base(mmap=False)
    queries = ds.queries()
    gt_dist = ds.gt_dist()
    mq = spec.get("max_queries")
    if mq and queries.shape[0] > mq:
        queries, gt_dist = queries[:mq], gt_dist[:mq]
    if ds.metric == "COSINE":  # every system sees unit vectors; recall uses exact cosine distances anyway
        base, queries = datasets.normalize(base), datasets.normalize(queries)
    common = {"suite": spec["suite"], "dataset": ds.name, "n_base": int(base.shape[0]),
              "n_queries": int(queries.shape[0]), "dim": int(base.shape[1]), "metric": ds.metric,
              "system": cls.name, "kind": cls.kind, "version": cls.version(),
              "build_params": json.dumps(spec["build_params"], sort_keys=True), "k": k}
    reason = cls.unavailable()
    if reason:
        return [{**common, "skipped": reason}]
    workdir = Path(spec["workdir"])
    workdir.mkdir(parents=True, exist_ok=True)
    rows = []
    selectivities = spec.get("selectivities") or [None]
    attrs = None
    if spec.get("selectivities"):
        attrs = {"sel_rank": ds.attrs()["sel_rank"]}
    client_list = spec.get("clients") or [spec["threads"]]

    if getattr(cls, "sweeps", False):
        return run_sweep(spec, cls, ds, base, queries, gt_dist, common, client_list, workdir)

    if cls.external:
        adapter = cls(spec["build_params"], spec["threads"], workdir)
        qpath = ds.queries_path
        if mq and ds.meta["n_queries"] > mq:
            from bench.vecio import write_fbin
            qpath = workdir / "queries.fbin"
            write_fbin(qpath, ds.queries()[:mq])
        for clients in client_list:
            adapter.threads = clients
            for sp in spec["search_params"]:
                out = None
                for _ in range(spec.get("runs", 1)):  # best of runs, like the in-process systems
                    o = adapter.run_external(ds.base_path, qpath, ds.metric, k, spec.get("nq_batch", 1), sp)
                    if out is None or o["qps"] > out["qps"]:
                        out = o
                    if queries.shape[0] / max(o["qps"], 1e-9) > spec.get("repeat_below_s", 2.0):
                        break
                ids = out["ids_array"]
                rec = datasets.knn_recall(base, queries, ds.metric, ids, gt_dist, k)
                rows.append({**common, "search_param": json.dumps(sp, sort_keys=True), "threads": clients,
                             # elanus_bench: one client thread; --threads is the engine's thread count
                             "mode": f"nq={spec.get('nq_batch', 1)}, 1 client, {clients} engine threads",
                             "build_s": out["build_seconds"], "recall": rec, "qps": out["qps"],
                             "p50_ms": out.get("latency_p50_ms"), "p99_ms": out.get("latency_p99_ms"),
                             "index_mem_mb": (out["index_bytes"] / 2**20) if out.get("index_bytes") else None,
                             "active_target": out.get("active_target"), "command": out["command"]})
        return rows

    adapter = cls(spec["build_params"], spec["threads"], workdir)
    try:
        gc.collect()
        rss0 = tree_rss_bytes()
        t0 = time.perf_counter()
        adapter.build(base, ds.metric, attrs)
        build_s = time.perf_counter() - t0
        gc.collect()
        rss1 = tree_rss_bytes()
        reported = adapter.memory()
        common.update(build_s=build_s, index_mem_mb=(rss1 - rss0) / 2**20,
                      reported_mem_mb=(reported / 2**20) if reported else None,
                      insert_vps=base.shape[0] / build_s if build_s > 0 else None)
        # Steady state before timing: one untimed pass over all queries. Some systems do real work on the
        # first searches after load (Milvus Lite 3.2.2: ~60 ms/query for the first ~100, then ~4 ms).
        adapter.set_search_param(spec["search_params"][0])
        for i in range(queries.shape[0]):
            adapter.query(queries[i], k, None)
        for sel in selectivities:
            flt, valid, gtd = None, None, gt_dist
            if sel is not None:
                mask = ds.filter_mask(sel)
                flt = Filter("sel_rank", int(round(sel * mask.size)), mask, sel)
                _, gtd = ds.filtered_gt(sel)
                gtd = gtd[:queries.shape[0]]
                valid = mask
            for sp in spec["search_params"]:
                adapter.set_search_param(sp)
                for clients in client_list:
                    if spec.get("mode") == "batch":
                        adapter.threads = clients
                        adapter.search(queries[:10], k, sp, flt)  # warm-up
                        fn = lambda: timed_batch(adapter, queries, k, sp, flt)  # noqa: E731
                    else:
                        for i in range(min(10, queries.shape[0])):  # warm-up
                            adapter.query(queries[i], k, flt)
                        fn = lambda: timed_single(adapter, queries, k, clients, flt)  # noqa: E731
                    best = None
                    for run_i in range(spec.get("runs", 1)):
                        ids, wall, lat = fn()
                        if best is None or wall < best[1]:
                            best = (ids, wall, lat)
                        if wall > spec.get("repeat_below_s", 2.0):
                            break  # slow systems: one timed run is enough, and the time budget matters
                    ids, wall, lat = best
                    rec = datasets.knn_recall(base, queries, ds.metric, ids, gtd, k, valid=valid)
                    row = {**common, "search_param": json.dumps(sp, sort_keys=True), "threads": clients,
                           "mode": "batch" if spec.get("mode") == "batch" else f"nq=1, {clients} clients",
                           "recall": rec, "qps": queries.shape[0] / wall,
                           "p50_ms": float(np.percentile(lat, 50) * 1e3) if lat is not None else None,
                           "p99_ms": float(np.percentile(lat, 99) * 1e3) if lat is not None else None}
                    if sel is not None:
                        row["selectivity"] = sel
                    rows.append(row)
                    print(f"  {cls.name} {common['build_params']} {sp} sel={sel} clients={clients}: "
                          f"recall {rec:.4f} qps {row['qps']:.0f}", file=sys.stderr, flush=True)
    finally:
        adapter.close()
    return rows


def main():
    spec = json.loads(Path(sys.argv[1]).read_text())
    try:
        rows = run(spec)
    except Unavailable as e:
        rows = [{"suite": spec["suite"], "dataset": spec["dataset"], "system": spec["system"],
                 "build_params": json.dumps(spec["build_params"], sort_keys=True), "skipped": str(e)}]
    except Exception as e:  # noqa: BLE001
        traceback.print_exc()
        rows = [{"suite": spec["suite"], "dataset": spec["dataset"], "system": spec["system"],
                 "build_params": json.dumps(spec["build_params"], sort_keys=True),
                 "error": f"{type(e).__name__}: {e}"[:500]}]
    Path(spec["out"]).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
