"""build: article files → the store and/or a file, one article at a time.

read → extract → map for every article (in worker processes when there are
many), then one write: a new store version (only the articles that changed are
rewritten) and/or a file in the format its extension names. A bad article is
skipped and reported; the others are built.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import __version__
from kg.export import export_from
from kg.extract import extract
from kg.formats import format_for_path
from kg.link import BuildLinker
from kg.map import Minter, extraction_triples
from kg.model import Article, Gazetteer
from kg.pipeline import (
    Chunk,
    Scanned,
    Workers,
    extract_chunks,
    gazetteer_of,
    mmap_big_buffers,
    rules_fingerprint,
    scan,
    trim_heap,
)
from kg.store import Writer, read_manifest, writing
from kg.validate import check_store
from kg.vocab import DEFAULT_BASE, ONTOLOGY_IRI, ontology_path

# Bytes of N-Quads + N-Triples per call of Oxigraph's bulk loader. Each call writes and
# ingests new files at a fixed cost, so not too small (100-article calls were 1.3x slower
# than 1 000-article ones when loading was not overlapped); each batch is held twice
# (chunks and their join) while the loader's own buffers grow with it, so not too big:
# at 10 000 articles 16 MB built as fast as 48 MB, with a parent of 430 MB instead of 630;
# loading the 10 000-article graph in 4 MB calls took as long as in 8 MB ones (22.8 s) and
# peaked at 96 MB instead of 113 (bulk loads alone, one process).
LOAD_BATCH = 8 * 1024 * 1024


@dataclass
class BuildReport:
    """What a build did: counts, and every article it skipped with the reason."""

    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    quads: int = 0

    @property
    def ok(self) -> bool:
        return not self.skipped


def collect_files(paths: Iterable[str | Path]) -> tuple[list[str], list[tuple[str, str]]]:
    """The article files under ``paths`` (folders are searched for ``*.md``), sorted by name.

    A symbolic link that leads outside the folder it was found in is refused; linked
    folders are not entered. Paths are kept as strings: a ``Path`` costs ~600 bytes,
    and at 100 000 articles the list of them held 60 MB of the build's memory.
    """
    files: list[str] = []
    refused: list[tuple[str, str]] = []
    for raw in paths:
        path = os.path.normpath(raw)
        if os.path.isdir(path):
            root = Path(path).resolve()
            for folder, dirs, names in os.walk(path):
                dirs.sort()
                for name in sorted(names):
                    if not name.endswith(".md"):
                        continue
                    found = os.path.join(folder, name)
                    if os.path.islink(found) and not Path(found).resolve().is_relative_to(root):
                        refused.append((found, "symbolic link to a file outside the folder: refused"))
                    elif os.path.isfile(found):
                        files.append(found)
        elif os.path.isfile(path):
            files.append(path)
        else:
            refused.append((path, "no such file or folder"))
    return sorted(dict.fromkeys(files), key=lambda p: (os.path.basename(p), p)), refused


def build(
    paths: Sequence[str | Path],
    *,
    store: str | Path | None = None,
    out: str | Path | None = None,
    base: str = DEFAULT_BASE,
    jobs: int | None = None,
    fresh: bool = False,
    validate: bool = True,
    link: Any = None,
) -> BuildReport:
    """Build the articles under ``paths``.

    :param paths: article files and folders of articles.
    :param store: the store directory to write a new version of (None: no store).
    :param out: a file to write the whole graph to (.ttl, .nt, .nq, .trig, .jsonld).
    :param base: the base IRI of minted instance IRIs.
    :param jobs: worker processes for extraction (default: the machine's cores).
    :param fresh: rebuild every article, not only the changed ones.
    :param validate: check the built graph against ontology/shapes.ttl before publishing it.
    :param link: settings (:class:`~kg.config.Settings`) to link to Wikidata with, into the
        named graph ``{base}graph/wikidata`` of the store and the file (None: no linking).
    :returns: a :class:`BuildReport`; skipped articles are in ``report.skipped``.
    :raises KgError: for a failure of the whole build (bad base, store busy, disk full,
        a graph that breaks a SHACL shape: ShapeViolation, nothing published).
    """
    minter = Minter(base)  # checks the base before any work
    out_format = format_for_path(str(out)) if out else None
    report = BuildReport()
    files, refused = collect_files(paths)
    report.skipped.extend(refused)
    with Workers(jobs, len(files)) as workers:  # forked now, while this process is small
        _build(files, workers, report, store=store, out=out, out_format=out_format, minter=minter, base=base,
               fresh=fresh, validate=validate, link=link)
    return report


def _build(files: list[str], workers: Workers, report: BuildReport, *, store: str | Path | None, out: str | Path | None,
           out_format: Any, minter: Minter, base: str, fresh: bool, validate: bool, link: Any) -> None:
    """The build proper (see :func:`build`), its passes run by ``workers``."""
    previous = read_manifest(store) if store and not fresh else {"articles": {}}
    code = rules_fingerprint()
    # pass 1: hashes and infobox names; unchanged articles are not even parsed, unless
    # their names were recorded by other extraction rules (then they are stale)
    articles, unreadable = scan(files, previous["articles"] if previous.get("code") == code else {}, workers)
    report.skipped.extend(unreadable)
    articles = _drop_collisions(articles, minter, report)
    gazetteer = gazetteer_of(articles)
    key = _build_key(gazetteer, base)

    same_rules = previous.get("key") == key
    todo = [a for a in articles if not (same_rules and previous["articles"].get(a.file, {}).get("sha256") == a.sha256)]
    if out is not None:
        todo = articles  # a file is always written whole
    # pass 2: extract and map in workers, chunk by chunk, each loaded as it comes
    chunks = extract_chunks([a.path for a in todo], gazetteer, base, workers, _article_lines)
    sink = _FileSink(Path(out), out_format) if out is not None and out_format is not None else None
    linker = BuildLinker(link, base) if link is not None else None
    if linker is not None and store is None:
        chunks = linker.watch(chunks)
    try:
        if store is not None:
            with writing(store, fresh=fresh or not same_rules) as writer:
                _write_store(writer, articles, chunks, previous, report, minter, sink)
                if linker is not None:  # not an article: no manifest entry
                    linker.into_store(writer)
                writer.manifest["key"] = key
                writer.manifest["code"] = code
                if validate:  # before the block ends: a failing graph is never published
                    check_store(writer.store)
        elif sink is not None:
            for chunk in chunks:
                _count(chunk, report)
                sink.add(chunk)
        if sink is not None:
            if linker is not None:
                linker.into_sink(sink)
            sink.finish(validate=validate and store is None)
    finally:
        if sink is not None:
            sink.discard()
    built = set(report.built)
    report.built = [a.file for a in todo if a.file in built]
    rebuilt = {a.file for a in todo}  # a set: `a not in todo` compared dataclasses N x N (20 s at 10 000)
    report.unchanged = [a.file for a in articles if a.file not in rebuilt]


def _count(chunk: Chunk, report: BuildReport) -> None:
    report.built.extend(file for file, _, _ in chunk.built)
    report.quads += sum(n for _, _, n in chunk.built)
    report.skipped.extend(chunk.failed)


def _drop_collisions(articles: list[Scanned], minter: Minter, report: BuildReport) -> list[Scanned]:
    """Two files that would mint the same article or event IRI: neither is built."""
    owners: dict[str, list[Scanned]] = {}
    for a in articles:
        for iri in {minter.article(a.stem).value.casefold(), minter.event(a.subject).value}:
            owners.setdefault(iri, []).append(a)
    clashing = {id(a): [b for b in group if b is not a] for group in owners.values() if len(group) > 1 for a in group}
    for a in articles:
        if id(a) in clashing:
            others = ", ".join(b.path for b in clashing[id(a)])
            report.skipped.append((a.path, f"mints the same IRI as {others}: rename one of them"))
    return [a for a in articles if id(a) not in clashing]


def _build_key(gazetteer: Gazetteer, base: str) -> str:
    """What, besides an article's own bytes, its graph depends on."""
    digest = hashlib.sha256()
    for name in (__version__, rules_fingerprint(), base, *sorted(gazetteer.agents), "|", *sorted(gazetteer.places), "|", *sorted(gazetteer.events)):
        digest.update(name.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _article_lines(article: Article, gazetteer: Gazetteer, minter: Minter) -> list[str]:
    """One article's graph as sorted, unique N-Triples lines (cheap to pass between processes)."""
    triples = extraction_triples(extract(article, gazetteer), minter)
    return sorted({f"{s} {p} {o} .\n" for s, p, o in triples})  # each term's str() is its N-Triples form


def _ontology_lines() -> list[str]:
    """The ontology as N-Triples lines, for a graph of its own.

    Its blank nodes (OWL lists and restrictions) are renamed in the order the file
    gives them: a parser's random names would make two builds differ in bytes.
    """
    names: dict[str, ox.BlankNode] = {}

    def stable(node):  # type: ignore[no-untyped-def]
        if isinstance(node, ox.BlankNode):
            return names.setdefault(node.value, ox.BlankNode(f"ontology{len(names)}"))
        return node

    triples = ox.parse(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
    return sorted({f"{ox.Triple(stable(t.subject), t.predicate, stable(t.object))} .\n" for t in triples})


def _write_store(writer: Writer, articles: list[Scanned], chunks: Iterable[Chunk], previous: dict, report: BuildReport,  # type: ignore[type-arg]
                 minter: Minter, sink: _FileSink | None) -> None:
    current = {a.file for a in articles}
    for file, entry in previous["articles"].items():
        if file not in current and not any(path.endswith(file) for path, _ in report.skipped):
            writer.remove_graph(ox.NamedNode(entry["graph"]))
            report.removed.append(file)
    writer.remove_graph(ox.NamedNode(ONTOLOGY_IRI))
    writer.bulk_load({str(ONTOLOGY_IRI): _ontology_lines()})
    by_file = {a.file: a for a in articles}
    for article in articles:  # unchanged articles keep their entry (and their graph)
        if article.file in previous["articles"]:
            writer.manifest["articles"][article.file] = {**previous["articles"][article.file], "names": article.names()}
    batch: list[Chunk] = []
    batch_bytes = 0
    loader = _Loader(writer)
    try:
        for chunk in chunks:
            _count(chunk, report)
            for file, sha256, _ in chunk.built:
                graph = minter.article(by_file[file].stem)
                if file in previous["articles"]:
                    # the old graph goes only now that its replacement exists: an article
                    # that fails this time keeps its previous graph, nothing lost
                    loader.wait()  # its DELETE must not race a bulk load of the default graph
                    writer.remove_graph(graph)
                writer.manifest["articles"][file] = {"sha256": sha256, "graph": graph.value, "names": by_file[file].names()}
            batch.append(chunk)
            batch_bytes += len(chunk.nquads) + len(chunk.ntriples)
            if batch_bytes >= LOAD_BATCH:
                loader.submit(batch)
                batch, batch_bytes = [], 0
            if sink is not None:
                sink.add(chunk)
        loader.submit(batch)
    finally:
        loader.wait()
    for file, entry in previous["articles"].items():
        if file not in writer.manifest["articles"] and file not in report.removed:
            writer.manifest["articles"][file] = entry


class _Loader:
    """Bulk loads on a thread of their own, one at a time.

    pyoxigraph lets go of the GIL while it loads, so meanwhile the parent keeps taking
    chunks from the extraction workers, which would otherwise stop once their few
    chunks in flight are done: loading and extracting overlap.
    """

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        mmap_big_buffers()  # the batches and the chunks they join: see there; trimmed after each load

    def submit(self, batch: list[Chunk]) -> None:
        """Load the batch's chunks in one call, once the previous load is done."""
        self.wait()
        if not batch:
            return
        nquads, ntriples = b"".join(c.nquads for c in batch), b"".join(c.ntriples for c in batch)

        def load() -> None:
            try:
                self.writer.load_chunk(nquads, ntriples)
                trim_heap()
            except BaseException as exc:  # noqa: BLE001 - re-raised in the build's thread by wait()
                self._error = exc

        self._thread = threading.Thread(target=load, name="kg-bulk-load", daemon=True)
        self._thread.start()

    def wait(self) -> None:
        """Wait for the load under way; raise what it raised."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error


class _FileSink:
    """``--out``: the graph streamed to a file as chunks come, published only when complete.

    N-Quads are written as they come: ontology first, then the articles in file
    order, each article's lines sorted, so equal input gives equal bytes. Other
    formats need the whole graph (N-Triples and Turtle say each triple once): the
    chunks go to temporary N-Quads and N-Triples files, bulk-loaded into a
    temporary on-disk store at the end and exported from it, in bounded memory.
    """

    def __init__(self, path: Path, fmt) -> None:  # type: ignore[no-untyped-def]
        self.path = path
        self.fmt = fmt
        self.tmp = path.with_name(path.name + ".tmp")
        self.nq = open(self.tmp if fmt.name == "nq" else path.with_name(path.name + ".tmp.nq"), "wb")  # noqa: SIM115
        self.nt = open(path.with_name(path.name + ".tmp.nt"), "wb")  # noqa: SIM115
        ontology = _ontology_lines()
        self.nq.write("".join(line[:-2] + f"<{ONTOLOGY_IRI}> .\n" for line in ontology).encode("utf-8"))
        self.nt.write("".join(ontology).encode("utf-8"))

    def add(self, chunk: Chunk) -> None:
        self.nq.write(chunk.nquads)
        self.nt.write(chunk.ntriples)

    def finish(self, *, validate: bool) -> None:
        self.nq.close()
        self.nt.close()
        exported = self.fmt.name not in ("nq", "nt")  # formats written from a store, not from the lines
        if validate or exported:
            # one temporary on-disk store, in bounded memory: checked before any file is
            # published, then (Turtle, TriG, JSON-LD) exported from
            with tempfile.TemporaryDirectory(dir=self.path.parent, prefix=".kg-out-") as tmpdir:
                mem = ox.Store(tmpdir)
                if exported:
                    mem.bulk_load(path=self.nq.name, format=ox.RdfFormat.N_QUADS, lenient=True)
                mem.bulk_load(path=self.nt.name, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph(), lenient=True)
                if validate:
                    check_store(mem, "the built graph (no file written)")
                if exported:
                    with open(self.tmp, "wb") as fh:
                        export_from(mem, self.fmt.name, fh)
                del mem
        if self.fmt.name == "nt":  # sorted, each triple once, blank nodes as named: equal input, equal bytes
            _sort_unique(Path(self.nt.name), self.tmp)
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        for fh in (self.nq, self.nt):
            fh.close()
            Path(fh.name).unlink(missing_ok=True)
        self.tmp.unlink(missing_ok=True)


def _sort_unique(source: Path, target: Path) -> None:
    """``sort -u`` in byte order (= code point order of UTF-8), spilling to disk beside the target;
    in memory where there is no ``sort``. A store would rename the ontology's blank nodes at random."""
    command = shutil.which("sort")
    if command is None:
        lines = sorted(set(source.read_bytes().splitlines(keepends=True)))
        target.write_bytes(b"".join(lines))
        return
    subprocess.run([command, "-u", "-T", str(target.parent), "-o", str(target), str(source)], check=True, env={"LC_ALL": "C"})


def report_json(report: BuildReport) -> str:
    return json.dumps({"built": len(report.built), "unchanged": len(report.unchanged), "removed": report.removed,
                       "skipped": [{"path": p, "reason": r} for p, r in report.skipped], "quads": report.quads})
