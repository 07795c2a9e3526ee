"""A bounded soak (issue 7, part 4): 8 client threads run the canned queries against ``kg serve``
for 60 s (``KG_SOAK_SECONDS``). No error; latency percentiles reported; the memory of the server
and of its query workers flat (after within 25 % + 40 MiB of before); the store unchanged."""

from __future__ import annotations

import os
import random
import re
import shutil
import statistics
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import serving
from tests.stress.conftest import SUMMARY
from tests.stress.support import fingerprint, tree_memory

pytestmark = pytest.mark.stress
CLIENTS = 8
SECONDS = float(os.environ.get("KG_SOAK_SECONDS", "60"))


def _requests(server_url: str) -> list[tuple[str, dict[str, str]]]:
    """Every canned query that runs on a local store, with its parameters' example values."""
    listing = requests.get(server_url + "/queries", headers={"Accept": "application/json"}, timeout=10).json()["queries"]
    out = []
    for q in listing:
        params = {}
        for p in q["params"]:
            example = re.search(r"e\.g\. (\S+)", p["help"])
            params[p["name"]] = example.group(1) if example else "x"
        r = requests.get(server_url + q["url"], params=params, headers={"Accept": "application/sparql-results+json"}, timeout=30)
        if r.status_code == 403 and "SERVICE" in r.text:
            continue  # federated (Wikidata): refused on a server without --allow-service
        assert r.status_code == 200, (q["name"], r.text[:200])
        out.append((q["url"], params))
    assert out
    return out


def test_soak_canned_queries(seed_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    before_store = fingerprint(store)
    # 4 workers + a queue of 4 admit all 8 clients: with --workers 2 the excess would (rightly) get 429.
    with serving(store, "--workers", "4", "--timeout", "10") as server:
        plan = _requests(server.url)
        latencies: list[float] = []
        errors: list[str] = []
        stop = threading.Event()

        def client(seed: int) -> None:
            rng = random.Random(seed)
            session = requests.Session()
            while not stop.is_set():
                url, params = rng.choice(plan)
                started = time.monotonic()
                try:
                    r = session.get(server.url + url, params=params, headers={"Accept": "application/sparql-results+json"}, timeout=30)
                    ok = r.status_code == 200 and "results" in r.json()
                    if not ok:
                        errors.append(f"{url}: {r.status_code} {r.text[:100]}")
                except (requests.RequestException, ValueError) as exc:
                    errors.append(f"{url}: {exc}")
                latencies.append(time.monotonic() - started)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(min(5.0, SECONDS / 6))  # warm-up: workers have opened the store, caches are filled
        memory_before = tree_memory(server.process.pid)
        warm = len(latencies)
        time.sleep(SECONDS)
        stop.set()
        for t in threads:
            t.join()
        memory_after = tree_memory(server.process.pid)
        pid_alive = server.process.poll() is None
        health = requests.get(server.url + "/health", timeout=5).json()
    after_store = fingerprint(store)
    timed = sorted(latencies[warm:])
    q = statistics.quantiles(timed, n=100)
    p50, p90, p99 = q[49] * 1000, q[89] * 1000, q[98] * 1000
    rate = len(timed) / SECONDS
    SUMMARY.extend([
        f"soak: {CLIENTS} clients x {SECONDS:.0f} s over {len(plan)} canned queries: {len(timed)} requests ({rate:.0f}/s), "
        f"{len(errors)} errors",
        f"soak latency: p50 {p50:.1f} ms, p90 {p90:.1f} ms, p99 {p99:.1f} ms, max {timed[-1] * 1000:.0f} ms",
        f"soak memory (RSS): server {memory_before.server_mb:.0f} -> {memory_after.server_mb:.0f} MiB; "
        f"workers+forkserver {sum(memory_before.workers_mb):.0f} -> {sum(memory_after.workers_mb):.0f} MiB; "
        f"total {memory_before.total_mb:.0f} -> {memory_after.total_mb:.0f} MiB",
        f"soak store: {'unchanged' if after_store == before_store else 'CHANGED'} ({after_store.quads} quads, "
        f"sha256 {after_store.sha256[:16]}…); server alive: {pid_alive}; workers {health['workers']}/{health['size']}",
    ])
    assert not errors, errors[:5]
    assert pid_alive and health["workers"] == 4
    assert after_store == before_store
    assert memory_after.total_mb <= memory_before.total_mb * 1.25 + 40, (memory_before, memory_after)
    assert memory_after.server_mb <= memory_before.server_mb * 1.25 + 20, (memory_before, memory_after)
