"""Prometheus metrics on the health port: per-RPC request counts and latency histograms, rows
inserted, collections, visible rows, segments by state, resident memory, filter cache lookups."""

import re
import urllib.request

import pytest
from pymilvus.exceptions import MilvusException


def scrape(server):
    with urllib.request.urlopen(f"http://127.0.0.1:{server.health_port}/metrics") as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/plain")
        return r.read().decode()


def value(text, metric, labels=""):
    pat = re.escape(metric + ("{" + labels + "}" if labels else "")) + r" ([0-9.e+-]+)\n"
    m = re.search(pat, text)
    return float(m.group(1)) if m else None


def test_metrics_count_requests_latency_rows_and_collections(server, client, name):
    before = scrape(server)
    rows_before = value(before, "elanus_rows_inserted_total")
    ins_before = value(before, "elanus_rpc_requests_total",
                       'method="Insert",status="success"') or 0
    client.create_collection(name, dimension=4)
    client.insert(name, [{"id": i, "vector": [1.0, 0, 0, float(i)]} for i in range(7)])
    client.insert(name, [{"id": 100, "vector": [1.0, 0, 0, 0]}])
    with pytest.raises(MilvusException):
        client.query("no_such_collection_" + name, filter="id > 0")
    text = scrape(server)

    assert "# TYPE elanus_rpc_requests_total counter" in text
    assert "# TYPE elanus_rpc_latency_seconds histogram" in text
    assert value(text, "elanus_rpc_requests_total",
                 'method="Insert",status="success"') == ins_before + 2
    assert value(text, "elanus_rpc_requests_total", 'method="Query",status="fail"') >= 1
    assert value(text, "elanus_rows_inserted_total") == rows_before + 8
    assert value(text, "elanus_collections") >= 1
    assert value(text, "elanus_rows") == value(before, "elanus_rows") + 8
    assert value(text, "elanus_segments", 'state="growing"') >= 1
    sealed_before = value(text, "elanus_segments", 'state="sealed"')
    client.flush(name)
    flushed = scrape(server)
    assert value(flushed, "elanus_segments", 'state="sealed"') >= sealed_before + 1
    assert value(flushed, "elanus_rows") == value(text, "elanus_rows")
    assert value(flushed, "elanus_process_resident_memory_bytes") > 10 * 2**20
    count = value(text, "elanus_rpc_latency_seconds_count", 'method="Insert"')
    inf = value(text, "elanus_rpc_latency_seconds_bucket", 'method="Insert",le="+Inf"')
    assert count == inf and count >= 2
    assert value(text, "elanus_rpc_latency_seconds_sum", 'method="Insert"') > 0
    # Buckets are cumulative.
    buckets = [float(v) for v in re.findall(
        r'elanus_rpc_latency_seconds_bucket\{method="Insert",le="[^"]+"\} ([0-9.]+)', text)]
    assert buckets == sorted(buckets)


def test_metrics_count_filter_cache_lookups(server, client, name):
    client.create_collection(name, dimension=4)
    client.insert(name, [{"id": i, "vector": [1.0, 0, 0, float(i)], "n": i} for i in range(50)])
    client.flush(name)  # the rows are in a sealed segment now
    before = scrape(server)
    hits0 = value(before, "elanus_filter_cache_lookups_total", 'result="hit"')
    misses0 = value(before, "elanus_filter_cache_lookups_total", 'result="miss"')
    flt = "n < 17 and n != 3"  # a dynamic field: evaluated by the engine's filter path
    first = client.query(name, filter=flt, output_fields=["id"])
    second = client.query(name, filter=flt, output_fields=["id"])
    assert sorted(r["id"] for r in first) == sorted(r["id"] for r in second)
    assert len(first) == 16
    after = scrape(server)
    assert value(after, "elanus_filter_cache_lookups_total", 'result="miss"') >= misses0 + 1
    assert value(after, "elanus_filter_cache_lookups_total", 'result="hit"') >= hits0 + 1
    assert value(after, "elanus_filter_cache_bytes") > 0
