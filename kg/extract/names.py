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
from collections.abc import Collection

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


def clean_name(text: str) -> str:
    """A name as written, without list marks, footnotes, stray spaces or a final full stop."""
    text = re.sub(r"\[[^\]]*\]", "", text)
    text = re.sub(r"^\s*(?:[*•·\-–]\s+)+", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip(" ,;:").strip()


def strip_article(text: str) -> str:
    """'the Syrian Civil War' → 'Syrian Civil War' (part_of is written without 'the')."""
    return re.sub(r"^the\s+", "", text, flags=re.I)


def _starts_name(token: str) -> bool:
    return bool(token) and (token[0].isupper() or token[0].isdigit()) and token.lower() not in CONNECTORS


def _ends_name(token: str) -> bool:
    return bool(token) and token.lower() not in CONNECTORS and not token.endswith("-")


def split_glued(line: str, known: Collection[str], heads: frozenset[str] = GROUP_HEADS) -> list[str]:
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
        if (head in known and len(tokens[:k]) >= len(tokens[k:])) or (tail in known and len(tokens[k:]) > len(tokens[:k])):
            return split_glued(head, known, heads) + split_glued(tail, known, heads)
    for k in range(1, len(tokens)):
        head, tail = " ".join(tokens[:k]), " ".join(tokens[k:])
        if not (_ends_name(tokens[k - 1]) and _starts_name(tokens[k])) or tokens[k].lower() in heads:
            continue
        if head in known or tail in known:
            return split_glued(head, known, heads) + split_glued(tail, known, heads)
    # 2. a head noun ("Legion", "Governorate") followed by the start of another name
    for k in range(1, len(tokens)):
        prev, nxt = tokens[k - 1], tokens[k]
        if prev.lower().rstrip(",") in heads and _starts_name(nxt) and nxt.lower() not in heads:
            return [" ".join(tokens[:k])] + split_glued(" ".join(tokens[k:]), known, heads)
    # 3. an Arabic name ending in an "al-" word followed by a new capitalised word
    for k in range(1, len(tokens) - 1):
        prev, nxt = tokens[k - 1], tokens[k]
        if _PARTICLE.match(prev) and _starts_name(nxt) and not _PARTICLE.match(nxt) and k >= 2:
            return [" ".join(tokens[:k])] + split_glued(" ".join(tokens[k:]), known, heads)
    return [line]


def split_place(text: str, known: Collection[str]) -> list[str]:
    """Split one infobox place into its chain, innermost first.

    "Idlib Governorate Syria" → ["Idlib Governorate", "Syria"];
    "Deir ez-Zor Deir ez-Zor Governorate Syria" → ["Deir ez-Zor", "Deir ez-Zor Governorate", "Syria"];
    "Stalingrad Russian SFSR Soviet Union" → ["Stalingrad", "Russian SFSR", "Soviet Union"].
    """
    chain: list[str] = []
    for part in (clean_name(p) for p in text.split(",")):
        if part:
            chain.extend(_split_place_part(part, known))
    return chain


def _split_place_part(part: str, known: Collection[str]) -> list[str]:
    tokens = part.split()
    n = len(tokens)
    # a name repeated as the start of its own area: "Deir ez-Zor Deir ez-Zor Governorate"
    for k in range(1, n // 2 + 1):
        if tokens[:k] == tokens[k : 2 * k] and 2 * k < n:
            return [" ".join(tokens[:k])] + _split_place_part(" ".join(tokens[k:]), known)
    pieces = split_glued(part, known, PLACE_HEADS)
    if len(pieces) > 1:
        return [q for p in pieces for q in _split_place_part(p, known)]
    # an area named by a demonym after the place inside it: "Stalingrad Russian SFSR"
    if n >= 3 and tokens[-1].lower() in PLACE_HEADS:
        for k in range(1, n - 1):
            if _DEMONYM.match(tokens[k]) and _starts_name(tokens[k - 1]) and tokens[k - 1].lower() not in PLACE_HEADS:
                return [" ".join(tokens[:k]), " ".join(tokens[k:])]
    return [part]
