"""How a plan's triples sit in the store, and how one plan is added or removed.

Each plan's **own** triples — about its document and everything minted below its IRI (tasks,
domains, assignments, deadlines, text spans) — live in the plan's named graph. Triples about nodes
several plans name (organisations, their counterparts, places, functions, cited works) live once in
the **shared** graph. Queries read the union of the graphs, which therefore holds every triple once:
Oxigraph's union default graph is a bag, so the same organisation described in 100 plan graphs would
answer 100 times.

To take a plan out exactly, the generation keeps a second, small store of **references**: each
plan's shared triples in a graph named after the plan. A shared triple leaves the shared graph when
no other plan's references still hold it.

Everything here takes pyoxigraph Stores (read-write) and IRIs as strings; it knows nothing of how
plans are read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rdflib.plugins.serializers.nt import _nt_row

from kg.bulk import apply_pair_changes, store_pairs
from kg.org_pairs import apply_plan_org_pairs
from kg.rollups import apply_plan_rollups, sum_missing_rollups
from kg.task_ranks import add_missing_task_tallies
from kg.vocab import SHARED_GRAPH


def is_local(iri: str, document: str) -> bool:
    """True when ``iri`` is the document itself or minted below it (its tasks, spans…).

    Example:
        >>> d = "https://w3id.org/policykg/id/document/X"
        >>> is_local(d + "/task/1", d), is_local("https://w3id.org/policykg/id/org/371724/县财政局", d)
        (True, False)
    """
    return iri == document or iri.startswith(document + "/")


@dataclass
class PlanQuads:
    """One plan's triples, written for the store.

    Attributes:
        own: the plan's own triples, as N-Quads in its graph.
        shared: the triples about shared nodes, as N-Triples lines.
    """

    own: bytes
    shared: bytes

    def shared_lines(self) -> list[bytes]:
        return self.shared.splitlines(keepends=True)


def plan_quads(document: str, triples: Iterable[tuple[Any, Any, Any]]) -> PlanQuads:
    """Split a plan's triples into its own (subject or object local to it) and the shared ones.

    Example:
        >>> from rdflib import URIRef, Literal
        >>> q = plan_quads("urn:d", [(URIRef("urn:d/t/1"), URIRef("urn:p"), URIRef("urn:org")),
        ...                          (URIRef("urn:org"), URIRef("urn:label"), Literal("x"))])
        >>> q.own.decode(), q.shared.decode()
        ('<urn:d/t/1> <urn:p> <urn:org> <urn:d> .\\n', '<urn:org> <urn:label> "x" .\\n')
    """
    tail = f" <{document}> .\n"
    own, shared = [], []
    for t in triples:
        row = _nt_row(t)
        if is_local(str(t[0]), document) or is_local(str(t[2]), document):
            own.append(row[:-3] + tail)
        else:
            shared.append(row)
    return PlanQuads("".join(own).encode("utf-8"), "".join(shared).encode("utf-8"))


def in_graph(graph: str, lines: Iterable[bytes]) -> bytes:
    """N-Triples ``lines`` as N-Quads of ``graph``.

    Example:
        >>> in_graph("urn:g", [b'<urn:a> <urn:p> "1" .\\n']).decode()
        '<urn:a> <urn:p> "1" <urn:g> .\\n'
    """
    tail = f" <{graph}> .\n".encode()
    return b"".join(line[:-3] + tail for line in lines)


@dataclass
class Change:
    """What adding or removing plans changed: triples written and removed (all graphs), pairs touched."""

    added: int = 0
    removed: int = 0
    pairs: int = 0
    shared_nodes: set[str] = field(default_factory=set)  # the shared nodes an added plan names


def add_document(store: Any, refs: Any, document: str, quads: PlanQuads) -> Change:
    """Put one plan into ``store`` (replacing a plan of the same IRI) and its references into ``refs``."""
    import pyoxigraph as ox

    summed = sum_missing_rollups(store)  # a store built before rollups: its totals, before this plan is in
    summed += add_missing_task_tallies(store)  # one built before task tallies: every plan's, once
    change = remove_document(store, refs, document)
    change.added += summed
    shared = ox.NamedNode(str(SHARED_GRAPH))
    lines = quads.shared_lines()
    parsed = list(ox.parse(quads.shared, format=ox.RdfFormat.N_TRIPLES))
    new = {ox.Quad(t.subject, t.predicate, t.object, shared) for t in parsed
           if next(store.quads_for_pattern(t.subject, t.predicate, t.object), None) is None}
    store.load(quads.own, format=ox.RdfFormat.N_QUADS)
    store.extend(new)
    refs.load(in_graph(document, lines), format=ox.RdfFormat.N_QUADS)
    # Counted in the store: two N-Triples lines can be one RDF term ("x" and "x"^^xsd:string).
    change.added += sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(document))) + len(new)
    change.shared_nodes = {t.subject.value for t in parsed}
    pairs, written = apply_pair_changes(store, store_pairs(store, document))
    change.pairs, change.added = change.pairs + pairs, change.added + written
    change.added += apply_plan_rollups(store, document, 1)[1]
    change.added += apply_plan_org_pairs(store, document, 1)[1]
    return change


def remove_document(store: Any, refs: Any, document: str) -> Change:
    """Remove one plan's graph, its pairs, and the shared triples no other plan's references hold.

    Returns an empty Change when the store has no such plan.
    """
    import pyoxigraph as ox

    graph = ox.NamedNode(document)
    if not store.contains_named_graph(graph):
        return Change()
    pairs = store_pairs(store, document)
    # Older stores get what they lack first; then the plan's tallies are subtracted while they are there.
    rollups_grown = sum_missing_rollups(store) + add_missing_task_tallies(store)
    rollups_grown += apply_plan_rollups(store, document, -1)[1]
    rollups_grown += apply_plan_org_pairs(store, document, -1)[1]  # while its units are there to subtract
    change = Change(removed=sum(1 for _ in store.quads_for_pattern(None, None, None, graph)) - rollups_grown)
    store.remove_graph(graph)
    named = [q.triple for q in refs.quads_for_pattern(None, None, None, graph)]
    refs.remove_graph(graph)
    shared = ox.NamedNode(str(SHARED_GRAPH))
    for t in named:
        if next(refs.quads_for_pattern(t.subject, t.predicate, t.object), None) is None:
            for q in list(store.quads_for_pattern(t.subject, t.predicate, t.object, shared)):
                store.remove(q)
                change.removed += 1
    change.pairs, written = apply_pair_changes(store, Counter({k: -v for k, v in pairs.items()}))
    change.removed -= written
    return change
