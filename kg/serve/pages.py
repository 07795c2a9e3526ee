"""HTML for people: every page the app renders, in one replaceable module (templates in ``templates/``).

Jinja autoescapes every value; the only markup built in Python is :func:`iri_link`
and :func:`term_html` (escaped here) and the timeline SVG (escaped in
:mod:`kg.serve.timeline`). Only ``http(s)`` IRIs become links (a ``javascript:``
IRI in the data stays text, THREATS D27); IRIs under the base link to their
``/id/`` page. Pages without an editor send :data:`CSP`, which allows no script at
all; the query page sends :data:`APP_CSP` (scripts and styles from this origin only, plus
the editor's theme ``<style>``, admitted by a per-response nonce).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from html import escape
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from flask import Response, current_app, render_template
from markupsafe import Markup

from kg.queries import CannedQuery
from kg.vocab import PREFIXES

_COMMON = "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
CSP = f"default-src 'none'; style-src 'self'; {_COMMON}"
APP_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; object-src 'none'; " + _COMMON
_PATH_SAFE = "/()_-.~!$&'*+,;=:@%"
EV_NAMESPACE = "https://w3id.org/chronicon/event"
FORMATS = (("ttl", "text/turtle", "Turtle"), ("nt", "application/n-triples", "N-Triples"),
           ("jsonld", "application/ld+json", "JSON-LD"), ("rdfxml", "application/rdf+xml", "RDF/XML"))


def _base() -> str:
    return str(current_app.extensions["kg"].settings.base)


def new_nonce() -> str:
    """A fresh CSP nonce for one response (the editor's injected theme styles carry it)."""
    return secrets.token_urlsafe(18)


def html_response(body: str, status: int = 200, *, nonce: str | None = None) -> Response:
    """An HTML response with the CSP: :data:`CSP`, or :data:`APP_CSP` with ``nonce`` when the page loads the editor."""
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = APP_CSP.format(nonce=nonce) if nonce else CSP
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def page(title: str, body: str) -> str:
    """A whole HTML document around ``body`` (already escaped HTML)."""
    return render_template("base.html", title=title, raw_body=Markup(body))  # noqa: S704 - body is escaped by its maker


def curie(iri: str) -> str:
    """``ev:startDate`` for a known namespace, else the IRI itself."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def local_path(iri: str, base: str | None = None) -> str | None:
    """``/id/...`` for an IRI under the base, else None."""
    base = base if base is not None else _base()
    if iri.startswith(base) and len(iri) > len(base):
        return "/id/" + quote(iri[len(base):], safe=_PATH_SAFE)
    return None


def iri_link(iri: str, base: str | None = None, label: str | None = None) -> Markup:
    """A link to ``iri``: its /id/ page when under the base, itself when http(s), else plain text."""
    text = escape(label or curie(iri))
    path = local_path(iri, base)
    if path:
        return Markup(f'<a href="{escape(path, quote=True)}">{text}</a>')  # noqa: S704 - escaped above
    if iri.startswith(EV_NAMESPACE):
        return Markup(f'<a href="/ontology">{text}</a>')  # noqa: S704
    if iri.startswith(("http://", "https://")):
        return Markup(f'<a href="{escape(iri, quote=True)}" rel="nofollow noopener noreferrer" class="external">{text}</a>')  # noqa: S704
    return Markup(f"<code>{text}</code>")  # noqa: S704


def link(iri: str, label: str | None = None) -> Markup:
    """Template helper: :func:`iri_link` with the configured base."""
    return iri_link(iri, None, label)


def term_html(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, base: str, labels: dict[str, str]) -> Markup:
    """One RDF term, escaped, as HTML."""
    if isinstance(term, ox.NamedNode):
        return iri_link(term.value, base, labels.get(term.value))
    if isinstance(term, ox.BlankNode):
        return Markup(f"<code>_:{escape(term.value)}</code>")  # noqa: S704
    if isinstance(term, ox.Triple):
        return Markup(f"<code>{escape(str(term))}</code>")  # noqa: S704
    note = f' <small class="dt">@{escape(term.language)}</small>' if term.language else (
        f' <small class="dt">{escape(curie(term.datatype.value))}</small>'
        if not term.datatype.value.endswith("#string") else "")
    return Markup(f"{escape(term.value)}{note}")  # noqa: S704


def binding_html(cell: dict[str, str] | None) -> Markup:
    """One cell of a SPARQL JSON result, escaped, as HTML (IRIs as links)."""
    if not cell:
        return Markup("")
    kind, value = cell.get("type"), str(cell.get("value", ""))
    if kind == "uri":
        base = _base()
        return iri_link(value, base, value[len(base):] if value.startswith(base) else None)
    if kind == "bnode":
        return Markup(f"<code>_:{escape(value)}</code>")  # noqa: S704
    if kind == "triple":
        return Markup(f"<code>{escape(value)}</code>")  # noqa: S704
    lang, datatype = cell.get("xml:lang"), cell.get("datatype")
    note = (f' <small class="dt">@{escape(lang)}</small>' if lang else
            f' <small class="dt">{escape(curie(datatype))}</small>' if datatype and not datatype.endswith("#string") else "")
    return Markup(f"{escape(value)}{note}")  # noqa: S704


def template_context() -> dict[str, Any]:
    """Helpers every template may use."""
    return {"link": link, "cell": binding_html, "local_path": local_path, "formats": FORMATS}


def _render(template: str, **context: Any) -> str:
    return render_template(template, **context)


def editor_data() -> dict[str, Any]:
    """What the editor completes: the prefixes, and the ontology's terms as ``ev:...``."""
    from kg.vocab import ev_terms

    terms = sorted(curie(str(t)) for t in ev_terms())
    return {"prefixes": PREFIXES, "terms": [t for t in terms if ":" in t]}


def query_page(**context: Any) -> str:
    """``/``: the editor, the canned queries, the results."""
    return _render("query.html", active="query", title="Query", **context)


def events_page(events: list[dict[str, str]], facets: dict[str, list[dict[str, str]]], chosen: dict[str, str | None],
                labels: dict[str, str]) -> str:
    """``/events``: the overview with its filters."""
    return _render("events.html", active="events", title="Events", events=events, facets=facets, chosen=chosen, labels=labels)


def event_page(view: Any) -> str:
    """An event: summary, span, places, sides, categories, Wikidata, the timeline and the claims."""
    from kg.serve.timeline import STANCES, timeline_svg

    svg = timeline_svg(view.claims, view.start, view.end, view.label)
    return _render("event.html", title=view.label, e=view, timeline=Markup(svg), stances=STANCES,  # noqa: S704 - escaped in timeline.py
                   dated=sum(1 for c in view.claims if c.date))


def claim_page(claim: Any, event: Any, mentions: list[Any], article: list[Any], texts: dict[str, str]) -> str:
    """A claim: its text, date, source, stance, casualties, disputes, event."""
    return _render("claim.html", title=f"Claim #{claim.position}", c=claim, event=event, mentions=mentions, article=article, texts=texts)


def node_page(kind: str, iri: str, label: str, facts: dict[str, list[Any]], wikidata: list[str],
              events: list[dict[str, str]], claims: list[Any], claim_events: dict[str, Any], roles: dict[str, str]) -> str:
    """An agent or a place: what it is, the events and claims it appears in."""
    return _render("node.html", title=label, kind=kind, iri=iri, label=label, facts=facts, wikidata=wikidata, events=events,
                   claims=claims, claim_events=claim_events, roles=roles)


def resource_page(iri: str, base: str, triples: list[ox.Triple], incoming: list[ox.Triple],
                  labels: dict[str, str]) -> str:
    """Any other node: its label, types, properties (and nested blank nodes), and what links to it."""
    node = ox.NamedNode(iri)
    types = [t.object for t in triples if t.subject == node and t.predicate.value == PREFIXES["rdf"] + "type"]
    rows = [(Markup(f"<code>_:{escape(t.subject.value)}</code> ") if isinstance(t.subject, ox.BlankNode) else Markup(""),  # noqa: S704
             iri_link(t.predicate.value, base), term_html(t.object, base, labels)) for t in triples]
    back = [(term_html(t.subject, base, labels), iri_link(t.predicate.value, base)) for t in incoming]
    label = labels.get(iri) or curie(iri)
    return _render("resource.html", title=label, iri=iri, label=label,
                   types=[term_html(t, base, labels) for t in types], rows=rows, back=back)


def queries_page(queries: Iterable[CannedQuery]) -> str:
    """The list of canned queries with their header comments."""
    return _render("queries.html", title="Canned queries", queries=list(queries))

