"""Pages for people: the query page (``/``), the events overview (``/events``), and the HTML face
of every event, agent, place and claim under ``/id/`` (called by :mod:`kg.serve.linked_data`).

The query page runs queries on the server through the same worker pool and guard
as ``/sparql`` and renders the results as a table, so it works without JavaScript;
the editor (CodeMirror, bundled in ``static/vendor``) only improves the text area.
Filters and canned-query parameters are bound as RDF terms, never pasted into text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from kg.errors import KgError, QueryError
from kg.queries import CannedQuery, bind_params, get_query, load_queries
from kg.serve import guard, pagedata, pages
from kg.serve.sparql import parse_params
from kg.serve.timeline import format_date, format_span
from kg.serve.workers import Job

bp = Blueprint("pages", __name__)
bp.add_app_template_global(pages.curie, "curie")
bp.add_app_template_filter(format_date, "human_date")
bp.add_app_template_filter(format_span, "human_span")
bp.app_context_processor(pages.template_context)

SAMPLE_QUERY = """PREFIX ev: <https://w3id.org/chronicon/event#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Events with their span; Ctrl-Enter runs the query
SELECT ?event ?label ?start ?end WHERE {
  ?event a ev:Event ; rdfs:label ?label .
  OPTIONAL { ?event ev:startDate ?start }
  OPTIONAL { ?event ev:endDate ?end }
}
ORDER BY ?start
"""
SHOWN_ROWS = 1000  # rows drawn in the page; the downloads carry all of them
RESULT_DOWNLOADS = ("json", "xml", "csv", "tsv")
GRAPH_DOWNLOADS = ("ttl", "nt", "jsonld", "rdfxml")


@dataclass
class Results:
    """A query's answer, ready for the results table."""

    kind: str  # table | boolean | graph
    columns: list[str] = field(default_factory=list)
    rows: list[list[dict[str, str] | None]] = field(default_factory=list)
    total: int = 0
    boolean: bool | None = None
    truncated: str | None = None
    downloads: list[tuple[str, str]] = field(default_factory=list)  # (format name, URL)


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["kg"]


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        return {"type": "literal", "value": term.value, "datatype": term.datatype.value, "xml:lang": term.language or ""}
    return {"type": "triple", "value": str(term)}


def run_for_page(text: str, canned: CannedQuery | None, params: dict[str, str]) -> Results:
    """Run a query (free text, or a canned one with its parameters) in a worker; the answer as :class:`Results`.

    :raises KgError: refused by the guard (400/403), malformed (400), busy (429), deadline (503), crash (500).
    """
    services = _services()
    checked = guard.check_query(text, allow_service=services.settings.allow_service)
    graph = checked.form in ("CONSTRUCT", "DESCRIBE")
    job = Job(text=text, fmt="nt" if graph else "json", canned=canned, params=params)
    answer = services.pool().run(job)
    if answer.status == 400:
        raise QueryError(answer.error or "malformed query")
    if answer.status != 200:
        raise KgError("query evaluation failed")
    if canned is not None:
        base_url, query = f"/queries/{canned.name}", dict(params)
    else:
        base_url, query = "/sparql", {"query": text}
    downloads = [(f, f"{base_url}?{urlencode({**query, 'format': f})}") for f in (GRAPH_DOWNLOADS if graph else RESULT_DOWNLOADS)]
    if graph:
        triples = list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))
        table = [[_term(t.subject), _term(t.predicate), _term(t.object)] for t in triples[:SHOWN_ROWS]]
        return Results("graph", ["subject", "predicate", "object"], table, len(triples), truncated=answer.truncated,  # type: ignore[arg-type]
                       downloads=downloads)
    body = json.loads(answer.body)
    if "boolean" in body:
        return Results("boolean", boolean=bool(body["boolean"]), downloads=downloads)
    columns = list(body["head"].get("vars", []))
    bindings = body["results"]["bindings"]
    table = [[b.get(c) for c in columns] for b in bindings[:SHOWN_ROWS]]
    return Results("table", columns, table, len(bindings), truncated=answer.truncated, downloads=downloads)


def _example(param_help: str) -> str:
    """The example value a parameter's help gives (``e.g. https://...``), if any."""
    marker = "e.g. "
    return param_help.split(marker, 1)[1].split()[0].rstrip(".,;)") if marker in param_help else ""


@bp.route("/", methods=["GET"])
def query_page() -> Response:
    """The query page: an editor, the canned queries one click away, and the results."""
    args: dict[str, str] = {}
    for key, value in parse_params(request.environ.get("QUERY_STRING", "")):
        if key in args:
            raise QueryError(f"give one value for {key!r}")
        args[key] = value
    queries = load_queries()
    canned = get_query(args["canned"]) if args.get("canned") else None
    text = args.get("query")
    results: Results | None = None
    error: tuple[int, str] | None = None
    values: dict[str, str] = {}
    if canned is not None:
        for p in canned.params:
            given = args.get(p.name)
            values[p.name] = given if given is not None else _example(p.help)
        bound = {k: v for k, v in values.items() if v}
        try:
            bind_params(canned, bound)
            results = run_for_page(canned.text, canned, bound)
        except KgError as exc:
            error = (exc.status, exc.message)
    elif text is not None and text.strip():
        try:
            results = run_for_page(text, None, {})
        except KgError as exc:
            error = (exc.status, exc.message)
    store, _ = _services().view.get()
    choices = {"event": [(r["event"], r["label"]) for r in pagedata.list_events(store)],
               "place": [(r["place"], r["label"]) for r in pagedata.event_facets(store)["places"]]}
    nonce = pages.new_nonce()
    body = pages.query_page(nonce=nonce, queries=list(queries.values()), canned=canned, values=values, text=text or SAMPLE_QUERY,
                            results=results, error=error, choices=choices, editor_data=pages.editor_data())
    return pages.html_response(body, status=error[0] if error else 200, nonce=nonce)


def _iri_arg(name: str, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return ox.NamedNode(value).value
    except ValueError:
        raise QueryError(f"{name} must be an IRI") from None


@bp.route("/events", methods=["GET"])
def events_page() -> Response:
    """All events with their counts, filtered by ``place``, ``participant`` and ``year`` (bound, not pasted)."""
    args = dict(parse_params(request.environ.get("QUERY_STRING", "")))
    place = _iri_arg("place", args.get("place"))
    participant = _iri_arg("participant", args.get("participant"))
    year = None
    if args.get("year"):
        try:
            year = int(args["year"])
        except ValueError:
            raise QueryError("year must be a number such as 2014") from None
    store, _ = _services().view.get()
    events = pagedata.list_events(store, place, participant, year)
    facets = pagedata.event_facets(store)
    labels = pagedata.labels_of(store, {r["larger"] for r in events if "larger" in r})
    chosen = {"place": place, "participant": participant, "year": str(year) if year is not None else None}
    return pages.html_response(pages.events_page(events, facets, chosen, labels))


def resource_html(store: ox.Store, node: ox.NamedNode, base: str, triples: list[ox.Triple], incoming: list[ox.Triple],
                  labels: dict[str, str]) -> str:
    """The HTML page of a node: a page of its own for events, agents, places and claims, else the generic one."""
    iri = node.value
    types = pagedata.types_of(store, iri)
    ev = pagedata.EV
    if ev + "Event" in types:
        return pages.event_page(pagedata.event_view(store, iri))
    if ev + "Claim" in types:
        return _claim_page(store, iri)
    if ev + "Agent" in types or ev + "Place" in types:
        return _node_page(store, iri, "place" if ev + "Place" in types else "agent")
    return pages.resource_page(iri, base, triples, incoming, labels)


def _claim_page(store: ox.Store, iri: str) -> str:
    claims, events = pagedata.load_claims(store, pagedata.SELECT_ONE_CLAIM, iri)
    claim = claims[0]
    event = pagedata.Link(events[iri], pagedata.labels_of(store, {events[iri]})[events[iri]]) if iri in events else None
    mentions = pagedata.related(store, iri, "SELECT ?node ?x ?l WHERE { ?node ev:mentions ?x OPTIONAL { ?x rdfs:label ?l } } ORDER BY ?l")
    article = pagedata.related(store, iri, "SELECT ?node ?x ?l WHERE { ?node prov:wasDerivedFrom ?x OPTIONAL { ?x dct:title ?l } }")
    others = pagedata.labels_of(store, set(claim.disputes) | set(claim.disputed_by))
    texts = {r["node"]: r["t"] for c in others for r in pagedata.rows(store, "SELECT ?node ?t WHERE { ?node ev:text ?t }", node=c)}
    return pages.claim_page(claim, event, mentions, article, texts)


def _node_page(store: ox.Store, iri: str, kind: str) -> str:
    label = pagedata.labels_of(store, {iri})[iri]
    facts: dict[str, list[pagedata.Link]] = {}
    if kind == "place":
        chain = pagedata.place_chain(store, iri)
        facts["Located in"] = chain[1:]
        facts["Places in it"] = pagedata.related(
            store, iri, "SELECT ?node ?x ?l WHERE { ?x ev:locatedIn ?node OPTIONAL { ?x rdfs:label ?l } } ORDER BY ?l")
        claims, events = pagedata.load_claims(store, pagedata.SELECT_CLAIMS_OF_PLACE, iri)
    else:
        facts["Member of"] = pagedata.related(
            store, iri, "SELECT ?node ?x ?l WHERE { ?node ev:memberOf ?x OPTIONAL { ?x rdfs:label ?l } } ORDER BY ?l")
        facts["Units"] = pagedata.related(
            store, iri, "SELECT ?node ?x ?l WHERE { ?x ev:memberOf ?node OPTIONAL { ?x rdfs:label ?l } } ORDER BY ?l")
        facts["Role"] = [pagedata.Link("", r["r"]) for r in pagedata.rows(store, "SELECT ?node ?r WHERE { ?node ev:role ?r }", node=iri)]
        claims, events = pagedata.load_claims(store, pagedata.SELECT_CLAIMS_OF_AGENT, iri)
    roles = {r["c"]: r["how"] for r in pagedata.rows(
        store, """SELECT ?node ?c (GROUP_CONCAT(DISTINCT ?h; separator=", ") AS ?how) WHERE {
          { ?c ev:source ?node BIND("source" AS ?h) } UNION { ?c ev:mentions ?node BIND("mentioned" AS ?h) } } GROUP BY ?node ?c""",
        node=iri)}
    event_labels = pagedata.labels_of(store, set(events.values()))
    return pages.node_page(kind, iri, label, facts, pagedata.same_as(store, iri), pagedata.involved_events(store, iri),
                           claims, {c: pagedata.Link(e, event_labels[e]) for c, e in events.items()}, roles)
