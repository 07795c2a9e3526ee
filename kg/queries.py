"""Canned queries: ``queries/<name>.rq``, each with a comment header.

The header's first line is the title; the following comment lines describe what
the query answers; ``# param: name — description (default: value)`` lines name
the variables a caller may bind. Values are bound as RDF terms through
pyoxigraph's ``substitutions``, never pasted into the query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError, QueryNotFound
from kg.vocab import queries_dir

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PARAM = re.compile(r"^#\s*param:\s*(?P<name>\w+)\s*(?:\((?P<type>iri|string|integer|date|year)\))?\s*[-—:]?\s*(?P<help>.*)$")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # iri | string | integer | date | year
    help: str


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path


def load_queries(directory: Path | None = None) -> dict[str, CannedQuery]:
    """Every ``*.rq`` file of the folder, by name."""
    directory = directory or queries_dir()
    return {q.name: q for q in (parse_query_file(p) for p in sorted(directory.glob("*.rq")))}


def parse_query_file(path: Path) -> CannedQuery:
    text = path.read_text(encoding="utf-8")
    comments = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        comments.append(line)
    params = tuple(
        Param(m.group("name"), m.group("type") or "string", m.group("help").strip())
        for m in (_PARAM.match(c) for c in comments) if m
    )
    prose = [c.lstrip("#").strip() for c in comments if not _PARAM.match(c)]
    title = prose[0] if prose else path.stem
    description = " ".join(p for p in prose[1:] if p)
    return CannedQuery(path.stem, title, description, params, text, path)


def get_query(name: str, directory: Path | None = None) -> CannedQuery:
    """The canned query of that name (kebab-case), or :class:`QueryNotFound`."""
    if not _NAME.match(name):
        raise QueryNotFound(f"no canned query named {name!r}")
    queries = load_queries(directory)
    if name not in queries:
        raise QueryNotFound(f"no canned query named {name!r}; known: {', '.join(queries)}")
    return queries[name]


def bind_params(query: CannedQuery, values: dict[str, str]) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """Turn textual parameter values into RDF terms, checked against the declared kinds."""
    declared = {p.name: p for p in query.params}
    bindings: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
    for name, raw in values.items():
        if name not in declared:
            raise QueryError(f"query {query.name!r} has no parameter {name!r}; it takes: {', '.join(declared) or 'none'}")
        kind = declared[name].kind
        try:
            if kind == "iri":
                term: ox.NamedNode | ox.Literal = ox.NamedNode(raw)
            elif kind == "integer":
                term = ox.Literal(str(int(raw)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
            elif kind == "year":
                term = ox.Literal(str(int(raw)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
            elif kind == "date":
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                    raise ValueError("expected YYYY-MM-DD")
                term = ox.Literal(raw, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
            else:
                term = ox.Literal(raw)
        except ValueError as exc:
            raise QueryError(f"parameter {name!r} must be {'an' if kind[0] in 'ai' else 'a'} {kind}: {exc}") from None
        bindings[ox.Variable(name)] = term
    return bindings
