"""Attribution (ANNOTATION.md rules D, E, I): a clause's stance, its sources, and
the earlier claim it disputes.

- Stance: the strongest cue anywhere in the clause wins, denied > claimed >
  reported > asserted (:func:`find_stance`).
- Sources: whom each cue attributes the clause to: the object of "according to",
  the subject of "said"/"reported"/"denied"/..., cleaned (titles, "the",
  "the newspaper", "a spokesman for the X operation", an appositive "X, a technician,"),
  two for "X and Y said"; "he"/"she" resolves to the person named last (by a title, an
  appositive or a known surname), "it"/"they"/"which it" to the clause's own subject
  or else the source or group named before; a passive cue ("it was reported") has none
  (:func:`find_sources`).
- Disputes: a denial disputes the claim before it; "the real figure was lower"
  disputes the last figure; another source's figure of the same kind (killed,
  wounded, ...) in the same paragraph disputes that figure (:func:`find_dispute`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.extract.aliases import PERSON_NOUNS
from kg.extract.datefind import folded, gated_search
from kg.extract.dates import find_date_mentions

# Rule I lives in its own module; these names stay importable from here.
from kg.extract.disputes import ClauseFacts, Figure, figure_kinds, find_dispute, is_denial, make_figure
from kg.model import SourceRecord, Stance

__all__ = ["ClauseFacts", "Figure", "clause_subject", "clean_source_name", "figure_kinds", "find_dispute", "find_sources",
           "find_stance", "group_of", "is_denial", "make_figure"]

MAX_CHARS = 2000  # work cap per clause

# --- stance (rule D) ---------------------------------------------------------------

# Each stance with its cue pattern and the words that pattern cannot match without: the
# case-insensitive patterns are slow to scan, and most clauses have none of the words.
_STANCE_CUES: tuple[tuple[Stance, re.Pattern[str], tuple[str, ...]], ...] = (
    ("denied", re.compile(r"\b(?:denied|denies|deny)\b", re.I), ("denied", "denies", "deny")),
    # "claimed the lives of 30 people" reports deaths, not a claim.
    ("claimed", re.compile(r"\b(?:claimed|claims|claim)\b(?!\s+(?:the\s+lives|(?:\d[\d,]*|many|dozens|hundreds|"
                           r"thousands)\s+(?:more\s+)?(?:lives|victims)))", re.I), ("claim",)),
    ("reported", re.compile(
        r"\b(?:reported|reports|reportedly|said|says|announced|announces|(?:declared|declares)(?!\s+(?:war|independence|"
        r"martial\s+law|an?\s+(?:state\s+of|ceasefire|truce|curfew|no-fly)))|"
        r"(?:was|were)\s+estimated|according\s+to)\b", re.I),
     ("report", "said", "says", "announce", "declare", "estimated", "according")),
)


def find_stance(text: str) -> Stance:
    """The strongest stance cue in the clause (rule D)."""
    text = text[:MAX_CHARS]
    low = folded(text)
    for stance, rx, words in _STANCE_CUES:
        if gated_search(rx, words, text, low):
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
_LEADING_FILLERS = re.compile(
    r"^(?:(?:also|then|however|meanwhile|moreover|furthermore|later|but|and|yet|still|"
    r"despite\s+this(?:\s+\w+)?|in\s+addition|in\s+response|in\s+turn)\b[\s,]*)+", re.I)
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.I)
_ABBREVIATED_TITLES = "Maj|Brig|Lt|Lieut|Col|Gen|Cpl|Sgt|Capt|Cmdr|Adm|Dr|Mr|Mrs|Ms|Prof|Pvt|Gov|Sen|Rep|Rev|St"
_FULL_TITLES = (r"Field\s+Marshal|Marshal|General|Colonel|Major|Lieutenant|Captain|Brigadier|Admiral|Sergeant|"
                r"Corporal|President|Prime\s+Minister|Minister|Chancellor|Sheikh|Emir|King|Queen|Prince|Sir|Lord|"
                r"Commander|Governor|Senator|Ambassador|Mayor|Chief")
TITLES = rf"(?:(?:{_ABBREVIATED_TITLES})\.\s*|(?:{_FULL_TITLES})\s+)+"
# What every title starts with: a flat alternation of literals, which the regex engine scans
# for quickly, to spare the texts without one the slow search for TITLES at every position.
_TITLE_START = re.compile("|".join([rf"{t}\." for t in _ABBREVIATED_TITLES.split("|")]
                                   + [t.partition(r"\s")[0] + r"\s" for t in _FULL_TITLES.split("|")]))
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


def find_sources(text: str, antecedent: str | None = None, person: str | None = None) -> tuple[SourceRecord, ...]:
    """Whom the clause's cues attribute it to, in order, without repeats (rule E).

    :param antecedent: the source or group named before, for "they"/"it".
    :param person: the person named last before this clause, for "he"/"she".
    """
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
            records = [record] if record else []
        else:
            records = _subject_sources(text, cue.start, antecedent, person)
        for record in records:
            if record.name and all(r.name != record.name for r in found):
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
        fb = _FALLBACK_VERB.search(text)
        if fb and text[fb.start() - 1:fb.start()] != "-" and not _NOT_SAYING.search(text, max(0, fb.start() - 20), fb.start()):
            cues.append(_Cue(fb.start(), fb.end(), "fallback"))
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


def _subject_sources(text: str, verb_start: int, antecedent: str | None, person: str | None) -> list[SourceRecord]:
    """The subject of the speech verb at verb_start, as sources: two for "X and Y said"."""
    if re.search(r"[,!?][\"”]\s*$", text[max(0, verb_start - 5):verb_start]):
        verb = re.match(r"\w+", text[verb_start:])
        inverted = _inverted_source(text, verb_start + (verb.end() if verb else 0))
        return [inverted] if inverted else []
    region = strip_adverbs(text[:verb_start].rstrip())
    subject, role = _subject_and_role([s.strip() for s in re.split(r"[,;:]", region)])
    if re.search(r"\b(?:and|that|which|who)$", subject) or not subject:
        subject = clause_subject(text) or ""  # "X denied this and said ...": X said
    subject = _strip_leading_date(subject).strip(" \"“”")
    # "..., which it declared captured": the relative pronoun stands for its antecedent.
    subject = re.split(r"(?:^|\s+)(?:that|which|who|where|when|whereupon)(?:\s+|$)", subject)[-1]
    if subject.lower() in _PRONOUNS or not subject:
        name = _resolve_pronoun(subject.lower(), text, verb_start, antecedent, person)
        return [SourceRecord(name)] if name else []
    both = _COORDINATED.fullmatch(subject)
    if both and not _VERBISH.search(subject):
        # "UNESCO and the United Arab Emirates announced": each name is a source.
        return [r for r in (_source_record(both["a"], None), _source_record(both["b"], None)) if r]
    record = _subject_source(subject, role)
    return [record] if record else []


# Two capitalised names joined by "and": a coordinated subject.
_COORDINATED = re.compile(r"(?:the\s+)?(?P<a>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,5})\s+and\s+"
                          r"(?P<b>(?:the\s+)?[A-Z][\w'’.-]*(?:\s+(?:of\s+)?[A-Z][\w'’.-]*){0,5})")


def _resolve_pronoun(pronoun: str, text: str, verb_start: int, antecedent: str | None,
                     person: str | None) -> str | None:
    """What a pronoun subject of a speech verb stands for (rule E).

    "he"/"she" is a person: one titled or named before it in this clause, else the last
    person named before; "it"/"they" (or a bare "which") is a group: the subject of this
    clause where the pronoun is not that subject ("the government launched an offensive,
    which it declared over"), else the source or group named before.
    """
    if pronoun in {"he", "she"}:
        return last_person(text[:verb_start]) or person
    # "Bosnian Serb officials said that ..., and they claimed ...": the earlier speaker.
    spoke = _EARLIER_SPEAKER.match(text[:verb_start])
    if spoke and group_of(spoke["who"]):
        return clean_source_name(spoke["who"])
    subject = clause_subject(text)
    at = text.find(subject) if subject else -1
    if subject and subject.lower() not in _PRONOUNS and 0 <= at and at + len(subject) < verb_start:
        # "it" may stand for a singular collective ("the government"), which group_of,
        # made for "they", leaves out.
        name = clean_source_name(subject)
        group = group_of(subject) or (name if len(name.split()) <= 4 and not _VERBISH.search(name) else None)
        if group:
            return group
    return antecedent if pronoun else None


# A titled name ("Field Marshal Bernard Montgomery", "Prime Minister Haider al-Abadi") or a
# name with an appositive ("Giampaolo Giuliani, a seismologist,"): a person.
_NAME = r"[A-Z][\w'’-]*(?:\s+(?:[A-Z]\.|(?:al|el|de|da|van|von|bin|ibn)[- ]?)?[A-Z][\w'’-]*){0,3}"


_PERSON_ROLES = ("minister|president|commander|general|colonel|spokesman|spokeswoman|technician|scientist|"
                 "seismologist|journalist|reporter|official|leader|governor|mayor|envoy|ambassador|head|chief|"
                 "director|secretary|chairman|deputy|analyst|historian|expert|officer|activist|cleric|lawyer")
_TITLED_NAME = re.compile(rf"{TITLES}(?P<n>{_NAME})")
_APPOSED_NAME = re.compile(rf"(?P<n>{_NAME}),\s+(?:an?|the)\s+(?:[\w-]+\s+){{0,5}}?(?:{_PERSON_ROLES})\b")
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|as|ar|ash)-")


def last_person(text: str, known: Sequence[str] = ()) -> str | None:
    """The last person a stretch of text names by a title or an appositive, cleaned, or by
    the surname of a person named so before ("Abadi" after "Prime Minister Haider al-Abadi")."""
    text = text[-MAX_CHARS:]
    best: tuple[int, str] | None = None
    for m in _TITLED_NAME.finditer(text) if _TITLE_START.search(text) else ():
        best = (m.start(), m["n"])
    for m in _APPOSED_NAME.finditer(text) if "," in text else ():
        if best is None or m.start() > best[0]:
            best = (m.start(), m["n"])
    for name in known[-20:]:
        surname = _ARTICLE_PREFIX.sub("", name.split()[-1])
        if len(surname) <= 2 or surname not in text:
            continue  # too short to count, or absent: no regex to run
        for m in re.finditer(rf"\b(?:[\w]+-)?{re.escape(surname)}\b", text):
            if best is None or m.start() > best[0]:
                best = (m.start(), m.group())
    return clean_source_name(best[1]) if best else None


def _subject_source(subject: str, role: str | None) -> SourceRecord | None:
    """A subject phrase as a source: its last clean noun phrase."""
    if _VERBISH.search(subject) or len(_TITLE.sub("", subject).split()) > 8:
        # Not a clean noun phrase: keep its last determiner phrase ("... the SOHR").
        dets = list(re.finditer(r"\b(?:the|a|an)\s+", subject))
        if not dets:
            return None
        subject = subject[dets[-1].start():]
        if _VERBISH.search(subject):
            return None
    return _source_record(subject, role)


def strip_adverbs(region: str) -> str:
    """Drop adverbs and auxiliaries between a subject and its verb: "he formally", "X later had"."""
    words = region.split(" ")
    while len(words) > 1 and (words[-1].lower() in _ADVERBS or re.fullmatch(r"[a-z]{2,}ly", words[-1])
                              and words[-1] not in {"only", "early", "family", "rally", "ally"}):
        words.pop()
    return " ".join(words)


_ADVERBS = frozenset("later also then again first initially subsequently officially publicly immediately "
                     "previously repeatedly reportedly had has have already further strongly".split())


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
        if re.match(r"(?:an?|the)\s", last) and previous[:1].isupper() and not _VERBISH.search(last):
            return previous, last  # "Giampaolo Giuliani, a laboratory technician, said"
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


_EARLIER_SPEAKER = re.compile(
    r"(?P<who>(?:[Tt]he\s+)?(?:[A-Z][\w'’.-]*\s+){0,4}[a-z]+)\s+(?:said|claimed|stated|reported|announced|"
    r"declared|denied|insisted|alleged)\b(?=.*,\s+and\s+\S+\s*$)")


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
    subject = strip_adverbs(subject).strip()
    return subject or None


def group_of(subject: str | None) -> str | None:
    """The group a subject names: 'GNA forces' → 'GNA', 'the rebels' → 'rebels'; None for a thing."""
    if not subject or subject.lower() in _PRONOUNS or len(subject.split()) > 6:
        return None
    name = clean_source_name(subject)
    if re.match(r"\d", name) and name.split()[-1].lower() not in PERSON_NOUNS:
        return None  # "3,777 shells": a count of things is never a source
    group = _GROUP_TAIL.sub("", name)
    # "they" points back to people: a plural noun or a proper name, not "the ceasefire".
    if group and (group != name or group[0].isupper() or group.endswith("s")):
        return group
    return None
