"""In-process checks of the app factory: never rdflib's engine, the token-gated writer path."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kg.config import Settings
from kg.serve import create_app, workers
from kg.store import current_version

WATERLOO = "https://w3id.org/chronicon/id/event/battle_of_waterloo"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture
def app_with(request: pytest.FixtureRequest) -> Iterator[type]:
    """Build apps and stop their workers at teardown."""
    apps: list[Flask] = []

    class Make:
        @staticmethod
        def __call__(settings: Settings) -> Flask:
            app = create_app(settings)
            apps.append(app)
            return app

    yield Make
    for app in apps:
        app.extensions["kg"].close()


def test_create_app_defaults(seed_store: Path) -> None:
    app = create_app(Settings(store=str(seed_store)))
    try:
        assert app.config["MAX_CONTENT_LENGTH"] == Settings().max_request_bytes
        assert app.extensions["kg"].settings.allow_update is False
        assert {bp for bp in app.blueprints} == {"sparql", "linked_data", "exports", "pages"}
    finally:
        app.extensions["kg"].close()


def test_rdflib_engine_is_never_used(seed_store: Path, monkeypatch: pytest.MonkeyPatch, app_with: type) -> None:
    """rdflib's evalQuery raises: every public query path still answers (THREATS B14)."""
    import rdflib.plugins.sparql.evaluate as evaluate

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("rdflib's SPARQL engine was called")

    monkeypatch.setattr(evaluate, "evalQuery", forbidden)
    monkeypatch.setattr(workers, "START_METHOD", "fork")  # the workers inherit the patch
    client = app_with()(Settings(store=str(seed_store), memory_mb=8192)).test_client()
    for query in ["SELECT * { ?s ?p ?o } LIMIT 5", f"ASK {{ <{WATERLOO}> ?p ?o }}",
                  "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5", f"DESCRIBE <{WATERLOO}>"]:
        r = client.get("/sparql", query_string={"query": query})
        assert r.status_code == 200, (query, r.data)
    assert client.get("/queries/events", headers=JSON).status_code == 200
    assert client.get("/id/event/battle_of_waterloo").status_code == 200
    with client.get("/export.ttl") as r:  # a streamed file: close it
        assert r.status_code == 200


@pytest.fixture
def writable(fresh_store: Path, app_with: type) -> Flask:
    settings = Settings(store=str(fresh_store), allow_update=True, update_token="s3cret", timeout=20)
    return app_with()(settings)  # type: ignore[no-any-return]


G = "https://w3id.org/chronicon/id/article/Battle_of_Waterloo"
INSERT = f'INSERT DATA {{ GRAPH <{G}> {{ <{WATERLOO}> <http://example.org/note> "added" }} }}'
ASK_ADDED = f'ASK {{ <{WATERLOO}> <http://example.org/note> "added" }}'


def test_update_needs_the_token(writable: Flask) -> None:
    client = writable.test_client()
    assert client.post("/sparql", data={"update": INSERT}).status_code == 403
    assert client.post("/sparql", data={"update": INSERT}, headers={"Authorization": "Bearer wrong"}).status_code == 403
    r = client.post("/sparql", data={"update": "LOAD <file:///etc/hostname>"}, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 403


def test_update_writes_a_new_version_and_keeps_the_union(writable: Flask, fresh_store: Path) -> None:
    client = writable.test_client()
    auth = {"Authorization": "Bearer s3cret"}
    before = current_version(fresh_store)
    r = client.post("/sparql", data=INSERT.encode(), headers={**auth, "Content-Type": "application/sparql-update"})
    assert r.status_code == 200, r.data
    assert r.headers.get("Access-Control-Allow-Origin") is None  # no CORS on the authenticated write
    after = current_version(fresh_store)
    assert after != before
    assert client.get("/sparql", query_string={"query": ASK_ADDED}, headers=JSON).json["boolean"] is True
    # Writing the default graph alone would break "default = union of the article graphs": refused, nothing published.
    r = client.post("/sparql", data={"update": f'INSERT DATA {{ <{WATERLOO}> <http://example.org/note> "loose" }}'}, headers=auth)
    assert r.status_code == 400 and current_version(fresh_store) == after
    r = client.post("/sparql", data={"update": INSERT.replace("INSERT", "DELETE")}, headers=auth)
    assert r.status_code == 200
    assert client.get("/sparql", query_string={"query": ASK_ADDED}, headers=JSON).json["boolean"] is False


def test_a_worker_that_died_idle_is_replaced_without_an_error(seed_store: Path) -> None:
    pool = workers.WorkerPool(Settings(store=str(seed_store), workers=1, memory_mb=8192))
    try:
        assert pool.run(workers.Job("ASK {}", "json")).status == 200
        (victim,) = list(pool._all)
        os.kill(victim.process.pid, signal.SIGKILL)  # dies while idle, as the OOM killer would do it
        victim.process.join(5)
        answer = pool.run(workers.Job("ASK {}", "json"))
        assert answer.status == 200 and pool.alive() == 1
    finally:
        pool.close()


def test_form_body_must_be_utf8(seed_store: Path, app_with: type) -> None:
    client = app_with()(Settings(store=str(seed_store))).test_client()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert client.post("/sparql", data=b"query=ASK%20%7B%7D%20%23\xe9", headers=form).status_code == 400
    assert client.post("/sparql", data=b"query=ASK%20%7B%7D%20%23%FF", headers=form).status_code == 400
    assert client.post("/sparql", data="query=ASK {} #é".encode(), headers={**form, **JSON}).status_code == 200
