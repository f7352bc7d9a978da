"""The deadline calendar's rows per month (pk:MonthRollup, kg.month_rollups): kept right by `policykg
add` and `remove`, summed once in older stores, and paging the calendar as counting every tally does."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.month_rollups import month_rows
from kg.namespace import PK
from kg.store import DATA, open_store
from kg.vocab import DERIVED_GRAPH
from loaders.places import load_places
from loaders.store_build import add_to_store, build_store, remove_from_store
from queries.library import run_page, run_query
from tests.support import assert_serve_refuses, walk_add_and_remove

LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"
PLANS = ("prefix-brackets.txt", "suffix-style.txt", "division-line.txt")
QUESTION = "deadline_calendar"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _kept(store) -> dict[str, int]:
    """The month rollups in the store, month → rows (all in the derived graph: asserted here)."""
    out = {}
    for q in store.quads_for_pattern(None, TYPE, ox.NamedNode(str(PK.MonthRollup))):
        assert q.graph_name.value == str(DERIVED_GRAPH)
        [month] = [t.object.value for t in store.quads_for_pattern(q.subject, ox.NamedNode(str(PK.rollupMonth)), None)]
        [rows] = [int(t.object.value) for t in store.quads_for_pattern(q.subject, ox.NamedNode(str(PK.rollupRows)), None)]
        out[month] = rows
    return out


def _counted(g) -> dict[str, int]:
    """The calendar's rows per month, counted from every row of the answer."""
    return dict(Counter(r["month"] for r in run_query(g, QUESTION)))


@pytest.fixture
def plans(tmp_path) -> list[Path]:
    for name in PLANS:
        shutil.copy(LAYOUTS / name, tmp_path / name)
    return [tmp_path / name for name in PLANS]


@pytest.fixture
def twins(tmp_path) -> list[Path]:
    """Two plans of one city under two 文号: the same bodies with tasks due in the same months."""
    text = (LAYOUTS / PLANS[0]).read_text(encoding="utf-8")
    assert "菏政办字〔2024〕8号" in text
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(text, encoding="utf-8")
    second.write_text(text.replace("菏政办字〔2024〕8号", "菏政办字〔2024〕9号"), encoding="utf-8")
    return [first, second]


def test_a_month_counts_a_body_once_however_many_plans_name_it_then(twins, tmp_path):
    root = tmp_path / "store"
    build_store(twins[:1], root, jobs=1, validate=False)
    with open_store(root) as s:
        alone = _kept(s.store)
        assert alone and alone == _counted(s.graph())
    add_to_store(twins[1:], root, validate=False)
    with open_store(root) as s:
        assert _kept(s.store) == _counted(s.graph()) == alone  # the twin brings no new row
    remove_from_store(twins[0].name, root)
    with open_store(root) as s:
        assert _kept(s.store) == _counted(s.graph()) == alone  # the other still names them


@pytest.mark.parametrize("one_place", [False, True], ids=["own places", "one place"])
def test_add_and_remove_keep_the_month_rows_equal_to_counting_the_calendar(plans, tmp_path, one_place):
    # One place for every plan: its bodies are the same nodes, named in several plans' months.
    place = load_places().given("371700") if one_place else None

    def counted_twice(s) -> None:  # by the calendar's question and by the build's own count
        assert _counted(s.graph()) == dict(month_rows(s.store))

    walk_add_and_remove(plans, tmp_path / "store", place=place, kept=lambda s: _kept(s.store),
                        afresh=lambda s: _counted(s.graph()), at_build=counted_twice)


@pytest.mark.parametrize("size", [7, 200])
def test_pages_by_kept_month_rows_are_the_calendar_in_one_query(plans, tmp_path, size):
    root = tmp_path / "store"
    build_store(plans, root, jobs=1, validate=False, place=load_places().given("371700"))
    with open_store(root) as s:
        g = s.graph()
        expected = run_query(g, QUESTION)
        assert len({r["month"] for r in expected}) > 2
        rows, offset = [], 0
        while True:
            page = run_page(g, QUESTION, limit=size, offset=offset)
            assert page.total == len(expected)
            rows += page.rows
            if len(page.rows) < size:
                break
            offset += size
        assert rows == expected


def test_a_store_built_before_month_rollups_is_refused_then_summed_at_its_next_change(plans, tmp_path, capsys):

    root = tmp_path / "store"
    build_store(plans[:2], root, jobs=1, validate=False)
    with open_store(root) as s:
        gen = s.path
    store = ox.Store(str(gen / DATA))
    for node in [q.subject for q in store.quads_for_pattern(None, TYPE, ox.NamedNode(str(PK.MonthRollup)))]:
        for q in list(store.quads_for_pattern(node, None, None)):
            store.remove(q)
    store.flush()
    del store
    assert_serve_refuses(root, capsys, str(root), "policykg build")
    add_to_store(plans[2:], root, validate=False)
    with open_store(root) as s:
        assert _kept(s.store) == _counted(s.graph()) != {}
