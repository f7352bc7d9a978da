"""Pages of a list of tasks kept in plan order (文号, then task number), cut by plan first.

Sorting every task of a corpus to show 50 is what makes a first page slow at 1,000 plans (measured
in benchmarks/RESULTS.md): a store has no index in 文号 order. The plans' sizes are known without
reading their tasks (``plan_sizes``: one pk:DocumentTally per plan), so the plans a page spans, and
where it starts in the first of them, follow from a running sum; then each of those plans is asked
for its own slice, which its document filter keeps small. This is keyset paging on the plan, used by
:func:`queries.library.run_page` for questions paged ``by plan`` whose only filters are the
document and the place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rdflib import URIRef

from kg.store import kept
from queries.library import run_query


@dataclass(frozen=True)
class PlanSize:
    """One plan of the scope: its IRI, 文号 and how many rows it has in the list (its tasks)."""

    doc: str
    identifier: str
    rows: int


def plan_sizes(source: Any, *, place: str | None = None, doc: str | None = None) -> list[PlanSize]:
    """Return the plans in scope, in 文号 order, with their task counts (from their tallies)."""
    def read() -> tuple[PlanSize, ...]:
        rows = run_query(source, "plan_sizes", place=place, doc=doc)
        return tuple(PlanSize(r["doc"], r["identifier"] or "", int(r["tasks"] or 0)) for r in rows)

    return list(kept(source, ("plan_sizes", place, doc), read))


def windows(sizes: list[PlanSize], *, limit: int, offset: int) -> Iterator[tuple[PlanSize, int, int]]:
    """Yield (plan, offset within it, rows to take) for the rows ``offset`` … ``offset + limit``.

    Example:
        >>> sizes = [PlanSize("a", "A", 3), PlanSize("b", "B", 0), PlanSize("c", "C", 5)]
        >>> [(p.doc, o, n) for p, o, n in windows(sizes, limit=4, offset=2)]
        [('a', 2, 1), ('c', 0, 3)]
    """
    start, end, at = offset, offset + limit, 0
    for p in sizes:
        lo, hi = max(start, at), min(end, at + p.rows)
        if lo < hi:
            yield p, lo - at, hi - lo
        at += p.rows
        if at >= end:
            return


def tally_rows(source: Any, count: str, sizes: list[PlanSize]) -> dict[str, int] | None:
    """Return each plan's rows in a list as its tally keeps them (``count``: the IRI of a count of
    pk:DocumentTally, see kg/plan_rows.py), or None when a plan of ``sizes`` has no such count (a
    store built before the count was kept): then the caller counts the rows itself."""
    from kg.remote_store import sparql_term
    from queries.library import select, term_to_python

    one = sizes[0].doc if len(sizes) == 1 else None

    def read() -> dict[str, int]:
        plans = f"VALUES ?doc {{ {sparql_term(URIRef(one))} }} " if one else ""
        _, rows = select(source, f"SELECT ?doc ?rows WHERE {{ {plans}?tally pk:tallyOf ?doc ; "
                                 f"{sparql_term(URIRef(count))} ?rows . ?tally a pk:DocumentTally }}")
        return {str(term_to_python(d)): int(term_to_python(n)) for d, n in rows}

    counts = kept(source, ("tally_rows", count, one), read)
    return counts if all(p.doc in counts for p in sizes) else None
