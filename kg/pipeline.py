"""pipeline: the two passes of a build over worker processes, streamed in chunks.

1. **scan**: each article's bytes, hash and infobox names (the gazetteer's
   inputs). An article whose bytes are those the manifest recorded is not
   parsed at all: its names come from the manifest. So an incremental build
   reads and hashes every file but parses only the changed ones.
2. **extract**: read → extract → map of the articles to (re)build, in chunks.
   Each chunk comes back as two byte strings, its N-Quads (article graphs) and
   the same triples as N-Triples (for the default graph), ready for Oxigraph's
   bulk loader: the parent hands bytes over and never loops over triples. While
   the parent loads one chunk, the workers extract the next ones; at most a few
   chunks are in flight, so memory does not grow with the corpus.

The worker processes are forked once, at the start of the build, while the
parent is still small, and serve both passes: forked later, each would map the
parent's scan results (and count them in its RSS), and would share the file
descriptors of an open store. They get the gazetteer once, from a file, not with
every task.
"""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import os
import pickle
import signal
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.errors import ArticleError, KgError
from kg.extract import build_gazetteer, compact_gazetteer
from kg.map import Minter
from kg.model import Article, Gazetteer
from kg.progress import Progress
from kg.read import load_article

PARALLEL_FROM = 64  # below this many articles, worker processes cost more than they save
CHUNK = 50  # articles per task: big enough to amortise a task's round trip, small enough to overlap
IN_FLIGHT = 2  # chunks per worker queued or running: keeps workers busy; finished ones wait in the parent


@dataclass(frozen=True, slots=True)
class Scanned:
    """What the first pass knows of one article: enough for the gazetteer, collisions and the manifest."""

    path: str
    sha256: str
    subject: str
    agents: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    events: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        """The file's name (derived, not stored: 100 000 of them were 9 MB of a build)."""
        return os.path.basename(self.path)

    @property
    def stem(self) -> str:
        return self.file.rsplit(".", 1)[0]

    def names(self) -> tuple[Any, ...]:
        """The infobox names as the manifest keeps them (JSON arrays): this article's own
        tuples, not copies (at 100 000 articles the manifest is built in memory)."""
        return (self.subject, self.agents, self.places, self.events)


@dataclass
class Chunk:
    """One chunk of extracted articles: bytes to load, and what became of each article."""

    nquads: bytes = b""
    ntriples: bytes = b""
    built: list[tuple[str, str, int]] = field(default_factory=list)  # (file, sha256, quads)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)


# The modules whose rules decide what graph an article gives.
_RULES = ("read.py", "model.py", "map.py", "vocab.py", "extract/*.py")


@lru_cache(maxsize=1)
def rules_fingerprint() -> str:
    """A hash of the extraction and mapping code: when the rules change, every article's
    graph (and its recorded infobox names) may change, though ``__version__`` did not."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for pattern in _RULES:
        for path in sorted(root.glob(pattern)):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def gazetteer_of(scanned: Sequence[Scanned]) -> Gazetteer:
    """The gazetteer of a build: the union of every article's infobox names."""
    agents: set[str] = set()
    places: set[str] = set()
    events: set[str] = set()
    for s in scanned:
        agents.update(s.agents)
        places.update(s.places)
        events.update(s.events)
    return Gazetteer(frozenset(agents), frozenset(places), frozenset(events))


def _reason(exc: ArticleError) -> str:
    return exc.reason if exc.line is None else f"line {exc.line}: {exc.reason}"


def _scan_one(path: str) -> Scanned | tuple[str, str]:
    try:
        article = load_article(path)
    except ArticleError as exc:
        return (path, _reason(exc))
    g = build_gazetteer([article])  # the gazetteer's own rule, on one article
    return Scanned(path, article.sha256, article.subject,
                   tuple(sorted(g.agents)), tuple(sorted(g.places)), tuple(sorted(g.events)))


def _scan_chunk(paths: list[str]) -> list[Scanned | tuple[str, str]]:
    return [_scan_one(p) for p in paths]


def scan(files: Sequence[str | Path], recorded: dict[str, Any], workers: Workers | int, progress: bool = True
         ) -> tuple[list[Scanned], list[tuple[str, str]]]:
    """First pass: (scanned articles in file order, unreadable files with the reason).

    :param recorded: the previous manifest's articles (file → {"sha256", "names"}): an
        article whose bytes hash to the recorded hash reuses the recorded names.
    :param workers: the build's :class:`Workers`, or a number of processes to start for this pass.
    """
    if isinstance(workers, int):
        with Workers(workers, len(files)) as started:
            return scan(files, recorded, started, progress)
    results: dict[str, Scanned | tuple[str, str]] = {}
    to_parse: list[str] = []
    pool: dict[str, str] = {}  # one string per name, however many articles give it: pooled as they come

    def pooled(group: Sequence[str]) -> tuple[str, ...]:
        return tuple(pool.setdefault(n, n) for n in group)

    def keep(path: str, sha256: str, names: Sequence[Any]) -> None:
        # Names come back from the workers (and from the manifest's JSON) as fresh copies:
        # at 100 000 synthetic articles, 1.2 million strings for 360 000 names, 85 MB instead of 29.
        subject, agents, places, events = names
        results[path] = Scanned(path, sha256, pool.setdefault(subject, subject), pooled(agents), pooled(places), pooled(events))

    with Progress(len(files), "scan", unit="articles", enabled=None if progress else False) as bar:
        for path in map(str, files):
            entry = recorded.get(os.path.basename(path))
            if entry and "names" in entry:
                try:
                    with open(path, "rb") as fh:
                        digest = hashlib.sha256(fh.read()).hexdigest()
                except OSError:
                    digest = ""
                if digest == entry["sha256"]:
                    keep(path, digest, entry["names"])
                    bar.advance()
                    continue
            to_parse.append(path)
        for chunk in workers.map_chunks(_scan_chunk, to_parse):
            for r in chunk:
                if isinstance(r, Scanned):
                    keep(r.path, r.sha256, r.names())
                else:
                    results[r[0]] = r
            bar.advance(len(chunk))
    ordered = [results[str(p)] for p in files]
    return [r for r in ordered if isinstance(r, Scanned)], [r for r in ordered if not isinstance(r, Scanned)]


# --- the extraction workers --------------------------------------------------------

_STATE: dict[str, Any] = {}


LinesOf = Callable[[Article, Gazetteer, Minter], list[str]]


def _set_up(setup: str | tuple[Gazetteer, str, LinesOf]) -> None:
    """A worker's gazetteer, minter and mapping, once per extraction pass: from the file the
    parent wrote them to (a path), or as given (in the parent itself)."""
    if _STATE.get("setup") == setup:
        return
    if isinstance(setup, str):
        with open(setup, "rb") as fh:
            gazetteer, base, lines_of = pickle.load(fh)  # noqa: S301 - our own file, written by the parent
        gazetteer = compact_gazetteer(gazetteer)  # a worker only looks names up: digests, not strings
    else:
        gazetteer, base, lines_of = setup
    _STATE.clear()  # the previous pass's gazetteer goes before the next one is used
    _STATE.update(setup=setup, gazetteer=gazetteer, minter=Minter(base), lines_of=lines_of)


def _extract_chunk(paths: list[str], setup: str | tuple[Gazetteer, str, LinesOf]) -> Chunk:
    _set_up(setup)
    gazetteer, minter, lines_of = _STATE["gazetteer"], _STATE["minter"], _STATE["lines_of"]
    chunk = Chunk()
    nquads: list[bytes] = []
    ntriples: list[bytes] = []
    for path in paths:
        try:
            article = load_article(path)
            lines = lines_of(article, gazetteer, minter)
        except ArticleError as exc:
            chunk.failed.append((path, _reason(exc)))
            continue
        except (KgError, ValueError, UnicodeError, RecursionError) as exc:
            # A rule that fails on one article must not stop the build: report it.
            chunk.failed.append((path, f"extraction failed: {type(exc).__name__}: {exc}"))
            continue
        text = "".join(lines)
        # N-Triples escapes every newline inside a literal, so " .\n" only ever ends a line: one
        # replace in C turns the article's triples into its quads (in the worker: the parent
        # never loops over lines)
        nquads.append(text.replace(" .\n", f" <{minter.article(article.stem).value}> .\n").encode("utf-8"))
        ntriples.append(text.encode("utf-8"))  # bytes per article: no chunk-sized str (up to 4 bytes a character)
        chunk.built.append((article.file, article.sha256, len(lines)))
    chunk.nquads = b"".join(nquads)
    chunk.ntriples = b"".join(ntriples)
    del nquads, ntriples
    if isinstance(setup, str):  # in a worker process (see _set_up), whose heap grows chunk after chunk
        trim_heap()  # a chunk's strings are gone: give their pages back before the next
    return chunk


def extract_chunks(paths: Sequence[str], gazetteer: Gazetteer, base: str, workers: Workers | int, lines_of: LinesOf,
                   progress: bool = True) -> Iterator[Chunk]:
    """Second pass: the articles at ``paths`` extracted and mapped, chunk by chunk, in order.

    :param workers: the build's :class:`Workers`, or a number of processes to start for this pass.
    :param lines_of: article → its graph's N-Triples lines (a module-level function:
        workers receive it by reference).
    """
    if isinstance(workers, int):
        with Workers(workers, len(paths)) as started:
            yield from extract_chunks(paths, gazetteer, base, started, lines_of, progress)
        return
    with Progress(len(paths), "extract", unit="articles", enabled=None if progress else False) as bar:
        for chunk in workers.map_chunks(_extract_chunk, list(paths), (gazetteer, base, lines_of)):
            bar.advance(len(chunk.built) + len(chunk.failed))
            yield chunk


def _worker_start() -> None:
    """Die with the build: after a ``kill -9`` of ``kg build`` its workers would otherwise wait for
    work forever (each holds the other's end of the task pipe open, so none ever sees EOF)."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass


_M_MMAP_THRESHOLD = -3


@lru_cache(maxsize=1)
def _libc() -> Any:
    try:
        libc = ctypes.CDLL(None)
        return libc if hasattr(libc, "malloc_trim") else None  # glibc only
    except OSError:
        return None


def mmap_big_buffers() -> None:
    """Have glibc return every buffer of 1 MB or more to the system when it is freed.

    The build's parent receives ~16 MB chunks from the workers and joins them into
    load batches, hundreds of times. glibc raises its mmap threshold to the size of
    the last big buffer freed, so after the first they come from the heap, which
    fragments and is not given back: a 100 000-article build's parent grew past
    1 GB of freed memory. A fixed threshold keeps it near its live data. (Not in the
    workers: there it cost 6% of a build's time, and their memory was stable.)
    """
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, 1024 * 1024)


def trim_heap() -> None:
    """Give glibc's free heap pages back to the system: after a bulk load (its buffers are
    gone), and in a worker after each chunk (its strings are gone; untrimmed, a worker
    grew by ~50 MB over a 100 000-article build). A few milliseconds each time."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


class Workers:
    """A build's worker processes, for both passes: ``with Workers(jobs, len(files)) as workers``.

    Forked on entry, before the build reads a manifest, scans or opens a store: a
    process forked later maps the parent's heap as it is then (at 100 000 articles,
    some 200 MB of scan results, counted again in each worker's RSS) and inherits
    its open files. Fewer than ``PARALLEL_FROM`` items, or one job: no processes,
    everything runs in the parent.
    """

    def __init__(self, jobs: int | None, items: int) -> None:
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.parallel = self.jobs > 1 and items >= PARALLEL_FROM
        self._pool: ProcessPoolExecutor | None = None
        self._files: list[str] = []

    def __enter__(self) -> Workers:
        if self.parallel:
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_worker_start)
            self._pool.submit(os.getpid).result()  # with fork, the first task starts every process: now
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        for name in self._files:
            Path(name).unlink(missing_ok=True)

    def map_chunks(self, fn: Callable[..., Any], items: list[str], setup: tuple[Any, ...] | None = None) -> Iterator[Any]:
        """``fn(chunk[, setup])`` over chunks of ``items``, results in order; in the worker
        processes when there are enough items. ``setup`` (picklable) reaches each worker once."""
        if not items:
            return
        size = max(1, min(CHUNK, -(-len(items) // (self.jobs * 4))))  # several chunks per worker, to overlap
        chunks = [items[i : i + size] for i in range(0, len(items), size)]
        extra: tuple[Any, ...] = () if setup is None else (setup,)
        if self._pool is None or len(items) < PARALLEL_FROM:
            for c in chunks:
                yield fn(c, *extra)
            return
        if setup is not None:
            with tempfile.NamedTemporaryFile(prefix="kg-setup-", suffix=".pickle", delete=False) as fh:
                self._files.append(fh.name)
                pickle.dump(setup, fh, protocol=pickle.HIGHEST_PROTOCOL)
            extra = (fh.name,)
        pending: list[Future[Any]] = []
        todo = iter(chunks)
        for c in todo:
            pending.append(self._pool.submit(fn, c, *extra))
            if len(pending) >= self.jobs * IN_FLIGHT:
                break
        while pending:
            result = pending.pop(0).result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append(self._pool.submit(fn, nxt, *extra))
            yield result
