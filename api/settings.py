"""The one settings table of the two front doors (``policykg`` commands and the web app).

Each default is written here once; the CLI's options and their help read them from :data:`DEFAULTS`,
the web app and the SPARQL endpoint take them from the :class:`Settings` they are given. Every field
can be set by an environment variable ``POLICYKG_<FIELD>`` (e.g. POLICYKG_PORT=9000). Settings are read
at the edges and passed down as plain values: there is no module-level instance of the environment's
settings (call :func:`get_settings`, or build ``Settings(...)`` in tests).

Defaults an algorithm was tuned with (the plan-diff and alignment thresholds) stay beside the
algorithm (:mod:`loaders.plan_diff`, :mod:`queries.linking.align`); the commands read them there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Where the data is, where the server listens, and the SPARQL endpoint's limits."""

    graph_paths: tuple[Path, ...] = (Path("build/kg.ttl"),)  # graph files read when there is no store
    store_dir: Path = Path("build/store")  # where build/add/remove write; read when it holds a store
    store_path: Path | None = None  # a store to serve or query instead of store_dir
    store: str = "oxigraph"  # rdflib store graph files are parsed into: oxigraph | memory
    endpoint: str | None = None  # a remote SPARQL 1.1 endpoint instead of a local graph
    update_endpoint: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    query_timeout: float = 10.0  # seconds a /sparql query may run; past it it is stopped
    max_rows: int = 10_000  # rows a /sparql answer returns at most
    max_query_bytes: int = 100_000  # the longest query text /sparql accepts
    query_workers: int = 2  # SPARQL worker processes, i.e. queries answered at once
    worker_memory_mb: int | None = None  # each worker's memory cap; 0 = none; None = twice its data, ≥ +1 GiB


DEFAULTS = Settings()


def _parse(name: str, kind: str, raw: str) -> object:
    if name == "graph_paths":
        return tuple(Path(p) for p in raw.split(os.pathsep) if p)
    if kind.endswith("| None") and raw == "":
        return None
    base = kind.removesuffix(" | None")
    return {"int": int, "float": float, "Path": Path}.get(base, str)(raw)


def settings_from_env(env: dict[str, str]) -> Settings:
    """Return the settings ``POLICYKG_<FIELD>`` variables in ``env`` give, the defaults elsewhere.

    Example:
        >>> settings_from_env({"POLICYKG_PORT": "9000", "POLICYKG_WORKER_MEMORY_MB": ""}).port
        9000
    """
    kwargs = {f.name: _parse(f.name, str(f.type), env[f"POLICYKG_{f.name.upper()}"])
              for f in fields(Settings) if f"POLICYKG_{f.name.upper()}" in env}
    return Settings(**kwargs)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the settings from the environment (cached for the process)."""
    return settings_from_env(dict(os.environ))
