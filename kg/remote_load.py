"""Loading a store into a SPARQL server, graph by graph and in batches (``policykg build --endpoint``).

Every batch is one SPARQL Update request, ``INSERT DATA { GRAPH <g> { … } }``, which every
update-enabled server accepts at its update URL (the Graph Store Protocol lives at a different
address on each). Triples with blank nodes go as ``INSERT { … } WHERE {}`` (Virtuoso refuses blank
nodes in ``INSERT DATA``), each blank node's triples in one request, because each request makes its
blank nodes anew. A graph is dropped before its first batch, so
loading again replaces it; graphs the server holds under the policykg namespace that the store
no longer has (a plan removed since) are dropped too. Other graphs on the server are left alone.

A server cannot take several requests as one transaction: a load that fails half-way leaves the
graphs it had reached replaced or part-loaded, and says so; loading again completes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import KGError, StoreError
from kg.remote_store import RemoteStore

# Graphs under this namespace are policykg's: plans' document IRIs, the shared, derived and ontology graphs.
OWN_GRAPHS = "https://w3id.org/policykg/"
BATCH_TRIPLES = 2000  # Virtuoso 7.2 parses about 4,990 triples in one request before its parser runs out
BLANK_BATCH = 500  # triples with blank nodes per request (see _insert)

# (graphs done, graphs in all, graph IRI or None for the default graph, its triples, seconds it took)
LoadProgress = Callable[[int, int, "str | None", int, float], None]


@dataclass
class LoadResult:
    """What a load did: graphs and triples written, update requests sent, stale graphs dropped, seconds taken."""

    graphs: int
    triples: int
    requests: int
    dropped: list[str]
    seconds: float


def load_into_server(remote: RemoteStore, store: Any, *, batch: int = BATCH_TRIPLES,
                     progress: LoadProgress | None = None) -> LoadResult:
    """Write every graph of the pyoxigraph ``store`` into ``remote``; return what was done.

    Args:
        remote: the server, with an update-enabled :attr:`~kg.remote_store.RemoteStore.update_url`.
        store: a pyoxigraph Store (a generation of the policykg store, or any dataset).
        batch: triples per request at most (a blank node's triples are never split, so one
            request may hold more).
        progress: called after each graph.

    Raises:
        StoreError: the server refuses an update, cannot be reached, holds other counts than
            were sent, or does not show named graphs in its default graph.
        KGError: the server could not even list its graphs (before anything was written).
    """
    import pyoxigraph as ox

    started = time.monotonic()
    graphs: list[Any] = sorted(store.named_graphs(), key=str)
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        graphs.insert(0, ox.DefaultGraph())
    names = {g.value for g in graphs if isinstance(g, ox.NamedNode)}
    stale = [g for g in remote.named_graphs() if g.startswith(OWN_GRAPHS) and g not in names]
    requests = 0
    for g in stale:
        remote.update(f"DROP SILENT GRAPH <{g}>")
        requests += 1
    sent: dict[str | None, int] = {}
    for k, graph in enumerate(graphs, 1):
        t0 = time.monotonic()
        name = graph.value if isinstance(graph, ox.NamedNode) else None
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
        try:
            remote.update(f"DROP SILENT GRAPH <{name}>" if name else "CLEAR SILENT DEFAULT")
            requests += 1
            for chunk, blank_nodes in triple_batches(triples, batch):
                text = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
                remote.update(_insert(name, text, blank_nodes=blank_nodes))
                requests += 1
        except KGError as e:  # refused (StoreError), malformed (QuerySyntaxError) or too slow (QueryTimeout)
            raise StoreError(f"{e} (graph {k} of {len(graphs)}, {name or 'the default graph'}: the server now "
                             f"holds this load in part; run it again to complete it)") from None
        sent[name] = len(triples)
        if progress is not None:
            progress(k, len(graphs), name, len(triples), time.monotonic() - t0)
    _check_counts(remote, sent)
    _check_union(remote, store, graphs)
    return LoadResult(len(graphs), sum(sent.values()), requests, stale, time.monotonic() - started)


def load_file_into_server(remote: RemoteStore, path: str | Path, **options: Any) -> LoadResult:
    """Write the RDF file ``path`` (any syntax :func:`kg.vocab.rdf_format_for` knows) into ``remote``:
    its triples into the default graph, a TriG or N-Quads file's graphs by name (see :func:`load_into_server`)."""
    import pyoxigraph as ox

    from kg.vocab import rdf_format_for

    store = ox.Store()
    store.load(path=str(path), format=rdf_format_for(Path(path)).ox)
    return load_into_server(remote, store, **options)


def triple_batches(triples: Sequence[Any], size: int) -> Iterator[tuple[list[Any], bool]]:
    """Yield ``triples`` in lists of about ``size``, each with whether it holds blank nodes.

    Triples joined by blank nodes (an OWL restriction, an RDF list) form one unit that is never
    split, because a server reads each request's ``_:b`` as a node of its own; those units come
    last, in lists of at most :data:`BLANK_BATCH` triples where they fit.
    """
    import pyoxigraph as ox

    parent: dict[Any, Any] = {}

    def root(node: Any) -> Any:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    plain: list[Any] = []
    joined: list[tuple[Any, Any]] = []
    for t in triples:
        blanks = [x for x in (t.subject, t.object) if isinstance(x, ox.BlankNode)]
        if not blanks:
            plain.append(t)
            continue
        first = root(blanks[0])
        for other in blanks[1:]:
            parent[root(other)] = first
        joined.append((blanks[0], t))
    for i in range(0, len(plain), size):
        yield plain[i:i + size], False
    components: dict[Any, list[Any]] = {}
    for node, t in joined:
        components.setdefault(root(node), []).append(t)
    chunk: list[Any] = []
    for unit in components.values():
        if chunk and len(chunk) + len(unit) > min(size, BLANK_BATCH):
            yield chunk, True
            chunk = []
        chunk.extend(unit)
    if chunk:
        yield chunk, True


def _insert(graph: str | None, ntriples: str, *, blank_nodes: bool) -> str:
    """One batch as SPARQL Update: ``INSERT DATA``, or ``INSERT {…} WHERE {}`` for blank nodes, which
    ``INSERT DATA`` may not hold in Virtuoso (the template form is kept small: Virtuoso compiles it
    into SQL, at most 10,000 lines)."""
    body = f"GRAPH <{graph}> {{\n{ntriples}}}" if graph else ntriples
    return f"INSERT {{ {body} }} WHERE {{}}" if blank_nodes else f"INSERT DATA {{ {body} }}"


def _check_counts(remote: RemoteStore, sent: dict[str | None, int]) -> None:
    named = [g for g in sent if g is not None]
    if not named:
        return
    rows = remote.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                        f"FILTER(STRSTARTS(STR(?g), \"{OWN_GRAPHS}\")) }} GROUP BY ?g")
    held = {str(g): int(n) for g, n in rows}
    wrong = [g for g in named if held.get(g, 0) != sent[g]]
    if wrong:
        g = wrong[0]
        raise StoreError(f"{remote.update_url}: the server holds {held.get(g, 0)} triples in {g} after the load, "
                         f"not the {sent[g]} sent ({len(wrong)} graph(s) differ)")


def _check_union(remote: RemoteStore, store: Any, graphs: Iterable[Any]) -> None:
    """Queries read the default graph: it must show what the named graphs hold."""
    import pyoxigraph as ox

    for graph in graphs:
        if not isinstance(graph, ox.NamedNode):
            continue
        for quad in store.quads_for_pattern(None, None, None, graph):
            t = quad.triple
            if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
                continue
            probe = ox.serialize([t], format=ox.RdfFormat.N_TRIPLES).decode("utf-8").strip().rstrip(".")
            if not list(remote.query(f"SELECT (1 AS ?found) WHERE {{ {probe} }} LIMIT 1")):
                raise StoreError(f"{remote.url}: the server's default graph does not show its named graphs, so "
                                 "queries would find nothing (start the Oxigraph server with --union-default-graph, Fuseki "
                                 "with tdb:unionDefaultGraph; Virtuoso and GraphDB do this by default)")
            return
