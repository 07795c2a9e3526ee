"""The event's span from the front matter's ``date``: English dates and ranges.

Forms of the genre: "5 March – 25 May 2014", "12–16 July 2015", "June 1944",
"1–3 July 1863", "19 July 2012 – 22 December 2016", "March 2011 – present",
"September 1, 1939 – September 2, 1945", "1939–1945", "22 September 2002".
A part that names no year takes it from the other end of the range.
"""

from __future__ import annotations

import re

from kg.model import DateValue, Span

MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
# One end of a range: day month [year], month day[,] [year], month [year], year.
_END = re.compile(
    rf"^(?:(?P<d1>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH})"
    rf"|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?,?"
    rf"|(?P<m3>{_MONTH})"
    rf"|(?P<d3>\d{{1,2}})(?!\d),?)?\s*(?P<y>\d{{3,4}})?(?:\s*(?P<era>AD|CE|BC|BCE))?$",
    re.I,
)
_DASH = re.compile(r"\s*(?:–|—|-|−|\bto\b|\buntil\b)\s*")
_ONGOING = re.compile(r"^(?:present|ongoing|now|today)$", re.I)
_SPACES = re.compile(r"\s+")
_DAY_RANGE = re.compile(r"\d{1,2}\s*-\s*\d{1,2}")  # "12-16" alone is not split at its dash
_NOISE = re.compile(r"\([^)]*\)|\[[^\]]*\]|\b(?:c|ca|circa)\.\s*|^(?:from|between|on|in)\s+", re.I)


def parse_span(text: str) -> Span | None:
    """Parse an infobox date or range; None when it is not a date we can read."""
    text = _NOISE.sub(" ", text).strip().rstrip(".,;")
    text = _SPACES.sub(" ", text)
    if not text:
        return None
    parts = _DASH.split(text, maxsplit=1) if not _DAY_RANGE.fullmatch(text) else [text]
    if len(parts) == 1:
        end = _parse_end(parts[0])
        if end is None or end.get("y") is None:
            return None
        value = _value(end, end["y"])
        return Span(value, value) if value else None
    left, right = parts
    if _ONGOING.match(right.strip()):
        start_end = _parse_end(left)
        if not start_end or start_end.get("y") is None:
            return None
        return Span(_value(start_end, start_end["y"]), None, ongoing=True)
    a, b = _parse_end(left), _parse_end(right)
    if a is None or b is None:
        return None
    year_b = b.get("y") if b.get("y") is not None else a.get("y")
    if year_b is None:
        return None
    if b.get("month") is None and b.get("day") is not None:  # "12–16 July": month at the left? no: "July 12–16"
        b["month"] = a.get("month")
    if a.get("month") is None and a.get("day") is not None:  # "12–16 July 2015": left is a bare day
        a["month"] = b.get("month")
    year_a = a.get("y") if a.get("y") is not None else year_b
    start, end = _value(a, year_a), _value(b, year_b)
    if start and end and a.get("y") is None and start.iso > end.iso:
        # "5 November – 2 February 1943": the left end lies in the year before
        start = _value(a, year_b - 1)
    return Span(start, end)


def _parse_end(text: str) -> dict[str, int | None] | None:
    m = _END.match(text.strip())
    if not m or not any(m.group(g) for g in ("d1", "m1", "m2", "m3", "d3", "y")):
        return None
    month_name = m.group("m1") or m.group("m2") or m.group("m3")
    day = m.group("d1") or m.group("d2") or m.group("d3")
    year = int(m.group("y")) if m.group("y") else None
    if year is not None and m.group("era") and m.group("era").upper().startswith("B"):
        return None  # xsd dates before year 1 are a trap; leave BC spans undated
    return {
        "day": int(day) if day else None,
        "month": MONTHS[month_name.lower().rstrip(".")] if month_name else None,
        "y": year,
    }


def _value(part: dict[str, int | None], year: int | None) -> DateValue | None:
    if year is None:
        return None
    month, day = part.get("month"), part.get("day")
    if month is None:
        return DateValue(f"{year:04d}", "year")
    if day is None:
        return DateValue(f"{year:04d}-{month:02d}", "month")
    if not 1 <= day <= _days_in(year, month):
        return DateValue(f"{year:04d}-{month:02d}", "month")
    return DateValue(f"{year:04d}-{month:02d}-{day:02d}", "day")


def _days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31
