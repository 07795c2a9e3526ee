"""Names typed by title, adjectives of nationality and things named like groups (rules F, G),
in sentences of other wars."""

from __future__ import annotations

import pytest

from kg.extract.aliases import is_nationality
from kg.extract.mentions import find_mentions
from kg.model import EventRecord, Gazetteer

EVENT = EventRecord("Battle of Testfield")


def _mentions(*clauses: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    return find_mentions(list(clauses), EVENT, Gazetteer())


def test_a_titled_name_is_a_person_in_the_whole_article() -> None:
    got = _mentions("In May, Lt. Gen. Arthur Percival took command of the garrison",
                    "A messenger reported to Percival that the Japanese had crossed the strait",
                    "That evening, Percival reached Keppel Harbour")
    assert "Arthur Percival" in got[0][1]
    assert "Percival" in got[1][1] and "Percival" not in got[1][0]
    assert "Percival" in got[2][1] and "Percival" not in got[2][0]


CASES = [
    ("Armed Croat volunteers blocked the road into Mostar", "volunteers", "Armed Croat"),
    ("The Anglo-Portuguese army of about 40,000 men crossed the Douro", "army", "Anglo-Portuguese"),
    ("At dawn, Bosnian Croat forces shelled the bridge at Stolac", "forces", "Croat"),
    ("The Rapid Intervention Force, with Dutch and Belgian artillery, took up positions on the ridge",
     "Rapid Intervention Force", "Dutch"),
    ("They were driven back by Gatling guns and rifle fire", None, "Gatling"),
    ("Three of its officers later received the Military Cross", None, "Military Cross"),
    ("The storm reached Category 4 intensity on 3 September", None, "Category 4"),
    ("A Nationalist army under Gen. Li Mi crossed the river", "army", "Nationalist"),
]


@pytest.mark.parametrize(("clause", "want", "not_want"), CASES, ids=[c[0][:40] for c in CASES])
def test_adjectives_and_things_are_not_actors(clause: str, want: str | None, not_want: str) -> None:
    places, actors = _mentions(clause)[0]
    assert not_want not in actors and not_want not in places
    if want:
        assert want in actors


def test_a_group_before_a_weapon_is_still_the_group() -> None:
    places, actors = _mentions("Later that day, NATO aircraft bombed the depot near Banja Luka")[0]
    assert "NATO" in actors


@pytest.mark.parametrize(("word", "expected"), [("Anglo-Egyptian", True), ("Franco-Spanish", True),
                                                ("Sarajevo-Romanija", False), ("al-Nusra", False), ("Baathist", True)])
def test_compound_and_affiliation_adjectives(word: str, expected: bool) -> None:
    assert is_nationality(word) is expected
