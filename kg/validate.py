"""validate: check a graph against the SHACL shapes of ``ontology/shapes.ttl``.

``kg validate`` checks the store's default graph (the union of every article's
graph); ``kg build`` checks what it is about to publish and refuses to publish
a graph that breaks a shape, so the previous version of the store stays the
current one.

Both run the shapes as SPARQL queries on the pyoxigraph store itself
(:mod:`kg.shapes` compiles them, one query per constraint): no copy of the
graph is made, so a 34 M-triple store validates in bounded memory. At most
:data:`CAP` violations are listed per shape, the rest only counted, so a badly
broken graph does not build a giant report. ``kg build --out`` without a store
checks the temporary on-disk store it loads the file's lines into, the same way.

:func:`validate_graph` runs pyshacl on an rdflib graph: the reference the
compiled queries are tested against (``tests/test_validate.py``), and handy
for small graphs. No inference in either: every ``sh:class`` names the class
the mapper states (subclasses the graph states count, as SHACL says).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from kg.errors import KgError
from kg.shapes import Check, compile_shapes
from kg.store import open_read
from kg.vocab import PREFIXES, shapes_path

__all__ = ["ShapeViolation", "ValidationReport", "Violation", "check_store", "validate_graph",
           "validate_oxigraph", "validate_store"]

MAX_LINES = 50  # violations listed in a build error before "... and N more"
CAP = 100  # violations listed per shape; past it they are counted, not listed
COUNT_CAP = 100_000  # violations counted per check; past it the report says "at least"
HASH_ROWS = 200_000  # rows a check may hold in a hash join (~350 bytes each: ~70 MB); past it, lookups


class ShapeViolation(KgError):
    """A graph that breaks one or more SHACL shapes; ``report`` holds every violation."""

    status = 422

    def __init__(self, report: ValidationReport, what: str = "the graph") -> None:
        lines = report.lines()
        shown = lines[:MAX_LINES] + ([f"... and {len(lines) - MAX_LINES} more"] if len(lines) > MAX_LINES else [])
        super().__init__(f"{what} violates {report.count} SHACL constraint(s) of {shapes_path().name}:\n" + "\n".join(shown))
        self.report = report


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result: which shape, which node, along which path, and what is wrong."""

    shape: str  # "event / label": the node shape's sh:name, then the property shape's
    focus: str
    path: str
    message: str
    value: str = ""
    severity: str = "Violation"


@dataclass
class ValidationReport:
    """Every violation of one validation; ``conforms`` when there is none."""

    violations: list[Violation] = field(default_factory=list)
    triples: int = 0
    unlisted: dict[str, int] = field(default_factory=dict)  # shape -> violations past CAP, counted only
    at_least: set[str] = field(default_factory=set)  # shapes whose count stopped at COUNT_CAP

    @property
    def conforms(self) -> bool:
        return not self.violations and not any(self.unlisted.values())

    @property
    def count(self) -> int:
        """Every violation, listed or not."""
        return len(self.violations) + sum(self.unlisted.values())

    def by_shape(self) -> dict[str, list[Violation]]:
        """Violations grouped by shape, shapes and violations in a stable order."""
        groups: dict[str, list[Violation]] = {}
        for v in sorted(self.violations):
            groups.setdefault(v.shape, []).append(v)
        return groups

    def lines(self) -> list[str]:
        """One line per violation (focus node, path, message), under one heading per shape."""
        out: list[str] = []
        for shape, violations in self.by_shape().items():
            more = self.unlisted.get(shape, 0)
            out.append(f"{shape}: {len(violations) + more} violation(s)")
            for v in violations:
                value = f" (value: {v.value})" if v.value and v.value != v.focus else ""
                severity = "" if v.severity == "Violation" else f"[{v.severity}] "
                out.append(f"  {severity}{v.focus}  {v.path or '-'}  {v.message}{value}")
            if more:
                out.append(f"  ... and {more}{'+' if shape in self.at_least else ''} more (not listed)")
        return out

    def text(self) -> str:
        """The report for people: the violations, or one line saying the graph conforms."""
        if self.conforms:
            return f"conforms: {self.triples} triples, no violation of {shapes_path().name}"
        return "\n".join([*self.lines(), f"{self.count} violation(s) in {self.triples} triples"])


@lru_cache(maxsize=1)
def _shapes(path: str) -> Graph:
    return Graph().parse(path, format="turtle")


def _short(node: Node | None) -> str:
    """An IRI as a compact IRI where a prefix fits, a literal in N-Triples form, a blank node as _:x."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        for prefix, ns in PREFIXES.items():
            if str(node).startswith(ns) and len(str(node)) > len(ns):
                return f"{prefix}:{str(node)[len(ns):]}"
        return f"<{node}>"
    return node.n3()


def _shape_name(shapes: Graph, shape: Node | None) -> str:
    """ "event / label" for a property shape of the event shape; the node shape's name alone for a node shape."""
    if shape is None:
        return "(no shape)"
    own = shapes.value(shape, SH.name)
    parent = shapes.value(None, SH.property, shape)
    if parent is not None:
        parent_name = shapes.value(parent, SH.name) or _short(parent)
        return f"{parent_name} / {own or _short(shapes.value(shape, SH.path))}"
    return str(own) if own is not None else _short(shape)


def validate_graph(data: Graph) -> ValidationReport:
    """Validate an rdflib graph against the shapes.

    :param data: the data graph (no inference is applied).
    :returns: a :class:`ValidationReport`.
    """
    from pyshacl import validate

    shapes = _shapes(str(shapes_path()))
    _, results, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    assert isinstance(results, Graph)
    report = ValidationReport(triples=len(data))
    for result in results.subjects(RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        focus = results.value(result, SH.focusNode)
        report.violations.append(Violation(
            shape=_shape_name(shapes, results.value(result, SH.sourceShape)),
            focus=_short(focus) if not isinstance(focus, URIRef) else f"<{focus}>",
            path=_short(results.value(result, SH.resultPath)),
            message=" / ".join(messages) or _short(results.value(result, SH.sourceConstraintComponent)),
            value=_short(results.value(result, SH.value)),
            severity=_short(results.value(result, SH.resultSeverity)).removeprefix("sh:"),
        ))
    return report


def _short_ox(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    """:func:`_short` for a pyoxigraph term (the same text, so both validators report alike)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return _short(URIRef(term.value))
    return str(term)  # a literal in N-Triples form, a blank node as _:x


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _subclasses(store: ox.Store) -> tuple[tuple[str, str], ...]:
    """(subclass, class) of every rdfs:subClassOf chain the default graph states (the ontology's, a handful)."""
    query = f"SELECT ?sub ?sup WHERE {{ ?sub <{RDFS.subClassOf}>+ ?sup FILTER(isIRI(?sub) && isIRI(?sup)) }}"
    return tuple(sorted({(row["sub"].value, row["sup"].value) for row in _select(store, query)}))


def _rows(store: ox.Store, pattern: str, limit: int) -> int:
    """How many rows the pattern has, counting no further than ``limit`` (so a count costs at most that)."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT * WHERE {{ {pattern} }} LIMIT {limit} }} }}"
    return int(next(iter(_select(store, query)))["n"].value)


def _run(store: ox.Store, check: Check, room: int, held: dict[str, int]) -> tuple[list[Violation], int, bool]:
    """Up to ``room`` violations of one check, how many more there are (counted by the store, not listed),
    and whether that count stopped at :data:`COUNT_CAP`.

    ``held`` caches, per pattern, how many rows the check's hash-join form would hold.
    """
    query = check.sparql
    if check.fast:
        if check.held not in held:
            held[check.held] = _rows(store, check.held, HASH_ROWS + 1)
        if held[check.held] <= HASH_ROWS:
            query = check.fast
    solutions = _select(store, f"{query} LIMIT {room + 1}")
    selects_value = "value" in {v.value for v in solutions.variables}
    rows = list(solutions)
    total = _rows(store, f"{{ {query} }}", COUNT_CAP + 1) if len(rows) > room else len(rows)  # only now count them all
    path = _short(URIRef(check.path)) if check.path else ""
    found = []
    for row in rows[:room]:
        focus = row["this"]
        # a value constraint names the value; a count names none; a constraint on the node itself, the node
        value = row["value"] if selects_value else (None if check.path else focus)
        found.append(Violation(shape=check.shape, focus=f"<{focus.value}>" if isinstance(focus, ox.NamedNode) else str(focus),
                               path=path, message=check.message, value=_short_ox(value), severity=check.severity))
    return found, total - len(found), total > COUNT_CAP


def validate_oxigraph(store: ox.Store, *, count_triples: bool = True) -> ValidationReport:
    """Validate the default graph of a pyoxigraph store with the shapes compiled to SPARQL.

    :param count_triples: count the default graph's triples for the report (a scan of the graph).
    :raises ShapesError: when the shapes use a construct :mod:`kg.shapes` does not support.
    """
    report = ValidationReport()
    listed: dict[str, int] = {}
    held: dict[str, int] = {}
    for check in compile_shapes(str(shapes_path()), _subclasses(store)):
        found, more, capped = _run(store, check, CAP - listed.get(check.shape, 0), held)
        report.violations += found
        listed[check.shape] = listed.get(check.shape, 0) + len(found)
        if more:
            report.unlisted[check.shape] = report.unlisted.get(check.shape, 0) + more
            if capped:
                report.at_least.add(check.shape)
    if count_triples:
        report.triples = _rows(store, "?s ?p ?o", 1 << 62)
    return report


def validate_store(store_dir: str | Path) -> ValidationReport:
    """Validate the default graph (the union of all graphs) of the store's current version.

    :raises StoreError: when there is no store or it cannot be opened.
    """
    return validate_oxigraph(open_read(store_dir))


def check_store(store: ox.Store, what: str = "the built graph (not published; the previous store version is kept)") -> None:
    """Raise :class:`ShapeViolation` if the store's default graph breaks a shape (used by ``kg build``,
    on the version it is about to publish or on the temporary store of ``--out``)."""
    report = validate_oxigraph(store, count_triples=False)
    del store  # the traceback keeps this frame: it must not keep the RocksDB store (and its lock) open
    if not report.conforms:
        raise ShapeViolation(report, what)

