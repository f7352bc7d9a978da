"""A remote server's answers read as RDF 1.1 terms in their canonical form.

Servers may spell one RDF term in several ways that RDF 1.1 says are the same term, or the same
value: Virtuoso writes ``"1"^^xsd:boolean`` for ``true`` (both are in xsd:boolean's lexical space)
and types a simple literal as ``xsd:string`` after a FILTER compared it with a constant (RDF 1.1
made the two one term). rdflib compares terms by their spelling, so answers are rewritten to the
canonical spelling once, here, before anything compares or shows them. Nothing else is changed:
an integer stays an integer, even where a server computed it from a comparison that should have
given a boolean (write such answers as ``IF(…, true, false)`` in the query instead).
"""

from __future__ import annotations

from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

_BOOLEAN = {"1": "true", "0": "false", "true": "true", "false": "false"}
_NUMERIC = {XSD[t] for t in ("integer", "decimal", "float", "double", "int", "long", "short", "byte", "nonNegativeInteger",
                             "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt",
                             "unsignedShort", "unsignedByte")}


def order_key(term: Any) -> tuple:
    """Return a key that sorts terms as SPARQL's ``ORDER BY`` does: unbound, blank nodes, IRIs,
    then literals; numbers by value, before other literals, which sort by their text.

    Example:
        >>> sorted([Literal(10), None, Literal("b"), URIRef("urn:a"), Literal(9)], key=order_key)
        [None, rdflib.term.URIRef('urn:a'), rdflib.term.Literal('9', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')), rdflib.term.Literal('10', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')), rdflib.term.Literal('b')]
    """
    if term is None:
        return (0,)
    if isinstance(term, BNode):
        return (1, str(term))
    if isinstance(term, URIRef):
        return (2, str(term))
    if isinstance(term, Literal) and term.datatype in _NUMERIC:
        try:
            return (3, 0, float(term), str(term))
        except ValueError:
            pass
    return (3, 1, str(term), getattr(term, "language", None) or "", str(getattr(term, "datatype", None) or ""))


def canonical_term(term: Any) -> Any:
    """Return ``term`` in the spelling RDF 1.1 gives it: xsd:string literals simple, booleans ``true``/``false``.

    Example:
        >>> canonical_term(Literal("1", datatype=XSD.boolean))
        rdflib.term.Literal('true', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#boolean'))
        >>> canonical_term(Literal("县商务局", datatype=XSD.string)) == Literal("县商务局")
        True
    """
    if not isinstance(term, Literal) or term.language:
        return term
    if term.datatype == XSD.string:
        return Literal(str(term))
    if term.datatype == XSD.boolean:
        lexical = _BOOLEAN.get(str(term).strip())
        if lexical is not None and lexical != str(term):
            return Literal(lexical, datatype=XSD.boolean)
    return term


def canonical_result(result: Result) -> Result:
    """Return ``result`` with every term of its rows (or its graph) in canonical form (in place)."""
    if result.type == "SELECT":
        result.bindings = [{var: canonical_term(value) for var, value in row.items()} for row in result.bindings]
    elif result.graph is not None:
        graph = Graph()
        for s, p, o in result.graph:
            graph.add((s, p, canonical_term(o)))
        result.graph = graph
    return result
