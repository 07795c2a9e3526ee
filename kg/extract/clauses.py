"""Clauses (ANNOTATION.md rule B): a paragraph → sentences → clauses split at ';'.

A sentence ends at '.', '!' or '?' (closing quotes and brackets included) before
whitespace and a capital, a digit or an opening quote, except

- after an abbreviation or an initial ("Col.", "Maj. Gen.", "U.S. Army", "A. P. Hill"),
- inside quotation marks or brackets ("La Garde recule!" spread ...).

A sentence also ends where its full stop was lost: a lowercase word followed by a
capitalised pronoun that starts a new sentence ("... Al-Hamedya camp It was also
reported ...") — mid-sentence English never capitalises "It" or "They".
A colon never splits. Everything is one left-to-right pass: linear in the text.
"""

from __future__ import annotations

import re

# Abbreviations that are followed by a capitalised word inside a sentence.
ABBREVIATIONS = frozenset("""
Col Cpl Maj Gen Lt Brig Capt Cmdr Cdr Sgt Pvt Pte Adm Cmdt Gov Sen Rep Pres Amb Hon Rev Fr
Dr Mr Mrs Ms Messrs Prof St Mt Ft Jr Sr No Nos Vol Op Fig Sept Jan Feb Mar Apr Jun Jul Aug Sep Oct Nov Dec
vs approx ca c cf Inc Corp Ltd Co Bros Dept Div Regt Bn Bde Sqn Coy Arr
""".split())
# Words that start a sentence after a dotted acronym ("... by the U.S. The next day").
SENTENCE_STARTERS = frozenset("""
The A An On In At By After Before During Following From It He She They We This These That
There Its Their His Her However Meanwhile Later Despite According Also Then When While
""".split())

# The end of a sentence: its mark, closing quotes/brackets, citation markers ("[12]"), space.
_BOUNDARY = re.compile(r"[.!?][\"”’)\]]{0,3}(?:\[\d{1,4}\]){0,6}\s+")
_LOST_STOP = re.compile(r"(?<=[a-z0-9])\s+(?=(?:It|They|He|She|There|We|These)\s+[a-z])")
# "... the terms of the agreement The Serbian side claimed ...": a capitalised determiner
# after a lowercase word that no title follows ("by The Times", "in The Hague", "the film
# The Battle of Algiers"), opening a noun phrase that a lowercase word ends.
_LOST_STOP_DET = re.compile(
    r"(?<=[a-z0-9])(?<!\bby)(?<!\bin)(?<!\bof)(?<!\bto)(?<!\bat)(?<!\bon)(?<!\bfor)(?<!\bfrom)(?<!\bwith)"
    r"(?<!\band)(?<!\bor)(?<!\bthe)(?<!\bsaid)(?<!\btold)(?<!\bwrote)(?<!\bcalled)(?<!\bnamed)(?<!\btitled)"
    r"(?<!\bentitled)(?<!\bnewspaper)(?<!\bmagazine)(?<!\bjournal)(?<!\bfilm)(?<!\bbook)(?<!\bpaper)(?<!\bdaily)"
    r"(?<!\bweekly)(?<!\bsong)(?<!\bnovel)(?<!\bship)(?<!\bvessel)(?<!\baboard)(?<!\bread)(?<!\bas)"
    r"\s+(?=(?:The|This|Its|Their|His|Her|Our)\s+[A-Za-z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3}\s+[a-z])")
# A sentence may open with a lowercase Arabic article: "al-Nusra Front fighters then ...".
_ARABIC_ARTICLE = re.compile(r"(?:al|el|ad|as|ash|ar|at|az|an|ad|ed|ud)-[A-Z]")
_WORD_BEFORE = re.compile(r"[\w.'’-]{1,40}$")
_QUOTE_PAIRS = (('"', '"'), ("“", "”"), ("«", "»"))
_MARKS = re.compile(r'["“”«»()\[\]]')  # every character _QUOTE_PAIRS and the brackets use
# Where a lost full stop may be: whitespace before a word that _LOST_STOP or _LOST_STOP_DET
# needs after it. Their many lookbehinds are then tried there only, not at every character.
_LOST_STOP_AT = re.compile(r"\s+(?=(?:It|They|He|She|There|We|These|The|This|Its|Their|His|Her|Our)\s)")
_INITIAL_SPLIT = re.compile(r"[.'’-]")
_NEXT_WORD = re.compile(r"[\"“]?([A-Za-z]+)")
MAX_SPAN = 500  # quotes/brackets longer than this are treated as unbalanced


def protected_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of quoted and bracketed stretches where no split may happen."""
    spans: list[tuple[int, int]] = []
    marks = [(m.start(), m.group()) for m in _MARKS.finditer(text)]  # the only characters that matter
    if not marks:
        return spans
    for opening, closing in _QUOTE_PAIRS:
        start = -1
        for i, ch in marks:
            if start < 0 and ch == opening:
                start = i
            elif start >= 0 and ch == closing:
                if i - start <= MAX_SPAN:
                    spans.append((start, i))
                start = -1
    stack: list[int] = []
    for i, ch in marks:
        if ch in "([":
            stack.append(i)
        elif ch in ")]" and stack:
            start = stack.pop()
            if i - start <= MAX_SPAN:
                spans.append((start, i))
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


class _Inside:
    """Membership test for sorted, disjoint spans, for increasing positions: O(1) amortised."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans, self.i = spans, 0

    def __call__(self, pos: int) -> bool:
        while self.i < len(self.spans) and self.spans[self.i][1] < pos:
            self.i += 1
        return self.i < len(self.spans) and self.spans[self.i][0] < pos <= self.spans[self.i][1]


def is_abbreviation(text: str, dot: int) -> bool:
    """Whether the '.' at `dot` closes an abbreviation or an initial rather than a sentence."""
    m = _WORD_BEFORE.search(text, max(0, dot - 40), dot)
    word = m.group() if m else ""
    last = _INITIAL_SPLIT.split(word)[-1] if word else ""
    if last in ABBREVIATIONS:
        return True
    if len(last) == 1 and last.isalpha():
        # "A. P. Hill", "O'B. Branch", "U.S. Army": an initial, unless a dotted acronym
        # ("U.S.", "a.m.") ends the sentence and a sentence starter follows.
        if "." in word.strip("."):
            nxt = _NEXT_WORD.match(text[dot + 1:dot + 30].lstrip())
            return not (nxt and nxt.group(1) in SENTENCE_STARTERS)
        return last.isupper()
    return False


def split_sentences(text: str) -> list[str]:
    """A paragraph's sentences, as written (whitespace trimmed)."""
    protected = protected_spans(text)
    inside = _Inside(protected)
    cuts: list[int] = []
    for m in _BOUNDARY.finditer(text):
        nxt = text[m.end():m.end() + 1]
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "\"“'‘(" or _ARABIC_ARTICLE.match(text, m.end())):
            continue
        run_end = m.start() + len(m.group().rstrip())  # just past the closing quote/bracket
        if inside(run_end) or (text[m.start()] == "." and is_abbreviation(text, m.start())):
            continue
        cuts.append(m.end())
    inside = _Inside(protected)
    # Both patterns match only at the start of a whitespace run that _LOST_STOP_AT finds.
    lost = [p for p in (m.start() for m in _LOST_STOP_AT.finditer(text))
            if _LOST_STOP.match(text, p) or _LOST_STOP_DET.match(text, p)]
    cuts = sorted(set(cuts) | {p for p in lost if not inside(p)})
    pieces, prev = [], 0
    for cut in cuts:
        pieces.append(text[prev:cut])
        prev = cut
    pieces.append(text[prev:])
    return [p.strip() for p in pieces if p.strip()]


_SEMICOLON = re.compile(";")


def split_semicolons(sentence: str) -> list[str]:
    """A sentence's clauses: split at ';' outside quotes and brackets."""
    if ";" not in sentence:
        return [sentence]
    inside = _Inside(protected_spans(sentence))
    parts, prev = [], 0
    for i in (m.start() for m in _SEMICOLON.finditer(sentence)):
        if not inside(i):
            parts.append(sentence[prev:i])
            prev = i + 1
    parts.append(sentence[prev:])
    return parts


def clean_clause(clause: str) -> str:
    """The clause as the gold writes it: trimmed, without the final full stop."""
    clause = clause.strip()
    if clause.endswith(".") and not clause.endswith(".."):
        clause = clause[:-1].rstrip()
    return clause


def split_clauses(paragraph: str) -> list[str]:
    """A paragraph's clauses in order (rule B)."""
    out = []
    for sentence in split_sentences(paragraph):
        for clause in split_semicolons(sentence):
            text = clean_clause(clause)
            if text.strip(" .;,"):
                out.append(text)
    return out
