"""Linked Data: ``/id/<rest>`` answers the IRI ``{base}<rest>``; the ontology at ``/ontology``;
the JSON-LD context at ``/context.jsonld``.

Nodes are looked up by IRI with fixed triple patterns (no query text is ever
built from the path, THREATS B15), so a path such as ``x> } ; DROP ALL ; #`` is
just an IRI that is not in the graph (404), or not an IRI at all (404). Nothing
here touches the filesystem with a path from the request.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import islice
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from kg.formats import rdf_format
from kg.jsonld import context_document
from kg.ontodoc import render_ontology_html
from kg.serve import pages
from kg.serve.conneg import GRAPH_FORMATS, HTML, Format, negotiate
from kg.serve.errors import NotFound
from kg.vocab import PREFIXES, ontology_path

bp = Blueprint("linked_data", __name__)

LD_OFFERS: tuple[Format, ...] = (*GRAPH_FORMATS, HTML)
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
MAX_INCOMING = 500


def _describe(store: ox.Store, node: ox.NamedNode, limit: int) -> list[ox.Triple]:
    """The node's outgoing triples in the default graph, with the blank nodes they lead to (CBD), at most ``limit``."""
    out: list[ox.Triple] = []
    todo: list[ox.NamedNode | ox.BlankNode] = [node]
    seen: set[str] = set()
    while todo and len(out) < limit:
        subject = todo.pop()
        if str(subject) in seen:
            continue
        seen.add(str(subject))
        for q in islice(store.quads_for_pattern(subject, None, None, ox.DefaultGraph()), limit - len(out)):
            out.append(ox.Triple(q.subject, q.predicate, q.object))
            if isinstance(q.object, ox.BlankNode):
                todo.append(q.object)
    return out


def _labels(store: ox.Store, triples: list[ox.Triple]) -> dict[str, str]:
    label = ox.NamedNode(RDFS_LABEL)
    labels: dict[str, str] = {}
    for t in triples:
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and term.value not in labels:
                for q in islice(store.quads_for_pattern(term, label, None, ox.DefaultGraph()), 1):
                    labels[term.value] = q.object.value
    return labels


def _candidates(rest: str) -> list[str]:
    """The IRI tails to try: as sent (percent-escapes kept) first, then as WSGI decoded it."""
    raw = urlsplit(request.environ.get("REQUEST_URI") or request.environ.get("RAW_URI") or "").path
    out = []
    if raw.startswith("/id/") and unquote(raw[4:]) == rest and raw[4:] != rest:
        out.append(raw[4:])
    out.append(rest)
    return out


def serialize(triples: list[ox.Triple], fmt: Format) -> bytes:
    """Triples in a graph format (Turtle with the project's prefixes)."""
    rdf = rdf_format(fmt.name)
    return bytes(ox.serialize(triples, format=rdf.oxigraph, prefixes=PREFIXES if rdf.name == "ttl" else None) or b"")


def _respond(body: bytes | str, fmt: Format) -> Response:
    response = Response(body, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    if fmt is HTML:
        response.headers["Content-Security-Policy"] = pages.CSP
    return response


@bp.route("/id/<path:rest>", methods=["GET"])
def resource(rest: str) -> Response:
    """A node of the graph: HTML for people, Turtle / N-Triples / JSON-LD / RDF/XML for machines."""
    services = current_app.extensions["kg"]
    base: str = services.settings.base
    fmt = negotiate(request.headers.get("Accept"), LD_OFFERS, format_param=request.args.get("format"))
    store, _ = services.view.get()
    for tail in _candidates(rest):
        try:
            node = ox.NamedNode(base + tail)
        except ValueError:
            continue
        triples = _describe(store, node, services.settings.max_rows)
        incoming = [ox.Triple(q.subject, q.predicate, q.object)
                    for q in islice(store.quads_for_pattern(None, None, node, ox.DefaultGraph()), MAX_INCOMING)]
        if triples or incoming:
            break
    else:
        raise NotFound(f"nothing is known about {base}{rest}")
    if fmt is HTML:
        from kg.serve.views import resource_html  # events, agents, places, claims get pages of their own

        return _respond(resource_html(store, node, base, triples, incoming, _labels(store, triples + incoming)), fmt)
    return _respond(serialize(triples + incoming, fmt), fmt)


@lru_cache(maxsize=1)
def _ontology() -> tuple[bytes, tuple[ox.Triple, ...]]:
    path = ontology_path()
    data = path.read_bytes()
    triples = tuple(ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.TURTLE))
    return data, triples


@lru_cache(maxsize=1)
def _ontology_html() -> str:
    return render_ontology_html(ontology_path())


@bp.route("/ontology", methods=["GET"])
def ontology() -> Response:
    """The ontology at its own IRI (``https://w3id.org/chronicon/event`` → here), with content negotiation."""
    fmt = negotiate(request.headers.get("Accept"), LD_OFFERS, format_param=request.args.get("format"))
    data, triples = _ontology()
    if fmt is HTML:
        # The documentation generated from event.ttl (kg.ontodoc), with an anchor per term so
        # that .../event#Claim lands on ev:Claim. Its one inline <style> carries the nonce
        # the page's CSP allows.
        nonce = pages.new_nonce()
        response = pages.html_response(_ontology_html().replace("<style>", f'<style nonce="{nonce}">', 1), nonce=nonce)
        response.headers["Vary"] = "Accept"
        return response
    if fmt.name == "ttl":
        return _respond(data, fmt)
    return _respond(serialize(list(triples), fmt), fmt)


@bp.route("/context.jsonld", methods=["GET"])
def context() -> Response:
    """The JSON-LD context, at a stable address: the same one the JSON-LD exports use (kg.jsonld)."""
    response = Response(context_document(), content_type="application/ld+json; charset=utf-8")  # the one context the exports use
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
