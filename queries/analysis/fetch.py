"""Read what the analyses need from the knowledge graph, only through saved SPARQL queries.

Every read goes through :func:`queries.library.run_query` and the ``analysis_*.rq`` files, so the
same code works on a local graph and on a remote SPARQL store; nothing here walks triples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from queries.analysis.graphs import task_org_graph
from queries.library import run_query

QUERIES = {
    "tasks": "analysis_tasks",
    "units": "analysis_task_units",
    "organizations": "analysis_organizations",
    "deadlines": "analysis_deadlines",
    "waits": "analysis_task_waits",
    "documents": "analysis_documents",
}


@dataclass(frozen=True)
class PlanRows:
    """The rows of each ``analysis_*`` query, as plain dicts."""

    tasks: list[dict[str, Any]]
    units: list[dict[str, Any]]
    organizations: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    waits: list[dict[str, Any]]
    documents: list[dict[str, Any]]


def fetch_plan_rows(source: Any, *, doc: str | None = None) -> PlanRows:
    """Run the analysis queries on ``source`` (a graph or a remote store), for one document or all.

    Raises:
        QueryParameterError: ``doc`` is not an absolute IRI.
    """
    params = {"doc": doc} if doc else {}
    return PlanRows(**{field: run_query(source, name, **params) for field, name in QUERIES.items()})


def plan_graph(source: Any, *, doc: str | None = None) -> nx.Graph:
    """Return the task–organisation graph of the plans in ``source`` (see :func:`task_org_graph`)."""
    rows = fetch_plan_rows(source, doc=doc)
    return task_org_graph(rows.tasks, rows.units, rows.organizations, rows.deadlines, rows.waits, rows.documents)
