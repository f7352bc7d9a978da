"""Organisations across levels in the built graph: every body placed, counterparts and vertical parents
linked by rule, and the same IRI for a body whichever plan names it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import ORG, RDF, SKOS

from kg.iri import iri_for
from kg.namespace import PK
from loaders.build import build_graph
from loaders.data import BUNDLED_PLAN

PROVINCE_PLAN = Path(__file__).resolve().parents[1] / "data" / "plans" / "shandong-2023-excerpt.txt"


def org(code: str, name: str) -> URIRef:
    return iri_for("org", code, name)


@pytest.fixture(scope="module")
def county() -> Graph:
    return build_graph([BUNDLED_PLAN]).graph


@pytest.fixture(scope="module")
def both() -> Graph:
    return build_graph([BUNDLED_PLAN, PROVINCE_PLAN]).graph


def test_county_body_city_body_province_body_are_counterparts(county: Graph) -> None:
    c, m, p = (org("371724", "县市场监督管理局"), org("371700", "菏泽市市场监督管理局"),
               org("370000", "山东省市场监督管理局"))
    for low, high in ((c, m), (c, p), (m, p)):
        assert (low, PK.higherCounterpart, high) in county
        assert (low, PK.counterpartOf, high) in county and (high, PK.counterpartOf, low) in county
    assert (p, PK.higherCounterpart, c) not in county
    assert (m, PK.jurisdiction, iri_for("place", "371700")) in county
    assert (p, PK.governmentFunction, iri_for("function", "market_regulation")) in county


@pytest.mark.parametrize(("branch", "parent"), [
    (("371724", "县税务局"), ("371700", "国家税务总局菏泽市税务局")),
    (("371724", "中国人民银行巨野支行"), ("371700", "中国人民银行菏泽市中心支行")),
    (("371724", "市生态环境局巨野县分局"), ("371700", "菏泽市生态环境局")),
    (("371724", "菏泽银保监分局巨野监管组"), ("371700", "菏泽银保监分局")),
])
def test_vertically_managed_units_are_sub_organisations_of_their_parents(county: Graph, branch, parent) -> None:
    assert (org(*branch), ORG.subOrganizationOf, org(*parent)) in county
    assert (org(*parent), RDF.type, ORG.Organization) in county


def test_the_taxation_chain_reaches_the_national_administration(county: Graph) -> None:
    chain, node = [], org("371724", "县税务局")
    while (nxt := county.value(node, ORG.subOrganizationOf)) is not None:
        chain.append(str(county.value(nxt, SKOS.prefLabel)))
        node = nxt
    assert chain == ["国家税务总局菏泽市税务局", "国家税务总局山东省税务局", "国家税务总局"]
    assert (node, PK.jurisdiction, iri_for("place", "100000")) in county


def test_every_document_and_organisation_is_placed(both: Graph) -> None:
    for cls in (PK.PolicyDocument, ORG.Organization):
        for node in set(both.subjects(RDF.type, cls)):
            place = both.value(node, PK.jurisdiction)
            assert place is not None, node
            assert (place, RDF.type, PK.AdministrativeDivision) in both


def test_collectives_get_no_counterparts(county: Graph) -> None:
    for node in county.subjects(RDF.type, PK.CollectiveUnit):
        assert county.value(node, PK.counterpartOf) is None


def test_every_function_is_a_labelled_concept_of_the_scheme(county: Graph) -> None:
    scheme = iri_for("scheme", "function")
    functions = set(county.objects(None, PK.governmentFunction))
    assert len(functions) >= 45
    for f in functions:
        assert (f, SKOS.inScheme, scheme) in county
        assert {lit.language for lit in county.objects(f, SKOS.prefLabel)} == {"zh", "en"}


def test_a_provincial_plan_names_the_very_node_the_county_graph_links_to(both: Graph) -> None:
    bureau = org("370000", "山东省市场监督管理局")
    led = {both.value(t, PK.taskNumber) for t in both.subjects(PK.leadUnit, bureau)}
    assert {2, 4} <= {int(n) for n in led}  # provincial tasks 2 and 4 name 省市场监管局 as lead
    assert (org("371724", "县市场监督管理局"), PK.higherCounterpart, bureau) in both
