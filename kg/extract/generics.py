"""Generic place words after a name (ANNOTATION.md rule F), for :mod:`kg.extract.mentions`:
"X checkpoint" → "X checkpoint", "Baboulin town" → "Baboulin", "the Khazanat Army base" →
"Khazanat base" (and the Army acts).

Split from :mod:`kg.extract.mentions`. A name's own tokens and the three after it decide,
so each name is read once, when its clause is parsed.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.extract import aliases as V
from kg.extract.discourse import singular
from kg.extract.namespans import _ACRONYM, Span, _HasToks, _person_like

# Landmarks: a name with one of these words is a place ("Temple of Bel", "Mosul Museum",
# "Great Mosque of al-Nuri"), never a group.
LANDMARKS = V._words("temple mosque church cathedral museum hospital university bridge dam airport palace castle "
                     "citadel square market stadium prison theatre theater monastery shrine tomb fortress "
                     "neighbourhood neighborhood district quarter")
GENERICS = V.PLACE_KEEP | V.PLACE_DROP
_DROP_OR_LANDMARK = V.PLACE_DROP | LANDMARKS
_NOT_BEFORE_GENERIC = V.FOLLOW_PLACE | V.FUNCTION_WORDS  # words that end the search for a generic
# Every lowercase word whose singular is a generic place word ("base", "bases", "cities"),
# so that one set lookup answers singular(w) in PLACE_KEEP | PLACE_DROP.
_GENERIC_FORMS = frozenset(
    w for g in GENERICS for w in (g, g + "s", g[:-1] + "ies") if singular(w) in GENERICS
)


@dataclass
class Generic:
    """A generic word after a name: "the Khazanat Army base" → label "Khazanat base", actor
    "Army", type "base"; `shared` is the generic a plural lends the name before it ("the
    Wadi Deif and Hamidiyah army bases"), None after a singular."""

    label: str
    actor: str
    type: str
    shared: str | None


def generic_after(c: _HasToks, s: Span) -> Generic | None:
    """"X checkpoint", "the Khazanat fueling base", "the Wadi Deif and Hamidiyah army bases":
    the generic place word after the name s in clause c, if any."""
    toks = c.toks
    if all(t.low not in _GENERIC_FORMS for t in toks[s.j : s.j + 3]):
        return None  # no generic word within reach: most names, answered first
    name_toks = toks[s.i : s.j]
    if name_toks[-1].poss or _person_like(name_toks) or s.label.lower() in V.ACTOR_ALIASES:
        return None  # "the Allied infantry squares" are troops
    actor_word = ""
    if len(name_toks) > 1 and name_toks[-1].low in V.ACTOR_HEADS:
        actor_word = name_toks[-1].text  # "the Khazanat Army base": the Army acts, Khazanat is the base
        name_toks = name_toks[:-1]
    # A group's acronym owns what follows it: "the CTS fought street by street" names no
    # street, and "a GNA checkpoint" is one of the group's, no place name (rule F).
    acronym = bool(_ACRONYM.fullmatch(s.label))
    if acronym and s.i and toks[s.i - 1].low in {"a", "an"}:
        return None
    for k in range(s.j, min(s.j + (1 if acronym else 3), len(toks))):
        w = toks[k].low
        if w in _GENERIC_FORMS:
            generic = singular(w)
            if (k + 1 < len(toks) and toks[k + 1].low == "of" and generic not in _DROP_OR_LANDMARK) or not toks[k].text.islower():
                return None  # "the Union garrison of Harpers Ferry"; but "the X neighbourhood of Mosul"
            if all(V.is_nationality(t.text) or t.low in V.ACTOR_HEADS for t in name_toks) and (
                actor_word or any(t.low in V.ACTOR_HEADS for t in name_toks)
            ):
                return None  # "Syrian Army checkpoints": the group's, not a named place
            name = c.text[name_toks[0].start : name_toks[-1].end]
            label = name if generic in V.PLACE_DROP else f"{name} {singular(toks[k].text)}"
            between = [toks[x] for x in range(s.j, k)]
            actor = actor_word or next((x.text for x in between if x.low == "army"), "")
            return Generic(label, actor, generic, singular(toks[k].text) if w.endswith("s") else None)
        if actor_word or not (w.isalpha() and toks[k].text.islower()) or w in _NOT_BEFORE_GENERIC or w.endswith("ed"):
            if w != "army":
                break
    return None
