"""Places and actors of clauses (ANNOTATION.md rules F and G), on corpus sentences and on
sentences of other wars written for these tests, so that no rule leans on one article's names."""

from __future__ import annotations

import time

import pytest

from kg.extract.mentions import find_mentions
from kg.model import EventRecord, Gazetteer

IDLIB = EventRecord(
    label="2014 Idlib offensive",
    places=("Idlib Governorate",),
    located_in=(("Idlib Governorate", "Syria"),),
    sides=(("al-Nusra Front", "Free Syrian Army"), ("Syrian Arab Republic",)),
    units=(("Syrian Armed Forces", "Syrian Arab Republic"),),
)
KOBANI = EventRecord(
    label="Siege of Kobanî",
    places=("Kobanî",),
    located_in=(("Kobanî", "Syria"),),
    sides=(("People's Protection Units", "Free Syrian Army"), ("Islamic State of Iraq and the Levant",)),
)
GAZ = Gazetteer(agents=frozenset({"Hezbollah", "Russia", "People's Protection Units"}), places=frozenset({"Syria"}))


def one(clause: str, event: EventRecord = IDLIB) -> tuple[set[str], set[str]]:
    places, actors = find_mentions([clause], event, GAZ)[0]
    return set(places), set(actors)


PLACES = [
    ("It was also reported that Baboulin town and al-Salhiya village were captured by the rebels, thus cutting off the "
     "supply route and highway to the Wadi Deif and Hamidiyah army bases at Maaret al-Numan",
     {"Baboulin", "al-Salhiya", "Wadi Deif base", "Hamidiyah base", "Maaret al-Numan"}),
    ("On 8 April, rebels detonated two suicide cars at the Khazanat fueling base east of Khan Shaykhun",
     {"Khazanat base", "Khan Shaykhun"}),
    ("A slow-moving low-pressure system brought heavy rain to Austria and southern Bohemia on 6 and 7 August",
     {"Austria", "Bohemia"}),
    ("dozens more were killed in Austria, Romania and Russia", {"Austria", "Romania", "Russia"}),
    ("the governor of Nineveh, Atheel al-Nujaifi, fled to Erbil", {"Nineveh", "Erbil"}),
    ("On 11 June, ISIL fighters seized the Turkish consulate", {"Turkish consulate"}),
    ("Fierce street fighting followed in the al-Zahra and al-Karama neighbourhoods", {"al-Zahra", "al-Karama"}),
    ("Militants stormed Abu Ghraib prison west of the capital", {"Abu Ghraib prison"}),
    ("Houthi fighters entered the port city of Hodeidah and shelled the airport", {"Hodeidah"}),
]


@pytest.mark.parametrize(("clause", "expected"), PLACES, ids=[c[0][:60] for c in PLACES])
def test_find_mentions_places(clause: str, expected: set[str]) -> None:
    assert one(clause)[0] == expected


ACTORS = [
    ("Free Syrian Army units and other rebel troops charted moderate gains", {"Free Syrian Army", "rebels"}),
    ("On 9 June, suicide bombers struck army positions in western Mosul, and large numbers of soldiers and police "
     "abandoned their posts", {"bombers", "army", "soldiers", "police"}),
    ("At about 11:30, French troops attacked the fortified farm of Hougoumont on the Allied right", {"troops", "Allies"}),
    ("On 5 September 2017, government forces under Suheil al-Hassan reached the base of the 137th Brigade",
     {"government", "Suheil al-Hassan", "137th Brigade"}),
    ("Maj. Gen. Joseph K. F. Mansfield, the commander of the XII Corps, was mortally wounded",
     {"Joseph K. F. Mansfield", "XII Corps"}),
    ("Turkey said the jet had violated its airspace", set()),
    ("On 6 June 2017, the SDF announced the start of the battle and entered the district", {"SDF"}),
    ("The next day, the Free Syrian Army announced that it had launched an offensive", {"Free Syrian Army"}),
    ("Rebels denied this and said it had been hit by tank fire from the army", {"army"}),
    ("On 18 September, Confederate losses were estimated at 1,546 killed", {"Confederates"}),
    ("By 2 October, ISIL fighters had reached the outskirts of the town, and the People's Protection Units (YPG) "
     "fell back", {"ISIL", "People's Protection Units"}),
    ("Lt. Col. Ahmed Saleh, a Houthi commander, said that Saudi-led coalition aircraft had struck Houthi positions",
     {"coalition", "Houthi"}),
    ("Kurdish forces recaptured the hill, and Iraqi troops held the bridge", {"forces", "troops"}),
    ("On 22 January, separatist forces launched an offensive against the Ukrainian-held town", {"separatists"}),
    ("The Minsk II agreement was signed, and Ukrainian President Petro Poroshenko ordered a withdrawal",
     {"Petro Poroshenko"}),
]


@pytest.mark.parametrize(("clause", "expected"), ACTORS, ids=[c[0][:60] for c in ACTORS])
def test_find_mentions_actors(clause: str, expected: set[str]) -> None:
    assert one(clause)[1] == expected


def test_find_mentions_resolves_pronouns_and_the_city() -> None:
    clauses = [
        "On 21 March, rebels led by the al-Nusra Front attacked government positions around Kessab, a town near the border",
        "The next day, they captured the crossing",
        "state media said the town had been retaken",
        "McClellan claimed a complete victory",
        "On 5 November, Lincoln removed him from command",
    ]
    out = find_mentions(clauses, EventRecord(label="x", places=("Kessab",), located_in=(("Kessab", "Syria"),)), GAZ)
    assert out[1][1] == ("rebels",)
    assert out[2][0] == ("Kessab",)
    assert set(out[4][1]) == {"Lincoln", "McClellan"}


def test_find_mentions_the_province_is_the_events() -> None:
    clauses = [
        "Rebel groups had taken about half of Deir ez-Zor and most of the surrounding province by the end of 2013",
        "In April 2014, ISIL launched a large offensive against the rebels in the governorate",
    ]
    event = EventRecord(label="x", places=("Deir ez-Zor",),
                        located_in=(("Deir ez-Zor", "Deir ez-Zor Governorate"), ("Deir ez-Zor Governorate", "Syria")))
    out = find_mentions(clauses, event, GAZ)
    assert out[0] == (("Deir ez-Zor", "Deir ez-Zor Governorate"), ("rebels",))
    assert out[1] == (("Deir ez-Zor Governorate",), ("ISIL", "rebels"))


def test_find_mentions_town_of_the_event_over_a_distant_one() -> None:
    clauses = [
        "Turkish forces used tear gas against Kurdish protesters near the border town of Suruç",
        "On 6 October, ISIL raised its flag over a building",
        "US aircraft dropped weapons to the defenders",
        "About 150 Peshmerga fighters crossed into the town through Turkey",
    ]
    assert find_mentions(clauses, KOBANI, GAZ)[3][0] == ("Kobanî", "Turkey")


@pytest.mark.parametrize("clause", ["A" * 100_000, "Al-" * 30_000, ", " * 100_000, "the city " * 20_000,
                                    "In X, " * 20_000, "they " * 50_000],
                         ids=["capitals", "particles", "commas", "the-city", "places", "pronouns"])
def test_find_mentions_pathological_input_is_fast(clause: str) -> None:
    start = time.perf_counter()
    find_mentions([clause, clause], KOBANI, GAZ)
    assert time.perf_counter() - start < 2.0
