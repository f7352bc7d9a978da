"""The vocabulary module: levels and roles as the ontology defines them, ids, graphs and RDF formats."""

from __future__ import annotations

import pytest
from rdflib.namespace import RDF, SKOS

from kg.errors import LoadError
from kg.graph import load_ontology
from kg.namespace import PK
from kg.vocab import (
    RDF_FORMATS,
    concepts,
    level_iri,
    level_notation,
    level_rank,
    levels,
    notation_iri,
    org_id,
    org_iri,
    organization_iri,
    rdf_format_for,
    rdf_format_named,
    role_iri,
    role_notation,
)
from loaders.records import Role


def test_levels_are_every_level_the_ontology_declares_in_its_order():
    onto = load_ontology()
    declared = {str(s) for s in onto.subjects(RDF.type, PK.AdministrativeLevel)}
    assert {str(lv.iri) for lv in levels()} == declared
    assert [lv.notation for lv in levels()] == ["national", "province", "city", "county"]
    for lv in levels():
        assert str(onto.value(lv.iri, SKOS.notation)) == lv.notation
        assert lv.zh and lv.en


def test_level_rank_orders_levels_and_knows_no_other_term():
    ranks = [level_rank(lv.notation) for lv in levels()]
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) == len(ranks)
    assert level_rank(str(PK.CountyLevel)) == 0
    assert level_rank("prefecture") is None and level_rank(None) is None
    assert level_iri("city") == PK.CityLevel and level_iri("town") is None
    assert level_notation(str(PK.ProvinceLevel)) == "province" and level_notation(str(PK.LeadRole)) is None


def test_every_role_the_parser_writes_is_an_ontology_role():
    assert {r.value for r in Role} == {c.notation for c in concepts(PK.Role)}
    for r in Role:
        assert role_notation(str(role_iri(r))) == r.value
    with pytest.raises(LookupError):
        role_iri("observer")


def test_alignment_methods_resolve_by_notation():
    assert notation_iri(PK.AlignmentMethod, "char_ngram_tfidf") == PK.TextSimilarityMethod
    with pytest.raises(LookupError):
        notation_iri(PK.AlignmentMethod, "guess")


def test_organisation_ids_round_trip():
    iri = str(organization_iri("371724", "县商务局"))
    assert org_id(iri) == "371724/县商务局"
    assert org_iri(org_id(iri)) == iri and org_iri(iri) == iri
    assert org_id("urn:x") == "urn:x"
    assert org_id(str(organization_iri(None, "某局"))) == "unplaced/某局"


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_each_rdf_format_is_found_by_each_of_its_names(fmt):
    for suffix in fmt.suffixes:
        assert rdf_format_for(f"graph{suffix.upper()}") is fmt
    for name in (fmt.name, fmt.rdflib, *fmt.names, fmt.media_type):
        assert rdf_format_named(name) is fmt
    assert fmt.ox is not None  # a real pyoxigraph RdfFormat member


def test_suffixes_and_short_names_are_unique():
    suffixes = [s for f in RDF_FORMATS for s in f.suffixes]
    names = [n for f in RDF_FORMATS for n in {f.name, f.rdflib, *f.names}]
    assert len(suffixes) == len(set(suffixes)) and len(names) == len(set(names))


def test_unknown_suffix_is_a_load_error_naming_the_file():
    with pytest.raises(LoadError, match="kg.docx"):
        rdf_format_for("kg.docx")
