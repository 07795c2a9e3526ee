"""candidates: surface forms to look up, and how well a Wikidata label matches ours.

Two halves, both pure functions of strings:

* :func:`variants` — the literal strings worth an exact ``rdfs:label`` /
  ``skos:altLabel`` lookup for one of our labels: case forms, "the" and "al-"
  dropped, transliteration folds (Shaykhoun → Shaykhun), an administrative word
  swapped (province ↔ Governorate), polity and ordinal forms (Hungary →
  Kingdom of Hungary, French Empire → First French Empire). Exact lookups are
  cheap on any SPARQL endpoint, Wikidata's included.
* :func:`fuzzy_pattern` — a case-insensitive regular expression over the most
  distinctive word of a label, for the labels no exact form found (Maaret
  al-Numan → Maarrat al-Nu'man; People's Protection Units → "... (YPG)").
* :func:`match` — how a candidate's label relates to ours, as a tier with a
  weight: exact label, alias, normalised, transliterated, consonant skeleton,
  or a "core" match once qualifiers are set aside.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Words that make a place name an administrative area ("Idlib province").
ADMIN_WORDS = ("governorate", "province", "oblast", "district", "county", "prefecture", "canton",
               "department", "region", "subdistrict", "muhafazah", "wilayah", "vilayet")
# Interchangeable ones: the same area is "Idlib province" in prose and "Idlib Governorate" on Wikidata.
ADMIN_SYNONYMS = ("Governorate", "Province", "governorate", "province")
# Forms under which a polity's bare name is often its Wikidata label.
POLITY_PREFIXES = ("Kingdom of", "Republic of", "Empire of", "State of", "Principality of", "Duchy of",
                   "Grand Duchy of", "Electorate of", "Emirate of", "Sultanate of", "Federation of",
                   "Democratic Republic of", "People's Republic of", "Socialist Republic of")
ORDINALS = ("First", "Second", "Third", "Fourth")
# Words too common to pick candidates by (fuzzy search uses the rarest word of a label).
GENERIC = frozenset("""
the of and in on at for to al el ad ad an as ash ar az ez
army armed forces force front battle siege war offensive operation campaign fall liberation
republic kingdom empire state states united national people peoples popular democratic islamic
party movement union council committee brigade brigades division regiment corps battalion unit units
group groups guard guards legion police service services federal government governorate province
district county region city town village north south east west northern southern eastern western
new old great greater upper lower central first second third civil military revolutionary
""".split())

_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc\u02bb\u02be\u02bf'`´]")
_PAREN = re.compile(r"\s*\([^)]*\)\s*")
_VOWELS = "aeiouy"
# Vowel clusters that English transliterations of Arabic (and others) spell in several ways.
_FOLDS = (("ou", "u"), ("oo", "u"), ("ee", "i"), ("aa", "a"), ("ii", "i"), ("uu", "u"), ("ei", "ay"), ("ai", "ay"))
_ARTICLES = frozenset({"al", "el", "ad", "an", "ar", "as", "ash", "at", "az", "ed", "es", "ez", "ul"})


def strip_accents(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """Case, accents, apostrophes, punctuation, a leading "the" and Arabic articles set aside.

    "the al-Nusra Front" → "nusra front"; "Maarrat al-Nu'man" → "maarrat numan".
    """
    text = _APOSTROPHES.sub("", strip_accents(text).casefold())
    text = re.sub(r"[^\w\s]|_", " ", text)
    tokens = text.split()
    if tokens and tokens[0] == "the":
        tokens = tokens[1:]
    kept = [t for t in tokens if t not in _ARTICLES]
    return " ".join(kept or tokens)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """:func:`norm`, then transliteration variants folded: doubled letters once, "ou" → "u", "ee" → "i"...

    "Khan Shaykhoun" and "Khan Shaykhun" fold alike.
    """
    out = []
    for token in norm(text).split():
        token = re.sub(r"(.)\1+", r"\1", token)
        for a, b in _FOLDS:
            token = token.replace(a, b)
        out.append(token)
    return " ".join(out)


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """The consonants of each word (its first letter kept): "Maaret al-Numan" → "mrt nmn"."""
    out = []
    for token in fold(text).split():
        if token.isdigit():
            out.append(token)
            continue
        rest = "".join(c for c in token[1:] if c not in _VOWELS or c == "y")
        out.append(re.sub(r"(.)\1+", r"\1", token[0] + rest))
    return " ".join(out)


@lru_cache(maxsize=65536)
def admin_word(text: str) -> str | None:
    """The administrative word a place name carries ("Idlib Governorate" → "governorate"), if any."""
    tokens = norm(text).split()
    for token in tokens:
        if token in ADMIN_WORDS:
            return token
    return None


def _strip_words(text: str, words: tuple[str, ...]) -> str:
    tokens = norm(text).split()
    kept = [t for t in tokens if t not in words]
    return " ".join(kept)


@lru_cache(maxsize=65536)
def core(text: str) -> str:
    """A name with its qualifiers set aside: parentheses, ordinals, polity words, admin words.

    "People's Protection Units (YPG)" → "peoples protection units"; "Kingdom of Hungary" →
    "hungary"; "First French Empire" → "french"... (used only to compare two names).
    """
    text = _PAREN.sub(" ", text)
    tokens = norm(text).split()
    drop = {w.casefold() for w in ORDINALS} | {"kingdom", "republic", "empire", "principality", "duchy", "grand",
                                               "electorate", "emirate", "sultanate", "federation", "state", "of",
                                               "democratic", "socialist", "peoples", *ADMIN_WORDS}
    kept = [t for t in tokens if t not in drop]
    return " ".join(kept or tokens)


@dataclass(frozen=True)
class Match:
    """How a candidate's label relates to ours."""

    tier: str  # label | alias | normalised | transliterated | skeleton | qualified | admin-swap | bare
    weight: float
    text: str  # the candidate's label or alias that matched

    def describe(self, ours: str) -> str:
        how = {
            "label": "label equals", "alias": "alias equals", "normalised": "label equals, once normalised,",
            "transliterated": "label is a transliteration variant of", "skeleton": "label has the consonants of",
            "qualified": "label is a qualified form of", "admin-swap": "label names the same area as",
            "bare": "label is the bare name of",
        }[self.tier]
        return f"{how} {ours!r}: {self.text!r}"


TIERS = {"label": 1.0, "alias": 0.9, "normalised": 0.88, "transliterated": 0.85, "admin-swap": 0.85,
         "qualified": 0.8, "skeleton": 0.75, "bare": 0.7}


def match(ours: str, theirs: str, *, is_alias: bool) -> Match | None:
    """The tier at which the candidate text ``theirs`` matches our label ``ours``; None for no match."""

    def m(tier: str) -> Match:
        return Match(tier, TIERS[tier], theirs)

    if ours.strip().casefold() == theirs.strip().casefold():
        return m("alias" if is_alias else "label")
    if norm(ours) == norm(theirs):
        return m("normalised")
    if fold(ours) == fold(theirs):
        return m("transliterated")
    a_ours, a_theirs = admin_word(ours), admin_word(theirs)
    if _strip_words(ours, ADMIN_WORDS) == _strip_words(theirs, ADMIN_WORDS) and (a_ours or a_theirs):
        return m("admin-swap" if a_ours and a_theirs else "bare")
    if fold(_strip_words(ours, ADMIN_WORDS)) == fold(_strip_words(theirs, ADMIN_WORDS)) and a_ours and a_theirs:
        return m("admin-swap")
    if core(ours) == core(theirs) or fold(core(ours)) == fold(core(theirs)):
        if (a_ours is None) != (a_theirs is None):
            return m("bare")
        return m("qualified")
    s_ours, s_theirs = skeleton(ours), skeleton(theirs)
    if s_ours == s_theirs and len(s_ours.replace(" ", "")) >= 6 and norm(ours)[:1] == norm(theirs)[:1]:
        return m("skeleton")
    s_core_ours, s_core_theirs = skeleton(core(ours)), skeleton(core(theirs))
    if s_core_ours == s_core_theirs and len(s_core_ours.replace(" ", "")) >= 6 and core(ours)[:1] == core(theirs)[:1]:
        return m("skeleton")
    return None


def _case_forms(text: str) -> list[str]:
    words = text.split()
    small = {"of", "the", "and", "in", "on", "al", "el", "de", "du", "la", "le", "des", "von", "van", "ez", "ad"}
    title = " ".join(w if (i and w.casefold() in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))
    sentence = text[:1].upper() + text[1:].lower()
    capital_first = text[:1].upper() + text[1:]
    # "al-Nusra Front" ↔ "Al-Nusra Front"
    return [text, title, sentence, capital_first, text.lower()]


def _fold_forms(text: str) -> list[str]:
    """Spellings with one or all transliteration folds applied, keeping the case of the rest."""
    out = []
    for a, b in _FOLDS[:5]:
        if a in text:
            out.append(text.replace(a, b))
    applied = text
    for a, b in _FOLDS[:5]:
        applied = applied.replace(a, b)
    out.append(applied)
    return out


def variants(label: str, *, polity: bool = True) -> list[str]:
    """The literal strings worth an exact label/alias lookup for ``label`` (deduplicated, in order).

    :param polity: also try "Kingdom of X", "X Empire", "First X"... (agents and places).
    """
    label = re.sub(r"\s+", " ", label).strip()
    bases = [label]
    if label.casefold().startswith("the "):
        bases.append(label[4:])
    no_article = re.sub(r"\b(?:al|el|ad|an|ar|as|ash|az|ez)[-\s]", "", label, flags=re.I)
    if no_article != label:
        bases.append(no_article)
    bases.append(re.sub(r"[\u2018\u2019\u02bc\u02bb]", "'", label))
    bases.append(label.replace("-", " "))
    if _PAREN.search(label):
        bases.append(_PAREN.sub(" ", label).strip())
    tokens = label.split()
    if len(tokens) > 1 and tokens[-1].casefold() in ADMIN_WORDS:
        stem = " ".join(tokens[:-1])
        bases.extend(f"{stem} {w}" for w in ADMIN_SYNONYMS)
        bases.append(stem)
    if len(tokens) > 2 and tokens[0].casefold() in {"province", "governorate"} and tokens[1].casefold() == "of":
        stem = " ".join(tokens[2:])
        bases.extend(f"{stem} {w}" for w in ADMIN_SYNONYMS)
    if polity and admin_word(label) is None:
        if not any(label.startswith(p + " ") for p in POLITY_PREFIXES):
            bases.extend(f"{p} {label}" for p in POLITY_PREFIXES)
        else:
            bases.append(label.split(" of ", 1)[1])
        bases.extend(f"{o} {label}" for o in ORDINALS)
    out: dict[str, None] = {}
    for base in bases:
        for form in _case_forms(base):
            out[form] = None
        for form in _fold_forms(base):
            out[form] = None
    return [v for v in out if v.strip()]


def distinctive_word(label: str) -> str | None:
    """The word of ``label`` a fuzzy search should look for: the longest non-generic one (4+ letters)."""
    words = [w for w in norm(_PAREN.sub(" ", label)).split() if w not in GENERIC and len(w) >= 4 and not w.isdigit()]
    if not words:
        return None
    return max(words, key=len)


def fuzzy_pattern(label: str) -> str | None:
    """A case-insensitive regular expression (XPath/SPARQL REGEX syntax) that finds the spellings of
    the distinctive word of ``label``: each consonant may double, any vowels or apostrophes may stand
    between two consonants. "Numan" → ``n+[aeiouy'’ʼ-]*m+[aeiouy'’ʼ-]*n+``. None when the label has
    no distinctive word."""
    word = distinctive_word(label)
    if word is None:
        return None
    word = fold(word)
    gap = "[aeiouy'\u2019\u02bc\u02bf-]*"
    parts = []
    for i, c in enumerate(word):
        if c in _VOWELS and c != "y":
            if i == 0:
                parts.append(f"[aeiou]{gap}")
            continue
        parts.append(re.escape(c) + "+" + gap)
    body = "".join(parts)
    if body.endswith(gap):
        body = body[: -len(gap)]
    return body if len(body) >= 6 else None
