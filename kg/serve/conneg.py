"""Formats as data, and content negotiation as a pure function (STYLE.md habit 6).

Two tables: query-result formats (SELECT, ASK) and graph formats (CONSTRUCT,
DESCRIBE, Linked Data, the ontology). Each format lists the media types it
answers to (first = the one sent, with ``charset=utf-8``) and the names a
browser or SPARQLWrapper may give as ``?format=``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.errors import UnsupportedFormat


@dataclass(frozen=True)
class Format:
    name: str  # internal name: what the worker serialises to
    media_types: tuple[str, ...]  # first one is sent
    names: tuple[str, ...]  # ?format= values

    @property
    def content_type(self) -> str:
        return f"{self.media_types[0]}; charset=utf-8"


RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", ("application/sparql-results+json", "application/json"), ("json", "srj")),
    Format("xml", ("application/sparql-results+xml", "application/xml", "text/xml"), ("xml", "srx")),
    Format("csv", ("text/csv",), ("csv",)),
    Format("tsv", ("text/tab-separated-values",), ("tsv",)),
)
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("ttl", ("text/turtle", "application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
           ("ttl", "turtle", "n3")),
    Format("nt", ("application/n-triples", "text/plain"), ("nt", "ntriples", "n-triples")),
    Format("jsonld", ("application/ld+json", "application/json", "application/x-json+ld"), ("jsonld", "json-ld", "json")),
    Format("rdfxml", ("application/rdf+xml", "application/xml", "text/xml"), ("rdfxml", "rdf+xml", "xml", "rdf")),
)
HTML = Format("html", ("text/html", "application/xhtml+xml"), ("html",))


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``Accept`` → [(media range, q)], malformed parts skipped; no header means ``*/*``."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, float]]) -> float:
    """The q the client gives this media type: the most specific matching range wins (RFC 9110 §12.5.1)."""
    kind = media_type.split("/")[0]
    best_specificity, best_q = -1, 0.0
    for media, q in ranges:
        if media == media_type:
            specificity = 2
        elif media == f"{kind}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, best_q = specificity, q
    return best_q


def negotiate(accept: str | None, offers: tuple[Format, ...], *, format_param: str | list[str] | None = None) -> Format:
    """The format to answer in.

    ``?format=`` wins over ``Accept`` (browsers cannot set headers); when several are
    given (SPARQLWrapper sends a name and a media type), the first one offered wins. Among the
    offers, the highest q wins; ties go to the earlier offer (the server's
    preference), so ``*/*`` gives the first one (SPARQL JSON, or Turtle).

    :raises UnsupportedFormat: (406) nothing acceptable.
    """
    wanted_list = [format_param] if isinstance(format_param, str) else list(format_param or [])
    if wanted_list:
        for wanted in (w.strip().lower() for w in wanted_list):
            for f in offers:
                if wanted in f.names or wanted in f.media_types:
                    return f
        raise UnsupportedFormat(f"format={wanted_list[0]!r} is not offered here; choose one of "
                                + ", ".join(f.names[0] for f in offers))
    ranges = parse_accept(accept)
    best: Format | None = None
    best_q = 0.0
    for f in offers:
        q = max(_quality(m, ranges) for m in f.media_types)
        # An alias match (application/json for JSON-LD) counts a little less than the format's own type.
        own = _quality(f.media_types[0], ranges)
        score = q if own >= q else q - 0.0001
        if score > best_q:
            best, best_q = f, score
    if best is None:
        raise UnsupportedFormat(f"cannot answer in any type of Accept: {accept}; offered: "
                                + ", ".join(f.media_types[0] for f in offers))
    return best


def offers_for(form: str | None) -> tuple[Format, ...]:
    """The formats a query form can be answered in."""
    return GRAPH_FORMATS if form in ("CONSTRUCT", "DESCRIBE") else RESULT_FORMATS
