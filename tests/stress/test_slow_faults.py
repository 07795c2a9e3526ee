"""Slow fault runs (issue 7, part 3, long form): ``kill -9`` of a build of thousands of articles,
many rebuilds under concurrent readers, and stalled connections closed by the server."""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from kg.store import current_version, open_read
from tests.conftest import KG, SEEDS, serving
from tests.stress.conftest import SUMMARY
from tests.stress.support import fingerprint, synthetic_articles, versions
from tests.test_faults import AGGREGATE, _change_an_article, kill_build_midway

pytestmark = pytest.mark.stress
ARTICLES = int(os.environ.get("KG_STRESS_ARTICLES", "2000"))


def test_kill_9_of_a_large_build_at_random_moments(tmp_path: Path) -> None:
    store = tmp_path / "store"
    subprocess.run([KG, "build", str(SEEDS), "--store", str(store)], check=True, capture_output=True)
    before = fingerprint(store)
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    synthetic_articles(articles, ARTICLES)
    rng = random.Random(2024)
    kills = []
    for _ in range(3):
        started = time.monotonic()
        stray, delay = kill_build_midway(store, articles, rng, wait=(2.0, 30.0))
        size = sum(f.stat().st_size for f in (store / stray).rglob("*") if f.is_file()) / 2**20 if (store / stray).exists() else 0
        kills.append(f"{delay:.1f} s into writing ({size:.0f} MiB written, {time.monotonic() - started:.0f} s in all)")
        assert fingerprint(store) == before  # the published version: same quads, same hash
        assert len(open_read(store)) == before.quads
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    _change_an_article(seeds, "after-three-kills")
    done = subprocess.run([KG, "build", str(seeds), "--store", str(store)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert versions(store) == [before.version, current_version(store).name]  # type: ignore[union-attr]  # no stray left
    SUMMARY.append(f"kill -9 of `kg build` ({ARTICLES} + 11 articles) x3: killed {'; '.join(kills)}; previous version "
                   f"{before.version} unchanged ({before.quads} quads, same sha256) each time; next build OK, stray removed")


def test_many_rebuilds_under_concurrent_readers(seed_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    answers: list[tuple[str, ...]] = []
    errors: list[str] = []
    stop = threading.Event()
    with serving(store, "--workers", "2", "--timeout", "20") as server:
        def ask() -> tuple[str, ...]:
            r = requests.get(server.sparql, params={"query": AGGREGATE}, headers={"Accept": "text/csv"}, timeout=30)
            if r.status_code != 200:
                errors.append(f"{r.status_code} {r.text[:100]}")
                return ()
            return tuple(r.text.splitlines()[1].split(","))

        def reader() -> None:
            while not stop.is_set():
                answers.append(ask())

        old = ask()
        threads = [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        rebuilds = 6
        try:
            for i in range(rebuilds):
                if i % 2 == 0:
                    _change_an_article(articles, "reread")
                else:
                    shutil.copy(SEEDS / "Battle_of_Waterloo.md", articles / "Battle_of_Waterloo.md")
                subprocess.run([KG, "build", str(articles), "--store", str(store)], check=True, capture_output=True)
                time.sleep(0.5)
                if i == 0:
                    new = ask()
        finally:
            stop.set()
            for t in threads:
                t.join()
        last = ask()
    assert not errors, errors[:5]
    assert last == old != new
    assert set(answers) <= {old, new}, set(answers) - {old, new}
    SUMMARY.append(f"rebuild under readers: {rebuilds} rebuilds, {len(answers)} answers, all the old or the new graph "
                   f"({answers.count(old)} old, {answers.count(new)} new), 0 errors, 0 mixes")


def test_stalled_connections_are_closed_by_the_server(seed_store: Path) -> None:
    with serving(seed_store, "--workers", "2", "--timeout", "5") as server:
        port = int(server.url.rsplit(":", 1)[1])
        stalled = []
        for _ in range(50):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\n")  # headers never finished
            stalled.append(s)
        started = time.monotonic()
        r = requests.get(server.sparql, params={"query": "ASK {}"}, timeout=10)
        assert r.status_code == 200 and time.monotonic() - started < 1.0
        open_ = list(stalled)
        closed_after: list[float] = []
        deadline = time.monotonic() + 120
        while open_ and time.monotonic() < deadline:
            for s in list(open_):
                s.settimeout(0.05)
                try:
                    if s.recv(1) == b"":
                        raise ConnectionResetError
                except TimeoutError:
                    continue
                except OSError:
                    closed_after.append(time.monotonic() - started)
                    open_.remove(s)
                    s.close()
            time.sleep(0.5)
        for s in open_:
            s.close()
        assert not open_, f"{len(open_)} stalled connections still open after 120 s"
        assert server.process.poll() is None
    SUMMARY.append(f"slowloris: 50 stalled connections (headers never finished) closed by the server after "
                   f"{min(closed_after):.0f}-{max(closed_after):.0f} s (waitress channel_timeout 30 s, checked every 30 s); "
                   f"queries answered meanwhile")
