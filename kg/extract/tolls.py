"""Toll phrases and outcomes around a casualty figure (ANNOTATION.md rule H).

- A figure a toll phrase governs takes its kind from the phrase: "the death toll rose
  to 35", "put the number of dead at 26", "estimates put the number of wounded at
  about 300" (killed, killed, wounded).
- A figure followed by an outcome that is no casualty ("were left homeless",
  "were displaced", "fled") counts nobody killed, even next to one that does.

Split from :mod:`kg.extract.casualties`; every function reads a bounded window.
"""

from __future__ import annotations

from kg.model import CasualtyKind

# What happened to people that is never a casualty (rule H).
NOT_CASUALTY = frozenset(
    "homeless displaced evacuated evacuees fled fleeing stranded trapped affected rescued sheltered "
    "relocated resettled homes".split()
)
# Nouns of a count that a kind word may follow: "the number of dead", "the count of wounded".
_COUNT_NOUNS = frozenset("number numbers count counts estimate estimates figure figures tally total".split())
_TOLL_KINDS: dict[str, CasualtyKind] = {
    **{w: "killed" for w in "dead killed deaths fatalities died slain".split()},
    **{w: "wounded" for w in "wounded injured injuries".split()},
    "casualties": "killed and wounded",
    **{w: "captured" for w in "captured prisoners".split()},
    "missing": "missing",
}
_LOOKBACK = 9


def toll_kind(words: list[str], start: int) -> CasualtyKind | None:
    """The kind a toll phrase before the figure at ``start`` gives, else None.

    "the death toll rose to 35", "put the toll at 26" → killed; "put the number of
    Confederate dead at 1,500", "the number of wounded was 40" → the kind word after
    "number of" (a side's name may stand between).
    """
    before = words[max(0, start - _LOOKBACK):start]
    if ";" in before:
        before = before[len(before) - before[::-1].index(";"):]
    if "toll" in before[-4:]:
        return "killed"
    for n, w in enumerate(before[:-1]):
        if w in _COUNT_NOUNS and before[n + 1] == "of":
            kind = next((_TOLL_KINDS[k] for k in before[n + 2:n + 5] if k in _TOLL_KINDS), None)
            if kind:
                return kind
    return None


def outcome_after(words: list[str], i: int) -> bool:
    """Whether the word at ``i`` ends a figure's window with an outcome that is no casualty."""
    return words[i] in NOT_CASUALTY


def subject_who(tokens: list[str], words: list[str], start: int) -> str:
    """For a bare figure: the group whose losses the clause counts ("Confederate losses were ...")."""
    for j in range(start - 1, 0, -1):
        if words[j] in {"losses", "casualties", "lost"}:
            k = j
            while k > 0 and (tokens[k - 1][:1].isupper() or words[k - 1] in {"'s", "army"}):
                k -= 1
            return " ".join(tokens[k:j])
    return ""
