"""HTML for people: every page the app renders, in one replaceable module.

Plain, escaped, readable. Every value from the graph goes through
:func:`html.escape`; only ``http(s)`` IRIs become links (a ``javascript:`` IRI in
the data stays text, THREATS D27); IRIs under the base link to their ``/id/``
page. Responses carry a CSP that forbids scripts altogether.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from urllib.parse import quote

import pyoxigraph as ox

from kg.queries import CannedQuery
from kg.vocab import PREFIXES

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'"
_PATH_SAFE = "/()_-.~!$&'*+,;=:@%"
_STYLE = ("body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
          "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;"
          "vertical-align:top}th{width:14rem;font-weight:600}code{font-size:.9em;color:#555}small{color:#666}")


def page(title: str, body: str) -> str:
    """A whole HTML document around ``body`` (already escaped)."""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_STYLE}</style></head>'
            f'<body>{body}<hr><small>Chronicon · <a href="/sparql">SPARQL</a> · <a href="/queries">queries</a> · '
            f'<a href="/ontology">ontology</a></small></body></html>\n')


def curie(iri: str) -> str:
    """``ev:startDate`` for a known namespace, else the IRI itself."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def iri_link(iri: str, base: str, label: str | None = None) -> str:
    """A link to ``iri``: its /id/ page when under the base, itself when http(s), else plain text."""
    text = escape(label or curie(iri))
    if iri.startswith(base):
        return f'<a href="/id/{escape(quote(iri[len(base):], safe=_PATH_SAFE), quote=True)}">{text}</a>'
    if iri.startswith("https://w3id.org/chronicon/event"):
        return f'<a href="/ontology">{text}</a>'
    if iri.startswith(("http://", "https://")):
        return f'<a href="{escape(iri, quote=True)}" rel="nofollow noopener noreferrer">{text}</a>'
    return f"<code>{text}</code>"


def term_html(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, base: str, labels: dict[str, str]) -> str:
    """One RDF term, escaped, as HTML."""
    if isinstance(term, ox.NamedNode):
        return iri_link(term.value, base, labels.get(term.value))
    if isinstance(term, ox.BlankNode):
        return f"<code>_:{escape(term.value)}</code>"
    if isinstance(term, ox.Triple):
        return f"<code>{escape(str(term))}</code>"
    note = f" <small>@{escape(term.language)}</small>" if term.language else (
        f" <small>{escape(curie(term.datatype.value))}</small>"
        if not term.datatype.value.endswith("#string") else "")
    return f"{escape(term.value)}{note}"


def resource_page(iri: str, base: str, triples: list[ox.Triple], incoming: list[ox.Triple],
                  labels: dict[str, str]) -> str:
    """The page of one node: its label, types, properties (and nested blank nodes), and what links to it."""
    label = labels.get(iri) or curie(iri)
    types = [t.object for t in triples if t.subject == ox.NamedNode(iri) and t.predicate.value == PREFIXES["rdf"] + "type"]
    rows = []
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            subject = f"<code>_:{escape(t.subject.value)}</code> "
        else:
            subject = ""
        rows.append(f"<tr><th>{subject}{iri_link(t.predicate.value, base, None)}</th>"
                    f"<td>{term_html(t.object, base, labels)}</td></tr>")
    back = "".join(f"<tr><th>{term_html(t.subject, base, labels)}</th><td>{iri_link(t.predicate.value, base)}</td></tr>"
                   for t in incoming)
    body = (f"<h1>{escape(label)}</h1><p><code>{escape(iri)}</code></p>"
            + (f"<p>{', '.join(term_html(x, base, labels) for x in types)}</p>" if types else "")
            + f"<table>{''.join(rows)}</table>"
            + (f"<h2>Referenced by</h2><table>{back}</table>" if back else "")
            + '<p><small>Also as <a href="?format=ttl">Turtle</a>, <a href="?format=nt">N-Triples</a>, '
              '<a href="?format=jsonld">JSON-LD</a>, <a href="?format=rdfxml">RDF/XML</a>.</small></p>')
    return page(label, body)


def queries_page(queries: Iterable[CannedQuery]) -> str:
    """The list of canned queries with their header comments."""
    items = []
    for q in queries:
        params = "".join(f"<li><code>{escape(p.name)}</code> ({escape(p.kind)}) {escape(p.help)}</li>" for p in q.params)
        items.append(f'<h2><a href="/queries/{escape(q.name, quote=True)}">{escape(q.title)}</a></h2>'
                     f"<p>{escape(q.description)}</p>" + (f"<ul>{params}</ul>" if params else ""))
    return page("Canned queries", "<h1>Canned queries</h1>" + "".join(items))


def terms_page(title: str, iri: str, triples: list[ox.Triple], base: str) -> str:
    """The ontology for people: each term with its label and comment."""
    labels = {t.subject.value: t.object.value for t in triples
              if t.predicate.value == PREFIXES["rdfs"] + "label" and isinstance(t.subject, ox.NamedNode)}
    comments = {t.subject.value: t.object.value for t in triples
                if t.predicate.value == PREFIXES["rdfs"] + "comment" and isinstance(t.subject, ox.NamedNode)}
    rows = "".join(f'<tr><th id="{escape(s.rsplit("#", 1)[-1], quote=True)}">{escape(curie(s))}</th>'
                   f"<td>{escape(labels.get(s, ''))}<br><small>{escape(comments.get(s, ''))}</small></td></tr>"
                   for s in sorted(labels) if s.startswith(iri))
    return page(title, f"<h1>{escape(title)}</h1><p><code>{escape(iri)}</code></p><table>{rows}</table>")
