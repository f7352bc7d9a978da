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
def running_oxigraph(location: Path, *, read_only: bool = False) -> Iterator[str]:
    """Run a real Oxigraph server on 127.0.0.1 over ``location``; yield its query URL, then stop it."""
    port = free_port()
    command = "serve-read-only" if read_only else "serve"
    proc = subprocess.Popen([oxigraph_binary(), command, "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                    pytest.fail(f"oxigraph server did not start: {err[-500:]}")
                time.sleep(0.1)
        yield url
    finally:
        proc.kill()
        proc.wait(timeout=10)


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
