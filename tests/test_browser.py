"""The pages for people in a real browser: Debian's headless Chromium driven by Playwright.

The server is the live ``kg serve`` of conftest (127.0.0.1, a free port). Every
request the browser makes is recorded and must stay on that origin (the page has
no CDN and no network at run time); console errors (a CSP violation is one) fail
the test. Writes tests/artifacts/event-page.png. In CI (``CI=true``) a missing
Chromium or Playwright is a failure; elsewhere the tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from .conftest import ARTIFACTS, BASE, Server

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
IDLIB = BASE + "event/2014_idlib_offensive"
EV = "https://w3id.org/chronicon/event#"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests must run in CI: {reason} (.ci/deps-browser.sh installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium from Debian's package (never a downloaded one)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class Tab:
    """A page with everything it requested and every console error, for the checks at the end."""

    page: Any
    origin: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def check(self) -> None:
        """No request left the server's origin, and the console stayed clean."""
        foreign = [u for u in self.requests if not u.startswith(self.origin + "/")]
        assert not foreign, f"requests left {self.origin}: {foreign}"
        assert not self.errors, f"console errors: {self.errors}"


@pytest.fixture
def tab(browser: Any, server: Server) -> Iterator[Tab]:
    """A fresh browser context on the live server; anything not for the server is recorded, then refused."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    page.set_default_timeout(15_000)
    t = Tab(page, server.url)
    page.on("request", lambda r: t.requests.append(r.url))
    page.on("console", lambda m: t.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: t.errors.append(f"uncaught: {e}"))
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url + "/") else route.abort())
    yield t
    context.close()


def _sparql(server: Server, query: str) -> list[dict[str, Any]]:
    r = requests.get(server.sparql, params={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=30)
    r.raise_for_status()
    rows: list[dict[str, Any]] = r.json()["results"]["bindings"]
    return rows


def test_canned_query_to_event_page_with_its_timeline(tab: Tab, server: Server) -> None:
    """Run a canned query from the query page, see its rows, follow a result to an event page, check the timeline."""
    page = tab.page
    page.goto(server.url + "/")
    page.wait_for_selector(".cm-editor")  # the editor came up (its bundle loaded under the CSP)
    page.get_by_role("link", name="All events").click()
    page.wait_for_selector("table.results-table tbody tr")
    events = _sparql(server, f"SELECT ?e WHERE {{ ?e a <{EV}Event> ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?a }}")
    assert page.locator("table.results-table tbody tr").count() == len(events)
    assert page.locator("#row-count").inner_text() == str(len(events))
    downloads = {a.inner_text(): a.get_attribute("href") for a in page.locator(".downloads a").all()}
    assert set(downloads) == {"JSON", "XML", "CSV", "TSV"}
    assert requests.get(server.url + downloads["CSV"], timeout=30).headers["Content-Type"].startswith("text/csv")

    page.locator('table.results-table a[href="/id/event/2014_idlib_offensive"]').first.click()
    page.wait_for_selector("svg.timeline")
    assert page.url == server.url + "/id/event/2014_idlib_offensive"
    assert page.locator("h1").inner_text() == "2014 Idlib offensive"
    dated = _sparql(server, f"SELECT ?c WHERE {{ <{IDLIB}> <{EV}claim> ?c . ?c <{EV}date> ?d }}")
    claims = _sparql(server, f"SELECT ?c WHERE {{ <{IDLIB}> <{EV}claim> ?c }}")
    assert page.locator("svg.timeline g.mark").count() == len(dated) > 0
    assert page.locator("table.claims tbody tr").count() == len(claims)
    marked = {g.get_attribute("data-claim") for g in page.locator("svg.timeline g.mark").all()}
    assert marked == {r["c"]["value"] for r in dated}
    assert page.locator("svg.timeline").get_attribute("role") == "img"
    assert page.locator("svg.timeline path.tl-dispute").count() >= 1  # claim 21 disputes 20, 28 disputes 27
    page.locator("svg.timeline a").first.click()  # a mark leads to its row in the table
    assert page.url.split("#")[1].startswith("claim-")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(server.url + "/id/event/2014_idlib_offensive")
    page.screenshot(path=str(ARTIFACTS / "event-page.png"), full_page=True)
    tab.check()


def test_editor_runs_a_typed_query_and_completes_prefixes(tab: Tab, server: Server) -> None:
    """Type into the CodeMirror editor (with a completion), run it with Ctrl-Enter, get the rows."""
    page = tab.page
    page.goto(server.url + "/")
    editor = page.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type("PREFIX e")
    page.wait_for_selector(".cm-tooltip-autocomplete")
    page.locator(".cm-tooltip-autocomplete li", has_text="ev:").first.click()
    page.keyboard.type("\nSELECT ?p WHERE { ?p a ev:Pla")
    page.wait_for_selector(".cm-tooltip-autocomplete")  # ontology terms are offered after "ev:"
    # Finish the word by hand: which option is highlighted at the moment a key lands
    # depends on timing under load, and the test is about being offered terms.
    page.keyboard.type("ce")
    page.keyboard.press("Escape")
    page.keyboard.type(" } ORDER BY ?p")
    assert "PREFIX ev: <https://w3id.org/chronicon/event#>" in page.locator("textarea#query").input_value()
    assert page.locator(".cm-content .cm-line").first.locator("span").count() > 0  # highlighted tokens
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    places = _sparql(server, f"SELECT ?p WHERE {{ ?p a <{EV}Place> }}")
    assert page.locator("table.results-table tbody tr").count() == len(places) > 0
    tab.check()


def test_events_overview_filters_and_pages_follow(tab: Tab, server: Server) -> None:
    """Filter /events by place in the browser; follow an agent and a claim page."""
    page = tab.page
    page.goto(server.url + "/events")
    total = int(page.locator("#event-count").inner_text())
    page.locator("select[name=place]").select_option(value=BASE + "place/syria")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/events?*")
    in_syria = int(page.locator("#event-count").inner_text())
    assert 0 < in_syria < total
    page.locator("table.events a", has_text="2014 Idlib offensive").click()
    page.locator(".side a", has_text="Free Syrian Army").first.click()
    assert page.locator("h1").inner_text() == "Free Syrian Army"
    assert page.locator("table.events a", has_text="2014 Idlib offensive").count() == 1
    tab.check()
