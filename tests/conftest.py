"""Fixtures shared across the test packages. Add yours with a small edit; keep each one documented.

* ``bundled_graph_path`` / ``bundled_graph``: the bundled plan built once per session.
* ``client``: a TestClient of ``create_app`` serving that graph (lifespan run, SPARQL workers up).
* ``oxigraph_server``: a real Oxigraph server (PyPI ``oxigraph``) holding the same graph.
* ``served_builds``: the bundled plan built by ``policykg build --store … --endpoint …`` into a
  local store, Virtuoso and an Oxigraph server (one server each per session, one load each).
* ``require_system_dependency(what)``: skip, or fail under POLICYKG_REQUIRE_SYSTEM_DEPS=1.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from tests.support import (  # noqa: F401 (shared with test modules)
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    require_system_dependency,
    running_oxigraph,
    running_virtuoso,
)

# CI runs every property test with a fixed seed, so a red build is reproducible; developers get
# fresh examples on every run (and hypothesis replays any failure it found before).
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


def pytest_addoption(parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/data/expected/*.ttl from the current build (review the diff like code)")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def bundled_graph_path(tmp_path_factory) -> Path:
    """The bundled plan (巨政发〔2023〕5号) built with loaders.build.build_graph, with its tallies
    (kg.aggregates, as `policykg build` writes them), saved as Turtle."""
    from kg.aggregates import materialize_aggregates
    from kg.graph import save_graph
    from loaders.build import build_graph
    from loaders.data import BUNDLED_PLAN

    g = build_graph([BUNDLED_PLAN]).graph
    materialize_aggregates(g)
    return save_graph(g, tmp_path_factory.mktemp("bundled") / "kg.ttl")


@pytest.fixture(scope="session")
def bundled_graph(bundled_graph_path):
    """The bundled plan's graph in-process (rdflib over Oxigraph, as the API serves it)."""
    from kg.graph import load_graph

    return load_graph(bundled_graph_path)


@pytest.fixture(scope="session")
def api_settings(bundled_graph_path):
    """Settings serving the bundled graph, with a 2 s query time limit so limit tests stay quick."""
    from kg.settings import Settings

    return Settings(graph_paths=(bundled_graph_path,), query_timeout=2.0)


@pytest.fixture(scope="session")
def client(api_settings) -> Iterator:
    """A TestClient of the whole application over the bundled graph (embedded store)."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    with TestClient(create_app(api_settings)) as c:
        yield c


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory, bundled_graph_path) -> Iterator[str]:
    """The query URL (``http://127.0.0.1:PORT/query``) of an Oxigraph server holding the bundled graph.

    The graph file is loaded into the server's default graph in batches of SPARQL Update, as
    ``policykg build --endpoint`` loads a store's graphs.
    """
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph")) as url:
        from kg.remote_load import load_file_into_server
        from kg.remote_store import RemoteStore

        load_file_into_server(RemoteStore(url), bundled_graph_path)
        yield url


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory) -> Iterator[str]:
    """The SPARQL URL of an empty Virtuoso (Debian virtuoso-opensource) that accepts updates."""
    with running_virtuoso(tmp_path_factory.mktemp("virtuoso")) as url:
        yield url


@pytest.fixture(scope="session")
def union_oxigraph_server(tmp_path_factory) -> Iterator[str]:
    """The query URL of an empty Oxigraph server whose default graph is the union of its named graphs."""
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-union"), union_default_graph=True) as url:
        yield url


@pytest.fixture(scope="session")
def served_builds(tmp_path_factory, virtuoso_server, union_oxigraph_server) -> dict[str, object]:
    """The bundled plan built as a user would, ``policykg build --store DIR --endpoint URL``, once into
    Virtuoso and once into the Oxigraph server: ``{"store": DIR, "virtuoso": URL, "oxigraph": URL,
    "stderr": {server: what build printed}}``."""
    import subprocess
    import sys

    store = tmp_path_factory.mktemp("served") / "store"
    cli = [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())"]
    built: dict[str, object] = {"store": store, "virtuoso": virtuoso_server, "oxigraph": union_oxigraph_server,
                                "stderr": {}}
    for server in ("virtuoso", "oxigraph"):
        run = subprocess.run([*cli, "build", "--store", str(store), "--endpoint", str(built[server]), "--no-validate"],
                             capture_output=True, text=True, timeout=300,
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
        assert run.returncode == 0, run.stderr[-2000:]
        built["stderr"][server] = run.stderr  # type: ignore[index]
    return built


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium; skipped (failed under POLICYKG_REQUIRE_SYSTEM_DEPS=1) when missing."""
    if not CHROMIUM.is_file():
        require_system_dependency(f"{CHROMIUM} (Debian package 'chromium'; make system-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def bundled_iris(bundled_graph) -> dict[str, str]:
    """IRIs of a few things of the bundled plan, found by what they are rather than how IRIs are spelt:
    the plan, its task 5, a deadline of task 5, its domain 1, 县财政局, its function and the plan's place."""
    from queries.runner import run_text

    rows, _ = run_text(bundled_graph, """SELECT ?doc ?task ?deadline ?domain ?org ?function ?place WHERE {
        ?doc dcterms:identifier "巨政发〔2023〕5号" ; pk:jurisdiction ?place .
        ?task pk:inDocument ?doc ; pk:taskNumber 5 ; pk:hasDeadline ?deadline .
        ?domain pk:inDocument ?doc ; pk:domainNumber 1 .
        ?org skos:prefLabel "县财政局"@zh ; pk:governmentFunction ?function } LIMIT 1""")
    return rows[0]
