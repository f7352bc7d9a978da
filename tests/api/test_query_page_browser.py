"""The query page in headless Chromium: examples load, a query runs into a table, errors show,
result text is never run as HTML, and no request leaves 127.0.0.1 (the page works offline)."""

from __future__ import annotations

import pytest

from api.app import create_app
from tests.support import LocalServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page_server(api_settings):
    with LocalServer(create_app(api_settings)) as server:
        yield server.url


def test_the_query_page_runs_saved_questions_and_shows_errors(browser, page_server):
    context = browser.new_context(locale="zh-CN")
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
    assert "pk:leadTaskCount" in page.input_value("#sparql")  # summed from the plans' tallies
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
