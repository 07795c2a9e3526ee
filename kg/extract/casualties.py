"""Casualty figures in a clause: ANNOTATION.md rule H.

One :class:`CasualtyRecord` per *figure* of people killed, wounded, captured or
missing. The clause is tokenised once and read left to right in three steps:

1. ``_figures``: every figure: a number (digits, words, "a thousand"), a vague
   amount ("tens of", "dozens", "a number of") or an unnamed single person ("a
   commander ... was assassinated"), with the qualifier before it.
2. ``_who``: the noun phrase the figure counts ("regular soldiers"); figures that
   count things (tanks, checkpoints, days, votes) are dropped here.
3. ``_kinds``: the casualty word that follows each figure ("were killed", "wounded",
   "taken prisoner") or the verb just before it ("killing 15"); a figure without one
   shares its neighbour's: "21 rebels and a number of soldiers were killed" (both
   killed), "tens were killed ... and at least 16 in the base" (both).

Figures inside parentheses qualify the figure before them ("21 rebels (including a
defected officer)") and are skipped. Named people get no entry because only a
number or an unnamed "a <person>" opens a figure. Work is linear in the clause:
one regex pass and bounded windows around each figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.aliases import (
    NON_PERSON_NOUNS,
    NUMBER_WORDS,
    PERSON_NOUNS,
    SINGULAR_PERSON_NOUNS,
)
from kg.extract.tolls import outcome_after, subject_who, toll_kind
from kg.model import CasualtyKind, CasualtyRecord, Qualifier

MAX_TOKENS = 2000  # a clause longer than this is not prose; read its start only
_WINDOW = 14  # how far after a figure its casualty word may stand

# Numbers with thousands separators first, so "1,100" stays one token; ordinals
# ("25th") and times ("11:30") become tokens that are never figures.
# Letters glued to digits ("M23", "T-72", "Su-24", "F-16s") name a group or a model and
# stay one token, so their digits are never read as a figure.
_TOKEN = re.compile(
    r"\d{1,3}(?:,\d{3})+(?![\d,]\d)|[^\W\d_]+-?\d+[^\W_]*|\d+(?:\.\d+)?(?:st|nd|rd|th)?"
    r"|[^\W\d_]+(?:[-'’.][^\W\d_]+)*|\S"
)
MONTHS_LOWER = _MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)
# Qualifier phrases, longest first; rule H maps each to one of the model's qualifiers.
_QUALIFIERS: tuple[tuple[tuple[str, ...], Qualifier], ...] = (
    (("no", "less", "than"), "at least"), (("not", "less", "than"), "at least"),
    (("no", "fewer", "than"), "at least"), (("in", "excess", "of"), "at least"),
    (("at", "least"), "at least"), (("more", "than"), "at least"), (("upwards", "of"), "at least"),
    (("over",), "at least"), (("as", "many", "as"), "about"), (("an", "estimated"), "about"),
    (("up", "to"), "about"), (("close", "to"), "about"), (("about",), "about"), (("some",), "about"),
    (("around",), "about"), (("nearly",), "about"), (("approximately",), "about"),
    (("almost",), "about"), (("roughly",), "about"), (("estimated",), "about"), (("circa",), "about"),
)
# The same phrases by their last word, in the same order: a token can only end phrases of one word.
_QUALIFIERS_BY_LAST: dict[str, tuple[tuple[list[str], Qualifier], ...]] = {
    last: tuple((list(phrase), qual) for phrase, qual in _QUALIFIERS if phrase[-1] == last)
    for last in {phrase[-1] for phrase, _ in _QUALIFIERS}
}
# Vague amounts give count None (rule H); "hundreds"/"thousands" have no qualifier of
# their own in the model, "several" is the nearest honest one.
_VAGUE: dict[str, Qualifier] = {
    "tens": "tens", "dozens": "dozens", "dozen": "dozens", "scores": "dozens",
    "several": "several", "hundreds": "several", "thousands": "several", "numerous": "several",
}
# Casualty words after the figure. "shot" alone reads as killed in this genre
# ("prisoners ... were shot"); "shot and wounded" is caught as wounded first.
_KILLED = frozenset(
    "killed dead died die dies slain executed assassinated murdered massacred beheaded perished "
    "drowned lynched shot deaths death fatalities bodies".split()
)
_WOUNDED = frozenset("wounded injured hurt injuries wounds wounding injuring".split())
_CAPTURED = frozenset(
    "captured abducted kidnapped detained arrested hostage hostages captive captives".split()
)
_MISSING = frozenset("missing disappeared unaccounted".split())
# An active verb just before the figure: "killing 15 soldiers", "captured 30 fighters".
_VERB_BEFORE: dict[str, CasualtyKind] = {
    **{w: "killed" for w in "killing killed kill kills executing executed massacring massacred shot shooting".split()},
    **{w: "wounded" for w in "wounding wounded injuring injured".split()},
    **{w: "captured" for w in "capturing captured abducting abducted kidnapping kidnapped detaining detained".split()},
}
# Words that end the noun phrase after a figure.
_NP_STOP = frozenset(
    "was were is are had have has been be being who which that and or but while as in at on from to by "
    "during after before near around with without under since until into across inside outside "
    "according when where including".split()
)


_DETERMINERS = frozenset({"the", "all", "its", "their", "his", "her", "another"})


@dataclass
class _Figure:
    start: int  # first token of the figure (its qualifier included)
    end: int  # first token after the number or vague word
    count: int | None
    qualifier: Qualifier
    single: bool = False  # "a commander": the noun is part of the figure
    who: str = ""
    head: str = ""
    np_end: int = 0  # first token after the counted noun phrase
    kind: CasualtyKind | None = None
    governed: bool = False  # the kind came from a verb before the figure ("killing 15")
    outcome: bool = False  # "were left homeless": no casualty, and shares no neighbour's kind


def find_casualties(clause: str) -> tuple[CasualtyRecord, ...]:
    """Every figure of people killed, wounded, captured or missing in the clause.

    :param clause: one clause as written.
    :returns: one record per figure, in the order they are written.
    """
    tokens = _TOKEN.findall(clause[:20 * MAX_TOKENS])[:MAX_TOKENS]  # _TOKEN has no groups: whole matches
    words = [t.lower() for t in tokens]
    depth = _paren_depth(tokens, words)
    figures = [f for f in _figures(tokens, words, depth) if _who(f, tokens, words)]
    # "Two journalists, a French reporter and an Iraqi cameraman, were killed": the singles
    # after a comma only detail the figure before them.
    ends = {f.np_end for f in figures if not f.single}
    kept: list[_Figure] = []
    dropped_end = -1
    for f in figures:
        lead = tokens[f.start - 1] if f.start else ""
        if f.single and ((lead == "," and f.start - 1 in ends) or (lead in {"and", ","} and f.start - 1 == dropped_end)):
            dropped_end = f.np_end
            continue
        kept.append(f)
    figures = kept
    _kinds(figures, words, depth)
    records: list[CasualtyRecord] = []
    last_who = ""
    for f in figures:
        if f.kind is None:
            continue
        who = f.who or last_who or subject_who(tokens, words, f.start)
        last_who = who or last_who
        records.append(CasualtyRecord(count=f.count, qualifier=f.qualifier, kind=f.kind, who=who))
    return tuple(records)


def _paren_depth(tokens: list[str], words: list[str]) -> list[int]:
    """Nesting of each token: parentheses, and "including ..." up to the next comma,
    hold figures that only detail the one before them ("35 people, including 12 children")."""
    depth, out, including = 0, [], False
    for t, w in zip(tokens, words):
        if t == "(":
            depth += 1
        elif w == "including" and not including:
            depth, including = depth + 1, True
        elif including and t in {",", ")"}:
            depth, including = depth - 1, False
        out.append(depth)
        if t == ")" and depth:
            depth -= 1
    return out


def _figures(tokens: list[str], words: list[str], depth: list[int]) -> list[_Figure]:
    """Step 1: numbers, vague amounts and unnamed single persons, with their qualifiers."""
    out: list[_Figure] = []
    i = 0
    # Only these tokens can open a figure; the reading jumps from one to the next, past the
    # figures it reads, as it went token by token before.
    for at in [n for n, w in enumerate(words) if w in _OPENERS or "-" in w or tokens[n][0].isdigit()]:
        if at < i:
            continue
        i = at
        if depth[i]:
            i += 1
            continue
        number = _number_at(tokens, words, i)
        if words[i] == "between" and (low := _number_at(tokens, words, i + 1)) and words[low[1] : low[1] + 1] == ["and"]:
            high = _number_at(tokens, words, low[1] + 1)
            if high:  # "between 9,000 and 11,000 civilians": one figure, its lower bound
                out.append(_Figure(i, high[1], low[0], "at least"))
                i = high[1]
                continue
        if number is not None:
            count, end = number
            qual, qstart = _qualifier_before(words, i)
            out.append(_Figure(qstart, end, count, qual))
            i = end
            continue
        w = words[i]
        if w == "a" and words[i + 1 : i + 3] == ["number", "of"]:
            out.append(_Figure(i, i + 3, None, "several"))
            i += 3
            continue
        if w == "a" and words[i + 1 : i + 2] == ["few"]:
            end = _vague_scale(words, i + 2)
            out.append(_Figure(i, end, None, "several"))
            i = end
            continue
        if w in _VAGUE and (i == 0 or words[i - 1] not in {"the", "its", "their", "of"}):
            end = i + 2 if words[i + 1 : i + 2] == ["of"] else i + 1
            end = _vague_scale(words, end)
            out.append(_Figure(i, end, None, _VAGUE[w]))
            i = end
            continue
        # "a commander", and in a coordination "... and their fixer": an unnamed single person.
        single = w in {"a", "an", "one"} or (w in _POSSESSIVES and words[i - 1 : i] == ["and"])
        if single and not _appositive(tokens, i) and words[i + 1 : i + 2] != ["of"]:
            for j in range(i + 1, min(i + 4, len(words))):
                if words[j] in SINGULAR_PERSON_NOUNS and not (w in _POSSESSIVES and tokens[j + 1 : j + 2] and tokens[j + 1][:1].isupper()):
                    out.append(_Figure(i, i + 1, 1, "exact", single=True))
                    break
                if not words[j].isalpha() and "-" not in words[j]:
                    break
        i += 1
    return out


_POSSESSIVES = frozenset({"their", "his", "her", "its"})
# The words _figures and _number_at act on; a figure may also open with digits or a
# hyphenated number ("twenty-one").
_OPENERS = frozenset({*NUMBER_WORDS, "a", "an", "one", "between", *_VAGUE, *_POSSESSIVES})
_SCALE = frozenset({"hundred", "hundreds", "thousand", "thousands", "million", "millions"})


def _vague_scale(words: list[str], end: int) -> int:
    """Past a scale word after a vague amount: "several thousand", "tens of thousands of"
    are one vague figure (rule H: count null), not a vague word and a number."""
    if end < len(words) and words[end] in _SCALE:
        end += 1
        if words[end : end + 1] == ["of"]:
            end += 1
    return end


def _appositive(tokens: list[str], i: int) -> bool:
    """'Hilal al-Assad, a cousin of ...': a named person described, not a new figure."""
    if i < 2 or tokens[i - 1] != ",":
        return i > 0 and tokens[i - 1].lower() == "of"
    before = tokens[i - 2]
    return before[:1].isupper() and before.lower() not in MONTHS_LOWER


def _qualifier_before(words: list[str], i: int) -> tuple[Qualifier, int]:
    for phrase, qual in _QUALIFIERS_BY_LAST.get(words[i - 1], ()) if i else ():
        n = len(phrase)
        if i >= n and words[i - n : i] == phrase:
            return qual, i - n
    return "exact", i


_DIGITS = re.compile(r"[\d,]+(?:\.\d+)?")
_LETTER = re.compile(r"[^\W\d_]")


def _number_at(tokens: list[str], words: list[str], i: int) -> tuple[int, int] | None:
    """A number starting at token i: (value, index after it), or None (dates, years, times)."""
    if i >= len(tokens):
        return None
    t = tokens[i]
    if not t[0].isdigit() and words[i] not in NUMBER_WORDS and words[i] != "a" and "-" not in words[i]:
        return None  # most tokens: no digits, no number word, not "a hundred", not "twenty-one"
    nxt = words[i + 1] if i + 1 < len(words) else ""
    prev = words[i - 1] if i else ""
    if t[0].isdigit():
        if _name_number(tokens, words, i):
            return None
        if len(t) > 15 or not _DIGITS.fullmatch(t) or nxt in _MONTHS or prev in _MONTHS:
            return None
        if nxt == ":" or prev == ":" or nxt in {"-", "–"}:
            return None  # times "11:30", ranges and compounds "20-mile"
        value = float(t.replace(",", ""))
        end = i + 1
        if nxt in {"million", "thousand", "hundred"}:
            value *= {"million": 1e6, "thousand": 1e3, "hundred": 1e2}[nxt]
            end += 1
        elif "." in t:
            return None  # "9.40 metres", "38.5 percent"
        if "," not in t and 1000 <= value <= 2100 and words[end : end + 1] and words[end] not in PERSON_NOUNS:
            return None  # a year: "in 2014"
        return int(value), end
    if words[i] == "one" and (_appositive(tokens, i) or nxt == "of"):
        return None  # "Branch, one of Hill's brigade commanders": a named person
    if w := _word_value(words[i]):
        value, end = w, i + 1
    elif words[i] == "a" and nxt in {"hundred", "thousand", "million"}:
        value, end = 1, i + 1
    else:
        return None
    while end < len(words) and _word_value(words[end]):
        step = _word_value(words[end])
        value = value * step if step >= 100 else value + step
        end += 1
    return value, end


# Capitalised words that may open a clause right before a figure: "About 30", "Some 40".
_LEADS = frozenset("about some around nearly approximately almost roughly over at least more than up to "
                   "as many only just another all of by in on after before during between and".split())


def _name_number(tokens: list[str], words: list[str], i: int) -> bool:
    """Digits that end a name ("Route 66", "Area 51", "Brigade 93"): a capitalised word
    right before them that is no month or clause-opening word, and no person noun after."""
    if not i or not tokens[i - 1][:1].isupper() or not tokens[i - 1].isalpha():
        return False
    prev = words[i - 1]
    if prev in _MONTHS or prev in _LEADS or prev in NUMBER_WORDS:
        return False
    nxt = words[i + 1] if i + 1 < len(words) else ""
    return nxt not in PERSON_NOUNS and nxt not in {"of", "killed", "dead", "wounded", "injured"}


def _word_value(word: str) -> int:
    """'four' → 4, 'twenty-one' → 21; 0 for anything else (zero counts nobody)."""
    if "-" in word:
        parts = word.split("-")
        return sum(NUMBER_WORDS.get(p, 0) for p in parts) if all(p in NUMBER_WORDS for p in parts) else 0
    return NUMBER_WORDS.get(word, 0)


def _who(f: _Figure, tokens: list[str], words: list[str]) -> bool:
    """Step 2: the noun phrase after the figure; False when it counts no people."""
    i = f.end
    if f.single:
        i = f.start + 1
    elif words[i : i + 2] in (["of", "its"], ["of", "their"], ["of", "the"], ["of", "them"], ["of", "whom"]):
        i += 1 if words[i + 1] in {"them", "whom"} else 2
        if words[i] in {"them", "whom"}:
            f.head, f.who = words[i], ""
            return True
    np: list[str] = []
    while i < len(words) and len(np) < 8:
        w = words[i]
        if w in _NP_STOP or _kind_at(words, i) or w.endswith("ing"):
            if not (f.single and w == "of"):
                break
        if tokens[i] in {'"', "“", "”", "'"} and not np:
            i += 1  # 'dozens of "terrorists"': the quoted word is the head
            continue
        if not _LETTER.match(tokens[i]) or w in _MONTHS:
            break
        np.append(tokens[i])
        i += 1
        if w in PERSON_NOUNS and not f.single:
            break  # "3,000 soldiers surrendered": the phrase ends at its person noun
    f.np_end = i
    if f.single:
        while np and np[-1].lower() in {"of", "an", "a", "the"}:
            np.pop()
        f.who = " ".join(np)
        return bool(np)
    # The head is the last noun of the phrase: "pro-government fighters", "Union soldiers".
    head = next((t for t in reversed(np) if t.lower() not in {"more", "others", "other"}), "")
    f.head, f.who = head, " ".join(t for t in np if t.lower() not in {"more", "other"})
    if not head:
        return True  # a bare figure: "62 soldiers were killed and 100 were wounded"
    low = head.lower()
    if low in NON_PERSON_NOUNS:
        return False
    return low in PERSON_NOUNS or head[0].isupper() or low.endswith("men")


def _kind_at(words: list[str], j: int) -> CasualtyKind | None:
    w = words[j]
    nxt = words[j + 1 : j + 3]
    if w in _KILLED or w in _WOUNDED:
        if nxt and nxt[0] in {"and", "or", ","} and len(nxt) > 1 and (nxt[1] in _WOUNDED or nxt[1] in _KILLED):
            return "killed and wounded"  # one combined figure: "killed or injured", "killed, wounded or captured"
        if w == "shot" and nxt[:1] == ["and"]:
            return None
        return "killed" if w in _KILLED else "wounded"
    if w in {"casualties", "losses"}:
        return "killed and wounded"
    if w in _CAPTURED or (w in {"prisoner", "prisoners"} and j and words[j - 1] in {"taken", "took", "taking"}):
        return "captured"
    if w in _MISSING:
        return "missing"
    return None


def _kinds(figures: list[_Figure], words: list[str], depth: list[int]) -> None:
    """Step 3: each figure's kind, from the words after it or the verb before it."""
    for n, f in enumerate(figures):
        before = words[max(0, f.start - 4) : f.start]
        verb = before[:-1] if before[-1:] and before[-1] in _DETERMINERS else before
        if verb and verb[-1] in _VERB_BEFORE:
            # "killing 15 soldiers", "killing the eight crew": the verb governs its object
            f.kind = _VERB_BEFORE[verb[-1]]
            f.governed = True
            continue
        if toll := toll_kind(words, f.start):
            f.kind = toll  # "the death toll rose to 35", "put the number of dead at 26"
            continue
        base = depth[f.start]
        limit = figures[n + 1].start if n + 1 < len(figures) else len(words)
        for j in range(f.end, min(limit, f.end + _WINDOW)):
            if depth[j] > base:
                continue
            if outcome_after(words, j):
                f.outcome = True
                break
            if kind := _kind_at(words, j):
                f.kind = kind
                break
        if f.kind is None and " ".join(before[-3:]).endswith(("lost with", "contact with", "touch with")):
            f.kind = "missing"
    # Coordination: "21 rebels ... and a number of soldiers were killed".
    for n in range(len(figures) - 2, -1, -1):
        f, g = figures[n], figures[n + 1]
        gap = words[f.end : g.start]
        if f.kind is None and not f.outcome and g.kind and len(gap) <= 12 and gap[-1:] in (["and"], [","], ["or"]):
            if not any(w in _NP_STOP - {"and", "or", "including"} for w in gap if depth[f.end] == 0):
                f.kind = g.kind
    # Ellipsis: a bare figure shares the verb before it: "... killed in X and at least 15 in Y".
    # A second object of the same verb shares it too: "killed three journalists ... and their fixer".
    for n in range(1, len(figures)):
        f, prev = figures[n], figures[n - 1]
        if f.outcome:
            continue
        if f.kind is None and not f.head and prev.kind:
            f.kind = prev.kind
            f.who = f.who or prev.who
        elif f.kind is None and prev.governed and words[f.start - 1 : f.start] == ["and"] and not any(
            w in {"was", "were", "had", "has", "is", "are", ";"} for w in words[prev.end : f.start]
        ):
            f.kind = prev.kind
