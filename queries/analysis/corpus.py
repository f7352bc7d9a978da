"""The collaboration and bottleneck analysis of a whole corpus, from sums the build stored.

Reading every task's units, deadlines and waits to analyse a corpus took about a minute at 1,000
plans before any analysis (benchmarks/RESULTS.md). The organisation graph needs far less, and the
build keeps it summed (kg.org_pairs, kg.rollups): per pair of organisations the tasks they share
in each pairing of roles (``analysis_org_pairs``), per organisation the tasks it leads and supports
and its tasks due per month (``analysis_org_loads``). A corpus above ``DETAIL_MAX_TASKS`` tasks is
analysed from those rows; a smaller one, one plan or one place is read task by task as before.

What a corpus answer from the sums gives up, and says so (``computed_from``): the task numbers
behind each figure (an edge's tasks, a unit's led tasks, its busiest month's tasks), the domains an
organisation works in, and, in the bottleneck score's dependence, the ties through a shared system
or the text's order (counted for one plan or one place, where the tasks are read). Ask with ``doc``
or ``place`` for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from kg.org_pairs import unpack_months
from queries.analysis.bottlenecks import RESPONSIBLE_SHARE, _reasons, ranked, scored
from queries.analysis.graphs import PAIR_KINDS, _tail, real_organizations
from queries.analysis.network import SEED, articulation_points, betweenness
from queries.library import run_query, run_unsorted

# Above this many tasks the whole corpus is analysed from the stored sums. At or below it, reading
# every task is quick (the server warms such a store in seconds, api/web/app.py) and keeps the task
# lists; the bundled plan and the tests' small corpora stay there.
DETAIL_MAX_TASKS = 3000

COMPUTED_FROM = ("the corpus's sums stored at build time (pk:OrganizationPairRollup, pk:OrganizationDueRollup, "
                 "pk:OrganizationRollup): no task lists, domains or ties through shared systems; "
                 "analyse one plan (doc) or one place (place) for them")


@dataclass(frozen=True)
class CorpusSums:
    """The stored sums of a corpus: ``analysis_org_loads`` and ``analysis_org_pairs`` rows."""

    organizations: list[dict[str, Any]]
    pairs: list[dict[str, Any]]


def corpus_tasks(source: Any) -> int:
    """Return how many tasks the plans of ``source`` hold, from their tallies."""
    from queries.document_pages import plan_sizes

    return sum(p.rows for p in plan_sizes(source))


def stored_sums(source: Any, *, min_tasks: int | None = None) -> CorpusSums | None:
    """Return the stored sums of the corpus in ``source`` when it has more than ``min_tasks`` tasks
    (default ``DETAIL_MAX_TASKS``) and the build stored them; else None (read the tasks: a graph
    file, an older store, a small corpus)."""
    if corpus_tasks(source) <= (DETAIL_MAX_TASKS if min_tasks is None else min_tasks):
        return None
    orgs = run_query(source, "analysis_org_loads")
    pairs = run_unsorted(source, "analysis_org_pairs")  # sorted here: a store sorts 33,000 IRI pairs slowly
    if not pairs and not any(r.get("months") for r in orgs):
        return None  # built before the pair rollups (or nothing to sum): the task rows say it all
    return CorpusSums(organizations=orgs, pairs=pairs)


def collaboration_from_sums(sums: CorpusSums) -> nx.Graph:
    """Return the collaboration graph of the corpus, as :func:`queries.analysis.graphs.collaboration_graph`
    projects it from the tasks, but with no task lists: each edge's ``weight`` and pair-kind counts,
    and ``led_by`` (the organisations of the pair that lead at least one of its shared tasks).

    Example:
        >>> G = collaboration_from_sums(CorpusSums(
        ...     [{"org": "A", "label": "甲", "lead": 2, "responsible": 0}, {"org": "B", "label": "乙", "lead": 1, "responsible": 1}],
        ...     [{"a": "A", "b": "B", "shared": 2, "both_lead": 1, "first_leads": 1, "partner_leads": 0, "both_responsible": 0}]))
        >>> e = G.edges["A", "B"]
        >>> e["weight"], e["lead_lead"], e["lead_responsible"], e["led_by"], G.nodes["B"]["responsible"]
        (2, 1, 1, ('A', 'B'), 1)
    """
    G = nx.Graph()
    rows = sorted(sums.organizations, key=lambda r: (r.get("label") or _tail(r["org"]), r["org"]))
    for r in rows:
        G.add_node(r["org"], label=r.get("label") or _tail(r["org"]), collective=bool(r.get("collective")),
                   org_class=_tail(r["kind"]) if r.get("kind") else None,
                   lead=int(r.get("lead") or 0), responsible=int(r.get("responsible") or 0))
    for p in sorted(sums.pairs, key=lambda p: (p["a"], p["b"])):
        both, first, partner = (int(p[k] or 0) for k in ("both_lead", "first_leads", "partner_leads"))
        counts = dict(zip(PAIR_KINDS, (both, first + partner, int(p["both_responsible"] or 0)), strict=True))
        led_by = tuple(o for o, n in ((p["a"], both + first), (p["b"], both + partner)) if n)
        for org in (p["a"], p["b"]):
            if org not in G:  # a pair's organisation without a rollup: never written so, but named all the same
                G.add_node(org, label=_tail(org), collective=False, org_class=None, lead=0, responsible=0)
        G.add_edge(p["a"], p["b"], weight=int(p["shared"]), led_by=led_by, **counts)
    return G


def due_months(sums: CorpusSums) -> dict[str, dict[str, int]]:
    """Return each organisation's tasks due per month (only organisations with dated tasks)."""
    return {r["org"]: m for r in sums.organizations if (m := unpack_months(r.get("months")))}


def bottlenecks_from_sums(G: nx.Graph, months: dict[str, dict[str, int]],
                          measures: dict[str, Any]) -> list[dict[str, Any]]:
    """Return real organisations ranked by bottleneck score, as
    :func:`queries.analysis.bottlenecks.bottleneck_report` scores them, from the corpus's sums.

    Load, crunch and brokerage are the same numbers; dependence counts the real organisations
    taking part in the tasks a unit leads (``led_by`` on the edges), not the ties through shared
    systems, which need the tasks. Entries carry no task lists, and say what they are computed from.
    """
    by_iri = {r["iri"]: r for r in measures["organizations"]}
    real = [v for v in G if not G.nodes[v].get("collective")]
    peaks = {v: max(months[v].items(), key=lambda kv: (kv[1], [-ord(c) for c in kv[0]])) for v in real if v in months}
    plan_peak = max((n for _, n in peaks.values()), default=0)
    max_bc = max((r["betweenness"] for r in by_iri.values()), default=0.0)
    held = {v: sorted((o for o in G[v] if v in G.edges[v, o]["led_by"] and not G.nodes[o].get("collective")),
                      key=lambda o: G.nodes[o]["label"]) for v in real}
    max_held = max((len(h) for h in held.values()), default=0)
    entries = []
    for v in real:
        a = G.nodes[v]
        load = a["lead"] + RESPONSIBLE_SHARE * a["responsible"]
        if load == 0:
            continue
        peak_month, peak = peaks.get(v, (None, 0))
        m = by_iri.get(v, {})
        bc = float(m.get("betweenness", 0.0))
        e = {
            **scored(a.get("label"), v, load, (peak, plan_peak), (bc, max_bc), (len(held[v]), max_held)),
            "lead": a["lead"], "responsible": a["responsible"],
            "peak_month": peak_month, "peak": peak, "plan_peak": plan_peak,
            "betweenness": bc, "max_betweenness": max_bc,
            "articulation": bool(m.get("articulation")), "cuts_off": m.get("cuts_off", []),
            "held_up": len(held[v]), "max_held_up": max_held,
            "held_up_organizations": sorted(G.nodes[o]["label"] for o in held[v]),
            "computed_from": COMPUTED_FROM,
        }
        e["reasons"] = _reasons(e)
        entries.append(e)
    ranked(entries)
    return entries


def bridge_measures(G: nx.Graph, *, seed: int = SEED) -> dict[str, Any]:
    """Return the two network measures the bottleneck score needs, as
    :func:`queries.analysis.network.organization_measures` gives them (``organizations``: ``iri``,
    ``betweenness``, ``articulation``, ``cuts_off``), without the others (eigenvector, communities,
    cores), which a corpus's bottleneck report does not use.

    Example:
        >>> G = nx.Graph([("A", "B"), ("B", "C")])
        >>> [(r["iri"], r["betweenness"], r["cuts_off"]) for r in bridge_measures(G)["organizations"]]
        [('A', 0.0, []), ('B', 1.0, [['C']]), ('C', 0.0, [])]
    """
    # The real organisations' ties without their attributes: both measures count hops, and copying
    # 30,000 edges' attribute dicts cost more than the measures at 1,000 plans.
    keep = set(real_organizations(G))
    R = nx.Graph()
    R.add_nodes_from(v for v in G if v in keep)
    R.add_edges_from((u, v) for u, v in G.edges() if u in keep and v in keep)
    bc, method = betweenness(R, seed=seed)
    cuts = articulation_points(R)
    label = {v: G.nodes[v].get("label", v) for v in G}
    rows = [{"iri": v, "betweenness": round(bc.get(v, 0.0), 6), "articulation": v in cuts,
             "cuts_off": [[label[x] for x in piece] for piece in cuts.get(v, [])]} for v in bc]
    return {"organizations": rows, "betweenness_method": method}
