"""The deadline calendar's rows per month over the corpus, kept so the calendar pages by lookup.

The calendar (queries/sparql/deadline_calendar.rq) lists, month by month, each organisation with
tasks falling due (one row per organisation and name) from the plans' pk:MonthTally nodes; a page
asks only the months it spans, but must first know how many rows each month has. Counting them
groups every plan's organisation-month tallies (76,000 at 1,000 plans: seconds). The build keeps
the count per month as one pk:MonthRollup per month in the derived graph (kg.vocab.DERIVED_GRAPH);
``policykg add`` and ``remove`` change a month's count by the organisations of that plan that no
other plan names in that month — a look at the other tallies of those organisations only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from rdflib.namespace import RDF, XSD

from kg.aggregates import _checked_iri, _rows
from kg.iri import iri_for
from kg.namespace import PK
from kg.vocab import DERIVED_GRAPH

# One row of the calendar: an organisation's tallies of a month (those with a lead count: a plan's
# own month tally has none) and each name it has. ?doc bound (VALUES) for one plan.
_ROWS = """SELECT DISTINCT ?org ?month ?name WHERE {
  ?t pk:tallyMonth ?month ; pk:tallyOf ?org ; pk:leadTaskCount ?l ; prov:wasDerivedFrom ?doc . ?org skos:prefLabel ?name .
}"""


def month_rows(source: Any, doc: str | None = None) -> Counter[str]:
    """Return the calendar's rows per month (of every plan in ``source``, or of the plan ``doc`` alone)."""
    return Counter(month for _, month, _ in _rows(source, _ROWS, doc))


def month_node(month: str) -> str:
    """The IRI of the rollup of ``month`` (2023-11): …/id/rollup/month/2023-11."""
    return str(iri_for("rollup", "month", month))


def month_lines(month: str, rows: int) -> list[str]:
    """The N-Triples statements (without their final " .") of a month's rollup."""
    node = f"<{month_node(month)}>"
    return [f"{node} <{RDF.type}> <{PK.MonthRollup}>", f'{node} <{PK.rollupMonth}> "{month}"',
            f'{node} <{PK.rollupRows}> "{int(rows)}"^^<{XSD.integer}>']


def apply_plan_month_rows(store: Any, doc: str, sign: int) -> tuple[int, int]:
    """Add (``sign`` 1) or take away (-1) the calendar rows the plan ``doc`` alone brings to the month
    rollups of a pyoxigraph ``store`` holding the plan; return how many months changed, and by how
    many triples the store grew."""
    import pyoxigraph as ox

    names: dict[tuple[str, str], set[str]] = defaultdict(set)
    for org, month, name in _rows(store, _ROWS, doc):
        names[org, month].add(name)
    shared = _named_elsewhere(store, doc, names)
    delta: Counter[str] = Counter()
    for (org, month), named in names.items():
        if (org, month) not in shared:
            delta[month] += sign * len(named)
    graph, rows_p = ox.NamedNode(str(DERIVED_GRAPH)), str(PK.rollupRows)
    grown = 0
    for month, change in delta.items():
        node = ox.NamedNode(month_node(month))
        old = list(store.quads_for_pattern(node, None, None, graph))
        rows = next((int(q.object.value) for q in old if q.predicate.value == rows_p), 0) + change
        for q in old:
            store.remove(q)
        lines = month_lines(month, rows) if rows > 0 else []
        store.load("".join(f"{line} <{DERIVED_GRAPH}> .\n" for line in lines).encode("utf-8"),
                   format=ox.RdfFormat.N_QUADS)
        grown += len(lines) - len(old)
    return len(delta), grown


def _named_elsewhere(store: Any, doc: str, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (organisation, month) ``pairs`` that a plan other than ``doc`` has a tally of: one query,
    each pair looked up by its organisation (a few plans' tallies), not the corpus's months."""
    from kg.graph import PREFIXES

    rows = " ".join(f'(<{_checked_iri(org)}> "{_escaped(month)}")' for org, month in pairs)
    if not rows:
        return set()
    text = (f"SELECT DISTINCT ?org ?month WHERE {{ VALUES (?org ?month) {{ {rows} }} GRAPH ?g {{ ?t pk:tallyOf ?org ; "
            f"pk:tallyMonth ?month ; pk:leadTaskCount ?l }} FILTER(?g != <{_checked_iri(doc)}>) }}")
    return {(r["org"].value, r["month"].value) for r in store.query(text, prefixes=PREFIXES)}


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def needs_month_rows(source: Any) -> bool:
    """True when ``source`` has organisation-month tallies but no month rollup (built before them)."""
    from kg.graph import PREFIXES

    # Two questions, not one with FILTER NOT EXISTS, which tests every organisation-month tally of a
    # store that has month rollups (76,000 at 1,000 plans) before `serve` answers.
    def has(pattern: str) -> bool:
        return bool(source.query(f"ASK {{ {pattern} }}", initNs=PREFIXES).askAnswer)

    return has("?t pk:tallyMonth ?m ; pk:leadTaskCount ?l") and not has("?r a pk:MonthRollup")


def add_missing_month_rows(store: Any) -> int:
    """Count the month rollups of a pyoxigraph ``store`` built before them, once; return how many
    triples that wrote (0: it has them, or has no tally to count)."""
    import pyoxigraph as ox

    typed = ox.NamedNode(str(RDF.type))
    if next(store.quads_for_pattern(None, typed, ox.NamedNode(str(PK.MonthRollup))), None) is not None:
        return 0
    lines = [line for month, rows in sorted(month_rows(store).items()) for line in month_lines(month, rows)]
    store.load("".join(f"{line} <{DERIVED_GRAPH}> .\n" for line in lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return len(lines)
