"""The task ledger (台账): one row per task, produced by the saved query ``ledger`` over the graph.

Built from SPARQL rather than from the parser's objects, so the ledger proves what the graph holds.
A corpus's ledger is read plan by plan (:func:`iter_ledger_rows`), so an export streams rows as
they come and never asks the store to sort every task of the corpus at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from queries.library import run_query

# Column order and the Chinese headers an analyst's Excel ledger uses.
LEDGER_COLUMNS = [
    "number", "domain", "title", "lead_units", "responsible_units", "deadlines", "deadline_dates",
    "references", "targets", "follows_higher_deployment", "preconditions", "document",
]
LEDGER_HEADERS = {
    "number": "序号",
    "domain": "领域",
    "title": "任务",
    "lead_units": "牵头单位",
    "responsible_units": "责任单位",
    "deadlines": "完成时限",
    "deadline_dates": "时限日期",
    "references": "引用文件",
    "targets": "量化指标",
    "follows_higher_deployment": "根据上级部署",
    "preconditions": "前置条件",
    "document": "文号",
}


def ledger_rows(source: Any, *, doc: str | None = None, place: str | None = None) -> list[dict[str, Any]]:
    """Return the ledger rows of every task (or of one document's, or one place's), in document order."""
    return list(iter_ledger_rows(source, doc=doc, place=place))


def iter_ledger_rows(source: Any, *, doc: str | None = None, place: str | None = None) -> Iterator[dict[str, Any]]:
    """Yield the ledger rows plan by plan (in 文号 order), each plan's tasks in number order."""
    plans = [doc] if doc else [r["doc"] for r in sorted(run_query(source, "documents", place=place),
                                                       key=lambda r: (r["identifier"] or "", r["doc"]))]
    for plan in plans:
        for r in run_query(source, "ledger", doc=plan):
            if r.get("domain_number") is not None and r.get("domain"):
                r["domain"] = f"（{r['domain_number']}）{r['domain']}"
            yield r
