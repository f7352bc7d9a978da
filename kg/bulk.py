"""Organisation co-assignment pairs, materialised once at build time and kept up to date by
``policykg add`` / ``remove``.

Why: counting, for every pair of organisations, the tasks both are assigned to is a self-join over
every assignment, repeated at every call of a live query, while pairs counted once from (task,
organisation) rows cost one pass per build (benchmarks/ times it at 1,000 plans). The counts live as
pk:CoAssignment nodes in the store's derived graph (kg.vocab.DERIVED_GRAPH). A plan added or
removed changes only the pairs of its own tasks, so the counts are updated by that plan's
difference, in time that grows with the plan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.graph import PREFIXES
from kg.iri import iri_for
from kg.namespace import PK
from kg.vocab import DERIVED_GRAPH, org_id

_TASK_AGENTS = """
SELECT ?task ?org WHERE {
  ?task a pk:Task ; pk:hasAssignment ?a .
  ?a pk:agent ?org .
}"""
_TASK_AGENTS_IN = """
SELECT ?g ?task ?org WHERE { GRAPH ?g {
  ?task a pk:Task ; pk:hasAssignment ?a .
  ?a pk:agent ?org .
} }"""


def count_pairs(rows: Iterable[tuple[str, str]]) -> Counter[tuple[str, str]]:
    """Count, for each pair of organisations, the tasks both are assigned to, from (task, org) rows.

    Example:
        >>> dict(count_pairs([("t1", "a"), ("t1", "b"), ("t2", "a"), ("t2", "b"), ("t2", "a")]))
        {('a', 'b'): 2}
    """
    orgs_of: dict[str, set[str]] = {}
    for task, org in rows:
        orgs_of.setdefault(task, set()).add(org)
    pairs: Counter[tuple[str, str]] = Counter()
    for orgs in orgs_of.values():
        pairs.update(combinations(sorted(orgs), 2))
    return pairs


def co_assignment_pairs(g: Graph) -> Counter[tuple[str, str]]:
    """Count the co-assignment pairs of an rdflib graph (any store).

    Example:
        >>> from kg.graph import Store, new_graph
        >>> g = new_graph(Store.MEMORY)
        >>> t, a1, a2 = URIRef("urn:t"), URIRef("urn:a1"), URIRef("urn:a2")
        >>> for a, o in [(a1, "urn:x"), (a2, "urn:y")]:
        ...     _ = g.add((t, RDF.type, PK.Task)).add((t, PK.hasAssignment, a)).add((a, PK.agent, URIRef(o)))
        >>> dict(co_assignment_pairs(g))
        {('urn:x', 'urn:y'): 1}
    """
    return count_pairs((str(task), str(org)) for task, org in g.query(_TASK_AGENTS, initNs=PREFIXES))


def store_pairs(store: Any, graph: str | None = None) -> Counter[tuple[str, str]]:
    """Count the pairs of a pyoxigraph store: all its graphs together, or the named ``graph`` only.

    Example:
        >>> import pyoxigraph as ox
        >>> s = ox.Store()
        >>> store_pairs(s)
        Counter()
    """
    import pyoxigraph as ox

    if graph is None:
        rows = store.query(_TASK_AGENTS, prefixes=PREFIXES, use_default_graph_as_union=True)
    else:
        rows = store.query(_TASK_AGENTS_IN, prefixes=PREFIXES, substitutions={ox.Variable("g"): ox.NamedNode(graph)})
    return count_pairs((r["task"].value, r["org"].value) for r in rows)


def pair_node(a: str, b: str) -> URIRef:
    """The IRI of the co-assignment node of organisations ``a`` and ``b`` (in either order)."""
    a, b = sorted((a, b))
    return iri_for("coassignment", org_id(a), org_id(b))


def co_assignment_triples(g: Graph) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
    """The pk:CoAssignment nodes of ``g``: one per pair of organisations sharing a task.

    Each node names both organisations (pk:coAssignee, twice) and how many tasks they share
    (pk:sharedTaskCount). Its IRI comes from the two organisation IRIs, so rebuilding gives the
    same nodes.
    """
    return [t for (a, b), n in sorted(co_assignment_pairs(g).items()) for t in _pair_triples(a, b, n)]


def materialize_co_assignments(g: Graph) -> int:
    """Add the co-assignment pairs of rdflib graph ``g`` to it; return how many."""
    triples = co_assignment_triples(g)
    g.addN((s, p, o, g) for s, p, o in triples)
    return len(triples) // 4


def pair_quads(pairs: Counter[tuple[str, str]]) -> bytes:
    """The pk:CoAssignment nodes of ``pairs`` as N-Quads of the derived graph.

    Written as text: tens of thousands of pairs at 1,000 plans, too many to make terms of one by one.

    Example:
        >>> pair_quads(Counter({("urn:a", "urn:b"): 2})).count(b"\n")
        4
    """
    tail = f" <{DERIVED_GRAPH}> .\n"
    kind, member, count = f"<{RDF.type}> <{PK.CoAssignment}>", f"<{PK.coAssignee}>", f"<{PK.sharedTaskCount}>"
    lines = []
    for (a, b), n in sorted(pairs.items()):
        node = f"<{pair_node(a, b)}> "
        lines += [node + kind + tail, f"{node}{member} <{a}>{tail}", f"{node}{member} <{b}>{tail}",
                  f'{node}{count} "{n}"^^<{XSD.integer}>{tail}']
    return "".join(lines).encode("utf-8")


def apply_pair_changes(store: Any, delta: Counter[tuple[str, str]]) -> tuple[int, int]:
    """Add ``delta`` (tasks shared, per pair; negative for a plan removed) to the stored counts.

    A pair whose count reaches zero loses its node. Returns how many pairs changed, and by how many
    triples the store grew (negative when it shrank).
    """
    import pyoxigraph as ox

    derived = ox.NamedNode(str(DERIVED_GRAPH))
    count_p = ox.NamedNode(str(PK.sharedTaskCount))
    changed = grown = 0
    for (a, b), d in sorted(delta.items()):
        if d == 0:
            continue
        node = ox.NamedNode(str(pair_node(a, b)))
        old = list(store.quads_for_pattern(node, count_p, None, derived))
        n = (int(old[0].object.value) if old else 0) + d
        stale = list(store.quads_for_pattern(node, None, None, derived)) if n <= 0 else old
        fresh = _to_quads(_pair_triples(a, b, n)[0 if not old else -1:]) if n > 0 else []
        for q in stale:
            store.remove(q)
        store.extend(fresh)
        changed += 1
        grown += len(fresh) - len(stale)
    return changed, grown


def _pair_triples(a: str, b: str, n: int) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
    node = pair_node(a, b)
    return [
        (node, RDF.type, PK.CoAssignment),
        (node, PK.coAssignee, URIRef(a)),
        (node, PK.coAssignee, URIRef(b)),
        (node, PK.sharedTaskCount, Literal(n, datatype=XSD.integer)),
    ]


def _to_quads(triples: Iterable[tuple[URIRef, URIRef, URIRef | Literal]]) -> list[Any]:
    """The triples as quads of the derived graph."""
    import pyoxigraph as ox

    graph, integer = ox.NamedNode(str(DERIVED_GRAPH)), ox.NamedNode(str(XSD.integer))
    out = []
    for s, p, o in triples:
        obj = ox.Literal(str(o), datatype=integer) if isinstance(o, Literal) else ox.NamedNode(str(o))
        out.append(ox.Quad(ox.NamedNode(str(s)), ox.NamedNode(str(p)), obj, graph))
    return out

