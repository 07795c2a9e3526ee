"""`make bench`: build speed, incremental builds, memory, exports and serving, against their anchors.

Every figure is the median of ``--runs`` runs (3 by default) and is written with
the anchor it is compared with, measured in the same run on the same machine,
and their ratio: seconds on a shared two-core machine mean little, ratios do.

    python -m bench.run            # N = 10 000 (and 100 000 when the budget allows), ~25 min
    python -m bench.run --quick    # N = 500, ~3 min smoke
    python -m bench.run --n 2000 --big 0 --runs 3 --out /tmp/RESULTS.md

Results go to bench/RESULTS.md (and the raw numbers to bench/results.json).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from bench import serving
from bench.floor import read_floor
from bench.generate import generate
from bench.measure import Run, median, run, timed

HERE = Path(__file__).resolve().parent
SECTIONS = ("build", "incremental", "exports", "queries", "big")
BIN = Path(sys.executable).parent
KG = str(BIN / "kg")
OXIGRAPH = str(BIN / "oxigraph")


@dataclass
class Figure:
    """One line of the results table."""

    name: str
    n: int
    value: float
    unit: str
    anchor: str
    anchor_value: float
    ratio: float
    target: str
    met: str  # "yes", "no", "partly" or "" when the figure has no target
    runs: int
    note: str = ""
    section: str = ""


@dataclass
class Bench:
    """The state of one bench run: where it works, its budget, what it found."""

    work: Path
    runs: int
    jobs: int
    budget: float  # seconds
    started: float = field(default_factory=time.monotonic)
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=lambda: {**os.environ, "KG_PROGRESS": "0"})
    section: str = ""

    def left(self) -> float:
        return self.budget - (time.monotonic() - self.started)

    def add(self, figure: Figure) -> None:
        figure.section = figure.section or self.section
        self.figures.append(figure)
        print(f"  {figure.name} (N={figure.n}): {figure.value:.3g} {figure.unit} vs {figure.anchor} "
              f"{figure.anchor_value:.3g} → ×{figure.ratio:.2f} {figure.met}", flush=True)

    def kg(self, *args: str, check: bool = True) -> Run:
        done = run([KG, *args], env=self.env)
        if check and done.returncode not in (0, 1):  # 1: some articles skipped (the broken ones)
            raise RuntimeError(f"kg {' '.join(args)} failed: {done.stderr[-3000:]}")
        return done


def _met(ok: bool, partly: bool = False) -> str:
    return "yes" if ok else ("partly" if partly else "no")


def corpus(b: Bench, n: int, seed: int) -> Path:
    directory = b.work / f"corpus-{n}"
    if not (directory / ".complete").exists():
        shutil.rmtree(directory, ignore_errors=True)
        seconds = timed(lambda: generate(directory, n, seed=seed))
        (directory / ".complete").write_text("")
        print(f"generated {n} articles in {seconds:.1f} s", flush=True)
    return directory


def build_figures(b: Bench, n: int, articles: Path) -> tuple[Path, float, Run]:
    """Full builds (median of runs) against the floor; returns the last store, the median and a run."""
    print(f"build, N={n}", flush=True)
    builds: list[Run] = []
    store = b.work / f"store-{n}"
    for i in range(b.runs):
        shutil.rmtree(store, ignore_errors=True)
        builds.append(b.kg("build", str(articles), "--store", str(store), "--no-validate", "--jobs", str(b.jobs)))
        print(f"  run {i + 1}: {builds[-1].seconds:.1f} s, peak {builds[-1].peak_tree_mb:.0f} MB", flush=True)
        if sum(r.seconds for r in builds) + builds[-1].seconds > 0.4 * b.budget and i + 1 < b.runs:
            b.notes.append(f"the N={n:,} build was run {i + 1} time(s), not {b.runs}: another run would take more "
                           f"than 40% of the {b.budget / 60:.0f}-minute budget")
            break
    build_s = median([r.seconds for r in builds])
    shutil.rmtree(store, ignore_errors=True)
    checked = b.kg("build", str(articles), "--store", str(store), "--jobs", str(b.jobs))  # the default: SHACL check on
    print(f"  with the SHACL check: {checked.seconds:.1f} s", flush=True)

    floor_a = median([read_floor(articles)[0] for _ in range(b.runs)])
    version = _version(store)
    nq = b.work / f"graph-{n}.nq"
    b.kg("export", "--format", "nq", "--store", str(store), "-o", str(nq))
    quads = _lines(nq)
    floor_b_runs = []
    for _ in range(b.runs):
        target = b.work / "oxload"
        shutil.rmtree(target, ignore_errors=True)
        floor_b_runs.append(run([OXIGRAPH, "load", "--location", str(target), "--file", str(nq)], check=True).seconds)
        shutil.rmtree(target, ignore_errors=True)
    floor_b = median(floor_b_runs)
    floor = floor_a + floor_b
    ratio = build_s / floor
    b.add(Figure("kg build, end to end (--no-validate)", n, build_s, "s", "floor (a)+(b)", floor, ratio,
                 "≤ 2× (met at ≤ 3×)", _met(ratio <= 2, ratio <= 3), len(builds),
                 f"floor (a) read+CSafeLoader+sentences {floor_a:.1f} s, (b) oxigraph load {floor_b:.1f} s of {quads} quads"))
    b.add(Figure("kg build, end to end (default: SHACL check of the built graph on)", n, checked.seconds, "s",
                 "floor (a)+(b)", floor, checked.seconds / floor, "(no target: the check is extra work)", "", 1,
                 f"the check (kg.shapes: SPARQL on the store) took {checked.seconds - build_s:.0f} s more"))

    # the load step alone: the build's own chunks through Writer.load_chunk
    named_s, both_s = load_step(b, nq)
    rate_ox = quads / floor_b
    b.add(Figure("load step: named graphs (quads/s)", n, quads / named_s, "quads/s", "oxigraph load", rate_ox,
                 (quads / named_s) / rate_ox, "≥ 0.8×", _met(quads / named_s >= 0.8 * rate_ox), b.runs,
                 f"{named_s:.1f} s for {quads} quads in batches of the build's size"))
    b.add(Figure("load step: named graphs + default-graph copy (article quads/s)", n, quads / both_s, "quads/s",
                 "oxigraph load", rate_ox, (quads / both_s) / rate_ox, "≥ 0.8×", _met(quads / both_s >= 0.8 * rate_ox), b.runs,
                 f"{both_s:.1f} s; the copy loads {quads} more triples: the honest cost of a deduplicated default graph"))
    del version
    return store, build_s, builds[-1]


def load_step(b: Bench, nq: Path) -> tuple[float, float]:
    """Seconds of Writer.load_chunk over the build's N-Quads, in batches of the build's size
    (kg.build.LOAD_BATCH): named graphs only, and with the default-graph copy."""
    from kg.build import LOAD_BATCH
    from kg.store import Writer

    chunks: list[tuple[bytes, bytes]] = []
    quads: list[bytes] = []
    blank: list[bytes] = []  # the ontology's OWL lists: the build loads that graph on its own, small
    size = 0
    with open(nq, "rb") as fh:
        for line in fh:
            if b"_:" in line:
                blank.append(line)
                continue
            quads.append(line)
            size += 2 * len(line)  # the build's batch holds each line twice: as a quad and as a triple
            if size >= LOAD_BATCH:
                chunks.append((b"".join(quads), b"".join(q.rsplit(b" <", 1)[0] + b" .\n" for q in quads)))
                quads, size = [], 0
    for rest in (quads, blank):
        if rest:
            chunks.append((b"".join(rest), b"".join(q.rsplit(b" <", 1)[0] + b" .\n" for q in rest)))
    del quads, blank
    named, both = [], []
    for _ in range(b.runs):
        for copy, into in ((False, named), (True, both)):
            directory = Path(tempfile.mkdtemp(dir=b.work, prefix="load-"))
            writer = Writer(directory)

            def go(writer: Writer = writer, copy: bool = copy) -> None:
                for quads, triples in chunks:
                    writer.load_chunk(quads, triples if copy else b"")
                writer.store.flush()

            into.append(timed(go))
            del writer
            shutil.rmtree(directory, ignore_errors=True)
    return median(named), median(both)


def incremental_figures(b: Bench, n: int, articles: Path, store: Path, full_s: float) -> None:
    print(f"incremental, N={n}", flush=True)
    none_changed = [b.kg("build", str(articles), "--store", str(store), "--no-validate").seconds for _ in range(b.runs)]
    one_changed = []
    files = sorted(articles.glob("*.md"))
    for i in range(b.runs):
        path = files[(i * 7919) % len(files)]
        original = path.read_bytes()
        # a changed sentence of the body, as an editor's fix would be: the front matter (and
        # so the gazetteer, whose change would rebuild everything) is untouched
        at = original.find(b"\n---\n", 4) + 5
        body = original[at:]
        body = body.replace(b" was ", b" had been ", 1) if b" was " in body else body + b"\nIt ended.\n"
        path.write_bytes(original[:at] + body)
        try:
            one_changed.append(b.kg("build", str(articles), "--store", str(store), "--no-validate").seconds)
        finally:
            path.write_bytes(original)
    b.kg("build", str(articles), "--store", str(store), "--no-validate")  # back to the corpus as generated
    one = median(one_changed)
    b.add(Figure("rebuild after one article changed", n, one, "s", "full build", full_s, one / full_s, "≤ 0.05×",
                 _met(one / full_s <= 0.05), b.runs, f"nothing changed: {median(none_changed):.2f} s"))


def memory_figures(b: Bench, n: int, last: Run, small: tuple[int, Run] | None) -> None:
    note = (f"largest single process {last.peak_one_mb:.0f} MB; PSS of the tree (shared pages counted once) "
            f"{last.peak_pss_mb:.0f} MB")
    if small:
        note += f"; at N={small[0]}: {small[1].peak_tree_mb:.0f} MB (tree)"
    limit = 1000.0
    b.add(Figure("peak RSS of kg build (parent + workers)", n, last.peak_tree_mb, "MB", "1 GB", limit,
                 last.peak_tree_mb / limit, "≤ 1 GB at 100 000" if n >= 100_000 else "(trend)",
                 _met(last.peak_tree_mb <= limit) if n >= 100_000 else "", 1, note))


def export_figures(b: Bench, n: int, store: Path) -> None:
    print(f"exports, N={n}", flush=True)
    for fmt in ("nq", "ttl"):
        out = b.work / f"export.{fmt}"
        runs = [b.kg("export", "--format", fmt, "--store", str(store), "-o", str(out)) for _ in range(b.runs)]
        size = out.stat().st_size / 1e6
        peak = max(r.peak_tree_mb for r in runs)
        b.add(Figure(f"kg export --format {fmt}: peak RSS", n, peak, "MB", "output size", size, peak / size,
                     "streams (RSS ≪ output)", _met(peak < size or peak < 300), b.runs,
                     f"{median([r.seconds for r in runs]):.1f} s"))
        out.unlink()


def query_figures(b: Bench, n: int, store: Path, latency_n: int, load_seconds: float) -> None:
    print(f"queries, N={n}", flush=True)
    failures: list[str] = []
    try:
        figures = serving.measure(_version(store), KG, OXIGRAPH, latency_n=latency_n, load_seconds=load_seconds,
                                  runs=b.runs, failures=failures)
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        b.notes.append(f"queries at N={n} not measured: {exc}")
        print(f"  not measured: {exc}", flush=True)
        return
    b.notes.extend(f"query at N={n} not measured: {f}" for f in failures)
    b.notes.append(f"queries at N={n:,}: `kg serve {' '.join(serving.SERVE_OPTIONS)}` (deadline, memory limit, "
                   "network-less workers on), the query worker pool's default queue; requests/s by wrk -t2 -c8")
    b.notes.append("federated canned queries (SERVICE to Wikidata) are left out: they need the network, "
                   "and kg serve refuses SERVICE unless --allow-service names the endpoint")
    for q in figures:
        ratio = q.served_p50_ms / q.direct_p50_ms if q.direct_p50_ms else float("nan")
        b.add(Figure(f"{q.name}: p50 latency via kg serve", n, q.served_p50_ms, "ms", "pyoxigraph direct",
                     q.direct_p50_ms, ratio, "≤ 1.5×", _met(ratio <= 1.5), q.rounds,
                     f"{q.rows} rows" + (" (kg serve cuts answers at 10 000 rows)" if q.rows > 10_000 else "")))
        trivial = q.direct_p50_ms < 1.0
        need = 0.25 if trivial else 0.5
        if q.served_rps != q.served_rps:  # nan: too slow for a load test in the budget
            b.notes.append(f"{q.name} at N={n:,}: no requests/s figure — one answer takes "
                           f"{q.direct_p50_ms / 1000:.0f} s on pyoxigraph (over {serving.SLOW_MS / 1000:.0f} s)")
            continue
        rps_ratio = q.served_rps / q.oxigraph_rps if q.oxigraph_rps else float("nan")  # nan: no answer in the window
        b.add(Figure(f"{q.name}: requests/s at concurrency 8", n, q.served_rps, "req/s", "oxigraph serve-read-only",
                     q.oxigraph_rps, rps_ratio, f"≥ {need}×" + (" (trivial)" if trivial else ""),
                     _met(rps_ratio >= need) if rps_ratio == rps_ratio else "n/a",  # nan: Oxigraph answered none in the window
                     q.rounds, f"{q.served_refused:.0%} of kg serve's answers refused (429) or failed" if q.served_refused else ""))


def _version(store: Path) -> Path:
    from kg.store import current_version

    version = current_version(store)
    assert version is not None
    return version


def _lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, pyoxigraph {ox.__version__}; load average at start {load:.1f}")


def write_results(b: Bench, path: Path, args: argparse.Namespace, started: str, load_at_start: str) -> None:
    rows = ["| figure | N | value | anchor (same run) | ratio | target | met | runs | note |",
            "|---|---:|---:|---|---:|---|---|---:|---|"]
    for f in b.figures:
        rows.append(f"| {f.name} | {f.n:,} | {f.value:,.3g} {f.unit} | {f.anchor}: {f.anchor_value:,.3g} | ×{f.ratio:.2f} "
                    f"| {f.target} | {f.met} | {f.runs} | {f.note} |")
    text = "\n".join([
        "# Chronicon benchmarks",
        "",
        f"Written by `python -m bench.run {' '.join(sys.argv[1:])}` on {started}, in "
        f"{(time.monotonic() - b.started) / 60:.1f} min.",
        f"Machine: {load_at_start}.",
        f"Corpus: synthetic (bench/generate.py, seed {args.seed}), variants of the 13 corpus articles; "
        f"`--jobs {b.jobs}`. Each value is the median of the runs given; each anchor is measured in the same run.",
        "",
        *rows,
        "",
        *(f"- {note}" for note in b.notes),
        "",
    ])
    path.write_text(text, encoding="utf-8")
    (path.parent / "results.json").write_text(json.dumps({"started": started, "machine": load_at_start,
                                                          "figures": [asdict(f) for f in b.figures], "notes": b.notes},
                                                         indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Chronicon's benchmarks (issue 9); results in bench/RESULTS.md.")
    parser.add_argument("--quick", action="store_true", help="a ~3-minute smoke run at N=500")
    parser.add_argument("--n", type=int, help="articles of the main corpus [10000; quick: 500]")
    parser.add_argument("--big", type=int, help="the large corpus, for memory and queries [100000; quick: 0 = none]")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is kept) [3]")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="kg build --jobs [the cores]")
    parser.add_argument("--budget", type=float, help="minutes; the large corpus is skipped if it would not fit [25; quick: 3]")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="working folder (kept; corpora are reused) [a temporary folder]")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help=f"what to measure, of {','.join(SECTIONS)}; without build, the store of --work is reused, "
                             "and the figures of the other sections are kept from results.json")
    args = parser.parse_args(argv)
    sections = set(args.sections.split(","))
    n = args.n or (500 if args.quick else 10_000)
    big = args.big if args.big is not None else (0 if args.quick else 100_000)
    budget = (args.budget or (3 if args.quick else 25)) * 60
    latency_n, load_seconds = (10, 2.0) if args.quick else (20, 4.0)
    work = args.work or Path(tempfile.mkdtemp(prefix="chronicon-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    info = machine()
    b = Bench(work, max(1, args.runs), args.jobs, budget)
    print(f"bench: N={n}, big={big}, runs={b.runs}, work={work}\n{info}", flush=True)
    earlier = args.out.parent / "results.json"
    if sections != set(SECTIONS) and earlier.exists():  # keep what an earlier run measured of the other sections
        kept = json.loads(earlier.read_text(encoding="utf-8"))
        b.figures = [Figure(**f) for f in kept["figures"] if f.get("section") not in sections]
        stale = (("quer", "federated") if "queries" in sections else ()) + (("the N=",) if "build" in sections else ())
        b.notes = [x for x in kept["notes"] if not x.startswith(stale)]
        started, info = kept["started"] + f" (sections {args.sections}: {started})", kept["machine"]
    try:
        articles = corpus(b, n, args.seed)
        store = work / f"store-{n}"
        if "build" in sections:
            small_n = max(100, n // 10)
            b.section = "build"
            small_run = b.kg("build", str(corpus(b, small_n, args.seed)), "--store", str(work / f"store-{small_n}"),
                             "--no-validate")
            store, full_s, last = build_figures(b, n, articles)
            b.section = "incremental"
            incremental_figures(b, n, articles, store, full_s)
            b.section = "build"
            memory_figures(b, n, last, (small_n, small_run))
        if "exports" in sections:
            b.section = "exports"
            export_figures(b, n, store)
        if "queries" in sections:
            b.section = "queries"
            query_figures(b, n, store, latency_n, load_seconds)
        if big and "big" in sections and "build" in sections:
            b.section = "big"
            projected = full_s * big / n * 1.5 + 120  # extraction slows as the gazetteer grows
            if projected > b.left():
                b.notes.append(f"N={big:,} not measured: its build was projected at {projected / 60:.0f} min from the "
                               f"N={n:,} build, past what is left of the {budget / 60:.0f}-minute budget; "
                               f"run `python -m bench.run --big {big} --budget {projected / 60 * 2 + 30:.0f}`")
            else:
                big_articles = corpus(b, big, args.seed)
                print(f"build, N={big}", flush=True)
                big_run = b.kg("build", str(big_articles), "--store", str(work / f"store-{big}"), "--no-validate")
                memory_figures(b, big, big_run, (n, last))
                b.add(Figure("kg build, end to end (--no-validate)", big, big_run.seconds, "s", f"N={n} build × {big // n}",
                             full_s * big / n, big_run.seconds / (full_s * big / n), "(scaling)", "", 1))
                query_figures(b, big, work / f"store-{big}", latency_n, load_seconds)
    finally:
        write_results(b, args.out, args, started, info)
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"results → {args.out}", flush=True)


if __name__ == "__main__":
    main()
