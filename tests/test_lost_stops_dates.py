"""A lost full stop before a capitalised determiner (rule B); a subject with "of the X"
before its main verb keeps the verb's date (rule C). Sentences of other wars."""

from __future__ import annotations

import pytest

from kg.extract import dates
from kg.extract.clauses import split_clauses
from kg.model import DateValue, Span

SPLITS = [
    ("The Greek envoy said the fleet had broken the truce The Turkish side claimed that the ships had fired first.",
     ["The Greek envoy said the fleet had broken the truce", "The Turkish side claimed that the ships had fired first"]),
    ("the cavalry reached the ford Their commander ordered a halt.",
     ["the cavalry reached the ford", "Their commander ordered a halt"]),
    ("The story was first reported by The Times of London.", ["The story was first reported by The Times of London"]),
    ("The envoys sailed to The Hague on 3 May.", ["The envoys sailed to The Hague on 3 May"]),
    ("Crews watched the film The Longest Day on board.", ["Crews watched the film The Longest Day on board"]),
]


@pytest.mark.parametrize(("paragraph", "expected"), SPLITS, ids=[s[0][:40] for s in SPLITS])
def test_lost_stop_before_a_determiner(paragraph: str, expected: list[str]) -> None:
    assert split_clauses(paragraph) == expected


SPAN = Span(DateValue("1916-07-01"), DateValue("1916-11-18"))
DATES = [
    ("In Picardy, the western wall of the old abbey collapsed on 3 August after days of shelling", "1916-08-03"),
    ("At Thiepval, the roof of the chateau caught fire on 26 September", "1916-09-26"),
    ("The French withdrew from a position captured on 3 August", None),
]


@pytest.mark.parametrize(("clause", "iso"), DATES, ids=[d[0][:40] for d in DATES])
def test_subject_with_of_phrase_keeps_its_verbs_date(clause: str, iso: str | None) -> None:
    got = dates.date_clause(clause, dates.DateCursor(), False, SPAN, "Battle of the Somme", None)
    assert (got.date.iso if got.date else None) == iso
