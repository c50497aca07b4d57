"""Consistency levels through guarantee timestamps: Strong and Session reads see the reader's
own acknowledged writes even while other clients write concurrently; every level is accepted
per request and the collection default is honoured."""

import threading

import numpy as np
import pytest
from pymilvus import MilvusClient

DIM = 4


def test_strong_and_session_reads_see_own_writes_under_concurrent_writers(server, name):
    setup = MilvusClient(server.uri)
    setup.create_collection(name, dimension=DIM, consistency_level="Bounded")
    setup.close()
    errors = []
    stop = threading.Event()

    def noise(tid):
        # Background writers keep the collection busy with other rows.
        c = MilvusClient(server.uri)
        rng = np.random.default_rng(tid)
        i = 0
        try:
            while not stop.is_set():
                c.insert(name, [{"id": 1_000_000 * tid + i,
                                 "vector": rng.standard_normal(DIM).tolist()}])
                i += 1
        except Exception as e:  # noqa: BLE001 - reported through `errors`
            errors.append(("noise", repr(e)))
        finally:
            c.close()

    def checker(tid, level):
        c = MilvusClient(server.uri)
        rng = np.random.default_rng(100 + tid)
        try:
            for i in range(25):
                pk = 10_000_000 * tid + i
                vec = rng.standard_normal(DIM).tolist()
                c.insert(name, [{"id": pk, "vector": vec, "tag": f"t{tid}"}])
                got = c.query(name, filter=f"id == {pk}", output_fields=["tag"],
                              consistency_level=level)
                if [g["id"] for g in got] != [pk]:
                    errors.append((level, "query", pk, got))
                hits = c.search(name, data=[vec], limit=1, filter=f"id == {pk}",
                                consistency_level=level)
                if [h["id"] for h in hits[0]] != [pk]:
                    errors.append((level, "search", pk, hits))
        except Exception as e:  # noqa: BLE001 - reported through `errors`
            errors.append((level, repr(e)))
        finally:
            c.close()

    noisy = [threading.Thread(target=noise, args=(t,)) for t in (1, 2)]
    checks = [threading.Thread(target=checker, args=(t, lvl))
              for t, lvl in ((3, "Strong"), (4, "Session"), (5, "Strong"), (6, "Session"))]
    for t in noisy + checks:
        t.start()
    for t in checks:
        t.join()
    stop.set()
    for t in noisy:
        t.join()
    assert errors == []


@pytest.mark.parametrize("level", ["Strong", "Session", "Bounded", "Eventually"])
def test_every_level_is_accepted_per_request_and_as_default(client, name, level):
    client.create_collection(name, dimension=DIM, consistency_level=level)
    assert client.describe_collection(name)["consistency_level"] == \
        {"Strong": 0, "Session": 1, "Bounded": 2, "Eventually": 3}[level]
    client.insert(name, [{"id": i, "vector": [float(i), 1, 0, 0]} for i in range(10)])
    # The collection default (no level given) and an explicit level both answer.
    assert len(client.query(name, filter="id >= 0", output_fields=["count(*)"])) == 1
    for lvl in ("Strong", "Session", "Bounded", "Eventually"):
        got = client.query(name, filter="id < 5", consistency_level=lvl)
        # Every write here is older than the reads, and applied: all levels see it on one node.
        assert len(got) == 5, lvl


def test_strong_read_after_write_from_another_client(server, name):
    a = MilvusClient(server.uri)
    b = MilvusClient(server.uri)
    a.create_collection(name, dimension=DIM, consistency_level="Strong")
    for i in range(20):
        a.insert(name, [{"id": i, "vector": [1.0, 0, 0, float(i)]}])
        # b never wrote, so only Strong (the collection default here) guarantees it sees a's row.
        assert [r["id"] for r in b.query(name, filter=f"id == {i}")] == [i]
    a.close()
    b.close()
