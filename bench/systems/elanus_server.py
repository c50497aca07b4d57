"""Elanus standalone: `elanus serve` started on a free port with a fresh data directory, driven through
pymilvus with exactly the client code of the milvus-lite / milvus-server adapters (this class inherits it):
create_collection with the index params, insert in 2,000-row batches, flush, wait until describe_index shows
every row indexed and the server process is idle, load, then one MilvusClient.search per query.

The binary is build/release/tools/elanus (or $ELANUS_BIN). The server runs with its defaults (`--threads` of
`elanus serve` is the number of gRPC handler threads, default max(16, 4 x cores); with `--threads 1` pymilvus
could not connect at all in this session: "Fail connecting to server"), as Milvus Lite runs with its own.
"""
from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

from .base import Unavailable
from .milvus_server import MilvusServer

REPO = Path(__file__).resolve().parents[2]


def server_binary() -> Path:
    return Path(os.environ.get("ELANUS_BIN", REPO / "build" / "release" / "tools" / "elanus"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ElanusServer(MilvusServer):
    name = "elanus-server"
    kind = "server"
    package = None
    reload_after_index = False

    @classmethod
    def unavailable(cls):
        b = server_binary()
        if not (b.exists() and os.access(b, os.X_OK)):
            return f"not built: {b} (ninja -C build/release elanus)"
        try:
            import pymilvus  # noqa: F401
        except ImportError as e:
            return f"pymilvus not installed ({e})"
        return None

    @classmethod
    def version(cls):
        try:
            out = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True, timeout=10)
            return "git " + (out.stdout.strip() or "(no commit)")
        except Exception:  # noqa: BLE001
            return "-"

    def _connect(self):
        from pymilvus import MilvusClient
        port, health = _free_port(), _free_port()
        data = self.workdir / "elanus-data"
        self.log_path = self.workdir / "elanus-serve.log"
        self._log = open(self.log_path, "ab")
        self.cmd = [str(server_binary()), "serve", "--port", str(port), "--health-port", str(health),
                    "--data-dir", str(data)]
        self.proc = subprocess.Popen(self.cmd, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Unavailable(f"elanus serve exited with {self.proc.returncode}: "
                                  f"{self.log_path.read_text(errors='replace')[-1000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            self.close()
            raise Unavailable("elanus serve did not open its port within 60 s")
        return MilvusClient(uri=f"http://127.0.0.1:{port}")

    def close(self):
        try:
            self.client.close()
        except Exception:  # noqa: BLE001
            pass
        proc = getattr(self, "proc", None)
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if getattr(self, "_log", None):
            self._log.close()
