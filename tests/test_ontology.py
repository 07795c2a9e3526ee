"""ontology/event.ttl and kg.vocab: the contract is declared, documented, mirrored and consistent."""

from __future__ import annotations

import typing
from pathlib import Path

import owlrl
import pyoxigraph
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS
from rdflib.plugins.sparql import prepareQuery

from kg import model, vocab
from kg.vocab import EV, ONTOLOGY_IRI, PREFIXES, ev_terms, ontology_path, sparql_prefixes

EVNS = Namespace(str(EV._NS))
ID = Namespace("https://w3id.org/chronicon/id/")
PROV = Namespace(PREFIXES["prov"])
SEM = Namespace(PREFIXES["sem"])
SCHEMA = Namespace(PREFIXES["schema"])
# owlrl writes each inconsistency it finds as an err:ErrorMessage node.
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

# The vocabulary contract of docs/DESIGN.md, written out here because it *is* the
# contract: the ontology may grow, but none of these may go or change kind.
CONTRACT_CLASSES = {"Event", "Agent", "Place", "Claim", "Side", "Casualties", "Article"}
CONTRACT_OBJECT_PROPERTIES = {
    "place": ("Event", "Place"),
    "locatedIn": ("Place", "Place"),
    "partOf": ("Event", "Event"),
    "side": ("Event", "Side"),
    "member": ("Side", "Agent"),
    "participant": ("Event", "Agent"),
    "memberOf": ("Agent", "Agent"),
    "claim": ("Event", "Claim"),
    "dateKind": ("Claim", "DateKind"),
    "source": ("Claim", "Agent"),
    "stance": ("Claim", "Stance"),
    "mentions": ("Claim", None),  # Place or Agent: checked on its own
    "casualties": ("Claim", "Casualties"),
    "qualifier": ("Casualties", "Qualifier"),
    "kind": ("Casualties", "CasualtyKind"),
    "disputes": ("Claim", "Claim"),
}
CONTRACT_DATATYPE_PROPERTIES = {
    "startDate": ("Event", EVNS.CalendarDate),
    "endDate": ("Event", EVNS.CalendarDate),
    "text": ("Claim", XSD.string),
    "position": ("Claim", XSD.integer),
    "section": ("Claim", XSD.string),
    "date": ("Claim", EVNS.CalendarDate),
    "count": ("Casualties", XSD.integer),
    "who": ("Casualties", XSD.string),
    "file": ("Article", XSD.string),
}
CONTRACT_INDIVIDUALS = {
    "DateKind": ["Explicit", "Relative", "Inherited", "None"],
    "Stance": ["Asserted", "Reported", "Claimed", "Denied"],
    "Qualifier": ["Exact", "AtLeast", "About", "Tens", "Dozens", "Several"],
    "CasualtyKind": ["Killed", "Wounded", "KilledAndWounded", "Captured", "Missing"],
}
# Beyond the contract: added for the mapper (see the ontology's comments).
ADDED_PROPERTIES = {"role", "image", "summary", "linkOf", "linkTarget", "linkScore", "linkEvidence"}
# The gold-file values (kg.model) each enumeration stands for, via skos:notation.
MODEL_LITERALS = {
    "DateKind": model.DateKind,
    "Stance": model.Stance,
    "Qualifier": model.Qualifier,
    "CasualtyKind": model.CasualtyKind,
}

DECLARATION_TYPES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
    RDFS.Datatype,
}
PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty}

# A small graph in the shape the mapper emits, touching every contract property.
SAMPLE = """
@prefix ev:      <https://w3id.org/chronicon/event#> .
@prefix article: <https://w3id.org/chronicon/id/article/> .
@prefix event:   <https://w3id.org/chronicon/id/event/> .
@prefix agent:   <https://w3id.org/chronicon/id/agent/> .
@prefix place:   <https://w3id.org/chronicon/id/place/> .
@prefix claim:   <https://w3id.org/chronicon/id/claim/> .
@prefix side:    <https://w3id.org/chronicon/id/side/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dct:     <http://purl.org/dc/terms/> .

article:Idlib a ev:Article ; ev:file "2014_Idlib_offensive.md" ; dct:title "2014 Idlib offensive" ;
    ev:image <https://example.org/idlib.jpg> .
event:idlib a ev:Event ; rdfs:label "2014 Idlib offensive" ; ev:summary "Rebel offensive" ;
    ev:startDate "2014-03-05"^^xsd:date ; ev:endDate "2014-05"^^xsd:gYearMonth ;
    ev:place place:idlib_governorate ; ev:partOf event:war ; ev:side side:Idlib-1 ;
    ev:claim claim:Idlib-0 , claim:Idlib-1 ; prov:wasDerivedFrom article:Idlib .
event:war a ev:Event ; rdfs:label "Syrian civil war" ; ev:startDate "2011"^^xsd:gYear .
side:Idlib-1 a ev:Side ; ev:member agent:fsa .
agent:fsa a ev:Agent ; rdfs:label "Free Syrian Army" .
agent:unit a ev:Agent ; rdfs:label "13th Division" ; ev:memberOf agent:fsa .
agent:sohr a ev:Agent ; rdfs:label "SOHR" ; ev:role "monitoring group" .
place:idlib_governorate a ev:Place ; rdfs:label "Idlib Governorate" ; ev:locatedIn place:syria .
place:syria a ev:Place ; rdfs:label "Syria" .
claim:Idlib-0 a ev:Claim ; ev:text "The rebels began the operation on 5 March" ; ev:position 0 ;
    ev:section "Rebel offensive" ; ev:date "2014-03-05"^^xsd:date ; ev:dateKind ev:Explicit ;
    ev:stance ev:Reported ; ev:source agent:sohr ; ev:mentions place:syria , agent:fsa ;
    ev:casualties claim:Idlib-0-casualties-0 ; prov:wasDerivedFrom article:Idlib .
claim:Idlib-0-casualties-0 a ev:Casualties ; ev:count 18 ; ev:qualifier ev:AtLeast ;
    ev:kind ev:Killed ; ev:who "regular soldiers" .
claim:Idlib-1 a ev:Claim ; ev:text "The army denied this" ; ev:position 1 ; ev:stance ev:Denied ;
    ev:disputes claim:Idlib-0 ; prov:wasDerivedFrom article:Idlib .
"""


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_path(), format="turtle")


def _declared_ev_terms(g: Graph) -> set[URIRef]:
    return {s for t in DECLARATION_TYPES for s in g.subjects(RDF.type, t) if isinstance(s, URIRef) and s.startswith(str(EV._NS))}


def _closure(*graphs: Graph) -> Graph:
    g = Graph()
    for part in graphs:
        g += part
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    return g


def _inconsistencies(g: Graph) -> list[str]:
    errors = [str(g.value(m, ERR.error)) for m in g.subjects(RDF.type, ERR.ErrorMessage)]
    errors += [f"{s} is an owl:Nothing" for s in g.subjects(RDF.type, OWL.Nothing)]
    return errors


# --- parsing -----------------------------------------------------------------


def test_ontology_path_is_the_checkout_copy() -> None:
    assert ontology_path() == Path(__file__).resolve().parent.parent / "ontology" / "event.ttl"


def test_ontology_parses_with_rdflib_and_pyoxigraph(ontology: Graph) -> None:
    store = pyoxigraph.Store()
    store.load(path=str(ontology_path()), format=pyoxigraph.RdfFormat.TURTLE)
    # Both parsers see the same number of triples (blank nodes included).
    assert len(store) == len(ontology) > 0


def test_ontology_header(ontology: Graph) -> None:
    assert set(ontology.subjects(RDF.type, OWL.Ontology)) == {ONTOLOGY_IRI}
    for p in (OWL.versionInfo, OWL.versionIRI, DCTERMS.title, DCTERMS.description, DCTERMS.license):
        assert ontology.value(ONTOLOGY_IRI, p) is not None, p
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.created).datatype == XSD.date
    assert str(ontology.value(ONTOLOGY_IRI, OWL.versionIRI)).startswith(str(ONTOLOGY_IRI) + "/")


# --- EV mirrors the ontology ---------------------------------------------------


def test_ev_terms_equal_declared_terms(ontology: Graph) -> None:
    declared = _declared_ev_terms(ontology)
    assert ev_terms() - declared == set(), "in EV but not declared in event.ttl"
    assert declared - ev_terms() == set(), "declared in event.ttl but missing from EV"


def test_ev_rejects_unknown_terms() -> None:
    with pytest.raises(AttributeError):
        EV.startdate  # noqa: B018 - the lookup itself must fail
    with pytest.raises(AttributeError):
        EV["Battle"]


def test_ev_reaches_none_by_item() -> None:
    assert EV["None"] == URIRef(str(EV._NS) + "None")
    assert EV.startDate == URIRef("https://w3id.org/chronicon/event#startDate")


# --- the contract ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CONTRACT_CLASSES | set(CONTRACT_INDIVIDUALS)))
def test_contract_class_declared(ontology: Graph, name: str) -> None:
    assert (EV[name], RDF.type, OWL.Class) in ontology


@pytest.mark.parametrize("name", sorted(CONTRACT_OBJECT_PROPERTIES))
def test_contract_object_property(ontology: Graph, name: str) -> None:
    domain, range_ = CONTRACT_OBJECT_PROPERTIES[name]
    assert (EV[name], RDF.type, OWL.ObjectProperty) in ontology
    assert ontology.value(EV[name], RDFS.domain) == EV[domain]
    if range_ is not None:
        assert ontology.value(EV[name], RDFS.range) == EV[range_]


def test_mentions_ranges_over_places_and_agents(ontology: Graph) -> None:
    union = ontology.value(EV.mentions, RDFS.range)
    assert isinstance(union, BNode)
    assert set(Collection(ontology, ontology.value(union, OWL.unionOf))) == {EV.Place, EV.Agent}


@pytest.mark.parametrize("name", sorted(CONTRACT_DATATYPE_PROPERTIES))
def test_contract_datatype_property(ontology: Graph, name: str) -> None:
    domain, range_ = CONTRACT_DATATYPE_PROPERTIES[name]
    assert (EV[name], RDF.type, OWL.DatatypeProperty) in ontology
    assert ontology.value(EV[name], RDFS.domain) == EV[domain]
    assert ontology.value(EV[name], RDFS.range) == range_


def test_calendar_date_is_the_union_of_the_three_date_types(ontology: Graph) -> None:
    assert (EV.CalendarDate, RDF.type, RDFS.Datatype) in ontology
    union = ontology.value(EV.CalendarDate, OWL.equivalentClass)
    assert (union, RDF.type, RDFS.Datatype) in ontology
    members = list(Collection(ontology, ontology.value(union, OWL.unionOf)))
    assert members == [XSD.date, XSD.gYearMonth, XSD.gYear]


@pytest.mark.parametrize("cls", sorted(CONTRACT_INDIVIDUALS))
def test_enumeration(ontology: Graph, cls: str) -> None:
    names = CONTRACT_INDIVIDUALS[cls]
    one_of = ontology.value(ontology.value(EV[cls], OWL.equivalentClass), OWL.oneOf)
    assert list(Collection(ontology, one_of)) == [EV[n] for n in names]
    for n in names:
        assert (EV[n], RDF.type, OWL.NamedIndividual) in ontology
        assert (EV[n], RDF.type, EV[cls]) in ontology
    # skos:notation gives exactly the values the gold files (kg.model) use.
    notations = [str(ontology.value(EV[n], SKOS.notation)) for n in names]
    assert notations == list(typing.get_args(MODEL_LITERALS[cls]))


# --- documentation --------------------------------------------------------------


@pytest.mark.parametrize("term", sorted(ev_terms()), ids=lambda t: t.split("#")[1])
def test_term_documented(ontology: Graph, term: URIRef) -> None:
    label = ontology.value(term, RDFS.label)
    comment = ontology.value(term, RDFS.comment)
    assert isinstance(label, Literal) and label.language == "en"
    assert isinstance(comment, Literal) and comment.language == "en" and len(comment) > 10
    assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI


def test_every_property_has_one_domain_and_one_range(ontology: Graph) -> None:
    properties = {s for t in PROPERTY_TYPES for s in ontology.subjects(RDF.type, t) if s in ev_terms()}
    contract = set(CONTRACT_OBJECT_PROPERTIES) | set(CONTRACT_DATATYPE_PROPERTIES)
    assert properties == {EV[n] for n in contract | ADDED_PROPERTIES}
    for p in properties:
        assert len(set(ontology.objects(p, RDFS.domain))) == 1, p
        assert len(set(ontology.objects(p, RDFS.range))) == 1, p
        # A datatype property ranges over a datatype, an object property over a class.
        range_ = ontology.value(p, RDFS.range)
        is_datatype = range_.startswith(str(XSD)) or (range_, RDF.type, RDFS.Datatype) in ontology
        assert is_datatype == ((p, RDF.type, OWL.DatatypeProperty) in ontology), p


# --- OWL 2 RL -----------------------------------------------------------------------


def test_owl_rl_closure_of_ontology_and_sample_is_consistent(ontology: Graph) -> None:
    closed = _closure(ontology, Graph().parse(data=SAMPLE, format="turtle"))
    assert _inconsistencies(closed) == []


def test_owl_rl_closure_draws_the_alignments(ontology: Graph) -> None:
    closed = _closure(ontology, Graph().parse(data=SAMPLE, format="turtle"))
    # ev:side o ev:member -> ev:participant
    assert (ID["event/idlib"], EV.participant, ID["agent/fsa"]) in closed
    assert (ID["event/idlib"], SEM.hasActor, ID["agent/fsa"]) in closed
    assert (ID["claim/Idlib-0"], PROV.wasAttributedTo, ID["agent/sohr"]) in closed
    assert (ID["agent/sohr"], RDF.type, PROV.Agent) in closed
    assert (ID["event/idlib"], RDF.type, SCHEMA.Event) in closed
    assert (ID["event/idlib"], SEM.subEventOf, ID["event/war"]) in closed
    # Mappings are annotations, not axioms: no class becomes a skos:Concept.
    assert (EV.Event, RDF.type, SKOS.Concept) not in closed


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("id:x a ev:Event , ev:Claim .", id="event-and-claim"),
        pytest.param('id:x a ev:Event ; ev:text "clause" .', id="text-on-an-event"),
        pytest.param("id:c ev:disputes id:c .", id="claim-disputes-itself"),
        # A non-final pair of the enumeration: owlrl 7.6 never checks the last member
        # of an owl:AllDifferent list (https://github.com/RDFLib/OWL-RL/issues/85).
        pytest.param("id:c ev:stance ev:Asserted , ev:Reported .", id="two-stances"),
    ],
)
def test_owl_rl_closure_finds_inconsistencies(ontology: Graph, bad: str) -> None:
    data = Graph().parse(
        data="@prefix ev: <https://w3id.org/chronicon/event#> .\n@prefix id: <https://w3id.org/chronicon/id/> .\n" + bad,
        format="turtle",
    )
    assert _inconsistencies(_closure(ontology, data)) != []


# --- prefixes and paths ------------------------------------------------------------


def test_prefixes() -> None:
    assert set(PREFIXES) == {
        "ev", "rdf", "rdfs", "owl", "xsd", "skos", "dct", "prov", "schema", "wd", "wdt", "sh", "sem",
    }  # fmt: skip
    assert PREFIXES["ev"] == str(EV._NS)
    assert PREFIXES["schema"] == "https://schema.org/"
    assert PREFIXES["dct"] == "http://purl.org/dc/terms/"


def test_ontology_binds_the_same_prefixes(ontology: Graph) -> None:
    bound = {p: str(ns) for p, ns in ontology.namespaces()}
    for prefix, iri in PREFIXES.items():
        if prefix in bound and prefix != "sh":
            assert bound[prefix] == iri, prefix


def test_sparql_prefixes_parse() -> None:
    query = sparql_prefixes() + "SELECT ?c WHERE { ?c a ev:Claim ; prov:wasDerivedFrom ?a ; ev:date ?d }"
    prepareQuery(query)
    assert sparql_prefixes().count("PREFIX ") == len(PREFIXES)


def test_data_files_prefer_the_installed_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed, checkout = tmp_path / "kg" / "_data" / "ontology", tmp_path / "ontology"
    monkeypatch.setattr(vocab, "_ONTOLOGY_DIRS", (installed, checkout))
    checkout.mkdir(parents=True)
    (checkout / "event.ttl").write_text("")
    (checkout / "shapes.ttl").write_text("")
    assert vocab.ontology_path() == checkout / "event.ttl"
    installed.mkdir(parents=True)
    (installed / "event.ttl").write_text("")
    assert vocab.ontology_path() == installed / "event.ttl"
    assert vocab.shapes_path() == checkout / "shapes.ttl"


def test_data_files_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vocab, "_ONTOLOGY_DIRS", (tmp_path / "a", tmp_path / "b"))
    with pytest.raises(FileNotFoundError, match="event.ttl"):
        vocab.ontology_path()
