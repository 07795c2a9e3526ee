"""map: :class:`~kg.model.Extraction` → quads, in the article's own named graph.

No I/O. IRIs are minted deterministically from names and file stems, so the
same input always gives the same graph, and an agent or place named in two
articles is one node. Every IRI goes through pyoxigraph's ``NamedNode``, which
refuses an invalid IRI instead of letting it break an export later.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import quote

import pyoxigraph as ox

from kg.model import CasualtyRecord, ClaimRecord, DateValue, EventRecord, Extraction
from kg.vocab import EV, PREFIXES

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
SKOS_CONCEPT = ox.NamedNode(PREFIXES["skos"] + "Concept")
SKOS_PREF_LABEL = ox.NamedNode(PREFIXES["skos"] + "prefLabel")
DCT_SUBJECT = ox.NamedNode(PREFIXES["dct"] + "subject")
DCT_TITLE = ox.NamedNode(PREFIXES["dct"] + "title")
DCT_ISSUED = ox.NamedNode(PREFIXES["dct"] + "issued")
SCHEMA_AUTHOR = ox.NamedNode(PREFIXES["schema"] + "author")
SCHEMA_IMAGE = ox.NamedNode(PREFIXES["schema"] + "image")
SCHEMA_DESCRIPTION = ox.NamedNode(PREFIXES["schema"] + "description")
PROV_DERIVED = ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom")
XSD = PREFIXES["xsd"]
_DATE_TYPES = {
    "day": ox.NamedNode(XSD + "date"),
    "month": ox.NamedNode(XSD + "gYearMonth"),
    "year": ox.NamedNode(XSD + "gYear"),
}
XSD_INTEGER = ox.NamedNode(XSD + "integer")
XSD_DATETIME = ox.NamedNode(XSD + "dateTime")


def term(name: str) -> ox.NamedNode:
    """The ontology term ``ev:name`` as a pyoxigraph node (raises for an unknown term)."""
    return ox.NamedNode(str(getattr(EV, name)))


T = {name: term(name) for name in EV.__annotations__}
DATE_KINDS = {"explicit": T["Explicit"], "relative": T["Relative"], "inherited": T["Inherited"]}
STANCES = {"asserted": T["Asserted"], "reported": T["Reported"], "claimed": T["Claimed"], "denied": T["Denied"]}
QUALIFIERS = {
    "exact": T["Exact"], "at least": T["AtLeast"], "about": T["About"],
    "tens": T["Tens"], "dozens": T["Dozens"], "several": T["Several"],
}
KINDS = {
    "killed": T["Killed"], "wounded": T["Wounded"], "killed and wounded": T["KilledAndWounded"],
    "captured": T["Captured"], "missing": T["Missing"],
}

# Characters that may not appear in an IRI path (RFC 3987: outside ucschar, i.e.
# controls, surrogates, private use, noncharacters) or that would make a path
# segment ambiguous: percent-encoded. Letters outside ASCII stay as they are.
_UNSAFE = re.compile(r"[\x00-\x20<>\"{}|\\^`%/?#\[\]\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufdd0-\ufdef\ufff0-\uffff]"
                     r"|[\U000f0000-\U0010ffff]|[\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe"
                     r"\U0004ffff\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
                     r"\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff\U000dfffe"
                     r"\U000dffff\U000efffe\U000effff]")


def slug(name: str) -> str:
    """A node's key from its name: "Syrian Arab Army" → "syrian_arab_army".

    Case-folded and NFC-normalised so that spellings that differ only in case
    or in Unicode composition are one node.
    """
    text = re.sub(r"\s+", "_", unicodedata.normalize("NFC", name).casefold().strip())
    return _segment(text, strip="_")


def file_slug(stem: str) -> str:
    """An article's key from its file stem, keeping its case: "Battle_of_Aleppo_(2012-2016)"."""
    return _segment(unicodedata.normalize("NFC", stem).replace(" ", "_"))


def _segment(text: str, strip: str = "") -> str:
    """Percent-encode what an IRI path segment may not hold; never a "." or ".." segment
    (a lone "." comes from a file named "..md")."""
    text = _UNSAFE.sub(lambda m: quote(m.group(0), safe=""), text).replace("..", "%2E%2E").strip(strip)
    return "%2E" if text == "." else text or "_"


class Minter:
    """Mints the IRIs of one build under its base."""

    def __init__(self, base: str) -> None:
        if not re.match(r"^[a-z][a-z0-9+.-]*://[^\s<>\"{}|\\^`]+/$", base, re.I):
            raise ValueError(f"base IRI must be an absolute IRI ending in '/': {base!r}")
        self.base = base

    def node(self, kind: str, key: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}{kind}/{key}")

    def article(self, stem: str) -> ox.NamedNode:
        return self.node("article", file_slug(stem))

    def event(self, label: str) -> ox.NamedNode:
        # By label, not by file: the larger conflict one article names is the
        # same node as the event of the article about it.
        return self.node("event", slug(label))

    def agent(self, name: str) -> ox.NamedNode:
        return self.node("agent", slug(name))

    def place(self, name: str) -> ox.NamedNode:
        return self.node("place", slug(name))

    def concept(self, name: str) -> ox.NamedNode:
        return self.node("concept", slug(name))


def date_literal(value: DateValue) -> ox.Literal:
    """A date typed by its precision: xsd:date, xsd:gYearMonth or xsd:gYear."""
    return ox.Literal(value.iso, datatype=_DATE_TYPES[value.precision])


def _text(value: str) -> ox.Literal:
    # Lone surrogates cannot be written in UTF-8: refuse rather than change data.
    value.encode("utf-8")
    return ox.Literal(value)


def extraction_quads(extraction: Extraction, minter: Minter) -> Iterator[ox.Quad]:
    """All quads of one article, in its own named graph (the article's IRI)."""
    graph = minter.article(extraction.article.stem)
    for s, p, o in extraction_triples(extraction, minter):
        yield ox.Quad(s, p, o, graph)


def extraction_triples(extraction: Extraction, minter: Minter) -> Iterator[Triple]:
    """The triples of one article's graph (the build writes them as N-Triples lines
    without building a Quad per triple: that alone was a tenth of the extraction time)."""
    article = extraction.article
    graph = minter.article(article.stem)
    event = minter.event(extraction.event.label)
    yield from _article_triples(extraction, graph)
    yield from event_triples(extraction.event, event, graph, minter)
    for claim in extraction.claims:
        yield from claim_triples(claim, event, graph, article.stem, minter)


Triple = tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]


def _article_triples(extraction: Extraction, node: ox.NamedNode) -> Iterator[Triple]:
    a = extraction.article
    yield node, RDF_TYPE, T["Article"]
    yield node, DCT_TITLE, _text(a.subject)
    yield node, T["file"], _text(a.file)
    if a.author:
        yield node, SCHEMA_AUTHOR, _text(a.author)
    if a.pub_date:
        yield node, DCT_ISSUED, _issued(a.pub_date)
    if a.img:
        yield node, SCHEMA_IMAGE, _text(a.img)


def _issued(text: str) -> ox.Literal:
    """"2023-07-31 05:07" → xsd:dateTime; anything else kept as written, never dropped."""
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return ox.Literal(datetime.strptime(text.strip(), fmt).isoformat(), datatype=XSD_DATETIME)
        except ValueError:
            continue
    return _text(text)


def event_triples(ev: EventRecord, node: ox.NamedNode, graph: ox.NamedNode, minter: Minter) -> Iterator[Triple]:
    """The event, its span, places, larger conflict, sides, units and categories."""
    yield node, RDF_TYPE, T["Event"]
    yield node, RDFS_LABEL, _text(ev.label)
    yield node, PROV_DERIVED, graph
    if ev.summary:
        yield node, T["summary"], _text(ev.summary)
    if ev.description:
        yield node, SCHEMA_DESCRIPTION, _text(ev.description)
    if ev.span and ev.span.start:
        yield node, T["startDate"], date_literal(ev.span.start)
    if ev.span and ev.span.end and not ev.span.ongoing:
        yield node, T["endDate"], date_literal(ev.span.end)
    for name in ev.places:
        yield node, T["place"], minter.place(name)
    places = dict.fromkeys([*ev.places, *(p for pair in ev.located_in for p in pair)])
    for name in places:
        yield from _named(minter.place(name), T["Place"], name)
    for inner, outer in ev.located_in:
        yield minter.place(inner), T["locatedIn"], minter.place(outer)
    if ev.part_of:
        larger = minter.event(ev.part_of)
        yield node, T["partOf"], larger
        yield from _named(larger, T["Event"], ev.part_of)
    stem = graph.value.rsplit("/", 1)[1]
    participants: dict[str, None] = {}
    for i, members in enumerate(ev.sides, start=1):
        side = minter.node("side", f"{stem}/{i}")
        yield node, T["side"], side
        yield side, RDF_TYPE, T["Side"]
        yield side, RDFS_LABEL, _text(f"Side {i} of {ev.label}")
        for name in members:
            yield side, T["member"], minter.agent(name)
            participants[name] = None
    for unit, parent in ev.units:
        yield minter.agent(unit), T["memberOf"], minter.agent(parent)
        participants[unit] = None
        participants[parent] = None
    for name in participants:
        agent = minter.agent(name)
        yield node, T["participant"], agent
        yield from _named(agent, T["Agent"], name)
    for name in ev.categories:
        concept = minter.concept(name)
        yield node, DCT_SUBJECT, concept
        yield concept, RDF_TYPE, SKOS_CONCEPT
        yield concept, SKOS_PREF_LABEL, _text(name)
        yield concept, RDFS_LABEL, _text(name)


def _named(node: ox.NamedNode, cls: ox.NamedNode, label: str) -> Iterator[Triple]:
    yield node, RDF_TYPE, cls
    yield node, RDFS_LABEL, _text(label)


def claim_triples(
    claim: ClaimRecord, event: ox.NamedNode, graph: ox.NamedNode, stem: str, minter: Minter
) -> Iterator[Triple]:
    """One claim: its text and place, date, sources, stance, mentions, casualties, disputes."""
    node = minter.node("claim", f"{file_slug(stem)}/{claim.position}")
    yield event, T["claim"], node
    yield node, RDF_TYPE, T["Claim"]
    yield node, T["text"], _text(claim.text)
    yield node, T["position"], ox.Literal(str(claim.position), datatype=XSD_INTEGER)
    yield node, T["section"], _text(claim.section)
    yield node, PROV_DERIVED, graph
    if claim.date is not None:
        yield node, T["date"], date_literal(claim.date)
        if claim.date_kind in DATE_KINDS:
            yield node, T["dateKind"], DATE_KINDS[claim.date_kind]
    yield node, T["stance"], STANCES[claim.stance]
    for source in claim.sources:
        agent = minter.agent(source.name)
        yield node, T["source"], agent
        yield from _named(agent, T["Agent"], source.name)
        if source.role:
            yield agent, T["role"], _text(source.role)
    for name in claim.places:
        place = minter.place(name)
        yield node, T["mentions"], place
        yield from _named(place, T["Place"], name)
    for name in claim.actors:
        agent = minter.agent(name)
        yield node, T["mentions"], agent
        yield from _named(agent, T["Agent"], name)
    for k, figure in enumerate(claim.casualties):
        yield from _casualty_triples(node, minter.node("claim", f"{file_slug(stem)}/{claim.position}/casualties/{k}"), figure)
    for target in claim.disputes:
        yield node, T["disputes"], minter.node("claim", f"{file_slug(stem)}/{target}")


def _casualty_triples(claim: ox.NamedNode, node: ox.NamedNode, figure: CasualtyRecord) -> Iterator[Triple]:
    yield claim, T["casualties"], node
    yield node, RDF_TYPE, T["Casualties"]
    yield node, T["kind"], KINDS[figure.kind]
    yield node, T["qualifier"], QUALIFIERS[figure.qualifier]
    if figure.count is not None:
        yield node, T["count"], ox.Literal(str(figure.count), datatype=XSD_INTEGER)
    if figure.who:
        yield node, T["who"], _text(figure.who)
