"""What an article has said so far, for :mod:`kg.extract.mentions`: who speaks, which
common nouns name participants ("rebel fighters" → "rebels"), and what pronouns and
phrases like "the city" point back to (ANNOTATION.md F, G).

A :class:`Discourse` is read clause by clause in article order. It remembers the
places and actors of the last clauses and the kind of place each name is ("the
town of X" makes X a town), so that "they" finds the rebels, "him" finds the
general named a clause before, and "the town" finds the last town.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from kg.extract import aliases as V
from kg.extract.countries import COUNTRIES

MAX_TOKENS = 1500  # a clause longer than this is not prose; read its start only
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?![\d,]\d)|\w+(?:[-'’/]\w+)*|\S")
_POSS = re.compile(r"(?<=\w)['’]s$")
_PARTICLE = re.compile(r"(?:al|el|ad|ar|as|ash|at|az|ez|ed|d|l)['’-][A-Z]")
_ACTIVE_PRONOUN = re.compile(r"^(?:on \S+ \S+ )?(?:that )?(?:it|they|he|she|we) (?!had been|have been|was|were|is|are)\w+")
_EXPLETIVE = re.compile(
    r"^(?:was|is|had been|has been) (?:also |never |not |later |widely )?(?:\w+ed|said|thought|known|unclear|clear)\b"
    r"(?! by| back| off| out)"
)
# Verbs whose object "it" is a place or thing: "captured it", "had blown it up".
_THING_VERBS = V._words("captured took seized recaptured retook held hold lost abandoned entered stormed "
                        "shelled bombed struck hit destroyed blown blew besieged surrounded shot downed sank damaged")
_THING_PASSIVE = re.compile(r"^(?:was|had been|has been|were) (?:\w+ly )?(?:hit|destroyed|damaged|captured|taken|"
                            r"shelled|bombed|struck|razed|blown|seized|recaptured|retaken|flooded)\b")
_ANNOUNCE = V._words("announced announces declared declares")
_OWN_ACTS = V._words("offensive counter-offensive counteroffensive attack assault operation operations campaign "
                     "advance withdrawal retreat blockade mobilisation mobilization")
_UNIT_NOUNS = V._words("divisions brigades battalions regiments units corps")
_SETTLEMENT = frozenset({"city", "town", "village"})
# Words that may stand between "the" and a generic that points back: "the surrounding province".
_ANAPHOR_ADJ = V._words("surrounding same nearby besieged embattled whole entire old northern southern "
                        "eastern western central devastated flooded captured")
_PROVINCE = frozenset({"province", "governorate", "region", "oblast", "territory", "prefecture", "county"})


@dataclass(slots=True)  # slots: thousands are made per article
class Tok:
    text: str
    start: int
    end: int
    low: str
    poss: bool = False  # written with a possessive "'s"

    @property
    def cap(self) -> bool:
        """Written like a name: a capital Latin letter first, or "al-Nusra", "d'Erlon"."""
        t = self.text
        if t[:1].isupper() and (t[0].isascii() or "LATIN" in unicodedata.name(t[0], "")):
            return self.low not in V.MONTHS_LOWER
        # _PARTICLE needs an apostrophe or a hyphen: most words are spared the regex.
        return ("-" in t or "'" in t or "’" in t) and bool(_PARTICLE.match(t))


def tokenize(text: str) -> list[Tok]:
    """Words, numbers and punctuation with their offsets; "Lee's" becomes "Lee" + possessive."""
    out: list[Tok] = []
    for m in islice(_TOKEN.finditer(text[: MAX_TOKENS * 12]), MAX_TOKENS):  # one Tok per match
        t = m.group()
        start, end = m.span()
        if len(t) > 2 and t[-1] == "s" and _POSS.search(t):  # the test of "s" spares most words the regex
            out.append(Tok(t[:-2], start, end - 2, t[:-2].lower(), True))
        else:
            out.append(Tok(t, start, end, t.lower()))
    return out


def _appositive_ends(toks: list[Tok], m: int) -> bool:
    """Whether the comma at m closes an appositive that opened with ", a/an/the" before it."""
    return any(toks[x].text == "," and toks[x + 1].low in {"a", "an", "the"} for x in range(max(0, m - 8), m))


@lru_cache(maxsize=8192)
def _held_group(word: str) -> str | None:
    """The group of "rebel-held", "government-backed" (a word seen again and again: kept)."""
    held = V.HELD.fullmatch(word)
    return V.GROUP_MODIFIERS[held.group(1)] if held and held.group(1) in V.GROUP_MODIFIERS else None


@lru_cache(maxsize=8192)
def singular(word: str) -> str:
    low = word.lower()
    if low.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if low.endswith("s") and not low.endswith("ss") else word


def _plural_label(label: str) -> bool:
    """"Serbs", "snipers": a one-word plural, never what "it" points to."""
    low = label.lower()
    return " " not in low and low.endswith("s") and not low.endswith(("ss", "us", "is")) and not label.isupper()


_PRONOUN_WORDS = frozenset({"they", "them", "it", "he", "she", "him", "her"})
Actor = tuple[int, str, str]  # (token position, label, role: "group" | "participant" | "person")


class Discourse:
    def __init__(self, places: tuple[str, ...], located_in: tuple[tuple[str, str], ...]) -> None:
        self.types: dict[str, set[str]] = {}  # place label → generic types ("town", "river")
        self.recent_places: list[list[str]] = []  # per clause, newest last
        self.recent_actors: list[list[tuple[str, str]]] = []  # per clause: (label, role)
        self.recent_persons: list[str] = []
        # The event's own settlement and province: where "the city" and "the province"
        # point when the text has named none.
        inner = {a for a, _ in located_in}
        outer = {b for _, b in located_in}
        self.home_settlement = next(
            (p for p in places if p.split()[-1].lower() not in _PROVINCE and (p in inner or p not in outer)), None
        )
        self.home_province = next(
            (p for p in [*places, *outer, *inner] if p.split()[-1].lower() in _PROVINCE), None
        )

        # The event's country: "the country" when the text has just named none.
        states = {p for p in [b for _, b in located_in] + list(places) if p in COUNTRIES}
        self.home_country = states.pop() if len(states) == 1 else None  # several: none is "the country"

    def add_type(self, place: str, kind: str) -> None:
        self.types.setdefault(place, set()).add(kind)

    # --- sources ------------------------------------------------------------------

    def speakers(self, toks: list[Tok]) -> set[int]:
        """Tokens that name who speaks ("Turkey said", "According to the SOHR"): sources, not
        actors, unless a pronoun after the verb says they also act ("announced that it had")."""
        out: set[int] = set()
        acts = False
        for k, t in enumerate(toks):
            if t.low in V.SPEECH_VERBS and t.text.islower():
                acts = acts or bool(_ACTIVE_PRONOUN.match(" ".join(x.low for x in toks[k + 1 : k + 7])))
                # "X announced an offensive on Y": the source announces its own act (rule G).
                acts = acts or t.low in _ANNOUNCE and any(x.low in _OWN_ACTS for x in toks[k + 1 : k + 4])
                # "the SDF announced the start of the battle and entered the district": it acts too.
                acts = acts or any(
                    toks[x].low == "and" and toks[x + 1].text.islower() and toks[x + 1].low.endswith("ed")
                    and toks[x + 1].low not in V.SPEECH_VERBS
                    for x in range(k + 1, min(k + 12, len(toks) - 1))
                )
        for k, t in enumerate(toks):
            if t.low == "according" and toks[k + 1 : k + 2] and toks[k + 1].low == "to":
                m = k + 2
                while m < len(toks) and m < k + 10 and toks[m].text != ",":
                    out.add(m)
                    m += 1
                # "According to Col. X, head of Idlib's rebel Military Council, the Army ...":
                # an appositive that describes the source belongs to it.
                rest = toks[m + 1 : m + 12]
                close = next((n for n, x in enumerate(rest) if x.text == ","), None)
                if rest and close and rest[0].low.isalpha() and rest[0].text.islower() and rest[0].low not in V.FUNCTION_WORDS:
                    if not any(x.low.endswith("ed") for x in rest[:close]):
                        out.update(range(m + 1, m + 1 + close))
            elif t.low in V.SPEECH_VERBS and t.text.islower() and k > 0 and not acts:
                m = k - 1
                while m >= 0 and k - m <= 14:
                    x = toks[m]
                    if x.text == "," and toks[m + 1 : m + 2] and toks[m + 1].low in {"a", "an", "the"} and m and toks[m - 1].cap:
                        m -= 1  # "Col. Ahmed Saleh, a Houthi commander, said": the name before the appositive
                        continue
                    if x.low in {",", ";", "that", "and", "but", "while", ":", "what", "which", "who"}:
                        if x.text != "," or not toks[m + 1 : m + 2] or k - m > 8 or not _appositive_ends(toks, m):
                            break
                    if x.text.islower() and x.low.endswith("ed") and x.low not in {"led", "armed"}:
                        break
                    out.add(m)
                    m -= 1
        return out

    # --- pronouns -----------------------------------------------------------------

    def pronouns(self, toks: list[Tok], actors: list[Actor], places: list[tuple[int, str]]) -> tuple[list[Actor], list[tuple[int, str]]]:
        """Actors and places that pronouns point back to (rule G: "they captured" → "rebels")."""
        new_actors: list[Actor] = []
        new_places: list[tuple[int, str]] = []
        for k, t in enumerate(toks):
            w = t.low
            if w not in _PRONOUN_WORDS:
                continue  # nothing below applies: skip building its context
            before = [a for a in actors + new_actors if a[0] < k]
            have = frozenset(a[1] for a in actors + new_actors)
            prev = toks[k - 1].low if k else ""
            after = " ".join(x.low for x in toks[k + 1 : k + 6])
            ante: str | None = None
            if w == "they" and not before:
                ante = self._antecedent(plural=True, skip=have)
            elif w == "them" and prev != "of":
                ante = self._antecedent(plural=True, skip=have)
            elif w == "it":
                if _EXPLETIVE.match(after) and not _THING_PASSIVE.match(after):
                    continue  # "it was reported that": nobody
                if prev in _THING_VERBS or _THING_PASSIVE.match(after) or toks[k + 1 : k + 2] and toks[k + 1].low in {"back", "up"}:
                    place = self._last_place([p for p in places if p[0] < k])
                    if place and place not in {p for _, p in places}:
                        new_places.append((k, place))
                    continue
                if k and prev.isalpha() and prev.islower() and prev not in V.FOLLOW_PLACE:
                    ante = self._antecedent(plural=False, skip=have)  # an object: "did not pursue it"
                elif not before:
                    ante = self._antecedent(plural=False, skip=have, persons=False)
            elif w in {"he", "she"} and not any(a[2] == "person" for a in before):
                ante = next((p for p in reversed(self.recent_persons) if p not in have), None)
            elif w in {"him", "her"} and not (w == "her" and toks[k + 1 : k + 2] and toks[k + 1].text.isalpha()):
                if not any(a[2] == "person" for a in before[1:]):
                    ante = next((p for p in reversed(self.recent_persons) if p not in have), None)
            if ante:
                new_actors.append((k, ante, "group"))
        return new_actors, new_places

    def participants(self, toks: list[Tok], span_end: dict[int, str], named: list[Actor], speakers: set[int]) -> list[Actor]:
        """Participant nouns (rule G): "rebel fighters" → "rebels", "government forces" → "government"."""
        out: list[Actor] = []
        group_at = {i for i, _, role in named if role == "group"}
        named_at = {i for i, _, role in named if role == "person"}
        for k, t in enumerate(toks):
            if k in speakers or not t.text.isalpha() and "-" not in t.text:
                continue
            w = t.low
            held = _held_group(w)
            if held is not None:
                out.append((k, held, "participant"))
                continue
            if w not in V.GROUP_MODIFIERS and w != "rebel" and w not in V.PARTICIPANTS:
                continue  # most words: none of the branches below
            prev = toks[k - 1] if k else None
            nxt = toks[k + 1].low if k + 1 < len(toks) else ""
            if w in V.GROUP_MODIFIERS or w == "rebel":
                if nxt == "of" and w in {"army", "armies"} and k + 2 < len(toks) and toks[k + 2].cap:
                    continue  # "the Prussian army of Blücher" names Blücher
                if prev is not None and (prev.poss or prev.low in {"its", "their"} or prev.low in {"his", "her"} and w != "government"):
                    continue  # "Lee's army", "Schröder's opposition to a war"
                if w == "rebel" and not toks[k + 1 : k + 2]:
                    continue
                out.append((k, V.GROUP_MODIFIERS.get(w, "rebels"), "participant"))
                continue
            if w not in V.PARTICIPANTS:
                continue
            if nxt == "of" and any(i in group_at or i in named_at and w in _UNIT_NOUNS for i in range(k + 2, k + 4)):
                continue  # "battalions of the Imperial Guard", "the divisions of Gen. X": the group, the person
            if prev is not None:
                if prev.low in {"its", "their"} and w in V.MEMBER_NOUNS:
                    ante = self._possessor([a for a in named + out if a[0] < k])
                    if ante:
                        out.append((k, ante, "group"))
                    continue
                if prev.poss or prev.low in {"his", "her"} or k > 1 and toks[k - 2].poss and prev.text.islower():
                    continue  # "Hill's brigade commanders": the person's
                if any(x.low == "including" for x in toks[max(0, k - 3) : k]) and any(
                        x.text == "(" for x in toks[max(0, k - 4) : k]):
                    continue  # "30 fighters (including two officers)": some of those counted
                if k in span_end:
                    label = span_end[k]
                    if not V.is_nationality(label.split()[-1]) and not label.startswith(("US-", "U.S.-")):
                        continue  # "ISIL fighters", "Union troops": the group (rule G)
                if prev.low in V.GROUP_MODIFIERS or prev.low == "rebel":
                    continue  # "rebel fighters": counted as "rebels" already
            out.append((k, w, "participant"))
        return out

    def _possessor(self, here: list[Actor]) -> str | None:
        """What "its"/"their" points to: the last group before it in this clause, else of the last clauses."""
        own = next((label for _, label, role in sorted(here, reverse=True) if role == "group"), None)
        return own or self._antecedent(plural=False, skip=frozenset())

    def _antecedent(self, plural: bool, skip: frozenset[str], persons: bool = True) -> str | None:
        """The last clauses' subject-like actor: a group, else (singular) a collective noun, else
        a person unless `persons` is false: "it" never points to a person."""
        for pool in reversed(self.recent_actors[-2:]):
            cands = [(label, role) for label, role in pool if label not in skip]
            for label, role in cands:
                if not plural and not persons and _plural_label(label):
                    continue  # "it" is no "Serbs", no "snipers"
                if role == "group" or (plural and role == "participant"):
                    return label
            if not plural:
                for label, role in cands:
                    if role == "participant" and not label.endswith("s"):
                        return label
                for label, role in cands:
                    if role == "person" and persons:
                        return label
        return None

    def _last_place(self, here: list[tuple[int, str]]) -> str | None:
        if here:
            return here[0][1]
        return next((pool[0] for pool in reversed(self.recent_places[-2:]) if pool), None)

    # --- "the city", "the river" ----------------------------------------------------

    def anaphoric_places(self, toks: list[Tok], found: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """"the city", "the town", "the river", "the province": the place they point back to (rule F)."""
        out: list[tuple[int, str]] = []
        generics = V.PLACE_KEEP | V.PLACE_DROP | {"river", "creek", "country"}
        for k, t in enumerate(toks[:-1]):
            if t.low != "the":
                continue
            m = k + 1
            while m < len(toks) and m <= k + 3 and toks[m].low in _ANAPHOR_ADJ:
                m += 1
            if m >= len(toks) or m > k + 3 or toks[m].low not in generics or not toks[m].text.islower():
                continue
            if m > k + 1 and toks[m].low in {"area", "region", "quarter", "district", "districts", "base", "bases", "areas"}:
                continue  # "the surrounding area", "the air base": no name behind them
            if m + 1 < len(toks) and (toks[m + 1].low == "of" or (toks[m + 1].cap and not toks[m].poss)):
                continue  # "the city of Idlib" names its place itself
            here = [p for i, p in found if i < k]
            if toks[m].low == "country":  # "the government of X said ... the country's crops"
                here = here + [c for c in COUNTRIES if f" {c} " in " " + " ".join(x.text for x in toks[:k]) + " "]
            target = self._resolve(singular(toks[m].low), here)
            if toks[k + 1].low == "same":  # "the same suburb": the place just named, if it may be one
                kind = singular(toks[m].low)
                near = [p for pool in self.recent_places[-2:] for p in pool] + here
                target = next((p for p in reversed(near) if not self.types.get(p, set()) - {kind}), target)
            if target:
                out.append((k, target))
        return out

    def _resolve(self, generic: str, here: list[str]) -> str | None:
        history = [p for pool in self.recent_places for p in pool] + here

        def typed(kinds: set[str]) -> str | None:
            return next((p for p in reversed(history) if self.types.get(p, set()) & kinds), None)

        if generic in _SETTLEMENT:
            # A place called a town in this clause or the last one; else the first place of the
            # nearest of the last two clauses that may be a settlement ("Qayyarah itself was
            # retaken ...; ... the oil wells around the town"); else the event's own; else the
            # last typed. An aside named long before ("the ancient city of X") never wins
            # over the event's own city.
            near = [p for pool in self.recent_places[-1:] for p in pool] + here
            near_typed = next((p for p in reversed(near) if generic in self.types.get(p, set())), None)
            # "the city" is the event's own city unless the text just called another one a city.
            order = ([self.home_settlement, self._recent_settlement(generic, []), typed({generic})] if generic == "city"
                     else [self._recent_settlement(generic, here), self.home_settlement, typed({generic})])
            found = near_typed or next((p for p in order if p), None)
            if found:
                self.add_type(found, generic)  # "the town" makes it a town: "the city" is another
            return found or next((p for p in reversed(history) if not self.types.get(p)), None)
        if generic == "country":
            near = [p for pool in self.recent_places[-1:] for p in pool] + here
            return next((p for p in reversed(near) if p in COUNTRIES), None) or self.home_country
        if generic in _PROVINCE:
            cands = [p for p in reversed(history) if self.types.get(p, set()) & _PROVINCE]
            home = (self.home_province or "").split()[:1]
            return next((p for p in cands if p.split()[:1] == home), None) or self.home_province or (cands[0] if cands else None)
        return typed({generic} | ({"river", "creek"} if generic in {"river", "creek"} else set()))

    def _recent_settlement(self, generic: str, here: list[str]) -> str | None:
        """The first place of this clause (`here`, before the phrase), else of the nearer of the
        last two clauses that names one, where it may be this kind of settlement: no country,
        province or thing typed otherwise. The caller passes no `here` for "the city": a city
        named before it in the same clause is not it ("Bashiqa, north-east of the city")."""
        for pool in (here, *reversed(self.recent_places[-2:])):
            cands = [p for p in pool if p not in COUNTRIES and p != self.home_province
                     and not (self.types.get(p, set()) - {generic})]
            if pool:
                return cands[0] if cands else None
        return None

    def remember(self, places: list[str], actors: list[tuple[str, str]], persons: list[str]) -> None:
        self.recent_places = [*self.recent_places[-30:], places]
        self.recent_actors = [*self.recent_actors[-4:], actors]
        self.recent_persons = [*self.recent_persons, *persons][-20:]
