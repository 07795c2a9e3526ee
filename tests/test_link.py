"""kg.link against real SPARQL: an `oxigraph serve-read-only` of the Wikidata extract on 127.0.0.1,
the same extract as a file, the cache, the threshold, backoff on 429, and the homonyms.

No traffic leaves 127.0.0.1: every source here is a local server or a local file.
"""

from __future__ import annotations

import csv
import json
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.build import build
from kg.cli import cli
from kg.config import Settings
from kg.link import DumpSource, EndpointSource, link, link_graph, links_graph_iri
from kg.link.sources import SourceError
from kg.store import open_read, read_manifest
from kg.vocab import DEFAULT_BASE

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXTRACT = SHARED / "wikidata" / "extract.nt"
ARTICLES = SHARED / "corpus" / "articles"
GOLD = SHARED / "corpus" / "gold"
OXIGRAPH = shutil.which("oxigraph") or str(Path(__file__).resolve().parent.parent / ".venv" / "bin" / "oxigraph")
ID = DEFAULT_BASE
WD = "http://www.wikidata.org/entity/"

pytestmark = pytest.mark.skipif(not (EXTRACT.is_file() and ARTICLES.is_dir()), reason="shared corpus/extract missing")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`oxigraph serve-read-only` of the extract, on a free local port."""
    location = tmp_path_factory.mktemp("wikidata-store")
    subprocess.run([OXIGRAPH, "load", "--location", str(location), "--file", str(EXTRACT)], check=True,
                   capture_output=True)
    port = _free_port()
    proc = subprocess.Popen([OXIGRAPH, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1) as answer:  # noqa: S310 - local
                    answer.read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("oxigraph serve-read-only did not answer")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    """The corpus built to a file and loaded with the union of its graphs as the default graph."""
    out = tmp_path_factory.mktemp("corpus") / "built.nq"
    build([ARTICLES], out=out, validate=False)
    store = ox.Store()
    store.load(path=str(out))
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


@pytest.fixture(scope="module")
def linked(corpus: ox.Store, endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    cache = tmp_path_factory.mktemp("cache")
    source = EndpointSource(endpoint, cache_dir=cache)
    result = link(corpus, source)
    return {"result": result, "source": source, "cache": cache,
            "links": {r["node"]: r["qid"] for r in result.rows if r["qid"]},
            "rows": {r["node"]: r for r in result.rows}}


def _links_by_label(corpus: ox.Store, lines: list[str]) -> dict[str, set[str]]:
    store = ox.Store()
    store.load(("".join(lines)).encode(), format=ox.RdfFormat.N_TRIPLES)
    for q in corpus.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        store.add(q)
    out: dict[str, set[str]] = {}
    for sol in store.query("SELECT ?l ?w WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l ; "
                           "<http://www.w3.org/2002/07/owl#sameAs> ?w }"):
        out.setdefault(sol["l"].value.casefold(), set()).add(sol["w"].value)
    return out


# --- the corpus through a real SPARQL server --------------------------------------------


def test_gold_links_through_the_endpoint(corpus: ox.Store, linked: dict) -> None:
    by_label = _links_by_label(corpus, linked["result"].lines)
    found = total = 0
    for path in sorted(GOLD.glob("*.json")):
        for label, q in json.loads(path.read_text(encoding="utf-8"))["wikidata"].items():
            total += 1
            found += WD + q in by_label.get(label.casefold(), set())
    assert found / total >= 0.9


@pytest.mark.parametrize(("node", "qid"), [
    ("place/idlib", "Q504657"),  # the city
    ("place/idlib_governorate", "Q233218"),  # the governorate
    ("place/idlib_province", "Q233218"),  # "province" wants the area, not the city
    ("place/latakia", "Q200030"),
    ("place/latakia_governorate", "Q233236"),
    ("place/latakia_province", "Q233236"),
    ("event/battle_of_waterloo", "Q48314"),
    ("place/khan_shaykhoun", "Q603516"),  # ou → u
    ("place/maaret_al-numan", "Q728226"),  # Maarrat al-Nu'man, by the fuzzy search
    ("agent/hungary", "Q171150"),  # 1942: the Kingdom of Hungary (1000–1946)
    ("place/hungary", "Q28"),  # 2002: the republic
    ("agent/italy", "Q172579"),
    ("event/syrian_civil_war", "Q178810"),
])
def test_homonyms_and_variants(linked: dict, node: str, qid: str) -> None:
    assert linked["links"].get(ID + node) == qid, linked["rows"].get(ID + node)


def test_waterloo_the_town_is_not_waterloo_iowa(linked: dict) -> None:
    row = linked["rows"][ID + "place/waterloo"]
    assert row["qid"] == "" and row["decision"] == "not linked"
    assert "Iowa" in row["evidence"] and "ev:locatedIn" in row["evidence"]
    assert "Q496381" in row["candidates"]  # considered, and refused


def test_islamic_front_has_no_item_in_the_extract(linked: dict) -> None:
    row = linked["rows"][ID + "agent/islamic_front"]
    assert row["qid"] == "" and "no item" in row["evidence"]


def test_same_item_tied_through_the_qid(linked: dict) -> None:
    rows = linked["rows"]
    assert rows[ID + "place/khan_shaykhun"]["qid"] == rows[ID + "place/khan_shaykhoun"]["qid"] == "Q603516"
    assert ID + "place/khan_shaykhoun" in rows[ID + "place/khan_shaykhun"]["same_as"]
    assert "(other kind)" in rows[ID + "place/syria"]["same_as"]  # the agent Syrian Arab Republic
    # no owl:sameAs between our own nodes: only to Wikidata items
    same_as = [line for line in linked["result"].lines if "owl#sameAs" in line]
    assert same_as and all(f"<{WD}Q" in line for line in same_as)


def test_each_link_has_a_node_with_score_and_evidence(linked: dict) -> None:
    lines = "".join(linked["result"].lines)
    store = ox.Store()
    store.load(lines.encode(), format=ox.RdfFormat.N_TRIPLES)
    rows = list(store.query("""PREFIX ev: <https://w3id.org/chronicon/event#>
        SELECT ?n ?t ?s (COUNT(?e) AS ?k) WHERE { ?l a ev:Link ; ev:linkOf ?n ; ev:linkTarget ?t ; ev:linkScore ?s ;
        ev:linkEvidence ?e } GROUP BY ?n ?t ?s"""))
    assert len(rows) == len(linked["links"])
    assert all(0.6 <= float(r["s"].value) <= 1 and int(r["k"].value) >= 1 for r in rows)


def test_dump_gives_the_same_links(corpus: ox.Store, linked: dict) -> None:
    lines, rows = link_graph(corpus, DumpSource(EXTRACT), Settings())
    assert lines == linked["result"].lines
    assert [r["qid"] for r in rows] == [r["qid"] for r in linked["result"].rows]


def test_second_run_asks_nothing(corpus: ox.Store, linked: dict, endpoint: str) -> None:
    assert linked["source"].requests > 0
    again = EndpointSource(endpoint, cache_dir=linked["cache"])
    result = link(corpus, again)
    assert again.requests == 0 and again.cache_hits > 0
    assert result.lines == linked["result"].lines


def test_threshold(corpus: ox.Store) -> None:
    source = DumpSource(EXTRACT)
    strict = {r["node"]: r for r in link(corpus, source, threshold=0.95).rows}
    row = strict[ID + "place/maaret_al-numan"]  # 0.90: a spelling variant
    assert row["qid"] == "" and "below the threshold 0.95" in row["evidence"]
    assert strict[ID + "place/idlib"]["qid"] == "Q504657"
    none = link(corpus, source, threshold=1.0).linked
    assert none < link(corpus, source, threshold=0.6).linked


def test_context_picks_among_homonyms(tmp_path: Path, corpus: ox.Store) -> None:
    """Two items labelled "Islamic Front": the Syrian coalition of the 2010s, not the 1990s Algerian party."""
    extract = tmp_path / "mini.nt"
    extract.write_text("\n".join([
        '<http://www.wikidata.org/entity/Q900001> <http://www.w3.org/2000/01/rdf-schema#label> "Islamic Front"@en .',
        '<http://www.wikidata.org/entity/Q900001> <http://schema.org/description> "Islamist rebel coalition in Syria"@en .',
        '<http://www.wikidata.org/entity/Q900002> <http://www.w3.org/2000/01/rdf-schema#label> "Islamic Front"@en .',
        '<http://www.wikidata.org/entity/Q900002> <http://schema.org/description> "Islamist party in Algeria (1989–1992)"@en .',
        '<http://www.wikidata.org/entity/Q900003> <http://www.w3.org/2000/01/rdf-schema#label> "Syria"@en .',
        '<http://www.wikidata.org/entity/Q900003> <http://schema.org/description> "country in Western Asia"@en .',
    ]) + "\n")
    rows = {r["node"]: r for r in link(corpus, DumpSource(extract)).rows}
    row = rows[ID + "agent/islamic_front"]
    assert row["qid"] == "Q900001", row
    assert "Q900002" in row["candidates"]


# --- the HTTP client ---------------------------------------------------------------------


class _Flaky(BaseHTTPRequestHandler):
    calls: list[str] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).calls.append(self.headers.get("User-Agent", ""))
        if len(type(self).calls) == 1:
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]}})
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


def test_backoff_on_429_honours_retry_after(tmp_path: Path) -> None:
    _Flaky.calls = []
    server = HTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    waits: list[float] = []
    try:
        source = EndpointSource(f"http://127.0.0.1:{server.server_port}/sparql", cache_dir=tmp_path, sleep=waits.append)
        assert source.select("SELECT ?x WHERE {}") == [{"x": "ok"}]
        assert source.requests == 2 and waits == [0.0]
        assert all(ua.startswith("Chronicon/") for ua in _Flaky.calls)
        assert source.select("SELECT ?x WHERE {}") == [{"x": "ok"}] and source.requests == 2  # cached
    finally:
        server.shutdown()
        server.server_close()


def test_gives_up_after_retries(tmp_path: Path) -> None:
    class Always503(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.send_response(503)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Always503)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    waits: list[float] = []
    try:
        source = EndpointSource(f"http://127.0.0.1:{server.server_port}/", retries=3, sleep=waits.append)
        with pytest.raises(SourceError, match="HTTP 503"):
            source.select("SELECT * WHERE {}")
        assert waits == [1.0, 2.0, 4.0]  # exponential without Retry-After
    finally:
        server.shutdown()
        server.server_close()


# --- the commands --------------------------------------------------------------------------


def test_kg_link_writes_its_own_graph_and_report(tmp_path: Path, endpoint: str) -> None:
    store = tmp_path / "store"
    build([ARTICLES], store=store, validate=False)
    runner = CliRunner()
    report = tmp_path / "links.csv"
    env = {"KG_WIKIDATA_CACHE": str(tmp_path / "cache")}
    result = runner.invoke(cli, ["link", "--store", str(store), "--endpoint", endpoint, "--report", str(report)], env=env)
    assert result.exit_code == 0, result.output
    with report.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {"label", "kind", "node", "qid", "wikidata_label", "score", "evidence"} <= set(rows[0])
    assert any(r["qid"] == "Q504657" for r in rows) and any(r["decision"] == "not linked" for r in rows)
    graph = ox.NamedNode(links_graph_iri(ID))

    def count() -> int:
        return len(list(open_read(store).quads_for_pattern(None, None, None, graph)))

    first = count()
    assert first > 0 and "articles" in read_manifest(store) and read_manifest(store)["articles"]
    result = runner.invoke(cli, ["link", "--store", str(store), "--dump", str(EXTRACT)], env=env)
    assert result.exit_code == 0, result.output
    assert count() == first  # replaced, not added to
    assert str(graph.value) not in json.dumps(read_manifest(store)["articles"])


def test_build_link_reaches_the_out_file_and_the_store(tmp_path: Path) -> None:
    settings = Settings(link=True, wikidata_dump=str(EXTRACT))
    out = tmp_path / "g.nq"
    build([ARTICLES], out=out, store=tmp_path / "store", link=settings, validate=False)
    graph = links_graph_iri(ID)
    lines = [line for line in out.read_text(encoding="utf-8").splitlines() if line.endswith(f"<{graph}> .")]
    assert any("owl#sameAs> <http://www.wikidata.org/entity/Q504657>" in line for line in lines)
    manifest = read_manifest(tmp_path / "store")
    assert all(entry["graph"] != graph for entry in manifest["articles"].values())
    assert open_read(tmp_path / "store").contains_named_graph(ox.NamedNode(graph))
