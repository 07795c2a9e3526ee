"""ontodoc: the ontology as an HTML page for people, generated from ``ontology/event.ttl``.

One section per kind of term (classes, object properties, datatype properties,
datatypes, individuals), one entry per ``ev:`` term with an ``id`` equal to its
local name, so that ``https://w3id.org/chronicon/event#Claim`` lands on the
entry for ``ev:Claim`` when the page is served at the ontology's IRI. Each entry
gives the label, the comment, domain and range (unions spelled out), super
classes and properties, equivalent classes, enumerated members, and the
alignments to other vocabularies (``skos:*Match``). Every string taken from the
ontology is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.vocab import EV, ONTOLOGY_IRI, PREFIXES, ontology_path

__all__ = ["render_ontology_html"]

_EV = str(EV._NS)
_SECTIONS = (
    ("classes", "Classes", "class", (OWL.Class,)),
    ("object-properties", "Object properties", "object property", (OWL.ObjectProperty,)),
    ("datatype-properties", "Datatype properties", "datatype property", (OWL.DatatypeProperty,)),
    ("datatypes", "Datatypes", "datatype", (RDFS.Datatype,)),
    ("individuals", "Individuals", "individual", (OWL.NamedIndividual,)),
)
_ALIGNMENTS = (
    (RDFS.subClassOf, "subclass of"),
    (RDFS.subPropertyOf, "subproperty of"),
    (OWL.equivalentClass, "equivalent to"),
    (OWL.propertyChainAxiom, "implied by the chain"),
    (OWL.disjointWith, "disjoint with"),
    (SKOS.closeMatch, "close match"),
    (SKOS.broadMatch, "broad match"),
    (SKOS.narrowMatch, "narrow match"),
    (SKOS.relatedMatch, "related match"),
)
_CSS = """body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code{font-size:.95em}dt{font-weight:600;margin-top:.3rem}dd{margin:0 0 0 1.5rem}
section.term{border-top:1px solid #ddd;padding:.4rem 0}section.term:target{background:#fff8d6}
h3 a.self{color:inherit;text-decoration:none}.kind{color:#666;font-weight:normal;font-size:.8em}
nav ul{columns:3}"""


def _local(iri: URIRef) -> str | None:
    text = str(iri)
    return text[len(_EV):] if text.startswith(_EV) and len(text) > len(_EV) else None


def _curie(iri: URIRef) -> str:
    text = str(iri)
    for prefix, ns in PREFIXES.items():
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns):]}"
    return text


def _link(g: Graph, node: object) -> str:
    """An ev: term links to its anchor, another IRI to itself; a blank node is spelled out (union, oneOf)."""
    if isinstance(node, URIRef):
        local = _local(node)
        if local is not None:
            return f'<a href="#{escape(local)}"><code>ev:{escape(local)}</code></a>'
        return f'<a href="{escape(str(node))}"><code>{escape(_curie(node))}</code></a>'
    if isinstance(node, BNode):
        for keyword, word in ((OWL.unionOf, " or "), (OWL.oneOf, ", ")):
            members = g.value(node, keyword)
            if members is not None:
                inner = word.join(_link(g, m) for m in Collection(g, members))
                return f"one of ({inner})" if keyword == OWL.oneOf else f"({inner})"
        if (node, RDF.first, None) in g:  # a bare list: a property chain
            return " / ".join(_link(g, m) for m in Collection(g, node))
        return "(an anonymous class)"
    if isinstance(node, Literal):
        return f"<code>{escape(str(node))}</code>"
    return escape(str(node))


def _text(g: Graph, node: URIRef, prop: URIRef) -> str:
    values = sorted(str(v) for v in g.objects(node, prop) if isinstance(v, Literal) and v.language in (None, "en"))
    return escape(" ".join(values))


def _row(name: str, values: Iterable[str]) -> str:
    values = list(values)
    return f"<dt>{escape(name)}</dt><dd>{', '.join(values)}</dd>" if values else ""


def _term(g: Graph, node: URIRef, kind: str) -> str:
    local = _local(node) or ""
    rows = [
        _row("IRI", [f"<code>{escape(str(node))}</code>"]),
        _row("types", [_link(g, t) for t in sorted(g.objects(node, RDF.type), key=str) if t != OWL.NamedIndividual]),
        _row("domain", [_link(g, d) for d in sorted(g.objects(node, RDFS.domain), key=str)]),
        _row("range", [_link(g, r) for r in sorted(g.objects(node, RDFS.range), key=str)]),
        _row("notation", [f"<code>{escape(str(n))}</code>" for n in sorted(g.objects(node, SKOS.notation), key=str)]),
    ]
    if (node, RDF.type, OWL.Class) in g:
        rows.append(_row("members", [_link(g, s) for s in sorted(g.subjects(RDF.type, node), key=str) if isinstance(s, URIRef)]))
        rows.append(_row("used as domain of", [_link(g, p) for p in sorted(g.subjects(RDFS.domain, node), key=str)]))
        rows.append(_row("used as range of", [_link(g, p) for p in sorted(g.subjects(RDFS.range, node), key=str)]))
    for prop, name in _ALIGNMENTS:
        rows.append(_row(name, [_link(g, o) for o in sorted(g.objects(node, prop), key=str)]))
    label = _text(g, node, RDFS.label) or escape(local)
    return (f'<section class="term" id="{escape(local)}"><h3><a class="self" href="#{escape(local)}">ev:{escape(local)}</a> '
            f'<span class="kind">{escape(kind)} · {label}</span></h3>'
            f"<p>{_text(g, node, RDFS.comment)}</p><dl>{''.join(rows)}</dl></section>")


def render_ontology_html(path: str | Path | None = None) -> str:
    """The HTML documentation of the ontology.

    :param path: the Turtle file (default: :func:`kg.vocab.ontology_path`).
    :returns: a complete HTML5 document.
    """
    g = Graph().parse(str(path or ontology_path()), format="turtle")
    ontology = URIRef(str(ONTOLOGY_IRI))
    title = _text(g, ontology, DCTERMS.title) or "Chronicon event ontology"
    seen: set[URIRef] = set()
    sections, index = [], []
    for anchor, heading, kind, types in _SECTIONS:
        terms = sorted({s for t in types for s in g.subjects(RDF.type, t) if isinstance(s, URIRef) and _local(s) and s not in seen})
        seen.update(terms)
        if not terms:
            continue
        index.append(f'<li><a href="#{anchor}">{escape(heading)}</a>: '
                     + ", ".join(f'<a href="#{escape(_local(t) or "")}">{escape(_local(t) or "")}</a>' for t in terms) + "</li>")
        sections.append(f'<h2 id="{anchor}">{escape(heading)}</h2>' + "".join(_term(g, t, kind) for t in terms))
    meta = [
        _row("IRI", [f"<code>{escape(str(ontology))}</code>"]),
        _row("namespace", [f"<code>{escape(_EV)}</code> (prefix <code>ev:</code>)"]),
        _row("version", [escape(str(v)) for v in g.objects(ontology, OWL.versionInfo)]),
        _row("version IRI", [_link(g, v) for v in g.objects(ontology, OWL.versionIRI)]),
        _row("license", [_link(g, v) for v in g.objects(ontology, DCTERMS.license)]),
        _row("created", [escape(str(v)) for v in g.objects(ontology, DCTERMS.created)]),
    ]
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>\n'
        f"<body><h1>{title}</h1><p>{_text(g, ontology, DCTERMS.description)}</p><dl>{''.join(meta)}</dl>"
        f"<p>Also as <a href=\"?format=ttl\">Turtle</a>. Instance data: <a href=\"/context.jsonld\">JSON-LD context</a>.</p>"
        f"<nav><h2>Terms</h2><ul>{''.join(index)}</ul></nav>\n"
        + "\n".join(sections)
        + "\n</body></html>\n"
    )
