"""shapes: compile the SHACL shapes of ``ontology/shapes.ttl`` to SPARQL queries.

pyshacl loads the data graph into rdflib, which needs tens of GB and many
minutes at 100 000 articles (~34 M triples). Instead, each constraint of the
shapes becomes one SPARQL ``SELECT`` that returns its violations, and
pyoxigraph evaluates it on the store itself, in Rust, without copying it.

Only the SHACL constructs that ``ontology/shapes.ttl`` uses are supported; any
other ``sh:`` term on a shape (sh:closed, sh:node, sh:targetNode, a path that is
not an IRI, ...) stops :func:`compile_shapes` with a :class:`ShapesError` naming
it, so a shape added later can never be silently ignored. ``tests/test_validate.py``
checks, constraint by constraint, that the queries and pyshacl report the same
violations.

Every constraint is compiled to a SPARQL *expression* that is true when a term
(a variable) satisfies it; a query then selects the targets for which it is
false. Expressions nest, which is what ``sh:or`` needs: a node conforms to an
alternative when every constraint of the alternative holds for it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from kg.errors import KgError

__all__ = ["Check", "ShapesError", "compile_shapes"]


class ShapesError(KgError):
    """The shapes use a SHACL construct that the SPARQL compiler does not support."""


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, as a query whose rows (``?this``, maybe ``?value``) are its violations."""

    shape: str  # "event / label": the node shape's sh:name, then the property shape's
    path: str  # the property IRI, "" for a constraint on the node shape itself
    component: str  # "minCount", "datatype", ...: which constraint the rows break
    message: str
    severity: str  # "Violation", "Warning" or "Info"
    sparql: str  # memory-flat: at most an index lookup per node or value
    fast: str = ""  # the same rows by hash joins: faster, but holds ``held`` rows in memory
    held: str = ""  # the pattern of the rows ``fast`` holds, to count them first


# What a shape may say. Anything else in the sh: namespace is refused (non-SHACL annotations are fine).
_NAMING = {SH.name, SH.message, SH.severity, SH.description, RDF.type}
_VALUE = {SH.datatype, SH["class"], SH.nodeKind, SH["in"], SH.pattern, SH.minInclusive, SH["or"]}
_NODE_SHAPE = _NAMING | _VALUE | {SH.targetClass, SH.property}
_PROPERTY_SHAPE = _NAMING | _VALUE | {SH.path, SH.minCount, SH.maxCount}
_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
# Datatypes whose constructor function Oxigraph has: a literal of one is well-formed when the
# cast succeeds ("2014-13-45"^^xsd:date is not), as pyshacl checks with rdflib's ill_typed.
_CASTABLE = {XSD.string, XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.date,
             XSD.dateTime, XSD.time, XSD.gYear, XSD.gYearMonth, XSD.duration}


def _term(node: Node) -> str:
    """A shapes-graph IRI or literal in SPARQL syntax."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        text = json.dumps(str(node), ensure_ascii=False)  # a valid SPARQL string: \" \\ \n \uXXXX
        if node.language:
            return f"{text}@{node.language}"
        return f"{text}^^<{node.datatype or XSD.string}>"
    raise ShapesError(f"a blank node where a shape needs an IRI or a literal: {node.n3()}")


class _Compiler:
    def __init__(self, shapes: Graph, subclasses: tuple[tuple[str, str], ...]) -> None:
        self.g = shapes
        self.subclasses = subclasses
        self.seen: set[Node] = set()  # every shape node compiled: the rest must not be a shape
        self.fresh = (f"?_v{i}" for i in itertools.count())  # variables of nested patterns

    def one(self, node: Node, pred: URIRef) -> Node | None:
        values = list(self.g.objects(node, pred))
        if len(values) > 1:
            raise ShapesError(f"{self.where(node)}: more than one {pred.n3(self.g.namespace_manager)} is not supported")
        return values[0] if values else None

    def where(self, node: Node) -> str:
        name = self.g.value(node, SH.name)
        return f'shape "{name}"' if name is not None else f"shape {node.n3(self.g.namespace_manager)}"

    def refuse_unknown(self, node: Node, allowed: set[URIRef]) -> None:
        self.seen.add(node)
        for pred in set(self.g.predicates(node)):
            if str(pred).startswith(str(SH)) and pred not in allowed:
                raise ShapesError(f"{self.where(node)} uses {pred.n3(self.g.namespace_manager)}, which kg/shapes.py "
                                  "does not compile to SPARQL: support it there (and in its differential test) first")

    # --- constraints on one term: an expression true when the term ``v`` satisfies them --------------

    def datatype(self, dt: Node, v: str) -> str:
        if not isinstance(dt, URIRef):
            raise ShapesError(f"sh:datatype {dt.n3()} is not an IRI")
        if dt == XSD.string:  # a language-tagged string is rdf:langString: not a plain string
            return f"(isLiteral({v}) && datatype({v}) = <{XSD.string}>)"
        wellformed = f" && COALESCE(isLiteral(<{dt}>({v})), false)" if dt in _CASTABLE else ""
        return f"(isLiteral({v}) && datatype({v}) = <{dt}>{wellformed})"

    def class_(self, cls: Node, v: str) -> str:
        return f"EXISTS {{ {self.instance(cls, v)} }}"

    def node_kind(self, kind: Node, v: str) -> str:
        if kind != SH.IRI:  # the only kind the shapes use
            raise ShapesError(f"sh:nodeKind {kind.n3(self.g.namespace_manager)} is not supported (only sh:IRI)")
        return f"isIRI({v})"

    def in_(self, members: Node, v: str) -> str:
        # sameTerm, not IN: sh:in compares terms, and "01"^^xsd:integer is not "1"^^xsd:integer.
        terms = [_term(m) for m in Collection(self.g, members)]
        return "(" + " || ".join(f"sameTerm({v}, {t})" for t in terms) + ")" if terms else "false"

    def pattern(self, regex: Node, v: str) -> str:
        return f"(!isBlank({v}) && REGEX(STR({v}), {json.dumps(str(regex), ensure_ascii=False)}))"

    def min_inclusive(self, low: Node, v: str) -> str:
        return f"COALESCE({v} >= {_term(low)}, false)"  # incomparable (a string, an ill-typed number): a violation

    def or_(self, alternatives: Node, v: str) -> str:
        shapes = list(Collection(self.g, alternatives))
        return "(" + " || ".join(self.conforms(alt, v) for alt in shapes) + ")" if shapes else "false"

    # --- constraints on the values of a path: an expression true when focus ``f`` satisfies them ------

    def distinct_values(self, f: str, path: str, n: int, differ_from: str = "") -> str:
        """A pattern matching when ``f`` has at least ``n`` distinct values along the path (other than ``differ_from``)."""
        names = [next(self.fresh) for _ in range(n)]
        triples = " . ".join(f"{f} {path} {x}" for x in names)
        pairs = itertools.combinations([*names, differ_from] if differ_from else names, 2)
        differ = " && ".join(f"!sameTerm({a}, {b})" for a, b in pairs)
        return triples + (f" FILTER({differ})" if differ else "")

    def min_count(self, n: Node, f: str, path: str) -> str:
        count = int(n)  # type: ignore[call-overload]
        return f"EXISTS {{ {self.distinct_values(f, path, count)} }}" if count > 0 else "true"

    def max_count(self, n: Node, f: str, path: str) -> str:
        return f"NOT EXISTS {{ {self.distinct_values(f, path, int(n) + 1)} }}"  # type: ignore[call-overload]

    def path(self, pshape: Node) -> str:
        path = self.one(pshape, SH.path)
        if not isinstance(path, URIRef):  # a blank node is a sequence, inverse, alternative ... path
            raise ShapesError(f"{self.where(pshape)}: only a plain IRI is supported as sh:path, not {path!r}")
        return f"<{path}>"

    def value_constraints(self, shape: Node) -> Iterator[tuple[str, Node, Callable[[Node, str], str]]]:
        """(component, parameter, compiler) for each constraint of ``shape`` that one term is checked against."""
        kinds: dict[URIRef, tuple[str, Callable[[Node, str], str]]] = {
            SH.datatype: ("datatype", self.datatype), SH["class"]: ("class", self.class_),
            SH.nodeKind: ("nodeKind", self.node_kind), SH["in"]: ("in", self.in_), SH.pattern: ("pattern", self.pattern),
            SH.minInclusive: ("minInclusive", self.min_inclusive), SH["or"]: ("or", self.or_)}
        for pred, (component, compile_) in kinds.items():
            param = self.one(shape, pred)
            if param is not None:
                yield component, param, compile_

    def count_constraints(self, pshape: Node) -> Iterator[tuple[str, Node, Callable[[Node, str, str], str]]]:
        for pred, component, compile_ in ((SH.minCount, "minCount", self.min_count), (SH.maxCount, "maxCount", self.max_count)):
            param = self.one(pshape, pred)
            if param is not None:
                yield component, param, compile_

    def conforms(self, shape: Node, v: str) -> str:
        """An expression true when ``v`` conforms to ``shape`` (an sh:or alternative): every constraint holds."""
        self.refuse_unknown(shape, _NODE_SHAPE - {SH.targetClass})
        parts = [compile_(param, v) for _, param, compile_ in self.value_constraints(shape)]
        for pshape in self.g.objects(shape, SH.property):
            self.refuse_unknown(pshape, _PROPERTY_SHAPE)
            path, value = self.path(pshape), next(self.fresh)
            parts += [compile_(param, v, path) for _, param, compile_ in self.count_constraints(pshape)]
            held = [compile_(param, value) for _, param, compile_ in self.value_constraints(pshape)]
            if held:
                parts.append(f"NOT EXISTS {{ {v} {path} {value} FILTER(!({' && '.join(held)})) }}")
        return "(" + " && ".join(parts) + ")" if parts else "true"

    # --- the queries ------------------------------------------------------------------------------------
    # A query scans the path once for the rows that break the constraint, and only then joins the few
    # it found to the target class. The inner SELECT DISTINCT (a no-op: triples are a set) keeps
    # Oxigraph from flattening the subquery and looking the path up per target node instead.
    # Counts and classes need a lookup per node (~5-15 us: 2 M claims take 10-30 s a constraint) or a
    # hash join (MINUS, GROUP BY), 3-5x faster but ~350 bytes a row held: 700 MB for 2 M claims. So a
    # check has both; kg/validate.py runs the hash join only when what it holds is small.

    def instance(self, cls: Node, v: str) -> str:
        """``v`` is an instance of the class: typed with it or with a subclass the data graph states.

        The subclasses are looked up once per validation: one exact-triple lookup per node is half
        the cost of the path rdf:type/rdfs:subClassOf* (and the mapper's classes have no subclasses).
        """
        classes = [str(cls)] + sorted(sub for sub, sup in self.subclasses if sup == str(cls))
        if len(classes) == 1:
            return f"{v} <{RDF.type}> <{cls}>"
        t = next(self.fresh)
        return f"VALUES {t} {{ {' '.join(f'<{c}>' for c in classes)} }} {v} <{RDF.type}> {t}"

    def class_alternatives(self, component: str, param: Node) -> list[Node]:
        """The classes a value must be an instance of one of (sh:class, or an sh:or of only sh:class), else []."""
        if component == "class":
            return [param]
        classes: list[Node] = []
        for alt in Collection(self.g, param) if component == "or" else []:
            cls = self.g.value(alt, SH["class"])
            if cls is None or set(self.g.predicates(alt)) - _NAMING != {SH["class"]}:
                return []
            classes.append(cls)
        return classes

    def bad_counts(self, component: str, param: Node, count: Callable[[Node, str, str], str], path: str,
                   target: str) -> tuple[str, str, str]:
        """(lookup form, hash form, rows the hash form holds) of the targets with too few or too many values."""
        n, flat = int(param), f"{target} FILTER(!({count(param, '?this', path)}))"  # type: ignore[call-overload]
        if component == "minCount" and n == 1:  # the usual "required": the targets minus the subjects of the path
            return flat, f"{target} MINUS {{ ?this {path} ?_any }}", f"?this {path} ?_any"
        if component == "maxCount":  # COUNT(?v) counts distinct values: the triples of a graph are a set
            group = f"{{ SELECT ?this WHERE {{ ?this {path} ?_v }} GROUP BY ?this HAVING (COUNT(?_v) > {n}) }}"
            # flat: scan the path; a value with n others is a violation (one lookup a triple, not two a node)
            others = self.distinct_values("?this", path, n, differ_from="?_a")
            scan = f"?this {path} ?_a" + (f" FILTER EXISTS {{ {others} }}" if n else "")
            flat = f"{{ SELECT DISTINCT ?this WHERE {{ {scan} }} }} {target}"
            return flat, f"{group} {target}", f"?this {path} ?_v"
        return flat, "", ""

    def checks(self) -> Iterator[Check]:
        shapes = set(self.g.subjects(RDF.type, SH.NodeShape)) | set(self.g.subjects(SH.targetClass, None))
        for shape in sorted(shapes, key=str):
            self.refuse_unknown(shape, _NODE_SHAPE)
            targets = sorted(self.g.objects(shape, SH.targetClass), key=str)
            if not targets:
                raise ShapesError(f"{self.where(shape)} has no sh:targetClass (the only kind of target supported)")
            # Instances of a target class include those of its subclasses, each focus node once (DISTINCT).
            target = " UNION ".join(f"{{ {self.instance(c, '?this')} }}" for c in targets)
            name = str(self.g.value(shape, SH.name) or shape)
            for component, param, compile_ in self.value_constraints(shape):  # on the node itself: per node
                where = f"{target} FILTER(!({compile_(param, '?this')}))"
                yield self.check(shape, name, "", component, f"SELECT DISTINCT ?this WHERE {{ {where} }}")
            for pshape in self.g.objects(shape, SH.property):
                self.refuse_unknown(pshape, _PROPERTY_SHAPE)
                path, iri = self.path(pshape), str(self.g.value(pshape, SH.path))
                label = f"{name} / {self.g.value(pshape, SH.name) or iri}"
                for component, param, count in self.count_constraints(pshape):
                    flat, fast, held = self.bad_counts(component, param, count, path, target)
                    flat, fast = (f"SELECT DISTINCT ?this WHERE {{ {w} }}" if w else "" for w in (flat, fast))
                    yield self.check(pshape, label, iri, component, flat, fast, held)
                for component, param, compile_ in self.value_constraints(pshape):
                    ok, classes = compile_(param, "?value"), self.class_alternatives(component, param)
                    minus = " ".join(f"MINUS {{ {self.instance(c, '?value')} }}" for c in classes)
                    held = " UNION ".join(f"{{ {self.instance(c, '?value')} }}" for c in classes)
                    flat, fast = (f"SELECT DISTINCT ?this ?value WHERE {{ {{ SELECT DISTINCT ?this ?value WHERE {{ {bad} }} }} {target} }}"
                                  for bad in (f"?this {path} ?value FILTER(!({ok}))", f"?this {path} ?value {minus}"))
                    yield self.check(pshape, label, iri, component, flat, fast if classes else "", held)
        strays = {s for s in self.g.subjects() if any(str(p).startswith(str(SH)) for p in self.g.predicates(s))} - self.seen
        strays -= {s for s in strays if self.g.value(s, RDF.first) is not None}  # the cells of an sh:in or sh:or list
        if strays:
            raise ShapesError(f"{self.where(min(strays, key=str))} is reached from no sh:targetClass: "
                              "kg/shapes.py compiles only the shapes of a target class and what they contain")

    def check(self, shape: Node, name: str, path: str, component: str, sparql: str, fast: str = "", held: str = "") -> Check:
        severity = self.one(shape, SH.severity) or SH.Violation
        if severity not in _SEVERITIES:
            raise ShapesError(f"{self.where(shape)}: sh:severity {severity.n3()} is not supported")
        messages = sorted(str(m) for m in self.g.objects(shape, SH.message))
        message = " / ".join(messages) or f"sh:{component} of {path or 'the node'} not met"
        return Check(name, path, component, message, _SEVERITIES[severity], sparql, fast, held)  # type: ignore[index]


@lru_cache(maxsize=4)
def compile_shapes(path: str, subclasses: tuple[tuple[str, str], ...] = ()) -> tuple[Check, ...]:
    """The checks of a shapes file, one per constraint of each shape, in a stable order.

    :param subclasses: (subclass, class) IRI pairs of the data graph's rdfs:subClassOf+, which
        sh:targetClass and sh:class take into account (no inference: only what the graph states).

    :raises ShapesError: when a shape uses a construct the compiler does not support.
    """
    return tuple(_Compiler(Graph().parse(path, format="turtle"), subclasses).checks())
