"""Measuring tools of the bench: timed commands with the peak memory of their process tree.

The peak RSS of a command is sampled from /proc over its whole process tree
(the build's parent and its worker processes), as the largest *sum* seen, and
the largest single process is taken from ``getrusage(RUSAGE_CHILDREN)``.
"""

from __future__ import annotations

import os
import resource
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
    peak_one_mb: float  # the largest RSS of a single process (kernel's own count)
    returncode: int
    stderr: str


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


def tree_rss_mb(pid: int) -> float:
    """The summed RSS of a process and all its descendants, in MB."""
    total, stack = 0.0, [pid]
    while stack:
        p = stack.pop()
        total += _rss_mb(p)
        stack.extend(_children(p))
    return total


def run(cmd: Sequence[str], *, cwd: str | Path | None = None, env: dict[str, str] | None = None,
        check: bool = False, timeout: float | None = None) -> Run:
    """Run a command; time it and sample the memory of its process tree every 50 ms."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_mb(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        _, err = proc.communicate(timeout=timeout)
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - start
    # ru_maxrss of children is the max over every waited-for descendant (KiB);
    # it only tells something when it grew past what earlier children reached.
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    one = after / 1024 if after > before else 0.0
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return Run(seconds, peak[0], max(one, 0.0), proc.returncode, err)


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
