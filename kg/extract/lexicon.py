"""The build's gazetteer prepared for the mentions: the names' token index, their
casefolded forms for lookups, and the compact form a worker keeps.

A build's gazetteer holds every infobox name of every article (360 000 names at
100 000 articles); each extraction worker looks names up in it for every article.
What is derived from it is computed once per gazetteer, and kept small: each
worker holds it.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable
from hashlib import blake2b

from kg.extract.discourse import tokenize
from kg.model import Gazetteer


class DigestSet:
    """Membership in a large set of names, kept as sorted 8-byte digests, not strings.

    A build's gazetteer casefolded is 360 000 strings at 100 000 articles: 46 MB in each
    worker as frozensets, 3 MB as digests. A lookup costs ~1.2 µs instead of ~0.02 µs
    (measured on the 100 000-article gazetteer), and an article makes some 70: ~4% of
    extraction. A name not in the set is taken for one only if its
    BLAKE2b digest equals a member's: about once in 10^13 lookups, and the same
    every run (the digest is keyed by nothing: builds stay reproducible).
    """

    __slots__ = ("_digests",)

    def __init__(self, names: Iterable[str]) -> None:
        self._digests = array("q", sorted({_digest(n) for n in names}))

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        digest = _digest(name)
        i = bisect_left(self._digests, digest)
        return i < len(self._digests) and self._digests[i] == digest

    def __len__(self) -> int:
        return len(self._digests)


def _digest(name: str) -> int:
    return int.from_bytes(blake2b(name.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little", signed=True)


def index_names(*name_sets: frozenset[str]) -> dict[str, list[tuple[str, ...]]]:
    """Names by first token, longest first, for a linear scan of a clause.

    Tokens are kept once however many names hold them (a build's gazetteer repeats
    "al-", "Brigade", "Army" thousands of times), and the sets are read in turn,
    not united: at 100 000 articles both cost every worker tens of MB.
    """
    index: dict[str, list[tuple[str, ...]]] = {}
    pool: dict[str, str] = {}
    seen: list[frozenset[str]] = []
    for names in name_sets:
        for name in names:
            if any(name in earlier for earlier in seen):
                continue
            toks = tuple(pool.setdefault(w, w) for w in (t.text + ("'s" if t.poss else "") for t in tokenize(name)))
            if toks and len(toks) <= 12:
                index.setdefault(toks[0], []).append(toks)
        seen.append(names)
    for entries in index.values():
        entries.sort(key=len, reverse=True)
    return index


Shared = tuple[DigestSet, DigestSet, DigestSet, dict[str, list[tuple[str, ...]]]]
_SHARED: dict[Gazetteer, Shared] = {}  # by gazetteer: a build's, and a test's or two


def shared_names(gazetteer: Gazetteer) -> Shared:
    """What the whole build's gazetteer gives every article, computed once per gazetteer:
    redone per article it made a build's time grow with the square of its size. The
    casefolded names are kept as digests: as strings they were a second copy of the
    gazetteer in every worker."""
    shared = _SHARED.get(gazetteer)
    if shared is None:
        if len(_SHARED) >= 2:
            _SHARED.clear()
        shared = _SHARED[gazetteer] = (
            DigestSet(n.casefold() for n in gazetteer.agents),
            DigestSet(n.casefold() for n in gazetteer.places),
            DigestSet(n.casefold() for n in gazetteer.events),
            index_names(gazetteer.agents, gazetteer.places),
        )
    return shared


def compact(gazetteer: Gazetteer) -> Gazetteer:
    """The gazetteer as a worker that extracts many articles with it keeps it: what the
    mentions derive from its names computed now, and the names themselves kept as
    digests, since from here on they are only looked up (at 100 000 articles, 50 MB
    less in each worker). Extraction with either gives the same graph."""
    small = Gazetteer(DigestSet(gazetteer.agents), DigestSet(gazetteer.places), DigestSet(gazetteer.events))  # type: ignore[arg-type]
    _SHARED[small] = shared_names(gazetteer)
    del _SHARED[gazetteer]
    return small


class Names:
    """The build's names (shared, never copied) and the article's own, as one set."""

    __slots__ = ("own", "shared")

    def __init__(self, shared: DigestSet, own: set[str]) -> None:
        self.shared, self.own = shared, own

    def __contains__(self, name: object) -> bool:
        return name in self.own or name in self.shared

    def add(self, name: str) -> None:
        self.own.add(name)
