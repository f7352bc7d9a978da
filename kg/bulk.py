"""Fast paths for large graphs: bulk loading, native (Oxigraph) reading and writing, and the
organisation co-assignment pairs materialised once at build time.

Why: at 1,000 plans (≈3 M triples) three steps dominate when done through rdflib's Python code —
adding triples one by one, serialising Turtle, and parsing it back in ``policykg serve`` — and the
co-assignment pairs query takes tens of seconds per call. Oxigraph does the first three in Rust
(``bulk_load`` and its own parser/serialiser, reached through oxrdflib's ``ox-*`` formats), and
counting pairs once from (task, organisation) rows takes seconds. benchmarks/RESULTS.md has the
measured gains. Nothing here imports loaders; callers hand in N-Triples or a built graph.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import combinations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.graph import PREFIXES, Store, is_oxigraph, new_graph
from kg.iri import iri_for
from kg.namespace import PK


def graph_from_ntriples(chunks: Iterable[bytes], *, graph: Graph | None = None) -> Graph:
    """Bulk-load N-Triples ``chunks`` into an Oxigraph-backed graph and return it.

    ``bulk_load`` skips Oxigraph's per-triple transaction: right for building a graph nobody
    reads yet, wrong for a graph being served (use ``g.addN`` there).

    Example:
        >>> g = graph_from_ntriples([b'<urn:a> <urn:b> "c" .\\n'])
        >>> len(g)
        1
    """
    g = graph if graph is not None else new_graph(Store.OXIGRAPH)
    if not is_oxigraph(g):
        raise TypeError("graph_from_ntriples needs an Oxigraph-backed graph")
    data = b"".join(chunks)
    if data:
        g.parse(data=data, format="ox-ntriples", transactional=False)
    return g


_TASK_AGENTS = """
SELECT ?task ?org WHERE {
  ?task a pk:Task ; pk:hasAssignment ?a .
  ?a pk:agent ?org .
}"""


def co_assignment_pairs(g: Graph) -> Counter[tuple[str, str]]:
    """Count, for each pair of organisations, the tasks both are assigned to (any role).

    Example:
        >>> from rdflib import URIRef
        >>> g = new_graph(Store.MEMORY)
        >>> t, a1, a2 = URIRef("urn:t"), URIRef("urn:a1"), URIRef("urn:a2")
        >>> for a, o in [(a1, "urn:x"), (a2, "urn:y")]:
        ...     _ = g.add((t, RDF.type, PK.Task)).add((t, PK.hasAssignment, a)).add((a, PK.agent, URIRef(o)))
        >>> dict(co_assignment_pairs(g))
        {('urn:x', 'urn:y'): 1}
    """
    orgs_of: dict[str, set[str]] = {}
    for task, org in g.query(_TASK_AGENTS, initNs=PREFIXES):
        orgs_of.setdefault(str(task), set()).add(str(org))
    pairs: Counter[tuple[str, str]] = Counter()
    for orgs in orgs_of.values():
        pairs.update(combinations(sorted(orgs), 2))
    return pairs


def co_assignment_triples(g: Graph) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
    """The pk:CoAssignment nodes of ``g``: one per pair of organisations sharing a task.

    Each node names both organisations (pk:coAssignee, twice) and how many tasks they share
    (pk:sharedTaskCount). Its IRI comes from the two organisation IRIs, so rebuilding gives the
    same nodes.
    """
    out: list[tuple[URIRef, URIRef, URIRef | Literal]] = []
    for (a, b), n in sorted(co_assignment_pairs(g).items()):
        node = iri_for("coassignment", _tail(a), _tail(b))
        out += [
            (node, RDF.type, PK.CoAssignment),
            (node, PK.coAssignee, URIRef(a)),
            (node, PK.coAssignee, URIRef(b)),
            (node, PK.sharedTaskCount, Literal(n, datatype=XSD.integer)),
        ]
    return out


def materialize_co_assignments(g: Graph) -> int:
    """Add the co-assignment pairs of ``g`` to it (see co_assignment_triples); return how many."""
    triples = co_assignment_triples(g)
    g.addN((s, p, o, g) for s, p, o in triples)
    return len(triples) // 4


def _tail(org_iri: str) -> str:
    # …/id/org/371724/县财政局 → 371724/县财政局: readable and unique within policykg's org IRIs.
    return org_iri.split("/id/org/", 1)[-1]
