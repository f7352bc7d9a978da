"""Build, add and remove on the persistent store give the same store as building the plans at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.graph import PREFIXES
from kg.store import open_store
from kg.store_counts import COUNTED
from kg.vocab import SHARED_GRAPH
from loaders.store_build import DocumentNotInStore, add_to_store, build_store, remove_from_store

LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"
PLANS = ("prefix-brackets.txt", "suffix-style.txt", "division-line.txt", "responsible-only.txt")


def _quads(root: Path) -> set[str]:
    """Every quad of the store, but the ontology's blank nodes (relabelled on every load)."""
    with open_store(root) as s:
        return {q for q in s.store.dump(format=ox.RdfFormat.N_QUADS).decode().splitlines() if "_:" not in q}


@pytest.fixture(scope="module")
def plans(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("plans")
    for name in PLANS:
        shutil.copy(LAYOUTS / name, folder / name)
    return [folder / name for name in PLANS]


@pytest.fixture(scope="module")
def whole(plans, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("whole") / "store"
    build_store(plans, root, jobs=2)
    return root


def test_adding_a_plan_gives_the_store_built_with_it(plans, whole, tmp_path):
    root = tmp_path / "store"
    first = build_store(plans[:-1], root, jobs=1)
    added = add_to_store(plans[-1:], root)
    assert _quads(root) == _quads(whole)
    assert added.counts["documents"] == len(plans) and first.counts["documents"] == len(plans) - 1
    with open_store(root) as s, open_store(whole) as w:
        assert s.meta["counts"] == w.meta["counts"]  # counts kept up to date, not recounted
        assert s.meta["documents"] == w.meta["documents"]
        # …and they are what counting the whole store gives.
        for key, pattern in {**COUNTED, "organizations": "?a pk:agent ?x"}.items():
            rows = s.store.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}", prefixes=PREFIXES,
                                 use_default_graph_as_union=True)
            assert int(next(iter(rows))["n"].value) == s.meta["counts"][key], key
        assert len(s.store) == s.meta["counts"]["triples"]


def test_removing_a_plan_gives_the_store_built_without_it(plans, whole, tmp_path):
    root = tmp_path / "store"
    shutil.copytree(whole, root, symlinks=True)
    without = tmp_path / "without"
    build_store(plans[1:], without)
    removed = remove_from_store("prefix-brackets.txt", root)  # by its source file name
    assert _quads(root) == _quads(without)
    assert removed.counts["documents"] == len(plans) - 1
    # Shared nodes only the removed plan named are gone; the others stay once.
    with open_store(root) as s:
        shared = ox.NamedNode(str(SHARED_GRAPH))
        orgs = {q.subject.value for q in s.store.quads_for_pattern(None, None, None, shared) if "/org/" in q.subject.value}
    with open_store(without) as w:
        expected = {q.subject.value for q in w.store.quads_for_pattern(None, None, None, shared) if "/org/" in q.subject.value}
    assert orgs == expected


def test_replacing_a_plan_and_finding_it_by_number_or_iri(plans, whole, tmp_path):
    root = tmp_path / "store"
    shutil.copytree(whole, root, symlinks=True)
    before = _quads(root)
    add_to_store(plans[:1], root)  # the same plan again: replaced, not doubled
    assert _quads(root) == before
    with open_store(root) as s:
        iri, doc = next((iri, d) for iri, d in s.meta["documents"].items() if d["file"] == plans[1].name)
    assert remove_from_store(doc["number"] or iri, root).iris == [iri]
    with pytest.raises(DocumentNotInStore, match="no document"):
        remove_from_store(iri, root)


def test_new_organisations_follow_the_plans(plans, tmp_path):
    root = tmp_path / "store"
    built = build_store(plans, root)
    names = {(o.place, o.name) for o in built.new_organizations}
    assert names and built.listing.is_file()
    removed = remove_from_store(plans[0].name, root)
    assert {(o.place, o.name) for o in removed.new_organizations} <= names
    assert (root / "current" / "new-organizations.yaml").read_text(encoding="utf-8").startswith("# Unit names")
