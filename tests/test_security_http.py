"""Hostile requests against a real ``kg serve`` (issue 7, part 2; THREATS.md A–C).

One server, started as a subprocess exactly as an operator would (``--timeout 3
--workers 2``, with updates enabled behind a token so that a *wrong* token is
tried too), over a private copy of the seed store. Every hostile request must
get its status and a JSON error that leaks nothing; an egress canary on
127.0.0.1 must get no connection; and at the end of the module the store has
the same version, the same quads (sha256 of the sorted N-Quads), the server
the same PID, and the pool its two workers.

What tests/test_serve_limits.py and test_serve_protocol.py already assert the
same way (the first deadline, the 1,000-row cap, 429, the nesting bombs, SERVICE
at top level / SILENT / ``SERVICE ?var``, FROM and dataset parameters, 403 on a
read-only server, 405, 406, 413/414, 415) is not repeated here: see
docs/threats-coverage.md.
"""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.conftest import BASE, Server, serving
from tests.stress.support import LEAKS, Canary, Fingerprint, assert_json_error, fingerprint, versions

TIMEOUT = 3.0
TOKEN = "s3cret-token-for-tests"
JSON = {"Accept": "application/sparql-results+json"}
SQ = {"Content-Type": "application/sparql-query"}
SU = {"Content-Type": "application/sparql-update"}
EVENT = BASE + "event/battle_of_waterloo"
TRIED: list[str] = []  # cases tried, for the summary line


class Hostile:
    def __init__(self, server: Server, store: Path, before: Fingerprint, canary: Canary) -> None:
        self.server, self.store, self.before, self.canary = server, store, before, canary
        self.pid = server.process.pid


@pytest.fixture(scope="module")
def hostile(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    store = tmp_path_factory.mktemp("hostile") / "store"
    shutil.copytree(seed_store, store)
    before = fingerprint(store)
    c = Canary()
    try:
        with serving(store, "--timeout", str(TIMEOUT), "--workers", "2", "--allow-update", "--token", TOKEN) as s:
            yield Hostile(s, store, before, c)
    finally:
        c.close()


def _quick(h: Hostile, response: requests.Response, started: float) -> None:
    """Refused before any engine ran: well under a second."""
    assert time.monotonic() - started < 1.0, f"took {time.monotonic() - started:.2f} s"


# --- B10–B12: SERVICE and LOAD: refused before execution, canary silent -------------------------

def _service_queries(target: str) -> dict[str, str]:
    return {
        "optional": f"SELECT * {{ OPTIONAL {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        "minus": f"SELECT * {{ ?s ?p ?o MINUS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        "filter-exists": f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        "subquery": f"SELECT * {{ {{ SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}",
        "mixed-case": f"SELECT * {{ sErViCe <{target}> {{ ?s ?p ?o }} }}",
        "comment": f"SELECT * {{ SERVICE # hidden\n <{target}> {{ ?s ?p ?o }} }}",
        "silent-comment": f"SELECT * {{ SERVICE #x\n SILENT #y\n <{target}> {{ ?s ?p ?o }} }}",
        "unicode-escape": f"SELECT * {{ SERVI\\u0043E <{target}> {{ ?s ?p ?o }} }}",
        "construct": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        "bind-var": f"SELECT * {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    }


@pytest.mark.parametrize("where", ["canary", "localhost", "ipv6-loopback", "metadata.invalid", "file"])
def test_service_anywhere_to_anything_is_refused_before_execution(hostile: Hostile, where: str) -> None:
    port = hostile.canary.port
    target = {"canary": hostile.canary.url, "localhost": f"http://localhost:{port}/sparql",
              "ipv6-loopback": f"http://[::1]:{port}/", "metadata.invalid": "http://metadata.invalid/latest/meta-data/",
              "file": "file:///etc/passwd"}[where]
    for name, query in _service_queries(target).items():
        started = time.monotonic()
        r = requests.post(hostile.server.sparql, data=query.encode(), headers=SQ, timeout=10)
        body = assert_json_error(r, 403)
        assert "SERVICE" in str(body["error"]), name
        _quick(hostile, r, started)
        TRIED.append(f"SERVICE {where} {name}")
    time.sleep(0.2)
    assert hostile.canary.hits == []


@pytest.mark.parametrize("update", [
    "LOAD <file:///etc/passwd>",
    "LOAD SILENT <file:///etc/hostname> INTO GRAPH <http://x/g>",
    "LOAD <http://metadata.invalid/latest/>",
    "load <{canary}x>",
    "INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> 1 } } ; LOAD <{canary}>",
])
@pytest.mark.parametrize("token", [None, TOKEN], ids=["no-token", "right-token"])
def test_load_is_refused_even_with_the_token(hostile: Hostile, update: str, token: str | None) -> None:
    headers = dict(SU)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    r = requests.post(hostile.server.sparql, data=update.replace("{canary}", hostile.canary.url).encode(), headers=headers)
    body = assert_json_error(r, 403)
    assert "root:" not in r.text and ("LOAD" in str(body["error"]) or "token" in str(body["error"]))
    TRIED.append(f"LOAD {update[:20]} token={bool(token)}")
    assert hostile.canary.hits == []


# --- B9: updates without and with a wrong token ---------------------------------------------

UPDATES = [
    "INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> 1 } }",
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    "CLEAR DEFAULT",
    "CREATE GRAPH <http://x/new>",
    f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ <{EVENT}> ?p ?o . ?s ?p ?o }} }}",
    "ADD DEFAULT TO <http://x/copy>",
    "MOVE <http://x/a> TO <http://x/b>",
    "WITH <http://x/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
]
BAD_AUTH = {
    "none": {},
    "wrong": {"Authorization": "Bearer not-the-token"},
    "prefix": {"Authorization": f"Bearer {TOKEN[:-1]}"},
    "longer": {"Authorization": f"Bearer {TOKEN}x"},
    "basic": {"Authorization": f"Basic {TOKEN}"},
    "no-scheme": {"Authorization": TOKEN},
    "empty-bearer": {"Authorization": "Bearer "},
    "cookie": {"Cookie": f"token={TOKEN}"},
}


@pytest.mark.parametrize("auth", list(BAD_AUTH))
def test_updates_without_the_right_token_are_403(hostile: Hostile, auth: str) -> None:
    for update in UPDATES:
        for how in ("direct", "form", "get", "as-query", "token-in-url"):
            headers = dict(BAD_AUTH[auth])
            if how == "direct":
                r = requests.post(hostile.server.sparql, data=update.encode(), headers={**headers, **SU})
            elif how == "form":
                r = requests.post(hostile.server.sparql, data={"update": update}, headers=headers)
            elif how == "get":
                r = requests.get(hostile.server.sparql, params={"update": update}, headers=headers)
            elif how == "as-query":
                r = requests.post(hostile.server.sparql, data={"query": update}, headers=headers)
            else:
                r = requests.post(hostile.server.sparql, params={"token": TOKEN, "access_token": TOKEN},
                                  data={"update": update}, headers=headers)
            assert_json_error(r, 403)
            assert "Access-Control-Allow-Credentials" not in r.headers
        TRIED.append(f"update {update.split()[0]} auth={auth}")
    assert versions(hostile.store) == [hostile.before.version]


def test_update_by_get_with_the_right_token_is_still_not_applied(hostile: Hostile) -> None:
    r = requests.get(hostile.server.sparql, params={"update": "DROP ALL"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert_json_error(r, 400)
    assert versions(hostile.store) == [hostile.before.version]


# --- C16–C22: exhaustion: deadline, memory, regex, nesting ------------------------------------

RUNAWAY = {
    "order-by-cross-product": "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1",
    "closure": "SELECT (COUNT(*) AS ?n) { ?a (<http://x/p>|!<http://x/p>)* ?b . ?c (<http://x/q>|!<http://x/q>)* ?d }",
    "zero-or-more-x3": "SELECT (COUNT(*) AS ?n) { ?a <http://x/p>* ?b . ?c <http://x/p>* ?d . ?e <http://x/p>* ?f }",
    "cross-count": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
}


def _alive(h: Hostile, within: float = 1.0) -> None:
    started = time.monotonic()
    r = requests.get(h.server.sparql, params={"query": "ASK {}"}, headers=JSON, timeout=10)
    assert r.status_code == 200 and r.json()["boolean"] is True
    assert time.monotonic() - started < within, f"ASK took {time.monotonic() - started:.2f} s"
    health = requests.get(h.server.url + "/health", timeout=5).json()
    assert health["ok"] is True and health["workers"] == 2, health
    assert h.server.process.poll() is None and h.server.process.pid == h.pid


def test_runaway_queries_stop_at_the_deadline_and_free_their_worker(hostile: Hostile) -> None:
    """Four queries that would run for hours (or until memory runs out), two at a time on the two workers."""
    names = list(RUNAWAY)

    def run(name: str) -> tuple[str, int, float, requests.Response]:
        started = time.monotonic()
        r = requests.get(hostile.server.sparql, params={"query": RUNAWAY[name]}, headers=JSON, timeout=60)
        return name, r.status_code, time.monotonic() - started, r

    for pair in (names[:2], names[2:]):
        with ThreadPoolExecutor(2) as pool:
            for name, status, elapsed, r in pool.map(run, pair):
                assert status != 200, (name, r.text[:200])
                assert_json_error(r, (503, 500))
                if status == 503:
                    assert int(r.headers["Retry-After"]) >= 1
                assert elapsed <= TIMEOUT + 2.0, (name, elapsed)
                TRIED.append(f"runaway {name}: {status} after {elapsed:.1f} s")
        _alive(hostile)


def test_concat_doubling_until_memory_runs_out_is_an_error_not_a_dead_server(hostile: Hostile) -> None:
    seed = "CONCAT(" + ", ".join(['"' + "a" * 64 + '"'] * 16) + ")"
    binds = "".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1}) " for i in range(40))
    query = f"SELECT (STRLEN(?x40) AS ?n) {{ BIND({seed} AS ?x0) {binds} }}"
    assert len(query) < 4096
    started = time.monotonic()
    r = requests.post(hostile.server.sparql, data=query.encode(), headers={**SQ, **JSON}, timeout=60)
    assert_json_error(r, (500, 503))
    assert time.monotonic() - started <= TIMEOUT + 2.0
    TRIED.append(f"CONCAT doubling: {r.status_code}")
    _alive(hostile)


@pytest.mark.parametrize("pattern", ["(a+)+b", "(.*a){50}", "^(([a-z])+.)+[A-Z]([a-z])+$", "(a|aa)+$"])
def test_catastrophic_regex_is_answered_or_stopped(hostile: Hostile, pattern: str) -> None:
    text = '"' + "a" * 5000 + '!"'
    query = (f'SELECT (COUNT(*) AS ?n) {{ {{ ?s ?p ?o FILTER(REGEX(STR(?o), "{pattern}")) }} '
             f'UNION {{ FILTER(REGEX({text}, "{pattern}")) }} }}')
    started = time.monotonic()
    r = requests.get(hostile.server.sparql, params={"query": query}, headers=JSON, timeout=30)
    elapsed = time.monotonic() - started
    if r.status_code == 200:
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) >= 0
        assert elapsed < 2.0, elapsed  # Rust's regex does not backtrack
    else:
        assert_json_error(r, (400, 503))
    TRIED.append(f"regex {pattern}: {r.status_code} in {elapsed:.2f} s")
    _alive(hostile)


def test_a_query_3000_groups_deep_is_400_and_the_server_lives(hostile: Hostile) -> None:
    for query in ("SELECT * WHERE " + "{ " * 3000 + "}" * 3000,
                  "SELECT * WHERE { " + "{ ?s ?p ?o } UNION " * 3000 + "{} }",
                  "ASK { FILTER(" + "!" * 30000 + "true) }"):
        body = assert_json_error(requests.post(hostile.server.sparql, data=query.encode(), headers=SQ), 400)
        assert "nested" in str(body["error"]) or "UNION" in str(body["error"]) or "operators" in str(body["error"])
    TRIED.append("nesting 3000 groups, 3000 UNIONs, 30000 '!'")
    _alive(hostile)


# --- C19: a million rows, A8: a 10 MB request ------------------------------------------------

def test_a_million_row_result_is_capped_with_a_machine_readable_signal(hostile: Hostile) -> None:
    query = "SELECT * { ?a ?b ?c . ?d ?e ?f }"  # ~12 million solutions on the seeds
    for accept, check in (("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
                          ("text/tab-separated-values", "tsv")):
        started = time.monotonic()
        r = requests.get(hostile.server.sparql, params={"query": query}, headers={"Accept": accept}, timeout=30)
        assert r.status_code == 200, r.text[:200]
        assert r.headers["X-Chronicon-Truncated"] == "rows=10000"  # the default --max-rows
        if check == "json":
            body = r.json()
            assert len(body["results"]["bindings"]) == 10000
            assert body["head"]["link"] == ["urn:chronicon:truncated:rows=10000"]
        elif check == "xml":
            assert r.text.rstrip().endswith("</sparql>") and "urn:chronicon:truncated:rows=10000" in r.text
        else:
            assert len(r.text.rstrip("\n").split("\n")) == 10001
        assert time.monotonic() - started < TIMEOUT
        TRIED.append(f"million rows {check}: cut at 10000")


def test_a_10mb_request_is_refused_unread(hostile: Hostile) -> None:
    big = b"x" * (10 * 1024 * 1024)
    started = time.monotonic()
    r = requests.post(hostile.server.sparql, data={"query": "ASK {} #" + big.decode()}, timeout=30)
    assert r.status_code == 413  # past twice the app's limit waitress refuses it itself (plain text)
    assert not LEAKS.search(r.text)
    # Chunked (no Content-Length): the app cannot see the size up front; it must still refuse it.
    r = requests.post(hostile.server.sparql, data=iter([big[i:i + 65536] for i in range(0, len(big), 65536)]),
                      headers=SQ, timeout=30)
    assert r.status_code == 413 and not LEAKS.search(r.text)
    # Just over the app's 1 MiB: the JSON 413 from the app.
    r = requests.post(hostile.server.sparql, data=b"ASK {} #" + b"y" * (1024 * 1024), headers=SQ, timeout=30)
    assert_json_error(r, 413)
    # A 10 MB URL and a 10 MB header.
    r = requests.get(hostile.server.sparql + "?query=" + "x" * (10 * 1024 * 1024), timeout=30)
    assert r.status_code in (400, 413, 414, 431) and not LEAKS.search(r.text)
    r = requests.get(hostile.server.sparql, params={"query": "ASK {}"}, headers={"X-Big": "y" * (10 * 1024 * 1024)}, timeout=30)
    assert r.status_code in (400, 413, 431) and not LEAKS.search(r.text)
    assert time.monotonic() - started < 20
    TRIED.append("10 MB body (form, chunked), 1 MiB+ body, 10 MB URL, 10 MB header")
    _alive(hostile)


# --- A5, A7: Accept and Content-Type nonsense --------------------------------------------------

@pytest.mark.parametrize("accept", [
    ";;;,,,/", "*/*;q=abc", "application/sparql-results+json;q=-5", "text/*;q=0.5, */*;q=NaN",
    "x" * 8000, "application/sparql-results+json\x7f", "*/*, image/png;q=1", "application/*",
])
def test_accept_nonsense_never_fails_the_server(hostile: Hostile, accept: str) -> None:
    r = requests.get(hostile.server.sparql, params={"query": "SELECT ?x { BIND(1 AS ?x) }"}, headers={"Accept": accept})
    if r.status_code == 400 and r.headers["Content-Type"].startswith("text/plain"):
        assert not LEAKS.search(r.text)  # not even HTTP: waitress refuses the header itself
    elif r.status_code == 200:
        assert r.headers["Content-Type"].split(";")[0] in ("application/sparql-results+json", "application/sparql-results+xml",
                                                           "text/csv", "text/tab-separated-values")
    else:
        assert_json_error(r, (400, 406))
    TRIED.append(f"Accept {accept[:20]!r}: {r.status_code}")


@pytest.mark.parametrize(("content_type", "status"), [
    ("application/sparql-query; charset=ebcdic", 400),
    ("application/x-www-form-urlencoded; charset=utf-16", 400),
    ("multipart/form-data; boundary=x", 415),
    (";;;", 415),
    ("application/sparql-query/../x", 415),
    ("text/html", 415),
    ("application/sparql-results+json", 415),
    ("application/sparql-update; charset=latin1", 400),  # the charset is checked before the token
])
def test_content_type_nonsense_is_4xx_json(hostile: Hostile, content_type: str, status: int) -> None:
    r = requests.post(hostile.server.sparql, data=b"query=ASK%20%7B%7D", headers={"Content-Type": content_type})
    assert_json_error(r, (status, 403) if "update" in content_type else status)
    TRIED.append(f"Content-Type {content_type!r}: {r.status_code}")


# --- B15 + path traversal on every path parameter ----------------------------------------------

TRAVERSALS = [
    "/id/../../etc/passwd", "/id/..%2F..%2F..%2Fetc%2Fpasswd", "/id/%2e%2e/%2e%2e/etc/passwd", "/id/....//....//etc/passwd",
    "/id/event/..%00/etc/passwd", "/id/%252e%252e%252fetc%252fpasswd", "/id/..\\..\\etc\\passwd",
    "/queries/..%2F..%2Fetc%2Fpasswd", "/queries/%2e%2e", "/queries/..%2Fpyproject.toml", "/queries/event-timeline.rq",
    "/queries/..%2Fqueries%2Fevent-timeline", "/queries/event-timeline%00", "/queries/EVENT-TIMELINE",
    "/export.ttl/../../etc/passwd", "/export.%2e%2e%2F%2e%2e%2Fetc%2Fpasswd", "/export...%2F..%2Fpyproject.toml",
    "/export.ttl%00.txt", "/export./etc/passwd", "/export..ttl",
    "/ontology/../../etc/passwd", "/ontology%2F..%2F..%2Fetc%2Fpasswd", "/context.jsonld/..%2F..%2Fetc%2Fpasswd",
    "/static/../../../etc/passwd", "/static/..%2F..%2F..%2Fetc%2Fpasswd", "/static/%2e%2e/%2e%2e/kg/store.py",
    "/sparql/../../etc/passwd", "/health/..%2F..%2Fetc%2Fpasswd", "//etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
]


def _raw_get(h: Hostile, path: str) -> tuple[int, bytes]:
    """A GET with the path exactly as written (requests would normalise ``..``)."""
    with socket.create_connection(("127.0.0.1", int(h.server.url.rsplit(":", 1)[1])), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_reads_nothing_outside(hostile: Hostile, path: str) -> None:
    status, body = _raw_get(hostile, path)
    text = body.decode("utf-8", "replace")
    assert status in (400, 404, 405, 308, 301), (status, text[:200])
    assert "root:" not in text and "import " not in text and "[project]" not in text and "def " not in text
    assert not LEAKS.search(text), text[:300]
    TRIED.append(f"traversal {path}: {status}")


INJECTIONS = [
    "x> } ; DROP ALL ; #", 'x" } UNION { ?s ?p ?o } #', f"{EVENT}> . ?s ?p ?o . <x", f"<{EVENT}>",
    f"{EVENT}\n}} INSERT DATA {{ <a> <b> <c> }}", "?event", "$event", "", "javascript:alert(1)", "file:///etc/passwd",
    f"{EVENT}#\u0000", "a" * 100_000,
]


@pytest.mark.parametrize("payload", INJECTIONS, ids=range(len(INJECTIONS)))
def test_canned_query_parameters_cannot_inject(hostile: Hostile, payload: str) -> None:
    listing = requests.get(hostile.server.url + "/queries", headers={"Accept": "application/json"}).json()["queries"]
    with_params = [q for q in listing if q["params"]]
    assert with_params
    for q in with_params:
        for p in q["params"]:
            r = requests.get(hostile.server.url + q["url"], params={p["name"]: payload}, headers=JSON, timeout=30)
            if r.status_code == 200:  # bound as a term: an IRI nobody uses, or a string: no rows about it
                assert r.json()["results"]["bindings"] == [], (q["name"], payload)
            elif r.status_code == 403:  # a federated canned query (Wikidata): refused whatever the value
                assert "SERVICE" in str(assert_json_error(r, 403)["error"])
            else:
                assert_json_error(r, (400, 414))
        # a parameter name that is not declared, and one that tries to smuggle a variable
        for extra in ({"s": payload}, {"event> ?x": "1"}, {"format": "json", "query": "DROP ALL"}):
            r = requests.get(hostile.server.url + q["url"], params=extra, headers=JSON)
            assert_json_error(r, (400, 403, 406, 414))
    TRIED.append(f"canned-query injection {payload[:20]!r}")


# --- the end of the run: nothing changed, nothing leaked, nothing died -------------------------

def test_zz_store_unchanged_server_alive_canary_silent(hostile: Hostile) -> None:
    after = fingerprint(hostile.store)
    assert after == hostile.before, (hostile.before, after)
    assert versions(hostile.store) == [hostile.before.version]
    _alive(hostile)
    assert hostile.canary.hits == []
    log = hostile.server.output()
    assert "Traceback" not in log, log[-2000:]
    print(f"\nhostile HTTP run: {len(TRIED)} case groups tried; store {after.version} {after.quads} quads "
          f"sha256 {after.sha256[:16]}… unchanged; server PID {hostile.pid} alive; canary 0 connections")
