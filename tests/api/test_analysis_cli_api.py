"""The analysis front doors: ``policykg analyze …`` and GET /analysis/…, on the hand-checked mini plan."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.cli import main
from kg.graph import load_graph

MINI = Path(__file__).resolve().parents[1] / "data" / "analysis" / "mini_plan.ttl"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["analyze", *args, "--graph", str(MINI)])
    out, err = capsys.readouterr()
    return code, out, err


def test_workload_json_records(capsys):
    code, out, _ = run(capsys, "workload", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert {r["organization"]: (r["lead"], r["responsible"]) for r in rows}["县行政审批服务局"] == (2, 1)
    assert all({"organization", "lead", "responsible"} <= r.keys() for r in rows)


def test_tables_and_csv(capsys):
    code, out, _ = run(capsys, "workload")
    assert code == 0 and "县行政审批服务局" in out and "牵头" in out
    code, out, _ = run(capsys, "network", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("organization,degree")
    code, out, _ = run(capsys, "crunch")
    assert code == 0 and "crunch month" in out and "task 1 9月底前 = 2023-09-30, 32 days" in out
    code, out, _ = run(capsys, "bottlenecks", "--top", "2")
    assert code == 0 and "1. 县行政审批服务局 (score 20)" in out and "县财政局" in out


def test_status_as_of(capsys):
    code, out, _ = run(capsys, "status", "--as-of", "2023-10-15", "--days", "30", "--format", "json")
    assert code == 0
    assert json.loads(out)["counts"] == {"red": 2, "yellow": 0, "green": 2, "open": 1}
    code, _, err = run(capsys, "status", "--as-of", "15/10/2023")
    assert code == 1 and err.startswith("policykg: error:") and "Traceback" not in err


def test_impact_and_ego(capsys):
    code, out, _ = run(capsys, "impact", "县财政局", "--format", "json")
    assert code == 0 and [t["task"] for t in json.loads(out)["led_tasks"]] == [2]
    code, out, _ = run(capsys, "network", "--ego", "县税务局", "--hops", "2", "--format", "json")
    assert code == 0 and json.loads(out)["hop_counts"] == {"0": 1, "1": 2, "2": 2}
    code, _, err = run(capsys, "impact", "县不存在局")
    assert code == 1 and "no organisation named" in err


@pytest.mark.parametrize("ext", ["graphml", "gexf", "json"])
def test_collaboration_export(capsys, tmp_path, ext):
    path = tmp_path / f"collab.{ext}"
    code, _, _ = run(capsys, "collaboration", "--out", str(path))
    assert code == 0
    if ext == "json":
        G = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="links")
    else:
        G = nx.read_graphml(path) if ext == "graphml" else nx.read_gexf(path)
    labels = {G.nodes[n]["label"] for n in G}
    assert "县行政审批服务局" in labels and "县有关部门、单位" in labels
    org = "https://w3id.org/policykg/id/org/999999/"
    assert int(G.edges[org + "县行政审批服务局", org + "县财政局"]["weight"]) == 2
    if ext == "gexf":
        assert 'timeformat="date"' in path.read_text(encoding="utf-8")


def test_write_back_rdf(capsys, tmp_path):
    path = tmp_path / "results.ttl"
    code, _, _ = run(capsys, "status", "--as-of", "2023-10-15", "--write-back", str(path))
    assert code == 0
    g = load_graph(path)
    # Results name organisations by IRI: load them beside the plan graph to get names.
    rows = list(g.query("SELECT ?o ?score WHERE { ?m pk:measuredOrganization ?o ; pk:bottleneckScore ?score } "
                        "ORDER BY DESC(?score)", initNs={"pk": "https://w3id.org/policykg/ontology#"}))
    assert rows and str(rows[0][0]).endswith("/县行政审批服务局") and float(rows[0][1]) == 20.0
    reds = list(g.query("SELECT ?t WHERE { ?s pk:statusLight pk:RedLight ; pk:statusOf ?t }",
                        initNs={"pk": "https://w3id.org/policykg/ontology#"}))
    assert len(reds) == 2


@pytest.fixture(scope="module")
def client():
    from api.web.errors import install_error_handlers
    from api.web.routers.analysis import router

    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.state.source = load_graph(MINI)
    return TestClient(app)


def test_api_routes(client):
    assert [a["name"] for a in client.get("/analysis").json()["analyses"]][:2] == ["workload", "crunch"]
    work = client.get("/analysis/workload").json()
    assert work[0]["organization"] == "县行政审批服务局" and work[0]["lead"] == 2
    assert client.get("/analysis/crunch", params={"days": 45}).json()["early_deadlines"][0]["task"] == 1
    status = client.get("/analysis/status", params={"as_of": "2023-11-10", "days": 30}).json()
    assert status["counts"]["yellow"] == 1
    assert client.get("/analysis/network").json()["betweenness_method"] == "exact"
    assert client.get("/analysis/network", params={"ego": "县审批局"}).json()["organization"] == "县行政审批服务局"
    assert client.get("/analysis/impact", params={"org": "县审批局"}).json()["summary"]["led"] == 2
    assert [e["score"] for e in client.get("/analysis/bottlenecks", params={"top": 2}).json()] == [20.0, 9.0]
    links = client.get("/analysis/collaboration").json()["links"]
    assert max(link["weight"] for link in links) == 2


def test_api_errors_have_one_shape(client):
    r = client.get("/analysis/impact", params={"org": "县不存在局"})
    assert r.status_code == 400 and r.json()["ok"] is False and "no organisation named" in r.json()["error"]
    assert client.get("/analysis/network", params={"hops": 3}).status_code in (400, 422)


@pytest.mark.parametrize("args", [("workload", "--format", "xml"), ("status", "--by", "month"),
                                  ("collaboration", "--out", "graph.csv")])
def test_usage_errors_are_one_line(capsys, args):
    code, _, err = run(capsys, *args)
    assert code == 2 and err.startswith("policykg: error:") and len(err.strip().splitlines()) == 1
