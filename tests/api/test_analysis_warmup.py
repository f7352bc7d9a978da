"""The server warms the analyses of a small store ahead of the first request, and not those of a corpus."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from api.web import app as web_app


def _serve_and_wait(api_settings):
    """Start the app, wait for its warm-up thread, and return (whether the whole store got warmed, bottlenecks)."""
    with TestClient(web_app.create_app(api_settings)) as c:
        for t in threading.enumerate():
            if t.name == "policykg-warm-analyses":
                t.join(timeout=120)
        cache = c.app.state.analysis_cache
        warmed = bool(cache._entries)
        r = c.get("/analysis/bottlenecks", params={"top": 1})
        assert r.status_code == 200
        return warmed, r.json()


def test_a_small_store_is_warmed_and_a_corpus_is_read_on_first_request(api_settings, monkeypatch):
    warmed, small = _serve_and_wait(api_settings)
    assert warmed  # the bundled plan (170 tasks) is read before any request
    monkeypatch.setattr(web_app, "WARM_MAX_TASKS", 100)  # now the same plan counts as a corpus
    warmed, first = _serve_and_wait(api_settings)
    assert not warmed
    assert first == small and first[0]["rank"] == 1  # read on the first request: the same answer


def test_a_served_file_keeps_its_answers(api_settings):
    with TestClient(web_app.create_app(api_settings)) as c:
        assert c.app.state.analysis_cache.ttl is None  # a graph file or store does not change while served
