"""Measuring tools of the bench: timed commands with the peak memory of their process tree.

The memory of a command is sampled from /proc over its whole process tree (the
build's parent and its worker processes) every 50 ms: the largest *sum* of RSS
seen, the largest sum of PSS (a page shared by n processes counts 1/n: forked
workers share their parent's heap copy-on-write, which summed RSS counts once per
process), and the largest RSS of any single process.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Run:
    """One timed run of a command."""

    seconds: float
    peak_tree_mb: float  # the largest sum of RSS over the process tree, sampled
    peak_one_mb: float  # the largest RSS of a single process, sampled
    returncode: int
    stderr: str
    peak_pss_mb: float = 0.0  # the largest sum of PSS over the process tree, sampled


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids.extend(int(x) for x in fh.read().split())
    except OSError:
        pass
    return kids


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE / 1e6
    except (OSError, IndexError, ValueError):
        return 0.0


def _pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except (OSError, IndexError, ValueError):
        pass
    return 0.0


def _tree(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        p = stack.pop()
        found.append(p)
        stack.extend(_children(p))
    return found


def run(cmd: Sequence[str], *, cwd: str | Path | None = None, env: dict[str, str] | None = None,
        check: bool = False, timeout: float | None = None) -> Run:
    """Run a command; time it and sample the memory of its process tree every 50 ms."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = {"rss": 0.0, "pss": 0.0, "one": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            tree = _tree(proc.pid)  # once per sample: the three figures are of the same processes
            rss = [_rss_mb(p) for p in tree]
            peak["rss"] = max(peak["rss"], sum(rss))
            peak["one"] = max(peak["one"], max(rss, default=0.0))
            peak["pss"] = max(peak["pss"], sum(_pss_mb(p) for p in tree))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        _, err = proc.communicate(timeout=timeout)
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - start
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return Run(seconds, peak["rss"], peak["one"], proc.returncode, err, peak["pss"])


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of ``fn`` takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
