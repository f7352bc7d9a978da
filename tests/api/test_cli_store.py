"""The store as an analyst uses it, command by command: build → serve → query with SPARQLWrapper,
add and remove while a server keeps answering, and one-line errors."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support import free_port

CLI = [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())"]
LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"
PLANS = ("prefix-brackets.txt", "suffix-style.txt", "division-line.txt")
EXTRA = "responsible-only.txt"
DOCS = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a pk:PolicyDocument }"


def policykg(*args: object, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=300, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": os.getcwd(), **(env or {})})


def generations(store: Path) -> set[str]:
    return {p.name for p in store.iterdir() if p.is_dir() and not p.is_symlink()}


def count_documents(url: str) -> int:
    from SPARQLWrapper import JSON, SPARQLWrapper

    sw = SPARQLWrapper(url)
    sw.setReturnFormat(JSON)
    sw.setQuery("PREFIX pk: <https://w3id.org/policykg/ontology#> " + DOCS)
    return int(sw.queryAndConvert()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("plans")
    for name in (*PLANS, EXTRA):
        shutil.copy(LAYOUTS / name, folder / name)
    return folder


@pytest.fixture
def served(plans, tmp_path):
    """A store of three plans, built by `policykg build`, served by `policykg serve`."""
    store = tmp_path / "store"
    built = policykg("build", *(plans / p for p in PLANS), "--store", store, "--jobs", "2")
    assert built.returncode == 0, built.stderr
    assert f"built {store}: 3 document(s)" in built.stdout and "validation:" in built.stderr
    port = free_port()
    proc = subprocess.Popen([*CLI, "serve", "--store", str(store), "--port", str(port), "--workers", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/sparql"
    deadline = time.monotonic() + 90
    while True:
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=5)
            break
        except httpx.TransportError:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
    yield store, url, proc
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)


def test_build_serve_add_remove(served, plans):
    store, url, proc = served
    assert count_documents(url) == 3
    opened = generations(store)

    added = policykg("add", plans / EXTRA, "--store", store)
    assert added.returncode == 0, added.stderr
    assert f"added 1 plan(s) to {store}: 4 document(s)" in added.stdout
    # The running server keeps answering from the generation it opened, which is kept for it.
    assert count_documents(url) == 3 and opened <= generations(store)
    query = policykg("query", "--format", "json", DOCS, env={"POLICYKG_STORE_PATH": str(store)})
    assert query.returncode == 0 and '"n": 4' in query.stdout, query.stderr

    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    removed = policykg("remove", "prefix-brackets.txt", "--store", store)
    assert removed.returncode == 0, removed.stderr
    assert "3 document(s)" in removed.stdout
    assert len(generations(store)) == 1, "old generations are removed once nobody reads them"

    unknown = policykg("remove", "no-such-plan.txt", "--store", store)
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    assert unknown.stderr.count("\n") == 1 and "no document 'no-such-plan.txt'" in unknown.stderr


def test_store_errors_are_one_line(plans, tmp_path):
    for args, message in [(("add", plans / EXTRA, "--store", tmp_path / "none"), "no store"),
                          (("serve", "--store", tmp_path / "none"), "no policykg store"),
                          (("add", tmp_path / "missing.txt", "--store", tmp_path / "none"), "no such file")]:
        p = policykg(*args)
        assert p.returncode == 1 and message in p.stderr and "Traceback" not in p.stderr, p.stderr
        assert p.stderr.count("\n") == 1


def test_out_alone_writes_only_the_file(plans, tmp_path):
    p = policykg("build", plans / PLANS[0], "--out", "kg.trig", "--quiet", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "kg.trig").stat().st_size > 1000 and not (tmp_path / "build").exists()
    assert "built kg.trig: 1 document(s)" in p.stdout
