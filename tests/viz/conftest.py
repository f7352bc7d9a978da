"""Fixtures for the picture tests: a probe plan with hostile text, the bundled plan, an HTTP server
on 127.0.0.1 serving the pages, and headless Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Hostile strings: each must show as text wherever it appears and run nothing.
PROBE_TITLE = "<img src=x onerror=alert(1)>"
PROBE_ORG = "县探针局<script>alert(2)</script>"
PROBE_SENTENCE = "（牵头单位：县探针局；<img src=y onerror=alert(3)>）"
PROBE_DOMAIN = "<svg onload=alert(4)>领域"

_PROBE_TTL = """
@prefix pk: <https://w3id.org/policykg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix d: <https://w3id.org/policykg/id/document/探政发〔2023〕1号/> .
@prefix o: <https://w3id.org/policykg/id/org/999998/> .

<https://w3id.org/policykg/id/document/探政发〔2023〕1号> a pk:PolicyDocument , pk:ImplementationPlan ;
    dcterms:title "探针县实施方案"@zh ; dcterms:identifier "探政发〔2023〕1号" ; dcterms:issued "2023-08-01"^^xsd:date .
o:probe a org:Organization , pk:GovernmentAgency ; skos:prefLabel {org}@zh .
o:县财政局 a org:Organization , pk:GovernmentAgency ; skos:prefLabel "县财政局"@zh .
o:县税务局 a org:Organization , pk:RegulatorBranch ; skos:prefLabel "县税务局"@zh .
o:县有关部门 a org:Organization , pk:CollectiveUnit ; skos:prefLabel "县有关部门、单位"@zh .
d:domain\\/1 a pk:Domain ; pk:domainNumber 1 ; skos:prefLabel {domain}@zh ;
    pk:inDocument <https://w3id.org/policykg/id/document/探政发〔2023〕1号> ; pk:domainLead o:县财政局 .
d:task\\/1 a pk:Task ; pk:taskNumber 1 ; pk:inDomain d:domain\\/1 ;
    pk:inDocument <https://w3id.org/policykg/id/document/探政发〔2023〕1号> ;
    dcterms:title {title}@zh ; pk:text "探针任务。11月底前完成。"@zh ;
    pk:leadUnit o:probe , o:县财政局 ; pk:responsibleUnit o:县税务局 ;
    pk:hasAssignment d:task\\/1\\/a1 , d:task\\/1\\/a2 ;
    pk:hasDeadline d:task\\/1\\/deadline\\/1 .
d:task\\/1\\/a1 a pk:Assignment ; pk:agent o:probe ; pk:role pk:LeadRole ; pk:evidence d:task\\/1\\/e1 .
d:task\\/1\\/a2 a pk:Assignment ; pk:agent o:县财政局 ; pk:role pk:LeadRole ; pk:evidence d:task\\/1\\/e1 .
d:task\\/1\\/e1 a pk:TextSpan ; pk:startOffset 10 ; pk:endOffset 14 ; pk:sentence {sentence} .
d:task\\/1\\/deadline\\/1 a pk:Deadline ; rdfs:label "11月底前"@zh ; pk:deadlineKind "month_end" ;
    time:inXSDDate "2023-11-30"^^xsd:date .
d:task\\/2 a pk:Task ; pk:taskNumber 2 ; pk:inDomain d:domain\\/1 ;
    pk:inDocument <https://w3id.org/policykg/id/document/探政发〔2023〕1号> ;
    dcterms:title "普通任务"@zh ; pk:text "普通任务。长期坚持。"@zh ;
    pk:leadUnit o:县税务局 ; pk:responsibleUnit o:县有关部门 , o:县财政局 ;
    pk:hasDeploymentWait d:task\\/2\\/w ; pk:hasDeadline d:task\\/2\\/deadline\\/open .
d:task\\/2\\/w a pk:DeploymentWait ; rdfs:label "根据省统一部署"@zh ; pk:deploymentLevel pk:ProvinceLevel .
d:task\\/2\\/deadline\\/open a pk:Deadline ; rdfs:label "长期坚持"@zh ; pk:deadlineKind "open" .
"""


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def probe_turtle() -> str:
    """The probe plan: two tasks, four organisations, hostile title, name, sentence and domain."""
    return _PROBE_TTL.format(title=_lit(PROBE_TITLE), org=_lit(PROBE_ORG), sentence=_lit(PROBE_SENTENCE),
                             domain=_lit(PROBE_DOMAIN))


@pytest.fixture(scope="session")
def probe_graph():
    from kg.graph import new_graph

    g = new_graph()
    g.parse(data=probe_turtle(), format="turtle")
    return g


@pytest.fixture(scope="session")
def bundled_graph():
    """The bundled plan (巨政发〔2023〕5号), built once for the session."""
    from loaders.build import build_graph
    from loaders.data import BUNDLED_PLAN

    return build_graph([BUNDLED_PLAN]).graph


def project_app(graph):
    """The project's own application (api.app.create_app) serving ``graph``, one SPARQL worker."""
    from api.app import create_app
    from kg.settings import Settings

    return create_app(Settings(extra={"query_workers": "1"}), graph=graph)


def viz_app(source):
    """An app with only the pictures' router over ``source`` (no lifespan): for quick in-process tests."""
    from fastapi import FastAPI

    from api.errors import install_error_handlers
    from api.routers.viz import router

    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.state.source = source
    return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalServer:
    """uvicorn on 127.0.0.1 in a thread, stopped at the end of the session."""

    def __init__(self, app) -> None:
        import uvicorn

        self.port = _free_port()
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


@pytest.fixture(scope="session")
def bundled_server(bundled_graph) -> Iterator[LocalServer]:
    with LocalServer(project_app(bundled_graph)) as s:
        yield s


@pytest.fixture(scope="session")
def probe_server(probe_graph) -> Iterator[LocalServer]:
    with LocalServer(project_app(probe_graph)) as s:
        yield s


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium; skipped (failed under POLICYKG_REQUIRE_SYSTEM_DEPS=1) when missing."""
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        reason = f"{CHROMIUM} not found: install the Debian package 'chromium' (make system-deps)"
        if os.environ.get("POLICYKG_REQUIRE_SYSTEM_DEPS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


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
