"""Network measures of the organisation collaboration graph: who is central, who bridges, who groups.

Every ranking is computed on ``real_organizations(G)``: collective units (县有关部门、单位) are many
bodies, so a path through one is not a real bridge and they get no rank.

Betweenness is counted in hops (a shared task is a tie; the number of shared tasks does not make
a path shorter) and computed per connected component, exactly for components of at most
``BETWEENNESS_EXACT_MAX`` organisations and from ``BETWEENNESS_SAMPLES`` seeded pivots above.
Plans of different counties share no organisation, so a corpus is many small components and stays
exact; one large merged component (a city's or a province's plans) is sampled.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from queries.analysis.graphs import participants, real_organizations, task_nodes
from queries.analysis.workload import domain_name

# Exact betweenness (Brandes) costs nodes × edges of the component; past BETWEENNESS_EXACT_MAX
# organisations it alone would use most of an interactive answer's budget, so it is sampled.
# `python -m benchmarks.analysis_scale --threshold` measures both against size (benchmarks/NOTES.md).
BETWEENNESS_EXACT_MAX = 500
BETWEENNESS_SAMPLES = 256
SEED = 42


def betweenness(G: nx.Graph, *, exact_max: int = BETWEENNESS_EXACT_MAX, k: int = BETWEENNESS_SAMPLES,
                seed: int = SEED) -> tuple[dict[Any, float], str]:
    """Return normalised betweenness of every node of ``G`` and how it was computed.

    Args:
        G: an undirected graph (not modified).
        exact_max: components with at most this many nodes are computed exactly.
        k: pivots sampled in a larger component (fixed ``seed``, so runs repeat exactly).
        seed: the sampling seed.

    Returns:
        (betweenness, method) where ``method`` is ``"exact"`` or ``"sampled (k=…, seed=…)"``. Values
        are normalised over the whole graph as :func:`networkx.betweenness_centrality` does, so
        an all-exact result equals it.

    Example:
        >>> G = nx.Graph([("A", "B"), ("B", "C"), ("C", "D"), ("E", "F")])
        >>> b, method = betweenness(G)
        >>> round(b["B"], 4), method, b == nx.betweenness_centrality(G)
        (0.2, 'exact', True)
    """
    n = G.number_of_nodes()
    out: dict[Any, float] = dict.fromkeys(G, 0.0)
    sampled = False
    for comp in nx.connected_components(G):
        if len(comp) < 3:
            continue
        H = G.subgraph(comp).copy()  # a view filters every neighbour lookup: several times slower
        if len(comp) <= exact_max:
            part = nx.betweenness_centrality(H, normalized=False)
        else:
            sampled = True
            part = nx.betweenness_centrality(H, k=min(k, len(comp)), normalized=False, seed=seed)
        out.update(part)
    scale = 1 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    # networkx halves undirected counts and then rescales by 2/((n-1)(n-2)): together 1/((n-1)(n-2))
    # of the halved value, i.e. 2/((n-1)(n-2)) of what normalized=False returns.
    out = {v: x * 2 * scale for v, x in out.items()}
    return out, (f"sampled (k={k}, seed={seed})" if sampled else "exact")


def eigenvector(G: nx.Graph, *, weight: str | None = "weight") -> dict[Any, float]:
    """Return eigenvector centrality within each connected component of ``G`` (isolated nodes: 0).

    A corpus is many separate networks (each county's bodies): on their union the power iteration
    converges slowly (measured: most of the network measures' time at 100 plans) and leaves every
    network but the largest near zero. Within its own network each unit gets the usual value, so a
    graph of one component gives exactly :func:`networkx.eigenvector_centrality`.

    Example:
        >>> G = nx.Graph([("A", "B"), ("B", "C"), ("D", "E")])
        >>> ev = eigenvector(G)
        >>> round(ev["B"], 4), round(ev["D"], 4), ev == {**nx.eigenvector_centrality(G.subgraph("ABC")), "D": ev["D"], "E": ev["E"]}
        (0.7071, 0.7071, True)
    """
    out: dict[Any, float] = dict.fromkeys(G, 0.0)
    for comp in nx.connected_components(G):
        if len(comp) < 2:
            continue
        try:
            out.update(nx.eigenvector_centrality(G.subgraph(comp), weight=weight, max_iter=1000))
        except nx.PowerIterationFailedConvergence:  # never seen on plan graphs; leave this network at 0
            continue
    return out


def communities(G: nx.Graph, *, seed: int = SEED) -> list[list[Any]]:
    """Return Louvain communities of the real organisations, largest first, members sorted.

    Example:
        >>> G = nx.Graph([("A", "B"), ("B", "C"), ("A", "C"), ("C", "D"), ("D", "E"), ("E", "F"), ("D", "F")])
        >>> communities(G)
        [['A', 'B', 'C'], ['D', 'E', 'F']]
    """
    R = real_organizations(G)
    if R.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(R, weight="weight", seed=seed)
    return sorted((sorted(c, key=str) for c in found), key=lambda c: (-len(c), str(c[0])))


def articulation_points(G: nx.Graph) -> dict[Any, list[list[Any]]]:
    """Return each single point of failure of the real organisations and the groups it alone joins.

    Removing an articulation point splits its component; the value lists every piece except the
    largest, i.e. the organisations cut off from the rest (members sorted).

    Example:
        >>> articulation_points(nx.Graph([("A", "B"), ("B", "C"), ("C", "D"), ("B", "D")]))
        {'B': [['A']]}
    """
    R = nx.Graph(real_organizations(G))
    out = {}
    for v in sorted(nx.articulation_points(R), key=str):
        comp = nx.node_connected_component(R, v) - {v}
        pieces = sorted((sorted(c, key=str) for c in nx.connected_components(R.subgraph(comp))),
                        key=lambda c: (-len(c), str(c[0])))
        out[v] = pieces[1:]
    return out


def domain_spread(B: nx.Graph) -> dict[Any, list[str]]:
    """Return the domains each organisation works in (as lead or responsible unit), in order.

    Example:
        >>> from queries.analysis.graphs import task_org_graph
        >>> B = task_org_graph([{"task": "t1", "number": 1, "domain_number": 1, "domain_label": "开办企业"},
        ...                     {"task": "t2", "number": 2, "domain_number": 3, "domain_label": "获得电力"}],
        ...     [{"task": "t1", "org": "A", "role": "lead"}, {"task": "t2", "org": "A", "role": "responsible"}])
        >>> domain_spread(B)
        {'A': ['（1）开办企业', '（3）获得电力']}
    """
    out: dict[Any, dict[str, None]] = {}
    for t in task_nodes(B):
        for org in participants(B, t):
            out.setdefault(org, {})[domain_name(B, t)] = None
    return {org: list(ds) for org, ds in out.items()}


def organization_measures(G: nx.Graph, *, B: nx.Graph | None = None, seed: int = SEED,
                          exact_max: int = BETWEENNESS_EXACT_MAX) -> dict[str, Any]:
    """Return every network measure of the collaboration graph ``G`` (not modified).

    Args:
        G: a graph from :func:`queries.analysis.graphs.collaboration_graph`.
        B: its task–organisation graph, for cross-domain spread (optional).
        seed: seed for sampled betweenness and Louvain.
        exact_max: see :func:`betweenness`.

    Returns:
        ``organizations``: one record per real organisation (``organization``, ``iri``,
        ``degree``, ``weighted_degree``, ``betweenness``, ``eigenvector`` (within its own connected
        network, see :func:`eigenvector`), ``core``,
        ``community``, ``articulation``, ``cuts_off``, ``domains``), by betweenness;
        ``communities``, ``articulation_points``, ``k_core`` (the innermost core),
        ``collective_units`` (shown, not ranked), ``betweenness_method``, ``nodes``, ``edges``.

    Example:
        >>> G = nx.Graph([("A", "B"), ("B", "C"), ("C", "A"), ("C", "D")])
        >>> m = organization_measures(G)
        >>> [(r["iri"], r["degree"], r["core"], r["articulation"]) for r in m["organizations"]][:2]
        [('C', 3, 2, True), ('A', 2, 2, False)]
    """
    R = nx.Graph(real_organizations(G))
    bc, method = betweenness(R, exact_max=exact_max, seed=seed)
    ev = eigenvector(R, weight="weight")
    core = nx.core_number(R) if R.number_of_nodes() else {}
    comms = communities(G, seed=seed)
    community_of = {v: i for i, c in enumerate(comms, start=1) for v in c}
    cuts = articulation_points(G)
    spread = domain_spread(B) if B is not None else {}
    label = {v: G.nodes[v].get("label", v) for v in G}
    rows = []
    for v in R:
        rows.append({
            "organization": label[v], "iri": v,
            "degree": R.degree(v), "weighted_degree": R.degree(v, weight="weight"),
            "betweenness": round(bc.get(v, 0.0), 6), "eigenvector": round(ev.get(v, 0.0), 6),
            "core": core.get(v, 0), "community": community_of.get(v),
            "articulation": v in cuts, "cuts_off": [[label[x] for x in piece] for piece in cuts.get(v, [])],
            "domains": len(spread.get(v, [])),
        })
    rows.sort(key=lambda r: (-r["betweenness"], -r["weighted_degree"], str(r["organization"]), str(r["iri"])))
    kmax = max(core.values(), default=0)
    collective = [{"organization": label[v], "iri": v, "degree": G.degree(v),
                   "weighted_degree": G.degree(v, weight="weight")}
                  for v in sorted(G, key=lambda v: str(label[v])) if G.nodes[v].get("collective")]
    return {
        "organizations": rows,
        "communities": [[label[v] for v in c] for c in comms],
        "articulation_points": {label[v]: [[label[x] for x in p] for p in ps] for v, ps in cuts.items()},
        "k_core": {"k": kmax, "members": sorted(label[v] for v, c in core.items() if c == kmax)},
        "collective_units": collective,
        "betweenness_method": method,
        "nodes": R.number_of_nodes(), "edges": R.number_of_edges(),
    }


def ego_network(G: nx.Graph, org: Any, *, hops: int = 1) -> nx.Graph:
    """Return the organisations within ``hops`` shared-task steps of ``org``, with their ties.

    Collective units are kept here: an analyst looking at one unit wants to see every partner.
    Each node gets ``hops``, its distance from ``org``.

    Example:
        >>> G = nx.path_graph(["A", "B", "C", "D"])
        >>> E = ego_network(G, "B", hops=1)
        >>> sorted(E.nodes(data="hops"))
        [('A', 1), ('B', 0), ('C', 1)]
    """
    if hops not in (1, 2):
        raise ValueError("hops must be 1 or 2")
    E = nx.ego_graph(G, org, radius=hops).copy()
    dist = nx.single_source_shortest_path_length(E, org, cutoff=hops)
    nx.set_node_attributes(E, dist, "hops")
    return E


def ego_records(E: nx.Graph, org: Any) -> dict[str, Any]:
    """Return an ego network as plain records: its nodes by distance and its ties by weight."""
    label = {v: E.nodes[v].get("label", v) for v in E}
    nodes = sorted(E, key=lambda v: (E.nodes[v].get("hops", 0), str(label[v])))
    # The ego's own ties first, ego named first; then the ties among its partners.
    edges = [(u, v, d) if u == org else (v, u, d) if v == org else (u, v, d) for u, v, d in E.edges(data=True)]
    edges.sort(key=lambda e: (e[0] != org, -e[2].get("weight", 1), str(label[e[0]]), str(label[e[1]])))
    kinds = ("lead_lead", "lead_responsible", "responsible_responsible")
    return {
        "organization": label[org], "iri": org,
        "nodes": [{"organization": label[v], "iri": v, "hops": E.nodes[v].get("hops"),
                   "collective": bool(E.nodes[v].get("collective"))} for v in nodes],
        "ties": [{"a": label[u], "b": label[v], "weight": d.get("weight", 1), "tasks": list(d.get("tasks", ())),
                  "kinds": {k: d[k] for k in kinds if d.get(k)}} for u, v, d in edges],
        "hop_counts": dict(sorted(Counter(E.nodes[v].get("hops") for v in E).items())),
    }
