"""The counts an analyst checks first — documents, tasks, domains, organisations… — kept per plan.

Counting every task of a store is a SPARQL pass over every plan; adding one plan should not repeat
it. So each count is the sum of the plans' own counts (kept in the store's meta.json, per plan) and of what
the shared graph holds (organisations, cited works: small, counted again after every change).
A node is typed in one place only — its plan's graph, or the shared graph (kg.store_update) — so
the sum counts each node once.
"""

from __future__ import annotations

from typing import Any

from kg.graph import PREFIXES
from kg.vocab import NOT_PLAN_GRAPHS, SHARED_GRAPH

# What is counted: a pattern binding ?x to each thing counted.
COUNTED = {
    "documents": "?x a pk:PolicyDocument",
    "tasks": "?x a pk:Task",
    "domains": "?x a pk:Domain",
    "organizations_in_graph": "?x a org:Organization",
    "deadlines": "?x a pk:Deadline",
    "references": "?x a pk:PolicyReference",
    "targets": "?x a pk:Target",
    "deployment_waits": "?x pk:hasDeploymentWait ?w",
    "preconditions": "?x a pk:Precondition",
}
# Organisations the plans name in a role (the store also holds their higher-level counterparts and
# parents, which no plan names): shared nodes, named from any plan's assignments.
_NAMED = """SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {
  GRAPH <%s> { ?x a org:Organization } FILTER EXISTS { ?a pk:agent ?x } }"""


def plan_counts(store: Any, plans: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Return each plan graph's own counts (all plans, or those named), one query per kind.

    Example:
        >>> import pyoxigraph as ox
        >>> plan_counts(ox.Store())
        {}
    """
    import pyoxigraph as ox

    values = "VALUES ?g { " + " ".join(f"<{p}>" for p in plans) + " }" if plans else ""
    out: dict[str, dict[str, int]] = {p: dict.fromkeys(COUNTED, 0) for p in plans or []}
    for key, pattern in COUNTED.items():
        query = f"SELECT ?g (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {values} GRAPH ?g {{ {pattern} }} }} GROUP BY ?g"
        for row in store.query(query, prefixes=PREFIXES):
            g = row["g"]
            if isinstance(g, ox.NamedNode) and g.value not in NOT_PLAN_GRAPHS:
                out.setdefault(g.value, dict.fromkeys(COUNTED, 0))[key] = int(row["n"].value)
    return out


def store_counts(store: Any, per_plan: dict[str, dict[str, int]], *, triples: int) -> dict[str, int]:
    """Return the store's counts: the plans' own (``per_plan``) summed, plus the shared graph's.

    Example:
        >>> import pyoxigraph as ox
        >>> store_counts(ox.Store(), {"urn:a": {"tasks": 2}, "urn:b": {"tasks": 3}}, triples=0)["tasks"]
        5
    """
    out = {key: sum(c.get(key, 0) for c in per_plan.values()) for key in COUNTED}
    for key, pattern in COUNTED.items():
        out[key] += _count(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ GRAPH <{SHARED_GRAPH}> {{ {pattern} }} }}")
    out["organizations"] = _count(store, _NAMED % SHARED_GRAPH)
    out["triples"] = triples
    return out


def _count(store: Any, query: str) -> int:
    rows = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)  # EXISTS looks at every plan
    return int(next(iter(rows))["n"].value)
