"""Ontology lint as tests: labels, comments and provenance of every term; every term the code and
the saved queries use is declared; the generated namespace is current; the header is complete."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib import namespace as ns

from kg.graph import load_ontology
from kg.namespace import PK
from kg.namespace_codegen import render_namespace
from ontology import ONTOLOGY_PATH, SHAPES_PATH

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_IRI = URIRef("https://w3id.org/policykg/ontology")
KINDS = (ns.OWL.Class, ns.OWL.ObjectProperty, ns.OWL.DatatypeProperty, ns.OWL.AnnotationProperty,
         ns.OWL.NamedIndividual)


@pytest.fixture(scope="module")
def onto():
    return load_ontology()


def pk_terms(g) -> list[URIRef]:
    return sorted({s for k in KINDS for s in g.subjects(ns.RDF.type, k)
                   if isinstance(s, URIRef) and str(s).startswith(str(PK))})


def declared_names(g) -> set[str]:
    return {str(t)[len(str(PK)):] for t in pk_terms(g)}


def test_every_term_has_zh_and_en_labels_a_comment_and_is_defined_by(onto):
    problems = []
    for t in pk_terms(onto):
        langs = {lit.language for lit in onto.objects(t, ns.RDFS.label) if isinstance(lit, Literal)}
        if not {"zh", "en"} <= langs:
            problems.append(f"{t}: labels in {sorted(map(str, langs))}, need zh and en")
        if onto.value(t, ns.RDFS.comment) is None and onto.value(t, ns.SKOS.definition) is None:
            problems.append(f"{t}: no rdfs:comment")
        if (t, ns.RDFS.isDefinedBy, ONTOLOGY_IRI) not in onto:
            problems.append(f"{t}: no rdfs:isDefinedBy <{ONTOLOGY_IRI}>")
    assert not problems, "\n".join(problems)


def test_header_has_version_iri_title_dates_and_change_notes(onto):
    assert (ONTOLOGY_IRI, ns.RDF.type, ns.OWL.Ontology) in onto
    version = onto.value(ONTOLOGY_IRI, ns.OWL.versionIRI)
    assert isinstance(version, URIRef) and str(version).startswith(str(ONTOLOGY_IRI) + "/")
    titles = {lit.language for lit in onto.objects(ONTOLOGY_IRI, ns.DCTERMS.title)}
    assert {"zh", "en"} <= titles
    for p in (ns.DCTERMS.created, ns.DCTERMS.modified, ns.SKOS.changeNote):
        assert onto.value(ONTOLOGY_IRI, p) is not None, p


def test_generated_namespace_is_current():
    current = (ROOT / "kg" / "namespace.py").read_text(encoding="utf-8")
    assert current == render_namespace(ONTOLOGY_PATH), "run: .venv/bin/python -m kg.namespace_codegen"


def used_terms() -> dict[str, set[str]]:
    """pk: terms written in code (PK.x) and in SPARQL / Turtle text (pk:x), by file."""
    found: dict[str, set[str]] = {}
    files = [*sorted((ROOT / "loaders").rglob("*.py")), *sorted((ROOT / "queries").rglob("*.py")),
             *sorted((ROOT / "queries").rglob("*.rq")), SHAPES_PATH]
    for path in files:
        text = _without_comments(path)
        names = set(re.findall(r"\bPK\.([A-Za-z_]\w*)", text))
        names |= set(re.findall(r"(?<![\w:/#])pk:([A-Za-z_][\w-]*)", text))
        names |= set(re.findall(r"https://w3id\.org/policykg/ontology#([A-Za-z_]\w*)", text))
        names.discard("_NS")
        if names:
            found[str(path.relative_to(ROOT))] = names
    return found


def _without_comments(path: Path) -> str:
    """The file's text without comments and doctest lines, where pk:X may stand for any term."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        comments = {(t.start[0], t.string) for t in tokens if t.type == tokenize.COMMENT}
        lines = text.splitlines()
        for row, comment in comments:
            lines[row - 1] = lines[row - 1].replace(comment, "")
        return "\n".join(line for line in lines if ">>>" not in line)
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def test_every_term_used_in_loaders_queries_and_shapes_is_declared(onto):
    declared = declared_names(onto)
    missing = {f: sorted(n - declared) for f, n in used_terms().items() if n - declared}
    assert not missing, missing


def test_lint_sees_the_terms_it_checks():
    used = used_terms()
    assert "leadUnit" in used["loaders/to_rdf.py"] and "deadlineMonth" in used["loaders/to_rdf.py"]
    assert any(f.endswith(".rq") for f in used)


def test_defined_classes_are_declared_classes_with_definitions(onto):
    from kg.reasoner import defined_classes

    names = {str(c)[len(str(PK)):] for c in defined_classes(onto)}
    assert {"CrossDepartmentTask", "JointlyLedTask", "HigherLevelDependentTask", "MultiDomainLeadOrganization",
            "FourthQuarterTask", "FourthQuarterDeadline", "SingleOrganization"} <= names
    for c in defined_classes(onto):
        assert (c, ns.RDF.type, ns.OWL.Class) in onto
