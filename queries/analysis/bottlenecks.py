"""The bottleneck report: organisations whose delay would hold up the most, with the why.

score = load × crunch × brokerage × dependence, where, for one real organisation:

- load = tasks it leads + ½ × tasks it supports (a 责任单位 carries part of a task, not all of it);
- crunch = 1 + (its tasks due in its busiest month) / (the busiest organisation-month of the plan);
- brokerage = 1 + (its betweenness) / (the highest betweenness): how much it bridges others;
- dependence = 1 + (organisations held up if it slips) / (the most any organisation holds up),
  counting the partners on the tasks it leads and the leads of tasks tied to them (shared system
  or platform, or ordered after them by the text), see :func:`queries.analysis.impact.slip_impact`.

Load is in tasks; each other factor lies between 1 and 2, so it can at most double the score and
a unit with nothing on its plate never rises. Collective units are never scored. Every entry keeps
the numbers and the task numbers behind each factor, and says them in ``reasons``.
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from queries.analysis.deadlines import crunch_matrix
from queries.analysis.graphs import organization_nodes, participants, tasks_of
from queries.analysis.impact import plan_ties, slip_reach

RESPONSIBLE_SHARE = 0.5


def _refs(refs: list[Any], limit: int = 12) -> str:
    shown = "、".join(str(r) for r in refs[:limit])
    return shown + (f" …(+{len(refs) - limit})" if len(refs) > limit else "")


def bottleneck_report(B: nx.Graph, D: nx.DiGraph, measures: dict[str, Any], *,
                      top: int | None = None) -> list[dict[str, Any]]:
    """Return real organisations ranked by bottleneck score, each with its reasons.

    Args:
        B: the task–organisation graph (not modified).
        D: its dependency graph.
        measures: :func:`queries.analysis.network.organization_measures` of its collaboration graph.
        top: keep only the first ``top`` entries.

    Returns:
        Entries with ``rank``, ``organization``, ``iri``, ``score``, the four factors, the raw
        numbers behind them (``lead``, ``responsible``, ``lead_tasks``, ``peak_month``, ``peak``,
        ``peak_tasks``, ``betweenness``, ``articulation``, ``cuts_off``, ``held_up``,
        ``held_up_organizations``, ``tied_tasks``) and ``reasons`` (sentences).

    Example:
        >>> from queries.analysis.graphs import task_org_graph, collaboration_graph
        >>> from queries.analysis.dependencies import dependency_graph
        >>> from queries.analysis.network import organization_measures
        >>> B = task_org_graph([{"task": f"t{i}", "number": i} for i in (1, 2, 3)], [
        ...     {"task": "t1", "org": "A", "role": "lead"}, {"task": "t1", "org": "B", "role": "responsible"},
        ...     {"task": "t2", "org": "B", "role": "lead"}, {"task": "t2", "org": "C", "role": "responsible"},
        ...     {"task": "t3", "org": "D", "role": "lead"}],
        ...     deadlines=[{"task": "t1", "date": "2023-09-30"}, {"task": "t2", "date": "2023-09-30"}])
        >>> m = organization_measures(collaboration_graph(B), B=B)
        >>> [(e["organization"], e["load"], e["crunch"], e["brokerage"], e["dependence"], e["score"])
        ...  for e in bottleneck_report(B, dependency_graph(B), m)]
        [('B', 1.5, 2.0, 2.0, 2.0, 12.0), ('A', 1.0, 1.5, 1.0, 2.0, 3.0), ('D', 1.0, 1.0, 1.0, 1.0, 1.0), ('C', 0.5, 1.5, 1.0, 1.0, 0.75)]
    """
    by_iri = {r["iri"]: r for r in measures["organizations"]}
    matrix = {r["iri"]: r for r in crunch_matrix(B) if not r["collective"]}
    plan_peak = max((r["peak"] for r in matrix.values()), default=0)
    max_bc = max((r["betweenness"] for r in by_iri.values()), default=0.0)
    entries = []
    ties = plan_ties(B, D)
    reach = {org: slip_reach(B, org, ties) for org in organization_nodes(B, include_collective=False)}
    held = {org: _held_up(B, org, *r) for org, r in reach.items()}
    max_held = max((len(h) for h in held.values()), default=0)
    for org, (_, tied) in reach.items():
        lead, resp = tasks_of(B, org, "lead"), tasks_of(B, org, "responsible")
        load = len(lead) + RESPONSIBLE_SHARE * len(resp)
        if load == 0:
            continue
        cr = matrix.get(org)
        peak = cr["peak"] if cr else 0
        m = by_iri.get(org, {})
        bc = float(m.get("betweenness", 0.0))
        e = {
            **scored(B.nodes[org].get("label"), org, load, (peak, plan_peak), (bc, max_bc), (len(held[org]), max_held)),
            "lead": len(lead), "responsible": len(resp),
            "lead_tasks": [B.nodes[t]["ref"] for t in lead], "responsible_tasks": [B.nodes[t]["ref"] for t in resp],
            "peak_month": cr["peak_month"] if cr else None, "peak": peak,
            "peak_tasks": cr["tasks_by_month"][cr["peak_month"]] if cr else [], "plan_peak": plan_peak,
            "betweenness": bc, "max_betweenness": max_bc,
            "articulation": bool(m.get("articulation")), "cuts_off": m.get("cuts_off", []),
            "held_up": len(held[org]), "max_held_up": max_held,
            "held_up_organizations": sorted(B.nodes[o]["label"] for o in held[org]),
            "tied_tasks": [B.nodes[t]["ref"] for t in tied],
        }
        e["reasons"] = _reasons(e)
        entries.append(e)
    ranked(entries)
    return entries[:top] if top else entries


def scored(label: str | None, iri: str, load: float, peak: tuple[int, int], betweenness: tuple[float, float],
           held: tuple[int, int]) -> dict[str, Any]:
    """Return a bottleneck entry's score and its factors: ``load`` times crunch, brokerage and
    dependence, each 1 plus the organisation's share of the largest in scope (``peak``: its busiest
    month's tasks and the plan's; ``betweenness``: its own and the largest; ``held``: how many wait
    on it and the most any one holds up). One formula for a plan's tasks and a corpus's sums.

    Example:
        >>> scored("B", "b", 1.5, (2, 2), (0.5, 0.5), (1, 1))["score"]
        12.0
    """
    (mine, most), (bc, max_bc), (waiting, max_held) = peak, betweenness, held
    crunch = 1 + (mine / most if most else 0)
    brokerage = 1 + (bc / max_bc if max_bc else 0)
    dependence = 1 + (waiting / max_held if max_held else 0)
    return {"organization": label, "iri": iri, "score": round(load * crunch * brokerage * dependence, 3),
            "load": round(load, 3), "crunch": round(crunch, 3), "brokerage": round(brokerage, 3),
            "dependence": round(dependence, 3)}


def ranked(entries: list[dict[str, Any]]) -> None:
    """Sort bottleneck entries, highest score first (ties: load, then name and IRI), and number them."""
    entries.sort(key=lambda e: (-e["score"], -e["load"], e["organization"] or "", e["iri"]))
    for i, e in enumerate(entries, start=1):
        e["rank"] = i


def _held_up(B: nx.Graph, org: str, partners: set[str], tied: list[str]) -> set[str]:
    """Real organisations that wait if ``org`` slips: partners on its led tasks, leads of tied tasks."""
    nodes = partners | {o for t in tied for o, role in participants(B, t).items() if role == "lead"}
    return {o for o in nodes if o != org and not B.nodes[o].get("collective")}


def _listed(e: dict[str, Any], key: str) -> str:
    # A corpus answer from stored sums has no task lists (queries.analysis.corpus): then none is shown.
    return f" ({_refs(e[key])})" if key in e else ""


def _reasons(e: dict[str, Any]) -> list[str]:
    out = [f"load {e['load']:g}: leads {e['lead']} tasks{_listed(e, 'lead_tasks')}"
           + (f" and supports {e['responsible']}{_listed(e, 'responsible_tasks')}" if e["responsible"] else "")]
    if e["peak"]:
        out.append(f"crunch {e['crunch']:g}: {e['peak']} of its tasks fall due in {e['peak_month']}"
                   f"{_listed(e, 'peak_tasks')}; the plan's busiest organisation-month has {e['plan_peak']}")
    else:
        out.append("crunch 1: none of its tasks has a dated deadline")
    if e["betweenness"] > 0:
        out.append(f"brokerage {e['brokerage']:g}: betweenness {e['betweenness']:.4f} "
                   f"(highest {e['max_betweenness']:.4f})"
                   + ("; single point of failure: it alone links "
                      + "; ".join("、".join(p) for p in e["cuts_off"]) if e["articulation"] else ""))
    else:
        out.append("brokerage 1: it lies on no shortest path between other units")
    if e["held_up"]:
        out.append(f"dependence {e['dependence']:g}: {e['held_up']} organisations wait on tasks it leads "
                   f"(most for any unit: {e['max_held_up']})"
                   + (f"; tasks tied to them by a shared system: {_refs(e['tied_tasks'])}" if e.get("tied_tasks") else ""))
    else:
        out.append("dependence 1: no other unit waits on a task it leads")
    return out
