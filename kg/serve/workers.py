"""The query worker pool: every public query runs in a sacrificial process.

Why processes (docs/THREATS.md 3–6): pyoxigraph has no timeout or cancellation,
its parser can SIGSEGV and it *aborts* on an allocation failure; only killing a
process stops a runaway query, and only a separate process keeps the server alive
when the engine dies. So each worker:

* drops network access (a fresh network namespace, as root) — pyoxigraph's SERVICE
  client ignores every Python-level egress guard; when it cannot (not root, or a
  SERVICE allowlist is configured) the server logs a warning once and relies on
  the guard;
* limits its address space (``RLIMIT_AS``) so a blow-up aborts the worker, not the host;
* opens the store read-only and reopens it when a build publishes a new version;
* produces the whole answer (capped at ``max_rows``) before the parent sends a byte,
  so a status code always means what it says (no "200 + truncated body").

The parent hands a job to an idle worker and waits at most ``timeout`` seconds;
then it SIGKILLs the worker, starts a replacement and answers 503. A worker that
dies answers 500. When every worker is busy and the queue (``--queue``) is full: 429.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing as mp
import os
import queue
import resource
import signal
import threading
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.config import Settings
from kg.formats import rdf_format
from kg.queries import CannedQuery, bind_params
from kg.serve import results
from kg.serve.errors import TooBusy, Unavailable, WorkerCrashed
from kg.store import POINTER, current_version, open_read
from kg.vocab import PREFIXES

log = logging.getLogger("kg.serve")

# forkserver: workers fork from a small clean process (no server threads, no open store);
# tests may switch to "fork" so a monkeypatch in the test process reaches the workers.
START_METHOD = "forkserver"
_CLONE_NEWNET = 0x40000000
_PR_SET_PDEATHSIG = 1
_M_ARENA_MAX = -8
_START_TIMEOUT = 30.0  # seconds a fresh worker may take to say hello
_warned = threading.Event()


@dataclass(frozen=True)
class Job:
    """One query for a worker: its text (or a canned query and parameters) and the answer format."""

    text: str
    fmt: str  # json | xml | csv | tsv (results) or ttl | nt | jsonld | rdfxml (graphs)
    default_graph: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    canned: CannedQuery | None = None
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """A worker's complete answer: the body, or an error status and message."""

    status: int
    body: bytes = b""
    truncated: str | None = None  # e.g. "rows=10000"
    error: str | None = None


class StoreView:
    """The store's current version, opened read-only, reopened when the pointer file changes.

    One ``stat`` of ``kg-store.json`` per use: a rebuild replaces it atomically, so a
    changed inode or mtime means a new version to open. Thread-safe.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._key: tuple[int, int] | None = None
        self._store: ox.Store | None = None
        self._version = ""
        self._lock = threading.Lock()

    def get(self) -> tuple[ox.Store, str]:
        """The open store and the name of its version (for ETags)."""
        try:
            st = os.stat(self.path / POINTER)
            key: tuple[int, int] | None = (st.st_ino, st.st_mtime_ns)
        except FileNotFoundError:
            key = None
        with self._lock:
            if self._store is None or key != self._key:
                version = current_version(self.path)
                self._store = open_read(self.path)
                self._key, self._version = key, version.name if version else ""
            return self._store, self._version


def sandbox(memory_mb: int, keep_network: bool) -> str:
    """Confine the calling worker process; return how its network was handled."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # die with the forkserver/server
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash must not write GBs of core
    # glibc reserves 64 MiB of address space per malloc arena, one arena per thread that
    # allocates (up to 8 x cores): RocksDB's threads alone can exhaust a small RLIMIT_AS.
    libc.mallopt(_M_ARENA_MAX, 2)
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if keep_network:
        return "kept: a SERVICE allowlist is configured"
    if libc.unshare(_CLONE_NEWNET) != 0:
        return f"kept: unshare(CLONE_NEWNET) failed ({os.strerror(ctypes.get_errno())})"
    return "dropped"


def _worker_main(conn: Connection, store_path: str, memory_mb: int, max_rows: int, keep_network: bool) -> None:
    conn.send(sandbox(memory_mb, keep_network))
    view = StoreView(store_path)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the server went away
        try:
            answer = run_job(view, job, max_rows)
        except MemoryError:
            answer = Answer(500, error="the query needs more memory than a worker may use")
        except Exception as exc:  # noqa: BLE001 - report, and stay alive for the next job
            answer = Answer(500, error=f"query evaluation failed ({type(exc).__name__})")
        conn.send(answer)


def run_job(view: StoreView, job: Job, max_rows: int) -> Answer:
    """Evaluate a job on pyoxigraph (never rdflib's engine) and serialise the whole answer."""
    store, _ = view.get()
    kwargs: dict[str, Any] = {}
    try:
        if job.default_graph is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graph]
        if job.named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        text = job.text
        if job.canned is not None:
            text = job.canned.text
            kwargs["substitutions"] = bind_params(job.canned, job.params) or None
        result = store.query(text, **kwargs)
    except SyntaxError as exc:
        return Answer(400, error=f"malformed query: {exc}")
    except ValueError as exc:
        return Answer(400, error=str(exc))
    except OSError as exc:
        return Answer(500, error=f"query evaluation failed: {exc}")
    try:
        if isinstance(result, ox.QueryBoolean):
            return Answer(200, results.boolean(job.fmt, bool(result)))
        if isinstance(result, ox.QueryTriples):
            triples = list(islice(result, max_rows + 1))
            cut = len(triples) > max_rows
            fmt = rdf_format(job.fmt if job.fmt in ("ttl", "nt", "jsonld", "rdfxml") else "ttl")
            body = ox.serialize(triples[:max_rows], format=fmt.oxigraph, prefixes=PREFIXES if fmt.name == "ttl" else None)
            return Answer(200, bytes(body or b""), f"triples={max_rows}" if cut else None)
        variables = [v.value for v in result.variables]
        rows = [[solution[v] for v in variables] for solution in islice(result, max_rows + 1)]
        cut = len(rows) > max_rows
        body = results.solutions(job.fmt, variables, rows[:max_rows], max_rows if cut else None)
        return Answer(200, body, f"rows={max_rows}" if cut else None)
    except OSError as exc:  # evaluation errors surface while iterating
        return Answer(500, error=f"query evaluation failed: {exc}")


class StaleWorker(Exception):
    """A worker found dead before it was given the job (safe to retry on another)."""


class _Worker:
    """The parent's handle on one worker process."""

    def __init__(self, ctx: Any, settings: Settings) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(
            target=_worker_main, daemon=True, name="kg-query-worker",
            args=(child, settings.store, settings.memory_mb, settings.max_rows, bool(settings.allow_service)),
        )
        self.process.start()
        child.close()
        self.hello: str | None = None

    def run(self, job: Job, timeout: float) -> Answer:
        if self.hello is None:
            if not self.conn.poll(_START_TIMEOUT):
                raise WorkerCrashed("a query worker did not start")
            self.hello = self.conn.recv()
            if self.hello != "dropped" and not _warned.is_set():
                _warned.set()
                log.warning("query workers keep network access (%s); only the SERVICE guard stops SSRF", self.hello)
        try:
            self.conn.send(job)
        except (BrokenPipeError, ConnectionResetError):
            raise StaleWorker from None  # it died while idle: the job never started
        if not self.conn.poll(timeout):
            raise Unavailable(f"the query ran longer than {timeout:g} s and was stopped", retry_after=max(1, int(timeout)))
        answer: Answer = self.conn.recv()
        return answer

    def kill(self) -> None:
        if self.process.is_alive() and self.process.pid:
            with contextlib.suppress(ProcessLookupError):  # it may have died since is_alive()
                os.kill(self.process.pid, signal.SIGKILL)
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """A fixed number of workers, a bounded waiting queue, and 429 beyond it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.size = max(1, settings.workers)
        self.capacity = self.capacity_of(settings)
        self._ctx = mp.get_context(START_METHOD)
        if START_METHOD == "forkserver":
            self._ctx.set_forkserver_preload(["kg.serve.workers"])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._admitted = 0
        self._all: set[_Worker] = set()
        for _ in range(self.size):
            self._idle.put(self._spawn())

    @staticmethod
    def capacity_of(settings: Settings) -> int:
        """Queries admitted at once: one per worker, and the queue's.

        Waiting is cheap (a thread and a socket) and bounded by the deadline; refusing a
        burst of eight clients that two workers clear in milliseconds is not.
        """
        return max(1, settings.workers) + max(0, settings.queue)

    def _spawn(self) -> _Worker:
        worker = _Worker(self._ctx, self.settings)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        code = worker.process.exitcode
        if code not in (None, 0, -signal.SIGKILL):
            log.warning("query worker %s died with exit code %s", worker.process.pid, code)
        with self._lock:
            self._all.discard(worker)

    def alive(self) -> int:
        """How many worker processes are running."""
        with self._lock:
            return sum(1 for w in self._all if w.process.is_alive())

    def run(self, job: Job) -> Answer:
        """Run a job on the next idle worker.

        :raises TooBusy: (429) every worker busy and the queue full.
        :raises Unavailable: (503) no worker came free in time, or the query hit the deadline.
        :raises WorkerCrashed: (500) the worker died (memory limit, engine crash).
        """
        timeout = self.settings.timeout
        with self._lock:
            if self._admitted >= self.capacity:
                raise TooBusy("every query worker is busy; try again shortly", retry_after=max(1, int(timeout / 4)))
            self._admitted += 1
        try:
            try:
                worker = self._idle.get(timeout=timeout)
            except queue.Empty:
                raise Unavailable("no query worker came free in time", retry_after=max(1, int(timeout))) from None
            healthy = False
            try:
                try:
                    answer = worker.run(job, timeout)
                except StaleWorker:
                    self._retire(worker)
                    worker = self._spawn()
                    answer = worker.run(job, timeout)
                healthy = True
                return answer
            except (EOFError, OSError, StaleWorker):
                raise WorkerCrashed("the query worker died while running the query (memory limit or engine crash)") from None
            finally:
                if not healthy:
                    try:
                        self._retire(worker)
                    finally:  # the pool keeps its size whatever happened to the old worker
                        worker = self._spawn()
                self._idle.put(worker)
        finally:
            with self._lock:
                self._admitted -= 1

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            self._retire(worker)
