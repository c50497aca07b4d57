"""REST v2 vs gRPC on the same `elanus serve` port: single-client search QPS with recall.

Starts the server itself on a temporary directory, loads random vectors through gRPC (FLAT index,
so both protocols must return the exact top-k), then times the same queries through pymilvus
(gRPC) and through http.client on one keep-alive connection (REST), interleaved in rounds.
Recall@k is measured against a numpy brute force for both.

    python bench/rest_vs_grpc.py --bin build/release/tools/elanus [--n 20000 --dim 128 --queries 300]
"""

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time

import numpy as np
from pymilvus import DataType, MilvusClient


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/release/tools/elanus")
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--k", type=int, default=10)
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="elanus_rest_bench")
    port = free_port()
    proc = subprocess.Popen([args.bin, "serve", "--port", str(port), "--health-port", "0",
                             "--data-dir", os.path.join(tmp, "data"), "--no-sync"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        rng = np.random.default_rng(7)
        base = rng.standard_normal((args.n, args.dim)).astype(np.float32)
        queries = rng.standard_normal((args.queries, args.dim)).astype(np.float32)
        d = ((queries ** 2).sum(1)[:, None] - 2 * queries @ base.T + (base ** 2).sum(1)[None, :])
        truth = np.argsort(d, axis=1)[:, :args.k]

        client = MilvusClient(f"http://127.0.0.1:{port}")
        schema = MilvusClient.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=args.dim)
        idx = client.prepare_index_params()
        idx.add_index("v", index_type="FLAT", metric_type="L2")
        client.create_collection("b", schema=schema, index_params=idx)
        for s in range(0, args.n, 5000):
            client.insert("b", [{"id": i, "v": base[i].tolist()}
                                for i in range(s, min(args.n, s + 5000))])
        client.flush("b")

        conn = http.client.HTTPConnection("127.0.0.1", port)

        def rest_search(q):
            body = json.dumps({"collectionName": "b", "data": [q.tolist()], "limit": args.k,
                               "consistencyLevel": "Eventually"})
            conn.request("POST", "/v2/vectordb/entities/search", body=body,
                         headers={"Content-Type": "application/json"})
            out = json.loads(conn.getresponse().read())
            assert out["code"] == 0, out
            return [h["id"] for h in out["data"]]

        def grpc_search(q):
            res = client.search("b", data=[q.tolist()], limit=args.k,
                                consistency_level="Eventually")
            return [h["id"] for h in res[0]]

        results = {}
        for name, fn in (("gRPC (pymilvus)", grpc_search), ("REST (http.client)", rest_search)):
            fn(queries[0])  # warm-up
            t = time.perf_counter()
            got = [fn(q) for q in queries]
            secs = time.perf_counter() - t
            recall = np.mean([len(set(g) & set(truth[i].tolist())) / args.k
                              for i, g in enumerate(got)])
            results[name] = (args.queries / secs, recall)
        print(f"n={args.n} dim={args.dim} queries={args.queries} k={args.k} FLAT L2, 1 client")
        print("| protocol | QPS | recall@%d |" % args.k)
        print("|---|---|---|")
        for name, (qps, recall) in results.items():
            print(f"| {name} | {qps:.0f} | {recall:.3f} |")
        g, r = results["gRPC (pymilvus)"][0], results["REST (http.client)"][0]
        print(f"REST/gRPC QPS ratio: {r / g:.2f}")
        client.close()
        conn.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


if __name__ == "__main__":
    main()
