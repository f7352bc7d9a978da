"""Tallies: the counts a corpus question ranks or sums by, materialised once per plan at build time.

"Organisations by tasks led", "tasks due per month", "which government functions work together"
would otherwise count every assignment of every plan on every call: at 1,000 plans that is seconds
per question. The build calls :func:`materialize_aggregates` once after loading; it counts each
plan's tasks, units, deadlines and domains and stores the counts as ``pk:Tally`` nodes (see the
ontology's "Materialised at build time: tallies" section):

* ``pk:DocumentTally`` — tasks and domains of the plan, and the rows of its task lists
  (:mod:`kg.plan_rows`: targets, tasks with no deadline, citations…);
* ``pk:DomainTally`` — tasks of each domain;
* ``pk:OrganizationTally`` — per organisation: tasks led, tasks as a responsible unit, domains
  coordinated, domains led in;
* ``pk:MonthTally`` — tasks due per month, for the plan and per organisation taking part (with
  how many of them it leads and their numbers);
* ``pk:FunctionTally`` / ``pk:FunctionPairTally`` — per government function, and per pair of
  functions and pairing of roles (lead–lead, lead–responsible, responsible–responsible);
* ``pk:TaskTally`` — per task naming an organisation: how many distinct ones (collective units
  apart), the key a corpus's tasks are ranked by (kg.task_ranks for stores written before it).

Every tally is derived from one plan (``prov:wasDerivedFrom`` the document) and its IRI sits below
the document's, so a plan's tallies can be written into the plan's own named graph and leave with
it; a corpus figure is the sum over plans. Counting is done here in Python from four SELECT
queries (a pair of functions needs the set of bodies on each task, which SPARQL can only get by a
self-join), over any rdflib graph or dataset view, or a remote store.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from itertools import combinations
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from kg.graph import PREFIXES
from kg.iri import child_iri
from kg.namespace import PK
from kg.plan_rows import plan_row_counts
from kg.vocab import org_id

Triple = tuple[URIRef, URIRef, URIRef | Literal]
TALLY_CLASSES = (PK.DocumentTally, PK.DomainTally, PK.OrganizationTally, PK.MonthTally, PK.FunctionTally,
                 PK.FunctionPairTally, PK.TaskTally)
# Pairs in which one function leads: what the corpus picture shows. Two functions that are only
# both responsible for a task are not counted (a third of the pairs, and no one's decision).
PAIR_KINDS = ("lead_lead", "lead_responsible")

# ?doc is bound (VALUES) to count one plan; left free, every plan is counted in one pass.
_TASKS = """SELECT ?doc ?task ?number ?domain WHERE {
  ?task a pk:Task ; pk:inDocument ?doc ; pk:taskNumber ?number .
  OPTIONAL { ?task pk:inDomain ?domain }
}"""
_UNITS = """SELECT ?task ?org ?role WHERE {
  ?task pk:inDocument ?doc .
  { ?task pk:leadUnit ?org BIND("lead" AS ?role) } UNION { ?task pk:responsibleUnit ?org BIND("responsible" AS ?role) }
}"""
_DOMAINS = """SELECT ?doc ?domain ?number ?name ?org WHERE {
  ?domain a pk:Domain ; pk:inDocument ?doc .
  OPTIONAL { ?domain pk:domainNumber ?number }
  OPTIONAL { ?domain skos:prefLabel ?name }
  OPTIONAL { ?domain pk:domainLead ?org }
}"""
_DEADLINES = """SELECT ?task ?date WHERE {
  ?task pk:inDocument ?doc ; pk:hasDeadline ?d . ?d time:inXSDDate ?date .
}"""
# Who a task's assignments name, collective units apart (tasks_with_most_organizations ranks by it).
_AGENTS = """SELECT ?task ?org WHERE {
  ?task pk:inDocument ?doc ; pk:hasAssignment ?a . ?a pk:agent ?org . MINUS { ?org a pk:CollectiveUnit }
}"""
_FUNCTIONS = """SELECT ?org ?function WHERE { ?org pk:governmentFunction ?function }"""
_XSD_INTEGER = f"<{XSD.integer}>"


def _rows(source: Any, text: str, doc: str | None) -> Iterator[tuple[str | None, ...]]:
    if doc is not None:
        text = text.replace("WHERE {", "WHERE { VALUES ?doc { <" + _checked_iri(doc) + "> }", 1)
    ox_store = _oxigraph(source)
    if ox_store is not None:  # Oxigraph's own terms: strings, without building an rdflib object per cell
        for row in ox_store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True):
            yield tuple(None if v is None else v.value for v in row)
        return
    for row in source.query(text, initNs=PREFIXES):
        yield tuple(None if v is None else str(v) for v in row)


def _oxigraph(source: Any) -> Any:
    if type(source).__module__ == "pyoxigraph":  # a bare store: a plan read alone, or a store being built
        return source
    store = getattr(source, "store", None)
    return store._inner if type(store).__name__ == "OxigraphStore" else None


def _checked_iri(iri: str) -> str:
    if any(c in iri for c in '<>"{}|^`\\ \n\t'):
        raise ValueError(f"not a document IRI: {iri!r}")
    return iri


def _tail(iri: str) -> str:
    # An organisation's short id (kg.vocab.org_id: 371724/县财政局); …/function/finance → finance.
    if (short := org_id(iri)) != iri:
        return short
    for marker in ("/id/function/", "/id/"):
        if marker in iri:
            return iri.split(marker, 1)[1]
    return iri


class _Lines:
    """Tallies written as N-Triples lines: a corpus has hundreds of thousands, too many to build as
    rdflib objects one by one. Subjects come from kg.iri; other IRIs from the store; literals are
    whole numbers and plain strings."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.nodes = 0

    def tally(self, doc: str, cls: URIRef, of: str, *key: object) -> str:
        node = f"<{child_iri(URIRef(doc), 'tally', *key)}>"
        self.lines += [f"{node} <{RDF.type}> <{cls}> .", f"{node} <{PK.tallyOf}> <{of}> .",
                       f"{node} <{PROV.wasDerivedFrom}> <{doc}> ."]
        self.nodes += 1
        return node

    def count(self, node: str, prop: URIRef, n: int) -> None:
        self.lines.append(f'{node} <{prop}> "{int(n)}"^^{_XSD_INTEGER} .')

    def text(self, node: str, prop: URIRef, value: str) -> None:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        self.lines.append(f'{node} <{prop}> "{escaped}" .')

    def iri(self, node: str, prop: URIRef, value: str) -> None:
        self.lines.append(f"{node} <{prop}> <{value}> .")


def aggregate_ntriples(source: Any, *, doc: str | None = None) -> tuple[bytes, int]:
    """Return the tallies of every plan in ``source`` (or of the plan ``doc``) as N-Triples, and
    how many tally nodes they describe.

    ``source`` is anything with rdflib's ``query(text, initNs=…)``: a Graph, a Dataset whose
    default graph is the union of its graphs, or a :class:`kg.remote_store.RemoteStore`.
    """
    tasks = {task: (d, int(float(n)), domain) for d, task, n, domain in _rows(source, _TASKS, doc)}
    units: dict[str, dict[str, str]] = defaultdict(dict)  # task → org → role (lead wins)
    responsible: dict[str, set[str]] = defaultdict(set)
    for task, org, role in _rows(source, _UNITS, doc):
        if task in tasks:
            if role == "responsible":
                responsible[task].add(org)
            if units[task].get(org) != "lead":
                units[task][org] = role
    domain_doc, domain_leads, domain_names = {}, defaultdict(set), {}
    for d, domain, number, name, org in _rows(source, _DOMAINS, doc):
        domain_doc[domain] = d
        domain_names.setdefault(domain, (int(float(number)) if number else 0, name or ""))
        if org:
            domain_leads[domain].add(org)
    months: dict[str, set[str]] = defaultdict(set)
    for task, date in _rows(source, _DEADLINES, doc):
        if task in tasks and date:
            months[task].add(date[:7])
    functions = {org: fn for org, fn in _rows(source, _FUNCTIONS, None)}
    agents: dict[str, set[str]] = defaultdict(set)
    for task, org in _rows(source, _AGENTS, doc):
        if task in tasks:
            agents[task].add(org)
    out = _Lines()
    plans = {d for d, _, _ in tasks.values()} | set(domain_doc.values())
    _document_tallies(out, tasks, domain_doc, plan_row_counts(lambda text: _rows(source, text, doc), plans))
    _organization_tallies(out, tasks, units, responsible, domain_doc, domain_leads, domain_names)
    _month_tallies(out, tasks, units, months)
    _function_tallies(out, tasks, units, functions)
    _task_tallies(out, tasks, agents)
    return ("\n".join(out.lines) + "\n").encode("utf-8"), out.nodes


def aggregate_triples(source: Any, *, doc: str | None = None) -> list[Triple]:
    """Return the tallies of ``source`` (or of the plan ``doc``) as rdflib triples.

    Example:
        >>> from kg.graph import Store, new_graph
        >>> g = new_graph(Store.MEMORY)
        >>> d, t = URIRef("urn:d"), URIRef("urn:d/task/1")
        >>> _ = g.add((t, RDF.type, PK.Task)).add((t, PK.inDocument, d)).add((t, PK.taskNumber, Literal(1)))
        >>> _ = g.add((t, PK.leadUnit, URIRef("urn:o")))
        >>> kinds = Counter(o for _, p, o in aggregate_triples(g) if p == RDF.type)
        >>> kinds[PK.DocumentTally], kinds[PK.OrganizationTally]
        (1, 1)
    """
    data, _ = aggregate_ntriples(source, doc=doc)
    return list(Graph().parse(data=data, format="nt"))


def _document_tallies(out: _Lines, tasks: dict[str, tuple[str, int, str | None]], domain_doc: dict[str, str],
                      list_rows: dict[str, dict[URIRef, int]]) -> None:
    per_doc, per_domain, domains_of = Counter(), Counter(), Counter(domain_doc.values())
    for d, _, domain in tasks.values():
        per_doc[d] += 1
        if domain:
            per_domain[domain] += 1
    for d in sorted(set(per_doc) | set(domains_of)):
        node = out.tally(d, PK.DocumentTally, d, "document")
        out.count(node, PK.taskCount, per_doc[d])
        out.count(node, PK.domainCount, domains_of[d])
        for prop, n in list_rows[d].items():
            out.count(node, prop, n)
    for domain, d in sorted(domain_doc.items()):
        node = out.tally(d, PK.DomainTally, domain, "domain", _tail(domain).rsplit("/", 1)[-1])
        out.count(node, PK.taskCount, per_domain[domain])


def _organization_tallies(out: _Lines, tasks: dict[str, tuple[str, int, str | None]],
                          units: dict[str, dict[str, str]], responsible: dict[str, set[str]],
                          domain_doc: dict[str, str], domain_leads: dict[str, set[str]],
                          domain_names: dict[str, tuple[int, str]]) -> None:
    led, resp = Counter(), Counter()
    led_domains: dict[tuple[str, str], set[str]] = defaultdict(set)
    for task, orgs in units.items():
        d, _, domain = tasks[task]
        for org, role in orgs.items():
            if role == "lead":
                led[org, d] += 1
                if domain:
                    led_domains[org, d].add(domain)
        for org in responsible.get(task, ()):
            resp[org, d] += 1
    coordinated: Counter[tuple[str, str]] = Counter()
    for domain, orgs in domain_leads.items():
        for org in orgs:
            coordinated[org, domain_doc[domain]] += 1
            led_domains[org, domain_doc[domain]].add(domain)
    for org, d in sorted(set(led) | set(resp) | set(coordinated)):
        node = out.tally(d, PK.OrganizationTally, org, "org", _tail(org))
        out.count(node, PK.leadTaskCount, led[org, d])
        out.count(node, PK.responsibleTaskCount, resp[org, d])
        out.count(node, PK.domainLeadCount, coordinated[org, d])
        out.count(node, PK.ledDomainCount, len(led_domains[org, d]))
        names = [domain_names[x][1] for x in sorted(led_domains[org, d], key=lambda x: domain_names.get(x, (0, x)))]
        out.text(node, PK.domainNames, "、".join(n for n in names if n))


def _month_tallies(out: _Lines, tasks: dict[str, tuple[str, int, str | None]], units: dict[str, dict[str, str]],
                   months: dict[str, set[str]]) -> None:
    per_doc: Counter[tuple[str, str]] = Counter()
    per_org: dict[tuple[str, str, str], list[tuple[int, bool]]] = defaultdict(list)
    for task, ms in months.items():
        d, number, _ = tasks[task]
        for m in ms:
            per_doc[d, m] += 1
            for org, role in units.get(task, {}).items():
                per_org[org, d, m].append((number, role == "lead"))
    for (d, m), n in sorted(per_doc.items()):
        node = out.tally(d, PK.MonthTally, d, "month", m)
        out.text(node, PK.tallyMonth, m)
        out.count(node, PK.taskCount, n)
    for (org, d, m), items in sorted(per_org.items()):
        node = out.tally(d, PK.MonthTally, org, "month", m, _tail(org))
        out.text(node, PK.tallyMonth, m)
        out.count(node, PK.taskCount, len(items))
        out.count(node, PK.leadTaskCount, sum(1 for _, lead in items if lead))
        out.text(node, PK.taskNumbers, "、".join(str(n) for n, _ in sorted(items)))


def _task_tallies(out: _Lines, tasks: dict[str, tuple[str, int, str | None]], agents: dict[str, set[str]]) -> None:
    # One per task naming an organisation: a corpus's tasks ranked by it are read by count
    # (pk:organizationCount 5), a few hundred at a time, instead of counting every assignment.
    for task, orgs in sorted(agents.items()):
        d, number, _ = tasks[task]
        out.count(out.tally(d, PK.TaskTally, task, "task", number), PK.organizationCount, len(orgs))


def _function_tallies(out: _Lines, tasks: dict[str, tuple[str, int, str | None]], units: dict[str, dict[str, str]],
                      functions: dict[str, str]) -> None:
    led: Counter[tuple[str, str]] = Counter()
    only: Counter[tuple[str, str]] = Counter()
    pairs: Counter[tuple[str, str, str, str]] = Counter()
    for task, orgs in units.items():
        d = tasks[task][0]
        roles: dict[str, str] = {}  # function → lead if any of its bodies leads the task
        for org, role in orgs.items():
            fn = functions.get(org)
            if fn and roles.get(fn) != "lead":
                roles[fn] = role
        for fn, role in roles.items():
            (led if role == "lead" else only)[d, fn] += 1
        for a, b in combinations(sorted(roles), 2):
            if roles[a] != roles[b] and roles[b] == "lead":
                a, b = b, a  # lead_responsible: the leading function first
            kind = f"{roles[a]}_{roles[b]}"
            if kind in PAIR_KINDS:
                pairs[d, a, b, kind] += 1
    for d, fn in sorted(set(led) | set(only)):
        node = out.tally(d, PK.FunctionTally, fn, "function", _tail(fn))
        out.count(node, PK.leadTaskCount, led[d, fn])
        out.count(node, PK.responsibleTaskCount, only[d, fn])
    for (d, a, b, kind), n in sorted(pairs.items()):
        node = out.tally(d, PK.FunctionPairTally, a, "functions", _tail(a), _tail(b), kind)
        out.iri(node, PK.partnerFunction, b)
        out.text(node, PK.pairKind, kind)
        out.count(node, PK.taskCount, n)


def plan_tally_quads(store: Any, doc: str) -> bytes:
    """Return the tallies of the plan ``doc`` as N-Quads in the plan's own graph (named ``doc``),
    counted from ``store`` (a pyoxigraph store holding the plan, alone or among others).

    Written into the plan's graph, they come and go with it: ``policykg add`` and ``remove``
    replace a plan's graph whole, so its tallies never outlive it or miss it.
    """
    data, _ = aggregate_ntriples(store, doc=doc)
    tail = f" <{_checked_iri(doc)}> .\n".encode()
    return b"".join(line[:-2] + tail for line in data.splitlines(keepends=True) if line.endswith(b" .\n"))


def drop_plan_tallies(store: Any, doc: str) -> int:
    """Remove the tallies in the plan graph ``doc`` of a pyoxigraph ``store``; return how many nodes went."""
    import pyoxigraph as ox

    graph, derived = ox.NamedNode(_checked_iri(doc)), ox.NamedNode(str(PROV.wasDerivedFrom))
    kinds, typed = {ox.NamedNode(str(c)) for c in TALLY_CLASSES}, ox.NamedNode(str(RDF.type))
    nodes = {q.subject for q in store.quads_for_pattern(None, derived, graph, graph)
             if any(t.object in kinds for t in store.quads_for_pattern(q.subject, typed, None, graph))}
    for node in nodes:
        for q in list(store.quads_for_pattern(node, None, None, graph)):
            store.remove(q)
    return len(nodes)


def materialize_aggregates(g: Graph, *, doc: str | None = None) -> int:
    """Replace the tallies of ``g`` (or of its plan ``doc``) with fresh counts; return how many.

    For a graph held in one rdflib Graph (``policykg build --out FILE``, the tests). A store that
    keeps one named graph per plan writes ``aggregate_ntriples(view, doc=plan)`` into that plan's
    graph instead, so removing the plan removes its tallies.
    """
    from kg.rollups import materialize_rollups  # kg.rollups sums what this module counts

    remove_aggregates(g, doc=doc)
    data, nodes = aggregate_ntriples(g, doc=doc)
    g.parse(data=data, format="ox-ntriples" if _oxigraph(g) is not None else "nt")
    materialize_rollups(g)
    return nodes


def remove_aggregates(g: Graph, *, doc: str | None = None) -> int:
    """Remove the tallies of ``g`` (or those derived from ``doc``); return how many nodes went."""
    nodes = tally_nodes(g, doc=doc)
    ox_store = _oxigraph(g)
    for node in nodes:
        if ox_store is not None:  # one call per node, not one rdflib remove per triple
            import pyoxigraph as ox

            for q in list(ox_store.quads_for_pattern(ox.NamedNode(str(node)), None, None)):
                ox_store.remove(q)
        else:
            g.remove((node, None, None))
    return len(nodes)


def tally_nodes(g: Graph, *, doc: str | None = None) -> set[URIRef]:
    """Return the tally nodes of ``g`` (of one plan's, with ``doc``)."""
    kinds = set(TALLY_CLASSES)
    if doc is not None:
        return {n for n in g.subjects(PROV.wasDerivedFrom, URIRef(doc))  # type: ignore[misc]
                if any(k in kinds for k in g.objects(n, RDF.type))}
    return {n for cls in TALLY_CLASSES for n in g.subjects(RDF.type, cls)}  # type: ignore[misc]


def has_aggregates(source: Any) -> bool:
    """True when ``source`` holds tallies, or holds no plan at all (nothing to count)."""
    ask = "ASK { { ?t a pk:DocumentTally } UNION { FILTER NOT EXISTS { ?d a pk:PolicyDocument } } }"
    return bool(source.query(ask, initNs=PREFIXES).askAnswer)


def ensure_aggregates(source: Any) -> int | None:
    """Add the tallies to an in-process graph built without them; return how many (None: not done).

    Graphs written before tallies existed (or by other tools) still answer the corpus questions.
    A graph with tallies but without their corpus rollups (kg.rollups) gets the rollups. A remote
    store, or a graph that has both, is left as it is.
    """
    from kg.rollups import materialize_rollups, needs_rollups
    from kg.task_ranks import lacks_task_tallies

    if not isinstance(source, Graph):
        return None
    if has_aggregates(source) and lacks_task_tallies(source):  # tallies written before task tallies
        return materialize_aggregates(source)
    if has_aggregates(source):
        return materialize_rollups(source) if needs_rollups(source) else None  # tallies written before rollups
    return materialize_aggregates(source)


def count_by(triples: Iterable[Triple]) -> Counter[str]:
    """Return how many tallies of each kind ``triples`` hold, by class local name (for reports)."""
    return Counter(str(o).rsplit("#", 1)[-1] for _, p, o in triples if p == RDF.type)
