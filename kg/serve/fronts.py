"""``kg serve --processes N``: N server processes on one listening socket, and their supervisor.

Why: one Python process answers HTTP on one core, however many query workers it
has; a quick query spends most of its time in waitress and Flask, not in the
engine. Forked front processes accept from the same socket (the kernel hands
each connection to one of them), so the per-request Python work runs on every
core. Each front is the whole app of :func:`kg.serve.create_app` with its own
pool of ``--workers`` sandboxed query processes: the safety of a single server
holds in each.

The supervisor (the process ``kg serve`` started) owns the socket and does no
HTTP. A front that dies is replaced; SIGTERM or SIGINT stops every front (and,
through their death signals, their query workers). Fronts are forked before
anything opens the store or starts a thread, so no lock or RocksDB handle is
shared across a fork.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import sys
import time
from typing import Any

from kg.config import Settings
from kg.errors import KgError
from kg.store import current_version

log = logging.getLogger("kg.serve")

_PR_SET_PDEATHSIG = 1
_CRASH_WINDOW = 5.0  # seconds: a front that dies this soon after it started is a crash at start
_MAX_QUICK_CRASHES = 3  # ... and this many in a row means it cannot start: give up


def listen(host: str, port: int) -> socket.socket:
    """The listening socket every front accepts from (IPv6 when the host is an IPv6 address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=1024)
    sock.set_inheritable(True)
    return sock


def serve_forked(settings: Settings, waitress_options: dict[str, Any]) -> None:
    """Run ``settings.processes`` fronts on ``settings.host:port`` until SIGTERM/SIGINT.

    :raises SystemExit: when the store is missing or the fronts cannot start.
    """
    try:
        if current_version(settings.store) is None:
            raise SystemExit(f"kg serve: {settings.store}: no store here yet; run `kg build` first")
    except KgError as exc:
        raise SystemExit(f"kg serve: {exc.message}") from None
    sock = listen(settings.host, settings.port)

    def stop(signum: int, _frame: Any) -> None:
        raise _Stop  # out of waitpid: Python would otherwise retry it after the handler

    fronts: dict[int, float] = {}  # pid → start time
    quick_crashes = 0
    try:
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for _ in range(settings.processes):
            fronts[_fork_front(sock, settings, waitress_options)] = time.monotonic()
        while True:
            try:
                pid, status = os.waitpid(-1, 0)
            except ChildProcessError:
                break
            if pid not in fronts:
                continue
            started = fronts.pop(pid)
            code = os.waitstatus_to_exitcode(status)
            quick_crashes = quick_crashes + 1 if time.monotonic() - started < _CRASH_WINDOW else 0
            if quick_crashes >= _MAX_QUICK_CRASHES:
                raise SystemExit(f"kg serve: server processes keep exiting at start (last exit code {code}); see the log above")
            log.warning("server process %s exited with code %s; starting another", pid, code)
            fronts[_fork_front(sock, settings, waitress_options)] = time.monotonic()
    except _Stop:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not cut the clean-up short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _stop_all(fronts)
        sock.close()


class _Stop(Exception):
    """SIGTERM or SIGINT reached the supervisor."""


def _fork_front(sock: socket.socket, settings: Settings, waitress_options: dict[str, Any]) -> int:
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's to handle
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)  # never outlive the supervisor
        _run_front(sock, settings, waitress_options)
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        code = exc.code if isinstance(exc.code, int) else 3
    except BaseException:  # noqa: BLE001 - a child must never return into the supervisor's code
        log.exception("server process %s failed", os.getpid())
        code = 3
    finally:
        os._exit(code)


def _run_front(sock: socket.socket, settings: Settings, waitress_options: dict[str, Any]) -> None:
    from waitress import serve

    from kg.serve import serving_app

    serve(serving_app(settings), sockets=[sock], **waitress_options)


def _stop_all(fronts: dict[int, float]) -> None:
    for pid in fronts:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for pid in fronts:
        while time.monotonic() < deadline:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
