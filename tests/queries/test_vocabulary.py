"""What the query editor learns from the ontology: its terms with labels, and the class each IRI
parameter of a question takes, read from the question's patterns (known answers, small queries)."""

from __future__ import annotations

import doctest

import pytest

import api.web.frontend
import queries.vocabulary
from queries.library import NamedQuery, QueryParam
from queries.vocabulary import curie, ontology_terms, parameter_classes

ORG = "http://www.w3.org/ns/org#Organization"
TASK = "https://w3id.org/policykg/ontology#Task"
DOC = "https://w3id.org/policykg/ontology#PolicyDocument"


def question(sparql: str, *names: str) -> NamedQuery:
    return NamedQuery(name="probe", title="探针 / Probe", description="", sparql=sparql,
                      params=tuple(QueryParam(n, "iri", True) for n in names))


@pytest.mark.parametrize("sparql, expected", [
    ("SELECT ?t ?org WHERE { ?t pk:leadUnit ?org }", {"org": ORG}),  # a property's range
    ("SELECT ?t ?org WHERE { ?org ^pk:leadUnit ?t }", {"org": ORG}),  # read backwards
    ("SELECT ?t ?org WHERE { ?t pk:leadUnit|pk:responsibleUnit ?org }", {"org": ORG}),  # alternatives agree
    ("SELECT ?t ?doc WHERE { ?t pk:inDomain/pk:inDocument ?doc }", {"doc": DOC}),  # a path's last step
    ("SELECT ?org WHERE { ?org a org:Organization ; skos:prefLabel ?n }", {"org": ORG}),  # stated outright
    ("SELECT ?x WHERE { { ?x pk:evidence ?s } UNION { ?a pk:agent ?x } }", {}),  # one side says nothing
    ("SELECT ?x WHERE { ?x a pk:Task . { ?x pk:evidence ?s } UNION { ?x pk:taskNumber ?n } }", {"x": TASK}),
    ("SELECT ?x WHERE { ?t pk:leadUnit ?x . ?x pk:taskNumber ?n }", {}),  # two classes: no one class
    ("SELECT ?org WHERE { ?t pk:leadUnit ?o FILTER(?o = ?org) }", {}),  # only in a FILTER
])
def test_parameter_classes_come_from_the_patterns_and_the_ontology(sparql, expected):
    names = [v for v in ("org", "doc", "x") if f"?{v}" in sparql]
    assert parameter_classes(question(sparql, *names)) == expected


def test_ontology_terms_carry_both_labels_and_ranges():
    terms = {t["curie"]: t for t in ontology_terms()}
    assert terms["pk:Task"]["kind"] == "class" and terms["pk:Task"]["zh"] and terms["pk:Task"]["en"]
    assert terms["pk:inDocument"]["range"] == DOC
    assert terms["org:Organization"] == {"iri": ORG, "curie": "org:Organization", "kind": "class",
                                         "zh": "", "en": "", "range": None}
    pk = [t for t in terms.values() if t["curie"].startswith("pk:")]
    assert pk and all(t["zh"] and t["en"] for t in pk), "every pk: term is labelled in both languages"
    assert curie("urn:x") == "urn:x"


@pytest.mark.parametrize("module", [queries.vocabulary, api.web.frontend])
def test_docstring_examples(module):
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0
