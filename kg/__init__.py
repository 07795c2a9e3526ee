"""Chronicon: articles about events → a knowledge graph you can query."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "build", "extract", "load_article", "open_read"]


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    # The public API, imported lazily so that `import kg` stays cheap for the CLI.
    if name == "build":
        from kg.build import build

        return build
    if name == "extract":
        from kg.extract import extract

        return extract
    if name == "load_article":
        from kg.read import load_article

        return load_article
    if name == "open_read":
        from kg.store import open_read

        return open_read
    raise AttributeError(name)
