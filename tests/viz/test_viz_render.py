"""The pictures as HTML, without a browser: self-contained, deterministic, escaped, and size-guarded."""

from __future__ import annotations

import json
import os
import re

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from tests.viz.probe import PROBE_DOMAIN, PROBE_ORG, PROBE_SENTENCE, PROBE_TITLE, viz_app
from viz.calendar import NoChineseFont, calendar_image, calendar_page
from viz.collaboration import collaboration_page, collaboration_picture
from viz.data import load_view_data, view_payload
from viz.network import GraphTooLarge, render_network_html
from viz.pages import FILE_LINKS, SERVER_LINKS, json_for_script, landing_page
from viz.taskmap import dependencies_page, tasks_page

PAGES = {
    "collaboration": lambda g, links: collaboration_page(g, links=links),
    "tasks": lambda g, links: tasks_page(g, links=links),
    "dependencies": lambda g, links: dependencies_page(g, links=links),
    "calendar": lambda g, links: calendar_page(g, links=links),
    "landing": lambda g, links: landing_page(g, links=links),
}
# Anything that would make a browser fetch from elsewhere.
OUTSIDE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""", re.I)


def data_of(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="pk-data">(.*?)</script>', html, re.S)
    assert m, "page has no data element"
    return json.loads(m.group(1))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_pages_are_self_contained(probe_graph, name):
    html = PAGES[name](probe_graph, SERVER_LINKS)
    assert html.startswith("<!DOCTYPE html>")
    assert not OUTSIDE.search(html), OUTSIDE.search(html).group(0)
    assert "bootstrap" not in html.lower() and "<link" not in html.lower()
    if name in ("collaboration", "tasks", "dependencies"):
        assert "var network;" in html and "new vis.Network(" in html


@pytest.mark.parametrize("name", sorted(PAGES))
def test_hostile_text_never_reaches_markup(probe_graph, name):
    html = PAGES[name](probe_graph, SERVER_LINKS)
    for probe in (PROBE_TITLE, PROBE_ORG, PROBE_SENTENCE, PROBE_DOMAIN):
        assert probe not in html
    assert "<script>alert" not in html and "<img src" not in html and "<svg onload" not in html
    if name != "landing":
        payload = json.dumps(data_of(html), ensure_ascii=False)
        assert PROBE_TITLE in payload and PROBE_ORG in payload  # the text is there, as data


def test_json_for_script_cannot_close_the_element():
    text = json_for_script({"t": "</script><img src=x onerror=alert(1)>&'\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "'" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": "</script><img src=x onerror=alert(1)>&'\u2028"}


def test_same_graph_same_page(bundled_graph):
    assert collaboration_page(bundled_graph, links=FILE_LINKS) == collaboration_page(bundled_graph, links=FILE_LINKS)


def test_collaboration_nodes_edges_and_styles(bundled_graph):
    from queries.analysis.graphs import collaboration_graph
    from viz.collaboration import collaboration_communities

    data = load_view_data(bundled_graph)
    G = collaboration_graph(data.B)
    P, extra = collaboration_picture(G, view_payload(data), communities=collaboration_communities(G))
    assert set(P.nodes) == set(G.nodes) and P.number_of_edges() == G.number_of_edges()
    for u, v, e in P.edges(data=True):
        g = G.edges[u, v]
        assert len(e["pk_tasks"]) == g["weight"]
        assert (e["dashes"] is False) == (g["lead_lead"] > 0)
    assert not extra["aggregated"] and extra["legend"]["colorModes"] == ["community", "kind"]


def test_past_the_limit_communities_are_drawn(bundled_graph):
    from queries.analysis.graphs import collaboration_graph
    from viz.collaboration import collaboration_communities

    data = load_view_data(bundled_graph)
    G = collaboration_graph(data.B)
    comms = collaboration_communities(G)
    P, extra = collaboration_picture(G, view_payload(data), communities=comms, max_nodes=20)
    assert extra["aggregated"]
    assert P.number_of_nodes() < 20
    members = sorted(m for _, ms in P.nodes(data="pk_members") for m in ms)
    assert members == sorted(G.nodes)  # every organisation is in exactly one group
    with pytest.raises(GraphTooLarge):
        render_network_html(nx.path_graph(30), view="collaboration", title=("t", "t"), payload={}, links={},
                            max_nodes=20)


def test_a_title_attribute_is_refused():
    G = nx.Graph()
    G.add_node("a", title="<b>html</b>")
    with pytest.raises(ValueError, match="title"):
        render_network_html(G, view="tasks", title=("t", "t"), payload={}, links={})


def test_payload_quotes_sentences_and_counts_roles(probe_graph):
    p = view_payload(load_view_data(probe_graph))
    probe = next(o for o, x in p["orgs"].items() if x["zh"] == PROBE_ORG)
    task1 = next(t for t, x in p["tasks"].items() if x["title"] == PROBE_TITLE)
    assert p["orgs"][probe]["roles"] == {task1: "lead"}
    assert p["orgs"][probe]["sentences"][task1] == PROBE_SENTENCE
    assert p["months"] == ["2023-11"] and p["hasUndated"]
    assert [x["collective"] for x in p["orgs"].values()].count(True) == 1


def test_calendar_image(bundled_graph):
    data = load_view_data(bundled_graph)
    try:
        png = calendar_image(data, "png")
    except NoChineseFont as e:
        if os.environ.get("POLICYKG_REQUIRE_SYSTEM_DEPS") == "1":
            pytest.fail(str(e))
        pytest.skip(str(e))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    svg = calendar_image(data, "svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and not re.search(r"href=\"(?:https?:)?//", svg)
    with pytest.raises(ValueError):
        calendar_image(data, "gif")


def test_routes_serve_every_page(probe_graph):
    client = TestClient(viz_app(probe_graph))
    for path in ("/", "/viz/collaboration", "/viz/tasks", "/viz/dependencies", "/viz/calendar"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), path
    assert client.get("/viz/collaboration", params={"focus": "县财政局", "hops": 2}).status_code == 200
    r = client.get("/viz/collaboration", params={"focus": "县不存在局"})
    assert r.status_code == 404 and r.json()["ok"] is False and "县不存在局" in r.json()["error"]
    assert client.get("/viz/calendar.gif").status_code == 404


def test_cli_writes_pages_and_images(probe_graph, tmp_path, capsys):
    from api.cli import main
    from kg.graph import save_graph

    ttl = save_graph(probe_graph, tmp_path / "probe.ttl")
    assert main(["viz", "collaboration", "--out", str(tmp_path / "c.html"), "--graph", str(ttl), "--focus", "县财政局"]) == 0
    html = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert data_of(html)["initial"]["org"].endswith("县财政局") and not OUTSIDE.search(html)
    assert main(["viz", "all", "--out", str(tmp_path / "site"), "--graph", str(ttl)]) == 0
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == [
        "calendar.html", "collaboration.html", "dependencies.html", "index.html", "tasks.html"]
    assert 'href="calendar.html"' in (tmp_path / "site" / "collaboration.html").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["viz", "tasks", "--out", str(tmp_path / "t.png"), "--graph", str(ttl)]) == 2
    assert main(["viz", "collaboration", "--out", str(tmp_path / "x.html"), "--graph", str(ttl), "--focus", "县不存在局"]) == 1
    err = capsys.readouterr().err
    assert "policykg: error:" in err and "Traceback" not in err
    assert not (tmp_path / "lib").exists()


@pytest.fixture(scope="module")
def two_plans(probe_graph):
    from pathlib import Path

    from kg.graph import new_graph

    g = new_graph()
    for t in probe_graph:
        g.add(t)
    g.parse(Path(__file__).resolve().parents[1] / "data" / "analysis" / "mini_plan.ttl", format="turtle")
    return g


def test_one_document_at_a_time(two_plans):
    docs = sorted({a["doc"] for _, a in load_view_data(two_plans).B.nodes(data=True) if a.get("kind") == "task"})
    assert len(docs) == 2
    for d in docs:
        only = view_payload(load_view_data(two_plans, doc=d))
        assert only["tasks"] and all(t.startswith(d + "/") for t in only["tasks"])
    # a picture too big to draw narrows to the first document and lists both
    html = tasks_page(two_plans, links=SERVER_LINKS, max_nodes=8)
    p = data_of(html)
    assert [d["id"] for d in p["documents"]] == sorted(docs, key=lambda d: next(x["label"] for x in p["documents"] if x["id"] == d))
    assert all(t.startswith(p["document"] + "/") for t in p["tasks"]) and 'id="pk-banner"' in html
