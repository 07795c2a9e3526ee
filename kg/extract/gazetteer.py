"""The gazetteer: names that the infoboxes of the whole build know.

Built in a first pass over every article, before any article is extracted, so
that one article's extraction can use what the others know: a group that stands
alone on a line in one infobox splits a line where it was glued to another name
in the next, and a place named in one infobox is recognised in another's text.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.extract.infobox import extract_event
from kg.extract.names import split_place
from kg.model import Article, Gazetteer


def build_gazetteer(articles: Iterable[Article]) -> Gazetteer:
    """Collect agent, place and event names from every article's infobox."""
    agents: set[str] = set()
    places: set[str] = set()
    events: set[str] = set()
    empty = Gazetteer()
    for article in articles:
        event = extract_event(article, empty)
        events.add(event.label)
        if event.part_of:
            events.add(event.part_of)
        for side in event.sides:
            agents.update(side)
        for unit, parent in event.units:
            agents.update((unit, parent))
        for entry in article.places:
            places.update(split_place(entry, empty.places))
        places.update(event.places)
        for inner, outer in event.located_in:
            places.update((inner, outer))
    return Gazetteer(frozenset(agents), frozenset(places), frozenset(events))
