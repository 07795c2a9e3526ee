"""remote: a store behind a SPARQL 1.1 server with the Graph Store Protocol.

``--store http://host:7878`` puts the graph on a server (Oxigraph server,
Fuseki, GraphDB, ...) instead of a local directory. The server's dataset is
Chronicon's, laid out as a local store is: one named graph per article, the
default graph kept as their deduplicated union, and the build's manifest in a
graph of its own (:data:`MANIFEST_GRAPH`).

Endpoints, from the URL given (Oxigraph server's layout by default)::

    http://host:7878                      query /query, update /update, graph store /store
    http://host:3030/ds?data=data         Fuseki: /ds/query, /ds/update, /ds/data
    http://host/x?query=sparql&update=sparql&data=gsp    any other layout

Writing: each chunk of articles goes as **one** ``POST`` of N-Quads to the
graph store (named graphs and the default-graph copy in the same body), a
replaced or removed article is one SPARQL Update. Unlike a local store, a
server has no versions: readers see a build as it happens, and a failed build
leaves what it had written (run it again: it is idempotent).

Reading: :class:`RemoteReader` answers ``query``/``dump`` like a read-only
``pyoxigraph.Store``, so ``kg query``, the linker, validation and ``kg serve``'s
query workers can use it unchanged; :meth:`RemoteReader.raw` passes a server's
answer through untouched (what an HTTP endpoint wants).
"""

from __future__ import annotations

import http.client
import io
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import parse_qs, quote, urlencode, urljoin, urlsplit

import pyoxigraph as ox

from kg.errors import QueryError, StoreError

MANIFEST_GRAPH = "urn:x-chronicon:build-manifest"
_MANIFEST_P = "urn:x-chronicon:manifest"
TIMEOUT = 300.0  # seconds; a chunk of 100 articles is ~40 000 quads
NQUADS = "application/n-quads"
NTRIPLES = "application/n-triples"
RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPHS = {NTRIPLES: ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE, NQUADS: ox.RdfFormat.N_QUADS}


def is_remote(store: object) -> bool:
    """Whether a ``--store`` value names a server rather than a directory."""
    return isinstance(store, str) and store.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of a SPARQL 1.1 server: query, update and graph store."""

    query: str
    update: str
    data: str

    @classmethod
    def of(cls, url: str) -> Endpoints:
        """Endpoints from a store URL; ``?query=&update=&data=`` override the Oxigraph layout."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StoreError(f"{url}: not an http(s) URL of a SPARQL server")
        given = {k: v[0] for k, v in parse_qs(parts.query).items()}
        root = parts._replace(query="", fragment="").geturl().rstrip("/") + "/"
        return cls(*(urljoin(root, given.get(k, d)) for k, d in (("query", "query"), ("update", "update"), ("data", "store"))))


class _Http:
    """One keep-alive connection per host (http.client: no dependency), reopened when dropped."""

    def __init__(self, timeout: float = TIMEOUT) -> None:
        self.timeout = timeout
        self.conns: dict[tuple[str, str], http.client.HTTPConnection] = {}

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
                ) -> tuple[int, str, bytes]:
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        for attempt in (1, 2):
            conn = self.conns.get(key)
            if conn is None:
                cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
                conn = self.conns[key] = cls(parts.netloc, timeout=self.timeout)
            try:
                conn.request(method, path, body=body, headers=headers or {})
                response = conn.getresponse()
                return response.status, response.getheader("Content-Type", "") or "", response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                conn.close()
                del self.conns[key]
                if attempt == 2:
                    raise
            except OSError as exc:
                conn.close()
                del self.conns[key]
                raise StoreError(f"{parts.netloc}: the SPARQL server does not answer ({exc})") from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        for conn in self.conns.values():
            conn.close()
        self.conns.clear()


def _check(status: int, body: bytes, what: str) -> None:
    if status >= 400:
        raise StoreError(f"{what}: the server answered {status}: {body[:300].decode('utf-8', 'replace').strip()}")


def _values(substitutions: dict[ox.Variable, Any] | None) -> str:
    """Bindings as a trailing VALUES clause: what a server without substitutions can run."""
    if not substitutions:
        return ""
    names = " ".join(str(v) for v in substitutions)
    terms = " ".join(str(t) for t in substitutions.values())
    return f"\nVALUES ({names}) {{ ({terms}) }}\n"


def _iris(graphs: Any) -> list[str]:
    """Graph names as pyoxigraph takes them (one node, a list, DefaultGraph) → IRIs for the protocol."""
    if graphs is None:
        return []
    if not isinstance(graphs, (list, tuple, set, frozenset)):
        graphs = [graphs]
    return [g.value for g in graphs if isinstance(g, ox.NamedNode)]


class RemoteReader:
    """A read interface to a server's dataset, shaped like a read-only ``pyoxigraph.Store``.

    :param url: the store URL (see the module's docstring for the layouts).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.endpoints = Endpoints.of(url)
        self.http = _Http()

    def raw(self, text: str, accept: str, *, default_graph: Iterable[str] = (), named_graphs: Iterable[str] = ()
            ) -> tuple[int, str, bytes]:
        """POST a query; return the server's (status, content type, body) untouched.

        :param default_graph: ``default-graph-uri`` values of the SPARQL protocol.
        :param named_graphs: ``named-graph-uri`` values.
        """
        dataset = [("default-graph-uri", g) for g in default_graph] + [("named-graph-uri", g) for g in named_graphs]
        url = self.endpoints.query + (("&" if "?" in self.endpoints.query else "?") + urlencode(dataset) if dataset else "")
        return self.http.request("POST", url, text.encode("utf-8"),
                                 {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept})

    def query(self, text: str, substitutions: dict[ox.Variable, Any] | None = None, *,
              default_graph: Any = None, named_graphs: Any = None, **_: Any) -> Any:
        """Run a query; SELECT/ASK give pyoxigraph's result objects, CONSTRUCT/DESCRIBE a list of triples.

        The keywords are ``pyoxigraph.Store.query``'s: ``substitutions`` become a trailing
        VALUES clause, ``default_graph``/``named_graphs`` the protocol's dataset parameters.

        :raises QueryError: when the server refuses the query (400).
        :raises StoreError: when the server fails or cannot be reached.
        """
        status, ctype, body = self.raw(text + _values(substitutions),
                                       "application/sparql-results+json, application/n-triples;q=0.9",
                                       default_graph=_iris(default_graph), named_graphs=_iris(named_graphs))
        if status == 400:
            raise QueryError(f"malformed query: {body[:300].decode('utf-8', 'replace').strip()}")
        _check(status, body, self.endpoints.query)
        mime = ctype.split(";")[0].strip()
        if mime in RESULTS:
            return ox.parse_query_results(body, format=RESULTS[mime])
        if mime in GRAPHS:
            return RemoteTriples(ox.parse(body, format=GRAPHS[mime]))
        raise StoreError(f"{self.endpoints.query}: unexpected answer of type {ctype!r}")

    def dump(self, output: IO[bytes] | None = None, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES, *,
             from_graph: ox.NamedNode | ox.DefaultGraph | None = None, **_options: Any) -> bytes | None:
        """A graph (default: the default graph) through the graph store, like ``Store.dump``."""
        target = "default" if from_graph is None or isinstance(from_graph, ox.DefaultGraph) else f"graph={quote(from_graph.value, safe='')}"
        status, _ctype, body = self.http.request("GET", f"{self.endpoints.data}?{target}", headers={"Accept": format.media_type})
        if status == 404:
            body = b""
        else:
            _check(status, body, self.endpoints.data)
        if output is None:
            return body
        output.write(body)
        return None

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return bool(self.query(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}"))

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> RemoteReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RemoteTriples(list):  # type: ignore[type-arg]
    """The triples a CONSTRUCT or DESCRIBE answered (pyoxigraph's QueryTriples cannot be built from Python)."""


def read_manifest(url: str) -> dict[str, Any]:
    """The manifest the last build left on the server (``{"articles": {}}`` when none)."""
    reader = RemoteReader(url)
    try:
        data = reader.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(MANIFEST_GRAPH))
    finally:
        reader.close()
    for triple in ox.parse(data or b"", format=ox.RdfFormat.N_TRIPLES):
        if triple.predicate.value == _MANIFEST_P:
            return dict(json.loads(triple.object.value))
    return {"articles": {}}


class RemoteWriter:
    """A build writing into a server's dataset; the same methods as :class:`kg.store.Writer`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.store = RemoteReader(url)
        self.endpoints = self.store.endpoints
        self.http = self.store.http
        self.manifest: dict[str, Any] = {"articles": {}}
        self.cleared = False

    def update(self, text: str) -> None:
        status, _, body = self.http.request("POST", self.endpoints.update, text.encode("utf-8"),
                                            {"Content-Type": "application/sparql-update; charset=utf-8"})
        _check(status, body, self.endpoints.update)

    def clear(self) -> None:
        """Empty the dataset (a fresh build): the server's dataset is Chronicon's alone."""
        self.update("CLEAR ALL")
        self.cleared = True

    def remove_graph(self, graph: ox.NamedNode) -> None:
        """Remove a named graph, and from the default graph what no other graph holds."""
        if self.cleared:
            # A build removes a graph only before it loads it: after CLEAR ALL it is
            # not there, and a round trip per article would cost a fresh build dearly.
            return
        self.update(f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} "
                    f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} FILTER(?h != {graph}) }} }} ;\n"
                    f"DROP SILENT GRAPH {graph}")

    def load_chunk(self, nquads: bytes, ntriples: bytes) -> None:
        """One POST of N-Quads: the named graphs, then the same triples as default-graph lines."""
        if not nquads and not ntriples:
            return
        status, _, body = self.http.request("POST", self.endpoints.data, nquads + ntriples, {"Content-Type": NQUADS})
        _check(status, body, self.endpoints.data)

    def bulk_load(self, graphs: dict[str, list[str]]) -> None:
        """Named graphs given as N-Triples lines (graph IRI → lines), and the default-graph copy."""
        nquads = "".join(line[:-2] + f"<{g}> .\n" for g, lines in graphs.items() for line in lines)
        self.load_chunk(nquads.encode("utf-8"), "".join(line for lines in graphs.values() for line in lines).encode("utf-8"))

    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> None:
        self.remove_graph(graph)
        body = io.BytesIO()
        quads = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads]
        ox.serialize(quads, body, ox.RdfFormat.N_QUADS)
        ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), body, ox.RdfFormat.N_TRIPLES)
        self.load_chunk(body.getvalue(), b"")

    def write_manifest(self) -> None:
        literal = ox.Literal(json.dumps(self.manifest, sort_keys=True, separators=(",", ":")))
        line = f"<{MANIFEST_GRAPH}> <{_MANIFEST_P}> {literal} .\n".encode()
        status, _, body = self.http.request("PUT", f"{self.endpoints.data}?{urlencode({'graph': MANIFEST_GRAPH})}", line,
                                            {"Content-Type": NTRIPLES})
        _check(status, body, self.endpoints.data)


@contextmanager
def writing(url: str, *, fresh: bool = False) -> Iterator[RemoteWriter]:
    """Write a build into a server; the manifest is written last, when the block ends without error."""
    writer = RemoteWriter(url)
    try:
        if fresh:
            writer.clear()
        yield writer
        writer.write_manifest()
    finally:
        writer.http.close()
