"""kg/jsonld.py: the published context, the event-framed export, and its round trip through PyLD."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.build import build
from kg.export import export_store
from kg.jsonld import CONTEXT, FRAME, context_document, graph_objects, to_nquads_offline, write_jsonld
from kg.store import open_read

ROOT = Path(__file__).resolve().parent.parent
EV = "https://w3id.org/chronicon/event#"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("jsonld") / "store"
    assert build([ROOT / "seeds"], store=store).ok
    return store


@pytest.fixture(scope="module")
def exported(store_dir: Path) -> dict[str, bytes]:
    out = {}
    for fmt in ("jsonld", "nq"):
        buffer = io.BytesIO()
        export_store(store_dir, fmt, buffer)
        out[fmt] = buffer.getvalue()
    return out


def _graphs(nquads: str) -> dict[str, Graph]:
    """Graph name → rdflib graph (pyoxigraph splits the quads: rdflib's Dataset warns about itself)."""
    lines: dict[str, list[str]] = {}
    for q in ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS):
        lines.setdefault(str(q.graph_name), []).append(f"{ox.Triple(q.subject, q.predicate, q.object)} .\n")
    return {name: Graph().parse(data="".join(triples), format="nt") for name, triples in lines.items()}


def assert_same_dataset(a: str, b: str) -> None:
    ga, gb = _graphs(a), _graphs(b)
    assert sorted(ga) == sorted(gb)
    for name in ga:
        assert isomorphic(ga[name], gb[name]), name


def test_context_has_the_published_terms() -> None:
    for term in ("label", "startDate", "endDate", "place", "locatedIn", "partOf", "sides", "members", "participants",
                 "claims", "text", "position", "section", "date", "dateKind", "source", "stance", "mentions",
                 "casualties", "count", "qualifier", "kind", "who", "disputes", "sameAs", "categories"):
        assert term in CONTEXT, term
    assert CONTEXT["place"]["@type"] == "@id" and CONTEXT["stance"]["@type"] == "@vocab"
    assert CONTEXT["date"]["@type"] == "xsd:date"
    assert not any(isinstance(v, dict) and ("@protected" in v or "@context" in v) for v in CONTEXT.values()), "JSON-LD 1.0 only"
    assert json.loads(context_document()) == {"@context": CONTEXT}


def test_export_has_the_context_inline(exported: dict[str, bytes]) -> None:
    doc = json.loads(exported["jsonld"])
    assert doc["@context"] == CONTEXT  # a dict, never a URL to fetch (THREATS 33)
    assert set(doc) == {"@context", "@graph"}


def test_export_round_trips_through_pyld(exported: dict[str, bytes]) -> None:
    """expand → to_rdf (PyLD, no remote document allowed) is the N-Quads export, graph by graph."""
    assert_same_dataset(to_nquads_offline(exported["jsonld"]), exported["nq"].decode("utf-8"))


def test_events_carry_their_claims_and_casualties(exported: dict[str, bytes]) -> None:
    doc = json.loads(exported["jsonld"])
    events = [node for graph in doc["@graph"] for node in graph["@graph"] if node.get("type") == "Event" and "claims" in node]
    assert events, "no event with claims"
    claims = [c for e in events for c in e["claims"]]
    assert all(isinstance(c, dict) and c["type"] == "Claim" for c in claims)
    assert [c["position"] for c in events[0]["claims"]] == sorted(c["position"] for c in events[0]["claims"])
    figures = [f for c in claims for f in c.get("casualties", [])]
    assert figures and all(isinstance(f, dict) and f["type"] == "Casualties" for f in figures)
    assert all(f["kind"] in {"Killed", "Wounded", "KilledAndWounded", "Captured", "Missing"} for f in figures)
    assert any(isinstance(f.get("count"), int) for f in figures)


def test_build_out_jsonld_equals_kg_export(store_dir: Path, exported: dict[str, bytes], tmp_path: Path) -> None:
    out = tmp_path / "graph.jsonld"
    build([ROOT / "seeds"], out=out)
    assert out.read_bytes() == exported["jsonld"]


def _store(nquads: str) -> ox.Store:
    store = ox.Store()
    store.load(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store


AWKWARD = f"""
<http://ex.org/e> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EV}Event> <http://ex.org/g> .
<http://ex.org/e> <{EV}startDate> "2014"^^<{XSD}gYear> <http://ex.org/g> .
<http://ex.org/e> <{EV}endDate> "2014-05-25"^^<{XSD}date> <http://ex.org/g> .
<http://ex.org/e> <http://www.w3.org/2000/01/rdf-schema#label> "@id" <http://ex.org/g> .
<http://ex.org/e> <http://www.w3.org/2000/01/rdf-schema#label> "Événement"@fr <http://ex.org/g> .
<http://ex.org/e> <http://example.org/unknown#p> "@context" <http://ex.org/g> .
<http://ex.org/e> <{EV}claim> <http://ex.org/c0> <http://ex.org/g> .
<http://ex.org/c0> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EV}Claim> <http://ex.org/g> .
<http://ex.org/c0> <{EV}position> "007"^^<{XSD}integer> <http://ex.org/g> .
<http://ex.org/c0> <{EV}stance> <http://example.org/not-ours#Stance> <http://ex.org/g> .
<http://ex.org/c0> <{EV}casualties> _:k <http://ex.org/g> .
<http://ex.org/c0> <{EV}disputes> <http://ex.org/c0> <http://ex.org/g> .
_:k <{EV}count> "123456789012345678901234567890"^^<{XSD}integer> <http://ex.org/g> .
_:k <{EV}who> "line\\nbreak \\"quoted\\" back\\\\slash" <http://ex.org/g> .
<http://ex.org/p> <{EV}locatedIn> "not an IRI" <http://ex.org/g> .
"""


def test_awkward_values_survive(tmp_path: Path) -> None:
    """Datatypes that do not match a term, keyword-like strings, big integers, blank nodes, languages."""
    buffer = io.BytesIO()
    write_jsonld(_store(AWKWARD), buffer)
    text = buffer.getvalue().decode("utf-8")
    assert_same_dataset(to_nquads_offline(text), AWKWARD)
    event = json.loads(text)["@graph"][0]["@graph"][0]
    assert event["startDate"] == {"@value": "2014", "@type": "xsd:gYear"}
    assert event["endDate"] == "2014-05-25"
    assert event["claims"][0]["casualties"][0]["count"] == {"@value": "123456789012345678901234567890", "@type": "xsd:integer"}


def test_graph_objects_embed_only_once() -> None:
    """A claim that two events name is not embedded in either: it stays a node of its own."""
    e1, e2, c = (ox.NamedNode(f"http://ex.org/{n}") for n in ("e1", "e2", "c"))
    typ, claim = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(EV + "claim")
    triples = [(e1, typ, ox.NamedNode(EV + "Event")), (e2, typ, ox.NamedNode(EV + "Event")),
               (e1, claim, c), (e2, claim, c), (c, typ, ox.NamedNode(EV + "Claim"))]
    nodes = graph_objects(triples)
    assert [n["id"] for n in nodes] == ["http://ex.org/e1", "http://ex.org/e2", "http://ex.org/c"]
    assert nodes[0]["claims"] == ["http://ex.org/c"]


def test_frame_nests_claims_with_pyld(store_dir: Path) -> None:
    """FRAME applied by a JSON-LD processor to one article's graph gives the same nesting."""
    from pyld import jsonld

    store = open_read(store_dir)
    graph = next(g for g in store.named_graphs() if "2014_Idlib" in g.value)
    buffer = io.BytesIO()
    ox.serialize((ox.Quad(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)),
                 buffer, ox.RdfFormat.N_QUADS)
    loader = _no_loader
    expanded = jsonld.from_rdf(buffer.getvalue().decode("utf-8"), {"format": "application/n-quads"})
    framed: dict[str, Any] = jsonld.frame(expanded, FRAME, {"documentLoader": loader})
    events = framed["@graph"] if "@graph" in framed else [framed]
    main = next(e for e in events if e.get("claims"))
    assert isinstance(main["claims"][0], dict) and main["claims"][0]["type"] == "Claim"


def _no_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    raise AssertionError(f"PyLD tried to load {url}")


def test_output_is_deterministic(store_dir: Path, exported: dict[str, bytes], tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(store_dir, copy)
    buffer = io.BytesIO()
    export_store(copy, "jsonld", buffer)
    assert buffer.getvalue() == exported["jsonld"]
