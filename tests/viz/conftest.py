"""Fixtures for the picture tests: a probe plan with hostile text, the bundled plan, a small
corpus of several counties' plans (benchmarks.synth), an HTTP server on 127.0.0.1 serving the
pages, and headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import LocalServer
from tests.viz.probe import probe_turtle, project_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def probe_graph():
    from kg.graph import new_graph

    g = new_graph()
    g.parse(data=probe_turtle(), format="turtle")
    return g


@pytest.fixture(scope="session")
def synth_corpus(tmp_path_factory):
    """Five synthetic county plans (benchmarks.synth), built as `policykg build` builds a corpus
    (one named graph per plan, each plan's place and tallies), served from Oxigraph."""
    from benchmarks.synth import write_corpus
    from kg.graph import load_graph, save_graph
    from loaders.corpus import build_corpus

    folder = tmp_path_factory.mktemp("synth")
    write_corpus(5, folder / "plans", seed=11)
    g = build_corpus([folder / "plans"]).merged()
    return load_graph(save_graph(g, folder / "corpus.ttl"))


@pytest.fixture(scope="session")
def corpus_server(synth_corpus) -> Iterator[LocalServer]:
    with LocalServer(project_app(synth_corpus)) as s:
        yield s


@pytest.fixture(scope="session")
def bundled_server(bundled_graph) -> Iterator[LocalServer]:
    with LocalServer(project_app(bundled_graph)) as s:
        yield s


@pytest.fixture(scope="session")
def probe_server(probe_graph) -> Iterator[LocalServer]:
    with LocalServer(project_app(probe_graph)) as s:
        yield s


class Page:
    """A browser page that records console errors, dialogs and every request leaving 127.0.0.1."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(viewport={"width": 1500, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)

    def _dialog(self, d) -> None:
        self.dialogs.append(d.message)
        d.dismiss()

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "about:", "file://")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, url: str, *, timeout: float = 20_000) -> None:
        self.page.goto(url)
        self.page.wait_for_function("window.pkReady === true && window.pkStable !== false", timeout=timeout)

    def shot(self, name: str, *, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def check_clean(self) -> None:
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == [], f"dialogs opened (script ran): {self.dialogs}"
        assert self.outside == [], f"requests outside 127.0.0.1: {self.outside}"


@pytest.fixture
def page(browser) -> Iterator[Page]:
    p = Page(browser)
    yield p
    p.context.close()
