"""The one interface every benchmarked system implements, plus process-memory helpers.

An adapter wraps one system with one build configuration:

    a = Adapter(build_params, threads, workdir)
    a.build(base, metric, attrs)       # metric: L2 | COSINE | IP; attrs: scalar columns or None
    a.set_search_param(sp)             # one point of the recall/QPS curve (e.g. {"ef": 64})
    a.query(q, k, flt)  -> ids (k,)    # one query; the harness times this from its own client threads
    a.search(Q, k, sp, flt) -> (nq,k)  # a batch, using the system's own `threads`
    a.memory()          -> bytes|None  # what the system says its index takes (the harness also measures RSS)
    a.close()

`flt` is None or a `Filter`: rows with attrs[field] < value pass. Libraries get the precomputed boolean
mask too (they have no scalar columns); databases get the expression in their own language.

External systems (the Elanus C++ tool) set `external = True` and implement `run_external(...)` instead:
the tool builds, searches and times itself, and the harness only computes recall from the ids it returns.
"""
from __future__ import annotations

import importlib.metadata
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class Filter:
    field: str
    lt: int
    mask: np.ndarray  # bool per base row: True = passes
    selectivity: float


class Unavailable(Exception):
    """Raised by an adapter that cannot run here (package missing, binary not built, server won't start)."""


class Adapter:
    name = "?"
    kind = "library"  # library | embedded | server | external
    package: str | None = None  # PyPI distribution, for the version column
    supports_filter = False
    external = False

    def __init__(self, build_params: dict, threads: int, workdir: Path):
        self.build_params = dict(build_params)
        self.threads = threads
        self.workdir = Path(workdir)
        self.sp: dict = {}

    # --- discovery -------------------------------------------------------------------------
    @classmethod
    def unavailable(cls) -> str | None:
        """None when the system can run; otherwise a one-line reason."""
        return None

    @classmethod
    def version(cls) -> str:
        if not cls.package:
            return "-"
        try:
            return importlib.metadata.version(cls.package)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    @classmethod
    def configs(cls, n: int, dim: int, metric: str, quick: bool) -> list[tuple[dict, list[dict]]]:
        """[(build_params, [search_param, ...]), ...]: the curves this system contributes."""
        raise NotImplementedError

    # --- work ------------------------------------------------------------------------------
    def build(self, base: np.ndarray, metric: str, attrs: dict | None = None) -> None:
        raise NotImplementedError

    def set_search_param(self, sp: dict) -> None:
        self.sp = dict(sp)

    def query(self, q: np.ndarray, k: int, flt: Filter | None = None) -> np.ndarray:
        raise NotImplementedError

    def search(self, queries: np.ndarray, k: int, sp: dict, flt: Filter | None = None) -> np.ndarray:
        self.set_search_param(sp)
        out = np.full((queries.shape[0], k), -1, dtype=np.int64)
        for i in range(queries.shape[0]):
            r = np.asarray(self.query(queries[i], k, flt))[:k]
            out[i, :r.size] = r
        return out

    def memory(self) -> int | None:
        return None

    def close(self) -> None:
        pass


def pad_ids(ids, k: int) -> np.ndarray:
    out = np.full(k, -1, dtype=np.int64)
    ids = np.asarray(list(ids), dtype=np.int64)[:k]
    out[:ids.size] = ids
    return out


# --------------------------------------------------------------------------- memory

def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                st = f.read()
            ppid = int(st[st.rindex(")") + 2:].split()[1])
        except (OSError, ValueError):
            continue
        if ppid == pid:
            kids.append(int(d))
    return kids


def tree_rss_bytes(pid: int | None = None) -> int:
    """Resident memory of this process and all its descendants (embedded DBs may start helper processes)."""
    pid = pid or os.getpid()
    total, stack, seen = 0, [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        total += _rss_kib(p)
        stack.extend(_children(p))
    return total * 1024


def _cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read()
        fields = st[st.rindex(")") + 2:].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, ValueError, IndexError):
        return 0


def wait_children_idle(quiet_s: float = 1.5, max_s: float = 1800.0, busy_frac: float = 0.05) -> float:
    """Wait until this process's descendants (an embedded database's server process) stop using CPU, i.e.
    background compaction / index building is over. Returns the seconds of the final quiet window, which the
    caller may subtract from its build time."""
    import time
    hz = os.sysconf("SC_CLK_TCK")
    deadline = time.time() + max_s

    def total():
        pids, stack = [], _children(os.getpid())
        while stack:
            p = stack.pop()
            pids.append(p)
            stack.extend(_children(p))
        return sum(_cpu_ticks(p) for p in pids)

    while time.time() < deadline:
        t0, c0 = time.time(), total()
        time.sleep(quiet_s)
        if (total() - c0) / hz < busy_frac * (time.time() - t0):
            return time.time() - t0
    return 0.0
