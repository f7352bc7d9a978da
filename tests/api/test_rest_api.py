"""The REST API, the saved-question routes and the query page — on the embedded store and on a
real Oxigraph server (``Settings(endpoint=…)``), which must give the same answers."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from api.settings import Settings
from api.web.app import create_app
from queries.query_files import load_queries

ORG = "https://w3id.org/policykg/id/org/371724/"


@pytest.fixture(scope="module")
def remote_client(oxigraph_server):
    """The app serving the Oxigraph server's data: every route goes through RemoteStore."""
    with TestClient(create_app(Settings(endpoint=oxigraph_server, query_timeout=5.0))) as c:
        yield c


@pytest.fixture(params=["embedded", "remote"])
def api(request):
    return request.getfixturevalue("client" if request.param == "embedded" else "remote_client")


def assert_error(r, status: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"ok", "error", "status"} and body["ok"] is False and body["status"] == status
    return body["error"]


@pytest.mark.parametrize("url", [
    "/tasks?limit=500", "/tasks/1", "/tasks/38", "/organizations", "/organizations/371724/县商务局", "/domains",
    "/documents", "/ledger", "/queries/deadline_calendar", f"/queries/shared_tasks?org_a={ORG}县商务局&org_b={ORG}县财政局",
])
def test_the_embedded_and_the_remote_store_give_the_same_answers(client, remote_client, url):
    local, remote = client.get(url), remote_client.get(url)
    assert local.status_code == remote.status_code == 200
    assert local.json() == remote.json()


def test_tasks_are_paged_and_filtered(api):
    everything = api.get("/tasks", params={"limit": 500}).json()
    assert everything["count"] == 170 and [t["number"] for t in everything["data"]] == list(range(1, 171))
    page = api.get("/tasks", params={"offset": 10, "limit": 5}).json()
    assert (page["count"], page["offset"], page["limit"]) == (170, 10, 5)
    assert [t["number"] for t in page["data"]] == [11, 12, 13, 14, 15]

    def numbers(**params):
        return [t["number"] for t in api.get("/tasks", params={"limit": 500, **params}).json()["data"]]

    assert numbers(domain=1) == list(range(1, 10))
    led = numbers(organization="371724/县商务局", role="lead")
    assert 1 in led and set(led) <= set(numbers(organization=ORG + "县商务局"))
    assert 20 in numbers(organization="371724/县发展和改革局", role="responsible")
    assert 20 not in numbers(organization="371724/县发展和改革局", role="lead")
    september = api.get("/tasks", params={"month": "2023-09", "limit": 500}).json()["data"]
    assert september and all(any(d.startswith("2023-09") for d in t["deadline_dates"]) for t in september)
    assert set(numbers(cites="条例")) == {7, 86}
    assert 1 in numbers(q="负面清单")
    assert numbers(q="负面清单", domain=2) == []
    assert numbers(document="巨政发〔2023〕5号", domain=19) == numbers(domain=19)


def test_a_task_with_the_sentence_behind_each_fact(api):
    t1 = api.get("/tasks/1").json()
    assert [u["name"] for u in t1["lead_units"]] == ["县发展和改革局", "县商务局", "县行政审批服务局"]
    assert t1["responsible_units"] == [] and t1["deadlines"] == []
    assert t1["domain"] == {"iri": t1["domain"]["iri"], "number": 1, "name": "开办企业"}
    assert {"province", "city"} <= {lvl for w in t1["deployment_waits"] for lvl in w["levels"]}
    assert t1["follows_higher_deployment"] is True and "牵头单位" in t1["text"]
    assert all(u["sentence"] and u["name"][:2] in u["sentence"] for u in t1["lead_units"])
    t38 = api.get("/tasks/38").json()
    assert [d["date"] for d in t38["deadlines"]] == ["2023-11-30"]
    assert "县税务局" in [u["name"] for u in t38["responsible_units"]]
    t19 = api.get("/tasks/19").json()
    assert [(g["label"], g["value"], g["unit"], g["comparator"]) for g in t19["targets"]] == [("3个工作日内", 3, "个工作日", "<=")]


def test_organizations_with_their_tasks_by_role_and_partners(api):
    orgs = api.get("/organizations", params={"limit": 1000}).json()
    assert orgs["count"] == len(orgs["data"]) > 40 and orgs["next"] is None
    collective = {o["name"] for o in orgs["data"] if o["collective"]}
    assert "县有关部门、单位" in collective
    real = api.get("/organizations", params={"collective": "false", "limit": 1000}).json()
    assert real["count"] == len(real["data"]) == orgs["count"] - len(collective)
    commerce = api.get("/organizations/371724/县商务局").json()
    assert commerce["iri"] == ORG + "县商务局" and commerce["kind"] == "GovernmentAgency" and commerce["level"] == "county"
    assert 1 in [t["number"] for t in commerce["tasks_led"]]
    assert len(commerce["tasks_led"]) == commerce["lead_tasks"]
    partners = {p["organization"]["name"]: p for p in commerce["partners"]}
    assert 1 in partners["县发展和改革局"]["task_numbers"]
    ndrc = api.get("/organizations/" + ORG + "县发展和改革局").json()  # the full IRI works too
    assert 20 in [t["number"] for t in ndrc["tasks_supported"]]
    approval = api.get("/organizations/371724/县行政审批服务局").json()
    assert "开办企业" in [d["name"] for d in approval["domains_coordinated"]]


def test_domains_documents_and_the_ledger(api):
    domains = api.get("/domains").json()
    assert domains["count"] == 19 and sum(d["tasks"] for d in domains["data"]) == 170
    assert domains["data"][0]["name"] == "开办企业" and [o["name"] for o in domains["data"][0]["leads"]] == ["县行政审批服务局"]
    [doc] = api.get("/documents").json()["data"]
    assert (doc["identifier"], doc["issued"], doc["tasks"], doc["domains"]) == ("巨政发〔2023〕5号", "2023-08-29", 170, 19)
    assert doc["issuer"]["name"] == "县人民政府"
    rows = api.get("/ledger").json()
    assert len(rows) == 170 and rows[0]["lead_units"] == "县发展和改革局、县商务局、县行政审批服务局"
    r = api.get("/ledger", params={"format": "csv"})
    assert r.text.startswith("\ufeff序号,") and len(list(csv.reader(io.StringIO(r.text)))) == 171
    sheet = load_workbook(io.BytesIO(api.get("/ledger", params={"format": "xlsx"}).content)).active
    assert sheet.max_row == 171 and sheet["A1"].value == "序号"


def test_errors_have_one_shape(api):
    assert "999" in assert_error(api.get("/tasks/999"), 404)
    assert_error(api.get("/tasks/one"), 400)
    assert_error(api.get("/tasks", params={"role": "boss"}), 400)
    assert_error(api.get("/tasks", params={"month": "September"}), 400)
    assert_error(api.get("/tasks", params={"limit": 0}), 400)
    assert_error(api.get("/organizations/371724/县不存在局"), 404)
    assert_error(api.get("/documents/none/here"), 404)
    assert_error(api.post("/tasks"), 405)
    assert_error(api.get("/ledger", params={"format": "pdf"}), 400)


# -- saved questions -----------------------------------------------------------------------------

def test_saved_questions_are_listed_with_their_parameters(client):
    listed = client.get("/queries").json()
    assert listed["count"] == len(load_queries())
    by_name = {q["name"]: q for q in listed["data"]}
    q = by_name["tasks_by_organization"]
    assert q["url"] == "/queries/tasks_by_organization" and q["title_en"].startswith("Tasks an organisation leads")
    assert q["params"][0] == {"name": "org", "type": "iri", "required": True, "description": q["params"][0]["description"],
                              "kind": "http://www.w3.org/ns/org#Organization"}
    assert {(p["name"], p["required"]) for p in q["params"][1:]} == {("doc", False), ("place", False)}
    assert "SELECT" in q["sparql"]


def test_a_saved_question_runs_with_parameters_as_json_or_csv(api):
    r = api.get("/queries/tasks_by_organization", params={"org": ORG + "县商务局"})
    body = r.json()
    assert body["params"] == {"org": ORG + "县商务局"} and body["count"] == len(body["rows"]) > 0
    assert body["columns"][:3] == ["org", "role", "document"]
    assert {"lead", "supports"} >= {row["role"] for row in body["rows"]}
    r = api.get("/queries/tasks_by_organization", params={"org": ORG + "县商务局", "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert r.text.lstrip("\ufeff").splitlines()[0].startswith("org,role,document,number")
    empty = api.get("/queries/tasks_citing", params={"ref": "没有这个文件"}).json()
    assert empty["count"] == 0 and empty["columns"][:2] == ["ref", "reference"]


def test_saved_question_errors(api):
    assert_error(api.get("/queries/no_such_question"), 404)
    assert "required" in assert_error(api.get("/queries/tasks_by_organization"), 400)
    assert "not a parameter" in assert_error(api.get("/queries/documents", params={"x": "1"}), 400)
    assert "not a valid iri" in assert_error(api.get("/queries/tasks_by_organization", params={"org": "not an iri"}), 400)
    assert "integer" in assert_error(api.get("/queries/domain_participants", params={"domain": "one"}), 400)
    assert "more than once" in assert_error(
        api.get("/queries/domain_participants", params=[("domain", "1"), ("domain", "2")]), 400)


# -- the docs -----------------------------------------------------------------------------------------

def test_openapi_documents_every_route_with_stable_models(client):
    spec = client.get("/openapi.json").json()
    for path in ("/sparql", "/queries", "/queries/{name}", "/tasks", "/tasks/{number}", "/organizations",
                 "/organizations/{org}", "/domains", "/documents", "/ledger"):
        assert path in spec["paths"], path
    schemas = set(spec["components"]["schemas"])
    assert {"TasksPublic", "TaskPublic", "OrganizationDetailPublic", "DomainsPublic", "DocumentsPublic",
            "QueriesPublic", "QueryResultPublic"} <= schemas
    assert client.get("/docs").status_code == 200


def test_the_remote_backed_endpoint_refuses_service_too(remote_client, client):
    q = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    assert_error(remote_client.get("/sparql", params={"query": q}), 403)
    count = "SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Task }"
    assert remote_client.get("/sparql", params={"query": count}).json() == client.get(
        "/sparql", params={"query": count}).json()
