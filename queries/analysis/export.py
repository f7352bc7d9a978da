"""Write the collaboration graph for other tools: GraphML, GEXF (Gephi, with deadlines as time) or
JSON node-link, chosen by the file's extension.

Every node's ``label`` is the organisation's canonical name and every edge's ``weight`` the number
of tasks the pair shares. GraphML and GEXF hold only plain values, so lists (task numbers) are
written joined with commas. In GEXF each node and edge lives from the first to the last deadline
of its tasks (``start``/``end``), and a dynamic ``due`` attribute holds how many of its tasks fall
due in each month, so Gephi's timeline shows the deadline load moving through the year.
"""

from __future__ import annotations

import calendar
import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KGError
from queries.analysis.workload import deadline_months

FORMATS = {".graphml": "graphml", ".gexf": "gexf", ".json": "json"}


class ExportFormatError(KGError):
    """The output file's extension names no graph format policykg writes."""


def _month_span(month: str) -> tuple[str, str]:
    y, m = int(month[:4]), int(month[5:7])
    return f"{month}-01", f"{month}-{calendar.monthrange(y, m)[1]:02d}"


def export_graph(G: nx.Graph, B: nx.Graph | None = None, *, dynamic: bool = False) -> nx.Graph:
    """Return a copy of the collaboration graph ``G`` with only plain attribute values.

    Args:
        G: a graph from :func:`queries.analysis.graphs.collaboration_graph` (not modified).
        B: its task–organisation graph; with it, nodes and edges get deadline attributes.
        dynamic: also add GEXF time attributes (``start``, ``end``, dynamic ``due``).

    Example:
        >>> from queries.analysis.graphs import task_org_graph, collaboration_graph
        >>> B = task_org_graph([{"task": "t1", "number": 1}, {"task": "t2", "number": 2}], [
        ...     {"task": "t1", "org": "A", "role": "lead"}, {"task": "t1", "org": "B", "role": "responsible"},
        ...     {"task": "t2", "org": "A", "role": "lead"}, {"task": "t2", "org": "B", "role": "lead"}],
        ...     [{"org": "A", "label": "县财政局"}, {"org": "B", "label": "县税务局"}],
        ...     deadlines=[{"task": "t1", "date": "2023-09-30"}, {"task": "t2", "date": "2023-11-30"}])
        >>> H = export_graph(collaboration_graph(B), B)
        >>> H.nodes["A"]["label"], H.edges["A", "B"]["weight"], H.edges["A", "B"]["tasks"], H.nodes["A"]["first_deadline"]
        ('县财政局', 2, '1,2', '2023-09-30')
    """
    H = nx.Graph()
    months_of: dict[Any, Counter[str]] = {}
    if B is not None:
        for v in G:
            months_of[v] = Counter(m for t in B[v] if B.nodes[t].get("kind") == "task"
                                   and set(B.edges[t, v]["roles"]) & {"lead", "responsible"}
                                   for m in deadline_months(B, t))
    for v, a in G.nodes(data=True):
        attrs = {"label": a.get("label") or str(v), "iri": str(v), "collective": bool(a.get("collective")),
                 "org_class": a.get("org_class") or "", "lead": int(a.get("lead", 0)),
                 "responsible": int(a.get("responsible", 0))}
        months = months_of.get(v)
        if months:
            first, last = _month_span(min(months))[0], _month_span(max(months))[1]
            dated = [d for t in B[v] if B.nodes[t].get("kind") == "task"
                     and set(B.edges[t, v]["roles"]) & {"lead", "responsible"}
                     for d, _, _ in B.nodes[t].get("deadlines", ()) if d]
            attrs.update(first_deadline=min(dated), last_deadline=max(dated))
            if dynamic:
                attrs.update(start=first, end=last,
                             due=[(n, *_month_span(m)) for m, n in sorted(months.items())])
        H.add_node(v, **attrs)
    for u, v, e in G.edges(data=True):
        attrs = {"weight": int(e.get("weight", 1)), "tasks": ",".join(str(t) for t in e.get("tasks", ())),
                 **{k: int(e.get(k, 0)) for k in ("lead_lead", "lead_responsible", "responsible_responsible")}}
        if B is not None:
            dated = sorted(d for t in e.get("task_ids", ()) for d, _, _ in B.nodes[t].get("deadlines", ()) if d)
            if dated:
                attrs.update(first_deadline=dated[0], last_deadline=dated[-1])
                if dynamic:
                    attrs.update(start=_month_span(dated[0][:7])[0], end=_month_span(dated[-1][:7])[1])
        H.add_edge(u, v, **attrs)
    return H


def node_link(G: nx.Graph, B: nx.Graph | None = None) -> dict[str, Any]:
    """Return the collaboration graph as node-link JSON data (``nodes`` and ``links``)."""
    return nx.node_link_data(export_graph(G, B), edges="links")


def write_collaboration(G: nx.Graph, path: str | Path, B: nx.Graph | None = None) -> Path:
    """Write the collaboration graph to ``path`` in the format its extension names, atomically.

    Raises:
        ExportFormatError: the extension is not .graphml, .gexf or .json.
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ExportFormatError(f"{path}: unknown graph format (use {', '.join(FORMATS)})")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        if fmt == "graphml":
            nx.write_graphml(export_graph(G, B), tmp, encoding="utf-8")
        elif fmt == "gexf":
            H = export_graph(G, B, dynamic=True)
            H.graph["mode"] = "dynamic"
            nx.write_gexf(H, tmp, encoding="utf-8")
        else:
            Path(tmp).write_text(json.dumps(node_link(G, B), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
