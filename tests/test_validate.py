"""kg validate, and kg build's refusal to publish a graph that breaks a shape."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDFS, XSD, BNode, Graph, Literal, URIRef

import kg.build
import kg.validate
from kg.build import build
from kg.shapes import ShapesError, compile_shapes
from kg.store import POINTER, current_version, open_read, read_manifest, writing
from kg.validate import ShapeViolation, validate_graph, validate_oxigraph, validate_store
from tests.test_shapes import AGENT, ART, CLAIM, DCT, EVENT, INVALID, PLACE, PROV, SIDE, VALID, Mutation, _add, _remove, _replace

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


# --- the SPARQL validator against pyshacl, its reference --------------------------------------------

C0, C1 = CLAIM["Idlib-0"], CLAIM["Idlib-1"]
K0, K1 = CLAIM["Idlib-0-c0"], CLAIM["Idlib-0-c1"]
SKOS_CONCEPT = URIRef("http://www.w3.org/2004/02/skos/core#Concept")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _ev(name: str) -> URIRef:
    return URIRef(EV + name)


def _flat(store: ox.Store) -> kg.validate.ValidationReport:
    """The report of the lookup forms only (what a store too big for hash joins gets)."""
    hash_rows, kg.validate.HASH_ROWS = kg.validate.HASH_ROWS, 0
    try:
        return validate_oxigraph(store)
    finally:
        kg.validate.HASH_ROWS = hash_rows


def _both(mutate: Mutation | None = None) -> tuple[set[tuple[str, str, str]], set[tuple[str, str, str]]]:
    """(shape, focus, path) of every violation the SPARQL validator and pyshacl report on VALID, mutated."""
    data = Graph().parse(data=VALID, format="turtle")
    if mutate is not None:
        mutate(data)
    store = ox.Store()
    store.load(data.serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    mine = validate_oxigraph(store)
    flat = _flat(store)
    assert sorted(flat.violations) == sorted(mine.violations)
    reference = validate_graph(data)
    assert mine.triples == reference.triples
    return ({(v.shape, v.focus, v.path) for v in mine.violations}, {(v.shape, v.focus, v.path) for v in reference.violations})


def _chain(*mutations: Mutation) -> Mutation:
    def mutate(g: Graph) -> None:
        for m in mutations:
            m(g)
    return mutate


# Every constraint kind of ontology/shapes.ttl broken at least once (with tests/test_shapes.py's INVALID):
# (id, mutation, the shape whose violation it must cause)
BREAKS: list[tuple[str, Mutation, str]] = [
    ("event-label-typed-integer", _add(EVENT.war, RDFS.label, Literal(7)), "event / label"),
    ("event-two-end-dates", _add(EVENT.idlib, _ev("endDate"), Literal("2014-05-26", datatype=XSD.date)), "event / end date"),
    ("event-end-date-a-datetime", _replace(EVENT.idlib, _ev("endDate"), Literal("2014-05-25T00:00:00", datatype=XSD.dateTime)), "event / end date"),
    ("event-start-date-bad-date", _replace(EVENT.war, _ev("startDate"), Literal("2011-13-45", datatype=XSD.date)), "event / start date"),
    ("event-part-of-a-place", _add(EVENT.idlib, _ev("partOf"), PLACE.syria), "event / part of"),
    ("event-side-an-agent", _add(EVENT.idlib, _ev("side"), AGENT.fsa), "event / side"),
    ("event-participant-a-string", _add(EVENT.idlib, _ev("participant"), Literal("FSA")), "event / participant"),
    ("event-claim-an-article", _add(EVENT.idlib, _ev("claim"), ART.Idlib), "event / claim"),
    ("event-two-summaries", _add(EVENT.idlib, _ev("summary"), Literal("Another summary")), "event / summary"),
    ("event-summary-language", _replace(EVENT.idlib, _ev("summary"), Literal("Rebel offensive", lang="en")), "event / summary"),
    ("event-subject-not-a-concept", _add(EVENT.idlib, DCT.subject, AGENT.fsa), "event / category"),
    ("event-same-as-a-literal", _add(EVENT.war, OWL.sameAs, Literal("http://www.wikidata.org/entity/Q178810")), "event / Wikidata link"),
    ("event-same-as-q0", _add(EVENT.war, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q0")), "event / Wikidata link"),
    ("claim-two-texts", _add(C0, _ev("text"), Literal("Another text")), "claim / text"),
    ("claim-text-an-iri", _replace(C0, _ev("text"), AGENT.fsa), "claim / text"),
    ("claim-without-position", _remove(C0, _ev("position")), "claim / position"),
    ("claim-two-positions", _add(C0, _ev("position"), Literal(5)), "claim / position"),
    ("claim-position-ill-typed", _replace(C0, _ev("position"), Literal("abc", datatype=XSD.integer)), "claim / position"),
    ("claim-position-decimal", _replace(C0, _ev("position"), Literal("1.5", datatype=XSD.decimal)), "claim / position"),
    ("claim-two-sections", _add(C0, _ev("section"), Literal("Aftermath")), "claim / section"),
    ("claim-section-integer", _replace(C0, _ev("section"), Literal(3)), "claim / section"),
    ("claim-two-dates", _add(C0, _ev("date"), Literal("2014-03", datatype=XSD.gYearMonth)), "claim / date"),
    ("claim-date-a-string", _replace(C0, _ev("date"), Literal("5 March 2014")), "claim / date"),
    ("claim-two-date-kinds", _add(C0, _ev("dateKind"), _ev("Relative")), "claim / date kind"),
    ("claim-date-kind-a-stance", _replace(C0, _ev("dateKind"), _ev("Asserted")), "claim / date kind"),
    ("claim-kind-without-date", _chain(_remove(C0, _ev("date")), _remove(C0, _ev("dateKind")), _add(C1, _ev("dateKind"), _ev("Explicit"))),
     "claim date and date kind"),
    ("claim-two-stances", _add(C0, _ev("stance"), _ev("Asserted")), "claim / stance"),
    ("claim-stance-a-literal", _replace(C1, _ev("stance"), Literal("Denied")), "claim / stance"),
    ("claim-mentions-a-string", _add(C0, _ev("mentions"), Literal("Idlib")), "claim / mention"),
    ("claim-casualties-a-claim", _add(C0, _ev("casualties"), C1), "claim / casualties"),
    ("claim-disputes-an-agent", _replace(C1, _ev("disputes"), AGENT.sar), "claim / disputes"),
    ("claim-derived-from-an-event", _add(C1, PROV.wasDerivedFrom, EVENT.idlib), "claim / article"),
    ("casualties-two-kinds", _add(K0, _ev("kind"), _ev("Wounded")), "casualties / kind"),
    ("casualties-kind-a-qualifier", _replace(K0, _ev("kind"), _ev("Exact")), "casualties / kind"),
    ("casualties-two-qualifiers", _add(K0, _ev("qualifier"), _ev("Exact")), "casualties / qualifier"),
    ("casualties-qualifier-a-kind", _replace(K1, _ev("qualifier"), _ev("Killed")), "casualties / qualifier"),
    ("casualties-two-counts", _add(K0, _ev("count"), Literal(19)), "casualties / count"),
    ("casualties-count-a-string", _replace(K0, _ev("count"), Literal("18")), "casualties / count"),
    ("casualties-two-whos", _add(K0, _ev("who"), Literal("conscripts")), "casualties / who"),
    ("casualties-who-an-iri", _replace(K0, _ev("who"), AGENT.sar), "casualties / who"),
    ("side-member-a-place", _add(SIDE["Idlib-1"], _ev("member"), PLACE.syria), "side / member"),
    ("agent-label-language", _replace(AGENT.fsa, RDFS.label, Literal("FSA", lang="en")), "agent / label"),
    ("agent-member-of-a-place", _replace(AGENT.saf, _ev("memberOf"), PLACE.syria), "agent / member of"),
    ("agent-role-an-iri", _replace(AGENT.suleimani, _ev("role"), _ev("Explicit")), "agent / role"),
    ("agent-same-as-a-literal", _add(AGENT.sar, OWL.sameAs, Literal("Q858")), "agent / Wikidata link"),
    ("place-without-label", _remove(PLACE.syria, RDFS.label), "place / label"),
    ("place-label-integer", _add(PLACE.syria, RDFS.label, Literal(1)), "place / label"),
    ("place-same-as-a-blank-node", _add(PLACE.syria, OWL.sameAs, BNode("x")), "place / Wikidata link"),
    ("article-two-files", _add(ART.Idlib, _ev("file"), Literal("Other.md")), "article / file"),
    ("article-file-an-iri", _replace(ART.Idlib, _ev("file"), URIRef("file:///Idlib.md")), "article / file"),
    ("article-two-titles", _add(ART.Idlib, DCT.title, Literal("Other")), "article / title"),
    ("article-title-language", _replace(ART.Idlib, DCT.title, Literal("2014 Idlib offensive", lang="en")), "article / title"),
    # SHACL instances include subclass instances, for targets and for sh:class alike
    ("subclass-target-without-label", _chain(_add(URIRef("http://ex.org/Battle"), RDFS.subClassOf, _ev("Event")),
                                             _add(URIRef("http://ex.org/b"), RDF_TYPE, URIRef("http://ex.org/Battle"))), "event / label"),
]  # fmt: skip
SUBCLASS_OK = _chain(_add(URIRef("http://ex.org/Town"), RDFS.subClassOf, _ev("Place")), _add(URIRef("http://ex.org/t"), RDF_TYPE, URIRef("http://ex.org/Town")),
                     _add(URIRef("http://ex.org/t"), RDFS.label, Literal("Town")), _add(EVENT.idlib, _ev("place"), URIRef("http://ex.org/t")))


def test_valid_graph_conforms_for_both() -> None:
    assert _both() == (set(), set())
    assert _both(SUBCLASS_OK) == (set(), set())  # an instance of a subclass is an instance


@pytest.mark.parametrize(("mutate", "shape"), [(c[1], None) for c in INVALID] + [(c[1], c[2]) for c in BREAKS],
                         ids=[f"shapes-{c[0]}" for c in INVALID] + [c[0] for c in BREAKS])
def test_sparql_and_pyshacl_report_the_same_violations(mutate: Mutation, shape: str | None) -> None:
    mine, reference = _both(mutate)
    assert mine == reference
    assert mine, "the break must break something"
    if shape is not None:
        assert shape in {s for s, _, _ in mine}


def test_an_ill_formed_gyear_is_caught_where_pyshacl_cannot_see_it() -> None:
    """The one known difference: rdflib's lexical check of xsd:gYear and xsd:gYearMonth depends on
    its global state (another test's rdflib settings change it), so pyshacl may take "20x1"^^xsd:gYear
    as well-formed; SHACL says an ill-formed literal breaks sh:datatype, and Oxigraph's cast to the
    type tells every time."""
    for literal in (Literal("20x1", datatype=XSD.gYear), Literal("2011-3", datatype=XSD.gYearMonth)):
        mine, reference = _both(_replace(EVENT.war, _ev("startDate"), literal))
        assert mine == {("event / start date", f"<{EVENT.war}>", "ev:startDate")}
        assert reference <= mine


def test_every_constraint_kind_of_the_shapes_is_broken_by_a_case() -> None:
    """The differential cases cover every (shape, constraint) the compiler makes a query of."""
    broken: set[str] = set()
    for mutate in [c[1] for c in INVALID] + [c[1] for c in BREAKS]:
        data = Graph().parse(data=VALID, format="turtle")
        mutate(data)
        store = ox.Store()
        store.load(data.serialize(format="nt").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        for check in compile_shapes(str(kg.validate.shapes_path()), kg.validate._subclasses(store)):
            for form, query in (("lookup", check.sparql), ("hash", check.fast)):
                if query and list(store.query(query)):
                    broken.add(f"{check.shape} {check.component} {form}")
    checks = compile_shapes(str(kg.validate.shapes_path()))
    every = {f"{c.shape} {c.component} {form}" for c in checks for form, query in (("lookup", c.sparql), ("hash", c.fast)) if query}
    assert every - broken == set()


def _default_graph(store: ox.Store) -> Graph:
    """The store's default graph in rdflib, for pyshacl (what kg/validate.py did before it ran SPARQL)."""
    data = Graph()
    data.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode("utf-8"), format="nt")
    return data


def test_seed_store_and_a_broken_copy_agree_with_pyshacl(seed_store: Path, tmp_path: Path) -> None:
    for store_dir, expected in ((seed_store, 0), (_broken_copy(seed_store, tmp_path), 2)):
        store = open_read(store_dir)
        mine, reference = validate_oxigraph(store), validate_graph(_default_graph(store))
        assert sorted(_flat(store).violations) == sorted(mine.violations)
        del store
        assert len(mine.violations) == len(reference.violations) == expected
        assert sorted(mine.violations) == sorted(reference.violations)  # messages, values and severities too
        assert mine.triples == reference.triples


def test_violations_past_the_cap_are_counted_not_listed() -> None:
    store = ox.Store()
    claim = ox.NamedNode(EV + "Claim")
    store.extend([ox.Quad(ox.NamedNode(f"http://ex.org/c{i}"), ox.NamedNode(str(RDF_TYPE)), claim) for i in range(kg.validate.CAP + 30)])
    report = validate_oxigraph(store)
    text = [v for v in report.violations if v.shape == "claim / text"]
    assert len(text) == kg.validate.CAP and report.unlisted["claim / text"] == 30
    assert "claim / text: 130 violation(s)" in report.lines()
    assert "  ... and 30 more (not listed)" in report.lines()
    assert not report.conforms and report.count == len(report.violations) + sum(report.unlisted.values())
    count_cap, kg.validate.COUNT_CAP = kg.validate.COUNT_CAP, 110
    try:
        report = validate_oxigraph(store)
    finally:
        kg.validate.COUNT_CAP = count_cap
    assert "claim / text" in report.at_least and "  ... and 11+ more (not listed)" in report.lines()


@pytest.mark.parametrize(("turtle", "named"), [
    ("evsh:S a sh:NodeShape ; sh:targetClass ev:Event ; sh:closed true .", "sh:closed"),
    ("evsh:S a sh:NodeShape ; sh:targetClass ev:Event ; sh:property [ sh:path [ sh:inversePath ev:partOf ] ; sh:minCount 1 ] .", "sh:path"),
    ("evsh:S a sh:NodeShape ; sh:targetClass ev:Event ; sh:property [ sh:path ev:place ; sh:node evsh:T ] .", "sh:node"),
    ("evsh:S a sh:NodeShape ; sh:targetNode ev:Event ; sh:property [ sh:path ev:place ; sh:minCount 1 ] .", "sh:targetNode"),
    ("evsh:S a sh:NodeShape ; sh:targetClass ev:Event ; sh:property [ sh:path ev:place ; sh:pattern \"x\" ; sh:flags \"i\" ] .", "sh:flags"),
    ("evsh:S a sh:NodeShape ; sh:targetClass ev:Event ; sh:property [ sh:path ev:place ; sh:nodeKind sh:Literal ] .", "sh:Literal"),
    ("evsh:S a sh:NodeShape ; sh:targetClass ev:Event ; sh:property [ sh:path ev:place ; sh:or ( [ sh:maxLength 3 ] ) ] .", "sh:maxLength"),
    ("evsh:T a sh:PropertyShape ; sh:path ev:place ; sh:minCount 1 .", "evsh:T"),
])  # fmt: skip
def test_a_construct_the_compiler_does_not_know_is_refused_by_name(tmp_path: Path, turtle: str, named: str) -> None:
    path = tmp_path / "shapes.ttl"
    path.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ev: <https://w3id.org/chronicon/event#> .\n"
                    "@prefix evsh: <https://w3id.org/chronicon/shapes#> .\n" + turtle, encoding="utf-8")
    with pytest.raises(ShapesError, match=re.escape(named)):
        compile_shapes(str(path))


@pytest.mark.parametrize("suffix", [".nq", ".nt", ".ttl", ".jsonld"])
def test_build_out_checks_every_line_before_writing_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              suffix: str) -> None:
    """--out without a store: the lines are checked in a temporary store, whatever the format;
    a good graph is written, a broken one is refused and no file appears."""
    good = tmp_path / f"good{suffix}"
    assert build(ONE, out=good).ok and good.stat().st_size > 0
    _break_the_mapper(monkeypatch)
    bad = tmp_path / f"bad{suffix}"
    with pytest.raises(ShapeViolation, match="claim / text") as caught:
        build(ONE, out=bad)
    assert "no file written" in caught.value.message
    assert not bad.exists() and list(tmp_path.glob("bad*")) == []
