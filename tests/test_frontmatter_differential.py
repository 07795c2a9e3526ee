"""Where python-frontmatter silently loses data and kg.read keeps it or says why (decision 0003)."""

from __future__ import annotations

from pathlib import Path

import frontmatter
import pytest

from kg.errors import ArticleError
from kg.read import load_article

CASES = [
    # (id, file bytes, what python-frontmatter gives for "subject", what kg.read gives or the error it raises)
    ("bom", b"\xef\xbb\xbf---\nsubject: X\n---\nbody\n", None, "X"),
    ("yaml-1.1-no", b"---\nsubject: NO\n---\nbody\n", False, "NO"),
    ("octal", b"---\nsubject: 01234\n---\nbody\n", 668, "01234"),
    ("sexagesimal", b"---\nsubject: 12:30:00\n---\nbody\n", 45000, "12:30:00"),
    ("duplicate", b"---\nsubject: X\nsubject: Y\n---\nbody\n", "Y", ArticleError("", "duplicate key")),
    ("unclosed", b"---\nsubject: X\nbody\n", None, ArticleError("", "not closed")),
    ("list", b"---\n- subject\n---\nbody\n", None, ArticleError("", "must be a mapping")),
]


@pytest.mark.parametrize(("data", "theirs", "ours"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_kg_read_keeps_what_python_frontmatter_loses(tmp_path: Path, data: bytes, theirs: object, ours: object) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(data)
    post = frontmatter.loads(data.decode("utf-8"))
    assert post.metadata.get("subject") == theirs  # the loss, as measured: if this changes, reconsider 0003
    if isinstance(ours, ArticleError):
        with pytest.raises(ArticleError, match=ours.reason):
            load_article(path)
    else:
        assert load_article(path).subject == ours
