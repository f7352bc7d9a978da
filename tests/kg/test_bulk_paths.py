"""kg.graph on Oxigraph reads and writes natively and gives the same graph as rdflib; co-assignment counts are right."""

from __future__ import annotations

import os

import pytest
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from kg.bulk import co_assignment_pairs, materialize_co_assignments
from kg.errors import GraphNotFound, LoadError
from kg.graph import Store, load_graph, new_graph, save_graph
from kg.namespace import PK

T = "https://w3id.org/policykg/id/document/D/task/"
ORG = "https://w3id.org/policykg/id/org/371724/"


def _plan_graph(store: Store = Store.OXIGRAPH):
    """Three tasks: 1 (A lead, B, C), 2 (A, B), 3 (C alone)."""
    g = new_graph(store)
    for n, orgs in {1: "ABC", 2: "AB", 3: "C"}.items():
        task = URIRef(f"{T}{n}")
        g.add((task, RDF.type, PK.Task))
        for i, o in enumerate(orgs):
            a = URIRef(f"{task}/assignment/{i}")
            g.add((task, PK.hasAssignment, a))
            g.add((a, PK.agent, URIRef(ORG + o)))
    return g


def test_pairs_count_shared_tasks_once_per_task():
    pairs = co_assignment_pairs(_plan_graph())
    assert pairs == {(ORG + "A", ORG + "B"): 2, (ORG + "A", ORG + "C"): 1, (ORG + "B", ORG + "C"): 1}


def test_materialised_pairs_answer_the_pairs_query():
    g = _plan_graph()
    assert materialize_co_assignments(g) == 3
    rows = g.query("""SELECT ?a ?b ?n WHERE { ?c a pk:CoAssignment ; pk:coAssignee ?a, ?b ;
                      pk:sharedTaskCount ?n FILTER (STR(?a) < STR(?b)) }""", initNs={"pk": str(PK._NS)})
    assert {(str(a), str(b), int(n)) for a, b, n in rows} == {
        (ORG + "A", ORG + "B", 2), (ORG + "A", ORG + "C", 1), (ORG + "B", ORG + "C", 1)}


@pytest.mark.parametrize("suffix", [".ttl", ".nt"])
def test_native_save_and_load_keep_the_graph(tmp_path, suffix):
    g = _plan_graph()
    g.add((URIRef(T + "1"), PK.text, Literal('多行\n"引号" 文本', lang="zh")))
    path = save_graph(g, tmp_path / f"kg{suffix}")
    assert isomorphic(load_graph(path), load_graph(path, store=Store.MEMORY))
    assert isomorphic(load_graph(path), g)
    assert os.listdir(tmp_path) == [path.name]  # no temporary file left behind


def test_native_load_reads_what_rdflib_wrote(tmp_path):
    path = save_graph(_plan_graph(Store.MEMORY), tmp_path / "kg.ttl")
    assert isomorphic(load_graph(path), _plan_graph(Store.MEMORY))


def test_native_load_errors_name_the_file(tmp_path):
    with pytest.raises(GraphNotFound):
        load_graph(tmp_path / "missing.ttl")
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .", encoding="utf-8")
    with pytest.raises(LoadError, match="bad.ttl"):
        load_graph(bad)
