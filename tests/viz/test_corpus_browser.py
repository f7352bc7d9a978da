"""The corpus pictures in Chromium: several counties' plans, compared by government function."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.browser


def test_compare_a_place_then_open_its_own_network(page, corpus_server, synth_corpus):
    page.open(corpus_server.url + "/viz/collaboration")
    page.check_clean()
    assert page.page.evaluate("pk.readData().view") == "functions"
    lines = int(page.page.get_attribute("#pk-status", "data-lines"))
    assert lines == page.page.evaluate("edges.get().length") > 0
    # Fewer lines when only pairs found in at least two places are kept
    page.page.select_option('select[name="min"]', "2")
    assert int(page.page.get_attribute("#pk-status", "data-lines")) < lines
    place = page.page.evaluate("pk.readData().places[0].iri")
    page.page.select_option('select[name="compare"]', place)
    page.page.wait_for_url("**compare=**")
    page.page.wait_for_function("window.pkReady === true")
    rare = page.page.locator("#pk-rare li").count()
    states = page.page.evaluate("edges.get().map(e => e.pk_state)")
    assert rare == min(15, states.count("rare_here"))
    page.shot("viz-functions-compare.png")
    page.page.click("#pk-place-orgs")
    page.page.wait_for_function("window.pkReady === true && pk.readData().view === 'collaboration'")
    docs = {str(d) for d, in synth_corpus.query(f"SELECT ?d WHERE {{ ?d pk:jurisdiction <{place}> }}")}
    tasks = page.page.evaluate("Object.keys(pk.readData().tasks || {})")
    assert tasks and all(any(t.startswith(d + "/") for d in docs) for t in tasks)
    page.check_clean()


def test_calendar_by_place_leads_to_one_place(page, corpus_server):
    page.open(corpus_server.url + "/viz/calendar")
    page.check_clean()
    rows = page.page.locator("#pk-corpus-calendar tbody tr")
    assert rows.count() == 5
    first = rows.first.get_attribute("data-place")
    rows.first.locator("th a").click()
    page.page.wait_for_function("window.pkReady === true && pk.readData().view === 'calendar'")
    assert parse_qs(urlparse(page.page.url).query)["place"] == [first]  # kept in the address
    page.check_clean()


def test_a_place_of_several_plans_draws_its_bodies_and_reads_sentences_when_asked(page, corpus_server, synth_corpus):
    from queries.library import run_query

    city = "https://w3id.org/policykg/id/place/370300"  # three of the five counties' plans lie in it
    docs = {r["doc"] for r in run_query(synth_corpus, "documents", place=city)}
    assert len(docs) > 1
    asked: list[str] = []
    page.page.on("request", lambda r: asked.append(r.url) if "/queries/" in r.url else None)
    page.open(corpus_server.url + "/viz/collaboration?place=370300")
    page.check_clean()
    data = page.page.evaluate("pk.readData()")
    assert data["view"] == "collaboration" and not data["aggregated"]
    assert set(data["quoteDocs"]) == docs and asked == []  # the page came without sentences
    assert not any(o["sentences"] for o in data["orgs"].values())
    # The note says what is drawn: every plan, the bodies and the lines the picture shows.
    drawn = page.page.evaluate("[nodes.get().length, edges.get().length]")
    note = page.page.inner_text("#pk-banner")
    assert f"全部 {len(docs)} 份文件" in note and f"{drawn[0]} 个单位" in note and f"{drawn[1]} 条协作连线" in note
    assert drawn[0] == len(data["orgs"]) and drawn[1] > 0
    # Opening a line reads its plan's sentences once, then quotes them under each shared task.
    edge = page.page.evaluate("edges.get().sort((a, b) => b.pk_tasks.length - a.pk_tasks.length)[0]")
    page.page.evaluate(f"pkViz.showEdge({edge['id']!r})")
    page.page.wait_for_selector("#pk-shared blockquote.pk-quote")
    assert page.page.locator("[data-quotes=reading]").count() == 0
    task = page.page.get_attribute("#pk-shared li", "data-task")
    doc = next(d for d in docs if task.startswith(d + "/"))
    expected = {r["sentence"] for r in run_query(synth_corpus, "viz_assignment_sentences", doc=doc)
                if r["task"] == task and r["org"] in (edge["from"], edge["to"]) and r.get("sentence")}
    quotes = set(page.page.locator("#pk-shared li").first.locator("blockquote").all_inner_texts())
    assert expected and expected <= quotes
    assert {u.split("?")[0].rsplit("/", 1)[-1] for u in asked} == {"viz_assignment_sentences", "viz_deadline_sentences"}
    page.page.evaluate(f"pkViz.showEdge({edge['id']!r})")  # read once: the same line asks nothing more
    n = len(asked)
    page.page.wait_for_selector("#pk-shared blockquote.pk-quote")
    assert len(asked) == n
    page.shot("viz-collaboration-place.png")
    page.check_clean()


def test_a_place_calendar_comes_without_sentences_and_reads_a_plans_when_its_task_is_listed(page, corpus_server, synth_corpus):
    from urllib.parse import unquote

    from queries.library import run_query

    city = "https://w3id.org/policykg/id/place/370300"  # three of the five counties' plans lie in it
    docs = {r["doc"] for r in run_query(synth_corpus, "documents", place=city)}
    assert len(docs) > 1
    asked: list[str] = []
    page.page.on("request", lambda r: asked.append(unquote(r.url)) if "/queries/" in r.url else None)
    page.open(corpus_server.url + "/viz/calendar?place=370300")
    page.check_clean()
    data = page.page.evaluate("pk.readData()")
    assert data["view"] == "calendar" and set(data["quoteDocs"]) == docs and asked == []
    assert not any(d.get("sentence") for t in data["tasks"].values() for d in t["deadlines"])
    # A dated task of the place's second plan: clicking its dot lists it, reading that plan's sentences.
    doc = data["quoteDocs"][1]
    said = {}
    for r in run_query(synth_corpus, "viz_deadline_sentences", doc=doc):
        if r.get("sentence") and r["task"] in data["tasks"]:
            said.setdefault(r["task"], set()).add(r["sentence"])
    task = next(t for t in said if any(d["date"] for d in data["tasks"][t]["deadlines"]))
    dot = f'#pk-timeline circle[data-task="{task}"]'
    page.page.dispatch_event(dot, "click")
    page.page.wait_for_selector(f'#pk-cell-tasks li[data-task="{task}"] blockquote.pk-quote')
    assert page.page.locator("[data-quotes=reading]").count() == 0
    quotes = set(page.page.locator(f'#pk-cell-tasks li[data-task="{task}"] blockquote').all_inner_texts())
    assert said[task] <= quotes
    assert asked and all("/queries/viz_deadline_sentences?doc=" + doc in u for u in asked)
    n = len(asked)
    page.page.dispatch_event(dot, "click")  # read once: the same plan asks nothing more
    page.page.wait_for_selector(f'#pk-cell-tasks li[data-task="{task}"] blockquote.pk-quote')
    assert len(asked) == n
    page.check_clean()
