"""The records that pass between the stages of the flow.

Every record is a frozen dataclass of plain Python values: no rdflib, no I/O.
``read`` produces an :class:`Article`; ``extract`` turns it into an
:class:`Extraction`; ``map`` turns that into quads. Because the records are
plain data, extraction can be compared with the gold JSON of
``docs/ANNOTATION.md`` before any RDF exists (:meth:`Extraction.to_gold`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Precision = Literal["day", "month", "year"]
DateKind = Literal["explicit", "relative", "inherited", "none"]
Stance = Literal["asserted", "reported", "claimed", "denied"]
Qualifier = Literal["exact", "at least", "about", "tens", "dozens", "several"]
CasualtyKind = Literal["killed", "wounded", "killed and wounded", "captured", "missing"]


# --- read -------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of an article's body, as written (line breaks joined)."""

    text: str
    line: int  # 1-based line in the file where the paragraph starts


@dataclass(frozen=True)
class Image:
    caption: str
    url: str
    line: int


@dataclass(frozen=True)
class Section:
    """A ``##`` section: its heading and its paragraphs (image lines apart)."""

    title: str
    line: int
    paragraphs: tuple[Paragraph, ...]
    images: tuple[Image, ...] = ()


@dataclass(frozen=True)
class Article:
    """One article file, read and checked, not yet interpreted."""

    path: str  # the path it was read from
    file: str  # its file name, e.g. "2014_Idlib_offensive.md"
    sha256: str  # hash of the file's bytes: the key of incremental builds
    subject: str
    short_description: str | None = None
    description: str | None = None
    author: str | None = None
    pub_date: str | None = None  # as written: "2023-07-31 05:07"
    img: str | None = None
    tags: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    lead: tuple[Paragraph, ...] = ()  # paragraphs before the first "##"
    sections: tuple[Section, ...] = ()  # narrative sections, References excluded

    @property
    def stem(self) -> str:
        return self.file.rsplit(".", 1)[0]


# --- extract ----------------------------------------------------------------


@dataclass(frozen=True)
class DateValue:
    """A calendar date at the precision the text gives.

    ``iso`` is ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` to match ``precision``.
    """

    iso: str
    precision: Precision = "day"

    def __str__(self) -> str:
        return self.iso


@dataclass(frozen=True)
class Span:
    """An event's span; ``end`` is None while the event is ongoing."""

    start: DateValue | None
    end: DateValue | None
    ongoing: bool = False


@dataclass(frozen=True)
class SourceRecord:
    """Whom a claim is attributed to: a name as written, titles dropped."""

    name: str
    role: str | None = None  # "head of Idlib's rebel Military Council"


@dataclass(frozen=True)
class CasualtyRecord:
    count: int | None
    qualifier: Qualifier
    kind: CasualtyKind
    who: str


@dataclass(frozen=True)
class ClaimRecord:
    """One clause of the narrative, with what the rules found in it."""

    position: int  # 0-based order among the article's claims
    text: str
    section: str
    date: DateValue | None = None
    date_kind: DateKind = "none"
    sources: tuple[SourceRecord, ...] = ()
    stance: Stance = "asserted"
    places: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    casualties: tuple[CasualtyRecord, ...] = ()
    disputes: tuple[int, ...] = ()  # positions of the claims this one denies


@dataclass(frozen=True)
class EventRecord:
    """What the front matter (the infobox) says about the event."""

    label: str
    summary: str | None = None  # shortDescription
    description: str | None = None
    span: Span | None = None
    places: tuple[str, ...] = ()
    located_in: tuple[tuple[str, str], ...] = ()
    part_of: str | None = None
    sides: tuple[tuple[str, ...], ...] = ()
    units: tuple[tuple[str, str], ...] = ()  # (unit, parent)
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one article."""

    article: Article
    event: EventRecord
    claims: tuple[ClaimRecord, ...] = field(default=())

    def to_gold(self) -> dict[str, Any]:
        """The extraction in the gold JSON shape of docs/ANNOTATION.md."""
        ev = self.event
        span = ev.span
        return {
            "article": self.article.file,
            "event": {
                "label": ev.label,
                "start": span.start.iso if span and span.start else None,
                "end": span.end.iso if span and span.end else None,
                "places": list(ev.places),
                "located_in": [list(p) for p in ev.located_in],
                "part_of": ev.part_of,
                "sides": [list(s) for s in ev.sides],
                "units": [list(u) for u in ev.units],
                "categories": list(ev.categories),
            },
            "claims": [
                {
                    "text": c.text,
                    "section": c.section,
                    "date": c.date.iso if c.date else None,
                    "date_kind": c.date_kind,
                    "sources": [s.name for s in c.sources],
                    "stance": c.stance,
                    "places": list(c.places),
                    "actors": list(c.actors),
                    "casualties": [
                        {"count": x.count, "qualifier": x.qualifier, "kind": x.kind, "who": x.who}
                        for x in c.casualties
                    ],
                    "disputes": c.disputes[0] if c.disputes else None,
                }
                for c in self.claims
            ],
        }


@dataclass(frozen=True)
class Gazetteer:
    """Names known across the whole build, from every article's infobox.

    Extraction of one article uses what the others know: a name that stands
    alone on a line elsewhere splits a line where two names were glued, and a
    place named in one infobox is recognised in another's narrative.
    """

    agents: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()
