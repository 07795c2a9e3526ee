"""Exports (``/export.ttl`` ...) and the canned queries (``/queries``, ``/queries/<name>``).

An export is written once per store version and format into a cache file
(through :func:`kg.export.export_from` on the version the request pinned, so a
rebuild mid-export cannot mix two snapshots), then streamed from disk with an
ETag naming the version: HEAD, If-None-Match and Range come with it, and an
export that fails does so before the first byte is sent.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_file

from kg.errors import QueryError
from kg.export import export_from
from kg.formats import rdf_format
from kg.queries import bind_params, get_query, load_queries
from kg.serve import guard, pages
from kg.serve.conneg import HTML, Format, negotiate, offers_for
from kg.serve.errors import NotFound, log
from kg.serve.sparql import answer_response, parse_params
from kg.serve.workers import Job

bp = Blueprint("exports", __name__)

EXPORTS = ("ttl", "nt", "nq", "trig", "jsonld")
JSON = Format("json", ("application/json",), ("json",))


class ExportCache:
    """Export files by (store version, format), in a private temporary directory."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="kg-exports-"))
        self._lock = threading.Lock()

    def path(self, store: object, version: str, fmt: str) -> Path:
        """The export file of ``version`` in ``fmt``, written now if missing."""
        target = self.directory / f"{version or 'v0'}.{fmt}"
        with self._lock:  # one writer at a time; exports are rare and the graph is small
            if not target.exists():
                for old in self.directory.iterdir():
                    if not old.name.startswith(f"{version or 'v0'}."):
                        old.unlink(missing_ok=True)
                tmp = target.with_name(target.name + ".part")
                try:
                    with open(tmp, "wb") as fh:
                        export_from(store, fmt, fh)  # type: ignore[arg-type]
                    os.replace(tmp, target)
                finally:
                    tmp.unlink(missing_ok=True)
        return target

    def close(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


@bp.route("/export.<ext>", methods=["GET"])
def export(ext: str) -> Response:
    """The whole graph as a file: ttl, nt (default graph); nq, trig, jsonld (one graph per article)."""
    if ext not in EXPORTS:
        raise NotFound(f"no export /export.{ext}; there are: " + ", ".join(f"/export.{e}" for e in EXPORTS))
    services = current_app.extensions["kg"]
    store, version = services.view.get()
    fmt = rdf_format(ext)
    path = services.exports.path(store, version, ext)
    # Flask adds "; charset=utf-8" to text/* types itself.
    mimetype = fmt.media_type if fmt.media_type.startswith("text/") else f"{fmt.media_type}; charset=utf-8"
    response = send_file(path, mimetype=mimetype, as_attachment=True,
                         download_name=f"chronicon{fmt.extension}", etag=f"{version}-{ext}", conditional=True,
                         max_age=0)
    response.headers["Cache-Control"] = "no-cache"  # revalidate: the ETag changes with every build
    return response


@bp.route("/queries", methods=["GET"])
def list_queries() -> Response:
    """The canned queries with their header comments: JSON, or HTML for browsers."""
    queries = load_queries()
    fmt = negotiate(request.headers.get("Accept"), (JSON, HTML), format_param=request.args.get("format"))
    if fmt is HTML:
        response = Response(pages.queries_page(queries.values()), content_type=HTML.content_type)
        response.headers["Content-Security-Policy"] = pages.CSP
    else:
        response = current_app.json.response({"queries": [
            {"name": q.name, "title": q.title, "description": q.description, "url": f"/queries/{q.name}",
             "params": [{"name": p.name, "kind": p.kind, "help": p.help} for p in q.params]}
            for q in queries.values()
        ]})
    response.headers["Vary"] = "Accept"
    return response


@bp.route("/queries/<name>", methods=["GET"])
def run_canned(name: str) -> Response:
    """Run one canned query; query-string values are bound as RDF terms, never pasted into the text."""
    services = current_app.extensions["kg"]
    canned = get_query(name)  # 404 for an unknown name
    values: dict[str, str] = {}
    fmt_param = None
    for key, value in parse_params(request.environ.get("QUERY_STRING", "")):
        if key == "format":
            fmt_param = value
        elif key in values:
            raise QueryError(f"give one value for {key!r}")
        else:
            values[key] = value
    bind_params(canned, values)  # 400 now, before a worker is taken
    checked = guard.check_query(canned.text, allow_service=services.settings.allow_service)
    fmt = negotiate(request.headers.get("Accept"), offers_for(checked.form), format_param=fmt_param)
    log.debug("canned query %s with %s", name, sorted(values))
    return answer_response(services.pool().run(Job(text=canned.text, fmt=fmt.name, canned=canned, params=values)),
                           fmt.content_type)
