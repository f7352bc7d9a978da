"""Who carries the load: tasks led and supported per organisation, per domain and per deadline month."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import networkx as nx

from queries.analysis.graphs import organization_nodes, participants, task_nodes, task_refs


def domain_name(B: nx.Graph, task: str) -> str:
    """Return how a task's domain is shown: （3）获得电力, prefixed by the 文号 across plans."""
    a = B.nodes[task]
    if a.get("domain_label") is None and a.get("domain_number") is None:
        return "（无领域）"
    name = f"（{a.get('domain_number')}）{a.get('domain_label') or ''}"
    several = isinstance(a.get("ref"), str)
    return f"{a.get('document')} {name}" if several else name


def deadline_months(B: nx.Graph, task: str) -> list[str]:
    """Return the distinct months (YYYY-MM) of a task's dated deadlines, in order."""
    return sorted({d[:7] for d, _, _ in B.nodes[task].get("deadlines", ()) if d})


def organization_workload(B: nx.Graph) -> list[dict[str, Any]]:
    """Return one record per organisation: the tasks it leads and supports, by domain and month.

    A task counts once per organisation, as lead if the organisation is among its 牵头单位, else
    as responsible. Being a domain's 领域牵头部门 is counted apart (``domain_lead``), not as tasks.

    Args:
        B: a graph from :func:`queries.analysis.graphs.task_org_graph` (not modified).

    Returns:
        Records with ``organization`` (canonical name), ``iri``, ``collective``, ``lead``,
        ``responsible``, ``total``, ``domain_lead`` (domains it leads), ``domains`` (distinct
        domains of its tasks), ``lead_tasks`` and ``responsible_tasks`` (task refs),
        ``by_domain`` ({domain: {"lead": n, "responsible": n}}), ``by_month`` ({YYYY-MM: tasks
        with a deadline that month}) and ``rank`` (1 = leads most tasks; ``None`` for collective
        units, which come last and are never ranked).

    Example:
        >>> from queries.analysis.graphs import task_org_graph
        >>> B = task_org_graph(
        ...     [{"task": "t1", "number": 1}, {"task": "t2", "number": 2}],
        ...     [{"task": "t1", "org": "A", "role": "lead"}, {"task": "t2", "org": "A", "role": "lead"},
        ...      {"task": "t2", "org": "B", "role": "responsible"}, {"task": "t1", "org": "X", "role": "responsible"}],
        ...     [{"org": "X", "label": "县有关部门、单位", "collective": True}])
        >>> [(r["organization"], r["lead"], r["responsible"], r["rank"]) for r in organization_workload(B)]
        [('A', 2, 0, 1), ('B', 0, 1, 2), ('县有关部门、单位', 0, 1, None)]
    """
    tasks_by_org: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"lead": [], "responsible": []})
    for t in task_nodes(B):
        for org, role in participants(B, t).items():
            tasks_by_org[org][role].append(t)
    records = []
    for org in organization_nodes(B):
        a = B.nodes[org]
        mine = tasks_by_org[org]
        by_domain: dict[str, dict[str, int]] = defaultdict(lambda: {"lead": 0, "responsible": 0})
        order: dict[str, tuple] = {}
        by_month: Counter[str] = Counter()
        for role in ("lead", "responsible"):
            for t in mine[role]:
                name = domain_name(B, t)
                by_domain[name][role] += 1
                order[name] = (str(B.nodes[t].get("doc") or ""), B.nodes[t].get("domain_number") or 0)
                by_month.update(deadline_months(B, t))
        led_domains = {B.nodes[t].get("domain") for t in B[org] if "domain_lead" in B.edges[t, org]["roles"]}
        records.append({
            "organization": a.get("label"),
            "iri": org,
            "collective": bool(a.get("collective")),
            "lead": len(mine["lead"]),
            "responsible": len(mine["responsible"]),
            "total": len(mine["lead"]) + len(mine["responsible"]),
            "domain_lead": len(led_domains - {None}),
            "domains": len(by_domain),
            "lead_tasks": task_refs(B, mine["lead"]),
            "responsible_tasks": task_refs(B, mine["responsible"]),
            "by_domain": {k: by_domain[k] for k in sorted(by_domain, key=lambda k: (order[k], k))},
            "by_month": dict(sorted(by_month.items())),
        })
    records.sort(key=lambda r: (r["collective"], -r["lead"], -r["total"], r["organization"] or "", r["iri"]))
    rank = 0
    for r in records:
        r["rank"] = None if r["collective"] else (rank := rank + 1)
    return records
