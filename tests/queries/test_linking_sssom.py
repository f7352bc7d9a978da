"""SSSOM mapping files (read, written, published) and importing an outside graph with them, offline."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from api.cli import main
from kg.errors import LoadError
from kg.graph import load_graph, load_ontology, save_graph
from kg.iri import iri_for
from kg.namespace import PK
from loaders.build import build_graph
from loaders.data import BUNDLED_PLAN
from loaders.outside_graphs import Translator
from loaders.sssom import SSSOMMapping, parse_sssom, read_sssom, write_sssom

ROOT = Path(__file__).resolve().parents[2]
MAPPINGS = sorted((ROOT / "ontology" / "mappings").glob("*.sssom.tsv"))
LINKING = ROOT / "tests" / "data" / "linking"
HEADER = "subject_id\tpredicate_id\tobject_id\tmapping_justification\tconfidence\n"
EX = "http://example.org/"


def sssom(rows: str, curie_map: str = "# curie_map:\n#   ex: http://example.org/\n") -> str:
    return curie_map + HEADER + rows


@pytest.mark.parametrize(("text", "message"), [
    (sssom("ex:a\tskos:sameAs\tex:b\tsemapv:ManualMappingCuration\t\n"), "is not one of"),
    (sssom("zz:a\tskos:exactMatch\tex:b\tsemapv:ManualMappingCuration\t\n"), "undeclared prefix"),
    (sssom("ex:a\tskos:exactMatch\tex:b\tsemapv:ManualMappingCuration\t1.5\n"), "not a number in 0..1"),
    ("# curie_map:\n#   ex: http://example.org/\nsubject_id\tobject_id\n", "missing column"),
    ("# curie_map: [unclosed\nsubject_id\n", "not YAML"),
])
def test_malformed_mapping_files_say_where(text: str, message: str) -> None:
    with pytest.raises(LoadError, match=message) as info:
        parse_sssom(text, source="m.sssom.tsv")
    assert info.value.source == "m.sssom.tsv"


def test_a_written_mapping_set_reads_back_the_same() -> None:
    rows = [SSSOMMapping(EX + "a", "skos:exactMatch", EX + "b", "semapv:LexicalMatching", 0.75,
                         subject_label="甲", comment="why, in words"),
            SSSOMMapping(EX + "c", "rdfs:subClassOf", "https://w3id.org/policykg/ontology#Task",
                         "semapv:ManualMappingCuration")]
    text = write_sssom(rows, metadata={"mapping_set_id": EX + "set", "license": EX + "licence"},
                       prefixes={"ex": EX, "pk": "https://w3id.org/policykg/ontology#"})
    back = parse_sssom(text)
    assert back.mappings == rows
    assert back.metadata["mapping_set_id"] == EX + "set"


@pytest.mark.parametrize("path", MAPPINGS, ids=lambda p: p.name)
def test_published_mappings_parse_and_name_only_declared_terms(path: Path) -> None:
    ms = read_sssom(path)
    assert ms.mappings and {"mapping_set_id", "license", "curie_map"} <= set(ms.metadata)
    onto = load_ontology()
    for m in ms.mappings:
        if m.subject.startswith(str(PK._NS)):
            assert (URIRef(m.subject), RDFS.isDefinedBy, None) in onto, m.subject
        if m.predicate in {"rdfs:subClassOf", "rdfs:subPropertyOf"}:  # must restate the ontology, not add to it
            p = RDFS.subClassOf if m.predicate == "rdfs:subClassOf" else RDFS.subPropertyOf
            closure = set(onto.transitive_objects(URIRef(m.subject), p))
            assert URIRef(m.object) in closure, f"{m.subject} {m.predicate} {m.object} is not in policykg.ttl"
        assert m.confidence is not None and m.justification.startswith("semapv:")


def test_the_wikidata_mappings_agree_with_the_places_file() -> None:
    from loaders.organizations import load_places

    ms = read_sssom(ROOT / "ontology" / "mappings" / "policykg-to-wikidata.sssom.tsv")
    stated = {m.subject.rsplit("/", 1)[-1]: m.object.rsplit("/", 1)[-1] for m in ms.mappings
              if m.subject.startswith(str(iri_for("place", "x"))[:-1])}
    places = load_places()
    assert stated == {c: p.wikidata for c, p in places.items() if p.wikidata}


# -- Rewriting outside terms -----------------------------------------------------------------------


def test_only_safe_directions_rewrite_outside_terms_into_ours() -> None:
    ms = parse_sssom(sssom(
        "ex:Task\tskos:exactMatch\tpk:Task\tsemapv:ManualMappingCuration\t\n"
        "ex:Step\tskos:broadMatch\tpk:Task\tsemapv:ManualMappingCuration\t\n"      # outside narrower: safe
        "ex:Thing\tskos:narrowMatch\tpk:Task\tsemapv:ManualMappingCuration\t\n"    # outside broader: not
        "ex:Near\tskos:closeMatch\tpk:Task\tsemapv:ManualMappingCuration\t\n"
        "pk:Domain\tskos:broadMatch\tex:Concept\tsemapv:ManualMappingCuration\t\n"   # ours narrower: not
        "pk:Deadline\tskos:narrowMatch\tex:Due\tsemapv:ManualMappingCuration\t\n"    # ours broader: safe
        "pk:Role\trdfs:subClassOf\tex:Role\tsemapv:ManualMappingCuration\t\n"))      # ours ⊑ outside: not
    table = Translator([ms]).table
    assert set(table) == {EX + "Task", EX + "Step", EX + "Due"}
    assert table[EX + "Due"] == str(PK.Deadline)


def test_the_published_org_mapping_never_turns_every_organization_into_a_government_agency() -> None:
    table = Translator([read_sssom(ROOT / "ontology" / "mappings" / "policykg-to-org.sssom.tsv")]).table
    assert "http://www.w3.org/ns/org#Organization" not in table
    assert "http://data.europa.eu/m8g/PublicOrganisation" not in table


def test_an_outside_graph_is_translated_with_places_matched_and_gaps_reported() -> None:
    raw = Graph().parse(LINKING / "sdkg-province.ttl")
    translator = Translator([read_sssom(LINKING / "sdkg-to-policykg.sssom.tsv")])
    g, report = translator.translate(raw, source="sdkg-province.ttl")
    tasks = set(g.subjects(RDF.type, PK.Task))
    assert len(tasks) == 5 and all(g.value(t, PK.text) for t in tasks)
    shandong = iri_for("place", "370000")
    plan = URIRef("http://example.org/sdkg/id/plan-2023")
    assert (plan, PK.jurisdiction, shandong) in g
    assert (shandong, SKOS.exactMatch, URIRef("http://example.org/sdkg/id/place-sd")) in g
    bureau = URIRef("http://example.org/sdkg/id/org-scjg")
    assert (bureau, PK.governmentFunction, iri_for("function", "market_regulation")) in g
    assert (bureau, PK.level, PK.ProvinceLevel) in g
    assert report.unmapped_classes["http://example.org/sdkg/ontology#GongZuoZu"] == 1
    assert report.dropped_predicates["http://example.org/sdkg/ontology#fabuRiqi"] == 1
    assert not any(p == URIRef("http://example.org/sdkg/ontology#fabuRiqi") for _, p, _ in g)
    assert (None, RDF.type, OWL.Class) not in g
    assert Literal("鲁营商办〔2023〕7号") in set(g.objects(plan, URIRef("http://purl.org/dc/terms/identifier")))


def test_policykg_link_imports_an_rdf_file_and_aligns_the_county_plan_with_it(tmp_path: Path, capsys) -> None:
    path = save_graph(build_graph([BUNDLED_PLAN]).graph, tmp_path / "kg.ttl")
    assert main(["link", "-g", str(path), "--import", str(LINKING / "sdkg-province.ttl"),
                 "--mapping", str(LINKING / "sdkg-to-policykg.sssom.tsv"), "--offline",
                 "--cache-dir", str(tmp_path / "cache")]) == 0
    err = capsys.readouterr().err
    assert "unmapped class http://example.org/sdkg/ontology#GongZuoZu" in err
    g = load_graph(path)
    county = str(iri_for("document", "371724", "巨政发〔2023〕5号")) + "/task/"
    remote = "http://example.org/sdkg/id/task-"
    implemented = {(str(s).removeprefix(county), str(o).removeprefix(remote)) for s, o in g.subject_objects(PK.implements)}
    # 19 验登合一, 6 除名制度, 130 综合监管一件事, 88 新业态工伤保险; task 5 (海洋牧场) has no county task.
    assert implemented == {("19", "1"), ("6", "2"), ("130", "3"), ("88", "4")}
    ours = iri_for("org", "370000", "山东省市场监督管理局")
    assert (ours, SKOS.exactMatch, URIRef("http://example.org/sdkg/id/org-scjg")) in g
    assert (ours, SKOS.exactMatch, URIRef("http://example.org/sdkg/id/org-yshb")) not in g


def test_a_graph_already_in_our_vocabulary_needs_no_mapping() -> None:
    raw = Graph()
    task = URIRef("http://example.org/t1")
    raw.add((task, RDF.type, PK.Task))
    raw.add((task, PK.text, Literal("推行“验登合一”改革")))
    raw.add((task, URIRef("http://example.org/private"), Literal("x")))
    g, report = Translator([]).translate(raw, source="ours.ttl")
    assert (task, RDF.type, PK.Task) in g and (task, PK.text, Literal("推行“验登合一”改革")) in g
    assert report.dropped_predicates == {"http://example.org/private": 1}
