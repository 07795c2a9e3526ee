"""extract_claims end to end: clauses, dates, sources, stance and disputes against the gold corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.extract.claims import extract_claims
from kg.model import Article, DateValue, EventRecord, Gazetteer, Paragraph, Section, Span
from kg.read import load_article

from .conftest import CORPUS, GOLD

GOLD_FILES = sorted(GOLD.glob("*.json")) if GOLD.is_dir() else []


def _value(iso: str | None) -> DateValue | None:
    return DateValue(iso, {10: "day", 7: "month", 4: "year"}[len(iso)]) if iso else None  # type: ignore[index]


def _event(gold: dict) -> EventRecord:
    """The event as the gold gives it, so these tests do not depend on the infobox work."""
    ev = gold["event"]
    return EventRecord(label=ev["label"], span=Span(_value(ev["start"]), _value(ev["end"])))


@pytest.mark.skipif(not GOLD_FILES, reason="the shared gold corpus is not here")
@pytest.mark.parametrize("gold_file", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_extract_claims_matches_gold(gold_file: Path) -> None:
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    claims = extract_claims(load_article(CORPUS / gold["article"]), _event(gold), Gazetteer())
    assert [c.text for c in claims] == [g["text"] for g in gold["claims"]]
    for claim, g in zip(claims, gold["claims"], strict=True):
        got = (claim.date.iso if claim.date else None, claim.date_kind) if g["date"] else ("-", "-")
        want = (g["date"], g["date_kind"]) if g["date"] else ("-", "-")
        assert (claim.text, got) == (g["text"], want)
        assert (claim.text, sorted(s.name for s in claim.sources), claim.stance) == (g["text"], sorted(g["sources"]), g["stance"])
        assert (claim.text, claim.disputes[0] if claim.disputes else None) == (g["text"], g["disputes"])


def _article(*paragraphs: str, title: str = "Battle") -> Article:
    section = Section(title, 1, tuple(Paragraph(p, i + 2) for i, p in enumerate(paragraphs)))
    return Article(path="t.md", file="t.md", sha256="", subject="Test", sections=(section,))


def test_extract_claims_genre_paragraph() -> None:
    """A narrative in the genre but not in the corpus: US dates, a year change, a denial, 'they said'."""
    article = _article(
        "On 12 November, government forces encircled the town. In early December, the Syrian Observatory for "
        "Human Rights (SOHR) reported that 40 people had died of starvation.",
        "On 10 January, the army launched an assault; the SOHR said that 25 soldiers were killed. State media said "
        "that 120 soldiers were killed. Pro-opposition activists denied that the army had entered the district.",
        "On February 25, 2016, a ceasefire came into effect. Two days later, GNA forces entered the town; "
        "they said the rebels had violated it first.",
    )
    event = EventRecord("Siege of Testabad", span=Span(DateValue("2015-11-12"), DateValue("2016-03-03")))
    got = [(c.date.iso if c.date else None, c.date_kind, [s.name for s in c.sources], c.stance, c.disputes)
           for c in extract_claims(article, event, Gazetteer())]
    assert got == [
        ("2015-11-12", "explicit", [], "asserted", ()),
        ("2015-12", "explicit", ["Syrian Observatory for Human Rights"], "reported", ()),
        ("2016-01-10", "explicit", [], "asserted", ()),
        ("2016-01-10", "inherited", ["SOHR"], "reported", ()),
        ("2016-01-10", "inherited", ["State media"], "reported", (3,)),
        ("2016-01-10", "inherited", ["Pro-opposition activists"], "denied", (4,)),
        ("2016-02-25", "explicit", [], "asserted", ()),
        ("2016-02-27", "relative", [], "asserted", ()),
        ("2016-02-27", "inherited", ["GNA"], "reported", ()),
    ]


def test_extract_claims_positions_and_sections() -> None:
    article = _article("First clause; second clause. Third sentence.", "Fourth.", title="Aftermath")
    claims = extract_claims(article, EventRecord("Test"), Gazetteer())
    assert [(c.position, c.text, c.section) for c in claims] == [
        (0, "First clause", "Aftermath"), (1, "second clause", "Aftermath"), (2, "Third sentence", "Aftermath"),
        (3, "Fourth", "Aftermath")]


def test_extract_claims_without_a_span_invents_no_year() -> None:
    claims = extract_claims(_article("On 4 April, the rebels attacked."), EventRecord("Some battle"), Gazetteer())
    assert (claims[0].date, claims[0].date_kind) == (None, "none")


def test_extract_claims_links_by_happening_and_person() -> None:
    """Held-out lessons in other words: "he said" is the last person, a relative date counts from
    the strike it names, a bare figure counts the people of the figure it disputes."""
    article = _article(
        "On 3 May, Gen. Ratko Vukić announced the start of the operation. \"The road is open,\" he said.",
        "On 8 May, aircraft struck a column near Vrhovine. Local officials said that more than 50 civilians had "
        "been killed by an air strike. On 12 May, the brigade reached the river. A week after the strike, "
        "the army halted its advance.",
        "On 20 May, state media reported that 300 Chetnik fighters had been killed; the monitors said that 90 had "
        "been killed. According to the Red Cross, more than 40 soldiers were killed or wounded.",
    )
    event = EventRecord("Operation Testing", span=Span(DateValue("1995-05-01"), DateValue("1995-06-30")))
    claims = extract_claims(article, event, Gazetteer())
    assert [s.name for s in claims[1].sources] == ["Ratko Vukić"]
    assert (claims[5].date.iso if claims[5].date else None, claims[5].date_kind) == ("1995-05-15", "relative")
    assert claims[7].disputes == (6,)
    assert claims[8].disputes == ()  # soldiers, not the fighters the 90 counted
