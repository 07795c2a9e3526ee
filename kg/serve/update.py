"""The writer path for SPARQL Update (only with ``kg serve --allow-update --token T``).

An update never touches the version readers are using: it is applied to a new
version of the store through :func:`kg.store.writing` (a snapshot of the current
one), and published atomically when it succeeds; readers notice the new pointer.
It runs in a sandboxed process like a query (no network, memory limit, deadline):
a killed update leaves a stray version that the next write removes.

The default graph is, by contract, the union of the article graphs. So an update
must write *named* graphs (``INSERT DATA { GRAPH <g> { ... } }``); afterwards the
default graph is brought back to the union: triples new to a named graph are added,
triples no graph holds any more are removed. An update that writes the default
graph alone (a triple inserted into, or deleted from, the default graph only) is
refused with 400 and nothing is published.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import KgError, QueryError, StoreError
from kg.serve import workers
from kg.serve.errors import Unavailable, WorkerCrashed
from kg.store import current_version, writing

_DEFAULT_ONLY = "write into a named graph (GRAPH <g> { ... }): the default graph is the union of the article graphs"


def resync_default(store: ox.Store, before: ox.Store | None) -> None:
    """Make the default graph the union of the named graphs again (see the module docstring).

    :raises QueryError: the update wrote the default graph alone.
    """
    default = ox.DefaultGraph()

    def held_before(t: ox.Triple) -> bool:
        return before is not None and ox.Quad(t.subject, t.predicate, t.object, default) in before

    added = store.query("SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }")
    for row in list(added):
        t = ox.Triple(row["s"], row["p"], row["o"])
        if held_before(t):
            raise QueryError(f"the update deleted a triple from the default graph only; {_DEFAULT_ONLY}")
        store.add(ox.Quad(t.subject, t.predicate, t.object, default))
    orphans = store.query("SELECT ?s ?p ?o { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }")
    for row in list(orphans):
        t = ox.Triple(row["s"], row["p"], row["o"])
        if not held_before(t):
            raise QueryError(f"the update inserted into the default graph only; {_DEFAULT_ONLY}")
        store.remove(ox.Quad(t.subject, t.predicate, t.object, default))


def _update_main(conn: Connection, store_path: str, memory_mb: int, text: str) -> None:
    workers.sandbox(memory_mb, keep_network=False)
    try:
        old = current_version(store_path)
        before = ox.Store.read_only(str(old)) if old is not None else None
        with writing(store_path) as writer:
            writer.store.update(text)
            resync_default(writer.store, before)
        new = current_version(store_path)
        conn.send((200, new.name if new else ""))
    except SyntaxError as exc:
        conn.send((400, f"malformed update: {exc}"))
    except KgError as exc:
        conn.send((exc.status, exc.message))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as a 500
        conn.send((500, f"update failed ({type(exc).__name__})"))


def apply_update(settings: Settings, text: str) -> str:
    """Apply an update as a new store version; return the version's name.

    :raises QueryError: (400) malformed, or writes the default graph alone.
    :raises StoreError: (503) another build or update holds the store.
    :raises Unavailable: (503) it ran past the deadline and was killed.
    :raises WorkerCrashed: (500) the process died.
    """
    ctx = mp.get_context(workers.START_METHOD)
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_update_main, args=(child, settings.store, settings.memory_mb, text), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(settings.timeout):
            if process.pid:
                os.kill(process.pid, signal.SIGKILL)
            raise Unavailable(f"the update ran longer than {settings.timeout:g} s and was stopped")
        try:
            status, message = parent.recv()
        except EOFError:
            raise WorkerCrashed("the update process died (memory limit or engine crash)") from None
    finally:
        process.join(5)
        parent.close()
    if status == 200:
        return str(message)
    if status == 400:
        raise QueryError(message)
    if status == 503:
        raise StoreError(message)
    raise KgError(message)
