"""Rules F and G as the blind held-out set taught them, in sentences of other wars: landmarks
and neighbourhoods are places, codes a text introduces are groups, demonyms are neither,
"St." belongs to a place, long organisation names stay whole, and "the city" / "the town"
point to the right settlement (kg.extract.mentions)."""

from __future__ import annotations

import pytest

from kg.extract.mentions import find_mentions
from kg.model import EventRecord, Gazetteer

SARAJEVO = EventRecord(label="Siege of Sarajevo", places=("Sarajevo",), located_in=(("Sarajevo", "Bosnia and Herzegovina"),))
NONE = Gazetteer()


def one(clause: str, event: EventRecord = SARAJEVO) -> tuple[set[str], set[str]]:
    places, actors = find_mentions([clause], event, NONE)[0]
    return set(places), set(actors)


@pytest.mark.parametrize(
    ("clause", "places", "actors"),
    [
        pytest.param("On 9 November, Croat artillery destroyed the Old Bridge of Mostar", {"Old Bridge of Mostar"}, set(),
                     id="landmark with 'of'"),
        pytest.param("Militiamen looted the Zemaljski Museum", {"Zemaljski Museum"}, {"militiamen"},
                     id="landmark ending in its generic"),
        pytest.param("Snipers fired on the Kosevo hospital", {"Kosevo hospital"}, {"snipers"}, id="lowercase generic"),
        pytest.param("A shell hit the Dobrinja neighbourhood of western Sarajevo", {"Dobrinja", "Sarajevo"}, set(),
                     id="the X neighbourhood of Y"),
        pytest.param("Villages in the Drina valley, such as Zepa and Cerska, were burned", {"Drina valley", "Zepa", "Cerska"},
                     set(), id="such as after a plural place noun"),
        pytest.param("The brigade captured Kiseljak and nearby Busovaca", {"Kiseljak", "Busovaca"}, set(),
                     id="nearby in a list of places"),
        pytest.param("The army entered Tuzla, the capital of the Tuzla Canton", {"Tuzla", "Tuzla Canton"}, {"army"},
                     id="the capital of X"),
        pytest.param("On 2 May, the 3rd Corps withdrew from St. Vith", {"St. Vith"}, {"3rd Corps"}, id="St. is part of a place"),
        pytest.param("The regiment under Brig. Gen. John Hale held the ridge", set(), {"John Hale"},
                     id="Brig. Gen. is a title"),
        pytest.param("The government said that Ugandan troops had crossed the border", set(), {"troops"},
                     id="a state's demonym is no actor"),
        pytest.param("The army shelled Brod, a Serb town on the river", {"Brod"}, {"army"}, id="a demonym before 'town' is no place"),
        pytest.param("The Committee for Truth and Reconciliation questioned the officers", set(),
                     {"Committee for Truth and Reconciliation"}, id="organisation 'for' name stays whole"),
        pytest.param("The Front for the Defence of the Revolution organised a strike", set(),
                     {"Front for the Defence of the Revolution"}, id="organisation 'for the ... of the' name"),
        pytest.param("Troops of the Southern African Development Community arrived", set(),
                     {"troops", "Southern African Development Community"}, id="a regional adjective inside a name"),
        pytest.param("The 2nd Battalion of Hale's brigade crossed the river", set(), {"2nd Battalion", "Hale"},
                     id="'of' before an owner's name splits"),
    ],
)
def test_places_and_actors(clause: str, places: set[str], actors: set[str]) -> None:
    got_places, got_actors = one(clause)
    assert got_places == places
    assert actors <= got_actors


def test_introduced_code_with_digits_is_a_group() -> None:
    clauses = ["The 6 October Movement (O6) was founded in 1990", "On 3 May, the O6 captured Zvornik",
               "Two T-72 tanks were lost"]
    out = find_mentions(clauses, SARAJEVO, NONE)
    assert "O6" in out[1][1]
    assert not any("72" in a for a in out[2][1])


def test_the_city_and_the_town() -> None:
    clauses = [
        "Serb forces also shelled the ancient city of Jajce",
        "On 4 May, the army cut the last road into Sarajevo",
        "By June, snipers controlled the hills above the city",
        "On 9 June, Bosnian forces retook Visoko",
        "the militia burned houses around the town as they withdrew",
        "the UN said that the city itself remained encircled",
    ]
    out = find_mentions(clauses, SARAJEVO, NONE)
    assert "Sarajevo" in out[2][0]  # not the aside named as "the ancient city of" before
    assert "Visoko" in out[4][0]  # "the town": the place of the clause before
    assert "Sarajevo" in out[5][0]  # "the city": the event's own, not the town just named
