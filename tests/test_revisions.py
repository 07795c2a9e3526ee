"""Toll phrases, outcomes and the claims a revision or a denial disputes (rules H, I),
in sentences of other wars and disasters."""

from __future__ import annotations

import pytest

from kg.extract.casualties import find_casualties
from kg.extract.claims import extract_claims
from kg.model import Article, DateValue, EventRecord, Gazetteer, Paragraph, Section, Span

TOLLS = [
    ("Subsequent inquiries put the number of dead at 212", [(212, "exact", "killed")]),
    ("Turkish historians later put the number of Greek dead at about 4,000", [(4000, "about", "killed")]),
    ("A later count put the toll at 91", [(91, "exact", "killed")]),
    ("Revised estimates put the number of wounded at more than 600", [(600, "at least", "wounded")]),
    ("The final tally was 17 dead and 40 injured", [(17, "exact", "killed"), (40, "exact", "wounded")]),
    ("The official count in the province was about 800 dead", [(800, "about", "killed")]),
    ("A rocket struck the market, killing one person and injuring nine", [(1, "exact", "killed"), (9, "exact", "wounded")]),
    ("At least 300 people died and about 2 million were left homeless", [(300, "at least", "killed")]),
    ("Some 40 were killed and about 12,000 were displaced", [(40, "about", "killed")]),
    ("Nearly 60 people drowned and 4,000 fled to the hills", [(60, "about", "killed")]),
]


@pytest.mark.parametrize(("clause", "expected"), TOLLS, ids=[c[0][:50] for c in TOLLS])
def test_toll_phrases_and_outcomes(clause: str, expected: list) -> None:
    assert [(r.count, r.qualifier, r.kind) for r in find_casualties(clause)] == expected


def _claims(*paragraphs: str):  # type: ignore[no-untyped-def]
    section = Section("Battle", 1, tuple(Paragraph(p, i + 2) for i, p in enumerate(paragraphs)))
    article = Article(path="t.md", file="t.md", sha256="", subject="Test", sections=(section,))
    event = EventRecord("Siege of Testgrad", span=Span(DateValue("1915-03-01"), DateValue("1915-09-30")))
    return extract_claims(article, event, Gazetteer())


def test_revised_figure_disputes_the_sourced_one() -> None:
    claims = _claims("On 4 May, a bomb dropped from a Zeppelin hit the railway station. According to the police, 31 "
                     "people were killed; later counts put the number of dead at 38.")
    assert [c.disputes for c in claims] == [(), (), (1,)]


def test_denial_of_an_act_targets_the_act_not_the_tolls_between() -> None:
    claims = _claims("On 9 June, Ottoman artillery shelled the hospital at Anzac Cove. According to army doctors, 14 "
                     "patients were killed; a later estimate put the toll at 20. Ottoman officers denied responsibility "
                     "and said the hospital had been used to store ammunition.")
    assert claims[3].disputes == (0,)


def test_denial_by_a_side_skips_its_own_words_and_tolls() -> None:
    claims = _claims("That night, the Dervish fighters stormed the fort at Kassala. A spokesman for the garrison said "
                     "that 60 Dervish fighters had been killed. The Dervish commander Osman Digna denied that the fort "
                     "had fallen.")
    assert claims[2].disputes == (0,)


def test_denial_continuing_its_own_account_disputes_nothing() -> None:
    claims = _claims("On 2 July, the rebels showed rifles found in the barracks. On 5 July, Belgium said that the rifles "
                     "had been sold to its own police; it denied having supplied them to the rebels.")
    assert claims[2].disputes == ()


def test_denial_of_this_targets_the_claim_before() -> None:
    claims = _claims("On 3 August, a shell struck the bread queue. A U.N. report concluded that the shell had been "
                     "fired from the hills held by the militia. The militia denied this.")
    assert claims[2].disputes == (1,)


def test_they_after_a_speaker_in_the_same_clause_is_that_speaker() -> None:
    from kg.extract.attribution import find_sources
    text = ("Greek officials said that the number of Greeks killed in the port had been understated, and they claimed "
            "that the Turkish army had also fired on the churches")
    assert [s.name for s in find_sources(text, "1,200 shells", None)] == ["Greek officials"]


def test_a_count_of_things_is_never_a_group() -> None:
    from kg.extract.attribution import group_of
    assert group_of("2,400 shells") is None
    assert group_of("the GNA forces") == "GNA"
