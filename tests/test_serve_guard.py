"""The pre-parse guard and content negotiation: pure functions, table-tested."""

from __future__ import annotations

import pytest

from kg.errors import QueryError, UnsupportedFormat
from kg.serve import guard
from kg.serve.conneg import GRAPH_FORMATS, HTML, RESULT_FORMATS, negotiate
from kg.serve.errors import Refused

CANARY = "http://127.0.0.1:9/"

ACCEPTED = {
    "plain select": "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
    "keyword in a string": 'SELECT * { ?s ?p "SERVICE <http://x/> INSERT DATA" }',
    "keyword in a long string": "SELECT * { ?s ?p '''multi\nline SERVICE ''' }",
    "keyword in an IRI": "SELECT * { <http://x/#LOAD> ?p ?o }",
    "keyword in a comment": "SELECT * { ?s ?p ?o } # DROP ALL\n",
    "keyword as a variable": "SELECT ?service ?load { ?service ?p ?load }",
    "keyword as a prefixed name": "PREFIX service: <http://x/> SELECT * { ?s service:delete ?o . ?s <p> ex:insert }",
    "less-than is not an IRI": "SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
    "typed literals": 'SELECT * { VALUES ?d { "2014-01-01"^^<http://www.w3.org/2001/XMLSchema#date> } }',
    "nesting at the cap": "ASK " + "{" * guard.MAX_DEPTH + "}" * guard.MAX_DEPTH,
}

REJECTED: dict[str, tuple[str, type[Exception]]] = {
    "service": (f"SELECT * {{ SERVICE <{CANARY}> {{ ?s ?p ?o }} }}", Refused),
    "service silent": (f"SELECT * {{ SERVICE SILENT <{CANARY}> {{ ?s ?p ?o }} }}", Refused),
    "service lower case": (f"select * {{ service <{CANARY}> {{ ?s ?p ?o }} }}", Refused),
    "service in optional": (f"SELECT * {{ ?a ?b ?c OPTIONAL {{ SERVICE <{CANARY}> {{ ?s ?p ?o }} }} }}", Refused),
    "service in minus": (f"SELECT * {{ ?a ?b ?c MINUS {{ SERVICE <{CANARY}> {{ ?a ?p ?o }} }} }}", Refused),
    "service in exists": (f"SELECT * {{ ?a ?b ?c FILTER EXISTS {{ SERVICE <{CANARY}> {{ ?a ?p ?o }} }} }}", Refused),
    "service in subquery": (f"SELECT * {{ {{ SELECT * {{ SERVICE <{CANARY}> {{ ?s ?p ?o }} }} }} }}", Refused),
    "service variable": (f"SELECT * {{ VALUES ?e {{ <{CANARY}> }} SERVICE ?e {{ ?s ?p ?o }} }}", Refused),
    "service comment between": (f"SELECT * {{ SERVICE # hidden\n <{CANARY}> {{ ?s ?p ?o }} }}", Refused),
    "service unicode escape": (f"SELECT * {{ SERVI\\u0043E <{CANARY}> {{ ?s ?p ?o }} }}", Refused),
    "service to file": ("SELECT * { SERVICE <file:///etc/passwd> { ?s ?p ?o } }", Refused),
    "service to .invalid": ("SELECT * { SERVICE <http://metadata.invalid/latest/> { ?s ?p ?o } }", Refused),
    "service prefixed name": ("PREFIX e: <http://127.0.0.1:9/> SELECT * { SERVICE e: { ?s ?p ?o } }", Refused),
    "insert data": ("INSERT DATA { <a> <b> <c> }", Refused),
    "delete where": ("DELETE WHERE { ?s ?p ?o }", Refused),
    "drop all": ("DROP ALL", Refused),
    "clear default": ("CLEAR DEFAULT", Refused),
    "create graph": ("CREATE GRAPH <http://x/>", Refused),
    "load": (f"LOAD <{CANARY}x>", Refused),
    "load silent file": ("LOAD SILENT <file:///etc/hostname>", Refused),
    "update after a query": ("SELECT * {} ; DROP ALL", Refused),
    "too long": ("SELECT * {} #" + "x" * guard.MAX_QUERY_BYTES, QueryError),
    "nested braces": ("ASK " + "{" * 2300 + "}" * 2300, QueryError),
    "nested parentheses": ("ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", QueryError),
    "nested optional": ("ASK { " + "OPTIONAL { " * 3000 + "}" * 3001, QueryError),
    "union chain": ("ASK { {} " + "UNION {} " * 7000 + "}", QueryError),
    "nested path parentheses": ("ASK { ?a " + "(" * 15000 + "<p>" + ")" * 15000 + " ?b }", QueryError),
    "escaped braces": ("ASK " + "\\u007B" * 200 + "}" * 200, QueryError),
    "operator chain": ("ASK { FILTER(true" + "||true" * 10000 + ") }", QueryError),
    "negation chain": ("ASK { FILTER(" + "!" * 30000 + "true) }", QueryError),
    "unterminated string": ('SELECT * { ?s ?p "open\n SERVICE <x> }', QueryError),
}


@pytest.mark.parametrize("text", list(ACCEPTED.values()), ids=list(ACCEPTED))
def test_check_query_accepts(text: str) -> None:
    guard.check_query(text)


@pytest.mark.parametrize(("text", "error"), list(REJECTED.values()), ids=list(REJECTED))
def test_check_query_rejects(text: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        guard.check_query(text)


def test_check_query_allows_listed_service() -> None:
    checked = guard.check_query("SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }",
                                allow_service=("https://query.wikidata.org/sparql",))
    assert checked.services == ("https://query.wikidata.org/sparql",)
    with pytest.raises(Refused):
        guard.check_query(f"SELECT * {{ SERVICE <{CANARY}> {{}} }}", allow_service=("https://query.wikidata.org/sparql",))


def test_a_remembered_verdict_is_never_given_to_another_allowlist_or_a_refusal() -> None:
    # check_query remembers verdicts on short texts (an endpoint sees the same queries
    # again and again): the allowlist is part of what it remembers them by, and a refusal
    # is refused each time it comes.
    text = "SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }"
    for _ in range(2):
        assert guard.check_query(text, allow_service=("https://query.wikidata.org/sparql",)).services
        with pytest.raises(Refused):
            guard.check_query(text)
        with pytest.raises(Refused):
            guard.check_query("DROP ALL")


@pytest.mark.parametrize(("text", "form"), [
    ("PREFIX ex: <http://x/> SELECT * {}", "SELECT"), ("ASK {}", "ASK"), ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE <http://x/>", "DESCRIBE"), ("BASE <http://x/> # SELECT\nASK { { SELECT * {} } }", "ASK"),
])
def test_check_query_tells_the_form(text: str, form: str) -> None:
    assert guard.check_query(text).form == form


def test_check_update_refuses_load_but_not_insert() -> None:
    guard.check_update("INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> 1 } }")
    with pytest.raises(Refused):
        guard.check_update("LOAD <http://127.0.0.1:9/x> INTO GRAPH <http://x/g>")


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "json"), ("*/*", "json"), ("application/sparql-results+xml", "xml"), ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"), ("application/json", "json"), ("text/*", "csv"),
    ("application/sparql-results+json;q=0.5, application/sparql-results+xml", "xml"),
    ("application/sparql-results+xml;q=0.2, */*;q=0.1", "xml"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "xml"),
])
def test_negotiate_results(accept: str | None, expected: str) -> None:
    assert negotiate(accept, RESULT_FORMATS).name == expected


@pytest.mark.parametrize(("accept", "expected"), [
    ("*/*", "ttl"), ("application/n-triples", "nt"), ("application/ld+json", "jsonld"), ("application/rdf+xml", "rdfxml"),
    ("application/turtle,text/turtle", "ttl"), ("application/sparql-results+xml, application/rdf+xml", "rdfxml"),
])
def test_negotiate_graphs(accept: str, expected: str) -> None:
    assert negotiate(accept, GRAPH_FORMATS).name == expected


def test_negotiate_prefers_html_for_browsers_and_turtle_for_curl() -> None:
    offers = (*GRAPH_FORMATS, HTML)
    assert negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", offers) is HTML
    assert negotiate("*/*", offers).name == "ttl"


@pytest.mark.parametrize("accept", ["image/png", "text/turtle;q=0, application/sparql-results+json;q=0"])
def test_negotiate_refuses(accept: str) -> None:
    with pytest.raises(UnsupportedFormat):
        negotiate(accept, RESULT_FORMATS)


def test_negotiate_format_parameter_wins() -> None:
    assert negotiate("application/sparql-results+json", RESULT_FORMATS, format_param="csv").name == "csv"
    assert negotiate(None, GRAPH_FORMATS, format_param="xml").name == "rdfxml"
    with pytest.raises(UnsupportedFormat):
        negotiate(None, RESULT_FORMATS, format_param="png")
