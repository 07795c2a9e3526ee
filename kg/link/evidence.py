"""evidence: weigh each candidate item for one of our nodes, and decide.

A candidate's score is the weight of its label match (:mod:`kg.link.candidates`)
plus the evidence for and against it, each item a signed weight with a reason:

* **kind** — what the item is, from the labels of its classes (``wdt:P31``, then
  ``wdt:P31/wdt:P279+``), else its description's head noun ("city in Syria",
  "governorate of Syria", "battle", "armed organization"), else its own label's
  words and statements: a place must be a settlement, an area, a polity or a
  geographic feature; an agent an organisation, a polity or a person; an event
  an event;
* **label kind** — "Idlib province" wants an administrative area, bare "Idlib" the
  city, not the governorate;
* **where** — its country and administrative parents (``wdt:P17``/``wdt:P131``)
  or its description against our node's ``ev:locatedIn`` chain and the places of
  its events; a place whose item lies elsewhere (Waterloo, Iowa, for the
  Waterloo in Belgium) is contradicted;
* **when** — its dates (``P580``/``P582``/``P585``, ``P571``/``P576``, or years in
  its description or label) against the span of our event, or of the events an
  agent or place takes part in (the Kingdom of Hungary, 1000–1946, for the
  Hungary of a 1942 battle; the republic for a 2002 flood);
* **larger whole** — its ``wdt:P361`` against our ``ev:partOf`` target's link, or
  the target's name in its description;
* **company** — its statements pointing at items the same article links.

A node is linked to its best candidate when the score (clipped to [0, 1]) reaches
the threshold and no other item comes within the margin; otherwise nothing is
linked and the decision says why.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.link.candidates import GENERIC, Match, admin_word, norm
from kg.link.sources import Facts

DEFAULT_THRESHOLD = 0.6
MARGIN = 0.05

# --- what an item is -----------------------------------------------------------

EVENT, POLITY, ADMIN, SETTLEMENT, GEO, ORG, PERSON, OTHER = (
    "event", "polity", "administrative area", "settlement", "geographic feature", "organisation", "person", "other")
_KEYWORDS: dict[str, str] = {}
for _kind, _words in {
    EVENT: """battle battles siege war wars offensive offensives operation operations conflict campaign massacre attack
        attacks bombing bombings uprising revolution insurgency rebellion election elections referendum flood floods
        flooding earthquake disaster crisis protest protests invasion raid intervention clashes clash coup occupation
        assault theatre theater violence genocide event occurrence skirmish ambush incident shooting hostage
        evacuation ceasefire truce liberation fall capture escalation intifada riot riots airstrike airstrikes
        shelling persecution repression displacement exodus famine epidemic pandemic hurricane storm tsunami
        explosion standoff blockade incursion counteroffensive insurrection mutiny strike strikes""",
    POLITY: """country state sovereign republic kingdom monarchy empire federation confederation emirate caliphate
        duchy principality electorate sultanate nation polity khanate""",
    ADMIN: """governorate province oblast district county prefecture canton department subdistrict muhafazah
        wilayah vilayet voivodeship""",
    SETTLEMENT: """city town village capital municipality settlement commune suburb neighbourhood neighborhood
        metropolis hamlet borough cities towns villages""",
    GEO: """land region river mountain mountains island islands peninsula valley lake sea desert border territory
        area location plain gulf strait crossing highway road""",
    ORG: """organization organisation organizations group groups militia party army armies forces force brigade
        brigades division regiment corps battalion unit units agency movement coalition alliance government police
        guard guards legion service branch military navy command wing faction company rebels network committee
        council ministry administration authority institution front""",
    PERSON: """human person politician general officer commander soldier leader president king emperor writer actor
        actress singer player footballer journalist businessman businessperson activist cleric scholar poet painter
        musician composer director prince princess queen""",
    OTHER: """academy ethnic film album song band novel book series television episode species genus club team university school
        college magazine newspaper game ship genre software language religion award prize character franchise brand
        sport disease chemical protein gene food dish""",
}.items():
    for _w in _words.split():
        _KEYWORDS[_w] = _kind

COMPATIBLE = {
    "Event": {EVENT},
    "Place": {SETTLEMENT, ADMIN, POLITY, GEO},
    "Agent": {ORG, POLITY, PERSON},
}
_HEAD_CUT = re.compile(r"\s(?:in|of|from|between|during|on|at|for|by|that|which|who|with|near|located|based|founded"
                       r"|since|under|against|to|within|where|when|after|before|along|across|part)\s|[,;:(]|\s[-–—]\s")
_WORD = re.compile(r"[a-z]+")


def _kinds_of_phrase(phrase: str, *, head: bool) -> list[str]:
    """Kinds a phrase names: its head noun (the last keyword before "in", "of", ","...)."""
    text = phrase.casefold()
    text = re.sub(r"^\([^)]*\)\s*", "", text)  # "(de facto) federal republic"
    if head:
        text = _HEAD_CUT.split(" " + text, maxsplit=1)[0]
    words = [w for w in _WORD.findall(text) if w in _KEYWORDS]
    return [_KEYWORDS[words[-1]]] if words else []


def _label_kinds(label: str) -> list[str]:
    words = [w for w in _WORD.findall(label.casefold()) if w in _KEYWORDS]
    if not words:
        return []
    first = _WORD.findall(label.casefold())[0]
    return [_KEYWORDS[first] if first in _KEYWORDS else _KEYWORDS[words[-1]]]


@dataclass
class KindReading:
    kinds: set[str]
    source: str  # "class", "superclass", "description", "label", "statements", ""
    detail: str


def read_kind(facts: Facts, matched: str) -> KindReading:
    """What the item is, from the best evidence it has."""
    kinds = {k for c in facts.classes for k in _kinds_of_phrase(c, head=False)}
    if kinds:
        return KindReading(kinds, "class", "instance of " + ", ".join(repr(c) for c in facts.classes[:4]))
    kinds = {k for c in facts.superclasses for k in _kinds_of_phrase(c, head=False)}
    if kinds:
        return KindReading(kinds, "superclass", "instance of a subclass of " + ", ".join(repr(c) for c in facts.superclasses[:4]))
    if facts.description:
        kinds = set(_kinds_of_phrase(facts.description, head=True))
        if kinds:
            return KindReading(kinds, "description", f"description {facts.description!r}")
    for text in (matched, facts.label or ""):
        kinds = set(_label_kinds(text))
        if kinds:
            return KindReading(kinds, "label", f"label {text!r}")
    dated = any(p in facts.dates for p in ("P580", "P582", "P585"))
    if facts.located and not dated:
        return KindReading({GEO, SETTLEMENT, ADMIN}, "statements", "has a country or an administrative parent, no dates")
    if dated and not facts.located:
        return KindReading({EVENT}, "statements", "has start/end/point-in-time dates")
    return KindReading(set(), "", "")


# --- when ----------------------------------------------------------------------------

Span = tuple[float, float]  # [from, to) in fractional years


def span_of(start: str | None, end: str | None = None) -> Span | None:
    """The years an ISO date, year-month or year (or a pair of them) covers."""
    a = _interval(start) if start else None
    b = _interval(end) if end else None
    if a is None and b is None:
        return None
    if a is None:
        return b
    if b is None:
        return a
    return (min(a[0], b[0]), max(a[1], b[1]))


def _interval(text: str) -> Span | None:
    m = re.match(r"^(-?\d{1,4})(?:-(\d{2})(?:-(\d{2}))?)?", text.strip())
    if not m:
        return None
    year = int(m.group(1))
    if m.group(3):
        month, day = int(m.group(2)), int(m.group(3))
        start = year + (month - 1) / 12 + (day - 1) / 365
        return (start, start + 1 / 365)
    if m.group(2):
        start = year + (int(m.group(2)) - 1) / 12
        return (start, start + 1 / 12)
    return (float(year), year + 1.0)


_RANGE = re.compile(r"(?<!\d)(\d{3,4})(?:/\d{2,4})?\s*(?:[-–—]|to|and|until)\s*(\d{2,4})(?!\d)")
_CENTURY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)[- ]century", re.I)
_YEAR = re.compile(r"(?<![\d.])(1[0-9]{3}|20[0-9]{2})(?![\d])")


def years_in(text: str | None, *, single: bool = False) -> Span | None:
    """The years a description or a label names: "(1000–1946)", "between 1861 and 1946",
    "19th-century", and with ``single`` a lone year ("battle in June 2014")."""
    if not text:
        return None
    spans: list[Span] = []
    for m in _RANGE.finditer(text):
        a, b = int(m.group(1)), m.group(2)
        end = int(b) if len(b) >= 3 else int(str(a)[: 4 - len(b)] + b)
        if a <= end or len(b) < 3:
            spans.append((float(a), end + 1.0))
        else:
            spans.append((float(end), a + 1.0))
    for m in _CENTURY.finditer(text):
        c = int(m.group(1))
        spans.append(((c - 1) * 100.0 + 1, c * 100.0 + 1))
    if not spans and single:
        years = [int(y) for y in _YEAR.findall(text)]
        if years:
            spans.append((float(min(years)), max(years) + 1.0))
    if not spans:
        return None
    return (min(s[0] for s in spans), max(s[1] for s in spans))


def item_span(facts: Facts, matched: str, *, event: bool = False) -> tuple[Span | None, str]:
    """When the item was (an event's span, a polity's life), and from what; a lone year of its
    description counts only for an ``event``."""
    d = facts.dates
    pts = [s for p in ("P580", "P585") for s in [span_of(x) for x in d.get(p, [])] if s]
    ends = [s for s in [span_of(x) for x in d.get("P582", [])] if s]
    if pts or ends:
        lo = min(s[0] for s in pts + ends)
        hi = max(s[1] for s in pts + ends) if ends or not d.get("P580") else math.inf
        return (lo, hi), "its start/end/point-in-time dates"
    life = [s for s in [span_of(x) for x in d.get("P571", [])] if s]
    gone = [s for s in [span_of(x) for x in d.get("P576", [])] if s]
    if life or gone:
        lo = min(s[0] for s in life) if life else -math.inf
        hi = max(s[1] for s in gone) if gone else math.inf
        return (lo, hi), "its inception/dissolution dates"
    for text in dict.fromkeys([matched, facts.label or ""]):
        s = years_in(text, single=True)
        if s:
            return s, "the years in its label"
    s = years_in(facts.description, single=event)
    if s:
        return s, "the years in its description"
    return None, ""


def _gap(a: Span, b: Span) -> float:
    """Years between two spans (0 when they overlap)."""
    return max(0.0, max(a[0], b[0]) - min(a[1], b[1]))


# --- the node's side -------------------------------------------------------------------


@dataclass
class NodeContext:
    """One of our nodes, with what the store says around it."""

    iri: str
    kind: str  # Event | Agent | Place
    labels: list[str]
    events: set[str] = field(default_factory=set)  # the events (articles) it belongs to
    chain: list[str] = field(default_factory=list)  # places it lies in (ev:locatedIn+), nearest first
    spans: list[Span] = field(default_factory=list)  # when: own span (events) or its events' spans
    span_is_own: bool = False
    children_spans: list[Span] = field(default_factory=list)  # of the events that are ev:partOf it
    part_of: list[str] = field(default_factory=list)  # event IRIs of ev:partOf
    context_places: set[str] = field(default_factory=set)  # places of its events, with their chains
    company: set[str] = field(default_factory=set)  # every node of its events

    @property
    def label(self) -> str:
        return self.labels[0]


@dataclass
class Candidate:
    facts: Facts
    match: Match
    ours: str  # which of our labels matched
    raw: float = 0.0
    evidence: list[tuple[float, str]] = field(default_factory=list)

    @property
    def score(self) -> float:
        return max(0.0, min(1.0, self.raw))

    def summary(self) -> str:
        return "; ".join(f"{why} ({w:+.2f})" for w, why in self.evidence)


@dataclass
class Decision:
    node: NodeContext
    chosen: Candidate | None
    candidates: list[Candidate]
    reason: str


@dataclass
class World:
    """What the other decisions say: the links so far and the labels of the linked items."""

    links: dict[str, str] = field(default_factory=dict)  # node IRI → QID
    texts: dict[str, list[str]] = field(default_factory=dict)  # node IRI → its labels and its item's names
    labels: dict[str, str] = field(default_factory=dict)  # node IRI → our label

    def qids(self, nodes: Iterable[str], skip: str = "") -> set[str]:
        return {self.links[n] for n in nodes if n in self.links and n != skip}

    def names(self, nodes: Iterable[str]) -> list[str]:
        return [t for n in nodes for t in self.texts.get(n, [self.labels.get(n, "")]) if t]


def _mentions(text: str, names: Iterable[str]) -> str | None:
    low = f" {text.casefold()} "
    for name in sorted({n for n in names if len(n) >= 3}, key=len, reverse=True):
        if re.search(r"(?<![\w])" + re.escape(name.casefold()) + r"(?![\w])", low):
            return name
    return None


def _has_location_phrase(description: str) -> bool:
    return bool(re.search(r"\b(?:in|of)\s+(?:the\s+)?[A-Z]", description))


def weigh(node: NodeContext, cand: Candidate, world: World) -> None:
    """Fill ``cand.evidence`` and ``cand.raw``."""
    f = cand.facts
    ev: list[tuple[float, str]] = [(cand.match.weight, cand.match.describe(cand.ours))]

    # kind
    reading = read_kind(f, cand.match.text)
    allowed = COMPATIBLE[node.kind]
    strength = {"class": (0.15, -0.6), "superclass": (0.1, -0.4), "description": (0.1, -0.6),
                "label": (0.05, -0.4), "statements": (0.05, -0.3)}.get(reading.source)
    if strength:
        kinds = ", ".join(sorted(reading.kinds))
        if reading.kinds & allowed:
            ev.append((strength[0], f"a {kinds} ({reading.detail}), as an {node.kind.lower()} should be"))
        else:
            ev.append((strength[1], f"a {kinds} ({reading.detail}), not what an {node.kind.lower()} can be"))

    # a proper name against a general concept ("Union" → "trade union")
    name = f.label or cand.match.text
    if name[:1].islower() and cand.ours[:1].isupper() and cand.match.tier not in {"label"}:
        ev.append((-0.5, f"its label {name!r} is a general concept, not a name"))

    # label kind: "Idlib province" wants the governorate, bare "Idlib" the city
    if node.kind == "Place":
        ours_admin, theirs_admin = admin_word(cand.ours), admin_word(cand.match.text)
        if ours_admin:
            if theirs_admin or ADMIN in reading.kinds:
                ev.append((0.1, f"{cand.ours!r} names an administrative area, and so does the item"))
            elif cand.match.tier == "bare" or SETTLEMENT in reading.kinds:
                ev.append((-0.5, f"{cand.ours!r} names an administrative area; the item is the bare name or a settlement"))
        else:
            if cand.match.tier == "bare" or theirs_admin:
                ev.append((-0.5, f"bare {cand.ours!r} names the place itself, not the area {cand.match.text!r}"))
            elif ADMIN in reading.kinds and reading.source in {"class", "description"}:
                ev.append((-0.15, f"bare {cand.ours!r} is the settlement before the area of that name"))

    # where
    chain_qids = world.qids(node.chain)
    chain_names = [*world.names(node.chain)]
    context = node.context_places - set(node.chain) - {node.iri}
    context_qids = world.qids(context)
    context_names = world.names(context)
    located = f.located - {f.qid}
    desc = f.description or ""
    placed = False
    if located & chain_qids:
        ev.append((0.2, "lies in " + ", ".join(sorted(located & chain_qids)) + ", as our ev:locatedIn chain says"))
        placed = True
    elif located & context_qids:
        ev.append((0.1, "lies in " + ", ".join(sorted(located & context_qids)) + ", where its event takes place"))
        placed = True
    if not placed and desc:
        hit = _mentions(desc, chain_names)
        if hit:
            ev.append((0.15, f"its description names {hit!r}, which our ev:locatedIn chain reaches"))
            placed = True
        else:
            hit = _mentions(desc, context_names)
            if hit:
                ev.append((0.1, f"its description names {hit!r}, a place of its event"))
                placed = True
    if node.kind == "Place" and node.chain and not placed:
        if located and chain_qids and not (located & chain_qids):
            ev.append((-0.6, f"lies in {', '.join(sorted(located))}, outside our ev:locatedIn chain "
                             f"({', '.join(world.labels.get(p, p) for p in node.chain)})"))
        elif desc and _has_location_phrase(desc) and chain_names:
            ev.append((-0.6, f"its description {desc!r} places it outside our ev:locatedIn chain "
                             f"({', '.join(world.labels.get(p, p) for p in node.chain)})"))

    # when
    theirs, how = item_span(f, cand.match.text, event=node.kind == "Event")
    if theirs is not None:
        if node.kind == "Event" and node.spans:
            gaps = [_gap(s, theirs) for s in node.spans]
            if min(gaps) == 0:
                ev.append((0.25, f"{how} overlap our event's span"))
            elif min(gaps) > 1:
                ev.append((-0.5, f"{how} lie {min(gaps):.0f} years from our event's span"))
        elif node.kind == "Event" and node.children_spans:
            gaps = [_gap(s, theirs) for s in node.children_spans]
            if max(gaps) <= 1:
                ev.append((0.15, f"{how} cover the events that are part of it"))
            elif min(gaps) > 1:
                ev.append((-0.4, f"{how} lie {min(gaps):.0f} years from the events that are part of it"))
        elif node.kind != "Event" and node.spans and how != "the years in its label":
            gaps = [_gap(s, theirs) for s in node.spans]
            if min(gaps) <= 1:
                ev.append((0.3, f"{how} ({theirs[0]:.0f}–{'' if math.isinf(theirs[1]) else f'{theirs[1] - 1:.0f}'}) "
                                "cover the span of its event"))
            else:
                ev.append((-0.5, f"{how} lie {min(gaps):.0f} years from the span of its events"))

    # larger whole
    if node.kind == "Event" and node.part_of:
        parents = world.qids(node.part_of)
        if parents & f.part_of:
            ev.append((0.2, "part of " + ", ".join(sorted(parents & f.part_of)) + ", as our ev:partOf says"))
        else:
            hit = _mentions(desc, world.names(node.part_of)) if desc else None
            if hit:
                ev.append((0.1, f"its description names the larger conflict {hit!r}"))
            elif parents and f.part_of:
                ev.append((-0.1, "part of " + ", ".join(sorted(f.part_of)[:3]) + ", not of our ev:partOf's item"))

    # company: statements pointing at items the same article links
    others = world.qids(node.company, skip=node.iri) - world.qids(node.chain) - context_qids - world.qids(node.part_of)
    shared = (f.located | f.part_of) & others
    if shared:
        ev.append((min(0.1, 0.05 * len(shared)), "points at " + ", ".join(sorted(shared)) + ", linked in the same article"))

    cand.evidence = ev
    cand.raw = sum(w for w, _ in ev)


def is_name(label: str) -> bool:
    """A label that names something: capitalised, and not a lone generic word ("Army", "Union")."""
    words = [re.sub(r"^(?:al|el|ad|an|ar|as|ash|az|ez|d|l)[-'\u2019]", "", w) for w in label.split()]
    if not any(w[:1].isupper() or w[:1].isdigit() for w in words):
        return False
    return not (len(words) == 1 and (norm(label) in GENERIC or norm(label).rstrip("s") in GENERIC))


def decide(node: NodeContext, candidates: list[Candidate], world: World, threshold: float) -> Decision:
    """Weigh the candidates and pick one, or none with the reason."""
    if not any(is_name(label) for label in node.labels):
        return Decision(node, None, [], "a common noun, not a name: not linked")
    if not candidates:
        return Decision(node, None, [], "no item has this label or alias, or a variant of it")
    for c in candidates:
        weigh(node, c, world)
    ranked = sorted(candidates, key=lambda c: (-c.raw, c.match.weight * -1, c.facts.qid))
    best = ranked[0]
    if best.score < threshold:
        return Decision(node, None, ranked, f"best candidate {best.facts.qid} scored {best.score:.2f}, below the "
                                            f"threshold {threshold:.2f}: {best.summary()}")
    if len(ranked) > 1 and best.raw - ranked[1].raw < MARGIN:
        second = ranked[1]
        return Decision(node, None, ranked, f"ambiguous: {best.facts.qid} ({best.raw:.2f}) and {second.facts.qid} "
                                            f"({second.raw:.2f}) are equally likely")
    return Decision(node, best, ranked, "linked")
