"""JSON-LD that people can read: one published ``@context``, events with their claims nested.

The export is compact JSON-LD with :data:`CONTEXT` written **inline** (a consumer
never has to fetch a remote context: docs/THREATS.md, item 33). Each article's
named graph is one entry of the top-level ``@graph``; inside it, every event
comes first with its claims embedded under ``claims`` and each claim's casualty
figures under ``casualties``; every other node (places, agents, sides, the
article, categories) follows as a flat node object. Nothing is dropped: each
node is written exactly once, embedded or at the top of its graph, so expanding
the export gives back exactly the quads of the N-Quads export.

The writer does the compaction itself (it is a straight mapping for this shape
of data, and fast) rather than calling a JSON-LD processor: only the terms of
:data:`CONTEXT` are used, a value whose datatype does not match its term's
coercion is written as an explicit value object, and an IRI that has no term is
written in full. The context uses JSON-LD 1.0 features only, so 1.0 processors
(Jena's jsonld-java reader, for one) read it as well as 1.1 ones.

:data:`FRAME` is a JSON-LD 1.1 frame with the same shape, for consumers who want
to re-frame the union graph with their own processor.

The endpoint serves :data:`CONTEXT` at ``/context.jsonld`` as
``json.dumps({"@context": CONTEXT})``; use :func:`context_document` for that.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import pyoxigraph as ox

from kg.vocab import EV, PREFIXES

__all__ = ["CONTEXT", "FRAME", "context_document", "graph_objects", "to_nquads_offline", "write_jsonld"]

_EV = str(EV._NS)
_XSD = PREFIXES["xsd"]
_RDF_TYPE = PREFIXES["rdf"] + "type"
_XSD_STRING = _XSD + "string"
_XSD_INTEGER = _XSD + "integer"
_LANG_STRING = PREFIXES["rdf"] + "langString"

# Prefixes a reader may use in compact IRIs (and that the writer uses for IRIs with no term).
_CONTEXT_PREFIXES = ("ev", "rdf", "rdfs", "owl", "xsd", "skos", "dct", "prov", "schema", "wd", "wdt", "sh")


def _t(iri: str, kind: str | None = None, many: bool = False) -> dict[str, str]:
    """A term definition: its IRI, its coercion (@id, @vocab or a datatype) and @set when multi-valued."""
    definition = {"@id": iri}
    if kind is not None:
        definition["@type"] = kind
    if many:
        definition["@container"] = "@set"
    return definition


# The one published context. Term names are part of the contract: add terms,
# never rename or remove one (consumers' code reads these keys).
CONTEXT: dict[str, Any] = {
    "@vocab": _EV,
    **{name: PREFIXES[name] for name in _CONTEXT_PREFIXES},
    "id": "@id",
    "type": "@type",
    # any node
    "label": "rdfs:label",
    "prefLabel": "skos:prefLabel",
    "sameAs": _t("owl:sameAs", "@id", many=True),
    "derivedFrom": _t("prov:wasDerivedFrom", "@id"),
    # event
    "startDate": _t("ev:startDate", "xsd:date"),
    "endDate": _t("ev:endDate", "xsd:date"),
    "place": _t("ev:place", "@id"),
    "partOf": _t("ev:partOf", "@id"),
    "sides": _t("ev:side", "@id", many=True),
    "participants": _t("ev:participant", "@id", many=True),
    "claims": _t("ev:claim", "@id", many=True),
    "categories": _t("dct:subject", "@id", many=True),
    "summary": "ev:summary",
    "description": "schema:description",
    # side, agent, place
    "members": _t("ev:member", "@id", many=True),
    "memberOf": _t("ev:memberOf", "@id"),
    "role": "ev:role",
    "locatedIn": _t("ev:locatedIn", "@id"),
    # claim
    "text": "ev:text",
    "position": "ev:position",  # a JSON number: xsd:integer without coercion
    "section": "ev:section",
    "date": _t("ev:date", "xsd:date"),
    "dateKind": _t("ev:dateKind", "@vocab"),
    "source": _t("ev:source", "@id"),
    "stance": _t("ev:stance", "@vocab"),
    "mentions": _t("ev:mentions", "@id", many=True),
    "casualties": _t("ev:casualties", "@id", many=True),
    "disputes": _t("ev:disputes", "@id", many=True),
    # casualty figure
    "count": "ev:count",  # a JSON number
    "qualifier": _t("ev:qualifier", "@vocab"),
    "kind": _t("ev:kind", "@vocab"),
    "who": "ev:who",
    # article
    "title": "dct:title",
    "issued": _t("dct:issued", "xsd:dateTime"),
    "author": "schema:author",
    "file": "ev:file",
    "image": "schema:image",
}

# A JSON-LD 1.1 frame giving the export's shape from any graph of ours: events at
# the top, their claims inside them, each claim's casualty figures inside it.
FRAME: dict[str, Any] = {
    "@context": CONTEXT,
    "type": "Event",
    "claims": {"@embed": "@always", "casualties": {"@embed": "@always"}},
}

# Which node is embedded in which: (property of the parent, type of the parent).
_EMBED = {_EV + "claim": _EV + "Event", _EV + "casualties": _EV + "Claim"}
_MAX_NATIVE_INT = 2**53  # larger integers lose precision in JavaScript and some parsers


def context_document() -> str:
    """The context as a document, ``{"@context": CONTEXT}``, for ``/context.jsonld``."""
    return json.dumps({"@context": CONTEXT}, ensure_ascii=False, indent=2) + "\n"


def _expand(compact: str) -> str:
    prefix, _, local = compact.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES and not local.startswith("//") else compact


class _Term:
    __slots__ = ("name", "kind", "many")

    def __init__(self, name: str, kind: str | None, many: bool) -> None:
        self.name, self.kind, self.many = name, kind, many


def _terms() -> dict[str, _Term]:
    """Property IRI → the term that writes it."""
    terms: dict[str, _Term] = {}
    for name, definition in CONTEXT.items():
        if name.startswith("@") or name in _CONTEXT_PREFIXES or name in ("id", "type"):
            continue
        if isinstance(definition, str):
            terms[_expand(definition)] = _Term(name, None, False)
        else:
            kind = definition.get("@type")
            kind = kind if kind in (None, "@id", "@vocab") else _expand(kind)
            terms[_expand(definition["@id"])] = _Term(name, kind, definition.get("@container") == "@set")
    return terms


_TERMS = _terms()
_TERM_NAMES = frozenset(k for k in CONTEXT if not k.startswith("@"))


def _compact_iri(iri: str) -> str:
    """A compact IRI (``skos:Concept``) where a prefix fits, else the IRI in full."""
    for name in _CONTEXT_PREFIXES:
        ns = PREFIXES[name]
        local = iri[len(ns):]
        if iri.startswith(ns) and local and not local.startswith("//") and ":" not in local:
            return f"{name}:{local}"
    return iri


def _vocab_name(iri: str) -> str:
    """``Event`` for ev:Event (resolved by @vocab), unless the name is a term or could be misread."""
    local = iri[len(_EV):] if iri.startswith(_EV) else ""
    if local and local.isidentifier() and local not in _TERM_NAMES:
        return local
    return _compact_iri(iri)


def _node_id(node: ox.NamedNode | ox.BlankNode) -> str:
    return node.value if isinstance(node, ox.NamedNode) else f"_:{node.value}"


def _literal(lit: ox.Literal, coerced: str | None) -> Any:
    datatype = lit.datatype.value
    if lit.language:
        return {"@value": lit.value, "@language": lit.language}
    if coerced not in (None, "@id", "@vocab") and datatype == coerced:
        return lit.value
    if coerced is None and datatype == _XSD_STRING:
        return lit.value
    if coerced is None and datatype == _XSD_INTEGER and _is_canonical_int(lit.value):
        return int(lit.value)
    if datatype == _XSD_STRING:
        return {"@value": lit.value}
    return {"@value": lit.value, "@type": _compact_iri(datatype)}


def _is_canonical_int(text: str) -> bool:
    try:
        number = int(text)
    except ValueError:
        return False
    return str(number) == text and abs(number) < _MAX_NATIVE_INT


def _value(obj: ox.NamedNode | ox.BlankNode | ox.Literal, term: _Term | None) -> Any:
    kind = term.kind if term else None
    if isinstance(obj, ox.Literal):
        return _literal(obj, kind)
    if kind == "@id":
        return _node_id(obj)
    if kind == "@vocab" and isinstance(obj, ox.NamedNode):
        return _vocab_name(obj.value)
    if kind == "@vocab":
        return _node_id(obj)
    return {"@id": _node_id(obj)}


def _sort_key(obj: ox.NamedNode | ox.BlankNode | ox.Literal) -> tuple[int, str]:
    return (0 if isinstance(obj, ox.NamedNode) else 1 if isinstance(obj, ox.BlankNode) else 2, str(obj))


Subject = ox.NamedNode | ox.BlankNode
Object = ox.NamedNode | ox.BlankNode | ox.Literal


def graph_objects(triples: Iterable[tuple[Subject, ox.NamedNode, Object]]) -> list[dict[str, Any]]:
    """The node objects of one graph, compacted with :data:`CONTEXT`: events first with
    their claims (and the claims' casualty figures) embedded, then every other node.

    :param triples: the graph's triples (pyoxigraph terms).
    :returns: a list of node objects, in a stable order.
    """
    nodes: dict[Subject, dict[str, list[Object]]] = {}
    for s, p, o in triples:
        objects = nodes.setdefault(s, {}).setdefault(p.value, [])
        if o not in objects:
            objects.append(o)
    types = {s: {o.value for o in props.get(_RDF_TYPE, []) if isinstance(o, ox.NamedNode)} for s, props in nodes.items()}

    # A node is embedded in its parent when exactly one parent of the right type links it.
    parents: dict[Subject, list[Subject]] = {}
    for s, props in nodes.items():
        for prop, parent_type in _EMBED.items():
            if parent_type in types[s]:
                for o in props.get(prop, []):
                    if isinstance(o, ox.NamedNode | ox.BlankNode) and o in nodes and o != s:
                        parents.setdefault(o, []).append(s)
    embedded = {child for child, ps in parents.items() if len(ps) == 1}

    def position(o: Object) -> int:
        """Claims in article order (ev:position), the rest after them."""
        for value in nodes.get(o, {}).get(_EV + "position", []) if not isinstance(o, ox.Literal) else []:
            if isinstance(value, ox.Literal) and _is_canonical_int(value.value):
                return int(value.value)
        return _MAX_NATIVE_INT

    def node_object(s: Subject, path: frozenset[Subject]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": _node_id(s)}
        props = nodes[s]
        if _RDF_TYPE in props:
            names = sorted(_vocab_name(o.value) if isinstance(o, ox.NamedNode) else _node_id(o)
                           for o in props[_RDF_TYPE] if not isinstance(o, ox.Literal))
            out["type"] = names[0] if len(names) == 1 else names
        entries: list[tuple[str, Any]] = []
        for prop in props:
            if prop == _RDF_TYPE and all(not isinstance(o, ox.Literal) for o in props[prop]):
                continue
            term = _TERMS.get(prop)
            key = term.name if term else _compact_iri(prop)
            values = []
            for o in sorted(props[prop], key=lambda o: (position(o), _sort_key(o))):
                if not isinstance(o, ox.Literal) and o in embedded and prop in _EMBED and o not in path and parents[o] == [s]:
                    values.append(node_object(o, path | {o}))
                else:
                    values.append(_value(o, term))
            entries.append((key, values if (term and term.many) or len(values) > 1 else values[0]))
        out.update(sorted(entries, key=lambda kv: kv[0]))
        return out

    def order(s: Subject) -> tuple[int, str]:
        return (0 if _EV + "Event" in types[s] else 1, _node_id(s))

    return [node_object(s, frozenset({s})) for s in sorted(nodes, key=order) if s not in embedded]


def _stable_blank_nodes(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Quads whose blank nodes are renamed canonically, so equal graphs give equal bytes.

    A store names blank nodes at random on every load; rdflib's canonical labelling
    (only run for a graph that has blank nodes: the ontology's lists) fixes the names.
    """
    if not any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in quads):
        return quads
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    triples = "".join(f"{ox.Triple(q.subject, q.predicate, q.object)} .\n" for q in quads)
    canonical = to_canonical_graph(Graph().parse(data=triples, format="nt"))
    text = canonical.serialize(format="nt", encoding="utf-8")
    graph = quads[0].graph_name
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)]


def _graph_entries(store: ox.Store) -> Iterator[dict[str, Any]]:
    for graph in sorted(store.named_graphs(), key=_node_id):
        quads = _stable_blank_nodes(list(store.quads_for_pattern(None, None, None, graph)))
        if quads:
            triples = [(q.subject, q.predicate, q.object) for q in quads]
            yield {"id": _node_id(graph), "@graph": graph_objects(triples)}  # type: ignore[arg-type]  # no RDF-star here


def write_jsonld(store: ox.Store, output: BinaryIO) -> None:
    """Write the store's named graphs as compact, event-framed JSON-LD with the context inline.

    One graph is held in memory at a time.

    :param store: an open store (its default graph, the union of the others, is not written).
    :param output: a binary file.
    """
    head = json.dumps(CONTEXT, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    output.write(b'{\n  "@context": ' + head.encode("utf-8") + b',\n  "@graph": [')
    for i, entry in enumerate(_graph_entries(store)):
        text = json.dumps(entry, ensure_ascii=False, indent=2).replace("\n", "\n    ")
        output.write((",\n    " if i else "\n    ").encode("utf-8") + text.encode("utf-8"))
    output.write(b"\n  ]\n}\n")


def _refuse_remote(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A PyLD document loader that loads nothing: our JSON-LD never needs a remote document."""
    from pyld.jsonld import JsonLdError

    raise JsonLdError(f"refused to load {url!r}: remote documents are never fetched", "jsonld.LoadDocumentError",
                      {"url": url}, code="loading document failed")


def to_nquads_offline(data: bytes | str) -> str:
    """N-Quads of a JSON-LD document, through PyLD with a loader that refuses every remote document.

    :raises pyld.jsonld.JsonLdError: if the document needs a remote context.
    """
    from pyld import jsonld

    document = json.loads(data)
    options = {"format": "application/n-quads", "documentLoader": _refuse_remote}
    return str(jsonld.to_rdf(jsonld.expand(document, {"documentLoader": _refuse_remote}), options))
