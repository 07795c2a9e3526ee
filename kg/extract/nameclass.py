"""Cues that type a capitalised name whatever its context says (rules F, G).

- A name introduced after a title ("Maj. Gen. Herbert Kitchener", "Col. Ann Reyes") is
  a person in the whole article, its surname alone too: "reported to Kitchener" names no
  place, though a town may share the name.
- An adjective of nationality or affiliation before a noun ("Bosnian Serb leader",
  "Armed Serb volunteers", "British and French artillery", "a French UNPROFOR vehicle")
  is no actor and no place.
- Things named like groups that are no actors: weapons ("Maxim guns", "Javelin
  anti-tank missiles"), decorations ("received the Victoria Cross") and storm categories.

Split from :mod:`kg.extract.mentions`; each test reads a few tokens around the name.
"""

from __future__ import annotations

from kg.extract import aliases as V
from kg.extract.discourse import Tok

_WEAPONS = V._words("gun guns rifle rifles missile missiles rocket rockets tank tanks howitzer howitzers mortar "
                    "mortars cannon cannons launcher launchers aircraft jet jets bomber bombers fighter-bomber "
                    "helicopter helicopters drone drones machine-gun machine-guns anti-tank anti-aircraft shells "
                    "grenade grenades carbine carbines pistol pistols")
_AWARD_VERBS = V._words("received awarded won earned conferred")


def titled_names(toks: list[Tok], i: int, j: int) -> tuple[str, ...]:
    """The person's name and surname where the span toks[i:j] opens with a title or follows
    one ("Gen. Ratko Mladić" → "Ratko Mladić", "Mladić"); else ()."""
    k = i
    while k < j and (toks[k].low in V.TITLES or toks[k].text == "."):
        k += 1
    titled = k > i or (i > 0 and (toks[i - 1].low in V.TITLES or toks[i - 1].low == ".") and (toks[i - 1].text != "." or i > 1 and toks[i - 2].low in V.TITLES))
    if not titled:
        return ()  # most names: no title in or before them
    rest = [t for t in toks[k:j] if t.text != "."]
    if not rest or any(V.is_nationality(t.text) or t.low in V.ACTOR_HEADS for t in rest):
        return ()
    full = " ".join(t.text for t in rest)
    return (full, rest[-1].text) if len(rest) > 1 and len(rest[-1].text) > 2 else (full,)


def adjective_not_name(toks: list[Tok], i: int, j: int) -> bool:
    """Whether the span toks[i:j] is an adjective of nationality or affiliation before a noun,
    another name or a coordinated adjective ("British and French artillery")."""
    last = toks[j - 1]
    if not V.is_nationality(last.text) or last.poss:
        return False
    nxt = toks[j] if j < len(toks) else None
    if nxt is None:
        return False
    if j - i > 1 and nxt.text.isalpha() and nxt.text.islower() and nxt.low not in V.FOLLOW_PLACE:
        return True  # "Armed Serb volunteers", "Bosnian Serb leader"
    if j - i == 1 and nxt.cap and nxt.text.isalpha() and nxt.low not in V.FUNCTION_WORDS:
        return True  # "a French UNPROFOR vehicle"
    after = toks[j + 1] if j + 1 < len(toks) else None
    return nxt.low in {"and", "or"} and after is not None and V.is_nationality(after.text) and (
        j + 2 < len(toks) and toks[j + 2].text.islower())


def not_an_actor(toks: list[Tok], i: int, j: int) -> bool:
    """A weapon, a decoration or a storm category named like a group."""
    nxt = toks[j].low if j < len(toks) else ""
    # The cheap tests on the next word first: most names are followed by no weapon and no noun.
    if nxt in _WEAPONS and toks[j].text.islower() and not any(
        t.text.isupper() or t.low in V.ACTOR_ALIASES or t.low in V.ACTOR_HEADS for t in toks[i:j]
    ):
        return True  # "Maxim guns", "four Javelin anti-tank missiles"
    if nxt.isalpha() and toks[j].text.islower() and any(t.text in "–—" for t in toks[i:j]):
        return True  # "the Vance–Owen peace plan": a compound of names before a noun names the thing
    if toks[i].low == "category":
        return True
    return i >= 2 and toks[i - 1].low == "the" and toks[i - 2].low in _AWARD_VERBS
