"""Helpers shared by the security, fault and stress suites (issue 7).

Nothing here is a test: a store fingerprint (triple count and a hash of the
sorted N-Quads), an egress canary, synthetic articles made from the seeds, the
process tree of a server with its memory and CPU, and the JSON error check.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pyoxigraph as ox

from kg.store import current_version

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
# What an error body must never carry: a traceback, a source or store path, library names.
LEAKS = re.compile(r"Traceback|File \"|\.py\b|site-packages|/work/|/tmp/|/root/|root:x:0|"
                   r"pyoxigraph|rdflib|werkzeug|flask|waitress/|RocksDB|rocksdb", re.I)


@dataclass(frozen=True)
class Fingerprint:
    """What a store holds: its version, the number of quads, and sha256 of its sorted N-Quads."""

    version: str
    quads: int
    sha256: str


def fingerprint(store: str | Path) -> Fingerprint:
    """The fingerprint of the store's current version, read in a short-lived read-only handle."""
    version = current_version(store)
    assert version is not None, f"{store}: no version"
    handle = ox.Store.read_only(str(version))
    try:
        lines = sorted(bytes(handle.dump(format=ox.RdfFormat.N_QUADS) or b"").splitlines())
    finally:
        del handle
    digest = hashlib.sha256(b"\n".join(lines)).hexdigest()
    return Fingerprint(version.name, len(lines), digest)


def versions(store: str | Path) -> list[str]:
    """The version directories a store holds (a stray one is left by a killed build)."""
    return sorted(p.name for p in Path(store).iterdir() if p.is_dir() and re.fullmatch(r"v\d+", p.name))


def assert_json_error(response: object, status: int | tuple[int, ...]) -> dict[str, object]:
    """A JSON error in Chronicon's shape, with the expected status, leaking nothing."""
    statuses = (status,) if isinstance(status, int) else status
    code = response.status_code  # type: ignore[attr-defined]
    text = response.text  # type: ignore[attr-defined]
    assert code in statuses, f"{code} not in {statuses}: {text[:300]}"
    assert response.headers["Content-Type"].startswith("application/json"), response.headers  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["ok"] is False and body["status"] == code and isinstance(body["error"], str) and body["error"], body
    assert not LEAKS.search(text), f"the error leaks: {text[:300]}"
    return dict(body)


class Canary:
    """A TCP listener on 127.0.0.1 that records every connection it gets (there must be none)."""

    def __init__(self) -> None:
        self.hits: list[bytes] = []
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(1)
            try:
                self.hits.append(conn.recv(200) or b"<connected>")
            except OSError:
                self.hits.append(b"<connected>")
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._listener.close()


@contextmanager
def canary() -> Iterator[Canary]:
    c = Canary()
    try:
        yield c
    finally:
        c.close()


def _shifted(m: re.Match[str], shift: int) -> str:
    return str(int(m.group(1)) + shift)


def synthetic_articles(target: Path, count: int) -> list[Path]:
    """``count`` articles made from the seeds: each a copy with its own subject, file name and numbers.

    The subject and the names in the text change, so every copy mints its own
    event and its own article graph: a build of them is ``count`` times the work.
    """
    target.mkdir(parents=True, exist_ok=True)
    seeds = sorted(SEEDS.glob("*.md"))
    texts = [s.read_text(encoding="utf-8") for s in seeds]
    subjects = [re.search(r"^subject:\s*(.+)$", t, re.M) for t in texts]
    written = []
    for i in range(count):
        k = i % len(seeds)
        text = texts[k]
        match = subjects[k]
        if match is not None:
            subject = match.group(1).strip().strip("'\"")
            text = text.replace(subject, f"{subject} {i}")
        shift = i % 7
        text = re.sub(r"\b(\d{2,3})\b", partial(_shifted, shift=shift), text, count=20)
        path = target / f"{seeds[k].stem}_{i:05d}.md"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


# --- processes --------------------------------------------------------------------------------

def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (the forkserver and the query workers)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def rss_mb(pid: int) -> float:
    """Resident memory of one process, in MiB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class TreeMemory:
    server_mb: float
    workers_mb: list[float] = field(default_factory=list)

    @property
    def total_mb(self) -> float:
        return self.server_mb + sum(self.workers_mb)


def tree_memory(pid: int) -> TreeMemory:
    """RSS of a server and of each process below it."""
    below = [p for p in descendants(pid) if p != pid]
    return TreeMemory(rss_mb(pid), [rss_mb(p) for p in below])
