"""The query page in headless Chromium: examples load, a query runs into a table, errors show,
result text is never run as HTML, and no request leaves 127.0.0.1 (the page works offline)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from api.app import create_app

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        reason = f"{CHROMIUM} not found: install the Debian package 'chromium' (make system-deps)"
        if os.environ.get("POLICYKG_REQUIRE_SYSTEM_DEPS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page_server(api_settings):
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(api_settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=15)


def test_the_query_page_runs_saved_questions_and_shows_errors(chromium, page_server):
    context = chromium.new_context(locale="zh-CN")
    page = context.new_page()
    outside, errors, dialogs = [], [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    def route(r):
        if r.request.url.startswith(page_server):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(page_server + "/query")
    page.wait_for_function("document.querySelectorAll('#examples option').length > 15")
    page.select_option("#examples", "tasks_per_lead_unit")
    assert "pk:leadUnit" in page.input_value("#sparql")
    page.click("#run")
    page.wait_for_selector("#results table tbody tr")
    headers = page.locator("#results th").all_inner_texts()
    assert headers == ["org", "name", "collective", "tasks"]
    assert page.locator("#results tbody tr").count() > 20
    assert "县" in page.locator("#results tbody tr").first.inner_text()

    page.fill("#sparql", 'SELECT ?x WHERE { BIND("<img src=x onerror=alert(1)>" AS ?x) }')
    page.click("#run")
    page.wait_for_function("document.querySelector('#results th')?.textContent === 'x'")
    assert page.locator("#results td").first.inner_text() == "<img src=x onerror=alert(1)>"

    page.fill("#sparql", "SELECT * WHERE { ?s ?p ")
    page.click("#run")
    page.wait_for_selector("#results .error")
    assert "Expected" in page.locator("#results .error").inner_text()
    context.close()
    assert outside == [] and errors == [] and dialogs == []
