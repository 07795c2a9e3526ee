"""A store behind a SPARQL 1.1 server: kg build and kg query against a real `oxigraph serve`."""

from __future__ import annotations

import http.client
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build
from kg.remote import Endpoints, RemoteReader, is_remote
from kg.store import open_read

from .conftest import KG, OXIGRAPH

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A fresh `oxigraph serve` on a free port of 127.0.0.1, stopped at teardown."""
    port = _free_port()
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(tmp_path / "oxigraph"), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/query?query=ASK%7B%7D")
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("oxigraph serve did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def count(store: object, query: str = COUNT) -> int:
    return int(next(iter(store.query(query)))["n"].value)  # type: ignore[attr-defined]


def test_endpoints_follow_the_oxigraph_layout_unless_told() -> None:
    assert Endpoints.of("http://h:7878") == Endpoints("http://h:7878/query", "http://h:7878/update", "http://h:7878/store")
    fuseki = Endpoints.of("http://h:3030/ds?data=data")
    assert (fuseki.query, fuseki.data) == ("http://h:3030/ds/query", "http://h:3030/ds/data")
    assert is_remote("https://x/sparql") and not is_remote("data/store")


@pytest.mark.slow
def test_build_into_a_server_gives_the_graph_a_local_build_gives(server: str, seeds_dir: Path, tmp_path: Path) -> None:
    report = build([seeds_dir], store=server)
    assert report.ok and len(report.built) == 11
    local = tmp_path / "local"
    build([seeds_dir], store=local)
    with RemoteReader(server) as remote:
        _same_as_local(remote, open_read(local))
    # kg query --store URL answers as it does locally
    here = open_read(local)
    out = subprocess.run([KG, "query", COUNT, "--store", server, "--format", "csv"], capture_output=True, text=True, check=True)
    assert int(out.stdout.splitlines()[1]) == count(here)
    table = subprocess.run([KG, "query", "events", "--store", server], capture_output=True, text=True, check=True).stdout
    assert "(11 rows)" in table
    ttl = subprocess.run([KG, "query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5", "--store", server, "--format", "nt"],
                         capture_output=True, check=True).stdout
    assert len(list(ox.parse(ttl, format=ox.RdfFormat.N_TRIPLES))) == 5


@pytest.mark.slow
def test_a_server_store_is_rebuilt_incrementally(server: str, seeds_dir: Path, tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(seeds_dir, articles)
    build([articles], store=server)
    assert build([articles], store=server).built == []
    path = articles / "Battle_of_Waterloo.md"
    path.write_text(path.read_text(encoding="utf-8").replace("18 June 1815", "19 June 1815"), encoding="utf-8")
    assert build([articles], store=server).built == ["Battle_of_Waterloo.md"]
    with RemoteReader(server) as remote:
        _rebuilt(remote, articles, server)


def _same_as_local(remote: RemoteReader, here: ox.Store) -> None:
    # the default graph is the deduplicated union; one graph per article plus the ontology (and the manifest)
    assert count(remote) == count(here)
    assert count(remote, GRAPHS) == count(here, GRAPHS) + 1


def _rebuilt(remote: RemoteReader, articles: Path, server: str) -> None:
    dates = {r["d"].value for r in remote.query(
        "SELECT ?d WHERE { <https://w3id.org/chronicon/id/event/battle_of_waterloo> <https://w3id.org/chronicon/event#startDate> ?d }")}
    assert dates == {"1815-06-19"}
    (articles / "Fall_of_Mosul.md").unlink()
    assert build([articles], store=server).removed == ["Fall_of_Mosul.md"]
    assert not remote.contains_named_graph(ox.NamedNode("https://w3id.org/chronicon/id/article/Fall_of_Mosul"))
    assert count(remote, 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p "Fall of Mosul" }') == 0
    # the default graph is still the union of what is left, each triple once
    union = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != <urn:x-chronicon:build-manifest>) } }"
    assert count(remote) == count(remote, union)


@pytest.mark.slow
def test_the_reader_takes_the_protocol_dataset_of_a_query(server: str, seeds_dir: Path) -> None:
    build([seeds_dir], store=server)
    graph = ox.NamedNode("https://w3id.org/chronicon/id/article/Battle_of_Waterloo")
    with RemoteReader(server) as remote:
        one = count(remote, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        assert count(remote) > one
        assert int(next(iter(remote.query(COUNT, default_graph=[graph])))["n"].value) == one
        label = ox.Variable("l")
        rows = list(remote.query("SELECT ?l WHERE { ?e a <https://w3id.org/chronicon/event#Event> ; "
                                 "<http://www.w3.org/2000/01/rdf-schema#label> ?l }",
                                 substitutions={label: ox.Literal("Battle of Waterloo")}))
        assert [r["l"].value for r in rows] == ["Battle of Waterloo"]
