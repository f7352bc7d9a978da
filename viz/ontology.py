"""The ontology's documentation page: kg.ontology_docs describes the terms, viz/templates/ontology.html draws them."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Graph

from kg.ontology_docs import describe_ontology
from viz.pages import SERVER_LINKS, page_html


def ontology_page(ontology: Graph, *, links: Mapping[str, str] = SERVER_LINKS) -> str:
    """Return the HTML page documenting ``ontology``: every term with both labels, axioms and alignments.

    Example:
        >>> from kg.graph import load_ontology
        >>> 'id="Task"' in ontology_page(load_ontology())
        True
    """
    doc = describe_ontology(ontology)
    return page_html(title=doc.title, current="ontology", links=links, template="ontology.html", doc=doc)
