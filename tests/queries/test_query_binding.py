"""Parameters reach a remote store as a VALUES block of safely written terms, in the right group;
and the query-layer modules' docstring examples hold."""

from __future__ import annotations

import doctest
import importlib

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from kg.remote_store import bind_values, sparql_term
from kg.sparql_lexer import nesting_depth, where_group_start

EX = "http://example.org/"


@pytest.mark.parametrize("module", ["kg.sparql_lexer", "api.web.sparql.guard", "kg.remote_store", "kg.sparql_dialects", "kg.packed_lists",
                                    "kg.remote_terms", "api.web.sparql.formats", "api.web.errors", "kg.vocab", "kg.iri"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    for i, colour in enumerate(["red", "green", "blue"]):
        g.add((URIRef(f"{EX}t{i}"), URIRef(EX + "colour"), Literal(colour)))
        g.add((URIRef(f"{EX}t{i}"), URIRef(EX + "n"), Literal(i)))
    return g


@pytest.mark.parametrize("query", [
    "SELECT ?t ?c WHERE { ?t <http://example.org/colour> ?c }",
    "SELECT ?t ?c { ?t <http://example.org/colour> ?c }",
    "# WHERE { not this one\nSELECT ?t ?c WHERE { ?t <http://example.org/colour> ?c FILTER(?c != \"}{\") }",
    "SELECT ?t ?c WHERE { { SELECT ?t ?c WHERE { ?t <http://example.org/colour> ?c } } }",
    "SELECT ?c (COUNT(?t) AS ?n) WHERE { ?t <http://example.org/colour> ?c } GROUP BY ?c",
    "CONSTRUCT { ?t <urn:is> ?c } WHERE { ?t <http://example.org/colour> ?c }",
    "ASK { ?t <http://example.org/colour> ?c }",
])
def test_values_bind_like_init_bindings(graph, query):
    bindings = {"c": Literal("green")}
    expected = graph.query(query, initBindings=bindings)
    got = graph.query(bind_values(query, bindings))
    if expected.type == "ASK":
        assert got.askAnswer == expected.askAnswer
    elif expected.type == "CONSTRUCT":
        assert set(got.graph) == set(expected.graph) and len(got.graph) == 1
    else:
        assert sorted(map(tuple, got)) == sorted(map(tuple, expected)) and len(got) == 1


def test_the_construct_template_is_never_taken_for_the_where_group():
    q = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert q[where_group_start(q):].startswith(" ?s ?p ?o }")
    assert where_group_start("DESCRIBE <urn:x>") is None
    assert nesting_depth('SELECT * { "{{{{" <urn:x#a> # {{{{\n { } }') == 2


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
       st.sampled_from([None, "zh", "en-GB"]))
def test_any_string_survives_as_one_literal(text, lang):
    term = Literal(text, lang=lang)
    q = f"SELECT ?x WHERE {{ VALUES ?x {{ {sparql_term(term)} }} }}"
    [row] = list(ox.Store().query(q))
    assert row["x"].value == text and row["x"].language == (lang.lower() if lang else None)


@pytest.mark.parametrize("term", [Literal(3), Literal("3.50", datatype=XSD.decimal), Literal(True),
                                  URIRef("https://w3id.org/policykg/id/org/371724/县商务局")])
def test_typed_terms_and_iris_round_trip(term):
    q = f"SELECT ?x WHERE {{ VALUES ?x {{ {sparql_term(term)} }} }}"
    [row] = list(Graph().query(q))
    assert row[0] == term


@pytest.mark.parametrize("bad", [URIRef("http://x/> } DROP ALL #"), URIRef("http://x/a b"),
                                 URIRef("http://x/\n")])
def test_terms_that_cannot_be_written_safely_are_refused(bad):
    with pytest.raises(ValueError):
        sparql_term(bad)


def test_variable_names_are_checked():
    with pytest.raises(ValueError):
        bind_values("SELECT * WHERE { ?s ?p ?o }", {"s) } DROP ALL #": Literal(1)})
