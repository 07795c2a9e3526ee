"""Finding the date expressions of a clause (ANNOTATION.md rule C, step 1), for
:mod:`kg.extract.dates`, which resolves them and re-exports these names.

:func:`find_date_mentions` lists them in text order: explicit days ("On 4 April",
"September 1, 1939", "on the 25th"), months ("In early May", "September 1939"), years
("in 1940"), relative offsets ("three days later", "the same day", "Two days before the
battle") and vague year context ("by the end of 2013", which names a year but no date).

All regexes are linear: no nested quantifiers, bounded repetitions, and clauses are capped
at :data:`MAX_CLAUSE_CHARS` before they are searched. Each runs only where the words it
needs occur, and a text's results are kept for its next search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from kg.extract.datemain import _IN_RELATIVE_CLAUSE

MAX_CLAUSE_CHARS = 2000  # work cap per clause: real clauses are far shorter

_MONTH_NAMES = "January February March April May June July August September October November December"
MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES.split(), start=1)}
_MONTH = "(?:" + "|".join(MONTHS) + ")"
_YEAR = r"(?:1[0-9]{3}|20[0-9]{2})"
_ORD = r"(?:st|nd|rd|th)?"
_UNITS = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
         "seventeen eighteen nineteen".split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
# "the" counts one only in "the day before/after".
_WORD_NUMBERS = {"a": 1, "an": 1, "the": 1, **{w: i for i, w in enumerate(_UNITS, start=1)}, **_TENS}
_NUM = rf"(?:\d{{1,3}}|(?:{'|'.join(_TENS)})(?:-(?:{'|'.join(_UNITS[:9])}))?|an?|the|{'|'.join(_UNITS)})"
_PART = r"(?:day|morning|afternoon|evening|night)"

MentionKind = Literal["day", "ordinal", "month", "year", "relative", "context"]


@dataclass(frozen=True)
class DateMention:
    """One date expression found in a clause (character offsets into it)."""

    start: int
    end: int
    kind: MentionKind
    day: int | None = None
    last_day: int | None = None  # "6 and 7 August": the cursor ends on the 7th
    month: int | None = None
    year: int | None = None
    offset: int = 0  # for relative mentions, counted in `unit`
    unit: Literal["day", "month", "year", "same-month", "same-year"] = "day"
    anchor: Literal["cursor", "event", "reference"] = "cursor"
    reference: str | None = None  # "A week after the strike": "strike", found among earlier claims


# --- finding mentions ---------------------------------------------------------

_DAY_MONTH = re.compile(
    rf"\b(?P<d1>\d{{1,2}}){_ORD}(?:\s*(?:–|—|-|/|,|and|to|or|&)\s*(?P<d2>\d{{1,2}}){_ORD}){{0,4}}"
    rf"\s+(?:of\s+)?(?P<m>{_MONTH})\b(?:,?\s+(?P<y>{_YEAR})\b)?")
_MONTH_DAY = re.compile(
    rf"\b(?P<m>{_MONTH})\s+(?P<d1>\d{{1,2}}){_ORD}(?!\d)(?:\s*(?:–|—|-|and|to)\s*(?P<d2>\d{{1,2}}){_ORD}(?!\d))?"
    rf"(?:,?\s+(?P<y>{_YEAR})\b)?(?!\s*(?:percent|%|km|miles|metres|meters))")
_DIGIT = re.compile(r"\d")
_YEAR_DIGITS = re.compile(_YEAR)
_NAME_AROUND = re.compile(r"\b[Tt]he\s+$")
_NAME_AFTER = re.compile(r"\s+[A-Z][a-z]")
# "on the 25th": a day of the cursor's month; not "the 25th Division".
_ORDINAL = re.compile(
    r"\b(?:[Oo]n|[Bb]y|[Uu]ntil|[Ff]rom|[Oo]f)\s+the\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)\b"
    r"(?!\s*(?:[A-Z0-9]|of\b|century|anniversary|birthday|day|week|month|year|minute|hour))")
_MONTH_ALONE = re.compile(
    r"\b(?:[Ii]n|[Bb]y|[Ff]rom|[Ss]ince|[Uu]ntil|[Dd]uring|[Tt]hrough|[Oo]f|[Ee]arly|[Ll]ate|[Mm]id)(?:\s+|-)"
    r"(?:(?:the\s+)?(?:early|late|mid|end\s+of|beginning\s+of|start\s+of|middle\s+of|first\s+half\s+of|"
    rf"second\s+half\s+of)(?:\s+|-))?(?P<m>{_MONTH})\b(?!\s+\d{{1,2}}(?!\d))(?:,?\s+(?P<y>{_YEAR})\b)?")
_MONTH_YEAR = re.compile(rf"\b(?P<m>{_MONTH}),?\s+(?P<y>{_YEAR})\b")
_YEAR_ALONE = re.compile(rf"\b(?:[Ii]n|[Dd]uring)\s+(?:(?:early|mid|late)[\s-]+)?(?P<y>{_YEAR})\b(?![–-]\d)")
# A year named without a date: it sets the year for the bare days that follow.
_CONTEXT_YEAR = re.compile(
    r"\b(?:(?:the\s+)?(?:end|beginning|start|middle|summer|winter|spring|autumn|fall|first\s+half|second\s+half)"
    rf"\s+of\s+|(?:[Ss]ummer|[Ww]inter|[Ss]pring|[Aa]utumn|[Ee]arly|[Mm]id|[Ll]ate)[\s-]+)(?P<y>{_YEAR})\b")

# Relative offsets. A vague quantifier ("less than a month later") gives no date.
_VAGUE = r"(?<!less than )(?<!more than )(?<!over )(?<!within )(?<!under )"
_NUMERIC = re.compile(
    rf"\b{_VAGUE}(?P<n>{_NUM})\s+(?P<unit>days?|nights?|weeks?|months?|years?|hours?|minutes?)"
    r"\s+(?P<dir>later|earlier|afterwards?|after|before)\b"
    r"(?P<ref>\s+(?:the|its|their|his|her)\s+[a-z][\w-]*(?:\s+of\s+the\s+[a-z][\w-]*)?)?", re.I)
# Each relative pattern with the words it cannot match without: one of each of its two groups
# must occur in the folded clause (see folded). Most clauses lack them, and the regex never runs.
_PARTS = ("day", "morning", "afternoon", "evening", "night")
_NEXT = ("next", "following")
_PREVIOUS = ("previous", "preceding")
_Needs = tuple[frozenset[str], frozenset[str]]
_FIXED: tuple[tuple[re.Pattern[str], int, str, _Needs], ...] = tuple(
    (re.compile(pattern, re.I), offset, unit, (frozenset(needs[0]), frozenset(needs[1])))
    for pattern, offset, unit, needs in (
        (rf"\b(?:early\s+)?(?:on\s+)?(?:the\s+)?(?:next|following)\s+{_PART}\b", 1, "day", (_NEXT, _PARTS)),
        (rf"\b(?:on\s+)?the\s+(?:same|very\s+same)\s+{_PART}\b", 0, "day", (("same",), _PARTS)),
        (rf"\b(?:later|earlier)\s+(?:that|the\s+same|in\s+the)\s+(?:same\s+)?{_PART}\b", 0, "day",
         (("later", "earlier"), _PARTS)),
        (rf"\bthat\s+(?:same\s+)?{_PART}\b", 0, "day", (("that",), _PARTS)),
        (rf"\b(?:on\s+)?the\s+(?:previous|preceding)\s+{_PART}\b", -1, "day", (_PREVIOUS, _PARTS)),
        # "over the following week" is a duration, not a day
        (r"(?<!over )(?<!during )(?<!within )(?<!throughout )(?<!in )(?<!the )\b(?:the\s+)?(?:next|following)\s+week\b",
         7, "day", (_NEXT, ("week",))),
        (r"\bthe\s+(?:previous|preceding)\s+week\b", -7, "day", (_PREVIOUS, ("week",))),
        (rf"\b(?:{_VAGUE}(?:about|some|around|nearly|almost|roughly|just|only)\s+)?(?:{_NUM}|several|a\s+few)?"
         r"\s*(?:hours?|minutes?)\s+later\b", 0, "day", (("hour", "minute"), ("later",))),
        (r"\b(?:later|earlier)\s+that\s+month\b|\b(?:that|the\s+same)\s+month\b", 0, "same-month",
         (("month",), ("that", "same"))),
        (r"\bthe\s+(?:next|following)\s+month\b", 1, "month", (_NEXT, ("month",))),
        (r"\b(?:later|earlier)\s+that\s+year\b|\b(?:that|the\s+same)\s+year\b", 0, "same-year",
         (("year",), ("that", "same"))),
        (r"\bthe\s+(?:next|following)\s+year\b", 1, "year", (_NEXT, ("year",))),
    )
)
_NUMERIC_NEEDS = (frozenset({"day", "night", "week", "month", "year", "hour", "minute"}),
                  frozenset({"later", "earlier", "after", "before"}))
_EVENT_DAY_NEEDS = (frozenset({"on"}), frozenset({*_PARTS, "eve"}))
_KEYWORDS = tuple(sorted({word for _, _, _, needs in _FIXED for group in needs for word in group}
                         | {word for group in (*_NUMERIC_NEEDS, *_EVENT_DAY_NEEDS) for word in group}))
# Case-insensitive matching also maps these letters onto ASCII ones ("ſ" matches "s").
_FOLD = str.maketrans({"İ": "i", "ı": "i", "ſ": "s", "\u212a": "k"})


def folded(text: str) -> str:
    """The text lowercased so that a word a re.I pattern matches is a substring of it."""
    if not text.isascii() and any(c in text for c in "İıſ\u212a"):
        text = text.translate(_FOLD)
    return text.lower()


def gated_search(rx: re.Pattern[str], words: tuple[str, ...], text: str, low: str | None = None) -> re.Match[str] | None:
    """``rx.search(text)``, skipped where none of ``words`` (lowercase) occurs in the text:
    a case-insensitive pattern that cannot match without one of them is slow to scan, and
    most clauses have none. ``low``: the text already :func:`folded`, when the caller has it.
    """
    low = folded(text) if low is None else low
    return rx.search(text) if any(word in low for word in words) else None


def _has_all(present: set[str], needs: _Needs) -> bool:
    return not (present.isdisjoint(needs[0]) or present.isdisjoint(needs[1]))


# "On election night", "on the eve of the battle": counted from the event itself.
_EVENT_DAY = re.compile(
    rf"\b[Oo]n\s+(?:the\s+)?(?P<noun>[a-z]+)\s+(?P<part>{_PART}|eve)\b|"
    rf"\b[Oo]n\s+the\s+(?P<part2>{_PART}|eve)\s+of\s+the\s+(?P<noun2>[a-z]+)\b")


def find_date_mentions(text: str, event_head: str | None = None) -> list[DateMention]:
    """Every date expression of a clause, in text order, overlaps and parentheses dropped."""
    return list(_mentions(text[:MAX_CLAUSE_CHARS], event_head))


# A clause is searched about three times (for its date, its subject and the date before its
# subject), often with the same text: the results, immutable, are kept for the next call.
@lru_cache(maxsize=4096)
def _mentions(text: str, event_head: str | None) -> tuple[DateMention, ...]:
    found = [*_explicit_mentions(text), *_relative_mentions(text, event_head)]
    if not found:
        return ()
    if "(" in text:
        hidden = parenthesised_spans(text)
        found = [m for m in found if not any(a < m.start < b for a, b in hidden)]
    # Earliest first; at one start the longer wins, so "19 July 2012" beats "July 2012".
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[DateMention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return tuple(kept)


@lru_cache(maxsize=4096)
def _explicit_mentions(text: str) -> tuple[DateMention, ...]:
    """Days, months, years and year context named in the text; kept, as they do not depend
    on the event head that _mentions is called with."""
    return tuple(_find_explicit(text))


def _find_explicit(text: str) -> list[DateMention]:
    """The mentions of _explicit_mentions, in the order of its patterns."""
    out: list[DateMention] = []
    # Cheap tests first: each pattern runs only if the text has the month name (written
    # capitalised), the digit or the year it needs.
    month = any(name in text for name in MONTHS)
    digit = _DIGIT.search(text) is not None
    year = digit and _YEAR_DIGITS.search(text) is not None
    for rx in (_DAY_MONTH, _MONTH_DAY) if month and digit else ():
        for m in rx.finditer(text):
            if _NAME_AROUND.search(text, max(0, m.start() - 4), m.start()) and _NAME_AFTER.match(text, m.end()):
                continue  # "the March 23 Movement", "the 6 October Bridge": a name, not a date
            out.append(DateMention(m.start(), m.end(), "day", day=int(m["d1"]),
                                   last_day=int(m["d2"]) if m["d2"] else None,
                                   month=MONTHS[m["m"]], year=int(m["y"]) if m["y"] else None))
    for m in _ORDINAL.finditer(text) if digit else ():
        out.append(DateMention(m.start(), m.end(), "ordinal", day=int(m["d1"])))
    for rx in ((_MONTH_ALONE, _MONTH_YEAR) if year else (_MONTH_ALONE,)) if month else ():
        for m in rx.finditer(text):
            out.append(DateMention(m.start(), m.end(), "month", month=MONTHS[m["m"]],
                                   year=int(m["y"]) if m["y"] else None))
    for m in _YEAR_ALONE.finditer(text) if year else ():
        if not _IN_RELATIVE_CLAUSE.search(text, max(0, m.start() - 80), m.start()):
            out.append(DateMention(m.start(), m.end(), "year", year=int(m["y"])))
    for m in _CONTEXT_YEAR.finditer(text) if year else ():
        out.append(DateMention(m.start(), m.end(), "context", year=int(m["y"])))
    return out


def _relative_mentions(text: str, event_head: str | None) -> list[DateMention]:
    """Offsets from the cursor, or from the event where the text names it."""
    out: list[DateMention] = []
    low = folded(text)
    present = {word for word in _KEYWORDS if word in low}
    for m in _NUMERIC.finditer(text) if _has_all(present, _NUMERIC_NEEDS) else ():
        word, unit = m["n"].lower(), m["unit"].lower().rstrip("s")
        if word == "the" and unit not in ("day", "night"):
            continue  # "the week before" is a period, not an offset
        n = int(word) if word.isdigit() else _word_number(word)
        if n is None:
            continue
        direction = -1 if m["dir"].lower() in ("earlier", "before") else 1
        anchor: Literal["cursor", "event", "reference"] = "cursor"
        reference = None
        if _names_event(m["ref"], event_head):
            anchor = "event"
        elif m["ref"] and m["dir"].lower() in ("after", "before"):
            anchor, reference = "reference", m["ref"].split()[1].lower()  # "after the strike (of ...)"
        if unit in ("hour", "minute"):
            out.append(DateMention(m.start(), m.end(), "relative", offset=0, anchor=anchor, reference=reference))
        elif unit in ("day", "night", "week"):
            days = n * (7 if unit == "week" else 1) * direction
            out.append(DateMention(m.start(), m.end(), "relative", offset=days, anchor=anchor, reference=reference))
        else:
            out.append(DateMention(m.start(), m.end(), "relative", offset=n * direction,
                                   unit="month" if unit == "month" else "year", anchor=anchor, reference=reference))
    for rx, offset, unit, needs in _FIXED:
        if not _has_all(present, needs):
            continue
        for m in rx.finditer(text):
            out.append(DateMention(m.start(), m.end(), "relative", offset=offset, unit=unit))  # type: ignore[arg-type]
    for m in _EVENT_DAY.finditer(text) if event_head and _has_all(present, _EVENT_DAY_NEEDS) else ():
        noun, part = (m["noun"], m["part"]) if m["noun"] else (m["noun2"], m["part2"])
        if _names_event(noun, event_head):
            out.append(DateMention(m.start(), m.end(), "relative", offset=-1 if part == "eve" else 0, anchor="event"))
    return out


def _word_number(word: str) -> int | None:
    """'twenty-one' → 21, 'three' → 3."""
    head, _, tail = word.partition("-")
    if head not in _WORD_NUMBERS:
        return None
    return _WORD_NUMBERS[head] + (_WORD_NUMBERS.get(tail, 0) if tail else 0)


def _names_event(ref: str | None, event_head: str | None) -> bool:
    """Whether "the battle" / "election" names the article's own event."""
    if not ref or not event_head:
        return False
    words = ref.split()
    noun = words[1] if len(words) > 1 and words[0] in ("the", "its", "their", "his", "her") else words[0]
    return noun.lower().rstrip("s") == event_head.rstrip("s")


def event_head(label: str) -> str | None:
    """The event's head noun: 'Battle of Waterloo' → 'battle', '2014 Idlib offensive' → 'offensive'."""
    label = re.sub(r"\s*\(.*?\)\s*", " ", label).strip()
    head = label.split(" of ", 1)[0] if " of " in label else label
    words = head.split()
    return words[-1].lower() if words else None


_ROUND = re.compile(r"[()]")


def parenthesised_spans(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of balanced round brackets, at most 500 characters apart."""
    spans, stack = [], []
    for m in _ROUND.finditer(text):
        i, ch = m.start(), m.group()
        if ch == "(":
            stack.append(i)
        elif stack:
            start = stack.pop()
            if i - start <= 500:
                spans.append((start, i))
    return spans
