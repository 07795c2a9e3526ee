"""``kg serve --processes N``: several server processes on one port, and their supervisor.

Over real HTTP: every front answers, a front that dies is replaced without the
port going dark, and stopping ``kg serve`` leaves no process behind.
"""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.conftest import Server, serving

JSON = {"Accept": "application/sparql-results+json"}
QUERY = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"}


def _children(pid: int) -> list[int]:
    """The direct children of a process (from /proc: no psutil needed)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def _descendants(pid: int) -> set[int]:
    todo, seen = [pid], set()
    while todo:
        for child in _children(todo.pop()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def _wait_for(condition, seconds: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def forked(seed_store: Path) -> Server:
    with serving(seed_store, "--processes", "2", "--workers", "1", "--timeout", "10") as s:
        yield s


def _burst(server: Server, n: int = 64) -> list[int]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(requests.get, server.sparql, params=QUERY, headers=JSON, timeout=30) for _ in range(n)]
        return [f.result().status_code for f in futures]


def test_two_fronts_share_the_port_and_answer_alike(forked: Server) -> None:
    assert _wait_for(lambda: len(_children(forked.process.pid)) == 2)
    statuses = _burst(forked)
    assert statuses == [200] * len(statuses)
    counts = {requests.get(forked.sparql, params=QUERY, headers=JSON, timeout=10).json()["results"]["bindings"][0]["n"]["value"]
              for _ in range(10)}
    assert len(counts) == 1  # every front reads the same store version


def test_a_front_that_dies_is_replaced_and_the_port_stays_up(forked: Server) -> None:
    assert _wait_for(lambda: len(_children(forked.process.pid)) == 2)
    victim = _children(forked.process.pid)[0]
    os.kill(victim, signal.SIGKILL)
    assert _wait_for(lambda: victim not in _children(forked.process.pid) and len(_children(forked.process.pid)) == 2)
    assert _wait_for(lambda: requests.get(forked.url + "/health", timeout=5).status_code == 200)
    assert _burst(forked, 32) == [200] * 32
    assert forked.process.poll() is None
    assert "exited with code -9; starting another" in forked.output()


def test_stopping_kg_serve_stops_every_front_and_query_worker(seed_store: Path) -> None:
    with serving(seed_store, "--processes", "2", "--workers", "1") as server:
        assert _burst(server, 16) == [200] * 16  # query workers are running now
        family = _descendants(server.process.pid)
        assert len(family) >= 4  # two fronts, each with a forkserver and a query worker
    assert server.process.returncode is not None
    assert _wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in family), 15), \
        [pid for pid in family if Path(f"/proc/{pid}").exists()]


def test_fronts_that_cannot_start_make_kg_serve_fail_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="no store here yet"):
        with serving(tmp_path / "nowhere", "--processes", "2"):
            pass
