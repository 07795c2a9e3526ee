"""serve: the Flask app over the store, and ``kg serve`` (waitress).

``create_app(settings)`` builds the app (STYLE.md habit 1): the store view, the
query worker pool (started on first use, or at once by :func:`run_server`) and
the export cache live in ``app.extensions["kg"]``; blueprints: ``sparql``
(/sparql), ``linked_data`` (/id/..., /ontology, /context.jsonld), ``exports``
(/export.*, /queries), ``pages`` (/, /events; kg/serve/views.py). Every error answers ``{ok, error, status}``.
"""

from __future__ import annotations

import atexit
import logging
import threading
from dataclasses import dataclass, field

from flask import Flask, Response, request

from kg.config import Settings, from_env
from kg.errors import KgError
from kg.serve.errors import register_error_handlers
from kg.serve.exports import ExportCache
from kg.serve.workers import StoreView, WorkerPool

__all__ = ["create_app", "run_server"]

log = logging.getLogger("kg.serve")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",  # public reads; never together with credentials
    "Access-Control-Allow-Methods": "GET, POST, HEAD, OPTIONS",
    # No Authorization: a browser page elsewhere must not be able to send the update token.
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Expose-Headers": "X-Chronicon-Truncated, Retry-After, ETag",
    "Access-Control-Max-Age": "600",
}


@dataclass
class Services:
    """What the views share: settings, the store, the workers, the export cache."""

    settings: Settings
    view: StoreView
    exports: ExportCache = field(default_factory=ExportCache)
    _pool: WorkerPool | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def pool(self) -> WorkerPool:
        """The worker pool, started on first use."""
        with self._lock:
            if self._pool is None:
                self._pool = WorkerPool(self.settings)
            return self._pool

    def close(self) -> None:
        """Stop the workers and remove cached exports."""
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
        self.exports.close()


def create_app(settings: Settings | None = None) -> Flask:
    """The Chronicon web app over ``settings.store`` (defaults, then ``KG_*`` environment).

    :raises StoreError: the store has not been built.
    """
    settings = settings or from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    services = Services(settings, StoreView(settings.store))
    services.view.get()  # fail now, not on the first request, when there is no store
    app.extensions["kg"] = services
    atexit.register(services.close)

    from kg.serve import exports, linked_data, sparql, views

    app.register_blueprint(sparql.bp)
    app.register_blueprint(linked_data.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(views.bp)  # /, /events and the HTML of /id/... (pages for people)
    register_error_handlers(app)

    @app.before_request
    def _preflight() -> Response | None:
        if request.method == "OPTIONS":  # CORS preflight, on every route
            return Response(status=204, headers=CORS_HEADERS)
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if "update" not in request.args and not request.headers.get("Authorization"):
            for name in ("Access-Control-Allow-Origin", "Access-Control-Expose-Headers"):
                response.headers.setdefault(name, CORS_HEADERS[name])
        return response

    @app.get("/health")
    def health() -> Response:
        """Liveness: the store version and how many query workers run."""
        _, version = services.view.get()
        pool = services._pool
        return app.json.response({"ok": True, "version": version,
                                  "workers": pool.alive() if pool else 0, "size": settings.workers})

    return app


def run_server(settings: Settings) -> None:
    """``kg serve``: the app under waitress, with several request threads; with
    ``settings.processes`` > 1, that many such servers on one socket (kg.serve.fronts).

    Threads outnumber the query workers plus their queue, so that pages, exports
    and /health stay answered while every worker is busy (the excess gets 429).
    """
    from waitress import serve

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    options = dict(
        threads=max(8, WorkerPool.capacity_of(settings) + 4), ident="chronicon",
        # Bodies past twice the app's limit are refused by waitress unread; below it, Flask answers
        # 413 in the JSON shape (MAX_CONTENT_LENGTH) without reading the body either.
        max_request_body_size=2 * settings.max_request_bytes + 65536,
        channel_timeout=30, connection_limit=200, clear_untrusted_proxy_headers=True)
    if settings.processes > 1:
        from kg.serve.fronts import serve_forked

        log.info("serving %s on http://%s:%s/ (%d processes, each %d threads and %d query workers, timeout %g s)",
                 settings.store, settings.host, settings.port, settings.processes, options["threads"], settings.workers,
                 settings.timeout)
        serve_forked(settings, options)
        return
    app = serving_app(settings)
    log.info("serving %s on http://%s:%s/ (%d threads, %d query workers, timeout %g s)",
             settings.store, settings.host, settings.port, options["threads"], app.extensions["kg"].pool().size,
             settings.timeout)
    serve(app, host=settings.host, port=settings.port, **options)


def serving_app(settings: Settings) -> Flask:
    """The app of one server process, its query workers started now, not on the first query.

    :raises SystemExit: with the reason, when there is no store to serve.
    """
    try:
        app = create_app(settings)
    except KgError as exc:
        raise SystemExit(f"kg serve: {exc.message}") from None
    app.extensions["kg"].pool()
    return app
