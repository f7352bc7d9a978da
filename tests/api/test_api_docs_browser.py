"""/docs (Swagger UI) and /redoc (ReDoc) in headless Chromium with every request outside 127.0.0.1
refused: both list every operation of the OpenAPI description, from assets this server serves."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.web.app import create_app
from tests.support import LocalServer, axe_violations

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
METHODS = {"get", "post", "put", "patch", "delete", "head", "options"}


@pytest.fixture(scope="module")
def server(api_settings):
    with LocalServer(create_app(api_settings)) as s:
        yield s


@pytest.fixture(scope="module")
def operations(server) -> set[str]:
    spec = server.server.config.app.openapi()
    return {op["operationId"] for item in spec["paths"].values() for m, op in item.items() if m in METHODS}


@pytest.mark.parametrize("path, selector, operation_id", [
    ("/docs", ".opblock", "(el) => el.id.replace(/^operations-[^-]+-/, '')"),
    ("/redoc", "[data-section-id^='operation/']", "(el) => el.dataset.sectionId.replace(/^operation\\//, '')"),
])
def test_the_api_docs_list_every_operation_offline(browser, server, operations, path, selector, operation_id):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith((server.url, "data:", "blob:"))
               else (outside.append(r.request.url), r.abort()))
    try:
        page.goto(server.url + path)
        page.wait_for_selector(selector, timeout=30_000)
        shown = set(page.eval_on_selector_all(selector, f"els => els.map({operation_id})"))
        assert shown == operations
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"api{path.replace('/', '-')}.png"))
        assert axe_violations(page) == []
        assert outside == [] and errors == []
    finally:
        context.close()
