"""The pages for people (issue 6) over HTTP: the query page, /events, and the HTML of events,
agents, places and claims; their CSP, escaping, and the static files they need."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
import requests
from flask import Flask

from kg.config import Settings
from kg.serve import create_app, pages
from kg.serve.pagedata import EventView, Link, SideView
from kg.serve.timeline import ClaimView, Figure

from .conftest import BASE, ROOT, Server

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
IDLIB = "event/2014_idlib_offensive"
EVIL = '</script><script>alert(1)</script>"\'<b onmouseover=x>'


def get(server: Server, path: str, **params: str) -> requests.Response:
    return requests.get(server.url + path, params=params, headers=HTML, timeout=30)


def text_of(html: str) -> str:
    """The visible text of a page, roughly: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- the query page -----------------------------------------------------------------------------

def test_query_page_is_self_contained_with_a_strict_csp(server: Server) -> None:
    r = get(server, "/")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self';" in csp and "unsafe" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce and f'nonce="{nonce.group(1)}"' in r.text  # the editor's <script> carries this response's nonce
    assert get(server, "/").headers["Content-Security-Policy"] != csp  # a fresh nonce every time
    sources = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))], "no CDN, nothing off-site"
    for asset in ("/static/vendor/editor.js", "/static/chronicon.css", "/static/favicon.svg"):
        assert asset in r.text
        assert requests.get(server.url + asset, timeout=30).status_code == 200
    for name in ("events", "event-timeline", "casualties-by-side"):
        assert f'href="/?canned={name}"' in r.text


def test_free_query_shows_rows_links_and_downloads(server: Server) -> None:
    query = "SELECT ?e ?label WHERE { ?e a <https://w3id.org/chronicon/event#Event> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    r = get(server, "/", query=query)
    assert r.status_code == 200
    assert f'href="/id/{IDLIB}"' in r.text  # an IRI under the base links to its page
    downloads = re.findall(r'href="(/sparql\?[^"]+)"', r.text)
    assert {re.search(r"format=(\w+)", unescape(d)).group(1) for d in downloads} == {"json", "xml", "csv", "tsv"}  # type: ignore[union-attr]
    for d in downloads:
        assert requests.get(server.url + unescape(d), timeout=30).status_code == 200


def test_canned_query_with_parameters_as_fields(server: Server) -> None:
    r = get(server, "/", canned="event-timeline", event=BASE + "event/battle_of_waterloo")
    assert r.status_code == 200
    assert 'name="event"' in r.text and 'value="https://w3id.org/chronicon/id/event/battle_of_waterloo"' in r.text
    assert "/id/claim/Battle_of_Waterloo/" in r.text and "2014_Idlib" not in r.text
    assert "/queries/event-timeline?event=" in r.text  # downloads bind the same parameter
    default = get(server, "/", canned="event-timeline")  # the example from the query's header
    assert "/id/claim/2014_Idlib_offensive/" in default.text


@pytest.mark.parametrize(("params", "status"), [
    ({"query": "SELEC * WHERE {"}, 400),
    ({"query": "INSERT DATA { <http://x> <http://y> <http://z> }"}, 403),
    ({"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, 403),
    ({"canned": "event-timeline", "event": "x> } ; DROP ALL ; #"}, 400),
])
def test_query_page_errors_are_shown_in_the_page(server: Server, params: dict[str, str], status: int) -> None:
    r = get(server, "/", **params)
    assert r.status_code == status and r.headers["Content-Type"].startswith("text/html")
    assert 'role="alert"' in r.text and "Traceback" not in r.text


def test_results_escape_hostile_literals_and_link_only_http(server: Server) -> None:
    query = ('SELECT ?x ?y ?z WHERE { BIND("</td><script>alert(1)</script>" AS ?x) '
             'BIND(<javascript:alert(1)> AS ?y) BIND(<https://example.org/a?b=1&c=2> AS ?z) }')
    r = get(server, "/", query=query)
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert 'href="javascript:' not in r.text and "<code>javascript:alert(1)</code>" in r.text
    assert 'href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer"' in r.text


# --- /events --------------------------------------------------------------------------------------

def test_events_overview_counts_and_filters(server: Server) -> None:
    everything = get(server, "/events")
    assert everything.status_code == 200 and "default-src 'none'" in everything.headers["Content-Security-Policy"]
    total = int(re.search(r'id="event-count">(\d+)<', everything.text).group(1))  # type: ignore[union-attr]
    assert total == len(list((ROOT / "seeds").glob("*.md")))
    row = re.search(r'href="/id/event/2014_idlib_offensive">2014 Idlib offensive</a>.*?</tr>', everything.text, re.S)
    assert row and re.findall(r'class="num">(\d+)<', row.group(0)) == ["33", "10", "1"]  # claims, participants, places

    def count(**params: str) -> int:
        r = get(server, "/events", **params)
        assert r.status_code == 200
        return int(re.search(r'id="event-count">(\d+)<', r.text).group(1))  # type: ignore[union-attr]

    in_syria = count(place=BASE + "place/syria")
    assert 0 < in_syria < total
    assert count(place=BASE + "place/syria", year="2014") <= in_syria
    assert count(participant=BASE + "agent/free_syrian_army") >= 2
    assert count(year="1815") == 1
    assert count(year="1000") == 0


@pytest.mark.parametrize("params", [{"place": "x> } UNION { ?s ?p ?o } #"}, {"year": "2014) || true"},
                                    {"participant": "<javascript:alert(1)>"}])
def test_events_filters_are_bound_not_pasted(server: Server, params: dict[str, str]) -> None:
    r = get(server, "/events", **params)
    assert r.status_code == 400 and r.json()["status"] == 400


# --- resource pages -------------------------------------------------------------------------------

def test_event_page_shows_everything_issue_6_lists(server: Server) -> None:
    r = get(server, f"/id/{IDLIB}")
    assert r.status_code == 200 and "script" not in r.headers["Content-Security-Policy"]
    html, text = r.text, text_of(r.text)
    assert "<h1>2014 Idlib offensive</h1>" in html and "<script" not in html
    assert "5 Mar – 25 May 2014" in text and "Rebel advances" in text
    assert re.search(r'Idlib Governorate</a>\s*<span class="sep">›</span>\s*<a href="/id/place/syria">Syria</a>', html)
    assert "Free Syrian Army" in text and "National Defense Force" in text and "Side 2" in text
    assert "Military operations of the Syrian civil war in 2014" in text
    assert 'rel="alternate" type="text/turtle" href="?format=ttl"' in html
    # claims in date order, with source, stance, casualties and disputes
    dates = re.findall(r'<td class="date"><time datetime="([\d-]+)"', html)
    assert dates == sorted(dates, key=lambda d: d.ljust(10, "~")) and len(dates) == 32
    assert "SOHR" in text and "Denied" in text and "at least 18 killed (regular soldiers)" in text
    assert "disputed by" in text and "disputes" in text
    # the timeline: one mark per dated claim, accessible
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)  # type: ignore[union-attr]
    assert svg.count('<g class="mark') == 32 and 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count("<title>") >= 32 and 'class="tl-dispute"' in svg


def test_machine_formats_stay_available(server: Server) -> None:
    r = requests.get(f"{server.url}/id/{IDLIB}", headers={"Accept": "text/turtle"}, timeout=30)
    assert r.headers["Content-Type"] == "text/turtle; charset=utf-8" and "ev:claim" in r.text
    assert requests.get(f"{server.url}/id/{IDLIB}?format=jsonld", timeout=30).headers["Content-Type"].startswith("application/ld+json")


def test_claim_page(server: Server) -> None:
    r = get(server, "/id/claim/2014_Idlib_offensive/21")
    text = text_of(r.text)
    assert r.status_code == 200 and "Claim #21" in text
    assert "Pro-government sources" in text or "pro-government sources" in text.lower()
    assert "Denied" in text and "several wounded" in text
    assert "Disputes" in text and "/id/claim/2014_Idlib_offensive/20" in r.text
    assert f'href="/id/{IDLIB}"' in r.text and "5 May 2014" in text


def test_agent_and_place_pages_list_events_and_claims(server: Server) -> None:
    agent = get(server, "/id/agent/free_syrian_army")
    assert agent.status_code == 200 and "<h1>Free Syrian Army</h1>" in agent.text
    assert f'href="/id/{IDLIB}"' in agent.text and "participant" in agent.text and "side member" in agent.text
    sohr = get(server, "/id/agent/sohr")  # a source: its claims, each with its event
    assert sohr.status_code == 200 and "as source" in text_of(sohr.text)
    assert 'href="/id/claim/2014_Idlib_offensive/2"' in sohr.text
    place = get(server, "/id/place/syria")
    assert place.status_code == 200 and "Idlib Governorate" in place.text and f'href="/id/{IDLIB}"' in place.text
    other = get(server, "/id/side/2014_Idlib_offensive/1")  # any other node: the generic page
    assert other.status_code == 200 and "ev:member" in other.text


# --- rendering hostile data (no store involved) ---------------------------------------------------

@pytest.fixture(scope="module")
def app(seed_store: Path) -> Iterator[Flask]:
    flask_app = create_app(Settings(store=str(seed_store)))
    yield flask_app
    flask_app.extensions["kg"].close()


def test_event_page_escapes_everything(app: Flask) -> None:
    claim = ClaimView(BASE + "claim/x/0", 0, EVIL, "Denied", "2014-03-02", "Explicit", EVIL, EVIL, "javascript:alert(1)",
                      (Figure(None, "Killed", "Dozens", EVIL),), ("javascript:alert(2)",))
    view = EventView(BASE + "event/x", EVIL, "2014-03-01", "2014-04", EVIL, EVIL, [Link("javascript:alert(3)", EVIL)],
                     places=[[Link(BASE + "place/p", EVIL)]], sides=[SideView(BASE + "side/1", EVIL, [(Link("data:x", EVIL), [])])],
                     categories=[Link(BASE + "c", EVIL)], wikidata=["http://www.wikidata.org/entity/Q1"], claims=[claim])
    with app.test_request_context():
        html = pages.event_page(view)
    assert "<script>" not in html and "<b onmouseover" not in html
    assert 'href="javascript:' not in html and 'href="data:' not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_every_static_file_ships_in_the_wheel(tmp_path: Path) -> None:
    """hatch packages kg/ entirely: the templates and the vendored editor are in the wheel."""
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    names = set(zipfile.ZipFile(next(tmp_path.glob("chronicon-*.whl"))).namelist())
    wanted = {f"kg/serve/{p.relative_to(ROOT / 'kg' / 'serve')}" for folder in ("static", "templates")
              for p in (ROOT / "kg" / "serve" / folder).rglob("*") if p.is_file()}
    assert "kg/serve/static/vendor/editor.js" in wanted and "kg/serve/templates/event.html" in wanted
    assert wanted <= names, sorted(wanted - names)
