"""IRIs minted from names: always valid IRIs (pyoxigraph refuses anything else), stable, readable."""

from __future__ import annotations

import pytest

from kg.map import Minter

MINTER = Minter("https://w3id.org/chronicon/id/")
NAMES = [
    ("Syrian Arab Army", "agent/syrian_arab_army"),
    ("Ḥayʼat Taḥrīr al-Shām", "agent/ḥayʼat_taḥrīr_al-shām"),  # letters outside ASCII stay
    ("Battle of Aleppo (2012–2016)", "agent/battle_of_aleppo_(2012–2016)"),
    ('Hezbollah "Radwan" [unit]', "agent/hezbollah_%22radwan%22_%5Bunit%5D"),
    ("a/b?c#d", "agent/a%2Fb%3Fc%23d"),
    ("..", "agent/%2E%2E"),
    ("\U0002fffe", "agent/%F0%AF%BF%BE"),  # a noncharacter: not an IRI code point
    ("x\ue000y", "agent/x%EE%80%80y"),  # private use
    ("x\ufdd0y", "agent/x%EF%B7%90y"),
]


@pytest.mark.parametrize(("name", "path"), NAMES, ids=[repr(n) for n, _ in NAMES])
def test_agent_iri_is_valid_and_readable(name: str, path: str) -> None:
    assert MINTER.agent(name).value == "https://w3id.org/chronicon/id/" + path


def test_case_and_composition_variants_are_one_node() -> None:
    assert MINTER.place("Caf\u00e9 Town") == MINTER.place("CAFE\u0301 town")
