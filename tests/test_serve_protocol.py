"""The SPARQL endpoint over real HTTP: real clients (SPARQLWrapper, rdflib's SPARQLStore) and every status."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from kg.store import open_read

EV = "https://w3id.org/chronicon/event#"
EVENTS = f"SELECT ?e ?label WHERE {{ ?e a <{EV}Event> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }} ORDER BY ?e"
CONSTRUCT = f"CONSTRUCT {{ ?e <http://www.w3.org/2000/01/rdf-schema#label> ?label }} WHERE {{ ?e a <{EV}Event> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
WATERLOO = "https://w3id.org/chronicon/id/event/battle_of_waterloo"


@pytest.fixture(scope="module")
def expected(seed_store: Path) -> dict[str, object]:
    """What the queries answer when run on the store directly."""
    store = open_read(seed_store)
    rows = [(s["e"].value, s["label"].value) for s in store.query(EVENTS)]
    triples = {(t.subject.value, t.object.value) for t in store.query(CONSTRUCT)}
    assert rows and triples
    return {"rows": rows, "triples": triples}


# --- real clients ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(server, expected, fmt: str) -> None:  # type: ignore[no-untyped-def]
    client = SPARQLWrapper(server.sparql, returnFormat=fmt)
    client.setQuery(EVENTS)
    result = client.query()
    body = result.convert()
    if fmt == JSON:
        rows = [(b["e"]["value"], b["label"]["value"]) for b in body["results"]["bindings"]]
    else:
        data = body.toxml().encode("utf-8") if fmt == XML else body
        parsed = rdflib.query.Result.parse(io.BytesIO(data) if fmt != TSV else io.StringIO(data.decode()), format=fmt)
        rows = [(str(r[0]), str(r[1])) for r in parsed]
    assert rows == expected["rows"]


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(server, fmt: str) -> None:  # type: ignore[no-untyped-def]
    client = SPARQLWrapper(server.sparql, returnFormat=fmt)
    client.setQuery(f"ASK {{ <{WATERLOO}> ?p ?o }}")
    body = client.query().convert()
    value = body["boolean"] if fmt == JSON else body.getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert value is True


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD])
def test_sparqlwrapper_construct(server, expected, fmt: str) -> None:  # type: ignore[no-untyped-def]
    client = SPARQLWrapper(server.sparql, returnFormat=fmt)
    client.setQuery(CONSTRUCT)
    result = client.query()
    # Parsed here by a strict parser, not by convert() (which builds rdflib's deprecated ConjunctiveGraph).
    ox_format = {TURTLE: ox.RdfFormat.TURTLE, N3: ox.RdfFormat.TURTLE, JSONLD: ox.RdfFormat.JSON_LD, RDFXML: ox.RdfFormat.RDF_XML}[fmt]
    assert result.info()["content-type"].startswith({TURTLE: "text/turtle", N3: "text/turtle", JSONLD: "application/ld+json",
                                                     RDFXML: "application/rdf+xml"}[fmt])
    quads = ox.parse(result.response.read(), format=ox_format)
    assert {(q.subject.value, q.object.value) for q in quads} == expected["triples"]


def test_sparqlwrapper_describe(server) -> None:  # type: ignore[no-untyped-def]
    client = SPARQLWrapper(server.sparql, returnFormat=TURTLE)
    client.setQuery(f"DESCRIBE <{WATERLOO}>")
    graph = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert (rdflib.URIRef(WATERLOO), rdflib.RDFS.label, rdflib.Literal("Battle of Waterloo")) in graph


@pytest.mark.parametrize("fmt", ["xml", "json", "csv", "tsv"])
def test_rdflib_sparqlstore_select(server, expected, fmt: str) -> None:  # type: ignore[no-untyped-def]
    graph = rdflib.Graph(SPARQLStore(server.sparql, returnFormat=fmt, method="POST_FORM" if fmt == "json" else "GET"))
    rows = [(str(r[0]), str(r[1])) for r in graph.query(EVENTS)]
    assert rows == expected["rows"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_rdflib_sparqlstore_ask_and_construct(server, expected, fmt: str) -> None:  # type: ignore[no-untyped-def]
    graph = rdflib.Graph(SPARQLStore(server.sparql, returnFormat=fmt))
    assert graph.query(f"ASK {{ <{WATERLOO}> ?p ?o }}").askAnswer is True
    if fmt == "xml":  # rdflib asks for RDF/XML with its "xml" format
        constructed = graph.query(CONSTRUCT).graph
        assert {(str(s), str(o)) for s, _, o in constructed} == expected["triples"]


def test_all_three_request_styles_agree(server, expected) -> None:  # type: ignore[no-untyped-def]
    accept = {"Accept": "application/sparql-results+json"}
    answers = [
        requests.get(server.sparql, params={"query": EVENTS}, headers=accept),
        requests.post(server.sparql, data={"query": EVENTS}, headers=accept),
        requests.post(server.sparql, data=EVENTS.encode(), headers={**accept, "Content-Type": "application/sparql-query"}),
    ]
    for r in answers:
        assert r.status_code == 200, r.text
        assert r.headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
        assert [(b["e"]["value"], b["label"]["value"]) for b in r.json()["results"]["bindings"]] == expected["rows"]


@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+json", "application/sparql-results+json; charset=utf-8"),
    ("application/sparql-results+xml", "application/sparql-results+xml; charset=utf-8"),
    ("text/csv", "text/csv; charset=utf-8"),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
    ("*/*", "application/sparql-results+json; charset=utf-8"),
])
def test_select_media_types(server, accept: str, media: str) -> None:  # type: ignore[no-untyped-def]
    r = requests.get(server.sparql, params={"query": EVENTS}, headers={"Accept": accept})
    assert (r.status_code, r.headers["Content-Type"]) == (200, media)
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "Accept" in r.headers["Vary"]


@pytest.mark.parametrize(("accept", "media", "fmt"), [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("*/*", "text/turtle", ox.RdfFormat.TURTLE),
])
def test_construct_media_types_parse_strictly(server, expected, accept: str, media: str, fmt: ox.RdfFormat) -> None:  # type: ignore[no-untyped-def]
    r = requests.get(server.sparql, params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert (r.status_code, r.headers["Content-Type"]) == (200, f"{media}; charset=utf-8")
    triples = {(q.subject.value, q.object.value) for q in ox.parse(r.content, format=fmt)}
    assert triples == expected["triples"]


def test_format_parameter_for_browsers(server) -> None:  # type: ignore[no-untyped-def]
    r = requests.get(server.sparql, params={"query": EVENTS, "format": "csv"}, headers={"Accept": "text/html"})
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_service_description(server) -> None:  # type: ignore[no-untyped-def]
    r = requests.get(server.sparql, headers={"Host": "evil.example"})
    assert (r.status_code, r.headers["Content-Type"]) == (200, "text/turtle; charset=utf-8")
    assert "evil.example" not in r.text
    graph = rdflib.Graph().parse(data=r.text, format="turtle", publicID=server.sparql)
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = next(graph.subjects(rdflib.RDF.type, sd.Service))
    assert graph.value(service, sd.endpoint) == rdflib.URIRef(server.sparql)
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert graph.value(service, sd.defaultDataset) is not None
    assert len(list(graph.objects(service, sd.resultFormat))) == 8


def test_dataset_parameters_select_graphs(server) -> None:  # type: ignore[no-untyped-def]
    g1 = "https://w3id.org/chronicon/id/article/Battle_of_Waterloo"
    ask = f"ASK {{ <{WATERLOO}> ?p ?o }}"
    accept = {"Accept": "application/sparql-results+json"}
    assert requests.get(server.sparql, params={"query": ask, "default-graph-uri": g1}, headers=accept).json()["boolean"]
    other = "https://w3id.org/chronicon/id/article/Fall_of_Mosul"
    assert not requests.get(server.sparql, params={"query": ask, "default-graph-uri": other}, headers=accept).json()["boolean"]
    r = requests.get(server.sparql, params={"query": "SELECT DISTINCT ?g { GRAPH ?g {} }", "named-graph-uri": [g1, other]},
                     headers=accept)
    assert {b["g"]["value"] for b in r.json()["results"]["bindings"]} == {g1, other}


# --- statuses --------------------------------------------------------------------------------------

def _error(r: requests.Response, status: int) -> dict[str, object]:
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert body == {"ok": False, "error": body["error"], "status": status}
    assert "Traceback" not in r.text and "/tmp" not in r.text
    return body


def test_malformed_query_is_400_with_the_parser_message(server) -> None:  # type: ignore[no-untyped-def]
    body = _error(requests.get(server.sparql, params={"query": "SELEC * WHERE {"}), 400)
    assert "error at 1:" in str(body["error"])


def test_two_queries_are_400(server) -> None:  # type: ignore[no-untyped-def]
    _error(requests.get(server.sparql, params={"query": ["ASK {}", "SELECT * {}"]}), 400)
    _error(requests.post(server.sparql + "?query=ASK%20%7B%7D", data={"query": "ASK {}"}), 400)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(server, method: str) -> None:  # type: ignore[no-untyped-def]
    r = requests.request(method, server.sparql, params={"query": "ASK {}"})
    _error(r, 405)
    assert "GET" in r.headers["Allow"]


@pytest.mark.parametrize("content_type", ["text/plain", None, "application/json"])
def test_wrong_body_type_is_415(server, content_type: str | None) -> None:  # type: ignore[no-untyped-def]
    headers = {"Content-Type": content_type} if content_type else {}
    r = requests.post(server.sparql, data=b"ASK {}", headers=headers)
    if content_type is None:
        r = requests.Request("POST", server.sparql, data=b"ASK {}").prepare()
        r.headers.pop("Content-Type", None)
        r = requests.Session().send(r)
    _error(r, 415)


@pytest.mark.parametrize("body", [
    "SELECT * { ?s ?p 'é' }".encode("latin-1"),
    "ASK {}".encode("utf-16"),
])
def test_non_utf8_body_is_400(server, body: bytes) -> None:  # type: ignore[no-untyped-def]
    _error(requests.post(server.sparql, data=body, headers={"Content-Type": "application/sparql-query"}), 400)


def test_non_utf8_charset_and_parameter_are_400(server) -> None:  # type: ignore[no-untyped-def]
    _error(requests.post(server.sparql, data="ASK {}".encode("utf-16"),
                         headers={"Content-Type": "application/sparql-query; charset=UTF-16"}), 400)
    _error(requests.get(server.sparql + "?query=ASK%20%7B%FF%7D"), 400)


@pytest.mark.parametrize("accept", ["image/png", "application/sparql-results+json;q=0, text/turtle"])
def test_unacceptable_accept_is_406(server, accept: str) -> None:  # type: ignore[no-untyped-def]
    _error(requests.get(server.sparql, params={"query": "SELECT * {}"}, headers={"Accept": accept}), 406)


def test_oversized_body_is_413_and_url_is_414(server) -> None:  # type: ignore[no-untyped-def]
    big = b"ASK {} #" + b"x" * (1024 * 1024)
    _error(requests.post(server.sparql, data=big, headers={"Content-Type": "application/sparql-query"}), 413)
    r = requests.post(server.sparql, data=b"x" * (8 * 1024 * 1024), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413  # waitress refuses it unread (its own plain-text body)
    _error(requests.get(server.sparql + "?query=" + "x" * 250_000), 414)


@pytest.mark.parametrize(("how", "kwargs"), [
    ("direct", {"data": b"INSERT DATA { <http://x/a> <http://x/b> 1 }", "headers": {"Content-Type": "application/sparql-update"}}),
    ("form", {"data": {"update": "DROP ALL"}}),
    ("get", {"params": {"update": "CLEAR DEFAULT"}}),
    ("query", {"data": {"query": "DELETE WHERE { ?s ?p ?o }"}}),
    ("load", {"data": {"update": "LOAD <file:///etc/hostname>"}}),
])
def test_updates_are_403(server, seed_store, how: str, kwargs: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    before = len(open_read(seed_store))
    method = "GET" if how == "get" else "POST"
    _error(requests.request(method, server.sparql, **kwargs), 403)  # type: ignore[arg-type]
    assert len(open_read(seed_store)) == before


def test_cors_preflight_and_headers(server) -> None:  # type: ignore[no-untyped-def]
    r = requests.options(server.sparql, headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers
    r = requests.get(server.sparql, params={"query": "ASK {}"}, headers={"Origin": "https://evil.example"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers


def test_health(server) -> None:  # type: ignore[no-untyped-def]
    body = json.loads(requests.get(server.url + "/health").text)
    assert body["ok"] is True and body["workers"] == 2
