"""The corpus rollups (kg.rollups): the plans' function tallies summed in the derived graph at build
time, kept right by `policykg add` and `remove`, and answering the corpus questions as the tallies do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import RDF

from kg.aggregates import ensure_aggregates
from kg.graph import load_graph
from kg.rollups import ROLLUP_CLASSES, rollup_ntriples
from kg.store import DATA, open_store
from kg.vocab import DERIVED_GRAPH
from loaders.build import build_graph
from loaders.places import load_places
from loaders.store_build import add_to_store, build_store
from queries.library import run_page
from tests.support import assert_serve_refuses, derived_triples, walk_add_and_remove

LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"
PLANS = ("prefix-brackets.txt", "suffix-style.txt", "division-line.txt")


def _stored(store) -> set[tuple[str, str, str]]:
    """The rollup triples of the store (all in the derived graph: asserted there)."""
    return derived_triples(store, ROLLUP_CLASSES)


def _summed_afresh(store) -> set[tuple[str, str, str]]:
    data, _ = rollup_ntriples(store)
    return {(t.subject.value, t.predicate.value, str(t.object)) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def _as_built_before_rollups(root: Path) -> None:
    """Leave the store as an older build left it: tallies, no rollups."""
    with open_store(root) as s:
        gen = s.path
    store = ox.Store(str(gen / DATA))
    for q in [q for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(DERIVED_GRAPH)))
              if "/id/rollup/" in q.subject.value]:
        store.remove(q)
    store.flush()
    del store


@pytest.fixture
def plans(tmp_path) -> list[Path]:
    for name in PLANS:
        shutil.copy(LAYOUTS / name, tmp_path / name)
    return [tmp_path / name for name in PLANS]


@pytest.mark.parametrize("one_place", [False, True], ids=["own places", "one place"])
def test_add_and_remove_keep_the_rollups_equal_to_the_sums(plans, tmp_path, one_place):
    # One place for every plan: a place stays counted while another plan of it has the function.
    place = load_places().given("371700") if one_place else None
    walk_add_and_remove(plans, tmp_path / "store", place=place, kept=lambda s: _stored(s.store),
                        afresh=lambda s: _summed_afresh(s.store))


@pytest.mark.parametrize("name", ["function_pairs", "function_roles"])
def test_the_corpus_answer_from_rollups_is_the_sum_of_the_tallies(plans, tmp_path, name):
    # Every plan in one place: that place's answer sums the tallies, the corpus answer reads rollups.
    place = load_places().given("371700")
    root = tmp_path / "store"
    build_store(plans, root, jobs=1, validate=False, place=place)
    with open_store(root) as s:
        g = s.graph()
        corpus = run_page(g, name, limit=1000).rows
        scoped = run_page(g, name, limit=1000, place="https://w3id.org/policykg/id/place/371700").rows
        assert corpus and corpus == scoped
        assert any(r.get("places") == 1 for r in corpus)


def test_a_store_built_before_rollups_gets_them_summed_at_its_next_change(plans, tmp_path):
    root = tmp_path / "store"
    build_store(plans[:2], root, jobs=1, validate=False)
    _as_built_before_rollups(root)
    add_to_store(plans[2:], root, validate=False)
    with open_store(root) as s:
        assert _stored(s.store) == _summed_afresh(s.store) != set()


def test_a_graph_file_without_rollups_gets_them_when_opened(plans, tmp_path):
    # `serve --graph FILE` and the CLI read files that older builds wrote: tallies, but no rollups.
    g = build_graph(plans[:2]).graph
    expected = run_page(g, "tasks_per_lead_unit", limit=100).rows
    assert expected
    for cls in ROLLUP_CLASSES:
        for node in list(g.subjects(RDF.type, cls)):
            g.remove((node, None, None))
    path = tmp_path / "old.ttl"
    g.serialize(path, format="turtle")
    old = load_graph(path)
    assert run_page(old, "tasks_per_lead_unit", limit=100).rows == []  # what an old file answers unaided
    assert ensure_aggregates(old)
    assert run_page(old, "tasks_per_lead_unit", limit=100).rows == expected
    assert ensure_aggregates(old) is None  # once is enough


def test_serving_a_store_built_before_rollups_is_refused_in_one_line(plans, tmp_path, capsys):
    root = tmp_path / "store"
    build_store(plans[:2], root, jobs=1, validate=False)
    _as_built_before_rollups(root)
    # Served read-only, its corpus-wide answers would be empty: say so and what to run, before serving.
    assert_serve_refuses(root, capsys, str(root), "policykg build")
