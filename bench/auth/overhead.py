"""Cost of authentication and TLS on the gRPC path, measured in one run against one binary.

Starts `elanus serve` three times on the same kind of data (plain; --auth; --auth + TLS
one-way), loads N random vectors into a FLAT collection and runs single-client searches (nq=1,
k=10) for a fixed time each, interleaving the modes over several rounds. Reports QPS and p50
latency with recall@10 against numpy brute force (FLAT: must be 1.0, proving the searches did
the same work), and the one-off cost of a password check (PBKDF2, first Connect of a user)
versus a cached one.

Usage: ELANUS_BIN=build/release/tools/elanus build/e2e-venv/bin/python bench/auth/overhead.py
       [--rows 5000] [--dim 64] [--seconds 5] [--rounds 3]
"""

import argparse
import base64
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import grpc
import numpy as np
from pymilvus import DataType, MilvusClient
from pymilvus.grpc_gen import milvus_pb2, milvus_pb2_grpc

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("ELANUS_BIN", REPO / "build" / "release" / "tools" / "elanus"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certs(d):
    def ossl(*a):
        subprocess.run(["openssl", *a], cwd=d, check=True, capture_output=True)
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
         "-days", "2", "-subj", "/CN=bench-ca")
    (Path(d) / "ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
         "-subj", "/CN=localhost")
    ossl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext")


def start(data_dir, extra):
    port = free_port()
    proc = subprocess.Popen([str(BIN), "serve", "--port", str(port), "--health-port", "0",
                             "--data-dir", str(data_dir), "--no-sync", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def client(mode, port, certs):
    if mode == "plain":
        return MilvusClient(f"http://127.0.0.1:{port}")
    if mode == "auth":
        return MilvusClient(f"http://127.0.0.1:{port}", token="root:Milvus")
    return MilvusClient(f"https://localhost:{port}", token="root:Milvus", secure=True,
                        server_pem_path=str(Path(certs) / "ca.pem"), server_name="localhost")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(7)
    base = rng.standard_normal((args.rows, args.dim)).astype(np.float32)
    queries = rng.standard_normal((200, args.dim)).astype(np.float32)
    d2 = ((queries[:, None, :] - base[None, :, :]) ** 2).sum(-1)
    truth = np.argsort(d2, axis=1)[:, :10]

    tmp = tempfile.mkdtemp(prefix="elanus-auth-bench-")
    make_certs(tmp)
    certs = tmp
    modes = {
        "plain": [],
        "auth": ["--auth"],
        "auth+tls1": ["--auth", "--tls-mode", "1", "--tls-server-pem", f"{certs}/server.pem",
                      "--tls-server-key", f"{certs}/server.key"],
    }
    servers, clients = {}, {}
    for m, extra in modes.items():
        proc, port = start(Path(tmp) / m, extra)
        servers[m] = (proc, port)
        c = client(m, port, certs)
        schema = MilvusClient.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=args.dim)
        idx = c.prepare_index_params()
        idx.add_index("vector", index_type="FLAT", metric_type="L2")
        c.create_collection("b", schema=schema, index_params=idx)
        assert c.describe_index("b", "vector")["index_type"] == "FLAT"
        for s in range(0, args.rows, 1000):
            c.insert("b", [{"id": i, "vector": base[i].tolist()}
                           for i in range(s, min(s + 1000, args.rows))])
        c.flush("b")
        clients[m] = c

    results = {m: {"qps": [], "lat": [], "hits": 0, "total": 0} for m in modes}
    for _ in range(args.rounds):
        for m, c in clients.items():
            r = results[m]
            n, t0 = 0, time.perf_counter()
            while time.perf_counter() - t0 < args.seconds:
                qi = n % len(queries)
                t = time.perf_counter()
                res = c.search("b", data=[queries[qi].tolist()], limit=10,
                               consistency_level="Eventually")
                r["lat"].append(time.perf_counter() - t)
                got = {h["id"] for h in res[0]}
                r["hits"] += len(got & set(truth[qi].tolist()))
                r["total"] += 10
                n += 1
            r["qps"].append(n / (time.perf_counter() - t0))

    # Password check cost: first Connect of a new user (PBKDF2) vs the cached path.
    auth_port = servers["auth"][1]
    clients["auth"].create_user("benchuser", "password1")
    ch = grpc.insecure_channel(f"127.0.0.1:{auth_port}")
    stub = milvus_pb2_grpc.MilvusServiceStub(ch)
    md = [("authorization", base64.b64encode(b"benchuser:password1").decode())]
    try:  # opens the channel; refused (no credentials) before any password work
        stub.GetVersion(milvus_pb2.GetVersionRequest())
    except grpc.RpcError as e:
        assert e.code() == grpc.StatusCode.UNAUTHENTICATED
    t = time.perf_counter()
    stub.GetVersion(milvus_pb2.GetVersionRequest(), metadata=md)
    first_ms = (time.perf_counter() - t) * 1000
    cached = []
    for _ in range(200):
        t = time.perf_counter()
        stub.GetVersion(milvus_pb2.GetVersionRequest(), metadata=md)
        cached.append((time.perf_counter() - t) * 1000)
    ch.close()

    for c in clients.values():
        c.close()
    for proc, _ in servers.values():
        proc.terminate()
        proc.wait(timeout=60)

    print(f"rows={args.rows} dim={args.dim} FLAT L2, nq=1 k=10, 1 client, "
          f"{args.rounds} rounds x {args.seconds}s per mode (interleaved)")
    print("| mode | QPS (median of rounds) | p50 latency ms | recall@10 | QPS vs plain |")
    print("|---|---|---|---|---|")
    plain = statistics.median(results["plain"]["qps"])
    for m, r in results.items():
        q = statistics.median(r["qps"])
        print(f"| {m} | {q:.0f} | {statistics.median(r['lat']) * 1000:.2f} | "
              f"{r['hits'] / r['total']:.3f} | {q / plain:.2f} |")
    print(f"\nfirst authenticated call of a new user (PBKDF2-SHA256, 100k iterations): "
          f"{first_ms:.1f} ms; cached: p50 {statistics.median(cached):.2f} ms")


if __name__ == "__main__":
    try:
        main()
    except grpc.RpcError as e:
        sys.exit(f"gRPC error: {e}")
