"""Where deadlines pile up, which come too soon after issue, and each task's status light.

A task's deadlines are its 完成时限 (9月底前 → 2023-09-30); open-ended ones (长期坚持) have no date.
Counts are of tasks: a task with deadlines in September and November counts once in each month,
and once per organisation taking part in it (lead or responsible).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from statistics import mean
from typing import Any

import networkx as nx

from queries.analysis.graphs import organization_nodes, participants, task_nodes, task_refs
from queries.analysis.workload import deadline_months

STATUSES = ("red", "yellow", "green", "open")


def crunch_matrix(B: nx.Graph) -> list[dict[str, Any]]:
    """Return the organisation × month matrix: how many of its tasks fall due each month.

    Returns:
        One record per organisation with any dated task: ``organization``, ``iri``,
        ``collective``, ``months`` ({YYYY-MM: tasks}), ``tasks_by_month`` ({YYYY-MM: refs}),
        ``total`` (sum over months), ``peak_month`` and ``peak`` (its busiest month, the earliest
        on a tie); sorted by peak then total, collective units last.

    Example:
        >>> from queries.analysis.graphs import task_org_graph
        >>> B = task_org_graph([{"task": "t1", "number": 1}, {"task": "t2", "number": 2}],
        ...     [{"task": "t1", "org": "A", "role": "lead"}, {"task": "t2", "org": "A", "role": "responsible"}],
        ...     deadlines=[{"task": "t1", "date": "2023-09-30"}, {"task": "t2", "date": "2023-09-30"},
        ...                {"task": "t2", "date": "2023-12-31"}])
        >>> r = crunch_matrix(B)[0]
        >>> r["months"], r["peak_month"], r["tasks_by_month"]["2023-09"]
        ({'2023-09': 2, '2023-12': 1}, '2023-09', [1, 2])
    """
    due: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for t in task_nodes(B):
        months = deadline_months(B, t)
        for org in participants(B, t):
            for m in months:
                due[org][m].append(t)
    rows = []
    for org in organization_nodes(B):
        if org not in due:
            continue
        months = {m: len(ts) for m, ts in sorted(due[org].items())}
        peak_month = max(months, key=lambda m: (months[m], [-ord(c) for c in m]))
        rows.append({
            "organization": B.nodes[org].get("label"), "iri": org,
            "collective": bool(B.nodes[org].get("collective")),
            "months": months,
            "tasks_by_month": {m: task_refs(B, ts) for m, ts in sorted(due[org].items())},
            "total": sum(months.values()), "peak_month": peak_month, "peak": months[peak_month],
        })
    rows.sort(key=lambda r: (r["collective"], -r["peak"], -r["total"], r["organization"] or ""))
    return rows


def crunch_months(B: nx.Graph) -> list[dict[str, Any]]:
    """Return each month with dated tasks, flagged ``crunch`` when it holds more than the average month.

    Example:
        >>> from queries.analysis.graphs import task_org_graph
        >>> B = task_org_graph([{"task": f"t{i}", "number": i} for i in range(1, 5)], [],
        ...     deadlines=[{"task": "t1", "date": "2023-09-30"}, {"task": "t2", "date": "2023-11-30"},
        ...                {"task": "t3", "date": "2023-11-30"}, {"task": "t4", "date": "2023-12-31"}])
        >>> [(m["month"], m["tasks"], m["crunch"]) for m in crunch_months(B)]
        [('2023-09', 1, False), ('2023-11', 2, True), ('2023-12', 1, False)]
    """
    per_month: dict[str, list[str]] = defaultdict(list)
    for t in task_nodes(B):
        for m in deadline_months(B, t):
            per_month[m].append(t)
    if not per_month:
        return []
    average = mean(len(ts) for ts in per_month.values())
    out = []
    for m, ts in sorted(per_month.items()):
        orgs = {o for t in ts for o in participants(B, t) if not B.nodes[o].get("collective")}
        out.append({"month": m, "tasks": len(ts), "organizations": len(orgs),
                    "average": round(average, 2), "crunch": len(ts) > average, "task_refs": task_refs(B, ts)})
    return out


def crunch_cells(matrix: list[dict[str, Any]], *, min_tasks: int = 5) -> list[dict[str, Any]]:
    """Return the (organisation, month) cells with at least ``min_tasks`` tasks due, busiest first.

    Collective units are left out: their count is many bodies' load, not one's.

    Example:
        >>> crunch_cells([{"organization": "A", "iri": "A", "collective": False,
        ...                "months": {"2023-09": 5, "2023-10": 1}, "tasks_by_month": {"2023-09": [1, 2, 3, 4, 5]}}])
        [{'organization': 'A', 'iri': 'A', 'month': '2023-09', 'tasks': 5, 'task_refs': [1, 2, 3, 4, 5]}]
    """
    cells = [{"organization": r["organization"], "iri": r["iri"], "month": m, "tasks": n,
              "task_refs": r["tasks_by_month"].get(m, [])}
             for r in matrix if not r["collective"] for m, n in r["months"].items() if n >= min_tasks]
    return sorted(cells, key=lambda c: (-c["tasks"], c["month"], c["organization"] or ""))


def early_deadlines(B: nx.Graph, *, days: int = 45) -> list[dict[str, Any]]:
    """Return the deadlines falling within ``days`` days of their plan's issue date (or before it).

    Such deadlines leave units little time to plan: a 8月底前 in a plan issued on 29 August.

    Example:
        >>> from queries.analysis.graphs import task_org_graph
        >>> B = task_org_graph([{"task": "t", "number": 1, "doc": "d"}], [{"task": "t", "org": "A", "role": "lead"}],
        ...     deadlines=[{"task": "t", "date": "2023-08-31", "label": "8月底前"}, {"task": "t", "date": "2023-12-31"}],
        ...     documents=[{"doc": "d", "issued": "2023-08-29"}])
        >>> [(e["task"], e["date"], e["days_after_issue"], e["leads"]) for e in early_deadlines(B)]
        [(1, '2023-08-31', 2, ['A'])]
    """
    out = []
    for t in task_nodes(B):
        a = B.nodes[t]
        if not a.get("issued"):
            continue
        issued = date.fromisoformat(a["issued"])
        for d, label, _ in a.get("deadlines", ()):
            if d and (date.fromisoformat(d) - issued).days <= days:
                out.append({
                    "task": a["ref"], "title": a.get("title"), "date": d, "deadline": label,
                    "issued": a["issued"], "days_after_issue": (date.fromisoformat(d) - issued).days,
                    "leads": [B.nodes[o]["label"] for o, r in participants(B, t).items() if r == "lead"],
                })
    return out


def task_status(B: nx.Graph, *, as_of: date, days: int = 30) -> list[dict[str, Any]]:
    """Return each task's traffic light on ``as_of``, as a 督查督办 ledger colours it.

    ``red``: a deadline has passed (the graph records no completion, so a passed milestone is
    overdue until reported done); ``yellow``: none passed and the next falls within ``days`` days;
    ``green``: the next deadline is further away; ``open``: no dated deadline (长期坚持).

    Example:
        >>> from queries.analysis.graphs import task_org_graph
        >>> B = task_org_graph([{"task": f"t{i}", "number": i} for i in range(1, 5)], [],
        ...     deadlines=[{"task": "t1", "date": "2023-09-30"}, {"task": "t2", "date": "2023-10-20"},
        ...                {"task": "t3", "date": "2023-12-31"}])
        >>> [(r["task"], r["status"]) for r in task_status(B, as_of=date(2023, 10, 1), days=30)]
        [(1, 'red'), (2, 'yellow'), (3, 'green'), (4, 'open')]
    """
    rows = []
    for t in task_nodes(B):
        a = B.nodes[t]
        dates = sorted(date.fromisoformat(d) for d, _, _ in a.get("deadlines", ()) if d)
        passed = [d for d in dates if d < as_of]
        upcoming = [d for d in dates if d >= as_of]
        nxt = upcoming[0] if upcoming else None
        if passed:
            status = "red"
        elif nxt is None:
            status = "open"
        else:
            status = "yellow" if (nxt - as_of).days <= days else "green"
        parts = participants(B, t)
        rows.append({
            "task": a["ref"], "title": a.get("title"), "status": status,
            "next_deadline": nxt.isoformat() if nxt else None,
            "days_left": (nxt - as_of).days if nxt else None,
            "passed": [d.isoformat() for d in passed],
            "leads": [B.nodes[o]["label"] for o, r in parts.items() if r == "lead"],
            "responsible": [B.nodes[o]["label"] for o, r in parts.items() if r == "responsible"],
            "id": t,
        })
    return rows


def status_by_organization(B: nx.Graph, statuses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return, per organisation, how many of its tasks (lead or responsible) show each light.

    Args:
        B: the task–organisation graph the statuses were computed on.
        statuses: rows from :func:`task_status`.

    Returns:
        Records with ``organization``, ``iri``, ``collective``, a count for each of ``STATUSES``,
        ``red_tasks`` and ``yellow_tasks`` (refs); most red first, collective units last.

    Example:
        >>> from queries.analysis.graphs import task_org_graph
        >>> B = task_org_graph([{"task": "t1", "number": 1}, {"task": "t2", "number": 2}],
        ...     [{"task": "t1", "org": "A", "role": "lead"}, {"task": "t2", "org": "A", "role": "responsible"}],
        ...     deadlines=[{"task": "t1", "date": "2023-09-30"}])
        >>> r = status_by_organization(B, task_status(B, as_of=date(2023, 10, 1)))[0]
        >>> r["red"], r["open"], r["red_tasks"]
        (1, 1, [1])
    """
    light = {r["id"]: r["status"] for r in statuses}
    out = []
    for org in organization_nodes(B):
        counts: Counter[str] = Counter()
        by: dict[str, list[str]] = defaultdict(list)
        for t in B[org]:
            if t in light and org in participants(B, t):
                counts[light[t]] += 1
                by[light[t]].append(t)
        if not counts:
            continue
        out.append({"organization": B.nodes[org].get("label"), "iri": org,
                    "collective": bool(B.nodes[org].get("collective")),
                    **{s: counts[s] for s in STATUSES},
                    "red_tasks": task_refs(B, by["red"]), "yellow_tasks": task_refs(B, by["yellow"])})
    out.sort(key=lambda r: (r["collective"], -r["red"], -r["yellow"], r["organization"] or ""))
    return out
