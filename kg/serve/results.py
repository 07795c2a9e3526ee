"""SPARQL result serialisers that can say "cut at N rows".

pyoxigraph serialises a whole result iterator and has no place for a truncation
notice, so the worker takes at most ``max_rows`` solutions and writes them here:
SPARQL JSON (with ``head.link``), XML (``<link href>`` in ``<head>``), CSV and
TSV (the notice travels in the ``X-Chronicon-Truncated`` header only).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
SRX_NS = "http://www.w3.org/2005/sparql-results#"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]


def truncation_link(rows: int) -> str:
    """The IRI that marks an answer cut at ``rows`` rows (in ``head.link`` / ``<link href>``)."""
    return f"urn:chronicon:truncated:rows={rows}"


def _json_term(term: Term) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject), "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    out: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
        direction = getattr(term, "direction", None)
        if direction:
            out["its:dir"] = str(direction)
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def solutions_json(variables: list[str], rows: list[Row], truncated_at: int | None) -> bytes:
    head: dict[str, Any] = {"vars": variables}
    if truncated_at is not None:
        head["link"] = [truncation_link(truncated_at)]
    bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    return json.dumps({"head": head, "results": {"bindings": bindings}}, ensure_ascii=False).encode("utf-8")


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}</predicate>"
                f"<object>{_xml_term(term.object)}</object></triple>")
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _xml_open(head: str) -> list[str]:
    return ['<?xml version="1.0" encoding="utf-8"?>\n', f'<sparql xmlns="{SRX_NS}"><head>', head, "</head>"]


def solutions_xml(variables: list[str], rows: list[Row], truncated_at: int | None) -> bytes:
    head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
    if truncated_at is not None:
        head += f"<link href={quoteattr(truncation_link(truncated_at))}/>"
    out = _xml_open(head) + ["<results>"]
    for row in rows:
        out.append("<result>")
        out.extend(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>" for v, t in zip(variables, row) if t is not None)
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def solutions_csv(variables: list[str], rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(t) for t in row])
    return buffer.getvalue().encode("utf-8")


def solutions_tsv(variables: list[str], rows: list[Row]) -> bytes:
    # TSV cells are terms in Turtle/N-Triples syntax; pyoxigraph's str() gives exactly that.
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join("" if t is None else str(t) for t in row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


def solutions(fmt: str, variables: list[str], rows: list[Row], truncated_at: int | None) -> bytes:
    """Serialise SELECT solutions in ``fmt`` (json, xml, csv, tsv)."""
    if fmt == "xml":
        return solutions_xml(variables, rows, truncated_at)
    if fmt == "csv":
        return solutions_csv(variables, rows)
    if fmt == "tsv":
        return solutions_tsv(variables, rows)
    return solutions_json(variables, rows, truncated_at)


def boolean(fmt: str, value: bool) -> bytes:
    """Serialise an ASK answer in ``fmt``; CSV and TSV get one ``_askResult`` column (as Jena does)."""
    word = "true" if value else "false"
    if fmt == "xml":
        return "".join(_xml_open("") + [f"<boolean>{word}</boolean></sparql>\n"]).encode("utf-8")
    if fmt == "csv":
        return f"_askResult\r\n{word}\r\n".encode()
    if fmt == "tsv":
        return f"?_askResult\n{word}\n".encode()
    return json.dumps({"head": {}, "boolean": value}).encode("utf-8")
