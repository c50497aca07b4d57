"""Markdown report + matplotlib plots for one benchmark run.

The rule this module enforces: no QPS figure without its recall. `validate()` raises on any result row
that carries a QPS but no recall, and every table prints recall next to QPS.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np

RECALL_TARGETS = [0.80, 0.90, 0.95, 0.99]


class MissingRecall(ValueError):
    pass


def _num(x) -> bool:
    return isinstance(x, (int, float)) and not (isinstance(x, float) and math.isnan(x))


def validate(rows: list[dict]) -> None:
    for r in rows:
        if r.get("qps") is not None and not _num(r.get("recall")):
            raise MissingRecall(f"refusing to report QPS without recall: {r.get('system')} {r.get('dataset')} "
                                f"{r.get('build_params')} {r.get('search_param')} qps={r.get('qps')}")
        if _num(r.get("recall")) and not (0.0 <= r["recall"] <= 1.0):
            raise ValueError(f"recall out of range in {r}")


def measured(rows):
    return [r for r in rows if r.get("qps") is not None]


def _fmt(x, nd=0, none="-"):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return none
    if isinstance(x, float):
        return f"{x:,.{nd}f}"
    return str(x)


# build parameters that are really search-time knobs (one build per value): points with different values
# belong on one curve
CURVE_PARAMS = {"ef_search"}


def _label(r, merge_curve_params: bool = True) -> str:
    bp = {k: v for k, v in json.loads(r.get("build_params") or "{}").items()
          if not (merge_curve_params and k in CURVE_PARAMS)}
    short = ",".join(f"{k}={v}" for k, v in bp.items())
    return f"{r['system']}" + (f" ({short})" if short else "")


def _sp(r) -> str:
    sp = json.loads(r.get("search_param") or "{}")
    return ",".join(f"{k}={v}" for k, v in sp.items()) or "-"


def qps_at_recall(points: list[dict], target: float):
    """Best QPS among points whose recall reaches target, with that point's recall."""
    ok = [p for p in points if p["recall"] >= target - 1e-9]
    if not ok:
        return None
    b = max(ok, key=lambda p: p["qps"])
    return b["qps"], b["recall"]


def pareto(points):
    pts = sorted(points, key=lambda p: (-p["recall"], -p["qps"]))
    out, best = [], -1.0
    for p in pts:
        if p["qps"] > best:
            out.append(p)
            best = p["qps"]
    return sorted(out, key=lambda p: p["recall"])


# --------------------------------------------------------------------------- plots

def plot_curves(rows: list[dict], title: str, path: Path) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = defaultdict(list)
    for r in measured(rows):
        groups[(_label(r), r.get("mode", ""))].append(r)
    fig, ax = plt.subplots(figsize=(9, 6.5), dpi=110)
    markers = "os^Dv<>pP*Xh"
    cmap = plt.get_cmap("tab10" if len(groups) <= 10 else "tab20")
    for i, ((lab, mode), pts) in enumerate(sorted(groups.items())):
        pts = sorted(pts, key=lambda p: p["recall"])
        front = pareto(pts)
        line, = ax.plot([p["recall"] for p in front], [p["qps"] for p in front], marker=markers[i % len(markers)],
                        color=cmap(i % 20),
                        label=f"{lab} [{mode}]", linewidth=1.5, markersize=5)
        dominated = [p for p in pts if p not in front]
        if dominated:
            ax.scatter([p["recall"] for p in dominated], [p["qps"] for p in dominated], color=line.get_color(),
                       marker=markers[i % len(markers)], s=12, alpha=0.4)
    ax.set_yscale("log")
    # x: -log10(1 - recall), as ann-benchmarks' plots do, so 0.9 / 0.99 / 0.999 are evenly spaced;
    # recall 1.0 is drawn at 0.9999.
    cap = 1 - 1e-4
    fwd = lambda x: -np.log10(1 - np.clip(x, 0, 1 - 1e-5))  # noqa: E731
    inv = lambda y: 1 - 10 ** (-np.asarray(y))  # noqa: E731
    ax.set_xscale("function", functions=(fwd, inv))
    ticks = [0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999, cap]
    lo = min([p["recall"] for p in measured(rows)] + [0.9])
    ticks = [t for t in ticks if t >= min(lo, 0.9) - 1e-9 or t == 0.0]
    ax.set_xticks(ticks)
    ax.set_xticklabels(["1.0" if t == cap else f"{t:g}" for t in ticks])
    ax.set_xlim(max(0.0, min(lo, 0.9) - 0.02), 1 - 10 ** -4.15)
    for ln in ax.get_lines():  # recall 1.0 is drawn at the cap
        ln.set_xdata(np.minimum(np.asarray(ln.get_xdata(), dtype=float), cap))
    for col in ax.collections:
        off = col.get_offsets()
        if len(off):
            off[:, 0] = np.minimum(off[:, 0], cap)
            col.set_offsets(off)
    ax.set_xlabel("recall@10 (scale: -log10(1 - recall); 1.0 drawn at 0.9999)")
    ax.set_ylabel("queries per second (log scale)")
    ax.grid(True, which="both", alpha=0.3)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path


def plot_filtered(rows: list[dict], title: str, path: Path) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sels = sorted({r["selectivity"] for r in measured(rows) if r.get("selectivity") is not None})
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), dpi=110)
    groups = defaultdict(list)
    for r in measured(rows):
        groups[(_label(r, merge_curve_params=False), _sp(r))].append(r)
    cmap = plt.get_cmap("tab20")
    markers = "os^Dv<>pP*Xh"
    for i, ((lab, sp), pts) in enumerate(sorted(groups.items())):
        pts = sorted(pts, key=lambda p: p["selectivity"])
        x = [p["selectivity"] * 100 for p in pts]
        style = dict(marker=markers[i % len(markers)], markersize=4, color=cmap(i % 20), label=f"{lab} {sp}")
        axes[0].plot(x, [p["recall"] for p in pts], **style)
        axes[1].plot(x, [p["qps"] for p in pts], **style)
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("filter selectivity (% of rows passing, log scale)")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("recall@10 (among rows passing the filter)")
    axes[1].set_ylabel("queries per second (log scale)")
    axes[1].set_yscale("log")
    fig.suptitle(title + f"  (selectivities {', '.join(f'{s:g}' for s in sels)})", fontsize=10)
    fig.tight_layout()
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, frameon=False)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path


# --------------------------------------------------------------------------- markdown

def _points_table(rows: list[dict], filtered: bool) -> list[str]:
    head = ["system", "build params", "search param", "mode"] + (["selectivity"] if filtered else []) + \
        ["recall@10", "QPS", "p50 ms", "p99 ms", "build s", "index RSS Δ MB"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    key = (lambda r: (r["system"], r["build_params"], r.get("selectivity") or 0, r.get("threads", 0), r["recall"]))
    for r in sorted(measured(rows), key=key):
        bp = json.loads(r.get("build_params") or "{}")
        cells = [r["system"], ",".join(f"{k}={v}" for k, v in bp.items()) or "-", _sp(r), r.get("mode", "")]
        if filtered:
            cells.append(f"{r.get('selectivity', 0) * 100:g}%")
        cells += [f"{r['recall']:.4f}", _fmt(r["qps"]), _fmt(r.get("p50_ms"), 3), _fmt(r.get("p99_ms"), 3),
                  _fmt(r.get("build_s"), 2), _fmt(r.get("index_mem_mb"), 1)]
        out.append("| " + " | ".join(cells) + " |")
    return out


def _summary_table(rows: list[dict], reference: str | None) -> list[str]:
    """QPS at fixed recall per (system, build params, mode); ratio against the reference system."""
    groups = defaultdict(list)
    for r in measured(rows):
        groups[(_label(r), r.get("mode", ""))].append(r)
    ref_best = {}
    if reference:
        for (lab, mode), pts in groups.items():
            if pts[0]["system"] == reference:
                for t in RECALL_TARGETS:
                    q = qps_at_recall(pts, t)
                    if q and q[0] > ref_best.get((mode, t), 0):
                        ref_best[(mode, t)] = q[0]
    head = ["system", "mode"] + [f"QPS @ recall≥{t:g}" for t in RECALL_TARGETS] + \
        ["max recall", "build s", "index RSS Δ MB"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for (lab, mode), pts in sorted(groups.items()):
        cells = [lab, mode]
        for t in RECALL_TARGETS:
            q = qps_at_recall(pts, t)
            if not q:
                cells.append("-")
                continue
            c = f"{q[0]:,.0f} (r={q[1]:.3f})"
            if reference and ref_best.get((mode, t)) and pts[0]["system"] != reference:
                c += f" ×{q[0] / ref_best[(mode, t)]:.2f}"
            cells.append(c)
        cells += [f"{max(p['recall'] for p in pts):.4f}", _fmt(pts[0].get("build_s"), 2),
                  _fmt(pts[0].get("index_mem_mb"), 1)]
        out.append("| " + " | ".join(cells) + " |")
    if reference:
        out.append("")
        out.append(f"×N = QPS ratio against the best `{reference}` configuration at the same recall target and mode.")
    return out


def _ratio_table(rows, num: str, den: str) -> list[str]:
    """For exact search: QPS ratio num/den per mode (both must have recall 1.0)."""
    by = defaultdict(dict)
    for r in measured(rows):
        by[r.get("threads", 1)][r["system"]] = r
    out = [f"| threads | {num}: QPS (recall) [mode] | {den}: QPS (recall) [mode] | ratio {num}/{den} |",
           "|---|---|---|---|"]
    for threads, d in sorted(by.items()):
        a, b = d.get(num), d.get(den)
        fa = f"{a['qps']:,.0f} ({a['recall']:.4f}) [{a['mode']}]" if a else "not run"
        fb = f"{b['qps']:,.0f} ({b['recall']:.4f}) [{b['mode']}]" if b else "not run"
        ratio = f"**{a['qps'] / b['qps']:.2f}**" if a and b else "-"
        out.append(f"| {threads} | {fa} | {fb} | {ratio} |")
    bad = [r for r in measured(rows) if r["recall"] < 1.0 - 1e-9]
    if bad:
        out.append("")
        out.append("**EXACT SEARCH FAILED** (recall < 1.0): " +
                   ", ".join(f"{r['system']} {r['mode']} recall {r['recall']:.4f}" for r in bad))
    return out


def _hnsw_key(bp: dict):
    """(M, efConstruction) whatever the system calls them; None for non-graph indexes."""
    m = bp.get("M")
    efc = bp.get("efConstruction", bp.get("ef_construction"))
    return (int(m), int(efc)) if m is not None and efc is not None else None


def _build_table(rows: list[dict], reference: str | None) -> list[str]:
    """Build time and memory per (system, build params), with the build-time ratio against the reference
    system at equal M/efConstruction (graph indexes only)."""
    seen = {}
    for r in rows:
        if r.get("build_s") is not None:
            seen.setdefault((r["system"], r["build_params"]), r)
    if not seen:
        return []
    ref = {}
    for (sysname, bps), r in seen.items():
        if sysname == reference and _hnsw_key(json.loads(bps)):
            ref[_hnsw_key(json.loads(bps))] = r["build_s"]
    out = ["| system | build params | build threads | build s | build s / " + (reference or "-") +
           " (same M, efC) | index MB (RSS Δ) | index MB (reported) |", "|---|---|---|---|---|---|---|"]
    for (sysname, bps), r in sorted(seen.items()):
        key = _hnsw_key(json.loads(bps))
        ratio = f"{r['build_s'] / ref[key]:.2f}" if key in ref and ref[key] > 0 and sysname != reference else "-"
        out.append(f"| {sysname} | {bps} | {r.get('build_threads', r.get('threads', '-'))} | {r['build_s']:.2f} | "
                   f"{ratio} | {_fmt(r.get('index_mem_mb'), 1)} | {_fmt(r.get('reported_mem_mb'), 1)} |")
    return out


def write(rows: list[dict], *, suite: str, date: str, quick: bool, command: str, machine: dict,
          out_dir: Path, description: str, reference: str | None = None, ratio: tuple[str, str] | None = None,
          notes: list[str] | None = None) -> Path:
    validate(rows)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{date}-{suite}{'-quick' if quick else ''}"
    md = [f"# Elanus benchmark: `{suite}`{' (quick)' if quick else ''}, {date}", "", description, "",
          "```", command, "```", "", "## Machine", ""]
    for k, v in machine.items():
        md.append(f"- {k}: {v}")
    md += ["", "Absolute numbers from a shared machine are noise; compare systems within this run only.", ""]
    if notes:
        md += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    versions = sorted({(r["system"], r.get("version", "-")) for r in rows if r.get("version")})
    if versions:
        md += ["## Versions", "", "| system | version |", "|---|---|"] + [f"| {s} | {v} |" for s, v in versions] + [""]
    skipped = [r for r in rows if r.get("skipped") or r.get("error")]
    if skipped:
        md += ["## Not measured", ""]
        for r in skipped:
            what = f"skipped: {r['skipped']}" if r.get("skipped") else f"**error**: {r['error']}"
            md.append(f"- {r['system']} {r.get('build_params', '')} on {r.get('dataset', '?')}: {what}")
        md.append("")
    ins = [r for r in rows if r.get("insert_rows_per_s") is not None]
    if ins:
        md += ["## Insert throughput", "", "| system | data | build params | rows/s | seconds | command |",
               "|---|---|---|---|---|---|"]
        for r in ins:
            md.append(f"| {r['system']} | {r['dataset']} | {r['build_params']} | {r['insert_rows_per_s']:,.0f} | "
                      f"{r['insert_s']:.2f} | `{r['command']}` |")
        md.append("")
    by_ds = defaultdict(list)
    for r in measured(rows):
        by_ds[r["dataset"]].append(r)
    for dsname, drows in by_ds.items():
        r0 = drows[0]
        md += [f"## {dsname}", "",
               f"{r0['n_base']:,} base vectors × {r0['dim']} ({r0['metric']}), {r0['n_queries']:,} queries, k = {r0['k']}.",
               ""]
        filtered = any(r.get("selectivity") is not None for r in drows)
        if ratio:
            md += _ratio_table(drows, *ratio) + [""]
        if filtered:
            png = out_dir / f"{stem}-{dsname}.png"
            plot_filtered(drows, f"{suite}: {dsname} ({r0['n_base']:,} × {r0['dim']})", png)
            md += [f"![filtered recall and QPS]({png.name})", ""]
            for sel in sorted({r["selectivity"] for r in drows}):
                md += [f"### selectivity {sel * 100:g}%", ""]
                md += _summary_table([r for r in drows if r["selectivity"] == sel], reference) + [""]
        else:
            png = out_dir / f"{stem}-{dsname}.png"
            plot_curves(drows, f"{suite}: {dsname} ({r0['n_base']:,} × {r0['dim']}, {r0['n_queries']:,} queries)", png)
            md += [f"![recall vs QPS]({png.name})", "", "### QPS at fixed recall", ""]
            md += _summary_table(drows, reference) + [""]
        md += ["### Build time and index memory", ""] + _build_table(drows, reference) + [""]
        md += ["### All points", ""] + _points_table(drows, filtered) + [""]
    cmds = sorted({r["command"] for r in measured(rows) if r.get("command")})
    if cmds:
        md += ["## Tool commands (Elanus)", ""] + [f"- `{c}`" for c in cmds] + [""]
    path = out_dir / f"{stem}.md"
    path.write_text("\n".join(md) + "\n")
    (out_dir / f"{stem}.json").write_text(json.dumps(rows, indent=1))
    return path
