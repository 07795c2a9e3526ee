"""Building: the store's versions, incremental rebuilds, bad articles, files and counts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

import kg.build
import kg.store
from kg.build import build
from kg.errors import StoreError
from kg.store import current_version, open_read, writing

from .conftest import KG, OXIGRAPH

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count(store: ox.Store, query: str = COUNT) -> int:
    return int(next(iter(store.query(query)))["n"].value)


def test_build_skips_the_broken_articles_and_builds_the_rest(corpus_dir: Path, tmp_path: Path) -> None:
    report = build([corpus_dir], store=tmp_path / "store")
    skipped = {Path(p).name: reason for p, reason in report.skipped}
    assert set(skipped) == {"Siege_of_Homs.md", "Battle_of_Raqqa_(2017).md"}
    assert "line 3" in skipped["Siege_of_Homs.md"] and "mapping values" in skipped["Siege_of_Homs.md"]
    assert "no YAML front matter" in skipped["Battle_of_Raqqa_(2017).md"]
    assert len(report.built) == 11
    store = open_read(tmp_path / "store")
    events = count(store, "PREFIX ev: <https://w3id.org/chronicon/event#> PREFIX prov: <http://www.w3.org/ns/prov#> "
                          "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ev:Event ; prov:wasDerivedFrom ?a }")
    assert events == 11
    # nothing of a skipped article reaches the graph: no half-filled event
    assert not store.contains_named_graph(ox.NamedNode("https://w3id.org/chronicon/id/article/Siege_of_Homs"))


def test_default_graph_is_the_union_of_the_article_graphs_each_triple_once(seed_store: Path) -> None:
    store = open_read(seed_store)
    union = count(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
    assert count(store) == union
    # a label that several articles assert comes back once
    rows = list(store.query('SELECT ?l WHERE { <https://w3id.org/chronicon/id/place/syria> '
                            '<http://www.w3.org/2000/01/rdf-schema#label> ?l }'))
    assert [r["l"].value for r in rows] == ["Syria"]


def test_unchanged_articles_are_skipped_a_changed_one_replaces_only_its_graph(seeds_dir: Path, tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(seeds_dir, articles)
    store = tmp_path / "store"
    build([articles], store=store)
    first = current_version(store)
    again = build([articles], store=store)
    assert again.built == [] and len(again.unchanged) == 11
    path = articles / "Battle_of_Waterloo.md"
    path.write_text(path.read_text(encoding="utf-8").replace("18 June 1815", "19 June 1815"), encoding="utf-8")
    changed = build([articles], store=store)
    assert changed.built == ["Battle_of_Waterloo.md"]
    assert current_version(store) != first
    s = open_read(store)
    dates = {r["d"].value for r in s.query(
        'SELECT ?d WHERE { <https://w3id.org/chronicon/id/event/battle_of_waterloo> <https://w3id.org/chronicon/event#startDate> ?d }')}
    assert dates == {"1815-06-19"}
    (articles / "Fall_of_Mosul.md").unlink()
    removed = build([articles], store=store)
    assert removed.removed == ["Fall_of_Mosul.md"]
    s = open_read(store)
    assert not s.contains_named_graph(ox.NamedNode("https://w3id.org/chronicon/id/article/Fall_of_Mosul"))
    assert count(s, "ASK { ?s ?p \"Fall of Mosul\" }".replace("ASK", "SELECT (COUNT(*) AS ?n) WHERE")) == 0


def test_a_store_reopened_between_bulk_loads_loses_nothing(seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A long build closes and reopens its store every REOPEN_AFTER bytes (to let RocksDB drop
    # what it holds per file): here after every load, through the bulk loader.
    build([seeds_dir], store=tmp_path / "plain", validate=False)
    reopened: list[Path] = []
    real = kg.store.Writer._reopen
    monkeypatch.setattr(kg.store, "REOPEN_AFTER", 1)
    monkeypatch.setattr(kg.store, "SMALL_LOAD", 0)
    monkeypatch.setattr(kg.build, "LOAD_BATCH", 1)  # every chunk a load of its own
    monkeypatch.setattr(kg.store.Writer, "_reopen", lambda self: reopened.append(self.directory) or real(self))
    build([seeds_dir], store=tmp_path / "reopened", validate=True, jobs=1)
    assert len(reopened) >= 2
    plain, again = open_read(tmp_path / "plain"), open_read(tmp_path / "reopened")
    assert count(again) == count(plain) > 0
    assert set(again.quads_for_pattern(None, None, None)) == set(plain.quads_for_pattern(None, None, None))
    build([seeds_dir], store=tmp_path / "reopened", validate=False, fresh=True)  # the lock and the version were let go


def test_a_failed_build_leaves_the_previous_version_published(seeds_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    build([seeds_dir], store=store)
    before = current_version(store)
    with pytest.raises(RuntimeError), writing(store) as writer:
        writer.remove_graph(ox.NamedNode("https://w3id.org/chronicon/id/article/Battle_of_Waterloo"))
        raise RuntimeError("crash in the middle of a build")
    assert current_version(store) == before
    assert count(open_read(store)) > 0
    assert sorted(p.name for p in store.iterdir() if p.name.startswith("v")) == [before.name]


def test_a_second_writer_is_refused_while_a_build_holds_the_store(seeds_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    with writing(store), pytest.raises(StoreError, match="another `kg build`"):
        with writing(store):
            pass


def test_a_read_only_store_directory_gives_a_clear_error(seeds_dir: Path, tmp_path: Path) -> None:
    store = tmp_path / "ro"
    store.mkdir()
    store.chmod(0o555)
    try:
        if (store / "x").parent.stat().st_uid == 0 and __import__("os").geteuid() == 0:
            # root ignores permission bits: use a path under a file instead
            blocker = tmp_path / "file"
            blocker.write_text("")
            store = blocker / "store"
        with pytest.raises(StoreError, match="not writable|Not a directory|store"):
            build([seeds_dir], store=store)
    finally:
        (tmp_path / "ro").chmod(0o755)


@pytest.mark.parametrize("ext", ["ttl", "nt", "nq", "trig", "jsonld"])
def test_build_out_writes_every_format_that_reparses_to_the_same_graph(seeds_dir: Path, tmp_path: Path, ext: str) -> None:
    out = tmp_path / f"graph.{ext}"
    report = build([seeds_dir], out=out)
    assert report.ok and out.stat().st_size > 0
    parsed = ox.Dataset(ox.parse(path=str(out), format=ox.RdfFormat.from_extension(ext)))
    nq = tmp_path / "graph.nq"
    build([seeds_dir], out=nq)
    quads = list(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS))
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    if ext in ("ttl", "nt"):
        assert len(parsed) == len(triples)
    else:
        assert len(parsed) == len(quads)


def test_build_twice_gives_byte_identical_nquads(seeds_dir: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.nq", tmp_path / "b.nq"
    build([seeds_dir], out=a)
    copy = tmp_path / "copy"
    shutil.copytree(seeds_dir, copy)
    build(sorted(copy.glob("*.md"), reverse=True), out=b)
    assert a.read_bytes() == b.read_bytes()


def test_turtle_export_loads_in_oxigraph_with_the_count_kg_query_gives(seed_store: Path, tmp_path: Path) -> None:
    ttl = tmp_path / "export.ttl"
    subprocess.run([KG, "export", "--format", "ttl", "--store", str(seed_store), "-o", str(ttl)], check=True)
    g = rdflib.Graph()
    g.parse(ttl, format="turtle")
    loaded = tmp_path / "ox"
    subprocess.run([OXIGRAPH, "load", "--location", str(loaded), "--file", str(ttl)], check=True, capture_output=True)
    out = subprocess.run([KG, "query", COUNT, "--store", str(seed_store), "--format", "csv"],
                         check=True, capture_output=True, text=True).stdout
    n = int(out.splitlines()[1])
    assert len(g) == n == len(ox.Store(str(loaded)))


def test_same_agent_in_two_articles_is_one_node(seed_store: Path) -> None:
    store = open_read(seed_store)
    rows = list(store.query("""PREFIX ev: <https://w3id.org/chronicon/event#>
        SELECT DISTINCT ?e WHERE { ?e ev:participant <https://w3id.org/chronicon/id/agent/hezbollah> }"""))
    assert len(rows) >= 3


# rdflib 7.6 warns about its own internal use of default_context when querying a Dataset.
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
def test_open_dataset_gives_rdflib_the_store_through_oxrdflib(seed_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rdflib.plugins.sparql.evaluate as evaluate

    from kg.store import open_dataset

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("rdflib's own engine was used")

    monkeypatch.setattr(evaluate, "evalQuery", refuse)
    ds = open_dataset(seed_store)
    n = int(next(iter(ds.query(COUNT)))[0])
    assert n == count(open_read(seed_store))
    graph = rdflib.Graph(ds.store, identifier=rdflib.URIRef("https://w3id.org/chronicon/id/article/2014_Idlib_offensive"))
    assert (None, rdflib.RDFS.label, rdflib.Literal("2014 Idlib offensive")) in graph
