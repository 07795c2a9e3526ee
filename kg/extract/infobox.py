"""The event from the front matter (the flattened infobox).

``tags`` holds, in order: the event's own name, the larger conflict it is part
of, one entry per side (a group per line, ``* `` marking a unit of the group
above it), then category names. The boundary between the sides and the
categories is not marked, so it is found by what categories look like.
"""

from __future__ import annotations

import re
from collections.abc import Container

from kg.extract.countries import COUNTRIES
from kg.extract.names import CONNECTORS, AnyOf, clean_name, split_glued, split_place, strip_article
from kg.extract.span import parse_span
from kg.model import Article, EventRecord, Gazetteer, Span

_UNIT = re.compile(r"^\s*[*•]\s*")
# A category reads "Military operations of ...", "Conflicts in 1862", "Urban warfare":
# a lowercase word that is not a connector, or a plural noun followed by a preposition.
_CATEGORY_WORD = re.compile(r"^[a-z][a-z'’]+$")
_PARTICLE = re.compile(r"^(?:al|el|ad|ag|ar|as|ash|at|az|ez|an|ed|es|et|ul)-", re.I)
_PREPOSITIONS = frozenset("of in involving by during between on at from".split())
_WORD = re.compile(r"[\w'’\-]+")
_LIST_TITLE = re.compile(r"^(?:History|List|Timeline|Index) of\b")
_NOW = re.compile(r"\(\s*now\s+([^)]+)\)", re.I)  # "Königsberg (now Kaliningrad)"
_BRACKETS = re.compile(r"\([^)]*\)")


def extract_event(article: Article, gazetteer: Gazetteer) -> EventRecord:
    """The event the article is about, from its front matter."""
    label = clean_name(article.subject)
    tags = [t for t in article.tags if t.strip()]
    part_of, side_tags, categories = _divide_tags(label, tags)
    known, place_known = _known(gazetteer)
    sides, units = _sides(side_tags, known)
    places, located_in = _places(article.places, place_known)
    return EventRecord(
        label=label,
        summary=article.short_description,
        description=article.description,
        span=_span(article.dates),
        places=places,
        located_in=located_in,
        part_of=part_of,
        sides=sides,
        units=units,
        categories=categories,
    )


def _known(gazetteer: Gazetteer) -> tuple[AnyOf, AnyOf]:
    """The names that justify a split: views of the gazetteer's sets (a union of them was
    once made per article, and the build grew as N²; then once per process, 40 MB at 100 000)."""
    return AnyOf(gazetteer.agents, gazetteer.places, gazetteer.events, COUNTRIES), AnyOf(gazetteer.places, gazetteer.agents)


def is_category(tag: str, label: str) -> bool:
    """Whether a single-line tag names a category rather than a belligerent."""
    text = clean_name(tag)
    if not text or "\n" in tag.strip():
        return False
    if text.casefold() == label.casefold() or text[0].isdigit():
        return True
    words = _WORD.findall(text)
    if any(_CATEGORY_WORD.match(w) and w not in CONNECTORS and not _PARTICLE.match(w) for w in words):
        return True
    if len(words) >= 2 and words[0].endswith("s") and words[1].lower() in _PREPOSITIONS:
        return True  # "Battles of the Napoleonic Wars"
    return bool(_LIST_TITLE.match(text))


def _divide_tags(label: str, tags: list[str]) -> tuple[str | None, list[str], tuple[str, ...]]:
    """Split tags into (part_of, side tags, categories)."""
    rest = tags[1:] if tags and clean_name(tags[0]).casefold() == label.casefold() else list(tags)
    part_of: str | None = None
    if rest and "\n" not in rest[0].strip():
        first = clean_name(rest[0])
        has_sides = len(rest) > 1 and not is_category(rest[1], label)
        if first.lower().startswith("the ") or (has_sides and not is_category(first, label)):
            part_of = strip_article(first)
            rest = rest[1:]
        elif has_sides and first and not first[0].isdigit():
            part_of = strip_article(first)
            rest = rest[1:]
    sides: list[str] = []
    while rest and not is_category(rest[0], label):
        sides.append(rest.pop(0))
    categories = tuple(dict.fromkeys(c for c in (clean_name(t) for t in rest) if c))
    return part_of, sides, categories


def _sides(side_tags: list[str], known: Container[str]) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, str], ...]]:
    sides: list[tuple[str, ...]] = []
    units: list[tuple[str, str]] = []
    for tag in side_tags:
        members: list[str] = []
        for raw in tag.split("\n"):
            is_unit = bool(_UNIT.match(raw))
            name = clean_name(_UNIT.sub("", raw))
            if not name:
                continue
            names = split_glued(name, known)
            if is_unit and members:
                units.extend((n, members[-1]) for n in names)
            else:
                members.extend(names)
        if members:
            sides.append(tuple(dict.fromkeys(members)))
    return tuple(sides), tuple(dict.fromkeys(units))


def _places(entries: tuple[str, ...], known: Container[str]) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    places: list[str] = []
    located_in: list[tuple[str, str]] = []
    for entry in entries:
        now = _NOW.findall(entry)
        entry = _BRACKETS.sub(" ", entry)
        chain = split_place(entry, known)
        if not chain:
            continue
        places.append(chain[0])
        located_in.extend(zip(chain, chain[1:]))
        located_in.extend((chain[0], clean_name(n)) for n in now if clean_name(n))
    return tuple(dict.fromkeys(places)), tuple(dict.fromkeys(located_in))


def _span(dates: tuple[str, ...]) -> Span | None:
    spans = [s for s in (parse_span(d) for d in dates) if s is not None]
    if not spans:
        return None
    if len(spans) == 1:
        return spans[0]
    starts = [s.start for s in spans if s.start]
    ends = [s.end for s in spans if s.end]
    ongoing = any(s.ongoing for s in spans)
    return Span(min(starts, key=lambda d: d.iso) if starts else None,
                None if ongoing or not ends else max(ends, key=lambda d: d.iso), ongoing)
