"""The /sparql endpoint against the query side of the W3C SPARQL 1.1 Protocol test suite.

Test names follow the W3C cases (https://w3c.github.io/rdf-tests/sparql/sparql11/protocol/):
methods, media types, dataset parameters and the negative cases. The dataset cases use a small
TriG file with two named graphs, since the bundled plan has none.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from api.settings import Settings
from api.web.app import create_app

JSON, XML = "application/sparql-results+json", "application/sparql-results+xml"
FORM, DIRECT = "application/x-www-form-urlencoded", "application/sparql-query"
EX = "http://example.org/"
TRIG = """@prefix ex: <http://example.org/> .
ex:d ex:p "in default" .
ex:g1 { ex:a ex:p "in g1" . }
ex:g2 { ex:b ex:p "in g2" . }
"""
COUNT_TASKS = "SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Task }"


@pytest.fixture(scope="module")
def dataset_client(tmp_path_factory):
    """The app over the TriG file, with a row cap of 3."""
    path = tmp_path_factory.mktemp("trig") / "data.trig"
    path.write_text(TRIG, encoding="utf-8")
    with TestClient(create_app(Settings(graph_paths=(path,), max_rows=3))) as c:
        yield c


def values(response, var="o") -> list[str]:
    assert response.status_code == 200, response.text
    return sorted(b[var]["value"] for b in response.json()["results"]["bindings"])


def assert_error(response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body == {"ok": False, "error": body["error"], "status": status} and body["error"]
    return body["error"]


# -- query operation: methods ---------------------------------------------------------------------

def test_query_get(client):
    r = client.get("/sparql", params={"query": COUNT_TASKS}, headers={"Accept": JSON})
    assert r.headers["content-type"].startswith(JSON)
    assert r.json()["results"]["bindings"][0]["n"] == {
        "type": "literal", "value": "170", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}


def test_query_post_form(client):
    r = client.post("/sparql", data={"query": COUNT_TASKS}, headers={"Accept": JSON})
    assert values(r, "n") == ["170"]


def test_query_post_direct(client):
    r = client.post("/sparql", content=COUNT_TASKS.encode(), headers={"Content-Type": DIRECT, "Accept": JSON})
    assert values(r, "n") == ["170"]


def test_query_post_direct_with_utf8_charset_and_chinese_literals(client):
    q = 'SELECT ?n WHERE { ?t pk:taskNumber ?n ; dcterms:title "全面实施市场准入负面清单"@zh }'
    r = client.post("/sparql", content=q.encode("utf-8"), headers={"Content-Type": DIRECT + "; charset=UTF-8"})
    assert values(r, "n") == ["1"]


# -- dataset -------------------------------------------------------------------------------------

def test_no_dataset_means_the_union_of_all_graphs(dataset_client):
    r = dataset_client.get("/sparql", params={"query": "SELECT ?o WHERE { ?s ?p ?o }"})
    assert values(r) == ["in default", "in g1", "in g2"]


def test_query_dataset_default_graph(dataset_client):
    r = dataset_client.get("/sparql", params={"query": "SELECT ?o WHERE { ?s ?p ?o }", "default-graph-uri": EX + "g1"})
    assert values(r) == ["in g1"]


def test_query_dataset_default_graphs_get(dataset_client):
    r = dataset_client.get("/sparql", params=[("query", "SELECT ?o WHERE { ?s ?p ?o }"),
                                              ("default-graph-uri", EX + "g1"), ("default-graph-uri", EX + "g2")])
    assert values(r) == ["in g1", "in g2"]


def test_query_dataset_named_graphs_post(dataset_client):
    r = dataset_client.post("/sparql", data={"query": "SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
                                             "named-graph-uri": EX + "g2"})
    assert values(r, "g") == [EX + "g2"]


def test_query_dataset_full(dataset_client):
    q = "SELECT ?o ?in WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?in } } }"
    r = dataset_client.post("/sparql", params={"default-graph-uri": EX + "g1", "named-graph-uri": EX + "g2"},
                            content=q.encode(), headers={"Content-Type": DIRECT})
    rows = r.json()["results"]["bindings"]
    assert sorted(b.get("o", b.get("in"))["value"] for b in rows) == ["in g1", "in g2"]


def test_query_multiple_dataset_protocol_overrides_from(dataset_client):
    q = f"SELECT ?o FROM <{EX}g1> WHERE {{ ?s ?p ?o }}"
    assert values(dataset_client.get("/sparql", params={"query": q})) == ["in g1"]
    r = dataset_client.get("/sparql", params={"query": q, "default-graph-uri": EX + "g2"})
    assert values(r) == ["in g2"]


@pytest.mark.parametrize("params", [
    {"query": "SELECT * FROM <http://example.org/elsewhere> WHERE { ?s ?p ?o }"},
    {"query": "SELECT * FROM NAMED <http://example.org/elsewhere> WHERE { GRAPH ?g { ?s ?p ?o } }"},
    {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": "http://example.org/elsewhere"},
    {"query": "SELECT * WHERE { ?s ?p ?o }", "named-graph-uri": "http://example.org/elsewhere"},
])
def test_a_dataset_may_only_name_graphs_already_in_the_store(dataset_client, params):
    message = assert_error(dataset_client.get("/sparql", params=params), 400)
    assert "not in this store" in message and "<http://example.org/g1>" in message


# -- media types ---------------------------------------------------------------------------------

def test_query_content_type_select(client):
    q = "SELECT ?n ?title WHERE { ?t pk:taskNumber ?n ; dcterms:title ?title FILTER(?n <= 2) } ORDER BY ?n"
    r = client.get("/sparql", params={"query": q}, headers={"Accept": XML})
    assert r.headers["content-type"].startswith(XML)
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(r.content)
    assert [v.get("name") for v in root.findall("s:head/s:variable", ns)] == ["n", "title"]
    lit = root.find("s:results/s:result/s:binding[@name='title']/s:literal", ns)
    assert lit.text == "全面实施市场准入负面清单" and lit.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"

    r = client.get("/sparql", params={"query": q}, headers={"Accept": "text/csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(r.text))) == [["n", "title"], ["1", "全面实施市场准入负面清单"],
                                                     ["2", "探索市场主体住所（经营场所）标准化登记"]]

    r = client.get("/sparql", params={"query": q}, headers={"Accept": "text/tab-separated-values"})
    lines = r.text.splitlines()
    assert lines[0] == "?n\t?title" and lines[1].endswith('\t"全面实施市场准入负面清单"@zh')

    r = client.get("/sparql", params={"query": q}, headers={"Accept": "text/csv;q=0.5, application/json"})
    assert r.headers["content-type"].startswith(JSON) and len(r.json()["results"]["bindings"]) == 2


def test_query_content_type_ask(client):
    r = client.get("/sparql", params={"query": "ASK { ?t a pk:Task }"}, headers={"Accept": JSON})
    assert r.json() == {"head": {}, "boolean": True}
    r = client.get("/sparql", params={"query": "ASK { ?t a pk:Nothing }"}, headers={"Accept": XML})
    assert b"<boolean>false</boolean>" in r.content


@pytest.mark.parametrize("accept, rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
])
def test_query_content_type_construct(client, accept, rdflib_format):
    q = "CONSTRUCT { ?t dcterms:title ?title } WHERE { ?t pk:taskNumber 1 ; dcterms:title ?title }"
    r = client.get("/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.content, format=rdflib_format)
    assert len(g) == 1 and str(next(iter(g))[2]) == "全面实施市场准入负面清单"


def test_query_content_type_describe(client):
    task = "https://w3id.org/policykg/id/document/371724/巨政发〔2023〕5号/task/1"
    r = client.get("/sparql", params={"query": f"DESCRIBE <{task}>"}, headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.text, format="turtle")
    assert (URIRef(task), URIRef("https://w3id.org/policykg/ontology#taskNumber"), None) in g


def test_format_parameter_overrides_accept_for_browsers(client):
    r = client.get("/sparql", params={"query": COUNT_TASKS, "format": "csv"}, headers={"Accept": "text/html"})
    assert r.headers["content-type"].startswith("text/csv") and r.text.splitlines() == ["n", "170"]
    r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s pk:taskNumber 1 }", "format": "jsonld"})
    assert r.headers["content-type"].startswith("application/ld+json") and json.loads(r.text)


def test_a_media_type_the_answer_cannot_take_is_406(client):
    assert_error(client.get("/sparql", params={"query": COUNT_TASKS}, headers={"Accept": "text/turtle"}), 406)
    assert_error(client.get("/sparql", params={"query": COUNT_TASKS, "format": "turtle"}), 406)


def test_the_row_cap_stops_an_answer_and_says_so(dataset_client):
    r = dataset_client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o . ?x ?y ?z }"})
    assert len(r.json()["results"]["bindings"]) == 3
    assert r.headers["x-policykg-truncated"] == "true" and r.headers["x-policykg-rows"] == "3"
    r = dataset_client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert "x-policykg-truncated" not in r.headers


# -- service description --------------------------------------------------------------------------

def test_service_description(dataset_client):
    r = dataset_client.get("/sparql", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = next(g.objects(None, URIRef(sd + "endpoint")))
    assert str(endpoint).endswith("/sparql")
    names = {str(o) for o in g.objects(None, URIRef(sd + "name"))}
    assert names == {EX + "g1", EX + "g2"}
    formats = {str(o) for o in g.objects(None, URIRef(sd + "resultFormat"))}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in g
    # A browser asking for the endpoint lands on the query page.
    r = dataset_client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/query"


# -- negative cases --------------------------------------------------------------------------------

def test_bad_query_method(client):
    assert_error(client.put("/sparql", params={"query": COUNT_TASKS}), 405)
    assert_error(client.delete("/sparql"), 405)


def test_bad_multiple_queries(client):
    r = client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert "exactly one" in assert_error(r, 400)
    assert "exactly one" in assert_error(client.post("/sparql", data={"query": ["ASK {}", "ASK {}"]}), 400)


def test_bad_query_wrong_media_type(client):
    assert_error(client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"}), 415)


def test_bad_query_missing_form_type(client):
    assert_error(client.post("/sparql", content=b"query=ASK%20%7B%7D"), 415)


def test_bad_query_non_utf8(client):
    q = "ASK { ?s ?p '非' }"
    r = client.post("/sparql", content=q.encode("utf-16"), headers={"Content-Type": DIRECT + "; charset=UTF-16"})
    assert_error(r, 415)
    r = client.post("/sparql", content=q.encode("gb18030"), headers={"Content-Type": DIRECT})
    assert "UTF-8" in assert_error(r, 400)


def test_bad_query_syntax(client):
    message = assert_error(client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p "}), 400)
    assert "1:24" in message and "expected" in message  # the parser's own message: where, what it expected
    assert "prefix" in assert_error(client.get("/sparql", params={"query": "SELECT * { ?s nope:p ?o }"}), 400)
    assert_error(client.get("/sparql", params={"query": ""}), 400)


@pytest.mark.parametrize("how", ["form-update", "direct-update", "query-param"])
def test_updates_are_refused_by_the_query_endpoint(client, how):
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    if how == "form-update":
        r = client.post("/sparql", data={"update": update})
    elif how == "direct-update":
        r = client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"})
    else:
        r = client.get("/sparql", params={"query": update})
    assert "read-only" in assert_error(r, 403)


def test_an_unexpected_failure_is_a_logged_500_in_the_same_shape(api_settings, monkeypatch, caplog):
    from api.web.sparql.pool import QueryPool

    def explode(self, request):
        raise RuntimeError("worker exploded")

    with TestClient(create_app(api_settings), raise_server_exceptions=False) as c:
        monkeypatch.setattr(QueryPool, "run", explode)
        r = c.get("/sparql", params={"query": "ASK {}"})
    assert_error(r, 500)
    assert "worker exploded" not in r.text
    assert any("worker exploded" in str(rec.exc_info) for rec in caplog.records if rec.exc_info)
