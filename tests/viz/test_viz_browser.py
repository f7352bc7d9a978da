"""The pictures in a real browser (Debian Chromium, headless), served by uvicorn on 127.0.0.1.

Each page must load with no console error and no request leaving 127.0.0.1; the collaboration view
must draw one node per organisation; filters must change what is visible as the data says; the
two questions of the brief must be answerable by clicking; hostile text must show as text and run
nothing. Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import pytest

from tests.viz.probe import PROBE_ORG, PROBE_SENTENCE, PROBE_TITLE

pytestmark = pytest.mark.browser

VISIBLE_ORGS = "() => pkViz.visibleNodeIds().filter(id => nodes.get(id).pk_type === 'org')"
NODE_XY = """(id) => { const p = network.canvasToDOM(network.getPositions([id])[id]);
  const r = document.getElementById('mynetwork').getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }"""


@pytest.fixture(scope="module")
def analysis(bundled_graph):
    """The analysis's own answers on the bundled plan, to hold the pictures to."""
    from queries.analysis.deadlines import crunch_matrix
    from queries.analysis.fetch import plan_graph
    from queries.analysis.graphs import collaboration_graph, find_organization

    B = plan_graph(bundled_graph)
    G = collaboration_graph(B)
    return {"B": B, "G": G, "crunch": crunch_matrix(B), "finance": find_organization(B, "县财政局"),
            "ndrc": find_organization(B, "县发展和改革局")}


@pytest.mark.parametrize("name,path", [
    ("landing", "/"), ("collaboration", "/viz/collaboration"), ("tasks", "/viz/tasks"),
    ("dependencies", "/viz/dependencies"), ("calendar", "/viz/calendar")])
def test_page_loads_clean_and_offline(page, bundled_server, name, path):
    if name == "landing":
        page.page.goto(bundled_server.url + path)
        links = page.page.eval_on_selector_all("header nav a", "as => as.map(a => a.getAttribute('href'))")
        assert {"/viz/collaboration", "/viz/calendar", "/viz/tasks", "/viz/dependencies", "/query", "/docs"} <= set(links)
        assert {"/ledger", "/ontology"} <= set(links)
        for href in links:  # every page the landing page links answers
            r = page.page.request.get(bundled_server.url + href)
            assert r.status == 200, href
        assert page.page.request.get(bundled_server.url + "/ledger?format=csv").status == 200
    else:
        page.open(bundled_server.url + path)
    if name in ("collaboration", "tasks", "dependencies"):
        assert page.page.evaluate("typeof network === 'object' && network.body.data.nodes.length > 0")
    page.shot(f"viz-{name}.png")
    page.check_clean()


def test_collaboration_draws_one_node_per_organisation(page, bundled_server, bundled_graph):
    from queries.runner import run_text

    rows, _ = run_text(bundled_graph, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { "
                                      "?x pk:leadUnit|pk:responsibleUnit|pk:domainLead ?o . ?o a org:Organization }")
    expected = int(rows[0]["n"])
    page.open(bundled_server.url + "/viz/collaboration")
    orgs = page.page.evaluate("() => nodes.get().filter(n => n.pk_type === 'org').map(n => n.id)")
    assert len(orgs) == len(set(orgs)) == expected
    assert page.page.evaluate("network.body.nodeIndices.length") == expected  # all drawn, none hidden
    # the layout is frozen once settled: physics off, nodes stay where they are
    assert page.page.evaluate("network.physics.physicsEnabled") is False
    before = page.page.evaluate("JSON.stringify(network.getPositions())")
    page.page.wait_for_timeout(300)
    assert page.page.evaluate("JSON.stringify(network.getPositions())") == before
    page.check_clean()


def test_filters_change_what_is_visible(page, bundled_server, analysis):
    page.open(bundled_server.url + "/viz/collaboration")
    everyone = set(page.page.evaluate(VISIBLE_ORGS))
    page.page.select_option('select[name="month"]', "2023-11")
    november = {r["iri"] for r in analysis["crunch"] if r["months"].get("2023-11")}
    assert set(page.page.evaluate(VISIBLE_ORGS)) == november < everyone
    assert page.page.evaluate("network.body.nodeIndices.length") == len(november)
    assert page.page.get_attribute("#pk-status", "data-orgs") == str(len(november))
    page.page.select_option('select[name="role"]', "lead")
    leads = {o for o in november if any(
        t for t in analysis["B"][o] if "lead" in analysis["B"].edges[t, o]["roles"]
        and any((d or "").startswith("2023-11") for d, _, _ in analysis["B"].nodes[t]["deadlines"]))}
    assert set(page.page.evaluate(VISIBLE_ORGS)) == leads < november
    assert "month=2023-11" in page.page.url and "role=lead" in page.page.url
    page.page.click('[data-control="reset"]')
    assert set(page.page.evaluate(VISIBLE_ORGS)) == everyone
    page.check_clean()


def test_who_works_with_county_finance_and_on_what(page, bundled_server, analysis):
    """Question 1 of the brief, by clicking: search the unit, read its partners, open one tie."""
    G, finance, ndrc = analysis["G"], analysis["finance"], analysis["ndrc"]
    page.page.goto(bundled_server.url + "/")
    page.page.click('header nav a[data-nav="collaboration"]')
    page.page.wait_for_function("window.pkReady === true && window.pkStable === true")
    page.page.fill('input[data-control="search"]', "县财政局")
    page.page.press('input[data-control="search"]', "Enter")
    assert set(page.page.evaluate(VISIBLE_ORGS)) == {finance, *G[finance]}
    partners = page.page.eval_on_selector_all("#pk-partners li", "ls => ls.map(l => l.dataset.org)")
    assert set(partners) == set(G[finance])
    assert partners[0] == max(G[finance], key=lambda p: (G.edges[finance, p]["weight"], -partners.index(p)))
    page.shot("viz-q1-finance-partners.png")
    page.page.click(f'#pk-partners li[data-org="{ndrc}"] button')
    shared = page.page.eval_on_selector_all("#pk-shared > li", "ls => ls.map(l => l.dataset.task)")
    assert shared and set(shared) == set(G.edges[finance, ndrc]["task_ids"])
    quotes = page.page.eval_on_selector_all("#pk-shared > li", "ls => ls.map(l => l.querySelectorAll('blockquote').length)")
    assert all(q >= 1 for q in quotes)  # every shared task quotes the sentence it came from
    # clicking the line itself gives the same list
    edge = page.page.evaluate(f"edges.get().find(e => [e.from, e.to].sort().join() === {sorted([finance, ndrc])!r}.join()).id")
    page.page.evaluate(f"pkViz.showEdge({edge!r})")
    assert set(page.page.eval_on_selector_all("#pk-shared > li", "ls => ls.map(l => l.dataset.task)")) == set(shared)
    page.shot("viz-q1-finance-ndrc-shared.png")
    page.check_clean()


def test_which_organisations_have_most_deadlines_in_november(page, bundled_server, analysis):
    """Question 2 of the brief, by clicking: open the calendar, click the November column."""
    page.open(bundled_server.url + "/viz/calendar")
    page.page.click('#pk-heat-table thead th[data-month="2023-11"]')
    real = [r for r in analysis["crunch"] if not r["collective"]]
    top = max(r["months"].get("2023-11", 0) for r in real)
    expected = {r["iri"] for r in real if r["months"].get("2023-11", 0) == top}
    ranked = page.page.eval_on_selector_all(
        "#pk-heat-table tbody tr[data-org]", "rs => rs.map(r => [r.dataset.org, r.querySelector('td.rank').textContent])")
    assert {o for o, rank in ranked if rank == "1"} == expected
    first = ranked[0][0]
    page.page.click(f'#pk-heat-table tr[data-org="{first}"] td[data-month="2023-11"]')
    listed = page.page.eval_on_selector_all("#pk-cell-tasks > li", "ls => ls.map(l => l.dataset.task)")
    row = next(r for r in analysis["crunch"] if r["iri"] == first)
    assert len(listed) == row["months"]["2023-11"]
    # every count on the page is the analysis's crunch matrix
    counts = page.page.evaluate("() => { const c = pkCalendar.counts(); const o = {};"
                                " for (const k in c) { o[k] = {}; for (const m in c[k]) if (m !== 'none') o[k][m] = c[k][m].length; }"
                                " return o; }")
    assert {k: v for k, v in counts.items() if v} == {r["iri"]: r["months"] for r in analysis["crunch"]}
    page.shot("viz-q2-november.png")
    page.check_clean()


def test_hostile_text_shows_as_text_and_runs_nothing(page, probe_server):
    page.open(probe_server.url + "/viz/collaboration")
    probe = page.page.evaluate(f"nodes.get().find(n => n.pk_zh === {PROBE_ORG!r}).id")
    assert page.page.evaluate(f"nodes.get({probe!r}).label") == PROBE_ORG  # drawn on the canvas as text
    x, y = page.page.evaluate(NODE_XY, probe)
    page.page.mouse.move(x, y)
    page.page.wait_for_selector("#pk-tip", state="visible")
    tip = page.page.text_content("#pk-tip")
    assert PROBE_ORG in tip and PROBE_TITLE in tip
    page.shot("viz-probe-tooltip.png")
    page.page.mouse.click(x, y)
    details = page.page.text_content("#pk-details")
    assert PROBE_ORG in details and PROBE_TITLE in details
    page.page.click("#pk-partners li button")
    assert PROBE_SENTENCE in page.page.text_content("#pk-details")
    page.page.fill('input[data-control="search"]', "探针")
    assert PROBE_ORG in page.page.text_content("#pk-matches")
    page.page.goto(probe_server.url + "/viz/calendar?month=2023-11")
    page.page.wait_for_function("window.pkReady === true")
    page.page.click("#pk-heat-table tbody tr[data-org] td.cell[data-month='2023-11']")
    assert PROBE_TITLE in page.page.text_content("#pk-cell")
    for path in ("/viz/tasks", "/viz/dependencies", "/"):
        page.page.goto(probe_server.url + path)
        page.page.wait_for_load_state("load")
    page.page.wait_for_timeout(200)  # an onerror handler would have fired by now
    assert page.page.evaluate("document.querySelectorAll('img').length") == 0
    page.check_clean()


def test_english_labels_toggle(page, bundled_server, analysis):
    page.open(bundled_server.url + "/viz/collaboration")
    finance = analysis["finance"]
    assert page.page.evaluate(f"nodes.get({finance!r}).label") == "县财政局"
    page.page.click("#pk-lang")
    assert page.page.evaluate("document.documentElement.lang") == "en"
    label = page.page.evaluate(f"nodes.get({finance!r}).label")
    assert label != "县财政局" and label.isascii()
    assert page.page.inner_text('header nav a[data-nav="calendar"]').strip() == "Deadline calendar"
    assert page.page.text_content('select[name="month"] option[value="2023-11"]') == "Nov 2023"
    page.shot("viz-collaboration-en.png")
    page.page.click("#pk-lang")
    assert page.page.evaluate(f"nodes.get({finance!r}).label") == "县财政局"
    page.check_clean()
