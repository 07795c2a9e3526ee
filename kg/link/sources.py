"""sources: one interface over the two places Wikidata's data can come from.

* :class:`EndpointSource` — any SPARQL 1.1 endpoint with Wikidata's data model
  (``https://query.wikidata.org/sparql`` by default): form POSTs with a descriptive
  User-Agent, backoff on 429 and 5xx that honours ``Retry-After``, and an on-disk
  cache keyed by endpoint and query text, so a re-run asks nothing twice.
* :class:`DumpSource` — a local extract (N-Triples, Turtle...) in Wikidata's model,
  loaded into an in-memory pyoxigraph store.

Both answer :meth:`Source.select` for the same SPARQL text; everything the linker
asks (:meth:`Source.lookup`, :meth:`Source.search`, :meth:`Source.facts`) is
written once, here, as SPARQL, and goes through that one method.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg import __version__
from kg.errors import KgError

WIKIDATA_ENDPOINT = "https://query.wikidata.org/sparql"
USER_AGENT = (f"Chronicon/{__version__} (https://w3id.org/chronicon; entity linker for a knowledge graph of "
              "event articles) python-urllib")
WD = "http://www.wikidata.org/entity/"
PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <http://schema.org/>
"""
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

Row = dict[str, str]


class SourceError(KgError):
    """The Wikidata source could not answer (after retries)."""

    status = 502


def qid(iri: str) -> str:
    """``http://www.wikidata.org/entity/Q42`` → ``Q42`` (anything else unchanged)."""
    return iri[len(WD):] if iri.startswith(WD) else iri


def _literal(text: str, lang: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"@{lang}'


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


@dataclass
class Facts:
    """What the linker weighs about one item."""

    qid: str
    label: str | None = None
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    classes: list[str] = field(default_factory=list)  # labels of P31 classes
    superclasses: list[str] = field(default_factory=list)  # labels of their P279+ superclasses
    located: set[str] = field(default_factory=set)  # QIDs via P17 / P131 (transitively)
    part_of: set[str] = field(default_factory=set)  # QIDs via P361 (transitively)
    dates: dict[str, list[str]] = field(default_factory=dict)  # P580/P582/P585/P571/P576 → ISO dates
    has_coordinates: bool = False


class Source:
    """A Wikidata-shaped SPARQL source. Subclasses implement :meth:`select` only."""

    name = "source"

    def __init__(self, languages: Sequence[str] = ("en",), batch: int = 60) -> None:
        self.languages = tuple(languages) or ("en",)
        self.batch = batch
        self.search_failed: str | None = None  # why fuzzy search was given up, if it was

    def select(self, query: str) -> list[Row]:
        """Rows of a SELECT query (variable → lexical value; unbound variables absent)."""
        raise NotImplementedError

    def _lang_filter(self, var: str) -> str:
        langs = ", ".join(f'"{lang}"' for lang in self.languages)
        return f"LANG({var}) IN ({langs})"

    def lookup(self, texts: Iterable[str]) -> list[Row]:
        """Items whose label or alias is exactly one of ``texts`` (in any of the languages).

        Rows: ``text`` (as matched), ``item`` (IRI), ``how`` ("label" or "alias").
        """
        unique = sorted({t for t in texts if t.strip()})
        rows: list[Row] = []
        for chunk in _chunks(unique, self.batch):
            values = " ".join(_literal(t, lang) for t in chunk for lang in self.languages)
            rows += self.select(PREFIXES + f"""SELECT ?text ?item ?how WHERE {{
  VALUES ?text {{ {values} }}
  {{ ?item rdfs:label ?text . BIND("label" AS ?how) }} UNION {{ ?item skos:altLabel ?text . BIND("alias" AS ?how) }}
}}""")
        return rows

    def search(self, patterns: Iterable[str], limit: int = 3000) -> list[Row]:
        """Items whose label or alias matches one of the regular expressions (case-insensitive).

        A scan of every label: fine on an extract or a local endpoint, too slow for the whole of
        Wikidata, where it fails and is then given up for the run (``search_failed`` says why).
        """
        unique = sorted(set(patterns))
        rows: list[Row] = []
        if self.search_failed:
            return rows
        for chunk in _chunks(unique, 20):
            regex = "|".join(f"(?:{p})" for p in chunk).replace("\\", "\\\\").replace('"', '\\"')
            query = PREFIXES + f"""SELECT ?text ?item ?how WHERE {{
  {{ ?item rdfs:label ?text . BIND("label" AS ?how) }} UNION {{ ?item skos:altLabel ?text . BIND("alias" AS ?how) }}
  FILTER({self._lang_filter("?text")} && REGEX(STR(?text), "{regex}", "i"))
}} LIMIT {limit}"""
            try:
                rows += self.select(query)
            except (SourceError, SyntaxError, ValueError, OSError) as exc:
                self.search_failed = f"fuzzy label search failed and was given up: {exc}"
                break
        return rows

    def facts(self, qids: Iterable[str]) -> dict[str, Facts]:
        """Labels, aliases, descriptions, classes, location, larger whole and dates of these items."""
        ids = sorted({q for q in qids if q.startswith("Q") and q[1:].isdigit()})
        out = {q: Facts(q) for q in ids}
        for chunk in _chunks(ids, self.batch):
            values = " ".join(f"wd:{q}" for q in chunk)
            texts = self.select(PREFIXES + f"""SELECT ?item ?p ?v WHERE {{
  VALUES ?item {{ {values} }}
  {{ ?item rdfs:label ?v . BIND("label" AS ?p) FILTER({self._lang_filter("?v")}) }}
  UNION {{ ?item skos:altLabel ?v . BIND("alias" AS ?p) FILTER({self._lang_filter("?v")}) }}
  UNION {{ ?item schema:description ?v . BIND("description" AS ?p) FILTER({self._lang_filter("?v")}) }}
  UNION {{ ?item wdt:P31 ?c . ?c rdfs:label ?v . BIND("class" AS ?p) FILTER({self._lang_filter("?v")}) }}
  UNION {{ ?item wdt:P31/wdt:P279+ ?c . ?c rdfs:label ?v . BIND("superclass" AS ?p) FILTER({self._lang_filter("?v")}) }}
  UNION {{ ?item (wdt:P17|wdt:P131)+ ?v . BIND("located" AS ?p) }}
  UNION {{ ?item wdt:P361+ ?v . BIND("partOf" AS ?p) }}
  UNION {{ ?item wdt:P580 ?v . BIND("P580" AS ?p) }} UNION {{ ?item wdt:P582 ?v . BIND("P582" AS ?p) }}
  UNION {{ ?item wdt:P585 ?v . BIND("P585" AS ?p) }} UNION {{ ?item wdt:P571 ?v . BIND("P571" AS ?p) }}
  UNION {{ ?item wdt:P576 ?v . BIND("P576" AS ?p) }} UNION {{ ?item wdt:P625 ?v . BIND("P625" AS ?p) }}
}}""")
            for row in texts:
                f = out.get(qid(row.get("item", "")))
                if f is None or "v" not in row:
                    continue
                p, v = row["p"], row["v"]
                if p == "label":
                    f.label = f.label or v
                elif p == "alias":
                    f.aliases.append(v)
                elif p == "description":
                    f.description = f.description or v
                elif p == "class":
                    f.classes.append(v)
                elif p == "superclass":
                    f.superclasses.append(v)
                elif p == "located":
                    f.located.add(qid(v))
                elif p == "partOf":
                    f.part_of.add(qid(v))
                elif p == "P625":
                    f.has_coordinates = True
                else:
                    f.dates.setdefault(p, []).append(v[:10] if not v.startswith("-") else v[:11])
        for f in out.values():
            f.aliases.sort()
            f.classes = sorted(set(f.classes))
            f.superclasses = sorted(set(f.superclasses))
            for v in f.dates.values():
                v.sort()
        return out


class DumpSource(Source):
    """A local extract in Wikidata's model, queried in memory with the same SPARQL."""

    name = "dump"

    def __init__(self, path: str | Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = Path(path)
        self.store = ox.Store()
        try:
            fmt = ox.RdfFormat.from_extension(self.path.suffix.lstrip(".") or "nt") or ox.RdfFormat.N_TRIPLES
            self.store.bulk_load(path=str(self.path), format=fmt)
        except (OSError, SyntaxError, ValueError) as exc:
            raise SourceError(f"{self.path}: cannot load the Wikidata extract ({exc})") from None

    def describe(self) -> str:
        return f"extract {self.path}"

    def select(self, query: str) -> list[Row]:
        result = self.store.query(query)
        names = [v.value for v in result.variables]  # type: ignore[union-attr]
        return [{n: sol[n].value for n in names if sol[n] is not None} for sol in result]  # type: ignore[union-attr]


class EndpointSource(Source):
    """A SPARQL 1.1 endpoint over HTTP, with a cache on disk and polite retries."""

    name = "endpoint"

    def __init__(
        self,
        url: str = WIKIDATA_ENDPOINT,
        *,
        cache_dir: str | Path | None = None,
        user_agent: str = USER_AGENT,
        timeout: float = 70.0,
        retries: int = 5,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.user_agent = user_agent
        self.timeout = timeout
        self.retries = retries
        self.max_wait = max_wait
        self.sleep = sleep
        self.requests = 0  # HTTP requests made (cache hits make none)
        self.cache_hits = 0

    def describe(self) -> str:
        return f"endpoint {self.url}"

    def _cache_path(self, query: str) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(f"{self.url}\n{query}".encode()).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.json"

    def select(self, query: str) -> list[Row]:
        path = self._cache_path(query)
        if path is not None and path.is_file():
            try:
                rows = json.loads(path.read_text(encoding="utf-8"))
                self.cache_hits += 1
                return list(rows)
            except ValueError:
                pass  # a torn cache file: ask again
        rows = self._parse(self._post(query))
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        return rows

    def _post(self, query: str) -> bytes:
        body = urllib.parse.urlencode({"query": query}).encode("utf-8")
        headers = {"User-Agent": self.user_agent, "Accept": "application/sparql-results+json",
                   "Content-Type": "application/x-www-form-urlencoded"}
        delay = 1.0
        last = ""
        for attempt in range(self.retries + 1):
            self.requests += 1
            request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - the operator's URL
                    return bytes(response.read())
            except urllib.error.HTTPError as exc:
                detail = exc.read()[:300].decode("utf-8", "replace").strip()
                last = f"HTTP {exc.code} from {self.url}: {detail}"
                if exc.code not in RETRY_STATUSES or attempt == self.retries:
                    raise SourceError(last) from None
                wait = _retry_after(exc.headers.get("Retry-After"))
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                last = f"{self.url}: {getattr(exc, 'reason', exc)}"
                if attempt == self.retries:
                    raise SourceError(last) from None
                wait = None
            self.sleep(min(self.max_wait, wait if wait is not None else delay))
            delay *= 2
        raise SourceError(last)  # pragma: no cover - the loop returns or raises

    @staticmethod
    def _parse(payload: bytes) -> list[Row]:
        try:
            data = json.loads(payload)
            return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceError(f"the endpoint's answer is not SPARQL JSON results ({exc})") from None


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def default_cache_dir() -> Path:
    """Where endpoint answers are cached when nothing else is said."""
    return Path.home() / ".cache" / "chronicon" / "wikidata"


def open_source(endpoint: str | None = None, dump: str | None = None, *, cache_dir: str | Path | None = None,
                languages: Sequence[str] = ("en",)) -> Source:
    """The source the settings name: a dump file if given, else the endpoint (Wikidata's by default)."""
    if endpoint and dump:
        raise KgError("give a Wikidata endpoint or a dump file, not both")
    if dump:
        if not Path(dump).is_file():
            raise KgError(f"{dump}: no such Wikidata extract file")
        return DumpSource(dump, languages=languages)
    return EndpointSource(endpoint or WIKIDATA_ENDPOINT, cache_dir=cache_dir if cache_dir is not None else default_cache_dir(),
                          languages=languages)
