"""HermiT classification and consistency (kg.reasoner), on a hand-checked plan and the bundled one.

Every defined class is checked twice: on tests/data/reasoning/mini_plan.ttl against answers
worked out by hand (see its header), and on the bundled plan against an independent SPARQL
query over the asserted graph, member for member.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.namespace import ORG

from kg.graph import load_graph, load_ontology, new_graph
from kg.namespace import PK
from kg.reasoner import (
    InconsistentGraph,
    ReasonerUnavailable,
    reason_graph,
    write_inferred,
)
from kg.vocab import INFERRED_GRAPH
from tests.support import require_system_dependency

MINI = Path(__file__).resolve().parents[1] / "data" / "reasoning" / "mini_plan.ttl"
DOC = "https://w3id.org/policykg/id/document/mini/"
ORGS = "https://w3id.org/policykg/id/org/371724/"


@pytest.fixture(scope="module")
def java() -> str:
    path = shutil.which("java")
    if path is None:
        require_system_dependency("Java (Debian package default-jre-headless), needed by the HermiT reasoner")
    return path


@pytest.fixture(scope="module")
def mini():
    return load_graph(MINI)


@pytest.fixture(scope="module")
def mini_result(java, mini):
    return reason_graph(mini)


@pytest.fixture(scope="module")
def bundled_result(java, bundled_graph):
    return reason_graph(bundled_graph)


def members(result, cls) -> set[str]:
    return {str(s) for s in result.inferred.subjects(RDF.type, cls)}


def tasks(*numbers: int) -> set[str]:
    return {f"{DOC}task/{n}" for n in numbers}


# -- the hand-checked plan --------------------------------------------------------------------

@pytest.mark.java
def test_mini_plan_classes_match_hand_answers(mini_result):
    assert members(mini_result, PK.CrossDepartmentTask) == tasks(1, 2, 3, 4, 6, 7)
    assert members(mini_result, PK.JointlyLedTask) == tasks(2, 4, 6, 7)
    assert members(mini_result, PK.HigherLevelDependentTask) == tasks(3, 4)
    assert members(mini_result, PK.FourthQuarterTask) == tasks(2, 4)
    assert members(mini_result, PK.FourthQuarterDeadline) == {f"{DOC}dl/2", f"{DOC}dl/4"}
    assert members(mini_result, PK.MultiDomainLeadOrganization) == {ORGS + "market", ORGS + "approval"}
    assert members(mini_result, PK.SingleOrganization) == {ORGS + o for o in ("gov", "market", "drc", "approval", "power")}
    assert mini_result.counts[PK.CrossDepartmentTask] == 6


@pytest.mark.java
def test_a_collective_counts_as_several_bodies(mini_result):
    # Task 3: one named unit and a collective; 4 and 6: a collective lead; 7: a collective alone.
    # Task 5 names one body in two roles: one body, not a cross-department task.
    cross, joint = members(mini_result, PK.CrossDepartmentTask), members(mini_result, PK.JointlyLedTask)
    assert tasks(3, 4, 6, 7) <= cross and tasks(4, 6, 7) <= joint
    assert not tasks(5) & cross and not tasks(1, 3, 5) & joint


@pytest.mark.java
def test_mini_plan_rule_derives_leads_task_in(mini_result):
    pairs = {(str(a).rsplit("/", 1)[-1], str(b).rsplit("/", 1)[-1])
             for a, b in mini_result.inferred.subject_objects(PK.leadsTaskIn)}
    assert pairs == {("market", "1"), ("drc", "1"), ("market", "2"), ("approval", "2"), ("approval", "3"),
                     ("others", "2"), ("others", "3"), ("towns", "3")}


@pytest.mark.java
def test_inferred_graph_holds_only_derived_triples(mini, mini_result):
    for s, p, o in mini_result.inferred:
        if s == INFERRED_GRAPH:
            continue
        assert (s, p, o) not in mini
        assert p == PK.leadsTaskIn or o in set(mini_result.counts)


@pytest.mark.java
def test_write_inferred_keeps_inferred_triples_in_their_named_graph(tmp_path, mini, mini_result):
    from rdflib import Dataset

    path = write_inferred(mini, mini_result, tmp_path / "inferred.trig")
    ds = Dataset()
    ds.parse(path, format="trig")
    named = ds.graph(INFERRED_GRAPH)
    assert (URIRef(f"{DOC}task/2"), RDF.type, PK.JointlyLedTask) in named
    assert (URIRef(f"{DOC}task/2"), RDF.type, PK.JointlyLedTask) not in ds.default_graph
    assert (URIRef(f"{DOC}task/2"), RDF.type, PK.Task) in ds.default_graph
    merged = load_graph(path)  # what `policykg serve --graph …trig` sees
    assert (URIRef(f"{DOC}task/2"), RDF.type, PK.JointlyLedTask) in merged


# -- the bundled plan: each class equals its SPARQL counterpart ------------------------------

SINGLE = "?o a org:Organization . FILTER NOT EXISTS { ?o a pk:CollectiveUnit }"
# Several bodies: two distinct single organisations, or one collective (it stands for several).
SEVERAL = """SELECT DISTINCT ?x WHERE {{ ?x a pk:Task .
            {{ {{ SELECT ?x (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?x {path} ?o . {single} }} GROUP BY ?x }}
               FILTER (?n >= 2) }}
            UNION {{ ?x {path} ?c . ?c a pk:CollectiveUnit }} }}"""
EQUIVALENT_SPARQL = {
    PK.SingleOrganization: f"SELECT DISTINCT (?o AS ?x) WHERE {{ {SINGLE} }}",
    PK.CrossDepartmentTask: SEVERAL.format(path="pk:leadUnit|pk:responsibleUnit|pk:involvesUnit", single=SINGLE),
    PK.JointlyLedTask: SEVERAL.format(path="pk:leadUnit", single=SINGLE),
    PK.HigherLevelDependentTask: """SELECT DISTINCT ?x WHERE { ?x a pk:Task .
            { ?x pk:followsHigherDeployment true } UNION { ?x pk:hasDeploymentWait ?w . ?w a pk:DeploymentWait } }""",
    # Months from the xsd:date itself, so the loader's pk:deadlineMonth is checked too.
    PK.FourthQuarterDeadline: """SELECT DISTINCT ?x WHERE { ?x a pk:Deadline ; time:inXSDDate ?d .
            FILTER (MONTH(?d) >= 10) }""",
    PK.FourthQuarterTask: """SELECT DISTINCT ?x WHERE { ?x a pk:Task ; pk:hasDeadline ?dl .
            ?dl a pk:Deadline ; time:inXSDDate ?d . FILTER (MONTH(?d) >= 10) }""",
    PK.MultiDomainLeadOrganization: f"""SELECT (?o AS ?x) WHERE {{ {{ SELECT ?o (COUNT(DISTINCT ?dom) AS ?n) WHERE {{
            ?t pk:leadUnit ?o ; pk:inDomain ?dom . ?dom a pk:Domain . {SINGLE} }} GROUP BY ?o }}
            FILTER (?n >= 2) }}""",
}


@pytest.fixture(scope="module")
def bundled_with_ontology(bundled_graph):
    g = new_graph()
    for t in bundled_graph:
        g.add(t)
    for t in load_ontology():
        g.add(t)
    return g


@pytest.mark.java
@pytest.mark.parametrize("cls", list(EQUIVALENT_SPARQL), ids=lambda c: str(c).rsplit("#", 1)[-1])
def test_bundled_class_equals_its_sparql_query(cls, bundled_result, bundled_with_ontology):
    from kg.graph import PREFIXES

    expected = {str(r[0]) for r in bundled_with_ontology.query(EQUIVALENT_SPARQL[cls], initNs=PREFIXES)}
    assert members(bundled_result, cls) == expected
    assert bundled_result.counts[cls] == len(expected)


@pytest.mark.java
def test_bundled_classification_is_not_trivial(bundled_result, bundled_graph):
    n_tasks = len(set(bundled_graph.subjects(RDF.type, PK.Task)))
    for cls in (PK.CrossDepartmentTask, PK.JointlyLedTask, PK.HigherLevelDependentTask, PK.FourthQuarterTask):
        assert 0 < bundled_result.counts[cls] < n_tasks, cls
    assert 0 < bundled_result.counts[PK.MultiDomainLeadOrganization]
    # The reasoner derives JointlyLedTask ⊑ CrossDepartmentTask from the definitions.
    assert members(bundled_result, PK.JointlyLedTask) <= members(bundled_result, PK.CrossDepartmentTask)


@pytest.mark.java
def test_bundled_collectives_make_seven_more_cross_department_tasks_and_one_jointly_led(bundled_result, bundled_graph):
    # Measured on 巨政发〔2023〕5号: counting single organisations only gives 90 and 57; the tasks
    # below pair one named unit with a collective (137 leads with 县各重点民生领域、新兴领域主管部门).
    doc = next(bundled_graph.subjects(RDF.type, PK.ImplementationPlan))
    numbered = {int(bundled_graph.value(t, PK.taskNumber)): str(t) for t in bundled_graph.subjects(RDF.type, PK.Task)
                if bundled_graph.value(t, PK.inDocument) == doc}
    cross, joint = members(bundled_result, PK.CrossDepartmentTask), members(bundled_result, PK.JointlyLedTask)
    assert (len(cross), len(joint)) == (97, 58)
    assert {numbered[n] for n in (4, 90, 109, 137, 156, 158, 165)} <= cross
    assert numbered[137] in joint


@pytest.mark.java
def test_bundled_leads_task_in_equals_sparql(bundled_result, bundled_graph):
    rows = bundled_graph.query("SELECT DISTINCT ?o ?d WHERE { ?t pk:leadUnit ?o ; pk:inDomain ?d }",
                               initNs={"pk": PK._NS})
    assert set(bundled_result.inferred.subject_objects(PK.leadsTaskIn)) == {(r[0], r[1]) for r in rows}


# -- broken graphs ------------------------------------------------------------------------------

def copy(g):
    out = new_graph()
    for t in g:
        out.add(t)
    return out


@pytest.mark.java
def test_disjoint_typing_is_explained_with_task_and_sentence(java, mini):
    g = copy(mini)
    task3 = URIRef(f"{DOC}task/3")
    g.add((task3, RDF.type, ORG.Organization))  # a task typed as an organisation
    with pytest.raises(InconsistentGraph) as e:
        reason_graph(g)
    message = str(e.value)
    assert "DisjointClasses(" in message
    assert "<task 3> type Organization" in message and "<task 3> type Task" in message
    assert "简化用电报装，根据上级统一部署推进" in message  # the task's sentence
    assert e.value.individuals == [str(task3)]
    assert "Exception" not in message and "java." not in message


@pytest.mark.java
def test_functional_property_clash_names_both_values(java, mini):
    g = copy(mini)
    g.add((URIRef(f"{DOC}task/5"), PK.taskNumber, Literal(55)))
    with pytest.raises(InconsistentGraph) as e:
        reason_graph(g)
    lines = e.value.explanation
    assert "Functional taskNumber" in lines
    assert any("taskNumber 5" in line for line in lines) and any("taskNumber 55" in line for line in lines)


# -- no Java --------------------------------------------------------------------------------------

def test_missing_java_is_one_clear_error(monkeypatch, tmp_path, mini):
    import owlready2

    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no java on PATH
    monkeypatch.setattr(owlready2, "JAVA_EXE", "java")
    with pytest.raises(ReasonerUnavailable, match="no Java runtime found .*apt-get install default-jre-headless"):
        reason_graph(mini)


def test_missing_java_in_cli_prints_one_line(capsys):
    from api.cli import main

    code = main(["reason", "--graph", str(MINI), "--java", "/nonexistent/bin/java", "--out", "/tmp/unused.trig"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("policykg: error: no Java runtime found")
    assert "Traceback" not in err


@pytest.mark.java
def test_reason_cli_writes_trig_and_counts(java, tmp_path, capsys):
    from api.cli import main

    out = tmp_path / "inferred.trig"
    assert main(["reason", "--graph", str(MINI), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "     6  pk:CrossDepartmentTask" in printed and "consistent; wrote" in printed
    assert out.is_file()
