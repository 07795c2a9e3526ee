"""Disputes (ANNOTATION.md rule I): the earlier claim a clause denies or contradicts.

- A denial disputes the claim before it, or, where it names what it denies ("denied
  the UN findings", "rejected the ministry's figures"), the latest claim of that source.
- "the real figure was lower" disputes the last figure.
- Another source's figure of the same toll (same kind, same people) disputes it: in the
  same paragraph and day, or further back where the clause names the same happening
  ("when the strike ...", after "a coalition air strike").

Split from :mod:`kg.extract.attribution`, which re-exports these names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.extract.anchors import noun_forms
from kg.extract.datefind import gated_search
from kg.model import Stance

MAX_CHARS = 2000  # work cap per clause

# The genre's words for denying and for what is denied, shared by the patterns below.
_DENY = r"(?:denied|denies|deny)"
_REJECT = r"(?:rejected|dismissed|refuted)"
_CONTEST = r"(?:disputed|contradicted)"
_ACCOUNTS = (r"(?:claims?|reports?|findings|allegations?|accusations?|accounts?|statements?|assertions?|charges?|"
             r"figures?|estimates?|numbers)")

_ACTIVE_DENIAL = re.compile(rf"(?<!was )(?<!were )(?<!been )\b{_DENY}\b"
                            r"(?!\s+(?:\w+\s+)?(?:access|entry|permission|passage|visas?|the\s+right))", re.I)
# Denials in other words: "rejected these claims", "dismissed the report as propaganda".
_REJECTION = re.compile(
    rf"\b(?:{_REJECT}|{_CONTEST})\s+(?:the|this|these|that|those|such|all|its|their)\s+"
    rf"(?:[\w'’-]+\s+){{0,2}}?{_ACCOUNTS}\b", re.I)
_CONTRADICTION = re.compile(
    r"\b(?:(?:real|actual|true)\s+(?:figure|number|toll|death\s+toll|count)|"
    r"(?:figures?|numbers?|toll)\s+(?:was|were|is|are)\s+(?:\w+\s+)?(?:exaggerated|inflated|"
    r"overstated|understated|lower|higher))\b", re.I)
_NUMBER = r"(?:\d[\d,.]{0,12}|tens|dozens|hundreds|thousands|several|one|two|three|four|five|six|seven|eight|nine|ten)"
_FIGURE_KINDS = (
    ("killed", re.compile(rf"\b{_NUMBER}\b[^.;]{{0,80}}?\b(?:killed|dead|died|deaths)\b", re.I)),
    ("wounded", re.compile(rf"\b{_NUMBER}\b[^.;]{{0,80}}?\b(?:wounded|injured)\b", re.I)),
    ("captured", re.compile(rf"\b{_NUMBER}\b[^.;]{{0,80}}?\b(?:captured|taken\s+prisoner|prisoners)\b", re.I)),
    ("missing", re.compile(rf"\b{_NUMBER}\b[^.;]{{0,80}}?\bmissing\b", re.I)),
)
# Camps whose tolls are never one another's: soldiers, insurgents, civilians. Anything
# else ("people", "men", "Frenchmen") may count the same people as any of them.
_CAMPS = (
    frozenset({"soldier", "troop", "policeman", "policemen", "police", "officer", "guard", "serviceman", "servicemen"}),
    frozenset({"rebel", "militant", "insurgent", "jihadist", "terrorist", "guerrilla", "guerilla", "fighter",
               "militiaman", "militiamen", "gunman", "gunmen"}),
    frozenset({"civilian", "resident", "inhabitant", "child", "children", "woman", "women", "villager"}),
)


@dataclass(frozen=True)
class Figure:
    """One people-figure of a clause, as far as disputes need it."""

    kind: str  # "killed", "wounded", "captured", "missing"
    who: str = ""  # head noun, singular: "soldier"
    count: int | None = None
    side: str = ""  # a capitalised modifier: "Union" in "Union soldiers"


@dataclass(frozen=True)
class ClauseFacts:
    """What dispute detection needs to know about one clause."""

    text: str
    paragraph: int  # index of its paragraph in the article
    sources: tuple[str, ...]
    stance: Stance
    date: str | None = None  # the clause's date: figures dispute only for the same day
    figures: tuple[Figure, ...] | None = None  # from the casualty records; None: read the text


# The words _REJECTION, _CONTRADICTION and _REVISION cannot match without: most clauses
# have none, and these case-insensitive patterns are slow to scan.
_REJECTION_WORDS = ("rejected", "dismissed", "refuted", "disputed", "contradicted")
_CONTRADICTION_WORDS = ("figure", "number", "toll", "count")
_REVISION_WORDS = ("count", "estimate", "toll", "tall", "figure", "total", "historians", "studies", "research",
                   "investigation", "put")


def _search(rx: re.Pattern[str], words: tuple[str, ...], text: str) -> re.Match[str] | None:
    """rx.search in the clause's first MAX_CHARS, where one of `words` occurs in them."""
    return gated_search(rx, words, text[:MAX_CHARS])


def figure_kinds(text: str) -> frozenset[str]:
    """Kinds of people-figures the clause gives: 'killed', 'wounded', 'captured', 'missing'."""
    text = text[:MAX_CHARS]
    return frozenset(kind for kind, rx in _FIGURE_KINDS if rx.search(text))


def make_figure(kind: str, who: str, count: int | None) -> tuple[Figure, ...]:
    """Figures of a casualty record: 'killed and wounded' counts as both kinds."""
    words = who.split()
    head = words[-1].lower() if words else ""
    head = head[:-1] if len(head) > 3 and head.endswith("s") else head
    side = next((w for w in words if w[:1].isupper()), "")
    kinds = ("killed", "wounded") if kind == "killed and wounded" else (kind,)
    return tuple(Figure(k, head, count, side) for k in kinds)


def _figures(facts: ClauseFacts) -> tuple[Figure, ...]:
    if facts.figures is not None:
        return facts.figures
    return tuple(Figure(kind) for kind in sorted(figure_kinds(facts.text)))


def _same_figure(a: Figure, b: Figure) -> bool:
    """Two figures that may count the same people: same kind, compatible 'who', not the same count."""
    if a.kind != b.kind:
        return False
    if any(a.who in camp for camp in _CAMPS) and any(b.who in camp for camp in _CAMPS) \
            and not any(a.who in camp and b.who in camp for camp in _CAMPS):
        return False  # "soldiers" and "rebels" are two different tolls
    if a.side and b.side and not (a.side.startswith(b.side) or b.side.startswith(a.side)):
        return False  # "Union soldiers" and "Confederate soldiers"
    return a.count is None or b.count is None or a.count != b.count


def is_denial(text: str) -> bool:
    """Whether the clause actively denies something ('X denied this'; not 'was denied access')."""
    return bool(_ACTIVE_DENIAL.search(text[:MAX_CHARS]))


def find_dispute(i: int, clauses: Sequence[ClauseFacts]) -> int | None:
    """Position of the earlier claim clause i denies or contradicts, else None (rule I)."""
    me = clauses[i]
    if i == 0:
        return None
    if (me.stance == "denied" and is_denial(me.text)) or _search(_REJECTION, _REJECTION_WORDS, me.text):
        named = _named_source(me.text)
        if named:  # "denied the UN findings": the latest claim of that source
            for j in range(i - 1, max(-1, i - 12), -1):
                if any(named & _tokens(s) for s in clauses[j].sources) and not set(clauses[j].sources) & set(me.sources):
                    return j
        if not _BACK_REFERENCE.search(me.text[:MAX_CHARS]):
            act = _denied_act(i, clauses)
            if act is not None:
                return act
            if me.sources and set(clauses[i - 1].sources) == set(me.sources) and clauses[i - 1].paragraph == me.paragraph:
                return None  # "France said ...; it denied having supplied them": its own account goes on
        for j in range(i - 1, max(-1, i - 4), -1):
            if not me.sources or set(clauses[j].sources) != set(me.sources):
                return j
        return None
    if _search(_CONTRADICTION, _CONTRADICTION_WORDS, me.text):
        for j in range(i - 1, max(-1, i - 4), -1):
            if _figures(clauses[j]):
                return j
        return None
    return _other_figure(i, clauses)


# "denied this", "denied the report", "denied it": the denial points at the claim before.
_BACK_REFERENCE = re.compile(
    rf"\b(?:{_DENY}|{_REJECT})\s+(?:(?:this|it|these|those)\b(?!\s+(?:its|their|the)\b)|that(?=\s*(?:$|[,;.]|and\b|as\b|in\b|on\b))"
    rf"|(?:the|these|those|such|all)\s+(?:[\w'’-]+\s+){{0,2}}?{_ACCOUNTS})", re.I)
_CAP_RUN = re.compile(r"(?:\b[A-Z][\w'’.-]*\s+)*\b[A-Z][\w'’.-]*")
_DENIAL_VERB = re.compile(rf"\b(?:{_DENY}|{_REJECT})\b", re.I)


def _denier_words(me: ClauseFacts) -> frozenset[str]:
    """The denier's side: the last word of each capitalised name in its subject and
    sources ("Bosnian Serb officials" → serb; "The LNA spokesman X" → lna, x)."""
    verb = _DENIAL_VERB.search(me.text[:MAX_CHARS])
    subject = me.text[: verb.start()] if verb else ""
    out = set()
    for phrase in (subject, *me.sources):
        for m in _CAP_RUN.finditer(phrase):
            last = m.group().split()[-1].strip(".").casefold()
            if last not in _NOT_NAMES and last not in {"the", "a", "an"} and len(last) > 1:
                out.add(last)
    return frozenset(out)


def _figure_report(c: ClauseFacts) -> bool:
    """A clause that only reports a toll: a figure with a source or revising one."""
    return bool(c.figures) and bool(c.sources or _search(_REVISION, _REVISION_WORDS, c.text))


def _denied_act(i: int, clauses: Sequence[ClauseFacts]) -> int | None:
    """"denied responsibility", "denied that Gharyan had fallen": the latest claim, a few back
    in the paragraph, of an act by or against the denier's side, past the toll reports
    and the denier's own words between (rule I: the claim whose content is denied)."""
    me = clauses[i]
    words = _denier_words(me)
    if not words or figure_kinds(me.text):
        return None
    for j in range(i - 1, max(-1, i - 7), -1):
        other = clauses[j]
        if other.paragraph != me.paragraph:
            return None
        if (me.sources and set(other.sources) == set(me.sources)) or _figure_report(other):
            continue
        if words & _tokens(other.text):
            return j
    return None


def _other_figure(i: int, clauses: Sequence[ClauseFacts]) -> int | None:
    """The claim where another source gives a figure of the same toll: in the same paragraph
    and day, or, where this clause names its happening ("when the strike ..."), a claim a
    few before that names it too ("killed by a coalition air strike")."""
    me = clauses[i]
    mine = _figures(me) if me.sources or _search(_REVISION, _REVISION_WORDS, me.text) else ()
    if not mine:
        return None
    for j in range(i - 1, max(-1, i - 10), -1):
        other = clauses[j]
        if other.paragraph != me.paragraph:
            break
        if other.date != me.date or not other.sources or set(other.sources) & set(me.sources):
            continue
        if any(_same_figure(a, b) for a in mine for b in _figures(other)):
            return j
    happening = _HAPPENING.search(me.text[:MAX_CHARS])
    if happening is None:
        return None
    forms = noun_forms(happening["noun"].lower())
    for j in range(i - 1, max(-1, i - 8), -1):
        other = clauses[j]
        if not other.sources or set(other.sources) & set(me.sources) or not forms.search(other.text[:MAX_CHARS]):
            continue
        if any(_same_figure(a, b) for a in mine for b in _figures(other)):
            return j
    return None


# "later counts put the number of dead at 26", "the final toll was 43": an estimate that
# revises the figure a source gave just before, though it names no source of its own.
_REVISION = re.compile(
    r"\b(?:later|other|final|revised|subsequent|official|new|higher|lower|more\s+recent)\s+(?:[a-z-]+\s+)?"
    r"(?:counts?|estimates?|tolls?|tall(?:y|ies)|figures?|totals?|historians|studies|research|investigations?)\b"
    r"|\bput\s+the\s+(?:[\w-]+\s+){0,3}?(?:number|toll|count|figure|total)\b", re.I)
# "when the strike set off explosives": a definite reference to one happening, which a
# figure of another source for it disputes even days and paragraphs later.
_HAPPENING = re.compile(
    r"\bthe\s+(?:[a-z-]+\s+){0,2}?(?P<noun>strike|airstrike|attack|bombing|shelling|massacre|ambush|explosion|"
    r"blast|raid|bombardment|assault|executions|killings)\b", re.I)
# "denied the UN findings", "rejected the ministry's figures": the source whose claim it denies.
_NAMED_DENIAL = re.compile(
    rf"\b(?:{_DENY}|{_REJECT}|{_CONTEST})\s+(?:the\s+)?"
    rf"(?P<name>(?:[\w-]+\s+){{0,3}}?[\w-]+?)(?:['’]s)?\s+{_ACCOUNTS}\b", re.I)
_NOT_NAMES = frozenset("this these that those such all its their his her these earlier initial latest new "
                       "previous preliminary".split())


def _tokens(name: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[\w-]+", name.casefold()) if w not in {"the", "of", "a", "an"})


def _named_source(text: str) -> frozenset[str]:
    """The words of the source a denial names, empty where it names none ("these claims")."""
    m = _NAMED_DENIAL.search(text[:MAX_CHARS])
    return _tokens(m["name"]) - _NOT_NAMES if m else frozenset()
