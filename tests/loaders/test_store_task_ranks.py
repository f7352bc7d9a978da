"""Task tallies (pk:TaskTally, each task's count of organisations): kept right by `policykg add` and
`remove`, counted once in older stores and files, and paging "tasks with the most organisations"
exactly as counting every assignment does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDF

from kg.aggregates import ensure_aggregates
from kg.graph import PREFIXES, load_graph
from kg.namespace import PK
from kg.store import DATA, open_store
from kg.task_ranks import task_tally_quads
from loaders.build import build_graph
from loaders.store_build import add_to_store, build_store, remove_from_store
from queries.library import run_page
from tests.support import assert_serve_refuses

LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"
PLANS = ("prefix-brackets.txt", "suffix-style.txt", "division-line.txt")
TYPE = ox.NamedNode(str(RDF.type))
QUESTION = "tasks_with_most_organizations"
# What the question ranked by before the count was kept: every assignment counted on every call.
COUNTED = """SELECT ?task ?document ?number (COUNT(DISTINCT ?o) AS ?n) WHERE {
  ?task pk:hasAssignment ?a ; pk:taskNumber ?number ; pk:inDocument ?d . ?d dcterms:identifier ?document .
  ?a pk:agent ?o . MINUS { ?o a pk:CollectiveUnit } } GROUP BY ?task ?document ?number"""


def _stored(store) -> set[tuple[str, str, str, str]]:
    """The task tallies' quads in the store."""
    nodes = {q.subject for q in store.quads_for_pattern(None, TYPE, ox.NamedNode(str(PK.TaskTally)))}
    return {(q.subject.value, q.predicate.value, str(q.object), q.graph_name.value)
            for node in nodes for q in store.quads_for_pattern(node, None, None)}


def _counted_afresh(store) -> set[tuple[str, str, str, str]]:
    return {(q.subject.value, q.predicate.value, str(q.object), q.graph_name.value)
            for q in ox.parse(task_tally_quads(store), format=ox.RdfFormat.N_QUADS)}


def _ranked(g, **params) -> list[tuple[str, int]]:
    """The question's rows as counting every assignment ranks them: most organisations, 文号, number."""
    rows = [(str(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in g.query(COUNTED, initNs=PREFIXES)]
    if "doc" in params:
        rows = [r for r in rows if r[0].startswith(params["doc"] + "/")]
    return [(task, n) for task, _, _, n in sorted(rows, key=lambda r: (-r[3], r[1], r[2]))]


def _paged(g, size: int, **params) -> tuple[list[tuple[str, int]], set[int]]:
    """Every row of the question, page after page of ``size``, and the totals each page gave."""
    rows, totals, offset = [], set(), 0
    while True:
        page = run_page(g, QUESTION, limit=size, offset=offset, **params)
        rows += [(str(r["task"]), int(r["organizations"])) for r in page.rows]
        totals.add(page.total)
        if len(page.rows) < size:
            return rows, totals
        offset += size


@pytest.fixture
def plans(tmp_path) -> list[Path]:
    for name in PLANS:
        shutil.copy(LAYOUTS / name, tmp_path / name)
    return [tmp_path / name for name in PLANS]


def _without_task_tallies(root: Path) -> None:
    """Leave the store as a build before task tallies left it."""
    with open_store(root) as s:
        gen = s.path
    store = ox.Store(str(gen / DATA))
    for node in {q.subject for q in store.quads_for_pattern(None, TYPE, ox.NamedNode(str(PK.TaskTally)))}:
        for q in list(store.quads_for_pattern(node, None, None)):
            store.remove(q)
    store.flush()
    del store


def test_add_and_remove_keep_the_task_tallies_equal_to_counting_afresh(plans, tmp_path):
    root = tmp_path / "store"
    build_store(plans[:1], root, jobs=1, validate=False)
    with open_store(root) as s:
        built = _stored(s.store)
        assert built and built == _counted_afresh(s.store)
    add_to_store(plans[1:], root, validate=False)
    with open_store(root) as s:
        assert _stored(s.store) == _counted_afresh(s.store) != built
    remove_from_store(plans[0].name, root)
    with open_store(root) as s:
        assert _stored(s.store) == _counted_afresh(s.store)
        assert not any(q[0].startswith(t[0].rsplit("/tally/", 1)[0]) for q in _stored(s.store) for t in built)


@pytest.mark.parametrize("size", [1, 7, 100])
def test_pages_by_count_are_the_ranking_of_counting_every_assignment(plans, tmp_path, size):
    root = tmp_path / "store"
    build_store(plans, root, jobs=1, validate=False)
    with open_store(root) as s:
        g = s.graph()
        expected = _ranked(g)
        assert len({n for _, n in expected}) > 2 and len({t.split("/task/")[0] for t, _ in expected}) == 3
        rows, totals = _paged(g, size)
        assert rows == expected and totals == {len(expected)}
        doc = expected[-1][0].split("/task/")[0]  # one plan: the page sub-select, sorted as before
        assert _paged(g, size, doc=doc)[0] == _ranked(g, doc=doc) != []


def test_a_store_built_before_task_tallies_is_refused_then_counted_at_its_next_change(plans, tmp_path, capsys):
    root = tmp_path / "store"
    build_store(plans[:2], root, jobs=1, validate=False)
    _without_task_tallies(root)
    assert_serve_refuses(root, capsys, "task tallies")
    add_to_store(plans[2:], root, validate=False)
    with open_store(root) as s:
        stored = _stored(s.store)
        assert stored == _counted_afresh(s.store)
        assert len({q[3] for q in stored}) == 3  # the older plans' tallies too, in their own graphs
        assert _paged(s.graph(), 100)[0] == _ranked(s.graph())


def test_a_graph_file_without_task_tallies_gets_them_when_opened(plans, tmp_path):
    g = build_graph(plans[:2]).graph
    expected = run_page(g, QUESTION, limit=100).rows
    assert expected
    for node in list(g.subjects(RDF.type, PK.TaskTally)):
        g.remove((node, None, None))
    path = tmp_path / "old.ttl"
    g.serialize(path, format="turtle")
    old = load_graph(path)
    assert run_page(old, QUESTION, limit=100).rows == []  # what an old file answers unaided
    assert ensure_aggregates(old)
    assert run_page(old, QUESTION, limit=100).rows == expected
