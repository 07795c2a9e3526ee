"""The synthetic corpus generator: reproducible, unique names, articles that build."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.generate import article, generate, templates
from kg.build import build


def test_generate_is_reproducible_and_depends_on_the_seed() -> None:
    assert article(5, 100, seed=1) == article(5, 100, seed=1)
    assert article(5, 100, seed=1) != article(5, 100, seed=2)
    assert article(5, 100) != article(6, 100)


def test_every_article_has_its_own_file_and_subject() -> None:
    names = [article(i, 300)[0] for i in range(300)]
    assert len(set(names)) == len(names)


def test_variants_rename_entities_and_shift_years_but_keep_the_shape() -> None:
    good, _, _ = templates()
    name, text = article(3, 1000, broken_rate=0.0)
    assert text.startswith("---\n") and "\ntags:\n" in text and "\n## " in text
    originals = {t.subject for t in good}
    assert not any(subject in text for subject in originals)


@pytest.mark.slow
def test_a_generated_corpus_builds_and_only_the_broken_variants_are_skipped(tmp_path: Path) -> None:
    generate(tmp_path / "articles", 40, broken_rate=0.1, jobs=1)
    report = build([tmp_path / "articles"], out=tmp_path / "graph.nq", validate=False)
    assert len(report.built) + len(report.skipped) == 40
    assert len(report.built) >= 30
    assert all("YAML" in reason or "front matter" in reason for _, reason in report.skipped)
