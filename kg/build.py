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
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.errors import ArticleError, KgError
from kg.export import export_from
from kg.extract import build_gazetteer, extract
from kg.formats import format_for_path
from kg.map import Minter, extraction_quads
from kg.model import Article, Gazetteer
from kg.read import load_article
from kg.store import Writer, read_manifest, writing
from kg.validate import check_lines, check_store
from kg.vocab import DEFAULT_BASE, ONTOLOGY_IRI, ontology_path

PARALLEL_FROM = 64  # below this many articles, worker processes cost more than they save


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


def collect_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """The article files under ``paths`` (folders are searched for ``*.md``), sorted.

    A symbolic link that leads outside the folder it was found in is refused.
    """
    files: list[Path] = []
    refused: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            root = path.resolve()
            for found in sorted(path.rglob("*.md")):
                if found.is_symlink() and not found.resolve().is_relative_to(root):
                    refused.append((str(found), "symbolic link to a file outside the folder: refused"))
                elif found.is_file():
                    files.append(found)
        elif path.is_file():
            files.append(path)
        else:
            refused.append((str(path), "no such file or folder"))
    return sorted(dict.fromkeys(files), key=lambda p: (p.name, str(p))), refused


def build(
    paths: Sequence[str | Path],
    *,
    store: str | Path | None = None,
    out: str | Path | None = None,
    base: str = DEFAULT_BASE,
    jobs: int | None = None,
    fresh: bool = False,
    validate: bool = True,
) -> BuildReport:
    """Build the articles under ``paths``.

    :param paths: article files and folders of articles.
    :param store: the store directory to write a new version of (None: no store).
    :param out: a file to write the whole graph to (.ttl, .nt, .nq, .trig, .jsonld).
    :param base: the base IRI of minted instance IRIs.
    :param jobs: worker processes for extraction (default: the machine's cores).
    :param fresh: rebuild every article, not only the changed ones.
    :param validate: check the built graph against ontology/shapes.ttl before publishing it.
    :returns: a :class:`BuildReport`; skipped articles are in ``report.skipped``.
    :raises KgError: for a failure of the whole build (bad base, store busy, disk full,
        a graph that breaks a SHACL shape: ShapeViolation, nothing published).
    """
    minter = Minter(base)  # checks the base before any work
    out_format = format_for_path(str(out)) if out else None
    report = BuildReport()
    files, refused = collect_files(paths)
    report.skipped.extend(refused)
    articles = _read_all(files, report)
    articles = _drop_collisions(articles, minter, report)
    gazetteer = build_gazetteer(articles)
    key = _build_key(gazetteer, base)

    previous = read_manifest(store) if store and not fresh else {"articles": {}}
    same_rules = previous.get("key") == key
    todo = [a for a in articles if not (same_rules and previous["articles"].get(a.file, {}).get("sha256") == a.sha256)]
    if out is not None:
        todo = articles  # a file is always written whole
    graphs = _extract_all(todo, gazetteer, base, jobs, report)

    if store is not None:
        with writing(store, fresh=fresh or not same_rules) as writer:
            _write_store(writer, articles, graphs, previous, report, minter)
            writer.manifest["key"] = key
            if validate:  # before the block ends: a failing graph is never published
                check_store(writer.store)
    if out is not None and out_format is not None:
        if validate and store is None:
            check_lines(line for a in articles if a.file in graphs for line in graphs[a.file])
        _write_file(Path(out), out_format, {minter.article(a.stem).value: graphs[a.file] for a in articles if a.file in graphs})
    report.built = [a.file for a in todo if a.file in graphs]
    report.unchanged = [a.file for a in articles if a not in todo]
    report.quads = sum(len(graphs[f]) for f in report.built)
    return report


def _read_all(files: list[Path], report: BuildReport) -> list[Article]:
    articles = []
    for path in files:
        try:
            articles.append(load_article(path))
        except ArticleError as exc:
            report.skipped.append((str(path), exc.reason if exc.line is None else f"line {exc.line}: {exc.reason}"))
    return articles


def _drop_collisions(articles: list[Article], minter: Minter, report: BuildReport) -> list[Article]:
    """Two files that would mint the same article or event IRI: neither is built."""
    owners: dict[str, list[Article]] = {}
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
    for name in (__version__, base, *sorted(gazetteer.agents), "|", *sorted(gazetteer.places), "|", *sorted(gazetteer.events)):
        digest.update(name.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _extract_one(article: Article, gazetteer: Gazetteer, base: str) -> list[str]:
    """One article's graph as sorted, unique N-Triples lines (cheap to pass between processes)."""
    quads = extraction_quads(extract(article, gazetteer), Minter(base))
    return sorted({f"{ox.Triple(q.subject, q.predicate, q.object)} .\n" for q in quads})


def _extract_all(articles: list[Article], gazetteer: Gazetteer, base: str, jobs: int | None, report: BuildReport) -> dict[str, list[str]]:
    graphs: dict[str, list[str]] = {}
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(articles) >= PARALLEL_FROM:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_extract_one, a, gazetteer, base) for a in articles]
            results = [(a, f) for a, f in zip(articles, futures)]
            for article, future in results:
                _collect(article, lambda f=future: f.result(), graphs, report)
    else:
        for article in articles:
            _collect(article, lambda a=article: _extract_one(a, gazetteer, base), graphs, report)
    return graphs


def _collect(article: Article, run, graphs: dict[str, list[str]], report: BuildReport) -> None:  # type: ignore[no-untyped-def]
    try:
        graphs[article.file] = run()
    except (KgError, ValueError, UnicodeError, RecursionError) as exc:
        # A rule that fails on one article must not stop the build: report it.
        report.skipped.append((article.path, f"extraction failed: {type(exc).__name__}: {exc}"))


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


def _write_store(writer: Writer, articles: list[Article], graphs: dict[str, list[str]], previous: dict, report: BuildReport, minter: Minter) -> None:  # type: ignore[type-arg]
    current = {a.file for a in articles}
    for file, entry in previous["articles"].items():
        if file not in current and not any(path.endswith(file) for path, _ in report.skipped):
            writer.remove_graph(ox.NamedNode(entry["graph"]))
            report.removed.append(file)
    writer.remove_graph(ox.NamedNode(ONTOLOGY_IRI))
    payload = {str(ONTOLOGY_IRI): _ontology_lines()}
    for article in articles:
        graph = minter.article(article.stem)
        if article.file in graphs:
            writer.remove_graph(graph)
            payload[graph.value] = graphs[article.file]
        if article.file in graphs or article.file in previous["articles"]:
            writer.manifest["articles"][article.file] = {"sha256": article.sha256, "graph": graph.value}
    for file, entry in previous["articles"].items():
        # an article that failed this time keeps its previous graph: nothing lost
        if file not in writer.manifest["articles"] and file not in report.removed:
            writer.manifest["articles"][file] = entry
    writer.bulk_load(payload)


def _write_file(path: Path, fmt, graphs: dict[str, list[str]]) -> None:  # type: ignore[no-untyped-def]
    """Write the built graphs to a file; N-Quads sorted, so equal input gives equal bytes."""
    graphs = {str(ONTOLOGY_IRI): _ontology_lines(), **graphs}
    tmp = path.with_name(path.name + ".tmp")
    if fmt.name == "nq":
        lines = sorted(line[:-2] + f"<{g}> .\n" for g, lines in graphs.items() for line in lines)
        tmp.write_text("".join(lines), encoding="utf-8")
    elif fmt.name == "nt":
        tmp.write_text("".join(sorted({line for lines in graphs.values() for line in lines})), encoding="utf-8")
    else:
        mem = ox.Store()
        writer = Writer(mem, path.parent)
        writer.bulk_load(graphs)
        with open(tmp, "wb") as fh:
            export_from(mem, fmt.name, fh)
    os.replace(tmp, path)


def report_json(report: BuildReport) -> str:
    return json.dumps({"built": len(report.built), "unchanged": len(report.unchanged), "removed": report.removed,
                       "skipped": [{"path": p, "reason": r} for p, r in report.skipped], "quads": report.quads})
