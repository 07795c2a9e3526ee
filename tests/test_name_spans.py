"""Name spans across lowercase connectors, initials and dashes, and what "it" points to
(rules E, F, G), in sentences of other wars."""

from __future__ import annotations

import pytest

from kg.extract.mentions import find_mentions
from kg.model import EventRecord, Gazetteer

EVENT = EventRecord("Battle of Testfield")


def _mentions(*clauses: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    return find_mentions(list(clauses), EVENT, Gazetteer())


SPANS = [
    ("Troops of the Republic of Trinidad and Tobago landed at the port", "Republic of Trinidad and Tobago"),
    ("The Special Court for the former Rhodesia charged three officers", "Special Court for the former Rhodesia"),
    ("Meanwhile, 4,000 men under Osman wad Ahmad attacked the camp", "Osman wad Ahmad"),
    ("Emir Abdallah ould Hamid ordered a retreat", "Abdallah ould Hamid"),
    ("Brig. Gen. J. B. Kershaw's brigade held the line", "J. B. Kershaw"),
    ("Col. T. E. Lawrence led the raid on the railway", "T. E. Lawrence"),
    ("U.N. troops occupied the buffer zone", "U.N."),
]


@pytest.mark.parametrize(("clause", "actor"), SPANS)
def test_a_name_runs_across_its_connectors(clause: str, actor: str) -> None:
    assert actor in _mentions(clause)[0][1]


def test_two_coordinated_states_stay_two() -> None:
    actors = _mentions("Later, Chile and Peru signed a truce")[0][1]
    assert "Peru" in actors and not any(" and " in a for a in actors)


def test_a_dash_compound_before_a_noun_names_a_thing() -> None:
    assert _mentions("In March, the Kellogg–Briand peace plan was rejected")[0] == ((), ())


@pytest.mark.parametrize("clause", [
    "The bombardment resumed when it expired in May",
    "It was the deadliest typhoon since 1959",
])
def test_subject_it_is_never_a_person(clause: str) -> None:
    got = _mentions("Brig. Gen. Arnold Foster proposed a truce", clause)
    assert "Arnold Foster" not in got[1][1]


def test_object_it_may_still_be_the_army_of_a_person() -> None:
    got = _mentions("On 3 June, the army of Gen. Carlos Mora retreated", "Gen. Pablo Ruiz did not pursue it")
    assert "Carlos Mora" in got[1][1]


def test_subject_it_takes_a_tribunal_named_before() -> None:
    got = _mentions("The Special Tribunal for the former Rhodesia later tried several officers",
                    "On 3 May 2004, it convicted Col. Peter Hale")
    assert "Special Tribunal for the former Rhodesia" in got[1][1]


PLACES = [
    ("In July, the ash cloud of the Pacaya volcano closed the airport", "Pacaya volcano"),
    ("Supplies reached the town through the Kolubara Tunnel", "Kolubara Tunnel"),
    ("Shells set the Central Library on fire", "Central Library"),
    ("Snipers fired on Khreshchatyk Boulevard every day", "Khreshchatyk Boulevard"),
    ("The column crossed the Kalahari Desert in nine days", "Kalahari Desert"),
    ("On 4 May, partisans withdrew to Mount Kozara", "Mount Kozara"),
]


@pytest.mark.parametrize(("clause", "place"), PLACES)
def test_a_place_head_makes_a_place(clause: str, place: str) -> None:
    places, actors = _mentions(clause)[0]
    assert place in places and place not in actors


@pytest.mark.parametrize("clause", [
    "On 9 May, a drone struck an RSF checkpoint near the bridge",
    "The SDF fought street by street in the old town",
])
def test_a_groups_generic_is_no_place_name(clause: str) -> None:
    places = _mentions(clause)[0][0]
    assert not any(p.startswith(("RSF", "SDF")) for p in places)


def test_a_known_place_ending_like_an_adjective_is_a_place() -> None:
    event = EventRecord("Battle of Testfield", places=("Sirvan",))
    got = find_mentions(["On 2 April, rebel units entered Sirvan from the south"], event, Gazetteer())
    assert got[0][0] == ("Sirvan",) and "Sirvan" not in got[0][1]


def test_the_country_is_the_events_state() -> None:
    event = EventRecord("Siege of Testfield", places=("Testfield",), located_in=(("Testfield", "Estonia"),))
    got = find_mentions(["In March, the parliament proclaimed the country's independence"], event, Gazetteer())
    assert got[0][0] == ("Estonia",)


def test_the_country_is_the_state_the_clause_just_named() -> None:
    event = EventRecord("Cyclone Testa", places=("Chile", "Peru"))
    got = find_mentions(["Later, the government of Peru said that the storm had ruined half of the country's harvest",
                         "In June, officials said that the country had recovered"], event, Gazetteer())
    assert got[0][0] == ("Peru",)
    assert got[1][0] in ((), ("Peru",))


def test_a_source_announcing_its_own_offensive_also_acts() -> None:
    got = find_mentions(["Two days later, Gen. Omar Bashar announced an offensive to take the capital"],
                        EVENT, Gazetteer())
    assert "Omar Bashar" in got[0][1]


@pytest.mark.parametrize(("clause", "actor"), [
    ("On 9 March, two Japanese officers under a white flag asked for terms", "officers"),
    ("In the raid, 40 Soviet pilots were killed", "pilots"),
    ("At a summit in Accra, regional leaders agreed on a truce", "leaders"),
    ("In 2011, prosecutors charged the general with war crimes", "prosecutors"),
])
def test_plural_participant_nouns_are_actors(clause: str, actor: str) -> None:
    assert actor in _mentions(clause)[0][1]


@pytest.mark.parametrize(("clause", "noise"), [
    ("At noon, the divisions of Gen. Paul Rousseau attacked the ridge", "divisions"),
    ("Col. Ivan Petrov, one of Orlov's regiment commanders, was killed", "commanders"),
    ("About 20 militia fighters (including three officers) were killed", "officers"),
])
def test_participant_nouns_that_only_describe_a_named_actor(clause: str, noise: str) -> None:
    assert noise not in _mentions(clause)[0][1]


def test_the_same_suburb_is_the_place_just_named() -> None:
    got = _mentions("In May, Croat forces took the suburb of Kovaci",
                    "On 1 June, two shells hit a market in Stup, killing nine people",
                    "On 3 July, another shell struck a bread queue in the same suburb")
    assert got[2][0] == ("Stup",)
