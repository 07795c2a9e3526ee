"""One JSON error shape for every failure the web app reports: ``{"ok": false, "error", "status"}``.

KgError subclasses carry their status (kg/errors.py); werkzeug's HTTPExceptions
(404 for an unknown path, 405 with its Allow header, 413 from MAX_CONTENT_LENGTH)
are turned into the same shape. Anything else is a 500 with a generic message:
the traceback goes to the log, never to the client (THREATS D28).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from kg.errors import KgError

log = logging.getLogger("kg.serve")


class Refused(KgError):
    """A request the endpoint will not run: an update, LOAD, SERVICE, a wrong token."""

    status = 403


class NotFound(KgError):
    status = 404


class UnsupportedMediaType(KgError):
    status = 415


class UriTooLong(KgError):
    status = 414


class TooBusy(KgError):
    """Every worker is busy and the waiting queue is full (admission control)."""

    status = 429

    def __init__(self, message: str, retry_after: int = 2) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(KgError):
    """The query ran past its deadline (its worker was killed), or no worker came free in time."""

    status = 503

    def __init__(self, message: str, retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WorkerCrashed(KgError):
    """The worker died while running the query (memory limit, engine crash)."""

    status = 500


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The one error body, with the status it names."""
    response = jsonify({"ok": False, "error": message, "status": status})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    """Make every error of ``app`` answer with :func:`error_response`."""

    @app.errorhandler(KgError)
    def _kg_error(exc: KgError) -> Response:
        headers: dict[str, str] = {}
        retry_after: Any = getattr(exc, "retry_after", None)
        if retry_after is not None:
            headers["Retry-After"] = str(int(retry_after))
        if exc.status >= 500:
            log.warning("%s: %s", type(exc).__name__, exc.message)
        return error_response(exc.status, exc.message, headers)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        # Keep the headers werkzeug adds on purpose (Allow on a 405), not its HTML body.
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return error_response(status, exc.description or exc.name, headers)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error")
        return error_response(500, "internal error; the server log has the details")
