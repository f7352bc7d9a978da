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
from kg.store import open_store
from queries.library import load_queries, run_page, run_query

TESTS = Path(__file__).resolve().parents[1]
LAYOUTS = TESTS / "data" / "layouts"
SAMPLE = TESTS.parent / "loaders" / "data" / "samples" / "juye-2023-business-environment.txt"
BY_PLAN = sorted(q.name for q in load_queries().values() if q.by_plan)


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


def test_some_questions_are_paged_by_plan_with_their_rows_counted():
    assert {"tasks", "ledger"} <= set(BY_PLAN)
    assert {"tasks_without_deadline", "domains"} <= {q.name for q in load_queries().values() if q.by_plan == "counted"}


@pytest.mark.parametrize("name", BY_PLAN)
def test_pages_by_plan_are_the_sorted_answer_cut_in_pages(corpus, name):
    every = run_query(corpus, name)
    key = next(k for k in ("task", "domain", "d") if k in every[0])
    rows, totals = walk(corpus, name)
    assert totals == {len(every)}
    assert [r[key] for r in rows] == [r[key] for r in every]
    plans = run_query(corpus, "plan_sizes")
    assert len(plans) >= 3  # plans with a 文号 (one excerpt has none)
    for plan in plans:
        mine = run_query(corpus, name, doc=plan["doc"])
        one, totals = walk(corpus, name, doc=plan["doc"])
        assert totals == {len(mine)} and [r[key] for r in one] == [r[key] for r in mine]
    assert sum(len(run_query(corpus, name, doc=p["doc"])) for p in plans) == len(every)
