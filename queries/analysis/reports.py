"""The analyses as JSON-ready answers: what ``policykg analyze …`` prints and ``/analysis/…`` returns.

Both front doors call these functions, so a number in the terminal and in the API is the same
number. :class:`PlanAnalysis` reads the graph once (through the saved queries) and builds each
derived graph the first time an answer needs it.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Any

import networkx as nx
from rdflib import Graph

from kg.errors import QueryParameterError
from queries.analysis import BUSY_TASKS, EARLY_DAYS, YELLOW_DAYS, corpus, deadlines, network, workload
from queries.analysis import bottlenecks as _bottlenecks
from queries.analysis.dependencies import dependency_graph
from queries.analysis.export import node_link
from queries.analysis.fetch import fetch_task_systems, fetch_task_texts, plan_graph
from queries.analysis.graphs import collaboration_graph, find_organization
from queries.analysis.impact import slip_impact
from queries.analysis.writeback import results_graph

ANALYSES = ("workload", "crunch", "status", "network", "impact", "bottlenecks", "collaboration")


class PlanAnalysis:
    """The graphs of one analysis scope, built lazily from the task–organisation graph ``B``.

    A whole corpus above :data:`queries.analysis.corpus.DETAIL_MAX_TASKS` tasks whose build stored
    its sums has ``sums``: its collaboration graph, network measures and bottleneck report come from
    them, and ``B`` (every task) is read only when another analysis asks for it.
    """

    def __init__(self, B: nx.Graph | None = None, seed: int = network.SEED, source: Any = None,
                 doc: str | None = None, place: str | None = None, sums: corpus.CorpusSums | None = None) -> None:
        self._B, self.seed, self.source, self.doc, self.place, self.sums = B, seed, source, doc, place, sums
        self._cache: dict[str, Any] = {}
        self._read_lock = threading.Lock()

    @classmethod
    def from_source(cls, source: Any, *, doc: str | None = None, place: str | None = None,
                    seed: int = network.SEED) -> PlanAnalysis:
        """Read the plans in ``source`` (a graph or a remote store): all, one document, or one place's."""
        sums = corpus.stored_sums(source) if doc is None and place is None else None
        if sums is not None:
            return cls(None, seed=seed, source=source, sums=sums)
        return cls(plan_graph(source, doc=doc, place=place), seed=seed, source=source, doc=doc, place=place)

    @property
    def B(self) -> nx.Graph:
        """The task–organisation graph (read from the source on first use when the analysis began from sums)."""
        if self._B is None:
            with self._read_lock:
                if self._B is None:
                    self._B = plan_graph(self.source, doc=self.doc, place=self.place)
        return self._B

    @property
    def computed_from(self) -> str | None:
        """What a corpus answer from stored sums is computed from (None: from the tasks)."""
        return corpus.COMPUTED_FROM if self.sums is not None else None

    def _get(self, key: str, make: Any) -> Any:
        """Return the cached answer ``key``, making it once (answers are shared: do not modify them)."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def G(self) -> nx.Graph:
        """The organisation collaboration graph."""
        if self.sums is not None:
            return self._get("G", lambda: corpus.collaboration_from_sums(self.sums))
        return self._get("G", lambda: collaboration_graph(self.B))

    @property
    def D(self) -> nx.DiGraph:
        """The task dependency graph."""
        def make() -> nx.DiGraph:
            if self.source is None:
                return dependency_graph(self.B)
            return dependency_graph(self.B, systems=fetch_task_systems(self.source, doc=self.doc, place=self.place),
                                    texts=fetch_task_texts(self.source, doc=self.doc, place=self.place))

        return self._get("D", make)

    @property
    def measures(self) -> dict[str, Any]:
        if self.sums is None:
            return self._get("measures", lambda: network.organization_measures(self.G, B=self.B, seed=self.seed))

        def from_sums() -> dict[str, Any]:
            m = network.organization_measures(self.G, seed=self.seed)
            for r in m["organizations"]:
                r["domains"] = None  # the domains an organisation works in need its tasks
            return m | {"computed_from": self.computed_from}

        return self._get("measures", from_sums)

    def organization(self, name: str, *, analysis: str) -> str:
        """Return the organisation node for a name, alias or IRI.

        Raises:
            QueryParameterError: no organisation, or several, have that name.
        """
        try:
            return find_organization(self.B, name)
        except LookupError as e:
            raise QueryParameterError(analysis, "org", str(e)) from None


class AnalysisCache:
    """Keeps the last few :class:`PlanAnalysis` per (source, document, place).

    Reading a corpus through SPARQL and building its graphs costs far more than the analyses on the
    built graphs (benchmarks/ times both). The API keeps one cache on ``app.state``: a served store
    generation or graph file does not change while it is served, so its answers are kept until
    evicted (``ttl=None``); over a remote store that others update, ``ttl`` seconds bound how stale
    an answer can be. Requests for a scope being read wait for that one reading instead of each
    starting their own (at 1,000 plans a reading takes over a minute).
    """

    def __init__(self, *, ttl: float | None = 300.0, size: int = 8) -> None:
        self.ttl, self.size = ttl, size
        self._entries: dict[tuple[int, str | None, str | None], tuple[Any, float, PlanAnalysis]] = {}
        self._building: dict[tuple[int, str | None, str | None], threading.Lock] = {}
        self._lock = threading.Lock()

    def _fresh(self, key: tuple[int, str | None, str | None], source: Any) -> PlanAnalysis | None:
        hit = self._entries.get(key)
        if hit is not None and hit[0] is source and (self.ttl is None or time.monotonic() - hit[1] < self.ttl):
            return hit[2]
        return None

    def get(self, source: Any, *, doc: str | None = None, place: str | None = None,
            read: Any = None) -> PlanAnalysis:
        """Return the analysis of ``source`` (and ``doc`` or ``place``), reading it again when missing or
        stale: by ``read()`` when given (the warm-up hands over what it read), else from the source."""
        key = (id(source), doc, place)
        with self._lock:
            if (pa := self._fresh(key, source)) is not None:
                return pa
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one reading per scope; other scopes need not wait
            with self._lock:
                if (pa := self._fresh(key, source)) is not None:
                    return pa
            pa = read() if read is not None else PlanAnalysis.from_source(source, doc=doc, place=place)
            with self._lock:
                self._entries[key] = (source, time.monotonic(), pa)
                self._building.pop(key, None)
                while len(self._entries) > self.size:
                    self._entries.pop(min(self._entries, key=lambda k: self._entries[k][1]))
        return pa


def workload_report(pa: PlanAnalysis) -> list[dict[str, Any]]:
    """Per organisation: tasks led and supported, by domain and by deadline month."""
    return pa._get("workload", lambda: workload.organization_workload(pa.B))


def crunch_report(pa: PlanAnalysis, *, days: int = EARLY_DAYS, min_tasks: int = BUSY_TASKS) -> dict[str, Any]:
    """The organisation × month matrix, crunch months, busy organisation-months and early deadlines."""
    matrix = pa._get("crunch_matrix", lambda: deadlines.crunch_matrix(pa.B))
    return {
        "months": deadlines.crunch_months(pa.B),
        "matrix": matrix,
        "busy": deadlines.crunch_cells(matrix, min_tasks=min_tasks),
        "early_deadlines": deadlines.early_deadlines(pa.B, days=days),
        "early_days": days, "min_tasks": min_tasks,
    }


def status_report(pa: PlanAnalysis, *, as_of: date | None = None, days: int = YELLOW_DAYS) -> dict[str, Any]:
    """Each task's traffic light on ``as_of`` (default today) and the lights per organisation."""
    as_of = as_of or date.today()
    rows = deadlines.task_status(pa.B, as_of=as_of, days=days)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in deadlines.STATUSES}
    return {"as_of": as_of.isoformat(), "days": days, "counts": counts, "tasks": rows,
            "organizations": deadlines.status_by_organization(pa.B, rows)}


def network_report(pa: PlanAnalysis, *, ego: str | None = None, hops: int = 1) -> dict[str, Any]:
    """Centrality, bridges, cores and communities; or the ego network of one organisation."""
    if ego:
        if hops not in (1, 2):
            raise QueryParameterError("network", "hops", "must be 1 or 2")
        org = pa.organization(ego, analysis="network")
        return network.ego_records(network.ego_network(pa.G, org, hops=hops), org) | {"hops": hops}
    return pa.measures


def impact_report(pa: PlanAnalysis, org: str) -> dict[str, Any]:
    """What a delay of ``org`` (name, alias or IRI) would hold up."""
    return slip_impact(pa.B, pa.D, pa.organization(org, analysis="impact"))


def bottlenecks_report(pa: PlanAnalysis, *, top: int | None = None) -> list[dict[str, Any]]:
    """Organisations ranked by load × crunch × brokerage × dependence, each with its reasons."""
    if pa.sums is not None:
        # The full measures when the network report made them already; else only the two it needs.
        bridges = pa._cache.get("measures") or pa._get("bridges", lambda: corpus.bridge_measures(pa.G, seed=pa.seed))
        ranked = pa._get("bottlenecks", lambda: corpus.bottlenecks_from_sums(pa.G, corpus.due_months(pa.sums),
                                                                             bridges))
    else:
        ranked = pa._get("bottlenecks", lambda: _bottlenecks.bottleneck_report(pa.B, pa.D, pa.measures))
    return ranked[:top] if top else ranked


def collaboration_report(pa: PlanAnalysis) -> dict[str, Any]:
    """The collaboration graph as node-link JSON (label = canonical name, weight = shared tasks)."""
    if pa.sums is None:
        return node_link(pa.G, pa.B)
    # From the stored sums: no task lists on the edges, no deadline span on the nodes; it says so.
    out = node_link(pa.G)
    for link in out["links"]:
        link.pop("tasks", None)
    return out | {"graph": {"computed_from": pa.computed_from}}


def writeback_report(pa: PlanAnalysis, *, as_of: date | None = None, days: int = YELLOW_DAYS) -> Graph:
    """Every result as RDF (see :mod:`queries.analysis.writeback`), as of ``as_of`` (default today)."""
    as_of = as_of or date.today()
    return results_graph(pa.B, as_of=as_of, workload=workload_report(pa), measures=pa.measures,
                         bottlenecks=bottlenecks_report(pa),
                         statuses=deadlines.task_status(pa.B, as_of=as_of, days=days))
