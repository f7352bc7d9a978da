"""Known answers on tests/data/analysis/mini_plan.ttl, a five-task plan worked out by hand.

The plan: task 1 (A leads, X supports), 2 (A and C lead, E supports; waits for province and city),
3 (B leads, A and C support), 4 (E leads; waits for an event), 5 (B leads, X supports), where
A = 县行政审批服务局, B = 县发展和改革局, C = 县财政局, E = 县税务局 and X = 县有关部门、单位 (collective).
Every graph is read through the analysis_* saved queries, as in production.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from kg.graph import load_graph
from queries.analysis import deadlines, network
from queries.analysis.reports import (
    PlanAnalysis,
    bottlenecks_report,
    crunch_report,
    impact_report,
    status_report,
    workload_report,
)

MINI = Path(__file__).resolve().parents[1] / "data" / "analysis" / "mini_plan.ttl"
ORG = "https://w3id.org/policykg/id/org/999999/"


@pytest.fixture(scope="module")
def pa() -> PlanAnalysis:
    return PlanAnalysis.from_source(load_graph(MINI))


def by_name(rows, key="organization"):
    return {r[key]: r for r in rows}


def test_workload_counts_and_collective_unit_is_unranked(pa):
    rows = by_name(workload_report(pa))
    assert {n: (r["lead"], r["responsible"], r["rank"]) for n, r in rows.items()} == {
        "县行政审批服务局": (2, 1, 1), "县发展和改革局": (2, 0, 2), "县税务局": (1, 1, 3),
        "县财政局": (1, 1, 4), "县有关部门、单位": (0, 2, None)}
    assert rows["县行政审批服务局"]["lead_tasks"] == [1, 2]
    assert rows["县行政审批服务局"]["domain_lead"] == 1
    assert rows["县行政审批服务局"]["by_domain"] == {"（1）开办企业": {"lead": 2, "responsible": 0},
                                                  "（2）获得电力": {"lead": 0, "responsible": 1}}
    assert rows["县发展和改革局"]["by_month"] == {"2023-09": 1, "2023-12": 2}


def test_collaboration_edges_weights_and_kinds(pa):
    G = pa.G
    ac = G.edges[ORG + "县行政审批服务局", ORG + "县财政局"]
    assert (ac["weight"], ac["tasks"], ac["lead_lead"], ac["responsible_responsible"]) == (2, (2, 3), 1, 1)
    assert G.edges[ORG + "县行政审批服务局", ORG + "县税务局"]["lead_responsible"] == 1
    # The domain lead of 获得电力 (B) is not thereby a partner of task 4's lead (E).
    assert not G.has_edge(ORG + "县发展和改革局", ORG + "县税务局")
    assert G.number_of_edges() == 7
    assert G.nodes[ORG + "县有关部门、单位"]["collective"] is True


def test_network_measures_by_hand(pa):
    m = pa.measures
    rows = by_name(m["organizations"])
    assert "县有关部门、单位" not in rows  # collective: shown, never ranked
    assert rows["县行政审批服务局"]["betweenness"] == pytest.approx(1 / 6, abs=1e-6)
    assert rows["县财政局"]["betweenness"] == pytest.approx(1 / 6, abs=1e-6)
    assert rows["县发展和改革局"]["betweenness"] == 0
    assert {r["core"] for r in rows.values()} == {2}
    assert m["articulation_points"] == {}
    assert [c["organization"] for c in m["collective_units"]] == ["县有关部门、单位"]
    assert m["betweenness_method"] == "exact"


def test_crunch_months_matrix_and_early_deadlines(pa):
    r = crunch_report(pa, days=45, min_tasks=2)
    assert [(m["month"], m["tasks"], m["crunch"]) for m in r["months"]] == [
        ("2023-09", 2, True), ("2023-11", 1, False), ("2023-12", 2, True)]
    matrix = by_name(r["matrix"])
    assert matrix["县行政审批服务局"]["months"] == {"2023-09": 2, "2023-11": 1, "2023-12": 1}
    assert [(c["organization"], c["month"]) for c in r["busy"]] == [
        ("县行政审批服务局", "2023-09"), ("县发展和改革局", "2023-12")]
    assert [(e["task"], e["days_after_issue"]) for e in r["early_deadlines"]] == [(1, 32), (3, 32)]


@pytest.mark.parametrize(("as_of", "expected"), [
    ("2023-10-15", {1: "red", 2: "green", 3: "red", 4: "open", 5: "green"}),
    ("2023-11-10", {1: "red", 2: "yellow", 3: "red", 4: "open", 5: "green"}),
    ("2023-09-01", {1: "yellow", 2: "green", 3: "yellow", 4: "open", 5: "green"}),
])
def test_status_lights(pa, as_of, expected):
    r = status_report(pa, as_of=date.fromisoformat(as_of), days=30)
    assert {t["task"]: t["status"] for t in r["tasks"]} == expected


def test_dependency_graph_edges_have_reasons(pa):
    D = pa.D
    rel = {(D.nodes[u].get("ref"), D.nodes[v]["label"], d["relation"]) for u, v, d in D.edges(data=True)}
    assert rel == {
        (1, "电子营业执照系统", "uses_system"), (3, "电子营业执照系统", "uses_system"),
        (2, "爱山东", "uses_system"), (3, "爱山东", "uses_system"),
        (2, "省级部署", "waits_for_deployment"), (2, "市级部署", "waits_for_deployment"),
        (4, "省电子税务局系统功能优化提升完成后", "waits_for_event")}
    assert all(d["reason"] for _, _, d in D.edges(data=True))


def test_the_fixtures_system_facts_are_what_the_loader_reads_from_its_texts(pa):
    from loaders.records import Span
    from loaders.task_facts import find_systems
    from queries.analysis.fetch import fetch_task_systems, fetch_task_texts

    facts = {(r["task"], r["name"]) for r in fetch_task_systems(pa.source)}
    read = {(t, m.name) for t, text in fetch_task_texts(pa.source).items()
            for m in find_systems(text, 0, len(text), lambda s, e, x=text: Span(s, e, x[s:e]))}
    assert facts == read and len(facts) == 5


def test_impact_of_a_lead_unit(pa):
    r = impact_report(pa, "县审批局")  # an alias
    assert [t["task"] for t in r["led_tasks"]] == [1, 2]
    assert r["supported_tasks"] == [3]
    assert {p["organization"] for p in r["partners"]} == {"县有关部门、单位", "县财政局", "县税务局"}
    assert [(t["task"], t["why"]) for t in r["tied_tasks"]] == [(3, ["shares 爱山东", "shares 电子营业执照系统"])]
    assert r["summary"]["organizations_held_up"] == 3


def test_bottleneck_scores_by_hand(pa):
    rows = bottlenecks_report(pa)
    # A: load 2.5 × crunch 2 × brokerage 2 × dependence 2 = 20; C: 1.5 × 1.5 × 2 × 2 = 9;
    # B: 2 × 2 × 1 × (1 + 2/3); E: 1.5 × 1.5 × 1 × 1.
    assert [(e["organization"], e["score"]) for e in rows] == [
        ("县行政审批服务局", 20.0), ("县财政局", 9.0), ("县发展和改革局", 6.667), ("县税务局", 2.25)]
    top = rows[0]
    assert top["peak_month"] == "2023-09" and top["peak_tasks"] == [1, 3]
    assert top["held_up_organizations"] == ["县发展和改革局", "县税务局", "县财政局"]
    assert len(top["reasons"]) == 4 and "leads 2 tasks (1、2)" in top["reasons"][0]


def test_unknown_organisation_is_a_parameter_error(pa):
    from kg.errors import QueryParameterError

    with pytest.raises(QueryParameterError, match="no organisation named"):
        impact_report(pa, "县不存在局")


def test_inputs_are_not_modified(pa):
    before = (nx.to_dict_of_dicts(pa.B), dict(pa.B.nodes(data=True)))
    G = pa.G
    g_before = nx.to_dict_of_dicts(G)
    network.organization_measures(G, B=pa.B)
    deadlines.task_status(pa.B, as_of=date(2023, 10, 1))
    bottlenecks_report(pa)
    assert (nx.to_dict_of_dicts(pa.B), dict(pa.B.nodes(data=True))) == before
    assert nx.to_dict_of_dicts(G) == g_before


def test_sampled_betweenness_is_seeded_and_close_to_exact():
    G = nx.connected_watts_strogatz_graph(300, 8, 0.2, seed=1)
    exact, m1 = network.betweenness(G)
    s1, m2 = network.betweenness(G, exact_max=100, k=150, seed=7)
    s2, _ = network.betweenness(G, exact_max=100, k=150, seed=7)
    assert (m1, m2) == ("exact", "sampled (k=150, seed=7)")
    assert s1 == s2
    assert exact == pytest.approx(nx.betweenness_centrality(G))
    top_exact = sorted(exact, key=exact.get, reverse=True)[:10]
    top_sampled = sorted(s1, key=s1.get, reverse=True)[:10]
    assert len(set(top_exact) & set(top_sampled)) >= 6


def test_text_order_edge_when_a_task_quotes_another_title():
    from queries.analysis.dependencies import dependency_graph
    from queries.analysis.graphs import task_org_graph

    B = task_org_graph([
        {"task": "a", "number": 1, "doc": "d", "title": "建立歇业信息共享机制", "text": "建立歇业信息共享机制。"},
        {"task": "b", "number": 2, "doc": "d", "title": "推进歇业制度", "text": "在建立歇业信息共享机制基础上推进。"},
        {"task": "c", "number": 3, "doc": "e", "title": "其他", "text": "建立歇业信息共享机制。"}], [])
    D = dependency_graph(B)
    # Only within one plan: task c (another document) quotes the title too, but is not ordered.
    assert [(u, v, d["relation"]) for u, v, d in D.edges(data=True)] == [("a", "b", "precedes")]
    assert D.edges["a", "b"]["reason"] == "task d#2 names task d#1: “建立歇业信息共享机制”"  # refs name the plan


def test_analysis_cache_reuses_then_expires():
    from queries.analysis.reports import AnalysisCache

    g = load_graph(MINI)
    cache = AnalysisCache(ttl=60)
    assert cache.get(g) is cache.get(g)
    assert cache.get(g) is not cache.get(g, doc="https://w3id.org/policykg/id/document/测政发〔2023〕1号")
    assert AnalysisCache(ttl=0).get(g) is not AnalysisCache(ttl=0).get(g)
    stale = AnalysisCache(ttl=0)
    assert stale.get(g) is not stale.get(g)


def test_analysis_cache_without_ttl_keeps_and_reads_a_scope_once_for_concurrent_callers(monkeypatch):
    import threading

    from queries.analysis import reports
    from queries.analysis.reports import AnalysisCache

    g = load_graph(MINI)
    reads = []
    real = reports.PlanAnalysis.from_source.__func__

    def counted(cls, source, **kw):
        reads.append(kw)
        return real(cls, source, **kw)

    monkeypatch.setattr(reports.PlanAnalysis, "from_source", classmethod(counted))
    cache = AnalysisCache(ttl=None)
    got = []
    threads = [threading.Thread(target=lambda: got.append(cache.get(g))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(reads) == 1 and len(got) == 4 and all(pa is got[0] for pa in got)
    assert cache.get(g) is got[0]
