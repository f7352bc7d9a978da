"""Every saved question parses, binds its parameters safely, and answers what the plan says —
on the embedded store and on a real Oxigraph server alike.

Known answers are read off the bundled plan's text (巨政发〔2023〕5号), e.g. task 1:
"（牵头单位：县发展和改革局、县商务局、县行政审批服务局）".
"""

from __future__ import annotations

import pytest
from rdflib.plugins.sparql import prepareQuery

from kg.errors import QueryParameterError
from kg.graph import PREFIXES
from kg.iri import BASE
from queries.library import load_queries, run_query
from queries.paging import find_page_clause

DOC = "巨政发〔2023〕5号"
ORG = BASE + "org/371724/"
TASK = BASE + f"document/371724/{DOC}/task/"
COMMERCE, NDRC, APPROVAL = ORG + "县商务局", ORG + "县发展和改革局", ORG + "县行政审批服务局"
ANALYST_QUESTIONS = [
    "tasks_per_lead_unit", "tasks_by_organization", "shared_tasks", "deadline_calendar", "deadline_months",
    "tasks_citing", "references_cited", "tasks_waiting_on_higher_level", "tasks_with_targets",
    "orgs_leading_in_several_domains", "tasks_with_most_organizations", "domain_participants",
    "organizations_never_leading", "tasks_without_deadline", "tasks_with_preconditions", "fact_provenance",
    "organizations", "organization_partners", "task_detail", "documents", "domains", "tasks",
]
# Values for required parameters, by parameter name, so every question can run.
SAMPLE_PARAMS = {"org": COMMERCE, "org_a": COMMERCE, "org_b": NDRC, "node": TASK + "1", "task": TASK + "1",
                 "doc": BASE + f"document/371724/{DOC}", "q": "商务"}
QUERIES = load_queries()
NEEDS_A_HIGHER_PLAN = {"link_alignments", "link_implemented_tasks"}


def sample_params(name: str) -> dict[str, str]:
    return {p.name: SAMPLE_PARAMS[p.name] for p in QUERIES[name].params if p.required}


def rows_of(g, name, **params):
    return run_query(g, name, **params)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_saved_question_has_a_header_and_projects_its_parameters(name):
    q = QUERIES[name]
    assert " / " in q.title, "titles are '中文 / English'"
    text = q.text_for({p.name for p in q.params})
    if q.page is None:
        where, projected = f"the SELECT list of {name}.rq", prepareQuery(text, initNs=PREFIXES).algebra["PV"]
    else:
        # A paged question gets its parameters inside its page (queries/paging.py).
        clause = find_page_clause(text)
        where = f"the page sub-select of {name}.rq"
        projected = prepareQuery(text[clause.open + 1:clause.close], initNs=PREFIXES).algebra["PV"]
    # Oxigraph binds a parameter only if the query projects it (SEP-0007): an unprojected one
    # would be silently ignored there, or refused.
    unprojected = {p.name for p in q.params} - {str(v) for v in projected}
    assert not unprojected, f"add {', '.join('?' + n for n in sorted(unprojected))} to {where}"
    assert not {"format", "_format", "limit", "offset"} & {p.name for p in q.params}, "reserved by GET /queries/{name}"


def test_at_least_fifteen_analyst_questions_are_saved():
    assert set(ANALYST_QUESTIONS) <= set(QUERIES)
    assert len(ANALYST_QUESTIONS) >= 15


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_saved_question_answers_the_same_on_the_embedded_store_and_an_oxigraph_server(
        name, bundled_graph, oxigraph_server):
    from kg.remote_store import RemoteStore

    params = sample_params(name)
    local = rows_of(bundled_graph, name, **params)
    remote = rows_of(RemoteStore(oxigraph_server), name, **params)
    # link_* questions about alignments need a higher plan and `policykg link`; tested in test_linking_*.
    assert local or name in NEEDS_A_HIGHER_PLAN, f"{name} has no answer on the bundled plan"
    assert len(local) == len(remote)
    if name in ANALYST_QUESTIONS:
        # Lists inside cells (GROUP_CONCAT) are ordered by the queries, so the rows match exactly.
        key = lambda r: repr(sorted(r.items()))  # noqa: E731
        assert sorted(local, key=key) == sorted(remote, key=key)


def test_the_plan_has_170_tasks_in_19_domains(bundled_graph):
    tasks = rows_of(bundled_graph, "tasks")
    assert len(tasks) == 170 and [t["number"] for t in tasks] == list(range(1, 171))
    domains = rows_of(bundled_graph, "domains")
    assert len(domains) == 19
    assert domains[0]["name"] == "开办企业" and domains[0]["lead_names"] == "县行政审批服务局"
    assert sum(d["tasks"] for d in domains) == 170


def test_task_1_is_led_by_three_units_in_the_order_the_text_names_them(bundled_graph):
    [t1] = rows_of(bundled_graph, "tasks", number=1)
    assert t1["lead_units"] == "县发展和改革局、县商务局、县行政审批服务局"
    assert t1["lead_iris"].split() == [NDRC, COMMERCE, APPROVAL]
    assert t1["responsible_units"] is None and t1["deadlines"] is None


def test_task_detail_gives_every_fact_with_its_sentence(bundled_graph):
    rows = rows_of(bundled_graph, "task_detail", task=TASK + "19")
    by_field = {}
    for r in rows:
        by_field.setdefault(r["field"], []).append(r)
    assert by_field["title"][0]["value"] == "推行“验登合一”改革"
    assert [r["label"] for r in by_field["lead_unit"]] == ["县住房和城乡建设局", "县自然资源和规划局"]
    [deadline] = by_field["deadline"]
    assert (deadline["label"], deadline["date"]) == ("10月底前", "2023-10-31")
    assert "10月底前" in deadline["sentence"]
    [target] = by_field["target"]
    assert (target["label"], target["amount"], target["unit"], target["comparator"]) == ("3个工作日内", 3, "个工作日", "<=")


def test_an_organisation_leads_some_tasks_and_only_supports_others(bundled_graph):
    rows = rows_of(bundled_graph, "tasks_by_organization", org=NDRC)
    roles = {r["number"]: r["role"] for r in rows}
    assert roles[1] == "lead"
    assert roles[20] == "supports"  # 20: 牵头单位：县住房和城乡建设局；责任单位：县自然资源和规划局、县发展和改革局
    t20 = next(r for r in rows if r["number"] == 20)
    assert t20["other_lead_units"] == "县住房和城乡建设局"


def test_shared_tasks_name_both_organisations_with_their_roles(bundled_graph):
    rows = rows_of(bundled_graph, "shared_tasks", org_a=COMMERCE, org_b=NDRC)
    assert {"number": 1, "role_a": "lead", "role_b": "lead"}.items() <= rows[0].items()
    assert all(r["org_a"] == COMMERCE and r["org_b"] == NDRC for r in rows)


def test_parameters_are_bound_as_values_never_as_query_text(bundled_graph):
    hostile = '条例" ) } } DELETE WHERE { ?s ?p ?o } #'
    assert rows_of(bundled_graph, "tasks_citing", ref=hostile) == []
    assert len(rows_of(bundled_graph, "tasks")) == 170
    with pytest.raises(QueryParameterError):
        rows_of(bundled_graph, "tasks_by_organization", org="> } DROP ALL")
    with pytest.raises(QueryParameterError):
        rows_of(bundled_graph, "tasks_by_organization")  # org is required


def test_citations_deadlines_targets_and_waits_match_the_text(bundled_graph):
    citing = rows_of(bundled_graph, "tasks_citing", ref="促进个体工商户发展条例")
    assert [(r["number"], r["reference"]) for r in citing] == [(7, "促进个体工商户发展条例")]
    assert {r["number"] for r in rows_of(bundled_graph, "tasks_citing", ref="劳动合同法")} == {86}
    no_deadline = {r["number"] for r in rows_of(bundled_graph, "tasks_without_deadline")}
    assert 1 in no_deadline and 2 not in no_deadline  # 2: "9月底前, 跟进全省…"
    province = rows_of(bundled_graph, "tasks_waiting_on_higher_level", level=str(PREFIXES["pk"]) + "ProvinceLevel")
    assert {1, 37, 86} <= {r["number"] for r in province}  # "根据省、市统一部署"
    targets = rows_of(bundled_graph, "tasks_with_targets")
    assert {"number": 19, "target": "3个工作日内", "value": 3}.items() <= next(
        r for r in targets if r["number"] == 19).items()
    pre = rows_of(bundled_graph, "tasks_with_preconditions")
    assert any(r["number"] == 37 and r["precondition"].endswith("完成后") for r in pre)


def test_counts_agree_across_questions(bundled_graph):
    tasks = rows_of(bundled_graph, "tasks")
    dated = [t for t in tasks if t["deadline_dates"]]
    months = rows_of(bundled_graph, "deadline_months")
    for m in months:
        expected = sum(any(d.startswith(m["month"]) for d in t["deadline_dates"].split()) for t in dated)
        assert m["tasks"] == expected == len(rows_of(bundled_graph, "tasks", month=m["month"]))
    leads = {r["org"] for r in rows_of(bundled_graph, "tasks_per_lead_unit")}
    never = rows_of(bundled_graph, "organizations_never_leading")
    assert never and not leads & {r["org"] for r in never}
    several = rows_of(bundled_graph, "orgs_leading_in_several_domains")
    assert all(r["domains"] > 1 for r in several) and NDRC in {r["org"] for r in several}
    ranked = [r["organizations"] for r in rows_of(bundled_graph, "tasks_with_most_organizations")]
    assert ranked == sorted(ranked, reverse=True)
    calendar = rows_of(bundled_graph, "deadline_calendar", org=APPROVAL)
    for row in calendar:
        numbers = [int(n) for n in row["task_numbers"].split("、")]
        assert numbers == sorted(numbers) and len(numbers) == row["tasks"] >= row["leading"]
    partners = {r["partner"]: r for r in rows_of(bundled_graph, "organization_partners", org=COMMERCE)}
    assert "1" in partners[NDRC]["task_numbers"].split("、")


def test_collective_units_are_marked_so_analysts_can_leave_them_out(bundled_graph):
    orgs = {r["name"]: r for r in rows_of(bundled_graph, "organizations")}
    assert orgs["县有关部门、单位"]["collective"] is True and orgs["县有关部门、单位"]["kind"].endswith("CollectiveUnit")
    assert orgs["县商务局"]["collective"] is False
    ranking = rows_of(bundled_graph, "tasks_per_lead_unit")
    assert {r["collective"] for r in ranking} <= {True, False}


def test_provenance_returns_the_sentence_a_fact_was_read_from(bundled_graph):
    [span] = rows_of(bundled_graph, "fact_provenance", node=TASK + "7")
    assert "促进个体工商户发展条例" in span["sentence"] and span["document"] == DOC
    assert span["start"] < span["end"]
    mentions = rows_of(bundled_graph, "fact_provenance", node=COMMERCE)
    assert mentions and all("县商务局" in r["quote"] or "商务" in r["sentence"] for r in mentions)


def test_documents_and_domains(bundled_graph):
    [doc] = rows_of(bundled_graph, "documents")
    assert (doc["identifier"], doc["issued"], doc["tasks"], doc["domains"]) == (DOC, "2023-08-29", 170, 19)
    [d1] = rows_of(bundled_graph, "domain_participants", domain=1)
    assert d1["name"] == "开办企业" and d1["domain_leads"] == "县行政审批服务局" and d1["tasks"] == 9


def test_the_memory_store_binds_parameters_inside_sub_selects_too(bundled_graph_path):
    from kg.graph import load_graph

    memory = load_graph(bundled_graph_path, store="memory")
    rows = run_query(memory, "shared_tasks", org_a=COMMERCE, org_b=NDRC)
    assert rows and all(r["org_b"] == NDRC for r in rows)
    assert len(rows) == len(run_query(load_graph(bundled_graph_path), "shared_tasks", org_a=COMMERCE, org_b=NDRC))


@pytest.mark.parametrize("name", ["analysis_tasks", "analysis_units", "analysis_deadlines", "analysis_waits",
                                  "analysis_domains", "analysis_task_systems", "analysis_task_texts"])
def test_the_analysis_reads_every_row_of_a_question_unsorted(bundled_graph, name):
    from queries.library import run_unsorted

    every = run_query(bundled_graph, name)
    loose = run_unsorted(bundled_graph, name)
    columns = list(every[0])

    def key(r):
        return tuple(str(r.get(c)) for c in columns)

    assert len(every) > 10
    assert sorted(map(key, loose)) == sorted(map(key, every))
    doc = every[0]["doc"]
    assert sorted(map(key, run_unsorted(bundled_graph, name, doc=doc))) == sorted(
        key(r) for r in every if r["doc"] == doc)


def test_only_a_paged_question_is_read_unsorted(bundled_graph):
    from queries.library import run_unsorted

    with pytest.raises(QueryParameterError, match="paged"):
        run_unsorted(bundled_graph, "analysis_documents")
