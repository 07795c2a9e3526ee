"""Shared fixtures: the corpus, the seeds, and a store built from the seeds."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "articles"
GOLD = SHARED / "corpus" / "gold"
SEEDS = ROOT / "seeds"
BASE = "https://w3id.org/chronicon/id/"
# Commands installed beside the Python that runs the tests (the project's venv).
BIN = Path(sys.executable).parent
KG = str(BIN / "kg")
OXIGRAPH = str(BIN / "oxigraph")


def pytest_report_header(config: pytest.Config) -> list[str]:
    import pyoxigraph
    import rdflib

    return [f"rdflib {rdflib.__version__}, pyoxigraph {pyoxigraph.__version__}"]


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing: {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built once from seeds/ (read-only for tests: copy it to change it)."""
    from kg.build import build

    store = tmp_path_factory.mktemp("seed-store") / "store"
    report = build([SEEDS], store=store)
    assert report.ok, report.skipped
    return store


@pytest.fixture
def fresh_store(seed_store: Path, tmp_path: Path) -> Path:
    """A private copy of the seed store that a test may rebuild."""
    target = tmp_path / "store"
    shutil.copytree(seed_store, target)
    return target


# --- live servers (kg serve) for the HTTP tests: tests/test_serve_*.py -----------------------

ARTIFACTS = ROOT / "tests" / "artifacts"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running ``kg serve``: its URL, process and log file."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def serving(store: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Start ``kg serve --store STORE ARGS...`` on 127.0.0.1 and a free port; stop it on exit."""
    import requests

    port = free_port()
    log = store.parent / f"serve-{port}.log"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    environ.update(env or {})
    with open(log, "wb") as out:
        process = subprocess.Popen([KG, "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port), *args],
                                   stdout=out, stderr=subprocess.STDOUT, env=environ)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"kg serve exited with {process.returncode}:\n{server.output()}")
            try:
                if requests.get(server.url + "/health", timeout=1).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):  # forked fronts: the port listens before they answer
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"kg serve did not start:\n{server.output()}")
            time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def server(seed_store: Path) -> Iterator[Server]:
    """The default server over the seed store: 2 query workers, 10 s timeout."""
    with serving(seed_store, "--workers", "2", "--timeout", "10") as s:
        yield s


W3C_RESULTS: list[tuple[str, str, str]] = []  # (test, outcome, why), filled by test_serve_w3c.py


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print, and keep in tests/artifacts/w3c-protocol.txt, what the W3C protocol runner did."""
    if not W3C_RESULTS:
        return
    counts: dict[str, int] = {}
    for _, outcome, _ in W3C_RESULTS:
        counts[outcome] = counts.get(outcome, 0) + 1
    lines = [f"W3C SPARQL 1.1 Protocol: {len(W3C_RESULTS)} cases: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))]
    lines += [f"  {outcome:<15} {name:<36} {why}" for name, outcome, why in W3C_RESULTS]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "w3c-protocol.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    terminalreporter.section("W3C SPARQL 1.1 Protocol")
    for line in lines:
        terminalreporter.write_line(line)
