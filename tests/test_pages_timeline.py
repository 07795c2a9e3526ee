"""The SVG timeline of an event's claims (kg/serve/timeline.py), table-wise and without a server."""

from __future__ import annotations

import math
import re
from datetime import date
from xml.etree import ElementTree as ET

import pytest

from kg.serve.timeline import ClaimView, Figure, format_date, format_span, parse_date, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"


def claim(n: int, when: str | None, stance: str = "Reported", figures: tuple[Figure, ...] = (),
          disputes: tuple[str, ...] = (), text: str = "something happened") -> ClaimView:
    return ClaimView(f"https://w3id.org/chronicon/id/claim/x/{n}", n, text, stance, when, "Explicit", figures=figures,
                     disputes=disputes)


def marks(svg: str) -> list[tuple[float, float, float, ET.Element]]:
    """(cx, cy, r, group) of every mark."""
    root = ET.fromstring(svg)
    out = []
    for g in root.iter(f"{SVG}g"):
        if "mark" in (g.get("class") or "").split():
            c = g.find(f"{SVG}circle")
            assert c is not None
            out.append((float(c.get("cx", 0)), float(c.get("cy", 0)), float(c.get("r", 0)), g))
    return out


@pytest.mark.parametrize(("lexical", "first", "last", "precision"), [
    ("2014-03-25", date(2014, 3, 25), date(2014, 3, 25), "day"),
    ("2014-02", date(2014, 2, 1), date(2014, 2, 28), "month"),
    ("2016-02", date(2016, 2, 1), date(2016, 2, 29), "month"),
    ("1815", date(1815, 1, 1), date(1815, 12, 31), "year"),
    ("2014-03-25Z", date(2014, 3, 25), date(2014, 3, 25), "day"),
])
def test_parse_date_precisions(lexical: str, first: date, last: date, precision: str) -> None:
    span = parse_date(lexical)
    assert span is not None and (span.first, span.last, span.precision) == (first, last, precision)


@pytest.mark.parametrize("lexical", [None, "", "yesterday", "2014-13", "2014-02-30", "-0044-03-15", "0000"])
def test_parse_date_refuses_what_it_cannot_place(lexical: str | None) -> None:
    assert parse_date(lexical) is None


@pytest.mark.parametrize(("start", "end", "text"), [
    ("2014-03-05", "2014-05-25", "5 Mar – 25 May 2014"),
    ("1942-08-23", "1943-02-02", "23 Aug 1942 – 2 Feb 1943"),
    ("1815-06-18", "1815-06-18", "18 Jun 1815"),
    ("2002-08", "2002-08", "Aug 2002"),
    ("2012-07-19", None, "since 19 Jul 2012 (ongoing)"),
])
def test_format_span(start: str, end: str | None, text: str) -> None:
    assert format_span(start, end) == text
    assert format_date("2014-03") == "Mar 2014"


def test_one_mark_per_dated_claim_none_overlapping() -> None:
    claims = [claim(i, f"2014-03-{1 + i % 5:02d}") for i in range(30)] + [claim(30, None)]
    svg = timeline_svg(claims, "2014-03-01", "2014-03-31", "A week")
    found = marks(svg)
    assert len(found) == 30
    for i, (x1, y1, r1, _) in enumerate(found):
        for x2, y2, r2, _ in found[i + 1:]:
            assert math.hypot(x1 - x2, y1 - y2) >= r1 + r2, "marks overlap"
    assert "1 undated claims are not shown" in svg


def test_text_alternatives() -> None:
    svg = timeline_svg([claim(0, "2014-03-02", text="The town fell")], "2014-03-01", "2014-03-31", "Siege <of> X")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "tl-title tl-desc"
    assert root.find(f"{SVG}title").text == "Timeline of the claims about Siege <of> X"  # type: ignore[union-attr]
    assert "1 dated claims" in root.find(f"{SVG}desc").text  # type: ignore[union-attr, operator]
    (_, _, _, g), = marks(svg)
    assert "The town fell" in g.find(f"{SVG}title").text and "2 Mar 2014" in g.find(f"{SVG}title").text  # type: ignore[union-attr, operator]


def test_stance_colours_and_legend() -> None:
    claims = [claim(i, "2014-03-02", stance) for i, stance in enumerate(["Asserted", "Reported", "Claimed", "Denied"])]
    svg = timeline_svg(claims, "2014-03-01", "2014-03-31", "x")
    fills = {g.get("class"): c for _, _, c, g in [(0, 0, m[3].find(f"{SVG}circle").get("fill"), m[3]) for m in marks(svg)]}  # type: ignore[union-attr]
    assert fills == {"mark stance-asserted": "#0072B2", "mark stance-reported": "#009E73",
                     "mark stance-claimed": "#E69F00", "mark stance-denied": "#D55E00"}
    legend = re.search(r'<g class="tl-legend".*?</g>', svg, re.S).group(0)  # type: ignore[union-attr]
    for word in ("Asserted", "Reported", "Claimed", "Denied", "vague figure", "disputes", "area ∝ casualties"):
        assert word in legend


def test_casualty_area_grows_with_the_count_and_vague_figures_are_small_and_dashed() -> None:
    claims = [claim(0, "2014-03-02", figures=(Figure(100, "Killed", "Exact"),)),
              claim(1, "2014-03-20", figures=(Figure(25, "Killed", "AtLeast"),)),
              claim(2, "2014-03-25", figures=(Figure(None, "Wounded", "Dozens"),)),
              claim(3, "2014-03-28")]
    by_n = {m[3].get("data-claim", "").rsplit("/", 1)[-1]: m for m in marks(timeline_svg(claims, "2014-03-01", "2014-03-31", "x"))}
    assert by_n["0"][2] ** 2 / by_n["1"][2] ** 2 == pytest.approx(4, rel=0.02)  # area ∝ count
    vague = by_n["2"][3].find(f"{SVG}circle")
    assert vague is not None and vague.get("stroke-dasharray") and by_n["2"][2] < by_n["1"][2]
    assert by_n["3"][2] < by_n["2"][2]  # no figure: the smallest dot


def test_month_and_year_precision_get_a_bar_over_their_span() -> None:
    svg = timeline_svg([claim(0, "2014-04"), claim(1, "2014-03-02"), claim(2, "2014-06-10")], "2014-03-01", "2014-06-30", "x")
    bars = re.findall(r'<rect class="tl-range" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    assert len(bars) == 1
    x, width = map(float, bars[0])
    (mx, _, _, _), = [m for m in marks(svg) if m[3].get("data-date") == "2014-04"]
    assert x < mx < x + width and width > 100  # a month of a four-month axis


def test_claims_far_outside_the_span_get_a_compressed_panel() -> None:
    claims = [claim(0, "2014-03-02"), claim(1, "2014-03-20"), claim(2, "2016-10-01")]  # an aftermath years later
    svg = timeline_svg(claims, "2014-03-01", "2014-03-31", "x")
    assert "after (compressed)" in svg and 'class="tl-break"' in svg
    xs = sorted(m[0] for m in marks(svg))
    assert xs[1] - xs[0] > 300  # the span keeps most of the width
    near = timeline_svg([claim(0, "2014-03-02"), claim(1, "2014-04-02")], "2014-03-01", "2014-03-31", "x")
    assert "compressed" not in near and ">after<" in near  # a few days after: one continuous scale


def test_ticks_never_collide() -> None:
    for start, end in (("2014-03-01", "2014-03-09"), ("2014-03-05", "2014-05-25"), ("2012-07-19", "2016-12-22"),
                       ("1000-01-01", "2014-01-01")):
        svg = timeline_svg([claim(0, start), claim(1, end)], start, end, "x")
        xs = [float(x) for x in re.findall(r'<text class="tl-tick-label" x="([\d.]+)"', svg)]
        assert len(xs) >= 2, (start, end)
        assert all(b - a >= 48 for a, b in zip(xs, xs[1:])), (start, end, xs)


def test_disputes_are_drawn_as_arcs_between_their_marks() -> None:
    first = claim(0, "2014-03-02")
    svg = timeline_svg([first, claim(1, "2014-03-09", "Denied", disputes=(first.iri,)),
                        claim(2, "2014-03-09", "Denied", disputes=(first.iri, "https://elsewhere/undated"))],
                       "2014-03-01", "2014-03-31", "x")
    assert len(re.findall(r'<path class="tl-dispute"', svg)) == 2
    assert "claim #1 disputes claim #0" in svg


def test_nothing_dated_gives_no_svg_and_hostile_text_is_escaped() -> None:
    assert timeline_svg([claim(0, None)], "2014-03-01", "2014-03-31", "x") == ""
    evil = '</title><script>alert(1)</script>"'
    svg = timeline_svg([claim(0, "2014-03-02", evil, text=evil)], "2014-03-01", None, evil)
    assert "<script>" not in svg
    ET.fromstring(svg)  # still well-formed


def test_counts_inside_marks_fit() -> None:
    claims = [claim(0, "1942-08-23", figures=(Figure(40000, "Killed", "Exact"),)),
              claim(1, "1943-02-02", figures=(Figure(91000, "Captured", "Exact"),)),
              claim(2, "1942-10-02", figures=(Figure(1500, "Killed", "Exact"),))]
    svg = timeline_svg(claims, "1942-08-23", "1943-02-02", "Stalingrad")
    assert re.findall(r'class="tl-count"[^>]*>([^<]+)<', svg) == ["40k", "91k"]  # 1.5k would not fit its small mark
