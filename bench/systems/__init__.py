"""Registry of benchmarked systems: name -> adapter class (see base.py for the interface)."""
from __future__ import annotations

from .base import Adapter, Filter, Unavailable, tree_rss_bytes  # noqa: F401
from .chroma import Chroma
from .elanus import ElanusEngineHNSW, ElanusEngineHNSWCompact, ElanusEngineHNSWNoCache, ElanusFlat, ElanusHNSW, ElanusHNSWSQ, ElanusInsert, ElanusIVF, ElanusIVFSQ8
from .elanus_server import ElanusServer
from .faiss_lib import FaissFlat, FaissHNSW, FaissIVF
from .hnswlib_lib import HnswlibHNSW
from .lancedb_lib import LanceDB
from .milvus_lite import MilvusLite
from .milvus_server import MilvusServer
from .qdrant_local import QdrantLocal
from .usearch_lib import USearchHNSW

SYSTEMS: dict[str, type[Adapter]] = {c.name: c for c in [
    ElanusFlat, ElanusInsert, ElanusHNSW, ElanusHNSWSQ, ElanusIVF, ElanusIVFSQ8, ElanusEngineHNSW, ElanusEngineHNSWCompact, ElanusEngineHNSWNoCache, FaissFlat, FaissHNSW, FaissIVF, HnswlibHNSW, USearchHNSW,
    MilvusLite, Chroma, LanceDB, QdrantLocal, MilvusServer, ElanusServer,
]}


def get(name: str) -> type[Adapter]:
    if name not in SYSTEMS:
        raise KeyError(f"unknown system {name!r}; known: {', '.join(SYSTEMS)}")
    return SYSTEMS[name]
