"""GET /ontology: the HTML documentation page, and the ontology itself by content negotiation."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from api.routers import ontology_docs
from api.routers.ontology_docs import negotiate
from kg.graph import load_ontology
from kg.namespace import PK
from viz.ontology import ontology_page


@pytest.fixture(scope="module")
def docs_client():
    app = FastAPI()
    app.include_router(ontology_docs.router)
    with TestClient(app) as c:
        yield c


def test_html_page_lists_every_term_with_both_labels(docs_client):
    r = docs_client.get("/ontology", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    onto = load_ontology()
    for kind in (ns.OWL.Class, ns.OWL.ObjectProperty, ns.OWL.DatatypeProperty):
        for t in onto.subjects(ns.RDF.type, kind):
            if isinstance(t, URIRef) and str(t).startswith(str(PK)):
                name = str(t)[len(str(PK)):]
                assert f'id="{name}"' in html, name
    assert "跨部门任务" in html and "Cross-department task" in html
    # The definition is shown in Manchester-like syntax, comparison signs escaped.
    assert "min 2" in html and "xsd:integer</code></a>[&gt;= 10, &lt;= 12]" in html
    assert "DisjointClasses(" in html and "Alignments" in html and "prov:Entity" in html


def test_turtle_by_accept_and_by_suffix(docs_client):
    for r in (docs_client.get("/ontology", headers={"Accept": "text/turtle"}), docs_client.get("/ontology.ttl")):
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
        g = Graph().parse(data=r.text, format="turtle")
        assert (PK.CrossDepartmentTask, ns.RDF.type, ns.OWL.Class) in g
    assert docs_client.get("/ontology").headers["vary"] == "Accept"


def test_rdf_xml_by_accept(docs_client):
    r = docs_client.get("/ontology", headers={"Accept": "application/rdf+xml"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/rdf+xml")
    g = Graph().parse(data=r.content, format="xml")
    assert len(g) == len(load_ontology())


@pytest.mark.parametrize(("accept", "expected"), [
    ("", "text/html"),
    ("*/*", "text/html"),
    ("text/turtle", "text/turtle"),
    ("text/html;q=0.5, text/turtle", "text/turtle"),
    ("text/*;q=0.9, text/turtle;q=0.1", "text/html"),   # the specific range decides for turtle
    ("application/rdf+xml;q=0.8, text/turtle;q=0.9", "text/turtle"),
    ("application/json", "text/html"),
    ("text/turtle;q=0", "text/html"),
])
def test_negotiate(accept, expected):
    assert negotiate(accept) == expected


def test_everything_from_the_ontology_is_escaped():
    g = load_ontology()
    evil = URIRef(str(PK) + "Evil")
    g.add((evil, ns.RDF.type, ns.OWL.Class))
    g.add((evil, ns.RDFS.label, Literal("<script>alert(1)</script>", lang="en")))
    g.add((evil, ns.RDFS.comment, Literal('"><img src=x onerror=alert(2)>', lang="en")))
    page = ontology_page(g)
    html = page[page.index('<main id="pk-main">'):page.index("</main>")]
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"<(?!/?(html|head|meta|title|style|body|h[1-3]|p|nav|ul|li|a|section|div|dl|dt|dd|main|code|span|br|table|tr|th|td)\b|!DOCTYPE)", html)


def test_the_app_serves_the_page(client):
    r = client.get("/ontology.ttl")
    assert r.status_code == 200 and "pk:CrossDepartmentTask" in r.text
