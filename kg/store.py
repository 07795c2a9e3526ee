"""store: the on-disk Oxigraph store, written so that readers never see half a build.

A store directory holds numbered versions, each a complete pyoxigraph (RocksDB)
store, and a pointer file naming the current one::

    STORE/
      kg-store.json      {"current": "v000002"}   (replaced atomically)
      v000001/           previous versions, kept a while for readers still on them
      v000002/           the current version: never written again
      build.lock         held by the one build writing a new version

A build takes a hard-link snapshot of the current version (RocksDB checkpoint,
cheap), applies its changes there, flushes, and only then moves the pointer. A
build killed half-way leaves the pointer on the old, complete version; the
stray directory is removed by the next build. Readers open the current version
read-only, which RocksDB allows only because nobody writes it any more.
"""

from __future__ import annotations

import errno
import fcntl
import gc
import json
import os
import shutil
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import StoreError
from kg.remote import is_remote

POINTER = "kg-store.json"
LOCK = "build.lock"
MANIFEST = "manifest.json"
SMALL_LOAD = 2 * 1024 * 1024  # bytes below which a transactional load beats the bulk loader
# RocksDB keeps the index and filter blocks of every file it has opened in memory, and each
# bulk load adds files: a build's memory grew ~40 MB per GB loaded (400 MB at 100 000
# articles). Closing and reopening the store (some 30 ms) lets them go.
REOPEN_AFTER = 512 * 1024 * 1024
KEEP_VERSIONS = 3  # the current one and two before it, for readers still on them (hard links: cheap)
_HELD_LOCKS: set[int] = set()  # descriptors of the build locks this process holds


def _drop_locks_in_child() -> None:
    """A forked child (a build's extraction worker) must not share the build lock (an flock
    belongs to the open file, which fork shares): after a ``kill -9`` of the build, its
    orphaned workers would keep the store locked and every later build would be refused."""
    for fd in _HELD_LOCKS:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD_LOCKS.clear()


os.register_at_fork(after_in_child=_drop_locks_in_child)


def current_version(path: str | Path) -> Path | None:
    """The directory of the current version, or None when nothing was built yet."""
    path = Path(path)
    try:
        name = json.loads((path / POINTER).read_text(encoding="utf-8"))["current"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError) as exc:
        raise StoreError(f"{path / POINTER}: unreadable store pointer ({exc})") from None
    version = path / name
    if not version.is_dir() or "/" in name or name.startswith("."):
        raise StoreError(f"{path}: the store pointer names {name!r}, which is not a version of this store")
    return version


def open_read(path: str | Path) -> ox.Store:
    """Open the current version read-only.

    :raises StoreError: when the store has not been built or cannot be opened.
    """
    if is_remote(path):  # a SPARQL server: a reader with the same query/dump methods
        from kg.remote import RemoteReader

        return RemoteReader(str(path))  # type: ignore[return-value]
    version = current_version(path)
    if version is None:
        raise StoreError(f"{path}: no store here yet; run `kg build` first")
    try:
        return ox.Store.read_only(str(version))
    except OSError as exc:
        raise StoreError(f"{version}: cannot open the store read-only ({exc})") from None


def open_dataset(path: str | Path) -> Any:
    """The current version as a read-only rdflib ``Dataset``, through oxrdflib.

    For users of rdflib's API. Pass queries as strings: oxrdflib evaluates them on
    Oxigraph, but silently hands a prepared query (``prepareQuery``) to rdflib's
    own slow engine. A named graph is ``rdflib.Graph(ds.store, identifier)``:
    ``ds.graph(iri)`` would try to create it, which a read-only store refuses.

    :raises StoreError: when the store has not been built or cannot be opened.
    """
    import rdflib
    from oxrdflib import OxigraphStore

    return rdflib.Dataset(store=OxigraphStore(store=open_read(path)))


def read_manifest(path: str | Path) -> dict[str, Any]:
    """What the current version was built from: ``{"articles": {file: {...}}}``."""
    if is_remote(path):
        from kg.remote import read_manifest as read_remote_manifest

        return read_remote_manifest(str(path))
    version = current_version(path)
    if version is None:
        return {"articles": {}}
    try:
        return dict(json.loads((version / MANIFEST).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {"articles": {}}


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """The manifest as compact JSON with sorted keys, written entry by entry.

    The same bytes as ``json.dumps(manifest, sort_keys=True, separators=(",", ":"))``
    (C encoder: with indent, json falls back to pure Python), without that one string
    and its encoded copy: at 100 000 articles they were the build's last peak.
    """
    def dumps(value: Any) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"))

    with open(path, "w", encoding="utf-8") as out:
        out.write("{")
        for n, key in enumerate(sorted(manifest)):
            value = manifest[key]
            out.write(("," if n else "") + dumps(key) + ":")
            if key != "articles":
                out.write(dumps(value))
                continue
            out.write("{")
            for m, file in enumerate(sorted(value)):
                out.write(("," if m else "") + dumps(file) + ":" + dumps(value[file]))
            out.write("}")
        out.write("}")


class Writer:
    """A new version being written; see :func:`writing`.

    The version's default graph is kept equal to the union of its named graphs,
    each triple once: Oxigraph's own union default graph counts a triple once
    per graph that holds it, so a label asserted by five articles would come
    back five times and COUNT(*) would disagree with every export.
    """

    def __init__(self, directory: Path) -> None:
        # The writer opens the store itself and holds the only reference to it: _reopen closes
        # it by dropping that reference, and a second holder would keep RocksDB's lock.
        self.store = ox.Store(str(directory))
        self.directory = directory
        self.manifest: dict[str, Any] = {"articles": {}}
        self._loaded = 0  # bytes bulk-loaded since the store was opened

    def _reopen(self) -> None:
        """Close the store and open it again, dropping what RocksDB holds per file it opened."""
        self.store.flush()
        del self.store  # the last reference: RocksDB closes here, before the same path is opened again
        self.store = ox.Store(str(self.directory))
        self._loaded = 0

    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> None:
        """Replace one named graph with these quads (and keep the default graph the union)."""
        self.remove_graph(graph)
        quads = list(quads)
        self.store.extend(quads)
        self.store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)

    def remove_graph(self, graph: ox.NamedNode) -> None:
        """Remove a named graph, and from the default graph what no other graph holds."""
        if not self.store.contains_named_graph(graph):
            return
        only_here = "{ GRAPH $g { ?s ?p ?o } FILTER NOT EXISTS { GRAPH ?h { ?s ?p ?o } FILTER(?h != $g) } }"
        self.store.update(("DELETE { ?s ?p ?o } WHERE " + only_here).replace("$g", str(graph)))
        # Oxigraph's DELETE skips a solution that binds a template variable to a blank node, so
        # the triples with blank nodes (the ontology's OWL lists) would pile up in the default
        # graph at every rebuild: remove those one by one.
        blank = "SELECT ?s ?p ?o { GRAPH $g { ?s ?p ?o } FILTER(isBlank(?s) || isBlank(?o)) " + only_here[1:]
        for row in list(self.store.query(blank.replace("$g", str(graph)))):  # type: ignore[union-attr]
            self.store.remove(ox.Quad(row["s"], row["p"], row["o"], ox.DefaultGraph()))
        self.store.remove_graph(graph)

    def bulk_load(self, graphs: dict[str, list[str]]) -> None:
        """Load named graphs given as N-Triples lines (graph IRI → lines), and the same
        triples into the default graph, through Oxigraph's bulk loader: no transaction,
        no RDF parsing in Python. The default graph is a set, so duplicates vanish."""
        nquads = "".join(line[:-2] + f"<{g}> .\n" for g, lines in graphs.items() for line in lines)
        ntriples = "".join(line for lines in graphs.values() for line in lines)
        self.load_chunk(nquads.encode("utf-8"), ntriples.encode("utf-8"))

    def load_chunk(self, nquads: bytes, ntriples: bytes) -> None:
        """Bulk-load N-Quads of named graphs and the same triples as N-Triples into the default graph.

        The bytes come from pyoxigraph's own serialisation of terms it has already
        checked, so the loader's IRI validation is skipped (``lenient``): it would
        check every term a second time. The default graph is a set: duplicates vanish.
        """
        if b"_:" in nquads or b"_:" in ntriples:  # (not `in a + b`: a copy of the batch)
            # Both loaders give blank nodes fresh ids per document: the named graph's and the default
            # graph's copies would differ, and the default graph would gain a copy at every rebuild.
            # pyoxigraph's parser keeps the labels (the ontology's are stable), so parse instead.
            named = ox.parse(nquads, format=ox.RdfFormat.N_QUADS, lenient=True) if nquads else []
            default = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES, lenient=True) if ntriples else []
            self.store.bulk_extend(named)
            self.store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in default)
            return
        # The bulk loader writes and ingests new files: ~0.1 s a call whatever the size.
        # A few articles (an incremental build) go faster through an ordinary load.
        load = self.store.bulk_load if len(nquads) + len(ntriples) > SMALL_LOAD else self.store.load
        if nquads:
            load(nquads, format=ox.RdfFormat.N_QUADS, lenient=True)
        if ntriples:
            load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph(), lenient=True)
        del load  # a bound method of the store: a reference to it
        self._loaded += len(nquads) + len(ntriples)
        if self._loaded >= REOPEN_AFTER:
            self._reopen()


@contextmanager
def writing(path: str | Path, *, fresh: bool = False) -> Iterator[Writer]:
    """Write a new version of the store and publish it when the block ends.

    :param path: the store directory (created if missing).
    :param fresh: start from an empty store instead of the current version.
    :raises StoreError: if another build holds the store, or the disk refuses.
    """
    if is_remote(path):  # a SPARQL server: no versions, written in place (see kg.remote)
        from kg.remote import writing as writing_remote

        with writing_remote(str(path), fresh=fresh) as remote:
            yield remote  # type: ignore[misc]
        return
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        lock = os.open(path / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)  # held for the whole build
        _HELD_LOCKS.add(lock)
    except OSError as exc:
        raise StoreError(_os_message(path, exc)) from None
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{path}: another `kg build` is writing this store") from None
        current = current_version(path)
        _remove_strays(path, current)
        target = path / _next_name(path)
        try:
            if current is not None and not fresh:
                ox.Store.read_only(str(current)).backup(str(target))
            writer = Writer(target)
        except OSError as exc:
            shutil.rmtree(target, ignore_errors=True)
            raise StoreError(_os_message(path, exc)) from None
        try:
            yield writer
            writer.store.flush()
            del writer.store
            write_manifest(target / MANIFEST, writer.manifest)
            _publish(path, target.name)
        except BaseException as exc:
            # Close the new version before removing it: a Store still referenced (by the
            # Writer the caller holds, or a frame of the traceback) keeps RocksDB's LOCK
            # on that path in this process, and the next build here fails on it.
            writer.__dict__.pop("store", None)
            traceback.clear_frames(exc.__traceback__)
            gc.collect()
            shutil.rmtree(target, ignore_errors=True)
            if isinstance(exc, OSError):
                raise StoreError(_os_message(path, exc)) from None
            raise
        _prune(path, target.name)
    finally:
        _HELD_LOCKS.discard(lock)
        os.close(lock)


def _os_message(path: Path, exc: OSError) -> str:
    # RocksDB's errors come through pyoxigraph without an errno: only their text names the cause.
    text = str(exc)
    if exc.errno == errno.ENOSPC or os.strerror(errno.ENOSPC) in text:
        return f"{path}: the disk is full; the previous version of the store is unchanged"
    denied = [os.strerror(e) for e in (errno.EACCES, errno.EROFS, errno.EPERM) if exc.errno == e or os.strerror(e) in text]
    if denied:
        return f"{path}: the store directory is not writable ({denied[0]})"
    return f"{path}: {exc.strerror or exc}"


def _versions(path: Path) -> list[str]:
    return sorted(p.name for p in path.iterdir() if p.is_dir() and p.name.startswith("v") and p.name[1:].isdigit())


def _next_name(path: Path) -> str:
    versions = _versions(path)
    return f"v{int(versions[-1][1:]) + 1 if versions else 1:06d}"


def _publish(path: Path, name: str) -> None:
    tmp = path / (POINTER + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({"current": name}, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path / POINTER)
    dir_fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _remove_strays(path: Path, current: Path | None) -> None:
    """Remove versions newer than the current one: left by a build that died."""
    for name in _versions(path):
        if current is None or name > current.name:
            shutil.rmtree(path / name, ignore_errors=True)


def _prune(path: Path, current: str) -> None:
    older = [v for v in _versions(path) if v < current]
    for name in older[: max(0, len(older) - (KEEP_VERSIONS - 1))]:
        shutil.rmtree(path / name, ignore_errors=True)
