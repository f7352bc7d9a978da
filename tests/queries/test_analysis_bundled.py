"""Facts about the bundled plan (巨政发〔2023〕5号) that follow from its text, checked against the analyses.

Lead counts are recounted here straight from the raw text (every "（牵头单位：…" trailer), without
the parser, so the test checks the whole chain: parser → registry → graph → SPARQL → NetworkX.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import pytest

from kg.namespace import PK
from loaders.build import build_graph
from loaders.data import BUNDLED_PLAN
from queries.analysis.fetch import fetch_task_texts
from queries.analysis.reports import (
    PlanAnalysis,
    bottlenecks_report,
    crunch_report,
    network_report,
    status_report,
    workload_report,
)


@pytest.fixture(scope="module")
def pa(bundled_graph) -> PlanAnalysis:
    return PlanAnalysis.from_source(bundled_graph)


def count_in_trailers(name: str) -> tuple[int, int]:
    """(tasks whose 牵头单位 names ``name``, tasks whose 责任单位 name it) in the raw text."""
    text = re.sub(r"\s+", "", BUNDLED_PLAN.read_text(encoding="utf-8"))
    lead = resp = 0
    for m in re.finditer(r"[（(](牵头(?:单位|部门)[:：][^）)]*)[）)]", text):
        for part in re.split(r"[;；]", m.group(1)):
            key, _, names = re.split(r"([:：])", part, maxsplit=1)
            hit = name in re.split(r"[、，,]", names)
            if key.startswith("牵头"):
                lead += hit
            else:  # 责任单位 (once written 责责任单位)
                resp += hit
    return lead, resp


def test_the_unit_leading_most_tasks(pa):
    rows = workload_report(pa)
    top = rows[0]
    assert top["organization"] == "县行政审批服务局" and top["rank"] == 1
    assert (top["lead"], top["responsible"]) == count_in_trailers("县行政审批服务局") == (27, 6)
    assert all(r["lead"] < top["lead"] for r in rows[1:])


def test_workload_of_the_finance_bureau(pa):
    fin = next(r for r in workload_report(pa) if r["organization"] == "县财政局")
    assert (fin["lead"], fin["responsible"]) == count_in_trailers("县财政局") == (19, 6)


def test_collective_units_are_never_ranked(pa):
    rows = workload_report(pa)
    collective = [r for r in rows if r["collective"]]
    assert {"县有关部门、单位"} <= {r["organization"] for r in collective}
    assert all(r["rank"] is None for r in collective)
    assert rows[-len(collective):] == collective
    ranked = {r["organization"] for r in network_report(pa)["organizations"]}
    ranked |= {e["organization"] for e in bottlenecks_report(pa)}
    assert not ranked & {r["organization"] for r in collective}


def test_every_task_is_counted_once_per_role(pa):
    rows = workload_report(pa)
    tasks = {t for r in rows for t in r["lead_tasks"]}
    assert tasks == set(range(1, 171))  # every one of the 170 tasks names a lead unit


def test_crunch_months_are_november_and_december(pa):
    r = crunch_report(pa)
    assert [m["month"] for m in r["months"] if m["crunch"]] == ["2023-11", "2023-12"]
    # 8月底前 in a plan issued on 29 August 2023: two days to act.
    assert {e["days_after_issue"] for e in r["early_deadlines"] if e["date"] == "2023-08-31"} == {2}


def test_status_on_the_issue_date_has_no_red_light(pa):
    r = status_report(pa, as_of=date(2023, 8, 29), days=30)
    assert r["counts"]["red"] == 0
    assert r["counts"]["open"] == sum(1 for t in r["tasks"] if not t["next_deadline"])


def test_shared_system_ties_follow_the_text(pa):
    D = pa.D
    holders = {D.nodes[n]["label"]: sorted(D.nodes[t]["ref"] for t in D.predecessors(n))
               for n, k in D.nodes(data="kind") if k == "system"}
    texts = {pa.B.nodes[t]["number"]: re.sub(r"\s+", "", x) for t, x in fetch_task_texts(pa.source).items()}
    # A tie is a system the loader read in two or more tasks, each mention quoted from its task.
    assert holders["电子营业执照系统"] == sorted(n for n, x in texts.items() if "电子营业执照系统" in x)
    assert holders["跨境金融服务平台"] == [64, 65]
    # 爱山东 by its proper name (“爱山东”APP平台, “爱山东”政务服务平台) and by what it is (政务服务平台 in
    # 32, 山东省政务服务平台 in 110); not 128, where “爱山东” stands alone in a higher level's event.
    assert holders["爱山东"] == [32, 35, 110, 111]
    spans = pa.source.query("""SELECT ?n ?quote WHERE { ?t pk:namesSystem ?s ; pk:taskNumber ?n .
                               ?s pk:evidence/pk:quote ?quote }""", initNs={"pk": PK._NS})
    quotes = defaultdict(set)
    for n, quote in spans:
        quotes[int(n)].add(re.sub(r"\s+", "", str(quote)))
    for refs in holders.values():
        for n in refs:
            assert any(q in texts[n] for q in quotes[n]), n


def test_analyses_are_deterministic(pa):
    again = PlanAnalysis.from_source(build_graph([BUNDLED_PLAN]).graph)
    assert bottlenecks_report(pa) == bottlenecks_report(again)
    assert network_report(pa) == network_report(again)


def test_the_api_serves_the_same_answers(client, pa):
    rows = client.get("/analysis/workload").json()
    assert (rows[0]["organization"], rows[0]["lead"]) == ("县行政审批服务局", 27)
    assert client.get("/analysis/bottlenecks", params={"top": 5}).json() == bottlenecks_report(pa, top=5)


def test_a_remote_store_gives_the_same_answers(oxigraph_server, pa):
    from kg.remote_store import RemoteStore

    remote = PlanAnalysis.from_source(RemoteStore(oxigraph_server))
    assert workload_report(remote) == workload_report(pa)
    assert bottlenecks_report(remote) == bottlenecks_report(pa)
