"""Chronicon's errors. Each carries the HTTP status it maps to, so the CLI and
the web app report every failure the same way (one line, or one JSON body)."""

from __future__ import annotations


class KgError(Exception):
    """Base of every error Chronicon raises on purpose."""

    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ArticleError(KgError):
    """An article that cannot be read: names the file, the line where known, and what is wrong."""

    status = 422

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
        self.reason = message


class ExtractionError(KgError):
    status = 422


class StoreError(KgError):
    status = 503


class QueryError(KgError):
    """A query that is malformed or refused before it reaches an engine."""

    status = 400


class QueryNotFound(KgError):
    status = 404


class UnsupportedFormat(KgError):
    status = 406
