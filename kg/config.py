"""Settings: one frozen record, from defaults, then ``KG_*`` environment, then options.

This is the only module that reads the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any

from kg.vocab import DEFAULT_BASE


@dataclass(frozen=True)
class Settings:
    store: str = "data/store"  # the on-disk store directory
    base: str = DEFAULT_BASE  # base IRI of minted instance IRIs
    host: str = "127.0.0.1"
    port: int = 5000
    timeout: float = 30.0  # seconds a query may run before its worker is killed
    max_rows: int = 10_000  # result rows returned before the answer is cut (and says so)
    workers: int = 2  # query worker processes
    processes: int = 1  # server processes sharing the port (kg serve --processes): one core each
    queue: int = 32  # requests that may wait for a busy worker (each at most `timeout` s) before 429
    memory_mb: int = 2048  # address-space limit of each query worker
    max_request_bytes: int = 1024 * 1024
    allow_update: bool = False
    update_token: str | None = None
    allow_service: tuple[str, ...] = ()  # SERVICE endpoints the operator allows
    link: bool = False  # link to Wikidata while building (kg build --link)
    wikidata_endpoint: str | None = None  # SPARQL endpoint with Wikidata's data model
    wikidata_dump: str | None = None  # or a local extract file
    wikidata_cache: str | None = None  # cache of endpoint answers [default: ~/.cache/chronicon/wikidata]
    link_threshold: float = 0.6  # score below which nothing is linked

    def with_options(self, **options: Any) -> Settings:
        """These settings with the options that were given (None means not given)."""
        return replace(self, **{k: v for k, v in options.items() if v is not None})


def from_env(environ: dict[str, str] | None = None) -> Settings:
    """Settings with every ``KG_<NAME>`` variable of the environment applied."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = environ.get(f"KG_{f.name.upper()}")
        if raw is None:
            continue
        default = getattr(Settings, f.name, None)
        if isinstance(default, bool):
            values[f.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
        elif isinstance(default, int):
            values[f.name] = int(raw)
        elif isinstance(default, float):
            values[f.name] = float(raw)
        elif isinstance(default, tuple):
            values[f.name] = tuple(x for x in raw.split() if x)
        else:
            values[f.name] = raw
    return Settings(**values)
