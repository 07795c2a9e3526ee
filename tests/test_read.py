"""Reading: every way an article file can be bad gives one ArticleError naming file and line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kg.errors import ArticleError
from kg.read import load_article

GOOD = """---
subject: 2014 Idlib offensive
tags:
  - 2014 Idlib offensive
date:
  - 5 March – 25 May 2014
place:
  - Idlib Governorate Syria
---

Lead paragraph.

## Rebel offensive
![A map](https://example.org/map.svg)
The rebels began the operation on 5 March.

Second paragraph.

## References
[object Object]
"""


def write(tmp_path: Path, data: str | bytes, name: str = "a.md") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_load_article_reads_fields_sections_and_drops_references(tmp_path: Path) -> None:
    article = load_article(write(tmp_path, GOOD))
    assert article.subject == "2014 Idlib offensive"
    assert article.dates == ("5 March – 25 May 2014",)
    assert [p.text for p in article.lead] == ["Lead paragraph."]
    assert [s.title for s in article.sections] == ["Rebel offensive"]
    section = article.sections[0]
    assert [p.text for p in section.paragraphs] == ["The rebels began the operation on 5 March.", "Second paragraph."]
    assert section.paragraphs[0].line == 15
    assert section.images[0].url == "https://example.org/map.svg"
    assert len(article.sha256) == 64


def test_load_article_strips_a_byte_order_mark(tmp_path: Path) -> None:
    # python-frontmatter loses the whole front matter to a BOM
    article = load_article(write(tmp_path, b"\xef\xbb\xbf" + GOOD.encode()))
    assert article.subject == "2014 Idlib offensive"


def test_load_article_keeps_yaml_1_1_scalars_as_written(tmp_path: Path) -> None:
    text = GOOD.replace("subject: 2014 Idlib offensive", "subject: NO\nauthor: 01234\npubDate: 12:30:00")
    article = load_article(write(tmp_path, text))
    assert (article.subject, article.author, article.pub_date) == ("NO", "01234", "12:30:00")


def test_load_article_accepts_crlf(tmp_path: Path) -> None:
    article = load_article(write(tmp_path, GOOD.replace("\n", "\r\n")))
    assert article.sections[0].paragraphs[0].text.endswith("5 March.")


BAD = [
    ("no-front-matter", "The **Battle** was fought.\n\n## A\nText.\n", 1, "no YAML front matter"),
    ("toml", "+++\ntitle = 'x'\n+++\n", 1, "TOML"),
    ("unclosed", "---\nsubject: X\n\nbody\n", 1, "not closed"),
    ("list", "---\n- a\n- b\n---\nbody\n", 2, "must be a mapping"),
    ("scalar", "---\njust text\n---\nbody\n", 2, "must be a mapping"),
    ("empty", "---\n---\nbody\n", 2, "front matter is empty"),
    ("invalid-yaml", "---\nsubject: X\nshortDescription: Siege: three-year\n---\n", 3, "mapping values are not allowed"),
    ("duplicate-key", "---\nsubject: X\nsubject: Y\n---\n", 3, "duplicate key 'subject'"),
    ("python-tag", "---\nsubject: !!python/object/apply:os.system ['touch /tmp/kg-pwned']\n---\n", 2, "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    ("alias-bomb", "---\na: &a [x, x]\nb: &b [*a, *a]\nsubject: X\n---\n", 3, "aliases are not allowed"),
    ("wrong-type", "---\nsubject: X\ntags:\n  key: value\n---\n", 3, "'tags' must be a list of text items"),
    ("nested-list", "---\nsubject: X\nplace:\n  - [a, b]\n---\n", 3, "'place' must be a list"),
    ("mapping-subject", "---\nsubject:\n  a: b\n---\n", 2, "'subject' must be text"),
    ("no-subject", "---\nauthor: Wikipedia\n---\nbody\n", 2, "no 'subject'"),
    ("multi-document", "---\nsubject: X\n...\n---\n", None, None),
]


@pytest.mark.parametrize(("name", "text", "line", "message"), BAD, ids=[b[0] for b in BAD])
def test_load_article_rejects_bad_input_with_file_line_and_reason(
    tmp_path: Path, name: str, text: str, line: int | None, message: str | None
) -> None:
    path = write(tmp_path, text, f"{name}.md")
    if message is None:  # "..." ends the front matter: the rest is body, and that is fine
        assert load_article(path).subject == "X"
        return
    with pytest.raises(ArticleError) as info:
        load_article(path)
    error = info.value
    assert error.path == str(path)
    assert error.line == line
    assert message in str(error)
    assert str(path) in str(error)
    assert not Path("/tmp/kg-pwned").exists()


def test_load_article_rejects_latin1_with_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.encode("utf-8").replace(b"Lead", b"L\xe9ad"))
    with pytest.raises(ArticleError, match="not valid UTF-8") as info:
        load_article(path)
    assert info.value.line == 11


def test_load_article_rejects_binary(tmp_path: Path) -> None:
    with pytest.raises(ArticleError, match="NUL bytes"):
        load_article(write(tmp_path, b"---\nsubject: X\n---\n\x00\x01\x02"))


def test_load_article_caps_front_matter_size(tmp_path: Path) -> None:
    big = "---\nsubject: X\ndescription: " + "word " * 100_000 + "\n---\n"
    start = time.monotonic()
    with pytest.raises(ArticleError, match="over the"):
        load_article(write(tmp_path, big))
    assert time.monotonic() - start < 2


@pytest.mark.parametrize("name", ["Siege_of_Homs.md", "Battle_of_Raqqa_(2017).md"])
def test_load_article_rejects_the_corpus_broken_articles(corpus_dir: Path, name: str) -> None:
    with pytest.raises(ArticleError) as info:
        load_article(corpus_dir / name)
    assert info.value.line in (1, 3)
    assert name in str(info.value)


DEEP = [
    ("flow", "a: " + "[" * 50_000 + "x" + "]" * 50_000 + "\n"),
    ("block-sequences-on-one-line", "a:\n" + "- " * 100_000 + "x\n"),
    ("complex-keys-on-one-line", "a:\n" + "? " * 60_000 + "x\n"),
    ("indented-mappings", "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 700))),
]


@pytest.mark.parametrize(("name", "yaml_text"), DEEP, ids=[d[0] for d in DEEP])
def test_load_article_refuses_deep_nesting_with_the_line_and_survives(tmp_path: Path, name: str, yaml_text: str) -> None:
    # libyaml (the fast path) and PyYAML's composer both recurse per level: neither may
    # crash the build on a hostile article, and the message must say what and where.
    path = write(tmp_path, "---\nsubject: X\n" + yaml_text + "---\nbody\n", f"{name}.md")
    with pytest.raises(ArticleError) as info:
        load_article(path)
    assert "nested more than 32 levels deep" in str(info.value)
    assert info.value.line is not None and info.value.line >= 3
