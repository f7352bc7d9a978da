"""SHACL validation (kg.validation, ontology/shapes.ttl) and `policykg validate`.

A broken copy of the hand-written mini plan carries one defect per shape; each must come back as
an issue naming the task and quoting its sentence.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Literal, URIRef
from rdflib import namespace as ns

from kg.graph import load_graph, new_graph, save_graph
from kg.namespace import PK
from kg.validation import validate_graph

MINI = Path(__file__).resolve().parents[1] / "data" / "reasoning" / "mini_plan.ttl"
DOC = "https://w3id.org/policykg/id/document/mini/"
ORGS = "https://w3id.org/policykg/id/org/371724/"


@pytest.fixture(scope="module")
def mini():
    return load_graph(MINI)


def broken_copy(g):
    """The mini plan with one defect per shape."""
    b = new_graph()
    for t in g:
        b.add(t)
    b.remove((URIRef(f"{DOC}task/1"), PK.leadUnit, None))                        # no lead unit
    b.set((URIRef(f"{DOC}dl/2"), ns.TIME.inXSDDate, Literal("2024-12-31", datatype=ns.XSD.date)))  # outside 2023
    b.set((URIRef(f"{DOC}dl/1"), ns.TIME.inXSDDate, Literal("2023-02-01", datatype=ns.XSD.date)))  # before issue
    b.add((URIRef(f"{DOC}task/5"), PK.taskNumber, Literal(55)))                  # two numbers
    b.remove((URIRef(f"{DOC}tg/5"), PK.unit, None))                             # target without unit
    b.remove((URIRef(f"{DOC}w/4"), PK.evidence, None))                          # fact without provenance
    twin = URIRef(ORGS + "market-twin")                                          # same name, same county
    b.add((twin, RDF.type, ns.ORG.Organization))
    b.add((twin, RDF.type, PK.GovernmentAgency))
    b.add((twin, ns.SKOS.prefLabel, Literal("县市场监督管理局", lang="zh")))
    b.add((twin, PK.jurisdiction, URIRef("https://w3id.org/policykg/id/place/371724")))
    b.add((URIRef(ORGS + "power"), ns.SKOS.prefLabel, Literal("国网巨野县供电公司", lang="zh")))  # two names
    return b


@pytest.fixture(scope="module")
def broken_report(mini):
    return validate_graph(broken_copy(mini))


def test_mini_plan_conforms_with_one_warning(mini):
    report = validate_graph(mini)
    assert report.conforms and report.errors == []
    [warning] = report.warnings
    assert warning.severity == "warning" and warning.task_number == 6
    assert "2023-03-03" in warning.message and "7 days" in warning.message
    assert warning.sentence.startswith("6.3月3日前开展政策宣传")


def find(report, *, task=None, text):
    return [i for i in report.issues if text in i.message and (task is None or i.task_number == task)]


@pytest.mark.parametrize(("task", "text"), [
    (1, "lead unit"),
    (2, "outside the plan year 2023"),
    (1, "before the plan's issue date 2023-03-01"),
    (5, "exactly one task number"),
    (5, "exactly one unit"),
    (4, "no evidence"),
])
def test_each_defect_is_reported_with_task_and_sentence(broken_report, task, text):
    issues = find(broken_report, task=task, text=text)
    assert len(issues) == 1, [str(i) for i in broken_report.issues]
    issue = issues[0]
    assert issue.severity == "violation"
    assert issue.sentence and issue.sentence.startswith(f"{task}.")
    assert f"task {task}" in str(issue) and "「" in str(issue)


def test_duplicate_and_missing_canonical_names_are_reported(broken_report):
    same = find(broken_report, text="also named 县市场监督管理局")
    assert {i.subject.iri for i in same} == {ORGS + "market", ORGS + "market-twin"}
    assert len(find(broken_report, text="exactly one canonical name")) == 1


def test_broken_graph_does_not_conform_and_report_is_shacl(broken_report, tmp_path):
    assert not broken_report.conforms
    assert len(broken_report.errors) == 9
    g = load_graph(broken_report.write(tmp_path / "report.ttl"))
    [report] = g.subjects(RDF.type, ns.SH.ValidationReport)
    assert g.value(report, ns.SH.conforms) == Literal(False)


def test_validate_cli_exit_codes_and_messages(mini, tmp_path, capsys):
    from api.cli import main

    assert main(["validate", "--graph", str(MINI)]) == 0
    out = capsys.readouterr()
    assert "warning: deadline 3月3日前 of task 6" in out.out and "0 violation(s), 1 warning(s)" in out.err

    bad = save_graph(broken_copy(mini), tmp_path / "broken.ttl")
    report = tmp_path / "report.ttl"
    assert main(["validate", "--graph", str(bad), "--report", str(report)]) == 1
    out = capsys.readouterr()
    assert "violation: task 1: 任务缺少牵头单位 / a task needs at least one lead unit" in out.out
    assert "9 violation(s)" in out.err and report.is_file()


def test_bundled_plan_has_no_violations(bundled_graph):
    report = validate_graph(bundled_graph)
    assert report.errors == [], [str(i) for i in report.errors[:10]]


def test_build_validates_unless_told_not_to(tmp_path, capsys):
    from api.cli import main

    assert main(["build", "--out", str(tmp_path / "kg.ttl"), "--quiet"]) == 0
    assert "validation: 0 violation(s)" in capsys.readouterr().err
    assert main(["build", "--out", str(tmp_path / "kg2.ttl"), "--quiet", "--no-validate"]) == 0
    assert "validation:" not in capsys.readouterr().err


@pytest.mark.parametrize("broken", [False, True], ids=["mini", "broken"])
def test_the_store_validator_agrees_with_pyshacl(mini, broken):
    """kg.validation_store turns the same shapes into SPARQL on the store: the same issues come back."""
    import pyoxigraph as ox

    from kg.graph import load_ontology
    from kg.validation_store import validate_store

    g = broken_copy(mini) if broken else mini
    store = ox.Store()
    store.load(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("urn:plan"))
    store.load(load_ontology().serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)

    def key(i):  # a node with two names may be described by either: compare by IRI
        return i.severity, i.subject.iri, i.message, i.value, i.task_number

    assert sorted(map(key, validate_store(store).issues)) == sorted(map(key, validate_graph(g).issues))


def test_the_store_validator_refuses_shapes_it_cannot_translate():
    import pyoxigraph as ox
    from rdflib import BNode, Graph
    from rdflib.namespace import SH

    from kg.errors import OntologyError
    from kg.validation_store import validate_store

    shapes = Graph()
    shape, prop = URIRef("urn:shape"), BNode()
    shapes.add((shape, RDF.type, SH.NodeShape))
    shapes.add((shape, SH.targetClass, PK.Task))
    shapes.add((shape, SH.property, prop))
    shapes.add((prop, SH.path, PK.taskNumber))
    shapes.add((prop, SH.uniqueLang, Literal(True)))
    with pytest.raises(OntologyError, match="uniqueLang"):
        validate_store(ox.Store(), shapes=shapes)
