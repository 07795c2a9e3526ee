"""kg validate, and kg build's refusal to publish a graph that breaks a shape."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

import kg.build
from kg.build import build
from kg.store import POINTER, current_version, read_manifest, writing
from kg.validate import ShapeViolation, validate_graph, validate_store

ROOT = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).parent / "kg")
EV = "https://w3id.org/chronicon/event#"
ONE = [ROOT / "seeds" / "2014_Idlib_offensive.md"]  # one article with claims keeps the failing builds fast


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("validate") / "store"
    assert build([ROOT / "seeds"], store=store).ok
    return store


def test_seed_store_conforms(seed_store: Path) -> None:
    report = validate_store(seed_store)
    assert report.conforms, report.text()
    done = subprocess.run([KG, "validate", "--store", str(seed_store)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("conforms:"), done.stdout + done.stderr


def _broken_copy(seed_store: Path, tmp_path: Path) -> Path:
    """The seed store with one more graph whose claim has no text and whose stance is not a stance."""
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    graph = ox.NamedNode("https://w3id.org/chronicon/id/article/Broken")
    claim = ox.NamedNode("https://w3id.org/chronicon/id/claim/Broken/0")
    quads = [ox.Quad(claim, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(EV + "Claim"), graph),
             ox.Quad(claim, ox.NamedNode(EV + "position"), ox.Literal("0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")), graph),
             ox.Quad(claim, ox.NamedNode(EV + "stance"), ox.NamedNode(EV + "Killed"), graph),
             ox.Quad(claim, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), graph, graph),
             ox.Quad(graph, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(EV + "Article"), graph),
             ox.Quad(graph, ox.NamedNode(EV + "file"), ox.Literal("Broken.md"), graph),
             ox.Quad(graph, ox.NamedNode("http://purl.org/dc/terms/title"), ox.Literal("Broken"), graph)]
    with writing(store) as writer:
        writer.manifest = read_manifest(store)
        writer.replace_graph(graph, quads)
    return store


def test_kg_validate_reports_each_violation(seed_store: Path, tmp_path: Path) -> None:
    store = _broken_copy(seed_store, tmp_path)
    done = subprocess.run([KG, "validate", "--store", str(store)], capture_output=True, text=True)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "claim / text: 1 violation(s)" in lines
    assert "claim / stance: 1 violation(s)" in lines
    text_line = lines[lines.index("claim / text: 1 violation(s)") + 1]
    assert "<https://w3id.org/chronicon/id/claim/Broken/0>" in text_line and "ev:text" in text_line
    assert "exactly one ev:text" in text_line
    assert lines[-1].startswith("2 violation(s) in ")


def test_kg_validate_without_a_store(tmp_path: Path) -> None:
    done = subprocess.run([KG, "validate", "--store", str(tmp_path / "none")], capture_output=True, text=True)
    assert done.returncode == 1 and "kg build" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture
def textless_claims(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The mapper, broken: claims lose their ev:text."""
    _break_the_mapper(monkeypatch)
    yield


def _break_the_mapper(monkeypatch: pytest.MonkeyPatch) -> None:
    real = kg.build.extraction_triples

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        return (t for t in real(*args, **kwargs) if t[1].value != EV + "text")

    monkeypatch.setattr(kg.build, "extraction_triples", broken)


def test_build_refuses_to_publish_a_violating_graph(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    assert build(ONE, store=store).ok
    _break_the_mapper(monkeypatch)
    before = (store / POINTER).read_bytes(), current_version(store)
    with pytest.raises(ShapeViolation) as caught:
        build(ONE, store=store, fresh=True)
    assert "previous store version is kept" in caught.value.message
    assert "claim / text" in caught.value.message
    assert ((store / POINTER).read_bytes(), current_version(store)) == before
    assert validate_store(store).conforms  # what readers see is still the good version
    # the CLI says so in one message, and exits non-zero
    out = tmp_path / "graph.nq"
    with pytest.raises(ShapeViolation):
        build(ONE, out=out)
    assert not out.exists()


def test_build_no_validate_publishes_anyway(tmp_path: Path, textless_claims: None) -> None:
    report = build(ONE, store=tmp_path / "store", validate=False)
    assert report.ok and not validate_store(tmp_path / "store").conforms


def test_cli_build_fails_with_a_clear_message(tmp_path: Path, textless_claims: None) -> None:
    from click.testing import CliRunner

    from kg.cli import cli

    result = CliRunner().invoke(cli, ["build", str(ONE[0]), "--store", str(tmp_path / "s")])
    assert result.exit_code == 1
    assert "violates" in result.output and "claim / text" in result.output and "Traceback" not in result.output
    assert current_version(tmp_path / "s") is None
    result = CliRunner().invoke(cli, ["build", str(ONE[0]), "--store", str(tmp_path / "s2"), "--no-validate"])
    assert result.exit_code == 0, result.output


def test_a_failed_build_can_be_retried_in_the_same_process(tmp_path: Path, textless_claims: None) -> None:
    with pytest.raises(ShapeViolation) as caught:  # kept, as a CLI runner or a logger keeps it
        build(ONE, store=tmp_path / "s")
    assert build(ONE, store=tmp_path / "s", validate=False).ok, caught


TWO_NAMES = """
@prefix ev: <https://w3id.org/chronicon/event#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://ex.org/rebels> a ev:Agent ; rdfs:label "Rebels" , "rebels" .
<http://ex.org/syria> a ev:Place ; rdfs:label "Syria" , "syria" .
<http://ex.org/war> a ev:Event ; rdfs:label "Syrian civil war" , "Syrian Civil War" .
<http://ex.org/side> a ev:Side ; rdfs:label "Side 1 of X" ; ev:member <http://ex.org/rebels> .
"""


def test_what_the_mapper_legitimately_emits_conforms() -> None:
    """Two spellings of one node, a larger conflict with no article, a labelled side."""
    report = validate_graph(Graph().parse(data=TWO_NAMES, format="turtle"))
    assert report.conforms, report.text()
