"""The plans' tallies (kg.aggregates) live in the store: written at build time into each plan's own
graph, derived from it, and kept right by `policykg add` and `remove`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.aggregates import TALLY_CLASSES, aggregate_ntriples
from kg.store import open_store
from loaders.store_build import add_to_store, build_store, remove_from_store

LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"
PLANS = ("prefix-brackets.txt", "suffix-style.txt", "division-line.txt")
KINDS = {str(c) for c in TALLY_CLASSES}
PROV = "http://www.w3.org/ns/prov#wasDerivedFrom"


def _tallies(store) -> dict[str, set[tuple[str, str, str]]]:
    """Each graph's tally triples (subject, predicate, object), by the graph they sit in."""
    typed = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), None) if q.object.value in KINDS}
    out: dict[str, set[tuple[str, str, str]]] = {}
    for node in typed:
        for q in store.quads_for_pattern(node, None, None):
            out.setdefault(q.graph_name.value, set()).add((q.subject.value, q.predicate.value, str(q.object)))
    return out


def _counted_whole(store) -> set[tuple[str, str, str]]:
    """The tallies counted afresh over the whole store, all plans at once (not plan by plan)."""
    data, _ = aggregate_ntriples(store)
    return {(t.subject.value, t.predicate.value, str(t.object)) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


@pytest.fixture
def plans(tmp_path) -> list[Path]:
    for name in PLANS:
        shutil.copy(LAYOUTS / name, tmp_path / name)
    return [tmp_path / name for name in PLANS]


def test_build_writes_each_plans_tallies_into_its_graph(plans, tmp_path):
    root = tmp_path / "store"
    build_store(plans, root, jobs=1, validate=False)
    with open_store(root) as s:
        by_graph = _tallies(s.store)
        docs = set(s.meta["documents"])
        assert set(by_graph) == docs  # in the plans' graphs, none in the shared or derived graph
        for doc, triples in by_graph.items():
            assert {o for _, p, o in triples if p == PROV} == {f"<{doc}>"}  # provenance: its own plan
        assert set().union(*by_graph.values()) == _counted_whole(s.store)


def test_add_and_remove_keep_the_tallies_right(plans, tmp_path):
    root = tmp_path / "store"
    build_store(plans[:1], root, jobs=1, validate=False)
    add_to_store(plans[1:], root, validate=False)
    with open_store(root) as s:
        assert len(_tallies(s.store)) == 3
        assert set().union(*_tallies(s.store).values()) == _counted_whole(s.store)
    removed = remove_from_store(plans[0].name, root)
    with open_store(root) as s:
        assert removed.iris[0] not in _tallies(s.store) and len(_tallies(s.store)) == 2
        assert set().union(*_tallies(s.store).values()) == _counted_whole(s.store)
