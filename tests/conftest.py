"""Fixtures shared across the test packages. Add yours with a small edit; keep each one documented.

* ``bundled_graph_path`` / ``bundled_graph``: the bundled plan built once per session.
* ``client``: a TestClient of ``create_app`` serving that graph (lifespan run, SPARQL workers up).
* ``oxigraph_server``: a real Oxigraph server (PyPI ``oxigraph``) holding the same graph.
* ``require_system_dependency(what)``: skip, or fail under POLICYKG_REQUIRE_SYSTEM_DEPS=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from tests.support import free_port, require_system_dependency  # noqa: F401 (shared with test modules)

# CI runs every property test with a fixed seed, so a red build is reproducible; developers get
# fresh examples on every run (and hypothesis replays any failure it found before).
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(scope="session")
def bundled_graph_path(tmp_path_factory) -> Path:
    """The bundled plan (巨政发〔2023〕5号) built with loaders.build.build_graph, saved as Turtle."""
    from kg.graph import save_graph
    from loaders.build import build_graph
    from loaders.data import BUNDLED_PLAN

    return save_graph(build_graph([BUNDLED_PLAN]).graph, tmp_path_factory.mktemp("bundled") / "kg.ttl")


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
def oxigraph_server(tmp_path_factory, bundled_graph) -> Iterator[str]:
    """The query URL (``http://127.0.0.1:PORT/query``) of an Oxigraph server holding the bundled graph.

    The graph is loaded through RemoteStore.replace_graph (Graph Store Protocol), as
    ``policykg build --endpoint`` does.
    """
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).is_file():
        require_system_dependency("the oxigraph server (pip install oxigraph)")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                    pytest.fail(f"oxigraph server did not start: {err[-500:]}")
                time.sleep(0.1)
        from queries.store import RemoteStore

        RemoteStore(base + "/query").replace_graph(bundled_graph)
        yield base + "/query"
    finally:
        proc.kill()
        proc.wait(timeout=10)
