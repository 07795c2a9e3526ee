"""Which date expression is a clause's own (ANNOTATION.md rule C): its first main
happening's. A date after a coordinator ("..., and on 18 June Napoleon delayed"), in a
relative clause (", which began in 1963") or in a participle that modifies a noun ("from
an agreement signed on 23 March 2009") dates something else; it still moves the cursor.

Split from :mod:`kg.extract.dates`, which re-exports these names. Regexes are linear and
every search runs on a bounded window before the date.
"""

from __future__ import annotations

import re

# ", which began in 1963": a bare year in a relative clause is background, not the narrative's time.
_IN_RELATIVE_CLAUSE = re.compile(r",\s+(?:which|who|whose|where)\b[^,;]*$")
# A date right after a coordinator dates a second happening, not the clause's first.
_AFTER_COORDINATOR = re.compile(r"(?:,\s*|\b)(?:and|but|while|whereas|then)(?:\s+then)?\s*,?\s*$", re.I)
_MAIN_BOUNDARY = re.compile(r",\s+(?:and|but|while|whereas)\s+", re.I)
_VERBISH = re.compile(
    r"\b(?:[a-z]{2,}ed|was|were|had|has|took|began|fell|left|met|made|won|lost|fought|came|went|ran|held|"
    r"led|saw|gave|got|struck|drove|broke|overran|withdrew|sent|became|rose|shot|hit|set|cut|put|told|"
    r"brought|caught|built|sought|stood|kept|began|spread|swept|flew|fled|bombed|would|could|should|will|"
    r"can|might|must|did|is|are|be|been)\b")


# What may stand between a coordinator and its date: "and on the morning of 18 June".
_DATE_PREFIX = re.compile(
    r"(?:\b(?:on|at|by|from|in|early|late|(?:at|before|after|around)\s+(?:dawn|dusk|noon|midnight|daybreak)"
    r"(?:\s+on)?|(?:on|during)\s+the\s+(?:morning|night|evening|afternoon)\s+of)\s+)+$", re.I)


def in_relative_clause(text: str, start: int) -> bool:
    """Whether the date at `start` stands in a ', which/who ...' clause: a background happening."""
    return bool(_IN_RELATIVE_CLAUSE.search(text, max(0, start - 120), start))


def is_secondary(text: str, start: int) -> bool:
    """Whether the date at `start` belongs to a later main happening of the clause."""
    before = text[max(0, start - 80):start]
    prefix = _DATE_PREFIX.search(before)
    if _AFTER_COORDINATOR.search((before[:prefix.start()] if prefix else before)[-40:]):
        return True
    boundary = None
    for b in _MAIN_BOUNDARY.finditer(text, 0, start):
        boundary = b
    return boundary is not None and bool(_VERBISH.search(text, boundary.end(), start))


# "from a peace agreement signed on 23 March 2009": a participle after an object's noun
# dates that noun, not the clause's main happening.
_MODIFIER = re.compile(
    r"\b(?:from|of|to|with|by|for|under|into|over|against|through|like)\s+(?:an?|the|its|their|his|her)\s+"
    r"(?:[\w-]+\s+){0,3}?(?!(?:was|were|had|has|is|are|been|being|be)\s)[a-z][\w-]*\s+(?:[a-z]+ed|held|fought|won|lost|built|made|signed|taken|written|"
    r"given|struck|brokered|begun)\s+$")


def in_modifier(text: str, start: int) -> bool:
    """Whether the date at `start` dates a noun phrase's participle, not the clause's verb."""
    before = text[max(0, start - 120):start]
    prefix = _DATE_PREFIX.search(before)
    head = before[:prefix.start()] if prefix else before
    m = _MODIFIER.search(head[-100:]) if head.endswith(" ") else None
    if m is None:
        return False
    # "the crater lake of the volcano collapsed on 30 October": the "of" phrase belongs to
    # the clause's subject, a bare noun phrase, so the "participle" is its main verb.
    at = max(0, start - 120) + len(head) - len(head[-100:]) + m.start()
    return not (m.group().lower().startswith("of ") and _SUBJECT_NP.search(text, max(0, at - 80), at))


_SUBJECT_NP = re.compile(r"(?:^|,\s*)(?:[Tt]he|[Aa]n?|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er)\s+(?:[a-z][\w-]*\s+){0,3}$")
