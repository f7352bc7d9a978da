"""Corpus rollups: the plans' organisation and function tallies summed once, so a corpus answer reads a few nodes.

"Organisations by tasks led", "which government functions lead and support, in how many places",
"which pairs of functions work together" over a whole corpus would otherwise group every plan's
pk:OrganizationTally, pk:FunctionTally or pk:FunctionPairTally on every call: 37,000 to 133,000 rows
at 1,000 plans. The build sums them into one pk:OrganizationRollup per organisation, one
pk:FunctionRollup per function and one pk:FunctionPairRollup per unordered pair of functions, in the
store's derived graph (kg.vocab.DERIVED_GRAPH, beside the co-assignment pairs of kg.bulk), with the
deadline calendar's rows per month (pk:MonthRollup, kg.month_rollups). A question
with no plan or place chosen reads those; one that names a scope sums the tallies of its plans.

``policykg add`` and ``remove`` change a rollup by the plan's own tallies (:func:`apply_plan_rollups`),
in time that grows with the plan: a place is counted once however many of its plans share a
function, so a plan's place is added (or taken away) only when no other plan of that place has
the same function or pair — a look at the plans of that one place.

A rollup says how many plans it sums (pk:planCount) rather than naming each: a thousand
prov:wasDerivedFrom links per node would outweigh the sum they explain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, XSD

from kg.aggregates import _checked_iri, _rows, _tail
from kg.iri import iri_for
from kg.month_rollups import (
    add_missing_month_rows,
    apply_plan_month_rows,
    month_lines,
    month_rows,
    needs_month_rows,
)
from kg.namespace import PK
from kg.vocab import DERIVED_GRAPH

ROLLUP_CLASSES = (PK.OrganizationRollup, PK.FunctionRollup, PK.FunctionPairRollup, PK.MonthRollup)
_SUMMED = (PK.OrganizationTally, PK.FunctionTally, PK.FunctionPairTally)  # the tallies rollups sum

# ?doc is bound (VALUES) for one plan; left free, every plan's tallies are read in one pass.
_ORGANIZATIONS = """SELECT ?doc ?org ?l ?r ?c ?d WHERE {
  ?t prov:wasDerivedFrom ?doc ; a pk:OrganizationTally ; pk:tallyOf ?org ; pk:leadTaskCount ?l ; pk:responsibleTaskCount ?r ;
     pk:domainLeadCount ?c ; pk:ledDomainCount ?d .
}"""
_FUNCTIONS = """SELECT ?doc ?fn ?l ?r WHERE {
  ?t prov:wasDerivedFrom ?doc ; a pk:FunctionTally ; pk:tallyOf ?fn ; pk:leadTaskCount ?l ; pk:responsibleTaskCount ?r .
}"""
_PAIRS = """SELECT ?doc ?f ?p ?kind ?n WHERE {
  ?t prov:wasDerivedFrom ?doc ; a pk:FunctionPairTally ; pk:tallyOf ?f ; pk:partnerFunction ?p ; pk:pairKind ?kind ;
     pk:taskCount ?n .
}"""
_PLACES = """SELECT ?doc ?where WHERE { ?doc a pk:PolicyDocument ; pk:jurisdiction ?where }"""
_KIND_KEYS = {str(PK.OrganizationTally): "org", str(PK.FunctionTally): "function", str(PK.FunctionPairTally): "pair"}

Key = tuple[str, ...]  # ("org", org), ("function", fn) or ("pair", a, b) with a < b
# The counts each kind sums, in order, and the properties they are written as.
_FIELDS = {
    "org": (PK.rollupLeadTasks, PK.rollupResponsibleTasks, PK.rollupDomainLeads, PK.rollupLedDomains),
    "function": (PK.rollupLeadTasks, PK.rollupResponsibleTasks),
    "pair": (PK.rollupSharedTasks, PK.rollupBothLead, PK.rollupFirstLeads, PK.rollupPartnerLeads),
}


def plan_contributions(source: Any, doc: str | None = None) -> dict[Key, dict[str, list[int]]]:
    """Return, per rollup key, each plan's counts (of every plan in ``source``, or of ``doc``).

    A pair's key puts the function whose IRI sorts first (code-point order, as SPARQL's ``<``)
    first; its counts are shared tasks, both lead, the first leads, the partner leads.
    """
    out: dict[Key, dict[str, list[int]]] = defaultdict(dict)
    for d, org, lead, resp, coordinated, led_in in _rows(source, _ORGANIZATIONS, doc):
        _add(out[("org", org)], d, [int(lead), int(resp), int(coordinated), int(led_in)])
    for d, fn, lead, resp in _rows(source, _FUNCTIONS, doc):
        _add(out[("function", fn)], d, [int(lead), int(resp)])
    for d, f, p, kind, n in _rows(source, _PAIRS, doc):
        a, b, k = min(f, p), max(f, p), int(n)
        first = kind == "lead_responsible" and f == a
        partner = kind == "lead_responsible" and f == b
        _add(out[("pair", a, b)], d, [k, k if kind == "lead_lead" else 0, k if first else 0, k if partner else 0])
    return out


def _add(per_plan: dict[str, list[int]], doc: str, counts: list[int]) -> None:
    old = per_plan.get(doc)
    per_plan[doc] = counts if old is None else [x + y for x, y in zip(old, counts, strict=True)]


def _places(source: Any, doc: str | None = None) -> dict[str, set[str]]:
    places: dict[str, set[str]] = defaultdict(set)
    for d, where in _rows(source, _PLACES, doc):
        places[d].add(where)
    return places


def rollup_node(key: Key) -> URIRef:
    """The IRI of the rollup of ``key``: …/id/rollup/org/371724%2F县财政局, …/id/rollup/function/finance,
    …/id/rollup/functions/a/b."""
    if key[0] == "org":
        return iri_for("rollup", "org", _tail(key[1]))
    if key[0] == "function":
        return iri_for("rollup", "function", _tail(key[1]))
    return iri_for("rollup", "functions", _tail(key[1]), _tail(key[2]))


def _lines(key: Key, counts: Iterable[int], plans: int, places: int) -> list[str]:
    node = f"<{rollup_node(key)}>"
    integer = f"^^<{XSD.integer}>"
    kind = {"org": PK.OrganizationRollup, "function": PK.FunctionRollup, "pair": PK.FunctionPairRollup}[key[0]]
    lines = [f"{node} <{RDF.type}> <{kind}>", f"{node} <{PK.rollupOf}> <{key[1]}>"]
    if key[0] == "pair":
        lines.append(f"{node} <{PK.rollupPartner}> <{key[2]}>")
    lines += [f'{node} <{p}> "{int(n)}"{integer}' for p, n in zip(_FIELDS[key[0]], counts, strict=True)]
    lines += [f'{node} <{PK.planCount}> "{plans}"{integer}', f'{node} <{PK.placeCount}> "{places}"{integer}']
    return lines


def rollup_ntriples(source: Any) -> tuple[bytes, int]:
    """Return the rollups of every plan's tallies in ``source`` as N-Triples, and how many nodes.

    ``source``: a pyoxigraph store, or anything with rdflib's ``query(text, initNs=…)``.
    """
    contributions, places = plan_contributions(source), _places(source)
    lines: list[str] = []
    for key, per_plan in sorted(contributions.items()):
        sums = [sum(c) for c in zip(*per_plan.values(), strict=True)]
        where = set().union(*(places.get(d, set()) for d in per_plan))
        lines += _lines(key, sums, len(per_plan), len(where))
    months = month_rows(source)
    for month, rows in sorted(months.items()):
        lines += month_lines(month, rows)
    return "".join(line + " .\n" for line in lines).encode("utf-8"), len(contributions) + len(months)


def rollup_quads(source: Any) -> bytes:
    """Return the rollups of ``source`` as N-Quads of the derived graph (for a store being built)."""
    data, _ = rollup_ntriples(source)
    tail = f" <{DERIVED_GRAPH}> .\n".encode()
    return b"".join(line[:-3] + tail for line in data.splitlines(keepends=True))


def apply_plan_rollups(store: Any, doc: str, sign: int) -> tuple[int, int]:
    """Add (``sign`` 1) or subtract (-1) the plan ``doc``'s tallies to the rollups of a pyoxigraph
    ``store`` holding the plan; return how many rollup nodes changed, and by how many triples the
    store grew (negative when it shrank).

    Called after a plan is loaded, and before it is removed: the plan's tallies must be in the store;
    a store built before rollups existed gets them first (:func:`sum_missing_rollups`, before the change).
    """
    import pyoxigraph as ox

    grown = 0
    mine = plan_contributions(store, doc)
    wheres = _places(store, doc).get(doc, set())
    # The other plans of the plan's places: a place already counted through one of them stays.
    keys_in = {w: _keys_in_place(store, w, doc) for w in wheres}  # the other plans' keys, by place
    graph = ox.NamedNode(str(DERIVED_GRAPH))
    for key, per_plan in mine.items():
        node = ox.NamedNode(str(rollup_node(key)))
        old = {q.predicate.value: q.object.value for q in store.quads_for_pattern(node, None, None, graph)}
        fields = [str(p) for p in _FIELDS[key[0]]]
        counts = [int(old.get(p, 0)) + sign * n for p, n in zip(fields, per_plan[doc], strict=True)]
        plans = int(old.get(str(PK.planCount), 0)) + sign
        fresh = sum(1 for w in wheres if key not in keys_in[w])
        places = int(old.get(str(PK.placeCount), 0)) + sign * fresh
        for q in list(store.quads_for_pattern(node, None, None, graph)):
            store.remove(q)
        lines = _lines(key, counts, plans, places) if plans > 0 else []
        store.load("".join(f"{line} <{DERIVED_GRAPH}> .\n" for line in lines).encode("utf-8"),
                   format=ox.RdfFormat.N_QUADS)
        grown += len(lines) - len(old)
    changed, written = apply_plan_month_rows(store, doc, sign)
    return len(mine) + changed, grown + written


def _keys_in_place(store: Any, where: str, doc: str) -> set[Key]:
    """The rollup keys the plans of place ``where`` other than ``doc`` have tallies of.

    Read from the plans' graphs pattern by pattern: a SPARQL join over them costs ten times more.
    """
    import pyoxigraph as ox

    typed, of_p, partner_p = (ox.NamedNode(str(p)) for p in (RDF.type, PK.tallyOf, PK.partnerFunction))
    keys: set[Key] = set()
    for q in store.quads_for_pattern(None, ox.NamedNode(str(PK.jurisdiction)), ox.NamedNode(_checked_iri(where))):
        plan = q.subject  # organisations have a jurisdiction too: a plan is the one with its own graph
        if plan.value == doc or not isinstance(plan, ox.NamedNode) or not store.contains_named_graph(plan):
            continue
        for cls, kind in _KIND_KEYS.items():
            for t in store.quads_for_pattern(None, typed, ox.NamedNode(cls), plan):
                of = next(store.quads_for_pattern(t.subject, of_p, None, plan)).object.value
                if kind == "pair":
                    partner = next(store.quads_for_pattern(t.subject, partner_p, None, plan)).object.value
                    keys.add((kind, min(of, partner), max(of, partner)))
                else:
                    keys.add((kind, of))
    return keys


def sum_missing_rollups(store: Any) -> int:
    """Sum the rollups of a store built before they existed, once, so a plan's change has totals to
    change (adding to nothing would leave totals of that plan alone); return how many triples that wrote."""
    import pyoxigraph as ox

    typed = ox.NamedNode(str(RDF.type))
    if any(next(store.quads_for_pattern(None, typed, ox.NamedNode(str(c))), None) for c in ROLLUP_CLASSES):
        return add_missing_month_rows(store)  # a store built after the other rollups, before the months'
    if not any(next(store.quads_for_pattern(None, typed, ox.NamedNode(str(c))), None) for c in _SUMMED):
        return 0
    data = rollup_quads(store)
    store.load(data, format=ox.RdfFormat.N_QUADS)
    return data.count(b"\n")


def materialize_rollups(g: Graph) -> int:
    """Replace the rollups of rdflib graph ``g`` with fresh sums of its tallies; return how many."""
    for cls in ROLLUP_CLASSES:
        for node in list(g.subjects(RDF.type, cls)):
            g.remove((node, None, None))
    data, nodes = rollup_ntriples(g)
    if nodes:
        g.parse(data=data, format="nt")
    return nodes


def needs_rollups(source: Any) -> bool:
    """True when ``source`` holds tallies that rollups sum but no rollup (a graph written before rollups)."""
    from kg.graph import PREFIXES

    def has(classes: Iterable[URIRef]) -> bool:
        ask = "ASK { " + " UNION ".join(f"{{ ?x a <{c}> }}" for c in classes) + " }"
        return bool(source.query(ask, initNs=PREFIXES).askAnswer)

    return has(_SUMMED) and not has(ROLLUP_CLASSES) or needs_month_rows(source)

