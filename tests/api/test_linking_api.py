"""The /linking routes over a graph of the county plan, the provincial fixture and `policykg link`'s links."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.settings import Settings
from api.web.app import create_app
from api.web.routers import linking
from kg.graph import save_graph
from loaders.build import build_graph
from loaders.data import BUNDLED_PLAN
from queries.linking.align import align_plans, alignment_triples

PROVINCE_PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "shandong-2023-excerpt.txt"
BUREAU = "370000/山东省市场监督管理局"


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    g = build_graph([BUNDLED_PLAN, PROVINCE_PLAN]).graph
    for t in alignment_triples(align_plans(g)):
        g.add(t)
    path = save_graph(g, tmp_path_factory.mktemp("linked") / "kg.ttl")
    app = create_app(Settings(graph_paths=(path,), query_workers=1))
    if not any(getattr(r, "path", "").startswith("/linking/") for r in app.routes):
        app.include_router(linking.router)  # until api/app.py includes it
    with TestClient(app) as c:
        yield c


def test_county_tasks_whose_provincial_counterpart_is_led_by_the_provincial_bureau(client) -> None:
    r = client.get("/linking/implemented-tasks", params={"lead": BUREAU})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == len(body["data"]) > 0
    assert {2, 6, 130, 133} <= {row["number"] for row in body["data"]}
    assert {row["lead_name"] for row in body["data"]} == {"山东省市场监督管理局"}


def test_alignments_list_scores_and_methods(client) -> None:
    rows = client.get("/linking/alignments", params={"predicate": "implements"}).json()["data"]
    assert rows and all(row["predicate"].endswith("#implements") for row in rows)
    assert all(0 < row["score"] <= 1 and "char_ngram_tfidf" in row["methods"] for row in rows)
    domains = client.get("/linking/alignments", params={"predicate": "alignedWith"}).json()["data"]
    assert len(domains) == 15


def test_counterparts_and_bodies_by_function(client) -> None:
    rows = client.get("/linking/counterparts/371724/县市场监督管理局").json()["data"]
    assert {(r["relation"], r["name"]) for r in rows} == {
        ("higher counterpart", "菏泽市市场监督管理局"), ("higher counterpart", "山东省市场监督管理局"),
        ("higher counterpart", "国家市场监督管理总局")}
    bodies = client.get("/linking/functions/market_regulation/bodies", params={"place": "370000"}).json()["data"]
    assert sorted(b["name"] for b in bodies) == ["县市场监督管理局", "山东省市场监督管理局", "菏泽市市场监督管理局"]
    r = client.get("/linking/counterparts/371724/没有这个局")
    assert r.status_code == 404 and r.json()["ok"] is False


def test_places_waits_and_higher_departments(client) -> None:
    places = {p["code"]: p for p in client.get("/linking/places").json()["data"]}
    assert places["370000"]["wikidata"].endswith("/Q43407") and places["371724"]["parent_name"] == "菏泽市"
    waits = client.get("/linking/deployment-waits").json()["data"]
    assert any(w["higher"] for w in waits) and any(not w["higher"] for w in waits)
    depts = client.get("/linking/higher-departments", params={"task": "371724/巨政发〔2023〕5号/task/133"}).json()["data"]
    assert {"implemented task", "counterpart of lead unit"} == {d["via"] for d in depts}
    assert "山东省市场监督管理局" in {d["name"] for d in depts}
