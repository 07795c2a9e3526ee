"""The one namespace module: the ``ev:`` vocabulary, prefixes, and where the ontology lives.

``EV`` mirrors ``ontology/event.ttl`` term for term and is closed (``_fail = True``):
a typo such as ``EV.startdate`` raises ``AttributeError`` instead of minting an IRI
no query will ever match. ``tests/test_ontology.py`` keeps the two sets equal, so a
term is added here and in the ontology in the same commit (STYLE.md, habit 7).

Every other module gets its terms and prefixes from here; none spells an
``https://w3id.org/chronicon/event#`` IRI by hand.
"""

from __future__ import annotations

from pathlib import Path

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = [
    "DEFAULT_BASE",
    "EV",
    "ONTOLOGY_IRI",
    "PREFIXES",
    "ev_terms",
    "ontology_path",
    "queries_dir",
    "shapes_path",
    "sparql_prefixes",
]

ONTOLOGY_IRI = URIRef("https://w3id.org/chronicon/event")


class EV(DefinedNamespace):
    """Chronicon event vocabulary (``ev:``), as declared in ``ontology/event.ttl``.

    ``ev:None`` (the date kind of an undated claim) is not a Python identifier:
    reach it as ``EV["None"]``. The mapper never emits it (an undated claim has
    no ``ev:dateKind``), but the ontology defines it so the enumeration is complete.
    """

    _fail = True
    _NS = Namespace("https://w3id.org/chronicon/event#")

    # --- classes --------------------------------------------------------------
    Event: URIRef  # something that happened: a battle, an offensive, a war
    Agent: URIRef  # a person or group that takes part or is a source
    Place: URIRef  # a named place
    Claim: URIRef  # one clause of an article's narrative
    Side: URIRef  # one belligerent side of an event
    Casualties: URIRef  # one casualty figure of a claim
    Article: URIRef  # the article file an event and its claims come from
    DateKind: URIRef  # how a claim's date was found
    Stance: URIRef  # how a claim is put forward
    Qualifier: URIRef  # how exact a casualty figure is
    CasualtyKind: URIRef  # what happened to the people counted

    # --- datatype -------------------------------------------------------------
    CalendarDate: URIRef  # xsd:date | xsd:gYearMonth | xsd:gYear

    # --- event ----------------------------------------------------------------
    startDate: URIRef
    endDate: URIRef
    place: URIRef
    partOf: URIRef
    side: URIRef
    participant: URIRef
    claim: URIRef
    summary: URIRef

    # --- side, agent, place ---------------------------------------------------
    member: URIRef
    memberOf: URIRef
    role: URIRef
    locatedIn: URIRef

    # --- claim ----------------------------------------------------------------
    text: URIRef
    position: URIRef
    section: URIRef
    date: URIRef
    dateKind: URIRef
    source: URIRef
    stance: URIRef
    mentions: URIRef
    casualties: URIRef
    disputes: URIRef

    # --- casualties -----------------------------------------------------------
    count: URIRef
    qualifier: URIRef
    kind: URIRef
    who: URIRef

    # --- article --------------------------------------------------------------
    file: URIRef
    image: URIRef

    # --- Wikidata links (kg link) ---------------------------------------------
    Link: URIRef  # one owl:sameAs link with its score and evidence
    linkOf: URIRef
    linkTarget: URIRef
    linkScore: URIRef
    linkEvidence: URIRef

    # --- individuals ----------------------------------------------------------
    Explicit: URIRef  # ev:DateKind
    Relative: URIRef
    Inherited: URIRef
    # ev:None is listed in _extras below: "None" cannot be an annotation name.
    Asserted: URIRef  # ev:Stance
    Reported: URIRef
    Claimed: URIRef
    Denied: URIRef
    Exact: URIRef  # ev:Qualifier
    AtLeast: URIRef
    About: URIRef
    Tens: URIRef
    Dozens: URIRef
    Several: URIRef
    Killed: URIRef  # ev:CasualtyKind
    Wounded: URIRef
    KilledAndWounded: URIRef
    Captured: URIRef
    Missing: URIRef

    _extras = ["None"]


def ev_terms() -> frozenset[URIRef]:
    """Every IRI that ``EV`` defines, ``ev:None`` included."""
    names = [n for n in EV.__annotations__ if not n.startswith("_")] + list(EV._extras)
    return frozenset(EV[name] for name in names)


PREFIXES: dict[str, str] = {
    "ev": str(EV._NS),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "sh": "http://www.w3.org/ns/shacl#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
}


def sparql_prefixes() -> str:
    """The ``PREFIX`` lines of a SPARQL query for every prefix in :data:`PREFIXES`."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


# The ontology files sit outside the package in a source checkout (DESIGN.md
# layout: ontology/ at the repository root) and inside it, as kg/_data/ontology/,
# in a wheel (pyproject force-include). The installed location is tried first so
# an installed kg never reads a stray checkout's copy.
_PACKAGE_DIR = Path(__file__).resolve().parent
_ONTOLOGY_DIRS = (_PACKAGE_DIR / "_data" / "ontology", _PACKAGE_DIR.parent / "ontology")


def _data_file(name: str) -> Path:
    for directory in _ONTOLOGY_DIRS:
        candidate = directory / name
        if candidate.is_file():
            return candidate
    tried = ", ".join(str(d / name) for d in _ONTOLOGY_DIRS)
    raise FileNotFoundError(f"{name} not found; looked at {tried}")


def ontology_path() -> Path:
    """The path of ``event.ttl``, the OWL ontology.

    :returns: the installed copy (``kg/_data/ontology/``) if there is one, else the
        source checkout's ``ontology/event.ttl``.
    :raises FileNotFoundError: if neither exists.
    """
    return _data_file("event.ttl")


def shapes_path() -> Path:
    """The path of ``shapes.ttl``, the SHACL shapes (found as :func:`ontology_path`).

    :raises FileNotFoundError: if neither location holds it.
    """
    return _data_file("shapes.ttl")


# Instance IRIs live under a base that `--base` sets (docs/DESIGN.md).
DEFAULT_BASE = "https://w3id.org/chronicon/id/"


def queries_dir() -> Path:
    """The folder of canned queries: ``kg/_data/queries`` in a wheel, ``queries/`` in a checkout."""
    for directory in (_PACKAGE_DIR / "_data" / "queries", _PACKAGE_DIR.parent / "queries"):
        if directory.is_dir():
            return directory
    raise FileNotFoundError(
        f"no queries folder; looked at {_PACKAGE_DIR / '_data' / 'queries'} and {_PACKAGE_DIR.parent / 'queries'}"
    )
