"""Organisation pairs and due months summed over every plan, so a corpus's collaboration graph is read, not rebuilt.

The collaboration and bottleneck analysis of a whole corpus (queries.analysis) would otherwise read
every task's units and deadlines and project the task–organisation graph: at 1,000 plans about a
minute of reading before any analysis. Its organisation graph needs far less: for each pair of
organisations, the tasks both take part in and in which roles; for each organisation, its tasks due
per month. The build counts them once from the plans' units and deadlines and writes, in the
store's derived graph (kg.vocab.DERIVED_GRAPH, beside kg.bulk's co-assignments and kg.rollups'
rollups):

* one pk:OrganizationPairRollup per pair of organisations sharing a task as lead or responsible
  unit (a unit both lead and responsible for a task counts as lead, as the analysis counts it; a
  domain's coordinator is no participant, unlike kg.bulk's pk:CoAssignment, which counts every
  assignment): tasks shared, both lead, the first leads, the partner leads, both only responsible;
* one pk:OrganizationDueRollup per organisation with dated tasks: its tasks due per month, packed
  in one literal (``2023-06=4 2023-09=7``).

``policykg add`` and ``remove`` change them by the plan's own counts (:func:`apply_plan_org_pairs`),
in time that grows with the plan.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from typing import Any

from rdflib import URIRef
from rdflib.namespace import RDF, XSD

from kg.aggregates import _rows
from kg.iri import iri_for
from kg.namespace import PK
from kg.vocab import DERIVED_GRAPH, org_id

PAIR_CLASSES = (PK.OrganizationPairRollup, PK.OrganizationDueRollup)
# The counts of a pair, in order, and the properties they are written as.
PAIR_FIELDS = (PK.pairSharedTasks, PK.pairBothLead, PK.pairFirstLeads, PK.pairPartnerLeads, PK.pairBothResponsible)

# ?doc is bound (VALUES) for one plan; left free, every plan is read in one pass. The tasks are the
# analysis's (queries/sparql/analysis_tasks.rq): numbered, in a document with a 文号.
_UNITS = """SELECT ?task ?org ?role WHERE {
  ?task pk:taskNumber ?number ; pk:inDocument ?doc . ?doc dcterms:identifier ?document .
  { ?task pk:leadUnit ?org BIND("lead" AS ?role) } UNION { ?task pk:responsibleUnit ?org BIND("responsible" AS ?role) }
}"""
_DEADLINES = """SELECT ?task ?date WHERE {
  ?task pk:taskNumber ?number ; pk:inDocument ?doc ; pk:hasDeadline ?d . ?doc dcterms:identifier ?document .
  ?d time:inXSDDate ?date .
}"""

Pair = tuple[str, str]


def count_org_pairs(units: Iterable[tuple[str, str, str]], deadlines: Iterable[tuple[str, str]] = ()
                    ) -> tuple[dict[Pair, list[int]], dict[str, Counter[str]]]:
    """Return the pair counts and each organisation's tasks due per month from (task, org, role)
    and (task, ISO date) rows.

    A pair's key puts the organisation whose IRI sorts first first; its counts are tasks shared,
    both lead, the first leads, the partner leads, both only responsible.

    Example:
        >>> pairs, due = count_org_pairs([("t1", "a", "lead"), ("t1", "b", "responsible"), ("t1", "b", "lead"),
        ...     ("t2", "b", "lead"), ("t2", "a", "responsible")], [("t1", "2023-09-30"), ("t1", "2023-09-01")])
        >>> pairs[("a", "b")], dict(due["a"])
        ([2, 1, 0, 1, 0], {'2023-09': 1})
    """
    roles: dict[str, dict[str, str]] = defaultdict(dict)  # task → org → role (lead wins)
    for task, org, role in units:
        if roles[task].get(org) != "lead":
            roles[task][org] = role
    pairs: dict[Pair, list[int]] = {}
    for parts in roles.values():
        for a, b in combinations(sorted(parts), 2):
            c = pairs.setdefault((a, b), [0, 0, 0, 0, 0])
            ra, rb = parts[a], parts[b]
            c[0] += 1
            c[1 if ra == rb == "lead" else 4 if ra == rb else 2 if ra == "lead" else 3] += 1
    months: dict[str, set[str]] = defaultdict(set)
    for task, day in deadlines:
        if day:
            months[task].add(day[:7])
    due: dict[str, Counter[str]] = defaultdict(Counter)
    for task, ms in months.items():
        for org in roles.get(task, ()):
            due[org].update(ms)
    return pairs, due


def plan_org_pairs(source: Any, doc: str | None = None) -> tuple[dict[Pair, list[int]], dict[str, Counter[str]]]:
    """Return :func:`count_org_pairs` of every plan in ``source`` (a store or rdflib graph), or of ``doc``."""
    return count_org_pairs(_rows(source, _UNITS, doc), _rows(source, _DEADLINES, doc))


def pair_node(a: str, b: str) -> URIRef:
    """The IRI of the pair rollup of organisations ``a`` and ``b`` (in either order)."""
    a, b = sorted((a, b))
    return iri_for("rollup", "orgpair", org_id(a), org_id(b))


def due_node(org: str) -> URIRef:
    """The IRI of the due-month rollup of organisation ``org``."""
    return iri_for("rollup", "due", org_id(org))


def pack_months(months: Counter[str] | dict[str, int]) -> str:
    """Return the months with tasks due packed in one literal, in month order.

    Example:
        >>> pack_months({"2023-09": 7, "2023-06": 4, "2023-12": 0})
        '2023-06=4 2023-09=7'
    """
    return " ".join(f"{m}={n}" for m, n in sorted(months.items()) if n > 0)


def unpack_months(packed: str | None) -> dict[str, int]:
    """Return the months of :func:`pack_months`'s literal.

    Example:
        >>> unpack_months("2023-06=4 2023-09=7")
        {'2023-06': 4, '2023-09': 7}
    """
    return {m: int(n) for m, _, n in (p.partition("=") for p in (packed or "").split())}


def _pair_lines(a: str, b: str, counts: list[int]) -> list[str]:
    node, integer = f"<{pair_node(a, b)}>", f"^^<{XSD.integer}>"
    return [f"{node} <{RDF.type}> <{PK.OrganizationPairRollup}>", f"{node} <{PK.rollupOf}> <{a}>",
            f"{node} <{PK.partnerOrganization}> <{b}>",
            *(f'{node} <{p}> "{int(n)}"{integer}' for p, n in zip(PAIR_FIELDS, counts, strict=True))]


def _due_lines(org: str, months: Counter[str] | dict[str, int]) -> list[str]:
    node = f"<{due_node(org)}>"
    return [f"{node} <{RDF.type}> <{PK.OrganizationDueRollup}>", f"{node} <{PK.rollupOf}> <{org}>",
            f'{node} <{PK.dueMonthCounts}> "{pack_months(months)}"']


def org_pair_quads(source: Any) -> bytes:
    """Return the pair and due-month rollups of every plan in ``source`` as N-Quads of the derived graph.

    Written as text: tens of thousands of pairs at 1,000 plans, too many to make terms of one by one.
    """
    pairs, due = plan_org_pairs(source)
    lines = [line for (a, b), c in sorted(pairs.items()) for line in _pair_lines(a, b, c)]
    lines += [line for org, months in sorted(due.items()) for line in _due_lines(org, months)]
    tail = f" <{DERIVED_GRAPH}> .\n"
    return "".join(line + tail for line in lines).encode("utf-8")


def has_org_pairs(store: Any) -> bool:
    """True when the pyoxigraph ``store`` holds any pair or due-month rollup."""
    import pyoxigraph as ox

    typed = ox.NamedNode(str(RDF.type))
    return any(next(store.quads_for_pattern(None, typed, ox.NamedNode(str(c))), None) for c in PAIR_CLASSES)


def apply_plan_org_pairs(store: Any, doc: str, sign: int) -> tuple[int, int]:
    """Add (``sign`` 1) or subtract (-1) plan ``doc``'s pairs and due months to the rollups of a
    pyoxigraph ``store`` holding the plan; return how many nodes changed, and by how many triples the
    store grew (negative when it shrank).

    Called after a plan is loaded and before it is removed. A store built before these rollups
    existed gets them summed over all its plans (this one included) first, so the totals stay whole.
    """
    import pyoxigraph as ox

    grown = 0
    if not has_org_pairs(store):
        data = org_pair_quads(store)  # the plan is in the store: summed with the others
        store.load(data, format=ox.RdfFormat.N_QUADS)
        grown += data.count(b"\n")
        if sign > 0:
            return data.count(b"\n") // 3, grown
    pairs, due = plan_org_pairs(store, doc)
    graph = ox.NamedNode(str(DERIVED_GRAPH))
    for (a, b), counts in pairs.items():
        node = ox.NamedNode(str(pair_node(a, b)))
        old = {q.predicate.value: int(q.object.value) for q in store.quads_for_pattern(node, None, None, graph)
               if q.predicate.value in {str(p) for p in PAIR_FIELDS}}
        new = [old.get(str(p), 0) + sign * n for p, n in zip(PAIR_FIELDS, counts, strict=True)]
        grown += _replace(store, node, graph, _pair_lines(a, b, new) if new[0] > 0 else [])
    for org, months in due.items():
        node = ox.NamedNode(str(due_node(org)))
        old = next(store.quads_for_pattern(node, ox.NamedNode(str(PK.dueMonthCounts)), None, graph), None)
        now = Counter(unpack_months(old.object.value if old else ""))
        now.update({m: sign * n for m, n in months.items()})
        grown += _replace(store, node, graph, _due_lines(org, now) if any(n > 0 for n in now.values()) else [])
    return len(pairs) + len(due), grown


def _replace(store: Any, node: Any, graph: Any, lines: list[str]) -> int:
    """Replace every triple of ``node`` in ``graph`` with ``lines``; return how many triples more."""
    import pyoxigraph as ox

    stale = list(store.quads_for_pattern(node, None, None, graph))
    for q in stale:
        store.remove(q)
    if lines:
        store.load("".join(f"{line} <{graph.value}> .\n" for line in lines).encode("utf-8"),
                   format=ox.RdfFormat.N_QUADS)
    return len(lines) - len(stale)
