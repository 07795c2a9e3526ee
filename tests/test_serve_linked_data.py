"""Linked Data pages, the ontology, the JSON-LD context, exports and canned queries, over real HTTP."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kg.store import open_read

EVENT = "event/battle_of_waterloo"
BASE = "https://w3id.org/chronicon/id/"


@pytest.mark.parametrize(("accept", "media", "fmt"), [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("*/*", "text/turtle", ox.RdfFormat.TURTLE),
])
def test_id_dereferences_with_conneg(server, accept: str, media: str, fmt: ox.RdfFormat) -> None:  # type: ignore[no-untyped-def]
    r = requests.get(f"{server.url}/id/{EVENT}", headers={"Accept": accept, "Host": "evil.example"})
    assert (r.status_code, r.headers["Content-Type"]) == (200, f"{media}; charset=utf-8")
    assert "Accept" in r.headers["Vary"]
    quads = list(ox.parse(r.content, format=fmt))
    subjects = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
    assert BASE + EVENT in subjects
    assert "evil.example" not in r.text


def test_id_html_page_is_escaped_and_links(server) -> None:  # type: ignore[no-untyped-def]
    r = requests.get(f"{server.url}/id/{EVENT}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src" not in r.headers["Content-Security-Policy"] and "default-src 'none'" in r.headers["Content-Security-Policy"]
    assert "<h1>Battle of Waterloo</h1>" in r.text
    assert 'href="/id/' in r.text and "<script" not in r.text


@pytest.mark.parametrize("path", ["event/no_such_event", "x%3E%20%7D%20%3B%20DROP%20ALL%20%3B%20%23",
                                  'x%22%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%23', "..%2F..%2Fetc%2Fpasswd"])
def test_id_unknown_or_hostile_is_404(server, seed_store: Path, path: str) -> None:  # type: ignore[no-untyped-def]
    before = len(open_read(seed_store))
    r = requests.get(f"{server.url}/id/{path}")
    assert r.status_code == 404 and r.json()["status"] == 404
    assert len(open_read(seed_store)) == before


def test_path_traversal_stays_inside_the_app(server) -> None:  # type: ignore[no-untyped-def]
    r = requests.Session().send(requests.Request("GET", f"{server.url}/id/../../../etc/passwd").prepare())
    assert "root:" not in r.text and r.status_code == 404


def test_ontology_at_its_path(server) -> None:  # type: ignore[no-untyped-def]
    r = requests.get(server.url + "/ontology", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/turtle; charset=utf-8"
    subjects = {q.subject.value for q in ox.parse(r.content, format=ox.RdfFormat.TURTLE) if isinstance(q.subject, ox.NamedNode)}
    assert "https://w3id.org/chronicon/event#startDate" in subjects
    assert requests.get(server.url + "/ontology", headers={"Accept": "application/n-triples"}).status_code == 200
    html = requests.get(server.url + "/ontology", headers={"Accept": "text/html"})
    assert "startDate" in html.text
    # the generated documentation: an anchor per term, its style admitted by the CSP's nonce
    assert 'id="Claim"' in html.text
    nonce = html.headers["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<style nonce="{nonce}">' in html.text


def test_context_names_the_terms(server) -> None:  # type: ignore[no-untyped-def]
    r = requests.get(server.url + "/context.jsonld")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/ld+json; charset=utf-8"
    context = r.json()["@context"]
    assert context["label"] == "rdfs:label"
    for term in ("startDate", "endDate", "place", "claims", "text", "count"):
        assert term in context, term
    assert context["place"]["@type"] == "@id"
    # It really expands: a compact document with it gives the ontology's IRIs.
    import json

    doc = {"@context": context, "@id": BASE + EVENT, "label": "Battle of Waterloo", "place": BASE + "place/waterloo"}
    quads = {(q.predicate.value, q.object.value) for q in ox.parse(json.dumps(doc).encode(), format=ox.RdfFormat.JSON_LD)}
    assert ("https://w3id.org/chronicon/event#place", BASE + "place/waterloo") in quads


@pytest.mark.parametrize(("ext", "media", "fmt"), [
    ("ttl", "text/turtle", ox.RdfFormat.TURTLE), ("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("nq", "application/n-quads", ox.RdfFormat.N_QUADS), ("trig", "application/trig", ox.RdfFormat.TRIG),
    ("jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
])
def test_exports(server, seed_store: Path, ext: str, media: str, fmt: ox.RdfFormat) -> None:  # type: ignore[no-untyped-def]
    url = f"{server.url}/export.{ext}"
    r = requests.get(url)
    assert (r.status_code, r.headers["Content-Type"]) == (200, f"{media}; charset=utf-8")
    assert r.headers["Content-Disposition"] == f"attachment; filename=chronicon.{ext}"
    etag = r.headers["ETag"]
    exported = ox.Store()
    exported.load(r.content, format=fmt)
    store = open_read(seed_store)
    if ext in ("nq", "trig", "jsonld"):  # per-article graphs kept
        assert {str(g) for g in exported.named_graphs()} == {str(g) for g in store.named_graphs()}
        assert len(exported) == sum(1 for q in store if not isinstance(q.graph_name, ox.DefaultGraph))
    else:
        assert len(exported) == sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    head = requests.head(url)
    assert head.status_code == 200 and head.headers["ETag"] == etag and head.content == b""
    assert requests.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_unknown_export_is_404(server) -> None:  # type: ignore[no-untyped-def]
    assert requests.get(server.url + "/export.exe").status_code == 404


def test_queries_listing(server) -> None:  # type: ignore[no-untyped-def]
    r = requests.get(server.url + "/queries")
    names = {q["name"]: q for q in r.json()["queries"]}
    assert "event-timeline" in names and names["event-timeline"]["params"][0]["name"] == "event"
    html = requests.get(server.url + "/queries", headers={"Accept": "text/html"})
    assert html.headers["Content-Type"] == "text/html; charset=utf-8" and "event-timeline" in html.text


def test_canned_query_binds_parameters_as_terms(server) -> None:  # type: ignore[no-untyped-def]
    r = requests.get(server.url + "/queries/event-timeline", params={"event": BASE + EVENT},
                     headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    rows = r.json()["results"]["bindings"]
    assert rows and {b["event"]["value"] for b in rows} == {BASE + EVENT}


@pytest.mark.parametrize(("path", "params", "status"), [
    ("/queries/no-such-query", {}, 404),
    ("/queries/../etc", {}, 404),
    ("/queries/event-timeline", {"event": "not an iri> } ; DROP ALL ; #"}, 400),
    ("/queries/event-timeline", {"nope": "1"}, 400),
])
def test_canned_query_errors(server, path: str, params: dict[str, str], status: int) -> None:  # type: ignore[no-untyped-def]
    r = requests.get(server.url + path, params=params)
    assert r.status_code == status and r.json()["status"] == status
