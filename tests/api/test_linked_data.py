"""Every IRI the graph mints resolves at the same path on the server: a page for a browser, RDF for
a client (Accept or ?format=), the same facts as SPARQL DESCRIBE; unknown IRIs are 404s."""

from __future__ import annotations

import html
from urllib.parse import quote

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS, SKOS, XSD

from api.web.routers.pages import iri_from_path
from kg.iri import BASE
from queries.runner import run_text
from viz.links import href_for

HTML = "text/html,application/xhtml+xml,*/*;q=0.8"


def facts(g: Graph) -> Graph:
    """``g`` with RDF 1.1's one simple literal: "x" and "x"^^xsd:string are the same term."""
    out = Graph()
    for s, p, o in g:
        out.add((s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == XSD.string else o))
    return out


def describe(client, iri: str) -> Graph:
    """The thing's triples as the SPARQL endpoint's DESCRIBE answers them."""
    r = client.get("/sparql", params={"query": f"DESCRIBE <{iri}>"}, headers={"accept": "text/turtle"})
    assert r.status_code == 200, r.text
    return facts(Graph().parse(data=r.text, format="turtle"))


@pytest.mark.parametrize("thing", ["task", "deadline", "org", "domain", "function", "place"])
def test_rdf_description_is_describe_plus_labels_of_what_it_links_to(client, bundled_iris, thing):
    iri = bundled_iris[thing]
    path = href_for(iri)
    assert iri_from_path(path.encode()) == iri
    r = client.get(path, headers={"accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    got = facts(Graph().parse(data=r.text, format="turtle"))
    own = Graph()
    for t in got.triples((URIRef(iri), None, None)):
        own.add(t)
    assert isomorphic(own, describe(client, iri))
    linked = {o for o in own.objects() if isinstance(o, URIRef)}
    rest = [(s, p, o) for s, p, o in got if s != URIRef(iri)]
    assert rest and all(s in linked and p in (RDFS.label, SKOS.prefLabel) for s, p, o in rest)
    for fmt, syntax in (("jsonld", "json-ld"), ("nt", "nt")):  # the other syntaxes carry the same facts
        other = client.get(path, params={"format": fmt})
        assert other.status_code == 200
        assert isomorphic(facts(Graph().parse(data=other.text, format=syntax)), got)


def test_a_task_page_shows_its_sentence_facts_and_where_it_sits(client, bundled_graph, bundled_iris):
    TASK, DOC = bundled_iris["task"], bundled_iris["doc"]
    lead, _ = run_text(bundled_graph, f"SELECT ?o WHERE {{ <{TASK}> pk:leadUnit ?o }} LIMIT 1")
    rows, _ = run_text(bundled_graph, f"SELECT ?s WHERE {{ <{TASK}> pk:evidence/pk:sentence ?s }}")
    r = client.get(href_for(TASK), headers={"accept": HTML})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert html.escape(rows[0]["s"], quote=False) in page
    assert 'data-fact="lead"' in page and 'data-fact="deadline"' in page  # its passage, marked
    assert f'href="{href_for(lead[0]["o"])}"' in page  # links to related things
    assert f'{href_for(DOC)}#task-5' in page and "/viz/collaboration?focus=" in page  # where it sits
    assert "/viz/calendar?month=2023-10" in page  # its deadline, 10月底前
    assert "?format=ttl" in page


def test_unknown_iris_are_404_in_the_one_error_shape_or_a_page_for_browsers(client, bundled_iris):
    r = client.get("/id/document/no-such-plan/task/1")
    assert r.status_code == 404
    assert r.json() == {"ok": False, "error": f"the graph holds nothing about {BASE}document/no-such-plan/task/1",
                        "status": 404}
    page = client.get("/id/document/no-such-plan/task/1", headers={"accept": HTML})
    assert page.status_code == 404 and 'id="pk-lang"' in page.text
    assert client.get(href_for(bundled_iris["task"]), params={"format": "yaml"}).status_code == 406


def test_ontology_terms_resolve_to_their_anchor_or_their_triples(client):
    r = client.get("/ontology/Task", headers={"accept": HTML}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ontology#Task"
    assert 'id="Task"' in client.get("/ontology", headers={"accept": HTML}).text
    g = Graph().parse(data=client.get("/ontology/Task", params={"format": "ttl"}).text, format="turtle")
    assert (URIRef("https://w3id.org/policykg/ontology#Task"), RDFS.label, None) in g
    assert client.get("/ontology/NoSuchTerm").status_code == 404
    # every class the plan's page marks is documented at its anchor
    page = client.get("/ontology", headers={"accept": HTML}).text
    for term in ("Task", "Assignment", "Deadline", "Target", "PolicyReference", "DeploymentWait", "Precondition",
                 "ReviewNote", "leadUnit", "evidence"):
        assert f'id="{term}"' in page, term


def test_escaped_characters_in_an_iri_survive_the_path():
    # A "/" inside a name is %2F in the IRI, never a path separator; non-ASCII arrives %-encoded.
    iri = BASE + "org/371724/" + "甲%2F乙"
    assert iri_from_path(href_for(iri).encode()) == iri
    assert iri_from_path(("/id/org/371724/" + quote("甲") + "%2f" + quote("乙")).encode()) == iri


def test_ledger_is_a_page_for_a_browser_and_json_for_everyone_else(client):
    page = client.get("/ledger", params={"as_of": "2023-10-01"}, headers={"accept": HTML})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'href="/ledger?format=xlsx"' in page.text and 'href="/ledger?format=csv"' in page.text
    assert client.get("/ledger").headers["content-type"].startswith("application/json")
    assert client.get("/ledger", params={"format": "csv"}, headers={"accept": HTML}).headers[
        "content-type"].startswith("text/csv")
