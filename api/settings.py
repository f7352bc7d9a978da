"""Settings read at the edges (CLI, API app factory) and passed down as plain arguments.

Every field can be set by an environment variable ``POLICYKG_<FIELD>`` (e.g. POLICYKG_PORT=9000).
There is no module-level instance: call get_settings(), or build Settings(...) in tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    graph_paths: tuple[Path, ...] = (Path("build/kg.ttl"),)
    store_path: Path | None = None  # a policykg store (policykg build); when set, served instead of graph_paths
    store: str = "oxigraph"  # oxigraph | memory
    endpoint: str | None = None  # a remote SPARQL 1.1 endpoint instead of a local graph
    update_endpoint: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    query_timeout: float = 10.0  # seconds; a query past it is stopped
    max_rows: int = 10_000  # rows a /sparql answer returns at most
    max_query_bytes: int = 100_000
    extra: dict[str, str] = field(default_factory=dict)


def _from_env(env: dict[str, str]) -> Settings:
    kwargs: dict[str, object] = {}
    for f in fields(Settings):
        raw = env.get(f"POLICYKG_{f.name.upper()}")
        if raw is None or f.name == "extra":
            continue
        if f.name == "graph_paths":
            kwargs[f.name] = tuple(Path(p) for p in raw.split(os.pathsep) if p)
        elif f.name == "store_path":
            kwargs[f.name] = Path(raw) if raw else None
        elif f.type in ("int",):
            kwargs[f.name] = int(raw)
        elif f.type in ("float",):
            kwargs[f.name] = float(raw)
        else:
            kwargs[f.name] = raw
    return Settings(**kwargs)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the settings from the environment (cached for the process)."""
    return _from_env(dict(os.environ))
