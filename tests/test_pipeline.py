"""The build's two passes: unchanged articles not parsed, rules changes seen, chunks streamed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.pipeline
from kg.build import _article_lines, build
from kg.pipeline import extract_chunks, gazetteer_of, scan

BASE = "https://w3id.org/chronicon/id/"


def test_an_unchanged_article_is_hashed_but_not_parsed(seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(seeds_dir, articles)
    build([articles], store=tmp_path / "store", validate=False)
    parsed: list[str] = []
    real = kg.pipeline.load_article
    monkeypatch.setattr(kg.pipeline, "load_article", lambda path, **kw: parsed.append(Path(path).name) or real(path, **kw))
    path = articles / "Battle_of_Waterloo.md"
    path.write_text(path.read_text(encoding="utf-8").replace("18 June 1815", "19 June 1815"), encoding="utf-8")
    report = build([articles], store=tmp_path / "store", validate=False)
    assert report.built == ["Battle_of_Waterloo.md"]
    assert set(parsed) == {"Battle_of_Waterloo.md"}  # scanned once, extracted once; the ten others only hashed


def test_other_extraction_rules_rebuild_every_article(seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    build([seeds_dir], store=store, validate=False)
    assert build([seeds_dir], store=store, validate=False).built == []
    monkeypatch.setattr(kg.build, "rules_fingerprint", lambda: "other rules")
    assert len(build([seeds_dir], store=store, validate=False).built) == 11


def test_chunks_come_back_as_bytes_ready_for_the_bulk_loader(seeds_dir: Path) -> None:
    files = sorted(seeds_dir.glob("*.md"))
    scanned, failed = scan(files, {}, 1, progress=False)
    assert not failed
    chunks = list(extract_chunks([s.path for s in scanned], gazetteer_of(scanned), BASE, 1, _article_lines, progress=False))
    assert len(chunks) > 1  # several chunks even for a few articles: loading overlaps extraction
    quads = [q for c in chunks for q in ox.parse(c.nquads, format=ox.RdfFormat.N_QUADS)]
    triples = [t for c in chunks for t in ox.parse(c.ntriples, format=ox.RdfFormat.N_TRIPLES)]
    assert len(quads) == len(triples) == sum(n for c in chunks for _, _, n in c.built)
    assert {q.graph_name.value.rsplit("/", 1)[1] for q in quads} == {Path(s.file).stem for s in scanned}
