"""Claim dates (ANNOTATION.md rule C): find a clause's date expressions and resolve
them against a date cursor that runs through the whole article.

Three steps, each a small pure function:

1. :func:`find_date_mentions` (:mod:`kg.extract.datefind`, re-exported here) lists
   the date expressions of a clause in text order:
   explicit days ("On 4 April", "September 1, 1939", "on the 25th"), months ("In
   early May", "September 1939"), years ("in 1940"), relative offsets ("three days
   later", "the same day", "Two days before the battle") and vague year context
   ("by the end of 2013", which names a year but no date).
2. :func:`resolve_mention` turns one mention into a :class:`~kg.model.DateValue`
   given the cursor, and moves the cursor.
3. :func:`date_clause` picks the clause's own date (its first *main* happening's)
   and says how it was found: explicit, relative, inherited or none.

All regexes are linear: no nested quantifiers, bounded repetitions, and clauses
are capped at :data:`MAX_CLAUSE_CHARS` before they are searched.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from kg.extract.datefind import (
    _YEAR,
    MAX_CLAUSE_CHARS,
    MONTHS,
    DateMention,
    event_head,
    find_date_mentions,
    folded,
    parenthesised_spans,
)
from kg.extract.datemain import in_modifier, in_relative_clause, is_secondary
from kg.model import DateKind, DateValue, Span

# re-exported: they were defined here
__all__ = ["MAX_CLAUSE_CHARS", "MONTHS", "DateMention", "event_head", "find_date_mentions", "folded", "in_modifier",
           "in_relative_clause", "is_secondary", "parenthesised_spans"]


# Finds the date of the latest earlier claim that names a happening ("strike" → 17 March).
Lookup = Callable[[str], "DateValue | None"]


@dataclass(frozen=True)
class DateCursor:
    """The last date the text reached, plus the year/month context for bare days."""

    date: DateValue | None = None
    year: int | None = None
    month: int | None = None  # None after a bare year: no rollover reference


# --- 2. resolving a mention ---------------------------------------------------

def span_years(span: Span | None, label: str = "") -> tuple[int | None, int | None]:
    """First and last year of the event's span (else a year in its label)."""
    first = int(span.start.iso[:4]) if span and span.start else None
    last = int(span.end.iso[:4]) if span and span.end else None
    if first is None:
        m = re.search(rf"\b{_YEAR}\b", label)
        first = last or (int(m.group()) if m else None)
    return first, last if last is not None else first


def infer_year(month: int, day: int, cursor: DateCursor, span: Span | None, label: str = "") -> int | None:
    """The year of a date written without one: the cursor's, rolling forward past December."""
    if cursor.year is not None:
        # Going back three months or more is read as the next year (Dec → Jan);
        # a shorter step back is a flashback within the same year.
        if cursor.month is not None and cursor.month - month >= 3:
            return cursor.year + 1
        return cursor.year
    first, last = span_years(span, label)
    if first is None:
        return None
    # The first date of the article: the span's first year, unless that would put it more
    # than half a year before the span while a later year of the span fits ("On 10 January"
    # in a battle from August 1942 to February 1943). Background flashbacks are shorter.
    start = _span_start(span)
    for year in range(first, (last or first) + 1):
        if start is None or _safe_date(year, month, day) >= start - dt.timedelta(days=183):
            return year
    return first


def _span_start(span: Span | None) -> dt.date | None:
    if not span or not span.start:
        return None
    parts = [int(p) for p in span.start.iso.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _safe_date(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _day_value(year: int, month: int, day: int) -> DateValue | None:
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return DateValue(f"{year:04d}-{month:02d}-{day:02d}", "day")


def _parse(value: DateValue) -> tuple[int, int | None, int | None]:
    parts = [int(p) for p in value.iso.split("-")]
    return parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None


def shift_date(base: DateValue, offset: int, unit: str) -> DateValue | None:
    """base moved by offset days/months/years, at a precision the base can carry."""
    year, month, day = _parse(base)
    if unit == "same-year":
        return DateValue(f"{year:04d}", "year")
    if unit == "year":
        return DateValue(f"{year + offset:04d}", "year")
    if month is None:
        return None
    if unit == "same-month":
        return DateValue(f"{year:04d}-{month:02d}", "month")
    if unit == "month":
        total = year * 12 + month - 1 + offset
        return DateValue(f"{total // 12:04d}-{total % 12 + 1:02d}", "month")
    if day is None:
        return base if offset == 0 else None
    moved = dt.date(year, month, day) + dt.timedelta(days=offset)
    return DateValue(moved.isoformat(), "day")


def resolve_mention(m: DateMention, cursor: DateCursor, span: Span | None, label: str = "",
                    lookup: Lookup | None = None) -> tuple[DateValue | None, DateCursor]:
    """The date a mention names, and the cursor after it; `lookup` finds the date of a
    happening the text names ("after the strike"), else the event's start is the base."""
    value: DateValue | None = None
    end_value: DateValue | None = None
    if m.kind == "context":
        return None, replace(cursor, year=m.year, month=None)
    if m.kind == "year" and m.year:
        value = DateValue(f"{m.year:04d}", "year")
    elif m.kind in ("day", "month") and m.month:
        year = m.year or infer_year(m.month, m.day or 1, cursor, span, label)
        if year is not None and m.kind == "month":
            value = DateValue(f"{year:04d}-{m.month:02d}", "month")
        elif year is not None and m.day:
            value = _day_value(year, m.month, m.day)
            end_value = _day_value(year, m.month, m.last_day) if m.last_day else None
    elif m.kind == "ordinal" and cursor.date and m.day:
        year, month, _ = _parse(cursor.date)
        value = _day_value(year, month, m.day) if month else None
    elif m.kind == "relative":
        if m.anchor == "reference" and lookup is not None:
            base = (lookup(m.reference) if m.reference else None) or _event_date(span)
        elif m.anchor == "reference":
            base = cursor.date  # no claims to search: the last date reached is the best guess
        else:
            base = _event_date(span) if m.anchor == "event" else cursor.date
        value = shift_date(base, m.offset, m.unit) if base else None
    if value is None:
        return None, cursor
    return value, _cursor_at(end_value or value)


def _event_date(span: Span | None) -> DateValue | None:
    return span.start if span and span.start else None


def _cursor_at(value: DateValue) -> DateCursor:
    year, month, _ = _parse(value)
    return DateCursor(date=value, year=year, month=month)


# --- 3. the clause's own date ---------------------------------------------------

@dataclass(frozen=True)
class ClauseDate:
    """What rule C gives one clause, and the cursor it leaves behind."""

    date: DateValue | None
    kind: DateKind
    cursor: DateCursor
    reached: bool  # whether the clause reached any date (so later clauses may inherit)


def date_clause(text: str, cursor: DateCursor, paragraph_dated: bool, span: Span | None,
                label: str = "", lookup: Lookup | None = None) -> ClauseDate:
    """A clause's date and its kind; the cursor after every date the clause reaches."""
    mentions = find_date_mentions(text, event_head(label))
    before = cursor
    own: DateValue | None = None
    kind: DateKind = "none"
    reached = return_none = seen = False
    for mention in mentions:
        value, cursor = resolve_mention(mention, cursor, span, label, lookup)  # every date moves the cursor
        reached = reached or value is not None
        if seen or in_relative_clause(text, mention.start):
            continue
        seen = True  # the first date outside relative clauses is the only candidate
        if is_secondary(text, mention.start) or in_modifier(text, mention.start):
            continue  # it dates a later happening: the first one has no date of its own
        if value is None:
            # Its own time is vague ("In the summer of 2017") or cannot be resolved: no date,
            # and never the paragraph's date instead.
            return_none = True
        else:
            own, kind = value, "relative" if mention.kind == "relative" else "explicit"
    if own is None and paragraph_dated and before.date is not None and not return_none:
        return ClauseDate(before.date, "inherited", cursor, reached)
    return ClauseDate(own, kind, cursor, reached)
