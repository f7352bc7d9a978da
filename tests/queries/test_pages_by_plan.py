"""Questions paged plan by plan give, page after page, the rows the question gives in one query.

A corpus of four plans (the bundled plan and three layout excerpts) built into a store as a user
builds one; every question paged ``by plan`` is walked in pages of 7 rows, over the whole corpus
and for one plan, and the pages are compared with the answer of one sorted query.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from api.cli import main
from kg.errors import QuerySyntaxError
from kg.graph import new_graph
from kg.namespace import PK
from kg.store import open_store
from queries.library import load_queries, run_page, run_query, select, term_to_python
from queries.paging import find_page_clause, page_is_answer

TESTS = Path(__file__).resolve().parents[1]
LAYOUTS = TESTS / "data" / "layouts"
SAMPLE = TESTS.parent / "loaders" / "data" / "samples" / "juye-2023-business-environment.txt"
BY_PLAN = sorted(q.name for q in load_queries().values() if q.by_plan)
BY_TALLY = sorted(q.name for q in load_queries().values() if q.by_plan == "tally")


def select_rows(g, text: str) -> list[dict]:
    names, rows = select(g, text)
    return [{n: term_to_python(v) for n, v in zip(names, row, strict=True)} for row in rows]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    plans = root / "plans"
    plans.mkdir()
    shutil.copy(SAMPLE, plans / SAMPLE.name)
    for name in ("prefix-brackets.txt", "suffix-style.txt", "label-lines.txt"):
        shutil.copy(LAYOUTS / name, plans / name)
    assert main(["build", str(plans), "--store", str(root / "store")]) == 0
    with open_store(root / "store") as opened:
        yield opened.graph()


def walk(g, name: str, **params) -> tuple[list[dict], set[int]]:
    rows, totals, offset = [], set(), 0
    while True:
        page = run_page(g, name, limit=7, offset=offset, **params)
        rows += page.rows
        totals.add(page.total)
        if page.next_offset is None:
            return rows, totals
        offset = page.next_offset


def test_some_questions_are_paged_by_plan_with_their_rows_counted_or_read_from_the_tally():
    assert {"tasks", "ledger"} <= set(BY_PLAN)
    assert set(BY_TALLY) >= {"tasks_without_deadline", "tasks_with_targets", "tasks_citing",
                             "tasks_waiting_on_higher_level", "link_deployment_resolution", "domains",
                             "analysis_units", "analysis_waits", "viz_assignment_sentences", "viz_deadline_sentences"}


@pytest.mark.parametrize("name", BY_TALLY)
def test_each_plans_tally_keeps_the_rows_its_list_shows(corpus, name):
    q = load_queries()[name]
    kept = {str(r["doc"]): r["n"] for r in select_rows(corpus, f"SELECT ?doc ?n WHERE {{ ?t a pk:DocumentTally ; "
                                                                f"pk:tallyOf ?doc ; <{q.plan_rows}> ?n }}")}
    plans = run_query(corpus, "plan_sizes")
    shown = {p["doc"]: len(run_query(corpus, name, **{q.plan_param: p["doc"]})) for p in plans}
    assert {d: kept[d] for d in shown} == shown
    assert sum(shown.values()) > 0, f"{name}: the corpus should hold rows of this list"


def test_a_store_whose_tallies_lack_a_count_still_pages_by_counting(corpus):
    # A store built before the count was kept: the pager counts each plan's rows itself.
    older = new_graph()
    older.addN((s, p, o, older) for s, p, o, _ in corpus.quads() if p != PK.targetCount)
    every = run_query(corpus, "tasks_with_targets")
    rows, totals = walk(older, "tasks_with_targets")
    assert len(every) > 7 and totals == {len(every)} and [r["task"] for r in rows] == [r["task"] for r in every]


@pytest.mark.parametrize("name", BY_PLAN)
def test_pages_by_plan_are_the_sorted_answer_cut_in_pages(corpus, name):
    every = run_query(corpus, name)
    key = next(k for k in ("task", "domain", "d") if k in every[0])
    rows, totals = walk(corpus, name)
    assert totals == {len(every)}
    assert [r[key] for r in rows] == [r[key] for r in every]
    plans = run_query(corpus, "plan_sizes")
    assert len(plans) >= 3  # plans with a 文号 (one excerpt has none)
    plan = load_queries()[name].plan_param
    for p in plans:
        mine = run_query(corpus, name, **{plan: p["doc"]})
        one, totals = walk(corpus, name, **{plan: p["doc"]})
        assert totals == {len(mine)} and [r[key] for r in one] == [r[key] for r in mine]
    assert sum(len(run_query(corpus, name, **{plan: p["doc"]})) for p in plans) == len(every)


@pytest.mark.parametrize("name", sorted(q.name for q in load_queries().values() if q.by_month))
def test_pages_by_month_are_the_sorted_answer_cut_in_pages(corpus, name):
    every = run_query(corpus, name)
    rows, totals = walk(corpus, name)
    assert len({r["month"] for r in every}) > 2
    assert totals == {len(every)} and rows == every
    org = every[0]["org"]  # one organisation's calendar is asked whole (a parameter beyond the month)
    mine = run_query(corpus, name, org=org)
    assert walk(corpus, name, org=org) == (mine, {len(mine)})


@pytest.mark.parametrize(("name", "params"), [
    ("tasks_waiting_on_higher_level", {"level": "https://w3id.org/policykg/ontology#ProvinceLevel"}),
    ("tasks_citing", {"ref": "省"}),
])
def test_a_list_filtered_beyond_plan_and_place_is_counted_then_paged_by_plan(corpus, name, params):
    every = run_query(corpus, name, **params)
    assert 7 < len(every) < len(run_query(corpus, name))
    assert walk(corpus, name, **params) == (every, {len(every)})


LIST = """# title: 测试 / A list
# param: doc: iri, optional: a plan
# param: place: iri, optional: a place
# param: month: string, optional: a month
# page: 5 {how}
SELECT ?task ?doc ?place ?month WHERE {{
  {{ SELECT ?task ?doc ?place ?month WHERE {{ ?task pk:inDocument ?doc }} ORDER BY ?doc LIMIT 5 }} }}
"""


@pytest.mark.parametrize(("how", "rows"), [("by plan (rows: pk:targetCount)", str(PK.targetCount)),
                                           ("by plan (rows counted)", "")])
def test_a_header_names_the_count_a_list_is_paged_by(tmp_path, how, rows):
    (tmp_path / "a_list.rq").write_text(LIST.format(how=how), encoding="utf-8")
    q = load_queries(tmp_path)["a_list"]
    assert q.by_plan in ("tally", "counted") and q.plan_rows == rows


def test_a_header_names_the_kept_count_a_ranking_is_paged_by(tmp_path):
    (tmp_path / "a_list.rq").write_text(LIST.format(how="by ?task (rows: pk:organizationCount)"), encoding="utf-8")
    q = load_queries(tmp_path)["a_list"]
    assert q.by_count == ("task", str(PK.organizationCount)) and not q.by_plan and not q.by_month


@pytest.mark.parametrize("how", ["by plan (rows: pk:noSuchCount)", "by plan (rows: targetCount)", "by week",
                                 "by ?task (rows: pk:noSuchCount)"])
def test_a_header_naming_no_count_of_the_ontology_is_refused(tmp_path, how):
    (tmp_path / "a_list.rq").write_text(LIST.format(how=how), encoding="utf-8")
    with pytest.raises(QuerySyntaxError, match="a_list.rq"):
        load_queries(tmp_path)


ANSWER_IS_PAGE = sorted(q.name for q in load_queries().values()
                        if q.page is not None and page_is_answer(q.text_for({}), find_page_clause(q.text_for({}))))


def test_the_analysis_lists_are_answered_from_their_pages_rows():
    # Their text around the page only projects and orders: no second query is sent for a page.
    assert {"analysis_units", "analysis_deadlines", "analysis_domains", "analysis_waits"} <= set(ANSWER_IS_PAGE)
    assert "viz_assignment_sentences" not in ANSWER_IS_PAGE  # it looks each row's sentence up


@pytest.mark.parametrize("name", ANSWER_IS_PAGE)
def test_a_question_answered_from_its_pages_rows_gives_every_column_of_the_sorted_answer(corpus, name):
    every = run_query(corpus, name)
    assert len(every) > 7
    rows, totals = walk(corpus, name)
    assert totals == {len(every)} and rows == every
    assert list(rows[0]) == list(every[0])  # the columns, in the question's order


@pytest.mark.parametrize("name", BY_TALLY)
def test_a_list_read_from_its_plans_or_from_its_rows_filtered_to_them_is_the_same(corpus, name, monkeypatch):
    import queries.page_cuts as page_cuts

    walked = {}
    for per_task in (0, 10**9):  # never / always read from the list's own rows
        monkeypatch.setattr(page_cuts, "SPARSE_ROWS_PER_TASK", per_task)
        walked[per_task] = walk(corpus, name)
    (plans, totals), (rows, totals_too) = walked[0], walked[10**9]
    key = next(k for k in ("task", "domain") if k in rows[0])
    # Rows the question's order leaves tied (two waits of one task) may come in either order.
    assert [r[key] for r in plans] == [r[key] for r in rows] and totals == totals_too
    assert sorted(map(repr, plans)) == sorted(map(repr, rows))


def test_a_store_generation_reads_the_plans_sizes_once_a_graph_that_may_change_every_time(corpus, monkeypatch):
    import queries.document_pages as pages

    calls = []
    real = pages.run_query
    monkeypatch.setattr(pages, "run_query", lambda *a, **k: calls.append(k) or real(*a, **k))
    with open_store(corpus.policykg_store.path) as opened:  # opened afresh: nothing kept yet
        fresh = opened.graph()
        first = pages.plan_sizes(fresh)
        first.clear()  # a caller's copy: what the store keeps is not changed
        again = pages.plan_sizes(fresh)
        assert len(calls) == 1 and len(again) >= 3
        assert [p.doc for p in pages.plan_sizes(fresh, doc=again[0].doc)] == [again[0].doc]
        assert len(calls) == 2  # another scope is another answer

    changing = new_graph()
    for triple in corpus.triples((None, None, None)):
        changing.add(triple)
    assert pages.plan_sizes(changing) == again
    assert pages.plan_sizes(changing) == again
    assert len(calls) == 4


def test_a_store_generation_counts_a_questions_total_once(corpus, monkeypatch):
    import queries.library as library

    totals = []
    real = library.select
    monkeypatch.setattr(library, "select", lambda g, text, *a, **k: (
        totals.append(text) if text.startswith("SELECT (COUNT(*) AS ?total)") else None) or real(g, text, *a, **k))
    with open_store(corpus.policykg_store.path) as opened:
        fresh = opened.graph()
        pages = [run_page(fresh, "organizations", limit=2, offset=o) for o in (0, 0, 2)]
        assert len(totals) == 1 and pages[0] == pages[1]
        assert {p.total for p in pages} == {len(run_query(fresh, "organizations"))}
        run_page(fresh, "organizations", limit=2, collective=False)
        assert len(totals) == 2  # another filter, another total
    changing = new_graph()
    for triple in corpus.triples((None, None, None)):
        changing.add(triple)
    assert [run_page(changing, "organizations", limit=2).total for _ in range(2)] == [pages[0].total] * 2
    assert len(totals) == 4


def test_a_store_generation_reads_a_short_lists_order_once_and_pages_are_slices_of_it(corpus, monkeypatch):
    import queries.library as library

    every = run_query(corpus, "organizations")
    seen = []
    real = library.select
    monkeypatch.setattr(library, "select", lambda g, text, *a, **k: seen.append(text) or real(g, text, *a, **k))
    with open_store(corpus.policykg_store.path) as opened:
        fresh = opened.graph()
        rows, totals = walk(fresh, "organizations")
        assert rows == every and totals == {len(every)}
        orders = [t for t in seen if f"LIMIT {library.KEPT_ORDER_ROWS} OFFSET 0" in t]
        assert len(orders) == 1  # one read of the order, however many pages
        walk(fresh, "organizations", collective=False)
        assert len([t for t in seen if f"LIMIT {library.KEPT_ORDER_ROWS} OFFSET 0" in t]) == 2
    monkeypatch.setattr(library, "KEPT_ORDER_ROWS", len(every) - 1)  # longer than kept: sorted per page
    with open_store(corpus.policykg_store.path) as opened:
        assert walk(opened.graph(), "organizations") == (every, {len(every)})
