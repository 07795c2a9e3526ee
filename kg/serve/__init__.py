"""serve: the Flask app over the store (filled in by the endpoint work)."""

from __future__ import annotations

from kg.config import Settings


def run_server(settings: Settings) -> None:
    raise NotImplementedError("kg serve is being built")
