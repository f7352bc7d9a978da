"""“If organisation X slips”: the tasks it leads, the partners held up, and the tasks tied to them."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import networkx as nx

from queries.analysis.dependencies import linked_tasks
from queries.analysis.graphs import participants, task_order, tasks_of
from queries.analysis.workload import deadline_months, domain_name


def plan_ties(B: nx.Graph, D: nx.DiGraph) -> dict[Any, dict[Any, list[str]]]:
    """Return, for every task, the tasks of the same plan tied to it and why (as
    :func:`queries.analysis.dependencies.linked_tasks` says it), computed once for all tasks.

    A platform such as 爱山东 is named by tasks of every plan of a province: asking each task for
    its ties one at a time walks all of them, once per task. Here each system's tasks are grouped
    by plan first.

    Example:
        >>> D = nx.DiGraph()
        >>> D.add_edge("t1", "s", relation="uses_system"); D.add_edge("t2", "s", relation="uses_system")
        >>> D.add_edge("t3", "s", relation="uses_system"); D.add_edge("t1", "t2", relation="precedes")
        >>> B = nx.Graph(); B.add_nodes_from([("t1", {"doc": "a"}), ("t2", {"doc": "a"}), ("t3", {"doc": "b"})])
        >>> plan_ties(B, D)["t1"]
        {'t2': ['shares s', 'follows it']}
    """
    ties: dict[Any, dict[Any, list[str]]] = defaultdict(lambda: defaultdict(list))
    for node, kind in D.nodes(data="kind"):
        if kind == "task" or node in B:
            continue
        by_plan: dict[Any, list[Any]] = defaultdict(list)
        for t in D.predecessors(node):
            if D.edges[t, node].get("relation") == "uses_system":
                by_plan[B.nodes[t].get("doc") if t in B else None].append(t)
        why = f"shares {D.nodes[node].get('label', node)}"
        for tasks in by_plan.values():
            for t in tasks:
                for other in tasks:
                    if other != t:
                        ties[t][other].append(why)
    for t, other, rel in D.edges(data="relation"):
        if rel == "precedes" and (t not in B or other not in B or B.nodes[t].get("doc") == B.nodes[other].get("doc")):
            ties[t][other].append("follows it")
    return {t: dict(sorted(others.items())) for t, others in ties.items()}


def slip_reach(B: nx.Graph, org: Any, ties: dict[Any, dict[Any, list[str]]]) -> tuple[set[Any], list[Any]]:
    """Return (partners on the tasks ``org`` leads, the same-plan tasks tied to them in task order):
    what :func:`slip_impact` counts, without its sentences, for ranking every organisation.

    Example:
        >>> from queries.analysis.graphs import task_org_graph
        >>> B = task_org_graph([{"task": "t1", "number": 1, "doc": "d"}, {"task": "t2", "number": 2, "doc": "d"}],
        ...     [{"task": "t1", "org": "A", "role": "lead"}, {"task": "t1", "org": "B", "role": "responsible"},
        ...      {"task": "t2", "org": "C", "role": "lead"}])
        >>> slip_reach(B, "A", {"t1": {"t2": ["shares 爱山东"]}})
        ({'B'}, ['t2'])
    """
    led = tasks_of(B, org, "lead")
    led_set = set(led)
    partners = {o for t in led for o in participants(B, t) if o != org}
    tied = {other for t in led for other in ties.get(t, {})
            if other not in led_set and B.nodes[other].get("doc") == B.nodes[t].get("doc")}
    return partners, sorted(tied, key=lambda t: task_order(B, t))


def slip_impact(B: nx.Graph, D: nx.DiGraph, org: Any, *, ties: dict[Any, dict[Any, list[str]]] | None = None,
                ) -> dict[str, Any]:
    """Return what a delay of ``org`` would hold up.

    A lead unit (牵头单位) drives its tasks: if it slips, every task it leads slips, every partner
    on those tasks waits, and every task of the same plan tied to them (sharing a system or
    platform, or ordered after them by the text) loses what it builds on. Plans of other places
    that use the same provincial platform do not wait on this one's tasks, so ties stop at the plan. Tasks it only supports are listed apart: a
    responsible unit's delay hurts them, but the lead can work around it.

    Args:
        B: the task–organisation graph (not modified).
        D: its dependency graph from :func:`queries.analysis.dependencies.dependency_graph`.
        org: an organisation node of ``B``.
        ties: :func:`plan_ties` of ``B`` and ``D``, when asking for many organisations.

    Returns:
        ``organization``; ``led_tasks`` (ref, title, deadlines, partners); ``supported_tasks``;
        ``partners`` (organisation → shared led tasks, real units first); ``tied_tasks`` (tasks
        not led by ``org`` tied to its led tasks, with why and their leads); ``months``
        (deadline months of led and tied tasks); ``domains``; ``summary`` counts.

    Example:
        >>> from queries.analysis.graphs import task_org_graph
        >>> from queries.analysis.dependencies import dependency_graph
        >>> B = task_org_graph([{"task": "t1", "number": 1, "doc": "d"}, {"task": "t2", "number": 2, "doc": "d"}],
        ...     [{"task": "t1", "org": "A", "role": "lead"}, {"task": "t1", "org": "B", "role": "responsible"},
        ...      {"task": "t2", "org": "C", "role": "lead"}])
        >>> D = dependency_graph(B, systems=[{"task": t, "system": "s", "name": "爱山东"} for t in ("t1", "t2")])
        >>> r = slip_impact(B, D, "A")
        >>> r["summary"], r["tied_tasks"][0]["task"], r["tied_tasks"][0]["why"]
        ({'led': 1, 'supported': 0, 'partners': 1, 'tied_tasks': 1, 'organizations_held_up': 2}, 2, ['shares 爱山东'])
    """
    led = tasks_of(B, org, "lead")
    supported = tasks_of(B, org, "responsible")

    def label(v: Any) -> str:
        return B.nodes[v].get("label", v)

    partners: Counter[Any] = Counter()
    led_rows = []
    for t in led:
        a = B.nodes[t]
        parts = {o: r for o, r in participants(B, t).items() if o != org}
        partners.update(list(parts))
        led_rows.append({"task": a["ref"], "title": a.get("title"),
                         "deadlines": [lbl or d for d, lbl, _ in a.get("deadlines", ())],
                         "partners": [f"{label(o)}（{'牵头' if r == 'lead' else '责任'}）" for o, r in parts.items()]})
    tied = _tied_to(B, D, led, ties)
    tied_rows = []
    held_up = set(partners)
    for t in sorted(tied, key=lambda t: task_order(B, t)):
        parts = participants(B, t)
        held_up.update(o for o in parts if o != org)
        tied_rows.append({"task": B.nodes[t]["ref"], "title": B.nodes[t].get("title"),
                          "why": sorted(set(w.split(" with task")[0] for w in tied[t])),
                          "because": sorted(set(tied[t])),
                          "leads": [label(o) for o, r in parts.items() if r == "lead"],
                          "lead_iris": [o for o, r in parts.items() if r == "lead"]})
    months = Counter(m for t in [*led, *tied] for m in deadline_months(B, t))
    domains = sorted({domain_name(B, t) for t in led})
    ordered_partners = sorted(partners, key=lambda o: (bool(B.nodes[o].get("collective")), -partners[o], label(o)))
    return {
        "organization": label(org), "iri": org,
        "led_tasks": led_rows,
        "supported_tasks": [B.nodes[t]["ref"] for t in supported],
        "partners": [{"organization": label(o), "iri": o, "shared_led_tasks": partners[o],
                      "collective": bool(B.nodes[o].get("collective"))} for o in ordered_partners],
        "tied_tasks": tied_rows,
        "months": dict(sorted(months.items())),
        "domains": domains,
        "summary": {"led": len(led), "supported": len(supported), "partners": len(partners),
                    "tied_tasks": len(tied_rows),
                    "organizations_held_up": len({o for o in held_up if not B.nodes[o].get("collective")})},
    }


def _tied_to(B: nx.Graph, D: nx.DiGraph, led: list[Any], ties: dict[Any, dict[Any, list[str]]] | None,
             ) -> dict[Any, list[str]]:
    """Tasks of the same plan, not in ``led``, tied to a task of ``led``: each with why, naming the task."""
    tied: dict[Any, list[str]] = defaultdict(list)
    led_set = set(led)
    for t in led:
        plan = B.nodes[t].get("doc")
        linked = ties.get(t, {}) if ties is not None else linked_tasks(D, t)
        for other, whys in linked.items():
            if other not in led_set and B.nodes[other].get("doc") == plan:
                tied[other].extend(f"{w} with task {B.nodes[t]['ref']}" if w.startswith("shares") else
                                   f"follows task {B.nodes[t]['ref']}" for w in whys)
    return tied
