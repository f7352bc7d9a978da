"""The pages of issue 14 in a real browser (Debian Chromium): a page per thing, the plan read with its
facts marked, the ledger page, one header and 中/EN switch everywhere, accessibility (axe-core from
npm), hostile text. Screenshots, axe reports and load times go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import json
import time

import pytest

from kg.iri import BASE
from queries.runner import run_text
from tests.support import axe_violations
from tests.viz.conftest import ARTIFACTS
from tests.viz.probe import PROBE_ORG, PROBE_TITLE
from viz.links import href_for

pytestmark = pytest.mark.browser

PAGES = {"landing": "/", "task": "task", "document": "doc", "organisation": "org",
         "ledger": "/ledger?as_of=2023-10-01", "ontology": "/ontology", "query": "/query",
         "collaboration": "/viz/collaboration"}
LOAD_TIMES: dict[str, dict[str, float]] = {}


def path_of(name: str, iris: dict[str, str]) -> str:
    """The page's path: a fixed route, or the page of one of the bundled plan's things."""
    return PAGES[name] if PAGES[name].startswith("/") else href_for(iris[PAGES[name]])


def open_page(page, url: str) -> float:
    """Open ``url`` and wait until it is ready; return the seconds from navigation to ready."""
    start = time.perf_counter()
    page.page.goto(url)
    if url.rsplit("/", 1)[-1].startswith("query"):
        page.page.wait_for_load_state("load")
    else:
        page.page.wait_for_function("window.pkReady === true && window.pkStable !== false", timeout=30_000)
    return time.perf_counter() - start


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_loads_offline_clean_with_the_shared_header(page, bundled_server, bundled_iris, name):
    seconds = open_page(page, bundled_server.url + path_of(name, bundled_iris))
    nav = page.page.eval_on_selector_all("header.pk-top nav a", "as => as.map(a => a.dataset.nav)")
    assert nav[:1] == ["home"] and {"ledger", "query", "ontology", "collaboration"} <= set(nav)
    assert page.page.locator("#pk-lang").count() == 1
    timing = page.page.evaluate("(() => { const n = performance.getEntriesByType('navigation')[0];"
                                " return {dom: n.domContentLoadedEventEnd, load: n.loadEventEnd, bytes: n.transferSize}; })()")
    LOAD_TIMES[name] = {"ready_s": round(seconds, 3), "dom_ms": round(timing["dom"]), "load_ms": round(timing["load"]),
                        "bytes": timing["bytes"]}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-load-times.json").write_text(json.dumps(LOAD_TIMES, indent=1, ensure_ascii=False))
    page.shot(f"page-{name}.png", full_page=name in ("task", "ledger"))
    page.check_clean()


def test_the_plan_page_marks_every_task_and_every_unit_mention(page, bundled_server, bundled_graph, bundled_iris):
    DOC = bundled_iris["doc"]
    rows, _ = run_text(bundled_graph, f"""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{
        ?t a pk:Task ; pk:inDocument <{DOC}> ; pk:hasAssignment ?a .
        ?a pk:role ?r ; pk:evidence ?span . FILTER(?r IN (pk:LeadRole, pk:ResponsibleRole)) }}""")
    mentions = int(rows[0]["n"])
    text, _ = run_text(bundled_graph, f"SELECT ?text WHERE {{ <{DOC}> pk:sourceText ?text }}")
    open_page(page, bundled_server.url + href_for(DOC))
    tasks = page.page.eval_on_selector_all('.pk-plan [data-fact="task"][data-task]', "es => es.map(e => e.dataset.task)")
    assert sorted(map(int, tasks)) == list(range(1, 171))
    units = page.page.eval_on_selector_all('.pk-plan [data-fact="lead"], .pk-plan [data-fact="responsible"]',
                                           "es => [...new Set(es.map(e => e.dataset.mark))]")
    assert len(units) == mentions  # one mark per lead and responsible unit mention
    # every fact inside a task carries the task's number, and links to its thing's page
    loose = page.page.eval_on_selector_all(
        '.pk-plan [data-fact]:not([data-fact="domain"]):not([data-fact="domain_lead"]):not([data-task])', "es => es.length")
    assert loose == 0
    unlinked = page.page.eval_on_selector_all(
        '.pk-plan [data-fact]:not([data-fact="task"]):not([data-fact="review"])',
        "es => es.filter(e => !(e.matches('a[href]') || e.querySelector('a[href]'))).length")
    assert unlinked == 0
    kinds = set(page.page.eval_on_selector_all(".pk-plan [data-fact]", "es => es.map(e => e.dataset.fact)"))
    assert {"task", "lead", "responsible", "deadline", "reference", "target", "wait", "precondition", "review"} <= kinds
    # the text is the plan's own, character for character
    assert page.page.text_content(".pk-plan") == text[0]["text"]
    review = page.page.eval_on_selector_all("ol.pk-review-list > li", "ls => ls.length")
    notes, _ = run_text(bundled_graph, f"SELECT (COUNT(?n) AS ?c) WHERE {{ ?n a pk:ReviewNote ; pk:inDocument <{DOC}> }}")
    assert review == int(notes[0]["c"]) > 0
    page.page.click("ol.pk-review-list > li a[href^='#at-']")
    assert page.page.evaluate("location.hash").startswith("#at-review-")
    page.shot("page-document-review.png")
    page.check_clean()


def test_the_ledger_page_filters_and_sorts(page, bundled_server, bundled_graph, bundled_iris):
    from datetime import date

    from queries.analysis.deadlines import task_status
    from queries.analysis.fetch import plan_graph
    from queries.analysis.graphs import participants

    B = plan_graph(bundled_graph)
    lights = {r["task"]: r["status"] for r in task_status(B, as_of=date(2023, 10, 1))}
    FINANCE = bundled_iris["org"]
    finance_leads = {B.nodes[t]["ref"] for t in B[FINANCE] if participants(B, t).get(FINANCE) == "lead"}
    open_page(page, bundled_server.url + "/ledger?as_of=2023-10-01")

    def shown():
        return page.page.eval_on_selector_all("#pk-ledger-table tbody tr", "rs => rs.map(r => [+r.dataset.task, r.dataset.status])")

    assert [n for n, _ in shown()] == list(range(1, 171))
    assert dict(shown()) == lights  # the analysis's own lights for the as-of date
    page.page.select_option('select[name="org"]', FINANCE)
    page.page.select_option('select[name="role"]', "lead")
    assert {n for n, _ in shown()} == finance_leads
    assert "role=lead" in page.page.url and "org=" in page.page.url
    page.page.click('[data-control="reset"]')
    page.page.select_option('select[name="status"]', "red")
    assert {n for n, _ in shown()} == {n for n, s in lights.items() if s == "red"}
    page.page.select_option('select[name="status"]', "")
    page.page.select_option('select[name="month"]', "2023-11")
    november = {B.nodes[t]["ref"] for t in B if B.nodes[t].get("kind") == "task"
                and any((d or "").startswith("2023-11") for d, _, _ in B.nodes[t]["deadlines"])}
    assert {n for n, _ in shown()} == november
    page.page.click('button[data-sort="status"]')
    order = [s for _, s in shown()]
    assert order == sorted(order, key=["red", "yellow", "green", "open"].index)
    page.page.click('button[data-sort="number"]')
    page.page.click('button[data-sort="number"]')  # twice: descending
    numbers = [n for n, _ in shown()]
    assert numbers == sorted(november, reverse=True)
    page.page.fill('input[data-control="q"]', "电子营业执照")
    assert all("电子营业执照" in page.page.text_content(f'#pk-ledger-table tr[data-task="{n}"]') for n, _ in shown())
    page.page.reload()  # the state is in the address
    page.page.wait_for_function("window.pkReady === true")
    assert page.page.input_value('select[name="month"]') == "2023-11"
    assert page.page.input_value('input[data-control="q"]') == "电子营业执照"
    page.shot("page-ledger-filtered.png", full_page=True)
    # a task's page links its row
    open_page(page, bundled_server.url + href_for(bundled_iris["task"]))
    page.page.click("a[href^='/ledger?task=']")
    page.page.wait_for_function("window.pkReady === true")
    assert [n for n, _ in shown()] == [5]
    page.check_clean()


def test_the_language_switch_is_shared_and_remembered(page, bundled_server, bundled_iris):
    open_page(page, bundled_server.url + href_for(bundled_iris["org"]))
    assert page.page.inner_text("h1").strip() == "县财政局"
    page.page.click("#pk-lang")
    assert page.page.evaluate("document.documentElement.lang") == "en"
    assert page.page.inner_text("h1").strip() == "Public finance (Juye County)"
    for path in ("/ledger?as_of=2023-10-01", href_for(bundled_iris["task"]), "/ontology", "/"):
        open_page(page, bundled_server.url + path)
        assert page.page.evaluate("document.documentElement.lang") == "en", path
        assert page.page.inner_text('header nav a[data-nav="ledger"]').strip() == "Ledger"
    open_page(page, bundled_server.url + "/ledger?as_of=2023-10-01")
    assert "Public finance (Juye County)" in page.page.inner_text("#pk-ledger-table")
    page.shot("page-ledger-en.png")
    page.page.click("#pk-lang")
    assert page.page.evaluate("document.documentElement.lang") == "zh"
    page.check_clean()


A11Y_PAGES = ("landing", "task", "document", "ledger", "collaboration")


@pytest.mark.parametrize("name", A11Y_PAGES)
def test_axe_finds_no_serious_or_critical_violation(page, bundled_server, bundled_iris, name):
    open_page(page, bundled_server.url + path_of(name, bundled_iris))
    found = axe_violations(page.page)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(found, indent=1, ensure_ascii=False))
    assert found == [], json.dumps(found, ensure_ascii=False, indent=1)


def test_hostile_text_on_the_new_pages_stays_text(page, probe_server):
    doc = BASE + "document/探政发〔2023〕1号"
    for path in (href_for(doc + "/task/1"), href_for(BASE + "org/999998/probe"), href_for(doc),
                 href_for(doc + "/domain/1"), "/ledger?as_of=2023-10-01"):
        open_page(page, probe_server.url + path)
        page.page.wait_for_timeout(100)  # an onerror handler would have fired by now
        assert page.page.evaluate("document.querySelectorAll('img, svg').length") == 0
    open_page(page, probe_server.url + href_for(doc + "/task/1"))
    assert PROBE_TITLE in page.page.inner_text("h1") and PROBE_ORG in page.page.inner_text("main")
    open_page(page, probe_server.url + "/ledger?as_of=2023-10-01")
    assert PROBE_TITLE in page.page.inner_text("#pk-ledger-table")
    page.check_clean()


def test_a_corpus_ledger_shows_one_plan_at_a_time_and_the_chooser_switches_it(page, corpus_server, synth_corpus):
    from queries.library import run_query

    plans = sorted(run_query(synth_corpus, "documents"), key=lambda r: (r["identifier"], r["doc"]))
    first, other = plans[0], plans[-1]
    open_page(page, corpus_server.url + "/ledger?as_of=2023-10-01")

    def shown_plans():
        return set(page.page.eval_on_selector_all("#pk-ledger-table tbody tr a[href*='/task/']",
                                                  "as => as.map(a => a.getAttribute('href').split('/task/')[0])"))

    # The first plan in 文号 order, all its tasks, and nothing of the other four.
    assert page.page.eval_on_selector_all("#pk-ledger-table tbody tr", "rs => rs.length") == first["tasks"]
    assert len(shown_plans()) == 1
    assert page.page.eval_on_selector("#pk-plan", "s => s.options.length") == len(plans) == 5
    with page.page.expect_navigation():
        page.page.select_option("#pk-plan", other["doc"])
    assert "document=" in page.page.url and "as_of=2023-10-01" in page.page.url
    page.page.wait_for_function("window.pkReady === true")
    assert page.page.eval_on_selector_all("#pk-ledger-table tbody tr", "rs => rs.length") == other["tasks"]
    assert page.page.eval_on_selector("#pk-plan", "s => s.value") == other["doc"]
