"""The named reference of a relative date (ANNOTATION.md rule C): "A week after the
strike" counts from the date of the strike, that is of the latest earlier claim that
mentions it as a noun or a verb ("an air strike", "aircraft had struck").

:func:`reference_lookup` turns the claims dated so far into the lookup that
:func:`kg.extract.dates.date_clause` calls with the noun.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from kg.model import DateValue

MAX_BACK = 60  # claims searched back: a reference further away is not "the" one
# Verb forms English does not build by adding -ed.
_IRREGULAR = {
    "strike": ("struck",), "fall": ("fell", "fallen"), "fight": ("fought",), "meeting": ("met",),
    "withdrawal": ("withdrew", "withdrawn"), "capture": ("captured",), "seizure": ("seized",),
    "surrender": ("surrendered",), "arrival": ("arrived",), "departure": ("departed",), "retreat": ("retreated",),
    "shooting": ("shot",), "sinking": ("sank", "sunk"), "break": ("broke",), "breakthrough": ("broke",),
    "killing": ("killed",), "killings": ("killed",), "speech": ("spoke",), "election": ("elected",),
}


@lru_cache(maxsize=256)
def noun_forms(noun: str) -> re.Pattern[str]:
    """The noun, its plural and its verb forms: strike → strike(s), struck; attack → attacked."""
    noun = noun.lower()
    forms = {noun, noun + "s", noun + "es"}
    stem = noun[:-3] if noun.endswith("ing") and len(noun) > 5 else noun
    if stem.endswith("ation") and len(stem) > 7:
        stem = stem[:-5] + "ate"  # "evacuation" → "evacuate(d)"
    elif stem.endswith("sion") and len(stem) > 6:
        stem = stem[:-4] + "de"  # "explosion" → "explode(d)", "invasion" → "invade(d)"
    forms |= {stem, stem + "d" if stem.endswith("e") else stem + "ed"}
    if re.search(r"[^aeiou][aeiou][bdgmnpt]$", stem) and len(stem) <= 5:
        forms.add(stem + stem[-1] + "ed")  # "bomb" is fine; "ship" → "shipped"
    forms |= set(_IRREGULAR.get(noun, ()))
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, forms), key=len, reverse=True)) + r")\b", re.I)


def reference_lookup(history: Sequence[tuple[str, DateValue | None]]) -> Callable[[str], DateValue | None]:
    """A lookup over the claims so far, (text, date) in article order: noun → the date of
    the latest dated claim that mentions it, else None (the caller falls back on the event)."""

    def lookup(noun: str) -> DateValue | None:
        rx = noun_forms(noun)
        for text, date in reversed(history[-MAX_BACK:]):
            if date is not None and rx.search(text[:2000]):
                return date
        return None

    return lookup
