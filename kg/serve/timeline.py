"""The timeline of an event's claims, as an SVG drawn on the server (works without JS, prints).

One mark per dated claim along the event's span: a dot for a day, a dot on a bar
covering the month or year for coarser dates; claims dated before or after the
span (background, aftermath) sit in compressed side panels when they are far away.
Colour is the claim's stance; a dot's area grows with the casualty count it
reports (vague figures get a fixed small dashed ring); an arc joins a disputing
claim to the claim it disputes. Marks never overlap (a beeswarm stacked above the
axis), ticks fall on days, months or years whichever keeps labels apart, and the
SVG carries ``role="img"``, a ``<title>`` and ``<desc>``, and a ``<title>`` per
mark; the page's claims table is its accessible equivalent.

Every text that comes from the graph goes through :func:`html.escape`.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

WIDTH = 960
MARGIN = 24
AXIS_GAP = 6
STANCES: tuple[tuple[str, str, str], ...] = (  # name, colour (Okabe-Ito, colour-blind safe), legend text
    ("Asserted", "#0072B2", "asserted by the article"),
    ("Reported", "#009E73", "reported"),
    ("Claimed", "#E69F00", "claimed by a party"),
    ("Denied", "#D55E00", "denied"),
)
COLOURS = {name: colour for name, colour, _ in STANCES}
OTHER_COLOUR = "#666666"
R_PLAIN, R_VAGUE, R_MIN, R_MAX = 5.0, 7.0, 6.0, 24.0
_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:Z|[+-]\d{2}:\d{2})?$")
_MONTHS = [calendar.month_abbr[m] for m in range(13)]


@dataclass(frozen=True)
class Figure:
    """One casualty figure of a claim."""

    count: int | None  # None: vague ("dozens", "several")
    kind: str  # Killed, Wounded, KilledAndWounded, Captured, Missing
    qualifier: str  # Exact, AtLeast, About, Tens, Dozens, Several
    who: str | None = None

    def text(self) -> str:
        """``at least 18 killed (regular soldiers)``."""
        amount = {"AtLeast": "at least ", "About": "about "}.get(self.qualifier, "") + str(self.count) \
            if self.count is not None else self.qualifier.lower()
        kind = {"KilledAndWounded": "killed or wounded"}.get(self.kind, self.kind.lower())
        return f"{amount} {kind}" + (f" ({self.who})" if self.who else "")


@dataclass(frozen=True)
class ClaimView:
    """What the pages and the timeline show of one claim."""

    iri: str
    position: int
    text: str
    stance: str  # local name: Asserted, Reported, Claimed, Denied
    date: str | None = None  # lexical form: 2014-03-25, 2014-03, 2014
    date_kind: str | None = None  # Explicit, Relative, Inherited
    section: str | None = None
    source: str | None = None
    source_iri: str | None = None
    figures: tuple[Figure, ...] = ()
    disputes: tuple[str, ...] = ()  # IRIs of the claims this one disputes
    disputed_by: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        """The id of its row in the claims table."""
        return f"claim-{self.position}"


@dataclass(frozen=True)
class DateSpan:
    """A date of day, month or year precision, as the days it covers [first, last]."""

    first: date
    last: date
    precision: str  # day | month | year

    @property
    def mid(self) -> float:
        """The middle of the span, in ordinal days (a day's mark sits at its noon)."""
        return (self.first.toordinal() + self.last.toordinal() + 1) / 2


def parse_date(lexical: str | None) -> DateSpan | None:
    """``2014-03-25`` / ``2014-03`` / ``2014`` (xsd:date, gYearMonth, gYear) → the days it covers; None if unusable."""
    m = _DATE.match((lexical or "").strip())
    if not m:
        return None
    year = int(m.group(1))
    if not 1 <= year <= 9999:
        return None
    try:
        if m.group(3):
            day = date(year, int(m.group(2)), int(m.group(3)))
            return DateSpan(day, day, "day")
        if m.group(2):
            month = int(m.group(2))
            return DateSpan(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), "month")
        return DateSpan(date(year, 1, 1), date(year, 12, 31), "year")
    except ValueError:
        return None


def format_date(lexical: str | None) -> str:
    """``25 Mar 2014``, ``Mar 2014``, ``2014``; the lexical form when it does not parse."""
    span = parse_date(lexical)
    if span is None:
        return lexical or ""
    d = span.first
    return {"day": f"{d.day} {_MONTHS[d.month]} {d.year}", "month": f"{_MONTHS[d.month]} {d.year}"}.get(
        span.precision, str(d.year))


def format_span(start: str | None, end: str | None) -> str:
    """``5 Mar – 25 May 2014``; ``since 2012`` when ongoing."""
    if not start:
        return f"until {format_date(end)}" if end else ""
    if not end:
        return f"since {format_date(start)} (ongoing)"
    a, b = format_date(start), format_date(end)
    if a == b:
        return a
    first, last = parse_date(start), parse_date(end)
    if first and last and first.precision == last.precision == "day" and first.first.year == last.first.year:
        return f"{first.first.day} {_MONTHS[first.first.month]} – {b}"
    return f"{a} – {b}"


@dataclass
class _Segment:
    lo: float  # ordinal days
    hi: float
    x0: float  # pixels
    x1: float
    kind: str  # before | span | after

    def x(self, t: float) -> float:
        if self.hi <= self.lo:
            return (self.x0 + self.x1) / 2
        return self.x0 + (t - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0)


@dataclass
class Scale:
    """Piecewise-linear time → x: the event's span keeps most of the width; far-off outliers get side panels."""

    segments: list[_Segment] = field(default_factory=list)
    broken: bool = False

    def x(self, t: float) -> float:
        for seg in self.segments:
            if t <= seg.hi:
                return seg.x(max(t, seg.lo))
        return self.segments[-1].x(t)


def make_scale(span: tuple[float, float], lo: float, hi: float, x0: float, x1: float) -> Scale:
    """A scale over [lo, hi] days whose middle segment is the event's span [span0, span1]."""
    s0, s1 = span
    width = x1 - x0
    parts = [(k, a, b) for k, a, b in (("before", lo, s0), ("span", s0, s1), ("after", s1, hi)) if b > a]
    total = sum(b - a for _, a, b in parts) or 1.0
    natural = {k: (b - a) / total * width for k, a, b in parts}
    broken = natural.get("span", width) < 0.6 * width and len(parts) > 1
    if broken:
        widths = {k: min(max(w, 0.1 * width), 0.18 * width) for k, w in natural.items() if k != "span"}
        widths["span"] = width - sum(widths.values())
    else:
        widths = natural
    scale, x = Scale(broken=broken), x0
    for kind, a, b in parts:
        scale.segments.append(_Segment(a, b, x, x + widths[kind], kind))
        x += widths[kind]
    return scale


def _ticks(seg: _Segment, min_px: float = 70.0) -> list[tuple[float, str, str]]:
    """(x, label, kind) of the segment's ticks: days, months or years, whichever keeps ``min_px`` apart."""
    days = seg.hi - seg.lo
    if days <= 0 or seg.x1 - seg.x0 < 1:
        return []
    per_day = (seg.x1 - seg.x0) / days
    first, last = date.fromordinal(int(math.ceil(seg.lo))), date.fromordinal(max(1, int(seg.hi) - 1))
    out: list[tuple[float, str, str]] = []
    for step in (1, 2, 7, 14):
        if step * per_day >= min_px:
            d = first
            while d <= last:
                if step < 7 or d.day in (1, 8, 15, 22) and step == 7 or d.day in (1, 15) and step == 14:
                    out.append((seg.x(d.toordinal()), f"{d.day} {_MONTHS[d.month]}", "day"))
                d += timedelta(days=step if step < 7 else 1)
            return out
    for step in (1, 2, 3, 6):
        if step * 30.4 * per_day >= min_px:
            for year in range(first.year, last.year + 1):
                for month in range(1, 13, step):
                    d = date(year, month, 1)
                    if first <= d <= last:
                        out.append((seg.x(d.toordinal()), _MONTHS[month], "month"))
            return out
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000):
        if step * 365.25 * per_day >= min_px or step == 1000:
            for year in range((first.year + step - 1) // step * step, last.year + 1, step):
                d = date(year, 1, 1)
                if first <= d <= last:
                    out.append((seg.x(d.toordinal()), str(year), "year"))
            return out
    return out


@dataclass
class _Mark:
    claim: ClaimView
    when: DateSpan
    x: float
    r: float
    vague: bool
    total: int | None
    y: float = 0.0


def _radius(claim: ClaimView, largest: int) -> tuple[float, bool, int | None]:
    """The mark's radius (area ∝ count), whether its figure is vague, and the count drawn."""
    counts = [f.count for f in claim.figures if f.count is not None]
    if counts:
        total = sum(counts)
        return max(R_MIN, R_MAX * math.sqrt(total / max(1, largest))), False, total
    if claim.figures:
        return R_VAGUE, True, None
    return R_PLAIN, False, None


def _place(marks: list[_Mark], axis_y: float) -> None:
    """Stack marks above the axis without overlaps (larger first, each as low as it fits)."""
    placed: list[_Mark] = []
    for mark in sorted(marks, key=lambda m: (-m.r, m.x)):
        y = axis_y - AXIS_GAP - mark.r - 2
        while any(math.hypot(mark.x - p.x, y - p.y) < mark.r + p.r + 1.5 for p in placed):
            y -= 2
        mark.y = y
        placed.append(mark)


def _title(claim: ClaimView) -> str:
    parts = [format_date(claim.date), claim.stance.lower()]
    if claim.source:
        parts.append(f"source: {claim.source}")
    if claim.figures:
        parts.append("; ".join(f.text() for f in claim.figures))
    if claim.disputes:
        parts.append("disputes an earlier claim")
    if claim.disputed_by:
        parts.append("disputed")
    text = claim.text if len(claim.text) <= 220 else claim.text[:217] + "…"
    return f"#{claim.position} · " + " · ".join(parts) + f" — {text}"


def _text_width(text: str, size: float = 12.5) -> float:
    """A generous estimate of a label's width in a sans-serif font."""
    return len(text) * size * 0.56


def _legend(y: float) -> list[str]:
    """The key: stance colours, precision, size, vague figures, dispute arcs."""
    out = [f'<g class="tl-legend" transform="translate({MARGIN},{y})">']
    x = 0.0
    for name, colour, _ in STANCES:
        out.append(f'<circle cx="{x + 6}" cy="0" r="6" fill="{colour}"/><text x="{x + 16}" y="4">{escape(name)}</text>')
        x += 16 + _text_width(name) + 18
    x += 10
    text = "day · month or year"
    out.append(f'<circle cx="{x + 4}" cy="0" r="4" fill="{OTHER_COLOUR}"/>'
               f'<rect x="{x + 14}" y="-2.5" width="24" height="5" rx="2.5" fill="{OTHER_COLOUR}" opacity=".35"/>'
               f'<text x="{x + 44}" y="4">{text}</text>')
    x += 44 + _text_width(text) + 18
    text = "area ∝ casualties"
    out.append(f'<circle cx="{x + 4}" cy="0" r="4" fill="none" stroke="{OTHER_COLOUR}" stroke-width="1.5"/>'
               f'<circle cx="{x + 22}" cy="-2" r="10" fill="none" stroke="{OTHER_COLOUR}" stroke-width="1.5"/>'
               f'<text x="{x + 38}" y="4">{text}</text>')
    x += 38 + _text_width(text) + 18
    text = "vague figure"
    out.append(f'<circle cx="{x + 7}" cy="0" r="{R_VAGUE}" fill="#fff" stroke="{OTHER_COLOUR}" stroke-width="1.5" '
               f'stroke-dasharray="3 2"/><text x="{x + 20}" y="4">{text}</text>')
    x += 20 + _text_width(text) + 18
    out.append(f'<path d="M{x},4 Q{x + 14},-12 {x + 28},4" class="tl-dispute" marker-end="url(#tl-arrow)"/>'
               f'<text x="{x + 36}" y="4">disputes</text></g>')
    return out


def _arc(a: _Mark, b: _Mark) -> str:
    """The path from a disputing mark to the mark it disputes: an arc over both, or a bracket beside a stack."""
    if abs(a.x - b.x) < max(a.r, b.r) + 4:  # same date: a bracket on the right of the stack
        reach = max(a.r, b.r) + 18
        return (f"M{a.x + a.r:.1f},{a.y:.1f} C{a.x + reach + 8:.1f},{a.y:.1f} {b.x + reach + 8:.1f},{b.y:.1f} "
                f"{b.x + b.r + 2:.1f},{b.y:.1f}")
    lift = min(a.y - a.r, b.y - b.r) - 14 - min(40.0, abs(a.x - b.x) / 6)
    return f"M{a.x:.1f},{a.y - a.r:.1f} Q{(a.x + b.x) / 2:.1f},{lift:.1f} {b.x:.1f},{b.y - b.r - 1:.1f}"


def timeline_svg(claims: list[ClaimView], start: str | None, end: str | None, title: str) -> str:
    """The SVG timeline of ``claims`` (only the dated ones get a mark) over the event's span, or ``""`` if none is dated."""
    dated = [(c, s) for c in claims if (s := parse_date(c.date)) is not None]
    if not dated:
        return ""
    first, last = parse_date(start), parse_date(end)
    lo = min(s.first.toordinal() for _, s in dated)
    hi = max(s.last.toordinal() + 1 for _, s in dated)
    s0 = first.first.toordinal() if first else lo
    s1 = last.last.toordinal() + 1 if last else hi
    if s1 <= s0:
        s1 = s0 + 1
    pad = max(1.0, (max(hi, s1) - min(lo, s0)) * 0.01)
    scale = make_scale((s0, s1), min(lo, s0) - (pad if lo < s0 else 0), max(hi, s1) + (pad if hi > s1 else 0),
                       MARGIN + 8, WIDTH - MARGIN - 8)

    largest = max((sum(f.count for f in c.figures if f.count is not None) for c, _ in dated), default=1) or 1
    marks = []
    for claim, when in dated:
        r, vague, total = _radius(claim, largest)
        marks.append(_Mark(claim, when, scale.x(when.mid), r, vague, total))
    _place(marks, 0.0)
    top = min(m.y - m.r for m in marks)
    by_iri = {m.claim.iri: m for m in marks}
    arcs = [(m, by_iri[d]) for m in marks for d in m.claim.disputes if d in by_iri]
    arc_room = 34.0 if arcs else 0.0
    legend_h, band_label_h = 34.0, 20.0
    axis_y = legend_h + band_label_h + arc_room - top + 4
    height = axis_y + 46
    for m in marks:
        m.y += axis_y

    n_undated = len(claims) - len(dated)
    n_disputed = len(arcs)
    n_figures = sum(1 for m in marks if m.claim.figures)
    desc = (f"{len(marks)} dated claims from {format_date(min((s for _, s in dated), key=lambda s: s.first).first.isoformat())} "
            f"to {format_date(max((s for _, s in dated), key=lambda s: s.last).last.isoformat())}, "
            f"over the event's span {format_span(start, end) or 'unknown'}; "
            f"{n_figures} report casualties, {n_disputed} dispute an earlier claim"
            + (f"; {n_undated} undated claims are not shown" if n_undated else "")
            + ". The claims table below lists the same claims.")
    label = f"Timeline of the claims about {title}"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {WIDTH} {height:.0f}" '
           f'width="100%" role="img" aria-labelledby="tl-title tl-desc" aria-label="{escape(label)}" '
           f'data-marks="{len(marks)}" preserveAspectRatio="xMidYMin meet">',
           f'<title id="tl-title">{escape(label)}</title><desc id="tl-desc">{escape(desc)}</desc>',
           '<defs><marker id="tl-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="tl-arrowhead"/></marker></defs>']
    out += _legend(16)

    # Panels: the span, and the compressed before/after parts.
    for seg in scale.segments:
        cls = "tl-span" if seg.kind == "span" else "tl-outside"
        out.append(f'<rect class="{cls}" x="{seg.x0:.1f}" y="{legend_h + 4:.1f}" width="{max(0.0, seg.x1 - seg.x0):.1f}" '
                   f'height="{axis_y - legend_h - 4:.1f}"/>')
        text = {"span": f"Event span: {format_span(start, end)}" if start else "Event span",
                "before": "before", "after": "after"}[seg.kind]
        if seg.kind != "span" and scale.broken:
            text += " (compressed)"
        out.append(f'<text class="tl-panel-label" x="{seg.x0 + 6:.1f}" y="{legend_h + 18:.1f}">{escape(text)}</text>')
    out.append(f'<line class="tl-axis" x1="{MARGIN}" y1="{axis_y:.1f}" x2="{WIDTH - MARGIN}" y2="{axis_y:.1f}"/>')
    for seg in scale.segments[1:] if scale.broken else []:
        out.append(f'<path class="tl-break" d="M{seg.x0 - 4:.1f},{axis_y + 6:.1f} l4,-12 M{seg.x0 + 1:.1f},{axis_y + 6:.1f} l4,-12"/>')

    # Ticks, with labels kept apart; the year under the first tick of each year.
    last_x, last_year_x, years_seen = -1e9, -1e9, set()
    for seg in scale.segments:
        for x, text, kind in _ticks(seg, 70.0 if seg.kind == "span" else 56.0):
            if x - last_x < 48:
                continue
            last_x = x
            out.append(f'<line class="tl-tick" x1="{x:.1f}" y1="{axis_y:.1f}" x2="{x:.1f}" y2="{axis_y + 5:.1f}"/>'
                       f'<text class="tl-tick-label" x="{x:.1f}" y="{axis_y + 18:.1f}">{escape(text)}</text>')
            year = _year_at(seg, x)
            if kind != "year" and year not in years_seen and x - last_year_x > 60:
                years_seen.add(year)
                last_year_x = x
                out.append(f'<text class="tl-year-label" x="{x:.1f}" y="{axis_y + 33:.1f}">{year}</text>')

    # Month/year bars under their marks, then the dispute arcs, then the marks.
    for m in marks:
        if m.when.precision != "day":
            x0, x1 = scale.x(m.when.first.toordinal()), scale.x(m.when.last.toordinal() + 1)
            out.append(f'<rect class="tl-range" x="{x0:.1f}" y="{m.y - 2.5:.1f}" width="{max(2.0, x1 - x0):.1f}" '
                       f'height="5" rx="2.5" fill="{COLOURS.get(m.claim.stance, OTHER_COLOUR)}"/>')
    for a, b in arcs:
        out.append(f'<path class="tl-dispute" d="{_arc(a, b)}" '
                   f'marker-end="url(#tl-arrow)"><title>{escape(f"claim #{a.claim.position} disputes claim #{b.claim.position}")}'
                   f'</title></path>')
    for m in sorted(marks, key=lambda m: m.claim.position):
        colour = COLOURS.get(m.claim.stance, OTHER_COLOUR)
        fill, extra = (("#ffffff", ' stroke-dasharray="3 2"') if m.vague else (colour, ""))
        stroke = colour if m.vague else "#ffffff"
        label = _compact(m.total) if m.total is not None else ""
        count = (f'<text class="tl-count" x="{m.x:.1f}" y="{m.y + 3.5:.1f}">{label}</text>'
                 if label and m.r >= 9 and _text_width(label, 10.5) + 4 <= 2 * m.r else "")
        classes = f"mark stance-{escape(m.claim.stance.lower(), quote=True)}" + (" disputed" if m.claim.disputed_by else "")
        out.append(f'<a href="#{m.claim.anchor}"><g class="{classes}" data-claim="{escape(m.claim.iri, quote=True)}" '
                   f'data-date="{escape(m.claim.date or "", quote=True)}"><title>{escape(_title(m.claim))}</title>'
                   f'<circle cx="{m.x:.1f}" cy="{m.y:.1f}" r="{m.r:.1f}" fill="{fill}" stroke="{stroke}" '
                   f'stroke-width="{1.8 if m.vague else 1.2}"{extra}/>{count}</g></a>')
    out.append("</svg>")
    return "\n".join(out)


def _compact(n: int) -> str:
    """A count short enough to sit in its mark: 71, 1.5k, 40k, 2.1M."""
    if n < 1000:
        return str(n)
    for size, unit in ((1_000_000, "M"), (1000, "k")):
        if n >= size:
            value = n / size
            return (f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}") + unit
    return str(n)


def _year_at(seg: _Segment, x: float) -> int:
    """The year at pixel ``x`` of a segment."""
    if seg.x1 <= seg.x0:
        return date.fromordinal(int(seg.lo)).year
    t = seg.lo + (x - seg.x0) / (seg.x1 - seg.x0) * (seg.hi - seg.lo)
    return date.fromordinal(max(1, int(round(t)))).year
