"""The SPARQL endpoint is one object, configured by its constructor and mounted like any router:
here alone in a bare FastAPI app, at a path of its own, with limits of its own."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.web.errors import install_error_handlers
from api.web.sparql.router import SparqlEndpoint

JSON = "application/sparql-results+json"
DATA = "".join(f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(5)).encode()


@pytest.fixture(scope="module")
def client():
    endpoint = SparqlEndpoint(workers=1, timeout=5.0, max_rows=2, max_query_bytes=200, path="/kg/sparql",
                              query_page="/elsewhere")
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(endpoint.router)
    endpoint.start({"sources": [(DATA, "nt", None)]})
    try:
        with TestClient(app) as c:
            yield c
    finally:
        endpoint.close()


def test_rows_are_capped_by_the_constructors_limit(client):
    r = client.get("/kg/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o }"}, headers={"Accept": JSON})
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == 2
    assert r.headers["X-Policykg-Truncated"] == "true"


def test_a_query_over_the_constructors_byte_limit_is_refused(client):
    long_query = "SELECT ?s WHERE { ?s ?p ?o }" + " " * 200
    r = client.post("/kg/sparql", content=long_query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    assert r.json()["ok"] is False


def test_a_browser_asking_for_the_description_goes_to_the_configured_query_page(client):
    r = client.get("/kg/sparql", headers={"Accept": "text/html"}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/elsewhere")


def test_nothing_answers_at_the_default_path(client):
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 404
