"""End-to-end fixtures: run `elanus serve` as a subprocess and drive it with the real pymilvus.

The binary comes from $ELANUS_BIN (default: build/release/tools/elanus under the repo root).
Run with the pinned SDK: `build/e2e-venv/bin/python -m pytest tests/e2e` after
`scripts/install-deps.sh --e2e` and a build.
"""

import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from pymilvus import MilvusClient

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("ELANUS_BIN", REPO / "build" / "release" / "tools" / "elanus"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `elanus serve` process on a data directory; restartable on the same directory."""

    def __init__(self, data_dir, extra_args=()):
        self.data_dir = Path(data_dir)
        self.extra_args = list(extra_args)  # more `serve` flags (auth, TLS, config)
        self.port = free_port()
        self.health_port = free_port()
        self.proc = None
        self.log_path = self.data_dir.parent / f"{self.data_dir.name}.log"

    @property
    def uri(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        if not BIN.exists():
            pytest.fail(f"elanus binary not found at {BIN}: build it or set ELANUS_BIN")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [str(BIN), "serve", "--port", str(self.port), "--health-port",
             str(self.health_port), "--data-dir", str(self.data_dir), *self.extra_args],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"elanus serve exited with {self.proc.returncode}: {self.read_log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        pytest.fail("elanus serve did not open its port within 30 s")

    def stop(self, sig=signal.SIGTERM):
        """Stops the server gracefully; returns its exit code."""
        if self.proc is None:
            return None
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.proc = None
        self.log.close()
        return code

    def restart(self):
        code = self.stop()
        assert code == 0, f"graceful shutdown exited {code}: {self.read_log()}"
        return self.start()

    def read_log(self):
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("elanus") / "data").start()
    yield srv
    code = srv.stop()
    assert code == 0, f"graceful shutdown exited {code}: {srv.read_log()}"


@pytest.fixture
def fresh_server(tmp_path):
    """A server of its own, for tests that restart it."""
    srv = Server(tmp_path / "data").start()
    yield srv
    srv.stop()


@pytest.fixture
def client(server):
    c = MilvusClient(server.uri)
    yield c
    c.close()


@pytest.fixture
def name():
    """A unique collection name per test."""
    return "c_" + uuid.uuid4().hex[:12]
