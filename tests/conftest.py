"""Shared fixtures: the corpus, the seeds, and a store built from the seeds."""

from __future__ import annotations

import shutil
import sys
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
