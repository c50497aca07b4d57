"""Interleaved single-thread ANN comparison: Elanus HNSW / IVF against hnswlib and FAISS, with error bars.

Why a second ANN script: `run.py --suite ann` measures one system after another, and on a shared machine
the speed of the same binary moves by 2x within minutes, so a ratio of two curves measured ten minutes
apart says little. Here every system is built first (all in memory at once), then each round measures one
pass over the queries for every (ef, system) pair with the systems in a rotating order, so the passes that
are compared run seconds apart. The figures are per round; the report gives the median and the min-max
range over rounds, and the ratios at a recall target are computed per round before taking their median.

How each system is driven (one search thread, one query at a time inside a C++ loop, no Python per query):
- elanus-hnsw: `elanus_bench index --serve 1` (bench/tool/index_sweep.cc) builds the index, then answers
  each `ef=V` line on stdin with one timed pass (C++ clock around each query);
- hnswlib: `knn_query(all queries, num_threads=1)`, timed around the call;
- faiss-hnsw: `IndexHNSWFlat.search(all queries)` with one OpenMP thread, timed around the call;
- usearch: `Index.search(all queries, threads=1)` (dtype f32), timed around the call;
- elanus-hnsw-sq8 / elanus-hnsw-fp16: HNSW_SQ with sq_type SQ8 / FP16 and refine on the float32 rows;
- elanus-ivf-flat / elanus-ivf-sq8: IVF_FLAT / IVF_SQ8, answering `nprobe=V` lines;
- faiss-ivf / faiss-ivf-sq8: `IndexIVFFlat` / `IndexIVFScalarQuantizer(QT_8bit)`, `search(all
  queries)` with one OpenMP thread.
HNSW systems sweep `--efs`, IVF systems `--nprobes`, both with nlist = `--nlist` (default 4 sqrt(n), as
`run.py --suite ann`). Each round walks the two lists position by position, so an ef point and the nprobe
point at the same position run seconds apart; the report has one table per search parameter.
Recall@10 comes from the returned ids (datasets.knn_recall), never from a tool's own figure.

    python3 bench/ann_interleaved.py --datasets fashion-mnist-784-euclidean --rounds 5
    python3 bench/ann_interleaved.py --quick            # smoke run, ~2 min

A/B of two Elanus builds (e.g. a change against its parent commit): `--baseline-bin B` adds, for every
elanus-* system, a copy named `<name>-base` that runs the elanus_bench binary B, and the ratios then include
`<name>/<name>-base`. `--build-rounds N` builds every system N times in a rotating order (the last build is
the one searched) and reports the median build time and the per-round build-time ratios:

    python3 bench/ann_interleaved.py --datasets fashion-mnist-784-euclidean --systems elanus-hnsw \
        --baseline-bin /tmp/parent/build/release/bench/elanus_bench --build-rounds 3 --rounds 3
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import datasets  # noqa: E402
from bench.systems import elanus as elanus_sys  # noqa: E402
from bench.vecio import read_ibin, write_fbin  # noqa: E402

K = 10
BASE_SUFFIX = "-base"  # an Elanus system run by --baseline-bin
TARGETS = (0.9, 0.95, 0.99)
RESULTS = Path(__file__).resolve().parent / "results"


# Elanus variants: name -> (index type, extra build parameters)
ELANUS_VARIANTS = {
    "elanus-hnsw": ("HNSW", {}),
    "elanus-hnsw-sq8": ("HNSW_SQ", {"sq_type": "SQ8", "refine": "true"}),
    "elanus-hnsw-fp16": ("HNSW_SQ", {"sq_type": "FP16", "refine": "true"}),
    "elanus-ivf-flat": ("IVF_FLAT", {}),
    "elanus-ivf-sq8": ("IVF_SQ8", {}),
}


def default_nlist(n: int) -> int:
    """nlist of the IVF systems unless --nlist is given: the rule of run.py's ann suite."""
    return max(16, int(4 * math.sqrt(n)))


class ElanusServe:
    def __init__(self, name, m, efc, build_threads, workdir: Path, binary=None, nlist=0):
        self.name = name
        self.m, self.efc, self.build_threads, self.workdir = m, efc, build_threads, workdir / name
        self.index, self.extra = ELANUS_VARIANTS[name.removesuffix(BASE_SUFFIX)]
        self.binary = Path(binary) if binary else elanus_sys.binary()
        self.sweep = "nprobe" if self.index.startswith("IVF") else "ef"
        self.nlist = nlist

    def build(self, ds: datasets.Dataset, queries_path: Path):
        self.workdir.mkdir(parents=True, exist_ok=True)
        cmd = [str(self.binary), "index", "--type", self.index, "--base", str(ds.base_path),
               "--queries", str(queries_path), "--metric", ds.metric, "--k", str(K),
               "--threads", str(self.build_threads), "--clients", "1", "--runs", "1",
               "--out-dir", str(self.workdir), "--serve", "1"]
        if self.sweep == "nprobe":
            cmd += ["--param", f"nlist={self.nlist}"]
        else:
            cmd += ["--param", f"M={self.m}", "--param", f"efConstruction={self.efc}"]
        for key, val in self.extra.items():
            cmd += ["--param", f"{key}={val}"]
        self.command = " ".join(cmd)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        info = json.loads(self.proc.stdout.readline())
        self.build_seconds = info["build_seconds"]
        self.memory = info.get("index_bytes")
        self.target = info.get("active_target")

    def search(self, queries, value):
        self.proc.stdin.write(f"{self.sweep}={value}\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"elanus_bench --serve ended early (command: {self.command})")
        pt = json.loads(line)
        return read_ibin(Path(pt["ids"])), pt["qps"]

    def close(self):
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.flush()
            self.proc.wait(timeout=30)
        except Exception:  # noqa: BLE001
            self.proc.kill()


class Hnswlib:
    name = "hnswlib"
    sweep = "ef"

    def __init__(self, m, efc, build_threads):
        self.m, self.efc, self.build_threads = m, efc, build_threads

    def build(self, ds):
        import hnswlib
        base = np.ascontiguousarray(ds.base(mmap=False), dtype=np.float32)
        space = {"L2": "l2", "COSINE": "cosine", "IP": "ip"}[ds.metric]
        self.index = hnswlib.Index(space=space, dim=base.shape[1])
        self.index.init_index(max_elements=base.shape[0], M=self.m, ef_construction=self.efc, random_seed=100)
        t = time.perf_counter()
        self.index.add_items(base, np.arange(base.shape[0]), num_threads=self.build_threads)
        self.build_seconds = time.perf_counter() - t
        self.memory = None
        self.command = f"hnswlib.Index({space!r}).init_index(M={self.m}, ef_construction={self.efc})"

    def search(self, queries, ef):
        self.index.set_ef(ef)
        t = time.perf_counter()
        ids, _ = self.index.knn_query(queries, k=K, num_threads=1)
        return ids, queries.shape[0] / (time.perf_counter() - t)

    def close(self):
        del self.index


class _Faiss:
    """Shared FAISS driving: float32 rows (normalized for COSINE), the build timed with build_threads
    OpenMP threads, every search one call over all queries with one thread. Subclasses make the index
    (`_make`, also sets `command`) and the search parameters (`_params`)."""

    def build(self, ds):
        import faiss
        base = np.ascontiguousarray(ds.base(mmap=False), dtype=np.float32)
        self.cosine = ds.metric == "COSINE"
        if self.cosine:
            base = datasets.normalize(base)
        metric = faiss.METRIC_L2 if ds.metric == "L2" else faiss.METRIC_INNER_PRODUCT
        faiss.omp_set_num_threads(self.build_threads)
        t = time.perf_counter()
        self._make(faiss, base, metric)
        self.build_seconds = time.perf_counter() - t
        faiss.omp_set_num_threads(1)
        self.memory = None

    def search(self, queries, value):
        import faiss
        faiss.omp_set_num_threads(1)
        q = datasets.normalize(queries) if self.cosine else queries
        p = self._params(faiss, value)
        t = time.perf_counter()
        _, ids = self.index.search(q, K, params=p)
        return ids, queries.shape[0] / (time.perf_counter() - t)

    def close(self):
        del self.index


class FaissHnsw(_Faiss):
    name = "faiss-hnsw"
    sweep = "ef"

    def __init__(self, m, efc, build_threads):
        self.m, self.efc, self.build_threads = m, efc, build_threads

    def _make(self, faiss, base, metric):
        self.index = faiss.IndexHNSWFlat(base.shape[1], self.m, metric)
        self.index.hnsw.efConstruction = self.efc
        self.index.add(base)
        self.command = f"faiss.IndexHNSWFlat(d, M={self.m}); hnsw.efConstruction={self.efc}"

    def _params(self, faiss, ef):
        p = faiss.SearchParametersHNSW()
        p.efSearch = ef
        return p


class USearch:
    name = "usearch"
    sweep = "ef"

    def __init__(self, m, efc, build_threads):
        self.m, self.efc, self.build_threads = m, efc, build_threads

    def build(self, ds):
        from usearch.index import Index
        base = np.ascontiguousarray(ds.base(mmap=False), dtype=np.float32)
        metric = {"L2": "l2sq", "COSINE": "cos", "IP": "ip"}[ds.metric]
        self.index = Index(ndim=base.shape[1], metric=metric, dtype="f32", connectivity=self.m,
                           expansion_add=self.efc)
        t = time.perf_counter()
        self.index.add(np.arange(base.shape[0]), base, threads=self.build_threads)
        self.build_seconds = time.perf_counter() - t
        self.memory = int(self.index.memory_usage)
        self.command = f"usearch.Index(metric={metric!r}, dtype='f32', connectivity={self.m}, expansion_add={self.efc})"

    def search(self, queries, ef):
        self.index.expansion_search = ef
        t = time.perf_counter()
        m = self.index.search(queries, K, threads=1)
        qps = queries.shape[0] / (time.perf_counter() - t)
        keys = np.asarray(m.keys, dtype=np.int64).copy()
        for i, c in enumerate(np.asarray(m.counts)):
            keys[i, c:] = -1
        return keys, qps

    def close(self):
        del self.index


class FaissIvf(_Faiss):
    name = "faiss-ivf"
    sweep = "nprobe"

    def __init__(self, nlist, build_threads):
        self.nlist, self.build_threads = nlist, build_threads

    def _make(self, faiss, base, metric):
        self.quantizer = faiss.IndexFlat(base.shape[1], metric)
        self.index = faiss.IndexIVFFlat(self.quantizer, base.shape[1], self.nlist, metric)
        self.index.train(base)
        self.index.add(base)
        self.command = f"faiss.IndexIVFFlat(IndexFlat(d), d, nlist={self.nlist}); train; add"

    def _params(self, faiss, nprobe):
        p = faiss.SearchParametersIVF()
        p.nprobe = nprobe
        return p

    def close(self):
        del self.index, self.quantizer


class FaissIvfSq8(FaissIvf):
    """FAISS's IVF_SQ8 counterpart: 8-bit codes with a per-dimension range, no re-rank."""
    name = "faiss-ivf-sq8"

    def _make(self, faiss, base, metric):
        self.quantizer = faiss.IndexFlat(base.shape[1], metric)
        self.index = faiss.IndexIVFScalarQuantizer(self.quantizer, base.shape[1], self.nlist,
                                                   faiss.ScalarQuantizer.QT_8bit, metric)
        self.index.train(base)
        self.index.add(base)
        self.command = (f"faiss.IndexIVFScalarQuantizer(IndexFlat(d), d, nlist={self.nlist}, "
                        "QT_8bit); train; add")


def frontier_qps(points, target):
    """QPS at recall `target` on one round's curve [(recall, qps)]: the best QPS among points at or above
    the target, raised by linear interpolation towards the best point below it (None: never reached)."""
    above = [(r, q) for r, q in points if r >= target]
    if not above:
        return None
    r_hi, q_hi = max(above, key=lambda p: p[1])
    below = [(r, q) for r, q in points if r < target and q > q_hi]
    if not below:
        return q_hi
    r_lo, q_lo = min(below, key=lambda p: target - p[0])
    return q_hi + (q_lo - q_hi) * (r_hi - target) / (r_hi - r_lo)


def run_dataset(name, args, workroot: Path):
    ds = datasets.load(name, quick=args.quick)
    queries = np.ascontiguousarray(ds.queries(), dtype=np.float32)
    if args.max_queries:
        queries = queries[:args.max_queries]
    nq = queries.shape[0]
    qpath = ds.queries_path
    if nq != ds.queries().shape[0]:  # elanus_bench reads the query file: write the prefix
        qpath = workroot / f"{name}-queries.fbin"
        write_fbin(qpath, queries)
    systems = []
    nlist = args.nlist or default_nlist(int(ds.base().shape[0]))
    for s in args.systems.split(","):
        if s in ELANUS_VARIANTS:
            sysobj = ElanusServe(s, args.M, args.efc, args.build_threads, workroot / name, nlist=nlist)
            if args.baseline_bin:
                systems.append(ElanusServe(s + BASE_SUFFIX, args.M, args.efc, args.build_threads,
                                           workroot / name, args.baseline_bin, nlist=nlist))
        elif s == "usearch":
            sysobj = USearch(args.M, args.efc, args.build_threads)
        elif s == "hnswlib":
            sysobj = Hnswlib(args.M, args.efc, args.build_threads)
        elif s == "faiss-hnsw":
            sysobj = FaissHnsw(args.M, args.efc, args.build_threads)
        elif s == "faiss-ivf":
            sysobj = FaissIvf(nlist, args.build_threads)
        elif s == "faiss-ivf-sq8":
            sysobj = FaissIvfSq8(nlist, args.build_threads)
        else:
            raise SystemExit(f"unknown system {s}")
        systems.append(sysobj)
    base = ds.base()
    gt_dist = ds.gt_dist()[:nq]
    builds = {s.name: [] for s in systems}
    for b in range(args.build_rounds):
        shift = b % len(systems)
        for s in systems[shift:] + systems[:shift]:
            datasets.log(f"{name}: building {s.name} (M={args.M}, efConstruction={args.efc}, "
                         f"{args.build_threads} threads), build round {b + 1}/{args.build_rounds}")
            if b > 0:
                s.close()  # drop the previous build before making the next one
            if isinstance(s, ElanusServe):
                s.build(ds, qpath)
            else:
                s.build(ds)
            builds[s.name].append(s.build_seconds)
            datasets.log(f"{name}: {s.name} built in {s.build_seconds:.1f} s")
    for s in systems:
        s.build_seconds = statistics.median(builds[s.name])
    sweeps = {"ef": [int(e) for e in args.efs.split(",")],
              "nprobe": [p for p in (int(v) for v in args.nprobes.split(",")) if p <= nlist]}
    points = {s.name: sweeps[s.sweep] for s in systems}  # each system's own curve
    qps = {s.name: {v: [] for v in points[s.name]} for s in systems}
    recall = {s.name: {} for s in systems}
    for rnd in range(args.rounds):
        for pos in range(max(len(v) for v in points.values())):
            shift = (rnd + pos) % len(systems)
            for s in systems[shift:] + systems[:shift]:
                if pos >= len(points[s.name]):
                    continue
                v = points[s.name][pos]
                ids, q = s.search(queries, v)
                qps[s.name][v].append(q)
                if v not in recall[s.name]:
                    recall[s.name][v] = datasets.knn_recall(base, queries, ds.metric, ids, gt_dist, k=K)
        datasets.log(f"{name}: round {rnd + 1}/{args.rounds} done")
    for s in systems:
        s.close()
    ratios, build_ratios = {}, {}
    names = [s.name for s in systems]
    refs = [n for n in names if n.startswith("elanus") and not n.endswith(BASE_SUFFIX)] or names[:1]
    for ref, peer in [(r, p) for r in refs for p in names if p not in refs]:
        for target in TARGETS:
            per_round = []
            for rnd in range(args.rounds):
                mine = frontier_qps([(recall[ref][v], qps[ref][v][rnd]) for v in points[ref]], target)
                theirs = frontier_qps([(recall[peer][v], qps[peer][v][rnd]) for v in points[peer]], target)
                if mine is not None and theirs is not None:
                    per_round.append(mine / theirs)
            ratios[f"{ref}/{peer}@{target}"] = per_round
        build_ratios[f"{ref}/{peer}"] = [a / b for a, b in zip(builds[ref], builds[peer])]
    return {
        "dataset": name, "metric": ds.metric, "n_base": int(base.shape[0]), "n_queries": nq, "dim": int(base.shape[1]),
        "sweeps": {n: sweeps[n] for n in sorted({s.sweep for s in systems})}, "nlist": nlist,
        "rounds": args.rounds,
        "build_rounds": args.build_rounds, "build_ratios": build_ratios,
        "systems": {s.name: {"build_seconds": round(s.build_seconds, 2),
                             "build_seconds_per_round": [round(x, 2) for x in builds[s.name]],
                             "memory_bytes": s.memory,
                             "command": s.command, "sweep": s.sweep,
                             "qps": {str(v): qps[s.name][v] for v in points[s.name]},
                             "recall": {str(v): recall[s.name][v] for v in points[s.name]}} for s in systems},
        "ratios": ratios,
        "active_target": getattr(systems[0], "target", None),
    }


def fmt_range(values, digits=0):
    if not values:
        return "not reached"
    med = statistics.median(values)
    f = f"{{:.{digits}f}}"
    return f"{f.format(med)} [{f.format(min(values))}–{f.format(max(values))}]"


def write_report(results, args, out_stem: Path):
    lines = [f"# Interleaved single-thread ANN run ({time.strftime('%Y-%m-%d')})", "",
             "Command: `" + " ".join(["python3", "bench/ann_interleaved.py"] + sys.argv[1:]) + "`", "",
             f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared), "
             f"Python {platform.python_version()}. Elanus SIMD target: {results[0].get('active_target')}.", "",
             "All indexes are built first and stay in memory; each round runs one pass over the queries for every "
             "(ef, system) pair, systems in a rotating order, so compared passes run seconds apart. One search "
             "thread, one query at a time in a C++ loop for every system. Cells: median [min–max] over rounds. "
             "Ratios are computed per round (QPS at the recall target, linear interpolation between the two "
             "nearest points of the curve), then summarised the same way.", ""]
    for res in results:
        names = list(res["systems"])
        ivf = any(s["sweep"] == "nprobe" for s in res["systems"].values())
        lines += [f"## {res['dataset']} ({res['n_base']:,} × {res['dim']}, {res['metric']}, "
                  f"{res['n_queries']:,} queries, {res['rounds']} rounds, M={args.M}, efConstruction={args.efc}"
                  + (f", nlist={res['nlist']}" if ivf else "") + ")", ""]
        builds_label = f"median of {res['build_rounds']} builds" if res["build_rounds"] > 1 else "one build"
        lines += ["| system | build s (" + str(args.build_threads) + f" threads, {builds_label}) | index bytes | "
                  "command |", "|---|---|---|---|"]
        for n in names:
            s = res["systems"][n]
            mem = f"{s['memory_bytes']:,}" if s["memory_bytes"] else "-"
            lines.append(f"| {n} | {s['build_seconds']:.1f} | {mem} | `{s['command'][:160]}` |")
        if res["build_rounds"] > 1:
            lines += ["", "Build-time ratios (per build round, then median [min–max]; below 1 = faster build): " +
                      "; ".join(f"{pair} {fmt_range(v, 2)}" for pair, v in res["build_ratios"].items())]
        for sweep, values in res["sweeps"].items():  # one table per search parameter
            group = [n for n in names if res["systems"][n]["sweep"] == sweep]
            lines += ["", f"| {sweep} | " + " | ".join(f"{n} recall@10 | {n} QPS" for n in group) + " |",
                      "|---" * (1 + 2 * len(group)) + "|"]
            for v in values:
                cells = []
                for n in group:
                    s = res["systems"][n]
                    cells += [f"{s['recall'][str(v)]:.4f}", fmt_range(s["qps"][str(v)])]
                lines.append(f"| {v} | " + " | ".join(cells) + " |")
        lines += ["", "| ratio | " + " | ".join(f"recall ≥ {t}" for t in TARGETS) + " |",
                  "|---" * (1 + len(TARGETS)) + "|"]
        pairs = list(dict.fromkeys(k.rsplit("@", 1)[0] for k in res["ratios"]))
        for pair in pairs:
            cells = [fmt_range(res["ratios"][f"{pair}@{t}"], 2) for t in TARGETS]
            lines.append(f"| {pair} QPS | " + " | ".join(cells) + " |")
        lines.append("")
        plot = out_stem.with_name(out_stem.name + f"-{res['dataset']}.png")
        if _plot(res, plot):
            lines += [f"![{res['dataset']}]({plot.name})", ""]
    out_stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    out_stem.with_suffix(".json").write_text(json.dumps({"args": vars(args), "results": results}, indent=1))


def _plot(res, path: Path) -> bool:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for n, s in res["systems"].items():
        vals = list(s["qps"])
        r = [s["recall"][v] for v in vals]
        med = [statistics.median(s["qps"][v]) for v in vals]
        lo = [med[i] - min(s["qps"][v]) for i, v in enumerate(vals)]
        hi = [max(s["qps"][v]) - med[i] for i, v in enumerate(vals)]
        ax.errorbar(r, med, yerr=[lo, hi], marker="o", capsize=3, label=n)
    ax.set_yscale("log")
    ax.set_xlabel("recall@10")
    ax.set_ylabel("QPS, 1 thread (median, min-max over rounds)")
    ax.set_title(f"{res['dataset']}: interleaved rounds")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default="fashion-mnist-784-euclidean,debian-docs-minilm-384-cosine")
    ap.add_argument("--systems", default="elanus-hnsw,hnswlib,faiss-hnsw",
                    help="ratios: every elanus-* system over every other; also usearch, faiss-ivf, " +
                    ", ".join(n for n in ELANUS_VARIANTS if n != "elanus-hnsw"))
    ap.add_argument("--M", type=int, default=16)
    ap.add_argument("--efc", type=int, default=200)
    ap.add_argument("--efs", default="10,16,20,32,40,64,80,128,160,320")
    ap.add_argument("--nprobes", default="1,2,4,8,16,32,64,128,256", help="IVF sweep (values above nlist dropped)")
    ap.add_argument("--nlist", type=int, default=0, help="IVF nlist (default: 4 sqrt(n), at least 16)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--build-threads", type=int, default=2)
    ap.add_argument("--max-queries", type=int, default=0)
    ap.add_argument("--baseline-bin", default="",
                    help="elanus_bench binary of a baseline build: adds <name>-base for every elanus system")
    ap.add_argument("--build-rounds", type=int, default=1, help="builds per system, rotating order")
    ap.add_argument("--quick", action="store_true", help="quick datasets (10k base, 200 queries), 2 rounds")
    ap.add_argument("--out-dir", default=str(RESULTS))
    args = ap.parse_args()
    if args.quick:
        args.rounds = min(args.rounds, 2)
    if args.rounds < 1 or args.build_rounds < 1:
        raise SystemExit("--rounds and --build-rounds must be >= 1")
    if args.baseline_bin and not os.access(args.baseline_bin, os.X_OK):
        raise SystemExit(f"--baseline-bin {args.baseline_bin}: not an executable file")
    if elanus_sys.ElanusHNSW.unavailable():
        raise SystemExit(elanus_sys.ElanusHNSW.unavailable())
    results = []
    with tempfile.TemporaryDirectory(prefix="elanus-interleaved-") as tmp:
        for name in args.datasets.split(","):
            results.append(run_dataset(name, args, Path(tmp)))
    stem = Path(args.out_dir) / (time.strftime("%Y-%m-%d") + "-ann-interleaved" + ("-quick" if args.quick else ""))
    stem.parent.mkdir(parents=True, exist_ok=True)
    write_report(results, args, stem)
    print(stem.with_suffix(".md").read_text())


if __name__ == "__main__":
    main()
