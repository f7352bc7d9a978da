"""The query page's server side, without a browser: the page and its data, name lookups (bound,
never pasted into SPARQL), whole-answer downloads, saved questions as SPARQL JSON / Excel, and the
one-line note when the npm assets were not built."""

from __future__ import annotations

import io
import json
import re

import pytest

from tests.support import assert_error

ORG = "http://www.w3.org/ns/org#Organization"
TASKS = "SELECT ?task ?number ?title WHERE { ?task a pk:Task ; pk:taskNumber ?number ; dcterms:title ?title } ORDER BY ?number"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="pk-data">(.*?)</script>', html, re.S)
    assert m, "the page carries no pk-data"
    return json.loads(m.group(1))


def test_the_query_page_is_the_shared_shell_with_local_assets_and_its_data(client):
    r = client.get("/query")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert '<header class="pk-top">' in html and re.search(r'data-nav="query"[^>]*class="current"', html)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/vendor/query.js" in assets and "/static/vendor/query.css" in assets
    assert all(a.startswith(("/", "#", "?", "data:")) for a in assets), f"assets from elsewhere: {assets}"
    for asset in ("/static/vendor/query.js", "/static/vendor/query.css"):
        assert client.get(asset).status_code == 200
    data = page_data(html)
    assert data["prefixes"]["pk"] == "https://w3id.org/policykg/ontology#"
    lead = next(t for t in data["terms"] if t["iri"].endswith("#leadUnit"))
    assert (lead["kind"], lead["zh"], lead["en"], lead["range"]) == ("property", "牵头单位", "lead unit", ORG)
    partners = next(q for q in data["questions"] if q["name"] == "organization_partners")
    assert partners["params"] == [{"name": "org", "type": "iri", "required": True,
                                   "description": "the organisation", "kind": ORG}]


def test_lookup_finds_things_by_name_of_the_class_asked(client, bundled_iris):
    body = client.get("/query/lookup", params={"q": "财政"}).json()
    found = {d["label"]: d for d in body["data"]}
    assert found["县财政局"]["iri"] == bundled_iris["org"] and found["县财政局"]["kind"] == ORG
    assert body["count"] == len(body["data"]) >= 2 and all("财政" in d["label"] for d in body["data"])
    lengths = [len(d["label"]) for d in body["data"]]
    assert lengths == sorted(lengths)  # shortest names first
    docs = client.get("/query/lookup", params={"q": "巨政发"}).json()["data"]
    assert [d["kind"] for d in docs] == ["https://w3id.org/policykg/ontology#PolicyDocument"]
    tasks = client.get("/query/lookup", params={"q": "深化", "kind": "https://w3id.org/policykg/ontology#Task",
                                                "limit": 5}).json()
    assert tasks["count"] == 5 and all(d["iri"].rsplit("/", 2)[-2] == "task" for d in tasks["data"])
    # Nothing is an organisation of this name: no task leaks in when the kind says organisation.
    assert client.get("/query/lookup", params={"q": "深化", "kind": ORG}).json()["data"] == []


@pytest.mark.parametrize("text", ['") } UNION { ?item ?p ?label } #', "' . ?s ?p ?o", "}}}", "\\u0022"])
def test_lookup_text_is_a_value_not_sparql(client, text):
    r = client.get("/query/lookup", params={"q": text})
    assert r.status_code == 200 and r.json() == {"count": 0, "data": []}


def test_lookup_refuses_bad_input_in_the_one_error_shape(client):
    assert "q" in assert_error(client.get("/query/lookup"), 400)
    assert "limit" in assert_error(client.get("/query/lookup", params={"q": "局", "limit": 500}), 400)
    assert "kind" in assert_error(client.get("/query/lookup", params={"q": "局", "kind": "not an iri"}), 400)


def test_downloads_carry_the_whole_answer_in_each_format(client):
    n = len(client.get("/sparql", params={"query": TASKS}).json()["results"]["bindings"])
    assert n == 170
    csv = client.post("/query/download", data={"query": TASKS, "format": "csv"})
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.headers["content-disposition"] == 'attachment; filename="query.csv"'
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "task,number,title" and len(lines) == n + 1 and lines[1].split(",")[1] == "1"
    js = client.get("/query/download", params={"query": TASKS, "format": "json"})
    assert js.headers["content-type"] == "application/sparql-results+json"
    assert len(js.json()["results"]["bindings"]) == n
    xlsx = client.post("/query/download", data={"query": TASKS, "format": "xlsx"})
    assert xlsx.headers["content-type"] == XLSX and xlsx.headers["x-policykg-rows"] == str(n)
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("task", "number", "title") and len(rows) == n + 1 and rows[1][1] == 1


def test_graph_answers_download_as_triples_and_json_ld(client):
    q = "CONSTRUCT { ?t pk:leadUnit ?o } WHERE { ?t pk:taskNumber 1 ; pk:leadUnit ?o }"
    leads = client.get("/sparql", params={"query": q, "format": "ntriples"}).text.strip().splitlines()
    csv = client.post("/query/download", data={"query": q, "format": "csv"}).content.decode("utf-8-sig").splitlines()
    assert csv[0] == "subject,predicate,object" and len(csv) == len(leads) + 1 >= 2
    assert all(line.split(",")[1].endswith("#leadUnit") for line in csv[1:])
    ld = client.post("/query/download", data={"query": q, "format": "json"})
    assert ld.headers["content-type"] == "application/ld+json"
    assert ld.headers["content-disposition"] == 'attachment; filename="query.jsonld"'


def test_downloads_refuse_what_the_endpoint_refuses(client):
    assert "format" in assert_error(client.post("/query/download", data={"query": TASKS, "format": "pdf"}), 400)
    assert_error(client.post("/query/download", data={"query": "SELECT * WHERE { ?s ?p "}), 400)
    assert_error(client.post("/query/download", data={"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}), 403)


def test_saved_questions_answer_sparql_json_and_excel(client, bundled_iris):
    org = bundled_iris["org"]
    rows = client.get("/queries/tasks_by_organization", params={"org": org}).json()["rows"]
    srj = client.get("/queries/tasks_by_organization", params={"org": org, "format": "srj"})
    assert srj.headers["content-type"] == "application/sparql-results+json"
    bindings = srj.json()["results"]["bindings"]
    assert len(bindings) == len(rows) > 0 and bindings[0]["org"] == {"type": "uri", "value": org}
    xlsx = client.get("/queries/tasks_by_organization", params={"org": org, "format": "xlsx"})
    assert xlsx.headers["content-type"] == XLSX
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row == len(rows) + 1
    listed = {q["name"]: q for q in client.get("/queries").json()["data"]}
    assert listed["shared_tasks"]["params"][0]["kind"] == ORG
    assert all(p["kind"] is None for p in listed["fact_provenance"]["params"])  # a task, a deadline, an organisation…


def test_without_built_assets_the_pages_say_so_in_one_line(client, monkeypatch, tmp_path):
    import api.web.frontend
    from api.web.routers.editor import query_page_html

    monkeypatch.setattr(api.web.frontend, "VENDOR_DIR", tmp_path)
    query_page_html.cache_clear()
    try:
        page = client.get("/query")
        assert page.status_code == 200 and 'id="pkq-missing"' in page.text and "make frontend" in page.text
        assert "/static/vendor/query.js" not in page.text
        for route in ("/docs", "/redoc"):
            r = client.get(route)
            assert r.status_code == 503 and "make frontend" in r.text and "<script" not in r.text
    finally:
        query_page_html.cache_clear()
