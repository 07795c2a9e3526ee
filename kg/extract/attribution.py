"""Attribution (ANNOTATION.md rules D, E, I): a clause's stance, its sources, and
the earlier claim it disputes.

- Stance: the strongest cue anywhere in the clause wins, denied > claimed >
  reported > asserted (:func:`find_stance`).
- Sources: whom each cue attributes the clause to: the object of "according to",
  the subject of "said"/"reported"/"denied"/..., cleaned (titles, "the",
  "the newspaper", "a spokesman for the X operation"); a pronoun resolves to the
  source or group named before; a passive cue ("it was reported") has none
  (:func:`find_sources`).
- Disputes: a denial disputes the claim before it; "the real figure was lower"
  disputes the last figure; another source's figure of the same kind (killed,
  wounded, ...) in the same paragraph disputes that figure (:func:`find_dispute`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.extract.dates import find_date_mentions
from kg.model import SourceRecord, Stance

MAX_CHARS = 2000  # work cap per clause

# --- stance (rule D) ---------------------------------------------------------------

_STANCE_CUES: tuple[tuple[Stance, re.Pattern[str]], ...] = (
    ("denied", re.compile(r"\b(?:denied|denies|deny)\b", re.I)),
    # "claimed the lives of 30 people" reports deaths, not a claim.
    ("claimed", re.compile(r"\b(?:claimed|claims|claim)\b(?!\s+(?:the\s+lives|(?:\d[\d,]*|many|dozens|hundreds|"
                           r"thousands)\s+(?:more\s+)?(?:lives|victims)))", re.I)),
    ("reported", re.compile(
        r"\b(?:reported|reports|reportedly|said|says|announced|announces|(?:declared|declares)(?!\s+(?:war|independence|"
        r"martial\s+law|an?\s+(?:state\s+of|ceasefire|truce|curfew|no-fly)))|"
        r"(?:was|were)\s+estimated|according\s+to)\b", re.I)),
)


def find_stance(text: str) -> Stance:
    """The strongest stance cue in the clause (rule D)."""
    text = text[:MAX_CHARS]
    for stance, rx in _STANCE_CUES:
        if rx.search(text):
            return stance
    return "asserted"


# --- sources (rule E) ----------------------------------------------------------------

# Verbs whose subject is the source. "called" only names a source when another cue
# already made the clause attributed ("The White House called the reported remarks ...").
_SPEECH_VERB = re.compile(
    r"\b(?:denied|denies|deny|claimed(?!\s+the\s+lives)|claims|claim|reported|reports|said|says|announced|"
    r"announces|(?:declared|declares)(?!\s+(?:war|independence|martial\s+law|an?\s+(?:state\s+of|ceasefire|truce)))"
    r")\b", re.I)
_FALLBACK_VERB = re.compile(r"\b(?:called|described|stated|confirmed|accused|insisted)\b")
_ACCORDING = re.compile(r"\baccording\s+to\s+", re.I)
_PASSIVE_CUE = re.compile(r"\b(?:reportedly|(?:was|were|been|is|are)\s+(?:\w+ly\s+)?(?:reported|said|claimed|"
                          r"announced|declared|estimated))\b", re.I)
# Before the verb: a passive or a determiner makes it no act of saying ("it was reported",
# "the reported remarks", "this claim").
_NOT_SAYING = re.compile(
    r"\b(?:was|were|been|being|is|are|be|the|a|an|this|that|these|those|its|their|his|her|such|any|no)\s+$", re.I)
_ADVERBS_BEFORE_VERB = re.compile(
    r"(?:\s+(?:later|also|then|again|first|initially|subsequently|officially|publicly|"
    r"immediately|previously|repeatedly|reportedly|had|has|have|already|further|strongly))+\s*$", re.I)
_LEADING_FILLERS = re.compile(
    r"^(?:(?:also|then|however|meanwhile|moreover|furthermore|later|but|and|yet|still|"
    r"despite\s+this(?:\s+\w+)?|in\s+addition|in\s+response|in\s+turn)\b[\s,]*)+", re.I)
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.I)
TITLES = (
    r"(?:(?:Maj|Brig|Lt|Lieut|Col|Gen|Cpl|Sgt|Capt|Cmdr|Adm|Dr|Mr|Mrs|Ms|Prof|Pvt|Gov|Sen|Rep|Rev|St)\.\s*"
    r"|(?:Field\s+Marshal|Marshal|General|Colonel|Major|Lieutenant|Captain|Brigadier|Admiral|Sergeant|"
    r"Corporal|President|Prime\s+Minister|Minister|Chancellor|Sheikh|Emir|King|Queen|Prince|Sir|Lord|"
    r"Commander|Governor|Senator|Ambassador|Mayor|Chief)\s+)+"
)
_TITLE = re.compile(rf"^{TITLES}(?=[A-Z])")
# "the newspaper Schwäbisches Tagblatt", "justice minister Herta Däubler-Gmelin": the name.
_DESCRIPTOR = re.compile(
    r"^(?:[\w-]+\s+){0,3}?(?:newspaper|daily|weekly|magazine|agency|broadcaster|channel|website|"
    r"outlet|group|organi[sz]ation|journalist|reporter|official|leader|activist|analyst|"
    # titles, also capitalised ("Deputy Prime Minister Numan Kurtulmus")
    r"(?i:minister|president|spokesman|spokeswoman|spokesperson|commander|general|colonel|governor|"
    r"envoy|ambassador))\s+(?=[A-Z])")
# "a spokesman for the Bunyan al-Marsous operation" → "Bunyan al-Marsous".
_SPOKESMAN = re.compile(
    r"\b(?:an?|the)\s+(?:\w+\s+)?(?:spokesman|spokeswoman|spokesperson|representative|official|"
    r"source|sources|statement|report|communiqu[eé]|member|commander)\s+(?:for|of|from|by)\s+(?:the\s+)?(?P<org>.+?)"
    r"(?:\s+(?-i:operation|campaign|offensive|coalition|movement|group|alliance|militia|organi[sz]ation))?$", re.I)
_ROLE_START = re.compile(
    r"^(?:the|a|an)?\s*(?:head|commander|leader|chief|spokesman|spokeswoman|spokesperson|director|"
    r"minister|president|governor|member|founder|secretary|chairman|official|representative|"
    r"deputy|general|colonel|mayor|editor)\b", re.I)
_PRONOUNS = frozenset({"they", "it", "he", "she", "we", "them"})
# Plural participant nouns after a group name: "GNA forces" is the group "GNA".
_GROUP_TAIL = re.compile(r"\s+(?:forces|fighters|troops|units|soldiers|militants|members|militias|"
                         r"officials|brigades|battalions)$", re.I)
_VERBISH = re.compile(
    r"\b(?:[a-z]{2,}ed|was|were|had|has|took|began|fell|left|met|made|won|lost|fought|came|went|ran|"
    r"held|led|saw|gave|got|struck|drove|broke|overran|withdrew|sent|became|rose|shot|hit|set|cut|"
    r"put|told|brought|spread|swept|fled|is|are|will|would|could|can|may|might|must)\b")


@dataclass(frozen=True)
class _Cue:
    start: int
    end: int
    kind: str  # "according" | "verb" | "fallback"


def find_sources(text: str, antecedent: str | None = None) -> tuple[SourceRecord, ...]:
    """Whom the clause's cues attribute it to, in order, without repeats (rule E)."""
    text = text[:MAX_CHARS]
    found: list[SourceRecord] = []
    cues = _cues(text)
    if cues and not any(c.kind != "fallback" for c in cues):
        cues = cues[:1]
    elif cues:
        cues = [c for c in cues if c.kind != "fallback"]
    for cue in cues:
        if cue.kind == "according":
            record = _according_source(text, cue.end)
            if record is None and antecedent and re.match(r"(?:him|her|them|it)\b", text[cue.end:]):
                record = SourceRecord(antecedent)
        else:
            record = _subject_source(text, cue.start, antecedent)
        if record and record.name and all(r.name != record.name for r in found):
            found.append(record)
    return tuple(found)


def _cues(text: str) -> list[_Cue]:
    """The attribution cues of a clause that can name a source, in text order."""
    cues = [_Cue(m.start(), m.end(), "according") for m in _ACCORDING.finditer(text)]
    for m in _SPEECH_VERB.finditer(text):
        if not _NOT_SAYING.search(text, max(0, m.start() - 20), m.start()):
            cues.append(_Cue(m.start(), m.end(), "verb"))
    # "called" & co. name a source only where the cue itself names none and is no passive
    # ("the reported remarks", not "it was reported" or "reportedly").
    if not cues and find_stance(text) != "asserted" and not _PASSIVE_CUE.search(text):
        m = _FALLBACK_VERB.search(text)
        if m and text[m.start() - 1:m.start()] != "-" and not _NOT_SAYING.search(text, max(0, m.start() - 20), m.start()):
            cues.append(_Cue(m.start(), m.end(), "fallback"))
    return sorted(cues, key=lambda c: c.start)


def _according_source(text: str, start: int) -> SourceRecord | None:
    """'according to Col. X, head of Y, ...' → X (role 'head of Y')."""
    rest = text[start:start + 300]
    parts = re.split(r"\s*[,;:(]\s*|\s+that\s+", rest)
    name = parts[0].strip()
    if name.lower() in ("him", "her", "them", "it"):
        return None  # resolved by the caller's antecedent, like "they said"
    role = parts[1].strip() if len(parts) > 1 and _ROLE_START.match(parts[1]) else None
    return _source_record(name, role)


def _inverted_source(text: str, verb_end: int) -> SourceRecord | None:
    """'"We will win," said Gen. X, the commander' → X: the speaker after the verb."""
    m = re.match(r"\s+((?:[A-Z][\w.'’-]*\s*){1,6})", text[verb_end:verb_end + 120])
    return _source_record(m.group(1), None) if m else None


def _subject_source(text: str, verb_start: int, antecedent: str | None) -> SourceRecord | None:
    """The subject of the speech verb at verb_start, as a source."""
    if re.search(r"[,!?][\"”]\s*$", text[max(0, verb_start - 5):verb_start]):
        verb = re.match(r"\w+", text[verb_start:])
        return _inverted_source(text, verb_start + (verb.end() if verb else 0))
    region = _ADVERBS_BEFORE_VERB.sub("", text[:verb_start].rstrip())
    subject, role = _subject_and_role([s.strip() for s in re.split(r"[,;:]", region)])
    if re.search(r"\b(?:and|that|which|who)$", subject) or not subject:
        subject = clause_subject(text) or ""  # "X denied this and said ...": X said
    subject = _strip_leading_date(subject)
    subject = re.split(r"\s+(?:that|which|who)\s+", subject)[-1]
    if subject.lower() in _PRONOUNS:
        return SourceRecord(antecedent) if antecedent else None
    if _VERBISH.search(subject) or len(_TITLE.sub("", subject).split()) > 8:
        # Not a clean noun phrase: keep its last determiner phrase ("... the SOHR").
        dets = list(re.finditer(r"\b(?:the|a|an)\s+", subject))
        if not dets:
            return None
        subject = subject[dets[-1].start():]
        if _VERBISH.search(subject):
            return None
    return _source_record(subject, role)


def _subject_and_role(segments: list[str]) -> tuple[str, str | None]:
    """The comma-separated stretch before a verb → (subject, appositive role).

    "X, head of Y, said" and "the head of Y, X, said" both give (X, "head of Y");
    "X, who led Y, said" gives X.
    """
    if len(segments) >= 3 and not segments[-1]:  # a comma right before the verb: an appositive
        last, previous = segments[-2], segments[-3]
        if _ROLE_START.match(last) or re.match(r"(?:who|which)\b", last):
            return previous, last if _ROLE_START.match(last) else None
        if _ROLE_START.match(previous):
            return last, previous
    return (segments[-1] if segments else ""), None


def _strip_leading_date(phrase: str) -> str:
    """Drop an opening date expression and connectives: 'A day after the report the SOHR' → 'the SOHR'."""
    phrase = _LEADING_FILLERS.sub("", phrase.strip())
    mentions = find_date_mentions(phrase)
    if mentions and mentions[0].start <= 3:
        phrase = phrase[mentions[0].end:]
    return _LEADING_FILLERS.sub("", phrase.strip(" ,"))


def _source_record(name: str, role: str | None) -> SourceRecord | None:
    """A SourceRecord with the name cleaned (rule E)."""
    name = clean_source_name(name)
    return SourceRecord(name, role) if name else None


def clean_source_name(name: str) -> str:
    """'the SOHR' → 'SOHR', 'Col. Afif al-Suleimani' → 'Afif al-Suleimani', 'the newspaper X' → 'X'."""
    name = re.sub(r"\s*\([^()]{0,80}\)", "", name).strip(" ,.;:\"'“”")  # "(SOHR)", "(Armenian: ...)"
    spokesman = _SPOKESMAN.search(name)
    if spokesman:
        name = spokesman.group("org")
    name = _DETERMINER.sub("", name)
    name = _DESCRIPTOR.sub("", name)
    titled = _TITLE.match(name)
    if titled:
        # A titled person: "Lt. Col. J. R. Smith of the U.S. Army" → "J. R. Smith".
        name = re.split(r"\s+of\s+(?:the\s+)?(?=[A-Z0-9])", name[titled.end():], maxsplit=1)[0]
    return name.strip(" ,.;:")


def clause_subject(text: str) -> str | None:
    """The clause's grammatical subject, roughly: the words before its first verb."""
    text = text[:MAX_CHARS]
    head = text.split(",", 1)
    body = head[1] if len(head) > 1 and find_date_mentions(head[0]) else text
    body = _strip_leading_date(body)
    verb = _VERBISH.search(body)
    if not verb:
        return None
    subject = body[:verb.start()].strip(" ,")
    subject = _ADVERBS_BEFORE_VERB.sub("", subject).strip()
    return subject or None


def group_of(subject: str | None) -> str | None:
    """The group a subject names: 'GNA forces' → 'GNA', 'the rebels' → 'rebels'; None for a thing."""
    if not subject or subject.lower() in _PRONOUNS or len(subject.split()) > 6:
        return None
    name = clean_source_name(subject)
    group = _GROUP_TAIL.sub("", name)
    # "they" points back to people: a plural noun or a proper name, not "the ceasefire".
    if group and (group != name or group[0].isupper() or group.endswith("s")):
        return group
    return None


# --- disputes (rule I) -------------------------------------------------------------

_ACTIVE_DENIAL = re.compile(r"(?<!was )(?<!were )(?<!been )\b(?:denied|denies|deny)\b"
                            r"(?!\s+(?:\w+\s+)?(?:access|entry|permission|passage|visas?|the\s+right))", re.I)
# Denials in other words: "rejected these claims", "dismissed the report as propaganda".
_REJECTION = re.compile(
    r"\b(?:rejected|dismissed|refuted|disputed|contradicted)\s+(?:the|this|these|that|those|such|all|its|their)\s+"
    r"(?:\w+\s+)?(?:claims?|reports?|allegations?|accusations?|accounts?|statements?|assertions?|figures?)\b", re.I)
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
    frozenset({"rebel", "militant", "insurgent", "jihadist", "terrorist", "guerrilla", "guerilla"}),
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
    if (me.stance == "denied" and is_denial(me.text)) or _REJECTION.search(me.text[:MAX_CHARS]):
        for j in range(i - 1, max(-1, i - 4), -1):
            if not me.sources or set(clauses[j].sources) != set(me.sources):
                return j
        return None
    if _CONTRADICTION.search(me.text[:MAX_CHARS]):
        for j in range(i - 1, max(-1, i - 4), -1):
            if _figures(clauses[j]):
                return j
        return None
    return _other_figure(i, clauses)


def _other_figure(i: int, clauses: Sequence[ClauseFacts]) -> int | None:
    """The claim, same paragraph and day, where another source gives a figure of the same toll."""
    me = clauses[i]
    mine = _figures(me) if me.sources else ()
    for j in range(i - 1, max(-1, i - 10), -1):
        other = clauses[j]
        if other.paragraph != me.paragraph or not mine:
            break
        if other.date != me.date or not other.sources or set(other.sources) & set(me.sources):
            continue
        if any(_same_figure(a, b) for a in mine for b in _figures(other)):
            return j
    return None
