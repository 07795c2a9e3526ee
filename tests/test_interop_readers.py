"""Every export, read back by implementations that did not write it.

The seeds, an article whose names and claims are full of awkward characters, and
a hand-made graph of the hardest literals are built into a store; the store is
exported to Turtle, N-Triples, N-Quads, TriG and JSON-LD; then raptor's
``rapper``, Apache Jena's ``riot``, the ``oxigraph`` CLI (a fresh store),
rdflib and PyLD read each file they support. Every reader must accept every
file, report the store's own count, and give back the same quads (blank nodes
compared by isomorphism) - docs/THREATS.md, items 9 and 30-33.

External tools come from ``.ci/deps-interop.sh``. When one is missing the test
fails under CI (``CI=true``) and is skipped otherwise.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from kg.build import build
from kg.export import export_store
from kg.store import open_read, read_manifest, writing

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEPS_SCRIPT = ROOT / ".ci" / "deps-interop.sh"
FORMATS = ("ttl", "nt", "nq", "trig", "jsonld")
DATASET_FORMATS = ("nq", "trig", "jsonld")  # named graphs; ttl and nt hold the default graph

# --------------------------------------------------------------------------------------------
# The tools: which packages provide them (a pure table, kept in step with .ci/deps-interop.sh)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tool:
    """An external RDF reader: its command, the packages that provide it, the formats it reads."""

    command: str
    apt: tuple[str, ...] = ()
    npm: tuple[str, ...] = ()
    pip: tuple[str, ...] = ()
    formats: tuple[str, ...] = FORMATS


TOOLS: dict[str, Tool] = {
    "rapper": Tool("rapper", apt=("raptor2-utils",), formats=("ttl", "nt", "nq", "trig")),  # no JSON-LD parser
    "riot": Tool("riot", apt=("libapache-jena-java", "default-jre-headless")),  # wrapper written by the script
    "oxigraph": Tool("oxigraph", pip=("oxigraph",)),  # the project's test extra
}


def apt_packages() -> list[str]:
    """The Debian packages the interop tests need, in a stable order."""
    return sorted({pkg for tool in TOOLS.values() for pkg in tool.apt})


def npm_packages() -> list[str]:
    """The npm packages the interop tests need (none: Jena reads JSON-LD)."""
    return sorted({pkg for tool in TOOLS.values() for pkg in tool.npm})


def in_ci(environ: Mapping[str, str]) -> bool:
    """Whether the tests run under CI, where a missing tool is a failure, not a skip."""
    return environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def find_tool(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The path of a tool: beside the running Python first (the venv's oxigraph), then on PATH."""
    environ = os.environ if environ is None else environ
    beside = Path(sys.executable).parent / TOOLS[name].command
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(TOOLS[name].command, path=environ.get("PATH"))


def missing_message(name: str) -> str:
    """What to run when a tool is missing."""
    tool = TOOLS[name]
    how = [f"apt-get install -y {' '.join(tool.apt)}"] if tool.apt else []
    how += [f"npm install -g {' '.join(tool.npm)}"] if tool.npm else []
    how += [f"pip install {' '.join(tool.pip)}"] if tool.pip else []
    return f"`{tool.command}` not found; run `bash {DEPS_SCRIPT.relative_to(ROOT)}` ({'; '.join(how)})"


def require_tool(name: str) -> str:
    """The tool's path; fail under CI when it is missing, skip otherwise."""
    path = find_tool(name)
    if path is None:
        if in_ci(os.environ):
            pytest.fail(missing_message(name), pytrace=False)
        pytest.skip(missing_message(name))
    return path


def test_deps_script_installs_every_package() -> None:
    script = DEPS_SCRIPT.read_text(encoding="utf-8")
    for pkg in apt_packages() + npm_packages():
        assert re.search(rf"\b{re.escape(pkg)}\b", script), f"{DEPS_SCRIPT.name} does not install {pkg}"
    assert os.access(DEPS_SCRIPT, os.X_OK) or script.startswith("#!/usr/bin/env bash")


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("TRUE", True), ("", False), ("false", False)])
def test_in_ci(value: str, expected: bool) -> None:
    assert in_ci({"CI": value}) is expected


def test_missing_message_says_how_to_install() -> None:
    assert "raptor2-utils" in missing_message("rapper") and "deps-interop.sh" in missing_message("riot")


# --------------------------------------------------------------------------------------------
# The data: seeds + an awkward article + the hardest literals
# --------------------------------------------------------------------------------------------

AWKWARD = '''---
subject: Siege of Ḥamāh "Quotes" (2014)
shortDescription: A test siege with "quotes", back\\slashes and Ünïcödé
description: |-
  First line with a "quote" and a back\\slash,
  second line: Ḥayʼat Taḥrīr al-Shām — O'Brien's Brigade (2nd).
author: Test Writer
pubDate: 2023-07-31 05:07
tags:
  - Siege of Ḥamāh "Quotes" (2014)
  - Syrian Civil War
  - |-
    Ḥayʼat Taḥrīr al-Shām
    Hezbollah "Radwan" [unit]
    * O'Brien's Brigade (2nd)
  - |-
    Syrian Arab Republic
    * Tiger Forces {elite} <b>
  - Sieges involving "odd" names & <brackets>
date:
  - March 2014 – 2015
place:
  - Ḥamāh Governorate Syria
---

The **siege** began in March 2014.

## Fighting
In April 2014, Hezbollah "Radwan" [unit] fighters entered the town of Kafr Zayta, according to SOHR. \
On 5 May 2014, the SOHR reported that at least 12 fighters of O'Brien's Brigade (2nd) were killed near Ṣūrān, \
a path written C:\\Temp\\x by the "clerk". In 2015, Ḥayʼat Taḥrīr al-Shām claimed it had captured the 47th Brigade base.
'''

HARD_GRAPH = ox.NamedNode("https://w3id.org/chronicon/id/article/Hard_literals")
HARD_LITERALS = {
    "newlines": "line one\nline two\r\nthree\ttab",
    "quotes": 'say """triple""" and \'single\' and a final backslash\\',
    "unicode": "zero\u200dwidth \u202eRTL\u202c \u2028LS\u2029PS 😀 𝔘 Ḥayʼat Taḥrīr al-Shām",
    "controls": "bell\x07 esc\x1b del\x7f",
    "keyword": "@context",
}
TEXT = ox.NamedNode("https://w3id.org/chronicon/event#text")


def _hard_quads() -> list[ox.Quad]:
    quads = [ox.Quad(ox.NamedNode(f"https://w3id.org/chronicon/id/claim/Hard_literals/{k}"), TEXT, ox.Literal(v), HARD_GRAPH)
             for k, v in HARD_LITERALS.items()]
    quads.append(ox.Quad(HARD_GRAPH, ox.NamedNode("http://purl.org/dc/terms/issued"),
                         ox.Literal("2014-03", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYearMonth")), HARD_GRAPH))
    return quads


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds + the awkward article, built by kg build (validated), then the hard literals in a graph of their own."""
    work = tmp_path_factory.mktemp("interop")
    articles = work / "articles"
    shutil.copytree(SEEDS, articles)
    (articles / 'Siege_of_Ḥamāh_"Quotes"_(2014).md').write_text(AWKWARD, encoding="utf-8")
    store = work / "store"
    report = build([articles], store=store)
    assert report.ok, report.skipped
    with writing(store) as writer:
        writer.replace_graph(HARD_GRAPH, _hard_quads())
        writer.manifest = read_manifest(store)
    return store


@pytest.fixture(scope="module")
def expected(store_dir: Path) -> dict[str, list[ox.Quad]]:
    """What every reader must give back: the default graph (as triples) and the named graphs."""
    store = open_read(store_dir)
    everything = list(store.quads_for_pattern(None, None, None))
    default = [q for q in everything if isinstance(q.graph_name, ox.DefaultGraph)]
    named = [q for q in everything if not isinstance(q.graph_name, ox.DefaultGraph)]
    return {"ttl": default, "nt": default, "nq": named, "trig": named, "jsonld": named}


@pytest.fixture(scope="module")
def exports(store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("exports")
    files = {}
    for fmt in FORMATS:
        files[fmt] = out / f"graph.{fmt}"
        with open(files[fmt], "wb") as fh:
            export_store(store_dir, fmt, fh)
    return files


def test_kg_export_writes_the_same_bytes(store_dir: Path, exports: dict[str, Path], tmp_path: Path) -> None:
    kg = Path(sys.executable).parent / "kg"
    for fmt in FORMATS:
        target = tmp_path / f"cli.{fmt}"
        subprocess.run([str(kg), "export", "--format", fmt, "--store", str(store_dir), "-o", str(target)], check=True)
        assert target.read_bytes() == exports[fmt].read_bytes(), fmt


def test_the_data_is_awkward_enough(expected: dict[str, list[ox.Quad]]) -> None:
    """The names and literals this suite promises to carry are really in the store."""
    iris = {t.value for q in expected["nq"] for t in (q.subject, q.object) if isinstance(t, ox.NamedNode)}
    literals = {q.object for q in expected["nq"] if isinstance(q.object, ox.Literal)}
    texts = {lit.value for lit in literals}
    for needle in ("ḥayʼat_taḥrīr_al-shām", "hezbollah_%22radwan%22", "o'brien's_brigade_(2nd)", "%7Belite%7D_%3Cb%3E"):
        assert any(needle in iri for iri in iris), needle
    for needle in ('"', "\\", "\n", "Ḥ", "😀"):
        assert any(needle in text for text in texts), repr(needle)
    datatypes = {lit.datatype.value.rsplit("#", 1)[1] for lit in literals}
    assert {"gYearMonth", "gYear", "date", "integer"} <= datatypes


# --------------------------------------------------------------------------------------------
# Comparing what a reader gives back with the store
# --------------------------------------------------------------------------------------------


def _has_blank(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)


def _rdflib_graph(quads: list[ox.Quad]) -> Graph:
    return Graph().parse(data="".join(f"{ox.Triple(q.subject, q.predicate, q.object)} .\n" for q in quads), format="nt")


def assert_same_quads(got: list[ox.Quad], want: list[ox.Quad], who: str) -> None:
    """Equal as datasets: ground quads exactly, quads with blank nodes graph by graph up to isomorphism."""
    assert len(got) == len(want), f"{who}: {len(got)} quads, the store has {len(want)}"
    ground_got = {q for q in got if not _has_blank(q)}
    ground_want = {q for q in want if not _has_blank(q)}
    missing, extra = sorted(map(str, ground_want - ground_got))[:5], sorted(map(str, ground_got - ground_want))[:5]
    assert not missing and not extra, f"{who}: missing {missing}, unexpected {extra}"
    graphs = {str(q.graph_name) for q in want if _has_blank(q)} | {str(q.graph_name) for q in got if _has_blank(q)}
    for g in graphs:
        mine = [q for q in want if _has_blank(q) and str(q.graph_name) == g]
        theirs = [q for q in got if _has_blank(q) and str(q.graph_name) == g]
        assert isomorphic(_rdflib_graph(theirs), _rdflib_graph(mine)), f"{who}: blank-node triples of {g} differ"


def _as_default(quads: list[ox.Quad]) -> list[ox.Quad]:
    return [ox.Quad(q.subject, q.predicate, q.object) for q in quads]


def _nquads(data: bytes) -> list[ox.Quad]:
    return list(ox.parse(data, format=ox.RdfFormat.N_QUADS))


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(args, capture_output=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}: {done.stderr.decode(errors='replace')[-2000:]}"
    return done


@pytest.fixture(scope="module")
def no_network() -> Iterator[None]:
    """Any attempt to open a connection fails the test (rdflib and PyLD must not fetch contexts)."""
    real = socket.socket.connect

    def refuse(self: socket.socket, address: object) -> None:
        raise AssertionError(f"network access attempted: {address!r}")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect = real  # type: ignore[method-assign]


# --------------------------------------------------------------------------------------------
# The readers
# --------------------------------------------------------------------------------------------

RAPPER_SYNTAX = {"ttl": "turtle", "nt": "ntriples", "nq": "nquads", "trig": "trig"}


@pytest.mark.parametrize("fmt", TOOLS["rapper"].formats)
def test_rapper_reads(fmt: str, exports: dict[str, Path], expected: dict[str, list[ox.Quad]]) -> None:
    rapper = require_tool("rapper")
    done = _run([rapper, "-i", RAPPER_SYNTAX[fmt], "-o", "nquads", str(exports[fmt])])
    reported = re.search(rb"Parsing returned (\d+) triples", done.stderr)
    assert reported, done.stderr
    assert int(reported[1]) == len(expected[fmt]), f"rapper counted {reported[1].decode()} in {fmt}"
    want = expected[fmt] if fmt in DATASET_FORMATS else _as_default(expected[fmt])
    assert_same_quads(_nquads(done.stdout), want, f"rapper/{fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_riot_reads(fmt: str, exports: dict[str, Path], expected: dict[str, list[ox.Quad]]) -> None:
    riot = require_tool("riot")
    # Jena's JSON-LD 1.1 reader needs the Parsson JSON provider, which Debian does not package.
    syntax = ["--syntax=jsonld10"] if fmt == "jsonld" else []
    done = _run([riot, "--strict", "--time", "--out=nq", *syntax, str(exports[fmt])])
    reported = re.search(rb"graph\.\w+ : [\d.]+ sec : ([\d,]+) (?:Triples|Quads)", done.stderr)
    assert reported, f"riot reported no count: {done.stderr.decode(errors='replace')}"
    assert int(reported[1].replace(b",", b"")) == len(expected[fmt]), f"riot counted {reported[1].decode()} in {fmt}"
    want = expected[fmt] if fmt in DATASET_FORMATS else _as_default(expected[fmt])
    assert_same_quads(_nquads(done.stdout), want, f"riot/{fmt}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_oxigraph_loads(fmt: str, exports: dict[str, Path], expected: dict[str, list[ox.Quad]], tmp_path: Path) -> None:
    oxigraph = require_tool("oxigraph")
    location = str(tmp_path / "fresh")
    _run([oxigraph, "load", "--location", location, "--file", str(exports[fmt])])
    count = _run([oxigraph, "query", "--location", location, "--results-format", "csv", "--query",
                  "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"]).stdout.decode()
    assert int(count.split()[-1]) == len(expected[fmt]), f"oxigraph counted {count.split()[-1]} in {fmt}"
    dump = _run([oxigraph, "dump", "--location", location, "--format", "nq"]).stdout
    want = expected[fmt] if fmt in DATASET_FORMATS else _as_default(expected[fmt])
    assert_same_quads(_nquads(dump), want, f"oxigraph/{fmt}")


RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib 7.6 warns about its own Dataset internals
@pytest.mark.parametrize("fmt", FORMATS)
def test_rdflib_reads(fmt: str, exports: dict[str, Path], expected: dict[str, list[ox.Quad]], no_network: None) -> None:
    ds = Dataset()
    ds.parse(data=exports[fmt].read_text(encoding="utf-8"), format=RDFLIB_FORMAT[fmt])
    text = ds.serialize(format="nquads", encoding="utf-8")
    got = _nquads(text)
    if fmt not in DATASET_FORMATS:  # rdflib puts a triples file in its own default graph
        got = _as_default(got)
    want = expected[fmt] if fmt in DATASET_FORMATS else _as_default(expected[fmt])
    assert_same_quads(got, want, f"rdflib/{fmt}")


def test_pyld_reads_jsonld(exports: dict[str, Path], expected: dict[str, list[ox.Quad]], no_network: None) -> None:
    from kg.jsonld import to_nquads_offline

    assert_same_quads(_nquads(to_nquads_offline(exports["jsonld"].read_bytes()).encode("utf-8")), expected["jsonld"], "pyld/jsonld")


def test_pyoxigraph_reads_strictly(exports: dict[str, Path], expected: dict[str, list[ox.Quad]]) -> None:
    syntax = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
              "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}
    for fmt in FORMATS:
        got = list(ox.parse(path=str(exports[fmt]), format=syntax[fmt]))
        want = expected[fmt] if fmt in DATASET_FORMATS else _as_default(expected[fmt])
        assert_same_quads(got, want, f"pyoxigraph/{fmt}")


@pytest.mark.xfail(strict=True, reason="raptor 2.0.15 cuts a literal at U+0000 (C strings): known reader limitation")
def test_rapper_keeps_a_nul_character(tmp_path: Path) -> None:
    rapper = require_tool("rapper")
    path = tmp_path / "nul.nt"
    path.write_text('<http://example.org/s> <http://example.org/p> "before\\u0000after" .\n', encoding="utf-8")
    out = _run([rapper, "-q", "-i", "ntriples", "-o", "ntriples", str(path)]).stdout
    assert _nquads(out)[0].object.value == "before\x00after"
