"""Places and actors that each clause names: ANNOTATION.md rules F and G.

The whole article's clauses come in at once, so that what one clause makes plain
("In Dresden", "the town of X") decides another ("Dresden's station", "the town").
The steps, in order:

1. ``_Reader.parse``: tokens (:func:`~kg.extract.discourse.tokenize`) and capitalised
   names ("Maaret al-Numan", "Joseph K. F. Mansfield", "13th Guards Rifle Division"),
   gazetteer names matched whole first, each with the generic word after it, if any
   (:mod:`kg.extract.generics`).
2. ``_Reader.pass_one``: what each name's own clause says of it (``_judge``, kept as a
   ``_Verdict``); names that a strong cue types anywhere in the article (a place
   preposition, "the village of X", a group's head word) are remembered.
3. ``_Reader.read``, per clause in order: each name classified (``_classify``: its
   verdict, the places read so far and what is remembered), generic-word places ("the Khazanat fueling base" → "Khazanat base"), participant
   nouns ("rebel fighters" → "rebels"), sources dropped unless they also act, then
   pronouns and "the city" resolved by the :class:`~kg.extract.discourse.Discourse`.

Vocabulary lives in :mod:`kg.extract.aliases`; nothing here names a place or group.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.extract import aliases as V
from kg.extract.discourse import Actor, Discourse, Tok, singular, tokenize
from kg.extract.generics import GENERICS, LANDMARKS, Generic, generic_after
from kg.extract.lexicon import Names, index_names, shared_names
from kg.extract.nameclass import adjective_not_name, not_an_actor, titled_names
from kg.extract.namespans import _ACRONYM, ORG_HEADS, Span, _in_gloss, _person_like, place_abbreviation, span_at
from kg.model import EventRecord, Gazetteer

_PASSIVE_PLACE = V._words("captured taken seized recaptured retaken besieged shelled bombed liberated "
                          "surrounded encircled overrun stormed flooded evacuated")
_PLACE_NAME_HEADS = V.PLACE_KEEP | V._words("woods lane pike street avenue square republic city mountains centre center")
# Nouns that end like adverbs or participles: "German supply lines", "Allied armoured units".
_NOUNS_LIKE_ADVERBS = V._words("supply supplies assembly family rally ally anomaly monopoly reed seed feed shed bed")
_INTRODUCED = re.compile(r"(?<=\w )\(([A-Z][A-Za-z]{0,4}-?\d{1,4}[A-Za-z]?)\)")
_NEARBY = V._words("nearby neighbouring neighboring surrounding adjacent")
# Plural places before "such as": "villages ..., such as Onna and Castelnuovo".
_PLACE_PLURALS = V._words("villages towns cities districts neighbourhoods neighborhoods suburbs areas provinces "
                          "regions places sites settlements")
_ALONG = V._words("down up along across over crossing crossed reached beyond on")
_PEOPLE = V.PARTICIPANTS | V.PERSON_NOUNS
_GENERIC_TYPES = GENERICS - {"city"}  # a name ending in "City" is not typed a city by it
_SKIPPED_BEFORE_PLACE = V.COMPASS | _NEARBY | {"the"}  # "in the northern X", "near nearby X"
_NATIONAL_NAME_WORDS = V.ACTOR_HEADS | {"air", "armed", "special", "national", "republican"}
_GROUP_NAME_HEADS = V.ACTOR_HEADS | ORG_HEADS
_INHABITED = frozenset({"inhabited", "populated"})
_PARTICLE_PREFIX = re.compile(r"^\w{1,3}['’-]")  # "al-", "d'": "al-Nusra" is capitalised as "Nusra"
_CAMEL_OR_PARTICLE = re.compile(r"[a-z][A-Z]|^\w{1,3}['’-][A-Z]")  # "McClellan", "al-Assad"


@dataclass
class _Clause:
    text: str
    toks: list[Tok]
    spans: list[Span] = field(default_factory=list)
    generics: list[Generic | None] = field(default_factory=list)  # per span: see generic_after
    verdicts: dict[int, _Verdict] = field(default_factory=dict)  # span number → _Reader._verdict


@dataclass
class _Verdict:
    """What a name's clause says of it (:meth:`_Reader._judge`): `kind` and `strong` unless a
    list of places it goes on (`listed`), a place just before ", including" it (`including`)
    or, where `remembered`, what the article made plain elsewhere decides otherwise."""

    span_kind: str | None  # the span's kind when judged
    name: str  # the name without titles and nationality words (:meth:`_Reader._name`)
    kind: str
    strong: bool
    listed: bool = False
    including: bool = False
    remembered: bool = False
    key: str = field(init=False)  # the name casefolded, as the memory keys it

    def __post_init__(self) -> None:
        self.key = self.name.casefold()


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
    # "The March 23 Movement (M23)": a code with digits that the text introduces in brackets
    # names a group from then on ("the M23 captured ..."), unlike a model ("T-72").
    reader.known_codes = frozenset(m for c in clauses for m in _INTRODUCED.findall(c[:4000]) if any(ch.isdigit() for ch in m))
    parsed = [reader.parse(c) for c in clauses]
    reader.pass_one(parsed)
    return [reader.read(c) for c in parsed]


class _Reader:
    def __init__(self, event: EventRecord, gazetteer: Gazetteer) -> None:
        side_names = {a for s in event.sides for a in s} | {u for pair in event.units for u in pair}
        place_names = set(event.places) | {p for pair in event.located_in for p in pair}
        agents, places, events, index = shared_names(gazetteer)
        self.agents = Names(agents, {n.casefold() for n in side_names})
        self.places = Names(places, {p.casefold() for p in place_names})
        self.events = Names(events, {event.label.casefold()})
        if event.part_of:
            self.events.add(event.part_of.casefold())
        self.index = index
        own = side_names | place_names
        self.own_index = index_names(frozenset(n for n in own if n not in gazetteer.agents and n not in gazetteer.places))
        self.memory: dict[str, str] = {}  # name → kind a strong cue gave it somewhere
        self.mid_caps: set[str] = set()  # words seen capitalised away from a clause's start
        self.talk = Discourse(event.places, event.located_in)
        self.known_codes: frozenset[str] = frozenset()
        self.titled: set[str] = set()  # persons a title introduced, and their surnames (casefolded)
        self._merged: dict[str, list[tuple[str, ...]]] = {}  # see _candidates

    # --- step 1: names -----------------------------------------------------------

    def parse(self, text: str) -> _Clause:
        toks = tokenize(text)
        clause = _Clause(text, toks)
        # The gazetteer's keys, once per token rather than once per token and position tried.
        keys = [t.text + "'s" if t.poss else t.text for t in toks]
        index, own_index = self.index, self.own_index
        i = 0
        while i < len(toks):
            key = keys[i]
            span = None
            if key in index or key in own_index:
                span = self._gazetteer_at(toks, keys, i)
            if span is None:
                span = span_at(toks, i, self.known_codes)
            if span:
                span.label = text[toks[span.i].start : toks[span.j - 1].end]
                span.initial = i == 0 or toks[i - 1].text in {'"', "(", "'", ":"}
                titled = titled_names(toks, span.i, span.j)
                if titled:
                    self.titled.update(n.casefold() for n in titled)
                if not span.initial:
                    self.mid_caps.update(_PARTICLE_PREFIX.sub("", t.text) for t in toks[span.i : span.j])
                clause.spans.append(span)
                clause.generics.append(generic_after(clause, span))
                i = span.j
            else:
                i += 1
        return clause

    def _gazetteer_at(self, toks: list[Tok], keys: list[str], i: int) -> Span | None:
        """The longest gazetteer name (the build's or the article's own) that starts at token i."""
        for name in self._candidates(keys[i]):
            n = len(name)
            if tuple(keys[i : i + n]) == name:
                if i + n < len(toks) and toks[i + n].cap and not toks[i + n - 1].poss:
                    continue  # part of a longer name the gazetteer does not know
                kind = "actor" if " ".join(name).casefold() in self.agents else "place"
                return Span(i, i + n, kind=kind)
        return None

    def _candidates(self, key: str) -> list[tuple[str, ...]]:
        """Names that open with the token `key`, longest first; the article's own names merged
        with the build's once per article and first token, not once per occurrence."""
        candidates = self.index.get(key, [])
        if key in self.own_index:
            merged = self._merged.get(key)
            if merged is None:
                merged = self._merged[key] = sorted((*candidates, *self.own_index[key]), key=len, reverse=True)
            return merged
        return candidates

    # --- step 2: what the article makes plain ------------------------------------

    def pass_one(self, clauses: list[_Clause]) -> None:
        for c in clauses:
            verdicts = [self._verdict(c, s, n) for n, s in enumerate(c.spans)]
            for v in verdicts:
                # What _classify answers before any place is read and with no memory (the
                # memory is what this pass fills): the verdict's own kind.
                if v.strong and v.kind in {"place", "actor"}:
                    self.memory.setdefault(v.key, v.kind)
            for v, generic in zip(verdicts, c.generics):
                if generic:
                    self.memory[v.key] = "place"

    def _name(self, c: _Clause, s: Span) -> str:
        """The span without titles and leading nationality words ("Syrian ISIL" → "ISIL")."""
        toks = c.toks[s.i : s.j]
        rest = toks
        while len(rest) > 1 and s.kind is None:
            if rest[0].low in V.TITLES or rest[0].text == ".":
                rest = rest[1:]  # "Ukrainian President Petro Poroshenko" → "Petro Poroshenko"
            elif V.is_nationality(rest[0].text) and not {t.low for t in rest[1:]} <= _NATIONAL_NAME_WORDS and not (
                len(rest) >= 3 and rest[-1].low in _GROUP_NAME_HEADS
            ) and rest[-1].low not in V.PLACE_KEEP:
                # "Syrian Army", "Turkish Air Force", "Southern African Development Community":
                # there the nationality is part of the name
                rest = rest[1:]
            else:
                break
        held = V.HELD.fullmatch(rest[-1].text) if len(rest) == 1 else None
        return held.group(1) if held else c.text[rest[0].start : rest[-1].end]

    def _classify(self, c: _Clause, s: Span, n: int, places: list[tuple[int, str]], use_memory: bool = True) -> tuple[str, bool]:
        """"place", "actor" or "skip", and whether a strong cue (not a default) decided it."""
        v = self._verdict(c, s, n)
        if v.listed and self._continues_places(c, s, n, places):
            return "place", True
        if v.including and any(i >= s.i - 6 for i, _ in places):
            return "place", True
        if v.remembered and use_memory and v.key in self.memory:
            return self.memory[v.key], False
        return v.kind, v.strong

    def _verdict(self, c: _Clause, s: Span, n: int) -> _Verdict:
        """What the name's own words and clause say of it: judged once in pass one, reused in
        step 3 (a span's kind changes only to "shared:", and such a span is not classified)."""
        v = c.verdicts.get(n)
        if v is None or v.span_kind != s.kind:
            v = c.verdicts[n] = self._judge(c, s)
        return v

    def _judge(self, c: _Clause, s: Span) -> _Verdict:
        """The part of :meth:`_classify` that neither the places read so far nor the memory
        decide; the order of the tests is the order of the rules."""
        toks, words = c.toks, [t.low for t in c.toks[s.i : s.j]]
        label, last = s.label, c.toks[s.j - 1]
        name = self._name(c, s)

        def decided(kind: str, strong: bool = True) -> _Verdict:
            return _Verdict(s.kind, name, kind, strong)

        single = s.j - s.i == 1
        nxt = toks[s.j].low if s.j < len(toks) else ""
        before_noun = nxt.isalpha() and toks[s.j].text.islower() and nxt not in V.FOLLOW_PLACE and (
            not nxt.endswith(("ed", "ly")) or nxt in _NOUNS_LIKE_ADVERBS)
        # "the Confederate line", "the French army": a name before a noun modifies it.
        modifier = before_noun and s.i > 0 and toks[s.i - 1].low in {"the", "a", "an"}
        if (not V.NOT_NAMES.isdisjoint(words) and words[-1] not in _PLACE_NAME_HEADS or nxt in V.NOT_NAMES_AFTER
                or label.casefold() in self.events or _in_gloss(c, s)):
            return decided("skip")
        if s.initial and single and not self._initial_name(s, last):
            return decided("skip")
        if adjective_not_name(toks, s.i, s.j) or (not_an_actor(toks, s.i, s.j) and label.casefold() not in self.agents):
            return decided("skip")
        if name.casefold() in self.titled and not last.poss:
            return decided("actor")  # "Gen. Herbert Kitchener" ... "reported to Kitchener"
        held = V.HELD.fullmatch(label) if single else None
        if held:
            return decided("skip" if V.is_nationality(held.group(1)) else "actor")
        # A known place whose name only ends like an adjective ("-an", "-ian") is no nationality.
        if single and V.is_nationality(label) and (s.kind != "place" or V.is_demonym(label)):
            return decided("skip" if before_noun or nxt in {":", "$"} or not nxt.isalpha() and nxt not in {"", ",", ")"} else "actor")
        acronym = bool(_ACRONYM.fullmatch(label)) or label in self.known_codes
        if place_abbreviation(toks[s.i : s.j]) or (
            not last.poss and not LANDMARKS.isdisjoint(words) and (words[-1] in LANDMARKS or "of" in words)
        ):
            return decided("place")  # "St. Vith", "the Temple of Bel", "the Mosul Museum"
        if acronym and s.i and toks[s.i - 1].text[:1].isdigit() and nxt not in _PEOPLE:
            return decided("skip")  # "20 TOW missiles"
        if any(x.low in _INHABITED for x in toks[max(0, s.i - 4) : s.i]):
            return decided("skip")  # the people a town is inhabited by are civilians
        strong_of = s.i >= 2 and toks[s.i - 1].low == "of" and toks[s.i - 2].low in V.PLACE_OF_STRONG
        if s.kind in {"actor", "place"}:
            if s.kind == "actor" and not acronym and words[-1] not in V.ACTOR_HEADS and not modifier:
                if strong_of or self._place_context(toks, s.i):
                    return decided("place")
                return _Verdict(s.kind, name, s.kind, True, listed=True)
            return decided(s.kind)
        if _person_like(toks[s.i : s.j]):
            return decided("actor")
        if words[-1] in V.ACTOR_HEADS or acronym:
            return decided("place" if strong_of else "actor")
        if not single and not last.poss and (words[-1] in _PLACE_NAME_HEADS or words[0] in V.PLACE_OPENERS):
            return decided("place")
        listed = including = False
        if not modifier and not last.poss:
            if strong_of or self._place_context(toks, s.i):
                return decided("place")
            if nxt in {"was", "were"} and s.j + 1 < len(toks) and toks[s.j + 1].low in _PASSIVE_PLACE:
                return decided("place")
            listed = True
            if s.i >= 3 and toks[s.i - 1].low == "including" and toks[s.i - 2].text == ",":
                if toks[s.i - 3].low in V.PLACE_OF:
                    return decided("place")
                including = True
        key = name.casefold()
        if key in self.places and key not in self.agents:
            return _Verdict(s.kind, name, "place", True, listed, including, remembered=True)
        return _Verdict(s.kind, name, "actor", False, listed, including, remembered=True)

    def _initial_name(self, s: Span, tok: Tok) -> bool:
        """Whether a one-word span that opens a clause is a name, not a capitalised common word."""
        low = tok.low
        if low in V.PARTICIPANTS or low in V.PERSON_NOUNS or low in V.GROUP_MODIFIERS or low == "rebel":
            return False
        return bool(
            s.kind or tok.poss or _ACRONYM.fullmatch(tok.text) or tok.text in self.mid_caps
            or _CAMEL_OR_PARTICLE.search(tok.text)
        )

    def _place_context(self, toks: list[Tok], i: int) -> bool:
        """A place preposition or verb ("in", "near", "reached"), or "the town of", before token i."""
        k = i - 1
        skip = _SKIPPED_BEFORE_PLACE
        while k >= 0 and toks[k].low in skip:
            k -= 1
        if k < 0:
            return False
        w, before = toks[k].low, toks[k - 1].low if k else ""
        if w == "as" and before == "such" or w == ":":
            # "villages ..., such as Onna", "the last three districts ...: Zanjili, al-Shifa"
            return any(t.low in _PLACE_PLURALS for t in toks[max(0, k - 10) : k - 1])
        if w == "of":
            return before in V.PLACE_OF
        if w == "to":
            return before not in {"according", "surrendered", "due", "thanks", "loyal", "close", "next", "allied", "him", "them"}
        if w == "with":
            return before in {"border", "crossing", "frontier"}
        return w in V.PLACE_PREPS

    def _continues_places(self, c: _Clause, s: Span, n: int, places: list[tuple[int, str]]) -> bool:
        """A list goes on with its first member's kind: "in Austria, Romania and Russia"."""
        if n == 0 or _person_like(c.toks[s.i : s.j]) or c.toks[s.j - 1].poss:
            return False
        prev = c.spans[n - 1]
        between = [t.low for t in c.toks[prev.j : s.i] if t.low not in _SKIPPED_BEFORE_PLACE]
        if between not in (["and"], [","], ["or"], [",", "and"]) or not any(i == prev.i for i, _ in places):
            return False
        nxt = c.toks[s.j] if s.j < len(c.toks) else None
        if nxt is not None and nxt.text.isalpha() and (nxt.low not in V.FOLLOW_PLACE or nxt.low in {"was", "were", "had", "has"}):
            return False  # "..., and Blücher promised": a new subject
        if between == [","]:  # "Nineveh, Atheel al-Nujaifi, fled": an appositive, not a list
            after = c.toks[s.j : s.j + 2]
            return bool(after) and (after[0].low in {"and", "or"} or after[0].text == "," and len(after) > 1 and after[1].cap)
        return True

    # --- step 3: one clause ------------------------------------------------------

    def read(self, c: _Clause) -> tuple[tuple[str, ...], tuple[str, ...]]:
        places: list[tuple[int, str]] = []
        actors: list[Actor] = []
        persons: list[str] = []
        speakers = self.talk.speakers(c.toks)
        generics = [self._generic_after(c, n) for n in range(len(c.spans))]
        for n, s in enumerate(c.spans):
            if s.kind and s.kind.startswith("shared:"):
                places.append((s.i, f"{self._name(c, s)} {s.kind[7:]}".strip()))
                continue
            name = self._verdict(c, s, n).name
            kind, _ = self._classify(c, s, n, places)
            generic = generics[n]
            if kind == "skip" and not (generic and V.is_nationality(s.label) and not (
                    V.is_demonym(s.label) and generic[0] == name)):
                # "Turkish consulate", "the Mediterranean coast" are places all the same; "a Christian
                # town" is no place called Christian: a demonym is never a place.
                continue
            if generic is not None:
                label, actor_word = generic
                places.append((s.i, label))
                if actor_word:
                    actors.append((s.i, actor_word, "group"))
                continue
            if kind == "place" and not (s.i in speakers and not self._place_context(c.toks, s.i)):
                places.append((s.i, name))
                self._type_from_context(c, s, name)
                continue
            label = V.ACTOR_ALIASES.get(name.lower(), name)
            words = [t.low for t in c.toks[s.i : s.j]]
            plural = label.endswith("s") and not label.endswith(("us", "ss", "is", "os")) and " " not in label
            head = next((words[x - 1] for x in range(1, len(words)) if words[x] in {"of", "for"}), words[-1])
            group = (words[-1] in V.ACTOR_HEADS or head in V.ACTOR_HEADS or head != words[-1] and head in ORG_HEADS
                     or bool(_ACRONYM.fullmatch(label)) or label in self.known_codes
                     or label.casefold() in self.agents or plural)
            if s.i in speakers:
                if not group:
                    persons.append(label)
                continue
            actors.append((s.i, label, "group" if group else "person"))
        span_end = {s.j: s.label for s in c.spans}
        actors += self.talk.participants(c.toks, span_end, actors, speakers)
        places += self.talk.anaphoric_places(c.toks, places)
        more_actors, more_places = self.talk.pronouns(c.toks, actors, places)
        return self._finish(places + more_places, actors + more_actors, persons)

    def _type_from_context(self, c: _Clause, s: Span, name: str) -> None:
        """Remember what kind of place a name is: "the town of X", "X, a town", "the X" (a river)."""
        toks = c.toks
        if s.i >= 2 and toks[s.i - 1].low == "of" and toks[s.i - 2].low in V.PLACE_OF:
            self.talk.add_type(name, singular(toks[s.i - 2].low))
        if s.i >= 2 and toks[s.i - 1].low == "the" and s.j - s.i == 1 and toks[s.i - 2].low in _ALONG:
            self.talk.add_type(name, "river")  # "down the Elbe", "crossing the Volga"
        if s.j - s.i > 1 and toks[s.j - 1].low in _GENERIC_TYPES:
            self.talk.add_type(name, singular(toks[s.j - 1].low))  # "Antietam Creek", "Dunker Church"
        if s.j + 2 < len(toks) and toks[s.j].text in {",", "("} and toks[s.j + 1].low in {"a", "an", "the"}:
            for k in range(s.j + 2, min(s.j + 12, len(toks))):
                if toks[k].low in GENERICS and toks[k].text.islower():
                    self.talk.add_type(name, singular(toks[k].low))
                    break
                if toks[k].text in {",", ";"} or toks[k].low in {"which", "who", "that"}:
                    break

    def _generic_after(self, c: _Clause, n: int) -> tuple[str, str] | None:
        """Span n's generic place (:func:`~kg.extract.generics.generic_after`) as (label, actor
        word), once its type is recorded and a plural lent to the name before it."""
        g = c.generics[n]
        if g is None:
            return None
        self.talk.add_type(g.label, g.type)
        if g.shared is not None and n > 0:
            self._share_generic(c, n, g.shared)
        return g.label, g.actor

    def _share_generic(self, c: _Clause, n: int, generic: str) -> None:
        prev = c.spans[n - 1]
        between = [t.low for t in c.toks[prev.j : c.spans[n].i]]
        if between in (["and"], [","]) and not prev.kind:
            prev.kind = "shared:" + ("" if generic.lower() in V.PLACE_DROP else generic)

    def _finish(self, places: list[tuple[int, str]], actors: list[Actor], persons: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        place_out: list[str] = []
        seen: set[str] = set()  # casefolded: the first spelling wins
        for _, p in sorted(places, key=lambda x: x[0]):
            if p.casefold() not in seen:
                seen.add(p.casefold())
                place_out.append(p)
        actor_out: list[str] = []
        roles: dict[str, str] = {}
        seen = set()
        for _, a, role in sorted(actors, key=lambda x: x[0]):
            if a.casefold() not in seen:
                seen.add(a.casefold())
                actor_out.append(a)
                roles[a] = role
        # Rule G: when one mention contains another, keep the longer ("Syrian Army" over "Army").
        words = {a: set(a.casefold().split()) for a in actor_out}
        actor_out = [a for a in actor_out if not any(b != a and words[a] < words[b] for b in actor_out)]
        persons += [a for a in actor_out if roles[a] == "person"]
        self.talk.remember(place_out, [(a, roles[a]) for a in actor_out], persons)
        return tuple(place_out), tuple(actor_out)
