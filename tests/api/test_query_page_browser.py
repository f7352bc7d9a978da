"""The query page in headless Chromium, as an analyst uses it: completion from our terms and names,
a shared URL that runs, a saved question as a form, chart and network views, downloads, history,
text from answers shown as text; no request leaves 127.0.0.1, no console error, and axe-core finds
no serious or critical accessibility violation. Screenshots go to test-artifacts/."""

from __future__ import annotations

import io
import time
import urllib.parse
from pathlib import Path

import pytest

from api.web.app import create_app
from tests.support import LocalServer, axe_violations
from tests.viz.probe import PROBE_ORG, PROBE_TITLE

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TASKS = "SELECT ?number ?title WHERE { ?task a pk:Task ; pk:taskNumber ?number ; dcterms:title ?title } ORDER BY ?number"
PER_LEAD = ("SELECT ?name (COUNT(?t) AS ?tasks) WHERE { ?t pk:leadUnit/skos:prefLabel ?name } "
            "GROUP BY ?name ORDER BY DESC(?tasks) LIMIT 12")


@pytest.fixture(scope="module")
def server(api_settings):
    with LocalServer(create_app(api_settings)) as s:
        yield s.url


class Tab:
    """A fresh browser context (empty history) that records console errors, dialogs and every
    request leaving 127.0.0.1."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN",
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.route("**/*", self._route)

    def _route(self, route) -> None:
        if route.request.url.startswith((self.base, "data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, path: str = "/query", **params: str) -> None:
        self.page.goto(self.base + path + ("?" + urllib.parse.urlencode(params) if params else ""))
        self.page.wait_for_function("window.pkStable === true", timeout=20_000)

    def rows(self) -> int:
        """Rows of the answer shown (all pages of the table)."""
        return self.page.evaluate("window.pkQuery.yasr.results.getBindings().length")

    def type_in_editor(self, text: str, *, line: int, ch: int) -> None:
        self.page.evaluate(f"(() => {{ const y = window.pkQuery.yasqe; y.focus(); y.setCursor({{line: {line}, ch: {ch}}}); }})()")
        self.page.keyboard.type(text)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name))

    def check_clean(self, *, failed_requests: int = 0) -> None:
        """No script error, dialog or outside request; ``failed_requests`` answers the test asked to
        fail (a 400 for a bad query), which Chromium logs as console errors of its own."""
        failed = [e for e in self.errors if e.startswith("Failed to load resource: the server responded with a status of 4")]
        assert len(failed) == failed_requests, f"console errors: {self.errors}"
        assert [e for e in self.errors if e not in failed] == [], f"console errors: {self.errors}"
        assert self.dialogs == [], f"dialogs opened (script ran): {self.dialogs}"
        assert self.outside == [], f"requests outside 127.0.0.1: {self.outside}"


@pytest.fixture
def tab(browser, server):
    t = Tab(browser, server)
    yield t
    t.context.close()


def test_typing_pk_offers_the_ontologys_terms_and_names_complete_to_iris(tab, bundled_iris):
    tab.open()
    page = tab.page
    page.evaluate("window.pkQuery.yasqe.setValue('SELECT * WHERE {\\n  ?task ')")
    tab.type_in_editor("pk:", line=1, ch=8)
    page.wait_for_selector(".CodeMirror-hints li")
    hints = page.locator(".CodeMirror-hints li").all_inner_texts()
    assert len(hints) > 5 and all(h.startswith("pk:") for h in hints), hints
    page.keyboard.type("lead")  # typing narrows them
    page.wait_for_function("document.querySelector('.CodeMirror-hints li').textContent.startsWith('pk:lead')")
    hints = page.locator(".CodeMirror-hints li").all_inner_texts()
    assert any(h.startswith("pk:leadUnit") and "牵头单位" in h and "lead unit" in h for h in hints), hints
    # Typing the prefix declared it, as the server predeclares it.
    assert page.evaluate("window.pkQuery.yasqe.getValue()").startswith("PREFIX pk: <https://w3id.org/policykg/ontology#>")
    tab.shot("query-completion-terms.png")
    found = axe_violations(page)
    assert found == [], found
    page.keyboard.press("Escape")

    page.evaluate("window.pkQuery.yasqe.setValue('SELECT * WHERE {\\n  ?task pk:leadUnit ')")
    tab.type_in_editor("<县财政", line=1, ch=22)
    page.wait_for_selector(".CodeMirror-hints li")
    hint = page.locator(".CodeMirror-hints li").first.inner_text()
    assert hint.startswith("县财政局") and bundled_iris["org"] in hint
    page.keyboard.press("Enter")
    assert page.evaluate("window.pkQuery.yasqe.getValue()").endswith(f"pk:leadUnit <{bundled_iris['org']}>")
    tab.check_clean()


def test_a_shared_url_runs_its_query_downloads_it_whole_and_history_keeps_it(tab):
    tab.open(query=TASKS)
    page = tab.page
    page.wait_for_selector("#pkq-results table tbody tr")
    assert tab.rows() == 170
    assert page.locator("#pkq-results table tbody tr").count() == 50  # paged
    assert page.locator("#pkq-results tbody tr").first.locator("td").first.inner_text().strip() == "1"
    assert "PREFIX pk:" in page.evaluate("window.pkQuery.yasqe.getValue()")
    # The address keeps what ran: the shared text with the prefixes it uses declared.
    assert urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["query"][0].endswith(TASKS)

    page.click(".yasqe_share")  # the editor's share button gives the same address
    shared = page.input_value(".yasqe_sharePopup input")
    assert shared.startswith(f"{tab.base}/query?query=") and urllib.parse.urlparse(shared).query == urllib.parse.urlparse(page.url).query
    assert axe_violations(page) == []
    page.mouse.click(5, 500)

    page.fill("#pkq-results .tableFilter", "营商")  # the table filters as you type
    page.keyboard.press("End")
    page.wait_for_function("document.querySelectorAll('#pkq-results tbody tr').length < 50")
    assert all("营商" in t for t in page.locator("#pkq-results tbody tr").all_inner_texts())
    tab.shot("query-shared-url.png")
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.click("#pkq-downloads [data-format=xlsx]")
    assert download.value.suggested_filename == "query.xlsx"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet.max_row == 171 and [c.value for c in sheet[1]] == ["number", "title"]

    tab.open()  # no query in the address: the last one comes back from this browser's history
    assert TASKS in page.evaluate("window.pkQuery.yasqe.getValue()")
    assert page.locator("#pkq-history li").count() == 1
    tab.check_clean()


def test_a_saved_question_opens_as_a_form_with_pickers_and_runs(tab, bundled_iris):
    org = bundled_iris["org"]
    tab.open(name="tasks_by_organization", org=org)
    page = tab.page
    page.wait_for_selector("#pkq-results table tbody tr")
    assert page.input_value("#pkq-param-org") == org
    assert tab.rows() == len(page.context.request.get(
        f"{tab.base}/queries/tasks_by_organization?org={urllib.parse.quote(org)}").json()["rows"]) > 0
    assert "?org" in page.evaluate("window.pkQuery.yasqe.getValue()")
    tab.shot("query-saved-question.png")
    assert axe_violations(page) == []

    page.fill("#pkq-param-org", "")
    page.type("#pkq-param-org", "县税务")
    page.wait_for_selector("#pkq-param-org-names option", state="attached")
    option = page.locator("#pkq-param-org-names option").first
    assert "县税务局" in option.get_attribute("label")
    page.fill("#pkq-param-org", option.get_attribute("value"))
    first = tab.rows()
    page.click("#pkq-form-run")
    page.wait_for_function(f"new URLSearchParams(location.search).get('org') === {option.get_attribute('value')!r}")
    page.wait_for_function(f"window.pkQuery.yasr.results.getBindings().length !== {first}")
    assert urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["name"] == ["tasks_by_organization"]
    with page.expect_download() as download:  # a saved question downloads through its own route
        page.click("#pkq-downloads [data-format=csv]")
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert download.value.suggested_filename == "tasks_by_organization.csv" and len(lines) == tab.rows() + 1
    tab.check_clean()


def test_chart_and_network_views_render(tab):
    tab.open(query=PER_LEAD)
    page = tab.page
    page.wait_for_selector("#pkq-results table tbody tr")
    page.click(".yasr .select_chart")
    page.wait_for_selector("#pkq-results .pkq-chart canvas")
    assert page.get_attribute("#pkq-results [data-chart-points]", "data-chart-points") == "12"
    assert page.input_value("[data-chart=x]") == "name" and page.input_value("[data-chart=y]") == "tasks"
    page.select_option("[data-chart=type]", "line")
    page.wait_for_function("window.pkQuery.yasr.plugins.chart.chart.config.type === 'line'")
    tab.shot("query-chart.png")
    assert axe_violations(page) == []

    construct = ("CONSTRUCT { ?t pk:leadUnit ?o . ?o skos:prefLabel ?n . ?t dcterms:title ?title } WHERE { "
                 "?t pk:taskNumber ?number ; pk:leadUnit ?o ; dcterms:title ?title . ?o skos:prefLabel ?n FILTER(?number <= 10) }")
    tab.open(query=construct)
    page.wait_for_selector("#pkq-results .pkq-network canvas")
    assert page.evaluate("window.pkQuery.yasr.drawnPlugin") == "network"
    nodes, edges = (int(page.get_attribute(f"#pkq-results [data-network-{k}]", f"data-network-{k}")) for k in ("nodes", "edges"))
    assert nodes > 10 and edges >= 10
    time.sleep(0.5)  # let the layout settle for the picture
    tab.shot("query-network.png")
    assert axe_violations(page) == []
    tab.check_clean()


def test_text_from_answers_and_errors_shows_as_text(tab):
    probe = f'SELECT ?x ?y WHERE {{ BIND("{PROBE_TITLE}" AS ?x) BIND("{PROBE_ORG}" AS ?y) }}'
    tab.open(query=probe)
    page = tab.page
    page.wait_for_selector("#pkq-results tbody td")
    cells = page.locator("#pkq-results tbody td").all_inner_texts()
    assert PROBE_TITLE in cells and PROBE_ORG in cells
    assert page.locator("#pkq-results img, #pkq-results script").count() == 0

    graph = f'CONSTRUCT {{ <urn:probe:a> skos:prefLabel "{PROBE_ORG}" ; pk:leadUnit <urn:probe:b> }} WHERE {{}}'
    tab.open(query=graph)
    page.wait_for_selector("#pkq-results .pkq-network canvas")
    assert page.get_attribute("#pkq-results [data-network-nodes]", "data-network-nodes") == "2"

    tab.open(query=f'SELECT * WHERE {{ ?s ?p "{PROBE_TITLE}" ')  # a syntax error that quotes the text back
    page.wait_for_selector("#pkq-results .pkq-error pre")
    assert page.locator("#pkq-results .pkq-error pre").inner_text().strip() != ""
    assert page.locator("#pkq-results img").count() == 0
    tab.check_clean(failed_requests=1)
