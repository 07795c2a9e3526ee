"""link: our events, agents and places → Wikidata items, in a named graph of their own.

:func:`link_graph` reads every ``ev:Event``, ``ev:Agent`` and ``ev:Place`` of a
store's default graph with its context (chain of ``ev:locatedIn``, the events it
belongs to, their spans, places and larger conflicts), asks a
:class:`~kg.link.sources.Source` for candidates (:mod:`kg.link.candidates`),
weighs them (:mod:`kg.link.evidence`) in two passes — the second one knowing the
first one's links, so "Idlib" can lean on "Syria" — and returns the links graph
as N-Triples lines plus one report row per decision.

The links graph (``{base}graph/wikidata``) holds, for each link::

    <node> owl:sameAs wd:Q… .
    <{base}link/<hash>> a ev:Link ; ev:linkOf <node> ; ev:linkTarget wd:Q… ;
        ev:linkScore 0.95 ; ev:linkEvidence "…" , "…" ; rdfs:label "Idlib → wd:Q504657 (Idlib)" .

Nodes that turn out to be the same item ("Khan Shaykhun" and "Khan Shaykhoun"; the
place "Syria" and the agent "Syrian Arab Republic") are tied through that item only:
both get ``owl:sameAs wd:Q…`` (which entails their identity for an OWL reasoner), and
no ``owl:sameAs`` is written between our own nodes: the shapes (``ontology/shapes.ttl``)
keep ``owl:sameAs`` on agents and places for Wikidata items. The report's ``same_as``
column names the other nodes of the same item ("(other kind)" where the kinds differ).

:func:`link_store` writes that graph into a new version of an on-disk store,
replacing the previous links graph wholesale.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.link.candidates import fuzzy_pattern, match, variants
from kg.link.evidence import DEFAULT_THRESHOLD, Candidate, Decision, NodeContext, World, decide, span_of, years_in
from kg.link.sources import WD, DumpSource, EndpointSource, Facts, Source, SourceError, open_source, qid
from kg.vocab import EV, PREFIXES

__all__ = [
    "DEFAULT_THRESHOLD", "DumpSource", "EndpointSource", "LinkResult", "Source", "SourceError", "link_graph",
    "link_store", "links_graph_iri", "open_source", "source_for", "write_report",
]

OWL_SAME_AS = PREFIXES["owl"] + "sameAs"
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
XSD_DECIMAL = PREFIXES["xsd"] + "decimal"
KINDS = ("Event", "Agent", "Place")
REPORT_FIELDS = ["label", "kind", "node", "qid", "wikidata_label", "score", "decision", "evidence", "candidates", "same_as"]

_Q = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + "\n"


def links_graph_iri(base: str) -> str:
    """The named graph that holds the Wikidata links: ``{base}graph/wikidata``."""
    return f"{base}graph/wikidata"


@dataclass
class LinkResult:
    lines: list[str]  # N-Triples lines of the links graph, sorted
    rows: list[dict[str, str]]  # one report row per node
    source: str  # what was asked
    notes: list[str]  # anything the run gave up on

    @property
    def linked(self) -> int:
        return sum(1 for r in self.rows if r["decision"] == "linked")


def source_for(settings: Any) -> Source:
    """The source that :class:`~kg.config.Settings` name (``wikidata_endpoint`` / ``wikidata_dump``)."""
    return open_source(settings.wikidata_endpoint, settings.wikidata_dump,
                       cache_dir=getattr(settings, "wikidata_cache", None))


# --- reading our graph -------------------------------------------------------------


def _select(store: ox.Store, query: str) -> list[dict[str, str]]:
    result = store.query(_Q + query)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: sol[n].value for n in names if sol[n] is not None} for sol in result]  # type: ignore[union-attr]


def read_nodes(store: ox.Store) -> dict[str, NodeContext]:
    """Every event, agent and place of the default graph, with its context."""
    nodes: dict[str, NodeContext] = {}
    for r in _select(store, """SELECT ?x ?k ?l WHERE { VALUES ?k { ev:Event ev:Agent ev:Place }
            ?x a ?k ; rdfs:label ?l } ORDER BY ?x ?l"""):
        kind = r["k"].rsplit("#", 1)[1]
        node = nodes.setdefault(r["x"], NodeContext(r["x"], kind, []))
        if kind != node.kind and node.kind != "Place":
            node.kind = kind  # typed twice: a place wins (its evidence is the most specific)
        if r["l"] not in node.labels:
            node.labels.append(r["l"])
    located: dict[str, list[str]] = defaultdict(list)
    for r in _select(store, "SELECT ?x ?y WHERE { ?x ev:locatedIn ?y } ORDER BY ?x ?y"):
        located[r["x"]].append(r["y"])
    for iri, node in nodes.items():
        seen: list[str] = []
        todo = list(located.get(iri, []))
        while todo:
            p = todo.pop(0)
            if p not in seen and p != iri:
                seen.append(p)
                todo.extend(located.get(p, []))
        node.chain = seen
    own: dict[str, list] = defaultdict(list)
    for r in _select(store, "SELECT ?e ?s ?t WHERE { ?e a ev:Event . OPTIONAL { ?e ev:startDate ?s } "
                            "OPTIONAL { ?e ev:endDate ?t } }"):
        s = span_of(r.get("s"), r.get("t"))
        if s is not None and r.get("s") and not r.get("t"):
            s = (s[0], float("inf"))  # started, not ended: ongoing
        if s:
            own[r["e"]].append(s)
    members: dict[str, set[str]] = defaultdict(set)
    for r in _select(store, """SELECT DISTINCT ?e ?x WHERE { ?e a ev:Event .
            { ?e ev:place ?x } UNION { ?e ev:participant ?x } UNION { ?e ev:side/ev:member ?x }
            UNION { ?e ev:claim/ev:mentions ?x } UNION { ?e ev:claim/ev:source ?x } UNION { ?e ev:partOf ?x }
            UNION { ?e ev:place/ev:locatedIn+ ?x } UNION { ?e ev:claim/ev:mentions/ev:locatedIn+ ?x } }"""):
        members[r["e"]].add(r["x"])
    places: dict[str, set[str]] = defaultdict(set)
    for r in _select(store, "SELECT DISTINCT ?e ?x WHERE { ?e a ev:Event . { ?e ev:place ?x } UNION "
                            "{ ?e ev:place/ev:locatedIn+ ?x } }"):
        places[r["e"]].add(r["x"])
    parents: dict[str, list[str]] = defaultdict(list)
    for r in _select(store, "SELECT ?e ?p WHERE { ?e ev:partOf ?p } ORDER BY ?e ?p"):
        parents[r["e"]].append(r["p"])
    for e, xs in members.items():
        for x in xs | {e}:
            if x in nodes:
                nodes[x].events.add(e)
    for iri, node in nodes.items():
        for e in node.events:
            node.context_places |= places.get(e, set())
            node.company |= members.get(e, set()) | {e}
        if node.kind == "Event":
            node.spans = list(own.get(iri, []))
            if not node.spans:
                label_years = [s for s in (years_in(label) for label in node.labels) if s]
                node.spans = label_years
            node.span_is_own = bool(node.spans)
            node.part_of = parents.get(iri, [])
            node.children_spans = [s for child, ps in parents.items() if iri in ps for s in own.get(child, [])]
        else:
            node.spans = [s for e in sorted(node.events) for s in own.get(e, [])]
    return nodes


# --- linking ----------------------------------------------------------------------------


def _candidates(nodes: dict[str, NodeContext], source: Source, notes: list[str]) -> dict[str, list[Candidate]]:
    wanted: dict[str, list[tuple[str, str]]] = defaultdict(list)  # variant text → [(node, our label)]
    for node in nodes.values():
        for label in node.labels:
            for v in variants(label, polity=node.kind != "Event"):
                wanted[v].append((node.iri, label))
    found: dict[str, dict[str, Candidate]] = defaultdict(dict)

    def consider(node_iri: str, label: str, text: str, item: str, how: str) -> None:
        m = match(label, text, is_alias=how == "alias")
        if m is None:
            return
        q = qid(item)
        old = found[node_iri].get(q)
        if old is None or m.weight > old.match.weight:
            found[node_iri][q] = Candidate(Facts(q), m, label)

    for row in source.lookup(wanted):
        if not row.get("item", "").startswith(WD):
            continue
        for node_iri, label in wanted.get(row["text"], []):
            consider(node_iri, label, row["text"], row["item"], row.get("how", "label"))
    # a fuzzy search for the nodes no exact form found
    lonely = [n for n in nodes.values() if not found.get(n.iri)]
    patterns: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for node in lonely:
        for label in node.labels:
            p = fuzzy_pattern(label)
            if p:
                patterns[r"\b" + p].append((node.iri, label))
    if patterns:
        rows = source.search(patterns)
        if source.search_failed:
            notes.append(source.search_failed)
        compiled = [(re.compile(p, re.I), pairs) for p, pairs in patterns.items()]
        for row in rows:
            if row.get("item", "").startswith(WD):
                for regex, pairs in compiled:
                    if regex.search(row["text"]):
                        for node_iri, label in pairs:
                            consider(node_iri, label, row["text"], row["item"], row.get("how", "label"))
    return {iri: list(c.values()) for iri, c in found.items()}


def _decide_all(nodes: dict[str, NodeContext], cands: dict[str, list[Candidate]], world: World,
                threshold: float) -> dict[str, Decision]:
    out = {}
    for iri in sorted(nodes):
        fresh = [Candidate(c.facts, c.match, c.ours) for c in cands.get(iri, [])]
        out[iri] = decide(nodes[iri], fresh, world, threshold)
    return out


def _world(nodes: dict[str, NodeContext], decisions: dict[str, Decision] | None) -> World:
    world = World(labels={iri: n.label for iri, n in nodes.items()})
    for iri, node in nodes.items():
        world.texts[iri] = list(node.labels)
    for iri, d in (decisions or {}).items():
        if d.chosen is not None:
            world.links[iri] = d.chosen.facts.qid
            f = d.chosen.facts
            world.texts[iri] = [*nodes[iri].labels, *([f.label] if f.label else []), *f.aliases]
    return world


def link_graph(store: ox.Store, source: Source, settings: Any = None, *, threshold: float | None = None,
               base: str | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """Link every event, agent and place of ``store``'s default graph.

    :param settings: a :class:`~kg.config.Settings` (base IRI, link threshold), or None for defaults.
    :returns: the links graph as sorted N-Triples lines, and one report row per node.
    """
    result = link(store, source, settings, threshold=threshold, base=base)
    return result.lines, result.rows


def link(store: ox.Store, source: Source, settings: Any = None, *, threshold: float | None = None,
         base: str | None = None) -> LinkResult:
    """:func:`link_graph`, with what was asked and what was given up on."""
    from kg.vocab import DEFAULT_BASE

    base = base or getattr(settings, "base", None) or DEFAULT_BASE
    if threshold is None:
        threshold = getattr(settings, "link_threshold", None)
    threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    notes: list[str] = []
    nodes = read_nodes(store)
    cands = _candidates(nodes, source, notes)
    facts = source.facts({c.facts.qid for cs in cands.values() for c in cs})
    for cs in cands.values():
        for c in cs:
            c.facts = facts.get(c.facts.qid, c.facts)
    first = _decide_all(nodes, cands, _world(nodes, None), threshold)
    final = _decide_all(nodes, cands, _world(nodes, first), threshold)
    lines = _lines(final, base)
    rows = _rows(final, nodes)
    return LinkResult(lines, rows, source.describe() if hasattr(source, "describe") else source.name, notes)


def _nt_literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _same_kind_groups(decisions: dict[str, Decision]) -> dict[tuple[str, str], list[str]]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for iri, d in decisions.items():
        if d.chosen is not None:
            groups[(d.node.kind, d.chosen.facts.qid)].append(iri)
    return {k: sorted(v) for k, v in groups.items() if len(v) > 1}


def _lines(decisions: dict[str, Decision], base: str) -> list[str]:
    out: set[str] = set()
    for iri, d in decisions.items():
        c = d.chosen
        if c is None:
            continue
        target = WD + c.facts.qid
        link_iri = f"{base}link/{hashlib.sha1(f'{iri} {target}'.encode()).hexdigest()[:16]}"
        out.add(f"<{iri}> <{OWL_SAME_AS}> <{target}> .\n")
        out.add(f"<{link_iri}> <{RDF_TYPE}> <{EV.Link}> .\n")
        out.add(f"<{link_iri}> <{EV.linkOf}> <{iri}> .\n")
        out.add(f"<{link_iri}> <{EV.linkTarget}> <{target}> .\n")
        out.add(f'<{link_iri}> <{EV.linkScore}> "{c.score:.2f}"^^<{XSD_DECIMAL}> .\n')
        name = c.facts.label or c.match.text
        out.add(f"<{link_iri}> <{RDFS_LABEL}> {_nt_literal(f'{d.node.label} → wd:{c.facts.qid} ({name})')} .\n")
        for weight, why in c.evidence:
            out.add(f"<{link_iri}> <{EV.linkEvidence}> {_nt_literal(f'{why} ({weight:+.2f})')} .\n")
    return sorted(out)


def _rows(decisions: dict[str, Decision], nodes: dict[str, NodeContext]) -> list[dict[str, str]]:
    groups = _same_kind_groups(decisions)
    by_qid: dict[str, list[str]] = defaultdict(list)
    for iri, d in decisions.items():
        if d.chosen is not None:
            by_qid[d.chosen.facts.qid].append(iri)
    rows = []
    for iri in sorted(decisions, key=lambda i: (nodes[i].kind, nodes[i].label.casefold(), i)):
        d = decisions[iri]
        c = d.chosen
        others = ""
        if c is not None:
            same = [o for o in by_qid[c.facts.qid] if o != iri]
            tied = set(groups.get((d.node.kind, c.facts.qid), []))
            others = " ".join(f"{o}{'' if o in tied else ' (other kind)'}" for o in sorted(same))
        rows.append({
            "label": " | ".join(d.node.labels),
            "kind": d.node.kind,
            "node": iri,
            "qid": c.facts.qid if c else "",
            "wikidata_label": (c.facts.label or c.match.text) if c else "",
            "score": f"{c.score:.2f}" if c else (f"{d.candidates[0].score:.2f}" if d.candidates else ""),
            "decision": "linked" if c else "not linked",
            "evidence": c.summary() if c else d.reason,
            "candidates": "; ".join(f"{x.facts.qid} {x.facts.label or x.match.text!r} {x.raw:.2f}" for x in d.candidates[:5]),
            "same_as": others,
        })
    return rows


def write_report(rows: Iterable[dict[str, str]], path: str | Path) -> None:
    """The decisions as CSV (one row per node; see ``REPORT_FIELDS``)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=REPORT_FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    tmp.replace(path)


def link_store(store_dir: str | Path, source: Source, settings: Any = None, *, threshold: float | None = None,
               base: str | None = None) -> LinkResult:
    """Link the current version of an on-disk store and write the links graph into a new version.

    The previous links graph is replaced wholesale (:meth:`kg.store.Writer.replace_graph`), so
    the default graph stays the union of the named graphs.
    """
    from kg.store import open_read, writing
    from kg.vocab import DEFAULT_BASE

    base = base or getattr(settings, "base", None) or DEFAULT_BASE
    reader = open_read(store_dir)
    result = link(reader, source, settings, threshold=threshold, base=base)
    del reader
    with writing(store_dir) as writer:
        graph = ox.NamedNode(links_graph_iri(base))
        writer.replace_graph(graph, quads_of(result.lines, graph))
        writer.manifest.update({k: v for k, v in _previous_manifest(store_dir).items() if k != "wikidata"})
        writer.manifest["wikidata"] = {"source": result.source, "links": result.linked}
    return result


def _previous_manifest(store_dir: str | Path) -> dict[str, Any]:
    from kg.store import read_manifest

    return read_manifest(store_dir)


def quads_of(lines: list[str], graph: ox.NamedNode) -> list[ox.Quad]:
    """N-Triples lines → quads in ``graph``."""
    triples = ox.parse("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


class BuildLinker:
    """``kg build --link``: links the graph a build writes, into the store and/or the --out file.

    With a store, the links are made against the new version's default graph (every
    article, the unchanged ones included) and replace the links graph wholesale; the
    file gets the same lines. Without one, :meth:`watch` keeps the triples of the chunks
    that pass on their way to the file, and the links are made against those.
    """

    def __init__(self, settings: Any, base: str, source: Source | None = None) -> None:
        self.settings = settings
        self.base = base
        self.source = source
        self.memory: ox.Store | None = None
        self.result: LinkResult | None = None

    def _source(self) -> Source:
        if self.source is None:
            self.source = source_for(self.settings)
        return self.source

    def watch(self, chunks: Iterable[Any]) -> Iterable[Any]:
        """Pass the chunks on, keeping their triples in an in-memory default graph."""
        self.memory = ox.Store()
        for chunk in chunks:
            if chunk.ntriples:
                self.memory.bulk_load(chunk.ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph(),
                                      lenient=True)
            yield chunk

    def into_store(self, writer: Any) -> LinkResult:
        """Link against the version being written and replace its links graph."""
        self.result = link(writer.store, self._source(), self.settings, base=self.base)
        graph = ox.NamedNode(links_graph_iri(self.base))
        writer.replace_graph(graph, quads_of(self.result.lines, graph))
        return self.result

    def into_sink(self, sink: Any) -> LinkResult:
        """Add the links graph to the --out file (linking the watched triples if no store did)."""
        if self.result is None:
            self.result = link(self.memory if self.memory is not None else ox.Store(), self._source(), self.settings,
                               base=self.base)
        graph = links_graph_iri(self.base)
        lines = self.result.lines
        sink.add(_Lines(nquads="".join(line[:-2] + f"<{graph}> .\n" for line in lines).encode("utf-8"),
                        ntriples="".join(lines).encode("utf-8")))
        return self.result


@dataclass
class _Lines:
    nquads: bytes
    ntriples: bytes
