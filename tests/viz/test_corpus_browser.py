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
