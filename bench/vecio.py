"""Readers and writers for the binary vector formats shared with the C++ tools.

.fbin: uint32 n, uint32 dim, then n*dim float32, little-endian, row-major.
.ibin: uint32 n, uint32 k,   then n*k   int32,   little-endian, row-major.

These are the formats `elanus_bench` reads (--base/--queries) and writes (the
"ids" file of its JSON answer).
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

_HEADER = np.dtype("<u4")


def _write(path: str | os.PathLike, arr: np.ndarray, dtype: str) -> None:
    arr = np.ascontiguousarray(arr, dtype=dtype)
    if arr.ndim != 2:
        raise ValueError(f"expected a 2-d array, got shape {arr.shape}")
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        np.array(arr.shape, dtype=_HEADER).tofile(f)
        arr.tofile(f)
    os.replace(tmp, path)  # never leave a half-written file under the real name


def _read(path: str | os.PathLike, dtype: str, mmap: bool) -> np.ndarray:
    path = Path(path)
    with open(path, "rb") as f:
        header = np.fromfile(f, dtype=_HEADER, count=2)
    if header.size != 2:
        raise ValueError(f"{path}: truncated header")
    n, d = (int(x) for x in header)
    expected = 8 + n * d * 4
    actual = path.stat().st_size
    if actual != expected:
        raise ValueError(f"{path}: size {actual} != 8 + {n}*{d}*4 = {expected}")
    if mmap:
        return np.memmap(path, dtype=dtype, mode="r", offset=8, shape=(n, d))
    with open(path, "rb") as f:
        f.seek(8)
        return np.fromfile(f, dtype=dtype, count=n * d).reshape(n, d)


def write_fbin(path, arr: np.ndarray) -> None:
    _write(path, arr, "<f4")


def read_fbin(path, mmap: bool = False) -> np.ndarray:
    return _read(path, "<f4", mmap)


def write_ibin(path, arr: np.ndarray) -> None:
    _write(path, arr, "<i4")


def read_ibin(path, mmap: bool = False) -> np.ndarray:
    return _read(path, "<i4", mmap)
