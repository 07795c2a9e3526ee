"""Running a query for the command line: text or canned query → bytes in a format.

The web app runs queries in sacrificial worker processes; the CLI runs them in
its own process, on the store opened read-only, with the union of the article
graphs as the default graph.
"""

from __future__ import annotations

import io

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import QueryError
from kg.formats import rdf_format
from kg.queries import bind_params, get_query
from kg.remote import RemoteTriples
from kg.store import open_read
from kg.vocab import PREFIXES

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = ("ttl", "nt")  # the CLI's choices; their syntaxes come from kg.formats


def execute(store: ox.Store, text: str, bindings: dict[ox.Variable, ox.NamedNode | ox.Literal] | None = None):  # type: ignore[no-untyped-def]
    """Evaluate a query on pyoxigraph (never on rdflib's engine).

    The default graph is the store's, which the build keeps equal to the union of
    the article graphs with each triple once.
    """
    try:
        return store.query(text, substitutions=bindings or None)
    except SyntaxError as exc:
        raise QueryError(f"malformed query: {exc}") from None


def run_text(settings: Settings, text: str, fmt: str, *, name: str | None = None,
             params: dict[str, str] | None = None) -> bytes:
    """Run a query (its text, or a canned query's name) and serialise the answer."""
    bindings = None
    if name is not None:
        canned = get_query(name)
        text = canned.text
        bindings = bind_params(canned, params or {})
    elif params:
        raise QueryError("--param binds the parameters of a canned query; give its name")
    store = open_read(settings.store)
    result = execute(store, text, bindings)
    if isinstance(result, ox.QueryBoolean):
        if fmt in RESULT_FORMATS:
            return bytes(result.serialize(format=RESULT_FORMATS[fmt]))
        return b"true\n" if bool(result) else b"false\n"
    if isinstance(result, (ox.QueryTriples, RemoteTriples)):  # RemoteTriples: a CONSTRUCT on a server store
        if fmt not in GRAPH_FORMATS:
            fmt = "ttl"
        return bytes(ox.serialize(result, format=rdf_format(fmt).oxigraph, prefixes=PREFIXES if fmt == "ttl" else None))
    if fmt in RESULT_FORMATS:
        return bytes(result.serialize(format=RESULT_FORMATS[fmt]))
    if fmt in GRAPH_FORMATS:
        raise QueryError(f"--format {fmt} is for CONSTRUCT and DESCRIBE queries; a SELECT answers in table, json, csv, tsv or xml")
    variables = [v.value for v in result.variables]
    rows = [[_show(solution[v]) for v in variables] for solution in result]
    return format_table(variables, rows).encode("utf-8")


def _show(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in PREFIXES.items():
            if term.value.startswith(iri):
                return f"{prefix}:{term.value[len(iri):]}"
        return f"<{term.value}>"
    return term.value


def format_table(variables: list[str], rows: list[list[str]]) -> str:
    """A plain text table with a header, as `kg query --format table` prints it."""
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(variables)]
    out = io.StringIO()
    out.write("  ".join(v.ljust(w) for v, w in zip(variables, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for r in rows:
        out.write("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
    return out.getvalue()
