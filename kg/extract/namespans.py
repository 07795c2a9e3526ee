"""Capitalised names in a clause's tokens, for :mod:`kg.extract.mentions` (rules F, G):
"Maaret al-Numan", "Joseph K. F. Mansfield", "13th Guards Rifle Division", "St. Vith",
"National Commission for the Forecast and Prevention of Major Risks".

Split from :mod:`kg.extract.mentions`. Every scan is bounded by the clause's tokens and
moves forward only, so a clause is read in linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from kg.extract import aliases as V
from kg.extract.countries import COUNTRIES
from kg.extract.discourse import Tok

_CONNECT = frozenset("of de du des del della dos das von van der den la le al el bin ibn bint wad ould da di y".split())
# "Bosnia and Herzegovina", "Trinidad and Tobago": the "and" inside a state's name joins.
_AND_PAIRS = frozenset(
    (a.split()[-1].lower(), b.split()[0].lower()) for c in COUNTRIES if " and " in c for a, b in [c.split(" and ", 1)]
)
_DASHES = frozenset("–—")
_ACRONYM = re.compile(r"[A-Z][A-Z.]{1,7}(?:/[A-Z]{2,6})?")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)")  # "13th Guards Rifle Division", "German 6th Army"
_APOSTROPHES_AND_HYPHEN = frozenset("'’-")
_WORDS = re.compile(r"\w+")


@dataclass
class Span:
    i: int  # first token
    j: int  # one past the last token
    label: str = ""
    kind: str | None = None  # from the gazetteer, or "shared:<generic>"
    initial: bool = False  # opens the clause: "Rebels", "Turnout" may be common words


# Abbreviations that open place names: "St. Vith", "Mt. Suribachi", "Ft. Sumter".
PLACE_ABBREVIATIONS = frozenset({"st", "ste", "mt", "ft", "pt"})
# Heads of organisation names that go on with "for the ...": "Syrian Observatory for Human
# Rights", "National Commission for the Forecast and Prevention of Major Risks".
ORG_HEADS = frozenset("commission association observatory committee council institute society foundation "
                       "office centre center fund front movement league union organisation organization "
                       "agency ministry coalition alliance party authority board community tribunal court mission".split())


def place_abbreviation(toks: list[Tok]) -> bool:
    """Whether a name opens with "St." or the like: a place, not a titled person."""
    return len(toks) > 2 and toks[0].low in PLACE_ABBREVIATIONS and toks[1].text == "."


def _person_like(toks: list[Tok]) -> bool:
    """A title or initials: "Col. Afif al-Suleimani", "Joseph K. F. Mansfield"."""
    if place_abbreviation(toks):
        return False
    return bool(toks) and (any(t.text == "." or t.low in V.TITLES for t in toks[:-1]) or toks[-1].text == ".")


def span_at(toks: list[Tok], i: int, known: frozenset[str] = frozenset()) -> Span | None:
    """The capitalised name that starts at token i, if any (`known`: names with digits the
    text introduced, like an acronym "(M23)")."""
    t = toks[i]
    if not _may_open(t.text):
        return None  # most tokens: the cheap test spares the rest (called once per token)
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    initial = len(t.text) == 1 and t.text.isupper() and nxt is not None and nxt.text == "."
    if _ORDINAL.fullmatch(t.low):
        if not (nxt and nxt.cap):
            return None
    elif not t.cap or (t.low in V.FUNCTION_WORDS and not initial):
        return None
    elif _has_digit(t.text) and not (nxt and nxt.low in V.PLACE_KEEP) and t.text not in known:
        return None  # "MiG-23": a model, unless a generic follows ("M-5 highway") or the text named it
    j = i + 1
    org_for = False  # inside "... Commission for the X": "and" may join two capitalised words
    while j < len(toks) and not toks[j - 1].poss:
        nxt, prev = toks[j], toks[j - 1]
        if nxt.text == "." and prev.text[:1].isupper() and (
            len(prev.text) <= 3 and (len(prev.text) == 1 or prev.low not in V.FUNCTION_WORDS)
            or prev.low in V.TITLES or prev.low + "." in V.TITLES
        ):
            j += 1  # an initial or a title: "J.", "O'B.", "Col.", "Brig."
        elif nxt.low == "for" and prev.low in ORG_HEADS and j + 2 < len(toks):
            k = j + 2 if toks[j + 1].low == "the" else j + 1
            if toks[k].low == "former" and k + 1 < len(toks):
                k += 1  # "International Criminal Tribunal for the former Yugoslavia"
            if not (toks[k].cap and toks[k].low not in V.FUNCTION_WORDS):
                break
            j, org_for = k, True
        elif nxt.low == "and" and org_for and j + 1 < len(toks) and toks[j + 1].cap and toks[j + 1].low not in V.FUNCTION_WORDS:
            j += 1
        elif nxt.cap and (nxt.low not in V.FUNCTION_WORDS or _initial(toks, j)) and not _has_digit(nxt.text):
            j += 1  # "Col. H. A. MacDonald": "A." is an initial here
        elif nxt.low == "and" and j + 1 < len(toks) and (prev.low, toks[j + 1].low) in _AND_PAIRS:
            j += 1  # "Bosnia and Herzegovina"
        elif (nxt.text in _DASHES and j + 1 < len(toks) and nxt.start == prev.end and toks[j + 1].start == nxt.end
              and toks[j + 1].cap and prev.cap):
            j += 1  # "the Vance–Owen plan", "Molotov–Ribbentrop Pact": one compound name
        elif _ORDINAL.fullmatch(nxt.low) and j + 1 < len(toks) and toks[j + 1].cap:
            j += 1  # "German 6th Army"
        elif nxt.text == '"' and j + 3 < len(toks) and toks[j + 1].cap and toks[j + 2].text == '"' and toks[j + 3].cap:
            j += 3  # Thomas J. "Stonewall" Jackson
        elif nxt.low in _CONNECT and j + 1 < len(toks) and toks[j + 1].cap and toks[j + 1].low not in V.FUNCTION_WORDS:
            if toks[j + 1].poss:
                break  # "the 4th Armored Division of Patton's Third Army": the owner is a name of its own
            j += 1
        elif org_for and nxt.low in {"of", "and"} and j + 2 < len(toks) and toks[j + 1].low == "the" and toks[j + 2].cap:
            j += 2  # "National Congress for the Defence of the People"
        elif nxt.text.isdigit() and j - i == 1 and not _ACRONYM.fullmatch(prev.text):
            j += 1  # "Observatory 45"
            break
        else:
            break
    dotted = j - i >= 4 and all(len(t.text) == 1 and (t.text == "." if n % 2 else t.text.isupper())
                                for n, t in enumerate(toks[i:j]))
    if dotted:
        return Span(i, j)  # "U.N.", "U.S.": the abbreviation keeps its last full stop
    while j > i + 1 and toks[j - 1].text in {".", '"'} | _CONNECT and not (
        toks[j - 1].text == "." and len(toks[j - 2].text) <= 3 and toks[j - 2].text[:1].isupper()
        and j < len(toks) and toks[j].cap
    ):
        j -= 1
    if toks[j - 1].text == "." and j - i > 1 and len(toks[j - 2].text) > 1:
        j -= 1
    return Span(i, j)


def _may_open(text: str) -> bool:
    """Whether a token may open a name at all: an ordinal starts with a digit, and a token
    is :attr:`~kg.extract.discourse.Tok.cap` only with a capital first or as a particle
    ("al-Nusra", "d'Erlon": a, e, d or l, then an apostrophe or hyphen). A superset of
    both, cheaper than either test."""
    first = text[0]
    return first.isupper() or first.isdigit() or (first in "aedl" and not _APOSTROPHES_AND_HYPHEN.isdisjoint(text[1:4]))


def _has_digit(text: str) -> bool:
    # A word of letters alone has no digit: the common case, answered without a loop.
    return not text.isalpha() and any(ch.isdigit() for ch in text)


def _initial(toks: list[Tok], j: int) -> bool:
    """A capital letter alone with its full stop: "A." in "H. A. MacDonald"."""
    return len(toks[j].text) == 1 and j + 2 < len(toks) and toks[j + 1].text == "." and toks[j + 2].cap


class _HasToks(Protocol):
    text: str
    toks: list[Tok]


def _in_gloss(c: _HasToks, s: Span) -> bool:
    """Inside a gloss ("(Armenian: Քեսապ)"), an acronym's parentheses ("(GNA)") or a quoted
    phrase of running words ("La Garde recule!"): not a mention of its own."""
    toks = c.toks
    if s.i and toks[s.i - 1].text == "(" and s.j < len(toks) and toks[s.j].text in {")", ":"}:
        return True
    start = toks[s.i].start
    if c.text.count('"', 0, start) % 2 == 0:  # counted in place: no copy of the clause's start
        return False
    end = c.text.find('"', toks[s.j - 1].end)
    quoted = c.text[c.text.rfind('"', 0, start) + 1 : end if end >= 0 else len(c.text)]
    return any(w.islower() for w in _WORDS.findall(quoted))
