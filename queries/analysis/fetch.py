"""Read what the analyses need from the knowledge graph, only through saved SPARQL queries.

Every read goes through :mod:`queries.library` and the ``analysis_*.rq`` files, so the same code
works on a local graph and on a remote SPARQL store; nothing here walks triples.

The analysis reads flat lists (``analysis_tasks``, ``analysis_domains``, ``analysis_units``,
``analysis_deadlines``, ``analysis_waits``: one row per task, domain coordinator, unit, deadline,
wait), each unsorted (:func:`queries.library.run_unsorted`), and puts them in plan order here: a
store sorts a corpus's IRIs, or groups them into packed lists, far more slowly than it lists them
(1,000 plans, busy machine: ``analysis_task_table``'s packed rows, sorted, 176 s; these five lists
unsorted, 60 s). The rows are sorted in Python so the graphs, and so every answer, do not depend on
the order a store happens to return them in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx

from queries.analysis.graphs import task_org_graph
from queries.library import run_query, run_unsorted


@dataclass(frozen=True)
class PlanRows:
    """The analysis input as plain rows (see :func:`queries.analysis.graphs.task_org_graph`)."""

    tasks: list[dict[str, Any]]
    units: list[dict[str, Any]]
    organizations: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    waits: list[dict[str, Any]]
    documents: list[dict[str, Any]]


def _text(v: Any) -> str:
    return "" if v is None else str(v)


def in_plan_order(tasks: list[dict[str, Any]], units: list[dict[str, Any]], deadlines: list[dict[str, Any]],
                  waits: list[dict[str, Any]]) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """Return the rows sorted as the saved questions order them: tasks by 文号 and number, the rest
    by their task's place in that order and then by their own columns.

    Example:
        >>> tasks, units, _, _ = in_plan_order(
        ...     [{"task": "b", "document": "D", "number": 2}, {"task": "a", "document": "D", "number": 1}],
        ...     [{"task": "b", "role": "lead", "org": "o"}, {"task": "a", "role": "responsible", "org": "p"},
        ...      {"task": "a", "role": "lead", "org": "q"}], [], [])
        >>> [t["task"] for t in tasks], [(u["task"], u["org"]) for u in units]
        (['a', 'b'], [('a', 'q'), ('a', 'p'), ('b', 'o')])
    """
    tasks = sorted(tasks, key=lambda t: (_text(t.get("document")), t.get("number") is None,
                                         t.get("number") if isinstance(t.get("number"), int) else 0,
                                         _text(t.get("number")), _text(t["task"])))
    at = {t["task"]: i for i, t in enumerate(tasks)}
    last = len(at)

    def by(*cols: str) -> Any:
        return lambda r: (at.get(r["task"], last), _text(r["task"]), *(_text(r.get(c)) for c in cols))

    return (tasks, sorted(units, key=by("role", "org")), sorted(deadlines, key=by("date", "label", "kind")),
            sorted(waits, key=by("wait", "level", "kind", "label")))


def with_domains(tasks: list[dict[str, Any]], units: list[dict[str, Any]],
                 domains: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the task rows with their domain's ``domain_number`` and ``domain_label``, and the unit
    rows with a ``domain_lead`` row for each coordinator of each task's domain (``analysis_domains``
    rows: ``domain``, ``number``, ``label``, ``lead``).

    Example:
        >>> tasks, units = with_domains([{"task": "t1", "domain": "d1"}], [],
        ...     [{"domain": "d1", "number": 1, "label": "开办企业", "lead": "o1"}])
        >>> tasks[0]["domain_label"], units
        ('开办企业', [{'task': 't1', 'role': 'domain_lead', 'org': 'o1'}])
    """
    facts: dict[str, dict[str, Any]] = {}
    for r in domains:
        d = facts.setdefault(r["domain"], {"number": None, "label": None, "leads": set()})
        d["number"] = d["number"] if d["number"] is not None else r.get("number")
        # Of several names, the first in code-point order: the same whatever order the store lists them in.
        if r.get("label") is not None and (d["label"] is None or str(r["label"]) < d["label"]):
            d["label"] = str(r["label"])
        if r.get("lead"):
            d["leads"].add(r["lead"])
    out, extra = [], []
    for t in tasks:
        d = facts.get(t.get("domain"))
        out.append({**t, "domain_number": d["number"] if d else None, "domain_label": d["label"] if d else None})
        extra += [{"task": t["task"], "role": "domain_lead", "org": o} for o in sorted(d["leads"])] if d else []
    return out, units + extra


def fetch_plan_rows(source: Any, *, doc: str | None = None, place: str | None = None) -> PlanRows:
    """Run the analysis queries on ``source`` (a graph or a remote store), for one document, the
    plans of one place (a division and those below it), or all.

    Raises:
        QueryParameterError: ``doc`` or ``place`` is not an absolute IRI.
    """
    params = {"doc": doc, "place": place}
    tasks, units = with_domains(run_unsorted(source, "analysis_tasks", **params),
                                run_unsorted(source, "analysis_units", **params),
                                run_unsorted(source, "analysis_domains", **params))
    tasks, units, deadlines, waits = in_plan_order(
        tasks, units, run_unsorted(source, "analysis_deadlines", **params),
        run_unsorted(source, "analysis_waits", **params))
    return PlanRows(tasks=tasks, units=units, deadlines=deadlines, waits=waits,
                    organizations=run_query(source, "analysis_organizations", **params),
                    documents=run_query(source, "analysis_documents", doc=doc, within=place))


def fetch_task_texts(source: Any, *, doc: str | None = None, place: str | None = None) -> dict[str, str]:
    """Return each task's body text by task IRI (read only for the dependency graph's text order)."""
    return {r["task"]: r["text"] or "" for r in run_unsorted(source, "analysis_task_texts", doc=doc, place=place)}


def fetch_task_systems(source: Any, *, doc: str | None = None, place: str | None = None) -> list[dict[str, Any]]:
    """Return one row per task and system it names (``task``, ``doc``, ``system``, ``name``), for the dependency graph."""
    rows = run_unsorted(source, "analysis_task_systems", doc=doc, place=place)
    return sorted(rows, key=lambda r: (_text(r.get("document")), r.get("number") or 0, _text(r["task"]),
                                       _text(r["system"])))


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
