"""The corpus analysis from stored sums (kg.org_pairs, queries.analysis.corpus): the same collaboration
graph, due months and bottleneck scores as computed from every task, kept right by add and remove,
and served by the analysis routes with what they are computed from."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.settings import Settings
from api.web.app import create_app
from kg.org_pairs import PAIR_CLASSES, org_pair_quads
from kg.store import DATA, open_store
from kg.vocab import DERIVED_GRAPH
from loaders.places import load_places
from loaders.store_build import add_to_store, build_store
from queries.analysis import corpus
from queries.analysis.bottlenecks import bottleneck_report
from queries.analysis.deadlines import crunch_matrix
from queries.analysis.fetch import plan_graph
from queries.analysis.graphs import PAIR_KINDS, collaboration_graph
from queries.analysis.network import organization_measures
from queries.library import run_query
from tests.support import derived_triples, walk_add_and_remove

LAYOUTS = Path(__file__).resolve().parents[1] / "data" / "layouts"
PLANS = ("prefix-brackets.txt", "suffix-style.txt", "division-line.txt", "city-mixed-labels.txt")


@pytest.fixture
def plans(tmp_path) -> list[Path]:
    for name in PLANS:
        shutil.copy(LAYOUTS / name, tmp_path / name)
    return [tmp_path / name for name in PLANS]


@pytest.fixture(scope="module", params=[False, True], ids=["own places", "one place"])
def built(request, tmp_path_factory) -> Path:
    """A store of the layout plans: each in its own place, or all in one (so organisations recur across plans)."""
    tmp = tmp_path_factory.mktemp("sums")
    for name in PLANS:
        shutil.copy(LAYOUTS / name, tmp / name)
    root = tmp / "store"
    build_store([tmp / n for n in PLANS], root, jobs=1, validate=False,
                place=load_places().given("371700") if request.param else None)
    return root


def _stored(store) -> set[tuple[str, str, str]]:
    return derived_triples(store, PAIR_CLASSES)


def _afresh(store) -> set[tuple[str, str, str]]:
    return {(q.subject.value, q.predicate.value, str(q.object))
            for q in ox.parse(org_pair_quads(store), format=ox.RdfFormat.N_QUADS)}


def test_the_stored_collaboration_graph_is_the_one_projected_from_the_tasks(built):
    with open_store(built) as s:
        g = s.graph()
        B, sums = plan_graph(g), corpus.stored_sums(g, min_tasks=0)
    assert sums is not None and sums.pairs
    direct, stored = collaboration_graph(B), corpus.collaboration_from_sums(sums)
    node = ("label", "collective", "org_class", "lead", "responsible")
    assert {v: tuple(a[k] for k in node) for v, a in stored.nodes(data=True)} == \
           {v: tuple(a[k] for k in node) for v, a in direct.nodes(data=True)}
    edge = ("weight", *PAIR_KINDS)
    as_set = lambda G: {(frozenset((u, v)), tuple(e[k] for k in edge)) for u, v, e in G.edges(data=True)}  # noqa: E731
    assert as_set(stored) == as_set(direct) and stored.number_of_edges() > 5
    # Who leads which pair's shared tasks, as the tasks say.
    for u, v, e in stored.edges(data=True):
        leads = {o for t in direct.edges[u, v]["task_ids"] for o in (u, v) if B.edges[t, o]["roles"] and
                 "lead" in B.edges[t, o]["roles"]}
        assert set(e["led_by"]) == leads


def test_the_stored_due_months_are_the_crunch_matrix_of_the_tasks(built):
    with open_store(built) as s:
        g = s.graph()
        B, sums = plan_graph(g), corpus.stored_sums(g, min_tasks=0)
    expected = {r["iri"]: r["months"] for r in crunch_matrix(B)}
    assert expected and corpus.due_months(sums) == expected


def test_bottlenecks_from_the_sums_score_as_the_tasks_do_without_system_ties(built):
    with open_store(built) as s:
        g = s.graph()
        B, sums = plan_graph(g), corpus.stored_sums(g, min_tasks=0)
    G = collaboration_graph(B)
    # No dependency edges: the dependence of a corpus from sums counts partners on led tasks only.
    exact = bottleneck_report(B, nx.DiGraph(), organization_measures(G, B=B))
    S = corpus.collaboration_from_sums(sums)
    stored = corpus.bottlenecks_from_sums(S, corpus.due_months(sums), corpus.bridge_measures(S))
    assert stored == corpus.bottlenecks_from_sums(S, corpus.due_months(sums), organization_measures(S))
    keys = ("iri", "rank", "lead", "responsible", "peak", "peak_month", "plan_peak", "held_up",
            "held_up_organizations", "articulation", "cuts_off")
    floats = ("score", "load", "crunch", "brokerage", "dependence", "betweenness")
    assert len(stored) == len(exact) > 3
    for mine, theirs in zip(stored, exact, strict=True):
        assert {k: mine[k] for k in keys} == {k: theirs[k] for k in keys}
        assert [mine[k] for k in floats] == pytest.approx([theirs[k] for k in floats], abs=1e-3)
        assert "lead_tasks" not in mine and mine["computed_from"] == corpus.COMPUTED_FROM
        assert mine["reasons"][0].startswith(f"load {mine['load']:g}: leads {mine['lead']} tasks")


def test_a_small_corpus_is_still_read_task_by_task(built):
    with open_store(built) as s:
        assert corpus.stored_sums(s.graph()) is None  # a few dozen tasks: under DETAIL_MAX_TASKS


@pytest.mark.parametrize("one_place", [False, True], ids=["own places", "one place"])
def test_add_and_remove_keep_the_sums_equal_to_a_fresh_count(plans, tmp_path, one_place):
    place = load_places().given("371700") if one_place else None
    walk_add_and_remove(plans, tmp_path / "store", place=place, kept=lambda s: _stored(s.store),
                        afresh=lambda s: _afresh(s.store))


def test_a_store_built_before_the_sums_gets_them_whole_on_its_next_add(plans, tmp_path):
    root = tmp_path / "store"
    build_store(plans[:2], root, jobs=1, validate=False)
    with open_store(root) as s:
        gen = s.path
    store = ox.Store(str(gen / DATA))
    for q in [q for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(DERIVED_GRAPH)))
              if "/id/rollup/orgpair/" in q.subject.value or "/id/rollup/due/" in q.subject.value]:
        store.remove(q)
    store.flush()
    del store
    add_to_store(plans[2:], root, validate=False)
    with open_store(root) as s:
        assert _stored(s.store) and _stored(s.store) == _afresh(s.store)


def test_the_routes_say_a_corpus_answer_comes_from_the_sums_and_one_place_keeps_its_tasks(built, monkeypatch):
    monkeypatch.setattr(corpus, "DETAIL_MAX_TASKS", 0)  # the layout plans as if a province's
    with TestClient(create_app(Settings(store_path=built, query_timeout=10.0))) as c:
        collab = c.get("/analysis/collaboration").json()
        assert collab["graph"]["computed_from"] == corpus.COMPUTED_FROM
        assert collab["links"] and all("tasks" not in link for link in collab["links"])
        ranked = c.get("/analysis/bottlenecks").json()
        assert ranked and all(e["computed_from"] == corpus.COMPUTED_FROM and "tied_tasks" not in e for e in ranked)
        measures = c.get("/analysis/network").json()
        assert measures["computed_from"] == corpus.COMPUTED_FROM
        assert {r["domains"] for r in measures["organizations"]} == {None}
        # Other analyses of the corpus read the tasks, as before.
        assert any(r["lead_tasks"] for r in c.get("/analysis/workload").json())
        with open_store(built) as s:
            iri = run_query(s.graph(), "analysis_documents")[0]["doc"]
        one = c.get("/analysis/bottlenecks", params={"doc": iri}).json()
        assert one and all("computed_from" not in e and "lead_tasks" in e for e in one)
        assert "computed_from" not in c.get("/analysis/collaboration", params={"doc": iri}).json()["graph"]


def test_a_large_store_with_sums_is_warmed_from_them_without_reading_a_task(built, monkeypatch):
    import time

    from api.web import app as web_app

    monkeypatch.setattr(corpus, "DETAIL_MAX_TASKS", 0)
    monkeypatch.setattr(web_app, "WARM_MAX_TASKS", 0)  # as if the layout plans were more than the warm-up reads
    with TestClient(create_app(Settings(store_path=built, query_timeout=10.0))) as c:
        cache = c.app.state.analysis_cache
        deadline = time.monotonic() + 60
        while not any("bottlenecks" in pa._cache for *_, pa in cache._entries.values()) and time.monotonic() < deadline:
            time.sleep(0.1)
        (pa,) = [pa for *_, pa in cache._entries.values()]
        assert "bottlenecks" in pa._cache and pa.sums is not None and pa._B is None
        assert c.get("/analysis/bottlenecks").json() == pa._cache["bottlenecks"]


def test_the_write_back_of_a_corpus_from_its_sums_leaves_out_what_the_sums_do_not_know(built, monkeypatch):
    from datetime import date

    from kg.namespace import PK
    from queries.analysis import reports

    monkeypatch.setattr(corpus, "DETAIL_MAX_TASKS", 0)
    with open_store(built) as s:
        pa = reports.PlanAnalysis.from_source(s.graph())
        assert pa.sums is not None
        reports.network_report(pa)
        g = reports.writeback_report(pa, as_of=date(2023, 10, 1))
    assert not list(g.triples((None, PK.domainSpread, None)))
    assert len(list(g.triples((None, PK.bottleneckScore, None)))) == len(reports.bottlenecks_report(pa))
