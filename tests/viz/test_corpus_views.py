"""Pictures of a corpus: functions working together across places, one place against the rest,
one place's own network, and the calendar by place, held to counts made here from the plain graph."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from itertools import combinations
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.viz.probe import viz_app
from viz.corpus import MAX_EDGES, corpus_payload, functions_picture
from viz.data import load_view_data

ROLES = """SELECT ?task ?where ?fn ?role WHERE {
  ?task a pk:Task ; pk:inDocument ?doc . ?doc pk:jurisdiction ?where .
  { ?task pk:leadUnit ?org BIND("lead" AS ?role) } UNION { ?task pk:responsibleUnit ?org BIND("responsible" AS ?role) }
  ?org pk:governmentFunction ?fn }"""
DUE = """SELECT DISTINCT ?where ?task ?month WHERE {
  ?task a pk:Task ; pk:inDocument ?doc ; pk:hasDeadline ?d . ?doc pk:jurisdiction ?where .
  ?d time:inXSDDate ?date BIND(SUBSTR(STR(?date), 1, 7) AS ?month) }"""


def data_of(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="pk-data">(.*?)</script>', html, re.S)
    assert m, "page has no data element"
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def truth(synth_corpus):
    """Per place, the pairs of functions working together on a task (one of them leading), and
    the tasks each function leads, counted from the tasks' own units."""
    roles: dict[str, dict[str, str]] = defaultdict(dict)
    where = {}
    for task, place, fn, role in synth_corpus.query(ROLES):
        where[str(task)] = str(place)
        if roles[str(task)].get(str(fn)) != "lead":
            roles[str(task)][str(fn)] = str(role)
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    led: dict[str, int] = defaultdict(int)
    for task, fns in roles.items():
        for fn, role in fns.items():
            led[fn] += role == "lead"
        for a, b in combinations(sorted(fns), 2):
            if "lead" in (fns[a], fns[b]):
                pairs[a, b].add(where[task])
    return {"pairs": pairs, "led": led, "places": sorted(set(where.values()))}


def test_pairs_and_roles_match_the_tasks(synth_corpus, truth):
    p = corpus_payload(synth_corpus)
    assert p["placeCount"] == len(truth["places"]) == 5
    got = {(r["a"], r["b"]): r["places"] for r in p["pairs"]}
    assert got == {k: len(v) for k, v in truth["pairs"].items()}
    assert {f["function"]: f["lead_tasks"] for f in p["functions"] if f["lead_tasks"]} == \
        {fn: n for fn, n in truth["led"].items() if n}
    assert any(n == 5 for n in got.values()) and any(n == 1 for n in got.values())  # both kinds exist


def test_one_place_against_the_rest(synth_corpus, truth):
    place = truth["places"][2]
    P, drawn = functions_picture(corpus_payload(synth_corpus, compare=place))
    mine = {k for k, v in truth["pairs"].items() if place in v}
    states = {(a, b) if a < b else (b, a): s for a, b, s in P.edges(data="pk_state")}
    for pair, state in states.items():
        share = len(truth["pairs"][pair]) / 5
        if pair in mine:
            assert state == ("rare_here" if share <= 0.2 else "shared"), pair
        else:
            assert state == ("missing_here" if share >= 0.5 else "faded"), pair
    assert {s for s in states.values()} >= {"shared", "rare_here"}
    assert mine <= set(states)  # every pair of the place is drawn


def test_lines_are_capped_most_widespread_first(synth_corpus):
    payload = corpus_payload(synth_corpus)
    P, drawn = functions_picture(payload, max_edges=10)
    assert P.number_of_edges() == len(drawn) == 10 < len(payload["pairs"])
    assert min(r["places"] for r in drawn) >= max(r["places"] for r in payload["pairs"] if r not in drawn)
    assert MAX_EDGES < 1000


def test_routes_choose_the_corpus_pictures(synth_corpus, truth):
    c = TestClient(viz_app(synth_corpus))
    assert data_of(c.get("/viz/collaboration").text)["view"] == "functions"
    place = truth["places"][0]
    compared = data_of(c.get("/viz/collaboration", params={"compare": place}).text)
    assert compared["compare"] == place and compared["compareName"]
    code = place.rsplit("/", 1)[-1]
    assert code.isdigit() and len(code) == 6  # a registered county: asked for by its GB/T 2260 code
    assert data_of(c.get("/viz/collaboration", params={"compare": code}).text)["compare"] == place
    own = data_of(c.get("/viz/collaboration", params={"place": code}).text)
    assert own["view"] == "collaboration" and own["tasks"]
    docs = {str(d) for d, in synth_corpus.query(f"SELECT ?d WHERE {{ ?d pk:jurisdiction <{place}> }}")}
    assert all(any(t.startswith(d + "/") for d in docs) for t in own["tasks"])
    cal = c.get("/viz/calendar").text
    assert data_of(cal)["view"] == "calendar-corpus" and data_of(cal)["places"] == 5
    assert c.get("/viz/calendar", params={"place": place}).status_code == 200
    assert data_of(c.get("/viz/calendar", params={"place": place}).text)["view"] == "calendar"


def test_calendar_counts_tasks_due_per_place_and_month(synth_corpus, truth):
    from viz.calendar import corpus_calendar_page
    from viz.pages import SERVER_LINKS

    due: dict[tuple[str, str], set[str]] = defaultdict(set)
    for place, task, month in synth_corpus.query(DUE):
        due[str(place), str(month)].add(str(task))
    html = corpus_calendar_page(synth_corpus, links=SERVER_LINKS)
    place = truth["places"][1]
    row = re.search(rf'<tr data-place="{re.escape(place)}">(.*?)</tr>', html, re.S).group(1)
    cells = dict(re.findall(r'<td data-month="([^"]+)"[^>]*>(\d*)</td>', row))
    assert {m: int(n) for m, n in cells.items() if n} == {m: len(t) for (p, m), t in due.items() if p == place}
    assert f'href="/viz/calendar?place={quote(place, safe="")}"' in html
    few = corpus_calendar_page(synth_corpus, links=SERVER_LINKS, max_places=2)
    assert few.count("<tr data-place=") == 2 and "3 quieter places not listed" in few


def test_a_scope_too_big_to_draw_reads_its_first_plan(synth_corpus):
    data = load_view_data(synth_corpus, max_tasks=100)
    assert len(data.documents) == 5
    docs = {a["doc"] for _, a in data.B.nodes(data=True) if a.get("kind") == "task"}
    assert docs == {data.documents[0]["id"]}
    assert load_view_data(synth_corpus).documents == ()  # small enough: every plan


def test_landing_of_a_big_corpus_counts_from_the_tallies(synth_corpus, monkeypatch):
    import viz.data
    from viz.pages import SERVER_LINKS, landing_page

    whole = landing_page(synth_corpus, links=SERVER_LINKS)
    monkeypatch.setattr(viz.data, "MAX_VIEW_TASKS", 100)  # five plans then count as a corpus too big to read
    big = landing_page(synth_corpus, links=SERVER_LINKS)
    figures = re.compile(r"<div><b>(\d+)</b> <span[^>]*>([^<]+)</span>")

    def numbers(html: str) -> dict[str, int]:
        return {k: int(n) for n, k in figures.findall(html)}

    small, large = numbers(whole), numbers(big)
    assert small["份文件"] == large["份文件"] == 5 and large["个地方"] == 5
    assert small["项任务"] == large["项任务"] and small["个领域"] == large["个领域"]
    assert small["个单位"] == large["个单位"]
    assert "&amp;doc=" in big and "&amp;doc=" not in whole  # example questions scoped to the first plan
