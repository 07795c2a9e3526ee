"""Canned queries: each has a header, parses, runs on the seeds and answers its question."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import QueryError, QueryNotFound
from kg.queries import bind_params, get_query, load_queries
from kg.run import execute
from kg.store import open_read

ID = "https://w3id.org/chronicon/id/"
QUERIES = load_queries()
# Federated queries need the operator to allow a SERVICE: they are run elsewhere.
LOCAL = sorted(n for n, q in QUERIES.items() if "SERVICE" not in q.text.upper())


def rows(store: ox.Store, name: str, **params: str) -> list[dict[str, str]]:
    query = get_query(name)
    result = execute(store, query.text, bind_params(query, params))
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def test_there_are_at_least_six_canned_queries() -> None:
    assert len(QUERIES) >= 6


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_has_a_title_a_description_and_declared_parameters(name: str) -> None:
    query = QUERIES[name]
    assert query.title and query.title != name
    assert query.description
    for param in query.params:
        assert f"?{param.name}" in query.text, f"{name}: parameter {param.name} is not a variable of the query"


@pytest.mark.parametrize("name", LOCAL)
def test_every_local_query_runs_on_the_seeds(seed_store: Path, name: str) -> None:
    store = open_read(seed_store)
    query = QUERIES[name]
    params = {p.name: {"event": ID + "event/2014_idlib_offensive", "place": ID + "place/syria"}.get(p.name, "x")
              for p in query.params}
    assert isinstance(rows(store, name, **params), list)


def test_event_timeline_lists_the_claims_of_the_event_in_date_order(seed_store: Path) -> None:
    got = rows(open_read(seed_store), "event-timeline", event=ID + "event/2014_idlib_offensive")
    assert len(got) >= 30
    assert got[0]["text"].startswith("The rebels began the operation")
    dates = [r["date"] for r in got if "date" in r]
    assert dates == sorted(dates)
    assert {r["event"] for r in got} == {ID + "event/2014_idlib_offensive"}


def test_participants_by_side_groups_members_and_units(seed_store: Path) -> None:
    got = rows(open_read(seed_store), "participants-by-side", event=ID + "event/2014_idlib_offensive")
    sides: dict[str, set[str]] = {}
    for r in got:
        sides.setdefault(r["side"], set()).add(r["memberLabel"])
    assert sorted(map(len, sides.values())) == [1, 7]
    republic = next(r for r in got if r["memberLabel"] == "Syrian Arab Republic")
    assert set(republic["units"].split(", ")) == {"Syrian Armed Forces", "National Defense Force"}


def test_events_in_place_follows_the_places_inside_it(seed_store: Path) -> None:
    got = rows(open_read(seed_store), "events-in-place", place=ID + "place/syria")
    labels = {r["eventLabel"] for r in got}
    assert {"2014 Idlib offensive", "Battle of Aleppo (2012–2016)", "Siege of Deir ez-Zor (2014–2017)"} <= labels
    assert "Battle of Waterloo" not in labels


def test_events_lists_every_article_event_and_not_the_larger_conflicts(seed_store: Path) -> None:
    got = rows(open_read(seed_store), "events")
    assert len(got) == 11
    assert "Syrian civil war" not in {r["label"] for r in got}


def test_wikidata_links_lists_events_agents_and_places(seed_store: Path) -> None:
    got = rows(open_read(seed_store), "wikidata-links")
    assert {r["type"] for r in got} == {"Event", "Agent", "Place"}
    order = [(r["type"], r["label"]) for r in got]
    assert order == sorted(order)  # the short sort key changes nothing in the order


IDLIB = ID + "event/2014_idlib_offensive"


@pytest.mark.parametrize("name", ["casualties-by-side", "disputed-claims"])
def test_event_parameter_is_optional_and_bound_gives_that_event_only(seed_store: Path, name: str) -> None:
    store = open_read(seed_store)
    every = rows(store, name)
    assert len({r["event"] for r in every}) >= 2  # unbound: the whole graph
    one = rows(store, name, event=IDLIB)
    assert one and {r["event"] for r in one} == {IDLIB}
    key = sorted(tuple(sorted(r.items())) for r in one)
    assert key == sorted(tuple(sorted(r.items())) for r in every if r["event"] == IDLIB)
    assert rows(store, name, event=ID + "event/no_such_event") == []


def test_casualties_by_side_sums_each_sources_figures(seed_store: Path) -> None:
    got = rows(open_read(seed_store), "casualties-by-side", event=IDLIB)
    assert all(int(r["figures"]) >= 1 and 0 <= int(r["vague"]) <= int(r["figures"]) for r in got)
    events = [r["event"] for r in rows(open_read(seed_store), "casualties-by-side")]
    assert events == sorted(events, key=lambda e: (e.rsplit("/event/", 1)[-1][:15], e))  # each event's rows together


def test_claims_by_source_gives_each_source_one_row_per_stance(seed_store: Path) -> None:
    got = rows(open_read(seed_store), "claims-by-source")
    pairs = [(r["source"], r["stance"]) for r in got]
    assert got and len(pairs) == len(set(pairs))
    counts = [int(r["claims"]) for r in got]
    assert counts == sorted(counts, reverse=True)


def test_parameters_are_bound_as_terms_never_pasted(seed_store: Path) -> None:
    query = get_query("event-timeline")
    with pytest.raises(QueryError):
        bind_params(query, {"event": "x> } ; DROP ALL ; #"})
    with pytest.raises(QueryError):
        bind_params(query, {"nope": "1"})
    with pytest.raises(QueryError):
        bind_params(query, {"event": ID + 'x" } UNION { ?s ?p ?o } #'})
    # an IRI that is valid but names nothing is just a term: no rows, no error
    assert rows(open_read(seed_store), "event-timeline", event=ID + "x%22%7D") == []


@pytest.mark.parametrize("name", ["../etc/passwd", "..%2F..", "NOPE", "does-not-exist"])
def test_unknown_or_hostile_names_are_not_found(name: str) -> None:
    with pytest.raises(QueryNotFound):
        get_query(name)
