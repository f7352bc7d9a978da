"""kg.iri mints stable, valid IRIs; kg.graph reads and writes every syntax and saves atomically."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.errors import GraphNotFound, LoadError, OntologyError
from kg.graph import Store, load_graph, load_ontology, new_graph, save_graph
from kg.iri import child_iri, escape_key, iri_for
from kg.namespace import PK
from kg.vocab import rdf_format_for


def test_iri_is_readable_and_stable():
    a = iri_for("document", "巨政发〔2023〕5号")
    assert a == iri_for("document", "巨政发〔2023〕5号")
    assert str(a).endswith("/document/巨政发〔2023〕5号")
    assert str(child_iri(a, "task", 12)).endswith("/document/巨政发〔2023〕5号/task/12")


@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip()))
@settings(max_examples=200, deadline=None)
def test_escaped_keys_make_valid_iris_that_round_trip_through_turtle(key):
    iri = iri_for("org", "371724", key)
    assert "/" not in escape_key(key)
    g = Graph()
    g.add((iri, PK.quote, Literal("x")))
    back = Graph().parse(data=g.serialize(format="turtle"), format="turtle")
    assert set(back.subjects()) == {iri}


def test_distinct_keys_give_distinct_iris():
    assert iri_for("org", "a/b") != iri_for("org", "a", "b")


@pytest.mark.parametrize("ext", [".ttl", ".nt", ".jsonld", ".trig", ".nq"])
def test_save_and_load_every_syntax(tmp_path, ext):
    g = new_graph(Store.MEMORY)
    g.add((URIRef("https://example.org/t"), PK.taskNumber, Literal(1)))
    g.add((URIRef("https://example.org/t"), PK.text, Literal("全面实施", lang="zh")))
    path = save_graph(g, tmp_path / f"kg{ext}")
    back = load_graph(path, store=Store.MEMORY)
    assert isomorphic(g, back)


def test_failed_save_keeps_the_previous_graph(tmp_path):
    path = tmp_path / "kg.ttl"
    good = new_graph(Store.MEMORY)
    good.add((URIRef("https://example.org/a"), PK.taskNumber, Literal(1)))
    save_graph(good, path)
    before = path.read_bytes()

    class Boom(Graph):
        def serialize(self, *a, **k):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        save_graph(Boom(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]  # no temp file left behind


def test_unknown_extension_and_missing_file_are_clear_errors(tmp_path):
    with pytest.raises(LoadError, match="unknown RDF file extension"):
        rdf_format_for("kg.docx")
    with pytest.raises(GraphNotFound, match="policykg build"):
        load_graph(tmp_path / "missing.ttl")
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle <<<", encoding="utf-8")
    with pytest.raises(LoadError, match="not valid turtle"):
        load_graph(bad)


def test_ontology_loads_and_a_broken_one_is_explained(tmp_path):
    onto = load_ontology()
    assert (PK.Task, None, None) in onto
    broken = tmp_path / "o.ttl"
    broken.write_text("@prefix pk: <x#> . pk:A a", encoding="utf-8")
    with pytest.raises(OntologyError, match="not a valid Turtle ontology"):
        load_ontology(broken)
