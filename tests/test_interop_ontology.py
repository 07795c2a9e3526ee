"""The ontology for tools and people: it loads everywhere, an OWL 2 RL closure over it and the
seed graph finds no inconsistency, and kg/ontodoc.py documents every term at its own anchor."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import owlrl
import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF

from kg.build import build
from kg.ontodoc import render_ontology_html
from kg.vocab import EV, ev_terms, ontology_path

ROOT = Path(__file__).resolve().parent.parent
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")  # where owlrl writes inconsistencies


def test_ontology_loads_in_rdflib_and_pyoxigraph() -> None:
    g = Graph().parse(ontology_path(), format="turtle")
    triples = list(ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE))
    assert len(g) == len(set(map(str, triples))) > 300
    assert (URIRef("https://w3id.org/chronicon/event"), RDF.type, OWL.Ontology) in g


@pytest.fixture(scope="module")
def seed_graph(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    out = tmp_path_factory.mktemp("owl") / "seeds.nt"
    assert build([ROOT / "seeds"], out=out).ok
    return Graph().parse(out, format="nt")


def _closure(data: Graph) -> Graph:
    g = Graph()
    for t in data:
        g.add(t)
    g.parse(ontology_path(), format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    return g


def _problems(g: Graph) -> list[str]:
    return sorted([f"{s} is owl:Nothing" for s in g.subjects(RDF.type, OWL.Nothing)]
                  + [str(m) for e in g.subjects(RDF.type, ERR.ErrorMessage) for m in g.objects(e, ERR.error)])


def test_owl_rl_closure_is_consistent(seed_graph: Graph) -> None:
    closed = _closure(seed_graph)
    assert _problems(closed) == []
    # the closure did reason: the property chain side/member gives participants, subclasses give types
    assert len(closed) > 2 * len(seed_graph)
    assert any(True for _ in closed.subjects(RDF.type, URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/Event")))


def test_owl_rl_closure_finds_a_planted_inconsistency() -> None:
    """A positive control: a node that is both an agent and an event breaks the disjointness axiom."""
    bad = Graph()
    node = URIRef("https://w3id.org/chronicon/id/agent/x")
    bad.add((node, RDF.type, EV.Agent))
    bad.add((node, RDF.type, EV.Event))
    assert _problems(_closure(bad)), "owlrl should report the disjointness violation"


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.append(value)
            if name == "href" and value:
                self.hrefs.append(value)


def test_ontodoc_has_an_anchor_per_term() -> None:
    html = render_ontology_html()
    parser = _Ids()
    parser.feed(html)
    assert len(parser.ids) == len(set(parser.ids)), "duplicate ids"
    ns = str(EV._NS)
    assert {str(t)[len(ns):] for t in ev_terms()} <= set(parser.ids)
    dangling = {h[1:] for h in parser.hrefs if h.startswith("#")} - set(parser.ids)
    assert not dangling, dangling
    assert html.startswith("<!DOCTYPE html>") and "<title>Chronicon event ontology</title>" in html
    claim = html[html.index('id="Claim"'):]
    assert "prov:Entity" in claim[:3000] and "schema:Claim" in claim[:3000]  # alignments are shown
    mentions = html[html.index('id="mentions"'):]
    assert '<a href="#Place"><code>ev:Place</code></a> or <a href="#Agent"><code>ev:Agent</code></a>' in mentions[:3000]


def test_ontodoc_escapes_what_it_reads(tmp_path: Path) -> None:
    path = tmp_path / "evil.ttl"
    path.write_text(ontology_path().read_text(encoding="utf-8") + '''
ev:Claim rdfs:comment "<script>alert(1)</script> & \\"quotes\\""@en .
''', encoding="utf-8")
    html = render_ontology_html(path)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;" in html
