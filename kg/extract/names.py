"""Names as infoboxes write them: cleaning, and splitting names that a lost
line break glued together ("Sham Legion Jund al-Aqsa", "Idlib Governorate Syria").

A split is made only where the words on both sides can stand as names: a
known name (the gazetteer: what the infoboxes of the whole build know) at one
side, or a rule of how names in the genre are built (a group's name ends with a
head noun such as "Legion" or "Front"; an Arabic name ends with an "al-" word;
an administrative area ends with "Governorate" or "Province").
"""

from __future__ import annotations

import re
from collections.abc import Container

from kg.extract.countries import COUNTRIES

# Words that join the parts of one name: a split never falls next to them.
CONNECTORS = frozenset(
    "of the and for on de du des la le les di del della da dos das von van der den den y e bin ibn bint abu".split()
)
# Arabic and other articles written glued with a hyphen: "al-Nusra", "ez-Zor".
_PARTICLE = re.compile(r"^(?:al|el|ad|ag|ar|as|ash|at|az|ez|an|ed|es|et|ul|'l)-", re.I)
# Head nouns that end a group's name: "Sham Legion", "Free Syrian Army".
GROUP_HEADS = frozenset(
    """army armies front legion legions movement brigade brigades battalion battalions division divisions corps
    regiment guard guards forces force police militia militias party union council coalition alliance resistance
    committee committees units group organization organisation navy fleet command government emirate
    republic kingdom empire states federation confederation league""".split()
)
# Head nouns that end an administrative area's name: "Idlib Governorate".
PLACE_HEADS = frozenset(
    """governorate province district region oblast krai sfsr ssr county department prefecture canton municipality
    state territory voivodeship raion subdistrict emirate""".split()
)
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ian|ean|ese|ish|ic|i)$")
# Words that describe a force rather than name it: a part made only of these
# ("Defence Force", "Armed Forces") is not a name of its own, so no split leaves one.
GENERIC_WORDS = GROUP_HEADS | frozenset(
    """national defence defense armed air special popular republican royal federal revolutionary democratic
    liberation self-defence self-defense border security presidential naval ground land regional international
    people's peoples people’s
    joint central northern southern eastern western first second third""".split()
)
# Words that open an Arabic group's name: "Liwa Fatemiyoun", "Jaysh al-Islam", "Harakat Hazm".
ARABIC_OPENERS = frozenset(
    "liwa liwaa jaysh jaish harakat harakah kataib kata'ib jabhat ahrar ansar saraya firqat faylaq junud jund tajamu".split()
)
# Articles written apart from their noun: "Jabal al Gharbi", "Ras el Ain".
_LOOSE_PARTICLES = frozenset("al el ad ag ar as ash at az ez an ed es et ul".split())
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{2,}$")
# First words of many two-word place names ("New York", "Khan Shaykhun", "Tel Aviv"):
# such a pair is one place, not a place and the region it lies in.
NAME_STARTERS = frozenset(
    """new san santa santo são sao saint st st. port porto puerto fort mount mont lake el al la le los las rio ras
    tel tell abu khan kafr kfar deir bab bir ain jisr sidi ban cape north south east west upper lower great little
    old buenos ciudad hong kuala addis dar bandar""".split()
)


_FOOTNOTE = re.compile(r"\[[^\]]*\]")
_LIST_MARKS = re.compile(r"^\s*(?:[*•·\-–]\s+)+")
_SPACES = re.compile(r"\s+")
_THE = re.compile(r"^the\s+", re.I)


def clean_name(text: str) -> str:
    """A name as written, without list marks, footnotes, stray spaces or a final full stop."""
    text = _FOOTNOTE.sub("", text)
    text = _LIST_MARKS.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    return text.rstrip(" ,;:").strip()


def strip_article(text: str) -> str:
    """'the Syrian Civil War' → 'Syrian Civil War' (part_of is written without 'the')."""
    return _THE.sub("", text)


def _starts_name(token: str) -> bool:
    if _PARTICLE.match(token) and token.split("-", 1)[1][:1].isupper():
        return True  # "al-Nusra Front" starts a name with its article
    return bool(token) and (token[0].isupper() or token[0].isdigit()) and token.lower() not in CONNECTORS


def _ends_name(token: str) -> bool:
    return bool(token) and token.lower() not in CONNECTORS and not token.endswith("-")


def _stands_alone(part: str) -> bool:
    """Whether a part can be a name by itself: not only generic words ("Defence Force")."""
    return any(t.lower() not in GENERIC_WORDS and t.lower() not in CONNECTORS for t in part.split())


class AnyOf:
    """Membership in any of several sets of names, without copying them into one: a build's
    gazetteer has hundreds of thousands of names, and each union of its sets cost every
    worker process another 10-25 MB at 100 000 articles."""

    __slots__ = ("sets",)

    def __init__(self, *sets: Container[str]) -> None:
        self.sets = sets

    def __contains__(self, name: object) -> bool:
        return any(name in s for s in self.sets)


def split_glued(line: str, known: Container[str], heads: frozenset[str] = GROUP_HEADS) -> list[str]:
    """Split a line into the names a lost line break glued together.

    :param line: one cleaned line, e.g. "Sham Legion Jund al-Aqsa".
    :param known: names known to stand alone elsewhere (the gazetteer).
    :param heads: the head nouns that end a name of this kind.
    :returns: the names, in order; ``[line]`` when no split is justified.
    """
    tokens = line.split()
    if len(tokens) < 2:
        return [line] if line else []
    # 1. a known name at the start or the end, longest first
    for k in sorted(range(1, len(tokens)), key=lambda k: -max(k, len(tokens) - k)):
        head, tail = " ".join(tokens[:k]), " ".join(tokens[k:])
        if not (_ends_name(tokens[k - 1]) and _starts_name(tokens[k])) or tokens[k].lower() in heads:
            continue
        if not (_stands_alone(head) and _stands_alone(tail)):
            continue
        if (head in known and len(tokens[:k]) >= len(tokens[k:])) or (tail in known and len(tokens[k:]) > len(tokens[:k])):
            return split_glued(head, known, heads) + split_glued(tail, known, heads)
    for k in range(1, len(tokens)):
        head, tail = " ".join(tokens[:k]), " ".join(tokens[k:])
        if not (_ends_name(tokens[k - 1]) and _starts_name(tokens[k])) or tokens[k].lower() in heads:
            continue
        if (head in known or tail in known) and _stands_alone(head) and _stands_alone(tail):
            return split_glued(head, known, heads) + split_glued(tail, known, heads)
    # 2. a head noun ("Legion", "Governorate") followed by the start of another name
    for k in range(1, len(tokens)):
        prev, nxt = tokens[k - 1], tokens[k]
        if prev.lower().rstrip(",") in heads and _starts_name(nxt) and nxt.lower() not in heads:
            return [" ".join(tokens[:k])] + split_glued(" ".join(tokens[k:]), known, heads)
    # 3a. a name of several words followed by an "al-" group name with its head noun:
    # "Army of Conquest al-Nusra Front" (but "Ahrar al-Sham Movement" is one name)
    for k in range(2, len(tokens) - 1):
        tail = tokens[k:]
        if (_PARTICLE.match(tokens[k]) and tail[-1].lower() in heads and _ends_name(tokens[k - 1])
                and not _PARTICLE.match(tokens[k - 1]) and tokens[k - 1].lower() not in ARABIC_OPENERS
                and tokens[k - 1][:1].isupper()):
            return split_glued(" ".join(tokens[:k]), known, heads) + split_glued(" ".join(tail), known, heads)
    # 3. an Arabic name ending in an "al-" word followed by a new capitalised word
    for k in range(1, len(tokens) - 1):
        prev, nxt = tokens[k - 1], tokens[k]
        if _PARTICLE.match(prev) and _starts_name(nxt) and not _PARTICLE.match(nxt) and k >= 2:
            return [" ".join(tokens[:k])] + split_glued(" ".join(tokens[k:]), known, heads)
    # 4. a word that opens an Arabic group's name, after a complete name: "Hezbollah Liwa Fatemiyoun"
    # 5. an acronym followed by a name of several words: "MONUSCO East African Community Regional Force"
    for k in range(1, len(tokens)):
        prev, nxt = tokens[k - 1], tokens[k]
        tail = " ".join(tokens[k:])
        if not (_ends_name(prev) and _starts_name(nxt) and _stands_alone(tail)):
            continue
        opener = nxt.lower() in ARABIC_OPENERS and len(tokens) - k >= 2 and prev.lower() not in ARABIC_OPENERS
        acronym = _ACRONYM.match(prev) is not None and len(tokens) - k >= 2 and not _ACRONYM.match(nxt)
        if opener or acronym:
            return split_glued(" ".join(tokens[:k]), known, heads) + split_glued(tail, known, heads)
    return [line]


def split_place(text: str, known: Container[str]) -> list[str]:
    """Split one infobox place into its chain, innermost first.

    "Idlib Governorate Syria" → ["Idlib Governorate", "Syria"];
    "Deir ez-Zor Deir ez-Zor Governorate Syria" → ["Deir ez-Zor", "Deir ez-Zor Governorate", "Syria"];
    "Stalingrad Russian SFSR Soviet Union" → ["Stalingrad", "Russian SFSR", "Soviet Union"].
    """
    chain: list[str] = []
    for part in (clean_name(p) for p in text.split(",")):
        if part:
            chain.extend(_split_place_part(part, known))
    # "L'Aquila Abruzzo Italy": two one-word names before a country are a place and its region
    out: list[str] = []
    for i, part in enumerate(chain):
        tokens = part.split()
        pair = (
            len(tokens) == 2 and i + 1 < len(chain) and chain[i + 1] in COUNTRIES and part not in known
            and all(_starts_name(t) and not _PARTICLE.match(t) and t.lower() not in PLACE_HEADS for t in tokens)
            and tokens[0].lower() not in NAME_STARTERS and not _DEMONYM.match(tokens[0])
        )
        out.extend(tokens if pair else [part])
    return out


def _with_countries(known: Container[str]) -> Container[str]:
    """The known names and the states."""
    return AnyOf(known, COUNTRIES)


def _split_place_part(part: str, known: Container[str]) -> list[str]:
    tokens = part.split()
    n = len(tokens)
    # a name repeated as the start of its own area: "Deir ez-Zor Deir ez-Zor Governorate"
    for k in range(1, n // 2 + 1):
        if tokens[:k] == tokens[k : 2 * k] and 2 * k < n:
            return [" ".join(tokens[:k])] + _split_place_part(" ".join(tokens[k:]), known)
    pieces = split_glued(part, _with_countries(known), PLACE_HEADS)
    if len(pieces) > 1:
        return [q for p in pieces for q in _split_place_part(p, known)]
    # "Mosul Nineveh Governorate": an area's name is the word before its head noun
    # (with the particles bound to it: "Deir ez-Zor"); what comes before lies inside it.
    if n >= 3 and tokens[-1].lower() in PLACE_HEADS:
        start = n - 2
        while start > 0 and (_PARTICLE.match(tokens[start]) or tokens[start][:1].islower()):
            start -= 1
        # "Jabal al Gharbi District": a lowercase particle binds the word before it too
        while start > 1 and tokens[start - 1][:1].islower() and tokens[start - 1].lower() in CONNECTORS | _LOOSE_PARTICLES:
            start -= 2
        inner = " ".join(tokens[:start])
        if start > 0 and _starts_name(tokens[0]) and not _DEMONYM.match(tokens[start]) and inner.lower() not in CONNECTORS:
            return [inner, " ".join(tokens[start:])]
    # an area named by a demonym after the place inside it: "Stalingrad Russian SFSR"
    if n >= 3 and tokens[-1].lower() in PLACE_HEADS:
        for k in range(1, n - 1):
            if _DEMONYM.match(tokens[k]) and _starts_name(tokens[k - 1]) and tokens[k - 1].lower() not in PLACE_HEADS:
                return [" ".join(tokens[:k]), " ".join(tokens[k:])]
    return [part]
