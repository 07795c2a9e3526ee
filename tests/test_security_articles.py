"""Hostile article *sets* (issue 7; THREATS.md F41, F42): colliding slugs and path tricks.

tests/test_hostile_articles.py covers one bad file at a time (F35–F40, F43, F46)
and a symlink to /etc/passwd; here: two files that would mint the same IRI (NFC
vs NFD, case only, same subject) fail with both names and merge nothing, and
no file name, subject or symlink gives an IRI with a dot segment or reads
outside the content folder.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pyoxigraph as ox

from kg.build import build
from kg.store import open_read
from tests.conftest import KG, SEEDS

ARTICLE = """---
subject: {subject}
date:
  - 5 March 2014
place:
  - Idlib Governorate Syria
---

## Fighting
On 5 March 2014, rebels attacked the town of Saraqib.
"""


def _write(folder: Path, name: str, subject: str) -> Path:
    path = folder / name
    path.write_text(ARTICLE.format(subject=subject), encoding="utf-8")
    return path


def _graphs(store: Path) -> set[str]:
    return {g.value for g in open_read(store).named_graphs() if isinstance(g, ox.NamedNode)}


def test_colliding_slugs_fail_with_both_file_names_and_merge_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SEEDS / "Battle_of_Waterloo.md", folder)
    nfc, nfd = unicodedata.normalize("NFC", "Café_raid"), unicodedata.normalize("NFD", "Café_raid")
    assert nfc != nfd
    pairs = [
        (_write(folder, f"{nfc}.md", "Raid on Café A"), _write(folder, f"{nfd}.md", "Raid on Café B")),  # file names
        (_write(folder, "Siege_of_X.md", "Siege of X"), _write(folder, "siege_of_x.md", "Siege of Y")),  # case only
        (_write(folder, "one.md", "Battle of Café"),
         _write(folder, "two.md", unicodedata.normalize("NFD", "battle of café"))),  # subjects: NFD and case
    ]
    store = tmp_path / "store"
    report = build([folder], store=store)
    skipped = dict(report.skipped)
    for a, b in pairs:
        assert str(a) in skipped and str(b) in skipped, (a.name, b.name, report.skipped)
        assert str(b) in skipped[str(a)] and str(a) in skipped[str(b)]  # each message names the other file
    assert report.built == ["Battle_of_Waterloo.md"]
    graphs = _graphs(store)
    assert not any("caf" in g.lower() or "siege" in g.lower() for g in graphs), graphs
    rows = open_read(store).query("SELECT ?l { ?e a <https://w3id.org/chronicon/event#Event> ; "
                                  "<http://www.w3.org/2000/01/rdf-schema#label> ?l }")
    assert isinstance(rows, ox.QuerySolutions)
    labels = {r["l"].value for r in rows}
    assert not any("Caf" in x or "Siege" in x for x in labels), labels  # no merged resource
    done = subprocess.run([KG, "build", str(folder), "--store", str(tmp_path / "cli")], capture_output=True, text=True)
    assert done.returncode == 1 and f"{nfc}.md" in done.stderr and f"{nfd}.md" in done.stderr and "Traceback" not in done.stderr


def test_path_tricks_read_nothing_outside_and_mint_no_dot_segments(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    _write(outside, "Secret_battle.md", "Secret battle outside the tree")
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(SEEDS / "Battle_of_Waterloo.md", folder)
    (folder / "linked_dir").symlink_to(outside, target_is_directory=True)
    (folder / "linked_file.md").symlink_to(outside / "Secret_battle.md")
    (folder / "passwd.md").symlink_to("/etc/passwd")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    for name, subject in [("..md", "Dot article"), ("...md", "Dots article"), ("x.md", "../../admin"),
                          ("y.md", "./."), ("z.md", ".."), ("w.md", "a/../../b")]:
        _write(folder, name, subject)
    store = tmp_path / "store"
    report = build([folder], store=store)
    skipped = {Path(p).name: why for p, why in report.skipped}
    assert {"linked_file.md", "passwd.md"} <= set(skipped), report.skipped
    dump = bytes(open_read(store).dump(format=ox.RdfFormat.N_QUADS) or b"").decode("utf-8")
    assert "Secret battle" not in dump and "root:" not in dump
    iris = set(re.findall(r"<([^>]*)>", dump))
    bad = sorted(i for i in iris if re.search(r"/\.\.?(/|$)", i))
    assert not bad, bad  # a dot segment would resolve to another node (or to the base itself)
    for iri in iris:
        ox.NamedNode(iri)
    assert "https://w3id.org/chronicon/id/event/" not in iris and "https://w3id.org/chronicon/id/article/" not in iris
