"""The same articles give the same graph: in another folder, named in another order (THREATS 45)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.build import build
from kg.export import export_store
from kg.store import open_read

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seeds built twice: a flat copy named as a folder, and a nested copy named file by file, reversed."""
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second with spaces")
    shutil.copytree(ROOT / "seeds", first / "articles")
    nested = second / "deeper" / "still deeper"
    shutil.copytree(ROOT / "seeds", nested)
    assert build([first / "articles"], store=first / "store", out=first / "graph.nq").ok
    files = sorted(nested.glob("*.md"), reverse=True)
    assert build(files, store=second / "store", out=second / "graph.nq").ok
    return first, second


def test_out_nquads_are_byte_identical(two_builds: tuple[Path, Path]) -> None:
    first, second = two_builds
    assert (first / "graph.nq").read_bytes() == (second / "graph.nq").read_bytes()


def test_out_ntriples_are_byte_identical(two_builds: tuple[Path, Path]) -> None:
    """--out x.nt too: the ontology's blank nodes must not take a store's random names on the way."""
    first, second = two_builds
    files = sorted((second / "deeper" / "still deeper").glob("*.md"), reverse=True)
    assert build([first / "articles"], out=first / "graph.nt").ok
    assert build(files, out=second / "graph.nt").ok
    assert (first / "graph.nt").read_bytes() == (second / "graph.nt").read_bytes()


def _graphs(store_dir: Path) -> dict[str, Graph]:
    lines: dict[str, list[str]] = {}
    for q in open_read(store_dir).quads_for_pattern(None, None, None):
        lines.setdefault(str(q.graph_name), []).append(f"{ox.Triple(q.subject, q.predicate, q.object)} .\n")
    return {name: Graph().parse(data="".join(t), format="nt") for name, t in lines.items()}


def test_stores_are_isomorphic(two_builds: tuple[Path, Path]) -> None:
    first, second = (_graphs(d / "store") for d in two_builds)
    assert sorted(first) == sorted(second)
    for name in first:
        assert isomorphic(first[name], second[name]), name


@pytest.mark.parametrize("fmt", ["nt", "jsonld"])
def test_exports_are_byte_identical(two_builds: tuple[Path, Path], fmt: str) -> None:
    """N-Triples (no blank node in the instance data) and JSON-LD (blank nodes labelled canonically)."""
    outputs = []
    for build_dir in two_builds:
        buffer = io.BytesIO()
        export_store(build_dir / "store", fmt, buffer)
        outputs.append(buffer.getvalue())
    if fmt == "nt":  # the store dumps in its own order, with its own blank-node names for the ontology's lists
        outputs = [b"\n".join(sorted(line for line in o.splitlines() if b"_:" not in line)) for o in outputs]
    assert outputs[0] == outputs[1]
