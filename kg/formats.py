"""Formats as data: file extensions, media types and pyoxigraph formats.

One table for graphs (RDF syntaxes) and one for query results, so the CLI, the
exports and the web app agree on names and media types.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.errors import UnsupportedFormat


@dataclass(frozen=True)
class RdfFormat:
    name: str  # what users type: "ttl"
    media_type: str
    extension: str
    oxigraph: ox.RdfFormat
    datasets: bool  # keeps named graphs


RDF_FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("ttl", "text/turtle", ".ttl", ox.RdfFormat.TURTLE, False),
        RdfFormat("nt", "application/n-triples", ".nt", ox.RdfFormat.N_TRIPLES, False),
        RdfFormat("nq", "application/n-quads", ".nq", ox.RdfFormat.N_QUADS, True),
        RdfFormat("trig", "application/trig", ".trig", ox.RdfFormat.TRIG, True),
        RdfFormat("jsonld", "application/ld+json", ".jsonld", ox.RdfFormat.JSON_LD, True),
        RdfFormat("rdfxml", "application/rdf+xml", ".rdf", ox.RdfFormat.RDF_XML, False),
    )
}
_ALIASES = {"turtle": "ttl", "ntriples": "nt", "n-triples": "nt", "nquads": "nq", "n-quads": "nq",
            "json-ld": "jsonld", "xml": "rdfxml", "rdf": "rdfxml", "owl": "rdfxml"}


def rdf_format(name: str) -> RdfFormat:
    """The RDF format a user names ("ttl", "turtle", "nq", ...)."""
    key = _ALIASES.get(name.lower().lstrip("."), name.lower().lstrip("."))
    try:
        return RDF_FORMATS[key]
    except KeyError:
        raise UnsupportedFormat(f"unknown RDF format {name!r}; choose one of {', '.join(RDF_FORMATS)}") from None


def format_for_path(path: str) -> RdfFormat:
    """The RDF format a file's extension names."""
    suffix = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    if not suffix:
        raise UnsupportedFormat(f"{path}: no extension to tell the format; use .ttl, .nt, .nq, .trig or .jsonld")
    return rdf_format(suffix)
