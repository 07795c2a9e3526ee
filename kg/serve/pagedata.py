"""What the pages for people show, read from the store with fixed SPARQL.

Every query here is a constant (or assembled from constant fragments); the node a
page is about and the /events filters are bound through pyoxigraph's
``substitutions``, never pasted into the text (THREATS B15). The queries run on
the app's read-only store (the one Linked Data uses), not in the query workers:
they are ours, small and bounded, and pages must stay up while the public
endpoint is saturated.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

import pyoxigraph as ox

from kg.serve.timeline import ClaimView, Figure, parse_date
from kg.vocab import PREFIXES

EV = PREFIXES["ev"]
RDF_TYPE = PREFIXES["rdf"] + "type"
WIKIDATA = "http://www.wikidata.org/entity/"
HEAD = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("ev", "rdfs", "owl", "dct", "skos", "prov", "schema"))
MAX_ROWS = 2000  # per page query: a page is a summary, the endpoint has the rest

Row = dict[str, str]


@dataclass(frozen=True)
class Link:
    """A node to link to, with its label."""

    iri: str
    label: str
    note: str = ""


def rows(store: ox.Store, text: str, **bind: str | int) -> Iterator[Row]:
    """Solutions of a fixed query as {variable: lexical value}; ``bind`` values become IRIs (str) or integers."""
    subs: dict[ox.Variable, ox.NamedNode | ox.Literal] = {
        ox.Variable(k): ox.NamedNode(v) if isinstance(v, str) else ox.Literal(str(v), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))
        for k, v in bind.items()}
    result = store.query(HEAD + text, substitutions=subs or None)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    for solution in islice(result, MAX_ROWS):
        yield {n: solution[n].value for n in names if solution[n] is not None}


def types_of(store: ox.Store, iri: str) -> set[str]:
    """The node's rdf:type IRIs."""
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(RDF_TYPE), None, ox.DefaultGraph())}


def _label(store: ox.Store, iri: str) -> str:
    for q in islice(store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(PREFIXES["rdfs"] + "label"), None,
                                            ox.DefaultGraph()), 1):
        return str(q.object.value)
    return iri.rsplit("/", 1)[-1]


def unique(links: list[Link]) -> list[Link]:
    """The links without repeats of an IRI (a node with two labels comes once, with its first)."""
    seen: set[str] = set()
    return [x for x in links if not (x.iri in seen or seen.add(x.iri))]  # type: ignore[func-returns-value]


def place_chain(store: ox.Store, iri: str, depth: int = 12) -> list[Link]:
    """The place and the places it lies in (ev:locatedIn, first link each step), innermost first; cycle-safe."""
    chain, seen, current = [], set(), iri
    located_in = ox.NamedNode(EV + "locatedIn")
    while current and current not in seen and len(chain) < depth:
        seen.add(current)
        chain.append(Link(current, _label(store, current)))
        nxt = sorted(q.object.value for q in store.quads_for_pattern(ox.NamedNode(current), located_in, None, ox.DefaultGraph())
                     if isinstance(q.object, ox.NamedNode))
        current = nxt[0] if nxt else ""
    return chain


def same_as(store: ox.Store, iri: str) -> list[str]:
    """owl:sameAs links to Wikidata items."""
    return sorted(r["wd"] for r in rows(store, "SELECT ?node ?wd WHERE { ?node owl:sameAs ?wd }", node=iri)
                  if r.get("wd", "").startswith(WIKIDATA))


# --- claims -----------------------------------------------------------------------------------

_CLAIMS = """SELECT ?node ?claim ?position ?text ?stance ?date ?kind ?section ?source ?sourceLabel ?event WHERE {
  %s
  ?claim ev:text ?text ; ev:position ?position .
  OPTIONAL { ?event ev:claim ?claim }
  OPTIONAL { ?claim ev:stance ?s BIND(STRAFTER(STR(?s), "#") AS ?stance) }
  OPTIONAL { ?claim ev:date ?date }
  OPTIONAL { ?claim ev:dateKind ?k BIND(STRAFTER(STR(?k), "#") AS ?kind) }
  OPTIONAL { ?claim ev:section ?section }
  OPTIONAL { ?claim ev:source ?source OPTIONAL { ?source rdfs:label ?sourceLabel } }
}"""
_FIGURES = """SELECT ?node ?claim ?count ?kind ?qualifier ?who WHERE {
  %s
  ?claim ev:casualties ?x .
  OPTIONAL { ?x ev:count ?count }
  OPTIONAL { ?x ev:kind ?k BIND(STRAFTER(STR(?k), "#") AS ?kind) }
  OPTIONAL { ?x ev:qualifier ?q BIND(STRAFTER(STR(?q), "#") AS ?qualifier) }
  OPTIONAL { ?x ev:who ?who }
} ORDER BY ?claim ?kind"""
_DISPUTES = """SELECT ?node ?claim ?disputes ?disputedBy WHERE {
  %s
  { ?claim ev:disputes ?disputes } UNION { ?disputedBy ev:disputes ?claim }
}"""
SELECT_EVENT_CLAIMS = "?node ev:claim ?claim ."
SELECT_ONE_CLAIM = ""  # with the claim bound as ?claim
SELECT_CLAIMS_OF_AGENT = "{ ?claim ev:source ?node } UNION { ?claim ev:mentions ?node }"
SELECT_CLAIMS_OF_PLACE = "?claim ev:mentions ?node ."


def date_key(claim: ClaimView) -> tuple[int, float, int]:
    """Date order, undated claims last, then article order."""
    span = parse_date(claim.date)
    return (0, span.mid, claim.position) if span else (1, 0.0, claim.position)


def load_claims(store: ox.Store, selector: str, node: str) -> tuple[list[ClaimView], dict[str, str]]:
    """The claims that ``selector`` (one of the SELECT_* fragments) picks for ``node``, in date order,
    and the event of each claim (claim IRI → event IRI)."""
    bind = {"claim" if selector == SELECT_ONE_CLAIM else "node": node}
    base: dict[str, dict[str, object]] = {}
    events: dict[str, str] = {}
    for r in rows(store, _CLAIMS % selector, **bind):
        c = base.setdefault(r["claim"], {"iri": r["claim"], "position": int(r["position"]), "text": r["text"],
                                          "stance": r.get("stance", ""), "date": r.get("date"), "date_kind": r.get("kind"),
                                          "section": r.get("section"), "source": None, "source_iri": None})
        if r.get("source") and c["source"] is None:
            c["source"], c["source_iri"] = r.get("sourceLabel") or r["source"].rsplit("/", 1)[-1], r["source"]
        if r.get("event"):
            events.setdefault(r["claim"], r["event"])
    figures: dict[str, list[Figure]] = {}
    for r in rows(store, _FIGURES % selector, **bind):
        figures.setdefault(r["claim"], []).append(Figure(int(r["count"]) if "count" in r else None, r.get("kind", ""),
                                                         r.get("qualifier", ""), r.get("who")))
    disputes: dict[str, set[str]] = {}
    disputed_by: dict[str, set[str]] = {}
    for r in rows(store, _DISPUTES % selector, **bind):
        if "disputes" in r:
            disputes.setdefault(r["claim"], set()).add(r["disputes"])
        if "disputedBy" in r:
            disputed_by.setdefault(r["claim"], set()).add(r["disputedBy"])
    claims = [ClaimView(**c, figures=tuple(figures.get(iri, ())),  # type: ignore[arg-type]
                        disputes=tuple(sorted(disputes.get(iri, ()))), disputed_by=tuple(sorted(disputed_by.get(iri, ()))))
              for iri, c in base.items()]
    return sorted(claims, key=date_key), events


# --- events -----------------------------------------------------------------------------------

@dataclass
class SideView:
    """One belligerent side: its members, each with its units."""

    iri: str
    label: str
    members: list[tuple[Link, list[Link]]] = field(default_factory=list)


@dataclass
class EventView:
    """Everything an event's page shows."""

    iri: str
    label: str
    start: str | None = None
    end: str | None = None
    summary: str | None = None
    description: str | None = None
    part_of: list[Link] = field(default_factory=list)
    parts: list[Link] = field(default_factory=list)
    places: list[list[Link]] = field(default_factory=list)  # each place with the places it lies in
    sides: list[SideView] = field(default_factory=list)
    others: list[Link] = field(default_factory=list)  # participants on no side and under no member
    categories: list[Link] = field(default_factory=list)
    wikidata: list[str] = field(default_factory=list)
    claims: list[ClaimView] = field(default_factory=list)
    article: Link | None = None


def event_view(store: ox.Store, iri: str) -> EventView:
    """The event's page data."""
    info = next(rows(store, """SELECT ?node ?label ?start ?end ?summary ?description ?article ?title WHERE {
      OPTIONAL { ?node rdfs:label ?label } OPTIONAL { ?node ev:startDate ?start } OPTIONAL { ?node ev:endDate ?end }
      OPTIONAL { ?node ev:summary ?summary } OPTIONAL { ?node schema:description ?description }
      OPTIONAL { ?node prov:wasDerivedFrom ?article OPTIONAL { ?article dct:title ?title } }
    } LIMIT 1""", node=iri), {})
    view = EventView(iri, info.get("label") or iri.rsplit("/", 1)[-1], info.get("start"), info.get("end"),
                     info.get("summary"), info.get("description"))
    if info.get("article"):
        view.article = Link(info["article"], info.get("title") or info["article"].rsplit("/", 1)[-1])
    view.part_of = unique([Link(r["e"], r.get("l", r["e"])) for r in rows(
        store, "SELECT ?node ?e ?l WHERE { ?node ev:partOf ?e OPTIONAL { ?e rdfs:label ?l } } ORDER BY ?l", node=iri)])
    view.parts = unique([Link(r["e"], r.get("l", r["e"])) for r in rows(
        store, "SELECT ?node ?e ?l WHERE { ?e ev:partOf ?node OPTIONAL { ?e rdfs:label ?l } } ORDER BY ?l", node=iri)])
    view.places = [place_chain(store, r["p"]) for r in rows(store, "SELECT ?node ?p WHERE { ?node ev:place ?p } ORDER BY ?p", node=iri)]
    sides: dict[str, SideView] = {}
    placed: set[str] = set()
    for r in rows(store, """SELECT ?node ?side ?sideLabel ?member ?memberLabel ?unit ?unitLabel WHERE {
      ?node ev:side ?side . OPTIONAL { ?side rdfs:label ?sideLabel }
      OPTIONAL { ?side ev:member ?member OPTIONAL { ?member rdfs:label ?memberLabel }
        OPTIONAL { ?node ev:participant ?unit . ?unit ev:memberOf ?member OPTIONAL { ?unit rdfs:label ?unitLabel } } }
    } ORDER BY ?side ?memberLabel ?unitLabel""", node=iri):
        side = sides.setdefault(r["side"], SideView(r["side"], f"Side {len(sides) + 1}"))
        if "member" not in r:
            continue
        placed.add(r["member"])
        if not side.members or side.members[-1][0].iri != r["member"]:
            side.members.append((Link(r["member"], r.get("memberLabel", r["member"])), []))
        if "unit" in r:
            placed.add(r["unit"])
            side.members[-1][1].append(Link(r["unit"], r.get("unitLabel", r["unit"])))
    view.sides = list(sides.values())
    view.others = unique([Link(r["a"], r.get("l", r["a"])) for r in rows(
        store, "SELECT ?node ?a ?l WHERE { ?node ev:participant ?a OPTIONAL { ?a rdfs:label ?l } } ORDER BY ?l", node=iri)
        if r["a"] not in placed])
    view.categories = [Link(r["c"], r.get("l") or r["c"].rsplit("/", 1)[-1].replace("_", " ")) for r in rows(
        store, "SELECT ?node ?c (SAMPLE(COALESCE(?p, ?r)) AS ?l) WHERE { ?node dct:subject ?c "
               "OPTIONAL { ?c skos:prefLabel ?p } OPTIONAL { ?c rdfs:label ?r } } GROUP BY ?node ?c ORDER BY ?l", node=iri)]
    view.wikidata = same_as(store, iri)
    view.claims, _ = load_claims(store, SELECT_EVENT_CLAIMS, iri)
    return view


_EVENTS = """SELECT %s ?event (SAMPLE(?l) AS ?label) ?start ?end (SAMPLE(?partOf) AS ?larger) (COUNT(DISTINCT ?claim) AS ?claims)
  (COUNT(DISTINCT ?agent) AS ?participants) (COUNT(DISTINCT ?place) AS ?places) WHERE {
  ?event a ev:Event ; rdfs:label ?l ; prov:wasDerivedFrom ?article .
  %s
  OPTIONAL { ?event ev:partOf ?partOf }
  OPTIONAL { ?event ev:startDate ?start } OPTIONAL { ?event ev:endDate ?end }
  OPTIONAL { ?event ev:claim ?claim } OPTIONAL { ?event ev:participant ?agent } OPTIONAL { ?event ev:place ?place }
} GROUP BY %s ?event ?start ?end ORDER BY ?start ?label"""
_BY_PLACE = "FILTER EXISTS { ?event ev:place/ev:locatedIn* ?placeFilter }"
_BY_PARTICIPANT = "FILTER EXISTS { { ?event ev:participant ?participantFilter } UNION { ?event ev:side/ev:member ?participantFilter } }"
_BY_YEAR = """FILTER EXISTS { ?event ev:startDate ?s0 OPTIONAL { ?event ev:endDate ?e0 }
    FILTER(xsd:integer(SUBSTR(STR(?s0), 1, 4)) <= ?yearFilter
           && (!BOUND(?e0) || xsd:integer(SUBSTR(STR(?e0), 1, 4)) >= ?yearFilter)) }"""


def list_events(store: ox.Store, place: str | None = None, participant: str | None = None,
                year: int | None = None) -> list[Row]:
    """Every event an article is about, with its counts, filtered by place (or a place inside it), participant and year."""
    filters, bind = [], {}  # constant fragments; the values only as substitutions
    if place:
        filters.append(_BY_PLACE)
        bind["placeFilter"] = place
    if participant:
        filters.append(_BY_PARTICIPANT)
        bind["participantFilter"] = participant
    if year is not None:
        filters.append(_BY_YEAR)
        bind["yearFilter"] = year
    # pyoxigraph substitutes projected variables only: the filter variables are projected (and grouped by).
    projected = " ".join(f"?{name}" for name in bind)
    text = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + _EVENTS % (projected, "\n  ".join(filters), projected)
    return list(rows(store, text, **bind))  # type: ignore[arg-type]


def event_facets(store: ox.Store) -> dict[str, list[Row]]:
    """The filter choices of /events: places with events in them, participants, years."""
    places = list(rows(store, """SELECT ?place (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?event) AS ?n) WHERE {
      ?event a ev:Event ; prov:wasDerivedFrom ?article ; ev:place/ev:locatedIn* ?place . ?place rdfs:label ?l
    } GROUP BY ?place ORDER BY ?label"""))
    agents = list(rows(store, """SELECT ?agent (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?event) AS ?n) WHERE {
      ?event a ev:Event ; prov:wasDerivedFrom ?article . { ?event ev:participant ?agent } UNION { ?event ev:side/ev:member ?agent }
      ?agent rdfs:label ?l
    } GROUP BY ?agent ORDER BY ?label"""))
    years: set[int] = set()
    for r in rows(store, "SELECT ?s ?e WHERE { ?event a ev:Event ; ev:startDate ?s OPTIONAL { ?event ev:endDate ?e } }"):
        first, last = parse_date(r["s"]), parse_date(r.get("e"))
        if first:
            years.update(range(first.first.year, (last.last.year if last else first.first.year) + 1))
    return {"places": places, "participants": agents, "years": [{"year": str(y)} for y in sorted(years)]}


# --- agents, places, claims -------------------------------------------------------------------

_INVOLVED = """SELECT ?node ?event (SAMPLE(?l) AS ?label) ?start ?end (GROUP_CONCAT(DISTINCT ?how; separator=", ") AS ?roles) WHERE {
  { ?event ev:participant ?node BIND("participant" AS ?how) }
  UNION { ?event ev:side/ev:member ?node BIND("side member" AS ?how) }
  UNION { ?event ev:claim/ev:source ?node BIND("source" AS ?how) }
  UNION { ?event ev:claim/ev:mentions ?node BIND("mentioned" AS ?how) }
  UNION { ?event ev:place/ev:locatedIn* ?node BIND("place" AS ?how) }
  ?event a ev:Event ; rdfs:label ?l .
  OPTIONAL { ?event ev:startDate ?start } OPTIONAL { ?event ev:endDate ?end }
} GROUP BY ?node ?event ?start ?end ORDER BY ?start ?label"""


def involved_events(store: ox.Store, iri: str) -> list[Row]:
    """The events a node takes part in, is a side member, source, mention or place of, with how."""
    return list(rows(store, _INVOLVED, node=iri))


def related(store: ox.Store, iri: str, text: str) -> list[Link]:
    """Links from a fixed ``SELECT ?node ?x ?l`` query about ``?node`` (projected: pyoxigraph substitutes only those)."""
    return unique([Link(r["x"], r.get("l") or r["x"].rsplit("/", 1)[-1], r.get("note", "")) for r in rows(store, text, node=iri)])


def labels_of(store: ox.Store, iris: set[str]) -> dict[str, str]:
    """rdfs:label of each IRI (the IRI's last segment when it has none)."""
    return {i: _label(store, i) for i in iris}
