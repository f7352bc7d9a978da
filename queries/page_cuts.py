"""How a page of a long saved question is cut without sorting its whole answer.

:func:`queries.library.run_page` asks a question for one page; most questions choose the page
inside the query (LIMIT/OFFSET on a sorted sub-select). At 1,000 plans sorting every row for 50
is what costs, so a question whose header says so is cut first by what the store knows without
sorting: by plan (each plan's rows from its tally, ``# page: N by plan``), by month (``by month``)
or by a count the build keeps (``by ?var``); then only the page's plans, months or counts are asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef

from kg.namespace import PK
from queries.library import Page, _clause, _page_rows, _plain, select
from queries.paging import count_by_plan_query, page_keys_query, plans_only
from queries.query_files import NamedQuery

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.remote_store import RemoteStore

# A list paged by plan is read from its own rows, filtered to the page's plans, when the store holds
# fewer than this many of its rows per task of those plans; else from the plans, whose every node
# (about 7.5 per task) is read. Measured on Oxigraph 0.5: analysis_domains' first page at 1,000
# plans (13,500 rows, 8,600 tasks in the page's 74 plans) took 1.0 s from the plans and 0.23 s from
# its rows; tasks_with_targets' at 100 (2,380 rows, 700 tasks in 6 plans) 60 ms from the plans and
# 135 ms from its rows (a target row joins four patterns).
SPARSE_ROWS_PER_TASK = 2


def page_by_plan(g: Graph | RemoteStore, q: NamedQuery, text: str, bindings: Mapping[str, URIRef | Literal],
                 params: Mapping[str, Any], *, limit: int, offset: int) -> Page | None:
    """Return one page of a question paged by plan, cut from its plans' sizes (None: no plan in scope)."""
    from queries.document_pages import plan_sizes, tally_rows, windows

    clause = _clause(text)
    sizes = plan_sizes(g, place=params.get("place"), doc=params.get(q.plan_param))
    if not sizes:
        return None
    tasks, in_store = {p.doc: p.rows for p in sizes}, None
    if q.by_plan != "tasks":  # rows are not tasks: each plan's from its tally, or counted
        counts = tally_rows(g, q.plan_rows, sizes) if q.plan_rows and set(bindings) <= {q.plan_param, "place"} else None
        if counts is None:  # one unsorted query (a filter the tally cannot know, or an older store)
            counts = {str(r["doc"]): int(r["rows"]) for r in _plain(*select(
                g, count_by_plan_query(text, clause, plan=q.plan_param, bindings=bindings)))}
        in_store = sum(counts.values())
        sizes = [replace(p, rows=counts.get(p.doc, 0)) for p in sizes]
    spans = list(windows(sizes, limit=limit, offset=offset))
    names: list[str] = []
    found: list[tuple[Any, ...]] = []
    if spans:  # one query for the page's plans, from where the page starts in the first
        keys_text = page_keys_query(text, clause, limit=sum(t for _, _, t in spans), offset=spans[0][1],
                                    bindings=bindings)
        # A sparse list (fewer rows in the store than the nodes of the page's plans) is read from its
        # rows and filtered to the plans; a dense one from the plans (see plans_only).
        sparse = (in_store is not None and len(spans) > 1
                  and in_store < SPARSE_ROWS_PER_TASK * sum(tasks[p.doc] for p, _, _ in spans))
        names, found = select(g, plans_only(keys_text, [URIRef(p.doc) for p, _, _ in spans], plan=q.plan_param,
                                            filtered=sparse))
    return Page(_page_rows(g, text, clause, names, found, bindings), sum(p.rows for p in sizes), limit, offset)


def page_by_month(g: Graph | RemoteStore, text: str, bindings: Mapping[str, URIRef | Literal], *,
                  limit: int, offset: int, rows: str = "") -> Page:
    """Return one page of a question in month order, each month it spans asked alone (as if given
    the month): a month's rows are sorted, not the whole answer's. Each month's rows are counted
    first, in one unsorted query that also gives the total — or, with no parameter given, read from
    the ``rows`` count of the month rollups the build keeps (kg.month_rollups)."""
    from queries.document_pages import PlanSize

    clause = _clause(text)
    if rows and not bindings:
        counted = _plain(*select(g, f"SELECT (?m AS ?doc) ?rows WHERE {{ ?r a <{PK.MonthRollup}> ; "
                                    f"<{PK.rollupMonth}> ?m ; <{rows}> ?rows }}"))
    else:
        counted = _plain(*select(g, count_by_plan_query(text, clause, plan="month", bindings=bindings)))
    months = sorted((PlanSize(str(r["doc"]), str(r["doc"]), int(r["rows"])) for r in counted if r["doc"] is not None),
                    key=lambda m: m.doc)
    return page_by_values(g, text, bindings, "month", [(Literal(m.doc), m.rows) for m in months],
                           limit=limit, offset=offset)


def page_by_count(g: Graph | RemoteStore, text: str, var: str, count: str, *, limit: int, offset: int) -> Page:
    """Return one page of a question in descending order of a count the build keeps (``count``, as
    ``?var``), each count it spans asked alone: the rows per count are read from the count alone."""
    counted = _plain(*select(g, f"SELECT ?n (COUNT(*) AS ?rows) WHERE {{ ?x <{count}> ?n }} GROUP BY ?n"))
    values = sorted(((int(r["n"]), int(r["rows"])) for r in counted if r["n"] is not None), reverse=True)
    return page_by_values(g, text, {}, var, [(Literal(n), rows) for n, rows in values], limit=limit, offset=offset)


def page_by_values(g: Graph | RemoteStore, text: str, bindings: Mapping[str, URIRef | Literal], var: str,
                   values: list[tuple[Literal, int]], *, limit: int, offset: int) -> Page:
    """Return the rows ``offset`` … ``offset + limit`` of a question whose rows come grouped by the
    value of ``?var``, in the order of ``values`` (each value with its rows), each value asked alone."""
    from queries.document_pages import PlanSize, windows

    clause = _clause(text)
    sizes = [PlanSize(str(i), str(value), rows) for i, (value, rows) in enumerate(values)]
    rows: list[dict[str, Any]] = []
    for size, start, take in windows(sizes, limit=limit, offset=offset):
        bound = {**bindings, var: values[int(size.doc)][0]}
        names, found = select(g, page_keys_query(text, clause, limit=take, offset=start, bindings=bound))
        rows += _page_rows(g, text, clause, names, found, bound)
    return Page(rows, sum(s.rows for s in sizes), limit, offset)
