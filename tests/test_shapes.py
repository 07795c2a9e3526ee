"""ontology/shapes.ttl: well-formed, complete, and each constraint fails where it should, with its own message."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph
import pytest
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.vocab import EV, PREFIXES, ev_terms, shapes_path

ART = Namespace("https://w3id.org/chronicon/id/article/")
EVENT = Namespace("https://w3id.org/chronicon/id/event/")
AGENT = Namespace("https://w3id.org/chronicon/id/agent/")
PLACE = Namespace("https://w3id.org/chronicon/id/place/")
CLAIM = Namespace("https://w3id.org/chronicon/id/claim/")
SIDE = Namespace("https://w3id.org/chronicon/id/side/")
EVSH = Namespace("https://w3id.org/chronicon/shapes#")
PROV = Namespace(PREFIXES["prov"])
DCT = Namespace(PREFIXES["dct"])

CONTRACT_CLASSES = ["Event", "Agent", "Place", "Claim", "Side", "Casualties", "Article"]

# A small graph that keeps the contract, as the mapper would write it.
VALID = """
@prefix ev:      <https://w3id.org/chronicon/event#> .
@prefix article: <https://w3id.org/chronicon/id/article/> .
@prefix event:   <https://w3id.org/chronicon/id/event/> .
@prefix agent:   <https://w3id.org/chronicon/id/agent/> .
@prefix place:   <https://w3id.org/chronicon/id/place/> .
@prefix claim:   <https://w3id.org/chronicon/id/claim/> .
@prefix side:    <https://w3id.org/chronicon/id/side/> .
@prefix concept: <https://w3id.org/chronicon/id/concept/> .
@prefix wd:      <http://www.wikidata.org/entity/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dct:     <http://purl.org/dc/terms/> .

article:Idlib a ev:Article ; ev:file "2014_Idlib_offensive.md" ; dct:title "2014 Idlib offensive" ;
    ev:image <https://upload.example.org/idlib.jpg> .

event:idlib a ev:Event ; rdfs:label "2014 Idlib offensive" ; ev:summary "Rebel offensive in Syria" ;
    ev:startDate "2014-03-05"^^xsd:date ; ev:endDate "2014-05-25"^^xsd:date ;
    ev:place place:idlib_governorate ; ev:partOf event:war ; ev:side side:Idlib-1 , side:Idlib-2 ;
    ev:participant agent:fsa , agent:sar ; ev:claim claim:Idlib-0 , claim:Idlib-1 ;
    dct:subject concept:ops2014 ; prov:wasDerivedFrom article:Idlib .
event:war a ev:Event ; rdfs:label "Syrian civil war" ; ev:startDate "2011-03"^^xsd:gYearMonth ;
    prov:wasDerivedFrom article:Idlib ; owl:sameAs wd:Q178810 .
concept:ops2014 a skos:Concept ; skos:prefLabel "Military operations of the Syrian civil war in 2014" .

side:Idlib-1 a ev:Side ; ev:member agent:fsa .
side:Idlib-2 a ev:Side ; ev:member agent:sar .
agent:fsa a ev:Agent ; rdfs:label "Free Syrian Army" .
agent:sar a ev:Agent ; rdfs:label "Syrian Arab Republic" ; owl:sameAs wd:Q858 .
agent:saf a ev:Agent ; rdfs:label "Syrian Armed Forces" ; ev:memberOf agent:sar .
agent:suleimani a ev:Agent ; rdfs:label "Afif al-Suleimani" ; ev:role "head of Idlib's rebel Military Council" .

place:idlib_governorate a ev:Place ; rdfs:label "Idlib Governorate" ; ev:locatedIn place:syria ;
    owl:sameAs wd:Q233218 .
place:syria a ev:Place ; rdfs:label "Syria" ; owl:sameAs wd:Q858 .

claim:Idlib-0 a ev:Claim ; ev:text "The rebels began the operation on 5 March" ; ev:position 0 ;
    ev:section "Rebel offensive" ; ev:date "2014-03-05"^^xsd:date ; ev:dateKind ev:Explicit ;
    ev:stance ev:Reported ; ev:source agent:suleimani ;
    ev:mentions place:idlib_governorate , agent:fsa ;
    ev:casualties claim:Idlib-0-c0 , claim:Idlib-0-c1 ; prov:wasDerivedFrom article:Idlib .
claim:Idlib-0-c0 a ev:Casualties ; ev:count 18 ; ev:qualifier ev:AtLeast ; ev:kind ev:Killed ;
    ev:who "regular soldiers" .
claim:Idlib-0-c1 a ev:Casualties ; ev:qualifier ev:Dozens ; ev:kind ev:KilledAndWounded .
claim:Idlib-1 a ev:Claim ; ev:text "The Army denied this" ; ev:position 1 ; ev:section "Rebel offensive" ;
    ev:stance ev:Denied ; ev:source agent:sar ; ev:disputes claim:Idlib-0 ; prov:wasDerivedFrom article:Idlib .
"""


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(shapes_path(), format="turtle")


@pytest.fixture
def data() -> Graph:
    return Graph().parse(data=VALID, format="turtle")


def _results(data: Graph, shapes: Graph) -> tuple[bool, set[tuple[Node, str]]]:
    """Validate; return whether the data conforms and its (focus node, message) pairs."""
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none")
    assert isinstance(report, Graph)
    pairs = {
        (report.value(r, SH.focusNode), str(message))
        for r in report.subjects(RDF.type, SH.ValidationResult)
        for message in report.objects(r, SH.resultMessage)
    }
    return bool(conforms), pairs


def _message(shapes: Graph, target: URIRef, path: URIRef | None = None) -> str:
    """The sh:message of the property shape for ``path`` (or of the node shape itself) on ``target``."""
    found = []
    for node_shape in shapes.subjects(SH.targetClass, target):
        if path is None:
            if (node_shape, SH["or"], None) in shapes:
                found.append(shapes.value(node_shape, SH.message))
            continue
        for prop in shapes.objects(node_shape, SH.property):
            if shapes.value(prop, SH.path) == path:
                found.append(shapes.value(prop, SH.message))
    assert len(found) == 1, (target, path, found)
    return str(found[0])


# --- the shapes graph itself ------------------------------------------------------


def test_shapes_parse_with_rdflib_and_pyoxigraph(shapes: Graph) -> None:
    store = pyoxigraph.Store()
    store.load(path=str(shapes_path()), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(shapes) > 0


def test_shapes_are_valid_shacl(shapes: Graph, data: Graph) -> None:
    # meta_shacl checks the shapes graph against the SHACL-for-SHACL shapes first.
    conforms, _, text = validate(data, shacl_graph=shapes, inference="none", meta_shacl=True)
    assert conforms, text


@pytest.mark.parametrize("name", CONTRACT_CLASSES)
def test_every_contract_class_has_a_shape(shapes: Graph, name: str) -> None:
    assert any(shapes.subjects(SH.targetClass, EV[name]))


def test_every_shape_is_named_and_every_constraint_has_a_message(shapes: Graph) -> None:
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert len(node_shapes) >= len(CONTRACT_CLASSES)
    for node_shape in node_shapes:
        assert shapes.value(node_shape, SH.name) is not None, node_shape
        if (node_shape, SH["or"], None) in shapes:
            assert shapes.value(node_shape, SH.message) is not None, node_shape
        for prop in shapes.objects(node_shape, SH.property):
            assert shapes.value(prop, SH.name) is not None, (node_shape, shapes.value(prop, SH.path))
            assert shapes.value(prop, SH.message) is not None, (node_shape, shapes.value(prop, SH.path))


def test_shapes_use_only_declared_ev_terms(shapes: Graph) -> None:
    used = {t for triple in shapes for t in triple if isinstance(t, URIRef) and t.startswith(str(EV._NS))}
    assert used <= ev_terms()


# --- valid data ------------------------------------------------------------------


def test_valid_graph_conforms(shapes: Graph, data: Graph) -> None:
    conforms, results = _results(data, shapes)
    assert conforms, results


def test_ongoing_event_and_undated_claim_conform(shapes: Graph, data: Graph) -> None:
    data.remove((EVENT.idlib, EV.endDate, None))
    data.remove((CLAIM["Idlib-0"], EV.date, None))
    data.remove((CLAIM["Idlib-0"], EV.dateKind, None))
    assert _results(data, shapes) == (True, set())


# --- invalid data: each breaks one rule and gets exactly that rule's message -----------

Mutation = Callable[[Graph], None]


def _remove(s: URIRef, p: URIRef) -> Mutation:
    return lambda g: g.remove((s, p, None))


def _add(s: URIRef, p: URIRef, o: Node) -> Mutation:
    return lambda g: g.add((s, p, o))


def _replace(s: URIRef, p: URIRef, o: Node) -> Mutation:
    return lambda g: g.set((s, p, o))


C0 = CLAIM["Idlib-0"]
K0, K1 = CLAIM["Idlib-0-c0"], CLAIM["Idlib-0-c1"]

INVALID: list[tuple[str, Mutation, URIRef, URIRef | None, URIRef]] = [
    # (id, mutation, class of the shape, path of the property shape or None, focus node)
    ("claim-without-text", _remove(C0, EV.text), EV.Claim, EV.text, C0),
    ("casualties-without-kind", _remove(K0, EV.kind), EV.Casualties, EV.kind, K0),
    ("start-date-typed-string", _replace(EVENT.idlib, EV.startDate, Literal("2014-03-05")), EV.Event, EV.startDate, EVENT.idlib),
    ("event-without-label", _remove(EVENT.war, RDFS.label), EV.Event, RDFS.label, EVENT.war),
    ("event-label-with-language", _replace(EVENT.war, RDFS.label, Literal("Syrian civil war", lang="en")), EV.Event, RDFS.label, EVENT.war),
    ("end-date-ill-formed", _replace(EVENT.idlib, EV.endDate, Literal("2014-02-30", datatype=XSD.date)), EV.Event, EV.endDate, EVENT.idlib),
    ("two-start-dates", _add(EVENT.war, EV.startDate, Literal("2011", datatype=XSD.gYear)), EV.Event, EV.startDate, EVENT.war),
    ("event-derived-from-an-agent", _replace(EVENT.war, PROV.wasDerivedFrom, AGENT.fsa), EV.Event, PROV.wasDerivedFrom, EVENT.war),
    ("place-not-a-place", _add(EVENT.idlib, EV.place, AGENT.fsa), EV.Event, EV.place, EVENT.idlib),
    ("claim-position-negative", _replace(C0, EV.position, Literal(-1)), EV.Claim, EV.position, C0),
    ("claim-position-string", _replace(C0, EV.position, Literal("0")), EV.Claim, EV.position, C0),
    ("claim-without-stance", _remove(C0, EV.stance), EV.Claim, EV.stance, C0),
    ("claim-stance-not-a-stance", _replace(C0, EV.stance, EV.Killed), EV.Claim, EV.stance, C0),
    ("claim-date-kind-none", _replace(C0, EV.dateKind, EV["None"]), EV.Claim, EV.dateKind, C0),
    ("claim-mentions-a-claim", _add(C0, EV.mentions, CLAIM["Idlib-1"]), EV.Claim, EV.mentions, C0),
    ("claim-source-not-an-agent", _add(C0, EV.source, PLACE.syria), EV.Claim, EV.source, C0),
    ("claim-without-article", _remove(C0, PROV.wasDerivedFrom), EV.Claim, PROV.wasDerivedFrom, C0),
    ("claim-date-without-kind", _remove(C0, EV.dateKind), EV.Claim, None, C0),
    ("casualties-without-qualifier", _remove(K0, EV.qualifier), EV.Casualties, EV.qualifier, K0),
    ("casualties-count-negative", _replace(K0, EV.count, Literal(-3)), EV.Casualties, EV.count, K0),
    ("vague-casualties-with-count", _add(K1, EV.count, Literal(24)), EV.Casualties, None, K1),
    ("exact-casualties-without-count", _remove(K0, EV.count), EV.Casualties, None, K0),
    ("side-without-members", _remove(SIDE["Idlib-2"], EV.member), EV.Side, EV.member, SIDE["Idlib-2"]),
    ("agent-without-label", _remove(AGENT.saf, RDFS.label), EV.Agent, RDFS.label, AGENT.saf),
    ("agent-same-as-dbpedia", _add(AGENT.fsa, OWL.sameAs, URIRef("http://dbpedia.org/resource/Free_Syrian_Army")), EV.Agent, OWL.sameAs, AGENT.fsa),
    ("place-located-in-an-agent", _add(PLACE.syria, EV.locatedIn, AGENT.sar), EV.Place, EV.locatedIn, PLACE.syria),
    ("place-same-as-wikidata-property", _add(PLACE.syria, OWL.sameAs, URIRef("http://www.wikidata.org/prop/direct/P17")), EV.Place, OWL.sameAs, PLACE.syria),
    ("article-without-file", _remove(ART.Idlib, EV.file), EV.Article, EV.file, ART.Idlib),
    ("article-without-title", _remove(ART.Idlib, DCT.title), EV.Article, DCT.title, ART.Idlib),
    ("article-image-as-string", _replace(ART.Idlib, EV.image, Literal("https://upload.example.org/idlib.jpg")), EV.Article, EV.image, ART.Idlib),
]  # fmt: skip


@pytest.mark.parametrize(("mutate", "cls", "path", "focus"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID])
def test_invalid_graph_fails_with_the_shapes_message(
    shapes: Graph, data: Graph, mutate: Mutation, cls: URIRef, path: URIRef | None, focus: URIRef
) -> None:
    mutate(data)
    conforms, results = _results(data, shapes)
    assert not conforms
    assert results == {(focus, _message(shapes, cls, path))}
