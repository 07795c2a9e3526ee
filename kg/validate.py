"""validate: check a graph against the SHACL shapes of ``ontology/shapes.ttl``.

``kg validate`` checks the store's default graph (the union of every article's
graph); ``kg build`` checks what it is about to publish and refuses to publish
a graph that breaks a shape, so the previous version of the store stays the
current one. pyshacl runs without inference: every ``sh:class`` of the shapes
names the class the mapper states, so none is needed (and the ~3k triples of
the seed corpus validate in well under a second).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.errors import KgError
from kg.store import open_read
from kg.vocab import PREFIXES, shapes_path

__all__ = ["ShapeViolation", "ValidationReport", "Violation", "check_lines", "check_store", "validate_graph", "validate_store"]

MAX_LINES = 50  # violations listed in a build error before "... and N more"


class ShapeViolation(KgError):
    """A graph that breaks one or more SHACL shapes; ``report`` holds every violation."""

    status = 422

    def __init__(self, report: ValidationReport, what: str = "the graph") -> None:
        lines = report.lines()
        shown = lines[:MAX_LINES] + ([f"... and {len(lines) - MAX_LINES} more"] if len(lines) > MAX_LINES else [])
        super().__init__(f"{what} violates {len(report.violations)} SHACL constraint(s) of {shapes_path().name}:\n" + "\n".join(shown))
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

    @property
    def conforms(self) -> bool:
        return not self.violations

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
            out.append(f"{shape}: {len(violations)} violation(s)")
            for v in violations:
                value = f" (value: {v.value})" if v.value and v.value != v.focus else ""
                severity = "" if v.severity == "Violation" else f"[{v.severity}] "
                out.append(f"  {severity}{v.focus}  {v.path or '-'}  {v.message}{value}")
        return out

    def text(self) -> str:
        """The report for people: the violations, or one line saying the graph conforms."""
        if self.conforms:
            return f"conforms: {self.triples} triples, no violation of {shapes_path().name}"
        return "\n".join([*self.lines(), f"{len(self.violations)} violation(s) in {self.triples} triples"])


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


def _graph_of(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> Graph:
    buffer = io.BytesIO()
    store.dump(buffer, ox.RdfFormat.N_TRIPLES, from_graph=graph)
    return Graph().parse(data=buffer.getvalue().decode("utf-8"), format="nt")


def validate_store(store_dir: str | Path) -> ValidationReport:
    """Validate the default graph (the union of all graphs) of the store's current version.

    :raises StoreError: when there is no store or it cannot be opened.
    """
    return validate_graph(_graph_of(open_read(store_dir), ox.DefaultGraph()))


def check_store(store: ox.Store) -> None:
    """Raise :class:`ShapeViolation` if the store's default graph breaks a shape (used by ``kg build``)."""
    report = validate_graph(_graph_of(store, ox.DefaultGraph()))
    del store  # the traceback keeps this frame: it must not keep the RocksDB store (and its lock) open
    if not report.conforms:
        raise ShapeViolation(report, "the built graph (not published; the previous store version is kept)")


def check_lines(lines: Iterable[str]) -> None:
    """Raise :class:`ShapeViolation` if these N-Triples lines break a shape (``kg build --out`` without a store)."""
    report = validate_graph(Graph().parse(data="".join(lines), format="nt"))
    if not report.conforms:
        raise ShapeViolation(report, "the built graph (no file written)")
