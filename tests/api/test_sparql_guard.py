"""The endpoint's guard looks at query texts lexically: it must refuse what a parser would see as an
update or SERVICE, and name the same FROM / FROM NAMED graphs rdflib's parser names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.web.sparql.guard import UPDATE_WORDS, _check_with_rdflib, check_query
from kg.errors import QueryRefused, QuerySyntaxError

DATASET_QUERIES = [
    "SELECT * FROM <urn:a> WHERE { ?s ?p ?o }",
    "SELECT * FROM <urn:a> FROM NAMED <urn:b> FROM <urn:c> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "PREFIX ex: <http://example.org/g/> SELECT * FROM ex:one FROM NAMED ex:two WHERE { ?s ?p ?o }",
    "SELECT (COUNT(?s) AS ?n) FROM pk:x WHERE { ?s ?p ?o }",  # a pre-declared prefix
    "# FROM <urn:comment>\nSELECT * WHERE { ?s ?p \"FROM <urn:string>\" }",
    "CONSTRUCT { ?s ?p ?o } FROM <urn:a> WHERE { ?s ?p ?o }",
    "ASK FROM NAMED <urn:b> { GRAPH <urn:b> { ?s ?p ?o } }",
    "BASE <http://example.org/> SELECT * FROM <g> WHERE { ?s ?p ?o }",  # relative: rdflib resolves it
]


@pytest.mark.parametrize("text", DATASET_QUERIES)
def test_dataset_is_what_rdflib_parses(text):
    fast, slow = check_query(text), _check_with_rdflib(text, {"pk": "https://w3id.org/policykg/ontology#"})
    assert (fast.form, fast.default_graphs, fast.named_graphs) == (slow.form, slow.default_graphs, slow.named_graphs)


@pytest.mark.parametrize("text", [
    "DROP ALL", "LOAD <http://example.org/>", "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "PREFIX ex: <urn:x:> INSERT DATA { ex:a ex:b ex:c }", "SELECT * WHERE { ?s ?p ?o } ; CLEAR DEFAULT",
    "\\u0044ROP ALL",
])
def test_updates_are_refused(text):
    with pytest.raises(QueryRefused, match="read-only"):
        check_query(text)


@pytest.mark.parametrize("text, error", [("", QuerySyntaxError), ("   # only a comment", QuerySyntaxError),
                                          ("PREFIX ex: <urn:x>", QuerySyntaxError),
                                          ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", QueryRefused)])
def test_no_query_form_or_service(text, error):
    with pytest.raises(error):
        check_query(text)


_safe_word = st.sampled_from(sorted(UPDATE_WORDS | {"SERVICE"}))


@given(word=_safe_word, where=st.sampled_from(["string", "iri", "comment", "prefixed", "variable", "langtag"]))
def test_keywords_inside_literals_iris_and_names_do_not_count(word, where):
    inside = {"string": f'"{word}"', "iri": f"<urn:{word}>", "comment": f"# {word}\n",
              "prefixed": f"pk:{word}", "variable": f"?{word}", "langtag": f'"x"@{word.lower()}'}[where]
    text = f"SELECT * WHERE {{ ?s ?p {inside} }}" if where not in {"comment", "variable"} else \
        f"SELECT * WHERE {{ {inside} ?s ?p ?o }}"
    assert check_query(text).form == "SELECT"


@given(word=_safe_word, case=st.sampled_from([str.upper, str.lower, str.title]))
def test_keywords_as_words_are_refused_in_any_case(word, case):
    with pytest.raises(QueryRefused):
        check_query(f"SELECT * WHERE {{ ?s ?p ?o }} {case(word)} <urn:x>")
