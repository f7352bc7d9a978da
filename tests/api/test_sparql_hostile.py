"""Hostile input against a real server (uvicorn on 127.0.0.1) and a real client (SPARQLWrapper).

* SERVICE, FROM <url>, LOAD and dataset parameters pointing at a local listener: no request ever
  arrives there.
* LOAD / INSERT DATA / DROP ALL / CLEAR by GET and POST are refused and leave the data unchanged.
* A cartesian product over all triples stops at the time limit (2 s here) while another query is
  answered within 2 s.
* A 5 MB query, 10,000 nested braces and invalid UTF-8 get a clear 4xx, and the server goes on.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.parse

import httpx
import pytest

from api.app import create_app
from tests.support import free_port

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
LIGHT = "SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Task }"
JSON = {"Accept": "application/sparql-results+json"}



@pytest.fixture(scope="module")
def server(api_settings):
    """The application under uvicorn in a thread, as `policykg serve` runs it; time limit 2 s."""
    import uvicorn

    assert api_settings.query_timeout == 2.0
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(api_settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=15)


@pytest.fixture
def listener():
    """A TCP listener on 127.0.0.1 that records every connection made to it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.1)
    hits: list[tuple] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, addr = sock.accept()
            except OSError:
                continue
            hits.append(addr)
            conn.close()

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/", hits
    stop.set()
    t.join(timeout=2)
    sock.close()


def triple_count(base: str) -> int:
    r = httpx.get(base + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, headers=JSON)
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def send(base: str, how: str, text: str, **extra) -> httpx.Response:
    """Send ``text`` to /sparql by one of the protocol's ways (or the update ways)."""
    url = base + "/sparql"
    if how == "get":
        return httpx.get(url, params={"query": text, **extra}, timeout=30)
    if how == "get-update":
        return httpx.get(url, params={"update": text}, timeout=30)
    if how == "form":
        return httpx.post(url, data={"query": text, **extra}, timeout=30)
    if how == "form-update":
        return httpx.post(url, data={"update": text}, timeout=30)
    if how == "direct":
        return httpx.post(url, params=extra, content=text.encode(), headers={"Content-Type": "application/sparql-query"},
                          timeout=30)
    return httpx.post(url, content=text.encode(), headers={"Content-Type": "application/sparql-update"}, timeout=30)


def assert_4xx(r: httpx.Response) -> str:
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    body = r.json()
    assert body["ok"] is False and body["status"] == r.status_code
    return body["error"]


# -- no outbound request ---------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_service_and_foreign_graphs_never_reach_the_network(server, listener, how):
    url, hits = listener
    queries = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?t a pk:Task OPTIONAL {{ service silent <{url}> {{ ?t ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ SERVICE ?endpoint {{ ?s ?p ?o }} VALUES ?endpoint {{ <{url}> }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",  # parsers expand \\u escapes first
        f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"LOAD <{url}>",
    ]
    for q in queries:
        assert_4xx(send(server, how, q))
    for param in ("default-graph-uri", "named-graph-uri"):
        assert_4xx(send(server, how, "SELECT * WHERE { ?s ?p ?o }", **{param: url}))
    r = send(server, how, f"DESCRIBE <{url}x>")  # names the URL, fetches nothing
    assert r.status_code == 200
    time.sleep(0.5)
    assert hits == [], "the server made a request to the listener"


# -- read-only -------------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["get", "get-update", "form", "form-update", "direct", "direct-update"])
def test_updates_by_get_and_post_leave_the_data_unchanged(server, listener, how):
    url, hits = listener
    before = triple_count(server)
    for update in ["INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }", "DROP ALL", "CLEAR DEFAULT",
                   "DELETE WHERE { ?s ?p ?o }", f"LOAD <{url}>", "CREATE GRAPH <urn:x:g>",
                   "PREFIX ex: <urn:x:> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }"]:
        message = assert_4xx(send(server, how, update))
        assert "read-only" in message
    assert triple_count(server) == before
    assert hits == []


# -- time limit ------------------------------------------------------------------------------------

def test_a_runaway_query_stops_at_the_time_limit_while_others_are_answered(server):
    heavy: dict[str, object] = {}

    def run_heavy() -> None:
        started = time.monotonic()
        heavy["response"] = httpx.post(server + "/sparql", data={"query": HEAVY}, headers=JSON, timeout=60)
        heavy["seconds"] = time.monotonic() - started

    t = threading.Thread(target=run_heavy)
    t.start()
    time.sleep(0.3)  # the heavy query is running now
    started = time.monotonic()
    light = httpx.get(server + "/sparql", params={"query": LIGHT}, headers=JSON, timeout=30)
    light_seconds = time.monotonic() - started
    assert light.status_code == 200 and light.json()["results"]["bindings"][0]["n"]["value"] == "170"
    assert light_seconds < 2.0, f"a light query waited {light_seconds:.2f} s behind a heavy one"
    t.join(timeout=60)
    response = heavy["response"]
    assert isinstance(response, httpx.Response)
    assert "time limit" in assert_503(response)
    assert 2.0 <= heavy["seconds"] < 2.0 + 3.0, heavy["seconds"]
    # The killed worker is replaced: the server keeps answering, twice in parallel again.
    for _ in range(3):
        assert httpx.get(server + "/sparql", params={"query": LIGHT}, headers=JSON, timeout=30).status_code == 200


def test_a_query_that_needs_too_much_memory_ends_its_worker_not_the_server(server):
    # Sorting the square of all triples needs tens of GB; the worker's memory cap stops it first
    # (502), or the time limit does (503) — either way the server goes on answering.
    r = httpx.post(server + "/sparql", data={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"},
                   headers=JSON, timeout=60)
    assert r.status_code in (502, 503), r.text[:300]
    assert r.json()["status"] == r.status_code
    assert httpx.get(server + "/sparql", params={"query": LIGHT}, headers=JSON, timeout=30).status_code == 200


def assert_503(r: httpx.Response) -> str:
    assert r.status_code == 503, (r.status_code, r.text[:300])
    assert r.json()["status"] == 503
    return r.json()["error"]


# -- oversized and malformed -----------------------------------------------------------------------

def test_a_5mb_query_is_refused_with_413(server):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (5 * 1024 * 1024)
    for how in ("form", "direct"):
        r = send(server, how, big)
        assert r.status_code == 413 and "limit" in r.json()["error"]
    # By GET, HTTP clients refuse a 5 MB URL themselves; a raw request line gets a 4xx from the server.
    status = raw_request_status(server, b"GET /sparql?query=" + urllib.parse.quote(big).encode() + b" HTTP/1.1\r\n"
                                b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert 400 <= status < 500
    # A long but honest query still runs (rdflib's parser needs ~0.3 s per 10 kB, within the limit).
    values = " ".join(f'"{i:06d}"' for i in range(1_000))
    q = f"SELECT (COUNT(?v) AS ?n) WHERE {{ VALUES ?v {{ {values} }} }}"
    r = send(server, "direct", q)
    assert r.status_code == 200 and '"1000"' in r.text


def raw_request_status(base: str, request: bytes) -> int:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        try:
            sock.sendall(request)
        except OSError:  # the server may close as soon as it has refused the request line
            pass
        reply = b""
        while b"\r\n" not in reply:
            chunk = sock.recv(4096)
            if not chunk:
                break
            reply += chunk
    return int(reply.split(b" ", 2)[1])


def test_absurd_nesting_is_refused_before_parsing(server):
    for q in ["SELECT * WHERE " + "{" * 10_000 + " ?s ?p ?o " + "}" * 10_000,
              "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
              "SELECT * WHERE " + "{" * 10_000]:
        assert "nests" in assert_4xx(send(server, "direct", q))
    # Realistic nesting is fine.
    q = "SELECT * WHERE " + "{" * 30 + " ?s a pk:Task " + "}" * 30 + " LIMIT 1"
    assert send(server, "direct", q).status_code == 200
    assert triple_count(server) > 0


def test_invalid_utf8_is_refused_with_400(server):
    raw = b"SELECT * WHERE { ?s ?p \"\xff\xfe\" }"
    r = httpx.post(server + "/sparql", content=raw, headers={"Content-Type": "application/sparql-query"})
    assert "UTF-8" in assert_4xx(r)
    encoded = urllib.parse.quote_from_bytes(raw)
    assert "UTF-8" in assert_4xx(httpx.get(server + f"/sparql?query={encoded}"))
    r = httpx.post(server + "/sparql", content=b"query=" + encoded.encode(),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert "UTF-8" in assert_4xx(r)


# -- real clients ----------------------------------------------------------------------------------

def test_sparqlwrapper_as_a_client(server):
    from SPARQLWrapper import CSV, GET, JSON, POST, TURTLE, XML, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    sw = SPARQLWrapper(server + "/sparql")
    for method in (GET, POST):
        sw.setMethod(method)
        sw.setReturnFormat(JSON)
        sw.setQuery("PREFIX pk: <https://w3id.org/policykg/ontology#> "
                    "SELECT ?n WHERE { ?t a pk:Task ; pk:taskNumber ?n } ORDER BY ?n LIMIT 3")
        assert [b["n"]["value"] for b in sw.queryAndConvert()["results"]["bindings"]] == ["1", "2", "3"]
    sw.setReturnFormat(XML)
    assert sw.queryAndConvert().getElementsByTagName("result").length == 3
    sw.setReturnFormat(CSV)
    assert sw.queryAndConvert().decode().splitlines() == ["n", "1", "2", "3"]
    sw.setQuery("ASK { ?t a pk:Task }")
    sw.setReturnFormat(JSON)
    assert sw.queryAndConvert()["boolean"] is True
    sw.setQuery("CONSTRUCT { ?t pk:taskNumber ?n } WHERE { ?t pk:taskNumber ?n }")
    sw.setReturnFormat(TURTLE)
    g = sw.queryAndConvert()
    from rdflib import Graph

    assert len(Graph().parse(data=g, format="turtle")) == 170
    sw.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed):
        sw.query()


def test_our_endpoint_serves_the_saved_questions_through_a_remote_store(server, bundled_graph):
    from kg.remote_store import RemoteStore
    from queries.library import run_query

    remote = RemoteStore(server + "/sparql")
    org = "https://w3id.org/policykg/id/org/371724/县商务局"
    for name, params in [("tasks_per_lead_unit", {}), ("tasks_by_organization", {"org": org}), ("ledger", {})]:
        assert run_query(remote, name, **params) == run_query(bundled_graph, name, **params)
