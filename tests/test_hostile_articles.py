"""Hostile articles (issue 7, part 1; THREATS.md F35–F46).

Generated and mutated articles go through the reader and the extractors. The only
failure allowed is the reader's ArticleError with a message naming the file; each
article finishes in bounded time; a folder with bad articles still builds the good ones.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.build import build
from kg.errors import ArticleError
from kg.extract import extract
from kg.map import Minter, extraction_quads
from kg.read import load_article

from .conftest import SEEDS

SEED_TEXT = (SEEDS / "2014_Idlib_offensive.md").read_bytes()
MINTER = Minter("https://w3id.org/chronicon/id/")
DEADLINE = 5.0  # seconds for one article, read + extract + map, on the slowest input


def run_pipeline(path: Path) -> None:
    """Read, extract and map one file; only ArticleError may escape, and only from the reader."""
    started = time.monotonic()
    try:
        article = load_article(path)
    except ArticleError as exc:
        assert str(path) in str(exc) and exc.reason, exc
        return
    finally:
        assert time.monotonic() - started < DEADLINE
    quads = list(extraction_quads(extract(article), MINTER))
    assert quads, "a readable article always gives its event"
    assert time.monotonic() - started < DEADLINE, f"{path.name} took {time.monotonic() - started:.1f}s"


FRONT_FIELDS = st.dictionaries(
    st.sampled_from(["subject", "shortDescription", "description", "author", "pubDate", "img", "tags", "date",
                     "place", "on", "yes", "null", "1", "content", "handler", "@context", "@id"]),
    st.one_of(
        st.text(max_size=60),
        st.lists(st.text(max_size=40), max_size=6),
        st.integers(),
        st.booleans(),
        st.none(),
        st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
        st.sampled_from(["NO", "off", "1.10", "01234", "12:30:00", "2024-02-30", "!!python/name:os.system",
                         "*alias", "&anchor x", "[unclosed", "{a: b", "'quote", "- - -"]),
    ),
    max_size=10,
)


def _yaml_scalar(value: object) -> str:
    if isinstance(value, list):
        return "\n" + "".join(f"  - {v!r}\n" if not isinstance(v, str) else f"  - {v}\n" for v in value)
    if isinstance(value, dict):
        return "\n" + "".join(f"  {k}: {v}\n" for k, v in value.items())
    return f" {value}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(fields=FRONT_FIELDS, body=st.text(max_size=400))
def test_generated_front_matter_and_bodies(tmp_path: Path, fields: dict[str, object], body: str) -> None:
    text = "---\n" + "".join(f"{k}:{_yaml_scalar(v)}\n" for k, v in fields.items()) + "---\n" + body
    path = tmp_path / "generated.md"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    run_pipeline(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_seed_articles(tmp_path: Path, data: st.DataObject) -> None:
    raw = bytearray(SEED_TEXT)
    for _ in range(data.draw(st.integers(1, 8))):
        op = data.draw(st.sampled_from(["flip", "insert", "delete", "dup"]))
        at = data.draw(st.integers(0, len(raw) - 1))
        if op == "flip":
            raw[at] = data.draw(st.integers(0, 255))
        elif op == "insert":
            raw[at:at] = data.draw(st.sampled_from([b":", b"- ", b"\n", b"'", b'"', b"\t", b"&a ", b"*a", b"!!python/object ",
                                                    b"\xff", b"\x00", b"{", b"[", b";" * 50, b"1" * 50, b"---\n"]))
        elif op == "delete":
            del raw[at:at + data.draw(st.integers(1, 40))]
        else:
            raw[at:at] = raw[at:at + data.draw(st.integers(1, 200))]
    path = tmp_path / "mutated.md"
    path.write_bytes(bytes(raw))
    run_pipeline(path)


HEAD = "---\nsubject: Pathological offensive\ndate:\n  - 5 March – 25 May 2014\n---\n\n## Fighting\n"
PATHOLOGICAL = {
    "semicolons": HEAD + ";" * 100_000 + "\n",
    "digits": HEAD + "On 4 April " + "9" * 100_000 + " rebels were killed.\n",
    "commas": HEAD + "Rebels took " + "X, " * 30_000 + "and Y.\n",
    "capitals": HEAD + " ".join(["Alpha"] * 50_000) + ".\n",
    "dates": HEAD + " ".join(f"On {d % 28 + 1} April rebels advanced." for d in range(5_000)) + "\n",
    "abbreviations": HEAD + "Col. " * 30_000 + "\n",
    "quotes": HEAD + '"' * 50_000 + "\n",
    "parentheses": HEAD + "(" * 20_000 + "x" + ")" * 20_000 + "\n",
    "long-word": HEAD + "a" * 1_000_000 + "\n",
    "many-paragraphs": HEAD + "Rebels advanced.\n\n" * 20_000,
    "many-sections": HEAD + "## S\nText.\n" * 10_000,
    "nested-yaml": "---\nsubject: X\ntags: " + "[" * 5_000 + "]" * 5_000 + "\n---\n",
    "alias-bomb": "---\nsubject: X\n" + "a0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]\n" for i in range(1, 9)) + "---\n",
    "many-tags": "---\nsubject: X\ntags:\n" + "  - tag\n" * 100_000 + "---\n",
    "huge-description": "---\nsubject: X\ndescription: " + "word " * 2_000_000 + "\n---\n",
    "crlf-and-html": HEAD.replace("\n", "\r\n") + "<script>alert(1)</script> --- rebels advanced.\r\n",
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_articles_finish_in_bounded_time_and_memory(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.md"
    path.write_text(PATHOLOGICAL[name], encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run_pipeline(path)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 500, f"{name}: peak memory grew by {grown_mb:.0f} MB"


def test_a_folder_with_hostile_articles_builds_the_good_ones(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.md")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    hostile = {
        "python.md": "---\nsubject: !!python/object/apply:os.system ['touch /tmp/kg-pwned']\n---\n",
        "latin1.md": "---\nsubject: Caf\xe9\n---\n".encode("latin-1"),
        "binary.md": bytes(range(256)) * 4,
        "bom.md": b"\xef\xbb\xbf" + SEED_TEXT.replace(b"2014 Idlib offensive", b"BOM offensive"),
        "utf16.md": "---\nsubject: X\n---\n".encode("utf-16"),
        "empty.md": b"",
        "pathological.md": PATHOLOGICAL["semicolons"].encode(),
    }
    for name, data in hostile.items():
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    (folder / "escape.md").symlink_to("/etc/passwd")
    report = build([folder], out=tmp_path / "out.nq")
    skipped = {Path(p).name for p, _ in report.skipped}
    assert skipped == {"python.md", "latin1.md", "binary.md", "utf16.md", "empty.md", "escape.md"}
    assert len(report.built) == len(list(SEEDS.glob("*.md"))) + 2  # + the BOM one and the pathological one
    assert not Path("/tmp/kg-pwned").exists()
    assert "root:" not in (tmp_path / "out.nq").read_text(encoding="utf-8")
