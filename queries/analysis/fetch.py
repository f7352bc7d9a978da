"""Read what the analyses need from the knowledge graph, only through saved SPARQL queries.

Every read goes through :func:`queries.library.run_query` and the ``analysis_*.rq`` files, so the
same code works on a local graph and on a remote SPARQL store; nothing here walks triples.

``analysis_task_table`` packs each task's units, deadlines and waits into one row (see its header):
a corpus is read in one pass with a few cells per task, which is several times faster than a row
per unit (measured in benchmarks/analysis_scale.py). This module unpacks the rows into the plain
shapes :func:`queries.analysis.graphs.task_org_graph` takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from queries.analysis.graphs import task_org_graph
from queries.library import run_query


@dataclass(frozen=True)
class PlanRows:
    """The analysis input as plain rows (see :func:`queries.analysis.graphs.task_org_graph`)."""

    tasks: list[dict[str, Any]]
    units: list[dict[str, Any]]
    organizations: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    waits: list[dict[str, Any]]
    documents: list[dict[str, Any]]


def unpack_task_rows(rows: list[dict[str, Any]]) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """Return (tasks, units, deadlines, waits) rows from ``analysis_task_table`` rows.

    Example:
        >>> tasks, units, deadlines, waits = unpack_task_rows([{
        ...     "task": "t1", "number": 1, "units": "lead=o1 responsible=o2",
        ...     "deadlines": "2023-09-30\\t9月底前\\tmonth_end", "waits": "w\\tdeployment\\t根据省统一部署\\tpk#ProvinceLevel"}])
        >>> units, deadlines[0]["date"], waits[0]["level"]
        ([{'task': 't1', 'role': 'lead', 'org': 'o1'}, {'task': 't1', 'role': 'responsible', 'org': 'o2'}], '2023-09-30', 'pk#ProvinceLevel')
    """
    tasks, units, deadlines, waits = [], [], [], []
    for r in rows:
        t = r["task"]
        tasks.append({k: v for k, v in r.items() if k not in ("units", "deadlines", "waits")})
        for item in (r.get("units") or "").split():
            role, _, org = item.partition("=")
            units.append({"task": t, "role": role, "org": org})
        for line in (r.get("deadlines") or "").split("\n"):
            if line:
                d, label, kind = (line.split("\t") + ["", ""])[:3]
                deadlines.append({"task": t, "date": d or None, "label": label, "kind": kind})
        for line in (r.get("waits") or "").split("\n"):
            if line:
                w, kind, label, level = (line.split("\t") + ["", "", ""])[:4]
                waits.append({"task": t, "wait": w, "kind": kind, "label": label, "level": level or None})
    return tasks, units, deadlines, waits


def fetch_plan_rows(source: Any, *, doc: str | None = None, place: str | None = None) -> PlanRows:
    """Run the analysis queries on ``source`` (a graph or a remote store), for one document, the
    plans of one place (a division and those below it), or all.

    Raises:
        QueryParameterError: ``doc`` or ``place`` is not an absolute IRI.
    """
    params = {"doc": doc, "place": place}
    tasks, units, deadlines, waits = unpack_task_rows(run_query(source, "analysis_task_table", **params))
    return PlanRows(tasks=tasks, units=units, deadlines=deadlines, waits=waits,
                    organizations=run_query(source, "analysis_organizations", **params),
                    documents=run_query(source, "analysis_documents", doc=doc, within=place))


def fetch_task_texts(source: Any, *, doc: str | None = None, place: str | None = None) -> dict[str, str]:
    """Return each task's body text by task IRI (read only for the dependency graph's text order)."""
    return {r["task"]: r["text"] or "" for r in run_query(source, "analysis_task_texts", doc=doc, place=place)}


def fetch_task_systems(source: Any, *, doc: str | None = None, place: str | None = None) -> list[dict[str, Any]]:
    """Return one row per task and system it names (``task``, ``doc``, ``system``, ``name``), for the dependency graph."""
    return run_query(source, "analysis_task_systems", doc=doc, place=place)


def plan_graph(source: Any, *, doc: str | None = None, place: str | None = None, texts: bool = False) -> nx.Graph:
    """Return the task–organisation graph of the plans in ``source`` (see :func:`task_org_graph`).

    With ``texts``, task nodes also get their body ``text`` (needed by the dependency graph).
    """
    rows = fetch_plan_rows(source, doc=doc, place=place)
    task_rows = rows.tasks
    if texts:
        body = fetch_task_texts(source, doc=doc, place=place)
        task_rows = [{**t, "text": body.get(t["task"], "")} for t in task_rows]
    return task_org_graph(task_rows, rows.units, rows.organizations, rows.deadlines, rows.waits, rows.documents)
