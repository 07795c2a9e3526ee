"""The flow's layering (docs/DESIGN.md, STYLE.md): each stage imports only the stages above it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KG = Path(__file__).resolve().parent.parent / "kg"


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(*patterns: str) -> list[Path]:
    return sorted(p for pattern in patterns for p in KG.glob(pattern))


RULES = [
    # (modules, forbidden import prefixes, why)
    (("read.py", "extract/*.py"), ("rdflib", "pyoxigraph", "oxrdflib", "kg.map", "kg.store", "kg.build", "kg.serve", "kg.link"),
     "read and extract are plain text → records: no RDF, no store"),
    (("map.py",), ("kg.read", "kg.extract", "kg.store", "kg.build", "kg.serve", "kg.link", "os", "pathlib", "shutil"),
     "map turns records into quads and does no I/O"),
    (("store.py",), ("kg.read", "kg.extract", "kg.map", "kg.build", "kg.serve", "kg.link"),
     "the store knows nothing about articles"),
    (("serve/*.py",), ("kg.read", "kg.extract", "kg.map", "kg.build"),
     "the web app serves the store; it never reads or extracts articles"),
]


@pytest.mark.parametrize(("patterns", "forbidden", "why"), RULES, ids=[r[2] for r in RULES])
def test_stage_imports_only_the_stages_above_it(patterns: tuple[str, ...], forbidden: tuple[str, ...], why: str) -> None:
    offences = [
        f"{path.relative_to(KG.parent)} imports {name}"
        for path in modules(*patterns)
        for name in imports(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]
    assert not offences, f"{why}:\n" + "\n".join(offences)


def test_map_opens_no_files() -> None:
    source = (KG / "map.py").read_text(encoding="utf-8")
    assert "open(" not in source and "read_text" not in source and "write_text" not in source
