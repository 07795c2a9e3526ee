"""The build's two passes: unchanged articles not parsed, rules changes seen, chunks streamed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

import kg.pipeline
from kg.build import _article_lines, build
from kg.extract import compact_gazetteer
from kg.extract.lexicon import DigestSet
from kg.map import Minter
from kg.pipeline import extract_chunks, gazetteer_of, scan
from kg.read import load_article
from kg.store import write_manifest

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


def test_a_name_in_many_articles_is_kept_once(seeds_dir: Path) -> None:
    # the scan's names stay in memory for the whole build (gazetteer, manifest): at
    # 100 000 articles, one copy per article was 56 MB more than one per name
    scanned, _ = scan(sorted(seeds_dir.glob("*.md")), {}, 1, progress=False)
    holders = [s for s in scanned if "Free Syrian Army" in s.agents]
    assert len(holders) >= 2
    first, *others = (next(n for n in s.agents if n == "Free Syrian Army") for s in holders)
    assert all(other is first for other in others)


def test_a_worker_s_compact_gazetteer_gives_the_same_graphs(seeds_dir: Path) -> None:
    # workers keep the gazetteer's names as digests (50 MB less each at 100 000 articles)
    scanned, _ = scan(sorted(seeds_dir.glob("*.md")), {}, 1, progress=False)
    minter = Minter(BASE)
    full = [_article_lines(load_article(s.path), gazetteer_of(scanned), minter) for s in scanned]
    small = compact_gazetteer(gazetteer_of(scanned))
    assert all(isinstance(names, DigestSet) for names in (small.agents, small.places, small.events))
    assert [_article_lines(load_article(s.path), small, minter) for s in scanned] == full


@pytest.mark.parametrize(("name", "member"), [
    ("Free Syrian Army", True), ("Idlib", True), ("free syrian army", False), ("Free Syrian Army ", False),
    ("Z\u00fcrich", True), ("Zu\u0308rich", False), ("", False), ("\ud800 lone surrogate", True), ("Army", False),
])
def test_a_digest_set_holds_exactly_its_names(name: str, member: bool) -> None:
    names = DigestSet(["Free Syrian Army", "Idlib", "Z\u00fcrich", "\ud800 lone surrogate"])
    assert (name in names) is member
    assert len(names) == 4 and 42 not in names


def test_the_manifest_is_written_as_one_json_document_would_be(tmp_path: Path) -> None:
    manifest = {"version": 2, "articles": {
        "Zeta_\u00e9v\u00e9nement.md": {"sha256": "ab" * 32, "graph": "https://w3id.org/chronicon/id/article/Zeta", "names": ["Z\u00fcrich \"old\"", ["a", "b"], [], []]},
        "Alpha.md": {"names": ["A", [], ["Idlib"], []], "sha256": "cd" * 32, "graph": "https://w3id.org/chronicon/id/article/Alpha"},
    }, "base": "https://w3id.org/chronicon/id/"}
    path = tmp_path / "manifest.json"
    write_manifest(path, manifest)
    assert path.read_text(encoding="utf-8") == json.dumps(manifest, sort_keys=True, separators=(",", ":"))
    assert json.loads(path.read_text(encoding="utf-8")) == manifest
