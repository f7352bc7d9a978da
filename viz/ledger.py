"""The ledger (台账) as a page: one row per task, filters, sort, and traffic lights for an as-of date.

The columns are the saved query ``ledger`` (the same rows as the CSV/XLSX downloads); who takes
part in which role and each task's light on the as-of date come from the analysis
(:func:`queries.analysis.deadlines.task_status`), so the page and ``policykg analyze`` agree.
Filtering and sorting run in the page (viz/static/pk-ledger.js) and keep their state in the
address; the as-of date is a form field that reloads the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import quote

from viz.links import href_for
from viz.pages import SERVER_LINKS, page_html

LIGHTS = {
    "red": ("已过时限", "deadline passed"), "yellow": ("临近时限", "deadline near"),
    "green": ("时限未到", "deadline ahead"), "open": ("无固定时限", "no fixed date"),
}


def ledger_plans(source: Any, *, place: str | None = None) -> list[dict[str, Any]]:
    """Return the plans in scope (all, or one place's) in 文号 order: IRI, 文号 and title, for the chooser."""
    from queries.library import run_query

    rows = run_query(source, "documents", place=place)
    return [{"doc": r["doc"], "identifier": r["identifier"] or "", "title": r["title"] or ""}
            for r in sorted(rows, key=lambda r: (r["identifier"] or "", r["doc"]))]


def ledger_payload(source: Any, *, as_of: date, days: int = 30, doc: str | None = None) -> dict[str, Any]:
    """Return the page's data: rows (one per task, in document order), organisations, domains, months.

    ``doc``: only this plan's tasks (the page of a corpus shows one plan at a time).
    """
    from queries.analysis.deadlines import task_status
    from queries.analysis.fetch import plan_graph
    from queries.analysis.graphs import participants
    from queries.ledger import ledger_rows
    from viz.names import english_names_of

    B = plan_graph(source, doc=doc)
    lights = {r["id"]: r for r in task_status(B, as_of=as_of, days=days)}
    names_en = english_names_of(source)
    orgs: dict[str, dict[str, str]] = {}
    domains: dict[str, dict[str, Any]] = {}
    rows = []
    for r in ledger_rows(source, doc=doc):
        t = r["task"]
        roles = participants(B, t) if t in B else {}
        for o in roles:
            name = B.nodes[o].get("label") or o
            orgs.setdefault(o, {"zh": name, "en": names_en.get(o) or name, "href": href_for(o)})
        dom = B.nodes[t].get("domain") if t in B else None
        if dom and dom not in domains:
            domains[dom] = {"id": dom, "n": r.get("domain_number"), "label": r.get("domain") or "",
                            "doc": r.get("document") or ""}
        light = lights.get(t, {})
        dates = [d for d in (r.get("deadline_dates") or "").split("、") if d]
        rows.append({
            "task": t, "href": href_for(t), "number": r["number"], "document": r.get("document") or "",
            "domain": dom, "domainLabel": r.get("domain") or "", "title": r.get("title") or "",
            "lead": [o for o, role in roles.items() if role == "lead"],
            "responsible": [o for o, role in roles.items() if role == "responsible"],
            "deadlines": r.get("deadlines") or "", "dates": dates, "months": sorted({d[:7] for d in dates}),
            "references": r.get("references") or "", "targets": r.get("targets") or "",
            "preconditions": r.get("preconditions") or "", "higher": bool(r.get("follows_higher_deployment")),
            "status": light.get("status", "open"), "next": light.get("next_deadline"), "daysLeft": light.get("days_left"),
        })
    months = sorted({m for r in rows for m in r["months"]})
    several = len({r["document"] for r in rows}) > 1
    return {"rows": rows, "orgs": orgs, "domains": list(domains.values()), "months": months, "severalDocs": several,
            "asOf": as_of.isoformat(), "days": days, "lights": {k: {"zh": zh, "en": en} for k, (zh, en) in LIGHTS.items()}}


def ledger_page(source: Any, *, as_of: date, doc: str | None = None, place: str | None = None,
                links: Mapping[str, str] = SERVER_LINKS) -> str:
    """Return the ledger page of ``source`` with the lights of ``as_of``.

    With several plans in scope (all, or ``place``'s) the page shows one plan, ``doc`` or the first
    in 文号 order, with a chooser of the others: a county's ledger is what an analyst keeps, and a
    thousand plans' tasks in one page would take minutes to read and a browser long to draw. The
    downloads hold every plan in scope.
    """
    plans = ledger_plans(source, place=place) if doc is None else []
    if len(plans) > 1:
        doc = plans[0]["doc"]
    elif doc is not None:
        plans = ledger_plans(source, place=place)
    payload = ledger_payload(source, as_of=as_of, doc=doc)
    base = links.get("ledger", "/ledger")
    scope = f"&place={quote(place, safe='')}" if place else ""
    downloads = [(f"{base}?format={fmt}{scope}", name)
                 for fmt, name in (("xlsx", "Excel (.xlsx)"), ("csv", "CSV"), ("json", "JSON"))]
    return page_html(title=("任务台账", "Task ledger"), current="ledger", links=links, template="ledger.html",
                     data=payload, scripts=("pk-ledger.js",), downloads=downloads, as_of=payload["asOf"],
                     count=len(payload["rows"]), lights=LIGHTS, plans=plans if len(plans) > 1 else [], doc=doc,
                     place=place)
