"""Outgrowing one machine: the bundled plan built into Virtuoso (Debian virtuoso-opensource) and
into an Oxigraph server with ``policykg build --endpoint``, answering every saved question exactly
as the local store does — same rows, same order, same values."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import StoreError
from kg.iri import BASE
from kg.remote_load import OWN_GRAPHS, load_into_server, triple_batches
from kg.remote_store import RemoteStore
from kg.store import open_store
from queries.library import run_query
from queries.query_files import load_queries
from tests.queries.test_saved_questions import COMMERCE, DOC, SAMPLE_PARAMS
from tests.support import running_oxigraph

SERVERS = ("virtuoso", "oxigraph")
QUERIES = load_queries()
# Bundled-plan values for optional parameters: each such question runs without and with one.
OPTIONAL_SAMPLES = {"ref": "条例", "q": "财政", "number": "1", "role": "lead", "month": "2023-08", "org": COMMERCE,
                    "doc": BASE + f"document/371724/{DOC}"}
# The plans of a province (the bundled plan's county is in Shandong, 370000): each question that
# takes a place runs once more with it alone.
PROVINCE = BASE + "place/370000"


# Where Virtuoso 7.2.5 (Debian's) still answers otherwise, and why, keyed by question and the
# parameters given ("tasks", "org+doc"). Strict: a case that starts to agree fails here, so the list
# only ever shrinks. What the port needed is in kg/sparql_dialects.py. Every question agrees without a
# place; with one, these four still differ (function_pairs with a place agreed once the
# organisation-pair sums were stored, and differs again with the task tallies and month rollups:
# Virtuoso's plan for it depends on the store's statistics):
KNOWN_ON_VIRTUOSO = {
    ("function_pairs", "place"): "Virtuoso keeps one pair of the summing sub-select under the place test (GROUP BY "
                                 "with COUNT DISTINCT and SUM(IF(…)) over a FILTER EXISTS path); whether it does "
                                 "depends on the store's statistics (it agreed with the organisation-pair sums "
                                 "stored, not with the task tallies and month rollups added too)",
    ("corpus_summary", "place"): "its organisation count is a sub-select whose path ?within pk:withinDivision* ?place "
                                 "the parameter does not bind (it is bound outside): Virtuoso counts 1 of 53",
    ("organizations", "place"): "Virtuoso keeps one organisation of the page sub-select (SELECT DISTINCT with the "
                                "place test, an EXISTS in a BIND and a summing OPTIONAL sub-select); not reduced further",
    ("tasks_by_organization", "org+place"): "its two grouping sub-selects need the written join order, which a query "
                                            "testing a path cannot have (one row): some tasks' ?deadlines unbound",
}


def cases() -> list[tuple[str, dict[str, str]]]:
    out = []
    for name, q in sorted(QUERIES.items()):
        required = {p.name: SAMPLE_PARAMS[p.name] for p in q.params if p.required}
        out.append((name, required))
        optional = {p.name: OPTIONAL_SAMPLES[p.name] for p in q.params
                    if not p.required and p.name in OPTIONAL_SAMPLES}
        if optional:
            out.append((name, {**required, **optional}))
        if any(p.name == "place" for p in q.params):
            out.append((name, {**required, "place": PROVINCE}))
    return out


@pytest.fixture(scope="module")
def local(served_builds):
    with open_store(served_builds["store"]) as opened:
        yield opened.graph()


@pytest.mark.parametrize("server", SERVERS)
def test_build_endpoint_loads_every_graph_in_batches_with_progress(served_builds, server):
    err = served_builds["stderr"][server]
    graphs = [line for line in err.splitlines() if line.startswith("endpoint [")]
    # One line per graph: the plan, the shared nodes, the derived counts, the ontology.
    assert len(graphs) == 4 and graphs[-1].startswith("endpoint [4/4]"), err
    assert "loaded " in err and " triples in 4 graph(s)" in err
    remote = RemoteStore(served_builds[server])
    [(tasks,)] = remote.query("SELECT (COUNT(?t) AS ?n) WHERE { ?t a pk:Task }")
    assert int(tasks) == 170


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize(("name", "params"), cases(), ids=lambda v: v if isinstance(v, str) else
                         "+".join(v) or "-")
def test_every_saved_question_answers_identically_on_the_server(served_builds, local, server, name, params, request):
    known = KNOWN_ON_VIRTUOSO.get((name, "+".join(params))) if server == "virtuoso" else None
    if known:
        request.applymarker(pytest.mark.xfail(strict=True, reason=known))
    expected = run_query(local, name, **params)
    answered = run_query(RemoteStore(served_builds[server]), name, **params)
    assert answered == expected


@pytest.fixture(scope="module")
def local_app(served_builds):
    from fastapi.testclient import TestClient

    from api.settings import Settings
    from api.web.app import create_app

    with TestClient(create_app(Settings(store_path=served_builds["store"], query_timeout=10.0))) as c:
        yield c


@pytest.mark.parametrize("server", SERVERS)
def test_rest_routes_answer_the_same_from_the_server(served_builds, local_app, server):
    from fastapi.testclient import TestClient

    from api.settings import Settings
    from api.web.app import create_app

    org = "https://w3id.org/policykg/id/org/371724/"
    urls = ["/tasks?limit=500", "/tasks/1", "/tasks/38", "/organizations", "/organizations/371724/县商务局", "/domains",
            "/documents", "/ledger", "/queries/deadline_calendar", "/queries/tasks_with_most_organizations",
            f"/queries/shared_tasks?org_a={org}县商务局&org_b={org}县财政局",
            "/tasks?month=2023-09&limit=500", "/tasks?cites=条例", "/tasks?q=负面清单"]
    settings = Settings(endpoint=served_builds[server], query_timeout=10.0, query_workers=1)
    with TestClient(create_app(settings)) as remote:
        differ = []
        for url in urls:
            local, answered = local_app.get(url), remote.get(url)
            assert local.status_code == answered.status_code == 200, (url, answered.text[:300])
            if local.json() != answered.json():
                differ.append(url)
    assert differ == [], differ


@pytest.mark.parametrize("server", SERVERS)
def test_analysis_reads_the_same_plans_from_the_server(served_builds, local, server):
    from queries.analysis.reports import PlanAnalysis, bottlenecks_report, network_report, workload_report

    here, there = PlanAnalysis.from_source(local), PlanAnalysis.from_source(RemoteStore(served_builds[server]))
    assert workload_report(there) == workload_report(here)
    assert bottlenecks_report(there) == bottlenecks_report(here)
    assert network_report(there) == network_report(here)


@pytest.mark.parametrize("server", SERVERS)
def test_loading_again_replaces_the_graphs_and_drops_plans_no_longer_built(served_builds, server):
    remote = RemoteStore(served_builds[server])
    gone, other = OWN_GRAPHS + "id/document/removed-plan", "urn:someone-else"
    remote.update(f"INSERT DATA {{ GRAPH <{gone}> {{ <{gone}> a <urn:x> }} GRAPH <{other}> {{ <{other}> a <urn:x> }} }}")
    before = remote.triple_count()
    with open_store(served_builds["store"]) as opened:
        done = load_into_server(remote, opened.store)
    assert done.dropped == [gone]
    assert remote.triple_count() == before - 1  # the same triples again, less the removed plan's
    assert other in remote.named_graphs()  # another's graph is left alone
    remote.update(f"DROP SILENT GRAPH <{other}>")


def test_a_server_whose_default_graph_hides_named_graphs_is_refused_in_one_line(served_builds, tmp_path):
    with running_oxigraph(tmp_path / "plain") as url, open_store(served_builds["store"]) as opened:
        with pytest.raises(StoreError, match="--union-default-graph"):
            load_into_server(RemoteStore(url), opened.store)


def test_a_read_only_endpoint_is_refused_with_the_servers_reason(served_builds, tmp_path):
    ox.Store(str(tmp_path / "ro")).flush()  # an empty database for the read-only server to open
    with running_oxigraph(tmp_path / "ro", read_only=True) as url, open_store(served_builds["store"]) as opened:
        with pytest.raises(StoreError, match="HTTP"):
            load_into_server(RemoteStore(url), opened.store)


def test_batches_keep_each_blank_node_with_all_its_triples():
    p, g = ox.NamedNode("urn:p"), [ox.BlankNode(f"b{i}") for i in range(6)]
    named = [ox.Triple(ox.NamedNode(f"urn:s{i}"), p, ox.Literal(str(i))) for i in range(7)]
    # Two blank-node units: b0-b1-b2 chained (4 triples), b3 alone (2 triples); b4, b5 unused.
    blank = [ox.Triple(g[0], p, g[1]), ox.Triple(g[1], p, g[2]), ox.Triple(ox.NamedNode("urn:s"), p, g[0]),
             ox.Triple(g[2], p, ox.Literal("x")), ox.Triple(g[3], p, ox.Literal("y")), ox.Triple(g[3], p, g[3])]
    batches = list(triple_batches(named + blank, 3))
    assert [len(b) for b, _ in batches if not _] == [3, 3, 1]
    units = [set(b) for b, has_blank in batches if has_blank]
    assert units == [set(blank[:4]), set(blank[4:])]
    assert sum(len(b) for b, _ in batches) == len(named + blank)


def test_a_server_out_of_reach_fails_in_one_line_after_the_store_is_built(tmp_path):
    import os
    import subprocess
    import sys

    from tests.support import free_port

    store = tmp_path / "store"
    run = subprocess.run([sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())", "build",
                          "--store", str(store), "--no-validate", "-q", "--endpoint", f"http://127.0.0.1:{free_port()}/sparql"],
                         capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1].startswith("policykg: error: cannot reach SPARQL server http://127.0.0.1:")
    assert "Traceback" not in run.stderr
    with open_store(store) as opened:  # the local build stands
        assert opened.meta["documents"]


@pytest.mark.parametrize(("text", "expected"), [
    ('SELECT (GROUP_CONCAT(?n ; separator = "、") AS ?x) {}', 'SELECT (GROUP_CONCAT(?n ; separator = "、"@und) AS ?x) {}'),
    ('SELECT (GROUP_CONCAT(?n; SEPARATOR="；") AS ?x) {}', 'SELECT (GROUP_CONCAT(?n; SEPARATOR="；"@und) AS ?x) {}'),
    ('SELECT ?x { ?x ?p "separator=\\"、\\"" }', 'SELECT ?x { ?x ?p "separator=\\"、\\"" }'),  # inside a literal
    ('SELECT ?x { ?x ?p "、" }', 'SELECT ?x { ?x ?p "、" }'),  # not a separator
    ('# separator="、"\nSELECT ?x {}', '# separator="、"\nSELECT ?x {}'),  # in a comment
])
def test_virtuoso_dialect_tags_only_separators_outside_ascii(text, expected):
    from kg.sparql_dialects import for_dialect

    assert for_dialect(text, "virtuoso") == expected
    assert for_dialect(text, "standard") == text


def test_virtuoso_dialect_leaves_variables_nothing_binds_out_of_sub_selects_only():
    from kg.sparql_dialects import for_dialect

    text = ("SELECT ?t ?place ?n { { SELECT ?t ?place (COUNT(?x) AS ?n) { ?t ?p ?x } GROUP BY ?t ?place } "
            "OPTIONAL { SELECT ?t ?place ?w { ?t ?q ?w } } }")
    sent = for_dialect(text, "virtuoso")
    assert sent.startswith("SELECT ?t ?place ?n {")  # the answer's columns stay
    assert sent.count("?place") == 1 and "GROUP BY ?t  }" in sent
    bound = "SELECT ?t ?place { { SELECT ?t ?place { ?t ?p ?place } GROUP BY ?t ?place } }"
    assert for_dialect(bound, "virtuoso") == bound  # ?place is bound by a pattern: kept
    alone = "SELECT ?t { { SELECT ?place (COUNT(*) AS ?n) { ?t ?p ?o } GROUP BY ?place } }"
    assert for_dialect(alone, "virtuoso") == alone  # a GROUP BY is never left empty


def test_virtuoso_dialect_joins_sibling_grouping_sub_selects_in_the_written_order_only_where_there_are_two():
    from kg.sparql_dialects import for_dialect

    one = "SELECT ?t ?n { { SELECT ?t { ?t a ?c } LIMIT 9 } OPTIONAL { SELECT ?t (COUNT(?x) AS ?n) { ?t ?p ?x } GROUP BY ?t } }"
    two = one.replace("GROUP BY ?t } }", "GROUP BY ?t } OPTIONAL { SELECT ?t (COUNT(?y) AS ?m) { ?t ?q ?y } GROUP BY ?t } }")
    assert for_dialect(one, "virtuoso") == one
    assert for_dialect(two, "virtuoso") == 'DEFINE sql:select-option "order" ' + two
    assert for_dialect(two, "standard") == two


def test_virtuoso_dialect_leaves_out_values_columns_that_are_undef_in_every_row():
    from kg.sparql_dialects import for_dialect

    text = ('SELECT ?o ?m ?n { VALUES (?o ?m ?doc ?place) { (<urn:a> "2023-08" UNDEF UNDEF) '
            '(<urn:b> "x"@zh UNDEF UNDEF) (<urn:c> "2"^^xsd:integer UNDEF UNDEF) } ?o ?p ?n }')
    assert for_dialect(text, "virtuoso") == ('SELECT ?o ?m ?n { VALUES (?o ?m) { (<urn:a> "2023-08") (<urn:b> "x"@zh) '
                                             '(<urn:c> "2"^^xsd:integer) } ?o ?p ?n }')
    partly = 'SELECT ?o { VALUES (?o ?d) { (<urn:a> UNDEF) (<urn:b> <urn:d>) } ?o ?p ?d }'
    assert for_dialect(partly, "virtuoso") == partly  # ?d is bound in one row: kept
    alone = "SELECT ?o { VALUES (?d) { (UNDEF) } ?o ?p ?q }"
    assert for_dialect(alone, "virtuoso") == alone  # a block keeps one column


ORDERED = ('SELECT ?t (GROUP_CONCAT(DISTINCT ?n; separator="、") AS ?ns) (GROUP_CONCAT(STR(?s); separator=" ") AS ?ss) '
           'WHERE { SELECT ?t ?n WHERE { ?t ?p ?n ; ?q ?s } ORDER BY ?t DESC(?s) STR(?n) } GROUP BY ?t')


def test_an_ordered_list_is_sent_with_its_sort_keys_and_put_in_order_when_it_comes_back():
    from rdflib import Literal, Variable
    from rdflib.query import Result

    from kg.packed_lists import RECORD, UNIT
    from kg.sparql_dialects import in_dialect

    sent = in_dialect(ORDERED, "virtuoso")
    assert "ORDER BY" not in sent.text and "SELECT ?s ?t ?n WHERE" in sent.text  # the key ?s is projected
    assert [(p.variable, p.separator, p.distinct, p.descending) for p in sent.lists] == [
        ("ns", "、", True, (True, False)), ("ss", " ", False, (True, False))]
    result = Result("SELECT")
    result.vars = [Variable("t"), Variable("ns"), Variable("ss")]
    # Items as the server may join them: out of order, one name twice (DISTINCT keeps its first place).
    packed = RECORD.join(f"n{s}{UNIT}l{n}{UNIT}{n}" for s, n in [(2, "b、c"), (10, "a"), (3, "b、c"), (2, "a")])
    result.bindings = [{Variable("t"): Literal("t1"), Variable("ns"): Literal(packed), Variable("ss"): Literal("")}]
    [row] = sent.finish(result).bindings
    assert str(row[Variable("ns")]) == "a、b、c"  # 10 first (descending), then 3, then 2 by name
    assert str(row[Variable("ss")]) == ""  # an empty list stays empty
    assert in_dialect(ORDERED, "standard").text == ORDERED


@pytest.mark.parametrize("text", [
    ORDERED.replace("} GROUP BY ?t", "LIMIT 5 } GROUP BY ?t"),  # a cut sub-select: its order chooses rows
    ORDERED.replace("GROUP BY ?t", "GROUP BY ?t HAVING(STRLEN(?ns) > 1)"),  # the list is used, not only shown
    ORDERED.replace("SELECT ?t ?n WHERE", "SELECT DISTINCT ?t ?n WHERE"),  # projecting ?s would change its rows
])
def test_a_list_whose_packing_could_change_the_answer_is_sent_as_written(text):
    from kg.sparql_dialects import in_dialect

    sent = in_dialect(text, "virtuoso")
    assert sent.lists == () and "ORDER BY" in sent.text


def test_answers_sorted_by_an_aggregate_are_sorted_again_by_the_standards_order_of_terms():
    from rdflib import Literal, URIRef, Variable
    from rdflib.query import Result

    from kg.sparql_dialects import in_dialect

    text = "SELECT ?o (SAMPLE(?l) AS ?label) WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?l } } GROUP BY ?o ORDER BY DESC(?label) ?o"
    sent = in_dialect(text, "virtuoso")
    assert sent.sort_by == (("label", True), ("o", False))
    result = Result("SELECT")
    result.vars = [Variable("o"), Variable("label")]
    rows = [(URIRef("urn:b"), Literal("根据省、市统一部署")), (URIRef("urn:a"), None), (URIRef("urn:c"), Literal("根据国家")),
            (URIRef("urn:d"), Literal(10)), (URIRef("urn:e"), Literal(9))]
    result.bindings = [{Variable("o"): o, **({Variable("label"): label} if label is not None else {})} for o, label in rows]
    assert [str(row[Variable("o")]) for row in sent.finish(result).bindings] == [
        "urn:b", "urn:c", "urn:d", "urn:e", "urn:a"]  # texts by code point, then numbers by value, unbound last
    assert in_dialect(text + " LIMIT 3", "virtuoso").sort_by == ()  # a cut answer is the server's to sort
    assert in_dialect(text.replace("DESC(?label) ?o", "?o"), "virtuoso").sort_by == ()  # no aggregate: as sent


def test_a_path_between_two_bound_variables_goes_to_virtuoso_as_the_test_it_is():
    from kg.sparql_dialects import for_dialect

    text = ("SELECT ?t { { SELECT ?t ?a { VALUES (?place) { (<urn:p>) } ?t <urn:in> ?doc . ?doc <urn:j> ?w . "
            "?w <urn:within>* ?place . } } OPTIONAL { SELECT ?t (COUNT(?x) AS ?n) { ?t ?p ?x } GROUP BY ?t } "
            "OPTIONAL { SELECT ?t (COUNT(?y) AS ?m) { ?t ?q ?y } GROUP BY ?t } }")
    sent = for_dialect(text, "virtuoso")
    assert "?doc <urn:j> ?w . FILTER EXISTS { ?w <urn:within>* ?place }  }" in sent
    assert not sent.startswith("DEFINE")  # a path test goes without the written join order
    unbound = text.replace("VALUES (?place) { (<urn:p>) } ", "")  # the path binds ?place: a pattern
    assert "FILTER EXISTS" not in for_dialect(unbound, "virtuoso")
    undef = text.replace("(<urn:p>)", "(<urn:p>) (UNDEF)")  # ?place may be unbound: a pattern
    assert "FILTER EXISTS" not in for_dialect(undef, "virtuoso")
