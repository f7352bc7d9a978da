"""Helpers the test modules import (conftest files are for fixtures; importing them by name is fragile)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def require_system_dependency(what: str) -> None:
    """Skip the calling test because ``what`` is missing — or fail it where CI requires it."""
    message = f"{what} is not available"
    if os.environ.get("POLICYKG_REQUIRE_SYSTEM_DEPS") == "1":
        pytest.fail(message + " (POLICYKG_REQUIRE_SYSTEM_DEPS=1)")
    pytest.skip(message)


def assert_error(response, status: int) -> str:
    """Check ``response`` is the one JSON error shape with ``status``; return its message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"ok", "error", "status"} and body["ok"] is False and body["status"] == status
    return body["error"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    """The ``oxigraph`` server from PyPI (in the venv's bin), or skip/fail as for any system dependency."""
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).is_file():
        require_system_dependency("the oxigraph server (pip install oxigraph)")
    return binary


@contextmanager
def running_oxigraph(location: Path, *, read_only: bool = False, union_default_graph: bool = False) -> Iterator[str]:
    """Run a real Oxigraph server on 127.0.0.1 over ``location``; yield its query URL, then stop it.

    ``union_default_graph``: queries read the union of the named graphs, as policykg's own store
    does (how a store loaded by ``policykg build --endpoint`` is served).
    """
    port = free_port()
    command = "serve-read-only" if read_only else "serve"
    args = [oxigraph_binary(), command, "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(args + (["--union-default-graph"] if union_default_graph else []),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait_for_sparql(url, proc, "oxigraph server")
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=10)


def _wait_for_sparql(url: str, proc: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).read()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr and proc.poll() is not None else ""
                pytest.fail(f"{what} did not start: {err[-500:]}")
            time.sleep(0.1)


VIRTUOSO = "virtuoso-t"  # Debian's virtuoso-opensource (make system-deps installs it)
_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


@contextmanager
def running_virtuoso(directory: Path) -> Iterator[str]:
    """Run Virtuoso (Debian's virtuoso-opensource) on free 127.0.0.1 ports with its database in
    ``directory``; yield its SPARQL URL (``http://127.0.0.1:PORT/sparql``), updates allowed there.

    What a deployment needs for ``policykg build --endpoint`` is done here as its admin would do
    it: the SPARQL user may update (``GRANT SPARQL_UPDATE TO "SPARQL"``). The server is killed
    when the block ends, however it ends.
    """
    binary, isql = shutil.which(VIRTUOSO), shutil.which("isql-vt")
    if binary is None or isql is None:
        require_system_dependency("Virtuoso (Debian package virtuoso-opensource: virtuoso-t, isql-vt)")
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(dir=directory, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    # Its log goes to a file: in the foreground Virtuoso writes it to stderr, and a pipe nobody reads
    # would stop the server once full.
    log = open(directory / "virtuoso.out", "wb")  # noqa: SIM115 - closed below, with the server
    proc = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=directory,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        _wait_for_sparql(url, proc, f"Virtuoso (its log: {directory / 'virtuoso.out'})")
        grant = subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                               capture_output=True, text=True, timeout=60)
        if grant.returncode != 0 or "Error" in grant.stdout + grant.stderr:
            pytest.fail(f"cannot allow SPARQL updates on Virtuoso: {grant.stdout[-300:]} {grant.stderr[-300:]}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


CHROMIUM = Path("/usr/bin/chromium")
# Flags for root in a sandbox on a closed network: without the background-networking ones Chromium
# keeps trying to reach Google's hosts.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class LocalServer:
    """uvicorn on 127.0.0.1 in a thread, stopped at the end of the session."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LocalServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


AXE_JS = Path(__file__).resolve().parents[1] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core (from npm, frontend/node_modules) on a Playwright page; return its violations of ``impacts``.

    The script is injected from the local file, so the check makes no request either.
    """
    if not AXE_JS.is_file():
        require_system_dependency(f"{AXE_JS} (npm package axe-core; `make test` installs it)")
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(
        v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
               targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))""")
    return [v for v in found if v["impact"] in impacts]


def walk_add_and_remove(plans: list[Path], root: Path, *, place, kept, afresh, at_build=None) -> None:
    """Build a store of the first plan, add the others, remove the first, then every other one; after
    each change, what the store keeps (``kept(opened)``) must equal a fresh count (``afresh(opened)``)
    and its meta's triples the store's size. What is kept must change when plans come, and go with
    the last plan. ``at_build(opened)`` checks more once the first plan is built."""
    from kg.store import open_store
    from loaders.store_build import add_to_store, build_store, remove_from_store

    build_store(plans[:1], root, jobs=1, validate=False, place=place)
    with open_store(root) as s:
        built = kept(s)
        assert built and built == afresh(s)
        if at_build is not None:
            at_build(s)
    add_to_store(plans[1:], root, validate=False, place=place)
    with open_store(root) as s:
        assert kept(s) == afresh(s) != built
        assert s.meta["triples"] == len(s.store)
    remove_from_store(plans[0].name, root)
    with open_store(root) as s:
        assert kept(s) == afresh(s)
        assert s.meta["triples"] == len(s.store)
    for p in plans[1:]:
        remove_from_store(p.name, root)
    with open_store(root) as s:
        assert not kept(s)  # the last plan takes the last of them with it


def derived_triples(store, classes) -> set[tuple[str, str, str]]:
    """The triples of every node of ``classes`` in a pyoxigraph ``store``, as strings; asserts they
    are all in the derived graph (where the build keeps its sums)."""
    import pyoxigraph as ox

    from kg.vocab import DERIVED_GRAPH

    kinds = {str(c) for c in classes}
    typed = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    nodes = {q.subject for q in store.quads_for_pattern(None, typed, None) if q.object.value in kinds}
    quads = [q for node in nodes for q in store.quads_for_pattern(node, None, None)]
    assert {q.graph_name.value for q in quads} <= {str(DERIVED_GRAPH)}
    return {(q.subject.value, q.predicate.value, str(q.object)) for q in quads}


def assert_serve_refuses(root: Path, capsys, *words: str) -> None:
    """``policykg serve --store root`` exits 1 before serving, with one line naming ``words``, no traceback."""
    from api.cli import main

    assert main(["serve", "--store", str(root), "--port", "1"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert all(w in err for w in words), err
