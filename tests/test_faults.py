"""Faults while building and serving (issue 7, part 3; THREATS.md E34, F44).

* ``kill -9`` of ``kg build`` while the new version is being written: the previous
  version stays published, readable and complete (same quads, same hash), and the
  next build succeeds and removes the stray version;
* a rebuild while ``kg serve`` answers: every reader gets the old graph or the new
  one, never a mix and never an error (queries and exports);
* a full disk (a small tmpfs) and a read-only store directory (a read-only bind
  mount, ``chattr +i``): a clear error, the previous version intact;
* a failed build in a long-lived process releases the new version's RocksDB lock,
  so the next build in the same process works (it used not to).

The long variants (thousands of articles, many rebuilds) are in tests/stress/.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

import kg.build
from kg.build import build
from kg.errors import StoreError
from kg.store import current_version, open_read, writing
from tests.conftest import KG, SEEDS, serving
from tests.stress.support import fingerprint, synthetic_articles, versions

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs / a read-only bind mount needs root")
# A content-hash-like aggregate: triple counts, the total length of every IRI and literal, and the sum
# of the days of every xsd:date (a changed date changes it even when no count or length does).
AGGREGATE = """SELECT ?n ?len ?days ?g WHERE {
  { SELECT (COUNT(*) AS ?n) (SUM(IF(isBlank(?s), 0, STRLEN(STR(?s))) + STRLEN(STR(?p)) + IF(isBlank(?o), 0, STRLEN(STR(?o))))
      AS ?len) (SUM(IF(isLiteral(?o) && DATATYPE(?o) = <http://www.w3.org/2001/XMLSchema#date>, DAY(?o), 0)) AS ?days)
    { ?s ?p ?o } }
  { SELECT (COUNT(*) AS ?g) { GRAPH ?x { ?s ?p ?o } } }
}"""


def _seed_copy(target: Path) -> Path:
    shutil.copytree(SEEDS, target)
    return target


def _change_an_article(articles: Path, marker: str) -> None:
    """Add a sentence to the lead of one article (not after its References: those are dropped)."""
    path = articles / "Battle_of_Waterloo.md"
    text = path.read_text(encoding="utf-8").replace("18 June 1815", "19 June 1815")  # the event's start date
    head, sep, body = text.partition("\n---\n")
    path.write_text(f"{head}{sep}\nThe {marker} brigade advanced on 18 June 1815.\n\n{body}", encoding="utf-8")


# --- the long-lived process: a failed build must not keep the new version's lock -------------

def test_a_failed_build_in_a_long_lived_process_releases_the_new_version(fresh_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = fingerprint(fresh_store)

    def broken(store: ox.Store) -> None:
        it = store.query("SELECT * { ?s ?p ?o }")  # a live iterator on the new version, kept by the traceback
        raise RuntimeError(f"validation crashed ({type(it).__name__})")

    monkeypatch.setattr(kg.build, "check_store", broken)
    with pytest.raises(RuntimeError) as kept:  # pytest keeps the exception (and its traceback) alive
        build([SEEDS], store=fresh_store, fresh=True)
    assert versions(fresh_store) == [before.version] and fingerprint(fresh_store) == before
    monkeypatch.undo()
    report = build([SEEDS], store=fresh_store, fresh=True)  # same process, same next version name
    assert report.ok and current_version(fresh_store).name != before.version  # type: ignore[union-attr]
    assert fingerprint(fresh_store).quads == before.quads
    assert "validation crashed" in str(kept.value)


def test_a_failed_writer_block_releases_its_store_even_if_the_caller_keeps_the_writer(tmp_path: Path) -> None:
    store = tmp_path / "store"
    quad = ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/b"), ox.Literal("1"), ox.NamedNode("http://x/g"))
    with writing(store) as w:
        w.store.add(quad)
    for _ in range(3):  # each failure, then a success, in one process
        with pytest.raises(ValueError), writing(store) as kept:
            kept.store.add(quad)
            raise ValueError("crash in the middle of a build")
        assert versions(store) == ["v000001"]
    with writing(store) as w:
        w.store.add(quad)
    assert current_version(store).name == "v000002"  # type: ignore[union-attr]
    assert len(open_read(store)) == 1


# --- kill -9 in the middle of a build ----------------------------------------------------------

def kill_build_midway(store: Path, articles: Path, rng: random.Random,
                      wait: tuple[float, float] = (0.2, 1.0)) -> tuple[str, float]:
    """Start ``kg build`` on ``articles``, SIGKILL it once the new version is being written.

    :returns: the stray version's name and how long after it appeared the build was killed.
    """
    old = {v: (store / v).stat().st_ctime_ns for v in versions(store)}  # a stray's name (and inode) is taken again

    def fresh() -> list[str]:
        found = []
        for v in versions(store):
            try:
                if old.get(v) != (store / v).stat().st_ctime_ns:
                    found.append(v)
            except FileNotFoundError:
                pass
        return found

    process = subprocess.Popen([KG, "build", str(articles), "--store", str(store), "--jobs", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while not fresh():
            assert process.poll() is None, "the build ended before it wrote a new version: give it more articles"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        new = fresh()[0]
        appeared = time.monotonic()
        while not any((store / new).glob("*.log")) and time.monotonic() - appeared < 5:
            time.sleep(0.01)  # RocksDB has opened it: writing has begun
        time.sleep(rng.uniform(*wait))
        assert process.poll() is None, "the build finished before the kill: give it more articles"
        delay = time.monotonic() - appeared
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
    return new, delay


def test_kill_9_in_the_middle_of_a_build_loses_nothing(fresh_store: Path, tmp_path: Path) -> None:
    before = fingerprint(fresh_store)
    articles = _seed_copy(tmp_path / "articles")
    synthetic_articles(articles, 60)
    stray, delay = kill_build_midway(fresh_store, articles, random.Random(7))
    assert stray in versions(fresh_store)  # left behind, never published
    assert fingerprint(fresh_store) == before  # same version, same quads, same hash
    assert open_read(fresh_store).query("ASK { ?s ?p ?o }")  # readable
    # the next build (a small one) succeeds and removes the stray version
    seeds = _seed_copy(tmp_path / "seeds")
    _change_an_article(seeds, "after-the-kill")
    done = subprocess.run([KG, "build", str(seeds), "--store", str(fresh_store)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # the stray was removed before the new version was written (which takes the next name: the stray's)
    assert versions(fresh_store) == [before.version, stray] and current_version(fresh_store).name == stray  # type: ignore[union-attr]
    after = fingerprint(fresh_store)
    assert after.quads >= before.quads and after.sha256 != before.sha256
    assert (fresh_store / stray / "manifest.json").is_file()


# --- a rebuild while serving: old or new, never a mix --------------------------------------------

def _sorted_hash(body: bytes) -> tuple[int, int]:
    lines = sorted(body.splitlines())
    return len(lines), hash(b"\n".join(lines))


def test_a_rebuild_while_serving_gives_readers_the_old_or_the_new_graph(fresh_store: Path, tmp_path: Path) -> None:
    articles = _seed_copy(tmp_path / "articles")
    seen: list[tuple[str, ...]] = []
    exports: list[tuple[int, int]] = []
    errors: list[str] = []
    stop = threading.Event()
    with serving(fresh_store, "--workers", "2", "--timeout", "20") as server:
        def ask() -> tuple[str, ...]:
            r = requests.get(server.sparql, params={"query": AGGREGATE}, headers={"Accept": "text/csv"}, timeout=30)
            if r.status_code != 200:
                errors.append(f"{r.status_code} {r.text[:200]}")
                return ()
            return tuple(r.text.splitlines()[1].split(","))

        def export() -> tuple[int, int]:
            r = requests.get(server.url + "/export.nq", timeout=60)
            if r.status_code != 200:
                errors.append(f"export {r.status_code}")
                return (0, 0)
            return _sorted_hash(r.content)

        def reader() -> None:
            while not stop.is_set():
                seen.append(ask())

        def exporter() -> None:
            while not stop.is_set():
                exports.append(export())

        old, old_export = ask(), export()
        threads = [threading.Thread(target=reader) for _ in range(2)] + [threading.Thread(target=exporter)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.5)
            _change_an_article(articles, "rebuild-while-serving")
            subprocess.run([KG, "build", str(articles), "--store", str(fresh_store)], check=True, capture_output=True)
            time.sleep(1.0)
            new, new_export = ask(), export()
            shutil.copy(SEEDS / "Battle_of_Waterloo.md", articles / "Battle_of_Waterloo.md")  # and back again
            subprocess.run([KG, "build", str(articles), "--store", str(fresh_store)], check=True, capture_output=True)
            time.sleep(1.0)
        finally:
            stop.set()
            for t in threads:
                t.join()
        back, back_export = ask(), export()
    assert not errors, errors[:5]
    assert old != new and back == old and back_export == old_export != new_export
    assert set(seen) <= {old, new}, set(seen) - {old, new}
    assert set(exports) <= {old_export, new_export}
    assert seen.count(old) and seen.count(new) and len(seen) > 10, (len(seen), seen.count(old), seen.count(new))


# --- a full disk, a read-only store directory --------------------------------------------------

@contextmanager
def mounted(*args: str) -> Iterator[None]:
    target = args[-1]
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount here: {result.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", target], check=False)


def _fill(directory: Path, leave_kib: int) -> Path:
    stat = os.statvfs(directory)
    free_kib = stat.f_bavail * stat.f_frsize // 1024
    filler = directory / "filler"
    with open(filler, "wb") as fh:
        fh.write(b"\0" * max(0, (free_kib - leave_kib) * 1024))
    return filler


@ROOT_ONLY
@pytest.mark.parametrize("leave_kib", [64, 1024])
def test_a_full_disk_is_a_clear_error_and_the_previous_version_stays(tmp_path: Path, leave_kib: int) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    with mounted("-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)):
        store = disk / "store"
        assert build([SEEDS], store=store).ok
        before = fingerprint(store)
        filler = _fill(disk, leave_kib)
        with pytest.raises(StoreError, match="the disk is full; the previous version of the store is unchanged"):
            build([SEEDS], store=store, fresh=True)
        assert fingerprint(store) == before and versions(store) == [before.version]
        done = subprocess.run([KG, "build", str(SEEDS), "--store", str(store), "--fresh"], capture_output=True, text=True)
        assert done.returncode == 1 and "disk is full" in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert fingerprint(store) == before and versions(store) == [before.version]
        filler.unlink()
        assert build([SEEDS], store=store, fresh=True).ok  # room again: the next build works
        assert fingerprint(store).quads == before.quads and versions(store) == [before.version, "v000002"]


@ROOT_ONLY
@pytest.mark.parametrize("how", ["read-only-mount", "immutable"])
def test_a_read_only_store_directory_is_a_clear_error_and_the_previous_version_stays(fresh_store: Path, how: str) -> None:
    before = fingerprint(fresh_store)
    if how == "read-only-mount":
        with mounted("--bind", str(fresh_store), str(fresh_store)):
            subprocess.run(["mount", "-o", "remount,bind,ro", str(fresh_store)], check=True)
            with pytest.raises(StoreError, match="not writable"):
                build([SEEDS], store=fresh_store, fresh=True)
            assert fingerprint(fresh_store) == before
    else:
        if subprocess.run(["chattr", "+i", str(fresh_store)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i is not supported on this filesystem")
        try:
            with pytest.raises(StoreError, match="not writable"):
                build([SEEDS], store=fresh_store, fresh=True)
        finally:
            subprocess.run(["chattr", "-i", str(fresh_store)], check=True)
    assert fingerprint(fresh_store) == before and versions(fresh_store) == [before.version]
    assert build([SEEDS], store=fresh_store, fresh=True).ok  # writable again: the next build works
