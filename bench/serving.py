"""Serving figures: the canned queries through ``kg serve`` against their anchors.

- latency (p50, one client, keep-alive) through ``/sparql`` of ``kg serve`` vs the
  same query on pyoxigraph directly in this process (query + JSON serialisation);
- requests/s at concurrency 8 through ``kg serve`` vs ``oxigraph serve-read-only``
  on the same store version and the same query text, with ``wrk`` (or a small
  Python client when wrk is missing), from a second process, on 127.0.0.1 only.

A canned query's parameters are bound by a ``VALUES`` clause appended to its
text, so all three engines run exactly the same text.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from bench.measure import median, percentile
from kg.queries import load_queries

JSON = "application/sparql-results+json"
CONCURRENCY = 8
SLOW_MS = 5000  # a query slower than this on pyoxigraph gets no load test
# kg serve as README advises for a public endpoint: one server process per core, each with one
# sandboxed query worker (so as many queries run at once as there are cores), deadline and
# memory limits on. The single-process default answers quick queries at about half the rate.
SERVE_OPTIONS = ("--processes", str(os.cpu_count() or 1), "--workers", "1")
EV = "https://w3id.org/chronicon/event#"
_PICK = {
    # an event with sides, casualty figures and a disputed claim, so that every event query
    # (timeline, participants, casualties, disputes) has something to answer
    "event": f"SELECT ?x WHERE {{ ?x a <{EV}Event> ; <{EV}side> [] ; <{EV}claim> [ <{EV}casualties> [] ] ;"
             f" <{EV}claim> [ <{EV}disputes> [] ] }} LIMIT 1",
    "place": f"SELECT ?x WHERE {{ ?e <{EV}place> ?x }} LIMIT 1",
}


@dataclass
class QueryFigures:
    """One canned query's figures."""

    name: str
    direct_p50_ms: float
    served_p50_ms: float
    served_rps: float
    oxigraph_rps: float
    rows: int
    served_refused: float = 0.0  # share of answers that were 429/5xx under load
    rounds: int = 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bound_queries(store: ox.Store) -> dict[str, str]:
    """Every canned query's text, its parameters bound by a trailing VALUES clause."""
    out: dict[str, str] = {}
    for name, q in load_queries().items():
        text = q.text
        if "SERVICE" in text.upper():
            continue  # federated (Wikidata): needs the network, and kg serve refuses it by default
        if any("leave empty" in p.help for p in q.params):
            out[f"{name} (all events)"] = text  # an optional parameter: its whole-corpus form is measured too
        for p in q.params:
            pick = _PICK.get(p.name)
            rows = list(store.query(pick)) if pick else []
            if not rows:
                break
            # inline data first in the WHERE block: bound before the pattern is evaluated, as
            # pyoxigraph's substitutions (and kg serve's canned-query route) bind it
            at = text.index("{", text.upper().index("WHERE")) + 1
            text = f"{text[:at]}\n  VALUES ?{p.name} {{ {rows[0]['x']} }}{text[at:]}"
        else:
            out[name] = text
    return out


def direct_p50(store: ox.Store, text: str, n: int) -> tuple[float, int]:
    """p50 milliseconds of query + JSON serialisation on pyoxigraph, and the row count."""
    times: list[float] = []
    rows = 0
    for _ in range(n):
        start = time.perf_counter()
        result = store.query(text)
        body = result.serialize(format=ox.QueryResultsFormat.JSON)
        times.append((time.perf_counter() - start) * 1000)
        rows = len(json.loads(body)["results"]["bindings"]) if body else 0  # rows, not JSON objects (terms counted too)
    return percentile(times, 0.5), rows


def _wait_ready(port: int, path: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}) before answering")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer within {timeout} s")


class Server:
    """A server process on 127.0.0.1, stopped (by its own pid) when the block ends."""

    def __init__(self, cmd: list[str], port: int, ready_path: str, env: dict[str, str] | None = None) -> None:
        self.port = port
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        try:
            _wait_ready(port, ready_path, self.proc)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: the server and its query workers
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def served_p50(port: int, path: str, text: str, n: int) -> float:
    """p50 milliseconds of a GET with the query, over one keep-alive connection."""
    url = f"{path}?{urllib.parse.urlencode({'query': text})}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    times: list[float] = []
    for _ in range(n):
        start = time.perf_counter()
        conn.request("GET", url, headers={"Accept": JSON})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    return percentile(times, 0.5)


def requests_per_second(port: int, path: str, text: str, seconds: float) -> tuple[float, float]:
    """(successful answers/s, share of refused or failed answers) at concurrency 8, from a second process.

    ``wrk`` when installed, else a small Python client. An endpoint that sheds
    load (429 when its query workers are all busy) is counted by what it answers.
    """
    url = f"http://127.0.0.1:{port}{path}?{urllib.parse.urlencode({'query': text})}"
    if not shutil.which("wrk"):
        return _python_load(port, path, text, seconds), 0.0
    done = subprocess.run(["wrk", "-t2", f"-c{CONCURRENCY}", f"-d{max(1, int(seconds))}s", "--timeout", "90s",
                           "-H", f"Accept: {JSON}", url],
                          capture_output=True, text=True, check=True)
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", done.stdout)
    if not total:
        raise RuntimeError(f"cannot read wrk's output: {done.stdout[-500:]}")
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[total.group(3)]
    count, elapsed = int(total.group(1)), float(total.group(2)) * scale
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", done.stdout)
    bad = int(failed.group(1)) if failed else 0
    return (count - bad) / elapsed, bad / max(1, count)


def _python_load(port: int, path: str, text: str, seconds: float) -> float:
    code = f"""
import http.client, threading, time, urllib.parse
url = {path!r} + '?' + urllib.parse.urlencode({{'query': {text!r}}})
stop = time.monotonic() + {seconds}
counts = []
def worker():
    c = http.client.HTTPConnection('127.0.0.1', {port}, timeout=120); n = 0
    while time.monotonic() < stop:
        c.request('GET', url, headers={{'Accept': {JSON!r}}}); r = c.getresponse(); r.read(); n += 1
    counts.append(n)
ts = [threading.Thread(target=worker) for _ in range({CONCURRENCY})]
t0 = time.monotonic(); [t.start() for t in ts]; [t.join() for t in ts]
print(sum(counts) / (time.monotonic() - t0))
"""
    done = subprocess.run([os.sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def measure(store_version: Path, kg: str, oxigraph: str, *, latency_n: int, load_seconds: float,
            runs: int, failures: list[str]) -> list[QueryFigures]:
    """Every canned query's figures on one store version (median of ``runs`` rounds).

    :param failures: receives one line per query that could not be measured.
    """
    store = ox.Store.read_only(str(store_version))
    queries = bound_queries(store)
    kg_port, ox_port = free_port(), free_port()
    env = {**os.environ, "KG_PROGRESS": "0"}
    store_dir = store_version.parent
    figures: list[QueryFigures] = []
    with Server([kg, "serve", "--store", str(store_dir), "--port", str(kg_port), *SERVE_OPTIONS], kg_port, "/sparql", env) as _, \
         Server([oxigraph, "serve-read-only", "--location", str(store_version), "--bind", f"127.0.0.1:{ox_port}"],
                ox_port, "/query?query=ASK%7B%7D"):
        for name, text in queries.items():
            try:
                figures.append(_one(store, name, text, kg_port, ox_port, latency_n, load_seconds, runs))
            except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
                failures.append(f"{name}: {exc}")
    return figures


def _one(store: ox.Store, name: str, text: str, kg_port: int, ox_port: int, latency_n: int, load_seconds: float,
         runs: int) -> QueryFigures:
    """One canned query's figures: latency and requests/s through both servers, and direct."""
    direct, served, krps, orps, refused = [], [], [], [], []
    first, rows = direct_p50(store, text, 1)
    # slow queries (whole-corpus aggregates) get fewer repetitions and longer load
    # windows, so the bench stays within its budget and still sees answers complete
    n = max(3, min(latency_n, int(5000 / max(first, 1e-3))))
    rounds = runs if first < 500 else 1
    window = max(load_seconds, min(30.0, 5 * first / 1000))  # 8 clients on 2 cores: ~4 query times per wave
    # Past 5 s an answer, 8 clients would need minutes for a few waves each: one latency sample
    # per side, and no load test (requests/s is left out, and says so).
    heavy = first >= SLOW_MS
    if heavy:
        n = 1
    served_p50(kg_port, "/sparql", text, 1)  # warm both: first-run caches are not the figure
    served_p50(ox_port, "/query", text, 1)
    for _ in range(rounds):
        d, rows = direct_p50(store, text, n)
        direct.append(d)
        served.append(served_p50(kg_port, "/sparql", text, n))
        if heavy:
            krps.append(float("nan"))
            orps.append(float("nan"))
            refused.append(0.0)
            continue
        rps, bad = requests_per_second(kg_port, "/sparql", text, window)
        krps.append(rps)
        refused.append(bad)
        orps.append(requests_per_second(ox_port, "/query", text, window)[0])
    return QueryFigures(name, median(direct), median(served), median(krps), median(orps), rows,
                        median(refused), rounds)
