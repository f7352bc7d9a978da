"""Linking against SPARQL endpoints for real, on 127.0.0.1 only: a provincial graph served by an Oxigraph
server, and a small HTTP server that answers 429/503 first, for the back-off. No test touches the internet."""

from __future__ import annotations

import json
import subprocess
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from api.cli import main
from kg.graph import load_graph, save_graph
from kg.iri import iri_for
from kg.namespace import PK
from loaders.build import build_graph
from loaders.data import BUNDLED_PLAN
from queries.linking.endpoint import RESULTS_JSON, USER_AGENT, CachedEndpoint, LinkError
from queries.linking.places import p442_query, resolve_places
from tests.support import oxigraph_binary, running_oxigraph

LINKING = Path(__file__).resolve().parents[1] / "data" / "linking"
EMPTY_RESULTS = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": [
    {"n": {"type": "literal", "value": "1"}}]}}).encode()



@pytest.fixture(scope="module")
def province_endpoint(tmp_path_factory) -> Iterator[str]:
    """An Oxigraph server (read-only) holding tests/data/linking/sdkg-province.ttl; its query URL."""
    location = tmp_path_factory.mktemp("sdkg-oxigraph")
    subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", str(LINKING / "sdkg-province.ttl")],
                   check=True, capture_output=True)
    with running_oxigraph(location, read_only=True) as url:
        yield url


@pytest.fixture(scope="module")
def county_graph_path(tmp_path_factory) -> Path:
    return save_graph(build_graph([BUNDLED_PLAN]).graph, tmp_path_factory.mktemp("county") / "kg.ttl")


def test_link_fetches_maps_and_aligns_a_provincial_graph_from_an_endpoint(
        province_endpoint, county_graph_path, tmp_path, capsys) -> None:
    path = save_graph(load_graph(county_graph_path), tmp_path / "kg.ttl")
    cache = tmp_path / "cache"
    args = ["link", "-g", str(path), "--endpoint", province_endpoint,
            "--mapping", str(LINKING / "sdkg-to-policykg.sssom.tsv"), "--cache-dir", str(cache)]
    assert main(args) == 0
    out = capsys.readouterr()
    assert "4 tasks implementing a higher task" in out.out and "4/4 divisions with a Wikidata id" in out.out
    assert "unmapped class http://example.org/sdkg/ontology#GongZuoZu (1 instances)" in out.err
    g = load_graph(path)
    t19 = URIRef(str(iri_for("document", "371724", "巨政发〔2023〕5号")) + "/task/19")
    assert (t19, PK.implements, URIRef("http://example.org/sdkg/id/task-1")) in g
    bureau = iri_for("org", "370000", "山东省市场监督管理局")
    assert (bureau, SKOS.exactMatch, URIRef("http://example.org/sdkg/id/org-scjg")) in g
    # 巨野县 resolved by its division code, as Wikidata's P442 would give it (the test graph's stand-in item).
    assert (iri_for("place", "371724"), SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/Q0")) in g
    # A second run offline answers from the cache alone, with the same links.
    assert main([*args, "--offline"]) == 0
    assert (t19, PK.implements, URIRef("http://example.org/sdkg/id/task-1")) in load_graph(path)


def test_the_cache_answers_offline_and_refuses_what_it_has_not_seen(province_endpoint, tmp_path) -> None:
    online = CachedEndpoint(province_endpoint, cache_dir=tmp_path)
    rows = online.select(p442_query(["371724"]))
    assert [str(r["item"]) for r in rows] == ["http://www.wikidata.org/entity/Q0"]
    offline = CachedEndpoint(province_endpoint, cache_dir=tmp_path, offline=True)
    assert offline.select(p442_query(["371724"])) == rows and offline.requests_made == 0
    with pytest.raises(LinkError, match="offline"):
        offline.select(p442_query(["371725"]))


def test_places_fall_back_to_the_snapshot_and_say_what_is_unresolved(county_graph_path) -> None:
    matches = {m.code: m for m in resolve_places(load_graph(county_graph_path))}
    assert matches["370000"].wikidata == "Q43407" and matches["371724"].wikidata is None
    assert "P442" in matches["371724"].note and matches["371724"].origin == "unresolved"


# -- Politeness: User-Agent, POST for long queries, back-off on 429/503 ------------------------------


class _Flaky(BaseHTTPRequestHandler):
    """Answers each request with the next status of ``plan`` (then 200), recording what it was sent."""

    plan: list[tuple[int, dict[str, str]]] = []
    seen: list[dict[str, str]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        type(self).seen.append({"method": self.command, "agent": self.headers.get("User-Agent", ""),
                                "accept": self.headers.get("Accept", ""), "body": body, "path": self.path})
        status, headers = type(self).plan.pop(0) if type(self).plan else (200, {})
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", RESULTS_JSON if status == 200 else "text/plain")
        payload = EMPTY_RESULTS if status == 200 else b"slow down"
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture
def flaky() -> Iterator[tuple[str, type[_Flaky]]]:
    _Flaky.plan, _Flaky.seen = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", _Flaky
    finally:
        server.shutdown()
        server.server_close()


def test_429_then_200_waits_as_told_and_names_itself(flaky) -> None:
    url, handler = flaky
    handler.plan = [(429, {"Retry-After": "2"}), (503, {})]
    waits: list[float] = []
    ep = CachedEndpoint(url, backoff=0.5, sleep=waits.append)
    assert ep.select("SELECT ?n WHERE {}") == [{"n": Literal("1")}]
    assert waits == [2.0, 4.0]  # Retry-After first; then the doubled wait, as no header was given
    assert [s["method"] for s in handler.seen] == ["GET"] * 3
    assert all(s["agent"] == USER_AGENT and s["accept"] == RESULTS_JSON for s in handler.seen)
    assert "policykg" in USER_AGENT and "format=" not in handler.seen[0]["path"]


def test_back_off_gives_up_with_one_clear_error(flaky) -> None:
    url, handler = flaky
    handler.plan = [(503, {})] * 5
    waits: list[float] = []
    with pytest.raises(LinkError, match="HTTP 503"):
        CachedEndpoint(url, retries=2, backoff=0.25, sleep=waits.append).select("SELECT * WHERE {}")
    assert waits == [0.25, 0.5] and len(handler.seen) == 3


def test_long_queries_go_by_post_and_other_errors_are_not_retried(flaky) -> None:
    url, handler = flaky
    long_query = "SELECT ?n WHERE { VALUES ?n { " + " ".join(f'"{i}"' for i in range(600)) + " } }"
    CachedEndpoint(url, post_over=1500, sleep=lambda s: None).select(long_query)
    assert handler.seen[-1]["method"] == "POST" and "VALUES" in urllib.parse.unquote_plus(handler.seen[-1]["body"])
    handler.plan = [(404, {})]
    with pytest.raises(LinkError):
        CachedEndpoint(url, sleep=lambda s: pytest.fail("a 404 is not retried")).select("SELECT * WHERE { ?s ?p ?o }")
