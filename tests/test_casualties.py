"""Casualty figures (ANNOTATION.md rule H): corpus sentences and sentences of other wars."""

from __future__ import annotations

import time

import pytest

from kg.extract.casualties import find_casualties

CASES = [
    # corpus sentences
    ("On 4 April, four rebels were reportedly killed by clashes around Sehyan checkpoint north of Khan Shaykhun",
     [(4, "exact", "killed")]),
    ("At least 18 regular soldiers were reportedly killed in the clashes and two tanks were disabled",
     [(18, "at least", "killed")]),
    ("On 15 April, 21 rebels (including a defected officer and a battalion commander) and a number of Army soldiers "
     "were reportedly killed in clashes around Qmenas town",
     [(21, "exact", "killed"), (None, "several", "killed")]),
    ("In addition, 6 rebels were killed while no less than 40 were injured, and the connection was lost with 25 rebels "
     "after an ambush by Syrian Army units around Al-Hamedya camp",
     [(6, "exact", "killed"), (40, "at least", "wounded"), (25, "exact", "missing")]),
    ("A day after the report of the offensive the SOHR reported that a commander of an FSA battalion was assassinated "
     "by unknown gunmen between the villages of Kafar-Sejna and Al-Rekaya",
     [(1, "exact", "killed")]),
    ("According to the SOHR, tens of pro-government fighters were killed and injured by the blasts in the Al Arba’in "
     "Mountain area and at least 16 in the Khazanat base",
     [(None, "tens", "killed and wounded"), (16, "at least", "killed and wounded")]),
    ("It was also reported that the FSA affiliated Hazzm Movement had received 20 TOW anti-tank missiles", []),
    ("Wellington's army lost about 3,500 men killed and about 10,000 wounded, and Blücher's army about 1,200 killed",
     [(3500, "about", "killed"), (10000, "about", "wounded"), (1200, "about", "killed")]),
    ("Confederate losses were estimated at 1,546 killed and 7,752 wounded", [(1546, "exact", "killed"), (7752, "exact", "wounded")]),
    ("Four days later, the two Soviet pincers met near Kalach, trapping about 290,000 Axis soldiers in a pocket", []),
    ("About 91,000 soldiers were taken prisoner, and only about 5,000 of them returned to Germany after the war",
     [(91000, "about", "captured")]),
    ("On 11 June, ISIL fighters seized the Turkish consulate and took 49 people hostage, including the consul general",
     [(49, "exact", "captured")]),
    ("it was driven back by a counter-attack of British heavy cavalry, in which Sir Thomas Picton was killed", []),
    ("Lawrence O'B. Branch, one of Hill's brigade commanders, was shot dead as the fighting died down", []),
    ("In Prague, about 40,000 residents were evacuated before the Vltava peaked on 14 August", []),
    ("At about 9:00, John Sedgwick's division advanced into the West Woods and lost nearly 2,200 men killed or wounded",
     [(2200, "about", "killed and wounded")]),
    # other wars, other words
    ("Rebels killed 15 soldiers and captured 30 others in the raid", [(15, "exact", "killed"), (30, "exact", "captured")]),
    ("A car bomb killed at least 12 people and wounded dozens more", [(12, "at least", "killed"), (None, "dozens", "wounded")]),
    ("At least 35 people, including 12 children, were killed", [(35, "at least", "killed")]),
    ("The bombing left 40 dead and over 100 wounded", [(40, "exact", "killed"), (100, "at least", "wounded")]),
    ("The death toll rose to 35", [(35, "exact", "killed")]),
    ("Hilal al-Assad, a cousin of the president, was killed", []),
    ("Twenty-one Houthi fighters were captured near Marib", [(21, "exact", "captured")]),
    ("Hundreds of civilians were killed in the shelling", [(None, "several", "killed")]),
    ("Two journalists, a French reporter and an Iraqi cameraman, were killed by a roadside bomb", [(2, "exact", "killed")]),
    ("In 2014, 30 rebels were killed and the army lost 12 tanks", [(30, "exact", "killed")]),
    ("Around 900,000 people were displaced from the city", []),
    ("At Malmedy, SS troops shot 84 American prisoners of war", [(84, "exact", "killed")]),
    ("German losses were estimated at between 67,000 and 125,000 killed, wounded or captured",
     [(67000, "at least", "killed and wounded")]),
    # digits inside a name are no figure
    ("The army said that the M19 had shot down the aircraft", []),
    ("On 3 May, the M19 captured Kitchanga and more than 40 soldiers fled", []),
    ("Two T-72 tanks and a Su-25 were destroyed", []),
    ("Shelling closed Route 66 and Brigade 93 withdrew, leaving 12 soldiers wounded", [(12, "exact", "wounded")]),
    ("About 30 militiamen were killed near Hill 304", [(30, "about", "killed")]),
    # a determiner between the verb and the figure; coordinated figures share the verb
    ("An ambush near Tessalit killed the six peacekeepers of the convoy", [(6, "exact", "killed")]),
    ("At least 14 demonstrators and three policemen were killed in the clashes",
     [(14, "at least", "killed"), (3, "exact", "killed")]),
    ("A landmine killed two reporters of a Spanish daily and their local interpreter",
     [(2, "exact", "killed"), (1, "exact", "killed")]),
    # a vague amount with a scale word is one vague figure
    ("The ministry said that several thousand Taliban fighters had been killed", [(None, "several", "killed")]),
    ("Tens of thousands of civilians were killed in the siege", [(None, "tens", "killed")]),
    ("A few hundred defenders were captured", [(None, "several", "captured")]),
    ('The army said it had killed dozens of "insurgents" near the dam', [(None, "dozens", "killed")]),
]


@pytest.mark.parametrize(("clause", "expected"), CASES, ids=[c[0][:60] for c in CASES])
def test_find_casualties(clause: str, expected: list[tuple[int | None, str, str]]) -> None:
    got = [(r.count, r.qualifier, r.kind) for r in find_casualties(clause)]
    assert got == expected


def test_find_casualties_who_as_written() -> None:
    (first, *_), = [find_casualties("At least 18 regular soldiers were reportedly killed in the clashes")]
    assert first.who == "regular soldiers"
    rebels = find_casualties("6 rebels were killed while no less than 40 were injured")
    assert [r.who for r in rebels] == ["rebels", "rebels"]


@pytest.mark.parametrize("clause", ["1" * 100_000, ", " * 100_000, "killed 1 " * 20_000, "(including " * 30_000,
                                    "a " * 100_000, "between 1 and " * 30_000], ids=["digits", "commas", "killed",
                                                                                    "parens", "articles", "ranges"])
def test_find_casualties_pathological_input_is_fast(clause: str) -> None:
    start = time.perf_counter()
    find_casualties(clause)
    assert time.perf_counter() - start < 1.0
