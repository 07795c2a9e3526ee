"""Places and actors that each clause names: ANNOTATION.md rules F and G.

The whole article's clauses come in at once, so that what one clause makes plain
("In Dresden", "the city of Idlib") decides another ("Dresden's station", "the
city"). The steps, in order:

1. ``_tokens``: one regex pass per clause; possessive "'s" split off.
2. ``_spans``: capitalised names ("Maaret al-Numan", "Joseph K. F. Mansfield",
   "13th Guards Rifle Division"), gazetteer names matched whole first.
3. ``_Reader.pass_one``: names that a strong cue types anywhere in the article (a
   place preposition, "the town of X", a group head word) are remembered.
4. ``_Reader.read``: per clause, in order: each name classified (gazetteer, head
   word, context, memory), generic-word places ("the Khazanat fueling base" →
   "Khazanat base"), participant nouns ("rebel fighters" → "rebels"), sources
   removed unless they also act, pronouns and "the city" resolved.

Vocabulary lives in :mod:`kg.extract.aliases`; nothing here names a place or group.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kg.extract import aliases as V
from kg.model import EventRecord, Gazetteer

MAX_TOKENS = 1500  # a clause longer than this is not prose; read its start only
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?![\d,]\d)|\w+(?:[-'’]\w+)*|\S")
_POSS = re.compile(r"(?<=\w)['’]s$")
_CONNECT = frozenset("of de du des von van der den la le al el bin ibn da di y".split())
_SETTLEMENT = frozenset({"city", "town", "village"})
_PROVINCE = frozenset({"province", "governorate", "region", "oblast"})
_ACTIVE_PRONOUN = re.compile(r"^(?:that )?(?:it|they|he|she|we) (?!had been|have been|was|were|is|are)\w+")


@dataclass
class Tok:
    text: str
    start: int
    end: int
    low: str
    poss: bool = False  # written with a possessive "'s"

    @property
    def cap(self) -> bool:
        t = self.text
        return (t[:1].isupper() and t.lower() not in V.MONTHS_LOWER) or bool(
            re.match(r"(?:al|el|ad|ar|as|ash|at|az|ez|ed|d|l)['’-][A-Z]", t)
        )


@dataclass
class Span:
    i: int  # first token
    j: int  # one past the last token
    label: str
    kind: str | None = None  # "place", "actor", "skip"
    strong: bool = False  # kind from the name itself or a strong context
    person: bool = False


@dataclass
class _Clause:
    text: str
    toks: list[Tok]
    spans: list[Span] = field(default_factory=list)


def find_mentions(
    clauses: Sequence[str], event: EventRecord, gazetteer: Gazetteer
) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """For each clause, in order: (places, actors) it names.

    :param clauses: the article's clauses in article order.
    :param event: the article's event record (its places, sides and units).
    :param gazetteer: names known across the build.
    :returns: one (places, actors) pair per clause.
    """
    reader = _Reader(event, gazetteer)
    parsed = [reader.parse(c) for c in clauses]
    reader.pass_one(parsed)
    return [reader.read(c) for c in parsed]


def _tokens(text: str) -> list[Tok]:
    out: list[Tok] = []
    for m in _TOKEN.finditer(text[: MAX_TOKENS * 12]):
        t = m.group()
        if _POSS.search(t) and len(t) > 2:
            out.append(Tok(t[:-2], m.start(), m.end() - 2, t[:-2].lower(), poss=True))
        else:
            out.append(Tok(t, m.start(), m.end(), t.lower()))
        if len(out) >= MAX_TOKENS:
            break
    return out


@lru_cache(maxsize=8)
def _index(names: frozenset[str]) -> dict[str, list[tuple[str, ...]]]:
    """Gazetteer names by first token, longest first, for a linear scan of a clause."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for name in names:
        toks = tuple(t.text for t in _tokens(name))
        if toks and len(toks) <= 12:
            index.setdefault(toks[0], []).append(toks)
    for entries in index.values():
        entries.sort(key=len, reverse=True)
    return index


def _nationality(word: str) -> bool:
    low = word.lower()
    return low in V.NATIONALITY or (
        len(low) > 3 and not word.isupper() and low.endswith(V.NATIONALITY_ENDINGS) and "-" not in low
    )


def _plural(word: str) -> str:
    return word if word.endswith("s") else (word[:-1] + "ies" if word.endswith("y") else word + "s")


def _singular(word: str) -> str:
    low = word.lower()
    if low.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if low.endswith("s") and not low.endswith("ss") else word


class _Reader:
    def __init__(self, event: EventRecord, gazetteer: Gazetteer) -> None:
        self.event = event
        self.agents = {n.casefold() for n in gazetteer.agents} | {a.casefold() for s in event.sides for a in s}
        self.agents |= {u.casefold() for pair in event.units for u in pair}
        places = set(gazetteer.places) | set(event.places) | {p for pair in event.located_in for p in pair}
        self.places = {p.casefold() for p in places}
        self.events = {e.casefold() for e in gazetteer.events} | {event.label.casefold()}
        if event.part_of:
            self.events.add(event.part_of.casefold())
        self.index = _index(frozenset(gazetteer.agents | gazetteer.places) | frozenset(places)
                            | frozenset(a for s in event.sides for a in s) | frozenset(u for u, _ in event.units))
        self.memory: dict[str, str] = {}  # name → kind a strong cue gave it somewhere
        self.mid_caps: set[str] = set()  # words seen capitalised away from a clause's start
        self.types: dict[str, set[str]] = {}  # place label → generic types ("town", "river")
        self.recent_places: list[str] = []
        self.recent_actors: list[list[tuple[str, str]]] = []  # per clause: (label, role)
        self.recent_persons: list[str] = []
        # The event's own settlement and province: where "the city" and "the province" point
        # when the text has named none.
        inner = {a for a, _ in event.located_in}
        outer = {b for _, b in event.located_in}
        self.home_settlement = next((p for p in event.places if p.split()[-1].lower() not in _PROVINCE
                                     and (p in inner or p not in outer)), None)
        self.home_province = next((p for p in [*event.places, *outer, *inner] if p.split()[-1].lower() in _PROVINCE), None)
        if self.home_settlement:
            self.types.setdefault(self.home_settlement, set()).add("home")

    # --- step 2: names -----------------------------------------------------------

    def parse(self, text: str) -> _Clause:
        toks = _tokens(text)
        clause = _Clause(text, toks)
        i = 0
        while i < len(toks):
            span = self._gazetteer_at(toks, i) or self._span_at(toks, i)
            if span:
                span.label = text[toks[span.i].start : toks[span.j - 1].end]
                clause.spans.append(span)
                i = span.j
            else:
                i += 1
        for s in clause.spans:
            if s.i > 0 and toks[s.i - 1].text not in {'"', "(", ":"}:
                self.mid_caps.update(t.text for t in toks[s.i : s.j])
        return clause

    def _gazetteer_at(self, toks: list[Tok], i: int) -> Span | None:
        for name in self.index.get(toks[i].text, ()):
            n = len(name)
            if tuple(t.text for t in toks[i : i + n]) == name and (n == 1 or not toks[i + n - 2].poss):
                if i + n < len(toks) and toks[i + n].cap and not toks[i + n - 1].poss:
                    continue  # part of a longer name the gazetteer does not know
                low = " ".join(name).casefold()
                kind = "actor" if low in self.agents else "place"
                return Span(i, i + n, "", kind, strong=True)
        return None

    def _span_at(self, toks: list[Tok], i: int) -> Span | None:
        t = toks[i]
        ordinal = re.fullmatch(r"\d+(?:st|nd|rd|th)", t.low) and i + 1 < len(toks) and toks[i + 1].cap
        if not (t.cap or ordinal) or t.low in V.MONTHS_LOWER:
            return None
        if t.low in V.FUNCTION_WORDS and not (len(t.text) == 1 and toks[i + 1 : i + 2] and toks[i + 1].text == "."):
            return None
        j = i + 1
        while j < len(toks) and not toks[j - 1].poss:
            nxt = toks[j]
            prev = toks[j - 1]
            if nxt.text == "." and len(prev.text) <= 3 and prev.text[:1].isupper() and prev.low.rstrip(".") not in V.FUNCTION_WORDS | {"i"}:
                j += 1  # an initial or a title: "J.", "O'B.", "Col."
            elif nxt.cap and nxt.low not in V.FUNCTION_WORDS:
                j += 1
            elif nxt.text == '"' and j + 3 < len(toks) and toks[j + 1].cap and toks[j + 2].text == '"' and toks[j + 3].cap:
                j += 3  # Thomas J. "Stonewall" Jackson
            elif nxt.low in _CONNECT and j + 1 < len(toks) and toks[j + 1].cap and toks[j + 1].low not in V.FUNCTION_WORDS:
                j += 1
            elif nxt.text.isdigit() and j - i <= 2 and not prev.text.isdigit() and prev.low not in V.MONTHS_LOWER:
                j += 1  # "Observatory 45"
                break
            else:
                break
        while j > i + 1 and toks[j - 1].text in {".", '"'} | _CONNECT:
            j -= 1
        if toks[j - 1].low in _CONNECT:
            return None
        return Span(i, j, "")

    # --- step 3: what the article makes plain ------------------------------------

    def pass_one(self, clauses: list[_Clause]) -> None:
        for c in clauses:
            for s in c.spans:
                kind = s.kind if s.strong else self._strong_kind(c, s)
                if kind in {"place", "actor"}:
                    self.memory.setdefault(self._name(c, s).casefold(), kind)

    def _name(self, c: _Clause, s: Span) -> str:
        """The span without titles and leading nationality words."""
        toks = c.toks[s.i : s.j]
        k = 0
        while k < len(toks) - 1 and (toks[k].low in V.TITLES or toks[k].text == "."):
            k += 1
        rest = toks[k:]
        while len(rest) > 1 and _nationality(rest[0].text) and not s.strong:
            tail = {t.low for t in rest[1:]}
            if tail <= V.ACTOR_HEADS | {"air", "armed", "special", "national", "republican"}:
                break
            rest = rest[1:]
        if not rest:
            return s.label
        return c.text[rest[0].start : rest[-1].end]

    def _strong_kind(self, c: _Clause, s: Span) -> str | None:
        toks = c.toks
        words = [t.low for t in toks[s.i : s.j]]
        last = words[-1]
        if any(w in V.NOT_NAMES for w in words[:1]) or (words[0] in V.NOT_NAMES or last in V.NOT_NAMES):
            return "skip"
        if s.label.casefold() in self.events:
            return "skip"
        if last in V.ACTOR_HEADS or re.fullmatch(r"[A-Z]{2,6}(?:/[A-Z]{2,6})?", s.label):
            return "actor"
        if last in V.PLACE_KEEP or last in {"woods", "lane", "pike", "street", "republic", "city", "mountains"}:
            return "place"
        if any(t.low in V.TITLES for t in toks[s.i : s.j - 1]) or any(t.text == "." for t in toks[s.i : s.j]):
            return "actor"  # a title or initials: a person
        if self._place_context(toks, s.i):
            return "place"
        return None

    def _place_context(self, toks: list[Tok], i: int) -> bool:
        """A place preposition or "the town of" just before token i."""
        k = i - 1
        while k >= 0 and (toks[k].low in {"the", "most", "much", "half", "parts", "part", "all"} | V.COMPASS or toks[k].low == "of" and k > 0 and toks[k - 1].low in {"most", "much", "half", "parts", "part", "all"}):
            k -= 1
        if k < 0:
            return False
        w = toks[k].low
        if w == "of":
            return k > 0 and toks[k - 1].low in V.PLACE_OF | {"areas", "garrison", "outskirts"}
        if w == "to":
            return k > 0 and toks[k - 1].low not in {"according", "surrendered", "due", "thanks", "loyal", "close", "next", "allied"}
        return w in V.PLACE_PREPS

    # --- step 4: one clause ------------------------------------------------------

    def read(self, c: _Clause) -> tuple[tuple[str, ...], tuple[str, ...]]:
        places: list[tuple[int, str]] = []
        actors: list[tuple[int, str, str]] = []  # (token, label, role)
        speakers = self._speaker_tokens(c)
        toks = c.toks
        generics = [self._generic_after(c, s, n) for n, s in enumerate(c.spans)]
        for n, s in enumerate(c.spans):
            kind = s.kind if s.strong else self._strong_kind(c, s)
            name = self._name(c, s)
            generic = generics[n]
            if kind == "skip" or _inside_prose_quote(c, s):
                continue
            if kind and kind.startswith("shared:"):
                places.append((s.i, f"{name} {kind[7:]}"))
                continue
            if generic is not None:
                label, actor_word = generic
                if label:
                    places.append((s.i, label))
                if actor_word:
                    actors.append((s.i, actor_word, "group"))
                if label or actor_word:
                    continue
            if kind is None or (kind == "actor" and s.strong and self._place_context(toks, s.i)
                                and toks[s.j - 1].low not in V.ACTOR_HEADS and not s.label.isupper()):
                kind = self._weak_kind(c, s, n, places)
            if kind == "place":
                places.append((s.i, name))
                self._type_from_context(c, s, name)
                continue
            words = [t.low for t in toks[s.i : s.j]]
            if len(words) == 1 and _nationality(s.label):
                nxt = toks[s.j].low if s.j < len(toks) else ""
                if nxt and nxt[:1].isalpha() and not (nxt.endswith(("ly", "ed")) or nxt in V.PLACE_PREPS | {"and", "or", "by", "under", "who"}):
                    continue  # "German troops", "French losses": an adjective (rule G)
            label = V.ACTOR_ALIASES.get(name.lower(), name)
            if s.i in speakers:
                self.recent_persons.append(label)
                continue
            person = not (words[-1] in V.ACTOR_HEADS or s.label.isupper() or label.lower().endswith("s"))
            actors.append((s.i, label, "person" if person else "group"))
        actors += self._participants(c, speakers, actors)
        places += self._anaphoric_places(c, places)
        actors += self._pronouns(c, actors)
        return self._finish(places, actors)

    def _weak_kind(self, c: _Clause, s: Span, n: int, places: list[tuple[int, str]]) -> str:
        toks = c.toks
        name = self._name(c, s).casefold()
        if self._place_context(toks, s.i):
            return "place"
        # A list continues its first member's kind: "in Austria, Romania and Russia".
        if s.i >= 2 and toks[s.i - 1].low in {"and", ",", "or"} and n > 0 and c.spans[n - 1].j == s.i - 1:
            prev = c.spans[n - 1]
            if any(i == prev.i for i, _ in places):
                return "place"
        if s.i >= 3 and toks[s.i - 1].low == "the" and toks[s.i - 2].low in {"and", ","} and any(i == s.i - 3 or i == s.i - 4 for i, _ in places):
            return "place"
        if name in self.memory:
            return self.memory[name]
        if name in self.places and name not in self.agents:
            return "place"
        if toks[s.j - 1].poss and name in self.places:
            return "place"
        return "actor"

    def _type_from_context(self, c: _Clause, s: Span, name: str) -> None:
        """Remember what kind of place a name is: "the town of X", "X, a town", "the X" (a river)."""
        toks = c.toks
        kinds = self.types.setdefault(name, set())
        if s.i >= 2 and toks[s.i - 1].low == "of" and toks[s.i - 2].low in V.PLACE_OF:
            kinds.add(_singular(toks[s.i - 2].low))
        if s.i >= 1 and toks[s.i - 1].low == "the" and s.j - s.i == 1:
            kinds.add("river")
        if s.j + 1 < len(toks) and toks[s.j].text in {",", "("}:
            for k in range(s.j + 1, min(s.j + 12, len(toks))):
                if toks[k].low in V.PLACE_KEEP | V.PLACE_DROP:
                    kinds.add(_singular(toks[k].low))
                    break
                if toks[k].text in {",", ";"} or toks[k].low in {"which", "who", "that"}:
                    break

    def _generic_after(self, c: _Clause, s: Span, n: int) -> tuple[str, str] | None:
        """"X checkpoint", "the Khazanat fueling base", "the Wadi Deif and Hamidiyah army bases"."""
        toks = c.toks
        if toks[s.j - 1].poss:
            return None
        name_toks = c.toks[s.i : s.j]
        actor_word = ""
        if len(name_toks) > 1 and name_toks[-1].low in V.ACTOR_HEADS:
            actor_word = name_toks[-1].text  # "the Khazanat Army base": Army acts, Khazanat is the base
            name_toks = name_toks[:-1]
        for k in range(s.j, min(s.j + 3, len(toks))):
            w = toks[k].low
            if w in V.PLACE_KEEP or w in V.PLACE_DROP:
                if k + 1 < len(toks) and toks[k + 1].low == "of":
                    return None  # "the Union garrison of", "the Mosul city of" is not a name
                if all(_nationality(t.text) or t.low in V.ACTOR_HEADS for t in name_toks) and (
                    actor_word or any(t.low in V.ACTOR_HEADS for t in name_toks)
                ):
                    return None  # "Syrian Army checkpoints": the group's, not a named place
                name = c.text[name_toks[0].start : name_toks[-1].end]
                label = name if w in V.PLACE_DROP else f"{name} {_singular(toks[k].text)}"
                self.types.setdefault(label, set()).add(_singular(w))
                if w.endswith("s") and n > 0:
                    self._share_generic(c, n, _singular(toks[k].text))
                return label, actor_word or next((toks[x].text for x in range(s.j, k) if toks[x].low == "army"), "")
            if not (w.isalpha() and (w.islower() or w in V.ACTOR_HEADS)) or w in V.PLACE_PREPS | {"and", "or", "the", "of"}:
                break
        return None

    def _share_generic(self, c: _Clause, n: int, generic: str) -> None:
        prev = c.spans[n - 1]
        between = [t.low for t in c.toks[prev.j : c.spans[n].i]]
        if between in (["and"], [","]):
            prev.kind, prev.strong = "shared:" + generic, True

    def _speaker_tokens(self, c: _Clause) -> set[int]:
        """First tokens of names that only speak: "Turkey said", "According to the SOHR"."""
        toks = c.toks
        out: set[int] = set()
        for k, t in enumerate(toks):
            if t.low == "according" and k + 1 < len(toks) and toks[k + 1].low == "to":
                out.update(range(k + 2, min(k + 8, len(toks))))
            if t.low in V.SPEECH_VERBS and k > 0:
                after = " ".join(x.low for x in toks[k + 1 : k + 6])
                after = re.sub(r"^on \d+ \w+ ", "", after)
                if _ACTIVE_PRONOUN.match(after):
                    continue  # "the army declared that it had taken": the speaker acts too
                m = k - 1
                while m >= 0 and toks[m].low not in {",", ";", "that", "and", "but", "while", ":"} and k - m <= 8:
                    out.add(m)
                    m -= 1
        return out

    def _participants(self, c: _Clause, speakers: set[int], named: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
        """Participant nouns (rule G): "rebel fighters" → "rebels", "government forces" → "government"."""
        toks = c.toks
        out: list[tuple[int, str, str]] = []
        span_end = {s.j: s for s in c.spans}
        for k, t in enumerate(toks):
            if k in speakers:
                continue
            w = t.low
            held = re.fullmatch(r"([a-z]+)-(?:held|led|backed|controlled|occupied|allied|aligned)", w)
            if held and held.group(1) in V.GROUP_MODIFIERS:
                out.append((k, V.GROUP_MODIFIERS[held.group(1)], "group"))
                continue
            if w == "rebel" or (w in V.GROUP_MODIFIERS and w not in V.PARTICIPANTS):
                if k + 1 < len(toks) and toks[k + 1].text.isalpha():
                    out.append((k, V.GROUP_MODIFIERS.get(w, "rebels"), "group"))
                continue
            if w not in V.PARTICIPANTS:
                continue
            prev = toks[k - 1] if k else None
            nxt = toks[k + 1].low if k + 1 < len(toks) else ""
            if w in V.GROUP_MODIFIERS and nxt in V.MEMBER_NOUNS | V.PARTICIPANTS:
                continue  # "government forces": the noun after decides
            if w in {"army", "armies"} and nxt == "of":
                continue  # "the Prussian army of Blücher" names Blücher
            if prev is not None:
                if prev.low in {"its", "their"} and w in V.MEMBER_NOUNS:
                    ante = self._antecedent(named + out, plural=False)
                    if ante:
                        out.append((k, ante, "group"))
                    continue
                if prev.low in {"his", "her"} and w not in {"government", "opposition"}:
                    continue
                if prev.poss or (w == "opposition" and prev.low in {"his", "her"}):
                    continue  # "Lee's army": Lee; "Schröder's opposition to a war"
                if k in span_end and w != "army":
                    s = span_end[k]
                    if not (len(s.label.split()) == 1 and _nationality(s.label)):
                        continue  # "ISIL fighters", "Union troops": the group
                if prev.low in V.GROUP_MODIFIERS and w in V.MEMBER_NOUNS | {"garrison", "army"}:
                    continue  # "rebel fighters": counted as "rebels" above
                if prev.low in {"pro-government", "pro-opposition"} and w not in V.MEMBER_NOUNS:
                    continue
            out.append((k, w if not t.text[:1].isupper() or k == 0 else t.text, "participant"))
        return out

    def _antecedent(self, here: list[tuple[int, str, str]], plural: bool, skip: frozenset[str] = frozenset()) -> str | None:
        """The group a pronoun points back to: this clause first, then the last ones with actors."""
        pools = [[(label, role) for _, label, role in sorted(here)]]
        pools += [pool for pool in reversed(self.recent_actors[-2:])]
        for pool in pools:
            for label, role in pool:
                if label in skip:
                    continue
                if role == "group" or (plural and role == "participant"):
                    return label
            if pool and not plural:
                for label, role in pool:
                    if role == "participant" and label not in skip and not label.endswith("s"):
                        return label
        return None

    def _pronouns(self, c: _Clause, actors: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
        toks = c.toks
        out: list[tuple[int, str, str]] = []
        have = frozenset(label for _, label, _ in actors)
        for k, t in enumerate(toks):
            w = t.low
            after = " ".join(x.low for x in toks[k + 1 : k + 4])
            if w in {"they", "them"}:
                ante = self._antecedent([], plural=True, skip=have | {a for _, a, _ in out})
            elif w == "it":
                if re.match(r"(?:was|is|had been|has been) (?:also |never |not |later )?\w+ed (?:that|who|whether|to)|(?:was|is) (?:also |never )?(?:reported|said|claimed|unclear|believed|estimated)", after):
                    continue  # "it was reported that": no one
                if k and toks[k - 1].low in V.PLACE_PREPS | {"took", "captured", "back", "hold", "held"}:
                    continue
                if k + 1 < len(toks) and toks[k + 1].low in {"back", "up"}:
                    continue  # "took it back": the place
                ante = self._antecedent([], plural=False, skip=have)
                if ante is None:
                    prev = self.recent_actors[-1] if self.recent_actors else []
                    ante = next((lbl for lbl, role in prev if role == "person"), None)
            elif w in {"he", "him", "she", "her"} and not (w == "her" and k + 1 < len(toks) and toks[k + 1].text.isalpha()):
                ante = next((p for p in reversed(self.recent_persons) if p not in have), None)
            else:
                continue
            if ante:
                out.append((k, ante, "group"))
        return out

    def _anaphoric_places(self, c: _Clause, found: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """"the city", "the town", "the river", "the province": the place they point back to."""
        toks = c.toks
        out: list[tuple[int, str]] = []
        for k, t in enumerate(toks[:-1]):
            if t.low != "the":
                continue
            m = k + 1
            while m < len(toks) and m <= k + 3 and toks[m].low not in V.PLACE_KEEP | V.PLACE_DROP | {"river", "creek"} and toks[m].text.islower() and toks[m].low.isalpha():
                m += 1
            if m >= len(toks) or m > k + 3 or toks[m].low in {"area", "region", "quarter", "districts", "district", "base", "bases"} and m > k + 1:
                continue
            generic = toks[m].low
            if generic not in V.PLACE_KEEP | V.PLACE_DROP | {"river", "creek"} or not toks[m].text.islower():
                continue
            if m + 1 < len(toks) and (toks[m + 1].low == "of" or toks[m + 1].cap and not toks[m].poss):
                continue  # "the city of Idlib" names its place itself
            before = [(i, p) for i, p in found if i < k]
            target = self._resolve(_singular(generic), [p for _, p in before])
            if target:
                out.append((k, target))
        return out

    def _resolve(self, generic: str, here: list[str]) -> str | None:
        history = self.recent_places + here
        def typed(kinds: set[str]) -> str | None:
            return next((p for p in reversed(history) if self.types.get(p, set()) & kinds), None)
        if generic in _SETTLEMENT:
            return typed({generic} | ({"city", "town"} if generic != "village" else set())) or self.home_settlement or next(
                (p for p in reversed(history) if not self.types.get(p)), None)
        if generic in _PROVINCE:
            cands = [p for p in reversed(history) if self.types.get(p, set()) & _PROVINCE]
            home = (self.home_province or "").split()[:1]
            return next((p for p in cands if p.split()[:1] == home), None) or self.home_province or (cands[0] if cands else None)
        return typed({generic} | ({"river"} if generic == "creek" else set()) | ({"creek"} if generic == "river" else set()))

    def _finish(self, places: list[tuple[int, str]], actors: list[tuple[int, str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        place_out: list[str] = []
        for _, p in sorted(places, key=lambda x: x[0]):
            if p.casefold() not in {q.casefold() for q in place_out}:
                place_out.append(p)
        actor_out: list[str] = []
        for _, a, _ in sorted(actors, key=lambda x: x[0]):
            if a.casefold() not in {q.casefold() for q in actor_out}:
                actor_out.append(a)
        # Rule G: when one mention contains another, keep the longer ("Syrian Army" over "Army").
        toks = {a: set(a.casefold().split()) for a in actor_out}
        actor_out = [a for a in actor_out if not any(b != a and toks[a] < toks[b] for b in actor_out)]
        self.recent_places.extend(place_out)
        self.recent_places = self.recent_places[-50:]
        roles = {a: r for _, a, r in actors}
        self.recent_actors.append([(a, roles.get(a, "group")) for a in actor_out])
        self.recent_actors = self.recent_actors[-5:]
        self.recent_persons.extend(a for a in actor_out if roles.get(a) == "person")
        self.recent_persons = self.recent_persons[-20:]
        return tuple(place_out), tuple(actor_out)


def _inside_prose_quote(c: _Clause, s: Span) -> bool:
    """A name inside a quoted phrase of running words ("La Garde recule!") is not a mention."""
    before = c.text[: c.toks[s.i].start]
    if before.count('"') % 2 == 0:
        return False
    end = c.text.find('"', c.toks[s.j - 1].end)
    quoted = c.text[before.rfind('"') + 1 : end if end >= 0 else len(c.text)]
    return any(w.islower() for w in re.findall(r"\w+", quoted))
