"""The two graphs every analysis starts from: who works on which task, and who works with whom.

``task_org_graph`` turns the rows of the ``analysis_*`` saved queries into a bipartite
:class:`networkx.Graph`: task nodes (``kind="task"``) and organisation nodes
(``kind="organization"``), joined by edges whose ``roles`` say how the organisation takes part
(``"lead"`` 牵头, ``"responsible"`` 责任, ``"domain_lead"`` 领域牵头). ``collaboration_graph``
projects it onto organisations: an edge for every pair that shares a task as lead or responsible
unit. A domain's lead is *not* a participant of the domain's tasks: the plan names it to
coordinate, and counting it would tie it to every unit of the domain.

Collective and placeholder units (县有关部门、单位, 水、电、气、热各专营单位) stay in both graphs with
``collective=True`` so people see them, but ``real_organizations`` leaves them out: they are many
bodies, not one, and must not be ranked or act as a bridge.

Task nodes carry a ``ref``: the task number when the graph holds one plan, ``"文号#number"`` when
it holds several, so task lists stay readable and never ambiguous.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

import networkx as nx

from kg.namespace import PK
from kg.vocab import concepts, level_notation, level_rank

ROLES = tuple(r.notation for r in concepts(PK.Role))  # lead, responsible, domain_lead (the ontology's)
PARTICIPANT_ROLES = ("lead", "responsible")  # a domain's lead coordinates; it takes no part in the tasks
PAIR_KINDS = ("lead_lead", "lead_responsible", "responsible_responsible")


def _tail(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def task_org_graph(
    tasks: Iterable[Mapping[str, Any]],
    units: Iterable[Mapping[str, Any]],
    organizations: Iterable[Mapping[str, Any]] = (),
    deadlines: Iterable[Mapping[str, Any]] = (),
    waits: Iterable[Mapping[str, Any]] = (),
    documents: Iterable[Mapping[str, Any]] = (),
) -> nx.Graph:
    """Return the task–organisation bipartite graph built from query rows.

    Args:
        tasks: rows with ``task`` (id) and ``number``; optional ``doc``, ``document`` (文号),
            ``title``, ``text``, ``domain``, ``domain_number``, ``domain_label``.
        units: rows with ``task``, ``org`` and ``role`` (lead, responsible or domain_lead).
        organizations: rows with ``org``; optional ``label`` (canonical name), ``aliases``
            (``|``-joined), ``kind`` (class IRI) and ``collective``.
        deadlines: rows with ``task``; optional ``date`` (ISO), ``label`` and ``kind``.
        waits: rows with ``task``, ``wait``, ``kind`` (deployment or precondition), ``label``, ``level``.
        documents: rows with ``doc``; optional ``document`` and ``issued`` (ISO date).

    Returns:
        An undirected graph; task nodes have ``kind="task"`` and ``bipartite=0``, organisation
        nodes ``kind="organization"`` and ``bipartite=1``; each edge's ``roles`` is a sorted tuple.
        Rows naming unknown tasks are ignored; organisations missing from ``organizations`` get
        their IRI's last segment as ``label``.

    Example:
        >>> B = task_org_graph(
        ...     [{"task": "t1", "number": 1}, {"task": "t2", "number": 2}],
        ...     [{"task": "t1", "org": "A", "role": "lead"}, {"task": "t1", "org": "B", "role": "responsible"},
        ...      {"task": "t2", "org": "A", "role": "lead"}, {"task": "t2", "org": "A", "role": "domain_lead"}])
        >>> sorted(B.nodes), B.edges["t2", "A"]["roles"], B.nodes["t1"]["ref"]
        (['A', 'B', 't1', 't2'], ('domain_lead', 'lead'), 1)
    """
    B = nx.Graph()
    _add_tasks(B, tasks, documents)
    _add_units(B, units, organizations)
    _attach_deadlines(B, deadlines)
    _attach_waits(B, waits)
    return B


def _add_tasks(B: nx.Graph, tasks: Iterable[Mapping[str, Any]], documents: Iterable[Mapping[str, Any]]) -> None:
    docs = {d["doc"]: d for d in documents if d.get("doc")}
    task_rows = list(tasks)
    several = len({t.get("doc") for t in task_rows}) > 1
    for t in task_rows:
        number = t.get("number")
        doc_row = docs.get(t.get("doc"), {})
        document = t.get("document") or doc_row.get("document") or (_tail(t["doc"]) if t.get("doc") else None)
        B.add_node(
            t["task"], kind="task", bipartite=0, number=number,
            ref=f"{document}#{number}" if several else number,
            title=t.get("title") or "", text=t.get("text") or "",
            doc=t.get("doc"), document=document, issued=doc_row.get("issued"),
            domain=t.get("domain"), domain_number=t.get("domain_number"), domain_label=t.get("domain_label"),
            deadlines=(), waits=(),
        )


def _add_units(B: nx.Graph, units: Iterable[Mapping[str, Any]], organizations: Iterable[Mapping[str, Any]]) -> None:
    """Organisation nodes and their edges to the tasks, and on each task who takes part in it."""
    org_rows = {}
    for o in organizations:
        org_rows.setdefault(o["org"], o)  # one row per document: the first is as good as any
    roles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for u in units:
        if u["task"] in B and u.get("role") in ROLES:
            roles[(u["task"], u["org"])].add(u["role"])
    for (task, org), rs in roles.items():
        if org not in B:
            row = org_rows.get(org, {})
            aliases = tuple(sorted(a for a in (row.get("aliases") or "").split("|") if a))
            B.add_node(org, kind="organization", bipartite=1, label=row.get("label") or _tail(org),
                       aliases=aliases, org_class=_tail(row["kind"]) if row.get("kind") else None,
                       collective=bool(row.get("collective")))
        B.add_edge(task, org, roles=tuple(sorted(rs)))
    # Who takes part in each task, kept on the task node: every analysis asks it many times.
    # Read from the roles gathered above, not from the graph's edges (a corpus has 300,000).
    taking_part: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for (task, org), rs in roles.items():
        if rs & set(PARTICIPANT_ROLES):
            taking_part[task].append((org, "lead" if "lead" in rs else "responsible"))
    for t, kind in B.nodes(data="kind"):
        if kind == "task":
            B.nodes[t]["participants"] = tuple(sorted(taking_part.get(t, ())))


def _attach_deadlines(B: nx.Graph, deadlines: Iterable[Mapping[str, Any]]) -> None:
    per_task: dict[str, list[tuple[str | None, str, str]]] = defaultdict(list)
    for d in deadlines:
        if d["task"] in B:
            per_task[d["task"]].append((d.get("date"), d.get("label") or "", d.get("kind") or ""))
    for task, items in per_task.items():
        B.nodes[task]["deadlines"] = tuple(sorted(set(items), key=lambda x: (x[0] is None, x[0] or "", x[1])))


def _attach_waits(B: nx.Graph, waits: Iterable[Mapping[str, Any]]) -> None:
    """Each task's waits as (kind, label, levels): levels by their notation (kg.vocab), highest first."""
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for w in waits:
        if w["task"] not in B:
            continue
        key = (w["task"], w.get("wait") or w.get("label") or "")
        entry = grouped.setdefault(key, {"kind": w.get("kind") or "", "label": w.get("label") or "", "levels": set()})
        if w.get("level"):
            entry["levels"].add(level_notation(w["level"]) or _tail(w["level"]))
    per_task: dict[str, list[tuple[str, str, tuple[str, ...]]]] = defaultdict(list)
    for (task, _), e in grouped.items():
        levels = sorted(e["levels"], key=lambda lv: (-(level_rank(lv) if level_rank(lv) is not None else -1), lv))
        per_task[task].append((e["kind"], e["label"], tuple(levels)))
    for task, items in per_task.items():
        B.nodes[task]["waits"] = tuple(sorted(items))


def task_order(B: nx.Graph, task: str) -> tuple[str, int, str]:
    """Sort key of a task node: document, then task number."""
    a = B.nodes[task]
    return (str(a.get("doc") or ""), a.get("number") or 0, task)


def task_nodes(B: nx.Graph) -> list[str]:
    """Return the task nodes of ``B``, in document and task-number order."""
    return sorted((n for n, k in B.nodes(data="kind") if k == "task"), key=lambda n: task_order(B, n))


def organization_nodes(B: nx.Graph, *, include_collective: bool = True) -> list[str]:
    """Return the organisation nodes of ``B`` sorted by label; collective units only if asked."""
    orgs = [n for n, k in B.nodes(data="kind") if k == "organization"
            and (include_collective or not B.nodes[n].get("collective"))]
    return sorted(orgs, key=lambda n: (B.nodes[n].get("label") or "", n))


def participants(B: nx.Graph, task: str) -> dict[str, str]:
    """Return the organisations taking part in ``task`` with their role (lead wins over responsible).

    Example:
        >>> B = task_org_graph([{"task": "t", "number": 1}], [
        ...     {"task": "t", "org": "A", "role": "lead"}, {"task": "t", "org": "B", "role": "responsible"},
        ...     {"task": "t", "org": "C", "role": "domain_lead"}])
        >>> participants(B, "t")
        {'A': 'lead', 'B': 'responsible'}
    """
    known = B.nodes[task].get("participants")
    if known is not None:
        return dict(known)
    out = {}
    for org in sorted(B[task]):
        rs = B.edges[task, org]["roles"]
        if "lead" in rs:
            out[org] = "lead"
        elif "responsible" in rs:
            out[org] = "responsible"
    return out


def tasks_of(B: nx.Graph, org: str, role: str) -> list[str]:
    """Return the tasks ``org`` takes part in with ``role`` (as in ``participants`` for lead and
    responsible; as stated for domain_lead), in task order."""
    if role == "domain_lead":
        ts = [t for t in B[org] if "domain_lead" in B.edges[t, org]["roles"]]
    else:
        ts = [t for t in B[org] if participants(B, t).get(org) == role]
    return sorted(ts, key=lambda t: task_order(B, t))


def task_refs(B: nx.Graph, tasks: Iterable[str]) -> list[Any]:
    """Return the ``ref`` of each task (number, or 文号#number across plans), in task order."""
    return [B.nodes[t]["ref"] for t in sorted(set(tasks), key=lambda t: task_order(B, t))]


def collaboration_graph(B: nx.Graph) -> nx.Graph:
    """Return the organisation collaboration graph projected from the task–organisation graph.

    Two organisations are joined when both are lead or responsible units of the same task.

    Args:
        B: a graph from :func:`task_org_graph` (not modified).

    Returns:
        An undirected graph over every organisation node of ``B`` (label, collective flag and
        lead/responsible task counts copied). Each edge has ``weight`` (number of shared tasks),
        ``tasks`` (their ``ref``), ``task_ids`` and a count for each pair kind in ``PAIR_KINDS``.

    Example:
        >>> B = task_org_graph([{"task": "t1", "number": 1}, {"task": "t2", "number": 2}], [
        ...     {"task": "t1", "org": "A", "role": "lead"}, {"task": "t1", "org": "B", "role": "lead"},
        ...     {"task": "t2", "org": "A", "role": "lead"}, {"task": "t2", "org": "B", "role": "responsible"},
        ...     {"task": "t2", "org": "C", "role": "responsible"}])
        >>> G = collaboration_graph(B)
        >>> e = G.edges["A", "B"]
        >>> e["weight"], e["tasks"], e["lead_lead"], e["lead_responsible"]
        (2, (1, 2), 1, 1)
        >>> G.edges["B", "C"]["responsible_responsible"]
        1
    """
    G = nx.Graph()
    for org in organization_nodes(B):
        a = B.nodes[org]
        G.add_node(org, label=a.get("label"), collective=bool(a.get("collective")),
                   org_class=a.get("org_class"), lead=0, responsible=0)
    for task in task_nodes(B):
        parts = participants(B, task)
        for org, role in parts.items():
            G.nodes[org][role] += 1
        for u, v in combinations(sorted(parts), 2):
            kind = "_".join(sorted((parts[u], parts[v])))
            if not G.has_edge(u, v):
                G.add_edge(u, v, weight=0, task_ids=(), **{k: 0 for k in PAIR_KINDS})
            e = G.edges[u, v]
            e["weight"] += 1
            e["task_ids"] += (task,)
            e[kind] += 1
    for _, _, e in G.edges(data=True):
        e["tasks"] = tuple(B.nodes[t]["ref"] for t in e["task_ids"])
    return G


def real_organizations(G: nx.Graph) -> nx.Graph:
    """Return a read-only view of ``G`` without collective units, for rankings and bridges.

    Example:
        >>> G = nx.path_graph(["A", "X", "B"])
        >>> nx.set_node_attributes(G, {"X": True}, "collective")
        >>> sorted(real_organizations(G).nodes)
        ['A', 'B']
    """
    return G.subgraph(n for n, c in G.nodes(data="collective") if not c)


def find_organization(B: nx.Graph, name: str) -> str:
    """Return the organisation node named ``name``: its IRI, canonical name or one of its aliases.

    Raises:
        LookupError: no organisation has that name, or several do (across jurisdictions); the
            message lists up to five candidates.

    Example:
        >>> B = task_org_graph([{"task": "t", "number": 1}], [{"task": "t", "org": "o1", "role": "lead"}],
        ...     [{"org": "o1", "label": "县市场监督管理局", "aliases": "县市场监管局"}])
        >>> find_organization(B, "县市场监管局")
        'o1'
    """
    name = name.strip()
    if B.nodes.get(name, {}).get("kind") == "organization":
        return name
    orgs = organization_nodes(B)
    for match in (
        lambda n: B.nodes[n]["label"] == name,
        lambda n: name in B.nodes[n].get("aliases", ()),
        lambda n: name in B.nodes[n]["label"],
    ):
        hits = [n for n in orgs if match(n)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            shown = "; ".join(f"{B.nodes[n]['label']} <{n}>" for n in hits[:5])
            raise LookupError(f"{len(hits)} organisations match {name!r} (give an IRI): {shown}")
    raise LookupError(f"no organisation named {name!r} in the analysed plans")
