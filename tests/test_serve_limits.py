"""Resource limits over real HTTP: deadline, row cap, admission control, crashes, nesting bombs, egress.

One server with a 3 s deadline, 2 workers, 1,000 rows and 512 MiB per worker.
The seed store's default graph holds ~3,500 triples, so a cross product of
three triple patterns is ~4e10 solutions: it never finishes.
"""

from __future__ import annotations

import ctypes
import os
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from kg.serve.workers import sandbox
from tests.conftest import Server, serving

TIMEOUT = 3.0
MAX_ROWS = 1000
CROSS3 = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CROSS3_ROWS = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
JSON = {"Accept": "application/sparql-results+json"}
MEASURED: dict[str, float] = {}


@pytest.fixture(scope="module")
def limited(seed_store: Path) -> Iterator[Server]:
    with serving(seed_store, "--workers", "2", "--queue", "2", "--timeout", str(TIMEOUT), "--max-rows", str(MAX_ROWS),
                 env={"KG_MEMORY_MB": "512"}) as s:
        yield s


@pytest.fixture
def canary() -> Iterator[tuple[str, list[bytes]]]:
    """A listener on 127.0.0.1 that records every connection it gets (there must be none)."""
    hits: list[bytes] = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            hits.append(conn.recv(200))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/", hits
    stop.set()
    thread.join()
    listener.close()


def _alive(server: Server) -> None:
    start = time.monotonic()
    r = requests.get(server.sparql, params={"query": "ASK {}"}, headers=JSON, timeout=5)
    assert r.status_code == 200 and r.json()["boolean"] is True
    assert time.monotonic() - start < 1.0
    assert requests.get(server.url + "/health").json()["workers"] == 2


def test_deadline_kills_the_query_and_the_next_is_answered_at_once(limited: Server) -> None:
    start = time.monotonic()
    r = requests.get(limited.sparql, params={"query": CROSS3}, headers=JSON, timeout=30)
    elapsed = time.monotonic() - start
    assert r.status_code == 503, r.text
    assert r.json()["status"] == 503 and int(r.headers["Retry-After"]) >= 1
    assert TIMEOUT - 0.1 <= elapsed <= TIMEOUT + 1.5, elapsed
    start = time.monotonic()
    assert requests.get(limited.sparql, params={"query": "ASK {}"}, headers=JSON).status_code == 200
    following = time.monotonic() - start
    MEASURED.update(deadline_503_after_s=round(elapsed, 2), next_query_s=round(following, 3))
    print(f"\ncross product x3 COUNT: 503 after {elapsed:.2f} s (deadline {TIMEOUT} s); next ASK {following * 1000:.0f} ms")
    assert following < 1.0
    _alive(limited)


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"])
def test_row_cap_cuts_and_says_so(limited: Server, accept: str) -> None:
    start = time.monotonic()
    r = requests.get(limited.sparql, params={"query": CROSS3_ROWS}, headers={"Accept": accept}, timeout=30)
    elapsed = time.monotonic() - start
    assert r.status_code == 200
    assert r.headers["X-Chronicon-Truncated"] == f"rows={MAX_ROWS}"
    if accept.endswith("json"):
        body = r.json()  # complete, parseable JSON
        assert len(body["results"]["bindings"]) == MAX_ROWS
        assert body["head"]["link"] == [f"urn:chronicon:truncated:rows={MAX_ROWS}"]
    elif accept.endswith("xml"):
        assert f'<link href="urn:chronicon:truncated:rows={MAX_ROWS}"/>' in r.text and r.text.rstrip().endswith("</sparql>")
    else:
        assert len(r.text.strip().split("\r\n")) == MAX_ROWS + 1
    MEASURED[f"row_cap_{accept.split('/')[-1]}_s"] = round(elapsed, 3)
    print(f"\ncross product x3 rows ({accept}): 200 cut at {MAX_ROWS} rows in {elapsed * 1000:.0f} ms")


def test_construct_is_capped_too(limited: Server) -> None:
    r = requests.get(limited.sparql, params={"query": "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }"})
    assert r.status_code == 200 and r.headers["X-Chronicon-Truncated"] == f"triples={MAX_ROWS}"


def test_admission_control_answers_429_with_retry_after(limited: Server) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(requests.get, limited.sparql, params={"query": CROSS3}, headers=JSON, timeout=30)
                   for _ in range(8)]
        statuses = sorted(f.result().status_code for f in futures)
    # 2 workers + a queue of 2: four are admitted (503 at their deadline), the rest are turned away.
    assert statuses.count(429) == 4 and statuses.count(503) == 4, statuses
    _alive(limited)


def test_a_burst_of_quick_queries_waits_for_a_worker_instead_of_being_refused(server: Server) -> None:
    # The default queue (32) holds a burst that 2 workers clear in milliseconds: shedding it
    # with 429 would fail clients (and halve throughput) while the endpoint is nearly idle.
    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"}
    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = [pool.submit(requests.get, server.url + "/sparql", params=query, headers=JSON, timeout=30)
                   for _ in range(64)]
        statuses = [f.result().status_code for f in futures]
    assert statuses == [200] * 64, sorted(set(statuses))


def test_memory_blow_up_is_a_500_and_the_server_lives(limited: Server) -> None:
    binds = "".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1}) " for i in range(40))
    pid = limited.process.pid
    r = requests.get(limited.sparql, params={"query": f'SELECT ?x40 {{ BIND(REPEAT("a", 1024) AS ?x0) {binds} }}'},
                     headers=JSON, timeout=30)
    # REPEAT is not SPARQL: a 400 would not exercise the limit; build the 1 KiB seed another way if so.
    if r.status_code == 400:
        seed = "CONCAT(" + ", ".join(['"' + "a" * 64 + '"'] * 16) + ")"
        r = requests.get(limited.sparql, params={"query": f"SELECT ?x40 {{ BIND({seed} AS ?x0) {binds} }}"},
                         headers=JSON, timeout=30)
    assert r.status_code in (500, 503), r.text
    assert r.json()["status"] == r.status_code
    assert limited.process.pid == pid and limited.process.poll() is None
    _alive(limited)


@pytest.mark.parametrize("query", [
    "ASK " + "{" * 2300 + "}" * 2300,
    "ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "ASK { " + "OPTIONAL { " * 3000 + "}" * 3001,
    "ASK { {} " + "UNION {} " * 7000 + "}",
    "ASK { ?a " + "(" * 15000 + "<http://x/p>" + ")" * 15000 + " ?b }",
    "ASK { FILTER(true" + "||true" * 10000 + ") }",
], ids=["braces", "parentheses", "optional", "union", "path", "or-chain"])
def test_nesting_bombs_are_400_before_any_engine(limited: Server, query: str) -> None:
    r = requests.post(limited.sparql, data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400, r.text
    assert limited.process.poll() is None


def test_no_egress_from_service_from_or_dataset_parameters(limited: Server, canary: tuple[str, list[bytes]]) -> None:
    url, hits = canary
    refused = [f"SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", f"SELECT * {{ service SILENT <{url}> {{ ?s ?p ?o }} }}",
               f"SELECT * {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}", f"LOAD <{url}x>"]
    for query in refused:
        assert requests.post(limited.sparql, data={"query": query}).status_code == 403
    empty = [({"query": f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}"}),
             ({"query": "SELECT * FROM <file:///etc/hostname> WHERE { ?s ?p ?o }"}),
             ({"query": f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"}),
             ({"query": "SELECT * { ?s ?p ?o }", "default-graph-uri": url}),
             ({"query": "SELECT * { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": "file:///etc/passwd"})]
    for params in empty:
        r = requests.get(limited.sparql, params=params, headers=JSON)
        assert r.status_code == 200 and r.json()["results"]["bindings"] == [], (params, r.text)
    time.sleep(0.3)
    assert hits == []


def test_worker_sandbox_has_no_network(canary: tuple[str, list[bytes]]) -> None:
    """The worker's own confinement, without the guard: a fresh network namespace reaches nothing."""
    if os.geteuid() != 0:
        pytest.skip("dropping the network needs root (CAP_SYS_ADMIN)")
    url, hits = canary
    port = int(url.rsplit(":", 1)[1].strip("/"))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            state = sandbox(512, keep_network=False)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                code = 2  # connected: the sandbox leaks
            except OSError:
                code = 0 if state == "dropped" else 3
        finally:
            os.write(write, bytes([code]))
            os._exit(0)
    os.close(write)
    code = os.read(read, 1)
    os.waitpid(pid, 0)
    assert code == b"\x00"
    assert hits == []
    assert ctypes.sizeof(ctypes.c_int) == 4  # (ctypes is what the sandbox uses: keep the import honest)


def test_zz_report_measurements() -> None:
    """Leave the measured numbers where people look for them."""
    if MEASURED:
        out = Path(__file__).parent / "artifacts"
        out.mkdir(exist_ok=True)
        (out / "serve-limits.txt").write_text("".join(f"{k} = {v}\n" for k, v in sorted(MEASURED.items())))
