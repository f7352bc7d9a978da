"""What the graph says about one thing — any IRI it mints — for the thing's page and its RDF.

Three reads, each a saved query with the IRI bound as a parameter (never pasted into SPARQL):
the thing's description (its own triples, as SPARQL DESCRIBE answers, plus the labels of what it
links to), every link in or out with the other end's labels, and the passages it was read from.
A document's page also reads where every fact of the document sits in its text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.graph import bind_prefixes
from queries.library import query_result, run_query

DESCRIBE_DIR = Path(__file__).resolve().parent / "describe"


def describe_thing(source: Any, iri: str) -> Graph:
    """Return the thing's own triples plus the labels of the things it links to (empty if unknown).

    Example:
        >>> from kg.graph import new_graph
        >>> len(describe_thing(new_graph(), "https://w3id.org/policykg/id/document/X"))
        0
    """
    # The IRI goes in as text, so the library checks it is one (a bad IRI is the caller's 400).
    result = query_result(source, "thing", directory=DESCRIBE_DIR, thing=iri)
    g = bind_prefixes(Graph())
    for triple in result.graph:
        g.add(triple)
    return g


def thing_links(source: Any, iri: str) -> list[dict[str, Any]]:
    """Return every link of ``iri``: direction (out/in), predicate, the other end and its labels."""
    return run_query(source, "thing_links", node=iri)


def thing_evidence(source: Any, iri: str) -> list[dict[str, Any]]:
    """Return the passages ``iri`` was read from: document, offsets, quote and sentence, in text order."""
    return run_query(source, "thing_evidence", node=iri)


def document_marks(source: Any, doc: str) -> list[dict[str, Any]]:
    """Return every fact read from ``doc`` with its class and where its passage sits in the text."""
    return run_query(source, "document_marks", doc=doc)
